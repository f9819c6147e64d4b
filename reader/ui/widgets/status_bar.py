"""The status line: counts, sort, filter, marks, load progress and load problems."""

from __future__ import annotations

from collections.abc import Set

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.content import Content
from textual.reactive import reactive
from textual.widgets import ProgressBar, Static

from reader.core.query import Published, Query
from reader.core.sanitize import sanitize


class StatusBar(Horizontal):
    """Repaints its line only when the text on it changes (each repaint is a line
    sent to the terminal): not for a cursor move, nor for a view that reads the same."""

    # Bound to the app's state; the text (or the progress bar) repaints itself.
    shown: reactive[int] = reactive(0, repaint=False)
    total: reactive[int] = reactive(0, repaint=False)
    unpublished: reactive[int] = reactive(0, repaint=False)
    problems: reactive[int] = reactive(0, repaint=False)
    view: reactive[Query] = reactive(Query, repaint=False)
    progress: reactive[tuple[int, int] | None] = reactive(None, repaint=False)
    marks: reactive[Set[str]] = reactive(frozenset, always_update=True, repaint=False)
    stories: reactive[str] = reactive("", repaint=False)  # stories mode: what to say (counts are of stories then)

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._shown = Content("")  # the text on the line now

    def compose(self) -> ComposeResult:
        yield Static(id="status-text")
        yield ProgressBar(id="status-progress", show_eta=False)

    def on_mount(self) -> None:
        self._refresh_text()

    def _watch_any(self) -> None:
        if self.is_mounted:
            self._refresh_text()

    watch_shown = watch_total = watch_unpublished = watch_problems = watch_view = watch_marks = _watch_any
    watch_stories = _watch_any

    def watch_progress(self, progress: tuple[int, int] | None) -> None:
        if not self.is_mounted:
            return
        bar = self.query_one(ProgressBar)
        bar.display = progress is not None
        if progress is not None:
            done, total = progress
            bar.update(total=max(total, 1), progress=done)
        self._refresh_text()

    def _refresh_text(self) -> None:
        q = self.view
        parts: list[Content | str | tuple[str, str]] = [
            (f"{self.shown:,}", "bold"), f" / {self.total:,} shown",
            " · ", (f"{self.unpublished:,}", "bold"), " unpublished",
            " · sort ", (q.sort.value + (" ▼" if q.descending else " ▲"), "bold"),
        ]
        if self.stories:
            parts += [" · ", (self.stories, "bold $accent")]
        if q.topic:
            parts += [" · topic ", (sanitize(q.topic), "bold")]
        if q.published is Published.UNPUBLISHED:
            parts += [" · ", ("unpublished only", "bold")]
        if q.search:
            parts += [" · search ", (sanitize(q.search), "bold")]
        if self.marks:
            parts += [" · ", (f"{len(self.marks):,} marked", "bold $success")]
        if self.progress is not None:
            done, total = self.progress
            parts += [" · loading ", (f"{done:,}/{total:,}", "bold")]
        if self.problems:
            noun = "file" if self.problems == 1 else "files"
            parts += [" · ", (f"{self.problems} {noun} could not be read", "bold $error"),
                      (" (e)", "$text-muted")]
        text = Content.assemble(*parts)
        shown = self.query_one("#status-text", Static)
        if (text.plain, text.spans) != (self._shown.plain, self._shown.spans):
            # One line of fixed height: a new text needs a repaint, never a relayout.
            self._shown = text
            shown.update(text, layout=False)
