"""Pilot tests: every binding and flow of the main screen."""

from __future__ import annotations

from textual.command import CommandList, CommandPalette
from textual.widgets import OptionList

from reader.core.actions import ACTIONS
from reader.core.query import Published, SortKey
from reader.ui.app import ReaderApp, create_app
from reader.ui.keys import keys_shown
from reader.ui.screens.help_screen import HelpScreen
from reader.ui.screens.load_report_screen import LoadReportScreen
from reader.ui.widgets.article_list import ArticleList
from reader.ui.widgets.related_list import RelatedList
from reader.ui.widgets.search_bar import SearchBar
from reader.ui.widgets.topic_sidebar import TopicSidebar
from tests.conftest import quiet_config, wait_until
from tests.conftest import wait_loaded as loaded


def make(root, fake=None, **preview) -> ReaderApp:
    return create_app(root, config=quiet_config(**preview), preview_service=fake,
                      use_index=False)


def titles(app: ReaderApp) -> list[str]:
    return [e.title for e in app.rows]


async def test_loads_and_shows_counts(small_corpus, fake_preview):
    app = make(small_corpus, fake_preview)
    async with app.run_test(size=(100, 30)) as pilot:
        await loaded(pilot)
        assert app.total == 6
        assert app.problems == 1
        assert app.unpublished == 2
        # Default: newest first.
        assert titles(app)[0] == "Beta batteries store more"
        status = app.query_one("#status-text").render()
        assert "6 / 6 shown" in str(status)
        assert "1 file could not be read" in str(status)


async def test_cursor_keys_move_and_detail_follows(small_corpus, fake_preview):
    app = make(small_corpus, fake_preview)
    async with app.run_test(size=(100, 30)) as pilot:
        await loaded(pilot)
        lst = app.query_one(ArticleList)
        assert lst.cursor == 0
        await pilot.press("j")
        assert lst.cursor == 1
        await wait_until(pilot, lambda: app.current_item.title == titles(app)[1])
        await pilot.press("down", "down")
        assert lst.cursor == 3
        await pilot.press("k")
        assert lst.cursor == 2
        await pilot.press("up")
        assert lst.cursor == 1
        await pilot.press("G")
        assert lst.cursor == 5
        await pilot.press("g")
        assert lst.cursor == 0
        await pilot.press("end")
        assert lst.cursor == 5
        await pilot.press("home")
        assert lst.cursor == 0
        await pilot.press("pagedown")
        assert lst.cursor == 5  # clamped at the end
        await pilot.press("pageup")
        assert lst.cursor == 0
        await wait_until(pilot, lambda: app.current_item.title == titles(app)[0])


async def test_sort_cycle_and_reverse(small_corpus, fake_preview):
    app = make(small_corpus, fake_preview)
    async with app.run_test(size=(100, 30)) as pilot:
        await loaded(pilot)
        assert app.view.sort is SortKey.DATE
        await pilot.press("s")
        assert app.view.sort is SortKey.HEAT and app.view.descending
        assert titles(app)[0] == "Alpha robots learn to walk"
        # heat -1 (not scored) is last
        assert titles(app)[-1] == "Epsilon energy policy"
        await pilot.press("S")
        assert not app.view.descending
        assert titles(app)[0] == "Beta batteries store more"
        assert titles(app)[-1] == "Epsilon energy policy"  # missing stays last
        await pilot.press("s")
        assert app.view.sort is SortKey.QUALITY
        assert titles(app)[0] == "Beta batteries store more"
        await pilot.press("s")
        assert app.view.sort is SortKey.TITLE and not app.view.descending
        await pilot.press("s")
        assert app.view.sort is SortKey.PROVIDER
        await pilot.press("s")
        assert app.view.sort is SortKey.DATE


async def test_click_on_column_header_sorts(small_corpus, fake_preview):
    app = make(small_corpus, fake_preview)
    async with app.run_test(size=(100, 30)) as pilot:
        await loaded(pilot)
        header = app.query_one("#columns")
        from reader.ui.columns import layout

        heat_col = next(c for c in layout(header.size.width) if c.key is SortKey.HEAT)
        await pilot.click("#columns", offset=(heat_col.start + 1, 0))
        assert app.view.sort is SortKey.HEAT and app.view.descending
        await pilot.click("#columns", offset=(heat_col.start + 1, 0))
        assert app.view.sort is SortKey.HEAT and not app.view.descending


