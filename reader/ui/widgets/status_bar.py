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
    shown: reactive[int] = reactive(0)
    total: reactive[int] = reactive(0)
    unpublished: reactive[int] = reactive(0)
    problems: reactive[int] = reactive(0)
    view: reactive[Query] = reactive(Query)
    progress: reactive[tuple[int, int] | None] = reactive(None)
    marks: reactive[Set[str]] = reactive(frozenset, always_update=True)
    stories: reactive[str] = reactive("")  # stories mode: what to say (counts are of stories then)

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
        self.query_one("#status-text", Static).update(Content.assemble(*parts))
