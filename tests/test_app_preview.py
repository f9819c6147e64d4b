"""Pilot tests for the preview: fetch on selection, cancel on move, cache, retry."""

from __future__ import annotations

import threading
import time

from reader.preview.cache import PreviewCache
from reader.preview.fetch import FetchSettings
from reader.preview.service import PreviewService
from reader.ui.app import create_app
from reader.ui.screens.preview_screen import PreviewScreen
from reader.ui.widgets.article_list import ArticleList
from reader.ui.widgets.detail_pane import DetailPane
from tests.conftest import FakePreviewService, quiet_config, write_item

try:
    from httpserver import ARTICLE_HTML, http_server
except ImportError:  # pragma: no cover
    from tests.httpserver import ARTICLE_HTML, http_server  # noqa: F401


def corpus(tmp_path, server, paths: list[str]):
    root = tmp_path / "content"
    for i, path in enumerate(paths):
        write_item(root, f"{i:02d}.md", title=f"Item {i} {path}",
                   publishedDateTime=f"2025-01-{28 - i:02d}T10:00:00Z",
                   originalUrl=server.url(path), webUrl=server.url(path + "?web"))
    return root


def real_service(tmp_path, *, cache: bool = True, deadline: float = 3.0) -> PreviewService:
    settings = FetchSettings(allow_private_hosts=True, deadline=deadline,
                             connect_timeout=1.0, read_timeout=2.0)
    return PreviewService(settings, PreviewCache(tmp_path / "previews", enabled=cache))


async def wait_for(pilot, predicate, timeout: float = 5.0) -> None:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if predicate():
            return
        await pilot.pause(0.02)
    raise AssertionError("condition not reached in time")


def state(app):
    return app.query_one(DetailPane).preview.state  # (the pane mounts its view after the first frame)


