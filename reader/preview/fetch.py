"""A careful page fetcher: returns :class:`FetchOK` or :class:`FetchFailed`, never raises
for network or page problems.

The URL and the page are untrusted and reader often runs on servers, so:

* only ``http``/``https`` URLs without whitespace or control characters are fetched,
  and a redirect elsewhere (``data:``, ``javascript:``, ``file:``...) is refused with a
  reason that names the scheme, before httpx tries to make sense of it;
* every hop (the first request and each redirect, followed by hand) resolves the host
  once, refuses it unless *every* address is globally routable (unless
  ``allow_private_hosts``), and then connects to that checked address: the request URL
  carries the IP literal, the ``Host`` header the original name and, for https, the TLS
  SNI / certificate hostname comes from httpx's ``sni_hostname`` request extension.
  A DNS answer that changes between check and connect (rebinding) is therefore never
  used.  IP spellings such as ``2130706433``, ``0x7f.1`` or ``017700000001`` are
  normalised with the inet_aton/WHATWG rules before they are checked;
* the whole fetch runs under a deadline, connect/read have their own timeouts;
* the body is read raw and decompressed here with bounded zlib calls, so neither the
  wire size nor the decoded size can exceed ``max_bytes`` (httpx's own decoders have
  no output limit);
* only HTML, XHTML and plain text are decoded; anything else is reported as
  ``not_html`` with its type and size without reading the body;
* proxies come only from the settings (``trust_env=False``).

With an explicit proxy the proxy makes the connection, so the address check still
runs on our own resolution but the connection cannot be pinned (the request keeps the
host name; httpcore's CONNECT tunnel would otherwise verify TLS against the IP).
"""

from __future__ import annotations

import asyncio
import codecs
import ipaddress
import logging
import re
import socket
import ssl
import zlib
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field

import httpx

from reader import __version__
from reader.core.sanitize import sanitize

logger = logging.getLogger("reader.preview")
# Library code: never let logging's last-resort handler print to the terminal (the UI
# owns it); applications that want these records configure a handler themselves.
if not any(isinstance(h, logging.NullHandler) for h in logger.handlers):
    logger.addHandler(logging.NullHandler())

Resolver = Callable[[str, int], Awaitable[list[str]]]
IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
TEXT_TYPES = HTML_TYPES | {"text/plain"}
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
MAX_URL_LENGTH = 8192
_CHUNK = 64 * 1024  # largest piece a decompressor may return in one call

FAILURE_KINDS = (
    "timeout", "http_status", "blocked_address", "too_large", "not_html",
    "bad_url", "redirects", "network", "encoding",
)


def _default_user_agent() -> str:
    return f"reader/{__version__} (terminal news reader; article preview)"


@dataclass(frozen=True)
class FetchSettings:
    connect_timeout: float = 5.0
    read_timeout: float = 10.0
    deadline: float = 20.0  # the whole fetch, redirects included
    max_bytes: int = 5 * 1024 * 1024  # decoded (and raw) body size cap
    max_redirects: int = 5
    allow_private_hosts: bool = False
    proxy: str | None = None
    user_agent: str = field(default_factory=_default_user_agent)


@dataclass(frozen=True)
class FetchOK:
    url: str  # as requested
    final_url: str  # after redirects (host name form, never the pinned IP)
    status: int
    content_type: str  # lower-case mime type without parameters
    charset: str | None
    text: str | None  # decoded body for html/xhtml/plain
    size: int  # decoded body bytes
    is_parsable: bool  # True for HTML/XHTML (markup to extract from); False for text/plain


@dataclass(frozen=True)
class FetchFailed:
    url: str
    reason: str  # one line, human readable, terminal-safe
    kind: str  # one of FAILURE_KINDS
    status: int | None = None
    content_type: str | None = None
    size: int | None = None


class _Failure(Exception):
    """Internal: carries a FetchFailed's fields up to fetch_page."""

    def __init__(self, kind: str, reason: str, *, status: int | None = None,
                 content_type: str | None = None, size: int | None = None) -> None:
        super().__init__(reason)
        self.kind = kind
        self.reason = reason
        self.status = status
        self.content_type = content_type
        self.size = size


# --------------------------------------------------------------------------- addresses

