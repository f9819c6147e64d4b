"""Starting the app: the first screen comes from the index before the load, the app is
usable while the rest loads, a first start lists everything, and start-up imports no
preview machinery."""

from __future__ import annotations

import os
import threading
from dataclasses import replace
from pathlib import Path

from reader.core.catalog import Catalog
from reader.core.first_screen import first_rows
from reader.core.index import Index
from reader.core.loader import load_all
from reader.core.query import Query, SortKey
from reader.ui.app import create_app
from tests.conftest import modules_after, quiet_config, wait_loaded, wait_until, write_item

OLD_NS = 1_600_000_000_000_000_000
PREVIEW_MODULES = ("httpx", "lxml", "trafilatura", "readability", "justext")


def _corpus(root: Path, n: int = 150) -> Path:
    for i in range(n):
        write_item(root, f"{i // 50:02d}/item-{i:03d}.md", title=f"Item number {i:03d}",
                   heat=(i * 37) % 101, quality=(i * 53) % 97,
                   publishedDateTime=f"2025-{1 + i % 12:02d}-{1 + i % 28:02d}T{i % 24:02d}:00:00Z",
                   published=i % 3 != 0, topics=["Energy" if i % 2 else "Space"],
                   provider={"name": f"Provider {i % 7}"})
    for path in root.rglob("*.md"):
        os.utime(path, ns=(OLD_NS, OLD_NS))
    return root


def _config():
    return replace(quiet_config(enabled=False), watch=False)


def _held_load(monkeypatch) -> threading.Event:
    """Hold the app's load until the returned event is set (the first screen stays)."""
    import reader.ui.loading as loading

    release = threading.Event()
    real = loading.load_into

    def held(root, deliver, **kw):
        release.wait(30)
        real(root, deliver, **kw)

    monkeypatch.setattr(loading, "load_into", held)
    return release


async def test_first_screen_comes_from_the_index_before_the_load(tmp_path, monkeypatch) -> None:
    root = _corpus(tmp_path / "content")
    with Index(root) as ix:
        entries, _problems, _report = load_all(root, index=ix)
    everything = [e.id for e in Catalog(entries).query(Query())]
    release = _held_load(monkeypatch)
    app = create_app(root, config=_config(), use_index=True)
    try:
        async with app.run_test(size=(100, 30)) as pilot:
            await wait_until(pilot, lambda: app.rows)
            shown = [e.id for e in app.rows]
            first = first_rows(root, Query(), len(shown))
            assert first is not None
            # The view's first rows, in order, straight from the index's ordered query;
            # the load has not delivered anything yet.
            assert shown == [e.id for e in first.entries] == everything[:len(shown)]
            assert 30 <= len(shown) < len(everything)  # a screenful, not everything
            assert app.progress is not None  # the status line says it is loading
            release.set()
            await wait_loaded(pilot)
            assert [e.id for e in app.rows] == everything
            assert app.total == len(everything) and app.progress is None
    finally:
        release.set()


async def test_the_app_is_usable_while_the_rest_loads(tmp_path, monkeypatch) -> None:
    root = _corpus(tmp_path / "content")
    with Index(root) as ix:
        load_all(root, index=ix)
    release = _held_load(monkeypatch)
    app = create_app(root, config=_config(), use_index=True)
    try:
        async with app.run_test(size=(100, 30)) as pilot:
            from reader.ui.widgets.article_list import ArticleList

            await wait_until(pilot, lambda: app.rows)
            articles = app.query_one(ArticleList)
            await pilot.press("down", "down")
            assert articles.cursor == 2 and articles.highlighted is app.rows[2]
            await wait_until(pilot, lambda: app.current_item is not None
                             and app.current_item.id == app.rows[2].id)  # its details show
            await pilot.press("s")  # sorting works on what is there
            assert app.view.sort is SortKey.HEAT
            heats = [e.heat for e in app.rows]
            assert heats == sorted(heats, reverse=True)
            assert app.progress is not None
            release.set()
            await wait_until(pilot, lambda: app.progress is None and app.total == 150)
            heats = [e.heat for e in app.rows]
            assert len(heats) == 150 and heats == sorted(heats, reverse=True)
    finally:
        release.set()