async def test_search_filters_instantly_and_escape_clears(small_corpus, fake_preview):
    app = make(small_corpus, fake_preview)
    async with app.run_test(size=(100, 30)) as pilot:
        await loaded(pilot)
        await pilot.press("slash")
        bar = app.query_one(SearchBar)
        assert bar.display and bar.has_focus
        await pilot.press(*"energy")
        assert sorted(titles(app)) == ["Beta batteries store more", "Epsilon energy policy"]
        # several words: all must match (provider + title word)
        await pilot.press("space", *"herald")
        assert sorted(titles(app)) == ["Beta batteries store more", "Epsilon energy policy"]
        await pilot.press("space", *"policy")
        assert titles(app) == ["Epsilon energy policy"]
        await pilot.press("escape")
        assert app.view.search == ""
        assert len(app.rows) == 6
        assert not bar.display
        assert app.query_one(ArticleList).has_focus


async def test_search_enter_keeps_filter_and_returns_to_list(small_corpus, fake_preview):
    app = make(small_corpus, fake_preview)
    async with app.run_test(size=(100, 30)) as pilot:
        await loaded(pilot)
        await pilot.press("slash", *"ROBOTS", "enter")
        assert titles(app) == ["Alpha robots learn to walk"]
        assert app.query_one(ArticleList).has_focus
        await pilot.press("escape")  # Esc in the list clears filters
        assert len(app.rows) == 6


async def test_topic_sidebar_filters(small_corpus, fake_preview):
    app = make(small_corpus, fake_preview)
    async with app.run_test(size=(120, 30)) as pilot:
        await loaded(pilot)
        await pilot.press("t")
        sidebar = app.query_one(TopicSidebar)
        assert sidebar.has_focus
        labels = [str(sidebar.get_option_at_index(i).prompt) for i in range(sidebar.option_count)]
        assert labels[0] == "All 6"
        assert labels[1] == "Unpublished 2"
        assert "AI 3" in labels and "Energy 2" in labels
        sidebar.highlighted = labels.index("Energy 2")
        await pilot.press("enter")
        assert app.view.topic == "Energy"
        assert sorted(titles(app)) == ["Beta batteries store more", "Epsilon energy policy"]
        assert app.query_one(ArticleList).has_focus
        await pilot.press("t")
        sidebar.highlighted = 1
        await pilot.press("enter")
        assert app.view.published is Published.UNPUBLISHED and app.view.topic is None
        assert sorted(titles(app)) == ["Beta batteries store more", "Gamma rays from a quiet star"]
        await pilot.press("t")
        sidebar.highlighted = 0
        await pilot.press("enter")
        assert len(app.rows) == 6


async def test_sidebar_hidden_when_narrow_and_t_reveals_it(small_corpus, fake_preview):
    app = make(small_corpus, fake_preview)
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(pilot)
        sidebar = app.query_one(TopicSidebar)
        assert not sidebar.display or sidebar.region.width == 0
        await pilot.press("t")
        await pilot.pause()
        assert sidebar.region.width > 0 and sidebar.has_focus
        await pilot.press("escape")
        await pilot.pause()
        assert sidebar.region.width == 0
        assert app.query_one(ArticleList).has_focus


async def test_unpublished_toggle(small_corpus, fake_preview):
    app = make(small_corpus, fake_preview)
    async with app.run_test(size=(100, 30)) as pilot:
        await loaded(pilot)
        await pilot.press("u")
        assert all(e.published is False for e in app.rows) and len(app.rows) == 2
        await pilot.press("u")
        assert len(app.rows) == 6


async def test_related_jump_in_corpus_and_outside(small_corpus, fake_preview):
    app = make(small_corpus, fake_preview)
    async with app.run_test(size=(100, 30)) as pilot:
        await loaded(pilot)
        lst = app.query_one(ArticleList)
        lst.move_to_id("a.md")
        await wait_until(pilot, lambda: app.current_item.id == "a.md")
        await pilot.press("enter")  # Enter on the list focuses the related list
        related = app.query_one(RelatedList)
        assert related.has_focus
        assert related.option_count == 2
        related.highlighted = 0
        await pilot.press("enter")
        assert lst.highlighted.id == "b.md"
        await wait_until(pilot, lambda: app.current_item.id == "b.md")
        # Back to alpha, follow the outside link: its fields show in the pane.
        lst.move_to_id("a.md")
        await wait_until(pilot, lambda: app.current_item.id == "a.md")
        await pilot.press("enter")
        related.highlighted = 1
        await pilot.press("enter")
        await wait_until(pilot, lambda: "Outside story" in str(app.query_one("#item-view").render()))
        assert "not in this collection" in str(app.query_one("#item-view").render())


