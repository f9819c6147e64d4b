"""The files that could not be read, each with the reason."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Footer
from textual.widgets.option_list import Option

from reader.core.store import LoadProblem
from reader.ui.keys import bindings
from reader.ui.screens import SCREENS_CSS
from reader.ui.text import plain, styled
from reader.ui.widgets.nav_list import NavList


class LoadReportScreen(ModalScreen[None]):
    CSS_PATH = SCREENS_CSS
    BINDINGS = bindings("report")

    def __init__(self, problems: list[LoadProblem]) -> None:
        super().__init__()
        self._problems = problems

    def compose(self) -> ComposeResult:
        options = NavList(
            *(
                # Through the sanitiser: a file name that is not UTF-8 carries lone
                # surrogates, which have no cell width and cannot be drawn.
                Option(Content.assemble(styled(p.id, "bold"), "\n  ", plain(p.reason)))
                for p in self._problems
            ),
            id="report-list",
        )
        n = len(self._problems)
        options.border_title = f"{n} file{'s' if n != 1 else ''} could not be read"
        yield options
        yield Footer()
