"""``reader list|show|check``: output, exit codes, and one-line errors."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from reader.cli import main

REPO = Path(__file__).resolve().parents[1]

ITEMS = {
    "a.md": """---
category: news
title: "Alpha robots learn to walk"
excerpt: "Robots &amp; walking"
publishedDateTime: 2025-01-05T10:00:00Z
originalUrl: "https://gazette.example.com/alpha-original"
webUrl: "https://gazette.example.com/alpha"
type: article
quality: 40
heat: 90
published: true
provider:
  name: Gazette
  domain: gazette.example.com
topics:
  - Robotics
  - AI
images:
  - url: "https://img.example.com/a.jpg"
    width: 100
    height: 50
related:
  - title: "Beta batteries"
    webUrl: "https://herald.example.org/beta"
author: Ada
secured: "tok/en+=="
---
A body paragraph.
""",
    "b.md": """---
title: "Beta batteries store more"
publishedDateTime: 2025-03-01T10:00:00Z
webUrl: "https://herald.example.org/beta"
quality: 95
heat: 10
published: false
provider: Herald
topics: Energy
---
""",
    "sub/c.txt": """---
title: "Gamma rays from a quiet star"
publishedDateTime: 2024-12-24T10:00:00+02:00
quality: 70
heat: 50
published: no
provider:
  name: Orbital Desk
topics: [Space, AI]
---
""",
    "d.md": """---
