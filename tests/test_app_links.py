"""Pilot tests: only http(s) URLs become links or are copied."""

from __future__ import annotations

from textual.content import Content
from textual.style import Style
from textual.widgets import Static

from reader.ui.app import ReaderApp, create_app
from tests.conftest import FakePreviewService, quiet_config, write_item
from tests.conftest import wait_loaded as loaded

HOSTILE_URLS = {
    "originalUrl": "file:///etc/passwd",
    "webUrl": "javascript:alert(document.cookie)",
    "ampWebUrl": "https://amp.example.com/story",
    "cdnAmpWebUrl": "data:text/html,<script>alert(1)</script>",
}


def make(root, fake=None, **preview) -> ReaderApp:
    return create_app(root, config=quiet_config(**preview), preview_service=fake or FakePreviewService(),
                      use_index=False)


async def wait_until(pilot, predicate, tries: int = 250) -> None:
    for _ in range(tries):
        if predicate():
            return
        await pilot.pause(0.02)
    raise AssertionError("condition not reached")


def links_in(content: Content) -> dict[str, str]:
    """{shown text: link target} for every hyperlinked span."""
    out = {}
    for span in content.spans:
        style = Style.parse(span.style) if isinstance(span.style, str) else span.style
        if style.link:
            out[content.plain[span.start:span.end]] = style.link
    return out


def item_view(app) -> Content:
    return app.query_one("#item-view", Static).visual  # type: ignore[return-value]


def messages(app) -> list[str]:
    return [str(n.message) for n in app._notifications]


# -- links ----------------------------------------------------------------------------
async def test_only_http_urls_become_links_in_the_detail_pane(tmp_path):
    root = tmp_path / "content"
    write_item(root, "a.md", title="Mixed links", **HOSTILE_URLS,
               images=[{"url": "file:///etc/shadow", "width": 1, "height": 1},
                       {"url": "https://img.example.com/a.png"}])
    app = make(root, enabled=False)
    async with app.run_test(size=(100, 40)) as pilot:
        await loaded(pilot)
        content = item_view(app)
        for url in HOSTILE_URLS.values():
            assert url in content.plain  # shown, as text
        assert links_in(content) == {
            "https://amp.example.com/story": "https://amp.example.com/story",
            "https://img.example.com/a.png": "https://img.example.com/a.png",
        }


# -- c: copy ------------------------------------------------------------------------
async def test_c_copies_the_first_http_url_and_says_which_and_why(tmp_path):
    root = tmp_path / "content"
    write_item(root, "a.md", title="Mixed links", **HOSTILE_URLS)
    app = make(root, enabled=False)
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await loaded(pilot)
        await pilot.press("c")
        assert app.clipboard == "https://amp.example.com/story"
        said = messages(app)[-1]
        assert "Copied the ampWebUrl https://amp.example.com/story" in said
        assert "originalUrl not copied: it is a file: link, not http or https" in said
        assert "webUrl not copied: it is a javascript: link, not http or https" in said


async def test_c_refuses_an_item_without_a_web_url_and_says_why(tmp_path):
    root = tmp_path / "content"
    write_item(root, "a.md", title="No web links", originalUrl="file:///etc/passwd",
               webUrl="not a url at all")
    app = make(root, enabled=False)
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await loaded(pilot)
        await pilot.press("c")
        assert app.clipboard == ""
        note = app._notifications
        said = messages(app)[-1]
        assert list(note)[-1].severity == "warning"
        assert "Nothing copied" in said
        assert "originalUrl not copied: it is a file: link" in said
        assert "webUrl not copied: it contains spaces or control characters" in said


async def test_c_copies_a_plain_web_url(small_corpus):
    app = make(small_corpus, enabled=False)
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await loaded(pilot)
        app.query_one("#articles").move_to_id("a.md")
        await wait_until(pilot, lambda: app.current_item and app.current_item.id == "a.md")
        await pilot.press("c")
        assert app.clipboard == "https://gazette.example.com/alpha"
        assert messages(app)[-1] == "Copied https://gazette.example.com/alpha"


async def test_c_with_no_url_at_all(tmp_path):
    root = tmp_path / "content"
    write_item(root, "a.md", title="No links")
    app = make(root, enabled=False)
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await loaded(pilot)
        await pilot.press("c")
        assert app.clipboard == ""
        assert messages(app)[-1] == "This item has no URL to copy."
