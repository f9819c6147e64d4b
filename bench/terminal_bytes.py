#!/usr/bin/env python3
"""Bytes written to the terminal per keypress: the real app on a pty, and newsboat.

Usage:
    python bench/terminal_bytes.py [--n 10000] [--sizes 120x40,80x24] [--corpus-dir DIR]
                                   [--moves 6] [--pages 3] [--quiet-ms 300] [--word robot]
                                   [--list-only-key v] [--no-newsboat] [--json]

For each terminal size, ``python -m reader CORPUS`` runs on a pseudo-terminal
(bench/run.py's PtySession: the real Linux driver and output) with a warm index
and previews off. Each key is written when the app has been quiet for
``--quiet-ms``; its bytes are everything the app writes from then until it is
quiet again: the list's frame, the detail pane a moment later (a thread worker
reads the item), any scrollbar or status repaint.

Each byte is attributed to the part of the screen it paints: the cursor is
followed through the output, and the text (with the moves and styles sent
before it) goes to the widget region it is drawn in, looked up in the regions
of the same app at the same size (a headless run on the bundled samples: the
layout does not depend on the data). "frame" is the synchronized-update
markers and what no text follows before a frame ends (the final cursor
placement).

Keys: j (cursor moves inside the page, from the top), j at the bottom row (the
list scrolls one row), page down, each letter of a search word typed after "/",
s (next sort key); then the list-only layout (``--list-only-key``): the key
itself, j and page down in it, and the key again. A key the app does not have
shows as "n/a".

newsboat (when installed; "not installed" otherwise): an RSS feed of the same
items (bench/make_corpus.py, same N and seed) in a file:// URL, with its config
and cache in a temp dir; the feed is loaded (``-x reload``), then newsboat opens
the feed's article list and gets the same keys: j, page down, a search letter
(it echoes in its prompt; newsboat searches on Enter), and a sort (``g`` then
``t``, counted together).
"""

from __future__ import annotations

import asyncio
import os
import re
import shutil
import statistics
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
for path in (REPO, HERE):
    if path not in sys.path:
        sys.path.insert(0, path)

import run  # noqa: E402  (bench/run.py: PtySession, corpus and environment helpers)

PARTS = ("list", "header", "detail", "sidebar", "search", "status", "footer", "other", "frame")
WIDGETS = {"header": "#columns", "list": "#list-pane", "detail": "#detail", "sidebar": "#sidebar",
           "search": "#search", "status": "#status", "footer": "Footer"}


# -- where things are on the screen ---------------------------------------------------

def screen_regions(cols: int, rows: int, list_only_key: str) -> dict:
    """{"normal": {part: (x, y, w, h)}, "search": (the search box open), "list_only":
    (None when the key does not hide the detail pane)} for this size."""
    from textual.widget import Widget

    from reader.core.config import Config, PreviewConfig
    from reader.resources import sample_content_dir
    from reader.ui.app import create_app

    async def measure() -> dict:
        app = create_app(sample_content_dir(), config=Config(preview=PreviewConfig(enabled=False)),
                         use_cache=False, use_index=False)
        out: dict = {}
        async with app.run_test(size=(cols, rows)) as pilot:
            for _ in range(200):
                if app.total and app.progress is None:
                    break
                await pilot.pause(0.05)

            def regions() -> dict:
                found = {}
                for part, selector in WIDGETS.items():
                    widget = app.query_one(selector, Widget)
                    found[part] = tuple(widget.region) if widget.display else None
                return found

            await pilot.pause()
            out["normal"] = regions()
            await pilot.press("slash")
            await pilot.pause()
            out["search"] = regions()
            await pilot.press("escape")
            await pilot.pause()
            await pilot.press(list_only_key)
            await pilot.pause()
            after = regions()
            out["list_only"] = after if after["detail"] is None and out["normal"]["detail"] else None
        return out

    return asyncio.run(measure())


TOKEN = re.compile(rb"(\x1b\[\?2026[hl])|\x1b\[(\d*)(?:;(\d+))?([HC])|(\r\n)|(\x1b\[[0-?]*[ -/]*[@-~]"
                   rb"|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b.?)")


