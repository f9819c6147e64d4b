#!/usr/bin/env python3
"""End-to-end benchmark of the real app: load, keypress latency, queries, memory.

Usage:
    python bench/run.py [--sizes 1000,10000,100000] [--corpus-dir DIR] [--runs R]
                        [--warm-runs W] [--moves M] [--pages P] [--no-pty] [--json]

For each corpus size N (generated deterministically with bench/make_corpus.py,
into a temporary folder or into ``--corpus-dir`` where it is kept and reused,
files given old mtimes as a real collection has), every measurement runs in a
fresh process, previews off (a config file with ``[preview] enabled = false``):

load      the real app (``create_app`` + ``App.run_test(size=(80, 24))``), t=0 at
          the top of the child before anything from reader/textual is imported.
          cold = empty READER_CACHE_DIR (no index: every file parsed, the index
          written -- the app's first start); warm = that index present.
          first paint  = end of the first frame in which app.total > 0 and the
                         article list has drawn at least one entry row;
          fully loaded = end of the first frame after the finished batch was
                         applied (app.progress is None).
          "frame" = Screen._compositor_refresh -> App._display, the point where
          Textual hands the update to the driver; headless mode skips turning
          it into terminal bytes, so the probe does that work too
          (CompositorUpdate.render_segments), as a real driver would.
interact  warm start, then keys injected the way Textual's own driver injects
          them (driver.send_message(events.Key)), each timed from the send to
          the end of the frame that shows its effect: cursor row drawn at the
          new position (j/down, pagedown), list drawn with the new rows
          (search letters, Esc, s/S/u). Keys are sent when the app is idle (no
          frame for 50 ms), plus a "held j" run at a fixed 30 keys/s.
pty       ``python -m reader DIR`` on a pseudo-terminal at 80x24 (real Linux
          driver, real output): answers Textual's synchronized-output query so
          every frame ends with ESC[?2026l, then times key bytes written ->
          end of the first frame / of the last frame before 60 ms of quiet.
catalog   core only: the entries loaded as the app loads them (reader.ui.loading
          .load_into with the index), then Catalog.query timings (median of R)
          before and after ``Catalog.warm_up()`` when the Catalog has one.

If the app fails to load a corpus cold, that is reported (FAILED + the error) and
the cold load is measured once more with the workaround, labelled as such, so
the warm runs have an index. Cyclic-GC collections in the app process are
counted and timed (gc.callbacks) during the load and during the keys.

Output: a table per N, or ``--json`` for everything as JSON on stdout
(progress goes to stderr either way).
"""

from __future__ import annotations

import tempfile
import time

T0 = time.perf_counter()  # a child's clock: before reader/textual (or anything big) is imported

import os  # noqa: E402
import sys  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
if REPO not in sys.path:
    sys.path.insert(0, REPO)

RESULT_TAG = "@@BENCH-RESULT "
SIZE = (80, 24)


# =====================================================================================
# small helpers (shared by parent and children)
# =====================================================================================

def _ms(seconds: float | None) -> float | None:
    return None if seconds is None else round(seconds * 1000, 2)


def summary(samples_s: list[float]) -> dict:
    """n, median, p95 (nearest rank), max, first -- in milliseconds."""
    import math
    import statistics

    if not samples_s:
        return {"n": 0}
    xs = sorted(samples_s)
    p95 = xs[max(0, math.ceil(0.95 * len(xs)) - 1)]
    return {"n": len(xs), "median": _ms(statistics.median(xs)), "p95": _ms(p95),
            "max": _ms(xs[-1]), "first": _ms(samples_s[0])}


def _maxrss_mb(who: int) -> float:
    import resource

    kb = resource.getrusage(who).ru_maxrss
    return round(kb / 1024 if sys.platform != "darwin" else kb / 1024 / 1024, 1)


def rss_report() -> dict:
    import resource

    return {"self_mb": _maxrss_mb(resource.RUSAGE_SELF),
            "children_mb": _maxrss_mb(resource.RUSAGE_CHILDREN)}


def choose_words(entries) -> tuple[str, str]:
    """(1-word search, 3-word search): deterministic, from a title in the middle of the corpus."""
    ordered = sorted(entries, key=lambda e: e.id)
    start = len(ordered) // 2
    for e in ordered[start:] + ordered[:start]:
        words = [w.casefold() for w in e.title.split() if w.isalpha() and w.isascii() and len(w) >= 4]
        if len(words) >= 3:
            return words[0], " ".join(words[:3])
    return "model", "model open source"


# =====================================================================================
# child: the real app under run_test (load / interact)
# =====================================================================================

class Probe:
    """Frame-level observation of the app: set by hooks, read by the measuring code."""

    def __init__(self) -> None:
        self.app = None
        self.frames = 0
        self.last_frame = 0.0
        self.first_frame: float | None = None
        self.first_paint: float | None = None
        self.loaded: float | None = None
        self.first_detail: float | None = None
        self.finished = False
        self.row_drawn = False  # the list has drawn at least one entry row
        self.cursor_drawn = -1  # the last row drawn with the cursor on it (since reset)
        self.rows_drawn = None  # the rows list the list last drew a line of (since reset)
        self.rows_given = None  # the rows list the list last got (drawn by the next frame)
        self.waiters: list = []  # [predicate, future]
        self.on_frame_hooks: list = []
        self.batches: list[dict] = []
        self.requery_s: list[float] = []

    def reset_draws(self) -> None:
        self.cursor_drawn = -1
        self.rows_drawn = None

    def frame(self, t: float) -> None:
        self.frames += 1
        if self.rows_given is not None:
            self.rows_drawn = self.rows_given
        self.last_frame = t
        app = self.app
        if self.first_frame is None:
            self.first_frame = t
        if app is not None:
            if self.first_paint is None and app.total > 0 and self.row_drawn:
                self.first_paint = t
            if self.loaded is None and self.finished and app.progress is None:
                self.loaded = t
            if self.first_detail is None and app.current_item is not None:
                self.first_detail = t
        for hook in self.on_frame_hooks:
            hook(t)
        if self.waiters:
            for w in list(self.waiters):
                pred, fut = w
                if not fut.done() and pred():
                    fut.set_result(t)
                    self.waiters.remove(w)

    def waiter(self, pred):
        import asyncio

        fut = asyncio.get_running_loop().create_future()
        self.waiters.append([pred, fut])
        return fut


def gc_recorder() -> list[tuple[int, float]]:
    """(generation, seconds) of every cyclic-GC collection from now on (main thread or not)."""
    import gc

    log: list[tuple[int, float]] = []
    started = [0.0]

    def callback(phase: str, info: dict) -> None:
        if phase == "start":
            started[0] = time.perf_counter()
        else:
            log.append((info["generation"], time.perf_counter() - started[0]))

    gc.callbacks.append(callback)
    return log


