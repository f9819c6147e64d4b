"""Find item files under a content root and load them into items and a report.

Nothing here raises for a bad file: each one becomes a ``LoadProblem`` naming
the file and the reason, and everything else loads.
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from reader.core import frontmatter, normalize
from reader.core.model import Entry, Item
from reader.core.sanitize import clip, sanitize

ITEM_SUFFIXES = (".txt", ".md", ".yaml", ".yml")
TEMP_SUFFIX = ".reader-tmp"


@dataclass(frozen=True, slots=True)
class LoadProblem:
    id: str
    reason: str

    def __str__(self) -> str:
        return f"{self.id}: {self.reason}"


@dataclass(frozen=True, slots=True)
class Skipped:
    """Something the listing passed over, and why (``reader check`` names them).

    ``unreadable``: it could not be read (a folder without read permission, a
    file that cannot be looked at): a failure. Otherwise it is skipped by
    design (a dangling or looping symlink, one that leaves the root, a FIFO).
    """

    id: str  # sanitised, relative to the root; a folder's ends with "/"
    reason: str
    unreadable: bool = False

    def __str__(self) -> str:
        return f"{self.id}: {self.reason}"


class _Gone:
    """The type of ``GONE``."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "GONE"


# ``load_file``'s answer for a file deleted between the listing and the read:
# not an item, not a problem -- it is just not there any more.
GONE = _Gone()


@dataclass(frozen=True, slots=True)
class FileRef:
    """A candidate item file: its id (path relative to the root) and stat facts
    (``UNSTATED`` for both when listed without ``stat``: see ``iter_files``)."""

    id: str
    path: str
    size: int
    mtime_ns: int


@dataclass(slots=True)
class LoadResult:
    root: Path
    items: list[Item] = field(default_factory=list)
    problems: list[LoadProblem] = field(default_factory=list)
    skipped: int = 0

    @property
    def entries(self) -> list[Entry]:
        return [Entry.from_item(i) for i in self.items]


class NotADirectory(ValueError):
    pass


def is_item_name(name: str) -> bool:
    return (
        not name.startswith(".")
        and not name.endswith(TEMP_SUFFIX)
        and name.lower().endswith(ITEM_SUFFIXES)
    )


def _os_reason(exc: OSError) -> str:
    return exc.strerror or str(exc)


def check_root(root: Path | str) -> str:
    """The real path of the content root ``root``, which must be a readable directory.

    Raises ``NotADirectory`` with one line naming ``root`` (clipped) and the
    reason: missing, not a directory, a symlink loop, a name too long, no
    permission to list it.
    """
    try:
        real = os.path.realpath(root, strict=True)
        st = os.stat(real)
    except OSError as exc:
        if exc.errno in (errno.ENOENT, errno.ENOTDIR):
            raise NotADirectory(f"{clip(root)}: no such directory") from None
        raise NotADirectory(f"{clip(root)}: cannot open: {_os_reason(exc)}") from None
    except ValueError:  # an embedded NUL
        raise NotADirectory(f"{clip(root)}: not a valid path") from None
    if not stat.S_ISDIR(st.st_mode):
        raise NotADirectory(f"{clip(root)}: not a directory")
    try:
        with os.scandir(real):
            pass
    except OSError as exc:
        raise NotADirectory(f"{clip(root)}: cannot read: {_os_reason(exc)}") from None
    return real


_KINDS = ((stat.S_ISFIFO, "FIFO"), (stat.S_ISSOCK, "socket"), (stat.S_ISCHR, "device"),
          (stat.S_ISBLK, "device"))


def _file_kind(mode: int) -> str:
    return next((name for test, name in _KINDS if test(mode)), "special file")


UNSTATED = -1  # a FileRef's size and mtime when the listing did not stat the file


