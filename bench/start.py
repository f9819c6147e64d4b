#!/usr/bin/env python3
"""Start-up, full load and memory of the real app, each as a ratio to a floor measured in the same run.

Usage:
    python bench/start.py [--sizes 100000] [--corpus-dir DIR] [--work-dir DIR] [--runs 5]
                          [--drop-caches] [--json]

Absolute times on a shared 2-CPU machine move 2-3x from one day to the next, so
every figure here is set against a floor taken on the same machine in the same
run, and the runs of a figure and of its floor are interleaved (A B A B ...).
Each run is a fresh process on a pseudo-terminal of 80x24 (the real Linux
driver), t = 0 when the parent spawns it, previews off (``bench/run.py``'s
``child_env``).

floors
  paint floor   a minimal Textual app -- one ``Static`` -- spawned the same way
                (``python bench/start.py --minimal``): spawn -> end of the first
                frame that shows its text.
  read floor    a fresh process that lists the corpus (``os.walk``) and reads every
                file's bytes once: spawn -> exit. *warm*: the files in the page cache
                (read just before); *cold* (``--drop-caches``, needs root): after
                ``sync; echo 3 > /proc/sys/vm/drop_caches``.

the app (``python -m reader ROOT``)
  first screen  warm start (the index present): spawn -> end of the first frame
                that shows the default view's first row (its title, as the core
                sorts the whole corpus).
  fully loaded  spawn -> the app's log line saying it has applied the last batch
                (``reader.log`` in its cache folder, polled every 5 ms).
  cold load     the same with an empty cache folder (no index: every file is read,
                parsed and stored), page cache warm (and cold with --drop-caches).
  peak RSS      VmHWM of the app process once loaded and quiet (1 s without a frame).

Targets (issue 9): first screen <= 1.5x the paint floor at 100k (warm index);
cold full load <= 3x the read floor; peak RSS <= 200 MB.
"""

from __future__ import annotations

import time

T0 = time.perf_counter()

import os  # noqa: E402
import sys  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
MINIMAL_TEXT = "minimal app: first paint"


def minimal_app() -> int:
    """The paint floor: the smallest Textual app there is (one Static)."""
    from textual.app import App, ComposeResult
    from textual.widgets import Static

    class Minimal(App[None]):
        def compose(self) -> ComposeResult:
            yield Static(MINIMAL_TEXT)

    Minimal().run()
    return 0


def read_all(root: str) -> int:
    """The read floor: list the folder, read every file's bytes once."""
    n = size = 0
    for folder, _dirs, files in os.walk(root):
        for name in files:
            with open(os.path.join(folder, name), "rb") as fh:
                size += len(fh.read())
            n += 1
    print(f"{n} {size} {time.perf_counter() - T0:.4f}")
    return 0


# -- the parent ---------------------------------------------------------------------------------

def _run_module():
    if HERE not in sys.path:
        sys.path.insert(0, HERE)
    import run  # bench/run.py: the pty session, the child environment, corpora

    return run


def drop_caches() -> bool:
    try:
        os.sync()
        with open("/proc/sys/vm/drop_caches", "w") as fh:
            fh.write("3\n")
        return True
    except OSError:
        return False


def read_floor(root: str, env: dict[str, str]) -> float:
    import subprocess

    t = time.perf_counter()
    subprocess.run([sys.executable, os.path.abspath(__file__), "--read", root], env=env, check=True,
                   capture_output=True)
    return time.perf_counter() - t


def paint_floor(env: dict[str, str]) -> float:
    run = _run_module()
    s = run.PtySession("", env, argv=[sys.executable, os.path.abspath(__file__), "--minimal"])
    try:
        hit = s.wait_frame(lambda f: MINIMAL_TEXT.encode() in f, 60)
        if hit is None:
            raise TimeoutError("the minimal app never painted")
        return hit[1] - s.t_spawn
    finally:
        s.close()


def app_run(root: str, env: dict[str, str], first_title: str | None, timeout: float) -> dict:
    """One ``python -m reader ROOT`` on the pty: first screen (the frame showing
    ``first_title``; without one, the first frame whose status line counts
    entries), fully loaded (the app logs one line to ``reader.log`` in its cache
    folder when it has applied the last batch), peak RSS once quiet."""
    import re

    run = _run_module()
    shown = re.compile(rb"([0-9][0-9,]*)(?:\x1b\[[0-9;]*m)* / [0-9,]+ shown")
    log_path = os.path.join(env["READER_CACHE_DIR"], "reader.log")

    def first_screen(frame: bytes) -> bool:
        if first_title is not None:
            return first_title[:12].encode("utf-8") in frame
        m = shown.search(frame)
        return m is not None and m.group(1) != b"0"

    try:
        start_at = os.path.getsize(log_path)  # an earlier run's lines are not this one's
    except OSError:
        start_at = 0

    def loaded_line() -> str | None:
        try:
            with open(log_path, encoding="utf-8") as fh:
                fh.seek(start_at)
                return next((line for line in fh if " loaded " in line), None)
        except OSError:
            return None

    s = run.PtySession(root, env)
    out: dict = {}
    try:
        hit = s.wait_frame(first_screen, timeout)
        out["first_screen_s"] = None if hit is None else hit[1] - s.t_spawn
        deadline = time.perf_counter() + timeout
        line = loaded_line()
        while line is None and time.perf_counter() < deadline and not s.eof:
            s.pump(0.005)
            line = loaded_line()
        out["loaded_s"] = None if line is None else time.perf_counter() - s.t_spawn
        out["loaded_line"] = line.strip() if line else None
        s.quiet(1.0, limit=20)
        out["peak_rss_mb"] = s.peak_rss_mb()
    finally:
        s.close()
    return out


