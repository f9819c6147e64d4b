"""A triage session: publish, unpublish and re-topic items by id, with marks and undo.

The app holds one ``TriageSession`` per content root. Every change goes
through ``reader.core.edit`` (item lock, targeted byte edit, atomic write,
audit line under the user's name); the session adds what a desk needs on top:

* marks, a set of item ids that batch operations apply to (changed on the
  UI thread only: the app copies them before handing a batch to a worker);
* an undo stack of every change made in this session, one step per
  operation (a batch is one step). Undo writes the previous value back with
  the same guarantees and refuses, with the core's reason, when someone
  else has changed that field since;
* the stamp (size, mtime_ns) of every file it wrote, so live reload can tell
  the session's own writes from other people's (``own_stamp``);
* after each operation, the touched files read again into catalog entries
  and index rows (``reader.core.watch.read_changes``, the loader's path), so
  an item someone else already published leaves the queue as well.

One failing item never stops the others: an ``Outcome`` lists what changed,
what was already so, and what failed with the reason. Operations are
serialised by a lock and may run in any thread (the index is used under it).
"""

from __future__ import annotations

import logging
import os
import shlex
import threading
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from reader.core import audit, edit, files
from reader.core.edit import EditError, EditRefused, EditResult
from reader.core.files import DEFAULT_LOCK_TIMEOUT
from reader.core.index import Index
from reader.core.watch import Changes, Reread, read_changes

log = logging.getLogger("reader.triage")

Stamp = tuple[int, int]  # (size, mtime_ns), as EditResult.stamp


@dataclass(frozen=True, slots=True)
class Failure:
    item_id: str
    reason: str  # one line, without the path (the id names the file)

    def __str__(self) -> str:
        return f"{self.item_id}: {self.reason}"


@dataclass(frozen=True, slots=True)
class Step:
    """One undoable operation: the results that changed a file, in the order done."""

    action: str
    topic: str | None
    results: tuple[EditResult, ...]

    def label(self, name: Callable[[str], str] = str) -> str:
        """ "publish a.md", "add topic 'AI' to 3 items" (``name`` names one item)."""
        what = name(self.results[0].item_id) if len(self.results) == 1 else _many(len(self.results))
        if self.topic is None:
            return f"{self.action} {what}"
        return f"{self.action} {self.topic!r} {'to' if self.action == 'add topic' else 'from'} {what}"


@dataclass(slots=True)
class Outcome:
    """What one operation did, and what the catalog needs to show it."""

    action: str  # "publish", "unpublish", "add topic", "remove topic", "undo", "edit"
    topic: str | None = None
    changed: list[EditResult] = field(default_factory=list)
    unchanged: list[EditResult] = field(default_factory=list)
    failed: list[Failure] = field(default_factory=list)
    reread: Reread = field(default_factory=Reread)
    step: Step | None = None  # undo: the step undone
    note: str = ""  # e.g. "nothing to undo"
    audit_errors: list[str] = field(default_factory=list)

    @property
    def done(self) -> list[str]:
        """Ids whose field now holds the intended value (changed or already so)."""
        return [r.item_id for r in (*self.changed, *self.unchanged)]

    @property
    def changed_since(self) -> list[EditResult]:
        """Results whose file had changed since the stamp the caller expected."""
        return [r for r in (*self.changed, *self.unchanged) if r.changed_since]

    @property
    def touched(self) -> set[str]:
        return {*self.done, *(f.item_id for f in self.failed)}


# -- what to say -------------------------------------------------------------------

_VERB = {"publish": ("Published", "already published"),
         "unpublish": ("Unpublished", "already unpublished"),
         "add topic": ("Added topic {t} to", "already has topic {t}"),
         "remove topic": ("Removed topic {t} from", "does not have topic {t}")}
_MAX_LINES = 4


def _many(n: int) -> str:
    return f"{n} item{'s' if n != 1 else ''}"


def summary(outcome: Outcome, name: Callable[[str], str] = str) -> list[str]:
    """One line per kind of result, then one per failure. ``name(id)`` names an item
    that was done (the app passes its title); a failure always names the file."""
    o = outcome
    lines: list[str] = []
    if o.note:
        lines.append(o.note)
    if o.action == "undo":
        label = o.step.label(name) if o.step is not None else ""
        if o.changed:
            lines.append(f"Undone: {label}")
        elif label and not o.failed:
            lines.append(f"Undone: {label} (nothing needed writing back)")
        fails = [f"Not undone: {f.item_id}: {_bare(f.reason)}" for f in o.failed]
    elif o.action == "edit":
        if o.changed:
            lines.append(f"Reloaded {name(o.changed[0].item_id)} after editing")
        elif o.unchanged:
            lines.append(f"No changes made to {name(o.unchanged[0].item_id)}")
        fails = [f"{f.item_id}: {f.reason}; kept as the editor left it" for f in o.failed]
    else:
        did, already = (s.format(t=repr(o.topic)) for s in _VERB[o.action])
        if len(o.changed) == 1:
            lines.append(f"{did} {name(o.changed[0].item_id)}")
        elif o.changed:
            lines.append(f"{did} {_many(len(o.changed))}")
        if len(o.unchanged) == 1:
            lines.append(f"{name(o.unchanged[0].item_id)} {already}")
        elif o.unchanged:
            lines.append(f"{_many(len(o.unchanged))} {already.replace('has', 'have').replace('does', 'do')}")
        fails = [f"Not changed: {f.item_id}: {_bare(f.reason)}" for f in o.failed]
    if len(fails) > _MAX_LINES:
        fails = [*fails[: _MAX_LINES - 1], f"… and {len(fails) - _MAX_LINES + 1} more not changed"]
    lines += fails
    for r in o.changed_since:
        lines.append(f"{name(r.item_id)} was changed by someone else since you opened it; "
                     f"{r.field} was set anyway")
    lines += o.audit_errors
    return lines


