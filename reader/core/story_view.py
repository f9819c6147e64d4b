"""The list in stories mode: one row per story, its best version, and the counts.

``StoryMap`` is what the UI reads of the clusters: the story of every item in
a story of two or more (items alone are in no story here). It is never
changed, only replaced (patched for the items an update touched), so the UI
thread reads it while a worker clusters.

``collapse`` turns a query's rows into story rows: of each story, the best
version among the rows that matched (highest heat, then quality: ``rank``)
stands in for the others, at its own place in the order; ``×N`` counts the
versions that matched. An expanded story lists its other versions under it.
C-level passes over the rows (a dict lookup each), Python steps only for
the rows that are in a story; and only in stories mode.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import compress
from operator import attrgetter

from reader.core.model import Entry
from reader.core.stories import Story, StoryIndex, rank

__all__ = ["EXPANDED", "VERSION", "Collapsed", "StoryMap", "collapse", "story_counts"]

VERSION = "  ↳ "  # the title prefix of a version listed under its story
EXPANDED = "▾"
COLLAPSED = "▸"
_id = attrgetter("id")


@dataclass(frozen=True)
class StoryMap:
    of: Mapping[str, Story] = field(default_factory=dict)  # id -> its story (stories of 2+ only)

    @classmethod
    def of_index(cls, index: StoryIndex) -> StoryMap:
        of: dict[str, Story] = {}
        for story in index.stories(singles=False):
            for item_id in story.ids:
                of[item_id] = story
        return cls(of)

    def patched(self, index: StoryIndex, affected: Collection[str]) -> StoryMap:
        """This map after an update that touched the stories of ``affected``."""
        of = dict(self.of)
        for item_id in affected:
            of.pop(item_id, None)
        for item_id in affected:
            if item_id in of:
                continue
            story = index.story_of(item_id)
            if story is not None and len(story) > 1:
                for member in story.ids:
                    of[member] = story
        return StoryMap(of)

    def key(self, item_id: str) -> str | None:
        """The story's key (its first id), or None for an item alone."""
        story = self.of.get(item_id)
        return story.ids[0] if story is not None else None

    def stories(self) -> list[Story]:
        """Every story of 2+, once."""
        return list({s.ids: s for s in self.of.values()}.values())


@dataclass(frozen=True)
class Collapsed:
    rows: list[Entry]  # what the list shows
    prefixes: dict[str, str]  # id -> what goes before its title ("▸×3 ", "  ↳ ")
    stories: int  # rows that are stories (not versions listed under an expanded one)
    members: dict[str, list[Entry]]  # story key -> its versions among the rows, best first


def collapse(rows: Sequence[Entry], stories: StoryMap, expanded: Collection[str] = ()) -> Collapsed:
    of = stories.of
    if not of:
        return Collapsed(list(rows), {}, len(rows), {})
    found = list(map(of.get, map(_id, rows)))  # C-level passes; most rows are in no story
    members: dict[str, list[Entry]] = {}
    position: dict[str, int] = {}
    for at in compress(range(len(rows)), found):
        story = found[at]
        assert story is not None
        entry = rows[at]
        members.setdefault(story.ids[0], []).append(entry)
        position[entry.id] = at
    prefixes: dict[str, str] = {}
    edits: list[tuple[int, list[Entry]]] = []  # (row to replace, what takes its place)
    dropped = 0
    for key, versions in members.items():
        if len(versions) < 2:
            continue
        versions.sort(key=rank)
        best, others = versions[0], versions[1:]
        dropped += len(others)
        edits.extend((position[e.id], []) for e in others)
        if key in expanded:
            prefixes[best.id] = f"{EXPANDED}×{len(versions)} "
            edits.append((position[best.id], versions))
            prefixes.update((e.id, VERSION) for e in others)
        else:
            prefixes[best.id] = f"{COLLAPSED}×{len(versions)} "
    if not edits:
        return Collapsed(list(rows), prefixes, len(rows), members)
    edits.sort(key=lambda edit: edit[0])
    out: list[Entry] = []
    start = 0
    for at, instead in edits:
        out.extend(rows[start:at])
        out.extend(instead)
        start = at + 1
    out.extend(rows[start:])
    return Collapsed(out, prefixes, len(rows) - dropped, members)


def story_counts(stories: StoryMap, get: Callable[[str], Entry | None]) -> tuple[int, int, Counter[str]]:
    """How many items stories mode does not count, because another version of
    their story counts for them: (of all, of the unpublished, per topic)."""
    total, unpublished, topics = 0, 0, Counter[str]()
    for story in stories.stories():
        entries = [e for e in map(get, story.ids) if e is not None]
        if not entries:
            continue
        total += len(entries) - 1
        unpublished += max(0, sum(e.published is False for e in entries) - 1)
        per_topic = Counter(t for e in entries for t in set(e.topics))
        for topic, n in per_topic.items():
            if n > 1:
                topics[topic] += n - 1
    return total, unpublished, topics
