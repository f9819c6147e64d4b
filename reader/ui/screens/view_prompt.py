"""Ask for a saved view's name, and (when saving) its query.

Saving shows both: the name, and the query prefilled with the list's current
filters so it can be checked or changed. Enter answers when both are good: a
name (``reader.core.views.check_name``) and a query that parses; otherwise
the line under them says what is wrong (a query error with its column, as
under the search bar) and the screen stays. Renaming asks for the name only.

Names and queries may come from a shared config file: shown as literal
``Content`` only.
"""

from __future__ import annotations

from collections.abc import Collection

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Footer, Input, Static

from reader.core.querylang import QueryError, parse
from reader.core.sanitize import sanitize
from reader.core.views import check_name
from reader.ui.screens import SCREENS_CSS


class ViewPrompt(ModalScreen[tuple[str, str] | None]):
    """Dismissed with (name, query), or None (Esc). With ``query`` None only
    the name is asked for, and the answer's query is ""."""

    CSS_PATH = SCREENS_CSS

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="view_prompt.cancel")]

    def __init__(self, title: str, *, name: str = "", query: str | None = None,
                 taken: Collection[str] = (), replaces: bool = True) -> None:
        super().__init__()
        self._title = title
        self._name = name
        self._query = query
        self._taken = {n.casefold(): n for n in taken}
        self._replaces = replaces  # a name in use: replace that view (save) or refuse (rename)

    def compose(self) -> ComposeResult:
        with Vertical(id="view-box") as box:
            box.border_title = Content(sanitize(self._title))  # a str would be read as markup
            yield Input(self._name, placeholder="name, as the sidebar shows it", id="view-name")
            if self._query is not None:
                yield Input(self._query, placeholder="query, e.g. topic:AI heat:>50", id="view-query")
            yield Static(id="view-hint")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#view-name", Input).focus()
        self._check()

    @on(Input.Changed)
    def _changed(self) -> None:
        self._check()

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if self._check(submitting=True) is None:
            self.dismiss((self._name_value(), self._query_value()))

    def action_cancel(self) -> None:
        self.dismiss(None)

    def _name_value(self) -> str:
        return self.query_one("#view-name", Input).value.strip()

    def _query_value(self) -> str:
        return "" if self._query is None else self.query_one("#view-query", Input).value

    def _check(self, submitting: bool = False) -> str | None:
        """What stops the answer (shown under the inputs), or None. An empty
        name is said only on Enter: not in red before anything is typed."""
        name = self._name_value()
        problem = None
        try:
            parse(self._query_value())
        except QueryError as error:
            problem = f"the query has an error: {error}"
        problem = problem or check_name(name)
        note = "Enter saves · Esc cancels"
        taken = self._taken.get(name.casefold())
        if problem is None and taken is not None and taken != self._name:
            if self._replaces:
                note = f"Enter replaces the view “{taken}” · Esc cancels"
            else:
                problem = f"there is a view called “{taken}” already"
        hint = self.query_one("#view-hint", Static)
        if problem is not None and (name or submitting or problem.startswith("the query")):
            hint.update(Content.styled(sanitize(problem), "$error"))
        else:
            hint.update(Content.styled(sanitize(note), "$text-muted"))
        return problem
