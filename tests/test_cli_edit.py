"""``reader publish|unpublish|tag``: only the field changes, the output (lines and
JSON), batches that carry on past errors, one-line errors, the audit log; and
every option of every command has a help line."""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import stat
import subprocess
import sys
import time
from difflib import SequenceMatcher
from importlib.metadata import entry_points
from pathlib import Path

import pytest

from reader.cli import app_parser, build_parser, main
from reader.core import audit, files
from tests.conftest import shared_dir

REPO = Path(__file__).resolve().parents[1]
SHARED = shared_dir()  # ../shared beside the repository; fails (never skips) if missing
REAL_ITEMS = SHARED / "real-items"
PUBLISHED_LINE = re.compile(rb"^published:")


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def json_lines(out: str) -> list[dict]:
    return [json.loads(line) for line in out.splitlines()]


def snapshot(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*.md"))}


def without_published(data: bytes) -> list[bytes]:
    return [line for line in data.splitlines(keepends=True) if not PUBLISHED_LINE.match(line)]


# -- publish / unpublish --------------------------------------------------------------------------

def test_publish_changes_only_the_published_token(capsys, small_corpus: Path) -> None:
    before = snapshot(small_corpus)
    code, out, err = run(capsys, "publish", "b.md", "--root", str(small_corpus))
    assert (code, out, err) == (0, "published: b.md (was unpublished)\n", "")
    after = snapshot(small_corpus)
    assert after["b.md"] == before["b.md"].replace(b"\npublished: false\n", b"\npublished: true\n")
    assert {k: v for k, v in after.items() if k != "b.md"} == {k: v for k, v in before.items() if k != "b.md"}


def test_publish_again_is_unchanged_and_touches_nothing(capsys, small_corpus: Path) -> None:
    path = small_corpus / "a.md"
    st = path.stat()
    code, out, _ = run(capsys, "publish", "a.md", "--root", str(small_corpus))
    assert (code, out) == (0, "unchanged: a.md (already published)\n")
    assert (path.stat().st_ino, path.stat().st_mtime_ns) == (st.st_ino, st.st_mtime_ns)
    assert audit.read_audit(small_corpus) == ([], 0)  # nothing changed, nothing logged


def test_unpublish_and_a_missing_field(capsys, small_corpus: Path) -> None:
    code, out, _ = run(capsys, "unpublish", "a.md", "sub/e.md", "c.md", "--root", str(small_corpus))
    assert code == 0
    assert out.splitlines() == ["unpublished: a.md (was published)", "unpublished: sub/e.md (was not set)",
                                "unchanged: c.md (already unpublished)"]
    e_md = (small_corpus / "sub" / "e.md").read_bytes()
    assert e_md.endswith(b"published: false\n---\nA body paragraph.\n")


def test_publish_json_has_one_object_per_item_of_a_fixed_shape(capsys, small_corpus: Path) -> None:
    code, out, _ = run(capsys, "publish", "b.md", "a.md", "sub/e.md", "--root", str(small_corpus), "--json")
    assert code == 0
    assert json_lines(out) == [
        {"id": "b.md", "field": "published", "old": False, "new": True, "status": "changed"},
        {"id": "a.md", "field": "published", "old": True, "new": True, "status": "unchanged"},
        {"id": "sub/e.md", "field": "published", "old": None, "new": True, "status": "changed"},
    ]


def test_each_change_is_in_the_audit_log_with_the_user(capsys, small_corpus: Path) -> None:
    run(capsys, "publish", "b.md", "c.md", "--root", str(small_corpus))
    run(capsys, "tag", "b.md", "--add", "Batteries", "--root", str(small_corpus))
    records, damaged = audit.read_audit(small_corpus)
    assert damaged == 0
    assert [(r.item, r.field, r.old, r.new) for r in records] == [
        ("b.md", "published", False, True), ("c.md", "published", False, True),
        ("b.md", "topics", ["Energy"], ["Energy", "Batteries"])]
    assert {r.user for r in records} == {audit.current_user()} and all(r.host for r in records)


# -- tag ------------------------------------------------------------------------------------------

def test_tag_adds_and_removes_topics(capsys, small_corpus: Path) -> None:
    before = (small_corpus / "a.md").read_text(encoding="utf-8")
    code, out, err = run(capsys, "tag", "a.md", "--add", "Hardware", "--add", "AI", "--remove", "Robotics",
                         "--root", str(small_corpus))
    assert (code, err) == (0, "")
    assert out == "tagged: a.md +Hardware -Robotics (topics: AI, Hardware)\n"
    after = (small_corpus / "a.md").read_text(encoding="utf-8")
    assert after == before.replace('  - "Robotics"\n  - "AI"\n', '  - "AI"\n  - Hardware\n')


def test_tag_json_and_unchanged(capsys, small_corpus: Path) -> None:
    code, out, _ = run(capsys, "tag", "a.md", "f.md", "--add", "AI", "--remove", "Space",
                       "--root", str(small_corpus), "--json")
    assert code == 0
    assert json_lines(out) == [
        {"id": "a.md", "field": "topics", "old": ["Robotics", "AI"], "new": ["Robotics", "AI"],
         "status": "unchanged", "added": [], "removed": []},
        {"id": "f.md", "field": "topics", "old": ["Quantum", "AI"], "new": ["Quantum", "AI"],
         "status": "unchanged", "added": [], "removed": []},
    ]
    code, out, _ = run(capsys, "tag", "c.md", "--remove", "Space", "--root", str(small_corpus), "--json")
    assert json_lines(out) == [{"id": "c.md", "field": "topics", "old": ["Space"], "new": [],
                                "status": "changed", "added": [], "removed": ["Space"]}]
    code, out, _ = run(capsys, "tag", "c.md", "--remove", "Space", "--root", str(small_corpus))
    assert out == "unchanged: c.md (no topics)\n"


@pytest.mark.parametrize(("args", "message"), [
    ([], "reader: tag needs at least one --add T or --remove T\n"),
    (["--add", "AI", "--remove", "AI"], "reader: topic 'AI' is both added and removed\n"),
    (["--add", " padded "], "reader: not a usable topic: ' padded '\n"),
    (["--add", "two\nlines"], "reader: not a usable topic: 'two lines'\n"),
])
def test_tag_refuses_bad_arguments_before_touching_anything(capsys, small_corpus: Path, args,
                                                            message) -> None:
    before = snapshot(small_corpus)
    code, out, err = run(capsys, "tag", "a.md", *args, "--root", str(small_corpus))
    assert (code, out, err) == (2, "", message)
    assert snapshot(small_corpus) == before


# -- errors: one line each; a batch carries on -----------------------------------------------------

def test_a_batch_carries_on_past_errors_and_exits_1(capsys, small_corpus: Path) -> None:
    code, out, err = run(capsys, "publish", "nope.md", "broken.md", "b.md", "c.md",
                         "--root", str(small_corpus))
    assert code == 1
    assert out.splitlines() == ["published: b.md (was unpublished)", "published: c.md (was unpublished)"]
    assert err.splitlines() == [
        "reader: nope.md: no such item",
        "reader: broken.md: cannot edit: bad YAML at line 3, column 1: did not find expected ',' or ']'",
        "reader: 2 of 4 items failed",
    ]
    assert "Traceback" not in err


def test_json_reports_errors_as_objects_too(capsys, small_corpus: Path) -> None:
    code, out, err = run(capsys, "unpublish", "nope.md", "a.md", "--root", str(small_corpus), "--json")
    assert code == 1
    assert json_lines(out) == [
        {"id": "nope.md", "field": "published", "old": None, "new": None, "status": "error",
         "error": "no such item"},
        {"id": "a.md", "field": "published", "old": True, "new": False, "status": "changed"},
    ]
    assert err.splitlines() == ["reader: nope.md: no such item", "reader: 1 of 2 items failed"]


def test_one_failing_id_is_exactly_one_line(capsys, small_corpus: Path) -> None:
    code, out, err = run(capsys, "publish", "missing", "--root", str(small_corpus))
    assert (code, out, err) == (1, "", "reader: missing: no such item\n")


def test_a_refused_edit_is_one_line_and_changes_nothing(capsys, tmp_path: Path) -> None:
    root = tmp_path / "content"
    root.mkdir()
    (root / "dup.md").write_bytes(b"---\ntitle: x\npublished: true\npublished: false\n---\n")
    (root / "flow.md").write_bytes(b"---\ntitle: y\ntopics: {a: 1}\n---\n")
    before = snapshot(root)
    code, out, err = run(capsys, "unpublish", "dup.md", "--root", str(root))
    assert (code, out) == (1, "")
    assert err == "reader: dup.md: published appears more than once; edit it by hand\n"
    code, out, err = run(capsys, "tag", "flow.md", "--add", "AI", "--root", str(root))
    assert code == 1 and out == "" and len(err.splitlines()) == 1 and err.startswith("reader: flow.md: ")
    assert snapshot(root) == before


def test_a_read_only_item_is_refused(capsys, small_corpus: Path) -> None:
    path = small_corpus / "b.md"
    path.chmod(0o444)
    before = path.read_bytes()
    code, out, err = run(capsys, "publish", "b.md", "--root", str(small_corpus))
    assert (code, out) == (1, "")
    assert err == "reader: b.md: read-only file (no write permission); not changed\n"
    assert path.read_bytes() == before


def test_a_lock_held_by_another_editor_times_out_with_one_line(capsys, small_corpus: Path) -> None:
    path = small_corpus / "b.md"
    before = path.read_bytes()
    with files.item_lock(path):  # another editor (flock: another open file holds it)
        code, out, err = run(capsys, "publish", "b.md", "c.md", "--root", str(small_corpus),
                             "--timeout", "0")
    assert code == 1
    assert out == "published: c.md (was unpublished)\n"
    assert err.splitlines() == [
        "reader: b.md: another editor is changing this item (waited 0 s); try again",
        "reader: 1 of 2 items failed",
    ]
    assert path.read_bytes() == before
    assert run(capsys, "publish", "b.md", "--root", str(small_corpus))[0] == 0  # released: fine now


@pytest.mark.parametrize("value", ["-1", "soon", "nan", "4000"])
def test_a_bad_timeout_is_a_usage_error(capsys, small_corpus: Path, value: str) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["publish", "b.md", "--root", str(small_corpus), "--timeout", value])
    assert exc.value.code == 2
    assert "Traceback" not in capsys.readouterr().err


