"""Walking a content root: what is loaded, what is skipped, and nothing hangs."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest

from reader.core.model import Item
from reader.core.store import (
    LoadProblem,
    NotADirectory,
    iter_files,
    load_directory,
    load_item,
)


def item_text(title: str) -> str:
    return f'---\ntitle: "{title}"\n---\n'


def put(root: Path, rel: str, title: str | None = None) -> Path:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(item_text(title or rel), encoding="utf-8")
    return path


def ids(root: Path) -> list[str]:
    return [i.id for i in load_directory(root).items]


def run_bounded(fn, *args, timeout: float = 5.0, fifo: Path | None = None):
    """Run ``fn`` in a thread; fail (instead of hanging the suite) when it blocks."""
    box: dict[str, object] = {}

    def target() -> None:
        try:
            box["value"] = fn(*args)
        except BaseException as exc:
            box["error"] = exc

    t = threading.Thread(target=target, daemon=True)
    t.start()
    t.join(timeout)
    if t.is_alive():
        if fifo is not None:  # release a reader blocked in open() on the FIFO
            fd = os.open(fifo, os.O_WRONLY | os.O_NONBLOCK)
            os.close(fd)
            t.join(2)
        pytest.fail(f"{getattr(fn, '__name__', fn)} blocked for more than {timeout}s")
    if "error" in box:
        raise box["error"]  # type: ignore[misc]
    return box["value"]


def test_loads_nested_files_with_relative_ids_in_sorted_order(tmp_path: Path) -> None:
    for rel in ("b.md", "a.md", "sub/z.txt", "sub/deeper/y.yaml"):
        put(tmp_path, rel)
    assert ids(tmp_path) == ["a.md", "b.md", "sub/deeper/y.yaml", "sub/z.txt"]
    assert load_directory(tmp_path).items[0].title == "a.md"


def test_hidden_folders_and_files_are_skipped(tmp_path: Path) -> None:
    put(tmp_path, "visible.md")
    put(tmp_path, ".hidden.md")
    put(tmp_path, ".git/objects.md")
    put(tmp_path, "sub/.cache/x.md")
    result = load_directory(tmp_path)
    assert [i.id for i in result.items] == ["visible.md"]
    assert result.skipped == 0 and not result.problems


def test_our_temp_files_are_skipped(tmp_path: Path) -> None:
    put(tmp_path, "a.md")
    put(tmp_path, "a.md.reader-tmp")
    put(tmp_path, "b.reader-tmp")
    (tmp_path / "half.md.reader-tmp").write_bytes(b"---\ntitle: [half writ")
    result = load_directory(tmp_path)
    assert [i.id for i in result.items] == ["a.md"]
    assert not result.problems


def test_fifo_is_skipped_and_does_not_block(tmp_path: Path) -> None:
    put(tmp_path, "a.md")
    fifo = tmp_path / "pipe.md"
    os.mkfifo(fifo)
    result = run_bounded(load_directory, tmp_path, fifo=fifo)
    assert [i.id for i in result.items] == ["a.md"]
    assert not result.problems


def test_load_item_refuses_a_fifo_without_blocking(tmp_path: Path) -> None:
    # `reader show pipe.md ROOT` must answer, not wait forever for a writer.
    fifo = tmp_path / "pipe.md"
    os.mkfifo(fifo)
    result = run_bounded(load_item, tmp_path, "pipe.md", timeout=3.0, fifo=fifo)
    assert isinstance(result, LoadProblem)


def test_symlink_to_a_file_outside_the_root_is_not_loaded(tmp_path: Path) -> None:
    root, outside = tmp_path / "root", tmp_path / "outside"
    put(root, "inside.md")
    secret = put(outside, "secret.md", "SECRET")
    (root / "link.md").symlink_to(secret)
    (root / "dirlink").symlink_to(outside, target_is_directory=True)
    result = load_directory(root)
    assert [i.id for i in result.items] == ["inside.md"]
    assert all(i.title != "SECRET" for i in result.items)
    assert isinstance(load_item(root, "link.md"), LoadProblem)
    assert isinstance(load_item(root, "dirlink/secret.md"), LoadProblem)


def test_symlinks_that_stay_inside_are_followed(tmp_path: Path) -> None:
    put(tmp_path, "real/a.md", "A")
    (tmp_path / "alias.md").symlink_to(tmp_path / "real" / "a.md")
    (tmp_path / "relative.md").symlink_to(Path("real") / "a.md")
    assert ids(tmp_path) == ["alias.md", "real/a.md", "relative.md"]


def test_symlink_loops_do_not_hang(tmp_path: Path) -> None:
    put(tmp_path, "a.md")
    put(tmp_path, "sub/b.md")
    (tmp_path / "sub" / "up").symlink_to(tmp_path, target_is_directory=True)
    (tmp_path / "sub" / "self").symlink_to(tmp_path / "sub", target_is_directory=True)
    (tmp_path / "loop.md").symlink_to(tmp_path / "loop.md")
    (tmp_path / "ping.md").symlink_to(tmp_path / "pong.md")
    (tmp_path / "pong.md").symlink_to(tmp_path / "ping.md")
    (tmp_path / "dangling.md").symlink_to(tmp_path / "missing.md")
    result = run_bounded(load_directory, tmp_path)
    assert [i.id for i in result.items] == ["a.md", "sub/b.md"]
    assert not result.problems


def test_files_without_front_matter_are_skipped_and_counted(tmp_path: Path) -> None:
    put(tmp_path, "a.md")
    (tmp_path / "README.md").write_text("# notes\n", encoding="utf-8")
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "notes.yaml").write_text("key: value\n", encoding="utf-8")
    (tmp_path / "data.json").write_text("{}", encoding="utf-8")  # not an item name: not counted
    result = load_directory(tmp_path)
    assert [i.id for i in result.items] == ["a.md"]
    assert result.skipped == 3
    assert not result.problems


def test_binary_junk_without_front_matter_is_reported(tmp_path: Path) -> None:
    (tmp_path / "junk.md").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    result = load_directory(tmp_path)
    assert [p.id for p in result.problems] == ["junk.md"]


@pytest.mark.skipif(os.geteuid() == 0, reason="root can read a chmod 000 file")
def test_unreadable_file_is_a_problem(tmp_path: Path) -> None:
    put(tmp_path, "ok.md")
    locked = put(tmp_path, "locked.md")
    locked.chmod(0)
    try:
        result = load_directory(tmp_path)
    finally:
        locked.chmod(0o644)
    assert [i.id for i in result.items] == ["ok.md"]
    assert [p.id for p in result.problems] == ["locked.md"]
    assert "cannot read" in result.problems[0].reason


def test_file_deleted_between_walk_and_read_is_just_gone(tmp_path: Path) -> None:
    from reader.core.store import GONE, load_file

    put(tmp_path, "gone.md")
    ref = next(iter_files(tmp_path))
    (tmp_path / "gone.md").unlink()
    assert load_file(ref) is GONE


def test_load_directory_ignores_a_file_deleted_after_the_listing(tmp_path: Path, monkeypatch) -> None:
    from reader.core import store

    put(tmp_path, "a.md", "Alpha")
    put(tmp_path, "b.md", "Beta")
    real_iter_files = store.iter_files

    def listing_then_delete(root, *args, **kwargs):
        refs = list(real_iter_files(root, *args, **kwargs))
        (tmp_path / "b.md").unlink()  # deleted between the listing and the read
        yield from refs

    monkeypatch.setattr(store, "iter_files", listing_then_delete)
    result = store.load_directory(tmp_path)
    assert [i.id for i in result.items] == ["a.md"]
    assert result.problems == [] and result.skipped == 0


def test_load_item_of_a_deleted_file_is_still_a_problem(tmp_path: Path) -> None:
    # Asked for by id (``reader show``), a missing file is an error, not silence.
    result = load_item(tmp_path, "gone.md")
    assert isinstance(result, LoadProblem) and "cannot read" in result.reason


def test_root_must_be_an_existing_directory(tmp_path: Path) -> None:
    with pytest.raises(NotADirectory):
        load_directory(tmp_path / "missing")
    f = put(tmp_path, "file.md")
    with pytest.raises(NotADirectory):
        load_directory(f)


def test_load_item_reads_one_item(tmp_path: Path) -> None:
    put(tmp_path, "sub/one.md", "One")
    item = load_item(tmp_path, "sub/one.md")
    assert isinstance(item, Item) and item.id == "sub/one.md" and item.title == "One"


@pytest.mark.parametrize("bad_id", ["../outside.md", "sub/../../outside.md", "./../outside.md"])
def test_load_item_refuses_ids_leaving_the_root(tmp_path: Path, bad_id: str) -> None:
    root = tmp_path / "root"
    put(root, "sub/in.md")
    put(tmp_path, "outside.md", "OUTSIDE")
    result = load_item(root, bad_id)
    assert isinstance(result, LoadProblem)
    assert "outside" in result.reason


def test_load_item_refuses_absolute_ids(tmp_path: Path) -> None:
    root = tmp_path / "root"
    put(root, "in.md")
    outside = put(tmp_path, "outside.md", "OUTSIDE")
    result = load_item(root, str(outside))
    assert isinstance(result, LoadProblem)


def test_load_item_missing_and_no_front_matter(tmp_path: Path) -> None:
    (tmp_path / "notes.md").write_text("plain\n", encoding="utf-8")
    missing = load_item(tmp_path, "nope.md")
    assert isinstance(missing, LoadProblem) and missing.id == "nope.md"
    plain = load_item(tmp_path, "notes.md")
    assert isinstance(plain, LoadProblem) and "front matter" in plain.reason


def test_problem_ids_are_sanitised(tmp_path: Path) -> None:
    (tmp_path / "evil\x1b[2J.md").write_bytes(b"---\ntitle: [bad\n---\n")
    (tmp_path / "evil\u202e.md").write_bytes(b"---\ntitle: [bad\n---\n")
    result = load_directory(tmp_path)
    assert len(result.problems) == 2
    for p in result.problems:
        assert "\x1b" not in str(p) and "\u202e" not in str(p)


def test_entries_mirror_items(tmp_path: Path) -> None:
    put(tmp_path, "a.md", "Alpha")
    result = load_directory(tmp_path)
    assert [(e.id, e.title) for e in result.entries] == [("a.md", "Alpha")]
