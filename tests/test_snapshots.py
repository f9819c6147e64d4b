"""Snapshot tests of the main screen on the bundled sample content."""

from __future__ import annotations

from reader.resources import sample_content_dir
from reader.ui.app import create_app
from tests.conftest import quiet_config, wait_loaded


def sample_app():
    return create_app(sample_content_dir(), config=quiet_config(enabled=False),
                      preview_service=None, use_index=False)


async def _loaded(pilot) -> None:
    await wait_loaded(pilot)
    await pilot.pause(0.1)


def test_main_screen_80x24(snap_compare):
    assert snap_compare(sample_app(), terminal_size=(80, 24), run_before=_loaded)


def test_main_screen_160x48(snap_compare):
    assert snap_compare(sample_app(), terminal_size=(160, 48), run_before=_loaded)


def test_narrow_with_topics_open_80x24(snap_compare):
    async def run_before(pilot):
        await _loaded(pilot)
        await pilot.press("t")
        await pilot.pause(0.1)

    assert snap_compare(sample_app(), terminal_size=(80, 24), run_before=run_before)


def test_search_and_sort_80x24(snap_compare):
    async def run_before(pilot):
        await _loaded(pilot)
        await pilot.press("s", "slash", *"energy", "enter")
        await pilot.pause(0.3)

    assert snap_compare(sample_app(), terminal_size=(80, 24), run_before=run_before)
