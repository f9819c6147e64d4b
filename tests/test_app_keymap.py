"""Pilot tests: config.toml's [keys] remaps an action everywhere it shows (the
key itself, the footer, the help screen, the palette); a bad config is one
message per problem and the app starts anyway."""

from __future__ import annotations

from pathlib import Path

from textual.command import CommandPalette
from textual.widgets import Static
from textual.widgets._footer import FooterKey

from reader.core.config import load_config
from reader.core.query import SortKey
from reader.ui.app import ReaderApp, create_app
from reader.ui.screens.help_screen import HelpScreen
from tests.conftest import wait_loaded, wait_until
from tests.test_app_triage import desk, ids, settled


def app_with(root: Path, tmp_path: Path, toml: str) -> tuple[ReaderApp, Path]:
    path = tmp_path / "config.toml"
    path.write_text(toml + "\n[preview]\nenabled = false\n", encoding="utf-8")
    return create_app(root, config=load_config(path), use_index=False), path


def palette_help(app: ReaderApp) -> dict[str, str]:
    return {c.title: c.help for c in app.get_system_commands(app.screen)}


async def test_a_remapped_key_works_the_old_one_does_not_and_help_and_palette_show_it(
        tmp_path: Path) -> None:
    app, _ = app_with(desk(tmp_path), tmp_path, '[keys]\nsort = "f5"')
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await wait_loaded(pilot)
        assert not app._notifications
        start = app.view.sort
        await pilot.press("s")
        await pilot.pause()
        assert app.view.sort is start  # the old key does nothing now
        await pilot.press("f5")
        await wait_until(pilot, lambda: app.view.sort is start.next())
        assert palette_help(app)["Next sort key"].endswith("(f5)")
        await pilot.press("question_mark")
        await wait_until(pilot, lambda: isinstance(app.screen, HelpScreen))
        text = str(app.screen.query_one("#help-body Static", Static).render())
        line = next(li for li in text.splitlines() if "Next sort key" in li)
        assert line.split()[0] == "f5", line
        assert not any(li.split()[0] == "s" for li in text.splitlines() if li.strip()), text


async def test_a_remapped_desk_key_shows_in_the_footer_and_publishes(tmp_path: Path) -> None:
    app, _ = app_with(desk(tmp_path), tmp_path, '[keys]\n"triage.publish" = "ctrl+o"')
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_loaded(pilot)
        await pilot.press("i")  # the triage queue: the desk keys lead the footer
        await wait_until(pilot, lambda: any(k.key == "ctrl+o" for k in app.query(FooterKey)))
        assert not any(k.key == "P" for k in app.query(FooterKey))
        before = ids(app)
        await pilot.press("P")
        await settled(pilot)
        assert ids(app) == before
        await pilot.press("ctrl+o")
        await settled(pilot)
        assert ids(app) == before[1:]  # published: out of the queue
        assert palette_help(app)["Publish"].endswith("(ctrl+o)")


async def test_the_palette_key_can_move_and_a_clash_keeps_the_default(tmp_path: Path) -> None:
    app, path = app_with(desk(tmp_path), tmp_path,
                         '[keys]\ncommand_palette = "f2"\nunpublish = "f2"')
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await wait_loaded(pilot)
        warnings = [str(n.message) for n in app._notifications]
        assert warnings == [f"{path}: keys.unpublish: f2 is already the key of "
                            "app.command_palette; using the default"]
        await pilot.press("f2")
        await wait_until(pilot, lambda: isinstance(app.screen, CommandPalette))
        assert palette_help(app)["Unpublish"].endswith("(U)")


async def test_an_invalid_config_is_one_message_per_problem_and_the_app_starts(
        tmp_path: Path) -> None:
    app, path = app_with(desk(tmp_path), tmp_path, "\n".join([
        'colums = ["title"]',
        'columns = ["title", "heta"]',
        'time_zone = "Mars/Olympus"',
        "[keys]",
        'pubish = "ctrl+o"',
        'sort = "ctrl+shfit+x"',
        "[views]",  # the saved views' table: no warning
        'mine = "topic:AI"',
    ]))
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await wait_loaded(pilot)
        warnings = [str(n.message) for n in app._notifications if n.severity == "warning"]
        assert warnings == [
            f"{path}: colums: unknown setting; did you mean 'columns'?",
            f"{path}: time_zone: unknown time zone 'Mars/Olympus' (UTC, local, or a name such as "
            "Europe/Berlin); using the default",
            f"{path}: columns: unknown column 'heta'; did you mean 'heat'? (one of title, "
            "provider, date, heat, quality); using the default",
            f"{path}: keys.pubish: no action called 'pubish'; did you mean 'publish'? "
            "(`reader keys` lists them); using the default",
            f"{path}: keys.sort: 'ctrl+shfit+x': unknown modifier 'shfit' (one of ctrl, shift, "
            "alt, meta, super, hyper); using the default",
        ]
        # The defaults stand in for the bad values.
        start = app.view.sort
        await pilot.press("s")
        await wait_until(pilot, lambda: app.view.sort is start.next())
        assert app.list_style.columns == ("title", "provider", "date", "heat", "quality")
        assert SortKey.HEAT.value in app.list_style.columns


async def test_the_list_and_detail_show_dates_and_columns_as_configured(tmp_path: Path) -> None:
    app, _ = app_with(desk(tmp_path), tmp_path,
                      'date_format = "%d.%m.%Y"\ntime_zone = "Pacific/Kiritimati"\ncolumns = ["date"]')
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_loaded(pilot)
        header = str(app.query_one("#columns").render())
        assert header.split() == ["Title", "Date▼"]
        from reader.ui.widgets.article_list import ArticleList

        first = app.query_one(ArticleList).render_line(0).text
        # The newest item, 2025-01-05T10:00Z: already the next day at UTC+14.
        assert first.rstrip().endswith("06.01.2025"), first
        detail = str(app.query_one("#item-view", Static).render())
        assert "06.01.2025 00:00 +14" in detail


def test_reader_list_shows_dates_as_configured(tmp_path: Path, capsys) -> None:
    import os

    from reader.cli import main

    config = Path(os.environ["READER_CONFIG"])
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text('date_format = "%d %B %Y"\n', encoding="utf-8")
    assert main(["list", str(desk(tmp_path)), "--sort", "date", "--reverse"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[1].startswith("01 January 2025   ")
