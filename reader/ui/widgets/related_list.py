"""The related items of the shown item, as a navigable list."""

from __future__ import annotations

from dataclasses import dataclass

from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from reader.core.model import Related
from reader.ui.item_render import related_option
from reader.ui.widgets.nav_list import NavList


class RelatedList(NavList):
    """Enter on a related item posts ``Chosen``; the app decides where it leads."""

    @dataclass
    class Chosen(Message):
        related: Related

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.border_title = "Related"
        self._related: tuple[Related, ...] = ()

    def show(self, related: tuple[Related, ...], in_corpus: list[bool]) -> None:
        self._related = related
        self.set_options(
            Option(related_option(rel, hit), id=str(i))
            for i, (rel, hit) in enumerate(zip(related, in_corpus, strict=False))
        )
        self.display = bool(related)
        if related:
            self.highlighted = 0  # Enter right after focusing opens the first one
        self.border_title = f"Related ({len(related)})"

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        index = int(event.option.id or 0)
        if 0 <= index < len(self._related):
            self.post_message(self.Chosen(self._related[index]))
