"""``reader list 'QUERY'``: the app's results in the app's order; exit 2 on a bad query."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from reader.cli import main
from reader.cli.common import load_entries
from reader.core.catalog import Catalog
from reader.core.query import Published, Query, SortKey
from reader.resources import sample_content_dir
from tests.conftest import load_make_corpus

QUERIES = [
    "",
    "heat:>50",
    "heat:20..60 -topic:AI",
    "quality:>=70 is:unpublished",
    "heat:unscored",
    "-has:heat",
    "topic:ai",
    'provider:"daily"',
    "after:2024-06 before:2025",
    "date:2025-01",
    "market -growth",
    '"in the" -"of the"',
    "is:unread heat:<30",
    "is:saved",
]


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("query-cli") / "content"
    load_make_corpus().write_corpus(400, root, 5, False)
    return root


def catalog_ids(root: Path, q: Query) -> list[str]:
    entries = load_entries(root, True).entries
    return [e.id for e in Catalog(entries).query(q)]


@pytest.mark.parametrize("text", QUERIES)
def test_list_gives_the_catalogs_results_in_its_order(capsys, corpus: Path, text: str) -> None:
    code, out, err = run(capsys, "list", str(corpus), "--ids", *(["--"] if text.startswith("-") else []), text)
    assert (code, err) == (0, "")
    assert out.splitlines() == catalog_ids(corpus, Query(search=text))


def test_every_sort_and_filter_with_a_query(capsys, corpus: Path) -> None:
    text = "heat:>=10 -topic:Policy"
    for key in SortKey:
        for reverse in (False, True):
            descending = key.default_descending != reverse
            flags = ["--sort", key.value] + (["--reverse"] if reverse else [])
            out = run(capsys, "list", str(corpus), text, "--ids", *flags)[1]
            assert out.splitlines() == catalog_ids(corpus, Query(sort=key, descending=descending, search=text))
    out = run(capsys, "list", str(corpus), text, "--ids", "--unpublished", "--topic", "AI")[1]
    assert out.splitlines() == catalog_ids(
        corpus, Query(topic="AI", published=Published.UNPUBLISHED, search=text))
    assert out  # not a vacuous comparison


def test_the_query_by_where_by_words_or_after_the_options(capsys, corpus: Path) -> None:
    expected = catalog_ids(corpus, Query(search="heat:>50 topic:AI"))
    assert expected
    for argv in (
        ["list", str(corpus), "heat:>50 topic:AI", "--ids"],
        ["list", str(corpus), "heat:>50", "topic:AI", "--ids"],  # words joined
        ["list", str(corpus), "--ids", "heat:>50 topic:AI"],  # after the options
        ["list", str(corpus), "--ids", "--sort", "date", "heat:>50", "topic:AI"],
        ["list", str(corpus), "--where", "heat:>50 topic:AI", "--ids"],
        ["list", str(corpus), "heat:>50", "--where", "topic:AI", "--ids"],  # both must match
        ["list", "--root", str(corpus), "heat:>50 topic:AI", "--ids"],
        ["list", "--ids", "--root", str(corpus), "--", "heat:>50", "topic:AI"],
    ):
        assert run(capsys, *argv) == (0, "\n".join(expected) + "\n", ""), argv


def test_a_negated_first_term_after_dashes_or_in_where(capsys, corpus: Path) -> None:
    expected = catalog_ids(corpus, Query(search="-topic:AI"))
    assert run(capsys, "list", str(corpus), "--ids", "--", "-topic:AI")[1].splitlines() == expected
    assert run(capsys, "list", str(corpus), "--ids", "--where=-topic:AI")[1].splitlines() == expected


def test_without_a_path_the_query_runs_on_the_default_content(capsys, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)  # nothing here is called heat:>5
    code, out, err = run(capsys, "list", "heat:>5", "--ids")
    assert (code, err) == (0, "")
    assert out.splitlines() == catalog_ids(sample_content_dir(), Query(search="heat:>5"))
    assert out.splitlines()


def test_a_first_word_that_names_a_directory_is_the_path(capsys, corpus: Path, monkeypatch) -> None:
    monkeypatch.chdir(corpus.parent)
    assert run(capsys, "list", "content", "--ids")[1].splitlines() == catalog_ids(corpus, Query())
    (corpus.parent / "odd:name").symlink_to(corpus)  # query-like, but on disk
    assert run(capsys, "list", "odd:name", "--ids")[1].splitlines() == catalog_ids(corpus, Query())
    for missing in ("./missing", "robots"):  # a path, or a plain word: a mistyped directory
        code, out, err = run(capsys, "list", missing, "heat:>5")
        assert (code, out) == (2, "") and err == f"reader: {missing.removeprefix('./')}: no such directory\n"
    code, out, err = run(capsys, "list", "robots care", "--ids")  # a blank: a query
    assert (code, err) == (0, "")
    assert out.splitlines() == catalog_ids(sample_content_dir(), Query(search="robots care")) != []


def test_search_stays_plain_words(capsys, corpus: Path, tmp_path: Path) -> None:
    from tests.conftest import write_item

    root = tmp_path / "plain"
    write_item(root, "a.md", title="Why heat:>50 is not a query here")
    write_item(root, "b.md", title="A story with heat", heat=90)
    assert run(capsys, "list", str(root), "--ids", "--search", "heat:>50")[1] == "a.md\n"
    assert run(capsys, "list", str(root), "--ids", "--search", "-5 \"quoted")[1] == ""
    assert run(capsys, "list", str(root), "--ids", "heat:>50")[1] == "b.md\n"
    assert run(capsys, "list", str(root), "--ids", "heat:>50", "--search", "story")[1] == "b.md\n"
    expected = catalog_ids(corpus, Query(search="robot market"))
    assert run(capsys, "list", str(corpus), "--ids", "--search", "robot market")[1].splitlines() == expected


@pytest.mark.parametrize(("argv", "message"), [
    (["heat:>abc"], "reader: heat needs a number, at column 7\n"),
    (["robots", "quality:>=x"], "reader: quality needs a number, at column 18\n"),
    (["--where", "is:new"], "reader: is: takes published, unpublished, read, unread or saved, at column 4\n"),
    (["heat:>5", "--where", '"open'], "reader: this quote is never closed, at column 1\n"),
    (["has:images"], "reader: has:images is not supported yet (the list does not know about images), at column 5\n"),
    (["sort:heat"], "reader: sort is not part of a query: press s in the list, or give --sort, at column 1\n"),
])
def test_a_malformed_query_prints_the_message_and_exits_2(capsys, corpus: Path, argv, message) -> None:
    assert run(capsys, "list", str(corpus), *argv) == (2, "", message)


def test_an_unknown_field_in_a_hostile_query_is_one_clean_line(capsys, corpus: Path) -> None:
    code, out, err = run(capsys, "list", str(corpus), "x" * 300 + ":y \x1b[2J")
    assert (code, out) == (2, "")
    assert len(err.splitlines()) == 1 and "\x1b" not in err and len(err) < 120


def test_python_dash_m_reader_exits_2_with_the_message(corpus: Path) -> None:
    import subprocess
    import sys

    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])}
    proc = subprocess.run([sys.executable, "-m", "reader", "list", str(corpus), "heat:>abc"],
                          capture_output=True, timeout=60, env=env)
    assert proc.returncode == 2 and proc.stdout == b""
    assert proc.stderr.decode() == "reader: heat needs a number, at column 7\n"