def gc_summary(log: list[tuple[int, float]]) -> dict:
    out = {}
    for gen in (0, 1, 2):
        d = [s for g, s in log if g == gen]
        out[f"gen{gen}"] = {"n": len(d), "max_ms": _ms(max(d)) if d else None,
                            "sum_ms": _ms(sum(d))}
    return out


def install_hooks(probe: Probe) -> None:
    """Class-level hooks (this is a throwaway benchmark process)."""
    from textual._compositor import CompositorUpdate

    from reader.ui.app import ReaderApp
    from reader.ui.widgets.article_list import ArticleList

    original_display = ReaderApp._display
    perf = time.perf_counter

    def _display(self, screen, renderable):
        original_display(self, screen, renderable)
        if renderable is None or getattr(self, "_batch_count", 0):
            return  # nothing was displayed
        if self.is_headless and isinstance(renderable, CompositorUpdate):
            # What a terminal driver does with the frame (headless mode skips it).
            renderable.render_segments(self.console)
        probe.frame(perf())

    ReaderApp._display = _display

    original_render_line = ArticleList.render_line

    def render_line(self, y):
        strip = original_render_line(self, y)
        rows = self.rows
        row = int(self.scroll_offset.y) + y
        probe.rows_drawn = rows
        if row < len(rows):
            probe.row_drawn = True
            if row == self.cursor:
                probe.cursor_drawn = row
        return strip

    ArticleList.render_line = render_line

    # The list repaints only the lines that change: a new rows list that leaves
    # the visible lines as they were draws none. It is on screen with the first
    # frame after the list got it.
    original_watch_rows = ArticleList.watch_rows

    def watch_rows(self, rows):
        original_watch_rows(self, rows)
        probe.rows_given = rows

    ArticleList.watch_rows = watch_rows


def make_key(key: str):
    """An events.Key exactly as Pilot builds it."""
    import unicodedata

    from textual import events
    from textual.keys import REPLACED_KEYS, _character_to_key, _get_unicode_name_from_key

    if len(key) == 1 and not key.isalnum():
        key = _character_to_key(key)
    original = REPLACED_KEYS.get(key, key)
    try:
        char = unicodedata.lookup(_get_unicode_name_from_key(original))
    except KeyError:
        char = key if len(key) == 1 else None
    return events.Key(key, char)


async def ui_child(spec: dict) -> dict:
    import asyncio

    from textual.worker import Worker, WorkerState

    from reader.ui.app import create_app

    t_imported = time.perf_counter()
    if spec.get("workaround_tracker"):
        # Start multiprocessing's resource tracker while sys.stderr is still the real
        # one: inside the app it is Textual's capture (fileno() == -1) and starting the
        # tracker there fails ("bad value(s) in fds_to_keep") -- an app bug this works around.
        from multiprocessing import resource_tracker

        resource_tracker.ensure_running()
    probe = Probe()
    install_hooks(probe)
    gc_log = gc_recorder()
    app = create_app(spec["root"])
    probe.app = app
    perf = time.perf_counter

    original_add = app._add_batch

    def add_batch(batch):
        t = perf()
        original_add(batch)
        took = perf() - t
        probe.batches.append({"t": round(t - T0, 4), "entries": len(batch.entries),
                              "removed": len(batch.removed), "ms": _ms(took),
                              "finished": batch.finished})
        if batch.finished:
            probe.finished = True

    app._add_batch = add_batch  # the loader's callback looks it up on each batch

    original_requery = app.state.requery

    def requery():
        t = perf()
        original_requery()
        probe.requery_s.append(perf() - t)

    app.state.requery = requery  # the screen state looks it up on each call

    out: dict = {"import_s": round(t_imported - T0, 4), "t0": T0,
                 "workaround_tracker": bool(spec.get("workaround_tracker"))}
    failures: list[str] = []

    def message_hook(message) -> None:
        if (isinstance(message, Worker.StateChanged) and message.state is WorkerState.ERROR
                and message.worker.group == "load"):
            error = message.worker.error
            failures.append(f"{type(error).__name__}: {error} (after {perf() - T0:.2f} s)")

    async with app.run_test(size=SIZE, message_hook=message_hook) as pilot:
        deadline = perf() + spec.get("timeout", 300)
        while probe.loaded is None:
            if failures:
                out.update(error="the app's load worker failed: " + failures[0], total=app.total,
                           first_frame_s=round(probe.first_frame - T0, 4) if probe.first_frame else None,
                           rss=rss_report())
                return out
            if perf() > deadline:
                raise TimeoutError(f"not loaded after {spec.get('timeout', 300)} s "
                                   f"(total={app.total}, progress={app.progress})")
            await asyncio.sleep(0.005)
        out.update(
            first_frame_s=round(probe.first_frame - T0, 4),
            first_paint_s=round(probe.first_paint - T0, 4) if probe.first_paint else None,
            loaded_s=round(probe.loaded - T0, 4),
            total=app.total, problems=app.problems,
        )
        # Settle: the first item's detail, anything the app does after loading.
        await _idle(app, probe, 0.2, limit=30.0)
        out["first_detail_s"] = round(probe.first_detail - T0, 4) if probe.first_detail else None
        out["settled_s"] = round(probe.last_frame - T0, 4)
        out["batches"] = probe.batches
        ui = [b["ms"] for b in probe.batches]
        out["ui_thread_batches"] = {"n": len(ui), "sum_ms": round(sum(ui), 1),
                                    "max_ms": max(ui) if ui else None}
        out["rss_after_load"] = rss_report()
        out["gc_load"] = gc_summary(gc_log)
        gc_log.clear()
        if spec["mode"] == "interact":
            out["keys"] = await interact(app, pilot, probe, spec)
            out["gc_keys"] = gc_summary(gc_log)
    out["rss"] = rss_report()
    return out


async def _idle(app, probe: Probe, quiet: float, limit: float = 5.0) -> float:
    """Wait until no worker runs (but the file watcher) and no frame was drawn for ``quiet`` seconds."""
    import asyncio

    from textual.worker import WorkerState

    perf = time.perf_counter
    start = perf()
    await asyncio.sleep(0)  # let whatever was just queued start
    while perf() - start < limit:
        # (the live-reload watcher runs as long as the app: it is not work in progress)
        busy = any(w.state in (WorkerState.PENDING, WorkerState.RUNNING) and w.group != "watch"
                   for w in app.workers)
        if not busy and perf() - probe.last_frame >= quiet:
            break
        await asyncio.sleep(quiet / 5)
    return probe.last_frame


