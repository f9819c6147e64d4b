"""Stories kept up to date: restoring from the cache, one changed file, the list's story rows."""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reader.core.loader import load_all
from reader.core.model import Entry
from reader.core.stories import Story, StoryIndex
from reader.core.story_service import StoryService
from reader.core.story_view import StoryMap, code_table, collapse, story_counts, story_counts_at
from tests import story_data as sd
from tests.conftest import write_item
from tests.test_stories import POOL, REWRITES

# -- restoring from what an earlier index kept equals a full build -------------------------

changes = st.lists(st.tuples(st.sampled_from(["change", "remove", "add"]), st.integers(0, len(POOL) - 1),
                             st.integers(0, len(REWRITES) - 1)), max_size=12)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(0, len(POOL)), changes)
def test_restoring_the_unchanged_items_equals_a_full_build(start: int, ops) -> None:
    before = {s.id: s for s in POOL[:start]}
    kept = StoryIndex(sd.entries(before.values()), sd.related(before.values())).cached()
    now = dict(before)
    dirty: set[str] = set()
    for op, i, j in ops:
        target = POOL[i]
        if op == "add":
            now[target.id] = target
        elif op == "change" and target.id in now:
            now[target.id] = replace(REWRITES[j], id=target.id)
        else:
            now.pop(target.id, None)
        dirty.add(target.id)
    cached = {i: c for i, c in kept.items() if i in now and i not in dirty}
    changed = [s for s in now.values() if s.id not in cached]
    restored = StoryIndex(sd.entries(now.values()), sd.related(changed), cached=cached)
    full = StoryIndex(sd.entries(now.values()), sd.related(now.values()))
    assert restored.stories() == full.stories()


# -- the service: a cached start, one changed file -----------------------------------------

LEDE = ("Hugging Face has raised a $40 million Series B funding round, led by Addition. The company builds "
        "an open source library for natural language processing used by thousands of teams.")
OTHER = ("The city council voted on Tuesday to close the old harbour bridge to cars from next spring, "
         "leaving it to cyclists and people on foot.")


def newsroom(root: Path) -> Path:
    for name, provider, heat in (("a.md", "TechCrunch", 40), ("b.md", "Wire", 80), ("c.md", "Ledger", 10)):
        write_item(root, name, title=f"Hugging Face raises $40 million for its language library - {provider}",
                   excerpt=LEDE, publishedDateTime="2021-03-11T15:11:00Z", heat=heat,
                   webUrl=f"https://{provider.lower()}.example.com/hf", provider={"name": provider})
    write_item(root, "d.md", title="Harbour bridge closes to cars next spring", excerpt=OTHER,
               publishedDateTime="2021-03-12T15:11:00Z", heat=5, webUrl="https://city.example.com/bridge")
    return root


def entries(root: Path) -> list[Entry]:
    return sorted(load_all(root)[0], key=lambda e: e.id)


def groups(stories: StoryMap) -> set[tuple[str, ...]]:
    return {s.ids for s in stories.stories()}


def age(root: Path, *names: str) -> None:
    """Files written in the last two seconds are read again on the next start (their
    mtime may still change within its tick): date them back so the cache keeps them."""
    for path in [root / n for n in names] or list(root.iterdir()):
        st_ = path.stat()
        os.utime(path, ns=(st_.st_atime_ns, st_.st_mtime_ns - 10**10))


def test_a_second_start_takes_every_unchanged_file_from_the_cache(tmp_path: Path) -> None:
    root = newsroom(tmp_path / "content")
    age(root)
    first = StoryService(root)
    assert groups(first.build(lambda: entries(root))) == {("a.md", "b.md", "c.md")}
    assert first.reused == 0
    first.close()
    second = StoryService(root)
    assert groups(second.build(lambda: entries(root))) == {("a.md", "b.md", "c.md")}
    assert second.reused == 4
    # One file changed since: only it is compared again.
    write_item(root, "c.md", title="Harbour bridge closes to cars from next spring", excerpt=OTHER,
               publishedDateTime="2021-03-12T18:00:00Z", webUrl="https://ledger.example.com/bridge")
    age(root, "c.md")
    third = StoryService(root)
    assert groups(third.build(lambda: entries(root))) == {("a.md", "b.md"), ("c.md", "d.md")}
    assert third.reused == 3


