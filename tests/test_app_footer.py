"""The footer in a short line: whole keys only, the least important dropped
first, Help kept; a resize shows what fits at the new width."""

from __future__ import annotations

from textual.widgets._footer import FooterKey

from reader.ui.app import ReaderApp, create_app
from reader.ui.widgets.key_footer import fit, in_table_order
from tests.conftest import quiet_config, wait_loaded, wait_until


def make(root) -> ReaderApp:
    return create_app(root, config=quiet_config(enabled=False), use_index=False)


def labels(app: ReaderApp) -> list[str]:
    return [k.description for k in app.screen.query(FooterKey) if not k.has_class("-command-palette")]


def cells(app: ReaderApp) -> int:
    """The cells the keys take, with the palette key and its border."""
    return sum(k.outer_size.width for k in app.screen.query(FooterKey)) + 1


def test_fit_drops_the_lowest_rank_first_from_the_right_and_never_rank_two() -> None:
    widths, ranks = [5, 5, 5, 5, 5], [2, 0, 1, 0, 1]
    assert fit(widths, ranks, 25) == [0, 1, 2, 3, 4]
    assert fit(widths, ranks, 20) == [0, 1, 2, 4]  # the rightmost rank-0 key goes first
    assert fit(widths, ranks, 15) == [0, 2, 4]
    assert fit(widths, ranks, 10) == [0, 2]  # then rank 1, from the right
    assert fit(widths, ranks, 1) == [0]  # Help (rank 2) stays


async def test_at_80_columns_the_footer_shows_whole_keys_with_help(small_corpus) -> None:
    app = make(small_corpus)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_loaded(pilot)
        await wait_until(pilot, lambda: "Help" in labels(app))
        await pilot.pause()
        shown = labels(app)
        assert shown[:3] == ["Help", "Quit", "Search"] and "Next unread" in shown
        assert "List only" not in shown  # dropped before the essential keys
        assert cells(app) <= 80  # nothing cut at the edge
        await pilot.resize_terminal(160, 24)
        await wait_until(pilot, lambda: "List only" in labels(app))
        assert labels(app)[-1] == "Next unread"


async def test_at_the_desk_the_triage_keys_and_help_fit(small_corpus) -> None:
    app = make(small_corpus)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_loaded(pilot)
        await pilot.press("u")  # the triage queue
        await wait_until(pilot, lambda: "Publish" in labels(app))
        await pilot.pause()
        shown = labels(app)
        assert {"Mark", "Publish", "Unpublish", "Undo", "Help"} <= set(shown)
        assert cells(app) <= 80


def test_a_remapped_app_key_goes_back_to_its_place_in_the_table_order() -> None:
    """Textual puts a key remapped in config.toml after the others; the footer
    shows it where the table has it. The focused widget's keys stay first."""
    publish, undo = "desk(\"triage('publish')\")", "desk(\"triage('undo')\")"
    actions = ["desk('toggle_mark')", undo, "help", "quit", publish]
    assert [actions[i] for i in in_table_order(actions)] == \
        ["desk('toggle_mark')", publish, undo, "help", "quit"]
    assert in_table_order(["clear", "help", "quit"]) == [0, 1, 2]