def expected_view(root: str, env: dict[str, str]) -> tuple[str, int]:
    """The default view's first title and the number of entries, from the core
    (whatever the app does, this is what its first row must be)."""
    import json
    import subprocess

    code = (
        "import json, sys\n"
        "from reader.core.catalog import Catalog\n"
        "from reader.core.loader import load_all\n"
        "from reader.core.query import Query\n"
        "if __name__ == '__main__':\n"
        "    entries, _p, _r = load_all(sys.argv[1])\n"
        "    rows = Catalog(entries).query(Query())\n"
        "    print(json.dumps([rows[0].title, len(entries)]))\n"
    )
    proc = subprocess.run([sys.executable, "-c", code, root], env=env, capture_output=True, text=True,
                          check=True, cwd=REPO)
    title, total = json.loads(proc.stdout.strip().splitlines()[-1])
    return title, total


def median(values: list[float | None]) -> float | None:
    import statistics

    vs = [v for v in values if v is not None]
    return statistics.median(vs) if vs else None


def bench_size(n: int, a, base: str, work_base: str) -> dict:
    import shutil

    run = _run_module()
    res: dict = {"n": n, "loadavg_before": [round(x, 2) for x in os.getloadavg()]}
    root, files, _gen = run.ensure_corpus(base, n, a.seed)
    res["corpus"] = {"path": root, "files": files}
    work = os.path.join(work_base, f"start-{n}")
    shutil.rmtree(work, ignore_errors=True)
    home = os.path.join(work, "home")
    run.log(f"[{n:,}] expected first row ...")
    title, total = expected_view(root, run.child_env(home, os.path.join(work, "cache-none")))
    res["first_title"], res["total"] = title, total

    # Warm page cache: read everything once, then the floor and the cold load (no index).
    read_floor(root, os.environ.copy())
    warm_reads, cold_loads = [], []
    for i in range(a.cold_runs):
        run.log(f"[{n:,}] read floor (warm cache) and cold load {i + 1}/{a.cold_runs} ...")
        warm_reads.append(read_floor(root, os.environ.copy()))
        cache = os.path.join(work, f"cache-cold-{i}")
        cold_loads.append(app_run(root, run.child_env(home, cache), None, a.timeout))
    res["read_floor_warm_s"] = warm_reads
    res["cold_load"] = cold_loads
    index_cache = os.path.join(work, "cache-cold-0")

    if a.drop_caches:
        run.log(f"[{n:,}] read floor and cold load with the page cache dropped ...")
        res["read_floor_cold_s"] = []
        res["cold_load_cold_cache"] = []
        for i in range(a.cold_runs):
            if not drop_caches():
                res["drop_caches_failed"] = True
                break
            res["read_floor_cold_s"].append(read_floor(root, os.environ.copy()))
            drop_caches()
            cache = os.path.join(work, f"cache-dropped-{i}")
            res["cold_load_cold_cache"].append(app_run(root, run.child_env(home, cache), None, a.timeout))

    # Warm starts (the index from the first cold load) against the paint floor, interleaved.
    read_floor(root, os.environ.copy())
    env = run.child_env(home, index_cache)
    floors, warm = [], []
    for i in range(a.runs):
        run.log(f"[{n:,}] paint floor and warm start {i + 1}/{a.runs} ...")
        floors.append(paint_floor(env))
        warm.append(app_run(root, env, title, a.timeout))
    res["paint_floor_s"] = floors
    res["warm"] = warm
    res["loadavg_after"] = [round(x, 2) for x in os.getloadavg()]
    if not a.keep_work:
        shutil.rmtree(work, ignore_errors=True)
    return res


def _s(v: float | None) -> str:
    return "—" if v is None else f"{v:.2f} s"


def _x(v: float | None, floor: float | None) -> str:
    return "—" if v is None or not floor else f"{v / floor:.2f}x"


