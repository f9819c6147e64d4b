"""Column layout of the article list, shared by the header and the rows."""

from __future__ import annotations

from dataclasses import dataclass

from reader.core.query import SortKey


@dataclass(frozen=True, slots=True)
class Column:
    key: SortKey | None
    label: str
    start: int
    width: int
    align_right: bool = False
    name: str = ""  # the unsorted columns: "mark" (marked for a batch), "state" and "unread"


MARK = "✓"  # a character, not only a colour: NO_COLOR terminals show it too
UNPUBLISHED = "●"
UNREAD = "•"  # not read yet (the reader's own state)


def layout(width: int) -> tuple[Column, ...]:
    """Mark, state, unread, title (flexible), provider, date, heat, quality for a given width."""
    heat_w = qual_w = 5
    date_w = 10 if width >= 64 else 8
    provider_w = 16 if width >= 90 else 14 if width >= 70 else 12 if width >= 64 else 0
    fixed = 4 + (provider_w + 1 if provider_w else 0) + date_w + 1 + heat_w + qual_w
    title_w = max(8, width - fixed)
    cols: list[Column] = [Column(None, "", 0, 1, name="mark"), Column(None, "", 1, 1, name="state"),
                          Column(None, "", 2, 1, name="unread")]
    x = 4
    cols.append(Column(SortKey.TITLE, "Title", x, title_w))
    x += title_w
    if provider_w:
        x += 1
        cols.append(Column(SortKey.PROVIDER, "Provider", x, provider_w))
        x += provider_w
    x += 1
    cols.append(Column(SortKey.DATE, "Date", x, date_w))
    x += date_w
    cols.append(Column(SortKey.HEAT, "Heat", x, heat_w, align_right=True))
    x += heat_w
    cols.append(Column(SortKey.QUALITY, "Qual", x, qual_w, align_right=True))
    return tuple(cols)


def column_at(columns: tuple[Column, ...], x: int) -> Column | None:
    for col in columns:
        if col.start <= x < col.start + col.width:
            return col
    return None
