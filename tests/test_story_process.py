"""Stories clustered in a process of their own: the same stories as in the app's
process, a changed file updated there, and the app's process as the fallback."""

from __future__ import annotations

import multiprocessing
from pathlib import Path

import pytest

from reader.core import story_process
from reader.core.story_process import StoryProcess
from reader.core.story_service import StoryService
from tests.conftest import write_item
from tests.test_story_service import OTHER, age, entries, groups, newsroom


def changed_c(root: Path) -> dict[str, tuple[int, int]]:
    write_item(root, "c.md", title="Harbour bridge closes to cars from next spring", excerpt=OTHER,
               publishedDateTime="2021-03-12T18:00:00Z", webUrl="https://ledger.example.com/bridge")
    age(root, "c.md")
    st = (root / "c.md").stat()
    return {"c.md": (st.st_size, st.st_mtime_ns)}


def test_a_process_finds_the_stories_and_updates_a_changed_file(tmp_path: Path) -> None:
    root = newsroom(tmp_path / "content")
    age(root)
    service = StoryProcess(root, cache_directory=tmp_path / "cache", threshold=0)
    try:
        built = service.build(lambda: entries(root))
        assert service.remote and service.local is None  # clustered in the other process
        assert groups(built) == {("a.md", "b.md", "c.md")}
        assert built.of["a.md"].in_rank() == ("b.md", "a.md", "c.md")  # by heat: 80, 40, 10
        stamps = changed_c(root)
        now = {e.id: e for e in entries(root)}
        refreshed = service.refresh(["c.md"], now.get, stamps)
        assert refreshed is not None and groups(refreshed) == {("a.md", "b.md"), ("c.md", "d.md")}
        assert service.map is refreshed
        gone = service.changed([], ["b.md"], {})
        assert gone is not None and groups(gone) == {("c.md", "d.md")}
    finally:
        service.close()
    assert not service.remote
    # The process kept the cache up to date: a start in this process takes every file from it.
    (root / "b.md").unlink()
    here = StoryService(root, cache_directory=tmp_path / "cache")
    assert groups(here.build(lambda: entries(root))) == {("c.md", "d.md")}
    assert here.reused == 3
    here.close()


def test_few_items_are_clustered_in_the_apps_process(tmp_path: Path) -> None:
    root = newsroom(tmp_path / "content")
    service = StoryProcess(root, use_cache=False)  # the default threshold: thousands of items
    assert groups(service.build(lambda: entries(root))) == {("a.md", "b.md", "c.md")}
    assert not service.remote and service.local is not None
    service.close()


def test_without_processes_it_clusters_in_the_apps_process(tmp_path: Path, monkeypatch) -> None:
    root = newsroom(tmp_path / "content")

    class NoProcesses:
        def __getattr__(self, name: str):
            raise OSError("no processes here")

    real = multiprocessing.get_context
    monkeypatch.setattr(story_process.multiprocessing, "get_context",
                        lambda method=None: NoProcesses() if method == "spawn" else real(method))
    service = StoryProcess(root, use_cache=False, threshold=0)
    assert groups(service.build(lambda: entries(root))) == {("a.md", "b.md", "c.md")}
    assert not service.remote and service.local is not None
    service.close()


@pytest.mark.parametrize("when", ["before the change", "before the build"])
def test_a_process_that_dies_leaves_the_work_to_the_apps_process(tmp_path: Path, when: str) -> None:
    root = newsroom(tmp_path / "content")
    age(root)
    service = StoryProcess(root, use_cache=False, threshold=0)
    try:
        if when == "before the build":
            assert service._start()
            service._process.kill()
            service._process.join()
            assert groups(service.build(lambda: entries(root))) == {("a.md", "b.md", "c.md")}
            assert not service.remote and service.local is not None
            return
        service.build(lambda: entries(root))
        assert service.remote
        service._process.kill()
        service._process.join()
        stamps = changed_c(root)
        now = {e.id: e for e in entries(root)}
        refreshed = service.refresh(["c.md"], now.get, stamps)
        assert refreshed is not None and groups(refreshed) == {("a.md", "b.md"), ("c.md", "d.md")}
        assert not service.remote and service.local is not None
    finally:
        service.close()


_CLUSTERING_LIBRARIES = """
import sys
from pathlib import Path
from reader.core.loader import load_all
from reader.core.story_process import StoryProcess

if __name__ == "__main__":
    root, cache = Path(sys.argv[1]), sys.argv[2]
    entries = load_all(root)[0]
    service = StoryProcess(root, cache_directory=cache, threshold=0)
    built = service.build(lambda: entries)
    assert service.remote and built.of, "clustered in the other process"
    service.refresh([e.id for e in entries[:1]], {e.id: e for e in entries}.get, {})
    service.close()
    print(sorted(m for m in ("numpy", "rapidfuzz", "reader.core.stories") if m in sys.modules))
"""


def test_the_app_side_of_a_story_process_loads_no_clustering_library(tmp_path: Path) -> None:
    # numpy and rapidfuzz cost the app ~23 MB of memory at 100k: they belong in the
    # story process, which clusters; the app only makes the map of what comes back.
    import os
    import subprocess
    import sys

    root = newsroom(tmp_path / "content")
    age(root)
    script = tmp_path / "app_side.py"
    script.write_text(_CLUSTERING_LIBRARIES, encoding="utf-8")
    repo = Path(__file__).resolve().parents[1]
    done = subprocess.run([sys.executable, str(script), str(root), str(tmp_path / "cache")], cwd=repo,
                          capture_output=True, text=True, timeout=120,
                          env={**os.environ, "PYTHONPATH": str(repo)})
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1] == "[]"