def render(report: dict) -> str:
    m = report["machine"]
    run = _run_module()
    lines = [
        f"reader bench/start.py  {report['date']}  sizes {report['sizes']}",
        run.machine_line(m),
        "t = 0 at spawn; pty 80x24; medians; every ratio is to a floor measured in this run",
    ]
    code = run.git_line(report.get("git"))
    if code:
        lines.append(code)
    for r in report["results"]:
        n = r["n"]
        la = r["loadavg_before"], r["loadavg_after"]
        lines += ["", f"N = {n:,}  ({r['corpus']['files']:,} files)   load average before "
                  f"{'/'.join(map(str, la[0]))}, after {'/'.join(map(str, la[1]))}"]
        paint = median(r["paint_floor_s"])
        first = median([w["first_screen_s"] for w in r["warm"]])
        warm_loaded = median([w["loaded_s"] for w in r["warm"]])
        read_w = median(r["read_floor_warm_s"])
        cold = median([c["loaded_s"] for c in r["cold_load"]])
        rss_w = max((w["peak_rss_mb"] or 0 for w in r["warm"]), default=None)
        rss_c = max((c["peak_rss_mb"] or 0 for c in r["cold_load"]), default=None)
        lines.append(f"  {'':<44}{'floor':>10}{'result':>10}{'ratio':>9}   runs")
        lines.append(f"  {'first screen, warm (paint floor)':<44}{_s(paint):>10}{_s(first):>10}{_x(first, paint):>9}"
                     f"   floor {' '.join(f'{v:.2f}' for v in r['paint_floor_s'])}; app "
                     + " ".join(_s(w['first_screen_s']) for w in r["warm"]))
        lines.append(f"  {'fully loaded, warm (paint floor)':<44}{_s(paint):>10}{_s(warm_loaded):>10}"
                     f"{_x(warm_loaded, paint):>9}   " + " ".join(_s(w['loaded_s']) for w in r["warm"]))
        lines.append(f"  {'cold full load, page cache warm (read floor)':<44}{_s(read_w):>10}{_s(cold):>10}"
                     f"{_x(cold, read_w):>9}   floor " + " ".join(f"{v:.2f}" for v in r["read_floor_warm_s"])
                     + "; app " + " ".join(_s(c['loaded_s']) for c in r["cold_load"]))
        if r.get("cold_load_cold_cache"):
            read_c = median(r["read_floor_cold_s"])
            cold_c = median([c["loaded_s"] for c in r["cold_load_cold_cache"]])
            lines.append(f"  {'cold full load, page cache dropped (read floor)':<44}{_s(read_c):>10}{_s(cold_c):>10}"
                         f"{_x(cold_c, read_c):>9}   floor " + " ".join(f"{v:.2f}" for v in r["read_floor_cold_s"])
                         + "; app " + " ".join(_s(c['loaded_s']) for c in r["cold_load_cold_cache"]))
        elif r.get("drop_caches_failed"):
            lines.append("  (could not drop the page cache: not root?)")
        lines.append(f"  {'peak RSS of the app, warm start / cold start':<44}{'':>10}"
                     f"{f'{rss_w:.0f} / {rss_c:.0f} MB':>19}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    import argparse
    import datetime
    import json
    import shutil
    import tempfile

    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--minimal"]:
        return minimal_app()
    if argv[:1] == ["--read"]:
        return read_all(argv[1])
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="100000", help="comma-separated corpus sizes")
    ap.add_argument("--corpus-dir", help="keep corpora here and reuse them (bench/run.py's layout)")
    ap.add_argument("--work-dir", help="caches and indexes of the runs (default: a temporary folder)")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--runs", type=int, default=5, help="warm starts and paint floors (interleaved)")
    ap.add_argument("--cold-runs", type=int, default=2, help="cold loads and read floors (interleaved)")
    ap.add_argument("--drop-caches", action="store_true",
                    help="also measure with the page cache dropped (root; disturbs the whole machine)")
    ap.add_argument("--timeout", type=float, default=300)
    ap.add_argument("--keep-work", action="store_true")
    ap.add_argument("--json", action="store_true")
    a = ap.parse_args(argv)
    sizes = [int(s.replace("_", "")) for s in a.sizes.split(",") if s.strip()]
    run = _run_module()
    tmp = tempfile.mkdtemp(prefix="reader-start-")
    base = os.path.abspath(a.corpus_dir) if a.corpus_dir else tmp
    work = os.path.abspath(a.work_dir) if a.work_dir else tmp
    os.makedirs(work, exist_ok=True)
    report = {"date": datetime.date.today().isoformat(), "sizes": sizes,
              "command": " ".join([sys.executable, "bench/start.py", *argv]),
              "machine": run.machine(), "git": run.git_state(), "results": []}
    started = time.perf_counter()
    try:
        for n in sizes:
            report["results"].append(bench_size(n, a, base, work))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    report["wall_s"] = round(time.perf_counter() - started, 1)
    print(json.dumps(report, indent=1) if a.json else render(report))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
