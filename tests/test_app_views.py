"""Pilot tests: saved views in the sidebar, saved with v, kept in the config file across restarts."""

from __future__ import annotations

import os
import tomllib
from dataclasses import replace
from pathlib import Path

from textual.widgets import Input, Static

from reader.core.query import Published, SortKey
from reader.ui.app import ReaderApp, create_app
from reader.ui.screens.view_prompt import ViewPrompt
from reader.ui.widgets.search_bar import SearchBar
from reader.ui.widgets.topic_sidebar import VIEW, TopicSidebar
from tests.conftest import FakePreviewService, quiet_config, wait_until
from tests.conftest import wait_loaded as loaded


def make(root) -> ReaderApp:
    """No network: previews come from a fake that answers 404 at once."""
    return create_app(root, config=quiet_config(), preview_service=FakePreviewService(), use_index=False)


def config() -> Path:
    return Path(os.environ["READER_CONFIG"])  # a temp file per test (conftest)


def ids(app: ReaderApp) -> list[str]:
    return [e.id for e in app.rows]


def sidebar_views(app: ReaderApp) -> list[str]:
    """The sidebar's view entries as shown: name and count."""
    bar = app.query_one(TopicSidebar)
    return [" ".join(str(option.prompt).split()) for option in bar.options
            if option.id is not None and option.id.startswith(VIEW)]


def hint(screen: ViewPrompt) -> str:
    return str(screen.query_one("#view-hint", Static).render())


async def counted(pilot, app: ReaderApp) -> None:
    """Until the sidebar shows a count beside every view."""
    def shown() -> bool:
        entries = sidebar_views(app)
        return len(entries) == len(app.saved_views) and all(
            s.rsplit(" ", 1)[-1].isdigit() for s in entries)

    await wait_until(pilot, shown)


async def save_with_v(pilot, app: ReaderApp, name: str, query: str | None = None) -> ViewPrompt:
    await pilot.press("V")
    await wait_until(pilot, lambda: isinstance(app.screen, ViewPrompt))
    screen = app.screen
    assert isinstance(screen, ViewPrompt)
    await pilot.press(*name)
    if query is not None:
        screen.query_one("#view-query", Input).value = query
        await pilot.pause()
    return screen


async def test_the_defaults_show_under_the_topics_with_counts(small_corpus):
    app = make(small_corpus)
    async with app.run_test(size=(120, 30)) as pilot:
        await loaded(pilot)
        await counted(pilot, app)
        assert sidebar_views(app) == ["Triage queue 2", "Unscored 1", "Today 0"]
        bar = app.query_one(TopicSidebar)
        topics = [o.id for o in bar.options]
        assert topics.index("Robotics") < topics.index(VIEW + "Triage queue")  # under the topics
    assert not config().exists()  # nothing written just by looking


async def test_selecting_a_view_filters_and_sorts_the_list(small_corpus):
    app = make(small_corpus)
    async with app.run_test(size=(120, 30)) as pilot:
        await loaded(pilot)
        await counted(pilot, app)
        await pilot.press("t")
        bar = app.query_one(TopicSidebar)
        bar.highlighted = bar.get_option_index(VIEW + "Triage queue")
        await pilot.press("enter")
        await wait_until(pilot, lambda: app.view.search == "is:unpublished")
        assert ids(app) == ["c.md", "b.md"]  # hottest first: heat 50, then 10
        assert app.view.sort is SortKey.HEAT and app.view.descending
        assert app.query_one(SearchBar).value == "is:unpublished"
        assert bar.highlighted == bar.get_option_index(VIEW + "Triage queue")
        await pilot.press("t")
        bar.highlighted = bar.get_option_index(VIEW + "Unscored")
        await pilot.press("enter")
        await wait_until(pilot, lambda: app.view.search == "heat:unscored")
        assert ids(app) == ["sub/e.md"]
        assert app.view.sort is SortKey.HEAT  # Unscored has no sort: the list's is kept


