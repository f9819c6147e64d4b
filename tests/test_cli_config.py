"""`reader config --path/--init/--check` and `reader keys`."""

from __future__ import annotations

import os
from pathlib import Path

from reader.cli import main
from reader.core.config import Config, load_config
from reader.core.config_text import config_text
from reader.core.keymap import markdown_table


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def config_file() -> Path:
    return Path(os.environ["READER_CONFIG"])  # the test's own (tests/conftest.py)


def test_path_prints_the_file(capsys) -> None:
    assert run(capsys, "config", "--path") == (0, f"{config_file()}\n", "")


def test_init_writes_a_default_that_checks_clean_and_changes_nothing(capsys) -> None:
    path = config_file()
    code, out, _ = run(capsys, "config", "--init")
    assert code == 0 and out == f"wrote {path}\n"
    assert path.read_text(encoding="utf-8") == config_text()
    loaded = load_config(path)
    assert loaded == Config() and loaded.warnings == ()
    assert run(capsys, "config", "--check") == (0, f"{path}: no problems\n", "")


def test_init_does_not_overwrite_without_force(capsys) -> None:
    path = config_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text('theme = "nord"\n', encoding="utf-8")
    code, out, err = run(capsys, "config", "--init")
    assert code == 2 and out == "" and err == f"reader: {path} exists; --force replaces it\n"
    assert path.read_text(encoding="utf-8") == 'theme = "nord"\n'
    assert run(capsys, "config", "--init", "--force")[0] == 0
    assert path.read_text(encoding="utf-8") == config_text()


def test_check_prints_each_problem_and_exits_1(capsys) -> None:
    path = config_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text('theme = "no-such-theme"\nwach = true\n[keys]\nsort = "escap"\n'
                    '[views]\nmine = "x"\n', encoding="utf-8")
    code, out, err = run(capsys, "config", "--check")
    assert code == 1 and err == ""
    assert out.splitlines() == [
        f"{path}: wach: unknown setting; did you mean 'watch'?",
        f"{path}: keys.sort: 'escap' is not a key; did you mean 'escape'?; using the default",
        f"{path}: theme: unknown theme 'no-such-theme'; using the default",
    ]


def test_check_without_a_file_says_the_defaults_are_used(capsys) -> None:
    assert run(capsys, "config", "--check") == (
        0, f"{config_file()}: no such file; the defaults are used\n", "")


def test_keys_lists_the_remapped_key_and_markdown_is_the_readme_table(capsys) -> None:
    path = config_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text('[keys]\npublish = "ctrl+o"\n', encoding="utf-8")
    code, out, _ = run(capsys, "keys")
    assert code == 0
    line = next(li for li in out.splitlines() if " triage.publish " in li)
    assert line.split()[0] == "ctrl+o"
    assert run(capsys, "keys", "--markdown", "--defaults") == (0, markdown_table(), "")
    assert "| Ctrl+O | `triage.publish` |" in run(capsys, "keys", "--markdown")[1]


def test_the_app_opens_the_first_configured_root(fake_app, tmp_path) -> None:
    root = tmp_path / "news"
    root.mkdir()
    path = config_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f'roots = ["{root}"]\n', encoding="utf-8")
    assert main([]) == 0
    assert [Path(opened) for opened in fake_app.opened] == [root]
