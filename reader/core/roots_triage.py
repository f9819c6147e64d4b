"""The triage desk over several content roots: one ``TriageSession`` per root.

``RootsSession`` answers as a ``TriageSession`` does, with ids among all roots
(``reader.core.roots``): each operation is split by root, run by that root's
session (so each file is written in its own root, and its audit line goes to
that root's log), and the outcomes joined again under the full ids. Undo
undoes the last operation in every root it touched. No Textual here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import replace
from pathlib import Path

from reader.core.edit import EditError, EditResult
from reader.core.roots import Roots
from reader.core.roots_load import label_reread
from reader.core.triage import Failure, Outcome, PublishKeys, Stamp, Step, TriageSession
from reader.core.watch import Reread

__all__ = ["RootsSession", "open_session"]

NO_ROOT = "no content root has this label"


def open_session(roots: Roots, *, use_index: bool = True) -> TriageSession | RootsSession:
    """The session for these roots: a plain ``TriageSession`` for one."""
    if roots.single:
        return TriageSession(roots.primary, use_index=use_index)
    return RootsSession(roots, use_index=use_index)


class RootsSession(PublishKeys):
    def __init__(self, roots: Roots, *, use_index: bool = True,
                 make: Callable[[Path], TriageSession] | None = None) -> None:
        self.roots = roots
        self.marks: set[str] = set()
        make = make or (lambda path: TriageSession(path, use_index=use_index))
        self.sessions = {label: make(path) for label, path in roots}
        self._steps: list[list[str]] = []  # per operation: the labels whose session took a step

    @property
    def undo_depth(self) -> int:
        return len(self._steps)

    def own_stamp(self, item_id: str) -> Stamp | None:
        label = self.roots.label_of(item_id)
        return None if label is None else self.sessions[label].own_stamp(item_id.partition("/")[2])

    def path_of(self, item_id: str) -> Path:
        label = self.roots.label_of(item_id)
        if label is None:
            raise EditError(item_id, NO_ROOT)
        return self.sessions[label].path_of(item_id.partition("/")[2])

    # -- operations ---------------------------------------------------------------
    def set_published(self, item_ids: Iterable[str], value: bool, *,
                      expected: Mapping[str, Stamp] | None = None) -> Outcome:
        return self._each("publish" if value else "unpublish", None, item_ids, expected,
                          lambda s, ids, exp: s.set_published(ids, value, expected=exp))

    def add_topic(self, item_ids: Iterable[str], topic: str, *,
                  expected: Mapping[str, Stamp] | None = None) -> Outcome:
        return self._each("add topic", topic, item_ids, expected,
                          lambda s, ids, exp: s.add_topic(ids, topic, expected=exp))

    def remove_topic(self, item_ids: Iterable[str], topic: str, *,
                     expected: Mapping[str, Stamp] | None = None) -> Outcome:
        return self._each("remove topic", topic, item_ids, expected,
                          lambda s, ids, exp: s.remove_topic(ids, topic, expected=exp))

    def reload(self, item_id: str, before: Stamp | None = None) -> Outcome:
        label = self.roots.label_of(item_id)
        if label is None:
            return Outcome("edit", failed=[Failure(item_id, NO_ROOT)])
        out = Outcome("edit")
        _join(out, label, self.sessions[label].reload(item_id.partition("/")[2], before))
        return out

    def undo(self) -> Outcome:
        out = Outcome("undo")
        if not self._steps:
            out.note = "Nothing to undo in this session."
            return out
        labels = self._steps.pop()
        retry: list[str] = []
        results: list[EditResult] = []
        action, topic = "undo", None
        for label in labels:
            session = self.sessions[label]
            depth = session.undo_depth
            part = session.undo()
            if part.step is not None:
                results.extend(replace(r, item_id=f"{label}/{r.item_id}") for r in part.step.results)
                action, topic = part.step.action, part.step.topic
            if session.undo_depth == depth:  # some of it is left to try again
                retry.append(label)
            _join(out, label, part)
        if results:
            out.step = Step(action, topic, tuple(results))
        if retry:
            self._steps.append(retry)
        return out

    def close(self) -> None:
        for session in self.sessions.values():
            session.close()

    # -- internals ------------------------------------------------------------------
    def _each(self, action: str, topic: str | None, item_ids: Iterable[str],
              expected: Mapping[str, Stamp] | None,
              run: Callable[[TriageSession, list[str], dict[str, Stamp]], Outcome]) -> Outcome:
        groups, lost = self.roots.split(dict.fromkeys(item_ids))
        expected = expected or {}
        out = Outcome(action, topic, failed=[Failure(i, NO_ROOT) for i in lost])
        took: list[str] = []
        for label, rels in groups.items():
            session = self.sessions[label]
            depth = session.undo_depth
            wanted = {rel: expected[f"{label}/{rel}"] for rel in rels if f"{label}/{rel}" in expected}
            _join(out, label, run(session, rels, wanted))
            if session.undo_depth > depth:
                took.append(label)
        if took:
            self._steps.append(took)
        return out


def _join(out: Outcome, label: str, part: Outcome) -> None:
    """Add ``part`` (of the root ``label``) to ``out`` under the full ids."""
    def full(item_id: str) -> str:
        return f"{label}/{item_id}"

    out.changed.extend(replace(r, item_id=full(r.item_id)) for r in part.changed)
    out.unchanged.extend(replace(r, item_id=full(r.item_id)) for r in part.unchanged)
    out.failed.extend(Failure(full(f.item_id), f.reason) for f in part.failed)
    out.audit_errors.extend(part.audit_errors)
    out.note = out.note or part.note
    reread = label_reread(label, part.reread)
    out.reread = Reread(
        [*out.reread.entries, *reread.entries], [*out.reread.problems, *reread.problems],
        [*out.reread.removed, *reread.removed], {**out.reread.stamps, **reread.stamps},
    )