async def interact(app, pilot, probe: Probe, spec: dict) -> dict:
    import asyncio

    from reader.core.query import Published, SortKey
    from reader.ui.widgets.article_list import ArticleList
    from reader.ui.widgets.search_bar import SearchBar

    perf = time.perf_counter
    lst = app.query_one(ArticleList)
    bar = app.query_one(SearchBar)
    driver = app._driver
    timeout = 30.0
    res: dict = {}

    def send(key: str) -> float:
        event = make_key(key)
        event.set_sender(app)
        t = perf()
        driver.send_message(event)
        return t

    async def measure(key: str, pred, *, detail: bool = False) -> dict:
        await _idle(app, probe, 0.05)
        probe.reset_draws()
        old_cursor = lst.cursor
        n_requery = len(probe.requery_s)
        w_main = probe.waiter(lambda: pred(old_cursor))
        w_detail = None
        if detail:
            w_detail = probe.waiter(
                lambda: app.current_item is not None and lst.highlighted is not None
                and app.current_item.id == lst.highlighted.id and lst.cursor != old_cursor)
        t = send(key)
        t_main = await asyncio.wait_for(w_main, timeout)
        r = {"frame": t_main - t}
        if w_detail is not None:
            r["detail"] = await asyncio.wait_for(w_detail, timeout) - t
        last = await _idle(app, probe, 0.05)
        r["settled"] = last - t
        r["requery"] = sum(probe.requery_s[n_requery:])
        r["requery_calls"] = len(probe.requery_s) - n_requery
        return r

    def cursor_moved(old: int) -> bool:
        return lst.cursor != old and probe.cursor_drawn == lst.cursor

    def collect(rows: list[dict], *fields: str) -> dict:
        return {f: summary([r[f] for r in rows]) for f in fields}

    # -- cursor moves, one at a time from idle ------------------------------------------------
    moves = [await measure("j" if i % 2 == 0 else "down", cursor_moved, detail=True)
             for i in range(spec["moves"])]
    res["move"] = collect(moves, "frame", "detail", "settled")
    pages = [await measure("pagedown", cursor_moved, detail=True) for _ in range(spec["pages"])]
    res["pagedown"] = collect(pages, "frame", "detail", "settled")

    # -- j held down: a fixed 30 keys/s, whatever the app is doing ---------------------------
    await _idle(app, probe, 0.05)
    held: list[float] = []
    pending: list[tuple[int, float]] = []
    start_cursor = lst.cursor

    def on_frame(t: float) -> None:
        while pending and probe.cursor_drawn >= pending[0][0] and lst.cursor >= pending[0][0]:
            held.append(t - pending.pop(0)[1])

    probe.on_frame_hooks.append(on_frame)
    probe.reset_draws()
    interval = 1 / 30
    t_start = perf()
    for i in range(spec["held"]):
        wait = t_start + i * interval - perf()
        if wait > 0:
            await asyncio.sleep(wait)
        send("j")
        # Latency counts from when the key was due: a late send (the loop busy) is the app's delay.
        pending.append((start_cursor + i + 1, t_start + i * interval))
    deadline = perf() + timeout
    while pending and perf() < deadline:
        await asyncio.sleep(0.01)
    probe.on_frame_hooks.remove(on_frame)
    res["held_j_30hz"] = summary(held)
    res["held_j_30hz"]["lost"] = len(pending)

    # -- search, typed letter by letter ------------------------------------------------------
    _one, three = choose_words(app.catalog.entries)
    res["phrase"] = three
    await _idle(app, probe, 0.05)
    opened = await measure("slash", lambda old: bar.display and app.focused is bar)
    res["open_search"] = {"frame_ms": _ms(opened["frame"])}
    typed = ""
    letters = []
    for ch in three:
        typed += ch
        expect = typed

        def searched(old, expect=expect) -> bool:
            return app.view.search == expect and probe.rows_drawn is app.rows

        r = await measure("space" if ch == " " else ch, searched)
        r["shown"] = app.shown
        letters.append(r)
    res["search_letter"] = collect(letters, "frame", "settled", "requery")
    res["search_letter"]["per_letter"] = [
        {"text": three[:i + 1], "frame_ms": _ms(r["frame"]), "requery_ms": _ms(r["requery"]),
         "shown": r["shown"]} for i, r in enumerate(letters)]
    cleared = await measure("escape", lambda old: app.view.search == "" and probe.rows_drawn is app.rows)
    res["clear_search"] = {"frame_ms": _ms(cleared["frame"]), "requery_ms": _ms(cleared["requery"])}

    # -- sort keys (s cycles date -> heat -> quality -> title -> provider -> date), S, u --------
    await _idle(app, probe, 0.05)
    if app.focused is not lst:
        app.screen.set_focus(lst)
    sorts = []
    for _ in range(len(SortKey)):
        want = app.view.sort.next()
        r = await measure("s", lambda old, want=want: app.view.sort is want and probe.rows_drawn is app.rows)
        sorts.append({"sort": want.value, "frame_ms": _ms(r["frame"]), "requery_ms": _ms(r["requery"])})
    desc = not app.view.descending
    r = await measure("S", lambda old: app.view.descending is desc and probe.rows_drawn is app.rows)
    sorts.append({"sort": f"{app.view.sort.value} reversed", "frame_ms": _ms(r["frame"]),
                  "requery_ms": _ms(r["requery"])})
    res["sort_keys"] = sorts
    unpub = []
    for want in (Published.UNPUBLISHED, Published.ALL):
        r = await measure("u", lambda old, want=want: app.view.published is want and probe.rows_drawn is app.rows)
        unpub.append({"published": want.value, "frame_ms": _ms(r["frame"]), "requery_ms": _ms(r["requery"])})
    res["unpublished_key"] = unpub

    # -- for reference only: what timing Pilot.press gives (it sleeps >= 20 ms by design) -----
    await _idle(app, probe, 0.05)
    pilot_s = []
    for _ in range(spec["pilot"]):
        t = perf()
        await pilot.press("j")
        await pilot.pause()
        pilot_s.append(perf() - t)
    res["pilot_press_pause"] = summary(pilot_s)
    res["frames"] = probe.frames
    return res


# =====================================================================================
# child: the catalog (core only)
# =====================================================================================

