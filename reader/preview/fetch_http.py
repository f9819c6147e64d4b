"""The HTTP client of one hop: its headers, timeouts and TLS context, the request
pinned to a checked address, and sending it with every transport error turned into a
:class:`Failure` with a reason.

Each hop connects to an address :func:`checked_addresses` approved: the request URL
carries the IP literal, the ``Host`` header the original name and, for https, the TLS
SNI / certificate hostname comes from httpx's ``sni_hostname`` request extension.
Proxies come only from the settings (``trust_env=False``).
"""

from __future__ import annotations

import ssl

import httpx

from reader.preview.fetch_body import ACCEPT_ENCODING
from reader.preview.fetch_hosts import Target
from reader.preview.fetch_redirects import check_redirect
from reader.preview.fetch_types import Failure, FetchSettings, short

ACCEPT = "text/html,application/xhtml+xml,text/plain;q=0.9,*/*;q=0.1"


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


def make_client(settings: FetchSettings, transport: httpx.AsyncBaseTransport | None) -> httpx.AsyncClient:
    timeout = httpx.Timeout(connect=settings.connect_timeout, read=settings.read_timeout,
                            write=settings.read_timeout, pool=settings.connect_timeout)
    headers = {"User-Agent": settings.user_agent, "Accept": ACCEPT,
               "Accept-Encoding": ACCEPT_ENCODING}
    kwargs: dict = {"timeout": timeout, "headers": headers, "trust_env": False,
                    "follow_redirects": False, "event_hooks": {"response": [check_redirect]}}
    if transport is not None:
        kwargs["transport"] = _Borrowed(transport)
    else:
        kwargs["verify"] = _ssl_context()
        kwargs["limits"] = httpx.Limits(max_connections=4, max_keepalive_connections=2)
        if settings.proxy:
            kwargs["proxy"] = settings.proxy
    return httpx.AsyncClient(**kwargs)


def http_reason(status: int) -> str:
    try:
        from http import HTTPStatus

        return f"{status} {HTTPStatus(status).phrase}"
    except ValueError:
        return str(status)


def build_request(client: httpx.AsyncClient, target: Target, address: str | None) -> httpx.Request:
    """The request for one hop: pinned to ``address`` (IP literal in the URL, the real
    name in Host and in the TLS SNI/cert check), or by name when ``address`` is None."""
    url = target.url if address is None else target.url.copy_with(host=address)
    extensions = {}
    if target.url.scheme == "https" and target.ip is None:
        extensions["sni_hostname"] = target.host.rstrip(".")
    return client.build_request("GET", url, headers={"Host": target.host_header},
                                extensions=extensions)


async def send(client: httpx.AsyncClient, target: Target, addresses: list[str],
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
            raise Failure("timeout", f"{short(target.host, 80)} did not answer in time") from None
        except httpx.RemoteProtocolError as exc:
            # httpx parses Location even when not following redirects
            if "location header" in str(exc).lower():
                raise Failure("bad_url", "redirected to an invalid link") from None
            raise Failure("network", f"request to {short(target.host, 80)} failed: "
                          f"{short(exc, 100) or type(exc).__name__}") from None
        except httpx.HTTPError as exc:
            raise Failure("network", f"request to {short(target.host, 80)} failed: "
                          f"{short(exc, 100) or type(exc).__name__}") from None
        except (OSError, ssl.SSLError) as exc:
            last = exc
    if isinstance(last, httpx.ConnectTimeout):
        raise Failure("timeout", f"timed out connecting to {short(target.host, 80)}")
    detail = short(last, 100) if last is not None and str(last) else type(last).__name__
    raise Failure("network", f"could not connect to {short(target.host, 80)}: {detail}")