async def test_related_jump_widens_filter_when_target_hidden(small_corpus, fake_preview):
    app = make(small_corpus, fake_preview)
    async with app.run_test(size=(100, 30)) as pilot:
        await loaded(pilot)
        await pilot.press("slash", *"alpha", "enter")
        assert titles(app) == ["Alpha robots learn to walk"]
        await wait_until(pilot, lambda: app.current_item and app.current_item.id == "a.md")
        await pilot.press("enter")
        related = app.query_one(RelatedList)
        related.highlighted = 0
        await pilot.press("enter")
        assert len(app.rows) == 6
        assert app.query_one(ArticleList).highlighted.id == "b.md"


async def test_help_screen_lists_every_binding(small_corpus, fake_preview):
    app = make(small_corpus, fake_preview)
    async with app.run_test(size=(100, 40)) as pilot:
        await loaded(pilot)
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        text = str(app.screen.query_one("#help-body Static").render())
        for binding in ReaderApp.BINDINGS + ArticleList.BINDINGS:
            assert (binding.tooltip or binding.description) in text
        await pilot.press("escape")
        assert not isinstance(app.screen, HelpScreen)


async def test_load_report_screen(small_corpus, fake_preview):
    app = make(small_corpus, fake_preview)
    async with app.run_test(size=(100, 30)) as pilot:
        await loaded(pilot)
        await pilot.press("e")
        assert isinstance(app.screen, LoadReportScreen)
        report = app.screen.query_one(OptionList)
        assert report.option_count == 1
        prompt = str(report.get_option_at_index(0).prompt)
        assert "broken.md" in prompt and "YAML" in prompt
        await pilot.press("escape")
        assert not isinstance(app.screen, LoadReportScreen)


async def test_click_markup_in_title_is_literal_and_inert(small_corpus, fake_preview):
    app = make(small_corpus, fake_preview)
    async with app.run_test(size=(100, 30)) as pilot:
        await loaded(pilot)
        app.query_one(ArticleList).move_to_id("d.md")
        await wait_until(pilot, lambda: app.current_item.id == "d.md")
        view = app.query_one("#item-view")
        shown = str(view.render())
        assert "[@click=app.quit]Delta[/] markup stays text" in shown
        assert "[bold]Courier[/]" in shown
        # Click the title in the detail pane and in the list: the app keeps running.
        await pilot.click("#item-view", offset=(2, 0))
        await pilot.click(ArticleList, offset=(4, app.query_one(ArticleList).cursor))
        await pilot.pause(0.1)
        assert app.is_running
        assert app.return_code is None


async def test_tab_moves_between_panes(small_corpus, fake_preview):
    app = make(small_corpus, fake_preview)
    async with app.run_test(size=(120, 30)) as pilot:
        await loaded(pilot)
        seen = set()
        for _ in range(6):
            await pilot.press("tab")
            seen.add(type(app.focused).__name__)
        assert {"TopicSidebar", "ContentTabs"} <= seen or {"TopicSidebar", "RelatedList"} <= seen
        assert len(seen) >= 3


async def test_quit_binding(small_corpus, fake_preview):
    app = make(small_corpus, fake_preview)
    async with app.run_test(size=(100, 30)) as pilot:
        await loaded(pilot)
        await pilot.press("q")
        await pilot.pause()
        assert not app.is_running


async def test_palette_reaches_actions(small_corpus, fake_preview):
    app = make(small_corpus, fake_preview)
    async with app.run_test(size=(100, 30)) as pilot:
        await loaded(pilot)
        for query in ("sort by heat", "topic: quantum"):
            await pilot.press("ctrl+p")
            await wait_until(pilot, lambda: isinstance(app.screen, CommandPalette))
            await pilot.press(*query)
            commands = app.screen.query_one(CommandList)
            await wait_until(pilot, lambda commands=commands: commands.option_count >= 1)
            await pilot.press("enter")
            await wait_until(pilot, lambda: not isinstance(app.screen, CommandPalette))
            if query == "sort by heat":
                await wait_until(pilot, lambda: app.view.sort is SortKey.HEAT)
        await wait_until(pilot, lambda: app.view.topic == "Quantum")
        assert titles(app) == ["Zeta quantum chips"]


