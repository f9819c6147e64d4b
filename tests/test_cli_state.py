"""``reader mark`` and ``reader list --unread`` / ``--saved``: the reader's own marks
from the command line, in the state directory, never in the content folder."""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest

from reader.cli import main
from reader.core.state import StateStore


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def ids(capsys, root: Path, *options: str) -> list[str]:
    code, out, err = run(capsys, "list", "--root", str(root), "--ids", *options)
    assert code == 0, err
    return sorted(out.splitlines())


def files_of(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_mark_read_and_list_unread(capsys, small_corpus: Path) -> None:
    before = files_of(small_corpus)
    everything = ids(capsys, small_corpus)
    code, out, err = run(capsys, "mark", "a.md", "sub/e", "--read", "--root", str(small_corpus))
    assert (code, err) == (0, "")
    assert out.splitlines() == ["read: a.md", "read: sub/e.md"]  # a prefix resolves as for publish
    assert ids(capsys, small_corpus, "--unread") == [i for i in everything if i not in ("a.md", "sub/e.md")]
    assert ids(capsys, small_corpus, "is:read") == ["a.md", "sub/e.md"]
    code, out, _ = run(capsys, "mark", "a.md", "--read", "--root", str(small_corpus))
    assert (code, out) == (0, "already read: a.md\n")
    code, out, _ = run(capsys, "mark", "a.md", "--unread", "--root", str(small_corpus))
    assert (code, out) == (0, "unread: a.md\n")
    assert "a.md" in ids(capsys, small_corpus, "--unread")
    assert files_of(small_corpus) == before  # nothing written in the content folder
    assert StateStore().path.parent == Path(os.environ["READER_STATE_DIR"])


def test_mark_saved_and_list_saved(capsys, small_corpus: Path) -> None:
    assert ids(capsys, small_corpus, "--saved") == []
    code, out, _ = run(capsys, "mark", "c.md", "f.md", "--saved", "--read", "--root", str(small_corpus))
    assert code == 0 and out.splitlines() == ["read, saved: c.md", "read, saved: f.md"]
    assert ids(capsys, small_corpus, "--saved") == ["c.md", "f.md"]
    assert ids(capsys, small_corpus, "--saved", "--unread") == []
    run(capsys, "mark", "f.md", "--unsaved", "--root", str(small_corpus))
    assert ids(capsys, small_corpus, "--saved") == ["c.md"]


def test_marks_follow_the_url_so_another_root_with_the_same_item_shares_them(
        capsys, small_corpus: Path, tmp_path: Path) -> None:
    run(capsys, "mark", "b.md", "--read", "--root", str(small_corpus))
    copy = tmp_path / "copy"
    copy.mkdir()
    (copy / "renamed.md").write_bytes((small_corpus / "b.md").read_bytes())
    assert ids(capsys, copy, "is:read") == ["renamed.md"]


def test_mark_carries_on_past_a_bad_id_and_exits_1(capsys, small_corpus: Path, monkeypatch) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("d.md\n\nnope.md\n"))
    code, out, err = run(capsys, "mark", "a.md", "-", "broken.md", "--read", "--root", str(small_corpus))
    assert code == 1
    assert out.splitlines() == ["read: a.md", "read: d.md"]
    lines = err.splitlines()
    assert lines[0].startswith("reader: nope.md: ") and lines[1].startswith("reader: broken.md: ")
    assert lines[-1] == "reader: 2 of 4 items failed"
    assert ids(capsys, small_corpus, "is:read") == ["a.md", "d.md"]


def test_mark_needs_a_mark_to_set(capsys, small_corpus: Path) -> None:
    code, _, err = run(capsys, "mark", "a.md", "--root", str(small_corpus))
    assert code == 2 and err == "reader: mark needs --read, --unread, --saved or --unsaved\n"
    with pytest.raises(SystemExit) as exit_:
        main(["mark", "a.md", "--read", "--unread"])
    assert exit_.value.code == 2 and "not allowed with" in capsys.readouterr().err


def test_a_corrupt_state_file_is_moved_aside_with_one_line(capsys, small_corpus: Path) -> None:
    state = Path(os.environ["READER_STATE_DIR"])
    state.mkdir(parents=True)
    (state / "state.sqlite").write_bytes(b"this is not a database" * 100)
    code, out, err = run(capsys, "mark", "a.md", "--saved", "--root", str(small_corpus))
    assert code == 0 and out == "saved: a.md\n"
    assert len(err.splitlines()) == 1 and "moved to" in err and "Traceback" not in err
    assert ids(capsys, small_corpus, "--saved") == ["a.md"]


def test_plain_list_does_not_open_the_state(capsys, small_corpus: Path) -> None:
    ids(capsys, small_corpus)
    assert not Path(os.environ["READER_STATE_DIR"]).exists()
