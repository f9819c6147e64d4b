"""Items and related items as styled ``Content`` (literal text, never markup)."""

from __future__ import annotations

from textual.content import Content

from reader.core import describe as d
from reader.core.dates import UTC_DAYS, DateStyle
from reader.core.model import Image, Item, Related
from reader.core.sanitize import sanitize
from reader.ui.text import link, plain, styled

LABEL = "$text-muted"


def _field(label: str, value: Content | str) -> Content:
    return Content.assemble((f"{label:<10}", LABEL), value if isinstance(value, Content) else plain(value))


def _bar(label: str, value: int | None, unscored: bool = False, scale: int = d.SCALE_FLOOR) -> Content:
    """A bar drawn against ``scale`` (heat and quality have no upper bound), then
    the value itself, always."""
    filled = d.bar(value, scale=scale)
    n = d.bar_cells(value, scale=scale)
    return Content.assemble(
        (f"{label:<10}", LABEL),
        (filled[:n], "$accent"),
        (filled[n:], "$text-disabled"),
        " ",
        (d.score_text(value, unscored), "bold"),
    )


def _url(url: str | None) -> Content:
    """A URL as written; a link (percent-encoded target) only when it is http(s)."""
    if not url:
        return plain("(no url)")
    target = d.link_target(url)
    return link(target, label=url) if target else plain(url)


def _images(images: tuple[Image, ...]) -> list[Content]:
    out = []
    for img in images:
        size = f"{img.width}×{img.height}" if img.width and img.height else "size unknown"
        out.append(Content.assemble("  ", _url(img.url), (f"  {size}", LABEL)))
    return out


def item_content(item: Item, *, heat_scale: int = d.SCALE_FLOOR,
                 quality_scale: int = d.SCALE_FLOOR, dates: DateStyle = UTC_DAYS,
                 root: str | None = None) -> Content:
    """The item's fields; heat and quality bars are drawn against the scales given
    (the app passes the collection's largest values, see ``describe.bar_scale``).
    ``root``: the label of the item's content root, when there are several."""
    lines: list[Content] = [styled(item.title or "(untitled)", "bold"), Content("")]
    p = item.provider
    if p:
        provider = Content.assemble(
            plain(p.label), (f"  {sanitize(p.domain)}", LABEL) if p.domain and p.name else ""
        )
        lines.append(_field("Provider", provider))
    lines.append(_field("Date", d.format_date(item.published_at, dates=dates)))
    if root is not None:
        lines.append(_field("Root", root))
    kind = " / ".join(x for x in (item.category, item.type) if x)
    if kind:
        lines.append(_field("Category", kind))
    state = "unpublished" if item.unpublished else "published" if item.published else "not set"
    lines.append(_field("State", styled(state, "bold $warning") if item.unpublished else plain(state)))
    lines.append(_bar("Heat", item.heat, item.heat_unscored, heat_scale))
    lines.append(_bar("Quality", item.quality, scale=quality_scale))
    if item.topics:
        lines.append(_field("Topics", ", ".join(item.topics)))
    if item.excerpt:
        lines += [Content(""), plain(d.display_excerpt(item.excerpt), multiline=True)]
    urls = d.url_fields(item)
    if urls:
        lines.append(Content(""))
        for name, url in urls:
            lines.append(Content.assemble((f"{name:<13}", LABEL), _url(url)))
    if item.images:
        lines += [Content(""), styled("Images", "bold")] + _images(item.images)
    if p and p.images:
        lines += [Content(""), styled("Provider images", "bold")] + _images(p.images)
    if item.body:
        lines += [Content(""), plain(item.body, multiline=True)]
    if item.extra:
        lines += [Content(""), styled("Other fields", "bold")]
        for key, value in item.extra.items():
            text = d.value_text(value, "    ")
            if "\n" in text:
                lines.append(Content.assemble(("  " + sanitize(key) + ":", LABEL)))
                lines.append(plain(text, multiline=True))
            else:
                lines.append(Content.assemble(("  " + sanitize(key) + ": ", LABEL), plain(text)))
    if item.secured:
        lines += [Content(""), _field("Secured", d.secured_preview(item.secured))]
    return Content("\n").join(lines)


def related_content(rel: Related, *, in_corpus: bool = False, dates: DateStyle = UTC_DAYS) -> Content:
    """A related item that is not in the corpus, shown on its own."""
    lines: list[Content] = [styled(rel.title or "(untitled)", "bold"), Content("")]
    if rel.provider:
        lines.append(_field("Provider", rel.provider.label))
    lines.append(_field("Date", d.format_date(rel.published_at, dates=dates)))
    if rel.type:
        lines.append(_field("Type", rel.type))
    if rel.quality is not None:  # no collection to compare with: full at 100 or above
        lines.append(_bar("Quality", rel.quality, scale=d.bar_scale(rel.quality)))
    if rel.excerpt:
        lines += [Content(""), plain(d.display_excerpt(rel.excerpt), multiline=True)]
    if rel.urls:
        lines.append(Content(""))
        for url in rel.urls:
            lines.append(_url(url))
    if rel.images:
        lines += [Content(""), styled("Images", "bold")] + _images(rel.images)
    lines += [Content(""), styled("Related item, not in this collection", LABEL)]
    return Content("\n").join(lines)


def related_option(rel: Related, in_corpus: bool) -> Content:
    first, *rest = d.related_lines(rel)
    mark = ("→ ", "$success") if in_corpus else ("↗ ", LABEL)
    parts: list[Content | str | tuple[str, str]] = [mark, plain(first)]
    if rest:
        parts += ["\n  ", (sanitize(rest[0]), LABEL)]
    return Content.assemble(*parts)
