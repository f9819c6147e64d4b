"""Pilot tests of the app's view (sort, filters, search) and what is bound to it."""

from __future__ import annotations

from textual.widgets import Static

from reader.ui.app import ReaderApp, create_app
from reader.ui.widgets.article_list import ArticleList
from reader.ui.widgets.column_header import ColumnHeader
from reader.ui.widgets.status_bar import StatusBar
from reader.ui.widgets.topic_sidebar import TopicSidebar
from tests.conftest import quiet_config
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
