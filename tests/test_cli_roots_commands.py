"""Every command over several content roots: ids found in any root, an id two
roots hold refused (or given with its label), edits in the root that holds the
item, the audit logs merged, config.toml's roots when none is given."""

from __future__ import annotations

import json
import shlex
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from reader.cli import main
from reader.core import audit
from reader.core.config import config_path
from tests.conftest import write_item

AMBIGUOUS = ("reader: 2024/05/a.md: in 2 content roots, one-site ({a}), two-site ({b}): give it with "
             "its root's label: one-site/2024/05/a.md or two-site/2024/05/a.md\n")


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def sites(tmp_path: Path) -> tuple[Path, Path]:
    """Two roots that both hold 2024/05/a.md; b.md is in the second only."""
    a, b = tmp_path / "one" / "site", tmp_path / "two" / "site"
    write_item(a, "2024/05/a.md", title="First root's", heat=10, topics=["AI"], published=False,
               webUrl="https://one.example.com/a")
    write_item(b, "2024/05/a.md", title="Second root's", heat=20, published=False,
               webUrl="https://two.example.com/a")
    write_item(b, "2024/05/b.md", title="Second root's other", heat=30, topics=["AI"], published=False,
               webUrl="https://two.example.com/b")
    return a, b


def roots_args(a: Path, b: Path) -> list[str]:
    return ["--root", str(a), "--root", str(b)]


def configure_roots(*paths: Path) -> None:
    path = config_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("roots = [" + ", ".join(f'"{p}"' for p in paths) + "]\n", encoding="utf-8")


def ambiguous(a: Path, b: Path) -> str:
    return AMBIGUOUS.format(a=a, b=b)


def one_line(code: int, out: str, err: str) -> str:
    """An error: one line on stderr, nothing on stdout, no traceback."""
    assert code != 0 and out == ""
    assert "Traceback" not in err and len(err.splitlines()) == 1 and err.startswith("reader: "), err
    return err


# -- show -------------------------------------------------------------------------------------------

def test_show_finds_an_item_in_any_root(capsys, sites) -> None:
    a, b = sites
    code, out, err = run(capsys, "show", "2024/05/b", str(a), str(b), "--json")  # a prefix, no label
    assert (code, err) == (0, "")
    assert json.loads(out)["title"] == "Second root's other"
    code, out, _ = run(capsys, "show", "one-site/2024/05/a.md", *roots_args(a, b), "--json")
    assert json.loads(out)["title"] == "First root's"
    code, out, _ = run(capsys, "show", "two-site/2024/05/a", str(a), str(b), "--json")  # a labelled prefix
    assert json.loads(out)["title"] == "Second root's"
    code, out, _ = run(capsys, "show", str(b / "2024/05/a.md"), str(a), str(b), "--json")  # a path to the file
    assert json.loads(out)["title"] == "Second root's"


def test_show_refuses_an_id_two_roots_hold_naming_both(capsys, sites) -> None:
    a, b = sites
    err = one_line(*run(capsys, "show", "2024/05/a.md", str(a), str(b)))
    assert err == ambiguous(a, b)
    assert one_line(*run(capsys, "show", "2024/05/a", str(a), str(b))) == ambiguous(a, b).replace(
        "reader: 2024/05/a.md:", "reader: 2024/05/a:")


def test_an_unknown_id_is_one_line(capsys, sites) -> None:
    a, b = sites
    for argv in (["show", "nope.md", str(a), str(b)], ["show", "one-site/nope.md", str(a), str(b)],
                 ["publish", "nope.md", *roots_args(a, b)], ["mark", "--read", "nope.md", *roots_args(a, b)],
                 ["preview", "--item", "nope.md", str(a), str(b)]):
        err = one_line(*run(capsys, *argv))
        assert "nope.md" in err and ("no such item" in err or "No such file" in err), (argv, err)


# -- publish, unpublish, tag ------------------------------------------------------------------------

def test_publish_edits_the_file_in_the_root_that_holds_it(capsys, sites) -> None:
    a, b = sites
    before_a = (a / "2024/05/a.md").read_bytes()
    code, out, err = run(capsys, "publish", "2024/05/b", "two-site/2024/05/a.md", *roots_args(a, b))
    assert (code, err) == (0, "")
    assert out.splitlines() == ["published: two-site/2024/05/b.md (was unpublished)",
                                "published: two-site/2024/05/a.md (was unpublished)"]
    assert (a / "2024/05/a.md").read_bytes() == before_a  # the other root's a.md is untouched
    assert "published: true" in (b / "2024/05/a.md").read_text()
    assert not audit.audit_path(a).exists()  # recorded in the second root's log only
    assert [r.item for r in audit.AuditReader(b)] == ["2024/05/b.md", "2024/05/a.md"]


