"""`reader check` warns about what loads but looks wrong; an oversize file's
message names its size, not the size of what was read."""

from __future__ import annotations

import json
import os
from pathlib import Path

from reader.cli import main
from reader.core import frontmatter
from reader.core.loader import load_all
from tests.conftest import write_item

OLD = 1_600_000_000_000_000_000  # long ago: the index trusts its rows next time


def corpus(tmp_path: Path) -> Path:
    root = tmp_path / "c"
    write_item(root, "good.md", title="Fine", heat=3)
    (root / "twice.md").write_text(
        "---\ntitle: First title\nheat: 5\ntitle: Second title\n"
        "provider:\n  name: A\n  name: B\n---\n", encoding="utf-8")
    for path in root.iterdir():
        os.utime(path, ns=(OLD, OLD))
    return root


def test_duplicate_keys_load_and_are_named_in_check(tmp_path: Path, capsys) -> None:
    root = corpus(tmp_path)
    for _ in range(2):  # cold (parses, writes the index), then warm (from the index)
        code = main(["check", str(root)])
        out = capsys.readouterr().out
        assert code == 0  # a warning is not a failure: the file loaded
        assert "2 items loaded, 0 files could not be read, 1 with warnings" in out
        assert ("warning: twice.md: duplicate key 'title' (lines 2 and 4; the last one is used); "
                "duplicate key 'name' (lines 6 and 7; the last one is used)") in out
    main(["check", str(root), "--json"])
    report = json.loads(capsys.readouterr().out)
    assert [w["id"] for w in report["warnings"]] == ["twice.md"]
    entries, _, result = load_all(root)
    assert {e.id: e.title for e in entries}["twice.md"] == "Second title"  # what YAML keeps
    assert [w.id for w in result.warnings] == ["twice.md"]


def test_a_warning_goes_away_when_the_file_is_mended(tmp_path: Path, capsys) -> None:
    root = corpus(tmp_path)
    main(["check", str(root)])
    capsys.readouterr()
    (root / "twice.md").write_text("---\ntitle: One title\n---\n", encoding="utf-8")
    main(["check", str(root)])
    out = capsys.readouterr().out
    assert "warning" not in out and "with warnings" not in out


def test_an_oversize_file_is_named_with_its_own_size(tmp_path: Path, capsys) -> None:
    root = tmp_path / "c"
    root.mkdir()
    size = frontmatter.MAX_FILE_BYTES * 3 + 5
    (root / "huge.md").write_bytes(b"---\ntitle: x\n---\n" + b"a" * (size - 17))
    assert (root / "huge.md").stat().st_size == size
    code = main(["check", str(root)])
    out = capsys.readouterr().out
    assert code == 1
    assert f"huge.md: file too large: {size:,} bytes (the limit is {frontmatter.MAX_FILE_BYTES:,})" in out
    assert f"{frontmatter.MAX_FILE_BYTES + 1:,}" not in out  # not the size of what was read


def test_without_its_size_the_message_does_not_invent_one() -> None:
    data = b"---\n" + b"a" * frontmatter.MAX_FILE_BYTES
    try:
        frontmatter.parse(data)
    except frontmatter.FrontMatterError as exc:
        assert str(exc) == f"file too large: over the limit of {frontmatter.MAX_FILE_BYTES:,} bytes"
    else:  # pragma: no cover
        raise AssertionError("an oversize file was parsed")
