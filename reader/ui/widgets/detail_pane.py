"""The detail pane: the item (with its related items) and the article preview.

Each cursor move shows another item here, so this pane is most of what a key
sends to the terminal: it is painted once per item (``PaintedOnce``: a longer
or shorter item does not send it twice), and not at all when the item shown
has not changed.

What the first frame does not show -- the related list and the story's
versions, both hidden until an item has some, and the Preview tab's view --
is mounted once that frame is out (``mount_hidden``): a start styles fewer
widgets before its first rows are on screen, and imports their modules (and
the item's rendering, ``reader.ui.item_render``) only then.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import Static, TabbedContent, TabPane

from reader.core.dates import UTC_DAYS, DateStyle
from reader.ui.widgets.painted_once import PaintedOnce
from reader.ui.widgets.reading_scroll import ReadingScroll

if TYPE_CHECKING:
    from reader.core.model import Item, Related
    from reader.ui.widgets.preview_view import PreviewView
    from reader.ui.widgets.related_list import RelatedList


class ItemView(PaintedOnce, Static):
    """The item's fields and text."""


class ItemScroll(PaintedOnce, ReadingScroll):
    """Scrolls the item and its related items together."""


class DetailPane(PaintedOnce, Vertical):
    """Two tabs: Item and Preview. The app calls ``show_*`` (attributes down)."""

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._shown: tuple[object, ...] | None = None  # what show_item shows now
        self._hidden: tuple[RelatedList, PreviewView] | None = None  # (mount_hidden)

    def compose(self) -> ComposeResult:
        with TabbedContent(id="detail-tabs", initial="tab-item"):
            with TabPane("Item", id="tab-item"), ItemScroll(id="item-scroll"):
                yield ItemView(Content.styled("Loading…", "$text-muted"), id="item-view")
            yield TabPane("Preview", id="tab-preview")  # its view: mount_hidden

    def on_mount(self) -> None:
        self.call_after_refresh(self.mount_hidden)

    def mount_hidden(self) -> None:
        """Mount the related list, the versions and the Preview tab's view
        (after the first frame; or now, if something asks for them before)."""
        self._mount_hidden()

    def _mount_hidden(self) -> tuple[RelatedList, PreviewView]:
        if self._hidden is not None:
            return self._hidden
        from reader.ui.widgets.preview_view import PreviewView
        from reader.ui.widgets.related_list import RelatedList
        from reader.ui.widgets.story_versions import StoryVersions

        related, versions = RelatedList(id="related"), StoryVersions(id="versions")
        related.display = versions.display = False  # until an item has some
        preview = PreviewView(id="preview")
        self.query_one(ItemScroll).mount(related, versions)
        self.query_one("#tab-preview", TabPane).mount(preview)
        self._hidden = related, preview
        return self._hidden

    @property
    def related(self) -> RelatedList:
        return self._mount_hidden()[0]

    def show_item(self, item: Item, in_corpus: list[bool], *, heat_scale: int = 100,
                  quality_scale: int = 100, dates: DateStyle = UTC_DAYS, root: str | None = None) -> None:
        """Show ``item``; its heat and quality bars are full at the scales given,
        its date as ``dates`` says (config.toml's date_format and time_zone).
        The same item again (read again, unchanged) changes nothing, not even
        where the pane is scrolled to. ``root``: the label of the item's content
        root, shown when there are several (None: one root)."""
        shown = (item, in_corpus, heat_scale, quality_scale, dates, root)
        if shown == self._shown:
            return
        self._shown = shown
        from reader.ui.item_render import item_content

        self.query_one("#item-view", Static).update(
            item_content(item, heat_scale=heat_scale, quality_scale=quality_scale, dates=dates, root=root)
        )
        self.related.show(item.related, in_corpus)
        self.query_one("#item-scroll", ReadingScroll).scroll_home(animate=False)

    def show_related(self, rel: Related, dates: DateStyle = UTC_DAYS) -> None:
        from reader.ui.item_render import related_content

        self._shown = None
        self.query_one("#item-view", Static).update(related_content(rel, dates=dates))
        self.related.show((), [])
        self.query_one("#item-scroll", ReadingScroll).scroll_home(animate=False)
        self.query_one(TabbedContent).active = "tab-item"

    def show_message(self, message: Content) -> None:
        self._shown = None
        self.query_one("#item-view", Static).update(message)
        self.related.show((), [])

    @property
    def preview(self) -> PreviewView:
        return self._mount_hidden()[1]

    @property
    def active_tab(self) -> str:
        return self.query_one(TabbedContent).active
