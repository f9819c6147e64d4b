"""Pilot tests of the $EDITOR round trip and the audit log screen.

Textual's headless test driver cannot suspend (``can_suspend`` is False, so
``App.suspend`` raises ``SuspendNotSupported``). The round-trip tests let it
claim it can: its suspend and resume then do nothing but what a terminal
would not need, and ``App.suspend`` runs its real code around the editor.
"""

from __future__ import annotations

import json
import stat
import sys
from pathlib import Path

import pytest
from textual.drivers.headless_driver import HeadlessDriver
from textual.widgets import OptionList

from reader.core import audit
from reader.ui.screens.audit_screen import AuditLogScreen
from tests.conftest import wait_loaded, wait_until
from tests.test_app_triage import current, desk, detail_of, make, notes, settled


def editor(tmp_path: Path, body: str) -> Path:
    """A scripted editor: runs ``body`` with ``path`` the file it was given."""
    script = tmp_path / "editor.py"
    script.write_text(f"#!{sys.executable}\nimport sys\npath = sys.argv[-1]\n{body}\n", encoding="utf-8")
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    return script


@pytest.fixture
def suspendable(monkeypatch):
    monkeypatch.setattr(HeadlessDriver, "can_suspend", property(lambda self: True))


async def test_a_good_edit_is_shown_after_return(tmp_path: Path, monkeypatch, suspendable) -> None:
    root = desk(tmp_path)
    script = editor(tmp_path, "data = open(path).read().replace('Hot story', 'Hot story, edited')\n"
                              "open(path, 'w').write(data)")
    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.setenv("EDITOR", str(script))
    app = make(root)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_loaded(pilot)
        await pilot.press("i")
        await detail_of(pilot, "hot.md")
        await pilot.press("E")
        await settled(pilot)
        await wait_until(pilot, lambda: app.current_item.title == "Hot story, edited")
        assert app.catalog.get("hot.md").title == "Hot story, edited"
        assert current(app) == "hot.md"
        assert "Reloaded “Hot story, edited” after editing" in notes(app)
        assert app.triage.session.own_stamp("hot.md") is not None  # live reload: ours, already applied


async def test_a_broken_edit_is_reported_and_kept_as_the_editor_left_it(tmp_path: Path, monkeypatch,
                                                                        suspendable) -> None:
    root = desk(tmp_path)
    broken = "---\\ntitle: [unclosed\\npublished: false\\n---\\nBody kept.\\n"
    script = editor(tmp_path, f"open(path, 'w').write('{broken}')")
    monkeypatch.setenv("VISUAL", str(script))
    monkeypatch.setenv("EDITOR", "/nonexistent/editor")  # VISUAL comes first
    app = make(root)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_loaded(pilot)
        await pilot.press("i")
        await detail_of(pilot, "hot.md")
        await pilot.press("E")
        await settled(pilot)
        note = next(n for n in app._notifications if "hot.md" in str(n.message))
        assert str(note.message).startswith("hot.md: bad YAML")
        assert str(note.message).endswith("; kept as the editor left it")
        assert "\n" not in str(note.message) and note.severity == "error"
        assert "hot.md" not in app.catalog  # it is a load problem now, as on the next start
        assert [p.id for p in app.load_problems] == ["hot.md"] and app.problems == 1
        assert current(app) == "warm.md"
    assert (root / "hot.md").read_text(encoding="utf-8") == broken.replace("\\n", "\n")


async def test_an_editor_that_cannot_start_is_one_line(tmp_path: Path, monkeypatch, suspendable) -> None:
    root = desk(tmp_path)
    before = (root / "hot.md").read_bytes()
    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.setenv("EDITOR", str(tmp_path / "no-such-editor"))
    app = make(root)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_loaded(pilot)
        await pilot.press("i", "E")
        await wait_until(pilot, lambda: app._notifications)
        assert notes(app) == [f"Cannot start the editor {str(tmp_path / 'no-such-editor')!r}: "
                              "file or folder no longer exists"]
        assert app.is_running
    assert (root / "hot.md").read_bytes() == before


