#!/usr/bin/env python3
"""Reader-state benchmark: what marking one item read costs the UI thread at 100k items.

Usage:
    python bench/state_bench.py [CORPUS] [--runs R] [--read N] [--cache-dir DIR]

CORPUS defaults to /tmp/rb/corpus-100000-seed7 (``bench/make_corpus.py 100000
... --seed 7``); nothing in it is changed. The entries are loaded as the app
loads them (``load_all`` with an ``Index``; READER_CACHE_DIR in a temporary
folder unless ``--cache-dir``), the state file is a new one in a temporary
folder holding N items read already (default 30,000) and a few saved.

Timed, medians of R marks of different items:

* "mark one read (UI thread)": what the app does on the UI thread when an
  item has been on screen for a moment or N is pressed -- ``ReadMarks.mark_read``
  (the item's key, the in-memory sets, the write queued for the store's
  writer thread), the new unread count, and the read marks of 40 rows for
  the repaint;
* the same with the store writing on the calling thread (``background=False``),
  to show what the writer thread takes off the UI thread;
* one mark while another process holds the file's write lock for 50 ms
  (another reader marking a thousand items): with the writer thread, and
  with the store writing on the calling thread;
* the floor, in the same run: one minimal SQLite write (an ``INSERT OR
  REPLACE`` in its own transaction, WAL, synchronous=NORMAL) into a table of
  as many rows. The figures are also given as ratios to it.

With ``--app``, the same in the app itself (headless, ``run_test``, the
corpus loaded through the index in READER_CACHE_DIR): the synchronous part of
``N`` (``ReadingFlow.toggle_read``) and of the read-after-a-moment mark
(``_dwell_over``), each after a ``j``: the marks, the count, the sidebar's
label and the list's refresh request (the repaint itself follows in the
next frame, with every other change of that frame).

Also the off-thread work: opening the store, reading its marks (writer thread)
and ``compute`` (a worker: the read ids of 100k entries). Then the counts are
checked: the unread count kept up mark by mark equals a count made from
scratch (every entry's key asked of the store), before and after the state
file is read again from disk.
"""

from __future__ import annotations

import argparse
import os
import random
import sqlite3
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(REPO))

DEFAULT_CORPUS = "/tmp/rb/corpus-100000-seed7"
ROWS_ON_SCREEN = 40


def ms(seconds: float) -> float:
    return seconds * 1000


def median_ms(samples: list[float]) -> float:
    return ms(statistics.median(samples))


def sqlite_floor(folder: Path, rows: int, runs: int) -> list[float]:
    """One INSERT OR REPLACE per transaction in a WAL database of ``rows`` rows."""
    db = sqlite3.connect(folder / "floor.sqlite", isolation_level=None)
    db.execute("PRAGMA journal_mode = WAL")
    db.execute("PRAGMA synchronous = NORMAL")
    db.execute("CREATE TABLE t (key TEXT PRIMARY KEY, at REAL)")
    db.execute("BEGIN")
    db.executemany("INSERT INTO t VALUES (?, ?)", ((f"url:x.example/{i}", 1.0) for i in range(rows)))
    db.execute("COMMIT")
    samples = []
    for i in range(runs):
        t = time.perf_counter()
        db.execute("BEGIN IMMEDIATE")
        db.execute("INSERT OR REPLACE INTO t VALUES (?, ?)", (f"url:floor.example/{i}", time.time()))
        db.execute("COMMIT")
        samples.append(time.perf_counter() - t)
    db.close()
    return samples


