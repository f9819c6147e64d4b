"""A loopback HTTP(S) server for the preview tests (no internet needed).

``tests/conftest.py`` provides the ``http_server`` fixture to every test module; import
the helpers from ``tests.httpserver``.

Routes are callables ``handler(request_handler)``; ``LoopbackServer.add`` registers
simple canned responses, ``requests`` records (method, path, headers) of every request.
"""

from __future__ import annotations

import dataclasses
import gzip
import http.server
import ssl
import subprocess
import threading
import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest

from reader.preview.fetch import FetchSettings

# Fetch settings that may reach this server (a loopback address) and give up quickly.
LOOPBACK = FetchSettings(allow_private_hosts=True, deadline=2.0, connect_timeout=1.0,
                         read_timeout=1.0, max_bytes=1024 * 1024)
# The same limits with the address guard on, as in normal use (loopback is refused).
GUARDED = dataclasses.replace(LOOPBACK, allow_private_hosts=False)

ARTICLE_HTML = b"""<!doctype html>
<html><head><title>Test article</title><meta charset="utf-8"></head>
<body><article><h1>Test article</h1>
<p>The first paragraph of a perfectly ordinary test article, long enough to be read by
any extractor that insists on real prose before it calls something an article.</p>
<p>A second paragraph follows, so that an extractor has something to chew on: it talks
about the weather, the harbour, the ferries that run late and the people who wait.</p>
<p>A third paragraph closes the story with a few more words about nothing in particular,
which is exactly what a loopback test server should be serving to its only reader.</p>
</article></body></html>
"""

EMPTY_HTML = b"<!doctype html><html><head><title>x</title></head><body></body></html>"


@dataclass
class Seen:
    method: str
    path: str
    headers: dict[str, str]


Handler = Callable[["_RequestHandler"], None]