def test_a_change_the_audit_log_could_not_record_is_reported(capsys, small_corpus: Path) -> None:
    (small_corpus / audit.AUDIT_DIR).write_text("a file where the log's folder goes", encoding="utf-8")
    code, out, err = run(capsys, "publish", "b.md", "--root", str(small_corpus))
    assert code == 1
    assert out == "published: b.md (was unpublished)\n"  # the change itself was made
    (line,) = err.splitlines()
    assert line.startswith("reader: b.md: changed, but not recorded: ") and "audit log" in line


def test_editing_needs_root_and_never_edits_the_samples(capsys) -> None:
    from reader.resources import sample_content_dir

    before = snapshot(sample_content_dir())
    for command in (["publish"], ["unpublish"], ["tag", "--add", "AI"]):
        code, out, err = run(capsys, command[0], "2", *command[1:])
        assert (code, out) == (2, "")
        assert err == (f"reader: {command[0]} needs the content directory: --root PATH (repeat it "
                       "for several, or set roots in config.toml; the bundled sample content is never "
                       "edited)\n")
    assert snapshot(sample_content_dir()) == before


def test_a_bad_root_is_one_line(capsys, tmp_path: Path) -> None:
    code, out, err = run(capsys, "publish", "a.md", "--root", str(tmp_path / "missing"))
    assert (code, out) == (2, "")
    assert err == f"reader: {tmp_path / 'missing'}: no such directory\n"


