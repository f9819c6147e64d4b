"""Column layout of the article list, shared by the header and the rows."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from reader.core.dates import DEFAULT_FORMAT, UTC_DAYS, DateStyle
from reader.core.query import SortKey


@dataclass(frozen=True, slots=True)
class Column:
    key: SortKey | None
    label: str
    start: int
    width: int
    align_right: bool = False
    name: str = ""  # the unsorted columns: "mark" (marked for a batch), "state" and "unread"


@dataclass(frozen=True, slots=True)
class ListStyle:
    """What the user's config says about the list: the columns shown, how dates look."""
    columns: tuple[str, ...] = ("title", "provider", "date", "heat", "quality")
    dates: DateStyle = UTC_DAYS

    def date_text(self, dt: datetime, width: int) -> str:
        if self.dates.format == DEFAULT_FORMAT and width < 10:
            return self.dates.day(dt)[2:]  # 25-01-31 when the list is narrow
        return self.dates.day(dt)


DEFAULT_STYLE = ListStyle()
MARK = "✓"  # a character, not only a colour: NO_COLOR terminals show it too
UNPUBLISHED = "●"
ARROW = "▶"  # the list-only layout's cursor, in a gutter left of the columns
ARROW_GUTTER = 2
UNREAD = "•"  # not read yet (the reader's own state)


def layout(width: int, style: ListStyle = DEFAULT_STYLE, gutter: int = 0) -> tuple[Column, ...]:
    """Mark, state, unread, title (flexible), provider, date, heat, quality for a given
    width, after ``gutter`` cells (the arrow cursor's): those of ``style.columns``,
    the title always."""
    if gutter:
        return tuple(replace(c, start=c.start + gutter) for c in layout(width - gutter, style))
    shown = style.columns
    heat_w = 5 if "heat" in shown else 0
    qual_w = 5 if "quality" in shown else 0
    if "date" not in shown:
        date_w = 0
    elif style.dates.format == DEFAULT_FORMAT:
        date_w = 10 if width >= 64 else 8
    else:
        date_w = style.dates.width
    provider_w = 0 if "provider" not in shown else (
        16 if width >= 90 else 14 if width >= 70 else 12 if width >= 64 else 0)
    fixed = 4 + (provider_w + 1 if provider_w else 0) + (date_w + 1 if date_w else 0) + heat_w + qual_w
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
    if date_w:
        x += 1
        cols.append(Column(SortKey.DATE, "Date", x, date_w))
        x += date_w
    if heat_w:
        cols.append(Column(SortKey.HEAT, "Heat", x, heat_w, align_right=True))
        x += heat_w
    if qual_w:
        cols.append(Column(SortKey.QUALITY, "Qual", x, qual_w, align_right=True))
    return tuple(cols)


def column_at(columns: tuple[Column, ...], x: int) -> Column | None:
    for col in columns:
        if col.start <= x < col.start + col.width:
            return col
    return None
