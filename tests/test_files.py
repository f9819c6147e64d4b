"""Atomic writes, stale temp cleanup and the per-item sidecar lock (reader.core.files)."""

from __future__ import annotations

import errno
import os
import signal
import stat
import tempfile
from pathlib import Path

import pytest

from reader.core import files
from reader.core.files import Conflict, EditError, LockTimeout, WriteError
from reader.core.store import TEMP_SUFFIX, iter_files, load_directory

OLD = b'---\ntitle: "old"\npublished: false\n---\nbody\n'
NEW = b'---\ntitle: "new"\npublished: true\n---\nbody\n'


def item(tmp_path: Path, data: bytes = OLD, name: str = "a.md", mode: int = 0o644) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    path.chmod(mode)
    return path


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(TEMP_SUFFIX))


# -- atomic write ---------------------------------------------------------------


def test_atomic_write_replaces_the_content_and_keeps_the_mode(tmp_path: Path) -> None:
    path = item(tmp_path, mode=0o640)
    st = files.atomic_write(path, NEW)
    assert path.read_bytes() == NEW
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
    assert (st.st_size, st.st_ino) == (len(NEW), path.stat().st_ino)
    assert leftovers(tmp_path) == []


@pytest.mark.skipif(os.geteuid() != 0, reason="only root can give a file to another owner")
def test_atomic_write_keeps_owner_and_group(tmp_path: Path) -> None:
    path = item(tmp_path)
    os.chown(path, 65534, 65534)
    files.atomic_write(path, NEW)
    assert (path.stat().st_uid, path.stat().st_gid) == (65534, 65534)


def test_a_symlinked_item_keeps_its_link(tmp_path: Path) -> None:
    target = item(tmp_path, name="real.md")
    link = tmp_path / "link.md"
    link.symlink_to(target.name)
    files.atomic_write(link, NEW)
    assert link.is_symlink() and target.read_bytes() == NEW


def test_a_read_only_file_is_refused_even_though_rename_would_work(tmp_path: Path) -> None:
    path = item(tmp_path, mode=0o444)
    with pytest.raises(WriteError) as info:
        files.atomic_write(path, NEW)
    assert str(info.value) == f"{path}: read-only file (no write permission); not changed"
    assert path.read_bytes() == OLD and leftovers(tmp_path) == []


@pytest.mark.parametrize("call", ["write", "fsync"])
def test_a_full_disk_leaves_the_original_and_no_temp(tmp_path: Path, monkeypatch, call) -> None:
    path = item(tmp_path)

    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, call, full)
    with pytest.raises(WriteError) as info:
        files.atomic_write(path, NEW)
    monkeypatch.undo()
    assert str(info.value) == f"{path}: cannot write: disk full"
    assert info.value.errno == errno.ENOSPC
    assert path.read_bytes() == OLD and leftovers(tmp_path) == []


def test_a_short_write_then_a_full_disk_leaves_the_original(tmp_path: Path, monkeypatch) -> None:
    path = item(tmp_path, data=OLD * 100)
    real_write = os.write
    calls = []

    def short(fd, data):
        calls.append(len(data))
        if len(calls) == 1:
            return real_write(fd, bytes(data[:10]))  # a partial write, then ENOSPC
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "write", short)
    with pytest.raises(WriteError, match="disk full"):
        files.atomic_write(path, NEW * 100)
    monkeypatch.undo()
    assert path.read_bytes() == OLD * 100 and leftovers(tmp_path) == []


def test_a_read_only_file_system_at_temp_creation(tmp_path: Path, monkeypatch) -> None:
    path = item(tmp_path)
    real_open = os.open

    def refuse(name, flags, *args, **kwargs):
        if os.fspath(name).endswith(TEMP_SUFFIX):
            raise OSError(errno.EROFS, os.strerror(errno.EROFS))
        return real_open(name, flags, *args, **kwargs)

    monkeypatch.setattr(os, "open", refuse)
    with pytest.raises(WriteError) as info:
        files.atomic_write(path, NEW)
    monkeypatch.undo()
    assert str(info.value) == f"{path}: cannot write: read-only file system"
    assert path.read_bytes() == OLD and leftovers(tmp_path) == []


def test_a_failed_rename_removes_the_temp(tmp_path: Path, monkeypatch) -> None:
    path = item(tmp_path)

    def denied(*args, **kwargs):
        raise OSError(errno.EACCES, os.strerror(errno.EACCES))

    monkeypatch.setattr(os, "replace", denied)
    with pytest.raises(WriteError, match="permission denied"):
        files.atomic_write(path, NEW)
    monkeypatch.undo()
    assert path.read_bytes() == OLD and leftovers(tmp_path) == []


def _read_only_folder_attempt(folder: Path, path: Path) -> str:
    try:
        files.atomic_write(path, NEW)
    except WriteError as exc:
        return str(exc)
    return "written"


