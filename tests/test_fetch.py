"""The safe page fetcher, against a real loopback server (no internet)."""

from __future__ import annotations

import asyncio
import gzip
import ipaddress
import shutil
import ssl
import time
import tracemalloc
import zlib

import httpx
import pytest

from reader.preview import fetch_body
from reader.preview.fetch import (
    FetchFailed,
    FetchOK,
    FetchSettings,
    build_request,
    decode_body,
    fetch_page,
    is_public_address,
    parse_ip_host,
)
from reader.preview.fetch_body import Limit, Zlib
from reader.preview.fetch_hosts import parse_target
from reader.preview.fetch_http import make_client
from reader.preview.fetch_types import Failure
from tests.httpserver import ARTICLE_HTML, GUARDED, LOOPBACK, RerouteTransport, gzip_bomb, https_server, make_cert

PUBLIC_IP = "93.184.215.14"  # a global address; the test transport routes it to loopback


def _failed(result, kind: str) -> FetchFailed:
    assert isinstance(result, FetchFailed), result
    assert result.kind == kind, (result.kind, result.reason)
    assert "\n" not in result.reason and result.reason
    return result


# --------------------------------------------------------------------- ordinary pages

async def test_plain_article(http_server):
    result = await fetch_page(http_server.url("/article"), LOOPBACK)
    assert isinstance(result, FetchOK)
    assert result.status == 200
    assert result.content_type == "text/html"
    assert result.charset == "utf-8"
    assert result.is_parsable
    assert "perfectly ordinary test article" in result.text
    assert result.size == len(ARTICLE_HTML)
    assert result.url == result.final_url == http_server.url("/article")


async def test_request_headers(http_server):
    await fetch_page(http_server.url("/article"), LOOPBACK)
    seen = http_server.requests[-1].headers
    assert seen["accept-encoding"] == fetch_body.ACCEPT_ENCODING
    assert "br" not in seen["accept-encoding"] or fetch_body.BROTLI
    assert seen["user-agent"].startswith("reader/")
    assert seen["host"] == f"127.0.0.1:{http_server.port}"


@pytest.mark.parametrize("path", ["/gzip", "/deflate", "/rawdeflate"])
async def test_compressed_article(http_server, path):
    result = await fetch_page(http_server.url(path), LOOPBACK)
    assert isinstance(result, FetchOK), result
    assert "perfectly ordinary test article" in result.text
    assert result.size == len(ARTICLE_HTML)


async def test_plain_text_is_decoded_but_not_parsable(http_server):
    result = await fetch_page(http_server.url("/plain"), LOOPBACK)
    assert isinstance(result, FetchOK)
    assert result.content_type == "text/plain" and not result.is_parsable
    assert result.text.startswith("Just some plain text.")


async def test_missing_content_type_is_sniffed(http_server):
    ok = await fetch_page(http_server.url("/no-type"), LOOPBACK)
    assert isinstance(ok, FetchOK) and ok.content_type == "text/html"
    bad = _failed(await fetch_page(http_server.url("/binary-no-type"), LOOPBACK), "not_html")
    assert bad.content_type == "application/octet-stream"


# --------------------------------------------------------------------- charsets

@pytest.mark.parametrize("path", ["/latin1-meta", "/latin1-http-equiv", "/latin1-nometa",
                                  "/latin1-header", "/utf8-nometa", "/bad-charset"])
async def test_charsets(http_server, path):
    result = await fetch_page(http_server.url(path), LOOPBACK)
    assert isinstance(result, FetchOK)
    assert "café" in result.text
    assert "\ufffd" not in result.text


