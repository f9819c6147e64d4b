"""Widgets painted once when their size changes, not twice.

When a widget's size changes, Textual (8.2.8) lays the screen out, paints the
regions that moved or resized, and then, as it hands each widget its new size,
refreshes (repaints and lays out again) every widget whose size or scrollable
size changed: the next frame sends all of them to the terminal a second time,
cell for cell the same. A cursor move that shows a longer item did that to the
whole detail pane, the list-only layout (v) to the whole list.

``PaintedOnce`` takes the new sizes the way Textual itself does for sizes it
has just laid out while scrolling (``layout=False``): the frame being built
paints them; scrollbars still follow the new size.
"""

from __future__ import annotations

from textual.containers import Vertical
from textual.geometry import Size


class PaintedOnce:
    """Mix in before a Widget class."""

    def _size_updated(self, size: Size, virtual_size: Size, container_size: Size,
                      layout: bool = True) -> bool:
        return super()._size_updated(size, virtual_size, container_size, layout=False)  # type: ignore[misc]


class Pane(PaintedOnce, Vertical):
    """A Vertical (the list pane: column titles over the list)."""