class _RequestHandler(http.server.BaseHTTPRequestHandler):
    server_version = "loopback"
    sys_version = ""

    def log_message(self, format: str, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        owner: LoopbackServer = self.server.owner  # type: ignore[attr-defined]
        path = self.path.split("?", 1)[0]
        with owner.lock:
            owner.requests.append(Seen("GET", self.path, {k.lower(): v for k, v in self.headers.items()}))
        handler = owner.routes.get(path)
        with owner.lock:
            owner.active += 1
        try:
            if handler is None:
                self.send_simple(404, b"not found", "text/plain")
            else:
                handler(self)
        except (BrokenPipeError, ConnectionResetError, ssl.SSLError, OSError):
            pass
        finally:
            with owner.lock:
                owner.active -= 1

    # helpers for route handlers
    def send_simple(self, status: int, body: bytes, content_type: str | None = "text/html",
                    headers: dict[str, str] | None = None, length: bool = True) -> None:
        self.send_response(status)
        if content_type is not None:
            self.send_header("Content-Type", content_type)
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        if length:
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    @property
    def stopping(self) -> threading.Event:
        return self.server.owner.stop  # type: ignore[attr-defined]


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True


@dataclass
class LoopbackServer:
    routes: dict[str, Handler] = field(default_factory=dict)
    requests: list[Seen] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    stop: threading.Event = field(default_factory=threading.Event)
    scheme: str = "http"
    host: str = "127.0.0.1"
    port: int = 0
    sni: list[str | None] = field(default_factory=list)
    active: int = 0  # requests being answered right now

    def wait_idle(self, timeout: float = 2.0) -> bool:
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            with self.lock:
                if self.active == 0:
                    return True
            time.sleep(0.01)
        return False

    def url(self, path: str = "/", host: str | None = None) -> str:
        return f"{self.scheme}://{host or self.host}:{self.port}{path}"

    def count(self, path: str) -> int:
        with self.lock:
            return sum(1 for r in self.requests if r.path.split("?", 1)[0] == path)

    def add(self, path: str, body: bytes = b"", *, status: int = 200,
            content_type: str | None = "text/html", headers: dict[str, str] | None = None,
            length: bool = True) -> None:
        def handler(h: _RequestHandler) -> None:
            h.send_simple(status, body, content_type, headers, length)

        self.routes[path] = handler

    def redirect(self, path: str, location: str, status: int = 302) -> None:
        self.add(path, b"", status=status, headers={"Location": location})


def _gzip(data: bytes) -> bytes:
    return gzip.compress(data, compresslevel=9, mtime=0)


_BOMB: bytes | None = None
BOMB_SIZE = 32 * 1024 * 1024


def gzip_bomb() -> bytes:
    """~32 KB of gzip that expands to 32 MiB of zeros."""
    global _BOMB
    if _BOMB is None:
        c = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
        zeros = bytes(1024 * 1024)
        _BOMB = b"".join(c.compress(zeros) for _ in range(BOMB_SIZE // len(zeros))) + c.flush()
    return _BOMB


def _drip(h: _RequestHandler) -> None:
    h.send_response(200)
    h.send_header("Content-Type", "text/html")
    h.end_headers()
    h.wfile.write(b"<html><body><p>")
    h.wfile.flush()
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline and not h.stopping.is_set():
        h.wfile.write(b"a")
        h.wfile.flush()
        time.sleep(0.05)


def _slow_headers(h: _RequestHandler) -> None:
    h.stopping.wait(5)
    h.send_simple(200, ARTICLE_HTML)


def _endless(content_type: str) -> Handler:
    def handler(h: _RequestHandler) -> None:
        h.send_response(200)
        h.send_header("Content-Type", content_type)
        h.end_headers()
        chunk = b"<p>" + b"x" * (64 * 1024 - 7) + b"</p>\n"
        sent = 0
        while sent < 512 * 1024 * 1024 and not h.stopping.is_set():
            h.wfile.write(chunk)
            sent += len(chunk)

    return handler


def standard_routes(server: LoopbackServer) -> None:
    add = server.add
    add("/article", ARTICLE_HTML, content_type="text/html; charset=utf-8")
    add("/empty", EMPTY_HTML)
    add("/gzip", _gzip(ARTICLE_HTML), headers={"Content-Encoding": "gzip"})
    add("/deflate", zlib.compress(ARTICLE_HTML), headers={"Content-Encoding": "deflate"})
    raw = zlib.compressobj(6, zlib.DEFLATED, -zlib.MAX_WBITS)
    add("/rawdeflate", raw.compress(ARTICLE_HTML) + raw.flush(),
        headers={"Content-Encoding": "deflate"})
    add("/double-gzip", _gzip(_gzip(ARTICLE_HTML)), headers={"Content-Encoding": "gzip, gzip"})
    add("/unknown-encoding", ARTICLE_HTML, headers={"Content-Encoding": "zork"})
    add("/corrupt-gzip", b"\x1f\x8b\x08\x00garbage-garbage-garbage", headers={"Content-Encoding": "gzip"})
    add("/bomb", gzip_bomb(), headers={"Content-Encoding": "gzip"})
    add("/doc.pdf", b"%PDF-1.4\n" + b"0" * 12336, content_type="application/pdf")
    server.routes["/endless"] = _endless("text/html")
    server.routes["/endless.pdf"] = _endless("application/pdf")
    server.routes["/drip"] = _drip
    server.routes["/slow"] = _slow_headers
    add("/latin1-meta", b"<html><head><meta charset=iso-8859-1><title>t</title></head>"
        b"<body><p>caf\xe9</p></body></html>")
    add("/latin1-http-equiv", b'<html><head><meta http-equiv="Content-Type" '
        b'content="text/html; charset=ISO-8859-1"></head><body><p>caf\xe9</p></body></html>')
    add("/latin1-nometa", b"<html><body><p>caf\xe9 cr\xe8me</p></body></html>")
    add("/latin1-header", b"<html><body><p>caf\xe9</p></body></html>",
        content_type="text/html; charset=latin-1")
    add("/utf8-nometa", "<html><body><p>café</p></body></html>".encode())
    add("/bad-charset", b"<html><body><p>caf\xe9</p></body></html>",
        content_type="text/html; charset=rot13")
    add("/no-type", ARTICLE_HTML, content_type=None)
    add("/binary-no-type", b"\x00\x01\x02binary", content_type=None)
    add("/plain", b"Just some plain text.\n\nSecond paragraph.", content_type="text/plain")
    add("/missing", b"gone", status=404, content_type="text/plain")
    add("/error", b"oops", status=500, content_type="text/plain")
    server.redirect("/r/1", "/r/2")
    def absolute_redirect(h: _RequestHandler) -> None:  # keeps the Host the client used
        h.send_simple(301, b"", headers={"Location": f"{server.scheme}://{h.headers['Host']}/r/3"})

    server.routes["/r/2"] = absolute_redirect
    server.redirect("/r/3", "/article", status=307)
    server.redirect("/loop/a", "/loop/b")
    server.redirect("/loop/b", "/loop/a")
    server.redirect("/to-metadata", "http://169.254.169.254/latest/meta-data/")
    server.redirect("/to-private", "http://10.0.0.1/admin")
    server.redirect("/to-localhost", "http://localhost/article")
    server.redirect("/to-ftp", "ftp://example.com/file")
    server.redirect("/to-bad", "http://exa mple.com/\x1b[31m")
    for i in range(8):
        server.redirect(f"/chain/{i}", f"/chain/{i + 1}")
    server.routes["/chain/8"] = server.routes["/article"]


def _start(server: LoopbackServer, ssl_context: ssl.SSLContext | None = None) -> _Server:
    httpd = _Server(("127.0.0.1", 0), _RequestHandler)
    httpd.owner = server  # type: ignore[attr-defined]
    if ssl_context is not None:
        httpd.socket = ssl_context.wrap_socket(httpd.socket, server_side=True)
    server.port = httpd.server_address[1]
    threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05},
                     daemon=True).start()
    return httpd


def _stop(server: LoopbackServer, httpd: _Server) -> None:
    server.stop.set()
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture
def http_server():
    server = LoopbackServer()
    httpd = _start(server)
    standard_routes(server)
    try:
        yield server
    finally:
        _stop(server, httpd)


def make_cert(directory: Path, hostname: str) -> tuple[Path, Path]:
    cert, key = directory / f"{hostname}.crt", directory / f"{hostname}.key"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
         "-nodes", "-keyout", str(key), "-out", str(cert), "-days", "2", "-subj", f"/CN={hostname}",
         "-addext", f"subjectAltName=DNS:{hostname}"],
        check=True, capture_output=True, timeout=30,
    )
    return cert, key


def https_server(cert: Path, key: Path):
    """A context manager-ish pair: (server, stop()) serving standard routes over TLS."""
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(cert, key)
    server = LoopbackServer(scheme="https")

    def remember_sni(sock: ssl.SSLSocket, name: str | None, _ctx: ssl.SSLContext) -> None:
        server.sni.append(name)

    ctx.sni_callback = remember_sni
    httpd = _start(server, ctx)
    standard_routes(server)
    return server, lambda: _stop(server, httpd)


class RerouteTransport(httpx.AsyncBaseTransport):
    """Sends requests for the given (fake public) IPs to the loopback server and refuses
    everything else, recording every request it was asked to send."""

    def __init__(self, mapping: dict[str, tuple[str, int]]) -> None:
        self.mapping = mapping
        self.seen: list[str] = []  # the host of every request
        self.inner = httpx.AsyncHTTPTransport()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.seen.append(request.url.host)
        target = self.mapping.get(request.url.host)
        if target is None:
            raise httpx.ConnectError(f"test transport: no route to {request.url.host}",
                                     request=request)
        request.url = request.url.copy_with(host=target[0], port=target[1])
        return await self.inner.handle_async_request(request)

    async def aclose(self) -> None:
        await self.inner.aclose()
