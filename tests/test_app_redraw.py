"""What a key repaints: only what changed on the screen (every repainted cell is
sent to the terminal again, and reader is used over slow links).

Two views of the same thing, both structural (no timings):
* which lines the article list renders (``ArticleList.render_line``);
* which cells each frame covers, as Textual hands it to the terminal driver
  (``App._display`` gets the update; its spans are (row, first, end) cells).
"""

from __future__ import annotations

from collections import Counter

import pytest
from textual._compositor import ChopsUpdate, CompositorUpdate
from textual.command import CommandPalette
from textual.geometry import Region
from textual.widget import Widget

from reader.ui.app import ReaderApp, create_app
from reader.ui.columns import ARROW
from reader.ui.screens.help_screen import HelpScreen
from reader.ui.widgets.article_list import ArticleList
from reader.ui.widgets.detail_pane import DetailPane
from tests.conftest import quiet_config, wait_loaded, wait_until, write_item

SIZE = (100, 30)


@pytest.fixture
def many_items(tmp_path):
    """40 items (more than the list shows: it has a scrollbar), excerpts of
    different lengths (the detail pane changes height from one to the next),
    all longer than the detail pane (its scrollbar stays: when it comes or
    goes, Textual lays the pane out and paints it once more)."""
    root = tmp_path / "content"
    for i in range(40):
        write_item(root, f"item{i:02}.md", title=f"Item number {i:02} about batteries",
                   heat=i * 2, quality=90 - i, published=i % 3 != 0,
                   publishedDateTime=f"2025-01-{1 + i % 28:02}T{i % 24:02}:00:00Z",
                   provider={"name": f"Provider {i % 5}"}, topics=["Energy"],
                   webUrl=f"https://news.example.com/{i}",
                   excerpt=" ".join(["A sentence about cells and grids."] * (20 + 3 * (i % 7))))
    return root


class Frames:
    """The cells each frame covers, from the updates Textual hands to the driver."""

    def __init__(self, app: ReaderApp) -> None:
        self.app = app
        self.frames: list[list[tuple[int, int, int]]] = []
        display = app._display

        def record(screen, renderable) -> None:
            display(screen, renderable)
            if isinstance(renderable, ChopsUpdate):
                self.frames.append(list(renderable.spans))
            elif isinstance(renderable, CompositorUpdate):
                width, height = app.size
                self.frames.append([(y, 0, width) for y in range(height)])

        app._display = record  # type: ignore[method-assign]

    def clear(self) -> None:
        self.frames.clear()

    def cells_in(self, widget: Widget | Region) -> list[tuple[int, int, int]]:
        """Spans (row, x1, x2) that fall in ``widget``'s region, frame after frame."""
        region = widget if isinstance(widget, Region) else widget.region
        out = []
        for frame in self.frames:
            for y, x1, x2 in frame:
                if region.y <= y < region.bottom:
                    left, right = max(x1, region.x), min(x2, region.right)
                    if left < right:
                        out.append((y, left, right))
        return out


class Lines:
    """The list's lines rendered, as ``ArticleList.render_line`` draws them."""

    def __init__(self, articles: ArticleList) -> None:
        self.drawn: list[int] = []
        render_line = articles.render_line

        def record(y: int):
            self.drawn.append(y)
            return render_line(y)

        articles.render_line = record  # type: ignore[method-assign]


def make(root) -> ReaderApp:
    return create_app(root, config=quiet_config(enabled=False), use_index=False)


async def settled(pilot) -> None:
    """The detail pane shows the highlighted item and the app has nothing left to do."""
    app = pilot.app
    articles = app.query_one(ArticleList)
    if app.query_one(DetailPane).display:
        await wait_until(pilot, lambda: articles.highlighted is not None and app.current_item is not None
                         and app.current_item.id == articles.highlighted.id)
    # the workers that count (unread marks, saved views) have reported
    await wait_until(pilot, lambda: app.unread_count is not None and not app.reading.marks.stale
                     and len(app.view_counts) == len(app.saved_views))
    await pilot.pause()
    await pilot.pause()


async def test_a_cursor_move_repaints_two_list_lines_and_the_detail_pane_once(many_items):
    app = make(many_items)
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        await settled(pilot)
        articles = app.query_one(ArticleList)
        frames, lines = Frames(app), Lines(articles)
        for _ in range(4):
            frames.clear()
            lines.drawn.clear()
            before = articles.cursor - int(articles.scroll_offset.y)
            await pilot.press("j")
            await settled(pilot)
            assert sorted(set(lines.drawn)) == [before, before + 1]
            # Nothing else of the list (its scrollbar neither), nothing around it.
            rows = {y for y, _, _ in frames.cells_in(articles)}
            assert rows == {articles.region.y + before, articles.region.y + before + 1}
            for other in ("#status", "Footer", "#columns", "#sidebar", "#search"):
                widget = app.query_one(other)
                if widget.display:
                    assert frames.cells_in(widget) == [], other
            # The next item's text is painted, each line once.
            text = app.query_one("#item-view").region.intersection(app.query_one("#item-scroll").region)
            painted = Counter(y for y, _, _ in frames.cells_in(text))
            assert painted and max(painted.values()) == 1


async def test_the_same_item_shown_again_repaints_nothing(many_items):
    app = make(many_items)
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        await settled(pilot)
        frames = Frames(app)
        shown: list[str] = []
        show_detail = app.detail.show

        def record(item_id, *args) -> None:
            show_detail(item_id, *args)
            shown.append(item_id)

        app.detail.show = record  # type: ignore[method-assign]
        app.load_detail(app.current_item.id)  # the file read again, unchanged
        await wait_until(pilot, lambda: shown == [app.current_item.id])
        await pilot.pause()
        assert frames.cells_in(app.query_one(DetailPane)) == []