def catalog_child(spec: dict) -> dict:
    import statistics
    from pathlib import Path

    from reader.core.catalog import Catalog
    from reader.core.query import Published, Query, SortKey
    from reader.ui.loading import load_into

    out: dict = {"import_s": round(time.perf_counter() - T0, 4)}
    runs = spec["runs"]
    perf = time.perf_counter
    cat = Catalog()

    def deliver(batch) -> None:  # what ReaderApp._add_batch does to its catalog
        if batch.removed:
            cat.remove_many(set(batch.removed))
        if batch.entries:
            cat.extend(batch.entries)

    t = perf()
    load_into(Path(spec["root"]), deliver, use_index=True)
    out["load_s"] = round(perf() - t, 4)
    entries = list(cat.entries)
    cat = None  # only the entries are kept
    out["entries"] = len(entries)
    one, three = choose_words(entries)
    probe_cat = Catalog(entries)
    topics = probe_cat.topic_counts()
    top = topics[0][0] if topics else None
    mid = topics[len(topics) // 2][0] if topics else None
    del probe_cat
    out.update(word=one, phrase=three, top_topic=top, mid_topic=mid)
    has_warm_up = callable(getattr(Catalog, "warm_up", None))
    out["has_warm_up"] = has_warm_up

    def timed(fn, setup=None, n=runs) -> dict:
        samples = []
        result = None
        for _ in range(n):
            arg = setup() if setup is not None else None
            t = perf()
            result = fn(arg)
            samples.append(perf() - t)
        s = summary(samples)
        if isinstance(result, list):
            s["rows"] = len(result)
        return s

    def app_like() -> Catalog:
        c = Catalog(entries)
        c.query(Query())  # the app's first query after loading
        return c

    # -- construction and per-batch work (as _add_batch does it) ---------------------------
    general = {"Catalog(entries)": timed(lambda _: Catalog(entries))}
    for label, method, args in (
        ("topic_counts (fresh)", "topic_counts", ()),
        ("unpublished_count (fresh)", "unpublished_count", ()),
        ("find_url first call (builds the URL map)", "find_url", (["https://nowhere.example.invalid/x"],)),
    ):
        if callable(getattr(Catalog, method, None)):  # the app's other calls, while they exist
            general[label] = timed(lambda c, m=method, a=args: getattr(c, m)(*a),
                                   setup=lambda: Catalog(entries))
    out["general"] = general

    sort_queries = [(f"sort {k.value} {'desc' if d else 'asc'}", Query(sort=k, descending=d))
                    for k in SortKey for d in (True, False)]
    filter_queries = [
        (f"topic {top!r}", Query(topic=top)),
        (f"topic {mid!r}", Query(topic=mid)),
        ("unpublished", Query(published=Published.UNPUBLISHED)),
        (f"search {one!r}", Query(search=one)),
        (f"search {three!r}", Query(search=three)),
        (f"topic {top!r} + search {one!r}", Query(topic=top, search=one)),
        ("clear (back to the default query)", Query()),
    ]

    def suite(make, cheap: bool) -> dict:
        """Every figure is the first time that query is asked of a catalog in the state
        ``make`` gives (the Catalog caches orders, masks and recent searches, so running
        the same query again on the same catalog measures a cache hit: those figures are
        the separate "(repeat)" lines). Medians over ``runs`` catalogs."""
        res: dict = {}

        def record(label: str, samples: list[float], rows: int) -> None:
            res[label] = summary(samples)
            res[label]["rows"] = rows

        # sorts: a fresh catalog per sort and run when that is cheap (before warm-up),
        # else one catalog per run for all sorts (after warm-up, every order is made)
        sort_s: dict[str, list[float]] = {label: [] for label, _ in sort_queries}
        rows_of: dict[str, int] = {}
        for _ in range(runs):
            c = None if cheap else make()
            for label, q in sort_queries:
                if cheap:
                    c = make()
                t = perf()
                rows = c.query(q)
                sort_s[label].append(perf() - t)
                rows_of[label] = len(rows)
        for label, _q in sort_queries:
            record(label, sort_s[label], rows_of[label])
        # filters and searches: one catalog per run, each query new to it (a different
        # query asked just before, untimed)
        filt_s: dict[str, list[float]] = {label: [] for label, _ in filter_queries}
        per_key: list[list[float]] = [[] for _ in three]
        for _ in range(runs):
            c = make()
            for label, q in filter_queries:
                c.query(Query(search=one) if q == Query() else Query())
                t = perf()
                rows = c.query(q)
                filt_s[label].append(perf() - t)
                rows_of[label] = len(rows)
            c = make()  # typing the phrase keystroke by keystroke, on a catalog that has seen none of it
            for i in range(len(three)):
                t = perf()
                c.query(Query(search=three[:i + 1]))
                per_key[i].append(perf() - t)
        for label, _q in filter_queries:
            record(label, filt_s[label], rows_of[label])
        meds = [statistics.median(x) for x in per_key]
        res[f"typing {three!r} per keystroke"] = {
            "n": len(meds), "median": _ms(statistics.median(meds)), "max": _ms(max(meds)),
            "total": _ms(sum(meds)), "per_key_ms": [_ms(m) for m in meds],
        }
        # repeats: the same query again on the same catalog (re-sorting back, backspacing)
        c = make()
        for label, q in sort_queries[2:4] + sort_queries[6:8] + filter_queries[3:4]:
            other = Query(sort=q.sort, descending=not q.descending) if not q.search else Query()
            c.query(q)
            res[label + " (repeat)"] = timed(lambda _, q=q: c.query(q), setup=lambda o=other: c.query(o))
        return res

    out["before"] = suite(app_like, cheap=True)
    if has_warm_up:
        def warmed() -> Catalog:
            c = Catalog(entries)
            c.warm_up()
            c.query(Query())
            return c

        out["warm_up"] = timed(lambda c: c.warm_up(), setup=lambda: Catalog(entries),
                               n=max(1, min(runs, 3)))
        out["after"] = suite(warmed, cheap=False)
    out["rss"] = rss_report()
    return out


def child_main(spec: dict) -> int:
    import json

    if spec["mode"] in ("load", "interact"):
        import asyncio

        result = asyncio.run(ui_child(spec))
    elif spec["mode"] == "catalog":
        result = catalog_child(spec)
    else:
        raise SystemExit(f"unknown mode {spec['mode']}")
    sys.stdout.write(RESULT_TAG + json.dumps(result) + "\n")
    sys.stdout.flush()
    return 0


# =====================================================================================
# parent: pty session (the real CLI on a pseudo-terminal)
# =====================================================================================

SYNC_START, SYNC_END = b"\x1b[?2026h", b"\x1b[?2026l"
DECRQM_SYNC = b"\x1b[?2026$p"
PTY_KEYS = {"j": b"j", "down": b"\x1b[B", "pagedown": b"\x1b[6~", "slash": b"/", "space": b" "}


class PtySession:
    """``python -m reader ROOT`` (or ``argv``) on a pty; output split into frames at ESC[?2026l."""

    def __init__(self, root: str, env: dict[str, str], size: tuple[int, int] | None = None,
                 argv: list[str] | None = None) -> None:
        import fcntl
        import struct
        import subprocess
        import termios

        cols, rows = size or SIZE
        self.master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
        env = dict(env, TERM="xterm-256color", COLORTERM="truecolor",
                   COLUMNS=str(cols), LINES=str(rows))
        self.t_spawn = time.perf_counter()
        try:
            self.proc = subprocess.Popen(
                argv or [sys.executable, "-m", "reader", root], stdin=slave, stdout=slave,
                stderr=slave, env=env, cwd=REPO, start_new_session=True, close_fds=True)
        finally:
            os.close(slave)
        self.buf = b""
        self.frames: list[tuple[float, bytes]] = []
        self.eof = False

    def pump(self, seconds: float) -> None:
        import select

        until = time.perf_counter() + seconds
        while not self.eof and (left := until - time.perf_counter()) > 0:
            ready, _, _ = select.select([self.master], [], [], left)
            if ready:
                self._read()

    def _read(self) -> None:
        try:
            data = os.read(self.master, 1 << 16)
        except OSError:
            data = b""
        t = time.perf_counter()
        if not data:
            self.eof = True
            return
        if DECRQM_SYNC in data:  # we are a terminal with synchronized output (mode 2026)
            os.write(self.master, b"\x1b[?2026;2$y")
        self.buf += data
        while (i := self.buf.find(SYNC_END)) != -1:
            self.frames.append((t, self.buf[:i]))
            self.buf = self.buf[i + len(SYNC_END):]

    def wait_frame(self, pred, timeout: float, start: int = 0) -> tuple[int, float] | None:
        """(index, time) of the first frame from ``start`` on that satisfies ``pred``."""
        until = time.perf_counter() + timeout
        i = start
        while True:
            while i < len(self.frames):
                if pred(self.frames[i][1]):
                    return i, self.frames[i][0]
                i += 1
            left = until - time.perf_counter()
            if left <= 0 or self.eof:
                return None
            self.pump(min(left, 0.05))

    def quiet(self, seconds: float, limit: float = 5.0, ignore_small: bool = False) -> float:
        """Read until no (significant) frame arrived for ``seconds``; time of the last one."""
        start = time.perf_counter()

        def last() -> float:
            for t, f in reversed(self.frames):
                if not ignore_small or len(f) >= 120:
                    return t
            return start

        while time.perf_counter() - start < limit and not self.eof:
            self.pump(seconds / 4)
            if time.perf_counter() - max(last(), 0) >= seconds:
                break
        return last()

    def press(self, key: str, ignore_small: bool = False, shows: bytes | None = None) -> tuple[float, float]:
        """Key bytes -> (first frame end, last frame end before 60 ms of quiet), seconds.

        With ``ignore_small``, frames under 120 bytes (the input's blinking cursor)
        don't count, unless they hold ``shows``: a typed letter that leaves the list
        as it was sends only its echo, which the terminal output keeps small."""
        self.quiet(0.06, ignore_small=ignore_small)
        n = len(self.frames)
        data = PTY_KEYS.get(key, key.encode())
        t = time.perf_counter()
        os.write(self.master, data)

        def significant(f: bytes) -> bool:
            return not ignore_small or len(f) >= 120 or (shows is not None and shows in f)

        hit = self.wait_frame(significant, 10.0, start=n)
        if hit is None:
            raise TimeoutError(f"pty: no frame after {key!r}")
        last = self.quiet(0.06, ignore_small=ignore_small)
        return hit[1] - t, max(last, hit[1]) - t

    def peak_rss_mb(self) -> float | None:
        try:
            with open(f"/proc/{self.proc.pid}/status") as fh:
                for line in fh:
                    if line.startswith("VmHWM:"):
                        return round(int(line.split()[1]) / 1024, 1)
        except OSError:
            pass
        return None

    def close(self) -> None:
        import signal
        import subprocess

        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=3)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=5)
        os.close(self.master)


