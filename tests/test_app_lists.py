"""Pilot tests: every list answers the same movement keys, and so does every
scrolling text pane (j/k, g/G, f/b and Ctrl+F/Ctrl+B next to the arrows and
Home/End/PgUp/PgDn). Space marks in the article list, so it pages no list; the
text panes page with it too."""

from __future__ import annotations

import pytest

from reader.ui.app import ReaderApp, create_app
from reader.ui.keys import LIST_KEYS, SCROLL_KEYS
from reader.ui.screens.help_screen import HelpScreen
from reader.ui.screens.load_report_screen import LoadReportScreen
from reader.ui.screens.preview_screen import PreviewScreen
from reader.ui.widgets.article_list import ArticleList
from reader.ui.widgets.nav_list import NavList
from reader.ui.widgets.preview_view import PreviewView
from reader.ui.widgets.reading_scroll import ReadingScroll
from reader.ui.widgets.related_list import RelatedList
from reader.ui.widgets.topic_sidebar import TopicSidebar
from tests.conftest import FakePreviewService, quiet_config, wait_until, write_item
from tests.conftest import wait_loaded as loaded


def make(root, fake=None, **preview) -> ReaderApp:
    return create_app(root, config=quiet_config(**preview), preview_service=fake,
                      use_index=False)



def key_actions(cls) -> dict[str, str]:
    """{key: action} as the widget class answers them (its bindings merged with its bases')."""
    merged = cls._merge_bindings()
    return {key: bindings[-1].action for key, bindings in merged.key_to_bindings.items()}


MOVES = {"j": "cursor_down", "down": "cursor_down", "k": "cursor_up", "up": "cursor_up",
         "g": "first", "home": "first", "G": "last", "end": "last",
         "f": "page_down", "ctrl+f": "page_down", "pagedown": "page_down",
         "b": "page_up", "ctrl+b": "page_up", "pageup": "page_up"}


@pytest.mark.parametrize("cls", [ArticleList, TopicSidebar, RelatedList, NavList])
def test_every_list_answers_the_same_movement_keys(cls):
    actions = key_actions(cls)
    assert {k: actions.get(k) for k in MOVES} == MOVES
    # Space marks in the article list; no list pages with it.
    assert actions.get("space") == ("toggle_mark" if cls is ArticleList else None)


@pytest.mark.parametrize("cls", [ReadingScroll, PreviewView])
def test_every_reading_pane_answers_the_same_scroll_keys(cls):
    actions = key_actions(cls)
    assert actions.get("space") == "page_down"  # as in a pager: nothing to mark in text
    for key, action in MOVES.items():
        scroll = {"cursor_down": "scroll_down", "cursor_up": "scroll_up",
                  "first": "scroll_home", "last": "scroll_end"}.get(action, action)
        assert actions.get(key) == scroll, key


def test_the_keys_are_defined_once():
    assert all(b.id and b.id.startswith("list.") for b in LIST_KEYS)
    assert all(b.id and b.id.startswith("scroll.") for b in SCROLL_KEYS)


# -- the lists ------------------------------------------------------------------------
async def test_topic_sidebar_moves_with_j_k_g_G(small_corpus, fake_preview):
    app = make(small_corpus, fake_preview)
    async with app.run_test(size=(120, 30)) as pilot:
        await loaded(pilot)
        await pilot.press("t")
        sidebar = app.query_one(TopicSidebar)
        assert sidebar.has_focus and sidebar.highlighted == 0
        await pilot.press("j")
        assert sidebar.highlighted == 1
        await pilot.press("j", "j", "j")  # past Unread and Saved: the first topic
        assert sidebar.get_option_at_index(sidebar.highlighted).id == "AI"
        await pilot.press("k")
        assert sidebar.highlighted == 3
        await pilot.press("G")
        assert sidebar.highlighted == sidebar.option_count - 1
        await pilot.press("g")
        assert sidebar.highlighted == 0
        await pilot.press("f")
        assert sidebar.highlighted == sidebar.option_count - 1  # one page holds them all
        await pilot.press("b")
        assert sidebar.highlighted == 0
        assert app.query_one(ArticleList).cursor == 0  # the list did not move


