"""A scrolling text pane (the item, the preview, the help) with the reading keys."""

from __future__ import annotations

from typing import ClassVar

from textual.binding import BindingType
from textual.containers import VerticalScroll

from reader.ui.keys import SCROLL_KEYS


class ReadingScroll(VerticalScroll, can_focus=True):
    BINDINGS: ClassVar[list[BindingType]] = [*SCROLL_KEYS]
