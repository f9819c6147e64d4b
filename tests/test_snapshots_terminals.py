"""Snapshot tests at 80x24 for the terminals readers bring: NO_COLOR (no colour
at all: the cursor is reverse video, marks and errors are characters) and the
Linux console (TERM=linux, 16 colours).

The SVG export always draws in true colour, so the TERM=linux snapshot shows
the layout and characters; that only 16 colours go to the terminal is checked
on a real pty in test_terminals.py.
"""

from __future__ import annotations

import shutil

import pytest

from reader.resources import sample_content_dir
from reader.ui.app import create_app
from tests.conftest import quiet_config, wait_until
from tests.test_snapshots import _detail_shown, _loaded


@pytest.fixture
def no_color(monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")


@pytest.fixture
def linux_console(monkeypatch):
    monkeypatch.setenv("TERM", "linux")
    for name in ("COLORTERM", "FORCE_COLOR", "NO_COLOR", "TEXTUAL_COLOR_SYSTEM"):
        monkeypatch.delenv(name, raising=False)


def copied_app(tmp_path):
    root = tmp_path / "content"
    shutil.copytree(sample_content_dir(), root)  # a copy: the samples are never edited
    return create_app(root, config=quiet_config(enabled=False), preview_service=None, use_index=False)


def test_no_color_main_screen_80x24(snap_compare, no_color, tmp_path):
    app = copied_app(tmp_path)
    assert app.no_color
    assert snap_compare(app, terminal_size=(80, 24), run_before=_loaded)


def test_no_color_marks_and_query_error_80x24(snap_compare, no_color, tmp_path):
    """The triage queue with two items marked (✓), unpublished items (●), the
    cursor on the third, and a malformed query's error (✗) under the search bar."""
    app = copied_app(tmp_path)

    async def run_before(pilot):
        await _loaded(pilot)
        await pilot.press("i", "space", "j", "space")
        await _detail_shown(pilot)
        await pilot.press("slash", *"heat:>")
        await wait_until(pilot, lambda: "✗" in str(app.query_one("#query-hint").visual))
        await pilot.pause()

    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)


def test_linux_console_topics_open_80x24(snap_compare, linux_console, tmp_path):
    app = copied_app(tmp_path)
    assert app.console.color_system == "standard"  # 16 colours, as Rich detects TERM=linux

    async def run_before(pilot):
        await _loaded(pilot)
        await pilot.press("t")
        await pilot.pause()

    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)
