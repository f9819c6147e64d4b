"""Stories over several content roots: each item's related list is read in its
own root, so versions in different roots join (in the CLI, the service, the
story process and the app)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from reader.cli import main
from reader.core.roots import Roots, label_entries
from reader.core.story_process import StoryProcess
from reader.core.story_service import StoryService, cache_key
from reader.ui.app import create_app
from reader.ui.widgets.article_list import ArticleList
from tests.conftest import quiet_config, wait_loaded, wait_until
from tests.test_cli_stories import newsroom
from tests.test_story_service import age, entries, groups

__all__ = ["newsroom"]


@pytest.fixture
def split(newsroom: Path, tmp_path: Path) -> Roots:
    """The newsroom in two roots: c.md, which joins a.md's story only through its
    related list, in the second."""
    first, second = tmp_path / "one" / "content", tmp_path / "two" / "content"
    first.parent.mkdir()
    newsroom.rename(first)
    second.mkdir(parents=True)
    (first / "c.md").rename(second / "c.md")
    return Roots.of([first, second])


def labelled(roots: Roots):
    out = []
    for label, path in roots:
        out.extend(label_entries(label, entries(path)))
    return out


def test_list_stories_joins_versions_across_roots(capsys, split: Roots) -> None:
    code = main(["list", *(str(p) for p in split.paths), "--stories", "--json"])
    out, err = capsys.readouterr()
    assert (code, err) == (0, "")
    assert [json.loads(line) for line in out.splitlines()] == [
        {"id": "one-content/d.md", "ids": ["one-content/d.md"]},
        {"id": "one-content/b.md", "ids": ["two-content/c.md", "one-content/b.md", "one-content/a.md", "one-content/e.md"]},
    ]


def test_the_service_reads_related_lists_in_each_root_and_caches_per_set_of_roots(
        split: Roots, tmp_path: Path) -> None:
    for path in split.paths:
        age(path)
    cache = tmp_path / "cache"
    service = StoryService(split, cache_directory=cache)
    want = {("one-content/a.md", "one-content/b.md", "one-content/e.md", "two-content/c.md")}
    assert groups(service.build(lambda: labelled(split))) == want
    service.close()
    again = StoryService(split, cache_directory=cache)
    assert groups(again.build(lambda: labelled(split))) == want
    assert again.reused == 5  # every file from this set of roots' cache
    again.close()
    assert cache_key(split) != cache_key(Roots.of(split.primary))
    assert cache_key(Roots.of(split.primary)) == str(split.primary)  # one root: its cache as before


def test_a_story_process_takes_several_roots(split: Roots, tmp_path: Path) -> None:
    service = StoryProcess(split, use_cache=False, threshold=0)
    try:
        built = service.build(lambda: labelled(split))
        assert service.remote
        assert "two-content/c.md" in built.of["one-content/a.md"].ids
    finally:
        service.close()


async def test_stories_mode_joins_versions_in_two_roots(split: Roots) -> None:
    app = create_app(split, config=quiet_config(enabled=False), use_index=False)
    async with app.run_test(size=(120, 30)) as pilot:
        await wait_loaded(pilot)
        await wait_until(pilot, lambda: app.stories.ready)
        await pilot.press("equals_sign")
        await wait_until(pilot, lambda: len(app.rows) == 2)
        assert [e.id for e in app.rows] == ["one-content/d.md", "one-content/b.md"]
        assert app.query_one(ArticleList).title_prefixes == {"one-content/b.md": "▸×4 "}
        assert "two-content/c.md" in app.stories.map.of["one-content/b.md"].ids
