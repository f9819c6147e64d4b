#!/usr/bin/env python3
"""Load benchmark: cold and warm scans, first batch, queries, peak RSS.

Usage:
    python bench/load_bench.py N [DIR] [--seed S] [--runs R] [--drop-cache] [--keep]

Without DIR a corpus of N items is generated with bench/make_corpus.py in a
temporary folder (and its files are given old mtimes, as a real collection has);
with DIR that folder is used as it is (N is then only a label) and nothing in it
is changed. Every measured load runs in a fresh process, so each peak RSS is
that load's own:

* cold, no index   -- every file parsed (fast path + YAML fallback), nothing stored
* cold, first start -- every file parsed and the index written (the app's first run)
* warm             -- index present, nothing changed: no file parsed (median of R runs)

``first batch`` is when the first entries are available; ``first paint`` adds
building a Catalog of them and the default query (what the list shows first).
Query timings (median of R runs) are on a Catalog of all entries: each sort key
both ways with no cached order ("sort") and with it ("cached"), a topic filter,
the unpublished filter, a 1-word and a 3-word search.
``--drop-cache`` evicts the corpus (and index) from the page cache before each
load with posix_fadvise(DONTNEED), for a cold-disk figure where that works.
"""

from __future__ import annotations

import argparse
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
    from reader.core.index import Index
    from reader.core.loader import scan
    from reader.core.query import Catalog, Query

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