def test_decode_body_rules():
    assert decode_body(b"caf\xc3\xa9", None, html=True) == ("café", "utf-8")
    assert decode_body(b"caf\xe9", None, html=True) == ("café", "cp1252")
    assert decode_body("€".encode("cp1252"), "iso-8859-1", html=False)[0] == "€"  # WHATWG
    assert decode_body(b"\xef\xbb\xbfcaf\xc3\xa9", "latin-1", html=True) == ("café", "utf-8")
    assert decode_body("hé".encode("utf-16-le").join([b"\xff\xfe", b""]), None, html=True)[0] == "hé"
    text, name = decode_body(b"<meta charset='koi8-r'>\xc1", None, html=True)
    assert name == "koi8-r" and text.endswith("а")
    # unknown/non-text codecs fall through; undecodable bytes never raise
    assert decode_body(b"\xff\xfe\x00abc\x81", "base64", html=False)[0]
    assert decode_body(b"abc\x81\x8d", "undefined", html=False)[0].startswith("abc")
    assert decode_body(b"<meta charset=utf-16>abc", None, html=True)[1] == "utf-8"


# --------------------------------------------------------------------- statuses, types

@pytest.mark.parametrize("path,status", [("/missing", 404), ("/error", 500)])
async def test_http_errors(http_server, path, status):
    result = _failed(await fetch_page(http_server.url(path), LOOPBACK), "http_status")
    assert result.status == status
    assert str(status) in result.reason


async def test_pdf_is_not_html_with_type_and_size(http_server):
    result = _failed(await fetch_page(http_server.url("/doc.pdf"), LOOPBACK), "not_html")
    assert result.content_type == "application/pdf"
    assert result.size == 12345
    assert "application/pdf" in result.reason and "KiB" in result.reason


async def test_endless_pdf_is_refused_without_reading(http_server):
    start = time.monotonic()
    result = _failed(await fetch_page(http_server.url("/endless.pdf"), LOOPBACK), "not_html")
    assert result.size is None and result.content_type == "application/pdf"
    assert time.monotonic() - start < 1.0


# --------------------------------------------------------------------- limits

async def test_slow_drip_hits_the_deadline(http_server):
    settings = FetchSettings(allow_private_hosts=True, deadline=1.0, read_timeout=5.0)
    start = time.monotonic()
    result = _failed(await fetch_page(http_server.url("/drip"), settings), "timeout")
    elapsed = time.monotonic() - start
    assert 0.9 <= elapsed < 1.6
    assert "1 s" in result.reason


async def test_slow_headers_hit_the_read_timeout(http_server):
    settings = FetchSettings(allow_private_hosts=True, deadline=5.0, read_timeout=0.3)
    start = time.monotonic()
    _failed(await fetch_page(http_server.url("/slow"), settings), "timeout")
    assert time.monotonic() - start < 1.5


async def fetch_traced(url: str, settings: FetchSettings) -> tuple[FetchOK | FetchFailed, int]:
    """fetch_page's result and the peak of Python memory allocated during it."""
    tracemalloc.start()
    try:
        result = await fetch_page(url, settings)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return result, peak


async def test_endless_body_is_too_large_with_bounded_memory(http_server):
    settings = FetchSettings(allow_private_hosts=True, deadline=5.0, max_bytes=512 * 1024)
    result, peak = await fetch_traced(http_server.url("/endless"), settings)
    _failed(result, "too_large")
    assert peak < 4 * 1024 * 1024, peak


async def test_gzip_bomb_is_too_large_quickly_with_bounded_memory(http_server):
    gzip_bomb()  # built before measuring
    settings = FetchSettings(allow_private_hosts=True, deadline=5.0, max_bytes=1024 * 1024)
    start = time.monotonic()
    result, peak = await fetch_traced(http_server.url("/bomb"), settings)
    _failed(result, "too_large")
    assert time.monotonic() - start < 2.0
    assert peak < 6 * 1024 * 1024, peak  # the bomb expands to 32 MiB


def test_decompressor_never_returns_more_than_the_cap():
    bomb = gzip_bomb()
    limit = Limit(1024 * 1024)
    decoder = Zlib("gzip", limit)
    produced = 0
    with pytest.raises(Failure) as info:
        for piece in decoder.feed(bomb):
            assert len(piece) <= fetch_body.CHUNK
            produced += len(piece)
    assert info.value.kind == "too_large"
    assert produced <= 1024 * 1024
    assert limit.total <= 1024 * 1024 + fetch_body.CHUNK


