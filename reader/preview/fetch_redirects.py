"""Redirects, followed by hand: a redirect may only lead to another http(s) page, and
each hop is parsed (and its host checked) like the first request.
"""

from __future__ import annotations

import re

import httpx

from reader.preview.fetch_hosts import BAD_URL_CHARS, Target, parse_target
from reader.preview.fetch_types import Failure, short

REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})

_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*):")  # RFC 3986 scheme, at the start


def refuse_redirect_scheme(location: str, status: int) -> None:
    """A redirect may only lead to another http(s) page (a relative one included)."""
    match = _SCHEME.match(location.strip())
    if match is None:
        return  # relative or scheme-relative ("//host/path"): resolved against http(s)
    scheme = match.group(1).lower()
    if scheme not in ("http", "https"):
        raise Failure("bad_url", f"redirect refused: {short(scheme, 20)}: links are not "
                      "followed (only http and https)", status=status)


async def check_redirect(response: httpx.Response) -> None:
    """httpx response hook: runs before httpx builds (and chokes on) a redirect URL."""
    location = response.headers.get("location")
    if response.status_code in REDIRECT_STATUSES and location:
        refuse_redirect_scheme(location, response.status_code)


def next_target(target: Target, location: str, status: int, *, hop: int, max_redirects: int,
                seen: set[str]) -> Target:
    """The target a redirect from ``target`` to ``location`` leads to; refuses too many
    hops, non-http(s) schemes, invalid links and loops (``seen`` collects the hops)."""
    if hop >= max_redirects:
        raise Failure("redirects", f"too many redirects (more than {max_redirects})", status=status)
    refuse_redirect_scheme(location, status)  # (the hook did already)
    if BAD_URL_CHARS.search(location.strip()):
        raise Failure("bad_url", "redirected to an invalid link", status=status)
    try:
        next_url = str(target.url.join(location.strip()))
    except (httpx.InvalidURL, UnicodeError, ValueError):
        raise Failure("bad_url", "redirected to an invalid link", status=status) from None
    target = parse_target(next_url)
    key = str(target.url)
    if key in seen:
        raise Failure("redirects", "the site redirects in a loop", status=status)
    seen.add(key)
    return target
