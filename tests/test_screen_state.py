"""The screen's state without Textual: views, rows, counts, the selection,
the held-key rest before the detail is read (a fake clock), clearing filters
and the load problems."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from reader.core.catalog import Catalog
from reader.core.model import Entry
from reader.core.query import Published, Query, SortKey
from reader.core.screen_state import DETAIL_SETTLE, ScreenState, Show
from reader.core.store import LoadProblem

T0 = datetime(2026, 1, 1, tzinfo=UTC)


def entry(id: str, *, day: int, heat: int | None = None, topics: tuple[str, ...] = (),
          published: bool | None = True, title: str = "") -> Entry:
    return Entry(id=id, title=title or id, provider="P", published_at=T0 + timedelta(days=day),
                 heat=heat, quality=None, published=published, topics=topics, urls=(), excerpt="")


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


class Told:
    """A listener: every change the state tells, in order."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, ...]] = []

    def __call__(self, names: tuple[str, ...]) -> None:
        self.calls.append(names)


@pytest.fixture
def catalog() -> Catalog:
    return Catalog([
        entry("a", day=3, heat=10, topics=("AI",)),
        entry("b", day=2, heat=90, topics=("AI", "Robots"), published=False),
        entry("c", day=1, heat=50, topics=("Robots",)),
    ])


@pytest.fixture
def asked() -> list[Query]:
    return []


@pytest.fixture
def state(catalog: Catalog, asked: list[Query]) -> ScreenState:
    def query_rows(view: Query) -> tuple[list[Entry], int]:
        asked.append(view)
        rows = catalog.query(view)
        return rows, len(rows)

    made = ScreenState(query_rows, clock=FakeClock())
    made.counts_changed(len(catalog), catalog.unpublished_count(), catalog.topic_counts())
    return made


def ids(state: ScreenState) -> list[str]:
    return [e.id for e in state.rows]


def test_a_view_change_queries_the_rows_and_tells_them_before_the_view(state, asked):
    told = Told()
    state.listen(told)
    asked.clear()
    state.choose("Robots", Published.ALL, "")
    assert asked == [state.view] and state.view.topic == "Robots"
    assert ids(state) == ["b", "c"] and state.shown == 2
    assert told.calls == [("shown", "rows"), ("view",)]


def test_a_view_set_from_outside_gets_its_rows_without_being_told_back(state):
    told = Told()
    state.listen(told)
    state.show(Query(sort=SortKey.HEAT))
    assert ids(state) == ["b", "c", "a"]
    assert told.calls == [("shown", "rows")]


def test_counts_come_from_the_catalog_and_topics_are_told_only_when_they_change(state, catalog):
    assert (state.total, state.unpublished, state.shown) == (3, 1, 3)
    assert state.topics == [("AI", 2), ("Robots", 2)]
    told = Told()
    state.listen(told)
    state.counts_changed(len(catalog), catalog.unpublished_count(), catalog.topic_counts())
    assert told.calls == [("total", "unpublished", "problems"), ("shown", "rows")]
    catalog.apply([entry("d", day=0, topics=("Space",))])
    state.counts_changed(len(catalog), catalog.unpublished_count(), catalog.topic_counts(),
                         root_counts=[("one", 4)])
    assert told.calls[-2:] == [("total", "unpublished", "problems", "topics", "root_counts"), ("shown", "rows")]
    assert state.total == 4 and ("Space", 1) in state.topics and state.root_counts == [("one", 4)]


def test_the_selection_stays_across_a_requery_while_the_item_is_shown(state):
    state.select(state.rows[1])  # "b"
    state.sort_by(SortKey.HEAT)  # b moves to the top: still shown
    assert state.selected_id == "b"
    state.choose("AI", Published.ALL, "")
    assert state.selected_id == "b"
    state.choose(None, Published.ALL, "")
    state.select(next(e for e in state.rows if e.id == "c"))
    state.choose("AI", Published.ALL, "")  # c is not about AI: filtered out
    assert state.selected is None


def test_a_held_key_does_not_read_the_detail_and_resting_does(state):
    clock = state.clock
    assert isinstance(clock, FakeClock)
    assert state.select(state.rows[0]) is Show.NOW  # the first move after a while
    for row in state.rows[1:]:  # a held key: a move every 30 ms
        clock.now += 0.03
        assert state.select(row) is Show.WHEN_RESTED
        assert state.rest.wait() == pytest.approx(DETAIL_SETTLE)  # not rested yet: nothing read
    clock.now += DETAIL_SETTLE / 2
    assert 0 < state.rest.wait() < DETAIL_SETTLE
    clock.now += DETAIL_SETTLE  # the key is let go
    assert state.rest.wait() == 0
    clock.now += 1  # a key pressed a second later reads at once
    assert state.select(state.rows[0]) is Show.NOW
    assert state.select(None) is Show.NOTHING and state.selected is None


def test_clear_filters_shows_everything_in_the_same_order(state):
    assert state.clear_filters() is False  # nothing to clear
    state.sort_by(SortKey.HEAT)
    state.reverse_sort()
    state.choose("AI", Published.UNPUBLISHED, "robots")
    told = Told()
    state.listen(told)
    assert state.clear_filters() is True
    assert state.view == Query(sort=SortKey.HEAT, descending=False)
    assert ids(state) == ["a", "c", "b"] and told.calls == [("shown", "rows"), ("view",)]
    assert state.clear_filters("heat:>") is True  # a query typed that did not parse


def test_sorting_and_the_unpublished_queue(state):
    state.next_sort()
    assert state.view.sort is SortKey.HEAT and state.view.descending
    state.column_clicked(SortKey.HEAT)  # the same column again: reversed
    assert state.view.sort is SortKey.HEAT and not state.view.descending
    state.column_clicked(SortKey.TITLE)
    assert state.view.sort is SortKey.TITLE and not state.view.descending
    state.choose("AI", Published.ALL, "")
    state.toggle_unpublished()
    assert state.view.published is Published.UNPUBLISHED and state.view.topic is None
    assert ids(state) == ["b"] and state.at_desk(marked=False)
    state.toggle_unpublished()
    assert state.view.published is Published.ALL and not state.at_desk(marked=False)
    assert state.at_desk(marked=True)


def test_a_search_is_taken_only_when_it_is_new(state, asked):
    state.search("AI")
    asked.clear()
    state.search("AI")
    assert asked == []
    state.search("")
    assert state.view.search == "" and ids(state) == ["a", "b", "c"]


def test_load_problems_are_replaced_per_file_and_counted_with_the_counts(state, catalog):
    state.problems_replaced((), [LoadProblem("x.md", "bad YAML"), LoadProblem("y.md", "empty")])
    assert state.problems == 0  # counted when the counts are taken
    state.counts_changed(len(catalog), catalog.unpublished_count(), catalog.topic_counts())
    assert state.problems == 2
    state.problems_replaced({"x.md"}, [])  # x.md read again, fine now
    state.problems_replaced({"z.md"}, [LoadProblem("z.md", "not UTF-8")])
    state.counts_changed(len(catalog), catalog.unpublished_count(), catalog.topic_counts())
    assert [p.id for p in state.load_problems] == ["y.md", "z.md"] and state.problems == 2
