"""Bad paths and ids on the command line: one line on stderr, a non-zero exit,
never a traceback -- for every subcommand and for opening the app. Names that
are not UTF-8 print as U+FFFD and keep ``--json`` valid; table columns are
measured in terminal cells."""

from __future__ import annotations

import errno
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from rich.cells import cell_len

from reader.cli import main
from reader.core.sanitize import CLIP_LIMIT, ELLIPSIS
from tests.conftest import deny

REPO = Path(__file__).resolve().parents[1]
ROOT_USER = os.geteuid() == 0
LONG_NAME = "n" * 300  # one name longer than NAME_MAX (255): ENAMETOOLONG
LONG_PATH = "/".join(["d" * 200] * 25)  # longer than PATH_MAX (4096): ENAMETOOLONG
BAD_NAME = os.fsdecode(b"bad\x9bname.md")  # not UTF-8: Python spells it with '\udc9b'


def item(title: str, provider: str = "Desk", date: str = "2025-01-05") -> str:
    return (f'---\ntitle: "{title}"\nprovider: "{provider}"\n'
            f"publishedDateTime: {date}\nheat: 50\nquality: 50\n---\n")


@pytest.fixture(autouse=True)
def _never_start_the_app(monkeypatch):
    """A bad PATH must stop ``reader PATH`` before the app starts (a regression
    would otherwise hang the test in a running app)."""
    import reader.ui.app

    def refuse(*args, **kwargs):
        pytest.fail("the app was started")  # a BaseException: main() cannot swallow it

    monkeypatch.setattr(reader.ui.app, "create_app", refuse)


@pytest.fixture
def root(tmp_path: Path) -> Path:
    root = tmp_path / "content"
    root.mkdir()
    (root / "a.md").write_text(item("Alpha"), encoding="utf-8")
    os.symlink("loop", root / "loop")  # ln -s loop loop
    return root


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def assert_one_line_error(code: int, out: str, err: str, arg: str | None = None) -> str:
    assert code != 0
    assert out == ""
    assert "Traceback" not in err
    lines = err.splitlines()
    assert len(lines) == 1, err
    line = lines[0]
    assert line.startswith("reader: ")
    line.encode("utf-8")  # strict: nothing unprintable
    if arg is not None and len(arg) > CLIP_LIMIT:  # the argument quoted, cut short
        assert arg not in line and arg[: CLIP_LIMIT - 1] + ELLIPSIS in line
        assert len(line) < CLIP_LIMIT + 80
    return line


# Every way of naming a content root on the command line (the app's included).
PATH_COMMANDS = {
    "list": lambda p: ["list", p],
    "check": lambda p: ["check", p],
    "show": lambda p: ["show", "a.md", p],
    "preview --item": lambda p: ["preview", "--item", "a.md", p],
    "app": lambda p: [p],
}
ID_COMMANDS = {
    "show": lambda i, p: ["show", i, p],
    "show --json": lambda i, p: ["show", i, p, "--json"],
    "preview --item": lambda i, p: ["preview", "--item", i, p],
}


# -- PATH -------------------------------------------------------------------------------------

@pytest.mark.parametrize("command", PATH_COMMANDS)
@pytest.mark.parametrize("long", [LONG_NAME, LONG_PATH], ids=["long-name", "long-path"])
def test_a_path_too_long(capsys, command: str, long: str) -> None:
    line = assert_one_line_error(*run(capsys, *PATH_COMMANDS[command](long)), arg=long)
    # (the long path's first folder does not exist, and the path is resolved a folder at a time)
    assert line.endswith("File name too long" if long is LONG_NAME else "no such directory")


@pytest.mark.parametrize("command", PATH_COMMANDS)
def test_a_self_looping_symlink_as_path(capsys, command: str, root: Path) -> None:
    line = assert_one_line_error(*run(capsys, *PATH_COMMANDS[command](str(root / "loop"))))
    assert line.endswith("Too many levels of symbolic links")


@pytest.mark.parametrize("command", PATH_COMMANDS)
def test_an_unreadable_directory_as_path(capsys, monkeypatch, command: str, root: Path) -> None:
    deny(monkeypatch, root)
    line = assert_one_line_error(*run(capsys, *PATH_COMMANDS[command](str(root))))
    assert line == f"reader: {root}: cannot read: Permission denied"


@pytest.mark.skipif(ROOT_USER, reason="root can read a chmod 000 directory")
@pytest.mark.parametrize("command", PATH_COMMANDS)
def test_a_chmod_000_directory_as_path(capsys, command: str, root: Path) -> None:
    root.chmod(0)
    try:
        line = assert_one_line_error(*run(capsys, *PATH_COMMANDS[command](str(root))))
    finally:
        root.chmod(0o755)
    assert line.endswith("Permission denied")


@pytest.mark.parametrize("command", PATH_COMMANDS)
def test_a_long_missing_path_is_clipped(capsys, command: str, tmp_path: Path) -> None:
    missing = str(tmp_path / ("m" * 250))  # a valid name, just not there
    line = assert_one_line_error(*run(capsys, *PATH_COMMANDS[command](missing)), arg=missing)
    assert line.endswith("no such directory")


