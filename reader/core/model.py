"""The item model: typed, slotted, normalised, every string already sanitised.

``Item`` is the whole of one file; ``Entry`` is the slice of it that the list,
the sorters and the filters need (what the persistent index stores). The list
holds entries; the detail pane reads the full item of the one selected.
"""

from __future__ import annotations

import struct
import sys
import zlib
from collections.abc import Iterable, Sequence
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
            (self.original_url, self.web_url, self.amp_web_url, self.cdn_amp_web_url), strict=False,
        ):
            if url and url not in seen:
                seen.add(url)
                out.append((name, url))
        return tuple(out)


@dataclass(slots=True, init=False)
class Entry:
    """What the list, sorting, filtering, search and related-item lookup need of one item.

    Kept small (100k of them stay in memory): the excerpt is not kept as such,
    only inside ``search_text`` -- the casefolded UTF-8 haystack a search looks
    in (title, excerpt, provider, topics) -- and the URLs are kept packed in
    ``url_data`` (``urls`` unpacks them). Both are computed once, where the
    entry is made (in the loader's workers for the index), never per query.
    The detail pane reads the full ``Item``, which has the excerpt.
    """

    id: str
    title: str
    provider: str
    published_at: datetime | None
    heat: int | None
    quality: int | None
    published: bool | None
    topics: tuple[str, ...]
    heat_unscored: bool
    search_text: bytes
    url_data: bytes

    def __init__(
        self,
        id: str,
        title: str,
        provider: str,
        published_at: datetime | None,
        heat: int | None,
        quality: int | None,
        published: bool | None,
        topics: tuple[str, ...],
        urls: Iterable[str] = (),
        excerpt: str = "",
        heat_unscored: bool = False,
        *,
        search_text: bytes | None = None,
        url_data: bytes | None = None,
    ) -> None:
        """``urls`` and ``excerpt`` are packed into ``url_data`` and ``search_text``
        unless those are given already packed (the index's rows hold them)."""
        self.id = id
        self.title = title
        self.provider = provider
        self.published_at = published_at
        self.heat = heat
        self.quality = quality
        self.published = published
        self.topics = topics
        self.heat_unscored = heat_unscored
        self.search_text = (
            build_search_text(title, excerpt, provider, topics) if search_text is None else search_text
        )
        self.url_data = pack_urls(urls) if url_data is None else url_data

    @property
    def urls(self) -> tuple[str, ...]:
        """The item's URLs (original, web, AMP, AMP cache; no repeats), unpacked."""
        return unpack_urls(self.url_data)

    @property
    def unpublished(self) -> bool:
        return self.published is False

    @classmethod
    def from_item(cls, item: Item) -> Entry:
        return cls(
            item.id,
            item.title,
            sys.intern(item.provider.label) if item.provider else "",
            item.published_at,
            item.heat,
            item.quality,
            item.published,
            tuple(map(sys.intern, item.topics)),
            tuple(url for _, url in item.url_candidates),
            item.excerpt,
            item.heat_unscored,
        )


def build_search_text(title: str, excerpt: str, provider: str, topics: Sequence[str]) -> bytes:
    """The haystack a text search looks in: casefolded once, at load, as UTF-8.

    UTF-8 keeps substring matches exact (a valid UTF-8 needle only matches at
    character boundaries) at about half the memory of a non-Latin-1 ``str``.
    The fields are joined by \\x1f, which ``str.split()`` treats as
    whitespace, so no search word can match across two fields.
    """
    if "\n" in excerpt:  # an excerpt keeps its line breaks; a search text is one line
        excerpt = excerpt.replace("\n", " ")
    return "\x1f".join((title, excerpt, provider, "\x1f".join(topics))).casefold().encode(
        "utf-8", "surrogatepass"
    )


def search_needle(word: str) -> bytes:
    """A casefolded search word in the form ``search_text`` is matched against."""
    return word.encode("utf-8", "surrogatepass")


# -- packed URLs ---------------------------------------------------------------------------
#
# ``url_data`` is empty (no URLs) or: one byte n (the number of URLs, < 256),
# n little-endian CRC-32s of the URLs' lookup keys (``url_key``), then the URLs
# joined by \x1f, UTF-8, raw-deflated. The CRCs let ``Catalog.find_url`` index
# every entry without unpacking any URL; a CRC hit is confirmed on the URLs.
# 100k items' 286k URLs: 52 MB as strings, 18 MB packed.

_URL_SEP = "\x1f"  # the sanitiser never lets it through


def url_key(url: str) -> str:
    """What two URLs must share to count as the same page: no scheme, "www.",
    trailing slash, surrounding blanks or case."""
    u = url.strip()
    scheme_end = u.find("://")
    if scheme_end != -1:
        u = u[scheme_end + 3 :]
    if u.startswith("www."):
        u = u[4:]
    return u.rstrip("/").casefold()


def url_hash(url: str) -> int:
    """CRC-32 of ``url_key(url)`` (stable across processes, unlike ``hash``)."""
    return zlib.crc32(url_key(url).encode("utf-8", "surrogatepass"))


def pack_urls(urls: Iterable[str]) -> bytes:
    urls = tuple(urls)
    if not urls:
        return b""
    if len(urls) > 255:
        raise ValueError(f"too many URLs for one entry: {len(urls)}")
    return (
        bytes((len(urls),))
        + struct.pack(f"<{len(urls)}I", *map(url_hash, urls))
        + zlib.compress(_URL_SEP.join(urls).encode("utf-8", "surrogatepass"), 6, -15)
    )


def unpack_urls(data: bytes) -> tuple[str, ...]:
    if not data:
        return ()
    n = data[0]
    text = zlib.decompress(data[1 + 4 * n :], -15).decode("utf-8", "surrogatepass")
    return tuple(text.split(_URL_SEP)) if n > 1 else (text,)


def url_hashes(data: bytes) -> tuple[int, ...]:
    """The CRC-32s packed in ``url_data``, one per URL, in order."""
    return struct.unpack_from(f"<{data[0]}I", data, 1) if data else ()
