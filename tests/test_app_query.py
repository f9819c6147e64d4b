"""Pilot tests: the query language in the search bar."""

from __future__ import annotations

from textual import events

from reader.core.query_eval import UserState
from reader.ui.app import ReaderApp, create_app
from reader.ui.widgets.article_list import ArticleList
from reader.ui.widgets.query_hint import QueryHint
from reader.ui.widgets.search_bar import SearchBar
from tests.conftest import quiet_config, wait_until
from tests.conftest import wait_loaded as loaded


def make(root, fake=None) -> ReaderApp:
    return create_app(root, config=quiet_config(), preview_service=fake, use_index=False)


def ids(app: ReaderApp) -> list[str]:
    return [e.id for e in app.rows]


def hint_text(app: ReaderApp) -> str:
    return str(app.query_one(QueryHint).render())


def status(app: ReaderApp) -> str:
    return str(app.query_one("#status-text").render())


async def test_typing_a_query_filters_as_you_type(small_corpus, fake_preview):
    app = make(small_corpus, fake_preview)
    async with app.run_test(size=(100, 30)) as pilot:
        await loaded(pilot)
        await pilot.press("slash", *"heat:>40")
        assert sorted(ids(app)) == ["a.md", "c.md", "f.md"]
        await pilot.press("space", *"-topic:ai")
        assert ids(app) == ["c.md"]
        await pilot.press("backspace", "backspace", "backspace", "backspace", "backspace", "backspace",
                          "backspace", "backspace", "backspace", *"after:2025-01-31")
        assert ids(app) == ["f.md"]  # 2025-02-20; c is from 2024, a from 2025-01-05
        assert app.view.search == "heat:>40 after:2025-01-31"
        assert "search heat:>40 after:2025-01-31" in status(app)
        assert "1 / 6 shown" in status(app)
        assert not app.query_one(QueryHint).display


async def test_an_error_shows_under_the_bar_and_leaves_the_list(small_corpus, fake_preview):
    app = make(small_corpus, fake_preview)
    async with app.run_test(size=(100, 30)) as pilot:
        await loaded(pilot)
        await pilot.press("slash", *"robots")
        assert ids(app) == ["a.md"]
        bar = app.query_one(SearchBar)
        bar.post_message(events.Paste(" heat:>abc"))  # pasted at once
        hint = app.query_one(QueryHint)
        await wait_until(pilot, lambda: hint.display)
        assert bar.value == "robots heat:>abc"
        assert hint_text(app) == "✗ heat needs a number, at column 14"
        assert ids(app) == ["a.md"] and app.view.search == "robots"  # as it was
        assert "search robots" in status(app)
        await pilot.press("backspace", "backspace", "backspace", *"5")
        assert not hint.display
        assert ids(app) == ["a.md"] and app.view.search == "robots heat:>5"
        await pilot.press(*' "open')
        assert hint_text(app) == "✗ this quote is never closed, at column 16"
        await pilot.press("escape")  # Esc clears, as before
        assert not bar.display and not hint.display
        assert app.view.search == "" and len(app.rows) == 6
        assert app.query_one(ArticleList).has_focus


async def test_a_query_with_markup_stays_text(small_corpus, fake_preview):
    app = make(small_corpus, fake_preview)
    async with app.run_test(size=(100, 30)) as pilot:
        await loaded(pilot)
        await pilot.press("slash")
        app.query_one(SearchBar).post_message(events.Paste("[@click=app.quit]x[/] [b] has:images"))
        await wait_until(pilot, lambda: app.query_one(QueryHint).display)
        assert "has:images is not supported yet" in hint_text(app)
        app.query_one(SearchBar).value = "[@click=app.quit]x[/]"
        await wait_until(pilot, lambda: app.view.search == "[@click=app.quit]x[/]")
        assert "search [@click=app.quit]x[/]" in status(app)
        assert app.is_running


async def test_tab_completes_a_field_name_and_a_value(small_corpus, fake_preview):
    app = make(small_corpus, fake_preview)
    async with app.run_test(size=(100, 30)) as pilot:
        await loaded(pilot)
        bar = app.query_one(SearchBar)
        await pilot.press("slash", "h", "e", "tab")
        assert (bar.value, bar.cursor_position) == ("heat:", 5)
        assert bar.has_focus
        await pilot.press(*">40", "space", *"to", "tab", *"Ener", "tab")
        assert bar.value == "heat:>40 topic:Energy "  # a topic from the catalog
        assert ids(app) == []
        await pilot.press(*"is:un", "tab")  # two ways on: both named under the bar
        assert bar.value == "heat:>40 topic:Energy is:un"
        assert hint_text(app) == "Tab: unpublished  unread"
        await pilot.press("p", "tab")
        assert bar.value == "heat:>40 topic:Energy is:unpublished "
        assert not app.query_one(QueryHint).display
        assert bar.has_focus


async def test_tab_with_nothing_to_complete_moves_the_focus_on(small_corpus, fake_preview):
    app = make(small_corpus, fake_preview)
    async with app.run_test(size=(100, 30)) as pilot:
        await loaded(pilot)
        bar = app.query_one(SearchBar)
        await pilot.press("slash", *"xyz", "tab")
        assert bar.value == "xyz" and not bar.has_focus


async def test_question_mark_in_the_empty_bar_shows_the_syntax(small_corpus, fake_preview):
    app = make(small_corpus, fake_preview)
    async with app.run_test(size=(100, 30)) as pilot:
        await loaded(pilot)
        bar = app.query_one(SearchBar)
        hint = app.query_one(QueryHint)
        await pilot.press("slash", "question_mark")
        assert bar.value == "" and bar.has_focus
        assert hint.display and hint.showing == "syntax"
        for field in ("topic:", "provider:", "heat:>50", "heat:unscored", "after:", "is:unread", "has:url"):
            assert field in hint_text(app)
        await pilot.press("question_mark")  # again: hidden
        assert not hint.display
        await pilot.press("question_mark", *"ai")  # typing hides it
        assert not hint.display and bar.value == "ai"
        await pilot.press("question_mark")  # in a word: just a character
        assert bar.value == "ai?" and not hint.display


async def test_the_readers_state_is_asked_through_the_provider(small_corpus, fake_preview):
    app = make(small_corpus, fake_preview)
    app.user_state = UserState(read=lambda: {"a.md", "b.md"}, saved=lambda: {"c.md"})
    async with app.run_test(size=(100, 30)) as pilot:
        await loaded(pilot)
        await pilot.press("slash", *"is:unread")
        assert sorted(ids(app)) == ["c.md", "d.md", "f.md", "sub/e.md"]
        app.query_one(SearchBar).value = "is:saved"
        await wait_until(pilot, lambda: ids(app) == ["c.md"])


async def test_escape_in_the_list_clears_a_query_that_never_parsed(small_corpus, fake_preview):
    app = make(small_corpus, fake_preview)
    async with app.run_test(size=(100, 30)) as pilot:
        await loaded(pilot)
        bar = app.query_one(SearchBar)
        await pilot.press("slash", '"', "enter")  # an open quote: nothing applied yet
        assert app.query_one(ArticleList).has_focus and bar.display
        assert app.query_one(QueryHint).display and app.view.search == ""
        await pilot.press("escape")
        assert bar.value == "" and not bar.display and not app.query_one(QueryHint).display