async def test_selection_fetches_and_shows_article(tmp_path, http_server):
    root = corpus(tmp_path, http_server, ["/article"])
    app = create_app(root, config=quiet_config(), preview_service=real_service(tmp_path),
                     use_index=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for(pilot, lambda: state(app).status == "ready")
        preview = state(app).preview
        assert preview.source_url_kind == "originalUrl"
        assert "perfectly ordinary test article" in preview.article.text
        body = str(app.query_one("#preview-body").render())
        assert "perfectly ordinary test article" in body
        assert "originalUrl" in body and "min read" in body
        assert http_server.count("/article") == 1
        # p opens it full screen, with title, URL and reading time; Esc returns.
        await pilot.press("p")
        assert isinstance(app.screen, PreviewScreen)
        full = str(app.screen.query_one("#preview-full-body").render())
        assert "Item 0 /article" in full and http_server.url("/article") in full
        await pilot.press("escape")
        assert not isinstance(app.screen, PreviewScreen)


async def test_falls_back_to_next_url_and_says_which(tmp_path, http_server):
    http_server.add("/gone", b"gone", status=404, content_type="text/plain")
    root = tmp_path / "content"
    write_item(root, "a.md", title="Fallback", originalUrl=http_server.url("/gone"),
               webUrl=http_server.url("/article"))
    app = create_app(root, config=quiet_config(), preview_service=real_service(tmp_path),
                     use_index=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for(pilot, lambda: state(app).status == "ready")
        assert state(app).preview.source_url_kind == "webUrl"
        assert "webUrl" in str(app.query_one("#preview-body").render())


async def test_error_state_shows_reason_and_retry_works(tmp_path, http_server):
    calls = {"n": 0}

    def flaky(h):
        calls["n"] += 1
        if calls["n"] == 1:
            h.send_simple(503, b"busy", "text/plain")
        else:
            h.send_simple(200, ARTICLE_HTML)

    http_server.routes["/flaky"] = flaky
    root = tmp_path / "content"
    write_item(root, "a.md", title="Flaky", originalUrl=http_server.url("/flaky"))
    app = create_app(root, config=quiet_config(), preview_service=real_service(tmp_path),
                     use_index=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for(pilot, lambda: state(app).status == "failed")
        body = str(app.query_one("#preview-body").render())
        assert "503" in body and "press r to retry" in body
        await pilot.press("r")
        await wait_for(pilot, lambda: state(app).status == "ready")
        assert calls["n"] == 2


async def test_non_html_offers_type_and_size(tmp_path, http_server):
    root = tmp_path / "content"
    write_item(root, "a.md", title="A PDF", originalUrl=http_server.url("/doc.pdf"))
    app = create_app(root, config=quiet_config(), preview_service=real_service(tmp_path),
                     use_index=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for(pilot, lambda: state(app).status == "failed")
        body = str(app.query_one("#preview-body").render())
        assert "application/pdf" in body
        assert "Open or copy" in body and http_server.url("/doc.pdf") in body


async def test_cache_hit_shows_without_a_request(tmp_path, http_server):
    root = corpus(tmp_path, http_server, ["/article"])
    app = create_app(root, config=quiet_config(), preview_service=real_service(tmp_path),
                     use_index=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for(pilot, lambda: state(app).status == "ready")
    assert http_server.count("/article") == 1
    # A new app (a new session) with the same cache directory: shown from disk.
    app2 = create_app(root, config=quiet_config(), preview_service=real_service(tmp_path),
                      use_index=False)
    async with app2.run_test(size=(100, 30)) as pilot:
        await wait_for(pilot, lambda: state(app2).status == "ready")
        assert state(app2).preview.from_cache
        assert "from cache" in str(app2.query_one("#preview-body").render())
        # r refetches even though it is cached.
        await pilot.press("r")
        await wait_for(pilot, lambda: state(app2).status == "ready"
                       and not state(app2).preview.from_cache)
    assert http_server.count("/article") == 2


async def test_moving_on_cancels_the_unwanted_fetch(tmp_path):
    root = tmp_path / "content"
    for i in range(3):
        write_item(root, f"{i}.md", title=f"Slow {i}", webUrl=f"https://slow.example.com/{i}",
                   publishedDateTime=f"2025-01-0{9 - i}T00:00:00Z")
    fake = FakePreviewService(delay=5.0)
    app = create_app(root, config=quiet_config(), preview_service=fake, use_index=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for(pilot, lambda: state(app).status == "loading")
        assert len(fake.calls) == 1
        await pilot.press("j")
        await wait_for(pilot, lambda: fake.cancelled == 1)
        await wait_for(pilot, lambda: len(fake.calls) == 2)
        assert fake.calls[1][0][0][1] == "https://slow.example.com/1"


async def test_scrolling_through_many_items_does_not_start_many_fetches(tmp_path):
    root = tmp_path / "content"
    for i in range(40):
        write_item(root, f"{i:02d}.md", title=f"Item {i}", webUrl=f"https://x.example.com/{i}",
                   publishedDateTime=f"2025-01-01T00:{59 - i:02d}:00Z")
    fake = FakePreviewService(pages={f"https://x.example.com/{i}": "word " * 80 for i in range(40)})
    app = create_app(root, config=quiet_config(debounce_ms=300), preview_service=fake,
                     use_index=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for(pilot, lambda: app.total == 40)
        for _ in range(30):
            await pilot.press("j")
        await wait_for(pilot, lambda: state(app).status == "ready")
        assert app.query_one(ArticleList).cursor == 30
        # only the item the user stopped on (and at most the first one) was fetched
        assert 1 <= len(fake.calls) <= 2
        assert fake.calls[-1][0][0][1] == "https://x.example.com/30"


async def test_ui_stays_responsive_during_a_slow_fetch(tmp_path, http_server):
    """A key is handled while a fetch still waits for its answer. No timing: the server
    holds the answer until the test lets it go, so a UI that waited for the fetch would
    see it come back (the client's deadline) before it handled the key."""
    release = threading.Event()

    def held(h):
        release.wait(20)
        h.send_simple(200, ARTICLE_HTML)

    http_server.routes["/held"] = held
    root = corpus(tmp_path, http_server, ["/held", "/article", "/article"])
    service = real_service(tmp_path, deadline=8.0)
    answered: list[str] = []
    fetch = service.preview

    async def recording(urls, *, refresh=False):
        result = await fetch(urls, refresh=refresh)  # a cancelled fetch never gets here
        answered.append(urls[0][1])
        return result

    service.preview = recording
    app = create_app(root, config=quiet_config(), preview_service=service, use_index=False)
    try:
        async with app.run_test(size=(100, 30)) as pilot:
            await wait_for(pilot, lambda: state(app).status == "loading"
                           and http_server.count("/held") == 1)
            lst = app.query_one(ArticleList)
            await pilot.press("j")
            assert lst.cursor == 1
            assert http_server.url("/held") not in answered
            await wait_for(pilot, lambda: state(app).status == "ready", timeout=10)
            assert state(app).item_id == "01.md"
            assert http_server.url("/held") not in answered  # cancelled, not waited for
    finally:
        release.set()


async def test_previews_can_be_turned_off(tmp_path):
    root = tmp_path / "content"
    write_item(root, "a.md", title="Off", webUrl="https://x.example.com/a")
    fake = FakePreviewService()
    app = create_app(root, config=quiet_config(enabled=False), preview_service=fake,
                     use_index=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for(pilot, lambda: app.current_item is not None)
        await pilot.pause(0.2)
        assert fake.calls == []
        assert "turned off" in state(app).message


async def test_prefetch_fetches_next_items_when_enabled(tmp_path):
    root = tmp_path / "content"
    for i in range(6):
        write_item(root, f"{i}.md", title=f"P {i}", webUrl=f"https://p.example.com/{i}",
                   publishedDateTime=f"2025-01-0{9 - i}T00:00:00Z")
    fake = FakePreviewService(pages={f"https://p.example.com/{i}": "word " * 80 for i in range(6)})
    app = create_app(root, config=quiet_config(prefetch=3), preview_service=fake, use_index=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for(pilot, lambda: len(fake.calls) >= 4)
        fetched = [c[0][0][1] for c in fake.calls]
        assert fetched[0] == "https://p.example.com/0"
        assert set(fetched[1:4]) == {f"https://p.example.com/{i}" for i in (1, 2, 3)}


async def test_enter_on_the_preview_tab_opens_full_screen(tmp_path, http_server):
    root = corpus(tmp_path, http_server, ["/article"])
    app = create_app(root, config=quiet_config(), preview_service=real_service(tmp_path),
                     use_index=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for(pilot, lambda: state(app).status == "ready")
        app.query_one("#detail-tabs").active = "tab-preview"
        app.focus_now(app.query_one(DetailPane).preview)
        await pilot.press("enter")
        assert isinstance(app.screen, PreviewScreen)


async def test_a_fetch_replaced_before_it_starts_leaves_no_coroutine_unawaited(tmp_path):
    """Two fetches asked in one go: the first is cancelled before it runs (exclusive).
    Its coroutine used to be made up front and then dropped: 'never awaited'."""
    import gc
    import warnings

    root = tmp_path / "content"
    write_item(root, "a.md", title="A", webUrl="https://a.example.com/a")
    fake = FakePreviewService(pages={"https://a.example.com/a": "word " * 80})
    app = create_app(root, config=quiet_config(), preview_service=fake, use_index=False)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        async with app.run_test(size=(100, 30)) as pilot:
            # The app's own fetch of the first item done, so none comes after ours.
            await wait_for(pilot, lambda: app.current_item is not None and state(app).status == "ready")
            item = app.current_item
            app.preview.fetch(item)
            app.preview.fetch(item, refresh=True)
            await wait_for(pilot, lambda: any(refresh for _urls, refresh in fake.calls))
            await pilot.pause()
        gc.collect()
    assert not [w for w in caught if "never awaited" in str(w.message)]
