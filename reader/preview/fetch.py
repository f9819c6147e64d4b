"""A careful page fetcher: returns :class:`FetchOK` or :class:`FetchFailed`, never raises
for network or page problems.

The URL and the page are untrusted and reader often runs on servers, so:

* only ``http``/``https`` URLs without whitespace or control characters are fetched,
  and a redirect elsewhere (``data:``, ``javascript:``, ``file:``...) is refused with a
  reason that names the scheme, before httpx tries to make sense of it
  (:mod:`~reader.preview.fetch_hosts`, :mod:`~reader.preview.fetch_redirects`);
* every hop (the first request and each redirect, followed by hand) resolves the host
  once, refuses it unless *every* address is globally routable (unless
  ``allow_private_hosts``), and then connects to that checked address: the request URL
  carries the IP literal, the ``Host`` header the original name and, for https, the TLS
  SNI / certificate hostname comes from httpx's ``sni_hostname`` request extension
  (:mod:`~reader.preview.fetch_http`).
  A DNS answer that changes between check and connect (rebinding) is therefore never
  used.  IP spellings such as ``2130706433``, ``0x7f.1`` or ``017700000001`` are
  normalised with the inet_aton/WHATWG rules before they are checked;
* the whole fetch runs under a deadline, connect/read have their own timeouts;
* the body is read raw and decompressed with bounded zlib calls, so neither the
  wire size nor the decoded size can exceed ``max_bytes`` (httpx's own decoders have
  no output limit) (:mod:`~reader.preview.fetch_body`);
* only HTML, XHTML and plain text are decoded (:mod:`~reader.preview.fetch_charset`);
  anything else is reported as ``not_html`` with its type and size without reading the
  body;
* proxies come only from the settings (``trust_env=False``).

With an explicit proxy the proxy makes the connection, so the address check still
runs on our own resolution but the connection cannot be pinned (the request keeps the
host name; httpcore's CONNECT tunnel would otherwise verify TLS against the IP).

This module runs the hops; the result types live in :mod:`~reader.preview.fetch_types`
and are importable from here as before.
"""

from __future__ import annotations

import asyncio
import logging

import httpx

from reader.core.sanitize import sanitize
from reader.preview.fetch_body import HTML_TYPES, TEXT_TYPES, content_length, parse_content_type, read_body, sniff_type
from reader.preview.fetch_charset import decode_body
from reader.preview.fetch_hosts import (
    Resolver,
    checked_addresses,
    default_resolver,
    is_public_address,
    parse_ip_host,
    parse_target,
)
from reader.preview.fetch_http import build_request, http_reason, make_client, send
from reader.preview.fetch_redirects import REDIRECT_STATUSES, next_target
from reader.preview.fetch_types import FAILURE_KINDS, Failure, FetchFailed, FetchOK, FetchSettings, human_size, short

__all__ = [
    "FAILURE_KINDS", "FetchFailed", "FetchOK", "FetchSettings", "Resolver", "build_request", "decode_body",
    "default_resolver", "fetch_page", "human_size", "is_public_address", "parse_ip_host",
]

logger = logging.getLogger("reader.preview")
# Library code: never let logging's last-resort handler print to the terminal (the UI
# owns it); applications that want these records configure a handler themselves.
if not any(isinstance(h, logging.NullHandler) for h in logger.handlers):
    logger.addHandler(logging.NullHandler())


async def _fetch(url: str, settings: FetchSettings, resolver: Resolver,
                 transport: httpx.AsyncBaseTransport | None) -> FetchOK:
    target = parse_target(url)
    seen = {str(target.url)}
    for hop in range(settings.max_redirects + 1):
        addresses = await checked_addresses(target, settings, resolver)
        # A new client per hop: a pooled TLS connection opened (and verified) for one
        # name must never carry a request for another name that maps to the same IP.
        async with make_client(settings, transport) as client:
            response = await send(client, target, addresses, settings)
            try:
                status = response.status_code
                location = response.headers.get("location")
                if status in REDIRECT_STATUSES and location:
                    target = next_target(target, location, status, hop=hop,
                                         max_redirects=settings.max_redirects, seen=seen)
                    continue
                if not 200 <= status < 300:
                    raise Failure("http_status", f"the site answered HTTP {http_reason(status)}",
                                  status=status,
                                  content_type=parse_content_type(response.headers.get("content-type"))[0],
                                  size=content_length(response))
                body, mime, charset = await read_body(response, settings)
            finally:
                await response.aclose()
            if mime is None:
                mime = sniff_type(body)
                if mime not in TEXT_TYPES:
                    raise Failure("not_html", f"not a web page (no type given, {human_size(len(body))})",
                                  content_type=mime, size=len(body))
            text, used = decode_body(body, charset, html=mime in HTML_TYPES)
            return FetchOK(url=url, final_url=str(target.url), status=status, content_type=mime,
                           charset=used, text=text, size=len(body),
                           is_parsable=mime in HTML_TYPES)
    raise Failure("redirects", "too many redirects")  # pragma: no cover - loop always returns


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
    except Failure as failure:
        result = FetchFailed(url=url if isinstance(url, str) else repr(url),
                             reason=sanitize(failure.reason), kind=failure.kind,
                             status=failure.status, content_type=failure.content_type,
                             size=failure.size)
    except TimeoutError:
        result = FetchFailed(url=url, kind="timeout",
                             reason=f"no complete answer within {settings.deadline:g} s")
    except Exception as exc:
        logger.warning("unexpected error fetching %s: %s", short(url), type(exc).__name__,
                       exc_info=True)
        result = FetchFailed(url=url if isinstance(url, str) else repr(url), kind="network",
                             reason=f"the fetch failed: {short(exc, 100) or type(exc).__name__}")
    logger.info("preview fetch failed (%s): %s: %s", result.kind, short(result.url),
                result.reason)
    return result