def pty_bench(root: str, env: dict[str, str], expected_total: int, phrase: str,
              moves: int, pages: int) -> dict:
    import re

    shown = re.compile(rb" / ([0-9,]+) shown")

    def total_in(frame: bytes) -> int | None:
        m = shown.search(frame)
        return int(m.group(1).replace(b",", b"")) if m else None

    s = PtySession(root, env)
    out: dict = {}
    try:
        hit = s.wait_frame(lambda f: (total_in(f) or 0) > 0, 300)
        if hit is None:
            raise TimeoutError("pty: the list never showed an entry")
        out["first_paint_s"] = round(hit[1] - s.t_spawn, 4)
        hit = s.wait_frame(lambda f: total_in(f) == expected_total, 300, start=hit[0])
        out["all_shown_s"] = round(hit[1] - s.t_spawn, 4) if hit else None
        s.quiet(1.0, limit=60)
        mv = [s.press("j" if i % 2 == 0 else "down") for i in range(moves)]
        out["move"] = {"first_frame": summary([m[0] for m in mv]), "settled": summary([m[1] for m in mv])}
        pg = [s.press("pagedown") for _ in range(pages)]
        out["pagedown"] = {"first_frame": summary([m[0] for m in pg]), "settled": summary([m[1] for m in pg])}
        s.press("slash", ignore_small=True)
        # A space leaves the query's words as they were: its frame may be a cursor move alone.
        letters = [s.press("space") if ch == " " else s.press(ch, ignore_small=True, shows=ch.encode())
                   for ch in phrase]
        out["search_letter"] = {"first_frame": summary([m[0] for m in letters]),
                                "settled": summary([m[1] for m in letters])}
        out["peak_rss_mb"] = s.peak_rss_mb()
    finally:
        s.close()
    return out


# =====================================================================================
# parent: orchestration
# =====================================================================================

def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


def run_child(spec: dict, env: dict[str, str], timeout: float = 900) -> dict:
    import json
    import subprocess

    t_spawn = time.perf_counter()
    proc = subprocess.run([sys.executable, os.path.abspath(__file__), "--child", json.dumps(spec)],
                          capture_output=True, text=True, env=env, cwd=REPO, timeout=timeout)
    for line in proc.stdout.splitlines():
        if line.startswith(RESULT_TAG):
            result = json.loads(line[len(RESULT_TAG):])
            if "t0" in result:  # perf_counter is CLOCK_MONOTONIC: comparable across processes
                result["startup_s"] = round(result.pop("t0") - t_spawn, 4)
            return result
    raise RuntimeError(f"child {spec['mode']} failed (exit {proc.returncode}):\n"
                       f"{proc.stderr[-4000:]}\n{proc.stdout[-2000:]}")


