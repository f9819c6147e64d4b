"""The cache's files are the user's alone and are never written through a planted symlink:
the helper itself, then the index and the log that use it."""

from __future__ import annotations

import logging
import os
import sqlite3
import stat
from pathlib import Path

import pytest

from reader.core.index import Index, index_path
from reader.core.loader import load_all
from reader.core.private_files import narrow_existing, open_private, private_dir, write_private
from reader.logs import setup_app_logging

POSIX = os.name == "posix"
needs_modes = pytest.mark.skipif(not POSIX, reason="file modes are POSIX")
needs_symlinks = pytest.mark.skipif(not hasattr(os, "symlink") or not POSIX,
                                    reason="symlinks need POSIX here")


def mode(path: Path) -> int:
    return stat.S_IMODE(os.lstat(path).st_mode)


def victim_file(tmp_path: Path, kind: str) -> Path:
    """Something worth protecting, outside the cache."""
    victim = tmp_path / "victim" / f"{kind}.dat"
    victim.parent.mkdir()
    if kind == "database":  # another program's SQLite file: WAL mode would change it
        db = sqlite3.connect(victim)
        db.execute("CREATE TABLE precious (x)")
        db.execute("INSERT INTO precious VALUES ('keep me')")
        db.commit()
        db.close()
    elif kind == "empty":  # SQLite would happily make a database in it
        victim.write_bytes(b"")
    else:
        victim.write_text("important text\n", encoding="utf-8")
    victim.chmod(0o644)
    return victim


def snapshot(path: Path) -> tuple[bytes, int, int]:
    st = os.stat(path)
    return path.read_bytes(), stat.S_IMODE(st.st_mode), st.st_mtime_ns


# -- the helper ------------------------------------------------------------------------------

@needs_symlinks
def test_open_private_replaces_a_symlink_and_leaves_its_target_alone(tmp_path: Path) -> None:
    victim = victim_file(tmp_path, "text")
    before = snapshot(victim)
    link = tmp_path / "file"
    link.symlink_to(victim)
    fd = open_private(link, os.O_WRONLY | os.O_CREAT | os.O_APPEND)
    os.write(fd, b"mine")
    os.close(fd)
    assert snapshot(victim) == before
    assert not link.is_symlink() and link.read_bytes() == b"mine"


@needs_symlinks
def test_dangling_symlink_is_not_followed_to_create_a_file(tmp_path: Path) -> None:
    target = tmp_path / "elsewhere" / "created-by-us"
    target.parent.mkdir()
    link = tmp_path / "file"
    link.symlink_to(target)
    os.close(open_private(link))
    assert not target.exists() and link.is_file() and not link.is_symlink()


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_fifo_at_the_path_is_replaced_without_blocking(tmp_path: Path) -> None:
    path = tmp_path / "file"
    os.mkfifo(path)
    os.close(open_private(path, os.O_WRONLY | os.O_CREAT))
    assert stat.S_ISREG(os.lstat(path).st_mode)


def test_directory_at_the_path_is_refused(tmp_path: Path) -> None:
    (tmp_path / "file").mkdir()
    with pytest.raises(IsADirectoryError):
        open_private(tmp_path / "file")