async def test_a_saved_view_is_in_the_sidebar_after_a_restart(small_corpus):
    app = make(small_corpus)
    async with app.run_test(size=(120, 30)) as pilot:
        await loaded(pilot)
        await pilot.press("slash", *"topic:AI", "enter")
        await pilot.press("s")  # heat
        assert app.view.sort is SortKey.HEAT
        screen = await save_with_v(pilot, app, "AI by heat")
        assert screen.query_one("#view-query", Input).value == "topic:AI"
        await pilot.press("enter")
        await wait_until(pilot, lambda: any(v.name == "AI by heat" for v in app.saved_views))
        await counted(pilot, app)
        assert sidebar_views(app)[-1] == "AI by heat 3"
    saved = tomllib.loads(config().read_text(encoding="utf-8"))["views"]
    assert saved["AI by heat"] == {"query": "topic:AI", "sort": "heat"}
    assert list(saved) == ["Triage queue", "Unscored", "Today", "AI by heat"]  # the defaults written too

    again = make(small_corpus)
    async with again.run_test(size=(120, 30)) as pilot:
        await loaded(pilot)
        await counted(pilot, again)
        assert sidebar_views(again) == ["Triage queue 2", "Unscored 1", "Today 0", "AI by heat 3"]
        await pilot.press("t")
        bar = again.query_one(TopicSidebar)
        bar.highlighted = bar.get_option_index(VIEW + "AI by heat")
        await pilot.press("enter")
        await wait_until(pilot, lambda: again.view.search == "topic:AI")
        assert ids(again) == ["a.md", "f.md", "d.md"]  # heat 90, 70, 30
        assert again.view.sort is SortKey.HEAT


async def test_the_current_topic_and_state_filters_are_saved_as_terms(small_corpus):
    app = make(small_corpus)
    async with app.run_test(size=(120, 30)) as pilot:
        await loaded(pilot)
        app.view = replace(app.view, topic="Energy", published=Published.UNPUBLISHED)
        screen = await save_with_v(pilot, app, "Energy desk")
        assert screen.query_one("#view-query", Input).value == "topic:Energy is:unpublished"


async def test_a_query_with_an_error_cannot_be_saved(small_corpus):
    app = make(small_corpus)
    async with app.run_test(size=(120, 30)) as pilot:
        await loaded(pilot)
        await pilot.press("slash", *"heat:>>5", "enter")  # the bar shows the error; the list stays
        screen = await save_with_v(pilot, app, "Broken")
        assert screen.query_one("#view-query", Input).value == "heat:>>5"
        assert hint(screen) == "the query has an error: heat needs a number, at column 7"
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is screen  # still asking
        assert not config().exists()
        screen.query_one("#view-query", Input).value = "heat:>5"
        await pilot.pause()
        assert "Enter saves" in hint(screen)
        await pilot.press("enter")
        await wait_until(pilot, lambda: any(v.name == "Broken" for v in app.saved_views))
        assert load_names() == ["Triage queue", "Unscored", "Today", "Broken"]


def load_names() -> list[str]:
    return list(tomllib.loads(config().read_text(encoding="utf-8"))["views"])


async def test_an_empty_name_is_asked_for_again(small_corpus):
    app = make(small_corpus)
    async with app.run_test(size=(120, 30)) as pilot:
        await loaded(pilot)
        screen = await save_with_v(pilot, app, "")
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is screen and hint(screen) == "the name is empty"
        await pilot.press("escape")
        await wait_until(pilot, lambda: app.screen is not screen)
    assert not config().exists()


