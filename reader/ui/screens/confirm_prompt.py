"""A yes/no question over the app: ``y`` or Enter answers yes, ``n`` or Esc no.

The question names items by their titles, so it is built as literal ``Content``.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Footer, Static

from reader.ui.screens import SCREENS_CSS


class ConfirmPrompt(ModalScreen[bool]):
    """Dismissed with True (yes) or False (no)."""

    CSS_PATH = SCREENS_CSS

    BINDINGS = [
        Binding("y,enter", "answer(True)", "Yes", id="confirm.yes"),
        Binding("n,escape", "answer(False)", "No", id="confirm.no"),
    ]

    def __init__(self, title: str, question: Content) -> None:
        super().__init__()
        self._title = title
        self._question = question

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm-box") as box:
            box.border_title = Content(self._title)
            yield Static(self._question, id="confirm-text")
        yield Footer()

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)
