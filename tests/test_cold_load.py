"""A first start (no index): files are read as they are listed, each read asks for
what is there, and the app is fed entries now and then with the progress in between."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from reader.core import frontmatter, store
from reader.core.index import ENTRY, Index, RowDecoder
from reader.core.loader import load_all, scan
from reader.core.parse_rows import parse_chunk
from reader.core.pool import POOL_THRESHOLD
from reader.core.store import iter_files, read_bytes
from reader.ui.loading import is_progress, merged
from tests.conftest import SAMPLE, shared_dir, write_item

LIMIT = frontmatter.MAX_FILE_BYTES


# -- reading a file -------------------------------------------------------------------------

@pytest.mark.parametrize("size", [0, 1, 4095, 4096, 65537, LIMIT - 1, LIMIT, LIMIT + 1, LIMIT + 70_000])
def test_read_bytes_reads_the_file_up_to_one_byte_past_the_cap(tmp_path: Path, size: int) -> None:
    path = tmp_path / "f.md"
    data = os.urandom(size)
    path.write_bytes(data)
    assert read_bytes(str(path)) == data[:LIMIT + 1]


def test_read_bytes_reads_on_when_the_file_grew_after_it_was_looked_at(tmp_path: Path, monkeypatch) -> None:
    path = tmp_path / "f.md"
    data = b"---\ntitle: grown\n---\n" + b"x" * 200_000
    path.write_bytes(data)
    real_fstat = os.fstat

    class Smaller:
        def __init__(self, st: os.stat_result) -> None:
            self.st_mode, self.st_size = st.st_mode, 10  # what it was a moment ago
            self.st_mtime_ns = st.st_mtime_ns

    monkeypatch.setattr(store.os, "fstat", lambda fd: Smaller(real_fstat(fd)))
    assert read_bytes(str(path)) == data


@pytest.mark.parametrize("size", [0, 1, 4096, 70_000])
def test_a_file_of_the_size_fstat_gave_is_read_in_one_call(tmp_path: Path, monkeypatch, size: int) -> None:
    path = tmp_path / "f.md"
    data = os.urandom(size)
    path.write_bytes(data)
    calls: list[int] = []
    real_read = os.read

    def counted(fd: int, n: int) -> bytes:
        calls.append(n)
        return real_read(fd, n)

    monkeypatch.setattr(store.os, "read", counted)
    assert store.read_file(str(path)) == (data, size, os.stat(path).st_mtime_ns)
    assert calls == [size + 1]  # one byte more asked for, none given: that was the end


def test_read_bytes_refuses_what_is_not_a_regular_file(tmp_path: Path) -> None:
    with pytest.raises(OSError):
        read_bytes(str(tmp_path))


# -- rows our workers made ----------------------------------------------------------------------

def test_rows_the_workers_make_become_the_same_entries_without_checks() -> None:
    refs = []
    for root in (SAMPLE, shared_dir() / "real-items", shared_dir() / "seed"):
        refs += [(r.id, r.path, r.size, r.mtime_ns) for r in iter_files(root)]
    rows, _fast, _yaml = parse_chunk(refs)
    entry_rows = [row for row in rows if row[3] == ENTRY]
    assert len(entry_rows) > 20
    checked, trusted = RowDecoder(), RowDecoder()
    for row in entry_rows:
        made = trusted.made(row)
        assert made == checked.decode(row)
        assert made.provider is checked.decode(row).provider  # shared strings, as decode gives
        assert made.topics is trusted.made(row).topics


# -- a first start reads while it lists ---------------------------------------------------------

def _folder(root: Path, n: int) -> Path:
    for i in range(n):
        write_item(root, f"d{i % 5}/i{i:05d}.md", title=f"Item {i}", heat=i % 100)
    return root


def test_a_first_start_reads_files_before_the_listing_has_ended(tmp_path: Path, monkeypatch) -> None:
    root = _folder(tmp_path / "c", POOL_THRESHOLD + 900)
    listed: list[str] = []
    real = iter_files

    def watched(*args, **kwargs):
        for ref in real(*args, **kwargs):
            listed.append(ref.id)
            yield ref

    monkeypatch.setattr("reader.core.loader.iter_files", watched)
    batches = scan(root, workers=0, batch_size=500)
    first, second = next(batches), next(batches)
    # Read as listed: not only a short first batch for the first paint, the next
    # ones too, while the listing has not reached the end.
    assert first.entries and second.entries and len(listed) < POOL_THRESHOLD + 900
    rest = list(batches)
    assert rest[-1].finished and rest[-1].total == POOL_THRESHOLD + 900
    assert all(b.done <= b.total for b in [first, second, *rest])
    assert sum(len(b.entries) for b in [first, second, *rest]) == POOL_THRESHOLD + 900


def test_a_first_start_in_processes_lists_everything_once(tmp_path: Path) -> None:
    root = _folder(tmp_path / "c", POOL_THRESHOLD + 300)
    (root / "notes.md").write_text("no front matter\n", encoding="utf-8")
    (root / "bad.md").write_text("---\ntitle: [unclosed\n---\n", encoding="utf-8")
    entries, problems, report = load_all(root, workers=2, batch_size=400)
    assert len(entries) == len({e.id for e in entries}) == POOL_THRESHOLD + 300
    assert [p.id for p in problems] == ["bad.md"]
    assert report.total == POOL_THRESHOLD + 302 and report.skipped == 1 and report.workers == 2
    assert report.parsed == POOL_THRESHOLD + 302


class _CountedEntry:
    """A DirEntry that counts the ``stat`` calls made on it."""

    def __init__(self, entry: os.DirEntry, calls: list[str]) -> None:
        self._entry, self._calls = entry, calls

    def __getattr__(self, name: str):
        return getattr(self._entry, name)

    def stat(self, **kwargs):
        self._calls.append(self._entry.name)
        return self._entry.stat(**kwargs)


def _count_stats(monkeypatch) -> list[str]:
    calls: list[str] = []
    real = os.scandir

    class Listing:
        def __init__(self, path) -> None:
            self._it = real(path)

        def __enter__(self):
            return (_CountedEntry(e, calls) for e in self._it)

        def __exit__(self, *exc) -> None:
            self._it.close()

    monkeypatch.setattr(store.os, "scandir", Listing)
    return calls


def test_a_first_start_stats_no_file_and_stores_the_stamps_of_what_it_read(
        tmp_path: Path, monkeypatch) -> None:
    root = _folder(tmp_path / "c", 40)
    for i in range(40):  # older than the index's racy window
        os.utime(root / f"d{i % 5}/i{i:05d}.md", ns=(10**18 + i, 10**18 + i))
    stats = _count_stats(monkeypatch)
    index = Index(root, directory=tmp_path / "ix")
    try:
        entries, _problems, report = load_all(root, index=index, workers=0)
        assert report.parsed == 40 and len(entries) == 40
        assert stats == []  # the listing took each file's kind from the folder
        on_disk = {f"d{i % 5}/i{i:05d}.md": os.stat(root / f"d{i % 5}/i{i:05d}.md") for i in range(40)}
        rows = index.rows()
        assert {k: (r[1], r[2]) for k, r in rows.items()} == {
            k: (st.st_size, st.st_mtime_ns) for k, st in on_disk.items()}
        # A warm start compares the listing with those stamps (a stat each) and reads nothing.
        _entries, _problems, report = load_all(root, index=index, workers=0)
        assert report.parsed == 0 and report.from_index == 40
        assert sorted(n for n in stats if n.endswith(".md")) == sorted(p.rsplit("/", 1)[1] for p in on_disk)
    finally:
        index.close()


# -- feeding the app ----------------------------------------------------------------------------

def test_entries_are_passed_on_now_and_then_and_the_progress_in_between(tmp_path: Path) -> None:
    root = _folder(tmp_path / "c", 60)
    batches = list(scan(root, workers=0, batch_size=5))  # 250 first, then ... : one batch here
    assert len(batches) == 1
    # A fake load: 10 batches of 5 entries, a clock that moves 0.1 s per batch.
    made = []
    for i in range(10):
        b = batches[0].__class__(entries=batches[0].entries[i * 5:(i + 1) * 5], done=(i + 1) * 5,
                                 total=50, finished=i == 9)
        made.append(b)
    expected = [e.id for b in made for e in b.entries]
    first = made[0]
    ticks = iter([i * 0.1 for i in range(100)])
    out = list(merged(iter(made), interval=0.25, slowest=1.0, large=40, clock=lambda: next(ticks)))
    with_entries = [b for b in out if not is_progress(b)]
    progress = [b for b in out if is_progress(b)]
    assert sum(len(b.entries) for b in with_entries) == 50  # every entry passed on, once
    assert [e.id for b in with_entries for e in b.entries] == expected
    assert with_entries[0] is first and with_entries[-1].finished
    assert len(with_entries) < len(made)  # merged
    assert progress and all(b.done <= b.total == 50 for b in progress)
    dones = [b.done for b in out]
    assert dones == sorted(dones)  # the progress never goes back