def test_unpublish_and_tag_take_ids_from_list_over_both_roots(capsys, monkeypatch, sites) -> None:
    import io

    a, b = sites
    run(capsys, "publish", "one-site/2024/05/a.md", "2024/05/b.md", *roots_args(a, b))
    code, out, _ = run(capsys, "list", str(a), str(b), "--published", "--ids")
    assert out.split() == ["one-site/2024/05/a.md", "two-site/2024/05/b.md"]
    monkeypatch.setattr(sys, "stdin", io.StringIO(out))
    code, out, err = run(capsys, "unpublish", "-", *roots_args(a, b), "--json")
    assert (code, err) == (0, "")
    assert [(r["id"], r["status"]) for r in map(json.loads, out.splitlines())] == [
        ("one-site/2024/05/a.md", "changed"), ("two-site/2024/05/b.md", "changed")]
    code, out, err = run(capsys, "tag", "one-site/2024/05/a.md", "--add", "Space", "--remove", "AI",
                         *roots_args(a, b))
    assert (code, err) == (0, "")
    assert out == "tagged: one-site/2024/05/a.md +Space -AI (topics: Space)\n"
    assert "Space" in (a / "2024/05/a.md").read_text() and "Space" not in (b / "2024/05/a.md").read_text()


def test_an_id_two_roots_hold_is_not_edited_and_the_batch_goes_on(capsys, sites) -> None:
    a, b = sites
    before = ((a / "2024/05/a.md").read_bytes(), (b / "2024/05/a.md").read_bytes())
    code, out, err = run(capsys, "publish", "2024/05/a.md", "2024/05/b.md", *roots_args(a, b))
    assert code == 1
    assert out == "published: two-site/2024/05/b.md (was unpublished)\n"
    assert err.splitlines() == [ambiguous(a, b).rstrip("\n"), "reader: 1 of 2 items failed"]
    assert ((a / "2024/05/a.md").read_bytes(), (b / "2024/05/a.md").read_bytes()) == before
    code, out, err = run(capsys, "tag", "2024/05/a.md", "--add", "X", *roots_args(a, b))
    assert (code, out) == (1, "") and err == ambiguous(a, b)


def test_editing_without_root_edits_config_roots(capsys, sites) -> None:
    a, b = sites
    configure_roots(a, b)
    code, out, err = run(capsys, "publish", "2024/05/b")
    assert (code, err) == (0, "")
    assert out == "published: two-site/2024/05/b.md (was unpublished)\n"


# -- mark -----------------------------------------------------------------------------------------------

def test_mark_finds_items_in_any_root(capsys, sites) -> None:
    a, b = sites
    code, out, err = run(capsys, "mark", "--read", "--saved", "2024/05/b", "one-site/2024/05/a.md",
                         *roots_args(a, b))
    assert (code, err) == (0, "")
    assert out.splitlines() == ["read, saved: two-site/2024/05/b.md", "read, saved: one-site/2024/05/a.md"]
    code, out, _ = run(capsys, "list", str(a), str(b), "--unread", "--ids")
    assert out.split() == ["two-site/2024/05/a.md"]
    code, out, err = run(capsys, "mark", "--unread", "2024/05/a.md", *roots_args(a, b))
    assert (code, out) == (1, "") and err == ambiguous(a, b)


# -- log ---------------------------------------------------------------------------------------------------

def test_log_merges_the_roots_logs_in_time_order_with_labels(capsys, sites) -> None:
    a, b = sites

    def at(root: Path, item: str, minute: int) -> None:
        audit.append(root, item, "published", False, True, user="ed", host="desk",
                     now=datetime(2024, 5, 1, 9, minute, tzinfo=UTC))

    at(a, "2024/05/a.md", 1)
    at(b, "2024/05/b.md", 0)
    at(b, "2024/05/a.md", 2)
    code, out, err = run(capsys, "log", str(a), str(b))
    assert (code, err) == (0, "")
    assert out.splitlines() == [
        "2024-05-01T09:00:00Z  ed@desk  two-site/2024/05/b.md  published: false → true",
        "2024-05-01T09:01:00Z  ed@desk  one-site/2024/05/a.md  published: false → true",
        "2024-05-01T09:02:00Z  ed@desk  two-site/2024/05/a.md  published: false → true",
    ]
    code, out, _ = run(capsys, "log", *roots_args(a, b), "--json", "--since", "2024-05-01T09:01")
    assert [json.loads(line)["id"] for line in out.splitlines()] == ["one-site/2024/05/a.md",
                                                                      "two-site/2024/05/a.md"]
    code, out, _ = run(capsys, "log", str(b))  # one root: its ids as they are
    assert out.splitlines()[0] == "2024-05-01T09:00:00Z  ed@desk  2024/05/b.md  published: false → true"