def iter_files(
    root: Path | str, on_skip: Callable[[Skipped], object] | None = None, *,
    stat_files: bool = True,
) -> Iterator[FileRef]:
    """Every candidate item file below ``root``, in a stable (sorted) order.

    Hidden folders and files, our writers' temp files and names without an
    item suffix are not candidates. FIFOs/devices, symlinks that leave the
    root, dangling and looping symlinks and unreadable folders are skipped;
    a folder reached twice (a symlink cycle) is walked once. ``on_skip``, if
    given, is called with a ``Skipped`` record for each of those (not for the
    names that are simply not candidates); the normal walk pays nothing for it.
    Raises ``NotADirectory`` for a root that is not a readable directory.

    ``stat_files=False``: a regular file (not a symlink) is told from a folder by
    the listing's file type, with no ``stat`` of its own, and its size and mtime
    are ``UNSTATED`` -- for a reader that stats what it opens anyway (a first
    start, with no index to compare with: a ``stat`` per file was a quarter of
    the listing's time). Symlinks and other files are still stat'ed.
    """
    root_str = check_root(root)
    seen_dirs: set[tuple[int, int]] = set()
    root_prefix = root_str.rstrip(os.sep) + os.sep

    def inside(real: str) -> bool:
        return real == root_str or real.startswith(root_prefix)

    def skip(item_id: str, reason: str, unreadable: bool = False) -> None:
        if on_skip is not None:
            on_skip(Skipped(sanitize(item_id), reason, unreadable))

    def walk(directory: str, prefix: str) -> Iterator[FileRef]:
        try:
            here = os.stat(directory)
            key = (here.st_dev, here.st_ino)
            if key in seen_dirs:
                skip(prefix, "folder already listed (reached again through a symlink)")
                return
            seen_dirs.add(key)
            with os.scandir(directory) as it:
                entries = sorted(it, key=lambda e: e.name)
        except OSError as exc:
            if not prefix:  # the root, unreadable since check_root looked
                raise NotADirectory(f"{clip(root)}: cannot read: {_os_reason(exc)}") from None
            skip(prefix, f"cannot read folder: {_os_reason(exc)}", True)
            return
        st: os.stat_result | None
        for entry in entries:
            name = entry.name
            if name.startswith("."):
                continue
            try:
                link = entry.is_symlink()
                if link and not inside(os.path.realpath(entry.path)):
                    skip(prefix + name, "symlink to a path outside the content folder")
                    continue
                if link or stat_files:
                    st = entry.stat()  # follows a symlink that stays inside
                    mode = st.st_mode
                else:
                    # The folder listing's file type (d_type); an lstat only where
                    # the file system does not give one, or for other kinds of file.
                    st = None
                    mode = (stat.S_IFDIR if entry.is_dir(follow_symlinks=False)
                            else stat.S_IFREG if entry.is_file(follow_symlinks=False)
                            else entry.stat().st_mode)
            except OSError as exc:
                if on_skip is not None:
                    _report_stat_error(entry, prefix + name, exc, skip)
                continue
            if stat.S_ISDIR(mode):
                yield from walk(entry.path, f"{prefix}{name}/")
            elif is_item_name(name):
                if not stat.S_ISREG(mode):
                    skip(prefix + name, f"not a regular file ({_file_kind(mode)})")
                elif st is None:
                    yield FileRef(f"{prefix}{name}", entry.path, UNSTATED, UNSTATED)
                else:
                    yield FileRef(f"{prefix}{name}", entry.path, st.st_size, st.st_mtime_ns)

    yield from walk(root_str, "")


def _report_stat_error(entry: os.DirEntry, item_id: str, exc: OSError, skip) -> None:
    try:
        link = entry.is_symlink()
    except OSError:
        link = False
    if exc.errno == errno.ELOOP:
        skip(item_id, "symlink loop")
    elif exc.errno in (errno.ENOENT, errno.ENOTDIR):
        if link:
            skip(item_id, "dangling symlink")
        # else: deleted since the folder was listed, so not there
    else:
        skip(item_id, f"cannot read: {_os_reason(exc)}", True)


def read_bytes(path: str) -> bytes:
    """Read at most the size cap (+1 byte, so an oversize file is noticed)."""
    return read_file(path)[0]


def read_file(path: str) -> tuple[bytes, int, int]:
    """``read_bytes``, with the size and mtime (ns) of the file as it was opened."""
    # O_NONBLOCK: opening a FIFO must not wait for a writer (no effect on regular files).
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise OSError(errno.EINVAL, "not a regular file")
        limit = frontmatter.MAX_FILE_BYTES + 1
        # Ask for the size fstat gives, not for the cap: a buffer of the whole cap
        # per file cost more than the read (30 against 10 us a file).
        want = min(st.st_size + 1, limit)
        data = os.read(fd, want)
        if len(data) == st.st_size < want:  # what fstat said and not a byte more: the end
            return data, st.st_size, st.st_mtime_ns
        parts = [data]
        total = len(data)
        while 0 < total < limit:  # to the end (one more byte), or on to the cap if it grew
            chunk = os.read(fd, min(limit - total, 1 << 16) if total > st.st_size else 1)
            if not chunk:
                break
            parts.append(chunk)
            total += len(chunk)
        return (data if len(parts) == 1 else b"".join(parts)), st.st_size, st.st_mtime_ns
    finally:
        os.close(fd)


