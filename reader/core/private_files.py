"""Files only the user can read, opened without following a planted symlink.

Everything reader keeps in its cache (the index, the log, the preview cache)
goes through here:

* ``private_dir`` makes a folder 0700 (created that way, or narrowed when the
  user owns it and others could use it);
* ``open_private`` opens a regular file with ``O_NOFOLLOW``: a symlink, FIFO or
  socket found at the path is removed (never followed) and a fresh file made;
  a file that belongs to someone else is refused; files are 0600;
* ``write_private`` replaces a file atomically with private contents.

Where the OS has no owners or modes (Windows) the checks that need them are
skipped; the no-symlink rule still holds (``lstat`` before opening).
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
import tempfile
from pathlib import Path

DIR_MODE = 0o700
FILE_MODE = 0o600
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_NONBLOCK = getattr(os, "O_NONBLOCK", 0)  # a FIFO planted at the path must not block open()
_CLOEXEC = getattr(os, "O_CLOEXEC", 0)
_POSIX = os.name == "posix"
TMP_PREFIX = ".tmp-"  # write_private's temporary files (a cleaner may remove old ones)


def _uid() -> int | None:
    return os.geteuid() if hasattr(os, "geteuid") else None


def private_dir(path: Path | str) -> Path:
    """Make ``path`` a folder only the user can use; create missing parents (0700 too).

    An existing folder the user owns is narrowed to 0700; one that belongs to
    someone else is left as it is (the files in it are still checked one by
    one). Raises ``OSError`` (``NotADirectoryError`` when a file is in the way).
    """
    path = Path(path)
    _make_dirs(path)
    st = os.stat(path)  # a folder the user made a symlink to is theirs to choose
    if not stat.S_ISDIR(st.st_mode):
        raise NotADirectoryError(errno.ENOTDIR, "not a directory", str(path))
    if _POSIX and st.st_uid == _uid() and st.st_mode & 0o077:
        os.chmod(path, DIR_MODE)
    return path


def _make_dirs(path: Path) -> None:
    """``path`` and its missing parents as 0700 folders (existing ones left alone)."""
    try:
        os.mkdir(path, DIR_MODE)
    except FileExistsError:
        return
    except FileNotFoundError:
        if path.parent == path:
            raise
        _make_dirs(path.parent)
        with contextlib.suppress(FileExistsError):
            os.mkdir(path, DIR_MODE)


def open_private(path: Path | str, flags: int = os.O_RDWR | os.O_CREAT) -> int:
    """A descriptor of the regular file at ``path``, never opened through a symlink.

    Whatever else is at the path -- a symlink (to anything), a FIFO, a socket --
    is removed first, so with ``O_CREAT`` a fresh private file takes its place
    and without it the call raises ``FileNotFoundError``. A folder at the path
    raises ``IsADirectoryError``; a file owned by another user ``PermissionError``.
    New files are 0600 and an existing file of the user's is narrowed to 0600.
    """
    path = os.fspath(path)
    for _attempt in range(3):
        _remove_if_not_regular(path)
        try:
            fd = os.open(path, flags | _NOFOLLOW | _NONBLOCK | _CLOEXEC, FILE_MODE)
        except OSError as exc:
            # Something was put there between the check and the open: look again.
            if exc.errno in (errno.ELOOP, errno.EMLINK, errno.ENXIO):
                continue
            raise
        try:
            st = os.fstat(fd)
            if not stat.S_ISREG(st.st_mode):
                os.close(fd)
                fd = -1
                continue
            if _POSIX:
                if st.st_uid != _uid():
                    raise PermissionError(errno.EPERM, "belongs to another user", path)
                if st.st_mode & 0o077:
                    os.fchmod(fd, FILE_MODE)
                if _NONBLOCK:
                    os.set_blocking(fd, True)
        except BaseException:
            if fd >= 0:
                os.close(fd)
            raise
        return fd
    raise OSError(errno.ELOOP, "keeps being replaced by something that is not a file", path)


def narrow_existing(path: Path | str) -> None:
    """Apply ``open_private``'s rules to a file that may exist (e.g. SQLite's -wal
    and -shm files, old log backups): a non-file is removed, a file made 0600."""
    with contextlib.suppress(FileNotFoundError):
        os.close(open_private(path, os.O_RDONLY))


def write_private(path: Path | str, data: bytes) -> None:
    """Replace ``path`` atomically (temporary file, fsync, rename) with a 0600 file.

    The temporary file is created exclusively (``mkstemp``), and the rename
    replaces a symlink at ``path`` rather than writing through it.
    """
    path = Path(path)
    private_dir(path.parent)
    fd, tmp = tempfile.mkstemp(prefix=TMP_PREFIX, suffix=".part", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def _remove_if_not_regular(path: str) -> None:
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        return
    if stat.S_ISREG(st.st_mode):
        return
    if stat.S_ISDIR(st.st_mode):
        raise IsADirectoryError(errno.EISDIR, "is a directory", path)
    with contextlib.suppress(FileNotFoundError):
        os.unlink(path)  # removes the link itself, never what it points at