def attribute(data: bytes, regions: dict) -> dict[str, int]:
    """Bytes per screen part: the cursor is followed through moves, line ends and
    the text itself; the text drawn goes to the part it is drawn in, with the
    moves and styles sent before it. Synchronized-update markers, and moves and
    styles that no text follows before a frame ends (the cursor placed at the
    end of each frame), are "frame"."""
    from rich.cells import cell_len

    order = [(p, r) for p in ("header", "list", "detail", "sidebar", "search", "status", "footer")
             if (r := regions.get(p))]

    def part_at(x: int, y: int) -> str:
        for part, (rx, ry, rw, rh) in order:
            if rx <= x < rx + rw and ry <= y < ry + rh:
                return part
        return "other"

    counts = dict.fromkeys(PARTS, 0)
    x = y = pending = 0

    def text(chunk: bytes) -> None:
        nonlocal x, pending
        for char in chunk.decode("utf-8", "replace"):
            counts[part_at(x, y)] += len(char.encode()) + pending
            pending = 0
            x += cell_len(char)

    pos = 0
    for m in TOKEN.finditer(data):
        text(data[pos:m.start()])
        pos = m.end()
        pending += len(m.group(0))
        if m.group(1):
            counts["frame"] += pending
            pending = 0
        elif m.group(4) == b"H":
            y, x = int(m.group(2) or 1) - 1, int(m.group(3) or 1) - 1
        elif m.group(4) == b"C":
            x += int(m.group(2) or 1)
        elif m.group(5):
            x, y = 0, y + 1
    text(data[pos:])
    counts["frame"] += pending
    return counts


# -- a pty session that counts what it reads ----------------------------------------

class CountingSession(run.PtySession):
    """bench/run.py's PtySession, keeping every byte read and when the last one came."""

    def __init__(self, root: str, env: dict[str, str], size: tuple[int, int],
                 argv: list[str] | None = None) -> None:
        self.last_output = time.perf_counter()
        super().__init__(root, env, size=size, argv=argv)

    def _read(self) -> None:
        before = len(self.buf), len(self.frames)
        super()._read()
        if (len(self.buf), len(self.frames)) != before:
            self.last_output = time.perf_counter()

    def received(self) -> int:
        return sum(len(f) for _, f in self.frames) + len(run.SYNC_END) * len(self.frames) + len(self.buf)

    def stream(self) -> bytes:
        return b"".join(f + run.SYNC_END for _, f in self.frames) + self.buf

    def settle(self, quiet: float, limit: float = 30.0) -> None:
        """Read until nothing came for ``quiet`` seconds."""
        start = time.perf_counter()
        while not self.eof and time.perf_counter() - start < limit:
            self.pump(quiet / 6)
            if time.perf_counter() - self.last_output >= quiet:
                return

    def key(self, data: bytes, quiet: float) -> bytes:
        """Write ``data`` once quiet; return everything written back until quiet again."""
        self.settle(quiet)
        start = self.received()
        os.write(self.master, data)
        self.last_output = time.perf_counter()
        self.settle(quiet)
        return self.stream()[start:]


# -- the sessions -----------------------------------------------------------------------

KEYS = {"pagedown": b"\x1b[6~", "escape": b"\x1b", "enter": b"\r"}


def reader_session(root: str, env: dict[str, str], size: tuple[int, int], expected: int,
                   regions: dict, a) -> dict:
    quiet = a.quiet_ms / 1000
    shown = re.compile(rb" / ([0-9,]+) shown")
    # A state folder of its own: the first start's last view (its cursor row) would
    # otherwise be put back, and a cursor on the list's last row scrolls on each j.
    env = dict(env, READER_STATE_DIR=tempfile.mkdtemp(prefix="state-", dir=os.path.dirname(env["READER_STATE_DIR"])))
    s = CountingSession(root, env, size)
    out: dict[str, list] = {}

    def press(label: str, data: bytes, layout: str = "normal") -> None:
        got = s.key(data, quiet)
        out.setdefault(label, []).append(attribute(got, regions[layout]))

    try:
        loaded = s.wait_frame(lambda f: any(int(m.group(1).replace(b",", b"")) == expected
                                            for m in shown.finditer(f)), 300)
        if loaded is None:
            raise TimeoutError("reader: the list never showed every item")
        s.settle(1.0)
        for _ in range(a.moves):
            press("j", b"j")
        for _ in range(a.pages):
            press("page down", KEYS["pagedown"])
        press("j after page down", b"j")
        press("/ (opens the search box)", b"/")
        for ch in a.word:
            press("search letter", ch.encode(), "search")
        press("Esc (clears the search, closes the box)", KEYS["escape"])
        s.key(b"g", quiet)
        for _ in range(2):
            press("sort (s)", b"s")
        if regions.get("list_only") is not None:
            s.key(b"g", quiet)
            press("list-only key", a.list_only_key.encode())
            for _ in range(a.moves):
                press("j, list only", b"j", "list_only")
            press("page down, list only", KEYS["pagedown"], "list_only")
            press("list-only key again", a.list_only_key.encode(), "list_only")
    finally:
        s.close()
    return out