def test_decompressor_chunked_input_roundtrip():
    data = b"".join(b"line %d\n" % i for i in range(50000))
    for encoding, blob in (("gzip", gzip.compress(data)), ("deflate", zlib.compress(data))):
        decoder = Zlib(encoding, Limit(10 * len(data)))
        out = []
        for i in range(0, len(blob), 1):  # one byte at a time for the first part
            if i > 64:
                out.extend(decoder.feed(blob[i:]))
                break
            out.extend(decoder.feed(blob[i:i + 1]))
        out.extend(decoder.finish())
        assert b"".join(out) == data


async def test_stacked_encodings_are_refused(http_server):
    result = _failed(await fetch_page(http_server.url("/double-gzip"), LOOPBACK), "encoding")
    assert "gzip, gzip" in result.reason


async def test_unknown_and_corrupt_encodings_are_refused(http_server):
    _failed(await fetch_page(http_server.url("/unknown-encoding"), LOOPBACK), "encoding")
    _failed(await fetch_page(http_server.url("/corrupt-gzip"), LOOPBACK), "encoding")


# --------------------------------------------------------------------- redirects

async def test_redirect_chain_is_followed(http_server):
    result = await fetch_page(http_server.url("/r/1"), LOOPBACK)
    assert isinstance(result, FetchOK), result
    assert result.url == http_server.url("/r/1")
    assert result.final_url == http_server.url("/article")
    assert [r.path for r in http_server.requests] == ["/r/1", "/r/2", "/r/3", "/article"]


async def test_redirect_loop(http_server):
    result = _failed(await fetch_page(http_server.url("/loop/a"), LOOPBACK), "redirects")
    assert "loop" in result.reason
    assert http_server.count("/loop/a") == 1


async def test_too_many_redirects(http_server):
    result = _failed(await fetch_page(http_server.url("/chain/0"), LOOPBACK), "redirects")
    assert "5" in result.reason
    assert http_server.count("/chain/5") == 1 and http_server.count("/chain/6") == 0


async def test_redirect_to_bad_links(http_server):
    _failed(await fetch_page(http_server.url("/to-ftp"), LOOPBACK), "bad_url")
    _failed(await fetch_page(http_server.url("/to-bad"), LOOPBACK), "bad_url")


@pytest.mark.parametrize("location,scheme", [
    ("data:text/html,<h1>hi</h1>", "data"),
    ("data:text/html;base64,PGgxPmhpPC9oMT4=", "data"),
    ("javascript:alert(1)", "javascript"),
    ("JavaScript:alert(document.cookie)", "javascript"),
    ("vbscript:msgbox", "vbscript"),
    ("file:///etc/passwd", "file"),
    ("ftp://example.com/file", "ftp"),
    ("mailto:someone@example.com", "mailto"),
])
async def test_redirect_to_another_scheme_says_so(http_server, location, scheme):
    http_server.redirect("/to-elsewhere", location)
    result = _failed(await fetch_page(http_server.url("/to-elsewhere"), LOOPBACK), "bad_url")
    assert result.reason == (f"redirect refused: {scheme}: links are not followed "
                             "(only http and https)")
    assert result.status == 302
    assert [r.path for r in http_server.requests] == ["/to-elsewhere"]


# --------------------------------------------------------------------- SSRF guard

def _resolver(table: dict[str, list[str]], calls: list | None = None):
    async def resolve(host: str, port: int) -> list[str]:
        if calls is not None:
            calls.append((host, port))
        if host not in table:
            raise OSError(f"unknown host {host}")
        return list(table[host])

    return resolve


@pytest.mark.parametrize("path,target", [
    ("/to-metadata", "169.254.169.254"),
    ("/to-private", "10.0.0.1"),
    ("/to-localhost", "127.0.0.1"),
])
async def test_redirect_to_private_address_is_refused_before_connecting(http_server, path, target):
    transport = RerouteTransport({PUBLIC_IP: ("127.0.0.1", http_server.port)})
    resolver = _resolver({"public.test": [PUBLIC_IP], "localhost": ["127.0.0.1", "::1"]})
    url = f"http://public.test:{http_server.port}{path}"
    result = _failed(await fetch_page(url, GUARDED, resolver=resolver, transport=transport),
                     "blocked_address")
    assert target in result.reason
    assert transport.seen == [PUBLIC_IP]  # only the first hop was sent
    assert http_server.count(path) == 1


