"""Pilot tests of the reader's own state in the app: read / unread, saved, the last view.

Time is the test's: the app's clock (held-key detection) and the read-after
clock and timer are fakes the test advances; nothing sleeps against the app.
"""

from __future__ import annotations

import os
import signal
from collections.abc import Callable
from pathlib import Path

import pytest
from textual.command import CommandList, CommandPalette
from textual.widgets import Static

from reader.core.query import Published, Query, SortKey
from reader.core.state import StateStore, item_key
from reader.ui.app import ReaderApp, create_app
from reader.ui.columns import UNREAD
from reader.ui.reading_state import READ_AFTER
from reader.ui.screens.help_screen import HelpScreen
from reader.ui.widgets.article_list import ArticleList
from reader.ui.widgets.search_bar import SearchBar
from reader.ui.widgets.topic_sidebar import SAVED, TopicSidebar
from reader.ui.widgets.topic_sidebar import UNREAD as UNREAD_ENTRY
from tests.conftest import quiet_config, read_marks_on_disk, wait_until, write_item


class FakeTime:
    """One clock for the app and the read-after flow, and the flow's timers."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.timers: list[FakeTimer] = []

    def __call__(self) -> float:
        return self.now

    def set_timer(self, delay: float, callback: Callable[[], None]) -> FakeTimer:
        timer = FakeTimer(self.now + delay, callback)
        self.timers.append(timer)
        return timer

    def advance(self, seconds: float) -> None:
        """Move the clock on and run the timers that are due (as the app's loop would)."""
        self.now += seconds
        due = [t for t in self.timers if t.at <= self.now and not t.stopped]
        self.timers = [t for t in self.timers if t not in due and not t.stopped]
        for timer in due:
            timer.stopped = True
            timer.callback()


class FakeTimer:
    def __init__(self, at: float, callback: Callable[[], None]) -> None:
        self.at, self.callback, self.stopped = at, callback, False

    def stop(self) -> None:
        self.stopped = True


def corpus(tmp_path: Path, n: int = 6) -> Path:
    root = tmp_path / "content"
    for i in range(n):
        write_item(root, f"item{i}.md", title=f"Story {i}", heat=10 * i, quality=50,
                   publishedDateTime=f"2025-01-{10 + i:02d}T10:00:00Z", topics=["AI"] if i % 2 else ["Space"],
                   webUrl=f"https://news.example.com/{i}")
    return root


def make(root: Path, time: FakeTime | None = None) -> ReaderApp:
    app = create_app(root, config=quiet_config(enabled=False), use_index=False)
    if time is not None:
        app.clock = time
        app.reading.clock = time
        app.reading.set_timer = time.set_timer
    return app


async def ready(pilot) -> None:
    """Loaded, the first item's detail shown, and the marks worked out."""
    app = pilot.app
    await wait_until(pilot, lambda: app.total and app.progress is None and app.current_item is not None
                     and app.unread_count is not None and not app.reading.marks.stale)


def read_ids(app: ReaderApp) -> set[str]:
    return set(app.reading.marks.read_ids)


def current(app: ReaderApp) -> str | None:
    entry = app.query_one(ArticleList).highlighted
    return entry.id if entry else None


def row_text(app: ReaderApp, row: int) -> str:
    articles = app.query_one(ArticleList)
    return "".join(seg.text for seg in articles.render_line(row - int(articles.scroll_offset.y)))


def sidebar_labels(app: ReaderApp) -> dict[str, str]:
    sidebar = app.query_one(TopicSidebar)
    return {o.id: str(o.prompt) for o in sidebar.options if o.id}


async def test_an_item_shown_for_a_moment_becomes_read(tmp_path):
    time = FakeTime()
    app = make(corpus(tmp_path), time)
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(pilot)
        first = current(app)
        assert app.unread_count == 6 and read_ids(app) == set()
        assert row_text(app, 0)[2] == UNREAD  # a character, not only a colour
        time.advance(READ_AFTER / 2)
        assert read_ids(app) == set()  # not yet: only half the moment
        time.advance(READ_AFTER / 2)
        await wait_until(pilot, lambda: app.unread_count == 5)
        assert read_ids(app) == {first}
        assert row_text(app, 0)[2] == " "
        assert "Unread 5" in sidebar_labels(app)[UNREAD_ENTRY]


async def test_a_held_key_does_not_mark_the_rows_it_passes(tmp_path):
    time = FakeTime()
    app = make(corpus(tmp_path), time)
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(pilot)
        rows = [e.id for e in app.rows]
        # A held j: the keys arrive with no time passing between them.
        await pilot.press("j", "j", "j", "j")
        assert current(app) == rows[4]
        time.advance(10 * READ_AFTER)  # the read-after timers, had any been set, are due
        await pilot.pause()
        assert read_ids(app) == set()
        assert app.unread_count == 6
        # The key is let go: the cursor rests, its item is shown; after a moment it is read.
        time.advance(1.0)
        await wait_until(pilot, lambda: app.current_item is not None and app.current_item.id == rows[4])
        time.advance(READ_AFTER)
        await wait_until(pilot, lambda: read_ids(app) == {rows[4]})
        assert app.unread_count == 5


async def test_moving_on_before_the_moment_is_over_leaves_the_item_unread(tmp_path):
    time = FakeTime()
    app = make(corpus(tmp_path), time)
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(pilot)
        time.advance(READ_AFTER * 0.9)
        time.now += 1.0  # a slow, single key press: its item is shown at once
        await pilot.press("j")
        second = app.rows[1].id
        await wait_until(pilot, lambda: app.current_item is not None and app.current_item.id == second)
        time.advance(READ_AFTER)
        await wait_until(pilot, lambda: read_ids(app) == {second})


async def test_keys_toggle_read_mark_all_and_jump_to_the_next_unread(tmp_path):
    time = FakeTime()
    app = make(corpus(tmp_path), time)
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(pilot)
        rows = [e.id for e in app.rows]
        await pilot.press("N")
        assert read_ids(app) == {rows[0]} and app.unread_count == 5
        await pilot.press("N")
        assert read_ids(app) == set() and app.unread_count == 6
        time.advance(10 * READ_AFTER)
        assert read_ids(app) == set()  # marked unread on purpose: it stays unread while shown
        # Read the third one, then "n" from the top skips nothing unread.
        app.reading.marks.mark_read([app.rows[1], app.rows[2]])
        await pilot.press("n")
        assert current(app) == rows[3]
        await pilot.press("G", "n")  # after the last: from the top
        assert current(app) == rows[0]
        await pilot.press("A")
        await wait_until(pilot, lambda: app.unread_count == 0)
        assert read_ids(app) == set(rows)
        await pilot.press("n")
        assert any("No unread items" in str(n.message) for n in app._notifications)


async def test_the_unread_entry_lists_what_is_unread_and_counts_it(tmp_path):
    app = make(corpus(tmp_path), FakeTime())
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(pilot)
        await pilot.press("N")
        app.show_state("is:unread")
        await pilot.pause()
        assert app.view.search == "is:unread" and len(app.rows) == 5
        assert app.query_one(SearchBar).value == "is:unread"
        sidebar = app.query_one(TopicSidebar)
        assert sidebar.get_option_at_index(sidebar.highlighted).id == UNREAD_ENTRY
        # Choosing a topic leaves the Unread entry (its search goes with it).
        app.show_topic("AI")
        await pilot.pause()
        assert app.view.topic == "AI" and app.view.search == ""


def highlighted_key(app: ReaderApp) -> str:
    entry = app.query_one(ArticleList).highlighted
    assert entry is not None
    return item_key(entry)


async def test_a_mark_reaches_the_file_by_the_apps_timer_and_before_a_suspend(tmp_path):
    app = make(corpus(tmp_path), FakeTime())
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(pilot)
        store = app.reading.store
        first = highlighted_key(app)
        await pilot.press("N")
        # Held, then handed to the writer thread by the app's timer: no close needed.
        await wait_until(pilot, lambda: first in read_marks_on_disk(store.path))
        # A suspend (Ctrl+Z, an external editor) writes what is held, timer or not.
        store.write_later = lambda delay, callback: None  # a timer that never fires
        await pilot.press("j", "N")
        second = highlighted_key(app)
        assert app.reading.marks.is_read(app.query_one(ArticleList).highlighted)
        assert second not in read_marks_on_disk(store.path)
        app.app_suspend_signal.publish(app)
        assert read_marks_on_disk(store.path) == {first, second}


async def test_a_mark_redraws_the_unread_entry_alone_not_the_whole_sidebar(tmp_path):
    app = make(corpus(tmp_path), FakeTime())
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(pilot)
        sidebar = app.query_one(TopicSidebar)
        await pilot.pause()
        asked = []
        refresh = sidebar.refresh

        def spy(*regions, **kwargs):
            asked.append(regions)
            return refresh(*regions, **kwargs)

        sidebar.refresh = spy
        await pilot.press("N")
        assert app.unread_count == 5
        await pilot.pause()
        # One line of the sidebar is drawn again (every option again took 5-15 ms at 100k) ...
        assert asked and all(len(r) == 1 and r[0].height == 1 for r in asked)
        # ... and it shows the new count, not a render kept from before.
        drawn = ["".join(seg.text for seg in sidebar.render_line(y)) for y in range(sidebar.size.height)]
        assert any("Unread 5" in line for line in drawn)
        assert not any("Unread 6" in line for line in drawn)


async def test_saving_an_item_counts_it_and_lists_it_under_saved(tmp_path):
    app = make(corpus(tmp_path), FakeTime())
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(pilot)
        assert "Saved 0" in sidebar_labels(app)[SAVED]
        await pilot.press("j", "B")
        saved = current(app)
        await wait_until(pilot, lambda: app.saved_count == 1)
        assert "Saved 1" in sidebar_labels(app)[SAVED]
        sidebar = app.query_one(TopicSidebar)
        sidebar.highlighted = sidebar.get_option_index(SAVED)
        sidebar.action_select()
        await wait_until(pilot, lambda: app.view.search == "is:saved")
        assert [e.id for e in app.rows] == [saved]
        await pilot.press("B")
        assert app.saved_count == 0 and app.rows == []  # unsaved: gone from the Saved list
    assert StateStore(app.reading.store.path).saved == set()


async def test_the_last_view_and_the_marks_come_back_after_a_restart(tmp_path):
    root = corpus(tmp_path)
    app = make(root, FakeTime())
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(pilot)
        app.view = Query(sort=SortKey.HEAT, descending=False, topic="AI", search="story")
        await pilot.pause()
        await pilot.press("j", "N", "B")
        chosen = current(app)
        view = app.view
    again = make(root)  # the app's own clock: the restored item is shown once the cursor rests
    async with again.run_test(size=(100, 30)) as pilot:
        await ready(pilot)
        await wait_until(pilot, lambda: current(again) == chosen)
        assert again.view == view
        assert again.query_one(SearchBar).value == "story"
        assert again.reading.marks.read_ids == {chosen} and again.saved_count == 1
        assert again.unread_count == 5
    # Another content root does not get that view.
    other = make(corpus(tmp_path / "elsewhere", 2))
    async with other.run_test(size=(100, 30)) as pilot:
        await ready(pilot)
        assert other.view == Query()


async def test_state_is_kept_by_url_so_a_renamed_file_stays_read(tmp_path):
    root = corpus(tmp_path, 2)
    store = StateStore()
    store.set_read(["url:news.example.com/1"])
    store.close()
    (root / "item1.md").rename(root / "renamed.md")
    app = make(root, FakeTime())
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(pilot)
        assert read_ids(app) == {"renamed.md"} and app.unread_count == 1
        assert item_key(next(e for e in app.rows if e.id == "renamed.md")) == "url:news.example.com/1"


async def test_state_never_goes_in_the_content_folder_or_the_cache(tmp_path, monkeypatch):
    import os

    root = corpus(tmp_path, 2)
    before = sorted(p.name for p in root.rglob("*"))
    app = make(root, FakeTime())
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(pilot)
        await pilot.press("N", "B")
    assert sorted(p.name for p in root.rglob("*")) == before
    cache = Path(os.environ["READER_CACHE_DIR"])
    assert not [p for p in cache.rglob("*") if "state" in p.name]
    assert app.reading.store.path.parent == Path(os.environ["READER_STATE_DIR"])


async def test_the_reading_keys_are_in_the_help_the_palette_and_the_footer(tmp_path):
    app = make(corpus(tmp_path, 2), FakeTime())
    async with app.run_test(size=(120, 30)) as pilot:
        await ready(pilot)
        footer_keys = {b.binding.id for b in app.screen.active_bindings.values() if b.binding.show}
        assert "reading.next_unread" in footer_keys
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        text = str(app.screen.query_one("#help-body Static").render())
        for tip in ("next unread item", "Mark the item read", "every item shown in the list as read",
                    "Save the item for later"):
            assert tip in text
        await pilot.press("escape")
        await pilot.press("ctrl+p")
        await wait_until(pilot, lambda: isinstance(app.screen, CommandPalette))
        await pilot.press(*"save / unsave")
        commands = app.screen.query_one(CommandList)
        await wait_until(pilot, lambda: commands.option_count >= 1)
        assert "(B)" in str(commands.get_option_at_index(0).prompt)


async def test_the_status_of_published_filters_is_untouched_by_state_entries(tmp_path):
    """The Unpublished entry still works beside the new ones."""
    app = make(corpus(tmp_path, 2), FakeTime())
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(pilot)
        app.show_state("is:saved")
        await pilot.pause()
        await pilot.press("u")
        assert app.view.published is Published.UNPUBLISHED
        assert str(app.query_one("#status-text", Static).render())


@pytest.mark.parametrize("signum", [signal.SIGHUP, signal.SIGTERM])
async def test_a_hang_up_writes_the_held_marks_and_the_view_then_exits(tmp_path, signum):
    """A dropped SSH link (SIGHUP) or a kill (SIGTERM) loses no held mark and no last view."""
    app = make(corpus(tmp_path), FakeTime())
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(pilot)
        store = app.reading.store
        store.write_later = lambda delay, callback: None  # held: only a close writes it
        await pilot.press("j", "N")
        held, selected = highlighted_key(app), app.reading.selected
        assert held not in read_marks_on_disk(store.path) and selected is not None
        # The app's handler is in place (without it the signal would end pytest).
        assert signal.getsignal(signum) not in (signal.SIG_DFL, signal.SIG_IGN, None)
        os.kill(os.getpid(), signum)
        await wait_until(pilot, lambda: app.return_code is not None)
    assert app.return_code == 128 + signum
    assert held in read_marks_on_disk(store.path)
    other = StateStore(store.path)
    try:
        view = other.last_view(app.root)
        assert view is not None and view["selected"] == selected
    finally:
        other.close()
    # Closed: the signals are the process's own again.
    assert signal.getsignal(signum) is signal.SIG_DFL


async def test_a_rest_timer_that_fires_while_the_app_closes_marks_nothing(tmp_path):
    """The rest timer can fire after the screens are gone (seen once in CI): no error."""
    app = make(corpus(tmp_path), FakeTime())
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(pilot)
        item_id = app.current_item.id
    app.reading._showing = (item_id, app.reading.clock() - 2 * READ_AFTER)
    app.reading._dwell_over()  # raised NoMatches/ScreenStackError before
    assert app.reading._showing is None
