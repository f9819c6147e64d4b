"""``reader view list|save|rename|delete``: the config file's [views], counted in a content directory."""

from __future__ import annotations

import json
import os
import tomllib
from pathlib import Path

from reader.cli import main
from reader.core.views import load_views


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def config() -> Path:
    return Path(os.environ["READER_CONFIG"])  # a temp file per test (conftest)


def test_list_shows_the_defaults_with_their_counts(capsys, small_corpus: Path) -> None:
    code, out, err = run(capsys, "view", "list", "--root", str(small_corpus))
    assert code == 0
    lines = out.splitlines()
    assert lines[0].split() == ["NAME", "COUNT", "SORT", "QUERY"]
    assert [line.split() for line in lines[1:]] == [
        ["Triage", "queue", "2", "heat", "is:unpublished"],  # b and c
        ["Unscored", "1", "-", "heat:unscored"],  # e
        ["Today", "0", "-", "date:today"],
    ]
    assert "the built-in views" in err
    assert not config().exists()  # listing writes nothing


def test_save_then_list_as_json_counts_the_new_view(capsys, small_corpus: Path) -> None:
    code, out, _ = run(capsys, "view", "save", "Hot AI", "topic:AI", "heat:>50", "--sort", "heat")
    assert (code, out) == (0, "saved view “Hot AI”: topic:AI heat:>50\n")
    code, out, _ = run(capsys, "view", "list", str(small_corpus), "--json")
    rows = [json.loads(line) for line in out.splitlines()]
    assert rows[-1] == {"name": "Hot AI", "query": "topic:AI heat:>50", "sort": "heat", "reverse": False,
                        "count": 2}  # a and f
    assert [r["name"] for r in rows] == ["Triage queue", "Unscored", "Today", "Hot AI"]


def test_a_query_starting_with_a_minus_goes_after_two_dashes(capsys) -> None:
    code, _, _ = run(capsys, "view", "save", "Not AI", "--", "-topic:AI")
    assert code == 0
    assert load_views().find("Not AI").query == "-topic:AI"


def test_save_refuses_a_query_with_an_error_and_writes_nothing(capsys) -> None:
    code, out, err = run(capsys, "view", "save", "Bad", "heat:>>5")
    assert (code, out) == (2, "")
    assert err == "reader: the query has an error: heat needs a number, at column 7\n"
    assert not config().exists()


def test_saving_a_name_again_says_what_it_replaced(capsys) -> None:
    run(capsys, "view", "save", "Mine", "topic:AI")
    code, out, _ = run(capsys, "view", "save", "Mine", "topic:Energy")
    assert (code, out) == (0, "replaced view “Mine” (it was: topic:AI)\n")


def test_delete_writes_the_remaining_defaults_and_says_what_was_deleted(capsys) -> None:
    code, out, _ = run(capsys, "view", "delete", "unscored")  # any case
    assert (code, out) == (0, "deleted view “Unscored” (its query was: heat:unscored)\n")
    assert list(tomllib.loads(config().read_text(encoding="utf-8"))["views"]) == ["Triage queue", "Today"]
    code, _, err = run(capsys, "view", "delete", "Unscored")
    assert (code, err) == (2, "reader: no view called 'Unscored'\n")


def test_rename_keeps_the_query_and_the_place(capsys) -> None:
    code, out, _ = run(capsys, "view", "rename", "Today", "Fresh")
    assert (code, out) == (0, "renamed view “Today” to “Fresh”\n")
    assert [v.name for v in load_views().views] == ["Triage queue", "Unscored", "Fresh"]
    code, _, err = run(capsys, "view", "rename", "Fresh", "Unscored")
    assert code == 2 and "already" in err


def test_a_bad_entry_is_one_warning_and_the_others_are_listed(capsys) -> None:
    config().write_text('[views]\nGood = "topic:AI"\nBad = "nope:1"\n', encoding="utf-8")
    code, out, err = run(capsys, "view", "list", "--no-counts")
    assert code == 0
    assert out.splitlines()[1].split() == ["Good", "-", "topic:AI"]
    assert err.splitlines() == [f"reader: {config()}: views.Bad: query: unknown field nope: (to search for text "
                                "with a colon, quote it), at column 1; view left out"]


def test_a_config_that_is_not_toml_is_never_overwritten(capsys) -> None:
    config().write_text("[views\n", encoding="utf-8")
    code, _, err = run(capsys, "view", "save", "Mine", "topic:AI")
    assert code == 2 and "not valid TOML" in err and "nothing was written" in err
    assert config().read_text(encoding="utf-8") == "[views\n"


def test_names_and_queries_are_printed_without_terminal_controls(capsys) -> None:
    config().write_text('[views]\n"Evil\\u001b[31m" = "robots"\n', encoding="utf-8")
    code, out, err = run(capsys, "view", "list", "--no-counts")
    assert code == 0 and "\x1b" not in out + err