def write_feed(path: str, n: int, seed: int) -> None:
    """An RSS 2.0 feed of the corpus's items (same N and seed as the reader's files)."""
    from email.utils import format_datetime
    from xml.sax.saxutils import escape

    import make_corpus

    with open(path, "w", encoding="utf-8") as fh:
        fh.write('<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel>'
                 "<title>corpus</title><link>https://example.com/</link><description>bench</description>\n")
        for filename, f, _body in make_corpus.generate_items(n, seed=seed):
            fh.write(f"<item><title>{escape(f['title'])}</title><link>{escape(f['webUrl'])}</link>"
                     f"<description>{escape(f.get('excerpt') or '')}</description>"
                     f"<pubDate>{format_datetime(f['publishedDateTime'])}</pubDate>"
                     f"<guid isPermaLink=\"false\">{escape(filename)}</guid></item>\n")
        fh.write("</channel></rss>\n")


def newsboat_session(exe: str, work: str, n: int, size: tuple[int, int], a) -> dict:
    import subprocess

    quiet = a.quiet_ms / 1000
    feed = os.path.join(work, "feed.xml")
    if not os.path.exists(feed):
        write_feed(feed, n, a.seed)
    urls, config, cache = (os.path.join(work, name) for name in ("urls", "config", "cache.db"))
    with open(urls, "w", encoding="utf-8") as fh:
        fh.write("file://" + feed + "\n")
    open(config, "w", encoding="utf-8").close()
    argv = [exe, "-u", urls, "-C", config, "-c", cache]
    if not os.path.exists(cache):
        subprocess.run([*argv, "-x", "reload"], check=True, timeout=600, capture_output=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LINES", "COLUMNS"))}
    env.update(HOME=work, XDG_CONFIG_HOME=os.path.join(work, "xdg-config"),
               XDG_DATA_HOME=os.path.join(work, "xdg-data"))
    s = CountingSession(work, env, size, argv=argv)
    out: dict[str, list] = {}

    def press(label: str, *keys: bytes) -> None:
        total = sum(len(s.key(k, quiet)) for k in keys)
        out.setdefault(label, []).append({"total": total})

    try:
        s.settle(2 * quiet)
        s.key(KEYS["enter"], quiet)  # open the feed's article list
        for _ in range(a.moves):
            press("j", b"j")
        for _ in range(a.pages):
            press("page down", KEYS["pagedown"])
        press("j after page down", b"j")
        s.key(b"/", quiet)
        for ch in a.word:
            press("search letter", ch.encode())
        s.key(KEYS["escape"], quiet)
        for _ in range(2):
            press("sort (s)", b"g", b"t")
    finally:
        s.close()
    return out


# -- report ---------------------------------------------------------------------------------

def summarise(samples: list[dict]) -> dict:
    totals = [sum(s.values()) if "total" not in s else s["total"] for s in samples]
    out = {"n": len(samples), "median": int(statistics.median(totals)), "max": max(totals)}
    if samples and "total" not in samples[0]:
        out["parts"] = {p: int(statistics.median(s[p] for s in samples)) for p in PARTS}
    return out


LABELS = ["j", "page down", "j after page down", "/ (opens the search box)", "search letter",
          "Esc (clears the search, closes the box)", "sort (s)", "list-only key",
          "j, list only", "page down, list only", "list-only key again"]


def render(report: dict) -> str:
    lines = [f"reader bench/terminal_bytes.py  {report['date']}  N = {report['n']:,}  "
             f"quiet {report['quiet_ms']} ms  load average {report['loadavg']}",
             f"command: {report['command']}"]
    code = run.git_line(report.get("git"))
    if code:
        lines.append(code)
    for size in report["sizes"]:
        r, nb = size["reader"], size.get("newsboat")
        lines += ["", f"### {size['size']}", "",
                  "| key | reader bytes, median (max) | list | detail | status | footer | header | sidebar "
                  "| search | other + frame | newsboat, median (max) |",
                  "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
        for label in LABELS:
            if label not in r:
                if label.startswith(("list-only", "j, list", "page down, list")):
                    lines.append(f"| {label} | n/a (no list-only layout) | | | | | | | | | |")
                continue
            s, p = r[label], r[label]["parts"]
            theirs = nb.get(label) if isinstance(nb, dict) else None
            other = theirs and f"{theirs['median']:,} ({theirs['max']:,})"
            lines.append(
                f"| {label} ×{s['n']} | {s['median']:,} ({s['max']:,}) | {p['list']:,} | {p['detail']:,} "
                f"| {p['status']:,} | {p['footer']:,} | {p['header']:,} | {p['sidebar']:,} | {p['search']:,} "
                f"| {p['other'] + p['frame']:,} | {other or ('—' if isinstance(nb, dict) else nb)} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    import argparse
    import datetime
    import json

    argv = sys.argv[1:] if argv is None else argv
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=10_000, help="corpus size")
    ap.add_argument("--sizes", default="120x40,80x24", help="terminal sizes, COLSxROWS")
    ap.add_argument("--corpus-dir", help="keep the corpus here and reuse it")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--moves", type=int, default=6, help="j presses inside the page")
    ap.add_argument("--pages", type=int, default=3, help="page down presses")
    ap.add_argument("--word", default="robot", help="typed after / one letter at a time")
    ap.add_argument("--quiet-ms", type=int, default=300, help="a key's output ends after this much quiet")
    ap.add_argument("--list-only-key", default="v")
    ap.add_argument("--no-newsboat", dest="newsboat", action="store_false")
    ap.add_argument("--json", action="store_true")
    a = ap.parse_args(argv)
    sizes = [tuple(int(v) for v in s.lower().split("x")) for s in a.sizes.split(",") if s.strip()]

    tmp = tempfile.mkdtemp(prefix="reader-bytes-")
    base = os.path.abspath(a.corpus_dir) if a.corpus_dir else tmp
    os.makedirs(base, exist_ok=True)
    report: dict = {"date": datetime.date.today().isoformat(), "n": a.n, "quiet_ms": a.quiet_ms,
                    "command": " ".join([os.path.relpath(sys.executable), "bench/terminal_bytes.py", *argv]),
                    "machine": run.machine(), "git": run.git_state(), "sizes": []}
    try:
        root, files, _ = run.ensure_corpus(base, a.n, a.seed)
        env = run.child_env(os.path.join(tmp, "home"), os.path.join(tmp, "cache"))
        run.log(f"corpus {root} ({files:,} files); writing the index once (a first start) ...")
        warm = CountingSession(root, env, sizes[0])
        shown = f" / {files:,} shown".encode()
        if warm.wait_frame(lambda f: shown in f, 600) is None:
            raise TimeoutError("reader: the first start never showed every item")
        warm.settle(1.0)
        warm.close()
        exe = shutil.which("newsboat") if a.newsboat else None
        report["loadavg"] = " ".join(f"{x:.2f}" for x in os.getloadavg())
        for cols, rows in sizes:
            run.log(f"{cols}x{rows}: screen regions, reader ...")
            regions = screen_regions(cols, rows, a.list_only_key)
            res = reader_session(root, env, (cols, rows), files, regions, a)
            entry: dict = {"size": f"{cols}x{rows}", "regions": regions,
                           "reader": {k: summarise(v) for k, v in res.items()}}
            if not a.newsboat:
                entry["newsboat"] = "not run (--no-newsboat)"
            elif exe is None:
                entry["newsboat"] = "not installed"
            else:
                run.log(f"{cols}x{rows}: newsboat ...")
                work = os.path.join(tmp, "newsboat")
                os.makedirs(work, exist_ok=True)
                nb = newsboat_session(exe, work, files, (cols, rows), a)
                entry["newsboat"] = {k: summarise(v) for k, v in nb.items()}
            report["sizes"].append(entry)
        report["loadavg_after"] = " ".join(f"{x:.2f}" for x in os.getloadavg())
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print(json.dumps(report, indent=1) if a.json else render(report))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
