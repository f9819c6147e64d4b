#!/usr/bin/env python3
"""Query-language benchmark: representative queries on 100k entries, as ratios to a floor.

Usage:
    python bench/query_bench.py [CORPUS] [--runs R] [--cache-dir DIR] [--no-check]

CORPUS defaults to /tmp/rb/corpus-100000-seed7 (``bench/make_corpus.py 100000
... --seed 7``); nothing in it is changed. The entries are loaded the way the
CLI loads them (``reader.core.loader.load_all`` with an ``Index``) with
READER_CACHE_DIR in a temporary folder (``--cache-dir`` keeps the index for
the next run), then ``gc.freeze()`` as the app does once loaded.

On a Catalog after ``warm_up()`` (the app runs it in a thread once loaded),
each query is timed the first time it is asked: before each run the caches a
query fills are emptied (recent text searches, topic masks, single-term
masks), so a figure is never a cache hit. "repeat" is the same query asked
again right after (what backspacing or re-sorting costs). Medians of R runs.

The floors, measured in the same run: ``Catalog.query(Query())`` (no filter:
the cached order copied) and a plain one-word search. Ratios to them make the
figures comparable across machines.

Also: a query typed key by key as the search bar sends it (each prefix that
parses is queried, as the app does; the others cost one parse), and three
queries on a Catalog that has not been warmed up (no ascending order to
bisect yet: a comparison then compares every value in ``map`` passes).

Every result is checked against the slow reference of tests/test_query_eval.py
unless --no-check.
"""

from __future__ import annotations

import argparse
import gc
import os
import statistics
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(REPO))

DEFAULT_CORPUS = "/tmp/rb/corpus-100000-seed7"


def ms(seconds: float) -> float:
    return seconds * 1000