async def test_every_app_action_is_in_the_palette(small_corpus, fake_preview):
    app = make(small_corpus, fake_preview)
    async with app.run_test(size=(100, 30)) as pilot:
        await loaded(pilot)
        commands = [c.help for c in app.get_system_commands(app.screen)]
        text = " ".join(commands)
        for action in ACTIONS:
            if action.scope not in ("app", "triage") or action.id in ("app.quit", "app.command_palette"):
                continue
            assert action.palette, action
            assert f"{action.text} ({keys_shown(action, {})})" in text or not action.keys, action


async def test_every_binding_has_an_id_for_remapping():
    for cls in (ReaderApp, ArticleList, SearchBar):
        for binding in cls.BINDINGS:
            assert binding.id, binding


async def test_keys_typed_in_one_burst_after_slash_go_to_the_search(small_corpus, fake_preview):
    """A paste or a slow SSH link delivers '/robots' at once: it must all be search text."""
    from textual import events

    app = make(small_corpus, fake_preview)
    async with app.run_test(size=(100, 30)) as pilot:
        await loaded(pilot)
        lst = app.query_one(ArticleList)
        for ch in "/robots":
            lst.post_message(events.Key("slash" if ch == "/" else ch, ch))
        await wait_until(pilot, lambda: app.view.search == "robots")
        assert titles(app) == ["Alpha robots learn to walk"]
        assert app.view.topic is None  # 't' did not open topics


async def test_warm_start_from_the_index_applies_changes(small_corpus, fake_preview):
    """Second start reads the index first, then corrects it from the folder."""
    import os

    app = create_app(small_corpus, config=quiet_config(), preview_service=fake_preview,
                     use_index=True)
    async with app.run_test(size=(100, 30)) as pilot:
        await loaded(pilot)
        assert app.total == 6
    # Change one file, delete one, add one.
    changed = small_corpus / "a.md"
    changed.write_text(changed.read_text().replace("Alpha robots", "Alpha androids"))
    os.utime(changed, ns=(1, 1))  # a different mtime for sure
    (small_corpus / "c.md").unlink()
    (small_corpus / "new.md").write_text('---\ntitle: "Brand new"\n---\n')
    app2 = create_app(small_corpus, config=quiet_config(), preview_service=fake_preview,
                      use_index=True)
    async with app2.run_test(size=(100, 30)) as pilot:
        await loaded(pilot)
        names = sorted(titles(app2))
        assert "Alpha androids learn to walk" in names
        assert "Alpha robots learn to walk" not in names
        assert "Gamma rays from a quiet star" not in names
        assert "Brand new" in names
        assert len(names) == len(set(names)) == 6
        assert app2.problems == 1


async def test_zoom_gives_the_detail_the_screen_and_escape_returns(small_corpus, fake_preview):
    app = make(small_corpus, fake_preview)
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(pilot)
        detail_height = app.query_one("#detail").region.height
        await pilot.press("z")
        await pilot.pause()
        assert app.query_one("#list-pane").region.height == 0
        assert app.query_one("#detail").region.height > detail_height
        assert app.focused.id == "item-scroll"
        await pilot.press("escape")
        await pilot.pause()
        assert app.query_one("#list-pane").region.height > 0
        assert app.query_one(ArticleList).has_focus


async def test_enter_on_item_without_related_focuses_the_item_text(small_corpus, fake_preview):
    app = make(small_corpus, fake_preview)
    async with app.run_test(size=(80, 24)) as pilot:
        await loaded(pilot)
        app.query_one(ArticleList).move_to_id("sub/e.md")
        await wait_until(pilot, lambda: app.current_item.id == "sub/e.md")
        await pilot.press("enter")
        assert app.focused.id == "item-scroll"
        await pilot.press("escape")
        assert app.query_one(ArticleList).has_focus


async def test_new_sort_or_search_starts_at_the_top(small_corpus, fake_preview):
    app = make(small_corpus, fake_preview)
    async with app.run_test(size=(100, 30)) as pilot:
        await loaded(pilot)
        lst = app.query_one(ArticleList)
        await pilot.press("j", "j", "j")
        assert lst.cursor == 3
        await pilot.press("s")
        assert lst.cursor == 0
        assert lst.highlighted.title == "Alpha robots learn to walk"  # the hottest
        await pilot.press("j")
        await pilot.press("slash", "e")
        assert lst.cursor == 0