async def test_rename_and_delete_from_the_palette(small_corpus):
    app = make(small_corpus)
    async with app.run_test(size=(120, 30)) as pilot:
        await loaded(pilot)
        await counted(pilot, app)
        app.action_command_palette()
        await pilot.pause()
        await pilot.press(*"delete view: unscored")
        await pilot.pause(0.2)
        await pilot.press("enter")
        await wait_until(pilot, lambda: [v.name for v in app.saved_views] == ["Triage queue", "Today"])
        assert load_names() == ["Triage queue", "Today"]  # the remaining defaults written

        app.action_command_palette()
        await pilot.pause()
        await pilot.press(*"rename view: today")
        await pilot.pause(0.2)
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, ViewPrompt))
        name = app.screen.query_one("#view-name", Input)
        assert name.value == "Today"
        name.value = "Triage queue"
        await pilot.pause()
        assert hint(app.screen) == "there is a view called “Triage queue” already"
        name.value = "Fresh"
        await pilot.press("enter")
        await wait_until(pilot, lambda: [v.name for v in app.saved_views] == ["Triage queue", "Fresh"])
        await counted(pilot, app)
        assert sidebar_views(app) == ["Triage queue 2", "Fresh 0"]
    assert tomllib.loads(config().read_text(encoding="utf-8"))["views"]["Fresh"] == "date:today"


async def test_counts_follow_changes_to_the_items(small_corpus):
    app = make(small_corpus)
    async with app.run_test(size=(120, 30)) as pilot:
        await loaded(pilot)
        await counted(pilot, app)
        assert app.view_counts["Triage queue"] == 2
        assert app.rows[0].id == "b.md"  # newest first; unpublished
        await pilot.press("P")  # publish it: the file is written and read again
        await wait_until(pilot, lambda: "Triage queue 1" in sidebar_views(app))
        assert app.view_counts["Triage queue"] == 1


async def test_a_view_of_saved_items_counts_again_when_an_item_is_saved(small_corpus):
    config().write_text('[views]\nKept = "is:saved"\nAI = "topic:AI"\n', encoding="utf-8")
    # No file watcher: its catch-up after loading recounts too, which would hide the point.
    app = create_app(small_corpus, config=replace(quiet_config(), watch=False),
                     preview_service=FakePreviewService(), use_index=False)
    async with app.run_test(size=(120, 30)) as pilot:
        await loaded(pilot)
        await counted(pilot, app)
        assert sidebar_views(app) == ["Kept 0", "AI 3"]
        await pilot.press("B")  # save the item under the cursor
        await wait_until(pilot, lambda: "Kept 1" in sidebar_views(app))
        assert sidebar_views(app) == ["Kept 1", "AI 3"]


async def test_a_bad_view_in_the_file_is_one_warning_and_the_others_work(small_corpus):
    config().write_text('[views]\nGood = "topic:AI"\nBad = "heat:>>5"\n', encoding="utf-8")
    app = make(small_corpus)
    async with app.run_test(size=(120, 30)) as pilot:
        await loaded(pilot)
        await counted(pilot, app)
        assert sidebar_views(app) == ["Good 3"]
        warnings = [n.message for n in app._notifications if n.severity == "warning"]
        assert warnings == [f"{config()}: views.Bad: query: heat needs a number, at column 7; view left out"]


async def test_counts_arriving_leave_the_sidebar_cursor_where_the_user_put_it(small_corpus):
    # No file watcher: its first catch-up would recount and race the counts set below.
    app = create_app(small_corpus, config=replace(quiet_config(), watch=False),
                     preview_service=FakePreviewService(), use_index=False)
    async with app.run_test(size=(120, 30)) as pilot:
        await loaded(pilot)
        await counted(pilot, app)
        await pilot.press("t", "j", "j", "j", "j")  # All, Unpublished, Unread, Saved, then AI
        bar = app.query_one(TopicSidebar)
        assert bar.get_option_at_index(bar.highlighted).id == "AI"
        app.view_counts = {**app.view_counts, "Today": 7}  # as a recount after a change on disk
        await wait_until(pilot, lambda: "Today 7" in sidebar_views(app))
        assert bar.get_option_at_index(bar.highlighted).id == "AI"