def child_env(home: str, cache: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("TEXTUAL") and k not in ("NO_COLOR", "PYTHONSTARTUP")}
    config = os.path.join(home, "config.toml")
    if not os.path.exists(config):
        os.makedirs(home, exist_ok=True)
        with open(config, "w", encoding="utf-8") as fh:
            fh.write("[preview]\nenabled = false\n")
    # A state folder of its own for each child: the reader's last view (sort, search,
    # cursor) and read marks are put back at start, so one run's keys would change the
    # next run's screen (and a developer's own reading would change the bench's).
    os.makedirs(home, exist_ok=True)
    state = tempfile.mkdtemp(prefix="state-", dir=home)
    env.update(
        READER_CACHE_DIR=cache, READER_CONFIG=config, READER_STATE_DIR=state,
        XDG_CACHE_HOME=os.path.join(home, "xdg-cache"), XDG_CONFIG_HOME=os.path.join(home, "xdg-config"),
        PYTHONPATH=REPO + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else ""),
    )
    return env


def ensure_corpus(base: str, n: int, seed: int) -> tuple[str, int, float | None]:
    """The corpus folder for n (generated once, old mtimes); (path, files, generation seconds)."""
    import importlib.util
    import shutil

    root = os.path.join(base, f"corpus-{n}-seed{seed}")
    marker = root + ".complete"
    if os.path.exists(marker):
        with open(marker, encoding="utf-8") as fh:
            return root, int(fh.read().split()[0]), None
    shutil.rmtree(root, ignore_errors=True)
    spec = importlib.util.spec_from_file_location("bench_make_corpus", os.path.join(HERE, "make_corpus.py"))
    mod = importlib.util.module_from_spec(spec)
    assert spec.loader is not None
    spec.loader.exec_module(mod)
    t = time.perf_counter()
    count = mod.write_corpus(n, root, seed=seed)
    # Old, distinct mtimes, as a real collection has: a file written in the last
    # two seconds is deliberately not trusted by the index ("racy" mtime).
    old = time.time_ns() - 86_400 * 10**9
    paths = sorted(os.path.join(d, f) for d, _, fs in os.walk(root) for f in fs)
    for i, path in enumerate(paths):
        os.utime(path, ns=(old + i, old + i))
    took = time.perf_counter() - t
    with open(marker, "w", encoding="utf-8") as fh:
        fh.write(f"{count} files, seed {seed}\n")
    return root, count, took


def git_state() -> dict:
    import subprocess

    def git(*args: str) -> str:
        try:
            return subprocess.run(["git", *args], cwd=REPO, capture_output=True, text=True,
                                  timeout=10).stdout.rstrip("\n")
        except (OSError, subprocess.SubprocessError):
            return ""

    return {"head": git("rev-parse", "--short", "HEAD").strip(),
            "changed": [line[3:] for line in git("status", "--short").splitlines()
                        if line[:2] != "??" and line[3:]]}


def git_line(g: dict | None) -> str | None:
    """The report's "code:" line for a ``git_state()``; None when there was no commit."""
    if not g or not g.get("head"):
        return None
    return f"code: git {g['head']}" + (f" + uncommitted changes in {', '.join(g['changed'])}"
                                       if g.get("changed") else " (clean)")


def machine_line(m: dict) -> str:
    """The report's "machine:" line for a ``machine()``."""
    return (f"machine: {m.get('nproc')} CPUs ({m.get('cpu', '?')}), {m.get('ram_gb')} GB RAM, "
            f"Python {m.get('python')}, Textual {m.get('textual')}")


