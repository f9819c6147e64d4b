"""The preview pipeline: cache → fetch → extract, over an item's candidate URLs.

``PreviewService.preview`` takes (kind, url) pairs in the caller's order (an item's
originalUrl, webUrl, ampWebUrl, cdnAmpWebUrl), skips empty and repeated URLs and

1. returns the first *fresh* cache entry among all candidates (unless ``refresh``), so
   a link that failed before does not delay one that worked;
2. otherwise fetches the candidates in order; the first page that yields an article
   wins and is cached under the URL that was requested. A page with nothing readable
   counts as a failure (kind ``no_article``) and the next URL is tried;
3. if every fetch failed and at least one failed for network reasons (``network`` or
   ``timeout``), a cached entry is returned even if stale or ``refresh`` was asked
   (``from_cache=True``, ``stale`` tells which) — the reader stays useful offline;
4. otherwise returns :class:`PreviewFailed` whose headline is the most informative
   failure: the one that got furthest (see ``FAILURE_PRECEDENCE``), the earliest URL on
   a tie; ``attempts`` lists every URL tried with its reason.

Extraction is CPU work and runs in a worker thread. Cancellation propagates; the
fetcher closes its connection when cancelled.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import httpx

from reader.core.sanitize import sanitize
from reader.preview.cache import PreviewCache
from reader.preview.fetch import FetchFailed, FetchOK, FetchSettings, Resolver, fetch_page

logger = logging.getLogger("reader.preview")

URL_KINDS = ("originalUrl", "webUrl", "ampWebUrl", "cdnAmpWebUrl", "url")

# Earlier = more informative as the headline of a failed preview: the attempt that got
# furthest. A non-HTML document (the UI can offer to open it) beats a page with nothing
# readable, which beats a page we refused for its size or encoding, an HTTP error,
# redirect trouble, a refused address, and finally network trouble and bad links.
FAILURE_PRECEDENCE = (
    "not_html", "no_article", "too_large", "encoding", "http_status", "redirects",
    "blocked_address", "timeout", "network", "bad_url", "no_url",
)
NETWORK_KINDS = frozenset({"network", "timeout"})
PRIVATE_HOSTS_SCOPE = "private-hosts"  # cache scope of pages fetched with private hosts allowed


@dataclass(frozen=True)
class Preview:
    url: str  # the URL that was used
    final_url: str  # after redirects
    source_url_kind: str  # originalUrl | webUrl | ampWebUrl | cdnAmpWebUrl | url
    article: Any  # reader.preview.extract.Article
    fetched_at: datetime  # UTC
    from_cache: bool
    content_type: str | None
    stale: bool = False  # from the cache although older than its TTL (offline fallback)


@dataclass(frozen=True)
class PreviewFailed:
    reason: str  # one line, terminal-safe
    kind: str  # a FetchFailed kind, "no_article", "extract_error" or "no_url"
    attempts: tuple[tuple[str, str, str], ...] = ()  # (kind_of_url, url, reason) per URL tried
    # The last non-HTML document met (for the "open or copy the URL" offer):
    url: str | None = None
    content_type: str | None = None
    size: int | None = None


def _default_extractor() -> Callable[..., Any]:
    from reader.preview.extract import extract_article

    return extract_article


def _default_text_extractor() -> Callable[..., Any]:
    from reader.preview.extract import text_to_article

    return text_to_article


def clean_candidates(urls: Sequence[tuple[str, str]]) -> list[tuple[str, str]]:
    """Drop empty, non-string and repeated URLs, keeping the caller's order."""
    out: list[tuple[str, str]] = []
    seen: set[str] = set()
    for pair in urls or ():
        try:
            kind, url = pair
        except (TypeError, ValueError):
            continue
        if not isinstance(url, str) or not url.strip():
            continue
        url = url.strip()
        if url in seen:
            continue
        seen.add(url)
        out.append((kind if isinstance(kind, str) and kind else "url", url))
    return out


# ------------------------------------------------------------------ (de)serialisation

def preview_to_payload(preview: Preview) -> dict[str, Any]:
    article = preview.article
    return {
        "url": preview.url,
        "final_url": preview.final_url,
        "source_url_kind": preview.source_url_kind,
        "content_type": preview.content_type,
        "fetched_at": preview.fetched_at.astimezone(UTC).isoformat(),
        "title": article.title,
        "text": article.text,
        "author": getattr(article, "author", None),
        "date": getattr(article, "date", None),
        "blocks": [{"kind": b.kind, "text": b.text, "level": b.level} for b in article.blocks],
    }


def _opt_str(value: object) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise ValueError("expected a string")
    return value


def payload_to_preview(payload: dict[str, Any], *, kind: str, url: str, stale: bool) -> Preview:
    """Rebuild a Preview from a cache payload; ValueError if the payload is malformed."""
    from reader.preview.extract import Article, Block

    try:
        blocks = tuple(
            Block(kind=str(b["kind"]), text=str(b["text"]), level=int(b.get("level", 0)))
            for b in payload["blocks"]
        )
        text = payload["text"]
        if not isinstance(text, str):
            raise ValueError("text")
        article = Article(title=_opt_str(payload.get("title")), text=text, blocks=blocks,
                          author=_opt_str(payload.get("author")), date=_opt_str(payload.get("date")))
        fetched_at = datetime.fromisoformat(str(payload["fetched_at"]))
        if fetched_at.tzinfo is None:
            fetched_at = fetched_at.replace(tzinfo=UTC)
        final_url = payload.get("final_url") or url
        if not isinstance(final_url, str):
            raise ValueError("final_url")
        content_type = _opt_str(payload.get("content_type"))
    except (KeyError, TypeError, AttributeError) as exc:
        raise ValueError(f"malformed cache entry: {exc}") from None
    return Preview(url=url, final_url=final_url, source_url_kind=kind, article=article,
                   fetched_at=fetched_at.astimezone(UTC), from_cache=True,
                   content_type=content_type, stale=stale)


