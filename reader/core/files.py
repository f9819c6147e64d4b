"""Atomic, durable writes of item files, stale temp cleanup, and the per-item lock.

A write goes to a hidden temp file in the item's own folder
(``.<name>.<random>.reader-tmp``, which the loader skips), is fsync'd, takes
the original's mode (and owner/group where allowed), replaces the original
with ``os.replace`` and then the folder is fsync'd. A reader of the folder
sees the complete old file or the complete new one, never a torn one, even
when the writer is killed or the disk fills up; on failure the temp file is
removed and the original is untouched.

The lock is a sidecar file next to the item, ``.<name>.reader-lock``, held
with ``flock``. It cannot be the item itself: the item is replaced by rename,
so a lock taken on the old inode no longer guards the new file. Beside the
item (not under one ``.reader/locks`` folder of the content root) because
then every process agrees on the lock from the item's real path alone, even
when one editor opened ``site/`` and another ``site/_news/``. Lock files are
empty and hidden, and they stay: removing one while another process waits on
it would let two holders in.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import re
import secrets
import stat
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from reader.core.store import TEMP_SUFFIX

LOCK_SUFFIX = ".reader-lock"
DEFAULT_LOCK_TIMEOUT = 10.0
DEFAULT_TEMP_AGE = 3600.0
_TEMP_NAME = re.compile(r"\..+\.[0-9a-f]{12}" + re.escape(TEMP_SUFFIX), re.S)
_REASONS = {
    errno.ENOSPC: "disk full",
    errno.EDQUOT: "disk quota exceeded",
    errno.EROFS: "read-only file system",
    errno.EACCES: "permission denied",
    errno.EPERM: "operation not permitted",
    errno.ENOENT: "file or folder no longer exists",
    errno.EIO: "input/output error",
}


class EditError(Exception):
    """An edit was refused or failed; ``str()`` is one line naming the file and the reason."""

    def __init__(self, path: str | os.PathLike[str], reason: str) -> None:
        self.path = os.fspath(path)
        self.reason = reason
        super().__init__(f"{self.path}: {reason}")

    def __reduce__(self) -> tuple[Any, ...]:  # picklable, e.g. from a worker process
        return type(self), (self.path, self.reason)


class WriteError(EditError):
    """The new content could not be written; the original file is intact."""

    def __init__(self, path: str | os.PathLike[str], reason: str, errno_: int | None = None) -> None:
        self.errno = errno_
        super().__init__(path, reason)

    def __reduce__(self) -> tuple[Any, ...]:
        return type(self), (self.path, self.reason, self.errno)


class Conflict(EditError):
    """The file changed on disk between reading it and replacing it."""


class LockTimeout(EditError):
    """Another process held the item's lock for longer than the timeout."""


def os_reason(exc: OSError) -> str:
    """A short reason for an OSError ("disk full", "permission denied", ...)."""
    if exc.errno in _REASONS:
        return _REASONS[exc.errno]
    return (exc.strerror or type(exc).__name__).lower()


def temp_name(name: str) -> str:
    return f".{name}.{secrets.token_hex(6)}{TEMP_SUFFIX}"


def lock_path(path: str | os.PathLike[str]) -> str:
    folder, name = os.path.split(os.path.realpath(path))
    return os.path.join(folder, f".{name}{LOCK_SUFFIX}")


def same_file(a: os.stat_result, b: os.stat_result) -> bool:
    """The same inode with the same size, mtime and ctime (ctime cannot be set back)."""
    return (a.st_dev, a.st_ino, a.st_size, a.st_mtime_ns, a.st_ctime_ns) == (
        b.st_dev, b.st_ino, b.st_size, b.st_mtime_ns, b.st_ctime_ns
    )


def check_writable(path: str, st: os.stat_result) -> None:
    """Refuse a read-only item: someone marked it so, even if a rename would work."""
    if not stat.S_ISREG(st.st_mode):
        raise WriteError(path, "not a regular file; not changed")
    if not st.st_mode & 0o222 or not os.access(path, os.W_OK):
        raise WriteError(path, "read-only file (no write permission); not changed", errno.EACCES)


def atomic_write(
    path: str | os.PathLike[str], data: bytes, *, unchanged_since: os.stat_result | None = None
) -> os.stat_result:
    """Replace the existing file ``path`` with ``data``, atomically and durably.

    ``unchanged_since``: the stat of the file when its content was read; if the
    file changed since then, ``Conflict`` is raised and nothing is written.
    Returns the stat of the new file. Raises ``WriteError`` (original intact,
    no temp file left) on any failure.
    """
    target = os.path.realpath(path)  # a symlinked item keeps its link
    folder, name = os.path.split(target)
    try:
        st = os.stat(target)
    except OSError as exc:
        raise WriteError(path, f"cannot write: {os_reason(exc)}", exc.errno) from None
    check_writable(target, st)
    tmp = os.path.join(folder, temp_name(name))
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC | os.O_NOFOLLOW, 0o600)
    except OSError as exc:
        raise WriteError(path, f"cannot write: {os_reason(exc)}", exc.errno) from None
    try:
        try:
            _write_all(fd, data)
            os.fchmod(fd, stat.S_IMODE(st.st_mode))
            _keep_owner(fd, st)
            os.fsync(fd)
        finally:
            os.close(fd)
        if unchanged_since is not None and not same_file(os.stat(target), unchanged_since):
            raise Conflict(path, "changed on disk while being edited")
        os.replace(tmp, target)
    except BaseException as exc:
        _unlink_quietly(tmp)
        if isinstance(exc, OSError):
            raise WriteError(path, f"cannot write: {os_reason(exc)}", exc.errno) from None
        raise
    _fsync_dir(folder)
    return os.stat(target)


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        n = os.write(fd, view)
        if n <= 0:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        view = view[n:]


