"""Feeding the app from the core's streaming loader (runs in a worker thread).

Batches are merged so that entries reach the catalog (and the list) at most
every ``interval`` seconds, less often as the catalog grows -- re-sorting 100k
entries per 2,000-item batch would be wasted work -- with the progress passed
on in between; the first batch is passed on at once: that is the first paint.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from reader.core.index import Index
from reader.core.loader import Batch, scan
from reader.core.roots import Roots
from reader.core.roots_load import scan_roots


def merged(batches: Iterator[Batch], interval: float = 0.25, slowest: float = 2.0,
           large: int = 100_000, clock: Callable[[], float] = time.monotonic) -> Iterator[Batch]:
    """Merge batches; the gap between deliveries grows with what was delivered
    (from ``interval`` up to ``slowest`` at ``large`` entries), since every
    delivery costs work in proportion to the whole catalog (a new snapshot, its
    sort order, a redrawn list). In between, at most every ``interval``, an empty
    batch carries only the progress (``done``/``total``): cheap to show."""
    pending: Batch | None = None
    last = told = 0.0
    first = True
    delivered = 0
    for batch in batches:
        if pending is None:
            pending = batch
        else:
            _merge(pending, batch)
        now = clock()
        gap = interval + (slowest - interval) * min(1.0, delivered / large)
        if first or pending.finished or now - last >= gap:
            delivered += len(pending.entries)
            yield pending
            pending, last, told, first = None, now, now, False
        elif now - told >= interval:
            told = now
            yield Batch(done=pending.done, total=pending.total)
    if pending is not None:
        yield pending


def is_progress(batch: Batch) -> bool:
    """A batch that only says how far the load has got (see ``merged``)."""
    return not (batch.entries or batch.problems or batch.removed or batch.warnings or batch.finished)


def _merge(into: Batch, batch: Batch) -> None:
    if batch.removed:
        gone = set(batch.removed)
        into.entries = [e for e in into.entries if e.id not in gone]
        into.problems = [p for p in into.problems if p.id not in gone]
        into.warnings = [w for w in into.warnings if w.id not in gone]
        into.removed.extend(batch.removed)
    into.entries.extend(batch.entries)
    into.problems.extend(batch.problems)
    into.warnings.extend(batch.warnings)
    into.done, into.total = batch.done, batch.total
    into.finished, into.report = batch.finished, batch.report


def load_into(root: Path | Roots, deliver: Callable[[Batch], None], *, use_index: bool = True,
              cancel: threading.Event | None = None) -> None:
    """Scan ``root`` (with the persistent index unless turned off) and deliver
    batches; several ``Roots``: each through its own index, ids labelled."""
    if isinstance(root, Roots):
        for batch in merged(scan_roots(root, use_index=use_index, cancel=cancel)):
            deliver(batch)
            if cancel is not None and cancel.is_set():
                return
        return
    index = Index(root) if use_index else None
    try:
        for batch in merged(scan(root, index=index, cancel=cancel)):
            deliver(batch)
            if cancel is not None and cancel.is_set():
                return
    finally:
        if index is not None:
            index.close()