def machine() -> dict:
    import platform

    info = {"nproc": os.cpu_count(), "python": platform.python_version(),
            "platform": platform.platform()}
    try:
        with open("/proc/meminfo") as fh:
            info["ram_gb"] = round(int(fh.readline().split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    try:
        from importlib.metadata import version

        info["textual"] = version("textual")
    except Exception:
        pass
    try:
        with open("/proc/cpuinfo") as fh:
            for line in fh:
                if line.startswith("model name"):
                    info["cpu"] = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    return info


def bench_size(n: int, a, base: str) -> dict:
    import shutil
    import statistics

    res: dict = {"n": n, "loadavg_before": [round(x, 2) for x in os.getloadavg()]}
    root, files, gen = ensure_corpus(base, n, a.seed)
    size = sum(os.path.getsize(os.path.join(d, f)) for d, _, fs in os.walk(root) for f in fs)
    res["corpus"] = {"path": root, "files": files, "mb": round(size / 1e6, 1),
                     "generated_s": None if gen is None else round(gen, 1)}
    log(f"[{n:,}] corpus {root} ({files:,} files, {size / 1e6:.1f} MB"
        + (f", generated in {gen:.1f} s)" if gen else ", reused)"))
    work = os.path.join(a.work_dir or base, f"run-{n}")
    shutil.rmtree(work, ignore_errors=True)
    home = os.path.join(work, "home")
    common = {"root": root, "timeout": a.timeout}

    cold = []
    cache = ""
    for i in range(a.runs_cold):
        cache = os.path.join(work, f"cache-{i}")  # empty: no index
        log(f"[{n:,}] cold load {i + 1}/{a.runs_cold} ...")
        cold.append(run_child(dict(common, mode="load"), child_env(home, cache), a.timeout + 60))
    res["cold"] = cold
    if any("error" in r for r in cold):
        # The real app could not load: measure it once more with the workaround (clearly
        # labelled), so there is a cold figure and an index for the warm runs.
        cache = os.path.join(work, "cache-workaround")
        log(f"[{n:,}] cold load FAILED in the app ({cold[-1]['error'][:120]}); "
            "once more with the resource-tracker workaround ...")
        res["cold_workaround"] = [run_child(dict(common, mode="load", workaround_tracker=True),
                                            child_env(home, cache), a.timeout + 60)]
    env = child_env(home, cache)  # the index the last (successful) cold run wrote
    warm = []
    for i in range(a.warm_runs):
        log(f"[{n:,}] warm load {i + 1}/{a.warm_runs} ...")
        warm.append(run_child(dict(common, mode="load"), env, a.timeout + 60))
    res["warm"] = warm

    def med(runs: list[dict], key: str):
        vals = [r[key] for r in runs if r.get(key) is not None]
        return round(statistics.median(vals), 4) if vals else None

    res["cold_median"] = {k: med(cold, k) for k in
                          ("startup_s", "import_s", "first_frame_s", "first_paint_s", "loaded_s", "first_detail_s")}
    if res.get("cold_workaround"):
        res["cold_workaround_median"] = {k: med(res["cold_workaround"], k) for k in
                                         ("first_paint_s", "loaded_s")}
    if all("error" in r for r in warm):
        log(f"[{n:,}] the app did not load warm either: no key, catalog or pty figures")
        if not a.keep_work:
            shutil.rmtree(work, ignore_errors=True)
        return res
    res["warm_median"] = {k: med(warm, k) for k in
                          ("startup_s", "import_s", "first_frame_s", "first_paint_s", "loaded_s", "first_detail_s")}
    log(f"[{n:,}] interaction in the app ({a.moves} moves, {a.pages} pages, search, sorts) ...")
    res["interact"] = run_child(dict(common, mode="interact", moves=a.moves, pages=a.pages,
                                     held=a.held, pilot=a.pilot_presses), env, a.timeout + 600)
    log(f"[{n:,}] catalog queries (median of {a.runs}) ...")
    res["catalog"] = run_child(dict(common, mode="catalog", runs=a.runs), env, a.timeout + 600)
    if a.pty:
        log(f"[{n:,}] pty session (python -m reader) ...")
        try:
            res["pty"] = pty_bench(root, env, res["interact"]["total"], res["interact"]["keys"]["phrase"],
                                   a.moves, a.pages)
        except Exception as exc:  # the pty part is a cross-check: report, carry on
            res["pty"] = {"error": f"{type(exc).__name__}: {exc}"}
            log(f"[{n:,}] pty session failed: {exc}")
    if not a.keep_work:
        shutil.rmtree(work, ignore_errors=True)
    res["loadavg_after"] = [round(x, 2) for x in os.getloadavg()]
    return res


# =====================================================================================
# the report
# =====================================================================================

def _f(v, unit: str = "", digits: int = 1) -> str:
    if v is None:
        return "—"
    return f"{v:,.{digits}f}{unit}"


def _keys_section(lines: list[str], k: dict, p: dict | None) -> None:
    lines.append("")
    lines.append("KEYS  (ms; key sent -> end of the frame showing it)             "
                 "method            n   median      p95      max")

    def row(label: str, s: dict, method: str) -> None:
        if not s or not s.get("n"):
            return
        lines.append(f"  {label[:60]:<61}{method:<14}{s['n']:>5}{_f(s.get('median')):>9}"
                     f"{_f(s.get('p95')):>9}{_f(s.get('max')):>9}")

    row("j/down: cursor row redrawn", k["move"]["frame"], "in-app probe")
    row("j/down: detail pane shows the item", k["move"]["detail"], "in-app probe")
    row("j/down: last frame (settled)", k["move"]["settled"], "in-app probe")
    row("pagedown: cursor row redrawn", k["pagedown"]["frame"], "in-app probe")
    row("pagedown: detail pane shows the item", k["pagedown"]["detail"], "in-app probe")
    row("j held at 30 keys/s: cursor row redrawn", k["held_j_30hz"], "in-app probe")
    row(f"search letter ({k['phrase']!r}): list redrawn", k["search_letter"]["frame"], "in-app probe")
    row("  of which _requery (catalog.query + set rows)", k["search_letter"]["requery"], "in-app timer")
    if p and "error" not in p:
        row("j/down: first frame", p["move"]["first_frame"], "pty")
        row("j/down: last frame (settled)", p["move"]["settled"], "pty")
        row("pagedown: first frame", p["pagedown"]["first_frame"], "pty")
        row("pagedown: last frame (settled)", p["pagedown"]["settled"], "pty")
        row("search letter: first frame (echo)", p["search_letter"]["first_frame"], "pty")
        row("search letter: last frame (settled)", p["search_letter"]["settled"], "pty")
    row("await pilot.press('j'); await pilot.pause()  [reference]", k["pilot_press_pause"], "Pilot")
    lines.append(f"  open search '/': {_f(k['open_search']['frame_ms'])} ms;  clear search Esc: "
                 f"{_f(k['clear_search']['frame_ms'])} ms (requery {_f(k['clear_search']['requery_ms'])})")
    lines.append("  sort keys: " + ", ".join(
        f"{s['sort']} {_f(s['frame_ms'], ' ms', 0)} (requery {_f(s['requery_ms'], '', 0)})" for s in k["sort_keys"]))
    lines.append("  u (unpublished on/off): " + ", ".join(
        f"{s['published']} {_f(s['frame_ms'], ' ms', 0)} (requery {_f(s['requery_ms'], '', 0)})"
        for s in k["unpublished_key"]))
    g = k.get("_gc")
    if g:
        lines.append("  cyclic GC during these keys: " + ", ".join(
            f"gen{i} {g[f'gen{i}']['n']}× (max {_f(g[f'gen{i}']['max_ms'], ' ms', 0)})" for i in range(3)))
    per = k["search_letter"].get("per_letter", [])
    if per:
        lines.append("  per letter (frame ms / requery ms / rows): " + "  ".join(
            f"{x['text'][-1] if x['text'][-1] != ' ' else '␠'} {_f(x['frame_ms'], '', 0)}/{_f(x['requery_ms'], '', 0)}/{x['shown']:,}"
            for x in per))



def render(report: dict) -> str:
    m = report["machine"]
    lines = [
        f"reader bench/run.py  {report['date']}  sizes {report['sizes']}",
        machine_line(m),
        "times from the top of the child process (before reader/textual are imported); "
        "'+start' = interpreter start before that",
    ]
    code = git_line(report.get("git"))
    if code:
        lines.append(code)
    for r in report["results"]:
        n = r["n"]
        c = r["corpus"]
        la = r.get("loadavg_before"), r.get("loadavg_after")
        lines += ["", "=" * 100, f"N = {n:,}   ({c['files']:,} files, {c['mb']} MB)"
                  + (f"   load average before {la[0][0]} / after {la[1][0]} (other processes make the figures noisier)"
                     if la[0] and la[1] else ""), "=" * 100]
        lines.append("LOAD  real app, run_test 80x24, previews off             "
                     "   +start  import  1st frame  1st paint  fully loaded  1st detail  "
                     "UI-thread batches (max / sum)  peak RSS app / pool")
        groups = [("cold (no index; builds it)", r["cold"])]
        if r.get("cold_workaround"):
            groups.append(("cold, WORKAROUND (tracker started first)", r["cold_workaround"]))
        groups.append(("warm (index present)", r["warm"]))
        for label, runs in groups:
            for i, x in enumerate(runs):
                name = label if i == 0 else ""
                if "error" in x:
                    lines.append(f"  {name:<56}FAILED -- {x['error']}")
                    continue
                ui = x.get("ui_thread_batches", {})
                rss = x["rss"]
                lines.append(
                    f"  {name:<56}{_f(x.get('startup_s'), ' s', 2):>8}"
                    f"{_f(x['import_s'], ' s', 2):>8}{_f(x['first_frame_s'], ' s', 2):>11}"
                    f"{_f(x['first_paint_s'], ' s', 2):>11}{_f(x['loaded_s'], ' s', 2):>14}"
                    f"{_f(x.get('first_detail_s'), ' s', 2):>12}"
                    f"   {ui.get('n', 0):>3} × max {_f(ui.get('max_ms'), ' ms', 0):>8} / sum {_f(ui.get('sum_ms'), ' ms', 0):>8}"
                    f"   {_f(rss['self_mb'], ' MB', 0):>7} / {_f(rss['children_mb'], ' MB', 0)}"
                    + ("" if x["total"] == c["files"] else f"   (total {x['total']:,} ≠ files!)"))
        wm, cm = r["warm_median"], r["cold_median"]
        cw = r.get("cold_workaround_median")
        lines.append(f"  median: cold first paint {_f(cm['first_paint_s'], ' s', 2)}, fully loaded "
                     f"{_f(cm['loaded_s'], ' s', 2)}"
                     + (f" (with the workaround: {_f(cw['first_paint_s'], ' s', 2)}, {_f(cw['loaded_s'], ' s', 2)})"
                        if cw else "")
                     + f";  warm first paint {_f(wm['first_paint_s'], ' s', 2)}, "
                     f"fully loaded {_f(wm['loaded_s'], ' s', 2)}")
        gcl = []
        for label, runs in groups:
            x = next((x for x in runs if "gc_load" in x), None)
            if x:
                g2 = x["gc_load"]["gen2"]
                gcl.append(f"{label.split(' (')[0]}: gen2 {g2['n']}× (max {_f(g2['max_ms'], ' ms', 0)}), "
                           f"gen1 {x['gc_load']['gen1']['n']}×")
        if gcl:
            lines.append("  cyclic GC in the app process while loading -- " + "; ".join(gcl))
        if "interact" not in r:
            continue
        p = r.get("pty")
        if p and "error" not in p:
            lines.append(f"  pty (python -m reader, real driver, t=0 at spawn, warm): first frame with entries "
                         f"{_f(p['first_paint_s'], ' s', 2)}, all {n:,} shown {_f(p.get('all_shown_s'), ' s', 2)}; "
                         f"peak RSS after the keys {_f(p.get('peak_rss_mb'), ' MB', 0)}")
        elif p:
            lines.append(f"  pty: {p['error']}")

        k = r["interact"].get("keys")
        if k is not None:
            k = dict(k, _gc=r["interact"].get("gc_keys"))
        if k is None:
            lines.append(f"  in-app key measurements FAILED -- {r['interact'].get('error')}")
        else:
            _keys_section(lines, k, p)
        cat = r["catalog"]
        lines.append("")
        after = cat.get("after")
        lines.append(f"CATALOG  (ms, median of {report['runs']}; in-process on {cat['entries']:,} entries loaded like the app; "
                     f"warm_up() {'present' if cat['has_warm_up'] else 'absent'})")
        lines.append("  each figure: the first time that query is asked of a catalog in that state "
                     "(caches make a repeat cheaper: '(repeat)')")
        lines.append(f"  {'':<58}{'before warm-up':>16}{'after warm-up' if after else '':>16}{'rows':>10}")
        for key, s in cat["general"].items():
            lines.append(f"  {key:<58}{_f(s.get('median'), '', 2):>16}{'':>16}")
        if cat.get("warm_up"):
            lines.append(f"  {'warm_up()':<58}{'':>16}{_f(cat['warm_up'].get('median'), '', 1):>16}")
        for key, s in cat["before"].items():
            if key.startswith("typing"):
                continue
            a = (after or {}).get(key, {})
            lines.append(f"  {key:<58}{_f(s.get('median'), '', 2):>16}"
                         f"{_f(a.get('median'), '', 2) if after else '':>16}{s.get('rows', ''):>10}")
        for key, s in cat["before"].items():
            if key.startswith("typing"):
                a = (after or {}).get(key, {})
                lines.append(f"  {key}: median {_f(s['median'], '', 2)}, max {_f(s['max'], '', 2)}, "
                             f"whole phrase {_f(s['total'], '', 1)} ms"
                             + (f"  | after warm-up: median {_f(a.get('median'), '', 2)}, max {_f(a.get('max'), '', 2)}"
                                if after else ""))
                lines.append("    per keystroke: " + " ".join(_f(v, '', 1) for v in s["per_key_ms"]))
        lines.append(f"  peak RSS of the catalog process: {_f(cat['rss']['self_mb'], ' MB', 0)} (several catalogs built in turn: not an app figure)")
        ik = r["interact"]
        lines.append(f"  peak RSS of the app after all the keys above (in-app run): {_f(ik['rss']['self_mb'], ' MB', 0)}")
    return "\n".join(lines)


# =====================================================================================

def main(argv: list[str] | None = None) -> int:
    import argparse
    import datetime
    import json
    import shutil
    import tempfile

    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--child"]:
        return child_main(json.loads(argv[1]))
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="1000,10000,100000", help="comma-separated corpus sizes")
    ap.add_argument("--corpus-dir", help="keep corpora here and reuse them across runs")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--runs", type=int, default=5, help="repetitions of each catalog query (median)")
    ap.add_argument("--cold-runs", dest="runs_cold", type=int, default=1)
    ap.add_argument("--warm-runs", type=int, default=3)
    ap.add_argument("--moves", type=int, default=200, help="cursor moves (j/down alternately)")
    ap.add_argument("--pages", type=int, default=20, help="pagedown presses")
    ap.add_argument("--held", type=int, default=100, help="j presses at 30 keys/s")
    ap.add_argument("--pilot-presses", type=int, default=20)
    ap.add_argument("--no-pty", dest="pty", action="store_false", help="skip the pseudo-terminal session")
    ap.add_argument("--timeout", type=float, default=300, help="seconds a load may take")
    ap.add_argument("--keep-work", action="store_true", help="keep caches/indexes of the runs")
    ap.add_argument("--work-dir", help="where the runs' caches and indexes go (default: the corpus dir); "
                    "give each concurrent run its own, as a run clears its work folder first")
    ap.add_argument("--json", action="store_true", help="print JSON instead of the tables")
    a = ap.parse_args(argv)
    sizes = [int(s.replace("_", "")) for s in a.sizes.split(",") if s.strip()]

    tmp = None
    if a.corpus_dir:
        base = os.path.abspath(a.corpus_dir)
        os.makedirs(base, exist_ok=True)
    else:
        base = tmp = tempfile.mkdtemp(prefix="reader-bench-")
    started = time.perf_counter()
    report = {"date": datetime.date.today().isoformat(), "sizes": sizes, "runs": a.runs,
              "command": " ".join([sys.executable, "bench/run.py", *argv]),
              "machine": machine(), "git": git_state(), "results": []}
    try:
        for n in sizes:
            report["results"].append(bench_size(n, a, base))
    finally:
        if tmp:
            shutil.rmtree(tmp, ignore_errors=True)
    report["wall_s"] = round(time.perf_counter() - started, 1)
    if a.json:
        print(json.dumps(report, indent=1))
    else:
        print(render(report))
        print(f"\n(whole run: {report['wall_s']:.0f} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
