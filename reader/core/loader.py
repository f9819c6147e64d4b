"""Loading a content folder into entries, in batches, fast: index, fast path, processes.

``scan(root)`` yields what the persistent index holds first (no parsing, no
waiting for the folder listing), then lists the files, corrects that first
batch (``Batch.removed``: files gone or changed) and reads only the changed and
new files -- through ``fastparse`` with the YAML parser as the fallback, in a
process pool when there are many. It yields ``Batch``es as it goes, so a caller
(the app's worker thread) can show entries long before the last file is read.
Stopping the iteration stops the scan: the pool is shut down, its processes gone.

Workers return rows (``index.COLUMNS`` tuples), not items: small to pickle,
ready to store, and turned into ``Entry`` objects in the calling process.
"""

from __future__ import annotations

import concurrent.futures as futures
import contextlib
import gc
import itertools
import multiprocessing
import os
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from reader.core import frontmatter, normalize
from reader.core.index import (
    ENTRY, PROBLEM, RACY_NS, SEP, SKIPPED, UNKNOWN_MTIME, UNREADABLE, BadRow, Index,
    IndexRebuilt, IndexUnavailable, Row, RowDecoder, problem_row, skipped_row,
)
from reader.core.model import Entry, build_search_text, pack_urls
from reader.core.sanitize import sanitize
from reader.core.store import LoadProblem, Skipped, iter_files, read_bytes, read_front_matter

_REREAD = (-1, -1, UNREADABLE)  # a damaged index row: matches no file, read it again
POOL_THRESHOLD = 2_000  # fewer files to read than this: read them in this thread
FIRST_BATCH = 250  # read by the calling thread while the pool starts: a quick first paint


@dataclass(slots=True)
class ScanReport:
    """What a scan did (on the last batch): for the status line, the bench and tests."""

    total: int = 0
    from_index: int = 0
    parsed: int = 0
    fast: int = 0  # parsed by fastparse
    yaml: int = 0  # parsed by the YAML fallback (fastparse unsure; bad files included)
    deleted: int = 0  # index rows dropped because their file is gone
    skipped: int = 0  # files without front matter
    workers: int = 0  # processes used (0: all in the calling thread)
    index_used: bool = False
    index_note: str | None = None  # why the index was rebuilt or not used
    seconds: float = 0.0


@dataclass(slots=True)
class Batch:
    entries: list[Entry] = field(default_factory=list)
    problems: list[LoadProblem] = field(default_factory=list)
    done: int = 0  # files accounted for so far (entries, problems and skipped files)
    total: int = 0  # files found
    finished: bool = False
    report: ScanReport | None = None  # on the finished batch
    # Ids of entries/problems yielded earlier (from the index) that are stale:
    # drop them before adding this batch's entries and problems (see ``scan``).
    removed: list[str] = field(default_factory=list)


# -- one file ----------------------------------------------------------------------

_URL_FIELDS = ("originalUrl", "webUrl", "ampWebUrl", "cdnAmpWebUrl")


def _provider_label(value: Any) -> str:
    """``Provider.label`` of ``normalize.provider(value)``."""
    provider = normalize.provider(value)
    return provider.label if provider else ""


def entry_row(item_id: str, size: int, mtime_ns: int, data: dict) -> Row:
    """The index row of ``Entry.from_item(normalize.item(item_id, data, body))``.

    Only the entry's fields are computed (no related items, images or body),
    the search text and packed URLs included: the calling process only decodes.
    """
    heat, unscored = normalize.heat(data.get("heat"))
    published = normalize.boolean(data.get("published"))
    published_at = normalize.timestamp(data.get("publishedDateTime"))
    urls: list[str] = []
    for name in _URL_FIELDS:
        u = normalize.url(data.get(name))
        if u and u not in urls:
            urls.append(u)
    title = normalize.text(data.get("title"), entities=True)
    provider = _provider_label(data.get("provider"))
    topics = normalize.topics(data.get("topics"))
    excerpt = normalize.excerpt(data.get("excerpt"))
    return (
        item_id, size, mtime_ns, ENTRY,
        title,
        provider,
        published_at.isoformat() if published_at is not None else None,
        heat,
        normalize.score(data.get("quality")),
        None if published is None else int(published),
        SEP.join(topics),
        pack_urls(urls),
        build_search_text(title, excerpt, provider, topics),
        int(unscored),
        None,
    )


NOT_PARSED, FAST, YAML = 0, 1, 2  # how parse_file read a file
# The row kind of a file deleted between the listing and the read: it is just
# not there (no entry, no problem), and such a row is never stored.
GONE = -1


