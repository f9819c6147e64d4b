"""The catalog keeps one entry per id and applies changes in place (live reload, edits)."""

from __future__ import annotations

import random

from reader.core.catalog import Catalog
from reader.core.model import Entry
from reader.core.query import Published, Query, SortKey
from tests.test_query import big_corpus, entry, ids, random_query, reference

SAMPLE_QUERIES = [
    Query(sort=k, descending=d, topic=t, published=p, search=s)
    for k in SortKey for d in (True, False)
    for t, p, s in ((None, Published.ALL, ""), ("AI", Published.ALL, ""),
                    (None, Published.UNPUBLISHED, ""), (None, Published.ALL, "robot"),
                    ("Energy", Published.PUBLISHED, "e"))
]


def warm(c: Catalog) -> None:
    """Fill every cache a query can use, so changes have caches to patch."""
    assert c.warm_up()
    for q in SAMPLE_QUERIES:
        c.query(q)
    c.topic_counts()
    c.find_url(["https://warm.example/up"])  # builds the URL index
    c.largest(SortKey.HEAT)
    c.largest(SortKey.QUALITY)


def check(c: Catalog) -> None:
    rows = list(c.entries)
    assert len({e.id for e in rows}) == len(rows)
    for q in SAMPLE_QUERIES:
        assert ids(c.query(q)) == reference(rows, q), q
    fresh = Catalog(rows)
    assert c.topic_counts() == fresh.topic_counts()
    assert c.unpublished_count() == fresh.unpublished_count()
    for key in (SortKey.HEAT, SortKey.QUALITY):
        assert c.largest(key) == fresh.largest(key)
    for q in SAMPLE_QUERIES[:3]:
        assert list(c.order(q.sort, q.descending)) == list(fresh.order(q.sort, q.descending))
    for e in rows[::17]:
        for url in e.urls:
            assert c.find_url([url]) is fresh.find_url([url]), url
    assert c.find_url(["https://nowhere.example/none"]) is None


def test_extend_with_the_same_ids_replaces_instead_of_doubling() -> None:
    rows = big_corpus(200)
    c = Catalog(rows)
    c.extend(rows)  # a second scan of the same folder
    assert len(c) == 200
    changed = entry(rows[5].id, "changed robot")
    c.extend([changed])
    assert len(c) == 200
    assert c.get(rows[5].id) is changed
    assert c.entries[5] is changed  # in place: keeps its position (and its place among ties)


def test_a_batch_with_a_repeated_id_keeps_the_last() -> None:
    c = Catalog([entry("a", "one"), entry("a", "two"), entry("b", "bee")])
    assert [e.title for e in c.entries] == ["two", "bee"]


def test_sample_content_loaded_twice_stays_one_entry_per_item() -> None:
    from reader.core.loader import load_all
    from tests.conftest import SAMPLE

    entries, _, _ = load_all(SAMPLE)
    c = Catalog(entries)
    c.extend(entries)
    assert len(c) == len(entries) == len({e.id for e in entries})


def test_random_changes_on_a_warm_catalog_match_a_fresh_one() -> None:
    rng = random.Random(21)
    pool = big_corpus(400, seed=5)
    c = Catalog(pool[:300])
    warm(c)
    spare = iter(pool[300:])
    for step in range(60):
        current = list(c.entries)
        kind = rng.choice(["update", "update", "add", "remove", "mixed"])
        ups: list[Entry] = []
        gone: list[str] = []
        if kind in ("update", "mixed"):
            for victim in rng.sample(current, rng.randint(1, 3)):
                donor = rng.choice(pool)
                ups.append(Entry(victim.id, donor.title, donor.provider, donor.published_at,
                                 donor.heat, donor.quality, donor.published, donor.topics,
                                 donor.urls, heat_unscored=donor.heat_unscored,
                                 search_text=donor.search_text))
        if kind in ("add", "mixed"):
            ups.extend(e for e in (next(spare, None) for _ in range(2)) if e is not None)
        if kind in ("remove", "mixed"):
            gone = [e.id for e in rng.sample(current, 2)]
        c.apply(ups, gone)
        check(c)
        if step % 7 == 0:
            warm(c)


def test_largest_heat_and_quality_follow_changes() -> None:
    c = Catalog([entry("a", heat=241, quality=5), entry("b", heat=10, quality=191)])
    assert c.largest(SortKey.HEAT) == 241 and c.largest(SortKey.QUALITY) == 191
    c.upsert(entry("a", heat=3, quality=5))  # the largest went down
    assert c.largest(SortKey.HEAT) == 10
    c.upsert(entry("c", heat=500))
    assert c.largest(SortKey.HEAT) == 500
    c.remove("c")
    assert c.largest(SortKey.HEAT) == 10
    assert Catalog().largest(SortKey.HEAT) is None


def test_random_query_sequences_after_changes() -> None:
    rng = random.Random(4)
    rows = big_corpus(300, seed=11)
    c = Catalog(rows)
    warm(c)
    c.apply([entry(rows[0].id, "robot alpha", heat=55, topics=("AI",))], [rows[1].id])
    for _ in range(100):
        q = random_query(rng)
        assert ids(c.query(q)) == reference(list(c.entries), q), q


def test_a_small_change_patches_the_cached_orders_instead_of_sorting_again(monkeypatch) -> None:
    import reader.core.snapshot as snapshot_mod

    c = Catalog(big_corpus(300))
    warm(c)
    c.upsert(entry(c.entries[10].id, "robot", heat=99))
    c.remove(c.entries[20].id)
    c.upsert(entry("brand-new", "robot two", heat=3))

    def no_sorting(*args, **kwargs):
        raise AssertionError("an order was sorted again instead of patched")

    assert len(c._state.pending) == 2 * len(SortKey)
    with monkeypatch.context() as m:
        m.setattr(snapshot_mod, "sort_values", no_sorting)
        for q in SAMPLE_QUERIES:
            c.query(q)  # every order comes from replaying the three changes
        assert c.warm_up()  # and the replayed orders count as warm
    check(c)


def test_an_id_removed_and_added_in_one_change_is_replaced() -> None:
    c = Catalog([entry("a", "old"), entry("b", "bee")])
    c.apply([entry("a", "new")], ["a"])
    assert [e.title for e in c.entries] == ["new", "bee"]
    c.apply([], ["b", "nope"])
    assert [e.id for e in c.entries] == ["a"]


def test_positions_fold_their_changes_into_a_new_base(monkeypatch) -> None:
    from reader.core.patch import Positions

    monkeypatch.setattr(Positions, "FOLD", 3)
    rng = random.Random(2)
    rows = big_corpus(120, seed=9)
    c = Catalog(rows[:80])
    warm(c)
    spare = iter(rows[80:])
    for _ in range(25):
        gone = [rng.choice(list(c.entries)).id]
        c.apply([next(spare)], gone)
        assert len(c._state.positions().changes) <= 3
    check(c)
    for e in c.entries:
        assert c.get(e.id) is e
    assert c.get(gone[0]) is None and gone[0] not in c