def pick_parameters(entries) -> dict[str, str]:
    """Values the corpus has: the two commonest topics, a common provider, a word
    from a title in the middle, a year with items."""
    topics = Counter(t for e in entries for t in e.topics).most_common(2)
    providers = Counter(e.provider for e in entries if e.provider).most_common(3)
    ordered = sorted(entries, key=lambda e: e.id)
    word, phrase = "market", "the market"
    for e in ordered[len(ordered) // 2:]:
        words = [w.casefold() for w in e.title.split() if w.isalpha() and w.isascii() and len(w) >= 5]
        pair = e.title.split()[:2]
        if words and len(pair) == 2 and all(w.isalpha() and w.isascii() for w in pair):
            word, phrase = words[0], " ".join(pair).casefold()
            break
    dates = sorted(e.published_at for e in entries if e.published_at is not None)
    middle = dates[len(dates) // 2]
    return {"top": topics[0][0], "second": topics[1][0], "provider": providers[2][0].split()[0],
            "word": word, "phrase": phrase, "year": str(middle.year), "month": f"{middle.year}-{middle.month:02d}"}


def queries(p: dict[str, str]) -> list[str]:
    top, second = (f'"{p[k]}"' if " " in p[k] else p[k] for k in ("top", "second"))
    return [
        "heat:>50",
        "heat:50..100",
        "quality:>=70",
        "-heat:>10",
        "heat:unscored",
        f"topic:{top}",
        f"-topic:{second}",
        f"provider:{p['provider']}",
        "is:unpublished",
        "is:unread",
        "has:url",
        f"date:{p['month']}",
        f"after:{p['year']}-01-31 before:{p['month']}",
        f'"{p["phrase"]}"',
        f"-{p['word']}",
        f"heat:>50 quality:>=70 topic:{top} -topic:{second} is:unpublished after:{p['year']} {p['word'][:4]}",
        f"topic:{top} heat:20..80 {p['word']}",
    ]


def forget(catalog) -> None:
    """Empty the caches a query fills (not the orders and buffer warm_up made)."""
    from reader.core import query_eval

    state = catalog._state
    state.searches.clear()
    state.topic_masks.clear()
    query_eval._term_masks.clear()


def timed(fn, runs: int, before=None) -> tuple[float, object]:
    samples = []
    result = None
    for _ in range(runs):
        if before is not None:
            before()
        t = time.perf_counter()
        result = fn()
        samples.append(time.perf_counter() - t)
    return statistics.median(samples), result


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("corpus", nargs="?", default=DEFAULT_CORPUS)
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--cache-dir", help="READER_CACHE_DIR to use (and keep); default: a temporary one")
    ap.add_argument("--no-check", dest="check", action="store_false")
    a = ap.parse_args()

    cache = a.cache_dir or tempfile.mkdtemp(prefix="query-bench-")
    os.environ["READER_CACHE_DIR"] = cache
    from reader.core.catalog import Catalog
    from reader.core.index import Index
    from reader.core.loader import load_all
    from reader.core.query import Query, SortKey
    from reader.core.querylang import QueryError, parse

    t = time.perf_counter()
    index = Index(a.corpus)
    try:
        entries, problems, _ = load_all(a.corpus, index=index)
    finally:
        index.close()
    load_s = time.perf_counter() - t
    gc.collect()
    gc.freeze()
    n = len(entries)
    print(f"query_bench: {n:,} entries from {a.corpus} in {load_s:.1f} s ({len(problems)} problems); "
          f"Python {sys.version.split()[0]}, {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f}")

    catalog = Catalog(entries)
    t = time.perf_counter()
    catalog.warm_up()
    print(f"warm_up {ms(time.perf_counter() - t):.0f} ms; runs {a.runs} (medians)")
    p = pick_parameters(entries)

    floor0, _ = timed(lambda: catalog.query(Query()), a.runs)
    floor1, rows = timed(lambda: catalog.query(Query(search=p["word"])), a.runs, before=lambda: forget(catalog))
    print(f"\nfloors: no filter {ms(floor0):.2f} ms; plain word {p['word']!r} {ms(floor1):.2f} ms "
          f"({len(rows):,} rows)\n")

    reference = None
    if a.check:
        sys.path.insert(0, str(REPO / "tests"))
        from test_query_eval import reference  # the slow, plain evaluator

    print("| query (100k entries, after warm-up) | rows | first, ms | × no filter | × plain word | repeat, ms |")
    print("|---|---:|---:|---:|---:|---:|")
    worst = 0.0
    for text in queries(p):
        q = Query(search=text)
        first, rows = timed(lambda q=q: catalog.query(q), a.runs, before=lambda: forget(catalog))
        again, _ = timed(lambda q=q: catalog.query(q), a.runs)
        worst = max(worst, first)
        if reference is not None:
            assert [e.id for e in rows] == reference(entries, q), text
        print(f"| `{text}` | {len(rows):,} | {ms(first):.1f} | {first / floor0:.0f} | "
              f"{first / floor1:.2f} | {ms(again):.1f} |")
    print(f"\nslowest query: {ms(worst):.1f} ms (target: ≤ 50 ms)"
          + ("; every result equal to the reference's" if reference is not None else ""))

    typed = queries(p)[-2]
    per_key = []
    errors = 0
    for run in range(a.runs):
        forget(catalog)
        keys = []
        for i in range(1, len(typed) + 1):
            t = time.perf_counter()
            try:
                parse(typed[:i])
            except QueryError:
                errors += run == 0
            else:
                catalog.query(Query(search=typed[:i]))
            keys.append(time.perf_counter() - t)
        per_key.append(keys)
    meds = [statistics.median(k) for k in zip(*per_key, strict=True)]
    print(f"\ntyping `{typed}` key by key ({len(typed)} keys, {errors} of them leave a malformed query): "
          f"median {ms(statistics.median(meds)):.1f} ms, max {ms(max(meds)):.1f} ms "
          f"({max(meds) / floor1:.2f} × plain word)")

    print("\nbefore warm-up (a fresh Catalog, sorted by date only: no order to bisect, every value compared):")
    for text in ("heat:>50", f"date:{p['year']}", f"topic:{p['top']}"):
        samples = []
        for _ in range(max(1, a.runs // 2)):
            fresh = Catalog(entries)
            fresh.query(Query(sort=SortKey.DATE))  # the list's own order, as the app's first paint
            t = time.perf_counter()
            fresh.query(Query(search=text))
            samples.append(time.perf_counter() - t)
        print(f"  `{text}`: {ms(statistics.median(samples)):.1f} ms")
    if not a.cache_dir:
        import shutil

        shutil.rmtree(cache, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
