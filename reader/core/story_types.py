"""What the app keeps of the story clusters, without the clustering.

``Story`` and ``StoryConfig`` (``reader.core.stories`` clusters with them) and
``StoryMap`` (``reader.core.story_view`` shows it) in a module that imports
neither numpy nor rapidfuzz: at scale the clustering runs in a process of its
own (``reader.core.story_process``) and the app only makes the map of what
comes back, so the app does not load the clustering's libraries (~23 MB of
its memory at 100k) unless it clusters itself or shows stories mode.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from reader.core.model import Entry

if TYPE_CHECKING:
    from reader.core.stories import StoryIndex

__all__ = ["RELATED_MODES", "STRIDE", "Story", "StoryConfig", "StoryMap", "split_changes"]

RELATED_MODES = ("corroborated", "trusted", "off")
STRIDE = 1 << 24  # versions a story may have (its place is below this)


@dataclass(frozen=True, slots=True)
class Story:
    best: str  # the id of the best version
    ids: tuple[str, ...]  # every item of the story, sorted
    ranked: tuple[str, ...] = field(default=(), compare=False)  # the ids, best first (``rank``)

    def __len__(self) -> int:
        return len(self.ids)

    def in_rank(self) -> tuple[str, ...]:
        """The ids best first (without ``ranked``: the best, then the others by id)."""
        return self.ranked or (self.best, *(i for i in self.ids if i != self.best))


@dataclass(frozen=True, slots=True)
class StoryConfig:
    window_days: float = 30.0
    related: str = "corroborated"

    def __post_init__(self) -> None:
        if self.related not in RELATED_MODES:
            raise ValueError(f"related must be one of {', '.join(RELATED_MODES)}, not {self.related!r}")


@dataclass(frozen=True)
class StoryMap:
    of: Mapping[str, Story] = field(default_factory=dict)  # id -> its story (stories of 2+ only)
    codes: dict[str, int] = field(init=False, repr=False, compare=False)  # id -> story * STRIDE + place
    keys: list[str] = field(init=False, repr=False, compare=False)  # story number -> its key
    numbers: dict[str, int] = field(init=False, repr=False, compare=False)  # story key -> its number

    def __post_init__(self) -> None:
        codes: dict[str, int] = {}
        keys: list[str] = []
        for story in self.stories():
            base = len(keys) * STRIDE
            keys.append(story.ids[0])
            codes.update(zip(story.in_rank(), range(base, base + len(story)), strict=True))
        object.__setattr__(self, "codes", codes)
        object.__setattr__(self, "keys", keys)
        object.__setattr__(self, "numbers", {key: n for n, key in enumerate(keys)})

    @classmethod
    def of_stories(cls, stories: Iterable[Story]) -> StoryMap:
        return cls({item_id: story for story in stories for item_id in story.ids})

    @classmethod
    def of_index(cls, index: StoryIndex) -> StoryMap:
        return cls.of_stories(index.stories(singles=False))

    def patched(self, index: StoryIndex, affected: Collection[str]) -> StoryMap:
        """This map after an update that touched the stories of ``affected``."""
        return self.with_stories({i: index.story_of(i) for i in affected})

    def with_stories(self, changed: Mapping[str, Story | None]) -> StoryMap:
        """This map with the story of each of ``changed`` as given (None or a
        story of one: the item is in no story now)."""
        of = dict(self.of)
        for item_id in changed:
            of.pop(item_id, None)
        for story in changed.values():
            if story is not None and len(story) > 1:
                of.update(dict.fromkeys(story.ids, story))
        return StoryMap(of)

    def key(self, item_id: str) -> str | None:
        """The story's key (its first id), or None for an item alone."""
        story = self.of.get(item_id)
        return story.ids[0] if story is not None else None

    def stories(self) -> list[Story]:
        """Every story of 2+, once."""
        return list({s.ids: s for s in self.of.values()}.values())


def split_changes(ids: Iterable[str], get: Callable[[str], Entry | None]) -> tuple[list[Entry], list[str]]:
    """The changed ids as (entries as they are now, ids that are gone)."""
    upserts: list[Entry] = []
    removed: list[str] = []
    for item_id in ids:
        entry = get(item_id)
        if entry is None:
            removed.append(item_id)
        else:
            upserts.append(entry)
    return upserts, removed
