#!/usr/bin/env python3
"""CPU a cold load's pool workers spend per file, measured the way they see it.

Usage:
    python bench/parse_cpu.py DIR [--files N] [--chunk C] [--runs R] [--repo PATH ...]

Each run starts a fresh ``ProcessPoolExecutor(2)`` with the spawn context (as
the loader does), hands it the first N files of DIR (``store.iter_files``
order) in chunks of C, and times ``parse_rows.parse_chunk`` in the worker with
``time.thread_time()``: the CPU of the thread that parses, not the wall time
(others use this machine too). The figure is total worker CPU / files, in µs.

With several ``--repo`` (each a checkout of this project), runs alternate
between them (A B A B ...) and each is summarised by its best and median run,
so an A/B is not skewed by a neighbour's load. The load average is printed
before and after.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import statistics
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def _init(repo: str) -> None:
    sys.path.insert(0, repo)


def _timed_chunk(chunk: list[tuple[str, str, int, int]]) -> tuple[float, int, str]:
    from reader.core import parse_rows

    t0 = time.thread_time()
    rows, _, _ = parse_rows.parse_chunk(chunk)
    return time.thread_time() - t0, len(rows), parse_rows.__file__


def _refs(root: str, n: int) -> list[tuple[str, str, int, int]]:
    sys.path.insert(0, str(REPO))
    from reader.core.store import iter_files

    out = []
    for ref in iter_files(root):
        out.append((ref.id, ref.path, ref.size, ref.mtime_ns))
        if len(out) == n:
            break
    return out


def _run(repo: str, refs: list, chunk: int) -> tuple[float, str]:
    chunks = [refs[i : i + chunk] for i in range(0, len(refs), chunk)]
    ctx = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(2, mp_context=ctx, initializer=_init, initargs=(repo,)) as pool:
        results = list(pool.map(_timed_chunk, chunks))
    cpu = sum(r[0] for r in results)
    files = sum(r[1] for r in results)
    return cpu / files * 1e6, results[0][2]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("dir")
    ap.add_argument("--files", type=int, default=40_000)
    ap.add_argument("--chunk", type=int, default=2_000)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--repo", action="append", help="checkout to measure (default: this one)")
    args = ap.parse_args()
    repos = [str(Path(r).resolve()) for r in (args.repo or [REPO])]
    refs = _refs(args.dir, args.files)
    print(f"{len(refs)} files of {args.dir}, chunks of {args.chunk}; "
          f"load average {os.getloadavg()[0]:.2f}", flush=True)
    per: dict[str, list[float]] = {r: [] for r in repos}
    for run in range(args.runs):
        for repo in repos:
            us, where = _run(repo, refs, args.chunk)
            if not where.startswith(repo):
                sys.exit(f"{repo}: the workers imported {where}")
            per[repo].append(us)
            print(f"  run {run + 1} {repo}: {us:.1f} µs/file", flush=True)
    print(f"load average {os.getloadavg()[0]:.2f}")
    for repo, values in per.items():
        print(f"{repo}: best {min(values):.1f}, median {statistics.median(values):.1f} µs/file "
              f"({len(values)} runs)")


if __name__ == "__main__":
    main()
