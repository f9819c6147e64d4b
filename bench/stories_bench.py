#!/usr/bin/env python3
"""Story clusters at 10k and 100k items: full build, memory, one changed item.

Usage:
    python bench/stories_bench.py [--sizes 10000 100000] [--updates U] [--requery-only]
    python bench/stories_bench.py --sizes 100000 --app /tmp/rb

The items are bench/make_corpus.py's (seed 7: the same texts, URLs and
related lists as /tmp/rb/corpus-100000-seed7), made as entries directly
rather than loaded from disk, plus copies: the generator writes no
near-duplicates, so for 10% of the stories one copy is added (made as in
tests/story_data.py: another provider's suffix, a cut excerpt, AMP URLs...),
keeping N items in all. Related keys come from each item's related list
(``urls.related_url_keys``), as the loader would store them.

A warm start: the same entries restored from ``StoryIndex.cached()`` (what
the story cache keeps per unchanged file), and that cache written to and read
from its SQLite file once.

``--app CORPUS_DIR``: the real app on a pty until it logs that its stories
are found, cold then warm; the peak RSS of the app and of its story process.

Requeries (``requeries``): each query of ``REQUERIES`` outside stories mode
(``Catalog.query``) and in it (the same, then ``collapse``), interleaved on
the same catalog; ``--requery-only`` prints only that table.

Floors, measured in the same run on the same entries: the canonical URL keys
of every entry alone (``urls.identity_keys``), and reading every search text
once (decode and split). Figures are medians; the ratios compare across
machines. Memory: tracemalloc, what the built ``StoryIndex`` keeps and the
peak while building (the entries themselves excluded).
"""

from __future__ import annotations

import argparse
import gc
import os
import random
import statistics
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(REPO))

from reader.core.catalog import Catalog  # noqa: E402
from reader.core.query import Query, SortKey  # noqa: E402
from reader.core.stories import StoryConfig, StoryIndex  # noqa: E402
from reader.core.story_cache import StoryCache  # noqa: E402
from reader.core.story_view import StoryMap, code_table, collapse_at, story_counts_at  # noqa: E402
from reader.core.urls import identity_keys, related_url_keys  # noqa: E402
from tests import story_data as sd  # noqa: E402
from tests.conftest import load_make_corpus  # noqa: E402


def make_items(n: int, seed: int = 7) -> tuple[list[sd.Spec], dict[str, tuple[int, ...]]]:
    mc = load_make_corpus()
    bases, related = [], {}
    for name, f, _body in mc.generate_items(n - n // 11, seed):
        urls = tuple(f[k] for k in ("originalUrl", "webUrl", "ampWebUrl", "cdnAmpWebUrl") if k in f)
        heat = f.get("heat")
        bases.append(sd.Spec(name, f["title"], f["excerpt"], f["provider"]["name"], f["publishedDateTime"],
                             urls, story=name, heat=None if heat is None or heat < 0 else heat,
                             quality=f.get("quality")))
        keys = related_url_keys(f)
        if keys:
            related[name] = keys
    r = random.Random(seed)
    copies = [sd.copy_of(s, r.choice(sd.COPY_KINDS), 0, r) for s in r.sample(bases, n - len(bases))]
    return bases + copies, related


def timed(fn, runs: int = 1) -> float:
    out = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t)
    return statistics.median(out)


# Requeries a keypress makes (the unfiltered list, a sort, search letters, a topic).
REQUERIES = (Query(), Query().with_sort(SortKey.HEAT), Query().with_sort(SortKey.TITLE),
             Query(search="s"), Query(search="se"), Query(search="security"))