# -- stale temp files --------------------------------------------------------------------------

def test_stale_temp_files_next_to_edited_items_are_removed(capsys, small_corpus: Path) -> None:
    stale = small_corpus / f".b.md.{'0' * 12}.reader-tmp"
    other = small_corpus / f".d.md.{'1' * 12}.reader-tmp"  # another item's, in the same folder
    young = small_corpus / f".c.md.{'2' * 12}.reader-tmp"  # maybe a write in progress
    elsewhere = small_corpus / "sub" / f".e.md.{'3' * 12}.reader-tmp"  # a folder not edited
    for path in (stale, other, young, elsewhere):
        path.write_bytes(b"half a file")
    old = time.time() - 2 * files.DEFAULT_TEMP_AGE
    for path in (stale, other, elsewhere):
        os.utime(path, (old, old))
    assert run(capsys, "publish", "b.md", "--root", str(small_corpus))[0] == 0
    assert not stale.exists() and not other.exists()
    assert young.exists() and elsewhere.exists()


# -- real items -------------------------------------------------------------------------------

@pytest.fixture
def real_copy(tmp_path: Path) -> Path:
    assert REAL_ITEMS.is_dir(), f"the shared real items are missing: {REAL_ITEMS}"
    root = tmp_path / "real"
    shutil.copytree(REAL_ITEMS, root)
    for path in root.rglob("*"):  # the shared copies are read-only
        path.chmod(path.stat().st_mode | stat.S_IWUSR)
    return root