async def test_guard_allows_public_name_and_pins_it(http_server):
    transport = RerouteTransport({PUBLIC_IP: ("127.0.0.1", http_server.port)})
    resolver = _resolver({"public.test": [PUBLIC_IP]})
    url = f"http://public.test:{http_server.port}/r/1"
    result = await fetch_page(url, GUARDED, resolver=resolver, transport=transport)
    assert isinstance(result, FetchOK), result
    assert result.final_url == f"http://public.test:{http_server.port}/article"
    assert transport.seen == [PUBLIC_IP] * 4
    assert all(h.headers["host"] == f"public.test:{http_server.port}" for h in http_server.requests)


async def test_dns_rebinding_cannot_switch_the_address():
    calls: list = []
    answers = [["93.184.215.14"], ["127.0.0.1"]]

    async def rebinding(host: str, port: int) -> list[str]:
        calls.append(host)
        return answers[min(len(calls) - 1, 1)]

    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, headers={"Content-Type": "text/html"}, content=ARTICLE_HTML)

    result = await fetch_page("https://rebind.test/story", GUARDED, resolver=rebinding,
                              transport=httpx.MockTransport(handler))
    assert isinstance(result, FetchOK), result
    assert calls == ["rebind.test"]  # resolved once, checked, then used
    assert len(seen) == 1
    request = seen[0]
    assert request.url.host == "93.184.215.14"
    assert request.headers["host"] == "rebind.test"
    assert request.extensions["sni_hostname"] == "rebind.test"
    assert result.final_url == "https://rebind.test/story"


async def test_mixed_public_and_private_answers_are_blocked():
    transport = httpx.MockTransport(lambda r: pytest.fail("must not connect"))
    resolver = _resolver({"mixed.test": ["93.184.215.14", "127.0.0.1"]})
    result = _failed(await fetch_page("http://mixed.test/", GUARDED, resolver=resolver,
                                      transport=transport), "blocked_address")
    assert "127.0.0.1" in result.reason


async def test_unresolvable_host_is_a_network_failure():
    result = await fetch_page("http://nowhere.test/", GUARDED, resolver=_resolver({}),
                              transport=httpx.MockTransport(lambda r: pytest.fail("no")))
    assert _failed(result, "network").reason.startswith("could not resolve")


async def test_next_address_is_tried_when_the_first_cannot_connect(http_server):
    transport = RerouteTransport({"93.184.215.15": ("127.0.0.1", http_server.port)})
    resolver = _resolver({"multi.test": ["2606:2800:220:1::1", "93.184.215.15"]})
    result = await fetch_page(f"http://multi.test:{http_server.port}/article", GUARDED,
                              resolver=resolver, transport=transport)
    assert isinstance(result, FetchOK), result
    assert transport.seen == ["2606:2800:220:1::1", "93.184.215.15"]


@pytest.mark.parametrize("url", [
    "http://127.0.0.1/", "http://2130706433/", "http://0x7f.1/", "http://017700000001/",
    "http://0x7f000001/", "http://127.1/", "http://0/", "http://[::1]/",
    "http://[::ffff:127.0.0.1]/", "http://[::ffff:7f00:1]/", "http://[::127.0.0.1]/",
    "http://169.254.169.254/latest/meta-data/", "http://[fe80::1]/", "http://10.1.2.3/",
    "http://192.168.1.1/", "http://172.16.0.1/", "http://100.64.0.1/", "http://224.0.0.1/",
    "http://255.255.255.255/", "http://[fc00::1]/", "http://[64:ff9b::7f00:1]/",
    "http://[2002:7f00:1::]/", "http://[::]/", "http://0.0.0.0/", "http://127.0.0.1./",
])
async def test_private_ip_spellings_are_blocked_without_resolving(url):
    result = await fetch_page(url, GUARDED, resolver=_resolver({}),
                              transport=httpx.MockTransport(lambda r: pytest.fail("connected")))
    _failed(result, "blocked_address")


