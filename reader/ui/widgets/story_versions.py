"""The versions of the shown item's story, in the detail pane (stories mode).

One line per version: provider, date, heat and quality; Enter on one posts
``Chosen`` and the app moves the list to it. Titles and providers come from
the items: literal ``Content`` only.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual.content import Content
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from reader.core.model import Entry
from reader.core.sanitize import sanitize
from reader.ui.widgets.nav_list import NavList


def version_line(entry: Entry, current: bool) -> Content:
    date = entry.published_at.strftime("%Y-%m-%d") if entry.published_at else "—"
    heat = "—" if entry.heat is None else str(entry.heat)
    quality = "—" if entry.quality is None else str(entry.quality)
    mark = ("● ", "$accent") if current else ("→ ", "$success")
    return Content.assemble(
        mark, (sanitize(entry.provider or "(no provider)"), "bold"),
        "  ", (date, "$text-muted"), "  heat ", heat, "  quality ", quality,
        "\n  ", (sanitize(entry.title or entry.id), "$text-muted"),
    )


class StoryVersions(NavList):
    """Every version of a story; the app calls ``show`` (attributes down)."""

    @dataclass
    class Chosen(Message):
        item_id: str

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.border_title = "Versions"
        self._ids: list[str] = []

    def show(self, versions: list[Entry], current: str | None = None) -> None:
        """``versions`` best first; none or one: the list hides."""
        self._ids = [e.id for e in versions]
        self.set_options(Option(version_line(e, e.id == current), id=str(i)) for i, e in enumerate(versions))
        self.display = len(versions) > 1
        if versions:
            self.highlighted = 0
        self.border_title = f"Versions of this story ({len(versions)})"

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        index = int(event.option.id or 0)
        if 0 <= index < len(self._ids):
            self.post_message(self.Chosen(self._ids[index]))
