"""``reader list --stories``: the listed items grouped into stories, one row per story."""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from typing import TextIO

from reader.core.model import Entry
from reader.core.roots import Roots
from reader.core.stories import StoryIndex
from reader.core.story_service import read_related

# Entries carry no related lists: the CLI reads them from the files, which is
# fine for a few thousand items; above this many it leaves the signal out.
RELATED_READ_LIMIT = 20_000


def related_keys(roots: Roots, rows: Sequence[Entry]) -> dict[str, tuple[int, ...]] | None:
    """id -> the URL keys its ``related`` list names, read from the files (each in its own root);
    ``None`` when there are too many rows to read them all."""
    if len(rows) > RELATED_READ_LIMIT:
        return None
    return read_related(roots, (e.id for e in rows))


def story_rows(roots: Roots, rows: Sequence[Entry]) -> list[tuple[Entry, list[Entry]]]:
    """(best version, every item of the story in list order), in the list's order
    of the best versions."""
    related = related_keys(roots, rows)
    if related is None:
        print(f"reader: --stories: more than {RELATED_READ_LIMIT} items, so related lists are not read "
              "(stories join on pages and near-duplicate text only)", file=sys.stderr)
    index = StoryIndex(rows, related)
    position = {e.id: n for n, e in enumerate(rows)}
    by_id = {e.id: e for e in rows}
    out = []
    for entry in rows:
        story = index.story_of(entry.id)
        if story is not None and story.best == entry.id:
            members = sorted(story.ids, key=position.__getitem__)
            out.append((entry, [by_id[i] for i in members]))
    return out


def write_stories_json(out: TextIO, stories: Sequence[tuple[Entry, list[Entry]]]) -> None:
    for best, members in stories:
        out.write(json.dumps({"id": best.id, "ids": [e.id for e in members]}, ensure_ascii=False) + "\n")
