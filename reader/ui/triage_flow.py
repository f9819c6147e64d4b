"""The triage desk in the app: marks, publish / unpublish, topics, the editor, undo.

A composed object the app holds (``app.triage``); the app's key actions call
it. The edits themselves are ``reader.core.triage.TriageSession``'s, run in
thread workers one at a time, in the order they were asked for (a quick
"publish, unpublish" on one item must end unpublished). Each result is applied
to the catalog here (entries read again from the files, counts, the list) and
said in one notification.

What acts on what: with marks, publish / unpublish / topics act on every
marked item (the status line shows how many); without, on the item under the
cursor. After publishing or unpublishing one item the cursor moves to the next
one at once, so a second key acts on the next item even before the first
write has finished.
"""

from __future__ import annotations

import logging
import subprocess
from collections import Counter, deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual.app import SuspendNotSupported

from reader.core.files import EditError, os_reason
from reader.core.query import Published, Query, SortKey
from reader.core.roots_triage import RootsSession, open_session
from reader.core.sanitize import sanitize
from reader.core.triage import Outcome, Stamp, TriageSession, editor_command, stamp_of, summary
from reader.ui.screens.audit_screen import AuditLogScreen
from reader.ui.screens.topic_prompt import TopicPrompt
from reader.ui.widgets.article_list import ArticleList

if TYPE_CHECKING:
    from reader.core.watch import Reread
    from reader.ui.app import ReaderApp

log = logging.getLogger("reader.ui")
NAME_WIDTH = 40


def triage_query(view: Query) -> Query:
    """The triage queue: unpublished items, hottest first (ties: best quality first)."""
    return Query(sort=SortKey.HEAT, descending=True, published=Published.UNPUBLISHED, search=view.search)


@dataclass(frozen=True, slots=True)
class _Op:
    name: str
    run: Callable[[], Outcome]
    unmark: bool = False  # a batch publish: done items leave the marks