def test_a_read_only_folder_is_refused_with_the_original_intact() -> None:
    """A real read-only folder (as a non-root user: root may write anywhere)."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "ro"
        folder.mkdir()
        path = item(folder, mode=0o666)
        os.chmod(tmp, 0o755)
        folder.chmod(0o555)
        try:
            if os.geteuid() != 0:
                message = _read_only_folder_attempt(folder, path)
            else:  # drop to "nobody" in a child, as an unprivileged editor would be
                read_fd, write_fd = os.pipe()
                pid = os.fork()
                if pid == 0:  # pragma: no cover - child
                    try:
                        os.close(read_fd)
                        os.setgid(65534)
                        os.setuid(65534)
                        os.write(write_fd, _read_only_folder_attempt(folder, path).encode())
                    finally:
                        os._exit(0)
                os.close(write_fd)
                with os.fdopen(read_fd, "rb") as fh:
                    message = fh.read().decode()
                os.waitpid(pid, 0)
            assert message == f"{path}: cannot write: permission denied"
            assert path.read_bytes() == OLD and leftovers(folder) == []
        finally:
            folder.chmod(0o755)


def test_a_file_changed_since_it_was_read_is_a_conflict(tmp_path: Path) -> None:
    path = item(tmp_path)
    before = path.stat()
    path.write_bytes(OLD + b"more\n")  # another writer, without the lock
    with pytest.raises(Conflict):
        files.atomic_write(path, NEW, unchanged_since=before)
    assert path.read_bytes() == OLD + b"more\n" and leftovers(tmp_path) == []


def test_a_missing_file_is_not_created(tmp_path: Path) -> None:
    with pytest.raises(WriteError, match="no longer exists"):
        files.atomic_write(tmp_path / "gone.md", NEW)
    assert list(tmp_path.iterdir()) == []


# -- temp and lock files are invisible to the loader; stale temps are removed ----


def test_temp_and_lock_files_are_not_loaded(tmp_path: Path) -> None:
    path = item(tmp_path)
    (tmp_path / files.temp_name(path.name)).write_bytes(NEW)
    with files.item_lock(path):
        pass
    assert Path(files.lock_path(path)).exists()
    assert [ref.id for ref in iter_files(tmp_path)] == ["a.md"]
    assert [i.title for i in load_directory(tmp_path).items] == ["old"]


def test_stale_temps_are_removed_and_fresh_ones_kept(tmp_path: Path) -> None:
    sub = tmp_path / "2023" / "04"
    sub.mkdir(parents=True)
    hidden = tmp_path / ".git"
    hidden.mkdir()
    old = [sub / files.temp_name("a.md"), tmp_path / files.temp_name("b.md")]
    fresh = sub / files.temp_name("c.md")
    untouched = [hidden / files.temp_name("d.md"), sub / ".notes.reader-tmp", sub / "x.md"]
    for p in [*old, fresh, *untouched]:
        p.write_bytes(b"x")
    for p in [*old, *untouched]:
        os.utime(p, (1_000_000, 1_000_000))
    assert files.remove_stale_temps(tmp_path, max_age=3600) == 2
    assert not any(p.exists() for p in old)
    assert fresh.exists() and all(p.exists() for p in untouched)


def test_stale_temps_next_to_one_file(tmp_path: Path) -> None:
    path = item(tmp_path)
    mine, other = tmp_path / files.temp_name("a.md"), tmp_path / files.temp_name("b.md")
    for p in (mine, other):
        p.write_bytes(b"x")
    assert files.remove_stale_temps(path, max_age=0, now=os.stat(mine).st_mtime + 1) == 1
    assert not mine.exists() and other.exists()


def test_stale_temp_cleanup_never_raises(tmp_path: Path) -> None:
    assert files.remove_stale_temps(tmp_path / "missing") == 0


# -- the lock ---------------------------------------------------------------------


def test_a_held_lock_times_out_with_a_clear_error(tmp_path: Path) -> None:
    path = item(tmp_path)
    with files.item_lock(path), pytest.raises(LockTimeout) as info, files.item_lock(path, timeout=0):
        pass
    assert str(info.value).startswith(f"{path}: another editor is changing this item")
    with files.item_lock(path, timeout=0):  # released
        pass


def test_the_lock_survives_the_item_being_replaced(tmp_path: Path) -> None:
    path = item(tmp_path)
    with files.item_lock(path):
        files.atomic_write(path, NEW)  # new inode for the item, same lock file
        with pytest.raises(LockTimeout), files.item_lock(path, timeout=0):
            pass


def test_the_lock_is_the_same_through_a_symlink(tmp_path: Path) -> None:
    path = item(tmp_path)
    link = tmp_path / "link.md"
    link.symlink_to(path.name)
    with files.item_lock(link), pytest.raises(LockTimeout), files.item_lock(path, timeout=0):
        pass


def test_a_killed_holder_releases_the_lock(tmp_path: Path) -> None:
    path = item(tmp_path)
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - child
        try:
            with files.item_lock(path):
                os.write(write_fd, b"1")
                signal.pause()
        finally:
            os._exit(0)
    os.close(write_fd)
    assert os.read(read_fd, 1) == b"1"
    os.close(read_fd)
    with pytest.raises(LockTimeout), files.item_lock(path, timeout=0):
        pass
    os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)
    with files.item_lock(path, timeout=0):
        pass


def test_a_lock_that_cannot_be_created_is_a_clear_error(tmp_path: Path) -> None:
    missing = tmp_path / "missing-folder" / "a.md"
    with pytest.raises(EditError, match="cannot create the lock file"), files.item_lock(missing):
        pass


def test_errors_cross_process_boundaries_intact() -> None:
    """A pool unpickles a worker's exception; it must come back whole, not hang the pool."""
    import pickle

    errors = (EditError("a.md", "x"), WriteError("a.md", "disk full", errno.ENOSPC), LockTimeout("a.md", "y"))
    for error in errors:
        back = pickle.loads(pickle.dumps(error))
        assert (type(back), str(back), back.reason) == (type(error), str(error), error.reason)
    assert pickle.loads(pickle.dumps(WriteError("a.md", "z", errno.EROFS))).errno == errno.EROFS
