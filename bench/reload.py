#!/usr/bin/env python3
"""Live reload at scale: how much UI-thread time one changed file costs the app.

Usage:
    python bench/reload.py [--size 100000] [--corpus-dir DIR] [--repeat 10] [--json]

The real app (``create_app`` + ``run_test`` at 120x40, previews off, warm index,
catalog warmed up) on a corpus from bench/make_corpus.py. Then, each
``--repeat`` times, one file changes on disk, written by this process as
another editor would (the bench's own files are restored at the end):

  edit shown   the title of the item under the cursor (also re-reads the detail)
  edit other   the title of another item on screen (the top row, or the next)
  edit off screen  the title of an item far from the screen: the list redraws
               no line for it (only its apply is timed)
  add          a new item file
  delete       an item file that is on screen

For each: ``apply`` = ``ReaderApp.apply_reread`` (catalog patch, counts,
requery, list), the UI-thread work of an update; ``to screen`` = from the start
of ``apply_reread`` to the end of the first frame that draws the new rows (an
upper bound of the UI-thread time: it includes the wait for the next frame);
``end to end`` = from the write to that frame (the watcher's debounce, the read
in the watcher thread, and the above).

Floor, in the same run: ``j`` (cursor down) from idle to the frame that draws
the cursor row, the cheapest update the app makes. Ratios are to its median.
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
import tempfile
import time
from pathlib import Path

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
sys.path[:0] = [REPO, HERE]

from run import Probe, ensure_corpus, git_line, git_state, install_hooks, machine, make_key, summary  # noqa: E402

SIZE = (120, 40)
KINDS = ("edit shown", "edit other", "edit off screen", "add", "delete")


def write_text(path: str, text: str) -> None:
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(text)


async def measure(root: str, repeat: int) -> dict:
    from reader.core.config import Config, PreviewConfig
    from reader.ui.app import ReaderApp, create_app
    from reader.ui.widgets.article_list import ArticleList

    probe = Probe()
    install_hooks(probe)
    frames: list[tuple[float, object]] = []  # (end of frame, the rows the list drew)
    probe.on_frame_hooks.append(lambda t: frames.append((t, probe.rows_drawn)))
    applies: list[tuple[float, float]] = []  # (start, end) of each apply_reread
    original_apply = ReaderApp.apply_reread

    def timed_apply(self, reread):
        t = time.perf_counter()
        original_apply(self, reread)
        applies.append((t, time.perf_counter()))

    ReaderApp.apply_reread = timed_apply  # type: ignore[method-assign]
    app = create_app(root, config=Config(preview=PreviewConfig(enabled=False)))
    probe.app = app
    restore: dict[str, bytes | None] = {}
    out: dict = {}
    async with app.run_test(size=SIZE) as pilot:
        while not (app.total and app.progress is None and app.current_item is not None):
            await pilot.pause(0.05)
        probe.finished = True
        while any(w.group == "warm-up" and w.is_running for w in app.workers):
            await pilot.pause(0.05)
        await pilot.pause(1.0)  # the watcher's catch-up listing, then quiet
        articles = app.query_one(ArticleList)

        async def idle() -> None:
            last = probe.frames
            while True:
                await asyncio.sleep(0.06)
                if probe.frames == last:
                    return
                last = probe.frames

        # floor: j from idle
        floor: list[float] = []
        for _ in range(repeat * 2):
            await idle()
            probe.reset_draws()
            target = articles.cursor + 1
            fut = probe.waiter(lambda target=target: probe.cursor_drawn == target)
            t = time.perf_counter()
            app._driver.send_message(make_key("j"))  # type: ignore[union-attr]
            floor.append(await asyncio.wait_for(fut, 10) - t)
        out["floor_j"] = summary(floor)

        async def one_change(kind: str, i: int) -> tuple[float, float | None, float | None]:
            await idle()
            rows = app.rows
            if kind == "edit shown":
                item_id = articles.highlighted.id
            elif kind == "edit other":  # another row on screen (the first shown, or the next)
                top = int(articles.scroll_offset.y)
                item_id = rows[top + 1 if top == articles.cursor else top].id
            elif kind == "edit off screen":  # far from the screen: nothing on it changes
                item_id = rows[(len(rows) // 2 + i * 7) % len(rows)].id
            elif kind == "delete":
                item_id = rows[min(articles.cursor + 3, len(rows) - 1)].id
            else:
                item_id = f"bench-reload/added-{i}.md"
            path = os.path.join(root, item_id)
            if path not in restore:
                restore[path] = Path(path).read_bytes() if os.path.exists(path) else None
            before = len(applies)
            t_write = time.perf_counter()
            if kind == "delete":
                os.unlink(path)
            elif kind == "add":
                os.makedirs(os.path.dirname(path), exist_ok=True)
                write_text(path, f"---\ntitle: \"Added by the reload bench {i}\"\nheat: {900 + i}\n"
                                 "published: false\n---\n")
            else:
                text = (restore[path] or b"").decode("utf-8")
                write_text(path, text.replace("title:", f"title: Changed {i} ·", 1)
                           if "\ntitle:" in text else text + "\n")
            while len(applies) == before:
                await asyncio.sleep(0.005)
            start, end = applies[before]
            new_rows = app.rows
            if kind == "edit off screen":  # the list redraws no line: the apply is the cost
                return end - start, None, None
            # The frame may already be out (the apply is noticed up to 5 ms late).
            done = [t for t, drawn in frames if t > end and drawn is new_rows]
            if done:
                shown = done[0]
            else:
                fut = probe.waiter(lambda: probe.rows_drawn is new_rows)
                try:
                    shown = await asyncio.wait_for(fut, 10)
                except TimeoutError:
                    raise SystemExit(f"{kind}: the new rows were never drawn") from None
            return end - start, shown - start, shown - t_write

        for kind in KINDS:
            got = [await one_change(kind, i) for i in range(repeat)]
            out[kind] = {
                "apply": summary([a for a, _, _ in got]),
                "to_screen": summary([s for _, s, _ in got if s is not None]),
                "end_to_end": summary([e for _, _, e in got if e is not None]),
            }
        out["total_after"] = app.total
    for path, data in restore.items():
        if data is None:
            if os.path.exists(path):
                os.unlink(path)
        else:
            with open(path, "wb") as fh:
                fh.write(data)
    added = os.path.join(root, "bench-reload")
    if os.path.isdir(added) and not os.listdir(added):
        os.rmdir(added)
    return out


def render(report: dict) -> str:
    floor = report["result"]["floor_j"]["median"]
    m, g = report["machine"], report["git"]
    lines = [
        f"reader bench/reload.py  {time.strftime('%Y-%m-%d')}  N = {report['size']:,}  "
        f"at {SIZE[0]}x{SIZE[1]}, {report['repeat']} changes of each kind",
        f"machine: {m.get('nproc')} CPUs ({m.get('cpu', '?')}), Python {m.get('python')}, "
        f"Textual {m.get('textual')}; load average before {report['load_before']}, "
        f"after {report['load_after']}",
        git_line(g) or "code: git ?",
        f"floor: j (cursor down, from idle to the frame drawing it): median {floor:.1f} ms, "
        f"p95 {report['result']['floor_j']['p95']:.1f} ms",
        "",
        f"{'change':<12} {'apply (UI thread) ms':>22} {'to screen ms':>18} {'x floor':>8} "
        f"{'end to end ms':>16}",
        f"{'':<12} {'median':>10} {'p95':>10} {'median':>8} {'p95':>8} {'median':>8} "
        f"{'median':>8} {'p95':>7}",
    ]
    for kind in KINDS:
        r = report["result"][kind]
        if not r["to_screen"].get("n"):
            lines.append(f"{kind:<12} {r['apply']['median']:>10.1f} {r['apply']['p95']:>10.1f} "
                         f"{'(nothing on screen changes)':>35}")
            continue
        lines.append(
            f"{kind:<12} {r['apply']['median']:>10.1f} {r['apply']['p95']:>10.1f} "
            f"{r['to_screen']['median']:>8.1f} {r['to_screen']['p95']:>8.1f} "
            f"{r['to_screen']['median'] / floor:>8.1f} "
            f"{r['end_to_end']['median']:>8.0f} {r['end_to_end']['p95']:>7.0f}"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    import argparse

    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--size", type=int, default=100_000, help="items in the corpus")
    p.add_argument("--corpus-dir", help="keep (and reuse) generated corpora here")
    p.add_argument("--repeat", type=int, default=10, help="changes of each kind")
    p.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = p.parse_args(argv)
    base = args.corpus_dir or tempfile.mkdtemp(prefix="reader-reload-")
    root, _count, _took = ensure_corpus(base, args.size, 7)
    home = tempfile.mkdtemp(prefix="reader-reload-home-")
    os.environ["READER_CACHE_DIR"] = os.path.join(home, "cache")
    os.environ["READER_CONFIG"] = os.path.join(home, "config.toml")
    # A warm index first, as an editor's second start has.
    from reader.core.index import Index
    from reader.core.loader import load_all

    with Index(root) as index:
        load_all(root, index=index)
    load_before = os.getloadavg()[0]
    result = asyncio.run(measure(root, args.repeat))
    report = {"size": args.size, "repeat": args.repeat, "machine": machine(), "git": git_state(),
              "load_before": round(load_before, 2), "load_after": round(os.getloadavg()[0], 2),
              "result": result}
    print(json.dumps(report, indent=2) if args.json else render(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())