class TriageFlow:
    def __init__(self, app: ReaderApp, session: TriageSession | RootsSession | None = None) -> None:
        self.app = app
        self.session = session or open_session(app.roots, use_index=app._use_index)
        self._seen: tuple[str, Stamp] | None = None  # the detail pane's item and its file stamp
        self._pending: deque[_Op] = deque()
        self._running = False

    @property
    def busy(self) -> bool:
        """An edit is running or waiting to run."""
        return self._running or bool(self._pending)

    def close(self) -> None:
        self.session.close()

    def own_stamp(self, item_id: str) -> Stamp | None:
        """For live reload: the stamp this app last wrote (or re-read after the
        editor) for ``item_id``; a file on disk with another stamp changed elsewhere."""
        return self.session.own_stamp(item_id)

    # The actions the app's triage keys name (``triage('publish')``), and only these.
    ACTIONS = frozenset({"queue", "publish", "unpublish", "mark_all", "clear_marks", "add_topic",
                         "remove_topic", "edit", "undo", "audit_log", "toggle_mark_here"})

    def run_action(self, name: str) -> None:
        if name not in self.ACTIONS:  # a keymap may name anything
            self._say([f"Not a triage action: {name!r}"], "error")
            return
        getattr(self, name)()

    def detail_shown(self, item_id: str, stamp: Stamp | None) -> None:
        """The detail pane shows ``item_id`` as read from a file with ``stamp``."""
        self._seen = (item_id, stamp) if stamp is not None else None

    def queue(self) -> None:
        """Show the triage queue (the sidebar's "Unpublished" does the same)."""
        self.app.view = triage_query(self.app.view)
        self.app.focus_now(self.app.query_one(ArticleList))

    # -- marks ------------------------------------------------------------------------
    def toggle_mark(self, item_id: str) -> None:
        self.session.marks.symmetric_difference_update((item_id,))
        self._marks_changed()

    def toggle_mark_here(self) -> None:
        """Mark or unmark the item under the cursor and move on (as ``space`` in the list)."""
        self.app.query_one(ArticleList).action_toggle_mark()

    def mark_all(self) -> None:
        shown = {e.id for e in self.app.rows}
        marks = self.session.marks
        if shown and shown <= marks:
            marks.clear()
            self._say(["Marks cleared"])
        else:
            marks.update(shown)
            self._say([f"{len(marks):,} marked"])
        self._marks_changed()

    def clear_marks(self) -> None:
        self.session.marks.clear()
        self._marks_changed()

    def _marks_changed(self) -> None:
        self.app.marks = self.session.marks  # the same set: bound widgets redraw

    # -- actions ----------------------------------------------------------------------
    def publish(self) -> None:
        self.set_published(True)

    def unpublish(self) -> None:
        self.set_published(False)

    def add_topic(self) -> None:
        self.ask_topic(add=True)

    def remove_topic(self) -> None:
        self.ask_topic(add=False)

    def set_published(self, value: bool) -> None:
        ids, single = self._targets()
        if not ids or not self._ready():
            return
        expected = self._expected(ids)
        if single:
            self.app.query_one(ArticleList).action_cursor_down()
        verb = "publish" if value else "unpublish"
        self._submit(_Op(verb, lambda: self.session.set_published(ids, value, expected=expected),
                         unmark=not single))

    def ask_topic(self, add: bool) -> None:
        ids, single = self._targets()
        if not ids or not self._ready():
            return
        what = self._name(ids[0]) if single else f"{len(ids)} marked items"
        if add:
            choices = self.app.catalog.topic_counts()
            title = f"Add a topic to {what}"
        else:
            counts: Counter[str] = Counter()
            for item_id in ids:
                entry = self.app.catalog.get(item_id)
                counts.update(entry.topics if entry else ())
            choices = counts.most_common()
            if not choices:
                self._say([f"{what} has no topics to remove" if single
                           else "The marked items have no topics"])
                return
            title = f"Remove a topic from {what}"
        expected = self._expected(ids)

        def chosen(topic: str | None) -> None:
            if not topic:
                return
            session = self.session
            run = (lambda: session.add_topic(ids, topic, expected=expected)) if add else (
                lambda: session.remove_topic(ids, topic, expected=expected))
            self._submit(_Op("add topic" if add else "remove topic", run))

        self.app.push_screen(TopicPrompt(sanitize(title), choices, free=add,
                                         placeholder="topic (Tab completes)" if add else "topic"), chosen)

    def add_topic_to(self, ids: list[str], topic: str) -> None:
        """Add ``topic`` to these items (stories: the other versions, as duplicates)."""
        session = self.session
        self._submit(_Op("add topic", lambda: session.add_topic(ids, topic)))

    def undo(self) -> None:
        self._submit(_Op("undo", self.session.undo))

    def audit_log(self) -> None:
        # With several roots: the log of the root of the item under the cursor.
        entry = self.app.query_one(ArticleList).highlighted
        where = None if entry is None else self.app.roots.locate(entry.id)
        self.app.push_screen(AuditLogScreen(self.app.root if where is None else where[0]))

    def edit(self) -> None:
        """Hand the terminal to ``$VISUAL``/``$EDITOR`` on the item's file; read it again after."""
        entry = self.app.query_one(ArticleList).highlighted
        if entry is None or not self._ready():
            return
        try:
            path = self.session.path_of(entry.id)
        except EditError as exc:
            self._say([f"{entry.id}: {exc.reason}"], "error")
            return
        before = stamp_of(path)
        command = editor_command(path)
        try:
            with self.app.suspend():
                status = subprocess.call(command)
        except SuspendNotSupported:
            self._say(["This terminal cannot be handed to an editor (suspending is not supported here)"],
                      "error")
            return
        except OSError as exc:
            self._say([f"Cannot start the editor {command[0]!r}: {os_reason(exc)}"], "error")
            return
        if status != 0:
            self._say([f"The editor {command[0]!r} exited with status {status}"], "warning")
        self._submit(_Op("edit", lambda: self.session.reload(entry.id, before)))

    # -- running edits one at a time ---------------------------------------------------
    def _submit(self, op: _Op) -> None:
        self._pending.append(op)
        if not self._running:
            self._start_next()

    def _start_next(self) -> None:
        if not self._pending:
            self._running = False
            return
        op = self._pending.popleft()
        self._running = True
        self.app.run_worker(lambda: self._work(op), name=f"triage {op.name}", group="triage",
                            thread=True, exit_on_error=False)

    def _work(self, op: _Op) -> None:  # a worker thread
        try:
            outcome = op.run()
        except BaseException:
            self.app.call_from_thread(self._start_next)  # the error itself goes to the app's handler
            raise
        self.app.call_from_thread(self._finish, op, outcome)

    def _finish(self, op: _Op, outcome: Outcome) -> None:
        self.apply(outcome.reread)
        if op.unmark and outcome.done:
            self.session.marks.difference_update(outcome.done)
            self._marks_changed()
        if op.name == "undo" and outcome.changed:
            self.app.query_one(ArticleList).move_to_id(outcome.changed[-1].item_id)
        current = self.app.query_one(ArticleList).highlighted
        if current is not None and current.id in outcome.touched:
            self.app.load_detail(current.id)  # the pane shows the file as it is now
        self._report(outcome)
        self._start_next()
        if op.name == "publish" and outcome.done:
            self.app.stories.offer_duplicates(outcome.done)

    def apply(self, reread: Reread) -> None:
        """Put what was read again into the catalog: the same path as live reload."""
        if reread.ids:
            self.app.apply_reread(reread)

    # -- helpers ----------------------------------------------------------------------
    def _ready(self) -> bool:
        if self.app.progress is not None:
            self._say(["Still loading the items; edit once loading has finished"], "warning")
            return False
        return True

    def _targets(self) -> tuple[list[str], bool]:
        """The marked ids, or the item under the cursor; and whether it is that one item."""
        if self.session.marks:
            return sorted(self.session.marks), False
        entry = self.app.query_one(ArticleList).highlighted
        return ([entry.id], True) if entry is not None else ([], True)

    def _expected(self, ids: Iterable[str]) -> dict[str, Stamp]:
        seen = self._seen
        if seen is None or seen[0] not in ids:
            return {}
        return {seen[0]: seen[1]}

    def _name(self, item_id: str) -> str:
        entry = self.app.catalog.get(item_id)
        title = sanitize(entry.title) if entry is not None and entry.title else item_id
        if len(title) > NAME_WIDTH:
            title = title[: NAME_WIDTH - 1] + "…"
        return f"“{title}”" if entry is not None and entry.title else title

    def _report(self, outcome: Outcome) -> None:
        lines = summary(outcome, self._name)
        if not lines:
            return
        if outcome.failed and not outcome.changed and not outcome.unchanged:
            severity = "error"
        elif outcome.failed or outcome.changed_since or outcome.audit_errors:
            severity = "warning"
        else:
            severity = "information"
        self._say(lines, severity)

    def _say(self, lines: list[str], severity: str = "information") -> None:
        self.app.notify("\n".join(sanitize(line) for line in lines), severity=severity,  # type: ignore[arg-type]
                        markup=False, timeout=6 if severity == "information" else 10)
