"""Pilot tests of the app's view (sort, filters, search) and what is bound to it."""

from __future__ import annotations

from textual.command import CommandList, CommandPalette
from textual.widgets import Static

from reader.core.query import Published, Query, SortKey
from reader.ui.app import ReaderApp, create_app
from reader.ui.widgets.article_list import ArticleList
from reader.ui.widgets.column_header import ColumnHeader
from reader.ui.widgets.status_bar import StatusBar
from reader.ui.widgets.topic_sidebar import ALL, UNPUBLISHED, TopicSidebar
from tests.conftest import quiet_config, wait_until
from tests.conftest import wait_loaded as loaded


def make(root, fake=None) -> ReaderApp:
    return create_app(root, config=quiet_config(), preview_service=fake, use_index=False)



# -- the view does not shadow DOMNode.query -------------------------------------
async def test_focus_action_and_app_query_work(small_corpus, fake_preview):
    app = make(small_corpus, fake_preview)
    async with app.run_test(size=(120, 30)) as pilot:
        await loaded(pilot)
        assert list(app.query(ArticleList))  # DOMNode.query is callable on the app
        await app.run_action("focus('sidebar')")
        assert isinstance(app.focused, TopicSidebar)
        await app.run_action("focus('articles')")
        assert isinstance(app.focused, ArticleList)
        for widget in (app.query_one(StatusBar), app.query_one(ColumnHeader)):
            assert list(widget.query(Static)) is not None  # not shadowed on widgets either


async def test_status_line_and_column_header_follow_the_view(small_corpus, fake_preview):
    app = make(small_corpus, fake_preview)
    async with app.run_test(size=(120, 30)) as pilot:
        await loaded(pilot)
        await pilot.press("s", "u")
        assert app.query_one(StatusBar).view is app.view
        assert app.query_one(ColumnHeader).view is app.view
        status = str(app.query_one("#status-text", Static).render())
        assert "sort heat ▼" in status and "unpublished only" in status
        assert "Heat▼" in str(app.query_one(ColumnHeader).render())


# -- a view set before the widgets exist --------------------------------------------
async def test_a_view_set_before_the_app_runs_is_applied(small_corpus, fake_preview):
    app = make(small_corpus, fake_preview)
    app.view = Query(sort=SortKey.HEAT)  # no widgets yet: nothing to move
    async with app.run_test(size=(100, 30)) as pilot:
        await loaded(pilot)
        assert app.view.sort is SortKey.HEAT
        assert app.rows[0].title == "Alpha robots learn to walk"  # the hottest
        assert app.query_one(ArticleList).cursor == 0


async def test_a_view_change_after_the_app_closed_is_harmless(small_corpus, fake_preview):
    app = make(small_corpus, fake_preview)
    async with app.run_test(size=(100, 30)) as pilot:
        await loaded(pilot)
    app.view = app.view.with_sort(SortKey.TITLE)  # the widgets are gone
    assert app.rows[-1].title == "Zeta quantum chips"


# -- the topic sidebar's highlight is the view's filter ------------------------------
def highlighted_id(sidebar: TopicSidebar) -> str | None:
    if sidebar.highlighted is None:
        return None
    return sidebar.get_option_at_index(sidebar.highlighted).id


async def choose(pilot, sidebar: TopicSidebar, option_id: str) -> None:
    await pilot.press("t")
    sidebar.highlighted = sidebar.get_option_index(option_id)
    await pilot.press("enter")


async def test_sidebar_follows_u(small_corpus, fake_preview):
    app = make(small_corpus, fake_preview)
    async with app.run_test(size=(120, 30)) as pilot:
        await loaded(pilot)
        sidebar = app.query_one(TopicSidebar)
        await choose(pilot, sidebar, "Energy")
        assert app.view.topic == "Energy" and highlighted_id(sidebar) == "Energy"
        await pilot.press("u")
        assert app.view.published is Published.UNPUBLISHED
        assert highlighted_id(sidebar) == UNPUBLISHED
        await pilot.press("u")
        assert highlighted_id(sidebar) == ALL


async def test_sidebar_follows_escape(small_corpus, fake_preview):
    app = make(small_corpus, fake_preview)
    async with app.run_test(size=(120, 30)) as pilot:
        await loaded(pilot)
        sidebar = app.query_one(TopicSidebar)
        await choose(pilot, sidebar, "AI")
        assert highlighted_id(sidebar) == "AI"
        await pilot.press("escape")
        assert app.view.topic is None
        assert highlighted_id(sidebar) == ALL


async def test_sidebar_follows_the_palette_topic_jump(small_corpus, fake_preview):
    app = make(small_corpus, fake_preview)
    async with app.run_test(size=(120, 30)) as pilot:
        await loaded(pilot)
        sidebar = app.query_one(TopicSidebar)
        await choose(pilot, sidebar, "Energy")
        await pilot.press("ctrl+p")
        await wait_until(pilot, lambda: isinstance(app.screen, CommandPalette))
        await pilot.press(*"topic: quantum")
        commands = app.screen.query_one(CommandList)
        await wait_until(pilot, lambda: commands.option_count >= 1)
        await pilot.press("enter")
        await wait_until(pilot, lambda: app.view.topic == "Quantum")
        assert highlighted_id(sidebar) == "Quantum"


async def test_sidebar_keeps_the_filter_highlighted_while_loading(small_corpus, fake_preview):
    """New topic counts rebuild the options; the highlight stays on the view's filter."""
    app = make(small_corpus, fake_preview)
    async with app.run_test(size=(120, 30)) as pilot:
        await loaded(pilot)
        sidebar = app.query_one(TopicSidebar)
        app.show_topic("Space")
        app.topics = [("Space", 1), ("AI", 3), ("Zebra", 9)]
        assert highlighted_id(sidebar) == "Space"
