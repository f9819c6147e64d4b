"""The action table and [keys]: ids are unique, each scope is bound, and a
[keys] table becomes a Textual keymap or one problem per bad entry."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from reader.core.actions import ACTIONS, BY_ID, SCOPES
from reader.core.config import COLUMNS
from reader.core.dates import DateStyle, check_format
from reader.core.keymap import KeyProblem, key_text, normalize_key, resolve
from reader.core.query import SortKey
from reader.ui.columns import ListStyle, layout


def test_ids_are_unique_and_every_action_has_a_known_scope() -> None:
    assert len(BY_ID) == len(ACTIONS)
    assert {a.scope for a in ACTIONS} <= set(SCOPES)
    for action in ACTIONS:
        for key in action.key_list:
            assert normalize_key(key) == key, action  # written as Textual names them


def test_the_default_keys_do_not_clash() -> None:
    assert resolve({}) == ({}, [])


@pytest.mark.parametrize(("written", "key"), [
    ("?", "question_mark"), ("Ctrl+O", "ctrl+o"), ("+", "plus"), ("-", "minus"), ("/", "slash"),
    ("F5", "f5"), ("P", "P"), ("PageDown", "pagedown"), ("alt+shift+x", "alt+shift+x"),
])
def test_keys_are_normalised_as_textual_names_them(written: str, key: str) -> None:
    assert normalize_key(written) == key


@pytest.mark.parametrize("written", ["", "escap", "ctrl+", "cmd+x", "return key"])
def test_what_is_not_a_key_is_refused(written: str) -> None:
    with pytest.raises(ValueError):
        normalize_key(written)


def test_an_action_is_named_by_its_id_its_last_part_or_a_dotted_table() -> None:
    keymap, problems = resolve({"publish": "ctrl+o", "app.search": ["slash", "f3"],
                                "triage": {"undo": "ctrl+u"}})
    assert problems == []
    assert keymap == {"triage.publish": "ctrl+o", "triage.publish.footer": "ctrl+o",
                      "app.search": "slash,f3",
                      "triage.undo": "ctrl+u", "triage.undo.footer": "ctrl+u"}


def test_each_bad_entry_is_one_problem_and_keeps_its_default() -> None:
    keymap, problems = resolve({"pubish": "x", "down": "n", "zoom": 3, "quit": [],
                                "search": "j", "topics": "ctrl+zz"})
    assert keymap == {}
    assert [p.key for p in problems] == ["keys.pubish", "keys.down", "keys.zoom", "keys.quit",
                                         "keys.topics", "keys.search"]
    assert "did you mean 'publish'?" in problems[0].reason
    assert "list.down, scroll.down" in problems[1].reason
    assert problems[5] == KeyProblem("keys.search", "j is already the key of list.down")


def test_a_palette_only_action_takes_no_key_for_now() -> None:
    assert resolve({"sort_by_heat": "h"}) == ({}, [KeyProblem(
        "keys.sort_by_heat", "app.sort_by_heat is reached from the command palette only")])


def test_two_actions_may_swap_keys_and_the_later_of_two_clashing_entries_goes() -> None:
    keymap, problems = resolve({"sort": "S", "reverse": "s"})
    assert problems == [] and keymap == {"app.sort": "S", "app.reverse": "s"}
    keymap, problems = resolve({"zoom": "f2", "refetch": "f2"})
    assert keymap == {"app.zoom": "f2"}
    assert problems == [KeyProblem("keys.refetch", "f2 is already the key of app.zoom")]


def test_keys_in_other_screens_do_not_clash() -> None:
    # q closes the help; in the list it would be a clash with app.quit.
    assert resolve({"help.close": "z"}) == ({"help.close": "z"}, [])
    assert resolve({"topic.complete": "j"}) == ({"topic.complete": "j"}, [])


def test_key_text_is_how_users_write_keys() -> None:
    assert [key_text(k) for k in ("question_mark", "ctrl+z", "plus", "space")] == [
        "?", "ctrl+z", "+", "space"]


def test_columns_are_the_sort_keys() -> None:
    assert set(COLUMNS) == {key.value for key in SortKey}


def test_the_list_shows_only_the_configured_columns_and_the_dates_width() -> None:
    style = ListStyle(("title", "date"), DateStyle.of("%d %b %Y", "UTC"))
    cols = layout(80, style)
    assert [c.label for c in cols] == ["", "", "", "Title", "Date"]
    assert cols[-1].width == len("31 Dec 2025") and cols[-1].start + cols[-1].width == 80
    assert [c.label for c in layout(80)] == ["", "", "", "Title", "Provider", "Date", "Heat", "Qual"]


def test_dates_show_in_the_users_zone_but_a_bare_day_stays_that_day() -> None:
    berlin = DateStyle.of("%d.%m.%Y", "Europe/Berlin")
    late = datetime(2025, 1, 31, 23, 30, tzinfo=UTC)
    assert berlin.day(late) == "01.02.2025"
    assert berlin.moment(late) == "01.02.2025 00:30 CET"
    new_york = DateStyle.of("%Y-%m-%d", "America/New_York")
    assert new_york.day(datetime(2025, 1, 31, tzinfo=UTC)) == "2025-01-31"


@pytest.mark.parametrize("fmt", ["", "no date here", "%Y" * 10])
def test_a_date_format_that_shows_no_date_or_too_much_is_refused(fmt: str) -> None:
    with pytest.raises(ValueError):
        check_format(fmt)