_V4_BLOCKED = tuple(ipaddress.ip_network(n) for n in (
    "0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16",
    "172.16.0.0/12", "192.0.0.0/24", "192.0.2.0/24", "192.88.99.0/24", "192.168.0.0/16",
    "198.18.0.0/15", "198.51.100.0/24", "203.0.113.0/24", "224.0.0.0/4", "240.0.0.0/4",
))
_V6_BLOCKED = tuple(ipaddress.ip_network(n) for n in (
    "::/96",  # unspecified, loopback and the deprecated IPv4-compatible form
    "64:ff9b:1::/48",  # local-use NAT64
    "100::/64",  # discard
    "2001::/23",  # IETF protocol assignments (Teredo, ORCHID, ...)
    "2001:db8::/32",  # documentation
    "fc00::/7", "fe80::/10", "fec0::/10", "ff00::/8",
))
_NAT64 = ipaddress.ip_network("64:ff9b::/96")
_SIIT = ipaddress.ip_network("::ffff:0:0:0/96")


def is_public_address(address: str | IPAddress) -> bool:
    """True only for a globally routable unicast address.

    Embedded IPv4 addresses (IPv4-mapped, SIIT, NAT64 64:ff9b::/96, 6to4) are checked
    as the IPv4 address they reach.
    """
    try:
        ip = address if isinstance(address, (ipaddress.IPv4Address, ipaddress.IPv6Address)) \
            else ipaddress.ip_address(str(address))
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.scope_id:
            return False
        embedded: ipaddress.IPv4Address | None = ip.ipv4_mapped
        if embedded is None and (ip in _SIIT or ip in _NAT64):
            embedded = ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
        if embedded is None:
            embedded = ip.sixtofour
        if embedded is not None:
            return is_public_address(embedded)
        if any(ip in net for net in _V6_BLOCKED):
            return False
        return ip.is_global and not (ip.is_multicast or ip.is_link_local or ip.is_loopback
                                     or ip.is_unspecified or ip.is_site_local)
    if any(ip in net for net in _V4_BLOCKED):
        return False
    return ip.is_global and not (ip.is_multicast or ip.is_reserved or ip.is_loopback
                                 or ip.is_link_local or ip.is_unspecified or ip.is_private)


_NUMBER_LABEL = re.compile(r"^(?:[0-9]+|0[xX][0-9a-fA-F]*)$")


def _ipv4_part(part: str) -> int:
    if not part:
        raise ValueError("empty IPv4 part")
    if part[:2] in ("0x", "0X"):
        digits = part[2:]
        return int(digits, 16) if digits else 0
    if len(part) > 1 and part[0] == "0":
        return int(part[1:], 8)
    if not part.isdigit():
        raise ValueError(f"bad IPv4 part {part!r}")
    return int(part, 10)


def parse_ip_host(host: str) -> IPAddress | None:
    """The address a URL host denotes if it is an IP literal in any spelling, else None.

    IPv4 follows inet_aton / the WHATWG URL rules: one to four parts, each decimal,
    ``0x`` hex or ``0`` octal, the last part filling the remaining bytes
    (``2130706433``, ``0x7f.1``, ``017700000001`` and ``127.1`` are all 127.0.0.1).
    A host whose last label is a number but which is not a valid address raises
    ValueError (a browser refuses it too; a resolver might not).
    """
    h = host.strip()
    if h.startswith("[") and h.endswith("]"):
        h = h[1:-1]
    if ":" in h:
        return ipaddress.IPv6Address(h)
    if h.endswith("."):
        h = h[:-1]
    labels = h.split(".")
    if not labels or not _NUMBER_LABEL.match(labels[-1]):
        return None
    if len(labels) > 4:
        raise ValueError("too many parts for an IPv4 address")
    try:
        numbers = [_ipv4_part(p) for p in labels]
    except ValueError as exc:
        raise ValueError(f"{host!r} is not a valid IPv4 address") from exc
    if any(n > 255 for n in numbers[:-1]) or numbers[-1] >= 256 ** (5 - len(numbers)):
        raise ValueError(f"{host!r} is not a valid IPv4 address")
    value = numbers[-1]
    for i, n in enumerate(numbers[:-1]):
        value += n << (8 * (3 - i))
    return ipaddress.IPv4Address(value)


async def default_resolver(host: str, port: int) -> list[str]:
    loop = asyncio.get_running_loop()
    infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return [str(info[4][0]) for info in infos]