async def test_after_the_list_is_resized_a_move_repaints_two_lines(many_items):
    """Resizing the list queues a repaint of all of it in Textual; the frame that
    resizes it has painted it already, so the next key does not send it again."""
    app = make(many_items)
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        await settled(pilot)
        articles = app.query_one(ArticleList)
        frames = Frames(app)
        for rows in ([0, 1], [1, 2]):
            await pilot.press("v")  # list only (taller), then back
            await settled(pilot)
            frames.clear()
            await pilot.press("j")
            await settled(pilot)
            painted = {y - articles.region.y for y, _, _ in frames.cells_in(articles)}
            assert sorted(painted) == rows


async def test_a_search_letter_leaves_the_footer_header_and_sidebar_alone(many_items):
    app = make(many_items)
    async with app.run_test(size=(160, 40)) as pilot:  # wide: the sidebar is shown
        await wait_loaded(pilot)
        await settled(pilot)
        await pilot.press("slash")
        await settled(pilot)
        frames = Frames(app)
        await pilot.press("1")
        await wait_until(pilot, lambda: app.view.search == "1")
        await settled(pilot)
        assert frames.cells_in(app.query_one("#status")) != []  # "… shown · search 1"
        for other in ("Footer", "#columns", "#sidebar"):
            assert frames.cells_in(app.query_one(other)) == [], other


async def test_marking_repaints_the_marked_line_and_the_next(many_items):
    app = make(many_items)
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        await settled(pilot)
        lines = Lines(app.query_one(ArticleList))
        await pilot.press("space")
        await settled(pilot)
        assert sorted(set(lines.drawn)) == [0, 1]


async def test_list_only_moves_rewrite_two_arrow_cells(many_items):
    app = make(many_items)
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        await settled(pilot)
        await pilot.press("v")
        await settled(pilot)
        articles = app.query_one(ArticleList)
        frames = Frames(app)
        await pilot.press("j")
        await settled(pilot)
        x, y = articles.region.x, articles.region.y
        assert sorted(frames.cells_in(app.screen.region)) == [(y, x, x + 2), (y + 1, x, x + 2)]


async def test_the_list_only_key_hides_the_detail_pane_and_brings_it_back(many_items):
    app = make(many_items)
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        await settled(pilot)
        articles = app.query_one(ArticleList)
        detail = app.query_one(DetailPane)
        height = articles.size.height
        await pilot.press("v")
        await pilot.pause()
        assert app.list_only and not detail.display and articles.has_focus
        assert articles.size.height > height
        assert articles.render_line(0).text.startswith(ARROW)
        assert not articles.render_line(1).text.startswith(ARROW)
        assert app.query_one("#columns").render().plain.startswith("   ")  # the arrow's gutter
        await pilot.press("j", "j")
        await pilot.press("v")
        await settled(pilot)
        assert not app.list_only and detail.display and articles.size.height == height
        assert app.current_item.id == articles.highlighted.id == app.rows[2].id
        assert not articles.render_line(2).text.startswith(ARROW)
        # z (the detail pane's whole height) and v leave each other.
        await pilot.press("v", "z")
        assert not app.list_only and app.screen.has_class("-zoom")
        await pilot.press("v")
        assert app.list_only and not app.screen.has_class("-zoom")


async def test_the_list_only_key_is_in_the_footer_help_and_palette(many_items):
    app = make(many_items)
    async with app.run_test(size=(160, 40)) as pilot:
        await wait_loaded(pilot)
        binding = next(b for b in ReaderApp.BINDINGS if getattr(b, "id", None) == "app.list_only")
        assert binding.key == "v" and binding.show
        assert any(key.key == "v" for key in app.query("FooterKey"))
        await pilot.press("question_mark")
        help_screen = app.screen
        assert isinstance(help_screen, HelpScreen)
        assert "Hide the detail pane" in str(help_screen.query_one("#help-body").query_one("Static").render())
        await pilot.press("escape")
        await pilot.press("ctrl+p")
        assert isinstance(app.screen, CommandPalette)
        await pilot.press(*"list only", "enter")
        await wait_until(pilot, lambda: app.list_only)


async def test_state_set_again_unchanged_repaints_nothing(many_items):
    """The app sets its marks again after each triage step (the same set, even
    when nothing was marked): nothing on the screen reads differently."""
    app = make(many_items)
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        await pilot.press("space")
        await settled(pilot)
        frames = Frames(app)
        app.marks = app.marks
        await pilot.pause()
        await pilot.pause()
        assert frames.frames == []


async def test_the_list_only_key_paints_the_panes_once(many_items):
    """The list pane grows to the whole height: painted in the frame that lays it
    out, not once more after it (Textual refreshes a resized container again)."""
    app = make(many_items)
    async with app.run_test(size=SIZE) as pilot:
        await wait_loaded(pilot)
        await settled(pilot)
        frames = Frames(app)
        await pilot.press("v")
        await settled(pilot)
        articles = app.query_one(ArticleList)
        rows = Region(*articles.region.offset, articles.scrollable_content_region.width, articles.region.height)
        painted = Counter(y for y, _, _ in frames.cells_in(rows))  # (its scrollbar is redrawn)
        assert painted and max(painted.values()) == 1
