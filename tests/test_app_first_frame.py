"""The app's first frame: laid out once, for the terminal's width, and start-up
imports only what that frame needs (structure, not timings: bench/start.py times it)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from reader.core.index import Index
from reader.core.loader import load_all
from reader.ui.app import create_app
from reader.ui.columns import layout
from reader.ui.start_up import breakpoint_classes
from reader.ui.widgets.article_list import ArticleList
from reader.ui.widgets.topic_sidebar import TopicSidebar
from tests.conftest import modules_after, quiet_config, wait_loaded, write_item


def _config():
    return replace(quiet_config(enabled=False), watch=False)


def _corpus(root: Path, n: int = 30) -> Path:
    """``n`` items, indexed: the first frame has their first rows (reader.core.first_screen)."""
    for i in range(n):
        write_item(root, f"item-{i:03d}.md", title=f"A fairly long title for item number {i:03d}",
                   heat=i, provider={"name": f"Provider {i % 3}"})
    with Index(root) as ix:
        load_all(root, index=ix)
    return root


def test_breakpoint_classes_pick_the_widest_that_fits() -> None:
    points = [(0, "-narrow"), (100, "-medium"), (150, "-wide")]
    assert breakpoint_classes(80, points) == {"-narrow": True, "-medium": False, "-wide": False}
    assert breakpoint_classes(100, points) == {"-narrow": False, "-medium": True, "-wide": False}
    assert breakpoint_classes(200, points) == {"-narrow": False, "-medium": False, "-wide": True}


async def test_the_first_layout_is_for_the_terminals_width(tmp_path, monkeypatch) -> None:
    # At 80 columns the sidebar is hidden (-narrow). Textual sets that class on the
    # screen's first Resize, after the first frame: that frame showed the sidebar,
    # and everything was styled, laid out and sent a second time.
    shown: list[object] = []
    monkeypatch.setattr(TopicSidebar, "on_show", lambda self, event: shown.append(event), raising=False)
    app = create_app(_corpus(tmp_path / "content"), config=_config())
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_loaded(pilot)
        assert app.screen.has_class("-narrow")
        assert shown == []


async def test_the_list_draws_its_first_rows_in_its_own_columns(tmp_path, monkeypatch) -> None:
    # The columns follow the list's width as it is laid out, not on the Resize
    # event after that frame: the first rows came out with titles cut to a few letters.
    drawn: list[tuple[object, object]] = []
    real = ArticleList.render_line

    def render_line(self, y):
        if self.rows:
            drawn.append((self._columns, layout(self._width, self.list_style, self._gutter)))
        return real(self, y)

    monkeypatch.setattr(ArticleList, "render_line", render_line)
    app = create_app(_corpus(tmp_path / "content"), config=_config(), use_index=True)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_loaded(pilot)
    assert drawn
    assert all(used == fitted for used, fitted in drawn)


# Imported after the first frame (where they are used), never with the app. The widgets
# mounted after that frame and what only they use: the search bar, its hint and the query
# help; the sidebar (below 100 columns; its saved views, and the query language they are
# written in: a start with no search parses nothing); the detail pane's related list,
# story versions and preview view, and the item's rendering (its text, links, articles).
# Argparse (``reader PATH`` has no option to parse), zoneinfo (a named time zone only),
# json (the reading state's last view, read once the first frame is out).
LATER_WIDGETS = ("reader.ui.widgets.search_bar", "reader.ui.widgets.query_hint", "reader.core.queryhelp",
                 "reader.ui.widgets.topic_sidebar", "reader.ui.widgets.nav_list", "reader.core.views",
                 "reader.core.querylang", "reader.core.query_eval", "reader.core.toml_edit",
                 "reader.core.files", "reader.ui.widgets.related_list", "reader.ui.widgets.story_versions",
                 "reader.ui.widgets.preview_view", "reader.ui.item_render", "reader.ui.text",
                 "reader.ui.article_render", "reader.core.describe", "reader.core.links", "argparse", "zoneinfo", "json")
LATER = ("numpy", "rapidfuzz", "tomlkit", "watchfiles", "webbrowser", "reader.core.stories",
         "reader.core.watch", "reader.ui.screens.preview_screen", "reader.ui.screens.view_prompt",
         "reader.core.story_service", "reader.core.fastparse", *LATER_WIDGETS)


def test_importing_the_app_imports_nothing_the_first_frame_does_not_need(tmp_path) -> None:
    code = ("import sys\n"
            "import reader.cli, reader.ui.app\n"
            f"found = sorted(m for m in {LATER!r} if m in sys.modules)\n"
            "import json\n"
            "print(json.dumps(found))\n")
    assert modules_after(code, tmp_path) == []


def test_the_first_frame_imports_nothing_it_does_not_show(tmp_path) -> None:
    # Run to its first frame (80 columns: no sidebar; the first rows from the index), the
    # app has imported none of the later modules: the first callback after that frame
    # (the detail pane's mount_hidden, then the app's _start_loading) lists them and ends.
    root = _corpus(tmp_path / "content")
    code = f"""