async def test_a_failing_worker_is_reported_not_fatal_and_never_markup(small_corpus, fake_preview,
                                                                       monkeypatch):
    import reader.ui.loading as loading_module

    def boom(*args, **kwargs):
        raise RuntimeError("[@click=app.quit]boom[/]")

    monkeypatch.setattr(loading_module, "load_into", boom)
    app = make(small_corpus, fake_preview)
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await wait_until(pilot, lambda: app._notifications)
        messages = [n.message for n in app._notifications]
        assert any("[@click=app.quit]boom[/]" in str(m) for m in messages)
        from textual.widgets._toast import Toast

        # The toast renders: literal text, no crash.
        await wait_until(pilot, lambda: list(app.screen.query(Toast)))
        toasts = list(app.screen.query(Toast))
        assert any("[@click=app.quit]boom[/]" in str(t.render()) for t in toasts)
        assert app.is_running


async def test_cold_load_with_the_process_pool_under_textual(tmp_path, fake_preview):
    """Textual swaps sys.stderr; starting a process pool must still work (or fall back)."""
    from tests.conftest import load_make_corpus

    mc = load_make_corpus()
    root = tmp_path / "big"
    mc.write_corpus(2600, root, 3, False)
    app = create_app(root, config=quiet_config(), preview_service=fake_preview, use_index=True)
    async with app.run_test(size=(100, 30)) as pilot:
        for _ in range(600):
            await pilot.pause(0.05)
            if app.progress is None and app.total == 2600:
                break
        assert app.total == 2600
        assert app.problems == 0
        assert not [n for n in app._notifications if n.severity == "error"]


class FakeClock:
    """Stands in for time.monotonic: time moves only when the test says so."""

    def __init__(self, now: float = 1000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


async def test_held_key_reads_the_detail_once_the_cursor_rests(small_corpus, fake_preview,
                                                               monkeypatch):
    from textual import events

    import reader.ui.detail_flow as detail_module

    reads: list[str] = []
    real = detail_module.load_item

    def counting(root, item_id):
        reads.append(item_id)
        return real(root, item_id)

    clock = FakeClock()
    app = make(small_corpus, fake_preview)
    app.clock = clock
    async with app.run_test(size=(100, 30)) as pilot:
        await loaded(pilot)
        monkeypatch.setattr(detail_module, "load_item", counting)
        lst = app.query_one(ArticleList)
        clock.advance(5)  # the user has been reading; then holds j over four rows
        for _ in range(4):
            app.post_message(events.Key("j", "j"))
            await pilot.pause()
        await wait_until(pilot, lambda: lst.cursor == 4)
        first = lst.rows[1].id
        await wait_until(pilot, lambda: reads == [first])  # the first step reads at once
        # The settle timer fires as often as it likes: by the clock the cursor has
        # not rested, so rows 2 and 3 (passed over) and row 4 are not read yet.
        for _ in range(10):
            await pilot.pause(0.02)
        assert reads == [first]
        clock.advance(1)  # the key is let go
        await wait_until(pilot, lambda: app.current_item.id == lst.highlighted.id)
        assert reads == [first, lst.highlighted.id]


async def test_a_slow_key_reads_every_row_at_once(small_corpus, fake_preview, monkeypatch):
    """Keys further apart than a held key's repeat: no waiting for the cursor to rest."""
    import reader.ui.detail_flow as detail_module

    reads: list[str] = []
    real = detail_module.load_item
    monkeypatch.setattr(detail_module, "load_item",
                        lambda root, item_id: reads.append(item_id) or real(root, item_id))
    clock = FakeClock()
    app = make(small_corpus, fake_preview)
    app.clock = clock
    async with app.run_test(size=(100, 30)) as pilot:
        await loaded(pilot)
        reads.clear()
        lst = app.query_one(ArticleList)
        for row in (1, 2, 3):
            clock.advance(1)
            await pilot.press("j")
            await wait_until(pilot, lambda row=row: app.current_item.id == lst.rows[row].id)
        assert reads == [lst.rows[1].id, lst.rows[2].id, lst.rows[3].id]