def _keep_owner(fd: int, st: os.stat_result) -> None:
    mine = os.fstat(fd)
    if (mine.st_uid, mine.st_gid) == (st.st_uid, st.st_gid):
        return
    try:
        os.fchown(fd, st.st_uid, st.st_gid)
    except OSError as exc:
        if exc.errno not in (errno.EPERM, errno.EINVAL):
            raise
        with contextlib.suppress(OSError):  # not the owner's privileges: keep at least the group
            os.fchown(fd, -1, st.st_gid)


def _fsync_dir(folder: str) -> None:
    """Make the rename durable. The new file is in place either way; a folder
    that cannot be fsync'd (some network or FUSE mounts) is not an error."""
    try:
        fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _unlink_quietly(path: str) -> None:
    with contextlib.suppress(OSError):
        os.unlink(path)


def is_temp_name(name: str) -> bool:
    return _TEMP_NAME.fullmatch(name) is not None


def remove_stale_temps(
    where: str | os.PathLike[str], *, max_age: float = DEFAULT_TEMP_AGE, now: float | None = None,
    recursive: bool = True,
) -> int:
    """Remove our temp files older than ``max_age`` seconds; return how many.

    ``where`` is a content root (walked, hidden folders skipped, symlinks not
    followed; with ``recursive=False`` that folder only: what an editor who
    wrote there needs, one listing) or an item file (only its own temps,
    next to it). Younger temps
    may belong to a write in progress in another process and are left alone,
    so this is safe to call at start. Never raises.
    """
    now = time.time() if now is None else now
    where = os.fspath(where)
    removed = 0
    folders: Iterator[tuple[str, list[str], str | None]]
    try:
        if os.path.isdir(where) and not recursive:
            folders = iter([(where, os.listdir(where), None)])
        elif os.path.isdir(where):
            walker = os.walk(where, onerror=None, followlinks=False)
            folders = ((d, files, None) for d, dirs, files in _prune_hidden(walker))
        else:
            folder, name = os.path.split(where)
            folders = iter([(folder or ".", os.listdir(folder or "."), f".{name}.")])
        for folder, names, prefix in folders:
            for name in names:
                if not is_temp_name(name) or (prefix and not name.startswith(prefix)):
                    continue
                full = os.path.join(folder, name)
                try:
                    st = os.lstat(full)
                    if stat.S_ISREG(st.st_mode) and now - st.st_mtime > max_age:
                        os.unlink(full)
                        removed += 1
                except OSError:
                    continue
    except OSError:
        pass
    return removed


def _prune_hidden(
    walker: Iterator[tuple[str, list[str], list[str]]],
) -> Iterator[tuple[str, list[str], list[str]]]:
    for folder, dirs, names in walker:
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        yield folder, dirs, names


@contextmanager
def item_lock(
    path: str | os.PathLike[str], timeout: float = DEFAULT_LOCK_TIMEOUT
) -> Iterator[str]:
    """Hold the item's sidecar lock (exclusive) for the ``with`` block.

    Waits up to ``timeout`` seconds (0: try once), then raises ``LockTimeout``.
    The lock belongs to the open file, so a process that dies releases it.
    Not re-entrant: do not take the same item's lock twice in one thread.
    Yields the lock file's path.
    """
    lpath = lock_path(path)
    try:
        # Read-only is enough for flock, and lets editors share a lock file
        # that another user created.
        fd = os.open(lpath, os.O_RDONLY | os.O_CREAT | os.O_CLOEXEC | os.O_NOFOLLOW, 0o644)
    except OSError as exc:
        raise EditError(path, f"cannot create the lock file: {os_reason(exc)}") from None
    try:
        deadline = time.monotonic() + timeout
        delay = 0.001
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except OSError as exc:
                if exc.errno not in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EINTR):
                    raise EditError(path, f"cannot lock: {os_reason(exc)}") from None
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise LockTimeout(
                    path, f"another editor is changing this item (waited {timeout:g} s); try again"
                )
            time.sleep(min(delay, remaining))
            delay = min(delay * 2, 0.02)
        yield lpath
    finally:
        os.close(fd)  # closing the only descriptor releases the flock


def read_stable(path: str | os.PathLike[str], limit: int) -> tuple[bytes, os.stat_result]:
    """Read up to ``limit`` bytes of a regular file and its stat, from one descriptor."""
    fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC | getattr(os, "O_NONBLOCK", 0))
    with os.fdopen(fd, "rb") as fh:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise OSError(errno.EINVAL, "not a regular file")
        return fh.read(limit), st
