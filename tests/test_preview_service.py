"""The preview pipeline (cache → fetch → extract) and ``reader preview``."""

from __future__ import annotations

import asyncio
import json
import socket
import threading
from datetime import UTC, datetime

import pytest

from reader.cli import main as cli_main
from reader.preview.cache import DAY, PreviewCache
from reader.preview.extract import Article, Block
from reader.preview.fetch import FetchSettings
from reader.preview.service import (
    FAILURE_PRECEDENCE,
    Preview,
    PreviewFailed,
    PreviewService,
    payload_to_preview,
    preview_to_payload,
)
from tests.httpserver import GUARDED, LOOPBACK


class Clock:
    def __init__(self, now: float = 1_700_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def stub_extractor(calls: list | None = None):
    def extract(html: str, url: str | None = None) -> Article | None:
        if calls is not None:
            calls.append((url, threading.get_ident()))
        if "perfectly ordinary" not in html:
            return None
        return Article(title="Test article", text="The first paragraph.",
                       blocks=(Block("heading", "Test article", 1), Block("paragraph", "The first paragraph.")))

    return extract


@pytest.fixture
def cache(tmp_path):
    return PreviewCache(tmp_path / "previews", clock=Clock())


@pytest.fixture
def service(cache):
    return PreviewService(LOOPBACK, cache, extractor=stub_extractor())


def closed_port_url(path: str = "/") -> str:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    return f"http://127.0.0.1:{port}{path}"


# --------------------------------------------------------------------- URL order

async def test_first_url_fails_second_wins(http_server, service):
    result = await service.preview([("originalUrl", http_server.url("/missing")),
                                    ("webUrl", http_server.url("/article")),
                                    ("ampWebUrl", http_server.url("/gzip"))])
    assert isinstance(result, Preview), result
    assert result.source_url_kind == "webUrl"
    assert result.url == http_server.url("/article")
    assert not result.from_cache
    assert result.article.title == "Test article"
    assert result.fetched_at.tzinfo is not None
    assert http_server.count("/gzip") == 0


async def test_redirected_url_keeps_final_url(http_server, service):
    result = await service.preview([("webUrl", http_server.url("/r/1"))])
    assert isinstance(result, Preview)
    assert result.final_url == http_server.url("/article")


async def test_empty_and_duplicate_urls_are_skipped(http_server, service):
    url = http_server.url("/article")
    result = await service.preview([("originalUrl", ""), ("webUrl", url), ("ampWebUrl", url),
                                    ("cdnAmpWebUrl", "   "), ("url", None)])  # type: ignore[list-item]
    assert isinstance(result, Preview) and result.source_url_kind == "webUrl"
    assert http_server.count("/article") == 1


async def test_no_urls(service):
    result = await service.preview([("webUrl", ""), ("ampWebUrl", None)])  # type: ignore[list-item]
    assert isinstance(result, PreviewFailed) and result.kind == "no_url"


async def test_page_without_article_is_no_article(http_server, cache):
    service = PreviewService(LOOPBACK, cache)  # the real extractor
    result = await service.preview([("webUrl", http_server.url("/empty"))])
    assert isinstance(result, PreviewFailed)
    assert result.kind == "no_article"
    assert result.attempts == (("webUrl", http_server.url("/empty"), result.reason),)


async def test_real_extractor_reads_the_article(http_server, cache):
    service = PreviewService(LOOPBACK, cache)
    result = await service.preview([("webUrl", http_server.url("/gzip"))])
    assert isinstance(result, Preview), result
    assert "perfectly ordinary test article" in result.article.text


async def test_no_article_falls_through_to_next_url(http_server, service):
    result = await service.preview([("originalUrl", http_server.url("/empty")),
                                    ("webUrl", http_server.url("/article"))])
    assert isinstance(result, Preview) and result.source_url_kind == "webUrl"


async def test_plain_text_uses_the_text_extractor(http_server, cache):
    seen = []

    def text_extractor(text, url=None):
        seen.append(text)
        return Article(title=None, text=text, blocks=(Block("paragraph", text),))

    service = PreviewService(LOOPBACK, cache, extractor=lambda *a: pytest.fail("html extractor"),
                             text_extractor=text_extractor)
    result = await service.preview([("url", http_server.url("/plain"))])
    assert isinstance(result, Preview)
    assert seen and seen[0].startswith("Just some plain text.")
    assert result.content_type == "text/plain"


async def test_extraction_runs_in_a_worker_thread(http_server, cache):
    calls: list = []
    service = PreviewService(LOOPBACK, cache, extractor=stub_extractor(calls))
    await service.preview([("webUrl", http_server.url("/article"))])
    assert calls and calls[0][1] != threading.get_ident()
    assert calls[0][0] == http_server.url("/article")


async def test_extractor_crash_is_a_failure_not_an_exception(http_server, cache):
    def boom(html, url=None):
        raise RuntimeError("bad parser")

    service = PreviewService(LOOPBACK, cache, extractor=boom)
    result = await service.preview([("webUrl", http_server.url("/article"))])
    assert isinstance(result, PreviewFailed) and result.kind == "extract_error"


# --------------------------------------------------------------------- failures

async def test_failure_precedence_and_not_html_details(http_server, service):
    result = await service.preview([("originalUrl", http_server.url("/missing")),
                                    ("webUrl", http_server.url("/doc.pdf")),
                                    ("ampWebUrl", closed_port_url())])
    assert isinstance(result, PreviewFailed)
    assert result.kind == "not_html"
    assert result.url == http_server.url("/doc.pdf")
    assert result.content_type == "application/pdf" and result.size == 12345
    assert [a[0] for a in result.attempts] == ["originalUrl", "webUrl", "ampWebUrl"]
    assert "404" in result.attempts[0][2]
    assert all("\n" not in a[2] for a in result.attempts)


async def test_http_status_beats_network_errors(http_server, service):
    result = await service.preview([("originalUrl", closed_port_url()),
                                    ("webUrl", http_server.url("/missing"))])
    assert isinstance(result, PreviewFailed)
    assert result.kind == "http_status" and "404" in result.reason
    assert result.url is None and result.content_type is None


def test_precedence_is_total():
    assert FAILURE_PRECEDENCE.index("not_html") < FAILURE_PRECEDENCE.index("no_article")
    assert FAILURE_PRECEDENCE.index("no_article") < FAILURE_PRECEDENCE.index("http_status")
    assert FAILURE_PRECEDENCE.index("http_status") < FAILURE_PRECEDENCE.index("network")


async def test_blocked_address_without_allow(cache):
    service = PreviewService(FetchSettings(deadline=2.0), cache, extractor=stub_extractor())
    result = await service.preview([("webUrl", "http://127.0.0.1:9/")])
    assert isinstance(result, PreviewFailed) and result.kind == "blocked_address"


# --------------------------------------------------------------------- cache

async def test_cache_hit_does_not_touch_the_server(http_server, service, cache):
    urls = [("webUrl", http_server.url("/article"))]
    first = await service.preview(urls)
    assert isinstance(first, Preview) and not first.from_cache
    assert http_server.count("/article") == 1
    second = await service.preview(urls)
    assert isinstance(second, Preview) and second.from_cache and not second.stale
    assert http_server.count("/article") == 1
    assert second.article == first.article
    assert second.final_url == first.final_url
    assert second.fetched_at == first.fetched_at


async def test_cached_later_url_is_used_before_refetching_earlier_ones(http_server, service):
    await service.preview([("webUrl", http_server.url("/article"))])
    result = await service.preview([("originalUrl", http_server.url("/missing")),
                                    ("webUrl", http_server.url("/article"))])
    assert isinstance(result, Preview) and result.from_cache
    assert http_server.count("/missing") == 0


async def test_refresh_bypasses_the_cache(http_server, service):
    urls = [("webUrl", http_server.url("/article"))]
    await service.preview(urls)
    again = await service.preview(urls, refresh=True)
    assert isinstance(again, Preview) and not again.from_cache
    assert http_server.count("/article") == 2


async def test_cache_survives_a_new_service_via_disk(http_server, tmp_path):
    clock = Clock()
    one = PreviewService(LOOPBACK, PreviewCache(tmp_path / "c", clock=clock), extractor=stub_extractor())
    await one.preview([("webUrl", http_server.url("/article"))])
    two = PreviewService(LOOPBACK, PreviewCache(tmp_path / "c", clock=clock), extractor=stub_extractor())
    result = await two.preview([("webUrl", http_server.url("/article"))])
    assert isinstance(result, Preview) and result.from_cache
    assert result.article.blocks[0] == Block("heading", "Test article", 1)
    assert http_server.count("/article") == 1


async def test_stale_cache_is_used_when_the_network_fails(tmp_path):
    clock = Clock()
    cache = PreviewCache(tmp_path / "c", clock=clock)
    url = closed_port_url("/story")
    article = Article(title="Old", text="Saved text.", blocks=(Block("paragraph", "Saved text."),))
    cache.put(url, preview_to_payload(Preview(
        url=url, final_url=url, source_url_kind="webUrl", article=article,
        fetched_at=datetime(2025, 1, 1, tzinfo=UTC), from_cache=False,
        content_type="text/html")), scope="private-hosts")  # LOOPBACK allow private hosts
    clock.now += 30 * DAY
    service = PreviewService(LOOPBACK, cache, extractor=stub_extractor())
    result = await service.preview([("webUrl", url)])
    assert isinstance(result, Preview), result
    assert result.from_cache and result.stale
    assert result.article == article


async def test_stale_cache_is_not_used_for_page_errors(http_server, tmp_path):
    clock = Clock()
    cache = PreviewCache(tmp_path / "c", clock=clock)
    service = PreviewService(LOOPBACK, cache, extractor=stub_extractor())
    url = http_server.url("/article")
    await service.preview([("webUrl", url)])
    http_server.add("/article", b"gone", status=410, content_type="text/plain")
    clock.now += 30 * DAY
    result = await service.preview([("webUrl", url)])
    assert isinstance(result, PreviewFailed) and result.kind == "http_status"


async def test_refresh_falls_back_to_cache_when_offline(tmp_path, http_server):
    cache = PreviewCache(tmp_path / "c", clock=Clock())
    service = PreviewService(LOOPBACK, cache, extractor=stub_extractor())
    url = http_server.url("/article")
    await service.preview([("webUrl", url)])
    http_server.routes.pop("/article")
    http_server.routes["/article"] = lambda h: h.connection.close()  # drops the connection
    result = await service.preview([("webUrl", url)], refresh=True)
    assert isinstance(result, Preview) and result.from_cache and not result.stale


async def test_malformed_cache_payload_is_dropped_and_refetched(http_server, cache):
    url = http_server.url("/article")
    service = PreviewService(LOOPBACK, cache, extractor=stub_extractor())
    cache.put(url, {"title": 5, "blocks": "nope"}, scope=service.cache_scope)
    result = await service.preview([("webUrl", url)])
    assert isinstance(result, Preview) and not result.from_cache
    assert http_server.count("/article") == 1
    assert cache.get(url, scope=service.cache_scope).payload["title"] == "Test article"


async def test_disabled_cache_always_fetches(http_server, tmp_path):
    service = PreviewService(LOOPBACK, PreviewCache(tmp_path / "c", enabled=False),
                             extractor=stub_extractor())
    for _ in range(2):
        assert isinstance(await service.preview([("webUrl", http_server.url("/article"))]), Preview)
    assert http_server.count("/article") == 2
    assert not (tmp_path / "c").exists()


async def test_no_cache_object_at_all(http_server):
    service = PreviewService(LOOPBACK, None, extractor=stub_extractor())
    assert isinstance(await service.preview([("webUrl", http_server.url("/article"))]), Preview)


def test_payload_roundtrip():
    article = Article(title="T", text="a\n\nb", author="Ann", date="2025-01-02",
                      blocks=(Block("heading", "T", 2), Block("list_item", "x", 1), Block("code", "y")))
    preview = Preview(url="u", final_url="f", source_url_kind="ampWebUrl", article=article,
                      fetched_at=datetime(2025, 5, 6, 7, 8, 9, tzinfo=UTC),
                      from_cache=False, content_type="text/html")
    payload = json.loads(json.dumps(preview_to_payload(preview)))
    assert set(payload) >= {"url", "final_url", "title", "blocks", "text", "fetched_at",
                            "source_url_kind", "content_type"}
    back = payload_to_preview(payload, kind="webUrl", url="u", stale=False)
    assert back.article == article and back.fetched_at == preview.fetched_at
    assert back.final_url == "f" and back.source_url_kind == "webUrl" and back.from_cache
    with pytest.raises(ValueError):
        payload_to_preview({"blocks": [{"kind": "p"}]}, kind="webUrl", url="u", stale=False)


# --------------------------------------------------------------------- cancellation

async def test_cancellation_propagates(http_server, service):
    task = asyncio.create_task(service.preview([("webUrl", http_server.url("/slow")),
                                                ("ampWebUrl", http_server.url("/article"))]))
    await asyncio.sleep(0.2)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert http_server.count("/article") == 0


async def test_cancellation_during_extraction_propagates(http_server, cache):
    started = threading.Event()
    release = threading.Event()

    def slow_extractor(html, url=None):
        started.set()
        release.wait(5)
        return None

    service = PreviewService(LOOPBACK, cache, extractor=slow_extractor)
    task = asyncio.create_task(service.preview([("webUrl", http_server.url("/article"))]))
    await asyncio.to_thread(started.wait, 2)
    task.cancel()
    try:
        with pytest.raises(asyncio.CancelledError):
            await task
    finally:
        release.set()


# --------------------------------------------------------------------- reader preview

def test_cli_json(http_server, capsys):
    code = cli_main(["preview", http_server.url("/r/1"), "--allow-private-hosts", "--no-cache",
                     "--format", "json", "--timeout", "2"])
    out, err = capsys.readouterr()
    assert code == 0, err
    data = json.loads(out)
    assert set(data) == {"url", "final_url", "title", "text", "fetched_at", "source_url_kind"}
    assert data["final_url"] == http_server.url("/article")
    assert data["source_url_kind"] == "url"
    assert "perfectly ordinary" in data["text"]
    datetime.fromisoformat(data["fetched_at"])


@pytest.mark.parametrize("fmt", ["text", "markdown"])
def test_cli_text_formats(http_server, capsys, fmt):
    code = cli_main(["preview", http_server.url("/article"), "--allow-private-hosts",
                     "--no-cache", "--format", fmt])
    out, _ = capsys.readouterr()
    assert code == 0
    assert "Test article" in out and "perfectly ordinary" in out
    if fmt == "markdown":
        assert out.startswith("# ")


def test_cli_failure_is_one_line(http_server, capsys):
    code = cli_main(["preview", http_server.url("/missing"), "--allow-private-hosts", "--no-cache"])
    out, err = capsys.readouterr()
    assert code == 1 and out == ""
    assert err.count("\n") == 1 and "404" in err and "Traceback" not in err


def test_cli_guard_is_on_by_default(http_server, capsys):
    code = cli_main(["preview", http_server.url("/article"), "--no-cache"])
    _, err = capsys.readouterr()
    assert code == 1 and "private" in err and err.count("\n") == 1
    assert http_server.count("/article") == 0


@pytest.mark.parametrize("argv", [["preview"], ["preview", "javascript:alert(1)"],
                                  ["preview", "http://x.test/\x1b[2J"]])
def test_cli_bad_input(argv, capsys):
    code = cli_main(argv + ["--no-cache"])
    _, err = capsys.readouterr()
    assert code == 1 and err.count("\n") == 1 and "\x1b" not in err


def _serve_with(monkeypatch, make_service) -> None:
    import reader.preview.setup

    monkeypatch.setattr(reader.preview.setup, "make_service", make_service)


def test_cli_interrupt_exits_130_quietly(monkeypatch, capsys):
    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    _serve_with(monkeypatch, interrupted)
    assert cli_main(["preview", "https://example.com/a", "--no-cache"]) == 130
    assert capsys.readouterr() == ("", "")


def test_cli_closed_pipe_exits_0_quietly(monkeypatch, capsys):
    from tests.conftest import FakePreviewService

    service = FakePreviewService({"https://example.com/a": "Some words to read. " * 20})
    _serve_with(monkeypatch, lambda *args, **kwargs: service)

    class ClosedPipe:
        def write(self, text: str) -> int:
            raise BrokenPipeError(32, "Broken pipe")

        def flush(self) -> None:
            raise BrokenPipeError(32, "Broken pipe")

    monkeypatch.setattr("sys.stdout", ClosedPipe())
    assert cli_main(["preview", "https://example.com/a", "--no-cache"]) == 0
    assert capsys.readouterr().err == ""
    assert len(service.calls) == 1


def test_cli_unexpected_error_is_one_line(monkeypatch, capsys):
    def broken(*args, **kwargs):
        raise ValueError("bad state \x1b[2J here")

    _serve_with(monkeypatch, broken)
    assert cli_main(["preview", "https://example.com/a", "--no-cache"]) == 1
    out, err = capsys.readouterr()
    assert out == "" and err.count("\n") == 1 and "\x1b" not in err
    assert err.startswith("reader: preview failed: ValueError: bad state")


def test_cli_bad_timeout(capsys):
    with pytest.raises(SystemExit) as info:
        cli_main(["preview", "http://example.com/", "--timeout", "-1"])
    assert info.value.code == 2


def test_cli_item_mode(http_server, tmp_path, capsys):
    root = tmp_path / "content"
    root.mkdir()
    (root / "story.md").write_text(
        "---\n"
        'title: "A story"\n'
        f'originalUrl: "{http_server.url("/missing")}"\n'
        f'webUrl: "{http_server.url("/article")}"\n'
        "---\n", encoding="utf-8")
    code = cli_main(["preview", "--item", "story.md", str(root), "--allow-private-hosts",
                     "--no-cache", "--format", "json"])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert json.loads(out)["source_url_kind"] == "webUrl"
    assert http_server.count("/missing") == 1


def test_cli_item_mode_missing_item(tmp_path, capsys):
    root = tmp_path / "content"
    root.mkdir()
    code = cli_main(["preview", "--item", "nope.md", str(root), "--no-cache"])
    _, err = capsys.readouterr()
    assert code == 1 and err.count("\n") == 1


def test_cli_uses_the_cache(http_server, capsys):
    argv = ["preview", http_server.url("/article"), "--allow-private-hosts", "--format", "json"]
    assert cli_main(argv) == 0
    assert cli_main(argv) == 0
    capsys.readouterr()
    assert http_server.count("/article") == 1
    assert cli_main(argv + ["--refresh"]) == 0
    assert http_server.count("/article") == 2


# --------------------------------------------------------------------- the fetch policy and the cache



async def test_page_fetched_with_private_hosts_is_not_served_without_them(http_server, tmp_path):
    url = http_server.url("/article")
    cache = PreviewCache(tmp_path / "previews", clock=Clock())
    private = PreviewService(LOOPBACK, cache, extractor=stub_extractor())
    assert isinstance(await private.preview([("webUrl", url)]), Preview)

    # The same cache object (its memory) and a new one on the same folder (the disk).
    for other_cache in (cache, PreviewCache(tmp_path / "previews", clock=Clock())):
        guarded = PreviewService(GUARDED, other_cache, extractor=stub_extractor())
        result = await guarded.preview([("webUrl", url)])
        assert isinstance(result, PreviewFailed) and result.kind == "blocked_address", result
        refreshed = await guarded.preview([("webUrl", url)], refresh=True)
        assert isinstance(refreshed, PreviewFailed) and refreshed.kind == "blocked_address"
    assert http_server.count("/article") == 1  # the guarded calls never reached it

    # The caller that may fetch it still gets it from the cache.
    again = await private.preview([("webUrl", url)])
    assert isinstance(again, Preview) and again.from_cache


def test_cli_preview_cache_keeps_private_pages_from_the_default_policy(http_server, capsys):
    url = http_server.url("/article")
    assert cli_main(["preview", url, "--allow-private-hosts", "--timeout", "2"]) == 0
    assert "perfectly ordinary" in capsys.readouterr()[0]
    code = cli_main(["preview", url, "--timeout", "2"])
    out, err = capsys.readouterr()
    assert code == 1 and out == "" and "private" in err
    assert http_server.count("/article") == 1
