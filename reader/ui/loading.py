"""Loading items for the app in batches (runs in a worker thread)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from reader.core.model import Entry
from reader.core.store import LoadProblem, load_directory


@dataclass(frozen=True)
class LoadBatch:
    entries: list[Entry] = field(default_factory=list)
    problems: list[LoadProblem] = field(default_factory=list)
    done: int = 0
    total: int = 0
    finished: bool = False


def load_batches(root: Path, *, use_index: bool = True) -> Iterator[LoadBatch]:
    result = load_directory(root)
    n = len(result.items) + len(result.problems)
    yield LoadBatch(result.entries, result.problems, n, n, finished=True)