@pytest.mark.parametrize("address,public", [
    ("8.8.8.8", True), ("93.184.215.14", True), ("2606:4700::1111", True),
    ("127.0.0.1", False), ("10.0.0.1", False), ("172.31.255.255", False),
    ("192.168.0.1", False), ("169.254.169.254", False), ("100.64.0.1", False),
    ("100.127.255.255", False), ("0.0.0.0", False), ("224.0.0.251", False),
    ("239.255.255.250", False), ("240.0.0.1", False), ("255.255.255.255", False),
    ("192.0.0.8", False), ("198.18.0.1", False), ("192.0.2.1", False),
    ("::1", False), ("::", False), ("fe80::1", False), ("fc00::1", False), ("fd12::1", False),
    ("ff02::1", False), ("fec0::1", False), ("::ffff:127.0.0.1", False), ("::ffff:8.8.8.8", True),
    ("::ffff:169.254.169.254", False), ("::127.0.0.1", False), ("::ffff:0:127.0.0.1", False),
    ("64:ff9b::a00:1", False), ("64:ff9b::808:808", True), ("64:ff9b:1::1", False),
    ("2002:a00:1::1", False), ("2002:808:808::1", True), ("2001:db8::1", False),
    ("2001:0:4136:e378:8000:63bf:3fff:fdd2", False), ("fe80::1%eth0", False), ("nonsense", False),
])
def test_is_public_address(address, public):
    assert is_public_address(address) is public


@pytest.mark.parametrize("host,expected", [
    ("2130706433", "127.0.0.1"), ("0x7f.1", "127.0.0.1"), ("017700000001", "127.0.0.1"),
    ("0x7F000001", "127.0.0.1"), ("127.1", "127.0.0.1"), ("127.0.1", "127.0.0.1"),
    ("0177.0.0.1", "127.0.0.1"), ("0xa9.0xfe.0xa9.0xfe", "169.254.169.254"),
    ("2852039166", "169.254.169.254"), ("127.0.0.1.", "127.0.0.1"), ("0", "0.0.0.0"),
    ("::ffff:127.0.0.1", "::ffff:7f00:1"), ("[::1]", "::1"),
    ("example.com", None), ("1example.com", None), ("localhost", None), ("0x7f.example", None),
])
def test_parse_ip_host(host, expected):
    result = parse_ip_host(host)
    assert (None if result is None else str(result)) == expected
    if result is not None:
        assert result == ipaddress.ip_address(expected)


@pytest.mark.parametrize("host", ["256.0.0.1", "1.2.3.4.5", "08.0.0.1", "example.123",
                                  "0xzz.1", "1.2.3.4294967296", "4294967296"])
def test_parse_ip_host_rejects_invalid_numbers(host):
    with pytest.raises(ValueError):
        parse_ip_host(host)


# --------------------------------------------------------------------- bad URLs

@pytest.mark.parametrize("url", [
    "ftp://example.com/file", "javascript:alert(1)", "file:///etc/passwd", "data:text/html,hi",
    "http://example.com/\nHost: evil", "http://example.com/\x1b[31m", "http://exa mple.com/",
    " http://example.com/", "http://example.com/\t", "http://example.com/\u202e", "",
    "example.com/page", "//example.com/page", "http://", "http:///path", "http://256.1.1.1/",
    "http://[::1/", "http://example.com:99999/", "http://example.com/" + "a" * 9000,
])
async def test_bad_urls_are_refused(url):
    result = await fetch_page(url, GUARDED, resolver=_resolver({}),
                              transport=httpx.MockTransport(lambda r: pytest.fail("connected")))
    _failed(result, "bad_url")


async def test_non_string_url_is_refused():
    result = await fetch_page(None, GUARDED)  # type: ignore[arg-type]
    _failed(result, "bad_url")