def requeries(entries: list, index: StoryIndex, runs: int = 7) -> dict[str, float]:
    """A requery outside stories mode (``Catalog.query``, what the app runs) and
    in it (``Catalog.query_positions`` then ``collapse_at``, as
    ``StoriesFlow.query`` runs them), interleaved, per query; medians, the mean
    over ``REQUERIES`` and the slowest. Also, once per clustering, the map the
    UI reads, and per catalog change the story codes table and the story
    counts (status line and sidebar) that stories mode makes again."""
    catalog = Catalog(entries)
    catalog.warm_up()
    t = time.perf_counter()
    story_map = StoryMap.of_index(index)
    map_s = time.perf_counter() - t

    def table():
        current, positions = catalog.positions()
        return code_table(current, story_map, positions)

    codes = table()

    def in_stories(q):
        current, positions = catalog.query_positions(q)
        return collapse_at(current, positions, codes, story_map).rows

    plain, stories, worst = 0.0, 0.0, 0.0
    for q in REQUERIES:
        catalog.query(q)  # the search masks of this query, as a keypress finds them
        outside, inside = [], []
        for _ in range(runs):
            outside.append(timed(lambda q=q: catalog.query(q)))
            inside.append(timed(lambda q=q: in_stories(q)))
        plain += statistics.median(outside)
        stories += statistics.median(inside)
        worst = max(worst, statistics.median(inside))
    counts = timed(lambda: story_counts_at(catalog.entries, codes), 5)
    table_s = timed(table, 5)
    k = len(REQUERIES)
    return {"plain_ms": plain / k * 1000, "stories_ms": stories / k * 1000, "worst_ms": worst * 1000,
            "map_ms": map_s * 1000, "counts_ms": counts * 1000, "table_ms": table_s * 1000}


def bench(n: int, updates: int, only_requery: bool = False) -> dict[str, float]:
    specs, related = make_items(n)
    entries = sd.entries(specs)
    gc.collect()
    gc.freeze()
    if only_requery:
        return {"n": n, **requeries(entries, StoryIndex(entries, related))}
    url_floor = timed(lambda: [identity_keys(e.urls) for e in entries], 3)
    text_floor = timed(lambda: [e.search_text.decode("utf-8", "replace").split("\x1f", 2) for e in entries], 3)
    t = time.perf_counter()
    index = StoryIndex(entries, related)
    build = time.perf_counter() - t
    del index
    gc.collect()
    tracemalloc.start()  # a second build, for memory only (tracing slows it down)
    before = tracemalloc.get_traced_memory()[0]
    index = StoryIndex(entries, related)
    kept, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    stories = index.stories(singles=False)
    cached = index.cached()
    t = time.perf_counter()
    restored = StoryIndex(entries, {}, cached=cached)  # a warm start: every file unchanged
    restore = time.perf_counter() - t
    assert restored.stories(singles=False) == stories
    del restored
    with tempfile.TemporaryDirectory() as tmp:
        store = StoryCache(Path(tmp) / "root", StoryConfig(), directory=tmp)
        rows = {i: ((1, 1), c) for i, c in cached.items()}
        cache_write = timed(lambda: store.write(rows))
        cache_load = timed(store.load)
        store.close()
    del cached
    figures = requeries(entries, index)
    r = random.Random(1)
    changed, removed, added = [], [], []
    for _ in range(updates):
        victim = r.choice(entries)
        other = r.choice(specs)
        new = sd.Spec(victim.id, other.title, other.excerpt, other.provider, other.published_at, other.urls,
                      story="")
        changed.append(timed(lambda new=new: index.update([new.entry()], related={})))
        removed.append(timed(lambda victim=victim: index.update(removed=[victim.id])))
        added.append(timed(lambda victim=victim: index.update([victim], related=related)))
    return {
        "n": n, "stories": len(stories), "joined": sum(len(s) for s in stories),
        "url_floor": url_floor, "text_floor": text_floor, "build": build,
        "restore": restore, "cache_write": cache_write, "cache_load": cache_load,
        "kept_mb": (kept - before) / 1e6, "peak_mb": (peak - before) / 1e6,
        "change_ms": statistics.median(changed) * 1000, "remove_ms": statistics.median(removed) * 1000,
        "add_ms": statistics.median(added) * 1000, **figures,
    }


def _hwm_mb(pid: int, field: str = "VmHWM:") -> float | None:
    try:
        with open(f"/proc/{pid}/status") as fh:
            for line in fh:
                if line.startswith(field):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return None


def _children(pid: int) -> list[int]:
    out: list[int] = []
    try:
        for task in Path(f"/proc/{pid}/task").iterdir():
            out.extend(int(c) for c in (task / "children").read_text().split())
    except OSError:
        pass
    return out


