"""A fetched article (headings, paragraphs, lists, quotes) as ``Content``."""

from __future__ import annotations

from textual.content import Content

from reader.core.sanitize import sanitize
from reader.ui.text import link, plain, styled


def blocks_content(article) -> Content:
    """Render ``article.blocks``; the text is already sanitised by the extractor."""
    lines: list[Content] = []
    for block in getattr(article, "blocks", ()) or ():
        kind = block.kind
        text = sanitize(block.text)
        if kind == "heading":
            if lines:
                lines.append(Content(""))
            lines.append(Content.styled(text, "bold $accent"))
        elif kind == "list_item":
            indent = "  " * max(0, int(block.level or 0))
            lines.append(Content.assemble(indent + "• ", plain(text)))
        elif kind == "quote":
            lines.append(Content.assemble(("▎ ", "$accent"), Content.styled(text, "italic")))
            lines.append(Content(""))
        elif kind == "code":
            lines.append(Content.styled(text, "$text-muted"))
        else:
            lines.append(plain(text))
            lines.append(Content(""))
    if not lines and getattr(article, "text", None):
        lines.append(plain(article.text, multiline=True))
    return Content("\n").join(lines)


def preview_header(preview, title: str | None, provider: str | None) -> Content:
    """Title, provider, the URL actually used (and where it led), reading time."""
    article = preview.article
    heading = title or article.title or "(untitled)"
    minutes = article.reading_minutes()
    meta = " · ".join(x for x in (
        sanitize(provider) if provider else "",
        f"{article.word_count:,} words, about {minutes} min read",
        "from cache" if preview.from_cache else "",
    ) if x)
    parts = [
        styled(heading, "bold"),
        Content.styled(meta, "$text-muted"),
        Content.assemble((f"{preview.source_url_kind}: ", "$text-muted"), link(preview.url)),
    ]
    if preview.final_url and preview.final_url != preview.url:
        parts.append(Content.assemble(("final URL: ", "$text-muted"), link(preview.final_url)))
    return Content("\n").join(parts)
