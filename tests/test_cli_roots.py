"""Several content roots on the command line and in config.toml."""

from __future__ import annotations

import json
from pathlib import Path

from reader.cli import main
from reader.core.roots import Roots
from tests.conftest import write_item


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def two_sites(tmp_path: Path) -> tuple[Path, Path]:
    a, b = tmp_path / "one" / "site", tmp_path / "two" / "site"
    write_item(a, "2024/05/a.md", title="First root's", heat=10, topics=["AI"])
    write_item(b, "2024/05/a.md", title="Second root's", heat=20)
    write_item(b, "2024/05/b.md", title="Second root's other", heat=30, topics=["AI"])
    return a, b


def test_list_takes_several_roots_as_paths(capsys, tmp_path) -> None:
    a, b = two_sites(tmp_path)
    code, out, err = run(capsys, "list", str(a), str(b), "--ids", "--sort", "heat")
    assert (code, err) == (0, "")
    assert out.split() == ["two-site/2024/05/b.md", "two-site/2024/05/a.md", "one-site/2024/05/a.md"]
    # the words after the directories are the query, root: among them
    code, out, _ = run(capsys, "list", str(a), str(b), "topic:AI", "root:two-site", "--ids")
    assert out.split() == ["two-site/2024/05/b.md"]


def test_list_takes_root_twice_and_reads_each_item_from_its_root(capsys, tmp_path) -> None:
    a, b = two_sites(tmp_path)
    code, out, err = run(capsys, "list", "--root", str(a), "--root", str(b), "--json", "--sort", "heat")
    assert (code, err) == (0, "")
    rows = [json.loads(line) for line in out.splitlines()]
    assert [(r["id"], r["title"]) for r in rows] == [
        ("two-site/2024/05/b.md", "Second root's other"), ("two-site/2024/05/a.md", "Second root's"),
        ("one-site/2024/05/a.md", "First root's")]


def test_one_root_keeps_its_ids(capsys, tmp_path) -> None:
    a, _ = two_sites(tmp_path)
    assert run(capsys, "list", str(a), "--ids") == (0, "2024/05/a.md\n", "")


def test_check_reads_every_root(capsys, tmp_path) -> None:
    a, b = two_sites(tmp_path)
    (b / "bad.md").write_text("---\ntitle: [unclosed\n---\n")
    code, out, _ = run(capsys, "check", str(a), str(b))
    assert code == 1
    assert out.splitlines()[0] == "3 items loaded, 1 files could not be read"
    assert out.splitlines()[1].startswith("two-site/bad.md: ")
    code, out, _ = run(capsys, "check", "--root", str(a), "--root", str(b), "--json")
    report = json.loads(out)
    assert report["items"] == 3 and report["roots"] == {"one-site": str(a), "two-site": str(b)}


def test_the_app_opens_every_root_given_or_configured(fake_app, tmp_path) -> None:
    a, b = two_sites(tmp_path)
    opened = fake_app.opened
    assert main([str(a), str(b)]) == 0
    assert opened[-1] == Roots.of([a, b])

    from reader.core.config import config_path

    path = config_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f'roots = ["{a}", "{b}"]\n', encoding="utf-8")
    assert main([]) == 0
    assert opened[-1] == Roots.of([a, b]) and list(fake_app.kwargs[-1]["config"].warnings) == []
    assert main([str(a)]) == 0  # a PATH given wins over the config
    assert opened[-1] == a
