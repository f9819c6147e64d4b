"""Sorting, filtering, search, incremental narrowing, topic counts and URL lookup."""

from __future__ import annotations

import random
from datetime import datetime, timedelta, timezone

import pytest

from reader.core.model import Entry
from reader.core.query import Catalog, Published, Query, SortKey, sort_order

T0 = datetime(2025, 1, 1, tzinfo=timezone.utc)


def entry(
    id: str,
    title: str = "",
    *,
    provider: str = "",
    day: int | None = None,
    heat: int | None = None,
    quality: int | None = None,
    published: bool | None = None,
    topics: tuple[str, ...] = (),
    urls: tuple[str, ...] = (),
    excerpt: str = "",
) -> Entry:
    return Entry(
        id=id, title=title, provider=provider,
        published_at=None if day is None else T0 + timedelta(days=day),
        heat=heat, quality=quality, published=published, topics=topics, urls=urls,
        excerpt=excerpt,
    )


def ids(rows) -> list[str]:
    return [e.id for e in rows]


CORPUS = [
    entry("a", "Alpha robots learn to walk", provider="Gazette", day=4, heat=90, quality=40,
          published=True, topics=("Robotics", "AI"), excerpt="Robots & walking",
          urls=("https://gazette.example.com/alpha",)),
    entry("b", "Beta batteries store more", provider="Herald", day=59, heat=10, quality=95,
          published=False, topics=("Energy",), urls=("https://www.herald.example.org/beta/",)),
    entry("c", "gamma rays from a quiet star", provider="Orbital Desk", day=-8, heat=50,
          quality=70, published=False, topics=("Space",)),
    entry("d", "Delta markup stays text", provider="courier", day=31, heat=30, quality=20,
          published=True, topics=("AI",)),
    entry("e", "Epsilon energy policy", provider="Herald", day=45, heat=None, quality=None,
          published=None, topics=("Energy", "Policy"), excerpt="A robotic arm"),
    entry("f", "Zeta quantum chips", provider="Gazette", day=None, heat=70, quality=60,
          published=True, topics=("Quantum", "AI")),
    entry("g", "", provider="", day=None, heat=None, quality=None, topics=()),
]


def catalog() -> Catalog:
    return Catalog(CORPUS)


# -- sorting -----------------------------------------------------------------------

@pytest.mark.parametrize(
    ("key", "descending", "expected"),
    [
        (SortKey.HEAT, True, ["a", "f", "c", "d", "b", "e", "g"]),
        (SortKey.HEAT, False, ["b", "d", "c", "f", "a", "e", "g"]),
        (SortKey.QUALITY, True, ["b", "c", "f", "a", "d", "e", "g"]),
        (SortKey.QUALITY, False, ["d", "a", "f", "c", "b", "e", "g"]),
        (SortKey.DATE, True, ["b", "e", "d", "a", "c", "f", "g"]),
        (SortKey.DATE, False, ["c", "a", "d", "e", "b", "f", "g"]),
        (SortKey.TITLE, False, ["a", "b", "d", "e", "c", "f", "g"]),  # case-insensitive
        (SortKey.TITLE, True, ["f", "c", "e", "d", "b", "a", "g"]),
        (SortKey.PROVIDER, False, ["d", "a", "f", "b", "e", "c", "g"]),
        (SortKey.PROVIDER, True, ["c", "b", "e", "a", "f", "d", "g"]),
    ],
)
def test_sort(key: SortKey, descending: bool, expected: list[str]) -> None:
    q = Query(sort=key, descending=descending)
    assert ids(catalog().query(q)) == expected


@pytest.mark.parametrize("key", list(SortKey))
@pytest.mark.parametrize("descending", [True, False])
def test_missing_values_last_in_both_directions(key: SortKey, descending: bool) -> None:
    rows = [entry(str(i), heat=None, quality=None) for i in range(3)]
    rows.insert(1, entry("x", "x", provider="p", day=1, heat=1, quality=1))
    order = sort_order(rows, key, descending)
    assert [rows[i].id for i in order] == ["x", "0", "1", "2"]


