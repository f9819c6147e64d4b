"""Many processes editing the same items, and writers killed at random points.

The full-size runs (8 x 200 edits, many more kills, with timings) are
``bench/edit_stress.py``; these are smaller versions of the same checks.
"""

from __future__ import annotations

import multiprocessing
import os
import random
import shutil
from pathlib import Path

import pytest

from reader.core import audit, edit, files, fmedit, store
from reader.core.store import TEMP_SUFFIX
from tests.conftest import load_bench

SHARED = Path(__file__).resolve().parents[2] / "shared"
SOURCES = [
    *sorted((SHARED / "seed").glob("*.txt"))[:1],
    *sorted((SHARED / "real-items").glob("*.md"))[:1],
    *sorted((SHARED / "real-items" / "powerapps").glob("*.md"))[:1],
]
PROCESSES = 8
EDITS = 200  # per process here (half publish, half topics); 200 in bench/edit_stress.py


def meaning(data: bytes) -> tuple[dict, str]:
    parsed = store.read_front_matter(data)
    assert parsed is not None
    return parsed[0], parsed[1]


def lines_without(data: bytes, *keys: str) -> list[bytes]:
    """The lines of ``data`` minus each key's lines (key line, then indented or '-' lines)."""
    out, skipping = [], False
    for line in data.splitlines(keepends=True):
        if any(line.startswith(k.encode() + b":") for k in keys):
            skipping = True
            continue
        if skipping and (line[:1] == b" " or line[:2] in (b"- ", b"-\n")) and line.strip():
            continue
        skipping = False
        out.append(line)
    return out


def _editor(args: tuple[list[str], str, int, int]) -> tuple[list[tuple[str, str]], int]:
    paths, root, worker, edits = args
    rng = random.Random(worker)
    added: list[tuple[str, str]] = []
    changed = 0
    for i in range(edits):
        path = rng.choice(paths)
        if i % 2:
            topic = f"w{worker}-{i}"
            result = edit.add_topic(path, topic, root=root, user=f"editor{worker}", timeout=60)
            added.append((path, topic))
        else:
            value = rng.random() < 0.5
            result = edit.set_published(path, value, root=root, user=f"editor{worker}", timeout=60)
        changed += result.changed
    return added, changed


@pytest.mark.skipif(len(SOURCES) < 3, reason="../shared is not there")
def test_processes_editing_the_same_items_lose_nothing(tmp_path: Path) -> None:
    paths = []
    for i, source in enumerate(SOURCES):
        path = tmp_path / f"{i}-{source.name}"
        shutil.copyfile(source, path)
        paths.append(str(path))
    originals = {p: Path(p).read_bytes() for p in paths}
    jobs = [(paths, str(tmp_path), w, EDITS) for w in range(PROCESSES)]
    with multiprocessing.get_context("fork").Pool(PROCESSES) as pool:
        outcomes = pool.map_async(_editor, jobs).get(timeout=300)  # fail, never hang
    added = [pair for pairs, _ in outcomes for pair in pairs]
    changed = sum(n for _, n in outcomes)
    assert len(added) == PROCESSES * (EDITS // 2)
    for path in paths:
        data = Path(path).read_bytes()
        raw, body = meaning(data)  # every file parses
        before_raw, before_body = meaning(originals[path])
        topics = fmedit.current_value(raw, "topics")
        mine = [t for p, t in added if p == path]
        assert set(mine) <= set(topics)  # type: ignore[arg-type]
        assert isinstance(fmedit.current_value(raw, "published"), bool)
        assert body == before_body
        assert {k: v for k, v in raw.items() if k not in ("published", "topics")} == {
            k: v for k, v in before_raw.items() if k not in ("published", "topics")}
        fields = ("published", "topics")
        assert lines_without(data, *fields) == lines_without(originals[path], *fields)
    records, damaged = audit.read_audit(tmp_path)
    assert damaged == 0 and len(records) == changed
    assert not [n for n in os.listdir(tmp_path) if n.endswith(TEMP_SUFFIX)]


KILLS = 100


def test_a_writer_killed_at_random_points_leaves_the_old_or_the_new_file(tmp_path: Path) -> None:
    """SIGKILL a process that keeps rewriting an item: never a torn or empty file."""
    stress = load_bench("edit_stress")
    path = tmp_path / "item.md"
    old = f"---\ntitle: x\npublished: false  # c\ntopics:\n  - AI\n---\n{stress.long_body()}".encode()
    path.write_bytes(old)
    new = fmedit.plan_published(old, True).data
    rng = random.Random(7)
    seen = {old: 0, new: 0}
    temps_left = 0
    for _ in range(KILLS):
        stress.kill_a_writer(path, rng, max_delay=0.004)
        data = path.read_bytes()
        assert data in seen, f"torn file: {len(data)} bytes"
        seen[data] += 1
        with files.item_lock(path, timeout=0):  # the dead writer's lock is gone
            pass
        temps_left += len([n for n in os.listdir(tmp_path) if n.endswith(TEMP_SUFFIX)])
        files.remove_stale_temps(tmp_path, max_age=-1)
    assert seen[old] + seen[new] == KILLS
    assert not [n for n in os.listdir(tmp_path) if n.endswith(TEMP_SUFFIX)]
    assert [i.id for i in store.load_directory(tmp_path).items] == ["item.md"]
