"""Reading a response body within the size cap.

The body is read raw and decompressed here with bounded zlib/brotli calls, so neither
the wire size nor the decoded size can exceed ``max_bytes`` (httpx's own decoders have
no output limit).  Only HTML, XHTML and plain text are read; anything else is refused as
``not_html`` with its type and size, without reading the body.
"""

from __future__ import annotations

import codecs
import re
import zlib
from collections.abc import Iterator

import httpx

from reader.preview.fetch_types import Failure, FetchSettings, human_size, short

HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
TEXT_TYPES = HTML_TYPES | {"text/plain"}
CHUNK = 64 * 1024  # largest piece a decompressor may return in one call


class Limit:
    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.total = 0

    def add(self, n: int) -> None:
        self.total += n
        if self.total > self.limit:
            raise Failure("too_large", f"the page is larger than {human_size(self.limit)}",
                          size=None)


class Identity:
    def __init__(self, limit: Limit) -> None:
        self._limit = limit

    def feed(self, data: bytes) -> Iterator[bytes]:
        if data:
            self._limit.add(len(data))
            yield data

    def finish(self) -> Iterator[bytes]:
        return iter(())


class Zlib:
    """Bounded gzip/deflate: no single call returns more than CHUNK bytes and the
    running total is checked before the next call, so a bomb stops at the cap."""

    def __init__(self, encoding: str, limit: Limit) -> None:
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
                out = obj.decompress(buf, CHUNK)
            except zlib.error:
                raise Failure("encoding", "the page's compressed data is corrupt") from None
            if out:
                self._limit.add(len(out))
                yield out
            buf = obj.unconsumed_tail
            if not buf and len(out) < CHUNK:
                return

    def finish(self) -> Iterator[bytes]:
        if self._obj is None:
            if self._pending:
                raise Failure("encoding", "the page's compressed data is corrupt")
            return
        yield from self.feed(b"")


class Brotli:
    """Only used with a brotli that can bound its output (process(max_output_length))."""

    def __init__(self, limit: Limit) -> None:
        import brotli

        self._error = getattr(brotli, "error", Exception)
        self._obj = brotli.Decompressor()
        self._limit = limit

    def _drain(self, data: bytes) -> Iterator[bytes]:
        out = self._obj.process(data, max_output_length=CHUNK)
        while True:
            if out:
                self._limit.add(len(out))
                yield out
            if not out or (len(out) < CHUNK and self._obj.can_accept_more_data()):
                return
            out = self._obj.process(b"", max_output_length=CHUNK)

    def feed(self, data: bytes) -> Iterator[bytes]:
        try:
            yield from self._drain(data)
        except self._error:
            raise Failure("encoding", "the page's compressed data is corrupt") from None

    def finish(self) -> Iterator[bytes]:
        return self.feed(b"")


def _bounded_brotli_available() -> bool:
    try:
        import brotli
    except Exception:
        return False
    return hasattr(getattr(brotli, "Decompressor", None), "can_accept_more_data")


BROTLI = _bounded_brotli_available()
ACCEPT_ENCODING = "gzip, deflate, br" if BROTLI else "gzip, deflate"


def make_decoder(content_encoding: str | None, limit: Limit):
    codings = [c.strip().lower() for c in (content_encoding or "").split(",")]
    codings = [c for c in codings if c and c != "identity"]
    if not codings:
        return Identity(limit)
    if len(codings) > 1:
        raise Failure("encoding", "stacked content encodings are not accepted ("
                      + short(", ".join(codings), 60) + ")")
    coding = codings[0]
    if coding in ("gzip", "x-gzip", "deflate"):
        return Zlib(coding, limit)
    if coding == "br" and BROTLI:
        return Brotli(limit)
    raise Failure("encoding", f"unsupported content encoding {short(coding, 40)!r}")


def parse_content_type(value: str | None) -> tuple[str | None, str | None]:
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


def content_length(response: httpx.Response) -> int | None:
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


def sniff_type(body: bytes) -> str:
    head = body[:1024]
    if b"\x00" in head:
        return "application/octet-stream"
    if _HTML_SNIFF.match(head.lstrip(codecs.BOM_UTF8)):
        return "text/html"
    return "text/plain"


async def _one(data: bytes):
    yield data


async def read_body(response: httpx.Response, settings: FetchSettings) -> tuple[bytes, str | None, str | None]:
    mime, charset = parse_content_type(response.headers.get("content-type"))
    length = content_length(response)
    if mime is not None and mime not in TEXT_TYPES:
        raise Failure("not_html", f"not a web page ({short(mime, 60)}, {human_size(length)})",
                      content_type=mime, size=length)
    decoder = make_decoder(response.headers.get("content-encoding"), Limit(settings.max_bytes))
    if length is not None and length > settings.max_bytes:
        raise Failure("too_large", f"the page is larger than {human_size(settings.max_bytes)}",
                      content_type=mime, size=length)
    raw = Limit(settings.max_bytes)
    parts: list[bytes] = []
    if response.is_stream_consumed:
        # Only test transports hand over a body httpx has already read (and decoded).
        decoder, chunks = Identity(Limit(settings.max_bytes)), _one(response.content)
    else:
        chunks = response.aiter_raw()
    try:
        async for chunk in chunks:
            raw.add(len(chunk))
            parts.extend(decoder.feed(chunk))
        parts.extend(decoder.finish())
    except Failure as failure:
        failure.content_type = mime
        failure.size = failure.size if failure.size is not None else length
        raise
    except httpx.TimeoutException:
        raise Failure("timeout", "the site stopped sending data") from None
    except httpx.HTTPError as exc:
        raise Failure("network", f"the download broke off: {short(exc, 100) or type(exc).__name__}") from None
    return b"".join(parts), mime, charset
