"""The list in stories mode: one row per story, its best version, and the counts.

``StoryMap`` is what the UI reads of the clusters: the story of every item in
a story of two or more (items alone are in no story here). It is never
changed, only replaced (patched for the items an update touched), so the UI
thread reads it while a worker clusters.

``collapse`` turns a query's rows into story rows: of each story, the best
version among the rows that matched (highest heat, then quality: ``rank``)
stands in for the others, at its own place in the order; ``×N`` counts the
versions that matched. An expanded story lists its other versions under it.
A pass over the rows with one dict lookup each, and only in stories mode.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field

from reader.core.model import Entry
from reader.core.stories import Story, StoryIndex, rank

__all__ = ["EXPANDED", "VERSION", "Collapsed", "StoryMap", "collapse", "story_counts"]

VERSION = "  ↳ "  # the title prefix of a version listed under its story
EXPANDED = "▾"
COLLAPSED = "▸"


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
    members: dict[str, list[Entry]] = {}
    for entry in rows:
        story = of.get(entry.id)
        if story is not None:
            members.setdefault(story.ids[0], []).append(entry)
    for versions in members.values():
        versions.sort(key=rank)
    out: list[Entry] = []
    prefixes: dict[str, str] = {}
    count = 0
    for entry in rows:
        story = of.get(entry.id)
        if story is None:
            out.append(entry)
            count += 1
            continue
        key = story.ids[0]
        versions = members[key]
        if versions[0] is not entry:
            continue
        out.append(entry)
        count += 1
        if len(versions) > 1:
            if key in expanded:
                prefixes[entry.id] = f"{EXPANDED}×{len(versions)} "
                for other in versions[1:]:
                    out.append(other)
                    prefixes[other.id] = VERSION
            else:
                prefixes[entry.id] = f"{COLLAPSED}×{len(versions)} "
    return Collapsed(out, prefixes, count, members)


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
