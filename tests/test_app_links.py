"""Pilot tests: only http(s) URLs become links or are copied; the preview failure
pane names the URL of every line, and ``c`` copies the one it offers."""

from __future__ import annotations

from textual.content import Content
from textual.style import Style
from textual.widgets import Static

from reader.ui.app import ReaderApp, create_app
from reader.ui.widgets.preview_view import PreviewView
from tests.conftest import FakePreviewService, quiet_config, wait_until, write_item
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


# -- the preview failure pane -------------------------------------------------------
PDF = "https://docs.example.com/report.pdf"
PAGE = "https://news.example.com/page"


class DocumentFailure(FakePreviewService):
    """The first URL is a PDF, the second answers 404: two reasons, two URLs."""

    async def preview(self, urls, *, refresh: bool = False):
        from reader.preview.service import PreviewFailed

        self.calls.append((tuple(urls), refresh))
        return PreviewFailed(
            reason="HTTP 404 Not Found", kind="http_status",
            attempts=(("originalUrl", PDF, "not a web page (application/pdf, 12.1 kB)"),
                      ("webUrl", PAGE, "HTTP 404 Not Found")),
            url=PDF, content_type="application/pdf", size=12345,
        )


def failure_corpus(tmp_path):
    root = tmp_path / "content"
    write_item(root, "a.md", title="A report", originalUrl=PDF, webUrl=PAGE)
    return root


def preview_lines(app) -> list[str]:
    return app.query_one("#preview-body", Static).visual.plain.split("\n")  # type: ignore[union-attr]


async def test_failure_pane_names_the_url_of_every_line(tmp_path):
    app = make(failure_corpus(tmp_path), DocumentFailure())
    async with app.run_test(size=(120, 40)) as pilot:
        await loaded(pilot)
        await wait_until(pilot, lambda: app.query_one(PreviewView).state.status == "failed")
        lines = preview_lines(app)
        assert lines[0] == "Preview unavailable"
        # Each URL tried, then its own reason under it.
        assert lines[1:5] == [
            f"originalUrl  {PDF}", "  not a web page (application/pdf, 12.1 kB)",
            f"webUrl  {PAGE}", "  HTTP 404 Not Found",
        ]
        # The document offered names its URL, and the copy hint is about that URL.
        offer = lines.index("Open or copy the document at originalUrl (application/pdf, 12,345 bytes):")
        assert lines[offer + 1] == f"  {PDF}"
        assert lines[offer + 2] == "press o to open this URL, y to copy it, r to retry"


async def test_c_on_the_preview_tab_copies_the_url_it_offers(tmp_path):
    root = tmp_path / "content"
    # The item's first URL is the page; the document is its second.
    write_item(root, "a.md", title="A report", originalUrl=PAGE, webUrl=PDF)
    app = make(root, DocumentFailure())
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await loaded(pilot)
        await wait_until(pilot, lambda: app.query_one(PreviewView).state.status == "failed")
        await pilot.press("c")  # on the Item tab: the item's first URL
        assert app.clipboard == PAGE
        app.query_one("#detail-tabs").active = "tab-preview"
        await pilot.pause()
        await pilot.press("c")  # on the Preview tab: the document it offers
        assert app.clipboard == PDF
        assert messages(app)[-1] == f"Copied {PDF}"


async def test_failure_pane_never_links_or_offers_a_non_web_url(tmp_path):
    class LocalFailure(FakePreviewService):
        async def preview(self, urls, *, refresh: bool = False):
            from reader.preview.service import PreviewFailed

            return PreviewFailed(
                reason="only http and https links can be previewed (not file:)", kind="bad_url",
                attempts=(("originalUrl", "file:///etc/passwd",
                           "only http and https links can be previewed (not file:)"),),
                url="file:///etc/passwd", content_type="text/plain", size=10,
            )

    root = tmp_path / "content"
    write_item(root, "a.md", title="Local", originalUrl="file:///etc/passwd")
    app = make(root, LocalFailure())
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await loaded(pilot)
        await wait_until(pilot, lambda: app.query_one(PreviewView).state.status == "failed")
        body = app.query_one("#preview-body", Static).visual
        assert "file:///etc/passwd" in body.plain
        assert links_in(body) == {}
        assert "press o" not in body.plain and "y to copy" not in body.plain
        app.query_one("#detail-tabs").active = "tab-preview"
        await pilot.pause()
        await pilot.press("c")
        assert app.clipboard == ""
        assert "originalUrl not copied: it is a file: link" in messages(app)[-1]


async def test_c_on_a_preview_copies_the_url_it_was_read_from(tmp_path):
    from reader.ui.screens.preview_screen import PreviewScreen

    root = tmp_path / "content"
    write_item(root, "a.md", title="Fallback", originalUrl=PAGE, webUrl=PDF)
    fake = FakePreviewService(pages={PDF: "word " * 80})  # the first URL fails, the second reads
    app = make(root, fake)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await loaded(pilot)
        await wait_until(pilot, lambda: app.query_one(PreviewView).state.status == "ready")
        await pilot.press("c")
        assert app.clipboard == PAGE  # the Item tab: the item's first URL
        app.query_one("#detail-tabs").active = "tab-preview"
        await pilot.pause()
        await pilot.press("c")
        assert app.clipboard == PDF
        app.copy_to_clipboard("")
        await pilot.press("p")
        assert isinstance(app.screen, PreviewScreen)
        await pilot.press("c")
        assert app.clipboard == PDF
