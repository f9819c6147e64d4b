"""Live reload in the app: another process changes the folder; the list follows,
the cursor stays on its item (or moves to the next one when its item goes)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from reader.core.query import SortKey
from reader.ui.app import create_app
from reader.ui.widgets.article_list import ArticleList
from tests.conftest import quiet_config, wait_loaded, wait_until, write_item

LONG = 1500  # tries of wait_until: a bound for a failing test (the watcher answers in ~0.2 s)


def other_process_writes(path: Path, text: str) -> None:
    """Write a file from another process, as another editor or the pipeline would."""
    subprocess.run([sys.executable, "-c",
                    "import sys, pathlib; pathlib.Path(sys.argv[1]).write_text(sys.argv[2])",
                    str(path), text], check=True)


def item_text(title: str, heat: int, published: str = "true") -> str:
    return f"---\ntitle: \"{title}\"\nheat: {heat}\npublished: {published}\n---\n"


def notes(app) -> list[str]:
    return [str(n.message) for n in app._notifications]


@pytest.fixture
def app_on(small_corpus):
    def make(**kw):
        return create_app(small_corpus, config=quiet_config(enabled=False), use_index=False, **kw)
    return make


async def test_a_file_added_by_another_process_shows_up_and_the_cursor_stays(app_on, small_corpus) -> None:
    app = app_on()
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_loaded(pilot)
        app.view = app.view.with_sort(SortKey.HEAT)
        articles = app.query_one(ArticleList)
        await wait_until(pilot, lambda: articles.highlighted is not None
                         and articles.highlighted.id == "a.md")
        await pilot.press("j")  # on f.md (heat 70)
        await wait_until(pilot, lambda: articles.highlighted.id == "f.md")
        before = app.total
        other_process_writes(small_corpus / "hot.md",
                             item_text("Brand new and hotter than all", 99))
        await wait_until(pilot, lambda: app.total == before + 1, LONG)
        assert [e.id for e in app.rows][:3] == ["hot.md", "a.md", "f.md"]
        assert articles.highlighted.id == "f.md"  # the cursor stayed on its item
        assert articles.cursor == 2


async def test_the_current_item_changed_on_disk_refreshes_the_detail_and_says_so(app_on, small_corpus) -> None:
    app = app_on()
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_loaded(pilot)
        current = app.query_one(ArticleList).highlighted
        path = small_corpus / current.id
        other_process_writes(path, item_text("Rewritten by someone else", 5))
        await wait_until(pilot, lambda: app.current_item is not None
                         and app.current_item.title == "Rewritten by someone else", LONG)
        assert app.query_one(ArticleList).highlighted.id == current.id
        assert any("changed on disk" in n for n in notes(app))


async def test_the_current_item_deleted_moves_the_cursor_to_the_next(app_on, small_corpus) -> None:
    app = app_on()
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_loaded(pilot)
        articles = app.query_one(ArticleList)
        await pilot.press("j")
        await wait_until(pilot, lambda: articles.cursor == 1 and app.current_item is not None
                         and app.current_item.id == articles.highlighted.id)
        gone = articles.highlighted.id
        following = app.rows[2].id
        before = app.total
        os.unlink(small_corpus / gone)
        await wait_until(pilot, lambda: app.total == before - 1, LONG)
        assert articles.highlighted.id == following and articles.cursor == 1
        await wait_until(pilot, lambda: app.current_item is not None and app.current_item.id == following)
        assert any("removed on disk" in n for n in notes(app))


async def test_a_file_broken_on_disk_becomes_a_load_problem(app_on, small_corpus) -> None:
    app = app_on()
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_loaded(pilot)
        before = app.problems
        other_process_writes(small_corpus / "f.md", "---\ntitle: [broken\n---\n")
        await wait_until(pilot, lambda: app.problems == before + 1, LONG)
        assert "f.md" not in {e.id for e in app.rows}
        other_process_writes(small_corpus / "f.md", item_text("Zeta mended", 70))
        await wait_until(pilot, lambda: app.problems == before, LONG)
        assert "f.md" in {e.id for e in app.rows}


async def test_changes_while_loading_are_applied_once_loaded(app_on, small_corpus, monkeypatch) -> None:
    import reader.ui.loading as loading_mod

    real_load_into = loading_mod.load_into

    def slow_load(root, deliver, **kw):
        # The folder changes after it was listed and read, before the load is delivered.
        batches = []
        real_load_into(root, batches.append, **kw)
        write_item(small_corpus, "late.md", title="Arrived during the load", heat=1)
        for batch in batches:
            deliver(batch)

    monkeypatch.setattr(loading_mod, "load_into", slow_load)
    app = app_on()
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_until(pilot, lambda: "late.md" in {e.id for e in app.rows}, LONG)


async def test_watching_can_be_turned_off(small_corpus) -> None:
    from dataclasses import replace

    app = create_app(small_corpus, config=replace(quiet_config(enabled=False), watch=False),
                     use_index=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_loaded(pilot)
        assert not [w for w in app.workers if w.group == "watch"]
