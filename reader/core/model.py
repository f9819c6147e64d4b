"""The item model: typed, slotted, normalised, every string already sanitised.

``Item`` is the whole of one file; ``Entry`` is the slice of it that the list,
the sorters and the filters need (what the persistent index stores). The list
holds entries; the detail pane reads the full item of the one selected.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


@dataclass(frozen=True, slots=True)
class Image:
    url: str | None
    width: int | None = None
    height: int | None = None
    is_cached: bool | None = None


@dataclass(frozen=True, slots=True)
class Provider:
    name: str | None
    domain: str | None = None
    images: tuple[Image, ...] = ()

    @property
    def label(self) -> str:
        return self.name or self.domain or ""


@dataclass(frozen=True, slots=True)
class Related:
    title: str
    excerpt: str = ""
    published_at: datetime | None = None
    web_url: str | None = None
    amp_web_url: str | None = None
    cdn_amp_web_url: str | None = None
    original_url: str | None = None
    type: str | None = None
    provider: Provider | None = None
    quality: int | None = None
    images: tuple[Image, ...] = ()

    @property
    def urls(self) -> tuple[str, ...]:
        return tuple(
            u
            for u in (self.original_url, self.web_url, self.amp_web_url, self.cdn_amp_web_url)
            if u
        )


URL_FIELDS = ("originalUrl", "webUrl", "ampWebUrl", "cdnAmpWebUrl")


@dataclass(frozen=True, slots=True)
class Item:
    """One news item file, normalised."""

    id: str
    title: str
    excerpt: str = ""
    published_at: datetime | None = None
    original_url: str | None = None
    web_url: str | None = None
    amp_web_url: str | None = None
    cdn_amp_web_url: str | None = None
    type: str | None = None
    category: str | None = None
    quality: int | None = None
    heat: int | None = None
    heat_unscored: bool = False
    published: bool | None = None
    provider: Provider | None = None
    topics: tuple[str, ...] = ()
    images: tuple[Image, ...] = ()
    related: tuple[Related, ...] = ()
    secured: str | None = None
    body: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def unpublished(self) -> bool:
        """Only an explicit ``published: false`` is unpublished; older items lack the field."""
        return self.published is False

    @property
    def url_candidates(self) -> tuple[tuple[str, str], ...]:
        """(field name, url) in the order a preview tries them, without repeats."""
        seen: set[str] = set()
        out = []
        for name, url in zip(
            URL_FIELDS,
            (self.original_url, self.web_url, self.amp_web_url, self.cdn_amp_web_url),
        ):
            if url and url not in seen:
                seen.add(url)
                out.append((name, url))
        return tuple(out)


@dataclass(slots=True)
class Entry:
    """What the list, sorting, filtering and search need of one item."""

    id: str
    title: str
    provider: str
    published_at: datetime | None
    heat: int | None
    quality: int | None
    published: bool | None
    topics: tuple[str, ...]
    urls: tuple[str, ...]
    excerpt: str
    heat_unscored: bool = False
    search_text: str = ""

    def __post_init__(self) -> None:
        if not self.search_text:
            self.search_text = build_search_text(self.title, self.excerpt, self.provider, self.topics)

    @property
    def unpublished(self) -> bool:
        return self.published is False

    @classmethod
    def from_item(cls, item: Item) -> "Entry":
        return cls(
            id=item.id,
            title=item.title,
            provider=item.provider.label if item.provider else "",
            published_at=item.published_at,
            heat=item.heat,
            quality=item.quality,
            published=item.published,
            topics=item.topics,
            urls=tuple(url for _, url in item.url_candidates),
            excerpt=item.excerpt,
            heat_unscored=item.heat_unscored,
        )


def build_search_text(title: str, excerpt: str, provider: str, topics: tuple[str, ...]) -> str:
    """The lowercase haystack a text search looks in (casefolded once, at load)."""
    return "\x1f".join((title, excerpt, provider, "\x1f".join(topics))).casefold()
