"""Queries answered by the catalog's masks agree with a slow, plain reference."""

from __future__ import annotations

import operator
import random
from collections.abc import Callable, Set
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reader.core import query_eval, search, snapshot
from reader.core.catalog import Catalog
from reader.core.model import Entry
from reader.core.query import Published, Query, SortKey, sort_order
from reader.core.query_eval import UserState
from reader.core.querylang import (
    Compare,
    Expression,
    Has,
    Is,
    Not,
    Period,
    Provider,
    QueryError,
    Term,
    Text,
    Topic,
    Unscored,
    parse,
)

FAST = settings(max_examples=100, derandomize=True, database=None, deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


# -- the reference: one entry, one term, spelled out ------------------------------------------

_OPS: dict[str, Callable[[int, int], bool]] = {
    "=": operator.eq, ">": operator.gt, ">=": operator.ge, "<": operator.lt, "<=": operator.le,
}


def date_matches(t: datetime, term: Compare) -> bool:
    p = term.value
    assert isinstance(p, Period)
    if term.op == "=":
        return p.start() <= t < p.end()
    if term.op == ">":
        return t >= p.end()
    if term.op == ">=":
        return t >= p.start()
    if term.op == "<":
        return t < p.start()
    if term.op == "<=":
        return t < p.end()
    assert isinstance(term.upper, Period)
    return p.start() <= t < term.upper.end()


def term_matches(e: Entry, term: Term, read: Set[str], saved: Set[str]) -> bool:
    if isinstance(term, Not):
        return not term_matches(e, term.term, read, saved)
    if isinstance(term, Text):
        return term.value.casefold().encode() in e.search_text
    if isinstance(term, Topic):
        return any(t.casefold() == term.name.casefold() for t in e.topics)
    if isinstance(term, Provider):
        return term.name.casefold() in e.provider.casefold()
    if isinstance(term, Unscored):
        return e.heat_unscored
    if isinstance(term, Is):
        return {"published": e.published is not False, "unpublished": e.published is False,
                "read": e.id in read, "unread": e.id not in read, "saved": e.id in saved}[term.kind]
    if isinstance(term, Has):
        return {"url": bool(e.urls), "date": e.published_at is not None, "heat": e.heat is not None,
                "quality": e.quality is not None, "topics": bool(e.topics)}[term.kind]
    assert isinstance(term, Compare)
    if term.field == "date":
        return e.published_at is not None and date_matches(e.published_at, term)
    value = e.heat if term.field == "heat" else e.quality
    if value is None:
        return False
    if term.op == "..":
        assert isinstance(term.value, int) and isinstance(term.upper, int)
        return term.value <= value <= term.upper
    assert isinstance(term.value, int)
    return _OPS[term.op](value, term.value)


def reference(entries: list[Entry], q: Query, read: Set[str] = frozenset(),
              saved: Set[str] = frozenset()) -> list[str]:
    expr = parse(q.search)
    out = []
    for i in sort_order(entries, q.sort, q.descending):
        e = entries[i]
        if q.topic is not None and q.topic not in e.topics:
            continue
        if q.published is Published.UNPUBLISHED and e.published is not False:
            continue
        if q.published is Published.PUBLISHED and e.published is False:
            continue
        if all(term_matches(e, t, read, saved) for t in expr.terms):
            out.append(e.id)
    return out


def ids(rows: list[Entry]) -> list[str]:
    return [e.id for e in rows]


# -- generated corpora and queries ----------------------------------------------------------

WORDS = ["alpha", "beta", "Gamma", "delta", "robot", "robots", "Straße", "énergie", "AI", "ai"]
TOPICS = ["AI", "ai", "Policy", "Big Tech", "Energy", "Énergie"]
PROVIDERS = ["Vector Post", "vector", "Herald", "", "The Daily Vector"]
T0 = datetime(2023, 11, 20, tzinfo=UTC)


@st.composite
def entries(draw, n: int | None = None) -> list[Entry]:
    count = draw(st.integers(0, 40)) if n is None else n
    out = []
    for i in range(count):
        heat = draw(st.none() | st.integers(0, 30))
        unscored = heat is None and draw(st.booleans())
        day = draw(st.none() | st.integers(0, 500))
        out.append(Entry(
            id=f"e{i:03d}.md",
            title=" ".join(draw(st.lists(st.sampled_from(WORDS), max_size=4))),
            provider=draw(st.sampled_from(PROVIDERS)),
            published_at=None if day is None else T0 + timedelta(days=day, hours=draw(st.integers(0, 23))),
            heat=heat,
            quality=draw(st.none() | st.integers(0, 30)),
            published=draw(st.sampled_from([True, False, None])),
            topics=tuple(draw(st.lists(st.sampled_from(TOPICS), max_size=3, unique=True))),
            urls=tuple(draw(st.lists(st.sampled_from(["https://a.example/x", "https://b.example/y"]),
                                     max_size=2, unique=True))),
            excerpt=" ".join(draw(st.lists(st.sampled_from(WORDS), max_size=3))),
            heat_unscored=unscored,
        ))
    return out


@st.composite
def periods(draw) -> Period:
    year = draw(st.integers(2023, 2025))
    month = draw(st.none() | st.integers(1, 12))
    day = None if month is None else draw(st.none() | st.integers(1, 28))
    return Period(year, month, day)


@st.composite
def compares(draw) -> Compare:
    field = draw(st.sampled_from(["heat", "quality", "date"]))
    op = draw(st.sampled_from(["=", ">", ">=", "<", "<=", ".."]))
    pick = periods() if field == "date" else st.integers(0, 32)
    value = draw(pick)
    if op != "..":
        return Compare(field, op, value)
    upper = draw(pick)
    if field == "date":
        if upper.end() <= value.start():
            value, upper = upper, value
        if upper.end() <= value.start():
            upper = value
    elif upper < value:
        value, upper = upper, value
    return Compare(field, op, value, upper)


KINDS = [
    st.sampled_from(WORDS + ["rob", "a", "Ha", "alpha beta", "strasse", "vector post", "big tech"]).map(Text),
    st.sampled_from(TOPICS + ["big tech", "ENERGY", "nope"]).map(Topic),
    st.sampled_from(["vector", "Vector Post", "herald", "daily", "zzz"]).map(Provider),
    compares(), compares(), compares(), st.just(Unscored()),
    st.sampled_from(["published", "unpublished", "read", "unread", "saved"]).map(Is),
    st.sampled_from(["url", "date", "heat", "quality", "topics"]).map(Has),
]
ATOMS = st.sampled_from(range(len(KINDS))).flatmap(KINDS.__getitem__)  # every kind about as often
EXPRESSIONS = st.builds(  # one comparison in each: they have the most edges
    lambda terms, compare, at: str(Expression(tuple(terms[:at] + [compare] + terms[at:]))),
    st.lists(ATOMS | ATOMS.map(Not), max_size=3), compares() | compares().map(Not), st.integers(0, 3))
VIEWS = st.builds(
    Query, sort=st.sampled_from(list(SortKey)), descending=st.booleans(),
    topic=st.sampled_from([None, None, "AI", "Energy"]), published=st.sampled_from(list(Published)),
    search=EXPRESSIONS,
)


def user_state(read: Set[str], saved: Set[str]) -> UserState:
    return UserState(read=lambda: read, saved=lambda: saved)


@FAST
@given(entries(), st.lists(VIEWS, min_size=1, max_size=6), st.data())
def test_the_catalog_agrees_with_the_reference(corpus: list[Entry], views: list[Query], data) -> None:
    all_ids = [e.id for e in corpus]
    read = data.draw(st.sets(st.sampled_from(all_ids))) if all_ids else set()
    saved = data.draw(st.sets(st.sampled_from(all_ids))) if all_ids else set()
    catalog = Catalog(corpus)  # one catalog for the sequence: cached masks must never leak
    for q in views:
        expected = reference(corpus, q, read, saved)
        assert ids(catalog.query(q, user_state(read, saved))) == expected, q
        assert ids(Catalog(corpus).query(q, user_state(read, saved))) == expected, q


@FAST
@given(entries(), st.lists(EXPRESSIONS, min_size=1, max_size=4))
def test_after_warm_up_too(corpus: list[Entry], texts: list[str]) -> None:
    catalog = Catalog(corpus)
    catalog.warm_up()
    for text in texts:
        for q in (Query(search=text), Query(sort=SortKey.TITLE, descending=False, search=text)):
            assert ids(catalog.query(q)) == reference(corpus, q), q


@settings(FAST, max_examples=50)
@given(entries(n=30), entries(n=8), st.lists(EXPRESSIONS, min_size=1, max_size=3), st.data())
def test_after_changes_to_the_catalog(corpus: list[Entry], new: list[Entry], texts: list[str], data) -> None:
    catalog = Catalog(corpus)
    for text in texts:
        catalog.query(Query(search=text))  # fill the caches of this version
    changed = [Entry(id=f"e{i * 3:03d}.md", title=e.title, provider=e.provider, published_at=e.published_at,
                     heat=e.heat, quality=e.quality, published=e.published, topics=e.topics,
                     search_text=e.search_text, url_data=e.url_data, heat_unscored=e.heat_unscored)
               for i, e in enumerate(new)]
    gone = data.draw(st.sets(st.sampled_from([e.id for e in corpus]), max_size=4))
    catalog.apply(changed, gone)
    now = list(catalog.entries)
    for text in texts:
        q = Query(search=text)
        assert ids(catalog.query(q)) == reference(now, q), q


def random_corpus(rng: random.Random, n: int) -> list[Entry]:
    out = []
    for i in range(n):
        heat = rng.choice([None, *range(31)])
        out.append(Entry(
            id=f"r{i:03d}.md", title=" ".join(rng.sample(WORDS, rng.randrange(4))),
            provider=rng.choice(PROVIDERS),
            published_at=rng.choice([None, T0 + timedelta(days=rng.randrange(500), hours=rng.randrange(24))]),
            heat=heat, quality=rng.choice([None, *range(31)]), published=rng.choice([True, False, None]),
            topics=tuple(rng.sample(TOPICS, rng.randrange(3))),
            urls=("https://a.example/x",) * rng.randrange(2), heat_unscored=heat is None and rng.random() < 0.5,
        ))
    return out


def random_term(rng: random.Random) -> Term:
    kind = rng.randrange(8)
    if kind == 0:
        atom: Term = Text(rng.choice(WORDS + ["rob", "a", "alpha beta", "vector post"]))
    elif kind == 1:
        atom = Topic(rng.choice(TOPICS + ["ENERGY", "nope"]))
    elif kind == 2:
        atom = Provider(rng.choice(["vector", "herald", "daily", "zzz"]))
    elif kind == 3:
        atom = rng.choice([Unscored(), *map(Is, ["published", "unpublished", "read", "unread", "saved"]),
                           *map(Has, ["url", "date", "heat", "quality", "topics"])])
    elif kind in (4, 5):
        op = rng.choice(["=", ">", ">=", "<", "<=", ".."])
        lo, hi = sorted((rng.randrange(33), rng.randrange(33)))
        atom = Compare(rng.choice(["heat", "quality"]), op, lo, hi if op == ".." else None)
    else:
        op = rng.choice(["=", ">", ">=", "<", "<=", ".."])
        first, second = sorted(T0 + timedelta(days=rng.randrange(-20, 520)) for _ in range(2))
        depth = rng.randrange(3)
        lo, hi = (Period(d.year, d.month if depth else None, d.day if depth == 2 else None)
                  for d in (first, second))
        if hi.end() <= lo.start():
            hi = lo
        atom = Compare("date", op, lo, hi if op == ".." else None)
    return Not(atom) if rng.random() < 0.3 else atom


def test_a_seeded_sweep_of_every_operator_agrees_with_the_reference() -> None:
    rng = random.Random(2024)
    for round_ in range(24):
        corpus = random_corpus(rng, 60)
        read = {e.id for e in corpus if rng.random() < 0.3}
        saved = {e.id for e in corpus if rng.random() < 0.2}
        catalog = Catalog(corpus)
        if round_ % 2:
            catalog.warm_up()
        for _ in range(60):
            text = str(Expression(tuple(random_term(rng) for _ in range(rng.randrange(1, 4)))))
            q = Query(sort=rng.choice(list(SortKey)), descending=rng.random() < 0.5,
                      topic=rng.choice([None, None, "AI"]), published=rng.choice(list(Published)), search=text)
            assert ids(catalog.query(q, user_state(read, saved))) == reference(corpus, q, read, saved), q


# -- examples --------------------------------------------------------------------------------

def entry(id: str, **fields) -> Entry:
    base = dict(title="", provider="", published_at=None, heat=None, quality=None, published=None, topics=())
    base.update(fields)
    return Entry(id=id, **base)


def day(y: int, m: int, d: int, h: int = 0) -> datetime:
    return datetime(y, m, d, h, tzinfo=UTC)


SMALL = [
    entry("a", title="Robots learn", heat=90, quality=40, topics=("AI",), published=True,
          published_at=day(2024, 1, 1), urls=("https://x.example/a",)),
    entry("b", title="Batteries", heat=50, quality=95, topics=("Energy",), published=False,
          published_at=day(2023, 12, 31, 23), provider="Vector Post"),
    entry("c", title="Quiet star", heat=None, heat_unscored=True, quality=70, published_at=day(2024, 6, 1)),
    entry("d", title="Policy robots", heat=100, topics=("ai", "Policy"), published_at=day(2024, 5, 31, 23),
          provider="The Daily Vector"),
    entry("e", title="No date", heat=0, quality=None),
]


@pytest.mark.parametrize(("text", "expected"), [
    ("heat:>50", {"a", "d"}),
    ("heat:50", {"b"}),
    ("heat:50..90", {"a", "b"}),
    ("heat:<=50", {"b", "e"}),
    ("-heat:>50", {"b", "c", "e"}),  # the items without heat too
    ("heat:unscored", {"c"}),
    ("has:heat", {"a", "b", "d", "e"}),
    ("topic:ai", {"a", "d"}),  # the whole name, any case
    ("topic:a", set()),
    ("provider:vector", {"b", "d"}),
    ("provider:\"vector post\"", {"b"}),
    ("after:2023-12-31", {"a", "c", "d"}),  # after the day: not on it
    ("after:2023", {"a", "c", "d"}),
    ("before:2024", {"b"}),
    ("before:2024-06", {"a", "b", "d"}),
    ("date:2024-01-01", {"a"}),
    ("date:>=2023-12-31", {"a", "b", "c", "d"}),
    ("date:<=2024-05", {"a", "b", "d"}),
    ("date:2024-01..2024-05", {"a", "d"}),
    ("after:2023-12-31 before:2024-06", {"a", "d"}),
    ("-has:date", {"e"}),
    ("has:url", {"a"}),
    ("is:unpublished", {"b"}),
    ("is:published", {"a", "c", "d", "e"}),
    ('"robots learn"', {"a"}),
    ('"learn robots"', set()),
    ("robots -policy", {"a"}),
    ("robots -topic:Policy quality:>=40", {"a"}),
])
def test_examples(text: str, expected: set[str]) -> None:
    assert set(ids(Catalog(SMALL).query(Query(search=text)))) == expected


def test_results_keep_the_sort_order() -> None:
    c = Catalog(SMALL)
    assert ids(c.query(Query(sort=SortKey.HEAT, search="has:heat"))) == ["d", "a", "b", "e"]
    assert ids(c.query(Query(sort=SortKey.HEAT, descending=False, search="has:heat"))) == ["e", "b", "a", "d"]
    assert ids(c.query(Query(sort=SortKey.DATE, search="robots"))) == ["d", "a"]


def test_the_reader_state_comes_from_the_provider_asked_each_time() -> None:
    read: set[str] = set()
    saved = {"c"}
    asked: list[str] = []

    def reads() -> set[str]:
        asked.append("read")
        return read

    state = UserState(read=reads, saved=lambda: saved)
    c = Catalog(SMALL)
    assert set(ids(c.query(Query(search="is:unread"), state))) == {"a", "b", "c", "d", "e"}
    read.update({"a", "b", "gone.md"})  # an id not in the catalog is no trouble
    assert set(ids(c.query(Query(search="is:unread"), state))) == {"c", "d", "e"}
    assert set(ids(c.query(Query(search="is:read"), state))) == {"a", "b"}
    assert set(ids(c.query(Query(search="-is:read robots"), state))) == {"d"}
    assert set(ids(c.query(Query(search="is:saved"), state))) == {"c"}
    assert set(ids(c.query(Query(search="-is:saved heat:unscored"), state))) == set()
    assert asked == ["read"] * 4
    c.query(Query(search="robots heat:>5"), state)
    assert len(asked) == 4  # not asked when the query does not need it


def test_without_a_provider_nothing_is_read_or_saved() -> None:
    c = Catalog(SMALL)
    assert len(c.query(Query(search="is:unread"))) == len(SMALL)
    assert c.query(Query(search="is:read")) == [] and c.query(Query(search="is:saved")) == []


def test_many_read_ids() -> None:
    corpus = [entry(f"x{i}", title="t") for i in range(3000)]
    read = {f"x{i}" for i in range(0, 3000, 2)}
    got = Catalog(corpus).query(Query(search="is:unread"), UserState(read=lambda: read))
    assert ids(got) == [f"x{i}" for i in range(1, 3000, 2)]


def test_a_malformed_query_raises_a_query_error() -> None:
    with pytest.raises(QueryError, match="at column 7"):
        Catalog(SMALL).query(Query(search="heat:>abc"))


# -- the catalog's structures are reused ---------------------------------------------------------

def test_comparisons_bisect_the_cached_orders_without_sorting(monkeypatch) -> None:
    c = Catalog(SMALL * 0 + [entry(f"n{i}", heat=i % 7, quality=i % 5, published_at=day(2024, 1, 1 + i % 28))
                             for i in range(200)])
    c.warm_up()

    def no_sort(*args, **kwargs):
        raise AssertionError("sorted again")

    monkeypatch.setattr(snapshot, "sort_values", no_sort)
    monkeypatch.setattr(snapshot.Order, "sorted", no_sort)
    monkeypatch.setattr(query_eval, "_compared", no_sort)  # no pass over every value either
    for text in ("heat:3..5", "quality:<2", "date:2024-01-05..2024-01-09", "-heat:>=6"):
        for sort in SortKey:
            assert ids(c.query(Query(sort=sort, search=text))) == reference(list(c.entries), Query(sort=sort, search=text))


def test_before_warm_up_comparisons_compare_values_rather_than_sort(monkeypatch) -> None:
    corpus = [entry(f"n{i}", heat=None if i % 9 == 0 else i % 7, quality=i % 5,
                    published_at=None if i % 4 == 0 else day(2024, 1, 1 + i % 28, i % 24))
              for i in range(200)]
    c = Catalog(corpus)
    c.query(Query(sort=SortKey.TITLE))  # the list's order is made; no heat, quality or date order

    def no_sort(*args, **kwargs):
        raise AssertionError("sorted")

    monkeypatch.setattr(snapshot.Order, "sorted", no_sort)
    for text in ("heat:3..5", "heat:0", "heat:<1", "quality:<2", "quality:>=4", "date:2024-01-05..2024-01-09",
                 "date:>2024-01-27", "date:<=2024-01-02", "-heat:>=6", "date:0001..9998"):
        q = Query(sort=SortKey.TITLE, search=text)
        assert ids(c.query(q)) == reference(corpus, q), text


def test_term_masks_are_computed_once_per_version(monkeypatch) -> None:
    c = Catalog(SMALL)
    made: list[str] = []
    real = query_eval._atom_mask

    def counting(snap, term, now):
        made.append(str(term))
        return real(snap, term, now)

    monkeypatch.setattr(query_eval, "_atom_mask", counting)
    c.query(Query(search="heat:>5 provider:vector -topic:Policy r"))
    c.query(Query(search="heat:>5 provider:vector -topic:Policy ro"))
    c.query(Query(sort=SortKey.TITLE, search="provider:vector robots"))
    assert sorted(made) == ["heat:>5", "provider:vector", "topic:Policy"]
    c.upsert(entry("f", title="robots again", provider="Vector"))
    assert "f" in ids(c.query(Query(search="provider:vector robots")))  # a new version: made again
    assert made[-1] == "provider:vector"


def test_words_narrow_the_cached_search_under_the_other_terms(monkeypatch) -> None:
    corpus = [entry(f"w{i}", title=f"robot number {i}" if i % 3 else f"rocket {i}", heat=i % 10)
              for i in range(300)]
    c = Catalog(corpus)
    looked_at = [0]
    real = search.hits

    def counting(texts, needle):
        texts = list(texts)
        looked_at[0] += len(texts)
        return real(texts, needle)

    monkeypatch.setattr(search, "hits", counting)
    found = []
    for typed in ("heat:>4 r", "heat:>4 ro", "heat:>4 rob", "heat:>4 robo", "heat:>4 robot"):
        looked_at[0] = 0
        rows = c.query(Query(search=typed))
        assert ids(rows) == reference(corpus, Query(search=typed))
        found.append((looked_at[0], len(rows)))
    # the first word only among the 150 entries with heat > 4, each longer one
    # only among the entries the shorter one matched
    assert found[0] == (150, 150)
    assert all(looked <= before for (looked, _), (_, before) in zip(found[1:], found, strict=False))
    assert found[-1][1] == 100 and found[-1][0] == 100
    assert any(isinstance(f, tuple) and len(f) == 2 and f[1] == frozenset({"heat:>4"})
               for f, _ in c._state.searches)


def test_a_plain_search_keeps_the_old_cache_keys() -> None:
    c = Catalog(SMALL)
    c.query(Query(topic="AI", search="robots"))
    assert (("AI", Published.ALL), frozenset({b"robots"})) in c._state.searches