title: "Delta \\e[31m escapes"
publishedDateTime: 2025-02-01
heat: -1
provider: Courier
topics: [AI]
---
""",
    "README.md": "# not an item\n",
}
BAD = {"broken.md": "---\ntitle: [unclosed\n---\n"}


def build(root: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    return build(tmp_path / "content", ITEMS)


@pytest.fixture
def bad_corpus(tmp_path: Path) -> Path:
    return build(tmp_path / "content", {**ITEMS, **BAD})


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def json_lines(out: str) -> list[dict]:
    return [json.loads(line) for line in out.splitlines() if line.strip()]


def list_ids(capsys, corpus: Path, *args: str) -> list[str]:
    code, out, err = run(capsys, "list", str(corpus), "--json", *args)
    assert code == 0, err
    return [row["id"] for row in json_lines(out)]


def assert_one_line_error(code: int, out: str, err: str) -> None:
    assert code != 0
    assert "Traceback" not in err and "Traceback" not in out
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("reader: ")


# -- list ------------------------------------------------------------------------------

def test_list_table_is_newest_first_with_a_header(capsys, corpus: Path) -> None:
    code, out, err = run(capsys, "list", str(corpus))
    assert code == 0 and err == ""
    lines = out.splitlines()
    assert lines[0].split()[:3] == ["DATE", "HEAT", "QUAL"]
    titles = ["Beta batteries", "Delta", "Alpha robots", "Gamma rays"]
    positions = [next(i for i, line in enumerate(lines) if t in line) for t in titles]
    assert positions == sorted(positions) and len(lines) == 5
    beta = next(line for line in lines if "Beta" in line)
    assert beta.startswith("2025-03-01") and " U " in beta  # unpublished mark
    assert "\x1b" not in out


def test_list_sort_and_reverse(capsys, corpus: Path) -> None:
    assert list_ids(capsys, corpus, "--sort", "heat") == ["a.md", "sub/c.txt", "b.md", "d.md"]
    assert list_ids(capsys, corpus, "--sort", "heat", "--reverse") == [
        "b.md", "sub/c.txt", "a.md", "d.md"]  # unscored heat stays last
    assert list_ids(capsys, corpus, "--sort", "quality") == ["b.md", "sub/c.txt", "a.md", "d.md"]
    assert list_ids(capsys, corpus, "--sort", "title") == ["a.md", "b.md", "d.md", "sub/c.txt"]
    assert list_ids(capsys, corpus, "--sort", "title", "--reverse") == [
        "sub/c.txt", "d.md", "b.md", "a.md"]
    assert list_ids(capsys, corpus, "--sort", "provider") == ["d.md", "a.md", "b.md", "sub/c.txt"]
    assert list_ids(capsys, corpus, "--sort", "date", "--reverse") == [
        "sub/c.txt", "a.md", "d.md", "b.md"]


def test_list_filters(capsys, corpus: Path) -> None:
    assert list_ids(capsys, corpus, "--topic", "AI") == ["d.md", "a.md", "sub/c.txt"]
    assert list_ids(capsys, corpus, "--topic", "Energy") == ["b.md"]
    assert list_ids(capsys, corpus, "--unpublished") == ["b.md", "sub/c.txt"]
    assert list_ids(capsys, corpus, "--published") == ["d.md", "a.md"]
    assert list_ids(capsys, corpus, "--search", "ROBOT") == ["a.md"]
    assert list_ids(capsys, corpus, "--search", "herald energy") == ["b.md"]
    assert list_ids(capsys, corpus, "--search", "walking") == ["a.md"]
    assert list_ids(capsys, corpus, "--topic", "AI", "--unpublished") == ["sub/c.txt"]
    assert list_ids(capsys, corpus, "--sort", "heat", "--limit", "2") == ["a.md", "sub/c.txt"]
    assert list_ids(capsys, corpus, "--limit", "0") == []


def test_list_published_flags_are_exclusive(capsys, corpus: Path) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["list", str(corpus), "--published", "--unpublished"])
    assert exc.value.code != 0
    assert "Traceback" not in capsys.readouterr().err


def test_list_json_values(capsys, corpus: Path) -> None:
    _code, out, _ = run(capsys, "list", str(corpus), "--json", "--sort", "title")
    rows = {row["id"]: row for row in json_lines(out)}
    a = rows["a.md"]
    assert a["title"] == "Alpha robots learn to walk"
    assert a["excerpt"] == "Robots & walking"
    assert a["published_at"] == "2025-01-05T10:00:00Z"
    assert (a["heat"], a["quality"], a["published"]) == (90, 40, True)
    assert a["topics"] == ["Robotics", "AI"]
    assert rows["sub/c.txt"]["published_at"] == "2024-12-24T08:00:00Z"
    assert rows["sub/c.txt"]["published"] is False
    d = rows["d.md"]
    assert d["heat"] is None and d["heat_unscored"] is True
    assert "\x1b" not in d["title"] and "\u241b" in d["title"]
    assert "search_text" not in a


def test_list_json_has_every_normalised_field(capsys, corpus: Path) -> None:
    # The issue and `reader list --help` promise "JSON lines with every normalised field".
    _code, out, _ = run(capsys, "list", str(corpus), "--json", "--search", "alpha")
    (row,) = json_lines(out)
    expected = {
        "id", "title", "excerpt", "published_at", "original_url", "web_url", "type",
        "category", "quality", "heat", "heat_unscored", "published", "provider", "topics",
        "images", "related", "extra",
    }
    assert expected <= set(row), sorted(expected - set(row))
    assert row["category"] == "news"
    assert row["original_url"] == "https://gazette.example.com/alpha-original"
    assert row["extra"] == {"author": "Ada"}


def test_list_reports_bad_files_on_stderr_but_succeeds(capsys, bad_corpus: Path) -> None:
    code, out, err = run(capsys, "list", str(bad_corpus), "--json")
    assert code == 0
    assert len(json_lines(out)) == 4
    assert err.strip().splitlines() == [err.strip()]
    assert "broken.md" in err


# -- show ---------------------------------------------------------------------------------

def test_show_text(capsys, corpus: Path) -> None:
    code, out, err = run(capsys, "show", "a.md", str(corpus))
    assert code == 0 and err == ""
    assert out.startswith("Alpha robots learn to walk\n")
    for fragment in ("Provider:  Gazette (gazette.example.com)", "2025-01-05 10:00 UTC",
                     "Robotics, AI", "Robots & walking", "webUrl: https://gazette.example.com/alpha",
                     "A body paragraph.", "Beta batteries", "author: Ada", "Published: published"):
        assert fragment in out, fragment
    assert "tok/en+==" in out  # short token shown via its preview


def test_show_text_nested_id_and_unscored(capsys, corpus: Path) -> None:
    code, out, _ = run(capsys, "show", "d.md", str(corpus))
    assert code == 0 and "not scored" in out and "\x1b" not in out
    code, out, _ = run(capsys, "show", "sub/c.txt", str(corpus))
    assert code == 0 and "Published: unpublished" in out


def test_show_json(capsys, corpus: Path) -> None:
    code, out, err = run(capsys, "show", "a.md", str(corpus), "--json")
    assert code == 0 and err == ""
    data = json.loads(out)
    assert data["id"] == "a.md"
    assert data["provider"] == {"name": "Gazette", "domain": "gazette.example.com", "images": []}
    assert data["secured"] == "tok/en+=="
    assert data["extra"] == {"author": "Ada"}
    assert data["related"][0]["title"] == "Beta batteries"
    assert data["images"][0]["width"] == 100
    assert data["unpublished"] is False and data["published"] is True
    assert data["body"] == "A body paragraph."
    b = json.loads(run(capsys, "show", "b.md", str(corpus), "--json")[1])
    assert b["unpublished"] is True and b["provider"]["name"] == "Herald"


# -- check --------------------------------------------------------------------------------

def test_check_clean_exits_0(capsys, corpus: Path) -> None:
    code, out, _ = run(capsys, "check", str(corpus))
    assert code == 0
    assert out.startswith("4 items loaded, 0 files could not be read")
    assert "1 files without front matter skipped" in out


def test_check_bad_exits_1_and_names_the_file(capsys, bad_corpus: Path) -> None:
    code, out, _ = run(capsys, "check", str(bad_corpus))
    assert code == 1
    assert "1 files could not be read" in out
    assert any(line.startswith("broken.md: bad YAML") for line in out.splitlines())


def test_check_json(capsys, bad_corpus: Path) -> None:
    code, out, _ = run(capsys, "check", str(bad_corpus), "--json")
    data = json.loads(out)
    assert code == 1
    assert (data["items"], data["skipped"]) == (4, 1)
    assert [p["id"] for p in data["problems"]] == ["broken.md"]
    assert data["problems"][0]["reason"].startswith("bad YAML")


def test_check_json_clean(capsys, tmp_path: Path) -> None:
    root = build(tmp_path / "clean", {"x.md": ITEMS["b.md"]})
    code, out, _ = run(capsys, "check", str(root), "--json")
    assert code == 0 and json.loads(out)["problems"] == []


# -- errors: one line on stderr, non-zero, never a traceback ---------------------------------

def test_missing_directory(capsys, tmp_path: Path) -> None:
    for cmd in (["list"], ["check"], ["show", "a.md"]):
        code, out, err = run(capsys, *cmd, str(tmp_path / "missing"))
        assert_one_line_error(code, out, err)
        assert "no such directory" in err


def test_file_instead_of_directory(capsys, corpus: Path) -> None:
    for cmd in (["list"], ["check"], ["show", "a.md"]):
        code, out, err = run(capsys, *cmd, str(corpus / "a.md"))
        assert_one_line_error(code, out, err)
        assert "not a directory" in err


def test_unknown_item_id(capsys, corpus: Path) -> None:
    code, out, err = run(capsys, "show", "nope.md", str(corpus))
    assert_one_line_error(code, out, err)
    assert "nope.md" in err and out == ""


def test_show_refuses_ids_outside_the_root(capsys, corpus: Path) -> None:
    (corpus.parent / "outside.md").write_text(ITEMS["b.md"], encoding="utf-8")
    code, out, err = run(capsys, "show", "../outside.md", str(corpus))
    assert_one_line_error(code, out, err)
    assert "Beta" not in out


def test_show_bad_item_is_one_line(capsys, bad_corpus: Path) -> None:
    code, out, err = run(capsys, "show", "broken.md", str(bad_corpus))
    assert_one_line_error(code, out, err)
    assert "bad YAML" in err


def test_negative_limit(capsys, corpus: Path) -> None:
    code, out, err = run(capsys, "list", str(corpus), "--limit", "-1")
    assert_one_line_error(code, out, err)
    assert "--limit" in err and out == ""


def test_argparse_errors_exit_non_zero_without_traceback(capsys, corpus: Path) -> None:
    for argv in (["list", str(corpus), "--limit", "many"], ["list", str(corpus), "--sort", "x"]):
        with pytest.raises(SystemExit) as exc:
            main(argv)
        assert exc.value.code == 2
        assert "Traceback" not in capsys.readouterr().err


def test_hostile_path_is_sanitised_in_errors(capsys, tmp_path: Path) -> None:
    code, out, err = run(capsys, "list", str(tmp_path / "evil\x1b[2J\u202e"))
    assert_one_line_error(code, out, err)
    assert "\x1b" not in err and "\u202e" not in err


# -- the module entry point ------------------------------------------------------------------

def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(REPO) + os.pathsep + env.get("PYTHONPATH", "")
    return env


def test_python_dash_m_reader_list(corpus: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "reader", "list", str(corpus), "--sort", "heat", "--json"],
        capture_output=True, text=True, timeout=60, env=_env(), cwd=REPO,
    )
    assert proc.returncode == 0, proc.stderr
    assert [json.loads(line)["id"] for line in proc.stdout.splitlines()] == [
        "a.md", "sub/c.txt", "b.md", "d.md"]


def test_python_dash_m_reader_error_exit(tmp_path: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "reader", "check", str(tmp_path / "missing")],
        capture_output=True, text=True, timeout=60, env=_env(), cwd=REPO,
    )
    assert proc.returncode != 0
    assert proc.stderr.strip().startswith("reader: ") and "Traceback" not in proc.stderr


def test_missing_dependency_is_one_clear_line(monkeypatch, capsys):
    import importlib.util

    from reader import cli

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec",
                        lambda name, *a: None if name == "platformdirs" else real(name, *a))
    assert cli.main(["check"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "platformdirs" in err and "pip install" in err
