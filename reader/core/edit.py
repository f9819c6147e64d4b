"""Edit an item file's ``published`` and ``topics``, safely, with several editors at once.

Each operation applies an intended value (never a toggle): under the item's
lock it re-reads the file, plans a targeted byte edit (``reader.core.fmedit``,
checked with the project's parser), writes it atomically (``reader.core.files``)
and appends the change to the content root's audit log (``reader.core.audit``).
The result says what changed, and whether the file had changed since the
caller's expected stamp or hash, so the app can say "changed by someone else"
while still applying its own field. ``undo`` writes a previous value back only
while the field still holds the value this session wrote.
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
from collections.abc import Callable
from dataclasses import dataclass

from reader.core import audit, files, frontmatter
from reader.core.files import DEFAULT_LOCK_TIMEOUT, EditError
from reader.core.fmedit import (
    PUBLISHED,
    TOPICS,
    Applied,
    Doc,
    EditRefused,
    Value,
    check_topic,
    current_value,
    plan_published,
    plan_restore_published,
    plan_topic,
)

__all__ = [
    "PUBLISHED",
    "TOPICS",
    "EditError",
    "EditRefused",
    "EditResult",
    "add_topic",
    "remove_topic",
    "set_published",
    "undo",
]

Expected = tuple[int, int] | str | None
_ATTEMPTS = 3


@dataclass(frozen=True, slots=True)
class EditResult:
    item_id: str
    path: str
    field: str
    action: str  # "set", "add" or "remove"
    old: Value
    new: Value
    changed: bool
    changed_since: bool | None  # vs. the caller's expected stamp/hash; None: none given
    topic: str | None = None
    old_raw: str | None = None
    undo: bool = False
    size: int = 0  # the file after the operation: pass (size, mtime_ns) or digest next time
    mtime_ns: int = 0
    digest: str = ""
    audit_error: str | None = None

    @property
    def status(self) -> str:
        return "changed" if self.changed else "unchanged"

    @property
    def stamp(self) -> tuple[int, int]:
        return self.size, self.mtime_ns


# -- operations on files -----------------------------------------------------


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _changed_since(expected: Expected, st: os.stat_result, data: bytes) -> bool | None:
    if expected is None:
        return None
    if isinstance(expected, str):
        return expected != _digest(data)
    return tuple(expected) != (st.st_size, st.st_mtime_ns)


def _item_id(root: str | os.PathLike[str] | None, path: str) -> str:
    if root is None:
        return path
    rel = os.path.relpath(os.path.abspath(path), os.path.abspath(root))
    return rel.replace(os.sep, "/")


def _run(
    path: str | os.PathLike[str],
    field: str,
    action: str,
    plan: Callable[[bytes, str], Applied],
    *,
    root: str | os.PathLike[str] | None,
    expected: Expected,
    timeout: float,
    user: str | None,
    topic: str | None = None,
    undo: bool = False,
) -> EditResult:
    p = os.fspath(path)
    if root is not None and not os.path.isabs(p):
        p = os.path.join(root, p)
    p = os.path.abspath(p)
    item_id = _item_id(root, p)
    if not os.path.isfile(p):  # no lock file next to an item that is gone
        raise EditError(p, "cannot read: no such item file")
    with files.item_lock(p, timeout):
        for _ in range(_ATTEMPTS):
            try:
                data, st = files.read_stable(p, frontmatter.MAX_FILE_BYTES + 1)
            except OSError as exc:
                raise EditError(p, f"cannot read: {files.os_reason(exc)}") from None
            applied = plan(data, p)
            result = EditResult(
                item_id, p, field, action, applied.old, applied.new, applied.data != data,
                _changed_since(expected, st, data), topic, applied.old_raw, undo,
                st.st_size, st.st_mtime_ns, _digest(data),
            )
            if not result.changed:
                return result
            try:
                new_st = files.atomic_write(p, applied.data, unchanged_since=st)
            except files.Conflict:
                continue  # written by a process that does not take the lock: redo on the new bytes
            result = dataclasses.replace(
                result, size=new_st.st_size, mtime_ns=new_st.st_mtime_ns, digest=_digest(applied.data)
            )
            if root is not None:
                try:
                    audit.append(
                        root, item_id, field, applied.old, applied.new, user=user,
                        extra={"action": action, "topic": topic, "undo": undo},
                    )
                except EditError as exc:
                    result = dataclasses.replace(result, audit_error=str(exc))
            return result
    raise EditRefused(p, "the file kept changing while being edited; not changed")


def set_published(
    path: str | os.PathLike[str], value: bool, *, root: str | os.PathLike[str] | None = None,
    expected: Expected = None, timeout: float = DEFAULT_LOCK_TIMEOUT, user: str | None = None,
) -> EditResult:
    """Make ``published`` equal ``value``. With ``root`` (the content root) the item id
    is relative to it and the change is appended to the root's audit log."""
    return _run(path, PUBLISHED, "set", lambda d, p: plan_published(d, bool(value), path=p),
                root=root, expected=expected, timeout=timeout, user=user)