import asyncio, os, sys
from pathlib import Path
from reader.core.config import Config, PreviewConfig
from reader.ui.app import ReaderApp, create_app
from reader.ui.widgets.detail_pane import DetailPane

def first_callback(*_args) -> None:
    found = sorted(m for m in {LATER!r} if m in sys.modules)
    import json

    print(json.dumps([len(app.rows), found]), flush=True)
    os._exit(0)

ReaderApp._start_loading = first_callback
DetailPane.mount_hidden = first_callback
app = create_app(Path({str(root)!r}), config=Config(watch=False, preview=PreviewConfig(enabled=False)),
                 use_index=True)

async def run() -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause(60)

asyncio.run(run())
print("the app ended before its first frame")
"""
    rows, found = modules_after(code, tmp_path)
    assert rows == 30  # the first screen's rows were there
    assert found == []


def test_the_later_widgets_messages_are_handled_by_name() -> None:
    # The app cannot name these classes in @on (it would import their modules):
    # a handler named after each message's handler_name takes it instead.
    from reader.ui.app import ReaderApp
    from reader.ui.widgets.related_list import RelatedList
    from reader.ui.widgets.search_bar import SearchBar
    from reader.ui.widgets.story_versions import StoryVersions
    from reader.ui.widgets.topic_sidebar import TopicSidebar

    for message in (SearchBar.SyntaxWanted, SearchBar.Completed, SearchBar.Finished, TopicSidebar.Chosen,
                    TopicSidebar.ViewChosen, RelatedList.Chosen, StoryVersions.Chosen):
        assert callable(getattr(ReaderApp, message.handler_name, None)), message.handler_name


async def test_the_footer_is_built_once_for_a_burst_of_binding_changes(tmp_path, monkeypatch) -> None:
    from textual.widgets import Footer

    built: list[Footer] = []
    real = Footer.recompose

    async def recompose(self):
        built.append(self)
        await real(self)

    monkeypatch.setattr(Footer, "recompose", recompose)
    app = create_app(_corpus(tmp_path / "content"), config=_config(), use_index=True)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_loaded(pilot)
        await pilot.pause()
        assert app.query_one(Footer).query("FooterKey")  # its keys are there
        assert 1 <= len(built) <= 2  # Textual's Footer: once per change (five at a start)


async def test_the_hidden_parts_of_the_detail_pane_are_mounted_after_the_first_frame(tmp_path, monkeypatch) -> None:
    # The related list and the story's versions show only for an item that has
    # some, the Preview tab's view only once that tab is chosen: the first frame
    # has none of them, so they are not styled and laid out before it.
    from reader.ui.app import ReaderApp
    from reader.ui.widgets.preview_view import PreviewView
    from reader.ui.widgets.related_list import RelatedList
    from reader.ui.widgets.story_versions import StoryVersions

    at_mount: list[int] = []
    real = ReaderApp.on_mount

    def on_mount(self) -> None:  # the app mounts last, just before its first frame
        at_mount.append(len(self.query(RelatedList)) + len(self.query(StoryVersions))
                        + len(self.query(PreviewView)))
        real(self)

    monkeypatch.setattr(ReaderApp, "on_mount", on_mount)
    app = create_app(_corpus(tmp_path / "content"), config=_config(), use_index=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_loaded(pilot)
        assert at_mount == [0]
        related, versions = app.query_one(RelatedList), app.query_one(StoryVersions)
        assert not related.display and not versions.display
        assert related.parent is versions.parent is app.query_one("#item-scroll")
        assert app.query_one(PreviewView).parent is app.query_one("#tab-preview")


async def test_the_screens_styles_are_read_when_the_first_screen_opens(tmp_path) -> None:
    # The main screen's start parses no rule of the screens pushed over it
    # (styles/screens.tcss); the help screen, opened, is styled by them.
    from reader.ui.screens.help_screen import HelpScreen

    def selectors(app) -> set[str]:
        return {sel.css for rule in app.stylesheet.rules for sel in rule.selector_set}

    app = create_app(_corpus(tmp_path / "content"), config=_config(), use_index=True)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_loaded(pilot)
        assert "#help-body" not in selectors(app)
        await app.push_screen(HelpScreen({}))
        await pilot.pause()
        assert "#help-body" in selectors(app)
        assert app.screen.query_one("#help-body").styles.border.top[0] == "round"


async def test_the_reading_state_file_is_opened_after_the_first_frame(tmp_path, monkeypatch) -> None:
    # Opening the state database (and its -wal/-shm files) took 2-6 ms of the
    # first frame, though the marks are read after it.
    from reader.ui.app import ReaderApp

    opened_at_mount: list[bool] = []
    real = ReaderApp.on_mount

    def on_mount(self) -> None:  # the app mounts last, just before its first frame
        opened_at_mount.append(self.reading.store.path.exists())
        real(self)

    monkeypatch.setattr(ReaderApp, "on_mount", on_mount)
    app = create_app(_corpus(tmp_path / "content"), config=_config(), use_index=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_loaded(pilot)
        assert opened_at_mount == [False]
        assert app.reading.store.path.exists()  # opened once the frame was out


async def test_what_the_first_frame_does_not_show_is_mounted_after_it(tmp_path, monkeypatch) -> None:
    # The search bar and its hint (hidden until /) and, below 100 columns, the
    # sidebar (hidden until opened) were styled and laid out before the first rows.
    from reader.ui.app import ReaderApp
    from reader.ui.widgets.query_hint import QueryHint
    from reader.ui.widgets.search_bar import SearchBar

    at_mount: list[tuple[int, int]] = []
    real = ReaderApp.on_mount

    def on_mount(self) -> None:  # the app mounts last, just before its first frame
        at_mount.append((len(self.query(SearchBar)) + len(self.query(QueryHint)), len(self.query(TopicSidebar))))
        real(self)

    monkeypatch.setattr(ReaderApp, "on_mount", on_mount)
    for width, sidebar in ((120, 1), (80, 0)):  # shown at 120 columns: in the first frame
        app = create_app(_corpus(tmp_path / f"content-{width}"), config=_config(), use_index=True)
        async with app.run_test(size=(width, 24)) as pilot:
            await wait_loaded(pilot)
            assert at_mount.pop() == (0, sidebar)
            bar = app.query_one(SearchBar)
            assert bar is app.search_bar and not bar.display
            assert app.query_one("#content").children[:2] == [bar, app.query_one(QueryHint)]
            assert app.query_one("#main").children[0] is app.query_one(TopicSidebar)
            await pilot.press("slash", "h", "e", "a", "t", ":", "x")
            assert bar.display and app.query_one(QueryHint).display  # "heat:x" does not parse


def test_reader_path_opens_the_app_without_argparse(tmp_path) -> None:
    # `reader PATH` has no option to parse: the CLI reads the PATHs itself (and any
    # option still goes through the app's parser, with its usage and errors).
    from reader.cli import app_args, app_parser

    for argv in ([], ["a"], ["a", "b c"], [""]):
        assert vars(app_args(argv)) == vars(app_parser().parse_args(argv))
    assert app_args(["--no-cache", "a"]).no_cache
    code = (f"import json, sys\n"
            f"from reader.ui.app import ReaderApp\n"
            f"ReaderApp.run = lambda self, **kwargs: None\n"
            f"from reader.cli import main\n"
            f"assert main([{str(tmp_path)!r}]) == 0\n"
            f"print(json.dumps(sorted(m for m in ('argparse', 'gettext') if m in sys.modules)))\n")
    assert modules_after(code, tmp_path) == []


async def test_the_saved_views_are_read_when_asked_for_before_the_first_frame(tmp_path, monkeypatch) -> None:
    # Below 100 columns the first frame shows no sidebar, so the views are read after
    # it; a key (or the palette) asking for them before that reads them then.
    from reader.core.views import DEFAULT_VIEWS
    from reader.ui.app import ReaderApp

    at_mount: list[tuple[int, int]] = []
    real = ReaderApp.on_mount

    def on_mount(self) -> None:
        real(self)
        at_mount.append((len(self.saved_views), len(self.views.listed())))

    monkeypatch.setattr(ReaderApp, "on_mount", on_mount)
    app = create_app(_corpus(tmp_path / "content"), config=_config(), use_index=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_loaded(pilot)
        assert at_mount == [(0, len(DEFAULT_VIEWS))]
        assert app.saved_views == DEFAULT_VIEWS
