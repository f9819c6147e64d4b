"""Saved views in the app: save, choose, rename, delete, and their live counts.

A composed object the app holds (``app.views``). The views themselves are
``reader.core.views``'s: the app keeps the current list in its
``saved_views`` reactive and their counts in ``view_counts`` (both bound to
the sidebar). Writing the config file and counting run in thread workers;
counts are made from the catalog's masks after loading and after every
change to the items, never during a keypress.

The views are read once the first frame is out (``start``), or before it when
that frame shows the sidebar; so ``reader.core.views`` and the query parser are
imported here where they are used, not with the app.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from textual.worker import get_current_worker

from reader.core.sanitize import sanitize

if TYPE_CHECKING:
    from reader.core.views import SavedViews, View
    from reader.ui.app import ReaderApp


def _quoted(name: str) -> str:
    return "“" + sanitize(name) + "”"


class ViewsFlow:
    def __init__(self, app: ReaderApp, path: Path | None = None) -> None:
        self.app = app
        self.path = path  # None: the config file (reader.core.config.config_path)
        self._counting = 0  # the newest count asked for: an older one that ends later is dropped
        self._items_seen = False  # the catalog has had its first batch: counts mean something
        self._started = False

    def start(self) -> None:
        """Read the views (once) and show their warnings (those the config's did not
        say already): before the first frame if it shows the sidebar, else after it."""
        if self._started:
            return
        self._started = True
        app = self.app
        for warning in self.load():
            if warning not in app.config.warnings:
                app.notify(sanitize(warning), severity="warning", markup=False)

    def load(self) -> tuple[str, ...]:
        """Read the views (one small file); their warnings."""
        from reader.core.views import load_views

        saved = load_views(self.path)
        self.app.saved_views = saved.views
        return saved.warnings

    def listed(self) -> tuple[View, ...]:
        """The saved views (read now if a key asks for them before the first frame is out)."""
        self.start()
        return self.app.saved_views

    def find(self, name: str) -> View | None:
        return next((v for v in self.listed() if v.name == name), None)

    # -- choosing ---------------------------------------------------------------------------
    def apply(self, name: str) -> None:
        """Show the view called ``name``: its query in the search bar, its sort."""
        view = self.find(name)
        if view is None:
            return
        from reader.core.views import view_query

        app = self.app
        app.view = view_query(view, app.view)
        bar = app.search_bar
        bar.value = view.query
        bar.display = bool(view.query)

    # -- saving, renaming, deleting ---------------------------------------------------------
    def save(self) -> None:
        """Ask for a name (and the query, prefilled with the current filters)."""
        from reader.core.views import View, query_text, save_view

        app = self.app
        bar = app.search_bar
        current = app.view
        if bar.display and bar.value != current.search:  # typed, and not (yet) a query: shown as it is
            current = replace(current, search=bar.value)
        names = [v.name for v in self.listed()]

        def answered(answer: tuple[str, str] | None) -> None:
            if answer is None:
                return
            name, query = answer
            sort = app.view.sort
            view = View(name, query, sort, reverse=app.view.descending != sort.default_descending)
            self._write(lambda: save_view(view, self.path), lambda saved, old: self._saved(view, old))

        from reader.ui.screens.view_prompt import ViewPrompt

        app.push_screen(ViewPrompt("Save view", query=query_text(current), taken=names), answered)

    def _saved(self, view: View, old: object) -> None:
        from reader.core.views import View

        if isinstance(old, View):
            self.app.notify(f"Replaced the view {_quoted(view.name)} (it was: {sanitize(old.query)})", markup=False)
        else:
            self.app.notify(f"Saved the view {_quoted(view.name)}", markup=False)
        self.apply(view.name)

    def rename(self, name: str) -> None:
        from reader.core.views import rename_view

        names = [v.name for v in self.listed()]

        def answered(answer: tuple[str, str] | None) -> None:
            if answer is None or answer[0] == name:
                return
            new = answer[0]
            self._write(lambda: rename_view(name, new, self.path),
                        lambda saved, old: self.app.notify(
                            f"Renamed the view {_quoted(name)} to {_quoted(new)}", markup=False))

        from reader.ui.screens.view_prompt import ViewPrompt

        self.app.push_screen(ViewPrompt(f"Rename the view “{name}”", name=name, taken=names, replaces=False),
                             answered)

    def delete(self, name: str) -> None:
        from reader.core.views import View, delete_view

        self._write(lambda: delete_view(name, self.path),
                    lambda saved, old: self.app.notify(
                        f"Deleted the view {_quoted(name)} (its query was: "
                        f"{sanitize(old.query) if isinstance(old, View) else ''})", markup=False))

    def _write(self, change: Callable[[], tuple[SavedViews, object]],
               done: Callable[[SavedViews, object], None]) -> None:
        """``change`` in a thread worker (it writes the config file); then the
        new list and ``done``, or the one-line reason it failed."""
        from reader.core.views import ViewsError

        app = self.app

        def work() -> None:
            try:
                saved, old = change()
            except ViewsError as error:
                app.call_from_thread(app.notify, sanitize(str(error)), severity="error", markup=False)
                return
            app.call_from_thread(self._written, saved, old, done)

        app.run_worker(work, name="save views", group="views", thread=True, exit_on_error=False)

    def _written(self, saved: SavedViews, old: object, done: Callable[[SavedViews, object], None]) -> None:
        self.app.saved_views = saved.views
        done(saved, old)

    # -- counts -----------------------------------------------------------------------------
    def items_changed(self) -> None:
        """The catalog changed (a batch, a file on disk, an edit): count again."""
        self._items_seen = True
        self.recount()

    def state_changed(self) -> None:
        """The reader's read or saved marks changed: count again the views that
        ask for them (``is:unread``, ``is:read``, ``is:saved``), and only those."""
        views = self.app.saved_views
        if not views:
            return
        from reader.core.querylang import names_state

        if any(names_state(v.query) for v in views):
            self.recount()

    def recount(self) -> None:
        """Count every view in a worker (the newest request wins); not while
        loading, nor before the first batch (an empty catalog's zeros)."""
        app = self.app
        views = app.saved_views
        if app.progress is not None or not views or not self._items_seen:
            return
        from reader.core.views import count_views

        catalog, user = app.catalog, app.user_state
        self._counting += 1
        asked = self._counting

        def work() -> None:
            counts = count_views(catalog, views, user)
            if not get_current_worker().is_cancelled:
                app.call_from_thread(self._counted, asked, counts)

        app.run_worker(work, name="count views", group="view-counts", thread=True, exclusive=True,
                       exit_on_error=False)

    def _counted(self, asked: int, counts: dict[str, int]) -> None:
        # (on the UI thread: no race with recount); the same counts again change
        # nothing on screen, so the sidebar is not rebuilt for them
        if asked == self._counting and counts != self.app.view_counts:
            self.app.view_counts = counts
