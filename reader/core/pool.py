"""Reading many files in a process pool, in order, falling back to this thread.

Spawned processes (never forked: the app has threads) read chunks of files
into rows while the calling thread reads the first chunk; at most two chunks
per worker are in flight (bounded memory). If the pool breaks -- a worker
killed, processes that cannot start -- the rest is read in this thread.
"""

from __future__ import annotations

import concurrent.futures as futures
import multiprocessing
import os
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from typing import TypeVar

from reader.core.parse_rows import parse_chunk

PARENT_POLL = 0.5  # seconds between a worker's looks at whether its parent is still there
POOL_THRESHOLD = 2_000  # fewer files to read than this: read them in this thread
FIRST_BATCH = 250  # read by the calling thread while the pool starts: a quick first paint

T = TypeVar("T")
Chunk = list[tuple[str, str, int, int]]


def pooled(chunks: Iterable[Chunk], n_workers: int, rows_to_batch: Callable[..., T],
           cancel: threading.Event | None) -> Iterator[T]:
    """The first chunk in this thread, the others in a (spawn) process pool, in order.

    ``chunks`` may be made as they are asked for (a listing in progress): at most
    two per worker are taken ahead. If the pool breaks (a worker killed, or
    processes that cannot start), the remaining chunks are read in this thread.
    """
    source: Iterator[Chunk | None] = iter(chunks)
    context = multiprocessing.get_context("spawn")  # never fork: the app has threads
    try:
        ensure_resource_tracker()
        pool = futures.ProcessPoolExecutor(max_workers=n_workers, mp_context=context,
                                           initializer=watch_parent, initargs=(os.getpid(),))
    except (OSError, ValueError, RuntimeError):  # no processes here: read everything here
        for chunk in source:
            if cancel is not None and cancel.is_set():
                return
            yield rows_to_batch(parse_chunk(chunk or []))
        return
    pending: deque[tuple[futures.Future, list]] = deque()
    here: deque[Chunk] = deque()  # chunks the pool would not take: read in this thread
    broken = False

    def submit() -> bool:
        """Hand the next chunk to the pool; False when there is none."""
        nonlocal broken
        chunk = next(source, None)
        if chunk is None:
            return False
        try:
            pending.append((pool.submit(parse_chunk, chunk), chunk))
        except Exception:  # BrokenProcessPool, RuntimeError: read it here
            here.append(chunk)
            broken = True
        return True

    try:
        first = next(source, None)
        if first is None:
            return
        # Queue work before reading the first chunk here, so the processes start
        # meanwhile; only a few chunks are in flight at a time (bounded memory).
        while not broken and len(pending) < n_workers * 2 and submit():
            pass
        yield rows_to_batch(parse_chunk(first))
        while True:
            if cancel is not None and cancel.is_set():
                return
            if pending:
                future, chunk = pending.popleft()
                if broken:  # the pool broke: this chunk (and the rest) here
                    result = parse_chunk(chunk)
                else:
                    try:
                        result = future.result()
                    except Exception:
                        broken = True
                        result = parse_chunk(chunk)
                    if not broken:
                        submit()
            elif here:
                result = parse_chunk(here.popleft())
            else:
                chunk = next(source, None)
                if chunk is None:
                    return
                result = parse_chunk(chunk)
            yield rows_to_batch(result)
    finally:
        for future, _chunk in pending:
            future.cancel()
        pool.shutdown(wait=True, cancel_futures=True)


def watch_parent(parent: int) -> None:
    """In a worker: end it once ``parent`` is gone.

    A killed app (SIGKILL, the OOM killer) never shuts its pool down, and a
    spawned worker holds both ends of its task queue's pipe, so it would wait
    for work for ever, adopted by init. A daemon thread notices the new parent.
    """
    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(PARENT_POLL)
        os._exit(0)

    threading.Thread(target=watch, name="watch-parent", daemon=True).start()


def ensure_resource_tracker() -> None:
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


def worker_count(workers: int | None, n_files: int) -> int:
    if workers is None:
        if n_files <= POOL_THRESHOLD:
            return 0
        workers = min(4, cpu_count())
        return workers if workers > 1 else 0
    return max(0, workers) if n_files > FIRST_BATCH else 0


def cpu_count() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # pragma: no cover - not Linux
        return os.cpu_count() or 1