# -- ID -----------------------------------------------------------------------------------------

@pytest.mark.parametrize("command", ID_COMMANDS)
@pytest.mark.parametrize("long", [LONG_NAME, LONG_PATH], ids=["long-name", "long-path"])
def test_an_id_too_long(capsys, command: str, long: str, root: Path) -> None:
    line = assert_one_line_error(*run(capsys, *ID_COMMANDS[command](long, str(root))), arg=long)
    assert line.endswith("File name too long")


@pytest.mark.parametrize("command", ID_COMMANDS)
def test_a_self_looping_symlink_as_id(capsys, command: str, root: Path) -> None:
    line = assert_one_line_error(*run(capsys, *ID_COMMANDS[command]("loop", str(root))))
    assert line.endswith("Too many levels of symbolic links")


@pytest.mark.parametrize("command", ID_COMMANDS)
def test_an_unreadable_file_as_id(capsys, monkeypatch, command: str, root: Path) -> None:
    deny(monkeypatch, root / "a.md")
    line = assert_one_line_error(*run(capsys, *ID_COMMANDS[command]("a.md", str(root))))
    assert line.endswith("a.md: cannot read: Permission denied")


@pytest.mark.parametrize("command", ID_COMMANDS)
def test_an_id_in_an_unreadable_folder(capsys, monkeypatch, command: str, root: Path) -> None:
    (root / "sub").mkdir()
    (root / "sub" / "b.md").write_text(item("Beta"), encoding="utf-8")
    real_stat = os.stat
    sub = os.path.realpath(root / "sub")

    def stat(path, *args, **kwargs):  # no search permission on sub/: its files cannot be looked at
        if os.fsdecode(path).startswith(sub + os.sep):
            raise PermissionError(errno.EACCES, "Permission denied", os.fsdecode(path))
        return real_stat(path, *args, **kwargs)

    monkeypatch.setattr(os, "stat", stat)
    line = assert_one_line_error(*run(capsys, *ID_COMMANDS[command]("sub/b.md", str(root))))
    assert line.endswith("sub/b.md: cannot read: Permission denied")


# -- through the real entry point: nothing but one line on stderr ------------------------------

def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(REPO) + os.pathsep + env.get("PYTHONPATH", "")
    return env


def reader(*argv: str | bytes) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([sys.executable, "-m", "reader", *argv], capture_output=True,
                          timeout=60, env=_env(), cwd=REPO)


def test_python_dash_m_reader_never_prints_a_traceback(root: Path) -> None:
    for argv in (["list", LONG_PATH], ["check", str(root / "loop")], ["show", LONG_NAME, str(root)],
                 ["show", "loop", str(root)], ["preview", "--item", "loop", str(root)],
                 [LONG_NAME]):
        proc = reader(*argv)
        err = proc.stderr.decode("utf-8")
        assert proc.returncode != 0 and proc.stdout == b"", argv
        assert "Traceback" not in err, argv
        assert len(err.splitlines()) == 1 and err.startswith("reader: "), (argv, err)
        assert len(err) < CLIP_LIMIT + 80, argv


# -- names that are not UTF-8 -------------------------------------------------------------------

@pytest.fixture
def bad_names(tmp_path: Path) -> Path:
    root = tmp_path / "content"
    root.mkdir()
    (root / "a.md").write_text(item("Alpha"), encoding="utf-8")
    with open(os.path.join(os.fsencode(root), b"bad\x9bname.md"), "wb") as fh:
        fh.write(item("Bad name").encode())
    with open(os.path.join(os.fsencode(root), b"worse\x9b.md"), "wb") as fh:
        fh.write(b"---\ntitle: [unclosed\n---\n")
    return root


def test_list_json_is_valid_utf8_and_shows_the_name_visibly(bad_names: Path) -> None:
    proc = reader("list", str(bad_names), "--json")
    assert proc.returncode == 0
    rows = [json.loads(line) for line in proc.stdout.decode("utf-8").splitlines()]  # strict
    by_title = {row["title"]: row["id"] for row in rows}
    # the raw name opened the file (the full item is read again for --json) ...
    assert by_title == {"Alpha": "a.md", "Bad name": "bad\ufffdname.md"}
    # ... and the bad file is named, visibly, on stderr
    (line,) = proc.stderr.decode("utf-8").splitlines()
    assert line.startswith("reader: skipped worse\ufffd.md: bad YAML")


@pytest.mark.parametrize("json_flag", [[], ["--json"]])
def test_list_in_process_prints_no_surrogate(capsys, bad_names: Path, json_flag) -> None:
    code, out, err = run(capsys, "list", str(bad_names), *json_flag)
    assert code == 0
    (out + err).encode("utf-8")
    assert "\ufffd" in err