async def test_the_watcher_starts_once_loaded_and_catches_up(tmp_path, monkeypatch) -> None:
    root = _corpus(tmp_path / "content", 20)
    with Index(root) as ix:
        load_all(root, index=ix)
    release = _held_load(monkeypatch)
    app = create_app(root, config=replace(quiet_config(enabled=False), watch=True), use_index=True)
    try:
        async with app.run_test(size=(100, 30)) as pilot:
            await wait_until(pilot, lambda: app.rows)
            assert not [w for w in app.workers if w.group == "watch"]  # not during the load
            write_item(root, "late.md", title="Written while loading", heat=1)
            release.set()
            await wait_until(pilot, lambda: "late.md" in {e.id for e in app.rows}, 1500)
            assert [w for w in app.workers if w.group == "watch"]
    finally:
        release.set()


async def test_a_first_start_still_lists_everything(tmp_path) -> None:
    root = _corpus(tmp_path / "content", 120)
    (root / "broken.md").write_text("---\ntitle: [unclosed\n---\n", encoding="utf-8")
    app = create_app(root, config=_config(), use_index=True)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_loaded(pilot)
        assert app.total == 120 and app.problems == 1
    assert first_rows(root, Query(), 5) is not None  # and the next start has its first screen


async def test_without_the_index_nothing_is_shown_early(tmp_path, monkeypatch) -> None:
    root = _corpus(tmp_path / "content", 20)
    with Index(root) as ix:
        load_all(root, index=ix)
    release = _held_load(monkeypatch)
    app = create_app(root, config=_config(), use_index=False)
    try:
        async with app.run_test(size=(100, 30)) as pilot:
            await pilot.pause()
            assert app.rows == [] and app.total == 0
            release.set()
            await wait_loaded(pilot)
            assert app.total == 20
    finally:
        release.set()


def test_starting_the_app_imports_no_preview_machinery(tmp_path) -> None:
    root = _corpus(tmp_path / "content", 10)
    code = (
        "import asyncio, json, sys\n"
        "from reader.cli import main  # the path `reader PATH` takes\n"
        "from reader.ui.app import create_app\n"
        f"app = create_app({str(root)!r})  # previews on, as configured by default\n"
        "async def run():\n"
        "    async with app.run_test(size=(100, 30)) as pilot:\n"
        "        for _ in range(500):\n"
        "            await pilot.pause(0.02)\n"
        "            if app.total and app.progress is None and app.current_item is not None:\n"
        "                break\n"
        "        assert app.total == 10\n"
        "asyncio.run(run())\n"
        f"print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in {PREVIEW_MODULES!r})))\n"
    )
    assert modules_after(code, tmp_path) == []


def test_help_and_the_cli_import_no_preview_machinery(tmp_path) -> None:
    code = (
        "import contextlib, io, json, sys\n"
        "from reader.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        "    try:\n"
        "        main(['--help'])\n"
        "    except SystemExit:\n"
        "        pass\n"
        f"print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in {(*PREVIEW_MODULES, 'textual')!r})))\n"
    )
    assert modules_after(code, tmp_path) == []


def test_the_app_and_the_cli_start_without_yaml(tmp_path) -> None:
    # fastparse reads the usual front matter; PyYAML is imported by the first
    # file that needs it, not by every start.
    code = ("import json, sys\n"
            "import reader.cli, reader.ui.app, reader.core.parse_rows\n"
            "print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] == 'yaml')))\n")
    assert modules_after(code, tmp_path) == []


async def test_the_collector_paused_for_the_start_runs_again_after_the_first_frame(tmp_path) -> None:
    import gc

    root = _corpus(tmp_path / "content", 10)
    app = create_app(root, config=_config())
    gc.disable()  # as the CLI does before it imports and starts the app
    try:
        async with app.run_test(size=(100, 30)) as pilot:
            await wait_until(pilot, lambda: app._started)
            assert gc.isenabled()
            await wait_loaded(pilot)
    finally:
        gc.enable()