def parse_file(item_id: str, path: str, size: int, mtime_ns: int) -> tuple[Row, int]:
    """One file → (row, FAST/YAML/NOT_PARSED); never raises."""
    try:
        data = read_bytes(path)
    except FileNotFoundError:
        return problem_row(item_id, size, mtime_ns, "deleted", GONE), NOT_PARSED
    except OSError as exc:
        return problem_row(item_id, size, mtime_ns, f"cannot read: {exc.strerror or exc}",
                           UNREADABLE), NOT_PARSED
    how = NOT_PARSED
    try:
        parsed = read_front_matter(data)
        if parsed is None:
            return skipped_row(item_id, size, mtime_ns), NOT_PARSED
        how = FAST if parsed[2] else YAML
        return entry_row(item_id, size, mtime_ns, parsed[0]), how
    except frontmatter.FrontMatterError as exc:
        reason = str(exc)
    except Exception as exc:  # a bug must not take the whole load down
        reason = f"unexpected error: {type(exc).__name__}: {exc}"
    return problem_row(item_id, size, mtime_ns, reason), how


def parse_chunk(chunk: Sequence[tuple[str, str, int, int]]) -> tuple[list[Row], int, int]:
    """Worker entry point: rows for (id, path, size, mtime_ns) tuples; fast and YAML counts."""
    rows = []
    counts = [0, 0, 0]
    for ref in chunk:
        row, how = parse_file(*ref)
        rows.append(row)
        counts[how] += 1
    return rows, counts[FAST], counts[YAML]


# -- a folder ------------------------------------------------------------------------