def app_rss(corpus_dir: str, n: int, timeout: float = 600) -> list[dict]:
    """The real app (``python -m reader ROOT`` on a pty, bench/run.py) until it
    logs that the stories are found; then the peak RSS (VmHWM) of the app and
    of its story process. A cold start (no index, no story cache), then a warm
    one (both present)."""
    sys.path.insert(0, str(HERE))
    import run  # bench/run.py

    root, _files, _gen = run.ensure_corpus(corpus_dir, n, 7)
    out = []
    with tempfile.TemporaryDirectory() as work:
        env = run.child_env(os.path.join(work, "home"), os.path.join(work, "cache"))
        log_path = os.path.join(env["READER_CACHE_DIR"], "reader.log")
        for kind in ("cold", "warm"):
            start_at = os.path.getsize(log_path) if os.path.exists(log_path) else 0
            s = run.PtySession(root, env)
            line = None
            try:
                deadline = time.perf_counter() + timeout
                worker_peak = 0.0
                while line is None and time.perf_counter() < deadline and not s.eof:
                    s.pump(0.05)
                    for child in _children(s.proc.pid):
                        worker_peak = max(worker_peak, _hwm_mb(child) or 0)
                    if os.path.exists(log_path):
                        with open(log_path, encoding="utf-8") as fh:
                            fh.seek(start_at)
                            line = next((x for x in fh if "stories found" in x), None)
                s.quiet(1.0, limit=10)
                app = _hwm_mb(s.proc.pid)
                worker_now = 0.0
                for child in _children(s.proc.pid):
                    worker_peak = max(worker_peak, _hwm_mb(child) or 0)
                    worker_now = max(worker_now, _hwm_mb(child, "VmRSS:") or 0)
                found = time.perf_counter() - s.t_spawn
            finally:
                s.close()
            out.append({"kind": kind, "app_mb": app, "worker_mb": worker_peak or None, "worker_now_mb": worker_now,
                        "found_s": found if line else None, "line": line.strip() if line else "(no line)"})
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    ap.add_argument("--updates", type=int, default=50)
    ap.add_argument("--requery-only", action="store_true", help="only the requery table")
    ap.add_argument("--app", metavar="CORPUS_DIR",
                    help="only the app's peak RSS until its stories are found (corpora kept in CORPUS_DIR)")
    args = ap.parse_args()
    results = []
    if args.app:
        print("| items | start | app peak RSS | story process peak RSS (RSS after) | spawn to stories found "
              "| app's log line |")
        print("|---:|---|---:|---:|---:|---|")
        for n in args.sizes:
            for r in app_rss(args.app, n):
                worker = f"{r['worker_mb']:.0f} MB ({r['worker_now_mb']:.0f} MB)" if r["worker_mb"] else "none"
                found = f"{r['found_s']:.1f} s" if r["found_s"] else "—"
                print(f"| {n:,} | {r['kind']} | {r['app_mb']:.0f} MB | {worker} | {found} | {r['line'][-90:]} |",
                      flush=True)
        return 0
    if args.requery_only:
        for n in args.sizes:
            print_requeries([bench(n, 0, only_requery=True)])
        return 0
    print("| items | stories of 2+ (items in them) | URL keys floor | search texts floor | full build | "
          "build / URL floor | build / text floor | warm start (cached) | warm / URL floor | cache write | "
          "cache read | kept | peak | change one | remove one | add one |")
    print("|" + "---:|" * 16)
    for n in args.sizes:
        f = bench(n, args.updates)
        print(f"| {n:,} | {f['stories']:,} ({f['joined']:,}) | {f['url_floor']:.2f} s | {f['text_floor'] * 1000:.0f} ms "
              f"| {f['build']:.2f} s | {f['build'] / f['url_floor']:.1f}× | {f['build'] / f['text_floor']:.0f}× "
              f"| {f['restore']:.2f} s | {f['restore'] / f['url_floor']:.2f}× | {f['cache_write']:.2f} s "
              f"| {f['cache_load']:.2f} s "
              f"| {f['kept_mb']:.0f} MB | {f['peak_mb']:.0f} MB | {f['change_ms']:.2f} ms | {f['remove_ms']:.2f} ms "
              f"| {f['add_ms']:.2f} ms |", flush=True)
        results.append(f)
    print_requeries(results)
    return 0


def print_requeries(results: list[dict[str, float]]) -> None:
    print("\n| items | requery outside stories mode (mean of 6) | in stories mode | ratio | "
          "slowest query in stories mode | per catalog change: codes table + story counts | map made (per clustering) |")
    print("|" + "---:|" * 7)
    for f in results:
        print(f"| {f['n']:,} | {f['plain_ms']:.1f} ms | {f['stories_ms']:.1f} ms "
              f"| {f['stories_ms'] / f['plain_ms']:.2f}× | {f['worst_ms']:.1f} ms | {f['table_ms']:.1f} + {f['counts_ms']:.1f} ms "
              f"| {f['map_ms']:.0f} ms |", flush=True)


if __name__ == "__main__":
    sys.exit(main())
