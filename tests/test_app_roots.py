"""The app over several content roots: the sidebar's Roots, the detail pane's
root, edits and live reload in the item's own root."""

from __future__ import annotations

from pathlib import Path

from reader.core import audit
from reader.core.roots import Roots
from reader.ui.app import ReaderApp, create_app
from reader.ui.widgets.article_list import ArticleList
from reader.ui.widgets.topic_sidebar import TopicSidebar
from tests.conftest import quiet_config, wait_loaded, wait_until, write_item

LONG = 1500  # tries of wait_until for the watcher: a bound for a failing test


def two_sites(tmp_path: Path) -> Roots:
    a, b = tmp_path / "one" / "site", tmp_path / "two" / "site"
    write_item(a, "2024/05/a.md", title="First root's", heat=10)
    write_item(b, "2024/05/a.md", title="Second root's", heat=90, published=False)
    write_item(b, "2024/05/b.md", title="Second root's other", heat=50)
    return Roots.of([a, b])


def make(roots: Roots | Path) -> ReaderApp:
    return create_app(roots, config=quiet_config(enabled=False), use_index=False)


def prompts(sidebar: TopicSidebar) -> list[str]:
    return [str(sidebar.get_option_at_index(i).prompt) for i in range(sidebar.option_count)]


def detail(app: ReaderApp) -> str:
    return str(app.query_one("#item-view").render())


async def test_the_sidebar_shows_each_root_and_choosing_one_filters_to_it(tmp_path: Path) -> None:
    app = make(two_sites(tmp_path))
    async with app.run_test(size=(120, 30)) as pilot:
        await wait_loaded(pilot)
        assert app.total == 3
        sidebar = app.query_one(TopicSidebar)
        await wait_until(pilot, lambda: "Roots" in prompts(sidebar))
        shown = prompts(sidebar)
        assert shown[shown.index("Roots") + 1:] == ["one-site 1", "two-site 2"]
        # the counting workers (unread marks, saved views) rebuild the sidebar when
        # they report: let them, then move the sidebar's cursor as a user would
        await wait_until(pilot, lambda: app.unread_count is not None
                         and len(app.view_counts) == len(app.saved_views))
        sidebar.focus()
        await wait_until(pilot, lambda: sidebar.has_focus)
        sidebar.highlighted = shown.index("two-site 2")
        await pilot.press("enter")
        await wait_until(pilot, lambda: app.view.search == "root:two-site")
        assert sorted(e.id for e in app.rows) == ["two-site/2024/05/a.md", "two-site/2024/05/b.md"]
        assert sidebar.highlighted == shown.index("two-site 2")  # the highlight stays on it


async def test_the_detail_pane_shows_the_items_root(tmp_path: Path) -> None:
    app = make(two_sites(tmp_path))
    async with app.run_test(size=(120, 30)) as pilot:
        await wait_loaded(pilot)
        articles = app.query_one(ArticleList)
        assert articles.move_to_id("two-site/2024/05/b.md")
        await wait_until(pilot, lambda: app.current_item.id == "two-site/2024/05/b.md")
        text = detail(app)
        assert "Second root's other" in text
        assert "Root      two-site" in text


async def test_one_root_shows_neither_roots_nor_a_root_line(tmp_path: Path) -> None:
    app = make(two_sites(tmp_path).paths[1])
    async with app.run_test(size=(120, 30)) as pilot:
        await wait_loaded(pilot)
        assert sorted(e.id for e in app.rows) == ["2024/05/a.md", "2024/05/b.md"]
        assert "Roots" not in prompts(app.query_one(TopicSidebar))
        assert "Root " not in detail(app)


async def test_publishing_an_item_of_the_second_root_writes_there(tmp_path: Path) -> None:
    roots = two_sites(tmp_path)
    first, second = roots.paths
    app = make(roots)
    async with app.run_test(size=(120, 30)) as pilot:
        await wait_loaded(pilot)
        assert app.query_one(ArticleList).move_to_id("two-site/2024/05/a.md")
        await wait_until(pilot, lambda: app.current_item.id == "two-site/2024/05/a.md")
        await pilot.press("P")
        await wait_until(pilot, lambda: app.catalog.get("two-site/2024/05/a.md").published is True)
        assert app.unpublished == 0
    assert "published: true" in (second / "2024/05/a.md").read_text()
    records, _ = audit.read_audit(second)
    assert [(r.item, r.new) for r in records] == [("2024/05/a.md", True)]
    assert not audit.audit_path(first).exists()


async def test_a_file_changed_in_the_second_root_is_read_again_under_its_id(tmp_path: Path) -> None:
    roots = two_sites(tmp_path)
    app = create_app(roots, config=quiet_config(enabled=False), use_index=False)
    async with app.run_test(size=(120, 30)) as pilot:
        await wait_loaded(pilot)
        write_item(roots.paths[1], "2024/06/new.md", title="Arrived later", heat=5)
        await wait_until(pilot, lambda: app.catalog.get("two-site/2024/06/new.md") is not None, LONG)
        assert app.catalog.get("2024/06/new.md") is None and app.total == 4
