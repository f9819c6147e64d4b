"""The catalog's orders as kept (index arrays, the title order merged from chunks):
the same rows as the plain sort contract, before and after warm-up and changes."""

from __future__ import annotations

import random
import threading

import pytest

from reader.core import snapshot
from reader.core.catalog import Catalog
from reader.core.model import Entry
from reader.core.query import Published, Query, SortKey, sort_order, sort_values, sorted_indices

TITLES = ["Alpha", "alpha", "ALPHA", "beta", "Beta", "", "Straße", "STRASSE", "ǅemo", "émile", "Émile",
          "zeta", "a", "A", "ﬁsh", "FISH", "Ünder", "under"]


def _entries(rng: random.Random, n: int) -> list[Entry]:
    return [
        Entry(f"{i:04d}.md", rng.choice(TITLES) + rng.choice(["", " x", " X", " b"]) * (rng.random() < 0.5),
              rng.choice(["", "Wire", "wire", "Gazette"]), None, rng.choice([None, 1, 2, 3]),
              rng.choice([None, 5, 7]), rng.choice([None, True, False]), ())
        for i in range(n)
    ]


@pytest.mark.parametrize("chunk", [1, 3, 7, 8192])
def test_titles_merged_from_chunks_sort_as_the_contract_says(monkeypatch, chunk: int) -> None:
    monkeypatch.setattr(snapshot, "TITLE_CHUNK", chunk)
    rng = random.Random(chunk)
    for n in (0, 1, 2, 5, 40, 300):
        entries = _entries(rng, n)
        for descending in (True, False):
            expected = sorted_indices(sort_values(entries, SortKey.TITLE, descending), descending)
            assert snapshot.title_indices(entries, descending) == expected


def test_warm_up_gives_every_query_the_rows_a_plain_sort_gives(monkeypatch) -> None:
    monkeypatch.setattr(snapshot, "TITLE_CHUNK", 16)
    rng = random.Random(3)
    entries = _entries(rng, 500)
    cold, warm = Catalog(entries), Catalog(entries)
    assert warm.warm_up()
    for key in SortKey:
        for descending in (True, False):
            for published in Published:
                q = Query(sort=key, descending=descending, published=published)
                want = [entries[i] for i in sort_order(entries, key, descending)]
                if published is Published.UNPUBLISHED:
                    want = [e for e in want if e.published is False]
                elif published is Published.PUBLISHED:
                    want = [e for e in want if e.published is not False]
                assert cold.query(q) == warm.query(q) == want


def test_orders_follow_changes_after_warm_up(monkeypatch) -> None:
    monkeypatch.setattr(snapshot, "TITLE_CHUNK", 16)
    rng = random.Random(4)
    entries = _entries(rng, 300)
    c = Catalog(entries)
    c.warm_up()
    for step in range(20):
        donor = _entries(rng, 1)[0]
        if step % 3 == 0:
            c.remove(rng.choice(c.entries).id)
        else:
            target = rng.choice(c.entries).id if step % 3 == 1 else f"new-{step}.md"
            c.upsert(Entry(target, donor.title, donor.provider, None, donor.heat, donor.quality,
                           donor.published, ()))
        now = list(c.entries)
        for key in SortKey:
            for descending in (True, False):
                want = [now[i] for i in sort_order(now, key, descending)]
                assert c.query(Query(sort=key, descending=descending)) == want


def test_shared_ints_grow_in_place_from_many_threads() -> None:
    sizes = [random.Random(i).randint(1, 50_000) for i in range(16)]
    got: list[list[int]] = []
    threads = [threading.Thread(target=lambda n=n: got.append(snapshot.shared_ints(n))) for n in sizes]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    ints = snapshot.shared_ints(max(sizes))
    assert all(g is ints for g in got)
    assert ints[:max(sizes)] == list(range(max(sizes)))
