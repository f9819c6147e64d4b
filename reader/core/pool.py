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
from collections import deque
from collections.abc import Callable, Iterator
from typing import TypeVar

from reader.core.parse_rows import parse_chunk

POOL_THRESHOLD = 2_000  # fewer files to read than this: read them in this thread
FIRST_BATCH = 250  # read by the calling thread while the pool starts: a quick first paint

T = TypeVar("T")
Chunk = list[tuple[str, str, int, int]]


def pooled(chunks: deque[Chunk], n_workers: int, rows_to_batch: Callable[..., T],
           cancel: threading.Event | None) -> Iterator[T]:
    """The first chunk in this thread, the others in a (spawn) process pool, in order.

    If the pool breaks (a worker killed, or processes that cannot start), the
    remaining chunks are read in this thread instead.
    """
    context = multiprocessing.get_context("spawn")  # never fork: the app has threads
    try:
        ensure_resource_tracker()
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
