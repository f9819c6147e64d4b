"""Sorting, filtering, search, incremental narrowing, topic counts and URL lookup."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest

from reader.core.catalog import Catalog
from reader.core.model import Entry
from reader.core.query import Published, Query, SortKey, sort_order

T0 = datetime(2025, 1, 1, tzinfo=UTC)


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
    ties = {SortKey.HEAT: lambda e: e.quality, SortKey.QUALITY: lambda e: e.heat}
    for key, get in getters.items():
        tie = ties.get(key, lambda e: None)
        for descending in (True, False):
            present = [e for e in rows if get(e) is not None]
            # reference: the main value, then the tie-break value (missing last), then entry order
            if descending:
                expected = sorted(present, key=lambda e: (get(e), tie(e) is not None, tie(e) or 0),
                                  reverse=True)
            else:
                expected = sorted(present, key=lambda e: (get(e), tie(e) is None, tie(e) or 0))
            expected += [e for e in rows if get(e) is None]
            got = [rows[i] for i in sort_order(rows, key, descending)]
            assert ids(got) == ids(expected), (key, descending)


def test_heat_ties_are_broken_by_quality_and_quality_ties_by_heat() -> None:
    rows = [entry("a", heat=50, quality=10), entry("b", heat=50, quality=None),
            entry("c", heat=50, quality=90), entry("d", heat=70, quality=1),
            entry("e", heat=50, quality=90)]
    c = Catalog(rows)
    assert ids(c.query(Query(sort=SortKey.HEAT))) == ["d", "c", "e", "a", "b"]
    assert ids(c.query(Query(sort=SortKey.HEAT, descending=False))) == ["a", "c", "e", "b", "d"]
    rows = [entry("a", quality=5, heat=1), entry("b", quality=5, heat=300), entry("c", quality=5)]
    assert ids(Catalog(rows).query(Query(sort=SortKey.QUALITY))) == ["b", "a", "c"]


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


# -- the catalog at scale: caches, masks, warm-up, threads -------------------------------

from reader.core.query import matches  # noqa: E402

WORDS = ["robot", "energy", "alpha", "beta", "quantum", "policy", "rover", "rob", "ré", "straße",
         "’quoted’", "zeta", "gamma", "orbit", "robotics", "e", "x"]


def big_corpus(n: int = 600, seed: int = 3) -> list[Entry]:
    rng = random.Random(seed)

    def text(k: int) -> str:
        return " ".join(rng.choice(WORDS).upper() if rng.random() < 0.2 else rng.choice(WORDS)
                        for _ in range(k))

    return [
        entry(f"e{i:04d}", text(rng.randint(0, 5)), provider=rng.choice(["Gazette", "HERALD", "", "Ørsted Wire"]),
              day=rng.choice([None, *range(20)]), heat=rng.choice([None, *range(0, 100, 10)]),
              quality=rng.choice([None, 10, 20, 30]), published=rng.choice([None, True, False]),
              topics=tuple(rng.sample(["AI", "Energy", "Space", "Policy"], rng.randint(0, 2))),
              excerpt=text(rng.randint(0, 12)),
              urls=(f"https://site{i % 50}.example.com/a/{i}", f"https://amp.example.org/{i}?amp")[
                  : rng.randint(0, 2)])
        for i in range(n)
    ]


def reference(rows: list[Entry], q: Query) -> list[str]:
    """The contract, spelled out slowly."""
    got = [rows[i] for i in sort_order(rows, q.sort, q.descending)]
    if q.topic is not None:
        got = [e for e in got if q.topic in e.topics]
    if q.published is Published.UNPUBLISHED:
        got = [e for e in got if e.published is False]
    elif q.published is Published.PUBLISHED:
        got = [e for e in got if e.published is not False]
    words = q.search.casefold().split()
    return [e.id for e in got if all(w in e.search_text.decode() for w in words)]


def random_query(rng: random.Random) -> Query:
    return Query(
        sort=rng.choice(list(SortKey)), descending=rng.choice([True, False]),
        topic=rng.choice([None, None, "AI", "Space", "Nope"]),
        published=rng.choice(list(Published)),
        search=" ".join(rng.choice(WORDS + ["ro", "r", "bot", "ERG", "ss", "é"])
                        for _ in range(rng.choice([0, 1, 1, 2, 3]))),
    )


def test_random_queries_on_a_bigger_corpus_match_the_reference() -> None:
    rows = big_corpus()
    c = Catalog(rows)
    rng = random.Random(5)
    for _ in range(300):
        q = random_query(rng)
        assert ids(c.query(q)) == reference(rows, q), q


def test_typing_and_deleting_a_phrase_under_every_filter() -> None:
    rows = big_corpus()
    c = Catalog(rows)
    phrase = "robot energy rob e"
    for topic in (None, "AI"):
        for published in Published:
            for key in (SortKey.DATE, SortKey.TITLE):
                steps = [phrase[:i] for i in range(len(phrase) + 1)]
                for text in steps + steps[::-1] + ["e", "ro", "rob", "r", ""]:
                    q = Query(sort=key, topic=topic, published=published, search=text)
                    assert ids(c.query(q)) == reference(rows, q), q


def test_a_cached_search_under_another_sort_or_filter() -> None:
    rows = big_corpus()
    c = Catalog(rows)
    c.query(Query(search="robot"))  # cached without filters
    for q in (Query(sort=SortKey.TITLE, descending=False, search="robot"),
              Query(topic="AI", search="robot"), Query(topic="AI", search="robot rob"),
              Query(published=Published.UNPUBLISHED, search="robotics"),
              Query(topic="Space", published=Published.PUBLISHED, search="robot e")):
        assert ids(c.query(q)) == reference(rows, q), q


def test_results_are_the_callers_own_lists() -> None:
    c = catalog()
    first = c.query(Query(search="e"))
    expected = ids(first)
    first.clear()
    assert ids(c.query(Query(search="e"))) == expected == ids(catalog().query(Query(search="e")))
    everything = c.query(Query())
    everything.pop()
    assert len(c.query(Query())) == len(CORPUS)


def test_warm_up_gives_the_same_results() -> None:
    rows = big_corpus()
    c = Catalog(rows)
    assert c.warm_up() is True
    assert c.warm_up() is True  # again: nothing left to do
    rng = random.Random(9)
    for _ in range(150):
        q = random_query(rng)
        assert ids(c.query(q)) == reference(rows, q), q
    assert c.unpublished_count() == sum(e.published is False for e in rows)
    assert c.topic_counts() == Catalog(rows).topic_counts()


def test_warm_up_stops_when_the_entries_change() -> None:
    import reader.core.catalog as catalog_mod

    rows = big_corpus()
    c = Catalog(rows)
    real_values = catalog_mod.sort_values
    calls = 0

    def values_then_change(entries, key, *rest):  # the UI thread removes an entry meanwhile
        nonlocal calls
        calls += 1
        if calls == 2:
            c.remove("e0001")
        return real_values(entries, key, *rest)

    catalog_mod.sort_values = values_then_change
    try:
        assert c.warm_up() is False
    finally:
        catalog_mod.sort_values = real_values
    assert "e0001" not in ids(c.query(Query()))
    assert ids(c.query(Query(sort=SortKey.HEAT))) == reference(c.entries, Query(sort=SortKey.HEAT))
    assert c.warm_up() is True


def test_warm_up_in_a_thread_while_querying() -> None:
    import threading

    rows = big_corpus(3000, seed=8)
    c = Catalog(rows)
    errors: list[BaseException] = []

    def warm() -> None:
        try:
            c.warm_up()
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    worker = threading.Thread(target=warm)
    worker.start()
    rng = random.Random(13)
    checked = 0
    while worker.is_alive() or checked < 40:
        q = random_query(rng)
        assert ids(c.query(q)) == reference(rows, q), q
        checked += 1
    worker.join()
    assert not errors
    c.extend([entry("late", "late robot", day=99)])  # a change after warm-up
    assert ids(c.query(Query(search="late robot"))) == ["late"]


def test_extend_and_remove_many_keep_the_rest_intact() -> None:
    rows = big_corpus()
    c = Catalog(rows[:100])
    c.query(Query(search="robot"))
    c.extend(rows[100:])
    assert ids(c.query(Query(search="robot"))) == reference(rows, Query(search="robot"))
    gone = {e.id for e in rows[::3]}
    c.remove_many(gone)
    kept = [e for e in rows if e.id not in gone]
    for q in (Query(search="robot"), Query(topic="AI"), Query(published=Published.UNPUBLISHED)):
        assert ids(c.query(q)) == reference(kept, q), q
    assert c.get(rows[0].id) is None and c.get(rows[1].id) is rows[1]
    c.remove_many(set())
    c.remove_many({"no such id"})
    assert len(c) == len(kept)


def test_search_text_is_casefolded_and_matches_across_scripts() -> None:
    e = entry("s", "Straße ÉCOLE", provider="Ørsted", topics=("Énergie",), excerpt="“Quoted” text")
    c = Catalog([e])
    for word in ("strasse", "STRASSE", "école", "ørsted", "énergie", "“quoted”", "quoted"):
        assert ids(c.query(Query(search=word))) == ["s"], word
        assert matches(e, Query(search=word).words)
    assert c.query(Query(search="ecole")) == []  # no accent folding: casefold only
    assert c.query(Query(search="straße quoted énergie"))[0] is e


def test_no_match_across_fields() -> None:
    e = entry("f", "alpha", provider="beta", topics=("gamma",), excerpt="delta")
    c = Catalog([e])
    assert c.query(Query(search="alphadelta")) == []
    assert c.query(Query(search="alpha beta gamma delta")) == [e]


# -- Entry: packed fields -----------------------------------------------------------------

def test_entry_packs_urls_and_keeps_them() -> None:
    urls = ("https://a.example.com/x", "https://a.example.com/x?amp", "https://b.example/ü/\udc80")
    e = entry("u", "t", urls=urls)
    assert e.urls == urls
    assert entry("n", "t").urls == () and entry("n", "t").url_data == b""
    assert e == entry("u", "t", urls=urls)
    assert e != entry("u", "t", urls=urls[:2])
    assert Entry("u", "t", "", None, None, None, None, (), url_data=e.url_data).urls == urls


def test_entry_from_item_shares_provider_and_topic_strings() -> None:
    from reader.core import normalize

    items = [normalize.item(f"{i}.md", {"title": "t", "provider": {"name": "Some " + "Wire"},
                                         "topics": ["Deep " + "Tech"]}, "") for i in range(2)]
    a, b = (Entry.from_item(i) for i in items)
    assert a.provider is b.provider and a.topics[0] is b.topics[0]


def test_find_url_confirms_a_hash_hit_on_the_urls() -> None:
    from reader.core.model import pack_urls, url_hash

    real = entry("real", "r", urls=("https://real.example/page",))
    # an entry whose packed hash claims another URL: a CRC hit that is not a match
    data = bytearray(pack_urls(["https://fake.example/other"]))
    data[1:5] = url_hash("https://real.example/page").to_bytes(4, "little")
    fake = Entry("fake", "f", "", None, None, None, None, (), url_data=bytes(data))
    c = Catalog([fake, real])
    assert c.find_url(["https://real.example/page"]) is real
    assert Catalog([fake]).find_url(["https://real.example/page"]) is None


def test_find_url_prefers_the_first_entry_and_the_first_url() -> None:
    one = entry("one", urls=("https://x.example/a", "https://x.example/b"))
    two = entry("two", urls=("https://x.example/b/", "https://x.example/c"))
    c = Catalog([one, two])
    assert c.find_url(["https://x.example/b"]) is one
    assert c.find_url(["https://x.example/c", "https://x.example/a"]) is two
    c.remove("one")
    assert c.find_url(["https://x.example/b"]) is two
    c.warm_up()
    assert c.find_url(["http://www.X.example/C/"]) is two


def test_find_url_survives_damaged_packed_urls() -> None:
    from reader.core.model import url_hash

    good = entry("good", urls=("https://good.example/x",))
    short = Entry("short", "s", "", None, None, None, None, (), url_data=b"\x04abc")
    crc = url_hash("https://good.example/x").to_bytes(4, "little")
    garbage = Entry("garbage", "g", "", None, None, None, None, (), url_data=b"\x01" + crc + b"not deflate")
    c = Catalog([short, garbage, good])
    assert c.find_url(["https://good.example/x"]) is good
    assert c.find_url(["https://nowhere.example/"]) is None