@pytest.mark.parametrize("key", list(SortKey))
@pytest.mark.parametrize("descending", [True, False])
def test_sort_is_stable_for_ties_in_both_directions(key: SortKey, descending: bool) -> None:
    rows = [
        entry(f"tie{i}", "Same", provider="Same", day=3, heat=5, quality=5) for i in range(5)
    ]
    rows.insert(2, entry("low", "Aaa", provider="Aaa", day=1, heat=1, quality=1))
    rows.append(entry("high", "Zzz", provider="Zzz", day=9, heat=9, quality=9))
    got = [rows[i].id for i in sort_order(rows, key, descending)]
    ties = [r for r in got if r.startswith("tie")]
    assert ties == [f"tie{i}" for i in range(5)]  # original order, either direction
    assert got[0] == ("high" if descending else "low")
    assert got[-1] == ("low" if descending else "high")


def test_random_sorts_match_a_reference() -> None:
    rng = random.Random(7)
    rows = [
        entry(str(i), rng.choice(["b", "A", "c", ""]), provider=rng.choice(["x", "Y", ""]),
              day=rng.choice([None, 1, 2, 3]), heat=rng.choice([None, 0, 50, 100]),
              quality=rng.choice([None, 10, 20]))
        for i in range(200)
    ]
    getters = {
        SortKey.HEAT: lambda e: e.heat, SortKey.QUALITY: lambda e: e.quality,
        SortKey.DATE: lambda e: e.published_at,
        SortKey.TITLE: lambda e: e.title.casefold() or None,
        SortKey.PROVIDER: lambda e: e.provider.casefold() or None,
    }
    for key, get in getters.items():
        for descending in (True, False):
            present = [e for e in rows if get(e) is not None]
            # reference: stable sort on a key that inverts order without reversing ties
            groups: dict = {}
            for e in present:
                groups.setdefault(get(e), []).append(e)
            expected = [e for k in sorted(groups, reverse=descending) for e in groups[k]]
            expected += [e for e in rows if get(e) is None]
            got = [rows[i] for i in sort_order(rows, key, descending)]
            assert ids(got) == ids(expected), (key, descending)


def test_query_with_sort_uses_the_keys_natural_direction() -> None:
    assert Query().with_sort(SortKey.HEAT).descending is True
    assert Query().with_sort(SortKey.TITLE).descending is False
    assert Query(search="x").with_sort(SortKey.DATE).search == "x"


# -- filters -------------------------------------------------------------------------

def test_filter_by_topic() -> None:
    q = Query(sort=SortKey.HEAT, topic="AI")
    assert ids(catalog().query(q)) == ["a", "f", "d"]
    assert catalog().query(Query(topic="ai")) == []  # exact topic names
    assert catalog().query(Query(topic="Nope")) == []


def test_filter_by_published_state() -> None:
    c = catalog()
    unpublished = ids(c.query(Query(sort=SortKey.TITLE, descending=False,
                                    published=Published.UNPUBLISHED)))
    assert unpublished == ["b", "c"]  # explicit false only; e and g lack the field
    published = ids(c.query(Query(sort=SortKey.TITLE, descending=False,
                                  published=Published.PUBLISHED)))
    assert published == ["a", "d", "e", "f", "g"]
    assert c.unpublished_count() == 2
    assert len(c.query(Query())) == len(CORPUS)


def test_topic_and_state_combine() -> None:
    q = Query(topic="Energy", published=Published.UNPUBLISHED)
    assert ids(catalog().query(q)) == ["b"]


# -- search --------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("search", "expected"),
    [
        ("ALPHA", {"a"}),                # title, case-insensitive
        ("walking", {"a"}),              # excerpt
        ("orbital desk", {"c"}),         # provider (both words)
        ("quantum", {"f"}),              # title + topic
        ("policy", {"e"}),               # topic
        ("herald", {"b", "e"}),          # provider
        ("rob", {"a", "e"}),             # substring: Robots, robotic, Robotics
        ("robot energy", {"e"}),         # all words must match (excerpt + topic)
        ("robot   ENERGY  ", {"e"}),
        ("robot zeta", set()),
        ("", {e.id for e in CORPUS}),
        ("   ", {e.id for e in CORPUS}),
    ],
)
def test_text_search(search: str, expected: set[str]) -> None:
    assert set(ids(catalog().query(Query(search=search)))) == expected


