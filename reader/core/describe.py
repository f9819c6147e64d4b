"""Human-readable pieces of an item shared by ``reader show`` and the detail pane."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from urllib.parse import quote, urlsplit

from reader.core.dates import UTC_DAYS, DateStyle
from reader.core.model import URL_FIELDS, Image, Item, Related
from reader.core.sanitize import sanitize

# Characters a URI may hold as they are (RFC 3986 reserved and unreserved, plus
# "%" so an existing escape is kept); the rest of a path/query is percent-encoded.
_URI_SAFE = "!#$%&'()*+,/:;=?@[]~"
_SENTENCE_END = (".", "!", "?", "…", '"', "”", "’", ")", "]")


def display_excerpt(excerpt: str) -> str:
    """Real excerpts are cut mid-sentence (often mid-word): say so with an ellipsis."""
    excerpt = excerpt.strip()
    if excerpt and not excerpt.endswith(_SENTENCE_END):
        return excerpt + "…"
    return excerpt


def format_date(dt: datetime | None, *, with_time: bool = True, dates: DateStyle = UTC_DAYS) -> str:
    """The date in the user's format and zone (``dates``), and the time unless it
    is exactly midnight UTC: real items use 00:00:00Z as a placeholder when only
    the day is known."""
    if dt is None:
        return "no date"
    return dates.moment(dt) if with_time else dates.day(dt)


# Heat and quality have no upper bound (real items hold 150-250). A bar is drawn
# against a scale: the largest value in the collection where there is one, never
# below 100 (most values are 0-100, and one collection of small values should not
# look hot); the number itself is always printed next to it.
SCALE_FLOOR = 100


def bar_scale(largest: int | None) -> int:
    """The value a full bar stands for, given the largest in view (or the value alone)."""
    return max(SCALE_FLOOR, largest or 0)


def bar_cells(value: int | None, width: int = 10, scale: int = SCALE_FLOOR) -> int:
    """How many of ``width`` cells ``value`` fills against ``scale`` (a value past
    the scale fills the bar)."""
    if value is None or value <= 0:
        return 0
    return min(width, round(value * width / max(1, scale)))


def bar(value: int | None, width: int = 10, scale: int = SCALE_FLOOR) -> str:
    filled = bar_cells(value, width, scale)
    return "█" * filled + "░" * (width - filled)


def score_text(value: int | None, unscored: bool = False) -> str:
    if value is None:
        return "not scored" if unscored else "—"
    return str(value)


def image_text(image: Image) -> str:
    size = f"{image.width}×{image.height}" if image.width and image.height else "size unknown"
    return f"{image.url or '(no url)'} ({size})"


def secured_preview(token: str | None) -> str:
    """The opaque token is never decoded; only its length and a short prefix are shown."""
    if not token:
        return ""
    return f"{sanitize(token[:12])}… ({len(token)} chars, kept as is)"


def value_text(value: Any, indent: str = "") -> str:
    """An unknown field's value, as short readable text (base-loader values)."""
    if isinstance(value, dict):
        return "\n".join(
            f"{indent}{sanitize(k)}: " + (
                "\n" + value_text(v, indent + "  ") if isinstance(v, (dict, list)) and v
                else value_text(v)
            )
            for k, v in value.items()
        )
    if isinstance(value, list):
        return "\n".join(
            f"{indent}- " + value_text(v, indent + "  ").lstrip() for v in value
        )
    return sanitize(value)


def link_target(url: str | None) -> str | None:
    """Where a link to ``url`` leads, or None when it is not an absolute http(s) URL
    (a site-relative path in an archive item is shown as written, not linked: it
    is relative to the site that published the item, which the file does not name).
    Spaces and other characters a URI may not hold are percent-encoded; the URL
    is still shown as written."""
    if not url:
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return None
    head = f"{parts.scheme}://{parts.netloc}"
    if not url.startswith(head):
        return None
    return head + quote(url[len(head):], safe=_URI_SAFE)


def url_fields(item: Item) -> list[tuple[str, str]]:
    """Every URL field the item has, as written (repeats included)."""
    values = (item.original_url, item.web_url, item.amp_web_url, item.cdn_amp_web_url)
    return [(n, u) for n, u in zip(URL_FIELDS, values, strict=False) if u]


def related_lines(rel: Related) -> list[str]:
    lines = [rel.title or "(untitled)"]
    meta = " · ".join(
        x for x in (
            rel.provider.label if rel.provider else "",
            format_date(rel.published_at, with_time=False) if rel.published_at else "",
            f"quality {rel.quality}" if rel.quality is not None else "",
        ) if x
    )
    if meta:
        lines.append(meta)
    return lines


def describe(item: Item) -> str:
    """Plain text for ``reader show``."""
    out: list[str] = [item.title or "(untitled)", ""]
    p = item.provider
    if p:
        out.append(f"Provider:  {p.label}" + (f" ({p.domain})" if p.domain and p.name else ""))
    out.append(f"Date:      {format_date(item.published_at)}")
    kind = " / ".join(x for x in (item.category, item.type) if x)
    if kind:
        out.append(f"Category:  {kind}")
    # No collection here: a bar is full at 100 or at the value itself if larger.
    out.append(f"Heat:      {bar(item.heat, scale=bar_scale(item.heat))} "
               f"{score_text(item.heat, item.heat_unscored)}")
    out.append(f"Quality:   {bar(item.quality, scale=bar_scale(item.quality))} "
               f"{score_text(item.quality)}")
    state = "unpublished" if item.unpublished else "published" if item.published else "not set"
    out.append(f"Published: {state}")
    if item.topics:
        out.append(f"Topics:    {', '.join(item.topics)}")
    if item.excerpt:
        out += ["", display_excerpt(item.excerpt)]
    if url_fields(item):
        out.append("")
        out += [f"{name}: {url}" for name, url in url_fields(item)]
    if item.images:
        out += ["", "Images:"] + [f"  {image_text(i)}" for i in item.images]
    if p and p.images:
        out += ["", "Provider images:"] + [f"  {image_text(i)}" for i in p.images]
    if item.body:
        out += ["", item.body]
    if item.related:
        out += ["", "Related:"]
        for rel in item.related:
            first, *rest = related_lines(rel)
            out.append(f"  - {first}")
            out += [f"    {line}" for line in rest]
    if item.extra:
        out += ["", "Other fields:"]
        for key, value in item.extra.items():
            txt = value_text(value, "    ")
            out.append(f"  {key}:" + ("\n" + txt if "\n" in txt else f" {txt}"))
    if item.secured:
        out += ["", f"secured: {secured_preview(item.secured)}"]
    return "\n".join(out)