def test_request_construction_pins_address_and_keeps_name():
    client = httpx.AsyncClient()
    target = parse_target("https://user:pw@news.example.com:8443/a/b?c=1#frag")
    request = build_request(client, target, "93.184.215.14")
    assert str(request.url) == "https://93.184.215.14:8443/a/b?c=1"
    assert request.headers["host"] == "news.example.com:8443"
    assert request.extensions["sni_hostname"] == "news.example.com"
    assert "authorization" not in request.headers
    v6 = build_request(client, parse_target("http://news.example.com/"), "2606:2800:220:1::1")
    assert str(v6.url) == "http://[2606:2800:220:1::1]/"
    assert v6.headers["host"] == "news.example.com"
    assert "sni_hostname" not in v6.extensions
    idn = build_request(client, parse_target("https://bücher.example/"), "93.184.215.14")
    assert idn.headers["host"] == "xn--bcher-kva.example"
    assert idn.extensions["sni_hostname"] == "xn--bcher-kva.example"
    literal = build_request(client, parse_target("http://0x5d.0xb8.0xd7.0xe/"), "93.184.215.14")
    assert literal.headers["host"] == "93.184.215.14"


def test_proxy_settings_do_not_read_the_environment(monkeypatch):
    monkeypatch.setenv("HTTP_PROXY", "http://127.0.0.1:9")
    monkeypatch.setenv("HTTPS_PROXY", "http://127.0.0.1:9")
    client = make_client(FetchSettings(), None)
    assert client.trust_env is False
    assert not client._mounts  # no proxy mounts from the environment


async def test_explicit_proxy_is_used_and_the_guard_still_applies(http_server):
    http_server.routes["http://proxied.test/article"] = http_server.routes["/article"]
    settings = FetchSettings(proxy=http_server.url(""), deadline=2.0)
    resolver = _resolver({"proxied.test": [PUBLIC_IP], "inside.test": ["10.1.1.1"]})
    ok = await fetch_page("http://proxied.test/article", settings, resolver=resolver)
    assert isinstance(ok, FetchOK), ok
    seen = http_server.requests[-1]
    assert seen.path == "http://proxied.test/article"  # by name: the proxy connects
    assert seen.headers["host"] == "proxied.test"
    blocked = await fetch_page("http://inside.test/", settings, resolver=resolver)
    _failed(blocked, "blocked_address")
    assert len(http_server.requests) == 1


# --------------------------------------------------------------------- TLS with pinning

needs_openssl = pytest.mark.skipif(shutil.which("openssl") is None, reason="needs openssl")


@needs_openssl
async def test_https_pinned_connection_uses_sni_and_verifies_the_name(tmp_path):
    cert, key = make_cert(tmp_path, "public.test")
    server, stop = https_server(cert, key)
    try:
        trusting = httpx.AsyncHTTPTransport(verify=ssl.create_default_context(cafile=str(cert)))
        resolver = _resolver({"public.test": ["127.0.0.1"], "other.test": ["127.0.0.1"]})
        async with trusting:
            ok = await fetch_page(f"https://public.test:{server.port}/r/1", LOOPBACK,
                                  resolver=resolver, transport=trusting)
            assert isinstance(ok, FetchOK), ok
            assert ok.final_url == f"https://public.test:{server.port}/article"
            assert "public.test" in server.sni and all(n == "public.test" for n in server.sni)
            # the certificate is checked against the name, not the pinned IP
            bad = await fetch_page(f"https://other.test:{server.port}/article", LOOPBACK,
                                   resolver=resolver, transport=trusting)
            assert _failed(bad, "network")
    finally:
        stop()


# --------------------------------------------------------------------- cancellation

async def test_cancellation_propagates_and_closes(http_server):
    task = asyncio.create_task(fetch_page(http_server.url("/drip"),
                                          FetchSettings(allow_private_hosts=True, deadline=10)))
    await asyncio.sleep(0.3)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert http_server.active == 1 or http_server.count("/drip") == 1
    # the connection was closed: the server's writes fail and its handler ends
    assert await asyncio.to_thread(http_server.wait_idle, 2.0)


async def test_logging_failures_never_print(http_server, capsys, caplog):
    caplog.set_level("INFO", logger="reader.preview")
    await fetch_page(http_server.url("/missing"), LOOPBACK)
    assert any("http_status" in r.getMessage() for r in caplog.records)
    captured = capsys.readouterr()
    assert captured.out == "" and "Traceback" not in captured.err