async def test_related_list_moves_with_j_k_g_G(small_corpus, fake_preview):
    app = make(small_corpus, fake_preview)
    async with app.run_test(size=(100, 30)) as pilot:
        await loaded(pilot)
        app.query_one(ArticleList).move_to_id("a.md")
        await wait_until(pilot, lambda: app.current_item and app.current_item.id == "a.md")
        await pilot.press("enter")
        related = app.query_one(RelatedList)
        assert related.has_focus and related.highlighted == 0
        await pilot.press("j")
        assert related.highlighted == 1
        await pilot.press("k")
        assert related.highlighted == 0
        await pilot.press("G")
        assert related.highlighted == 1
        await pilot.press("g")
        assert related.highlighted == 0


async def test_load_report_list_moves_with_j_k_g_G(tmp_path):
    root = tmp_path / "content"
    write_item(root, "ok.md", title="Fine")
    for i in range(4):
        (root / f"bad{i}.md").write_text("---\ntitle: [unclosed\n---\n", encoding="utf-8")
    app = make(root, FakePreviewService())
    async with app.run_test(size=(100, 30)) as pilot:
        await loaded(pilot)
        await pilot.press("e")
        assert isinstance(app.screen, LoadReportScreen)
        report = app.screen.query_one(NavList)
        assert report.has_focus and report.option_count == 4
        await pilot.press("G")
        assert report.highlighted == 3
        await pilot.press("g")
        assert report.highlighted == 0
        await pilot.press("j", "j")
        assert report.highlighted == 2
        await pilot.press("k")
        assert report.highlighted == 1


# -- the reading panes ----------------------------------------------------------------
def long_item(tmp_path):
    root = tmp_path / "content"
    body = "\n\n".join(f"Paragraph {i} of a long body." for i in range(80))
    write_item(root, "a.md", title="Long", webUrl="https://x.example.com/a", body=body)
    return root


async def check_scrolls(pilot, pane) -> None:
    assert pane.max_scroll_y > 3
    await pilot.press("j")
    assert pane.scroll_y == 1
    await pilot.press("k")
    assert pane.scroll_y == 0
    await pilot.press("G")
    assert pane.scroll_y == pane.max_scroll_y
    await pilot.press("g")
    assert pane.scroll_y == 0
    await pilot.press("space")
    assert pane.scroll_y > 1
    await pilot.press("b")
    assert pane.scroll_y == 0


async def test_item_pane_scrolls_with_j_k_g_G(tmp_path):
    app = make(long_item(tmp_path), FakePreviewService(), enabled=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(pilot)
        await pilot.press("enter")  # no related items: focus the item text
        pane = app.query_one("#item-scroll", ReadingScroll)
        assert pane.has_focus
        await check_scrolls(pilot, pane)


async def test_help_scrolls_with_j_k_g_G(small_corpus, fake_preview):
    app = make(small_corpus, fake_preview)
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(pilot)
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        pane = app.screen.query_one(ReadingScroll)
        await wait_until(pilot, lambda: pane.has_focus and pane.max_scroll_y > 3)
        await check_scrolls(pilot, pane)


async def test_full_screen_preview_scrolls_with_j_k_g_G(tmp_path):
    root = tmp_path / "content"
    write_item(root, "a.md", title="Long", webUrl="https://x.example.com/a")
    text = "\n\n".join(f"Paragraph {i} of a long article, long enough to read." for i in range(80))
    app = make(root, FakePreviewService(pages={"https://x.example.com/a": text}))
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(pilot)
        await wait_until(pilot, lambda: app.query_one(PreviewView).state.status == "ready")
        await pilot.press("p")
        assert isinstance(app.screen, PreviewScreen)
        pane = app.screen.query_one(ReadingScroll)
        await wait_until(pilot, lambda: pane.has_focus and pane.max_scroll_y > 3)
        await check_scrolls(pilot, pane)
