#!/usr/bin/env python3
"""Load benchmark: cold and warm scans, first batch, queries, peak RSS.

Usage:
    python bench/load_bench.py N [DIR] [--seed S] [--runs R] [--drop-cache] [--keep] [--skip-cold]

Without DIR a corpus of N items is generated with bench/make_corpus.py in a
temporary folder (and its files are given old mtimes, as a real collection has);
with DIR that folder is used as it is (N is then only a label) and nothing in it
is changed. Every measured load runs in a fresh process, so each peak RSS is
that load's own:

* cold, no index   -- every file parsed (fast path + YAML fallback), nothing stored
* cold, first start -- every file parsed and the index written (the app's first run)
* warm             -- index present, nothing changed: no file parsed (median of R runs)

Around the cold loads, the read floor (``bench/start.py --read``: a fresh process
that reads every file once) is measured too, and each cold load is given as a
ratio to it (page cache as it is, or dropped per file with ``--drop-cache``).

``first batch`` is when the first entries are available; ``first paint`` adds
building a Catalog of them and the default query (what the list shows first).
Catalog timings (median of R runs, in the first warm load's process) are on all
entries, each on a fresh Catalog ("first": what a query costs before warm-up)
and after ``Catalog.warm_up()`` ("warm"): each sort key both ways, topic and
published-state filters, 1- and 3-word searches, topic+search, typing a phrase
keystroke by keystroke (each query narrowing the last) and deleting it again,
plus warm_up itself, topic counts, the unpublished count and find_url. Every
result is compared with a slow reference implementation of the contract.
An older Catalog without warm_up() is measured too ("warm" = its orders computed).
Memory: peak RSS of each load; RSS with a warmed Catalog; peak after the queries
(which build many throwaway Catalogs: a bench figure, not an app one).
``--skip-cold`` skips the "cold, no index" load.
``--drop-cache`` evicts the corpus (and index) from the page cache before each
load with posix_fadvise(DONTNEED), for a cold-disk figure where that works.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(REPO))


def _mb(kb: int) -> float:
    return kb / 1024 if sys.platform != "darwin" else kb / 1024 / 1024


def _drop_cache(paths: list[Path]) -> int:
    dropped = 0
    for top in paths:
        if not top.exists():
            continue
        files = [top] if top.is_file() else (p for p in top.rglob("*") if p.is_file())
        for path in files:
            try:
                fd = os.open(path, os.O_RDONLY)
            except OSError:
                continue
            try:
                os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
                dropped += 1
            except (OSError, AttributeError):
                pass
            finally:
                os.close(fd)
    return dropped


# -- one measured load (child process) --------------------------------------------------

def phase(root: str, index_dir: str | None, runs: int) -> dict:
    t_import = time.perf_counter()
    from reader.core.catalog import Catalog
    from reader.core.index import Index
    from reader.core.loader import scan
    from reader.core.query import Query

    out: dict = {"import_s": time.perf_counter() - t_import}
    ix = Index(root, directory=index_dir) if index_dir else None
    by_id: dict = {}
    problems: dict = {}
    t0 = time.perf_counter()
    first_batch = first_paint = None
    batches = 0
    report = None
    for batch in scan(root, index=ix):
        batches += 1
        for item_id in batch.removed:
            by_id.pop(item_id, None)
            problems.pop(item_id, None)
        for e in batch.entries:
            by_id[e.id] = e
        for p in batch.problems:
            problems[p.id] = p
        if first_batch is None and batch.entries:
            first_batch = time.perf_counter() - t0
            Catalog(batch.entries).query(Query())
            first_paint = time.perf_counter() - t0
        if batch.report is not None:
            report = batch.report
    total = time.perf_counter() - t0
    if ix is not None:
        ix.close()
    entries = list(by_id.values())
    del by_id
    out["load_maxrss_mb"] = _mb(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
    out.update(
        first_batch_s=first_batch, first_paint_s=first_paint, total_s=total,
        entries=len(entries), problems=len(problems), batches=batches,
        report={k: getattr(report, k) for k in report.__slots__} if report else None,
    )
    if runs:
        out["queries"] = queries(entries, runs)
    out["maxrss_mb"] = _mb(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
    out["children_maxrss_mb"] = _mb(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
    return out


def _rss_mb() -> float | None:
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return None


def _forget_searches(cat) -> None:
    """Drop a Catalog's cached search results, so that a run times a search, not a
    cache hit (reaches into the Catalog's internals; a no-op where they differ)."""
    searches = getattr(getattr(cat, "_state", None), "searches", None)
    if isinstance(searches, dict):
        searches.clear()


def reference_query(entries: list, q) -> list:
    """The contract, spelled out slowly: stable sort (None last), filters, all words."""
    from reader.core.query import Published, matches, sort_order

    rows = [entries[i] for i in sort_order(entries, q.sort, q.descending)]
    if q.topic is not None:
        rows = [e for e in rows if q.topic in e.topics]
    if q.published is Published.UNPUBLISHED:
        rows = [e for e in rows if e.published is False]
    elif q.published is Published.PUBLISHED:
        rows = [e for e in rows if e.published is not False]
    return [e for e in rows if matches(e, q.words)]


def queries(entries: list, runs: int) -> dict:
    """Catalog timings (median of ``runs``, ms), each result checked against the contract.

    "first" = on a fresh Catalog (what a query costs before warm_up, e.g. while
    loading); the rest on a warmed one (warm_up(), as the app does after loading),
    searches with the Catalog's cache of search results emptied before each run.
    """
    from reader.core.catalog import Catalog
    from reader.core.query import Published, Query, SortKey

    def median_ms(fn, setup=None) -> float:
        times = []
        for _ in range(runs):
            arg = setup() if setup is not None else None
            t = time.perf_counter()
            fn(arg)
            times.append((time.perf_counter() - t) * 1000)
        return round(statistics.median(times), 2)

    def warmed() -> Catalog:
        c = Catalog(entries)
        if hasattr(c, "warm_up"):
            c.warm_up()
        else:  # an older Catalog: compute every order the slow way
            for key in SortKey:
                for desc in (True, False):
                    c.order(key, desc)
        return c

    res: dict = {}
    mem: dict = {"rss before catalog": _rss_mb()}
    res["Catalog(entries)"] = median_ms(lambda _: Catalog(entries))
    t = time.perf_counter()
    cat = warmed()
    res["warm_up (first call)"] = round((time.perf_counter() - t) * 1000, 1)
    cat.query(Query())
    mem["rss with a warmed catalog"] = _rss_mb()
    mem["peak rss with a warmed catalog"] = _mb(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
    if hasattr(cat, "warm_up"):
        res["warm_up"] = median_ms(lambda c: c.warm_up(), setup=lambda: Catalog(entries))
    res["topic_counts (fresh)"] = median_ms(lambda c: c.topic_counts(), setup=lambda: Catalog(entries))
    res["unpublished_count (fresh)"] = median_ms(lambda c: c.unpublished_count(),
                                                 setup=lambda: Catalog(entries))
    some_url = next((u for e in entries[len(entries) // 2:] for u in e.urls), "https://x.example/")
    res["find_url (fresh: builds the URL lookup)"] = median_ms(
        lambda c: c.find_url(["https://nowhere.example.invalid/x"]), setup=lambda: Catalog(entries))
    cat.find_url([some_url])
    res["find_url hit"] = median_ms(lambda _: cat.find_url([some_url]))
    res["find_url miss"] = median_ms(lambda _: cat.find_url(["https://nowhere.example.invalid/x"]))
    assert cat.find_url([some_url]) is not None

    other = Query(search="zzzz")  # run between two timed queries: no reuse of the last result
    for key in SortKey:
        for desc in (True, False):
            q = Query(sort=key, descending=desc)
            name = f"{key.value}{'↓' if desc else '↑'}"
            res[f"sort {name} (first)"] = median_ms(lambda c, q=q: c.query(q),
                                                    setup=lambda: Catalog(entries))
            res[f"sort {name}"] = median_ms(lambda _, q=q: cat.query(q), setup=lambda: cat.query(other))
            assert [e.id for e in cat.query(q)] == [e.id for e in reference_query(entries, q)], name

    topics = cat.topic_counts()
    top = topics[0][0] if topics else "AI"
    mid = topics[len(topics) // 2][0] if topics else "AI"
    words = [w for w in (entries[len(entries) // 2].title.split() if entries else []) if len(w) > 3]
    one = (words[0] if words else "model").casefold()
    three = " ".join(
        (entries[len(entries) // 3].title.split() + ["a", "b", "c"])[:3]
    ) if entries else "a b c"
    labels = {
        f"topic {top!r}": Query(topic=top),
        f"topic {mid!r}": Query(topic=mid),
        "unpublished": Query(published=Published.UNPUBLISHED),
        "published": Query(published=Published.PUBLISHED),
        f"search {one!r}": Query(search=one),
        f"search {three!r}": Query(search=three),
        "search 'e' (matches nearly all)": Query(search="e"),
        "search 'ro'": Query(search="ro"),
        f"topic+search {one!r}": Query(topic=top, search=one),
        f"title↑ + unpublished + search {one!r}": Query(sort=SortKey.TITLE, descending=False,
                                                        published=Published.UNPUBLISHED, search=one),
    }
    rows: dict = {}
    def fresh_search() -> None:
        _forget_searches(cat)
        cat.query(other)

    for label, q in labels.items():
        res[label + " (first)"] = median_ms(lambda c, q=q: c.query(q), setup=lambda: Catalog(entries))
        res[label] = median_ms(lambda _, q=q: cat.query(q), setup=fresh_search)
        got = cat.query(q)
        assert [e.id for e in got] == [e.id for e in reference_query(entries, q)], label
        rows[label] = len(got)
    q = Query(search=one)
    res[f"search {one!r} again (cached result)"] = median_ms(lambda _: cat.query(q),
                                                           setup=lambda: cat.query(other))
    q = Query(sort=SortKey.TITLE, descending=False, search=one)
    res[f"search {one!r}, re-sorted by title"] = median_ms(lambda _: cat.query(q),
                                                          setup=lambda: cat.query(Query(search=one)))

    # typing the phrase keystroke by keystroke (each query narrows the one before)
    per_key: list[list[float]] = [[] for _ in three]
    for _ in range(runs):
        _forget_searches(cat)
        cat.query(Query())
        for i in range(len(three)):
            t = time.perf_counter()
            got = cat.query(Query(search=three[: i + 1]))
            per_key[i].append((time.perf_counter() - t) * 1000)
    assert [e.id for e in got] == [e.id for e in reference_query(entries, Query(search=three))]
    meds = [statistics.median(k) for k in per_key]
    res[f"typing {three!r}: slowest keystroke"] = round(max(meds), 2)
    res[f"typing {three!r}: median keystroke"] = round(statistics.median(meds), 2)
    res[f"typing {three!r}: all {len(three)} keystrokes"] = round(sum(meds), 2)
    # and back (backspace): each query widens the last one
    per_key = [[] for _ in three]
    for _ in range(runs):
        _forget_searches(cat)
        cat.query(Query(search=three))
        for i in range(len(three) - 1, -1, -1):
            t = time.perf_counter()
            cat.query(Query(search=three[:i]))
            per_key[i].append((time.perf_counter() - t) * 1000)
    res[f"deleting {three!r}: slowest keystroke"] = round(max(statistics.median(k) for k in per_key), 2)
    mem["peak rss after the queries"] = _mb(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
    return {"times": res, "rows": rows, "memory": mem}


def parse_speed(root: Path, limit: int = 3000) -> None:
    """files/s of fastparse.parse_fast vs frontmatter.parse on the corpus' own files (in memory)."""
    from reader.core import frontmatter
    from reader.core.fastparse import parse_fast
    from reader.core.parse_rows import parse_file

    paths = []
    for path in sorted(root.rglob("*")):
        if path.is_file() and path.suffix.lower() in (".md", ".txt", ".yaml", ".yml"):
            paths.append(path)
            if len(paths) >= limit:
                break
    datas = [p.read_bytes() for p in paths]
    if not datas:
        return

    def rate(fn) -> float:
        best = float("inf")
        for _ in range(3):
            t = time.perf_counter()
            for d in datas:
                with contextlib.suppress(frontmatter.FrontMatterError):
                    fn(d)
            best = min(best, time.perf_counter() - t)
        return len(datas) / best

    fast_ok = sum(parse_fast(d) is not None for d in datas)
    fast, yaml = rate(parse_fast), rate(frontmatter.parse)
    t = time.perf_counter()
    for p in paths:
        st = p.stat()
        parse_file(str(p), str(p), st.st_size, st.st_mtime_ns)
    whole = len(paths) / (time.perf_counter() - t)
    print(f"\nparse speed on {len(datas):,} files ({sum(map(len, datas)) / len(datas) / 1024:.1f} KB avg): "
          f"parse_fast {fast:,.0f} files/s (took {fast_ok:,}/{len(datas):,}), "
          f"frontmatter.parse {yaml:,.0f} files/s ({fast / yaml:.1f}x); "
          f"read+parse+entry (one process) {whole:,.0f} files/s")


# -- the driver -------------------------------------------------------------------------------

def child(args: list[str]) -> dict:
    proc = subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), "--phase", *args],
        capture_output=True, text=True, env=dict(os.environ, PYTHONPATH=str(REPO)),
    )
    if proc.returncode != 0:
        raise SystemExit(f"phase {args} failed:\n{proc.stderr}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] == "--phase":
        root, index_dir, runs = argv[1], argv[2] or None, int(argv[3])
        print(json.dumps(phase(root, index_dir, runs)))
        return 0
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("n", type=int)
    ap.add_argument("dir", nargs="?")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--drop-cache", action="store_true")
    ap.add_argument("--keep", action="store_true", help="keep the generated corpus")
    ap.add_argument("--skip-cold", action="store_true", help='skip the "cold, no index" load')
    a = ap.parse_args(argv)

    tmp = tempfile.mkdtemp(prefix="reader-bench-")
    try:
        if a.dir:
            root = Path(a.dir)
        else:
            root = Path(tmp) / "corpus"
            t = time.perf_counter()
            subprocess.run([sys.executable, str(HERE / "make_corpus.py"), str(a.n), str(root),
                            "--seed", str(a.seed)], check=True, stdout=subprocess.DEVNULL)
            old = time.time_ns() - 86_400 * 10**9
            for i, path in enumerate(sorted(p for p in root.rglob("*") if p.is_file())):
                os.utime(path, ns=(old + i, old + i))
            print(f"generated {a.n:,} items in {time.perf_counter() - t:.1f} s -> {root}")
        size = sum(p.stat().st_size for p in root.rglob("*") if p.is_file())
        print(f"corpus: {root} ({size / 1e6:.1f} MB)  cpus: {os.cpu_count()}")
        index_dir = Path(tmp) / "index"

        def load(label: str, idx: str, runs: int = 0) -> dict:
            if a.drop_cache:
                _drop_cache([root, index_dir])
            r = child([str(root), idx, str(runs)])
            rep = r["report"] or {}
            print(f"{label:<18} first batch {r['first_batch_s'] or 0:6.3f} s  first paint "
                  f"{r['first_paint_s'] or 0:6.3f} s  total {r['total_s']:6.3f} s  "
                  f"entries {r['entries']:,} problems {r['problems']:,}  parsed {rep.get('parsed', 0):,} "
                  f"(fast {rep.get('fast', 0):,}, yaml {rep.get('yaml', 0):,}) workers {rep.get('workers')}"
                  f"  peak RSS {r['load_maxrss_mb']:.0f} MB (workers {r['children_maxrss_mb']:.0f} MB"
                  + (f"; {r['maxrss_mb']:.0f} MB after the queries)" if runs else ")")
                  + f"  import {r['import_s']:.2f} s")
            return r

        def read_floor() -> float:
            """bench/start.py's read floor: a fresh process reads every file once."""
            if a.drop_cache:
                _drop_cache([root])
            t = time.perf_counter()
            subprocess.run([sys.executable, str(HERE / "start.py"), "--read", str(root)], check=True,
                           stdout=subprocess.DEVNULL)
            return time.perf_counter() - t

        floors = [read_floor()]
        colds = []
        if not a.skip_cold:
            colds.append(load("cold, no index", "")["total_s"])
            floors.append(read_floor())
        colds.append(load("cold, first start", str(index_dir))["total_s"])
        floors.append(read_floor())
        floor = statistics.median(floors)
        print(f"read floor (every file read once, a fresh process; {len(floors)} runs around the cold "
              f"loads): {floor:.3f} s -> cold loads {' / '.join(f'{c / floor:.1f}x' for c in colds)} the floor"
              f"  (load average {os.getloadavg()[0]:.2f})")
        db = sum(p.stat().st_size for p in index_dir.glob("*.sqlite*"))
        print(f"index size: {db / 1e6:.1f} MB")
        warm = [load(f"warm #{i + 1}", str(index_dir), a.runs if i == 0 else 0) for i in range(3)]
        print(f"warm median: first paint {statistics.median(w['first_paint_s'] for w in warm):.3f} s,"
              f" total {statistics.median(w['total_s'] for w in warm):.3f} s")
        qs = warm[0]["queries"]
        times, rows, mem = qs["times"], qs["rows"], qs["memory"]
        print(f"\nCatalog on {warm[0]['entries']:,} entries (median of {a.runs}, ms; every result"
              " checked against the contract). 'first': on a fresh Catalog (before warm_up);"
              " 'warm': after warm_up():")
        print(f"  {'':<52} {'first':>8} {'warm':>8}")
        for k, v in times.items():
            if k.endswith(" (first)"):
                continue
            first = times.get(k + " (first)")
            n = rows.get(k)
            if first is None and not k.startswith(("sort", "typing", "deleting")):
                print(f"  {k:<52} {v:8.2f}")
            else:
                print(f"  {k:<52} {'' if first is None else f'{first:8.2f}':>8} {v:8.2f}"
                      + (f"   ({n:,} rows)" if n is not None else ""))
        print("memory (MB): " + ", ".join(f"{k} {v:.0f}" for k, v in mem.items() if v is not None))
        parse_speed(root)
    finally:
        if a.keep:
            print(f"kept: {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