# ------------------------------------------------------------------ the service

class PreviewService:
    def __init__(
        self,
        settings: FetchSettings | None = None,
        cache: PreviewCache | None = None,
        extractor: Callable[..., Any] | None = None,
        text_extractor: Callable[..., Any] | None = None,
        resolver: Resolver | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.settings = settings or FetchSettings()
        self.cache = cache
        self._extractor = extractor
        self._text_extractor = text_extractor
        self.resolver = resolver
        self.transport = transport

    @property
    def cache_scope(self) -> str:
        """The cache keeps pages apart by the fetch policy that let them in: a page
        from a private address must not reach a caller who would have been refused."""
        return PRIVATE_HOSTS_SCOPE if self.settings.allow_private_hosts else ""

    async def preview(self, urls: Sequence[tuple[str, str]], *,
                      refresh: bool = False) -> Preview | PreviewFailed:
        candidates = clean_candidates(urls)
        if not candidates:
            return PreviewFailed(reason="this item has no link to preview", kind="no_url")
        if not refresh:
            for kind, url in candidates:
                hit = await self._from_cache(kind, url, allow_stale=False)
                if hit is not None:
                    return hit
        failures: list[tuple[str, str, str, str]] = []  # (url kind, url, reason, failure kind)
        not_html: FetchFailed | None = None
        for kind, url in candidates:
            result = await fetch_page(url, self.settings, resolver=self.resolver,
                                      transport=self.transport)
            if isinstance(result, FetchFailed):
                failures.append((kind, url, result.reason, result.kind))
                if result.kind == "not_html":
                    not_html = result
                continue
            outcome = await self._extract(result)
            if isinstance(outcome, tuple):
                failures.append((kind, url, outcome[1], outcome[0]))
                continue
            preview = Preview(url=url, final_url=result.final_url, source_url_kind=kind,
                              article=outcome, fetched_at=datetime.now(UTC),
                              from_cache=False, content_type=result.content_type)
            await self._store(preview)
            return preview
        if any(f[3] in NETWORK_KINDS for f in failures):
            for kind, url in candidates:
                hit = await self._from_cache(kind, url, allow_stale=True)
                if hit is not None:
                    return hit
        return self._failed(failures, not_html)

    # ------------------------------------------------------------------ steps

    async def _extract(self, result: FetchOK) -> Any:
        """The Article, or (failure kind, reason)."""
        text = result.text or ""
        if result.is_parsable:
            extract = self._extractor or _default_extractor()
        else:
            extract = self._text_extractor or _default_text_extractor()
        try:
            article = await asyncio.to_thread(extract, text, result.final_url)
        except Exception as exc:
            logger.warning("preview extraction failed for %s: %s", sanitize(result.final_url)[:200],
                           type(exc).__name__, exc_info=True)
            return ("extract_error", "the page could not be read")
        if article is None:
            return ("no_article", "nothing readable found on the page")
        return article

    async def _from_cache(self, kind: str, url: str, *, allow_stale: bool) -> Preview | None:
        cache = self.cache
        if cache is None or not cache.enabled:
            return None
        scope = self.cache_scope
        try:
            hit = await asyncio.to_thread(cache.get, url, allow_stale=allow_stale, scope=scope)
        except Exception:
            logger.warning("preview cache lookup failed", exc_info=True)
            return None
        if hit is None:
            return None
        try:
            return payload_to_preview(hit.payload, kind=kind, url=url, stale=hit.stale)
        except ValueError as exc:
            logger.info("preview cache: dropping entry for %s: %s", sanitize(url)[:200], exc)
            await asyncio.to_thread(cache.discard, url, scope=scope)
            return None

    async def _store(self, preview: Preview) -> None:
        cache = self.cache
        if cache is None or not cache.enabled:
            return
        try:
            await asyncio.to_thread(cache.put, preview.url, preview_to_payload(preview),
                                    scope=self.cache_scope)
        except Exception:
            logger.warning("preview cache store failed", exc_info=True)

    @staticmethod
    def _failed(failures: list[tuple[str, str, str, str]],
                not_html: FetchFailed | None) -> PreviewFailed:
        def rank(kind: str) -> int:
            try:
                return FAILURE_PRECEDENCE.index(kind)
            except ValueError:
                return FAILURE_PRECEDENCE.index("no_article")  # e.g. extract_error

        best = min(failures, key=lambda f: rank(f[3]))  # min is stable: earliest on ties
        return PreviewFailed(
            reason=best[2], kind=best[3],
            attempts=tuple((k, u, r) for k, u, r, _ in failures),
            url=not_html.url if not_html else None,
            content_type=not_html.content_type if not_html else None,
            size=not_html.size if not_html else None,
        )
