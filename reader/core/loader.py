"""Loading a content folder into entries, in batches, fast: index, fast path, processes.

``scan(root)`` yields what the persistent index holds first (no parsing, no
waiting for the folder listing), then lists the files, corrects that first
batch (``Batch.removed``: files gone or changed) and reads only the changed and
new files -- through ``fastparse`` with the YAML parser as the fallback, in a
process pool when there are many. It yields ``Batch``es as it goes, so a caller
(the app's worker thread) can show entries long before the last file is read.
Stopping the iteration stops the scan: the pool is shut down, its processes gone.

Workers return rows (``index.COLUMNS`` tuples, see ``reader.core.parse_rows``),
not items; the process pool is ``reader.core.pool``.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from reader.core.index import (
    ENTRY,
    PROBLEM,
    RACY_NS,
    SKIPPED,
    UNKNOWN_MTIME,
    UNREADABLE,
    Index,
    IndexUnavailable,
    Row,
    RowDecoder,
)
from reader.core.index_scan import NEVER, FromIndex, read_index, stamp
from reader.core.model import Entry
from reader.core.parse_rows import GONE, parse_chunk
from reader.core.pool import FIRST_BATCH, POOL_THRESHOLD, Chunk, pooled, worker_count
from reader.core.sanitize import sanitize
from reader.core.store import LoadProblem, Skipped, check_root, iter_files


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
    warnings: list[LoadProblem] = field(default_factory=list)  # load_all: every entry's warnings


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
    # Warnings about some of this batch's entries (a key written twice...): the
    # file loaded, but ``reader check`` says what looks wrong in it.
    warnings: list[LoadProblem] = field(default_factory=list)


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
    holder = [index]  # the index in use (None once it failed); the scan updates it
    yield from _scan(root, holder, batch_size, workers, cancel, index_first, verify, on_skip)
    if holder[0] is not None and not (cancel is not None and cancel.is_set()):
        # Finished: the first-screen indexes are made once (a pass over the table)
        # rather than kept up to date while a first start fills it row by row.
        with contextlib.suppress(IndexUnavailable):
            holder[0].ensure_view_indexes()


def _scan(root: Path | str, holder: list[Index | None], batch_size: int, workers: int | None,
          cancel: threading.Event | None, index_first: bool, verify: bool,
          on_skip: Callable[[Skipped], object] | None) -> Iterator[Batch]:
    index = holder[0]
    started = time.perf_counter()
    started_ns = time.time_ns()
    report = ScanReport()
    decoder = RowDecoder()
    check_root(root)  # NotADirectory is raised here, before any batch

    # What the index holds, decoded in one pass. (The folder is listed after
    # this, not meanwhile: a listing thread would fight this one for the GIL.)
    held = FromIndex()
    if index is not None:
        held = read_index(index, decoder)
        report.index_used, report.index_note = held.used, held.note
        if held.unavailable:
            index = holder[0] = None
    entries, problems, warnings, known = held.entries, held.problems, held.warnings, held.known
    del held
    shown = False
    if index_first and (entries or problems):
        yield Batch(entries, problems, len(known), len(known), warnings=warnings)
        shown = True
        entries, problems, warnings = [], [], []
        if cancel is not None and cancel.is_set():
            return

    total = 0
    done = 0
    listed = False  # until the listing ends, ``total`` is provisional
    # With nothing in the index to compare with, the listing need not stat each
    # file: the reader takes its size and mtime from the file it opens.
    refs = iter_files(root, on_skip, stat_files=bool(known))

    def rows_to_batch(result: tuple[list[Row], int, int]) -> Batch:
        nonlocal index, done
        rows, fast, yaml = result
        batch = Batch(total=total)
        store: list[Row] = []
        for row in rows:
            kind = row[3]
            if kind == ENTRY:
                batch.entries.append(decoder.made(row))  # our workers' rows: no checks
                if row[14]:
                    warned = decoder.warning(row)
                    if warned is not None:
                        batch.warnings.append(warned)
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
            index = holder[0] = _write(index, store, (), report)
        done += len(rows)
        batch.done = done
        if listed and done == total:
            batch.finished, batch.report = True, _finish(report, started)
        return batch

    if not shown and not known:
        # A first start: nothing to compare with, so files are read as they are
        # listed -- the pool's processes start at once and never wait for the
        # listing (most of a second at 100k), and no list of every file is kept.
        ahead = list(itertools.islice(refs, POOL_THRESHOLD + 1))
        n_workers = worker_count(workers, len(ahead))
        report.workers = n_workers

        total = len(ahead)
        listed = total <= POOL_THRESHOLD  # the whole folder is in ``ahead``
        report.total = total

        def listing() -> Iterator[Chunk]:
            nonlocal total, listed
            size = FIRST_BATCH  # the first chunk is short: a quick first paint
            chunk: Chunk = []
            for seen, ref in enumerate(itertools.chain(ahead, refs), 1):
                total = max(total, seen)
                chunk.append((ref.id, ref.path, ref.size, ref.mtime_ns))
                if len(chunk) == size:
                    yield chunk
                    chunk, size = [], batch_size
            listed = True
            report.total = total
            if chunk or not total:
                yield chunk

        if n_workers:
            chunks = listing()
            # The short first chunk before the pool starts (spawning processes and
            # handing them chunks takes a moment): a quick first paint.
            first = next(chunks, None)
            if first is not None:
                yield rows_to_batch(parse_chunk(first))
                if cancel is not None and cancel.is_set():
                    return
            yield from pooled(chunks, n_workers, rows_to_batch, cancel)
            return
        for chunk in listing():
            if cancel is not None and cancel.is_set():
                return
            yield rows_to_batch(parse_chunk(chunk))
        return

    # The listing, compared with the index as it goes (no list of all files kept).
    todo: list[tuple[str, str, int, int]] = []
    stale: list[tuple[str, int]] = []  # (id, kind) of index rows no longer current
    for ref in refs:
        total += 1
        k = known.pop(ref.id, None)
        if k is not None:
            if k >> 2 == stamp(ref.size, ref.mtime_ns) != NEVER and (not verify or _openable(ref.path)):
                if k & 3 == SKIPPED:
                    report.skipped += 1
                continue
            stale.append((ref.id, k & 3))
        todo.append((ref.id, ref.path, ref.size, ref.mtime_ns))
    listed = True
    report.total = total
    deleted = list(known)
    stale.extend((item_id, k & 3) for item_id, k in known.items())
    known.clear()
    done = total - len(todo)
    report.from_index = done
    report.deleted = len(deleted)
    if index is not None and deleted:
        index = holder[0] = _write(index, (), deleted, report)
    removed = [
        item_id if kind == ENTRY else sanitize(item_id)
        for item_id, kind in stale
        if kind in (ENTRY, PROBLEM)
    ]
    if not shown and removed:
        gone = set(removed)
        entries = [e for e in entries if e.id not in gone]
        problems = [p for p in problems if p.id not in gone]
        warnings = [w for w in warnings if w.id not in gone]
        removed = []
    if done or removed or not todo:
        finished = not todo
        yield Batch(entries, problems, done, total, finished,
                    _finish(report, started) if finished else None, removed, warnings)
        if finished:
            return
    del entries, problems, warnings, removed, stale

    # Nothing shown yet: make the first batch short.
    head = FIRST_BATCH if done == 0 and not shown else batch_size
    parts = [todo[:head]]
    parts.extend(todo[i:i + batch_size] for i in range(head, len(todo), batch_size))
    del todo
    n_workers = worker_count(workers, total - done)
    report.workers = n_workers
    if n_workers == 0:
        for part in parts:
            if cancel is not None and cancel.is_set():
                return
            yield rows_to_batch(parse_chunk(part))
        return
    yield from pooled(parts, n_workers, rows_to_batch, cancel)


def _openable(path: str) -> bool:
    """Can the file be opened for reading now? (O_NONBLOCK: a FIFO must not block.)"""
    try:
        os.close(os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0)))
    except OSError:
        return False
    return True


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
    warnings: dict[str, LoadProblem] = {}
    report = ScanReport()
    for batch in scan(root, index=index, workers=workers, batch_size=batch_size,
                      verify=verify, on_skip=on_skip):
        for item_id in batch.removed:
            entries.pop(item_id, None)
            problems.pop(item_id, None)
            warnings.pop(item_id, None)
        for entry in batch.entries:
            entries[entry.id] = entry
            warnings.pop(entry.id, None)
        for problem in batch.problems:
            problems[problem.id] = problem
        for warning in batch.warnings:
            warnings[warning.id] = warning
        if batch.report is not None:
            report = batch.report
    report.warnings = sorted(warnings.values(), key=lambda w: w.id)
    return list(entries.values()), list(problems.values()), report


__all__ = ["Batch", "ScanReport", "load_all", "scan"]
