"""``reader log``: the audit log as lines or JSON, oldest first; ``--since`` as an ISO
time or a time ago; damaged lines skipped and counted; hostile text sanitised."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from reader.cli import main
from reader.cli.audit_log import parse_since
from reader.core import audit

REPO = Path(__file__).resolve().parents[1]
NOW = datetime(2024, 5, 10, 12, 0, tzinfo=UTC)


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def logged(tmp_path: Path) -> Path:
    root = tmp_path / "content"
    root.mkdir()
    audit.append(root, "2024/05/a.md", "published", False, True, user="ann", host="desk",
                 now=datetime(2024, 5, 1, 9, 30, tzinfo=UTC), extra={"action": "set"})
    audit.append(root, "2024/05/b.md", "topics", ["AI"], ["AI", "Energy"], user="bob", host="laptop",
                 now=datetime(2024, 5, 2, 14, 0, 5, tzinfo=UTC), extra={"action": "add", "topic": "Energy"})
    audit.append(root, "c.md", "published", None, False, user="ann", host="desk",
                 now=datetime(2024, 5, 3, 8, 0, tzinfo=UTC), extra={"action": "set"})
    audit.append(root, "2024/05/a.md", "published", True, False, user="ann", host="desk",
                 now=datetime(2024, 5, 3, 9, 0, tzinfo=UTC), extra={"action": "set", "undo": True})
    return root


# -- --since ---------------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "expected"), [
    ("45s", NOW - timedelta(seconds=45)),
    ("90m", NOW - timedelta(minutes=90)),
    ("2h", NOW - timedelta(hours=2)),
    ("3d", NOW - timedelta(days=3)),
    ("1w", NOW - timedelta(weeks=1)),
    ("1d12h", NOW - timedelta(hours=36)),
    (" 2h ", NOW - timedelta(hours=2)),
    ("2024-05-01", datetime(2024, 5, 1, tzinfo=UTC)),
    ("2024-05-01T09:30", datetime(2024, 5, 1, 9, 30, tzinfo=UTC)),
    ("2024-05-01 09:30:15", datetime(2024, 5, 1, 9, 30, 15, tzinfo=UTC)),
    ("2024-05-01T09:30Z", datetime(2024, 5, 1, 9, 30, tzinfo=UTC)),
    ("2024-05-01T11:30+02:00", datetime(2024, 5, 1, 9, 30, tzinfo=UTC)),
])
def test_since_forms(text: str, expected: datetime) -> None:
    when = parse_since(text, NOW)
    assert when == expected and when.tzinfo is not None


def test_since_relative_to_a_clock_in_another_zone() -> None:
    local = NOW.astimezone(timezone(timedelta(hours=-5)))
    assert parse_since("2h", local) == NOW - timedelta(hours=2)


@pytest.mark.parametrize("text", ["", "yesterday", "2 h", "2h ago", "-2h", "3x", "h", "2024-13-01",
                                  "2024-05-01T25:00", "9" * 9 + "w"])
def test_bad_since_is_a_value_error_on_one_line(text: str) -> None:
    with pytest.raises(ValueError) as exc:
        parse_since(text, NOW)
    assert "\n" not in str(exc.value)


def test_bad_since_on_the_command_line_is_a_usage_error(capsys, logged: Path) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["log", str(logged), "--since", "yesterday"])
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and "expected an ISO date or time" in err


# -- output ---------------------------------------------------------------------------------

def test_log_lines_oldest_first(capsys, logged: Path) -> None:
    code, out, err = run(capsys, "log", str(logged))
    assert (code, err) == (0, "")
    assert out.splitlines() == [
        "2024-05-01T09:30:00Z  ann@desk  2024/05/a.md  published: false → true",
        "2024-05-02T14:00:05Z  bob@laptop  2024/05/b.md  topics: [AI] → [AI, Energy]",
        "2024-05-03T08:00:00Z  ann@desk  c.md  published: (not set) → false",
        "2024-05-03T09:00:00Z  ann@desk  2024/05/a.md  published: true → false (undo)",
    ]


def test_log_since_an_iso_time(capsys, logged: Path) -> None:
    code, out, _ = run(capsys, "log", "--root", str(logged), "--since", "2024-05-02T14:00:05Z")
    assert code == 0
    assert [line.split("  ")[2] for line in out.splitlines()] == ["2024/05/b.md", "c.md", "2024/05/a.md"]
    code, out, _ = run(capsys, "log", str(logged), "--since", "2024-05-03")
    assert len(out.splitlines()) == 2
    code, out, _ = run(capsys, "log", str(logged), "--since", "2030-01-01")
    assert (code, out) == (0, "")


def test_log_since_a_time_ago(capsys, tmp_path: Path) -> None:
    now = datetime.now(UTC)
    for hours, item in ((50, "old.md"), (5, "earlier.md"), (0.5, "recent.md")):
        audit.append(tmp_path, item, "published", False, True, now=now - timedelta(hours=hours))
    for since, expected in (("2h", ["recent.md"]), ("1d", ["earlier.md", "recent.md"]),
                            ("3d", ["old.md", "earlier.md", "recent.md"])):
        code, out, _ = run(capsys, "log", str(tmp_path), "--since", since, "--json")
        assert code == 0
        assert [json.loads(line)["id"] for line in out.splitlines()] == expected, since


def test_log_json_has_a_fixed_shape(capsys, logged: Path) -> None:
    _, out, _ = run(capsys, "log", str(logged), "--json")
    rows = [json.loads(line) for line in out.splitlines()]
    assert rows[1] == {"time": "2024-05-02T14:00:05.000Z", "user": "bob", "host": "laptop",
                       "id": "2024/05/b.md", "field": "topics", "old": ["AI"], "new": ["AI", "Energy"],
                       "action": "add", "topic": "Energy", "undo": False}
    assert rows[3]["undo"] is True and rows[2]["old"] is None
    assert all(row.keys() == rows[0].keys() for row in rows)


def test_damaged_lines_are_skipped_with_a_count_on_stderr(capsys, logged: Path) -> None:
    path = audit.audit_path(logged)
    with open(path, "ab") as fh:
        fh.write(b"not json\n{\"item\": 1}\n\xff\xfe\n")
    audit.append(logged, "d.md", "published", False, True, user="cy", host="h",
                 now=datetime(2024, 5, 4, tzinfo=UTC))
    code, out, err = run(capsys, "log", str(logged))
    assert code == 0
    assert len(out.splitlines()) == 5 and out.splitlines()[-1].startswith("2024-05-04T00:00:00Z  cy@h  d.md")
    assert err == f"reader: skipped 3 damaged lines of {path}\n"


def test_hostile_text_in_the_log_is_sanitised(capsys, tmp_path: Path) -> None:
    audit.append(tmp_path, "a\x1b[31m.md", "topics", ["\x1b]52;c;AAAA\x07"], [], user="ev\x1bil",
                 host="h\u202eost", now=NOW)
    for flags in ([], ["--json"]):
        code, out, _ = run(capsys, "log", str(tmp_path), *flags)
        assert code == 0
        assert "\x1b" not in out and "\x07" not in out and "\u202e" not in out
    assert "a\u241b[31m.md" in run(capsys, "log", str(tmp_path))[1]


def test_no_log_yet_is_a_note_not_an_error(capsys, small_corpus: Path) -> None:
    code, out, err = run(capsys, "log", str(small_corpus))
    assert (code, out) == (0, "")
    assert err == f"reader: no edits recorded yet ({audit.audit_path(small_corpus)} does not exist)\n"


def test_a_log_that_cannot_be_read_is_one_line_and_exit_1(capsys, tmp_path: Path) -> None:
    audit.audit_path(tmp_path).mkdir(parents=True)  # a folder where the log should be
    code, out, err = run(capsys, "log", str(tmp_path))
    assert (code, out) == (1, "")
    assert len(err.splitlines()) == 1 and "cannot read the audit log" in err


def test_edits_show_up_in_the_log(capsys, small_corpus: Path) -> None:
    root = str(small_corpus)
    run(capsys, "publish", "b.md", "--root", root)
    run(capsys, "tag", "c.md", "--add", "Astronomy", "--remove", "Space", "--root", root)
    _, out, _ = run(capsys, "log", root)
    user = audit.current_user()
    assert [line.split("  ", 2)[1:] for line in out.splitlines()] == [
        [f"{user}@{socket.gethostname()}", "b.md  published: false → true"],
        [f"{user}@{socket.gethostname()}", "c.md  topics: [Space] → [Space, Astronomy]"],
        [f"{user}@{socket.gethostname()}", "c.md  topics: [Space, Astronomy] → [Astronomy]"],
    ]


def test_python_dash_m_reader_log(logged: Path) -> None:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(REPO) + os.pathsep + env.get("PYTHONPATH", "")
    proc = subprocess.run([sys.executable, "-m", "reader", "log", "--root", str(logged),
                           "--since", "2024-05-03"], capture_output=True, timeout=60, env=env, cwd=REPO)
    assert proc.returncode == 0 and proc.stderr == b""
    first = proc.stdout.decode("utf-8").splitlines()[0]
    assert first == "2024-05-03T08:00:00Z  ann@desk  c.md  published: (not set) → false"
