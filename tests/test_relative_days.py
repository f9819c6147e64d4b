"""``today`` and ``yesterday`` in queries: days of the local clock, fixed when evaluated."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from reader.core.catalog import Catalog
from reader.core.model import Entry
from reader.core.query_eval import evaluate
from reader.core.querylang import Compare, Period, QueryError, RelativeDay, parse

TOKYO = timezone(timedelta(hours=9))
NOW = datetime(2025, 3, 10, 8, 30, tzinfo=TOKYO)  # 2025-03-09 23:30 UTC


def test_today_and_yesterday_parse_wherever_a_date_does() -> None:
    assert parse("date:today").terms == (Compare("date", "=", RelativeDay(0)),)
    assert parse("after:Yesterday").terms == (Compare("date", ">", RelativeDay(1)),)
    assert parse("before:TODAY").terms == (Compare("date", "<", RelativeDay(0)),)
    assert parse("date:>=yesterday").terms == (Compare("date", ">=", RelativeDay(1)),)
    assert parse("date:yesterday..today").terms == (Compare("date", "..", RelativeDay(1), RelativeDay(0)),)
    assert parse("date:2024..today").terms == (Compare("date", "..", Period(2024), RelativeDay(0)),)
    assert str(parse("after:yesterday -date:today")) == "date:>yesterday -date:today"


def test_a_relative_range_that_runs_backwards_is_an_error() -> None:
    with pytest.raises(QueryError, match="runs backwards"):
        parse("date:today..yesterday")


def test_a_relative_day_spans_midnight_to_midnight_in_the_clock_s_zone() -> None:
    start, end = RelativeDay(0).span(NOW)
    assert (start, end) == (datetime(2025, 3, 10, tzinfo=TOKYO), datetime(2025, 3, 11, tzinfo=TOKYO))
    assert RelativeDay(1).span(NOW) == (datetime(2025, 3, 9, tzinfo=TOKYO), start)


def test_without_a_clock_the_day_is_the_local_one() -> None:
    start, end = RelativeDay(0).span()
    local_now = datetime.now().astimezone()
    assert start <= local_now < end
    assert start.astimezone().hour == 0 and start.astimezone().minute == 0


def _entry(id: str, when: datetime) -> Entry:
    return Entry(id=id, title=id, provider="", published_at=when, heat=None, quality=None,
                 published=None, topics=())


CORPUS = [
    _entry("early-today", datetime(2025, 3, 9, 15, 0, tzinfo=UTC)),  # 00:00 in Tokyo, the 10th
    _entry("late-yesterday", datetime(2025, 3, 9, 14, 59, tzinfo=UTC)),  # 23:59 in Tokyo, the 9th
    _entry("two-days-ago", datetime(2025, 3, 8, 12, 0, tzinfo=UTC)),
    _entry("tomorrow", datetime(2025, 3, 10, 15, 0, tzinfo=UTC)),
]


def _ids(catalog: Catalog, text: str, now: datetime) -> set[str]:
    snap = catalog._state  # the evaluator's own input, with a clock injected
    mask = evaluate(snap, parse(text), None, None, now=now)
    return {e.id for e, hit in zip(snap.entries, mask or b"\x01" * len(snap.entries), strict=True) if hit}


@pytest.mark.parametrize(("text", "expected"), [
    ("date:today", {"early-today"}),
    ("date:yesterday", {"late-yesterday"}),
    ("after:yesterday", {"early-today", "tomorrow"}),
    ("date:>=yesterday", {"early-today", "late-yesterday", "tomorrow"}),
    ("before:yesterday", {"two-days-ago"}),
    ("date:yesterday..today", {"early-today", "late-yesterday"}),
    ("-date:today", {"late-yesterday", "two-days-ago", "tomorrow"}),
    ("date:2025-03-08..today", {"early-today", "late-yesterday", "two-days-ago"}),
])
def test_relative_days_select_by_the_clock(text: str, expected: set[str]) -> None:
    assert _ids(Catalog(CORPUS), text, NOW) == expected


def test_a_cached_mask_is_not_reused_the_next_day() -> None:
    catalog = Catalog(CORPUS)  # one snapshot, kept past midnight
    assert _ids(catalog, "date:today", NOW) == {"early-today"}
    assert _ids(catalog, "date:today", NOW + timedelta(days=1)) == {"tomorrow"}
    assert _ids(catalog, "-date:today", NOW + timedelta(days=1)) == {"early-today", "late-yesterday",
                                                                     "two-days-ago"}