def add_topic(
    path: str | os.PathLike[str], topic: str, *, root: str | os.PathLike[str] | None = None,
    expected: Expected = None, timeout: float = DEFAULT_LOCK_TIMEOUT, user: str | None = None,
) -> EditResult:
    check_topic(topic, os.fspath(path))
    return _run(path, TOPICS, "add", lambda d, p: plan_topic(d, topic, add=True, path=p),
                root=root, expected=expected, timeout=timeout, user=user, topic=topic)


def remove_topic(
    path: str | os.PathLike[str], topic: str, *, root: str | os.PathLike[str] | None = None,
    expected: Expected = None, timeout: float = DEFAULT_LOCK_TIMEOUT, user: str | None = None,
) -> EditResult:
    check_topic(topic, os.fspath(path))
    return _run(path, TOPICS, "remove", lambda d, p: plan_topic(d, topic, add=False, path=p),
                root=root, expected=expected, timeout=timeout, user=user, topic=topic)


def undo(
    result: EditResult, *, root: str | os.PathLike[str] | None = None, expected: Expected = None,
    timeout: float = DEFAULT_LOCK_TIMEOUT, user: str | None = None,
) -> EditResult:
    """Write back the value ``result`` replaced, only if the field still holds the value
    ``result`` wrote; otherwise ``EditRefused`` ("... was changed by someone else since").
    Undoing an unchanged result does nothing (and touches nothing)."""
    if not result.changed:
        return dataclasses.replace(result, undo=True, changed_since=None, audit_error=None)
    if result.field == PUBLISHED:
        def plan(data: bytes, p: str) -> Applied:
            doc = Doc(p, data)
            current = current_value(doc.raw, PUBLISHED)
            if current != result.new:
                now = _show(current)
                raise EditRefused(p, f"published was changed by someone else since (now {now}); not undone")
            return plan_restore_published(doc, result.old_raw, result.old)

        return _run(result.path, PUBLISHED, "set", plan, root=root, expected=expected,
                    timeout=timeout, user=user, undo=True)
    topic = check_topic(result.topic, result.path)
    added = result.action == "add"

    def plan_t(data: bytes, p: str) -> Applied:
        doc = Doc(p, data)
        topics = current_value(doc.raw, TOPICS)
        assert isinstance(topics, tuple)
        if (topic in topics) != added:
            how = "removed" if added else "added back"
            raise EditRefused(p, f"topic {topic!r} was {how} by someone else since; not undone")
        return plan_topic(data, topic, add=not added, path=p)

    return _run(result.path, TOPICS, "remove" if added else "add", plan_t, root=root,
                expected=expected, timeout=timeout, user=user, topic=topic, undo=True)


def _show(value: Value) -> str:
    return "missing" if value is None else str(value).lower() if isinstance(value, bool) else str(value)