def test_check_names_a_bad_name_visibly(capsys, bad_names: Path) -> None:
    code, out, _ = run(capsys, "check", str(bad_names))
    assert code == 1
    out.encode("utf-8")
    assert any(line.startswith("worse\ufffd.md: bad YAML") for line in out.splitlines())
    code, out, _ = run(capsys, "check", str(bad_names), "--json")
    out.encode("utf-8")
    assert [p["id"] for p in json.loads(out)["problems"]] == ["worse\ufffd.md"]


def test_show_opens_the_raw_name_and_prints_it_sanitised(capsys, bad_names: Path) -> None:
    code, out, err = run(capsys, "show", BAD_NAME, str(bad_names), "--json")
    assert code == 0 and err == ""
    out.encode("utf-8")
    data = json.loads(out)
    assert data["id"] == "bad\ufffdname.md" and data["title"] == "Bad name"
    code, out, _ = run(capsys, "show", BAD_NAME, str(bad_names))
    assert code == 0 and out.startswith("Bad name")


def test_show_error_for_a_bad_name(capsys, bad_names: Path) -> None:
    missing = os.fsdecode(b"gone\x9b.md")
    line = assert_one_line_error(*run(capsys, "show", missing, str(bad_names)))
    assert "gone\ufffd.md: cannot read" in line
    line = assert_one_line_error(*run(capsys, "show", os.fsdecode(b"worse\x9b.md"),
                                      str(bad_names)))
    assert "worse\ufffd.md: bad YAML" in line


def test_show_by_bytes_argv_through_the_entry_point(bad_names: Path) -> None:
    proc = reader(b"show", b"bad\x9bname.md", os.fsencode(bad_names), b"--json")
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout.decode("utf-8"))["id"] == "bad\ufffdname.md"


# -- the table: columns measured in terminal cells -----------------------------------------------

def test_table_columns_line_up_with_wide_and_zero_width_characters(capsys, tmp_path: Path) -> None:
    root = tmp_path / "content"
    root.mkdir()
    titles = {
        "cjk.md": ("日本語のニュースの見出しがとても長い場合には列からはみ出してしまうのでしょうか", "新華社通信新華社通信新華社通信新華社通信"),
        "cjk2.md": ("ab日本語のニュースの見出しがとても長い場合には列からはみ出してしまうのでしょうか", "共同通信"),
        "emoji.md": ("🤖 Robots 👩\u200d💻 coders 🎉🎉🎉 and a party", "Emoji 📰 Desk"),
        "long-emoji.md": ("🎉" * 40, "📰" * 20),
        "combining.md": ("Cafe\u0301 culture in Zu\u0308rich, n\u0303 and a\u0301\u0301 stacked", "Ünïcödé Dèsk"),
        "ascii.md": ("A plain ASCII title that is long enough to need cutting at the end", "Plain"),
    }
    for i, (name, (title, provider)) in enumerate(titles.items()):
        (root / name).write_text(item(title, provider, f"2025-01-{i + 1:02d}"), encoding="utf-8")
    code, out, _ = run(capsys, "list", str(root))
    assert code == 0
    lines = out.splitlines()
    assert len(lines) == 1 + len(titles)
    # the ID comes last, whole (to be copied); every column before it ends at the same cell
    before_id = [line[: line.rindex("  ") + 2] for line in lines]
    widths = {cell_len(part) for part in before_id}
    assert widths == {cell_len(before_id[0])}, [(cell_len(line), line) for line in lines]
    assert lines[0].endswith("  ID")
    assert {line[len(part):] for part, line in zip(before_id[1:], lines[1:], strict=True)} == set(titles)
    # the provider column starts at the same cell in every line
    header = lines[0]
    provider_cells = cell_len(header[: header.index("PROVIDER")])
    rows = lines[1:]  # newest first: the reverse of the order written
    for line, (_title, provider) in zip(rows, reversed(list(titles.values())), strict=False):
        start = line.index(provider[:2])
        assert cell_len(line[:start]) == provider_cells, line
    assert ELLIPSIS in next(line for line in rows if "ab日本語" in line)
    assert ELLIPSIS in next(line for line in rows if "🎉🎉" in line)
    assert next(line for line in rows if "Cafe\u0301" in line).count(ELLIPSIS) == 0


SAMPLES = ["plain", "Überschrift — “quoted” ’", "日本語のニュース", "한국어 뉴스", "🤖 robots 🎉",
           "👩\u200d💻 coder", "Cafe\u0301 n\u0303", "Ｆｕｌｌｗｉｄｔｈ", "mixed 中文 and 🚀 ok",
           "Ελληνικά и русский"]


@pytest.mark.parametrize("text", SAMPLES)
def test_cell_width_agrees_with_the_terminal_measure(text: str) -> None:
    from reader.core.cells import cell_width

    assert cell_width(text) == cell_len(text)


@pytest.mark.parametrize("text", SAMPLES)
def test_fit_gives_exactly_the_cells_asked_for(text: str) -> None:
    from reader.core.cells import fit

    for cells in range(2, 24):
        out = fit(text, cells)
        assert cell_len(out) == cells, (cells, out)
        if cell_len(text) > cells:
            assert out.rstrip(" ").endswith(ELLIPSIS)
        else:
            assert out.rstrip(" ") == text.rstrip(" ")