def test_a_changed_file_moves_to_its_new_story_and_the_cache_follows(tmp_path: Path) -> None:
    root = newsroom(tmp_path / "content")
    age(root)
    service = StoryService(root)
    service.build(lambda: entries(root))
    write_item(root, "c.md", title="Harbour bridge closes to cars from next spring", excerpt=OTHER,
               publishedDateTime="2021-03-12T18:00:00Z", webUrl="https://ledger.example.com/bridge")
    age(root, "c.md")
    st_ = (root / "c.md").stat()
    new = [e for e in entries(root) if e.id == "c.md"]
    stories = service.changed(new, [], {"c.md": (st_.st_size, st_.st_mtime_ns)})
    assert stories is not None and groups(stories) == {("a.md", "b.md"), ("c.md", "d.md")}
    assert service.map.of["d.md"].best == "d.md"  # heat 5 against none
    stories = service.changed([], ["b.md"], {})
    assert stories is not None and groups(stories) == {("c.md", "d.md")}
    (root / "b.md").unlink()
    service.close()
    # The cache now holds what the updates made: a new start agrees with a fresh build.
    again = StoryService(root)
    assert groups(again.build(lambda: entries(root))) == {("c.md", "d.md")}
    assert again.reused == 3
    assert groups(StoryService(root, use_cache=False).build(lambda: entries(root))) == {("c.md", "d.md")}


def test_changes_before_the_first_build_are_left_to_it(tmp_path: Path) -> None:
    service = StoryService(newsroom(tmp_path / "content"), use_cache=False)
    assert service.changed([], ["a.md"], {}) is None


def test_a_damaged_cache_is_emptied_not_an_error(tmp_path: Path) -> None:
    root = newsroom(tmp_path / "content")
    service = StoryService(root)
    assert service.cache is not None
    service.cache.path.parent.mkdir(parents=True, exist_ok=True)
    service.cache.path.write_bytes(b"not a database at all" * 100)
    assert groups(service.build(lambda: entries(root))) == {("a.md", "b.md", "c.md")}


# -- the list's story rows ---------------------------------------------------------------

def _e(name: str, heat: int | None, *, published: bool | None = None, topics: tuple[str, ...] = ()) -> Entry:
    return Entry(name, name.upper(), "P", None, heat, None, published, topics)


def test_collapse_shows_each_storys_best_matching_version_in_place() -> None:
    a, b, c, d, x = _e("a", 10), _e("b", 90), _e("c", 50), _e("d", 1), _e("x", 30)
    story_map = StoryMap({i: s for s in (sd_story("a", "b", best="b"), sd_story("c", "d", best="c"))
                          for i in s.ids})
    rows = [a, x, c, b, d]  # some list order
    out = collapse(rows, story_map)
    assert [e.id for e in out.rows] == ["x", "c", "b"]
    assert out.prefixes == {"c": "▸×2 ", "b": "▸×2 "}
    assert out.stories == 3
    expanded = collapse(rows, story_map, expanded={"a"})
    assert [e.id for e in expanded.rows] == ["x", "c", "b", "a"]
    assert expanded.prefixes["b"] == "▾×2 " and expanded.prefixes["a"] == "  ↳ "
    assert expanded.stories == 3
    # A filter that leaves one version: that one stands for the story, with no ×.
    assert [e.id for e in collapse([a, x], story_map).rows] == ["a", "x"]
    assert collapse([a, x], story_map).prefixes == {}


