"""Loading several content roots as one collection: each root through its own
index and the same loader (``reader.core.loader.scan``), its ids labelled
(``reader.core.roots``). The roots are read one after the other; ``done`` and
``total`` count over all of them, and only the last root's last batch is
``finished``. No Textual here.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator

from reader.core.index import Index
from reader.core.loader import Batch, ScanReport, scan
from reader.core.roots import Roots, label_entries, label_ids, label_problems
from reader.core.watch import Reread

__all__ = ["label_batch", "label_reread", "scan_roots"]


def label_batch(label: str, batch: Batch) -> Batch:
    """``batch`` (of the root ``label``) with ids among all roots, in place."""
    label_entries(label, batch.entries)
    batch.problems = label_problems(label, batch.problems)
    batch.warnings = label_problems(label, batch.warnings)
    batch.removed = label_ids(label, batch.removed)
    return batch


def label_reread(label: str, reread: Reread) -> Reread:
    """What was read again in the root ``label``, with ids among all roots."""
    return Reread(
        label_entries(label, reread.entries),
        label_problems(label, reread.problems),
        label_ids(label, reread.removed),
        {f"{label}/{k}": v for k, v in reread.stamps.items()},
    )


def _add(total: ScanReport, part: ScanReport) -> None:
    for name in ("total", "from_index", "parsed", "fast", "yaml", "deleted", "skipped", "seconds"):
        setattr(total, name, getattr(total, name) + getattr(part, name))
    total.workers = max(total.workers, part.workers)
    total.index_used = total.index_used or part.index_used
    total.index_note = total.index_note or part.index_note
    total.warnings.extend(part.warnings)


def scan_roots(roots: Roots, *, use_index: bool = True, cancel: threading.Event | None = None,
               open_index: Callable[..., Index] = Index, **scan_kw: object) -> Iterator[Batch]:
    """Every root's batches in turn, labelled; the finished batch's report adds
    up the roots' reports. Each root's index is opened here and closed once it
    is read. Raises ``store.NotADirectory`` for a bad root when its turn comes."""
    report = ScanReport()
    before = 0  # files counted in the roots already read
    last = len(roots) - 1
    for n, (label, path) in enumerate(roots):
        index = open_index(path) if use_index else None
        try:
            done = 0
            for batch in scan(path, index=index, cancel=cancel, **scan_kw):  # type: ignore[arg-type]
                label_batch(label, batch)
                done = batch.done
                batch.done += before
                batch.total += before
                if batch.report is not None:
                    _add(report, batch.report)
                if batch.finished and n != last:
                    batch.finished, batch.report = False, None
                elif batch.finished:
                    batch.report = report
                yield batch
                if cancel is not None and cancel.is_set():
                    return
            before += done
        finally:
            if index is not None:
                index.close()