def queries(entries: list, runs: int) -> dict:
    from reader.core.query import Catalog, Published, Query, SortKey

    def median_ms(fn) -> float:
        times = []
        for _ in range(runs):
            t = time.perf_counter()
            fn()
            times.append((time.perf_counter() - t) * 1000)
        return round(statistics.median(times), 2)

    res: dict = {}
    res["catalog_build_ms"] = median_ms(lambda: Catalog(entries))
    cat = Catalog(entries)
    for key in SortKey:
        for desc in (True, False):
            name = f"{key.value}{'↓' if desc else '↑'}"

            def uncached(key=key, desc=desc):
                c = Catalog(entries)
                c.query(Query(sort=key, descending=desc))

            res[f"sort {name}"] = median_ms(uncached)
            cat.order(key, desc)

            def cached(key=key, desc=desc):
                cat.query(Query(sort=key, descending=desc, search="x"))  # a different base:
                cat.query(Query(sort=key, descending=desc))  # no reuse of the last result

            res[f"cached {name}"] = round(median_ms(cached) / 2, 2)
    res["topic_counts_ms"] = median_ms(lambda: Catalog(entries).topic_counts())
    topics = cat.topic_counts()
    top = topics[0][0] if topics else "AI"
    words = [w for w in (entries[len(entries) // 2].title.split() if entries else []) if len(w) > 3]
    one = (words[0] if words else "model").casefold()
    three = " ".join(
        (entries[len(entries) // 3].title.split() + ["a", "b", "c"])[:3]
    ) if entries else "a b c"

    def fresh(q):
        cat.query(Query())  # resets "last result" so the search is a full pass
        t = time.perf_counter()
        rows = cat.query(q)
        return (time.perf_counter() - t) * 1000, len(rows)

    labels = {
        f"topic {top!r}": Query(topic=top),
        "unpublished": Query(published=Published.UNPUBLISHED),
        f"search {one!r}": Query(search=one),
        f"search {three!r}": Query(search=three),
        f"topic+search {one!r}": Query(topic=top, search=one),
    }
    for label, q in labels.items():
        samples = [fresh(q) for _ in range(runs)]
        res[label] = round(statistics.median(s[0] for s in samples), 2)
        res[label + " rows"] = samples[0][1]
    proto = proto_queries(entries, runs, labels)
    return {"current": res, "proto": proto}


# -- a prototype of faster queries (a proposal for reader/core/query.py) ------------------

def proto_catalog_class():
    """Catalog with the same results, built from C-level loops (map/compress/itemgetter).

    * sort values are computed once per key and shared by both directions;
    * each order's row list is materialised once (itemgetter) and reused;
    * topic / unpublished / search filters run as compress(rows, map(...)) chains,
      the longest search word first (usually the most selective);
    * warm_up() computes every order up front (for a background worker after load).
    """
    from itertools import compress, repeat
    from operator import attrgetter, contains, itemgetter

    from reader.core.query import Catalog, Published, Query, SortKey

    get_title, get_provider = attrgetter("title"), attrgetter("provider")
    get_topics, get_text = attrgetter("topics"), attrgetter("search_text")
    value_of = {
        SortKey.DATE: lambda es: list(map(attrgetter("published_at"), es)),
        SortKey.HEAT: lambda es: list(map(attrgetter("heat"), es)),
        SortKey.QUALITY: lambda es: list(map(attrgetter("quality"), es)),
        SortKey.TITLE: lambda es: [v or None for v in map(str.casefold, map(get_title, es))],
        SortKey.PROVIDER: lambda es: [v or None for v in map(str.casefold, map(get_provider, es))],
    }

    class ProtoCatalog(Catalog):
        def _invalidate(self) -> None:
            super()._invalidate()
            self._values: dict = {}
            self._rows: dict = {}

        def order(self, key, descending):
            cached = self._orders.get((key, descending))
            if cached is None:
                values = self._values.get(key)
                if values is None:
                    values = self._values[key] = value_of[key](self._entries)
                present = [i for i, v in enumerate(values) if v is not None]
                missing = [i for i, v in enumerate(values) if v is None]
                present.sort(key=values.__getitem__, reverse=descending)
                cached = self._orders[(key, descending)] = present + missing
            return cached

        def rows(self, key, descending) -> list:
            rows = self._rows.get((key, descending))
            if rows is None:
                order = self.order(key, descending)
                if len(order) > 1:
                    rows = list(itemgetter(*order)(self._entries))
                else:
                    rows = [self._entries[i] for i in order]
                self._rows[(key, descending)] = rows
            return rows

        # -- index-based filters: cost follows the size of the result, not of the catalog
        def _build_indexes(self) -> None:
            """One UTF-8 haystack for all entries (+ offsets), topic -> entry indices."""
            from bisect import bisect_right

            texts = list(map(get_text, self._entries))
            blob = "\n".join(texts).encode("utf-8")  # words never hold '\n' (split())
            starts, pos = [], 0
            for t in texts:
                starts.append(pos)
                pos += len(t.encode("utf-8")) + 1
            by_topic: dict = {}
            for i, topics in enumerate(map(get_topics, self._entries)):
                for topic in topics:
                    by_topic.setdefault(topic, []).append(i)
            self._blob, self._starts, self._by_topic = blob, starts, by_topic
            self._bisect = bisect_right

        def _hits(self, word: str) -> set:
            blob, starts, bisect = self._blob, self._starts, self._bisect
            needle = word.encode("utf-8")
            hits, find, pos = set(), blob.find, 0
            while True:
                pos = find(needle, pos)
                if pos < 0:
                    return hits
                i = bisect(starts, pos) - 1
                hits.add(i)
                pos = starts[i + 1] if i + 1 < len(starts) else len(blob)

        def _positions(self, key, descending) -> list:
            cache = self.__dict__.setdefault("_pos", {})
            pos = cache.get((key, descending))
            if pos is None:
                pos = [0] * len(self._entries)
                for rank, i in enumerate(self.order(key, descending)):
                    pos[i] = rank
                cache[(key, descending)] = pos
            return pos

        def query_indexed(self, q: Query) -> list:
            if not hasattr(self, "_blob"):
                self._build_indexes()
            selected = None
            if q.topic is not None:
                selected = set(self._by_topic.get(q.topic, ()))
            words = sorted(set(q.words), key=len, reverse=True)
            entries = self._entries
            if words:
                # The longest word through the haystack, the others on its hits only.
                hits = self._hits(words[0])
                selected = hits if selected is None else selected & hits
                for w in words[1:]:
                    selected = {i for i in selected if w in entries[i].search_text}
            if selected is None:
                return self.query(q)
            if q.published is Published.UNPUBLISHED:
                selected = {i for i in selected if entries[i].published is False}
            elif q.published is Published.PUBLISHED:
                selected = {i for i in selected if entries[i].published is not False}
            pos = self._positions(q.sort, q.descending)
            return [entries[i] for i in sorted(selected, key=pos.__getitem__)]

        def warm_up(self) -> None:
            for key in SortKey:
                for descending in (True, False):
                    self.rows(key, descending)

        def query(self, q: Query) -> list:
            rows = self.rows(q.sort, q.descending)
            if q.topic is not None:
                rows = list(compress(rows, map(contains, map(get_topics, rows), repeat(q.topic))))
            if q.published is Published.UNPUBLISHED:
                rows = [e for e in rows if e.published is False]
            elif q.published is Published.PUBLISHED:
                rows = [e for e in rows if e.published is not False]
            for w in sorted(set(q.words), key=len, reverse=True):
                rows = list(compress(rows, map(str.__contains__, map(get_text, rows), repeat(w))))
            if rows is self._rows.get((q.sort, q.descending)):
                rows = list(rows)  # callers may keep or change the list they get
            return rows

    return ProtoCatalog


def proto_queries(entries: list, runs: int, labels: dict) -> dict:
    """The same measurements with the prototype, each result checked against Catalog."""
    from reader.core.query import Catalog, Published, Query, SortKey

    Proto = proto_catalog_class()
    ref = Catalog(entries)

    def median_ms(fn) -> float:
        times = []
        for _ in range(runs):
            t = time.perf_counter()
            fn()
            times.append((time.perf_counter() - t) * 1000)
        return round(statistics.median(times), 2)

    res: dict = {}
    t = time.perf_counter()
    warm = Proto(entries)
    warm.warm_up()
    res["warm_up (all 10 orders)"] = round((time.perf_counter() - t) * 1000, 1)
    for key in SortKey:
        for desc in (True, False):
            name = f"{key.value}{'↓' if desc else '↑'}"
            q = Query(sort=key, descending=desc)
            assert warm.query(q) == ref.query(q), name
            res[f"sort {name}"] = median_ms(lambda q=q: Proto(entries).query(q))
            res[f"cached {name}"] = median_ms(lambda q=q: warm.query(q))
    t = time.perf_counter()
    warm._build_indexes()
    for key in SortKey:
        for desc in (True, False):
            warm._positions(key, desc)
    res["build haystack+topic index+positions"] = round((time.perf_counter() - t) * 1000, 1)
    for label, q in labels.items():
        expected = Catalog(entries).query(q)
        assert warm.query(q) == expected, label
        assert warm.query_indexed(q) == expected, label
        res[label] = median_ms(lambda q=q: warm.query(q))
        res[label + " (indexed)"] = median_ms(lambda q=q: warm.query_indexed(q))
    return res


def parse_speed(root: Path, limit: int = 3000) -> None:
    """files/s of fastparse.parse_fast vs frontmatter.parse on the corpus' own files (in memory)."""
    from reader.core import frontmatter
    from reader.core.fastparse import parse_fast
    from reader.core.loader import parse_file

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
                try:
                    fn(d)
                except frontmatter.FrontMatterError:
                    pass
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

        load("cold, no index", "")
        load("cold, first start", str(index_dir))
        db = sum(p.stat().st_size for p in index_dir.glob("*.sqlite*"))
        print(f"index size: {db / 1e6:.1f} MB")
        warm = [load(f"warm #{i + 1}", str(index_dir), a.runs if i == 0 else 0) for i in range(3)]
        print(f"warm median: first paint {statistics.median(w['first_paint_s'] for w in warm):.3f} s,"
              f" total {statistics.median(w['total_s'] for w in warm):.3f} s")
        qs, proto = warm[0]["queries"]["current"], warm[0]["queries"]["proto"]
        print(f"\nqueries on {warm[0]['entries']:,} entries (median of {a.runs}, ms);"
              " 'proto' = the query.py proposal prototyped in this file (same results, checked):")
        print(f"  {'':<36} {'current':>8} {'proto':>8}")
        for k, v in qs.items():
            if not k.endswith(" rows"):
                rows = qs.get(k + " rows")
                p = proto.get(k)
                print(f"  {k:<36} {v:8.2f} {'' if p is None else f'{p:8.2f}'}"
                      + (f"   ({rows:,} rows)" if rows is not None else ""))
        print(f"  {'warm_up (all 10 orders, proto)':<36} {'':>8} {proto['warm_up (all 10 orders)']:8.1f}")
        print(f"  {'build search/topic indexes (proto)':<36} {'':>8} "
              f"{proto['build haystack+topic index+positions']:8.1f}")
        for k, v in proto.items():
            if k.endswith("(indexed)"):
                print(f"  {k:<45} {v:8.2f}")
        parse_speed(root)
    finally:
        if a.keep:
            print(f"kept: {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