# --------------------------------------------------------------------------- URLs

_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*):")  # RFC 3986 scheme, at the start


def _refuse_redirect_scheme(location: str, status: int) -> None:
    """A redirect may only lead to another http(s) page (a relative one included)."""
    match = _SCHEME.match(location.strip())
    if match is None:
        return  # relative or scheme-relative ("//host/path"): resolved against http(s)
    scheme = match.group(1).lower()
    if scheme not in ("http", "https"):
        raise _Failure("bad_url", f"redirect refused: {_short(scheme, 20)}: links are not "
                       "followed (only http and https)", status=status)


async def _check_redirect(response: httpx.Response) -> None:
    """httpx response hook: runs before httpx builds (and chokes on) a redirect URL."""
    location = response.headers.get("location")
    if response.status_code in REDIRECT_STATUSES and location:
        _refuse_redirect_scheme(location, response.status_code)


_BAD_URL_CHARS = re.compile("[\x00-\x20\x7f-\x9f\u00a0\u1680\u2000-\u200f\u2028-\u202f"
                            "\u205f-\u206f\u3000\ufeff]")


@dataclass(frozen=True)
class _Target:
    url: httpx.URL  # logical URL: host name, no userinfo, no fragment
    host: str  # ascii host (punycode) or normalised IP literal
    port: int
    ip: IPAddress | None  # set when the host is an IP literal

    @property
    def host_header(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return host if self.url.port is None else f"{host}:{self.url.port}"


def _short(value: object, limit: int = 120) -> str:
    text = sanitize(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _parse_target(raw: object) -> _Target:
    if not isinstance(raw, str) or not raw:
        raise _Failure("bad_url", "no link to fetch")
    if len(raw) > MAX_URL_LENGTH:
        raise _Failure("bad_url", "the link is too long")
    if _BAD_URL_CHARS.search(raw):
        raise _Failure("bad_url", "the link contains spaces or control characters")
    scheme = raw.split(":", 1)[0].lower() if ":" in raw else ""
    if scheme not in ("http", "https"):
        shown = _short(scheme, 20) if scheme and scheme.isascii() and scheme.isalnum() else ""
        raise _Failure("bad_url", "only http and https links can be previewed"
                       + (f" (not {shown}:)" if shown else ""))
    try:
        url = httpx.URL(raw)
        raw_host = url.raw_host.decode("ascii")
        port = url.port or (443 if url.scheme == "https" else 80)
    except (httpx.InvalidURL, UnicodeError, ValueError, TypeError):
        raise _Failure("bad_url", f"not a valid web link: {_short(raw)}") from None
    if url.scheme not in ("http", "https"):
        raise _Failure("bad_url", "only http and https links can be previewed")
    if not raw_host:
        raise _Failure("bad_url", f"the link has no host: {_short(raw)}")
    if not 0 < port < 65536:
        raise _Failure("bad_url", f"not a valid port: {port}")
    try:
        ip = parse_ip_host(raw_host)
    except ValueError:
        raise _Failure("bad_url", f"not a valid address: {_short(raw_host)}") from None
    host = str(ip) if ip is not None else raw_host.lower()
    clean = url.copy_with(userinfo=b"", fragment=None)  # never send credentials
    if ip is not None:
        clean = clean.copy_with(host=host)
    return _Target(url=clean, host=host, port=port, ip=ip)


# --------------------------------------------------------------------------- decoding

class _Limit:
    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.total = 0

    def add(self, n: int) -> None:
        self.total += n
        if self.total > self.limit:
            raise _Failure("too_large", f"the page is larger than {human_size(self.limit)}",
                           size=None)


class _Identity:
    def __init__(self, limit: _Limit) -> None:
        self._limit = limit

    def feed(self, data: bytes) -> Iterator[bytes]:
        if data:
            self._limit.add(len(data))
            yield data

    def finish(self) -> Iterator[bytes]:
        return iter(())


class _Zlib:
    """Bounded gzip/deflate: no single call returns more than _CHUNK bytes and the
    running total is checked before the next call, so a bomb stops at the cap."""

    def __init__(self, encoding: str, limit: _Limit) -> None:
        self._gzip = encoding in ("gzip", "x-gzip")
        self._limit = limit
        self._obj: zlib._Decompress | None = None
        self._pending = b""  # deflate: wait for two bytes to tell zlib from raw deflate
        if self._gzip:
            self._obj = zlib.decompressobj(16 + zlib.MAX_WBITS)

    def _start_deflate(self, head: bytes) -> None:
        zlib_header = (head[0] & 0x0F) == 8 and ((head[0] << 8) | head[1]) % 31 == 0
        self._obj = zlib.decompressobj(zlib.MAX_WBITS if zlib_header else -zlib.MAX_WBITS)

    def feed(self, data: bytes) -> Iterator[bytes]:
        if self._obj is None:
            self._pending += data
            if len(self._pending) < 2:
                return
            data, self._pending = self._pending, b""
            self._start_deflate(data)
        obj = self._obj
        assert obj is not None
        buf = data
        while not obj.eof:  # anything after the end of the stream is ignored
            try:
                out = obj.decompress(buf, _CHUNK)
            except zlib.error:
                raise _Failure("encoding", "the page's compressed data is corrupt") from None
            if out:
                self._limit.add(len(out))
                yield out
            buf = obj.unconsumed_tail
            if not buf and len(out) < _CHUNK:
                return

    def finish(self) -> Iterator[bytes]:
        if self._obj is None:
            if self._pending:
                raise _Failure("encoding", "the page's compressed data is corrupt")
            return
        yield from self.feed(b"")


class _Brotli:
    """Only used with a brotli that can bound its output (process(max_output_length))."""

    def __init__(self, limit: _Limit) -> None:
        import brotli

        self._error = getattr(brotli, "error", Exception)
        self._obj = brotli.Decompressor()
        self._limit = limit

    def _drain(self, data: bytes) -> Iterator[bytes]:
        out = self._obj.process(data, max_output_length=_CHUNK)
        while True:
            if out:
                self._limit.add(len(out))
                yield out
            if not out or (len(out) < _CHUNK and self._obj.can_accept_more_data()):
                return
            out = self._obj.process(b"", max_output_length=_CHUNK)

    def feed(self, data: bytes) -> Iterator[bytes]:
        try:
            yield from self._drain(data)
        except self._error:
            raise _Failure("encoding", "the page's compressed data is corrupt") from None

    def finish(self) -> Iterator[bytes]:
        return self.feed(b"")


def _bounded_brotli_available() -> bool:
    try:
        import brotli
    except Exception:
        return False
    return hasattr(getattr(brotli, "Decompressor", None), "can_accept_more_data")


_BROTLI = _bounded_brotli_available()
ACCEPT_ENCODING = "gzip, deflate, br" if _BROTLI else "gzip, deflate"
ACCEPT = "text/html,application/xhtml+xml,text/plain;q=0.9,*/*;q=0.1"


def _decoder(content_encoding: str | None, limit: _Limit):
    codings = [c.strip().lower() for c in (content_encoding or "").split(",")]
    codings = [c for c in codings if c and c != "identity"]
    if not codings:
        return _Identity(limit)
    if len(codings) > 1:
        raise _Failure("encoding", "stacked content encodings are not accepted ("
                       + _short(", ".join(codings), 60) + ")")
    coding = codings[0]
    if coding in ("gzip", "x-gzip", "deflate"):
        return _Zlib(coding, limit)
    if coding == "br" and _BROTLI:
        return _Brotli(limit)
    raise _Failure("encoding", f"unsupported content encoding {_short(coding, 40)!r}")


# --------------------------------------------------------------------------- charsets

_META_CHARSET = re.compile(
    rb"""<meta[^>]*?charset\s*=\s*["']?\s*([A-Za-z0-9_:.+\-]{1,40})""", re.IGNORECASE)
_WHATWG_ALIASES = {"latin1", "latin-1", "iso-8859-1", "iso8859-1", "l1", "ascii",
                   "us-ascii", "iso_8859-1", "cp819", "ibm819", "windows-1252"}


def _codec(name: str | None) -> str | None:
    if not name:
        return None
    label = name.strip().strip("\"'").lower()
    if label in _WHATWG_ALIASES:
        return "cp1252"  # as browsers do: latin-1 labels mean windows-1252
    try:
        info = codecs.lookup(label)
    except LookupError:
        return None
    if not getattr(info, "_is_text_encoding", True):
        return None
    return info.name


def _meta_charset(head: bytes) -> str | None:
    match = _META_CHARSET.search(head)
    if not match:
        return None
    name = _codec(match.group(1).decode("ascii", "replace"))
    if name and name.startswith(("utf-16", "utf-32", "utf_16", "utf_32")):
        return "utf-8"  # a meta tag read as ASCII cannot be UTF-16; the spec says utf-8
    return name


def decode_body(body: bytes, header_charset: str | None, *, html: bool) -> tuple[str, str]:
    """Decode with BOM, then the header charset, then <meta> (HTML, first 4 KB), then
    UTF-8 if it decodes cleanly, else windows-1252. Never raises."""
    for bom, name in ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"),
                      (codecs.BOM_UTF16_BE, "utf-16-be")):
        if body.startswith(bom):
            return body[len(bom):].decode(name, "replace"), name
    candidates: list[str | None] = [_codec(header_charset)]
    if html:
        candidates.append(_meta_charset(body[:4096]))
    for candidate in candidates:
        if candidate:
            try:
                return body.decode(candidate, "replace"), candidate
            except (LookupError, UnicodeError):
                continue
    try:
        return body.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        return body.decode("cp1252", "replace"), "cp1252"


# --------------------------------------------------------------------------- helpers

def human_size(n: int | None) -> str:
    if n is None:
        return "unknown size"
    if n < 1024:
        return f"{n} B"
    value = float(n)
    for unit in ("KiB", "MiB", "GiB"):
        value /= 1024
        if value < 1024 or unit == "GiB":
            break
    return f"{value:.1f} {unit}"


def _content_type(value: str | None) -> tuple[str | None, str | None]:
    if not value:
        return None, None
    parts = value.split(";")
    mime = parts[0].strip().lower() or None
    charset = None
    for param in parts[1:]:
        key, _, val = param.partition("=")
        if key.strip().lower() == "charset":
            charset = val.strip().strip("\"'") or None
    return mime, charset


def _content_length(response: httpx.Response) -> int | None:
    value = response.headers.get("content-length")
    if value is None:
        return None
    try:
        n = int(value.strip())
    except ValueError:
        return None
    return n if n >= 0 else None


_HTML_SNIFF = re.compile(rb"^\s*<(?:!doctype\s+html|html|head|body|title|meta|p|div|!--)",
                         re.IGNORECASE)


def _sniff(body: bytes) -> str:
    head = body[:1024]
    if b"\x00" in head:
        return "application/octet-stream"
    if _HTML_SNIFF.match(head.lstrip(codecs.BOM_UTF8)):
        return "text/html"
    return "text/plain"


class _Borrowed(httpx.AsyncBaseTransport):
    """An injected transport is the caller's to close, not the per-fetch client's."""

    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self._inner = inner

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        return await self._inner.handle_async_request(request)

    async def aclose(self) -> None:
        return None


_SSL_CONTEXT: ssl.SSLContext | None = None


def _ssl_context() -> ssl.SSLContext:
    global _SSL_CONTEXT
    if _SSL_CONTEXT is None:
        _SSL_CONTEXT = httpx.create_ssl_context()
    return _SSL_CONTEXT


def _client(settings: FetchSettings, transport: httpx.AsyncBaseTransport | None) -> httpx.AsyncClient:
    timeout = httpx.Timeout(connect=settings.connect_timeout, read=settings.read_timeout,
                            write=settings.read_timeout, pool=settings.connect_timeout)
    headers = {"User-Agent": settings.user_agent, "Accept": ACCEPT,
               "Accept-Encoding": ACCEPT_ENCODING}
    kwargs: dict = {"timeout": timeout, "headers": headers, "trust_env": False,
                    "follow_redirects": False, "event_hooks": {"response": [_check_redirect]}}
    if transport is not None:
        kwargs["transport"] = _Borrowed(transport)
    else:
        kwargs["verify"] = _ssl_context()
        kwargs["limits"] = httpx.Limits(max_connections=4, max_keepalive_connections=2)
        if settings.proxy:
            kwargs["proxy"] = settings.proxy
    return httpx.AsyncClient(**kwargs)


def _http_reason(status: int) -> str:
    try:
        from http import HTTPStatus

        return f"{status} {HTTPStatus(status).phrase}"
    except ValueError:
        return str(status)


# --------------------------------------------------------------------------- fetching

async def _addresses(target: _Target, settings: FetchSettings, resolver: Resolver) -> list[str]:
    if target.ip is not None:
        candidates: list[IPAddress] = [target.ip]
    else:
        try:
            answers = await resolver(target.host, target.port)
        except (OSError, UnicodeError, ValueError) as exc:
            raise _Failure("network", f"could not resolve {_short(target.host, 80)}"
                           + (f" ({_short(exc, 80)})" if str(exc) else "")) from None
        candidates = []
        for answer in answers or ():
            try:
                ip = ipaddress.ip_address(str(answer).split("%", 1)[0])
            except ValueError:
                continue
            if ip not in candidates:
                candidates.append(ip)
        if not candidates:
            raise _Failure("network", f"could not resolve {_short(target.host, 80)}")
    if not settings.allow_private_hosts:
        for ip in candidates:
            if not is_public_address(ip):
                raise _Failure("blocked_address",
                               f"refused: {_short(target.host, 80)} is a private, local or "
                               f"reserved address ({ip})")
    return [str(ip) for ip in candidates]


def build_request(client: httpx.AsyncClient, target: _Target, address: str | None) -> httpx.Request:
    """The request for one hop: pinned to ``address`` (IP literal in the URL, the real
    name in Host and in the TLS SNI/cert check), or by name when ``address`` is None."""
    url = target.url if address is None else target.url.copy_with(host=address)
    extensions = {}
    if target.url.scheme == "https" and target.ip is None:
        extensions["sni_hostname"] = target.host.rstrip(".")
    return client.build_request("GET", url, headers={"Host": target.host_header},
                                extensions=extensions)


async def _send(client: httpx.AsyncClient, target: _Target, addresses: list[str],
                settings: FetchSettings) -> httpx.Response:
    pinned: list[str | None] = [None] if settings.proxy else [*addresses[:4]]
    last: Exception | None = None
    for address in pinned:
        request = build_request(client, target, address)
        try:
            return await client.send(request, stream=True, follow_redirects=False)
        except httpx.ConnectTimeout as exc:
            last = exc
        except httpx.ConnectError as exc:
            last = exc
        except httpx.TimeoutException:
            raise _Failure("timeout", f"{_short(target.host, 80)} did not answer in time") from None
        except httpx.RemoteProtocolError as exc:
            # httpx parses Location even when not following redirects
            if "location header" in str(exc).lower():
                raise _Failure("bad_url", "redirected to an invalid link") from None
            raise _Failure("network", f"request to {_short(target.host, 80)} failed: "
                           f"{_short(exc, 100) or type(exc).__name__}") from None
        except httpx.HTTPError as exc:
            raise _Failure("network", f"request to {_short(target.host, 80)} failed: "
                           f"{_short(exc, 100) or type(exc).__name__}") from None
        except (OSError, ssl.SSLError) as exc:
            last = exc
    if isinstance(last, httpx.ConnectTimeout):
        raise _Failure("timeout", f"timed out connecting to {_short(target.host, 80)}")
    detail = _short(last, 100) if last is not None and str(last) else type(last).__name__
    raise _Failure("network", f"could not connect to {_short(target.host, 80)}: {detail}")


async def _one(data: bytes):
    yield data


async def _read_body(response: httpx.Response, settings: FetchSettings) -> tuple[bytes, str | None, str | None]:
    mime, charset = _content_type(response.headers.get("content-type"))
    length = _content_length(response)
    if mime is not None and mime not in TEXT_TYPES:
        raise _Failure("not_html", f"not a web page ({_short(mime, 60)}, {human_size(length)})",
                       content_type=mime, size=length)
    decoder = _decoder(response.headers.get("content-encoding"), _Limit(settings.max_bytes))
    if length is not None and length > settings.max_bytes:
        raise _Failure("too_large", f"the page is larger than {human_size(settings.max_bytes)}",
                       content_type=mime, size=length)
    raw = _Limit(settings.max_bytes)
    parts: list[bytes] = []
    if response.is_stream_consumed:
        # Only test transports hand over a body httpx has already read (and decoded).
        decoder, chunks = _Identity(_Limit(settings.max_bytes)), _one(response.content)
    else:
        chunks = response.aiter_raw()
    try:
        async for chunk in chunks:
            raw.add(len(chunk))
            parts.extend(decoder.feed(chunk))
        parts.extend(decoder.finish())
    except _Failure as failure:
        failure.content_type = mime
        failure.size = failure.size if failure.size is not None else length
        raise
    except httpx.TimeoutException:
        raise _Failure("timeout", "the site stopped sending data") from None
    except httpx.HTTPError as exc:
        raise _Failure("network", f"the download broke off: {_short(exc, 100) or type(exc).__name__}") from None
    return b"".join(parts), mime, charset


async def _fetch(url: str, settings: FetchSettings, resolver: Resolver,
                 transport: httpx.AsyncBaseTransport | None) -> FetchOK:
    target = _parse_target(url)
    seen = {str(target.url)}
    for hop in range(settings.max_redirects + 1):
        addresses = await _addresses(target, settings, resolver)
        # A new client per hop: a pooled TLS connection opened (and verified) for one
        # name must never carry a request for another name that maps to the same IP.
        async with _client(settings, transport) as client:
            response = await _send(client, target, addresses, settings)
            try:
                status = response.status_code
                location = response.headers.get("location")
                if status in REDIRECT_STATUSES and location:
                    if hop >= settings.max_redirects:
                        raise _Failure("redirects",
                                       f"too many redirects (more than {settings.max_redirects})",
                                       status=status)
                    _refuse_redirect_scheme(location, status)  # (the hook did already)
                    if _BAD_URL_CHARS.search(location.strip()):
                        raise _Failure("bad_url", "redirected to an invalid link", status=status)
                    try:
                        next_url = str(target.url.join(location.strip()))
                    except (httpx.InvalidURL, UnicodeError, ValueError):
                        raise _Failure("bad_url", "redirected to an invalid link",
                                       status=status) from None
                    target = _parse_target(next_url)
                    key = str(target.url)
                    if key in seen:
                        raise _Failure("redirects", "the site redirects in a loop", status=status)
                    seen.add(key)
                    continue
                if not 200 <= status < 300:
                    raise _Failure("http_status", f"the site answered HTTP {_http_reason(status)}",
                                   status=status,
                                   content_type=_content_type(response.headers.get("content-type"))[0],
                                   size=_content_length(response))
                body, mime, charset = await _read_body(response, settings)
            finally:
                await response.aclose()
            if mime is None:
                mime = _sniff(body)
                if mime not in TEXT_TYPES:
                    raise _Failure("not_html", f"not a web page (no type given, {human_size(len(body))})",
                                   content_type=mime, size=len(body))
            text, used = decode_body(body, charset, html=mime in HTML_TYPES)
            return FetchOK(url=url, final_url=str(target.url), status=status, content_type=mime,
                           charset=used, text=text, size=len(body),
                           is_parsable=mime in HTML_TYPES)
    raise _Failure("redirects", "too many redirects")  # pragma: no cover - loop always returns


async def fetch_page(url: str, settings: FetchSettings | None = None, *,
                     resolver: Resolver | None = None,
                     transport: httpx.AsyncBaseTransport | None = None) -> FetchOK | FetchFailed:
    """Fetch ``url``; a FetchFailed describes every network or page problem.

    Cancellation propagates (and closes the connection); nothing else escapes.
    """
    settings = settings or FetchSettings()
    resolve = resolver or default_resolver
    try:
        return await asyncio.wait_for(_fetch(url, settings, resolve, transport),
                                      timeout=settings.deadline)
    except _Failure as failure:
        result = FetchFailed(url=url if isinstance(url, str) else repr(url),
                             reason=sanitize(failure.reason), kind=failure.kind,
                             status=failure.status, content_type=failure.content_type,
                             size=failure.size)
    except TimeoutError:
        result = FetchFailed(url=url, kind="timeout",
                             reason=f"no complete answer within {settings.deadline:g} s")
    except Exception as exc:
        logger.warning("unexpected error fetching %s: %s", _short(url), type(exc).__name__,
                       exc_info=True)
        result = FetchFailed(url=url if isinstance(url, str) else repr(url), kind="network",
                             reason=f"the fetch failed: {_short(exc, 100) or type(exc).__name__}")
    logger.info("preview fetch failed (%s): %s: %s", result.kind, _short(result.url),
                result.reason)
    return result