def test_log_of_roots_without_edits_is_a_note(capsys, sites) -> None:
    a, b = sites
    code, out, err = run(capsys, "log", str(a), str(b))
    assert (code, out) == (0, "")
    assert err == "reader: no edits recorded yet (no .reader/audit.jsonl in any of the 2 content directories)\n"


def test_edits_over_two_roots_show_up_in_the_merged_log(capsys, sites) -> None:
    a, b = sites
    configure_roots(a, b)
    run(capsys, "publish", "one-site/2024/05/a.md")
    run(capsys, "publish", "two-site/2024/05/b.md")
    _code, out, _ = run(capsys, "log")  # config.toml's roots
    assert [line.split("  ")[2] for line in out.splitlines()] == ["one-site/2024/05/a.md", "two-site/2024/05/b.md"]


# -- preview --item, view, list and check from config, serve -------------------------------------------------

def test_preview_item_finds_the_item_in_any_root(capsys, monkeypatch, sites) -> None:
    import reader.preview.cli as preview_cli

    a, b = sites
    asked: list[tuple[str | None, str]] = []

    def no_links(path, item_id):
        asked.append((path, item_id))
        return []

    monkeypatch.setattr(preview_cli, "urls_for_item", no_links)
    code, _, err = run(capsys, "preview", "--item", "2024/05/b", str(a), str(b))
    assert code == 1 and err == "reader: item two-site/2024/05/b.md has no link to preview\n"
    assert asked == [(str(b), "2024/05/b.md")]  # read in its own root
    run(capsys, "preview", "--item", "one-site/2024/05/a.md", *roots_args(a, b))
    assert asked[-1] == (str(a), "2024/05/a.md")
    err = one_line(*run(capsys, "preview", "--item", "2024/05/a.md", str(a), str(b)))
    assert err == ambiguous(a, b)
    err = one_line(*run(capsys, "preview", "https://example.com/", "https://example.org/"))
    assert err == "reader: preview takes one URL (several PATHs go with --item ID)\n"


def test_view_show_and_list_run_over_every_root(capsys, sites) -> None:
    a, b = sites
    assert run(capsys, "view", "save", "AI", "topic:AI", "--sort", "heat")[0] == 0
    code, out, err = run(capsys, "view", "show", "ai", str(a), str(b), "--ids")  # any case
    assert (code, err) == (0, "")
    assert out.split() == ["two-site/2024/05/b.md", "one-site/2024/05/a.md"]
    code, out, _ = run(capsys, "view", "list", "--root", str(a), "--root", str(b), "--json")
    assert {v["name"]: v["count"] for v in map(json.loads, out.splitlines())}["AI"] == 2
    err = one_line(*run(capsys, "view", "show", "Nope", str(a), str(b)))
    assert err == "reader: no saved view called “Nope” (reader view list: the views)\n"


def test_reading_commands_take_config_roots_when_none_is_given(capsys, sites) -> None:
    a, b = sites
    configure_roots(a, b)
    code, out, _ = run(capsys, "list", "--ids", "--sort", "heat")
    assert out.split() == ["two-site/2024/05/b.md", "two-site/2024/05/a.md", "one-site/2024/05/a.md"]
    code, out, _ = run(capsys, "check")
    assert (code, out.splitlines()[0]) == (0, "3 items loaded, 0 files could not be read")
    code, out, _ = run(capsys, "show", "one-site/2024/05/a.md", "--json")
    assert json.loads(out)["title"] == "First root's"
    code, out, _ = run(capsys, "list", str(a), "--ids")  # a PATH given wins
    assert out == "2024/05/a.md\n"


def test_serve_runs_the_app_on_every_root(sites) -> None:
    from reader.cli.serve import app_command

    a, b = sites
    assert shlex.split(app_command([a, b])) == [sys.executable, "-m", "reader", str(a.resolve()), str(b.resolve())]