# -- reading ------------------------------------------------------------------------

def stamp_of(path: str | os.PathLike[str]) -> Stamp | None:
    """(size, mtime_ns) of the file, to pass as an edit's ``expected``; None if gone.

    Take it before reading the file: if the file changes in between, a later
    edit reports "changed since" once too often rather than missing a change.
    """
    try:
        st = os.stat(path)
    except (OSError, ValueError):  # ValueError: an embedded NUL
        return None
    return st.st_size, st.st_mtime_ns


def editor_command(path: str | os.PathLike[str], environ: Mapping[str, str] | None = None) -> list[str]:
    """``$VISUAL``, else ``$EDITOR`` (split as a shell would: "code --wait"), else vi."""
    env = os.environ if environ is None else environ
    for name in ("VISUAL", "EDITOR"):
        value = env.get(name, "").strip()
        if value:
            try:
                argv = shlex.split(value)
            except ValueError:  # an unbalanced quote: take it as one program name
                argv = [value]
            if argv:
                return [*argv, os.fspath(path)]
    return ["vi", os.fspath(path)]


# -- the session --------------------------------------------------------------------

class PublishKeys:
    """``publish``/``unpublish`` of a desk (one root's session or several roots')
    that has ``set_published``."""

    def set_published(self, item_ids: Iterable[str], value: bool, *,
                      expected: Mapping[str, Stamp] | None = None) -> Outcome:
        raise NotImplementedError

    def publish(self, item_ids: Iterable[str], **kw: Mapping[str, Stamp] | None) -> Outcome:
        return self.set_published(item_ids, True, **kw)

    def unpublish(self, item_ids: Iterable[str], **kw: Mapping[str, Stamp] | None) -> Outcome:
        return self.set_published(item_ids, False, **kw)


