"""Live reload in the core: which ids changed, and reading them again."""

from __future__ import annotations

import os
import queue
import threading
from pathlib import Path

import pytest

from reader.core.index import Index
from reader.core.loader import load_all
from reader.core.watch import Changes, changed_since, classify, read_changes, watch_changes
from tests.conftest import write_item


def test_classify_keeps_item_files_and_folders_and_drops_hidden_and_temp(tmp_path: Path) -> None:
    root = tmp_path
    (root / "sub").mkdir()
    (root / "sub" / "a.md").write_text("---\ntitle: a\n---\n")
    paths = [
        root / "sub" / "a.md", root / "sub", root / "gone-folder", root / "notes.png",
        root / ".reader" / "audit.jsonl", root / ".git" / "index", root / "sub" / ".a.md.x.reader-tmp",
        root / "b.md.reader-tmp", root / "sub" / ".hidden.md", root.parent / "outside.md",
    ]
    (root / "notes.png").write_bytes(b"x")
    got = classify(str(root), map(str, paths))
    assert got.ids == {"sub/a.md"}
    assert got.dirs == {"sub", "gone-folder"}


def corpus(tmp_path: Path) -> Path:
    root = tmp_path / "content"
    write_item(root, "a.md", title="Alpha", heat=5)
    write_item(root, "d/b.md", title="Beta", heat=6)
    write_item(root, "d/c.md", title="Gamma", heat=7)
    return root


def test_read_changes_reads_changed_added_and_removed_files(tmp_path: Path) -> None:
    root = corpus(tmp_path)
    entries, _, _ = load_all(root)
    known = {e.id for e in entries}
    write_item(root, "a.md", title="Alpha two", heat=50)
    write_item(root, "new.md", title="New")
    (root / "d" / "b.md").unlink()
    (root / "bad.md").write_text("---\ntitle: [unclosed\n---\n")
    (root / "plain.md").write_text("no front matter\n")
    got = read_changes(root, Changes(frozenset({"a.md", "new.md", "d/b.md", "bad.md", "plain.md"})),
                       lambda prefix: [i for i in known if i.startswith(prefix)])
    assert {e.id: e.title for e in got.entries} == {"a.md": "Alpha two", "new.md": "New"}
    assert sorted(got.removed) == ["bad.md", "d/b.md", "plain.md"]
    assert [p.id for p in got.problems] == ["bad.md"]


def test_a_folder_that_goes_takes_its_items_and_one_that_comes_brings_them(tmp_path: Path) -> None:
    root = corpus(tmp_path)
    entries, _, _ = load_all(root)
    known = {e.id for e in entries}
    os.rename(root / "d", tmp_path / "moved-away")
    got = read_changes(root, Changes(dirs=frozenset({"d"})),
                       lambda prefix: [i for i in known if i.startswith(prefix)])
    assert sorted(got.removed) == ["d/b.md", "d/c.md"] and not got.entries
    os.rename(tmp_path / "moved-away", root / "e")
    got = read_changes(root, Changes(dirs=frozenset({"e"})), lambda prefix: [])
    assert sorted(e.id for e in got.entries) == ["e/b.md", "e/c.md"]


def test_read_changes_updates_the_index(tmp_path: Path) -> None:
    root = corpus(tmp_path)
    with Index(root) as index:
        load_all(root, index=index)
    write_item(root, "a.md", title="Alpha again", heat=1)
    with Index(root) as index:
        read_changes(root, Changes(frozenset({"a.md"})), lambda p: [], index)
        rows = index.rows()
    assert rows["a.md"][4] == "Alpha again"


@pytest.mark.parametrize("polling", [False, True], ids=["native", "polling"])
def test_watch_changes_reports_a_file_written_by_someone_else(tmp_path: Path, polling: bool) -> None:
    root = corpus(tmp_path)
    got: queue.Queue[Changes] = queue.Queue()
    stop = threading.Event()
    thread = threading.Thread(target=watch_changes, args=(root, got.put, stop),
                              kwargs={"force_polling": polling, "debounce_ms": 50}, daemon=True)
    thread.start()
    try:
        seen: set[str] = set()
        # The watcher may start after the first write: write until it reports (waits on the event).
        for attempt in range(40):
            write_item(root, "d/new.md", title=f"New {attempt}")
            try:
                while True:
                    seen |= got.get(timeout=0.5).ids
            except queue.Empty:
                pass
            if "d/new.md" in seen:
                break
        assert "d/new.md" in seen
    finally:
        stop.set()
        thread.join(timeout=10)
    assert not thread.is_alive()


def test_watch_changes_falls_back_to_polling_when_the_native_watcher_fails(tmp_path, monkeypatch) -> None:
    import watchfiles

    real_watch = watchfiles.watch
    calls: list[object] = []
    polling_started = threading.Event()

    def failing(*args, **kwargs):
        calls.append(kwargs.get("force_polling"))
        if not kwargs.get("force_polling"):
            raise OSError(28, "inotify watch limit reached")
        polling_started.set()
        return real_watch(*args, **kwargs)

    monkeypatch.setattr(watchfiles, "watch", failing)
    notes: list[str] = []
    stop = threading.Event()
    thread = threading.Thread(target=watch_changes, args=(tmp_path, lambda c: None, stop),
                              kwargs={"on_note": notes.append}, daemon=True)
    thread.start()
    assert polling_started.wait(timeout=30)
    stop.set()
    thread.join(timeout=10)
    assert not thread.is_alive()
    assert calls == [None, True]
    assert notes and "polling" in notes[0]


def test_a_file_deleted_between_the_stat_and_the_read_is_just_gone(tmp_path: Path, monkeypatch) -> None:
    import reader.core.watch as watch_mod

    root = corpus(tmp_path)
    real_parse = watch_mod.parse_file

    def delete_first(item_id, path, size, mtime_ns):
        os.unlink(path)
        return real_parse(item_id, path, size, mtime_ns)

    monkeypatch.setattr(watch_mod, "parse_file", delete_first)
    got = read_changes(root, Changes(frozenset({"a.md"})), lambda prefix: [])
    assert got.removed == ["a.md"] and not got.problems and not got.entries


def test_read_changes_gives_the_stamp_of_what_it_read(tmp_path: Path) -> None:
    root = corpus(tmp_path)
    st = (root / "a.md").stat()
    got = read_changes(root, Changes(frozenset({"a.md"})), lambda prefix: [])
    assert got.stamps == {"a.md": (st.st_size, st.st_mtime_ns)}


def test_changed_since_finds_recent_new_and_gone_files(tmp_path: Path) -> None:
    root = corpus(tmp_path)
    old = 1_000_000_000_000_000_000
    for path in root.rglob("*.md"):
        os.utime(path, ns=(old, old))
    import time

    since = time.time_ns()
    write_item(root, "d/b.md", title="Beta changed")  # modified now
    write_item(root, "fresh.md", title="New")  # new
    got = changed_since(root, since, ["a.md", "d/b.md", "d/c.md", "gone.md"])
    assert got.ids == {"d/b.md", "fresh.md", "gone.md"}
