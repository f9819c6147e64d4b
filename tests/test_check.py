"""``reader check`` names every file it could not read -- even when the index says
the file is unchanged -- and what the listing skipped by design, with the reason."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from reader.cli import main
from reader.core.index import Index
from reader.core.loader import load_all, scan
from reader.core.store import Skipped, iter_files
from tests.conftest import deny

OLD = 1_600_000_000_000_000_000  # an mtime well before any scan (not "racy")
ROOT_USER = os.geteuid() == 0


def item(title: str) -> str:
    return f'---\ntitle: "{title}"\n---\n'


def make(root: Path, files: dict[str, str]) -> Path:
    for i, (rel, text) in enumerate(sorted(files.items())):
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        os.utime(path, ns=(OLD + i * 1000, OLD + i * 1000))  # the index trusts old files
    return root


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    return make(tmp_path / "content", {"a.md": item("Alpha"), "b.md": item("Beta"),
                                       "sub/c.md": item("Gamma")})


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


# -- a file made unreadable after the index was written ----------------------------------

def test_check_opens_files_the_warm_index_vouches_for(capsys, monkeypatch, corpus: Path) -> None:
    code, out, _ = run(capsys, "check", str(corpus))  # warms the index
    assert code == 0 and out.startswith("3 items loaded, 0 files could not be read")
    deny(monkeypatch, corpus / "b.md")  # size and mtime unchanged: the index says it is fine
    code, out, _ = run(capsys, "check", str(corpus))
    assert code == 1
    lines = out.splitlines()
    assert lines[0].startswith("2 items loaded, 1 files could not be read")
    assert "b.md: cannot read: Permission denied" in lines
    code, out, _ = run(capsys, "check", str(corpus), "--json")
    data = json.loads(out)
    assert code == 1 and data["items"] == 2
    assert data["problems"] == [{"id": "b.md", "reason": "cannot read: Permission denied"}]


def test_the_index_really_was_warm(monkeypatch, corpus: Path) -> None:
    # The situation above: without ``verify`` (the app's start) the index's row wins.
    load_all(corpus, index=Index(corpus))
    deny(monkeypatch, corpus / "b.md")
    ix = Index(corpus)
    try:
        entries, problems, report = load_all(corpus, index=ix)
    finally:
        ix.close()
    assert report.from_index == 3 and report.parsed == 0
    assert sorted(e.id for e in entries) == ["a.md", "b.md", "sub/c.md"] and problems == []


def test_a_warm_start_opens_no_item_file(monkeypatch, corpus: Path) -> None:
    """The app's start-up does not pay for check's extra opens."""
    load_all(corpus, index=Index(corpus))
    opened: list[str] = []
    real_open = os.open

    def counting_open(path, *args, **kwargs):
        opened.append(os.fsdecode(path))
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr(os, "open", counting_open)
    ix = Index(corpus)
    try:
        batches = list(scan(corpus, index=ix))
    finally:
        ix.close()
    assert batches[-1].finished
    assert not [p for p in opened if p.endswith(".md")]


def check_while_locked(capsys, corpus: Path, locked: Path, *, restore: int) -> tuple[int, str, str]:
    """``reader check corpus`` while ``locked`` is chmod 000; its mode is ``restore``d after."""
    locked.chmod(0)
    try:
        return run(capsys, "check", str(corpus))
    finally:
        locked.chmod(restore)


@pytest.mark.skipif(ROOT_USER, reason="root can read a chmod 000 file")
def test_check_finds_a_chmod_000_file_with_a_warm_index(capsys, corpus: Path) -> None:
    assert run(capsys, "check", str(corpus))[0] == 0
    code, out, _ = check_while_locked(capsys, corpus, corpus / "b.md", restore=0o644)
    assert code == 1 and "b.md: cannot read: Permission denied" in out.splitlines()


# -- unreadable folders ---------------------------------------------------------------------

def test_check_names_an_unreadable_subfolder_and_fails(capsys, monkeypatch, corpus: Path) -> None:
    deny(monkeypatch, corpus / "sub")
    code, out, err = run(capsys, "check", str(corpus))
    assert code == 1 and err == ""
    lines = out.splitlines()
    assert lines[0].startswith("2 items loaded, 1 files could not be read")
    assert "sub/: cannot read folder: Permission denied" in lines
    data = json.loads(run(capsys, "check", str(corpus), "--json")[1])
    assert {"id": "sub/", "reason": "cannot read folder: Permission denied"} in data["problems"]


def test_list_says_which_folder_it_could_not_read(capsys, monkeypatch, corpus: Path) -> None:
    deny(monkeypatch, corpus / "sub")
    code, out, err = run(capsys, "list", str(corpus), "--json")
    assert code == 0 and len(out.splitlines()) == 2
    assert err.splitlines() == ["reader: skipped sub/: cannot read folder: Permission denied"]


@pytest.mark.skipif(ROOT_USER, reason="root can read a chmod 000 folder")
def test_check_names_a_chmod_000_subfolder(capsys, corpus: Path) -> None:
    code, out, _ = check_while_locked(capsys, corpus, corpus / "sub", restore=0o755)
    assert code == 1 and "sub/: cannot read folder: Permission denied" in out.splitlines()


def test_check_of_an_unreadable_root_is_one_line(capsys, monkeypatch, corpus: Path) -> None:
    deny(monkeypatch, corpus)
    code, out, err = run(capsys, "check", str(corpus))
    assert code != 0 and out == ""
    assert err.splitlines() == [f"reader: {corpus}: cannot read: Permission denied"]


# -- skipped by design: named, with the reason, but not a failure ----------------------------

@pytest.fixture
def odd_corpus(tmp_path: Path) -> Path:
    root = make(tmp_path / "content", {"a.md": item("Alpha")})
    (tmp_path / "outside.md").write_text(item("Outside"), encoding="utf-8")
    os.symlink("missing.md", root / "dangling.md")
    os.symlink("loop.md", root / "loop.md")
    os.symlink(tmp_path / "outside.md", root / "outside.md")
    os.symlink(".", root / "again")  # a folder that leads back to the root
    os.mkfifo(root / "pipe.md")
    os.mkfifo(root / "pipe.fifo")  # not an item name: not a candidate, not named
    return root


EXPECTED_SKIPS = [
    Skipped("again/", "folder already listed (reached again through a symlink)"),
    Skipped("dangling.md", "dangling symlink"),
    Skipped("loop.md", "symlink loop"),
    Skipped("outside.md", "symlink to a path outside the content folder"),
    Skipped("pipe.md", "not a regular file (FIFO)"),
]


@pytest.mark.parametrize("stat_files", [True, False])
def test_iter_files_reports_what_it_skips_and_why(odd_corpus: Path, stat_files: bool) -> None:
    skipped: list[Skipped] = []
    refs = list(iter_files(odd_corpus, skipped.append, stat_files=stat_files))
    assert [r.id for r in refs] == ["a.md"]
    assert sorted(skipped, key=lambda s: s.id) == EXPECTED_SKIPS
    # the same listing without a callback
    assert [r.id for r in iter_files(odd_corpus, stat_files=stat_files)] == ["a.md"]


def test_check_names_what_was_skipped_by_design_and_passes(capsys, odd_corpus: Path) -> None:
    code, out, _ = run(capsys, "check", str(odd_corpus))
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "1 items loaded, 0 files could not be read, 5 skipped by design"
    assert sorted(lines[1:]) == [f"skipped: {s}" for s in EXPECTED_SKIPS]
    code, out, _ = run(capsys, "check", str(odd_corpus), "--json")
    data = json.loads(out)
    assert code == 0 and data["problems"] == []
    assert sorted(data["skipped_by_design"], key=lambda d: d["id"]) == [
        {"id": s.id, "reason": s.reason} for s in EXPECTED_SKIPS]


def test_skipped_ids_are_sanitised(tmp_path: Path) -> None:
    root = tmp_path / "content"
    root.mkdir()
    os.symlink("nowhere", root / os.fsdecode(b"bad\x9b\x1b[2J.md"))
    skipped: list[Skipped] = []
    list(iter_files(root, skipped.append))
    assert [s.id for s in skipped] == ["bad\ufffd\u241b[2J.md"]
