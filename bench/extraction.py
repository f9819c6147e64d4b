#!/usr/bin/env python3
"""Benchmark the article extractor on the shared extraction pages.

Usage:
    python bench/extraction.py [BENCH_DIR] [--compare] [--pages] [--out PREDS.json]

BENCH_DIR holds ``html/KEY.html.gz``, ``ground-truth.json`` and ``score.py``
(default: ``../shared/extraction-bench`` next to the repository root). Runs
``reader.preview.extract.extract_article`` over every page, writes its
predictions, scores them with the bench's own ``score.py`` (imported from the
bench folder, not copied) and prints precision / recall / F1 with per-page
extraction time (median, p95, max). ``--compare`` measures the raw
trafilatura and readability-lxml baselines the same way.
"""

from __future__ import annotations

import argparse
import gc
import gzip
import importlib.util
import json
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DEFAULT_BENCH = REPO.parent / "shared" / "extraction-bench"
sys.path.insert(0, str(REPO))


def load_scorer(bench: Path):
    spec = importlib.util.spec_from_file_location("extraction_bench_score", bench / "score.py")
    if spec is None or spec.loader is None:
        raise SystemExit(f"no score.py in {bench}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def load_pages(bench: Path, truth: dict) -> dict[str, bytes]:
    return {key: gzip.decompress((bench / "html" / f"{key}.html.gz").read_bytes()) for key in truth}


def percentile(sorted_values: list[float], q: float) -> float:
    """Nearest-rank percentile (the smallest value with >= q of the data at or below it)."""
    if not sorted_values:
        return 0.0
    rank = max(1, -(-len(sorted_values) * q // 1))  # ceil(n * q)
    return sorted_values[int(rank) - 1]


def measure(name: str, extract: Callable[[bytes, str], str], pages: dict[str, bytes],
            truth: dict, scorer, out: Path | None = None, per_page: bool = False) -> dict:
    preds: dict[str, dict[str, str]] = {}
    times: dict[str, float] = {}
    # warm-up (imports, lazy caches) outside the timings
    first = next(iter(pages))
    extract(pages[first], truth[first].get("url"))
    gc.collect()
    for key, raw in pages.items():
        start = time.perf_counter()
        text = extract(raw, truth[key].get("url")) or ""
        times[key] = (time.perf_counter() - start) * 1000
        preds[key] = {"articleBody": text}
    if out is not None:
        out.write_text(json.dumps(preds, ensure_ascii=False, indent=1), encoding="utf-8")
    result = scorer.score(truth, preds)
    ordered = sorted(times.values())
    result.update(
        name=name,
        median_ms=statistics.median(ordered),
        p95_ms=percentile(ordered, 0.95),
        max_ms=ordered[-1],
        empty=sum(1 for p in preds.values() if not p["articleBody"].strip()),
    )
    print(f"{name:34s} F1 {result['f1']:.3f}  P {result['precision']:.3f}  R {result['recall']:.3f}  "
          f"median {result['median_ms']:6.1f} ms  p95 {result['p95_ms']:6.1f} ms  "
          f"max {result['max_ms']:6.1f} ms  empty {result['empty']}")
    if per_page:
        for key in truth:
            tp, fp, fn = scorer.page_counts(truth[key].get("articleBody", ""), preds[key]["articleBody"])
            print(f"    {key[:12]}  P {scorer.precision(tp, fp, fn):.2f}  R {scorer.recall(tp, fp, fn):.2f}  "
                  f"{times[key]:6.1f} ms  {truth[key].get('url', '')[:70]}")
    return result


def ours(raw: bytes, url: str) -> str:
    from reader.preview.extract import extract_article

    article = extract_article(raw, url)
    return article.text if article else ""


def baselines() -> list[tuple[str, Callable[[bytes, str], str]]]:
    import logging

    import lxml.html
    import trafilatura
    from readability import Document

    logging.getLogger("readability").addHandler(logging.NullHandler())

    def traf(**options):
        return lambda raw, url: trafilatura.extract(raw, url=url, **options) or ""

    def readability(raw: bytes, url: str) -> str:
        summary = Document(raw, url=url).summary(html_partial=True)
        root = lxml.html.fromstring(summary)
        # block-level text nodes on their own lines; inline text joined
        return "\n".join(line.strip() for line in root.itertext() if line.strip())

    return [
        ("trafilatura (defaults)", traf()),
        ("trafilatura fast", traf(fast=True)),
        ("trafilatura no comments", traf(include_comments=False)),
        ("trafilatura precision, no comm.", traf(include_comments=False, favor_precision=True)),
        ("trafilatura recall, no comm.", traf(include_comments=False, favor_recall=True)),
        ("readability-lxml", readability),
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("bench", nargs="?", type=Path, default=DEFAULT_BENCH,
                        help=f"bench directory (default {DEFAULT_BENCH})")
    parser.add_argument("--compare", action="store_true", help="also measure raw trafilatura and readability-lxml")
    parser.add_argument("--pages", action="store_true", help="print per-page precision/recall/time")
    parser.add_argument("--out", type=Path, help="where to write our predictions (default: a temp file)")
    args = parser.parse_args(argv)

    bench = args.bench.resolve()
    if not (bench / "ground-truth.json").is_file():
        print(f"no extraction bench at {bench}", file=sys.stderr)
        return 2
    scorer = load_scorer(bench)
    truth = json.loads((bench / "ground-truth.json").read_text(encoding="utf-8"))
    pages = load_pages(bench, truth)
    out = args.out or Path(tempfile.gettempdir()) / "reader-extraction-preds.json"
    print(f"{len(pages)} pages from {bench}")
    measure("reader extract_article", ours, pages, truth, scorer, out=out, per_page=args.pages)
    print(f"predictions: {out}")
    if args.compare:
        for name, extract in baselines():
            measure(name, extract, pages, truth, scorer, per_page=args.pages)
    return 0


if __name__ == "__main__":
    sys.exit(main())