async def test_without_a_terminal_to_hand_over_the_editor_is_refused(tmp_path: Path, monkeypatch) -> None:
    root = desk(tmp_path)
    script = editor(tmp_path, "open(path, 'w').write('changed')")
    monkeypatch.setenv("EDITOR", str(script))
    monkeypatch.delenv("VISUAL", raising=False)
    before = (root / "hot.md").read_bytes()
    app = make(root)
    async with app.run_test(size=(100, 30)) as pilot:  # the test driver cannot suspend
        await wait_loaded(pilot)
        await pilot.press("i", "E")
        await wait_until(pilot, lambda: app._notifications)
        assert notes(app) == [
            "This terminal cannot be handed to an editor (suspending is not supported here)"]
    assert (root / "hot.md").read_bytes() == before


# -- the audit log --------------------------------------------------------------------

async def test_the_audit_screen_lists_changes_newest_first_as_literal_text(tmp_path: Path) -> None:
    root = desk(tmp_path)
    audit.append(root, "[@click=app.quit]x[/].md", "published", False, True,
                 user="[b]mallory[/b]", host="[link=file:///etc/passwd]h[/link]")
    with open(audit.audit_path(root), "a", encoding="utf-8") as fh:
        fh.write("not json\n")
        fh.write(json.dumps({"time": "2025-01-01T00:00:00Z", "item": "a.md", "field": "title",
                             "old": "\x1b[31mred", "new": None}) + "\n")
    app = make(root)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_loaded(pilot)
        await pilot.press("i", "P")
        await settled(pilot)
        await pilot.press("plus", *"Space", "enter")
        await settled(pilot)
        await pilot.press("L")
        assert isinstance(app.screen, AuditLogScreen)
        log = app.screen.query_one(OptionList)
        await wait_until(pilot, lambda: log.option_count == 4)
        lines = [str(log.get_option_at_index(i).prompt) for i in range(4)]
        assert "topic + Space" in lines[0] and lines[0].endswith("\n  warm.md")
        assert "published false → true" in lines[1] and lines[1].endswith("\n  hot.md")
        assert "(unknown)  title ␛[31mred → missing" in lines[2]  # the escape shown, not sent
        assert "[b]mallory[/b]@[link=file:///etc/passwd]h[/link]" in lines[3]
        assert lines[3].endswith("\n  [@click=app.quit]x[/].md")
        for i in range(4):
            prompt = log.get_option_at_index(i).prompt
            assert not [s for s in prompt.spans if "link" in str(s.style) or "@click" in str(s.style)]
        title = str(log.border_title)
        assert "4 changes, newest first" in title and "1 damaged line skipped" in title
        await pilot.press("escape")
        assert not isinstance(app.screen, AuditLogScreen)
        assert app.is_running


async def test_an_empty_audit_log_says_so(tmp_path: Path) -> None:
    app = make(desk(tmp_path))
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_loaded(pilot)
        await pilot.press("L")
        log = app.screen.query_one(OptionList)
        await wait_until(pilot, lambda: log.option_count == 1)
        assert str(log.get_option_at_index(0).prompt).startswith("No changes logged yet in ")


async def test_the_palette_reaches_the_triage_actions_and_shows_their_keys(tmp_path: Path) -> None:
    from textual.command import CommandList, CommandPalette

    app = make(desk(tmp_path))
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_loaded(pilot)
        helps = {c.title: c.help for c in app.get_system_commands(app.screen)}
        assert helps["Publish"].endswith("(P)") and helps["Undo"].endswith("(ctrl+z)")
        await pilot.press("ctrl+p")
        await wait_until(pilot, lambda: isinstance(app.screen, CommandPalette))
        await pilot.press(*"audit log")
        commands = app.screen.query_one(CommandList)
        await wait_until(pilot, lambda: commands.option_count >= 1)
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, AuditLogScreen))