def test_without_create_a_missing_file_is_not_made(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        open_private(tmp_path / "nope", os.O_RDONLY)
    narrow_existing(tmp_path / "nope")  # nothing there: nothing to do
    assert not (tmp_path / "nope").exists()


@needs_modes
def test_modes_new_and_narrowed(tmp_path: Path) -> None:
    nested = tmp_path / "a" / "b" / "c"
    assert private_dir(nested) == nested
    for folder in (tmp_path / "a", tmp_path / "a" / "b", nested):
        assert mode(folder) == 0o700
    os.close(open_private(nested / "new"))
    assert mode(nested / "new") == 0o600

    loose = tmp_path / "loose"
    loose.mkdir(mode=0o755)
    loose.chmod(0o755)
    (loose / "f").write_text("x")
    (loose / "f").chmod(0o644)
    private_dir(loose)
    narrow_existing(loose / "f")
    assert mode(loose) == 0o700 and mode(loose / "f") == 0o600

    write_private(tmp_path / "w" / "file", b"data")
    assert mode(tmp_path / "w") == 0o700 and mode(tmp_path / "w" / "file") == 0o600
    assert (tmp_path / "w" / "file").read_bytes() == b"data"
    assert os.listdir(tmp_path / "w") == ["file"]


def test_a_file_where_a_folder_should_be(tmp_path: Path) -> None:
    (tmp_path / "x").write_text("x")
    with pytest.raises(NotADirectoryError):
        private_dir(tmp_path / "x")


# -- the index -------------------------------------------------------------------------------

@pytest.fixture
def content(small_corpus: Path) -> Path:
    old = 1_600_000_000_000_000_000  # files not just written: their index rows are kept
    for i, path in enumerate(sorted(p for p in small_corpus.rglob("*") if p.is_file())):
        os.utime(path, ns=(old + i * 1000, old + i * 1000))
    return small_corpus


def load(root: Path, directory: Path):
    index = Index(root, directory=directory)
    try:
        return load_all(root, index=index)
    finally:
        index.close()


@needs_symlinks
@pytest.mark.parametrize("kind", ["database", "empty", "text"])
@pytest.mark.parametrize("suffix", ["", "-wal", "-shm", "-journal", ".lock"])
def test_symlink_at_an_index_path_leaves_the_victim_alone(
        content: Path, tmp_path: Path, kind: str, suffix: str) -> None:
    directory = tmp_path / "index"
    directory.mkdir()
    victim = victim_file(tmp_path, kind)
    before = snapshot(victim)
    link = Path(f"{index_path(content, directory)}{suffix}")
    link.symlink_to(victim)

    entries, problems, report = load(content, directory)
    assert report.index_used and len(entries) == 6 and len(problems) == 1
    assert snapshot(victim) == before
    if kind == "database":
        db = sqlite3.connect(victim)
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
        assert db.execute("SELECT x FROM precious").fetchall() == [("keep me",)]
        db.close()
    assert not link.is_symlink()
    assert load(content, directory)[2].parsed == 0  # and the index works


@needs_modes
def test_index_folder_and_files_are_private(content: Path, tmp_path: Path) -> None:
    directory = tmp_path / "cache" / "index"
    index = Index(content, directory=directory)
    try:
        load_all(content, index=index)
        path = index.path
        assert mode(tmp_path / "cache") == 0o700 and mode(directory) == 0o700
        siblings = [Path(f"{path}{s}") for s in ("", "-wal", "-shm", ".lock")]
        assert all(p.exists() for p in siblings)  # the WAL files while it is open
        assert {p.name[64:]: mode(p) for p in siblings} == {
            ".sqlite": 0o600, ".sqlite-wal": 0o600, ".sqlite-shm": 0o600, ".sqlite.lock": 0o600}
    finally:
        index.close()


@needs_modes
def test_index_made_before_files_were_private_is_narrowed(content: Path, tmp_path: Path) -> None:
    directory = tmp_path / "index"
    load(content, directory)
    path = index_path(content, directory)
    directory.chmod(0o755)
    path.chmod(0o644)
    Path(f"{path}.lock").chmod(0o644)
    assert load(content, directory)[2].parsed == 0  # the same index, kept
    assert mode(directory) == 0o700 and mode(path) == 0o600
    assert mode(Path(f"{path}.lock")) == 0o600


# -- the log ---------------------------------------------------------------------------------

@pytest.fixture
def reader_logger():
    logger = logging.getLogger("reader")
    saved = (list(logger.handlers), logger.level, logger.propagate)
    yield logger
    for handler in list(logger.handlers):
        logger.removeHandler(handler)
        handler.close()
    logger.handlers[:], logger.level, logger.propagate = saved[0], saved[1], saved[2]


@needs_symlinks
def test_symlink_at_the_log_path_leaves_the_victim_alone(tmp_path: Path, reader_logger) -> None:
    cache = tmp_path / "cache"
    cache.mkdir()
    victim = victim_file(tmp_path, "text")
    before = snapshot(victim)
    (cache / "reader.log").symlink_to(victim)

    path = setup_app_logging(cache)
    reader_logger.error("a line for the log")
    for handler in reader_logger.handlers:
        handler.flush()
    assert snapshot(victim) == before
    assert path is not None and not path.is_symlink()
    assert "a line for the log" in path.read_text(encoding="utf-8")


@needs_symlinks
def test_log_rotation_does_not_write_through_symlinks(tmp_path: Path, reader_logger) -> None:
    cache = tmp_path / "cache"
    victim = victim_file(tmp_path, "text")
    before = snapshot(victim)
    path = setup_app_logging(cache)
    assert path is not None
    handler = reader_logger.handlers[0]
    for name in ("reader.log.1", "reader.log.2"):
        (cache / name).symlink_to(victim)
    handler.maxBytes = 200  # type: ignore[attr-defined]
    for n in range(20):
        reader_logger.error("line %d %s", n, "x" * 40)
    handler.flush()
    assert snapshot(victim) == before
    for name in ("reader.log", "reader.log.1"):
        assert (cache / name).is_file() and not (cache / name).is_symlink()


@needs_modes
def test_log_folder_and_file_are_private(tmp_path: Path, reader_logger) -> None:
    cache = tmp_path / "new" / "cache"
    path = setup_app_logging(cache)
    reader_logger.error("x")
    assert path is not None
    assert mode(tmp_path / "new") == 0o700 and mode(cache) == 0o700 and mode(path) == 0o600

    old = tmp_path / "old"
    old.mkdir()
    old.chmod(0o755)
    for name in ("reader.log", "reader.log.1"):
        (old / name).write_text("old\n")
        (old / name).chmod(0o644)
    setup_app_logging(old)
    assert mode(old) == 0o700
    assert mode(old / "reader.log") == 0o600 and mode(old / "reader.log.1") == 0o600