def scan(
    root: Path | str,
    *,
    index: Index | None = None,
    batch_size: int = 2_000,
    workers: int | None = None,
    cancel: threading.Event | None = None,
    index_first: bool = True,
    verify: bool = False,
    on_skip: Callable[[Skipped], object] | None = None,
) -> Iterator[Batch]:
    """Load ``root`` in batches; the last one has ``finished`` set and a ``report``.

    With an index and ``index_first`` (the default), the first batch is every
    entry and problem the index holds, before the folder is listed (``done``
    and ``total`` are then provisional: the index's row count). The next batch,
    once the listing is done, carries ``removed``: the ids of those entries and
    problems whose file is gone or changed (a changed file comes back, read
    again, in a later batch). A consumer applies ``removed`` before adding a
    batch's entries and problems. With ``index_first=False`` nothing is ever
    removed: the first batch holds only what is still current, after the listing.

    With nothing to show from the index (a cold start), the first
    ``FIRST_BATCH`` files are read as soon as they are listed, so the first
    paint does not wait for the whole listing; that batch's ``total`` is
    provisional too.

    The files read now follow in batches of ``batch_size``, in listing order
    (the very first is short when nothing was shown yet: a quick first paint).

    ``index``: use and update this persistent index (``None``: read everything).
    The scan opens it if needed and leaves it open (the caller closes it); if
    it is locked or broken the scan carries on without it and says why in
    ``report.index_note``.
    ``workers``: processes for reading many files (``None``: one per CPU, at
    most 4, when more than ``POOL_THRESHOLD`` files need reading; ``0``: none).
    ``cancel``: when set, the scan stops at the next batch boundary.
    ``verify`` (``reader check``): open every file the index says is unchanged,
    so one made unreadable since (same size and mtime) is read again and
    reported; one ``open`` per file, which a normal start does not pay.
    ``on_skip``: passed to ``store.iter_files`` (what the listing skipped, and why).
    Raises ``store.NotADirectory`` (before the first batch) for a bad root.
    Stop iterating (or ``close()`` the generator) to abandon the scan: the
    process pool, if any, is shut down before ``close()`` returns.
    """
    started = time.perf_counter()
    started_ns = time.time_ns()
    report = ScanReport()
    decoder = RowDecoder()
    files = iter_files(root, on_skip)
    first_file = next(files, None)  # NotADirectory is raised here, before any batch

    # What the index holds, decoded in one pass. (The folder is listed after
    # this, not meanwhile: a listing thread would fight this one for the GIL.)
    # The index is untrusted: a row that does not decode is not shown and its
    # file is read again (its id gets a size no file has); a damaged file is
    # emptied by the index itself (IndexRebuilt), and then every file is read.
    entries: list[Entry] = []
    problems: list[LoadProblem] = []
    known: dict[str, tuple[int, int, int]] = {}  # id -> (size, mtime_ns, kind)
    if index is not None:
        bad = 0
        try:
            index.open()
            decode = decoder.decode
            with _gc_paused():
                for row in index.iter_rows():
                    try:
                        decoded = decode(row)
                    except BadRow:
                        known[row[0]] = _REREAD
                        bad += 1
                        continue
                    known[row[0]] = (row[1], row[2], row[3])
                    if isinstance(decoded, Entry):
                        entries.append(decoded)
                    elif decoded is not None:
                        problems.append(decoded)
            report.index_used = True
            report.index_note = index.rebuilt or (
                f"{bad} damaged index rows dropped; their files were read again" if bad else None)
        except IndexRebuilt:
            report.index_used = True
            report.index_note = index.rebuilt
            entries, problems, known = [], [], {}
        except IndexUnavailable as exc:
            report.index_note = str(exc)
            index = None
            entries, problems, known = [], [], {}
    shown = False
    if index_first and (entries or problems):
        yield Batch(entries, problems, len(known), len(known))
        shown = True
        entries, problems = [], []
        if cancel is not None and cancel.is_set():
            return

    # The listing, compared with the index as it goes (no list of all files kept).
    total = 0
    done = 0
    listed = False  # until the listing ends, ``total`` is provisional
    early = 0  # files read during the listing (a cold start's first paint)
    todo: list[tuple[str, str, int, int]] = []
    stale: list[tuple[str, int]] = []  # (id, kind) of index rows no longer current
    cold = not shown and not known

    def rows_to_batch(result: tuple[list[Row], int, int]) -> Batch:
        nonlocal index, done
        rows, fast, yaml = result
        batch = Batch(total=total)
        store: list[Row] = []
        for row in rows:
            kind = row[3]
            if kind == ENTRY:
                batch.entries.append(decoder.entry(row))
            elif kind == SKIPPED:
                report.skipped += 1
            elif kind == GONE:
                continue  # deleted since the listing: neither shown nor stored
            else:
                batch.problems.append(decoder.problem(row))
            if index is not None and kind != UNREADABLE:
                if row[2] >= started_ns - RACY_NS:
                    row = (row[0], row[1], UNKNOWN_MTIME) + row[3:]
                store.append(row)
        report.parsed += len(rows)
        report.fast += fast
        report.yaml += yaml
        if index is not None and store:
            index = _write(index, store, (), report)
        done += len(rows)
        batch.done = done
        if listed and done == total:
            batch.finished, batch.report = True, _finish(report, started)
        return batch

    for ref in itertools.chain(() if first_file is None else (first_file,), files):
        total += 1
        k = known.pop(ref.id, None)
        if k is not None:
            if k[0] == ref.size and k[1] == ref.mtime_ns and (not verify or _openable(ref.path)):
                if k[2] == SKIPPED:
                    report.skipped += 1
                continue
            stale.append((ref.id, k[2]))
        todo.append((ref.id, ref.path, ref.size, ref.mtime_ns))
        if cold and not early and len(todo) == FIRST_BATCH:
            # Nothing to show yet and listing 100k files takes most of a second:
            # read the first few now, so the first paint does not wait for it.
            early = len(todo)
            yield rows_to_batch(parse_chunk(todo))
            shown = True
            todo = []
            if cancel is not None and cancel.is_set():
                return
    listed = True
    report.total = total
    deleted = list(known)
    stale.extend((item_id, k[2]) for item_id, k in known.items())
    known.clear()
    done = total - len(todo)
    report.from_index = done - early
    report.deleted = len(deleted)
    if index is not None and deleted:
        index = _write(index, (), deleted, report)
    removed = [
        item_id if kind == ENTRY else sanitize(item_id)
        for item_id, kind in stale
        if kind in (ENTRY, PROBLEM)
    ]
    if not shown and removed:
        gone = set(removed)
        entries = [e for e in entries if e.id not in gone]
        problems = [p for p in problems if p.id not in gone]
        removed = []
    if done > early or removed or not todo:
        finished = not todo
        yield Batch(entries, problems, done, total, finished,
                    _finish(report, started) if finished else None, removed)
        if finished:
            return
    del entries, problems, removed, stale

    # Nothing shown yet: make the first batch short.
    first = FIRST_BATCH if done == 0 and not shown else batch_size
    chunks = deque([todo[:first]])
    chunks.extend(todo[i:i + batch_size] for i in range(first, len(todo), batch_size))
    del todo
    n_workers = _worker_count(workers, total - done)
    report.workers = n_workers
    if n_workers == 0:
        while chunks:
            if cancel is not None and cancel.is_set():
                return
            yield rows_to_batch(parse_chunk(chunks.popleft()))
        return
    yield from _pooled(chunks, n_workers, rows_to_batch, cancel)


def _openable(path: str) -> bool:
    """Can the file be opened for reading now? (O_NONBLOCK: a FIFO must not block.)"""
    try:
        os.close(os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0)))
    except OSError:
        return False
    return True