class TriageSession(PublishKeys):
    """Edits for one content root under one user's name; see the module docstring."""

    def __init__(self, root: str | os.PathLike[str], *, user: str | None = None,
                 use_index: bool = True, index: Index | None = None,
                 timeout: float = DEFAULT_LOCK_TIMEOUT) -> None:
        self.root = Path(root)
        self.user = user or audit.current_user()
        self.timeout = timeout
        self.marks: set[str] = set()
        self._steps: list[Step] = []
        self._own: dict[str, Stamp] = {}
        self._swept: set[str] = set()  # folders cleared of stale temp files this session
        self._lock = threading.Lock()
        self._index = index if index is not None else Index(self.root) if use_index else None

    # -- queries (any thread) ---------------------------------------------------
    def own_stamp(self, item_id: str) -> Stamp | None:
        """The (size, mtime_ns) this session last left ``item_id`` with, or None."""
        return self._own.get(item_id)

    @property
    def undo_depth(self) -> int:
        return len(self._steps)

    def path_of(self, item_id: str) -> Path:
        """The item's file; ``EditError`` when the id leads outside the root."""
        path = self.root / item_id
        try:
            real_root = os.path.realpath(self.root)
            inside = os.path.commonpath([real_root, os.path.realpath(path)]) == real_root
        except ValueError:  # an embedded NUL
            raise EditError(path, "not a valid id") from None
        if not inside:
            raise EditError(path, "id points outside the content root")
        return path

    # -- operations (any thread; one at a time) --------------------------------
    def set_published(self, item_ids: Iterable[str], value: bool, *,
                      expected: Mapping[str, Stamp] | None = None) -> Outcome:
        return self._apply("publish" if value else "unpublish", None, item_ids, expected,
                           lambda path, exp: edit.set_published(
                               path, value, root=self.root, expected=exp,
                               timeout=self.timeout, user=self.user))

    def add_topic(self, item_ids: Iterable[str], topic: str, *,
                  expected: Mapping[str, Stamp] | None = None) -> Outcome:
        return self._apply("add topic", topic, item_ids, expected,
                           lambda path, exp: edit.add_topic(
                               path, topic, root=self.root, expected=exp,
                               timeout=self.timeout, user=self.user))

    def remove_topic(self, item_ids: Iterable[str], topic: str, *,
                     expected: Mapping[str, Stamp] | None = None) -> Outcome:
        return self._apply("remove topic", topic, item_ids, expected,
                           lambda path, exp: edit.remove_topic(
                               path, topic, root=self.root, expected=exp,
                               timeout=self.timeout, user=self.user))

    def undo(self) -> Outcome:
        """Undo the last step. Items whose undo failed for a passing reason (a lock
        held, a full disk) stay on the stack to try again; refused ones (changed by
        someone else since) are dropped with the reason."""
        with self._lock:
            out = Outcome("undo")
            if not self._steps:
                out.note = "Nothing to undo in this session."
                return out
            step = out.step = self._steps.pop()
            retry: list[EditResult] = []
            for result in reversed(step.results):
                try:
                    path = self.path_of(result.item_id)
                    done = edit.undo(result, root=self.root, expected=self._own.get(result.item_id),
                                     timeout=self.timeout, user=self.user)
                except EditRefused as exc:
                    out.failed.append(Failure(result.item_id, exc.reason))
                    continue
                except EditError as exc:
                    out.failed.append(Failure(result.item_id, exc.reason))
                    retry.append(result)
                    continue
                except Exception as exc:  # a bug must not hide the other items' undo
                    log.exception("undo of %s failed", result.item_id)
                    out.failed.append(Failure(result.item_id, _unexpected(exc)))
                    continue
                self._record(out, done, path)
            if retry:
                self._steps.append(Step(step.action, step.topic, tuple(reversed(retry))))
            out.reread = self._reread({r.item_id for r in step.results})
            return out

    def reload(self, item_id: str, before: Stamp | None = None) -> Outcome:
        """Read an item again after someone edited it by hand (the ``$EDITOR``
        round trip): never writes. ``changed`` when its stamp differs from
        ``before``; ``failed`` with the reason when it no longer reads."""
        with self._lock:
            out = Outcome("edit")
            try:
                path = self.path_of(item_id)
            except EditError as exc:
                out.failed.append(Failure(item_id, exc.reason))
                return out
            read_from = stamp_of(path)
            out.reread = self._reread({item_id})
            after = stamp_of(path)
            if after is not None and after == read_from:
                self._own[item_id] = after  # the app applies it itself: not someone else's change
            problem = next((p for p in out.reread.problems if p.id == item_id), None)
            if after is None:
                out.failed.append(Failure(item_id, "the file is gone"))
            elif problem is not None:
                out.failed.append(Failure(item_id, problem.reason))
            else:
                size, mtime = after
                result = EditResult(item_id, str(path), "file", "edit", None, None, after != before,
                                    None, size=size, mtime_ns=mtime)
                (out.changed if result.changed else out.unchanged).append(result)
            return out

    def close(self) -> None:
        """Close the index, unless an edit is still running (it may wait on a lock:
        quitting must not wait for it; the process ending closes the file)."""
        if not self._lock.acquire(timeout=0.5):
            return
        try:
            if self._index is not None:
                self._index.close()
        finally:
            self._lock.release()

    # -- internals ---------------------------------------------------------------
    def _apply(self, action: str, topic: str | None, item_ids: Iterable[str],
               expected: Mapping[str, Stamp] | None,
               run: Callable[[Path, Stamp | None], EditResult]) -> Outcome:
        ids = list(dict.fromkeys(item_ids))
        expected = expected or {}
        with self._lock:
            out = Outcome(action, topic)
            for item_id in ids:
                try:
                    path = self.path_of(item_id)
                    result = run(path, expected.get(item_id))
                except EditError as exc:
                    out.failed.append(Failure(item_id, exc.reason))
                    continue
                except Exception as exc:  # a bug must not stop the other items
                    log.exception("%s of %s failed", action, item_id)
                    out.failed.append(Failure(item_id, _unexpected(exc)))
                    continue
                self._record(out, result, path)
            if out.changed:
                self._steps.append(Step(action, topic, tuple(out.changed)))
            out.reread = self._reread(set(ids))
            return out

    def _record(self, out: Outcome, result: EditResult, path: Path) -> None:
        if result.changed:
            self._own[result.item_id] = result.stamp
            out.changed.append(result)
            folder = str(path.parent)
            if folder not in self._swept:  # what a writer killed mid-write left, once per folder
                self._swept.add(folder)
                files.remove_stale_temps(folder, recursive=False)
        else:
            out.unchanged.append(result)
        if result.audit_error:
            out.audit_errors.append(f"Changed, but not in the audit log: {result.audit_error}")

    def _reread(self, ids: set[str]) -> Reread:
        """The files as they are now, for the catalog (and the persistent index)."""
        safe = set()
        for item_id in ids:
            try:
                self.path_of(item_id)
            except EditError:
                continue
            safe.add(item_id)
        if not safe:
            return Reread()
        return read_changes(self.root, Changes(frozenset(safe)), lambda _prefix: (), self._index)


def _bare(reason: str) -> str:
    """The core's reason without its own "; not changed" (the line starts with it)."""
    for tail in ("; not changed", "; not undone"):
        reason = reason.removesuffix(tail)
    return reason


def _unexpected(exc: Exception) -> str:
    return f"unexpected error: {type(exc).__name__}: {exc}"