def test_search_keeps_sort_order() -> None:
    assert ids(catalog().query(Query(sort=SortKey.HEAT, search="herald"))) == ["b", "e"]
    assert ids(catalog().query(Query(sort=SortKey.HEAT, descending=False, search="e")))[0] == "b"


def test_incremental_narrowing_equals_a_fresh_query() -> None:
    c = catalog()
    for partial in ("r", "ro", "rob", "robo", "robot"):
        got = c.query(Query(search=partial))
        assert ids(got) == ids(catalog().query(Query(search=partial))), partial
    assert set(ids(c.query(Query(search="robot")))) == {"a", "e"}
    # widening again (backspace) must not reuse the narrower result
    assert set(ids(c.query(Query(search="r")))) == set(ids(catalog().query(Query(search="r"))))


def test_random_query_sequences_match_fresh_queries() -> None:
    rng = random.Random(11)
    words = ["r", "ro", "rob", "robot", "a", "al", "e", "en", "energy", "ai", "z", "her",
             "robot e", "e robot", "ro en", "gazette", "x"]
    c = catalog()
    for _ in range(400):
        q = Query(
            sort=rng.choice(list(SortKey)),
            descending=rng.choice([True, False]),
            topic=rng.choice([None, None, "AI", "Energy"]),
            published=rng.choice(list(Published)),
            search=rng.choice(words),
        )
        assert ids(c.query(q)) == ids(Catalog(CORPUS).query(q)), q


def test_catalog_changes_invalidate_cached_results() -> None:
    c = catalog()
    assert ids(c.query(Query(search="rob"))) == ["e", "a"]
    c.upsert(entry("h", "A new robot", day=100))
    assert ids(c.query(Query(search="robot"))) == ["h", "e", "a"]
    c.remove("e")
    assert ids(c.query(Query(search="robot"))) == ["h", "a"]
    c.upsert(entry("a", "No longer matching", day=4))
    assert ids(c.query(Query(search="robot"))) == ["h"]
    assert c.get("a").title == "No longer matching"
    c.extend([entry("i", "robot two", day=200)])
    assert ids(c.query(Query(search="robot"))) == ["i", "h"]


# -- topic index and URL lookup ---------------------------------------------------------

def test_topic_counts() -> None:
    assert catalog().topic_counts() == [
        ("AI", 3), ("Energy", 2), ("Policy", 1), ("Quantum", 1), ("Robotics", 1), ("Space", 1),
    ]
    c = catalog()
    c.remove("b")
    assert ("Energy", 1) in c.topic_counts()


@pytest.mark.parametrize(
    "url",
    [
        "https://gazette.example.com/alpha",
        "http://gazette.example.com/alpha",
        "https://www.gazette.example.com/alpha",
        "https://gazette.example.com/alpha/",
        "  HTTPS://Gazette.Example.com/alpha  ",
    ],
)
def test_find_url_variants(url: str) -> None:
    found = catalog().find_url([url])
    assert found is not None and found.id == "a"


def test_find_url_www_and_slash_on_the_stored_side() -> None:
    c = catalog()
    for url in ("http://herald.example.org/beta", "https://herald.example.org/beta/",
                "https://www.herald.example.org/beta"):
        found = c.find_url([url])
        assert found is not None and found.id == "b", url


def test_find_url_tries_each_candidate_and_misses_cleanly() -> None:
    c = catalog()
    assert c.find_url(["https://nowhere.example/x", "https://gazette.example.com/alpha"]).id == "a"
    assert c.find_url(["https://nowhere.example/x"]) is None
    assert c.find_url([]) is None
    assert c.find_url(["https://gazette.example.com/alpha-beta"]) is None
