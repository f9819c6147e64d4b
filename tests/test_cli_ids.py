"""Item ids on the command line: shown by ``list``, resolved exactly, as shown, by
prefix or from a path (``reader.core.ids``), read from stdin; ``--root`` everywhere."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import write_item

from reader.cli import main
from reader.core.ids import AmbiguousId, IdIndex, UnknownId, file_id

REPO = Path(__file__).resolve().parents[1]
BAD_NAME = os.fsdecode(b"bad\x9bname.md")  # not UTF-8: shown as bad\ufffdname.md


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def feed_stdin(monkeypatch, data: bytes) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data), encoding="utf-8"))


# -- the core: IdIndex ------------------------------------------------------------------------

IDS = ["2024/05/ai-lung.md", "2024/05/ai-heart.md", "2024/06/quantum.md", "a.md", "a.md/inner.md",
       "notes/b.md"]


def test_an_exact_id_resolves_to_itself() -> None:
    index = IdIndex(IDS)
    assert all(index.resolve(i) == i for i in IDS)
    assert len(index) == len(IDS) and "a.md" in index


def test_an_exact_id_wins_over_being_a_prefix_of_others() -> None:
    assert IdIndex(IDS).resolve("a.md") == "a.md"  # also a prefix of a.md/inner.md


def test_a_unique_prefix_resolves() -> None:
    index = IdIndex(IDS)
    assert index.resolve("2024/06") == "2024/06/quantum.md"
    assert index.resolve("2024/05/ai-l") == "2024/05/ai-lung.md"
    assert index.resolve("not") == "notes/b.md"
    assert index.resolve("./notes/b.md") == "notes/b.md"


def test_an_ambiguous_prefix_names_a_few_matches_and_the_count() -> None:
    many = [f"2024/05/item-{i:02d}.md" for i in range(12)]
    with pytest.raises(AmbiguousId) as exc:
        IdIndex(many).resolve("2024/05/item")
    message = str(exc.value)
    assert message.startswith("2024/05/item: ambiguous, matches 12 items: ")
    assert "2024/05/item-00.md, 2024/05/item-01.md, 2024/05/item-02.md, …" in message
    assert "item-03" not in message and "\n" not in message
    assert exc.value.matches == tuple(many)


def test_unknown_and_empty_ids() -> None:
    index = IdIndex(IDS)
    for given in ("2025", "b.md", "", "./"):
        with pytest.raises(UnknownId) as exc:
            index.resolve(given)
        assert "\n" not in str(exc.value)
    with pytest.raises(UnknownId, match="no such item"):
        index.resolve("zzz")


def test_the_id_as_shown_resolves_to_the_raw_id() -> None:
    index = IdIndex(["a.md", BAD_NAME, "esc\x1bname.md"])
    assert index.resolve("bad\ufffdname.md") == BAD_NAME  # as `reader list` prints it
    assert index.resolve(BAD_NAME) == BAD_NAME  # the raw name, as the shell passes it
    assert index.resolve("bad\ufffd") == BAD_NAME  # a prefix of what was shown
    assert index.resolve("esc\u241b") == "esc\x1bname.md"
    assert index.matches("bad") == [BAD_NAME]


def test_two_raw_names_shown_alike_are_ambiguous() -> None:
    other = os.fsdecode(b"bad\x9cname.md")
    with pytest.raises(AmbiguousId):
        IdIndex([BAD_NAME, other]).resolve("bad\ufffdname.md")
    assert IdIndex([BAD_NAME, other]).resolve(other) == other  # the raw one is exact


def test_resolving_many_ids_against_a_large_index() -> None:
    ids = [f"{y}/{m:02d}/item-{i}.md" for y in (2023, 2024) for m in range(1, 13) for i in range(400)]
    index = IdIndex(ids)
    assert index.resolve("2024/12/item-399") == "2024/12/item-399.md"
    with pytest.raises(AmbiguousId) as exc:
        index.resolve("2024/12/item-39")  # item-39.md and item-390..399
    assert len(exc.value.matches) == 11


# -- the core: file_id --------------------------------------------------------------------------

@pytest.fixture
def tree(tmp_path: Path) -> Path:
    root = tmp_path / "site"
    write_item(root, "a.md", title="A")
    write_item(root, "sub/b.md", title="B")
    write_item(root, ".hidden/c.md", title="C")
    (root / "notes.json").write_text("{}", encoding="utf-8")
    write_item(tmp_path, "outside.md", title="Out")
    os.symlink(tmp_path / "outside.md", root / "escape.md")
    return root


def test_file_id_of_ids_and_paths(tree: Path, monkeypatch) -> None:
    assert file_id(tree, "a.md") == "a.md"
    assert file_id(tree, "sub/b.md") == "sub/b.md"
    assert file_id(tree, "./sub/../sub/b.md") == "sub/b.md"
    assert file_id(tree, str(tree / "sub" / "b.md")) == "sub/b.md"  # an absolute path
    monkeypatch.chdir(tree.parent)
    assert file_id("site", "site/sub/b.md") == "sub/b.md"  # relative to the working directory
    assert file_id(Path("site"), "sub/b.md") == "sub/b.md"


def test_file_id_refuses_what_is_no_item_inside_the_root(tree: Path) -> None:
    for given in ("missing.md", "sub", "notes.json", ".hidden/c.md", "../outside.md",
                  str(tree.parent / "outside.md"), "escape.md", "a\x00.md", "n" * 300 + ".md", ""):
        assert file_id(tree, given) is None, given


# -- list shows the ids ---------------------------------------------------------------------------

def test_the_table_ends_with_each_items_id(capsys, small_corpus: Path) -> None:
    code, out, _ = run(capsys, "list", str(small_corpus))
    assert code == 0
    header, *rows = out.splitlines()
    assert header.endswith("  ID")
    start = header.rindex("  ID") + 2
    assert sorted(row[start:] for row in rows) == ["a.md", "b.md", "c.md", "d.md", "f.md", "sub/e.md"]


def test_list_ids_prints_only_the_ids_in_the_listing_order(capsys, small_corpus: Path) -> None:
    code, out, err = run(capsys, "list", str(small_corpus), "--ids", "--sort", "heat")
    assert code == 0 and "broken.md" in err  # problems still go to stderr
    assert out.splitlines() == ["a.md", "f.md", "c.md", "d.md", "b.md", "sub/e.md"]
    code, out, _ = run(capsys, "list", str(small_corpus), "--ids", "--unpublished")
    assert out.splitlines() == ["b.md", "c.md"]


def test_list_ids_and_json_are_exclusive(capsys, small_corpus: Path) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["list", str(small_corpus), "--ids", "--json"])
    assert exc.value.code != 0
    assert "Traceback" not in capsys.readouterr().err


def test_list_ids_shows_a_bad_name_visibly_and_publish_takes_it_back(capsys, monkeypatch,
                                                                     tmp_path: Path) -> None:
    root = tmp_path / "content"
    root.mkdir()
    raw = os.path.join(os.fsencode(root), b"bad\x9bname.md")
    with open(raw, "wb") as fh:
        fh.write(b"---\ntitle: Bad name\npublished: false\n---\n")
    code, out, _ = run(capsys, "list", str(root), "--ids")
    assert out == "bad\ufffdname.md\n"
    feed_stdin(monkeypatch, out.encode("utf-8"))
    code, out, err = run(capsys, "publish", "-", "--root", str(root))
    assert code == 0, err
    assert out == "published: bad\ufffdname.md (was unpublished)\n"
    with open(raw, "rb") as fh:
        assert fh.read() == b"---\ntitle: Bad name\npublished: true\n---\n"


# -- editing commands resolve ids ----------------------------------------------------------------

def test_publish_by_a_unique_prefix(capsys, small_corpus: Path) -> None:
    code, out, err = run(capsys, "publish", "su", "--root", str(small_corpus))
    assert (code, err) == (0, "")
    assert out == "published: sub/e.md (was not set)\n"


def test_an_ambiguous_prefix_is_one_line_naming_some_matches(capsys, small_corpus: Path) -> None:
    before = {p: p.read_bytes() for p in small_corpus.rglob("*.md")}
    code, out, err = run(capsys, "unpublish", "", "--root", str(small_corpus))
    assert code == 1 and out == ""
    code, out, err = run(capsys, "tag", "b", "--add", "X", "--root", str(small_corpus))
    assert (code, out) == (1, "")
    assert err == "reader: b: ambiguous, matches 2 items: b.md, broken.md\n"
    assert {p: p.read_bytes() for p in small_corpus.rglob("*.md")} == before


def test_an_exact_id_wins_over_a_longer_id_it_prefixes(capsys, tmp_path: Path) -> None:
    root = tmp_path / "content"
    write_item(root, "a.md", title="A", published=False)
    write_item(root, "a.md.d/b.md", title="B", published=False)
    code, out, _ = run(capsys, "publish", "a.md", "--root", str(root))
    assert (code, out) == (0, "published: a.md (was unpublished)\n")
    code, out, _ = run(capsys, "publish", "a.md.", "--root", str(root))
    assert (code, out) == (0, "published: a.md.d/b.md (was unpublished)\n")


def test_a_path_to_the_file_works_as_an_id(capsys, monkeypatch, small_corpus: Path) -> None:
    monkeypatch.chdir(small_corpus.parent)
    code, out, _ = run(capsys, "publish", f"{small_corpus.name}/c.md", "--root", small_corpus.name)
    assert (code, out) == (0, "published: c.md (was unpublished)\n")
    code, out, _ = run(capsys, "unpublish", str(small_corpus / "sub" / "e.md"), "--root", str(small_corpus))
    assert (code, out) == (0, "unpublished: sub/e.md (was not set)\n")


def test_show_takes_a_prefix_and_keeps_its_own_errors(capsys, small_corpus: Path) -> None:
    code, out, _ = run(capsys, "show", "su", str(small_corpus), "--json")
    assert code == 0 and json.loads(out)["id"] == "sub/e.md"
    code, out, err = run(capsys, "show", "broken", str(small_corpus))
    assert (code, out) == (2, "") and err.startswith("reader: broken.md: bad YAML")
    code, out, err = run(capsys, "show", "nope.md", str(small_corpus))
    assert (code, out) == (2, "") and err.startswith("reader: nope.md: cannot read")
    code, out, err = run(capsys, "show", "b", str(small_corpus))
    assert (code, out, err) == (2, "", "reader: b: ambiguous, matches 2 items: b.md, broken.md\n")


def test_the_same_item_given_twice_is_edited_once(capsys, small_corpus: Path) -> None:
    code, out, _ = run(capsys, "publish", "b.md", "b.m", "./b.md", "--root", str(small_corpus))
    assert (code, out) == (0, "published: b.md (was unpublished)\n")


def test_ids_from_stdin_one_per_line(capsys, monkeypatch, small_corpus: Path) -> None:
    feed_stdin(monkeypatch, b"b.md\n\n  c.md  \r\nsub/e\n")
    code, out, err = run(capsys, "publish", "-", "d.md", "-", "--root", str(small_corpus))
    assert (code, err) == (0, "")
    assert out.splitlines() == ["published: b.md (was unpublished)", "published: c.md (was unpublished)",
                                "published: sub/e.md (was not set)", "unchanged: d.md (already published)"]


def test_an_empty_stdin_changes_nothing_and_succeeds(capsys, monkeypatch, small_corpus: Path) -> None:
    feed_stdin(monkeypatch, b"")
    code, out, err = run(capsys, "publish", "-", "--root", str(small_corpus))
    assert (code, out) == (0, "")
    assert err == "reader: no ids given; nothing changed\n"


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(REPO) + os.pathsep + env.get("PYTHONPATH", "")
    return env


def test_list_unpublished_ids_piped_into_publish(small_corpus: Path) -> None:
    """``reader list --unpublished --ids | reader publish -`` through real processes."""
    cmd = [sys.executable, "-m", "reader"]
    lister = subprocess.Popen([*cmd, "list", str(small_corpus), "--unpublished", "--ids"],
                              stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=_env(), cwd=REPO)
    publisher = subprocess.run([*cmd, "publish", "-", "--root", str(small_corpus), "--json"],
                               stdin=lister.stdout, capture_output=True, timeout=60, env=_env(), cwd=REPO)
    assert lister.stdout is not None
    lister.stdout.close()
    assert lister.wait(timeout=60) == 0
    assert publisher.returncode == 0, publisher.stderr
    rows = [json.loads(line) for line in publisher.stdout.decode("utf-8").splitlines()]
    assert [(r["id"], r["old"], r["new"], r["status"]) for r in rows] == [
        ("b.md", False, True, "changed"), ("c.md", False, True, "changed")]
    again = subprocess.run([*cmd, "list", str(small_corpus), "--unpublished", "--ids"],
                           capture_output=True, timeout=60, env=_env(), cwd=REPO)
    assert again.stdout == b""


# -- every command takes --root PATH --------------------------------------------------------------

def test_list_show_check_and_log_take_root_as_well_as_path(capsys, small_corpus: Path) -> None:
    root = str(small_corpus)
    assert run(capsys, "publish", "b.md", "--root", root)[0] == 0  # something for `log` to show
    for argv, flags in ((["list"], []), (["list"], ["--json"]), (["show", "a.md"], []),
                        (["show", "a.md"], ["--json"]), (["check"], []), (["check"], ["--json"]),
                        (["log"], []), (["log"], ["--json"])):
        by_path = run(capsys, *argv, root, *flags)
        assert by_path[0] in (0, 1) and by_path[1], argv
        assert run(capsys, *argv, *flags, "--root", root) == by_path, argv
        assert run(capsys, *argv, "--root", root, *flags) == by_path, argv
        assert run(capsys, *argv, root, "--root", root, *flags) == by_path, argv  # the same twice
    code, out, err = run(capsys, "list", root, "--root", str(small_corpus / "sub"))
    assert (code, out) == (2, "")
    assert err == "reader: give the content directory once: PATH or --root PATH\n"


def test_preview_item_takes_root(capsys, monkeypatch, small_corpus: Path) -> None:
    import reader.preview.cli as preview_cli

    asked: list[tuple[str | None, str]] = []

    def no_links(path, item_id):
        asked.append((path, item_id))
        return []

    monkeypatch.setattr(preview_cli, "urls_for_item", no_links)
    code, _, err = run(capsys, "preview", "--item", "a.md", "--root", str(small_corpus))
    assert code == 1 and "has no link to preview" in err
    assert asked == [(str(small_corpus), "a.md")]
    run(capsys, "preview", "--item", "su", str(small_corpus))  # a prefix, as for every id
    assert asked[-1] == (str(small_corpus), "sub/e.md")
    code, _, err = run(capsys, "preview", "https://example.com/", "--root", str(small_corpus))
    assert code == 2 and err == "reader: preview --root PATH goes with --item ID\n"


def test_the_app_takes_root(fake_app, small_corpus: Path) -> None:
    assert main(["--root", str(small_corpus)]) == 0
    assert main([str(small_corpus)]) == 0
    assert main([str(small_corpus), "--no-mouse"]) == 0
    assert [Path(root) for root in fake_app.opened] == [small_corpus, small_corpus, small_corpus]
    assert all(set(kwargs) <= {"use_cache", "config"} for kwargs in fake_app.kwargs)
    assert fake_app.mice == [True, True, False]  # --no-mouse: App.run(mouse=False)