def app_figures(corpus: str, runs: int) -> dict[str, list[float]]:
    import asyncio

    from reader.core.config import Config
    from reader.ui.app import create_app
    from reader.ui.widgets.article_list import ArticleList

    os.environ["READER_STATE_DIR"] = tempfile.mkdtemp(prefix="state-bench-app-")
    out: dict[str, list[float]] = {"N (toggle read)": [], "read after a moment": []}

    async def run() -> None:
        app = create_app(corpus, config=Config(), use_index=True)
        async with app.run_test(size=(120, 40)) as pilot:
            for _ in range(6000):
                await pilot.pause(0.05)
                if (app.total and app.progress is None and app.unread_count is not None
                        and not app.reading.marks.stale):
                    break
            for _ in range(runs):
                await pilot.press("j")
                await pilot.pause(0.02)
                t = time.perf_counter()
                app.reading.toggle_read()
                out["N (toggle read)"].append(time.perf_counter() - t)
                await pilot.pause()
            for _ in range(runs):
                await pilot.press("j")
                await pilot.pause(0.02)
                entry = app.query_one(ArticleList).highlighted
                assert entry is not None
                app.reading.stop_dwell()
                app.reading._showing = (entry.id, app.reading.clock() - 5)  # shown 5 s ago
                t = time.perf_counter()
                app.reading._dwell_over()
                out["read after a moment"].append(time.perf_counter() - t)
                await pilot.pause()

    asyncio.run(run())
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("corpus", nargs="?", default=DEFAULT_CORPUS)
    ap.add_argument("--runs", type=int, default=41)
    ap.add_argument("--read", type=int, default=30_000, help="items read already (default 30,000)")
    ap.add_argument("--cache-dir", help="READER_CACHE_DIR to use (and keep); default: a temporary one")
    ap.add_argument("--app", action="store_true", help="also time the marks in the app (headless)")
    a = ap.parse_args()

    os.environ["READER_CACHE_DIR"] = a.cache_dir or tempfile.mkdtemp(prefix="state-bench-cache-")
    from reader.core.index import Index
    from reader.core.loader import load_all
    from reader.core.reading import ReadMarks, key_of, keys_of
    from reader.core.state import StateStore

    t = time.perf_counter()
    index = Index(a.corpus)
    try:
        entries, _problems, _ = load_all(a.corpus, index=index)
    finally:
        index.close()
    print(f"loaded {len(entries)} entries in {time.perf_counter() - t:.1f} s")
    rng = random.Random(7)
    order = list(range(len(entries)))
    rng.shuffle(order)
    already = [entries[i] for i in order[: a.read]]
    to_mark = [entries[i] for i in order[a.read: a.read + a.runs]]
    plain_mark = [entries[i] for i in order[a.read + a.runs: a.read + 2 * a.runs]]

    with tempfile.TemporaryDirectory(prefix="state-bench-") as tmp:
        folder = Path(tmp)
        path = folder / "state.sqlite"
        seed = StateStore(path)
        keys, _ids = keys_of(already)
        seed.set_read(keys)
        seed.set_saved(keys[:500])
        seed.close()

        t = time.perf_counter()
        store = StateStore(path, background=True, load=False)
        opened = time.perf_counter() - t
        t = time.perf_counter()
        store.load_marks()
        store.loaded.wait()
        loaded = time.perf_counter() - t
        marks = ReadMarks(store)
        marks.follow(entries)
        t = time.perf_counter()
        computed = marks.compute(entries)
        compute_s = time.perf_counter() - t
        marks.install(computed)
        print(f"state: {len(store.read)} read, {len(store.saved)} saved; unread {marks.unread}")

        screen = entries[:ROWS_ON_SCREEN]
        samples = []
        for e in to_mark:
            t = time.perf_counter()
            marks.mark_read([e])
            _count = marks.unread
            for row in screen:
                marks.is_unread(row)
            samples.append(time.perf_counter() - t)
        store.flush()

        sync_store = StateStore(folder / "sync.sqlite")
        sync_store.set_read(keys)
        sync_marks = ReadMarks(sync_store)
        sync_marks.follow(entries)
        sync_marks.install(sync_marks.compute(entries))
        sync_samples = []
        for e in plain_mark:
            t = time.perf_counter()
            sync_marks.mark_read([e])
            _count = sync_marks.unread
            for row in screen:
                sync_marks.is_unread(row)
            sync_samples.append(time.perf_counter() - t)
        sync_store.close()

        def while_locked(target: ReadMarks, entry, hold: float = 0.05) -> float:
            """One mark while another connection holds the write lock for ``hold`` s."""
            other = sqlite3.connect(target.store.path, isolation_level=None, check_same_thread=False)
            other.execute("BEGIN IMMEDIATE")
            release = threading.Timer(hold, lambda: other.execute("COMMIT"))
            release.start()
            t = time.perf_counter()
            target.mark_read([entry])
            took = time.perf_counter() - t
            release.join()
            target.store.flush()
            other.close()
            return took

        locked_bg = while_locked(marks, entries[order[-1]])
        locked_sync = while_locked(ReadMarks(StateStore(folder / "sync.sqlite")), entries[order[-2]])

        floor = sqlite_floor(folder, len(store.read), a.runs)

        # Exact: the count kept mark by mark against one made from scratch.
        def from_scratch(read: set[str]) -> int:
            return sum(1 for e in entries if key_of(e) not in read)

        kept = marks.unread
        scratch = from_scratch(store.read)
        store.close()
        reopened = StateStore(path)
        on_disk = from_scratch(reopened.read)
        reopened.close()

    f = median_ms(floor)
    ui = median_ms(samples)
    sync = median_ms(sync_samples)
    print()
    print(f"{'':44} {'median ms':>10} {'max ms':>8} {'x floor':>8}")
    print(f"{'floor: one SQLite write (WAL, NORMAL)':44} {f:10.3f} {ms(max(floor)):8.3f} {1:8.1f}")
    print(f"{'mark one read, UI thread (writer thread)':44} {ui:10.3f} {ms(max(samples)):8.3f} {ui / f:8.1f}")
    print(f"{'mark one read, store writing in-thread':44} {sync:10.3f} {ms(max(sync_samples)):8.3f} "
          f"{sync / f:8.1f}")
    print(f"{'mark one read, file locked 50 ms (writer)':44} {ms(locked_bg):10.3f}")
    print(f"{'mark one read, file locked 50 ms (in-thread)':44} {ms(locked_sync):10.3f}")
    print()
    print(f"open the state file (UI thread, at start)       {ms(opened):8.1f} ms")
    print(f"read {a.read} marks (writer thread)           {ms(loaded):8.1f} ms")
    print(f"compute read ids of {len(entries)} entries (worker) {ms(compute_s):8.1f} ms")
    print()
    exact = kept == scratch == on_disk
    print(f"unread count kept {kept}, from scratch {scratch}, from the file again {on_disk}: "
          f"{'exact' if exact else 'WRONG'}")
    budget = ui <= 5.0
    if a.app:
        print()
        print(f"in the app, {a.runs} marks each (ms)        median    p95     max")
        for name, got in app_figures(a.corpus, a.runs).items():
            p95 = ms(sorted(got)[int(0.95 * (len(got) - 1))])
            print(f"  {name:36} {median_ms(got):8.3f} {p95:7.3f} {ms(max(got)):7.3f}")
            budget = budget and median_ms(got) <= 5.0
    print(f"budget (<= 5 ms on the UI thread): {'met' if budget else 'MISSED'}")
    return 0 if exact and budget else 1


if __name__ == "__main__":
    raise SystemExit(main())
