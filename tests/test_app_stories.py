"""Pilot tests of stories mode: one row per story, expanding it, the versions, the duplicate offer."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from textual.widgets import Static

from reader.core.config import StoriesConfig
from reader.core.watch import Changes, read_changes
from reader.ui.app import ReaderApp, create_app
from reader.ui.screens.confirm_prompt import ConfirmPrompt
from reader.ui.widgets.article_list import ArticleList
from reader.ui.widgets.story_versions import StoryVersions
from reader.ui.widgets.topic_sidebar import TopicSidebar
from tests.conftest import quiet_config, wait_loaded, wait_until, write_item
from tests.test_cli_stories import newsroom

__all__ = ["newsroom"]


def make(root: Path) -> ReaderApp:
    return create_app(root, config=quiet_config(enabled=False), use_index=False)


def ids(app: ReaderApp) -> list[str]:
    return [e.id for e in app.rows]


def status(app: ReaderApp) -> str:
    return str(app.query_one("#status-text", Static).render())


async def stories_on(pilot) -> None:
    app = pilot.app
    await wait_loaded(pilot)
    await wait_until(pilot, lambda: app.stories.ready)
    await pilot.press("equals_sign")
    await wait_until(pilot, lambda: len(app.rows) == 2)


async def test_stories_mode_shows_each_story_once_with_its_best_version(newsroom: Path) -> None:
    app = make(newsroom)
    async with app.run_test(size=(120, 30)) as pilot:
        await wait_loaded(pilot)
        assert app.shown == app.total == 5
        await stories_on(pilot)
        # by date, newest first: d (03-14), then the story whose best version is b (heat 80)
        assert ids(app) == ["d.md", "b.md"]
        assert app.query_one(ArticleList).title_prefixes == {"b.md": "▸×4 "}
        assert (app.shown, app.total) == (2, 2)
        assert "2 / 2 shown" in status(app) and "stories" in status(app)
        sidebar = app.query_one(TopicSidebar)
        assert sidebar.total == 2
        await pilot.press("equals_sign")  # again: every item
        await wait_until(pilot, lambda: len(app.rows) == 5)
        assert app.total == 5 and "stories" not in status(app)


async def test_the_palette_turns_stories_mode_on(newsroom: Path) -> None:
    app = make(newsroom)
    async with app.run_test(size=(120, 30)) as pilot:
        await wait_loaded(pilot)
        await wait_until(pilot, lambda: app.stories.ready)
        await pilot.press("ctrl+p")
        await pilot.press(*"Stories mode")
        await pilot.press("enter")
        await wait_until(pilot, lambda: len(app.rows) == 2)
        assert app.stories.on


async def test_enter_or_right_expands_a_story_in_place_and_left_folds_it(newsroom: Path) -> None:
    app = make(newsroom)
    async with app.run_test(size=(120, 30)) as pilot:
        await stories_on(pilot)
        articles = app.query_one(ArticleList)
        await pilot.press("down")
        assert articles.highlighted is not None and articles.highlighted.id == "b.md"
        await pilot.press("right")
        # the versions under it, best first (heat 80, 40, 20, 5)
        assert ids(app) == ["d.md", "b.md", "a.md", "c.md", "e.md"]
        assert articles.title_prefixes["b.md"] == "▾×4 " and articles.title_prefixes["a.md"] == "  ↳ "
        assert app.shown == 2  # still two stories
        await pilot.press("down", "left")  # fold from a version: back on its story
        assert ids(app) == ["d.md", "b.md"]
        assert articles.highlighted is not None and articles.highlighted.id == "b.md"
        await pilot.press("enter")
        assert ids(app) == ["d.md", "b.md", "a.md", "c.md", "e.md"]


async def test_the_detail_pane_lists_every_version_and_each_is_a_jump(newsroom: Path) -> None:
    app = make(newsroom)
    async with app.run_test(size=(160, 40)) as pilot:
        await stories_on(pilot)
        await pilot.press("down")
        await wait_until(pilot, lambda: app.current_item is not None and app.current_item.id == "b.md")
        versions = app.query_one(StoryVersions)
        assert versions.display and versions.option_count == 4
        first = str(versions.get_option_at_index(0).prompt)
        assert "Wire" in first and "2021-03-12" in first and "heat 80" in first and "quality 10" in first
        versions.focus()
        await pilot.press("down", "down", "enter")  # the third version: c.md (heat 20)
        articles = app.query_one(ArticleList)
        await wait_until(pilot, lambda: articles.highlighted is not None and articles.highlighted.id == "c.md")
        assert app.focused is articles


async def test_the_list_is_usable_before_the_stories_are_found(newsroom: Path) -> None:
    app = make(newsroom)
    app.stories.loaded = lambda: None  # type: ignore[method-assign]  # clustering never finishes
    async with app.run_test(size=(120, 30)) as pilot:
        await wait_loaded(pilot)
        await pilot.press("equals_sign")
        await pilot.pause()
        assert len(app.rows) == 5 and "finding them" in status(app)
        await pilot.press("down", "down")
        assert app.query_one(ArticleList).cursor == 2


async def test_a_file_changed_on_disk_leaves_its_story(newsroom: Path) -> None:
    app = make(newsroom)
    async with app.run_test(size=(120, 30)) as pilot:
        await stories_on(pilot)
        write_item(newsroom, "c.md", title="Harbour bridge closes to cars next spring",
                   excerpt="The city council voted on Tuesday to close the old harbour bridge to cars.",
                   publishedDateTime="2021-03-13T10:00:00Z", webUrl="https://city.example.com/bridge")
        app.apply_reread(read_changes(newsroom, Changes(frozenset({"c.md"})),
                                      lambda prefix: [e.id for e in app.catalog.entries]))
        await wait_until(pilot, lambda: len(app.rows) == 3)
        assert ids(app) == ["d.md", "c.md", "b.md"]
        assert sorted(app.stories.map.of) == ["a.md", "b.md", "e.md"]
        assert app.query_one(ArticleList).title_prefixes == {"b.md": "▸×3 "}
        assert app.stories.service.reused == 0  # updated in place: no second build


# -- editors: publishing one version offers to mark the others -------------------------

async def test_publishing_a_version_offers_to_mark_the_others_as_duplicates(newsroom: Path) -> None:
    app = make(newsroom)
    async with app.run_test(size=(120, 30)) as pilot:
        await stories_on(pilot)
        await pilot.press("down")
        await wait_until(pilot, lambda: app.current_item is not None and app.current_item.id == "b.md")
        before = {n: (newsroom / n).read_bytes() for n in ("a.md", "c.md", "d.md", "e.md")}
        await pilot.press("P")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmPrompt))
        assert "published: true" in (newsroom / "b.md").read_text()
        # nothing else has changed while the question is open
        assert {n: (newsroom / n).read_bytes() for n in before} == before
        await pilot.press("y")
        await wait_until(pilot, lambda: not app.triage.busy and "Duplicate" in (newsroom / "e.md").read_text())
        for name in ("a.md", "c.md", "e.md"):
            text = (newsroom / name).read_text()
            assert "Duplicate" in text and "published: true" not in text, name
        assert (newsroom / "d.md").read_bytes() == before["d.md"]


async def test_saying_no_to_the_offer_changes_nothing(newsroom: Path) -> None:
    app = make(newsroom)
    async with app.run_test(size=(120, 30)) as pilot:
        await stories_on(pilot)
        await pilot.press("down")
        await wait_until(pilot, lambda: app.current_item is not None and app.current_item.id == "b.md")
        before = {n: (newsroom / n).read_bytes() for n in ("a.md", "c.md", "e.md")}
        await pilot.press("P")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmPrompt))
        await pilot.press("n")
        await wait_until(pilot, lambda: not isinstance(app.screen, ConfirmPrompt) and not app.triage.busy)
        assert {n: (newsroom / n).read_bytes() for n in before} == before


# -- the [stories] settings ------------------------------------------------------------

def configured(root: Path, **stories: object) -> ReaderApp:
    config = replace(quiet_config(enabled=False), stories=StoriesConfig(**stories))  # type: ignore[arg-type]
    return create_app(root, config=config, use_index=False)


async def test_the_app_starts_in_stories_mode_when_the_setting_says_so(newsroom: Path) -> None:
    app = configured(newsroom, mode=True)
    async with app.run_test(size=(120, 30)) as pilot:
        await wait_loaded(pilot)
        await wait_until(pilot, lambda: app.stories.ready and len(app.rows) == 2)
        assert ids(app) == ["d.md", "b.md"]
        assert (app.shown, app.total) == (2, 2)
        assert "stories" in status(app)
        await pilot.press("equals_sign")  # the key still turns it off
        await wait_until(pilot, lambda: len(app.rows) == 5)


async def test_the_duplicate_offer_gives_the_configured_topic(newsroom: Path) -> None:
    app = configured(newsroom, duplicate_topic="Seen elsewhere")
    async with app.run_test(size=(120, 30)) as pilot:
        await stories_on(pilot)
        await pilot.press("down")
        await wait_until(pilot, lambda: app.current_item is not None and app.current_item.id == "b.md")
        await pilot.press("P")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmPrompt))
        await pilot.press("y")
        await wait_until(pilot, lambda: not app.triage.busy and "Seen elsewhere" in (newsroom / "e.md").read_text())
        for name in ("a.md", "c.md", "e.md"):
            text = (newsroom / name).read_text()
            assert "Seen elsewhere" in text and "Duplicate" not in text, name