@contextlib.contextmanager
def _gc_paused() -> Iterator[None]:
    """Building 100k objects triggers full collections for nothing: pause the collector."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _pooled(chunks: deque, n_workers: int, rows_to_batch, cancel) -> Iterator[Batch]:
    """The first chunk in this thread, the others in a (spawn) process pool, in order.

    If the pool breaks (a worker killed, or processes that cannot start), the
    remaining chunks are read in this thread instead.
    """
    context = multiprocessing.get_context("spawn")  # never fork: the app has threads
    try:
        _ensure_resource_tracker()
        pool = futures.ProcessPoolExecutor(max_workers=n_workers, mp_context=context)
    except (OSError, ValueError, RuntimeError):  # no processes here: read everything here
        for chunk in chunks:
            if cancel is not None and cancel.is_set():
                return
            yield rows_to_batch(parse_chunk(chunk))
        return
    pending: deque[tuple[futures.Future, list]] = deque()
    first = chunks.popleft()
    broken = False

    def submit() -> None:
        nonlocal broken
        chunk = chunks.popleft()
        try:
            pending.append((pool.submit(parse_chunk, chunk), chunk))
        except Exception:  # BrokenProcessPool, RuntimeError: read it here
            chunks.appendleft(chunk)
            broken = True

    try:
        # Queue work before reading the first chunk here, so the processes start
        # meanwhile; only a few chunks are in flight at a time (bounded memory).
        while chunks and not broken and len(pending) < n_workers * 2:
            submit()
        yield rows_to_batch(parse_chunk(first))
        while pending or chunks:
            if cancel is not None and cancel.is_set():
                return
            if pending and not broken:
                future, chunk = pending.popleft()
                try:
                    result = future.result()
                except Exception:  # the pool broke: this chunk and the rest here
                    broken = True
                    result = parse_chunk(chunk)
                if chunks and not broken:
                    submit()
            else:
                if pending:
                    chunk = pending.popleft()[1]
                else:
                    chunk = chunks.popleft()
                result = parse_chunk(chunk)
            yield rows_to_batch(result)
    finally:
        for future, _chunk in pending:
            future.cancel()
        pool.shutdown(wait=True, cancel_futures=True)


def _ensure_resource_tracker() -> None:
    """Start multiprocessing's resource tracker with a real stderr.

    The tracker process is handed ``sys.stderr.fileno()``; under a Textual app
    ``sys.stderr`` is a capture object whose descriptor is not valid, and
    starting any process pool would fail ("bad value(s) in fds_to_keep").
    """
    from multiprocessing import resource_tracker

    try:
        valid = sys.stderr is not None and sys.stderr.fileno() >= 0
    except (AttributeError, OSError, ValueError):
        valid = False
    if valid or sys.__stderr__ is None:
        resource_tracker.ensure_running()
        return
    saved = sys.stderr
    sys.stderr = sys.__stderr__
    try:
        resource_tracker.ensure_running()
    finally:
        sys.stderr = saved


def _worker_count(workers: int | None, n_files: int) -> int:
    if workers is None:
        if n_files <= POOL_THRESHOLD:
            return 0
        workers = min(4, _cpu_count())
        return workers if workers > 1 else 0
    return max(0, workers) if n_files > FIRST_BATCH else 0


def _cpu_count() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # pragma: no cover - not Linux
        return os.cpu_count() or 1


def _write(index: Index, rows, deleted, report: ScanReport) -> Index | None:
    try:
        index.write(rows, deleted)
        return index
    except IndexUnavailable as exc:
        report.index_note = str(exc)
        report.index_used = False
        index.close()
        return None


def _finish(report: ScanReport, started: float) -> ScanReport:
    report.seconds = time.perf_counter() - started
    return report


def load_all(root: Path | str, *, index: Index | None = None, workers: int | None = None,
             batch_size: int = 2_000, verify: bool = False,
             on_skip: Callable[[Skipped], object] | None = None,
             ) -> tuple[list[Entry], list[LoadProblem], ScanReport]:
    """The whole folder at once (the CLI): entries, problems, report.

    Also the reference for consuming ``scan``: drop ``removed``, then add.
    ``verify`` and ``on_skip``: see ``scan``.
    """
    entries: dict[str, Entry] = {}
    problems: dict[str, LoadProblem] = {}
    report = ScanReport()
    for batch in scan(root, index=index, workers=workers, batch_size=batch_size,
                      verify=verify, on_skip=on_skip):
        for item_id in batch.removed:
            entries.pop(item_id, None)
            problems.pop(item_id, None)
        for entry in batch.entries:
            entries[entry.id] = entry
        for problem in batch.problems:
            problems[problem.id] = problem
        if batch.report is not None:
            report = batch.report
    return list(entries.values()), list(problems.values()), report


__all__ = ["Batch", "ScanReport", "scan", "load_all", "parse_file", "parse_chunk", "entry_row"]