def test_story_counts_count_each_story_once() -> None:
    items = {e.id: e for e in (_e("a", 1, published=False, topics=("AI",)),
                               _e("b", 2, published=False, topics=("AI", "Law")),
                               _e("c", 3, published=True, topics=("AI",)), _e("x", 4))}
    story_map = StoryMap({i: sd_story("a", "b", "c", best="c") for i in "abc"})
    total, unpublished, topics = story_counts(story_map, items.get)
    assert (total, unpublished) == (2, 1)
    assert topics == {"AI": 2}
    # The same from the entries' story codes (what stories mode uses).
    listed = list(items.values())
    assert story_counts_at(listed, code_table(listed, story_map)) == (total, unpublished, topics)


def sd_story(*ids: str, best: str):
    from reader.core.stories import Story

    return Story(best, tuple(sorted(ids)))


# -- collapse agrees with a slow reference on generated lists -------------------------------

def reference_collapse(rows: list[Entry], story_map: StoryMap, expanded: set[str]) -> tuple[list[str], dict, int]:
    """The list in stories mode, one row at a time: each story's best matching
    version (first in ``Story.in_rank``) at its own place, the others under it if open."""
    matched: dict[str, list[str]] = {}
    for e in rows:
        story = story_map.of.get(e.id)
        if story is not None:
            matched.setdefault(story.ids[0], []).append(e.id)
    out: list[str] = []
    prefixes: dict[str, str] = {}
    for e in rows:
        story = story_map.of.get(e.id)
        versions = [] if story is None else [i for i in story.in_rank() if i in matched[story.ids[0]]]
        if len(versions) < 2:
            out.append(e.id)
        elif e.id == versions[0]:
            is_open = story is not None and story.ids[0] in expanded
            prefixes[e.id] = f"{'▾' if is_open else '▸'}×{len(versions)} "
            out.append(e.id)
            if is_open:
                out.extend(versions[1:])
                prefixes.update((i, "  ↳ ") for i in versions[1:])
    shown = sum(1 for e in rows if (s := story_map.of.get(e.id)) is None
                or next(i for i in s.in_rank() if i in matched[s.ids[0]]) == e.id)
    return out, prefixes, shown


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(0, 5), min_size=0, max_size=30), st.randoms(use_true_random=False),
       st.sets(st.integers(0, 5)))
def test_collapse_agrees_with_a_reference(story_of: list[int], rnd, opened: set[int]) -> None:
    ids = [f"i{n:02d}" for n in range(len(story_of))]
    groups: dict[int, list[str]] = {}
    for item_id, s in zip(ids, story_of, strict=True):
        if s:  # 0: alone
            groups.setdefault(s, []).append(item_id)
    stories = []
    for members in groups.values():
        if len(members) > 1:
            ranked = tuple(rnd.sample(members, len(members)))
            stories.append(Story(ranked[0], tuple(sorted(members)), ranked))
    story_map = StoryMap.of_stories(stories)
    rows = [_e(i, None) for i in ids if rnd.random() < 0.8]
    rnd.shuffle(rows)
    expanded = {s.ids[0] for n, s in enumerate(stories) if n in opened}
    out = collapse(rows, story_map, expanded)
    want_rows, want_prefixes, want_shown = reference_collapse(rows, story_map, expanded)
    assert [e.id for e in out.rows] == want_rows
    assert out.prefixes == want_prefixes
    assert out.stories == want_shown


def test_query_positions_are_the_query_rows_indices() -> None:
    from reader.core.catalog import Catalog
    from reader.core.query import Published, Query, SortKey

    items = [_e(f"i{n}", n % 7 or None, published=n % 3 == 0, topics=("AI",) if n % 2 else ()) for n in range(40)]
    catalog = Catalog(items)
    catalog.apply([_e("i5", 99)], ["i6"])  # a changed catalog: the indices follow it
    for q in (Query(), Query().with_sort(SortKey.HEAT), Query(topic="AI"), Query(published=Published.UNPUBLISHED),
              Query(search="i1"), Query(search="nothing-matches")):
        entries, positions = catalog.query_positions(q)
        assert [entries[p] for p in positions] == catalog.query(q)