def test_publishing_every_real_item_changes_only_its_published_line(capsys, monkeypatch,
                                                                   real_copy: Path) -> None:
    import io

    before = snapshot(real_copy)
    code, ids, _ = run(capsys, "list", str(real_copy), "--ids")
    assert code == 0 and len(ids.splitlines()) == 24
    code, out, err = run(capsys, "unpublish", *ids.splitlines(), "--root", str(real_copy), "--json")
    assert (code, err) == (0, "")
    unpublished = sum(row["status"] == "changed" for row in json_lines(out))
    assert unpublished == 24 - len([d for d in before.values() if b"\npublished: false" in d])
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(ids.encode())))
    code, out, err = run(capsys, "publish", "-", "--root", str(real_copy), "--json")
    assert (code, err) == (0, "")
    rows = json_lines(out)
    assert len(rows) == 24 and {r["status"] for r in rows} == {"changed"}
    after = snapshot(real_copy)
    assert after.keys() == before.keys()
    for name, data in after.items():
        if name == "README.md":
            assert data == before[name]
            continue
        assert without_published(data) == without_published(before[name]), name
        published = [line for line in data.splitlines() if PUBLISHED_LINE.match(line)]
        assert published == [b"published: true"], name
        old_lines, new_lines = before[name].splitlines(), data.splitlines()
        ops = [op for op in SequenceMatcher(None, old_lines, new_lines, autojunk=False).get_opcodes()
               if op[0] != "equal"]
        if not ops:  # published: true to start with: unpublished and published back
            assert re.search(rb"^published: true$", before[name], re.M), name
            continue
        assert len(ops) == 1, name  # one line replaced, or one line added
        tag, i1, i2, j1, j2 = ops[0]
        assert (tag, j2 - j1) in (("replace", 1), ("insert", 1)) and i2 - i1 == (tag == "replace"), name
        assert PUBLISHED_LINE.match(new_lines[j1]), name
    # and `reader log` shows each change, newest last
    code, out, err = run(capsys, "log", "--root", str(real_copy))
    assert code == 0 and err == ""
    lines = out.splitlines()
    assert len(lines) == unpublished + 24
    for item_id, line in zip(ids.splitlines(), lines[unpublished:], strict=True):
        assert re.fullmatch(rf"\S+Z  {re.escape(audit.current_user())}@\S+  {re.escape(item_id)}  "
                            r"published: false → true", line), line


# -- through the entry point ---------------------------------------------------------------------

def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(REPO) + os.pathsep + env.get("PYTHONPATH", "")
    return env


def test_python_dash_m_reader_publish_and_its_errors(small_corpus: Path) -> None:
    def reader(*argv: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "reader", *argv], capture_output=True, text=True,
                              timeout=60, env=_env(), cwd=REPO)

    proc = reader("publish", "b.md", "--root", str(small_corpus))
    assert (proc.returncode, proc.stdout, proc.stderr) == (0, "published: b.md (was unpublished)\n", "")
    for argv in (["publish", "nope", "--root", str(small_corpus)],
                 ["tag", "broken.md", "--add", "AI", "--root", str(small_corpus)],
                 ["unpublish", "a.md"],
                 ["publish", "a.md", "--root", str(small_corpus / "missing")]):
        proc = reader(*argv)
        assert proc.returncode != 0 and proc.stdout == "", argv
        assert "Traceback" not in proc.stderr and len(proc.stderr.splitlines()) == 1, (argv, proc.stderr)
        assert proc.stderr.startswith("reader: "), argv


def test_the_console_script_still_points_at_main() -> None:
    (script,) = entry_points(group="console_scripts", name="reader")
    assert script.value == "reader.cli:main"
    assert script.load() is main


# -- help ---------------------------------------------------------------------------------------

def _walk(parser: argparse.ArgumentParser, name: str):
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for choice in action._choices_actions:
                yield f"{name} {choice.dest}", choice
            for sub_name, sub in action.choices.items():
                yield from _walk(sub, f"{name} {sub_name}")
        else:
            yield name, action


def test_every_option_of_every_command_has_a_help_line() -> None:
    walked = [*_walk(build_parser(), "reader"), *_walk(app_parser(), "reader [PATH]")]
    commands = {name for name, _ in walked}
    assert {"reader publish", "reader unpublish", "reader tag", "reader log", "reader list",
            "reader show", "reader check", "reader preview"} <= commands
    missing = [(name, action.option_strings or action.dest) for name, action in walked
               if not action.help or action.help == argparse.SUPPRESS or not str(action.help).strip()]
    assert missing == []


@pytest.mark.parametrize("command", ["publish", "unpublish", "tag", "log", "list", "show", "check"])
def test_every_command_takes_root(command: str) -> None:
    parser = build_parser()
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    options = {o for a in sub.choices[command]._actions for o in a.option_strings}
    assert "--root" in options