def load_file(ref: FileRef) -> Item | LoadProblem | _Gone | None:
    """One file → an item, a problem, ``None`` for a file without front matter,
    or ``GONE`` for a file deleted since it was listed."""
    try:
        data = read_bytes(ref.path)
    except FileNotFoundError:
        return GONE
    except OSError as exc:
        return LoadProblem(sanitize(ref.id), f"cannot read: {exc.strerror or exc}")
    return parse_bytes(ref.id, data, size=ref.size)


_parse_fast: Callable[[bytes], tuple[dict, str] | None] | None = None


def _import_parse_fast() -> Callable[[bytes], tuple[dict, str] | None]:
    """``fastparse.parse_fast``, imported by the first file parsed, not at the
    top: its patterns take ~4 ms to compile, and the app's first screen (rows
    from the index) parses no file. (Kept here after: an import statement per
    file cost ~0.5 us of the ~60 a pool worker spends on one.)"""
    global _parse_fast
    from reader.core.fastparse import parse_fast

    _parse_fast = parse_fast
    return parse_fast


def read_front_matter(data: bytes, *, size: int | None = None,
                      warnings: list[str] | None = None) -> tuple[dict, str, bool] | None:
    """An item file's bytes → (mapping, body, read by the fast path?).

    ``None`` for a file without front matter (a README, notes): skipped, but
    binary junk or a bad encoding still raises. The one place that decides
    what an item file is, for the list (loader) and the detail pane alike.
    Raises ``FrontMatterError`` with a one-line reason. ``size``: the file's
    size, for the message about a file over the limit. ``warnings``: gets
    what is legal but probably a mistake (the fast path takes no such file).
    """
    if not data.lstrip(b"\xef\xbb\xbf").startswith(b"---"):
        frontmatter.decode(data, size)
        return None
    parsed = (_parse_fast or _import_parse_fast())(data)
    if parsed is not None:
        return parsed[0], parsed[1], True
    mapping, body = frontmatter.parse(data, size=size, warnings=warnings)
    return mapping, body, False


def parse_bytes(item_id: str, data: bytes, *, size: int | None = None) -> Item | LoadProblem | None:
    try:
        parsed = read_front_matter(data, size=size)
        if parsed is None:
            return None
        return normalize.item(item_id, parsed[0], parsed[1])
    except frontmatter.FrontMatterError as exc:
        return LoadProblem(sanitize(item_id), str(exc))
    except Exception as exc:  # a bug must not take the whole load down
        return LoadProblem(sanitize(item_id), f"unexpected error: {type(exc).__name__}: {exc}")


def load_directory(root: Path | str) -> LoadResult:
    result = LoadResult(Path(root))
    for ref in iter_files(root):
        loaded = load_file(ref)
        if isinstance(loaded, _Gone):
            continue
        if loaded is None:
            result.skipped += 1
        elif isinstance(loaded, LoadProblem):
            result.problems.append(loaded)
        else:
            result.items.append(loaded)
    return result


def load_item(root: Path | str, item_id: str) -> Item | LoadProblem:
    """Read one item by id (its path relative to ``root``), refusing ids that leave the root.

    Never raises for a bad id (too long, a symlink loop, a NUL): a ``LoadProblem``.
    """
    problem_id = sanitize(item_id)
    try:
        root_path = Path(os.path.realpath(root))
        path = Path(os.path.realpath(root_path / item_id))  # never raises for a loop
        if not path.is_relative_to(root_path):
            return LoadProblem(problem_id, "id points outside the content root")
        st = path.stat()
    except OSError as exc:
        return LoadProblem(problem_id, f"cannot read: {_os_reason(exc)}")
    except ValueError:  # an embedded NUL
        return LoadProblem(problem_id, "not a valid id")
    loaded = load_file(FileRef(item_id, str(path), st.st_size, st.st_mtime_ns))
    if isinstance(loaded, _Gone):
        return LoadProblem(problem_id, "cannot read: the file was deleted")
    if loaded is None:
        return LoadProblem(problem_id, "no front matter (file does not start with '---')")
    return loaded
