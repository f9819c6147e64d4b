"""Snapshot tests of the main screen on the bundled sample content."""

from __future__ import annotations

import shutil

from reader.resources import sample_content_dir
from reader.ui.app import create_app
from reader.ui.widgets.article_list import ArticleList
from tests.conftest import quiet_config, wait_loaded, wait_until


class _NeverFires:
    def stop(self) -> None:
        pass


def _unread_stays(app):
    """Nothing becomes read while a snapshot is taken, however slow the machine."""
    app.reading.set_timer = lambda delay, callback: _NeverFires()
    return app


def sample_app():
    return _unread_stays(create_app(sample_content_dir(), config=quiet_config(enabled=False),
                                    preview_service=None, use_index=False))


async def _loaded(pilot) -> None:
    await wait_loaded(pilot)
    app = pilot.app  # the unread marks and counts are worked out (a worker) before the snapshot
    await wait_until(pilot, lambda: app.unread_count is not None and not app.reading.marks.stale)
    # the saved views' counts come from a worker: in the picture, every time
    await wait_until(pilot, lambda: len(app.view_counts) == len(app.saved_views))
    await _detail_shown(pilot)


async def _detail_shown(pilot) -> None:
    """Until the detail pane shows the item under the cursor."""
    app = pilot.app
    articles = app.query_one(ArticleList)
    await wait_until(pilot, lambda: articles.highlighted is not None and app.current_item is not None
                     and app.current_item.id == articles.highlighted.id)
    await pilot.pause()


def test_main_screen_80x24(snap_compare):
    assert snap_compare(sample_app(), terminal_size=(80, 24), run_before=_loaded)


def test_main_screen_160x48(snap_compare):
    assert snap_compare(sample_app(), terminal_size=(160, 48), run_before=_loaded)


def test_narrow_with_topics_open_80x24(snap_compare):
    async def run_before(pilot):
        await _loaded(pilot)
        await pilot.press("t")
        await pilot.pause()

    assert snap_compare(sample_app(), terminal_size=(80, 24), run_before=run_before)


def test_search_and_sort_80x24(snap_compare):
    async def run_before(pilot):
        await _loaded(pilot)
        await pilot.press("s", "slash", *"energy", "enter")
        await _detail_shown(pilot)

    assert snap_compare(sample_app(), terminal_size=(80, 24), run_before=run_before)


def test_triage_queue_with_marks_80x24(snap_compare, tmp_path):
    """The triage queue (i): unpublished only, hottest first, two items marked."""
    root = tmp_path / "content"
    shutil.copytree(sample_content_dir(), root)  # a copy: the samples are never edited
    app = _unread_stays(create_app(root, config=quiet_config(enabled=False), preview_service=None,
                                   use_index=False))

    async def run_before(pilot):
        await _loaded(pilot)
        await pilot.press("i", "space", "j", "space")
        await _detail_shown(pilot)

    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)
