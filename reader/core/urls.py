"""Canonical URLs: when two URLs lead to the same article.

An item names its page up to four times (``originalUrl``, ``webUrl``,
``ampWebUrl``, ``cdnAmpWebUrl``) and other items name it in their ``related``
lists, each spelling it its own way: http or https, with or without "www.",
the AMP page (``/amp/`` in the path, ``?amp``, ``.amp``, an ``amp.`` host) or
Google's AMP cache (``host-com.cdn.ampproject.org/c/s/host.com/path``),
tracking parameters (``utm_*``, ``fbclid``, ...), a trailing slash.
``canonical_url`` maps all of these to one URL; ``url_fingerprint`` turns it
into a 64-bit number to keep in memory (the story clusters' URL keys).

``canonical_url`` starts from ``model.url_key`` (no scheme, no "www.", no
trailing slash, casefolded), so two URLs that the related-item jump
(``Catalog.find_url``) takes for one page are one page here too; it then goes
further. It is idempotent: ``canonical_url(canonical_url(u)) == canonical_url(u)``.

Query parameters other than tracking and AMP markers are kept (sorted): on
many sites ``?id=123`` or ``?v=2`` is what tells two articles apart.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import quote, unquote

from reader.core import normalize
from reader.core.model import URL_FIELDS, url_key

__all__ = ["canonical_url", "identity_keys", "is_article", "related_url_keys", "url_fingerprint"]

# Parameters that say where a reader came from, never which page it is.
_TRACKING = frozenset({
    "fbclid", "gclid", "gclsrc", "dclid", "gbraid", "wbraid", "msclkid", "yclid", "twclid",
    "ttclid", "igshid", "mc_cid", "mc_eid", "_ga", "_gl", "mkt_tok", "_hsenc", "_hsmi",
    "hsctatracking", "ref", "ref_src", "ref_url", "referrer", "cmpid", "icid", "ocid", "ncid",
    "smid", "sr_share", "spm", "s_cid", "taid", "guccounter", "guce_referrer",
    "guce_referrer_sig", "at_medium", "at_campaign", "oly_enc_id", "oly_anon_id", "vero_id",
    "wt_mc", "wt.mc_id", "__twitter_impression", "rss", "feed_id",
})
_TRACKING_PREFIXES = ("utm_", "pk_", "mtm_", "hmb_")
# Parameters that ask for the AMP version of the same page (or come from the AMP cache).
_AMP_PARAMS = frozenset({"amp", "_amp", "amp_js_v", "amp_gsa", "amp_r", "usqp", "ampcf", "aoh"})
_AMP_VALUED = frozenset({("outputtype", "amp"), ("output", "amp"), ("format", "amp"),
                         ("view", "amp"), ("templatetype", "amp")})
_AMP_CACHE_HOSTS = ("cdn.ampproject.org", "bing-amp.com")
_HOST_PREFIXES = ("www.", "amp.", "m.", "mobile.")
_PAGE_SUFFIXES = (".amp", ".html", ".htm", ".shtml")
_WEB_SCHEMES = ("http", "https")
_PATH_SAFE = "/:@!$&'()*+,;=-._~"
_PLAIN = re.compile(r"[a-z0-9/:@!$&'()*+,;=._~-]*")  # text that quote(unquote()) leaves alone
_QUERY_SAFE = ":@!$'()*,?-._~"  # not + & = ; /: they would read back as separators or be cut


def canonical_url(url: str) -> str | None:
    """``url`` in canonical form (``https://host/path?sorted=query``), or ``None``
    when it names no web page (empty, or a scheme other than http/https)."""
    s = url.strip()
    scheme, sep, _ = s.partition("://")
    if sep and scheme.casefold() not in _WEB_SCHEMES:
        return None
    if not sep and ":" in s.split("/", 1)[0] and not _has_port(s.split("/", 1)[0]):
        return None  # mailto:, javascript:, data: ...
    s = url_key(s)
    for _ in range(4):  # an AMP cache URL holds the origin's URL; never loop for ever
        host, path, query = _split(s)
        inner = _amp_cache_origin(host, path)
        if inner is None:
            break
        s = url_key("https://" + inner + ("?" + query if query else ""))
    host = _host(host)
    if not host:
        return None
    path = _path(path)
    query = _query(query)
    return "https://" + host + path + ("?" + query if query else "")


def is_article(canonical: str) -> bool:
    """A canonical URL with a path: a site's home page names no one story."""
    return "/" in canonical[len("https://"):]


def url_fingerprint(canonical: str) -> int:
    """A 64-bit number for a canonical URL (stable across processes)."""
    digest = hashlib.blake2b(canonical.encode("utf-8", "surrogatepass"), digest_size=8).digest()
    return int.from_bytes(digest, "little")


def identity_keys(urls: Iterable[str]) -> tuple[int, ...]:
    """The fingerprints of an item's own URLs that name an article, without repeats."""
    out: list[int] = []
    for url in urls:
        canonical = canonical_url(url)
        if canonical is not None and is_article(canonical):
            key = url_fingerprint(canonical)
            if key not in out:
                out.append(key)
    return tuple(out)


def related_url_keys(front_matter: Mapping[Any, Any]) -> tuple[int, ...]:
    """The URL keys of the items a parsed front matter names in ``related``.

    Every URL field of every related entry counts (a repeat, a blank, a
    trailing space or a non-string value costs nothing); what the loader
    would store per item to feed ``stories`` the related signal.
    """
    related = front_matter.get("related")
    if isinstance(related, Mapping):
        related = [related]
    if not isinstance(related, list):
        return ()
    urls = []
    for entry in related:
        if isinstance(entry, Mapping):
            for name in URL_FIELDS:
                url = normalize.url(entry.get(name))
                if url:
                    urls.append(url)
    return identity_keys(urls)


# -- the parts ------------------------------------------------------------------------------


def _has_port(head: str) -> bool:
    return head.rpartition(":")[2].isdigit()


def _split(key: str) -> tuple[str, str, str]:
    """``url_key`` text → (host, path, query); the fragment is dropped."""
    key = key.partition("#")[0]
    rest, _, query = key.partition("?")
    host, slash, path = rest.partition("/")
    return host, slash + path, query


def _amp_cache_origin(host: str, path: str) -> str | None:
    """``host-com.cdn.ampproject.org/c/s/host.com/p`` → ``host.com/p``; else ``None``."""
    host = host.rpartition("@")[2].partition(":")[0]
    if not any(host == h or host.endswith("." + h) for h in _AMP_CACHE_HOSTS):
        return None
    parts = path.lstrip("/").split("/")
    if len(parts) < 2 or parts[0] not in ("c", "v", "i", "a", "r", "wp"):
        return None
    parts = parts[1:]
    if parts[0] == "s" and len(parts) > 1:
        parts = parts[1:]
    return "/".join(parts) or None


def _host(host: str) -> str:
    host = host.rpartition("@")[2]  # no user:password@
    name, colon, port = host.partition(":")
    if colon and port in ("", "80", "443"):
        host = name
    host = host.rstrip(".")
    changed = True
    while changed:
        changed = False
        for prefix in _HOST_PREFIXES:
            if host.startswith(prefix) and "." in host[len(prefix):]:
                host = host[len(prefix):]
                changed = True
    if _PLAIN.fullmatch(host) and "/" not in host:
        return host
    return quote(unquote(host).casefold(), safe=":[]-._~!$&'()*+,;=")


def _path(path: str) -> str:
    plain = _PLAIN.fullmatch(path) is not None
    text = path if plain else unquote(path).casefold()
    segments = [s for s in text.split("/") if s and s != "amp"]
    while segments:
        last = segments[-1]
        for suffix in _PAGE_SUFFIXES:
            if last.endswith(suffix) and len(last) > len(suffix):
                last = last[: -len(suffix)]
                break
        else:
            break
        segments[-1] = last
        if last == "amp":
            segments.pop()
    if plain:
        return "".join("/" + s for s in segments)
    return "".join("/" + quote(s, safe=_PATH_SAFE) for s in segments)


def _query(query: str) -> str:
    kept = []
    for part in query.replace(";", "&").split("&"):
        if not part:
            continue
        key, _, value = part.partition("=")
        key, value = unquote(key.replace("+", " ")).casefold(), unquote(value.replace("+", " ")).casefold()
        if key in _TRACKING or key.startswith(_TRACKING_PREFIXES) or key in _AMP_PARAMS:
            continue
        if (key, value) in _AMP_VALUED or not key:
            continue
        kept.append((key, value))
    kept = sorted(set(kept))
    return "&".join(quote(k, safe=_QUERY_SAFE) + ("=" + quote(v, safe=_QUERY_SAFE) if v else "")
                    for k, v in kept)
