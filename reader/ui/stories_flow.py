"""Stories mode in the app: one row per story, expanding in place, the versions.

A composed object the app holds (``app.stories``). After the folder has
loaded, a thread worker clusters the catalog (``StoryProcess.build``: in a
process of its own at scale, from the cache for unchanged files); changed
files (live reload, the app's own edits) update their stories in a worker
too (``StoryProcess.refresh``). Until the
first build is done the list shows every item, as outside stories mode, and
the status line says the stories are being found: the list is usable
throughout.

In stories mode the app's rows go through ``collapse_at`` (``query``) and its
counts through ``counts``: the status line and the sidebar count stories.
Enter or → on a story expands it in place (← folds it again); the detail pane
lists every version (provider, date, heat, quality), each one a jump.

Publishing a version of a story offers to give the other versions the topic
``[stories] duplicate_topic`` of config.toml (a confirm prompt; nothing is
published or deleted). ``[stories] mode = true`` starts the app in stories mode.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Collection, Iterable, Sequence
from functools import cached_property
from typing import TYPE_CHECKING

from textual.content import Content

from reader.core.model import Entry
from reader.core.query import Query
from reader.core.sanitize import sanitize
from reader.core.user_state import UserState
from reader.ui.widgets.article_list import ArticleList

# The clustering (reader.core.stories and what it imports: numpy, rapidfuzz) is
# imported when first used, after the app's first screen: a start does not pay for it.
if TYPE_CHECKING:
    import numpy as np

    from reader.core.story_process import StoryProcess
    from reader.core.story_service import StoryService
    from reader.core.story_view import Collapsed, StoryMap
    from reader.core.watch import Reread
    from reader.ui.app import ReaderApp
    from reader.ui.widgets.story_versions import StoryVersions

log = logging.getLogger("reader.ui")
SHOWN_IN_PROMPT = 5  # titles the duplicate prompt names before "and N more"


class StoriesFlow:
    def __init__(self, app: ReaderApp, service: StoryService | StoryProcess | None = None) -> None:
        self.app = app
        if service is not None:
            self.service = service
        self.on = app.config.stories.mode  # [stories] mode: start in stories mode
        self.duplicate_topic = app.config.stories.duplicate_topic
        self.ready = False  # the first clustering has finished
        self.expanded: set[str] = set()  # story keys shown with their versions
        self._shown: Collapsed | None = None
        self._shown_map: StoryMap | None = None  # the map ``_shown`` was collapsed with
        self._table: tuple[Sequence[Entry], StoryMap, np.ndarray] | None = None  # (entries, map, codes)
        if self.on:
            self._status()

    @cached_property
    def service(self) -> StoryService | StoryProcess:
        """The clustering service, made on first use (the first build, after the
        load): at scale it runs in a process of its own, the app keeps only the map.
        With several content roots each item's file is read in its own root."""
        from reader.core.story_process import StoryProcess

        return StoryProcess(self.app.roots, use_cache=self.app._use_index)

    @cached_property
    def map(self) -> StoryMap:
        """Each id's story (none until the first build has arrived)."""
        from reader.core.story_view import StoryMap

        return StoryMap()

    # -- clustering (thread workers) ---------------------------------------------------
    def loaded(self) -> None:
        """The folder has loaded: find the stories in the background."""
        self.app.run_worker(self._build, thread=True, group="stories", exit_on_error=False,
                            name="find stories")

    def _build(self) -> None:
        started = time.perf_counter()
        story_map = self.service.build(lambda: list(self.app.catalog.entries))
        # (bench/stories_bench.py --app waits for this line)
        log.info("stories found: %d of 2+ items, %d files from the cache, %.2f s", len(story_map.keys),
                 self.service.reused, time.perf_counter() - started)
        self.app.call_from_thread(self._arrived, story_map)

    def changed(self, reread: Reread) -> None:
        """Files were read again and are in the catalog now: update their stories."""
        if not self.ready or not reread.ids:
            return  # the first build reads the catalog as it is then
        ids, stamps = sorted(reread.ids), dict(reread.stamps)
        self.app.run_worker(lambda: self._refresh(ids, stamps), thread=True, group="stories-update",
                            exit_on_error=False, name="update stories")

    def _refresh(self, ids: list[str], stamps: dict) -> None:
        story_map = self.service.refresh(ids, self.app.catalog.get, stamps)
        if story_map is not None:
            self.app.call_from_thread(self._arrived, story_map)

    def _arrived(self, story_map: StoryMap) -> None:
        self.map = story_map
        self.ready = True
        self._status()
        if self.on:
            self.app._counts_changed()

    def close(self) -> None:
        if "service" in self.__dict__:  # never made: nothing to close
            self.service.close()

    # -- the mode ----------------------------------------------------------------------
    def toggle(self) -> None:
        self.on = not self.on
        self.expanded.clear()
        self._status()
        self.app._counts_changed()
        if not self.on:
            self._versions_widget().show([])
        elif not self.ready:
            self.app.notify("Finding the stories… every item is listed until then.", markup=False)

    def _status(self) -> None:
        text = "" if not self.on else "stories" if self.ready else "stories: finding them…"
        self.app.stories_status = text

    def query(self, view: Query, user: UserState) -> tuple[list[Entry], int]:
        """The catalog's rows for ``view`` and how many it counts as shown: in
        this mode one row per story, collapsed from the query's indices with
        a table of the entries' story codes (made once per catalog and map)."""
        catalog = self.app.catalog
        if not self.on or not self.map.of:
            return self._every_item(catalog.query(view, user))
        from reader.core.story_view import collapse_at

        entries, positions = catalog.query_positions(view, user)
        self._shown_map = story_map = self.map  # (the story numbers of ``_shown`` are this map's)
        shown = self._shown = collapse_at(entries, positions, self._codes(entries, story_map), story_map,
                                          self.expanded)
        self.app.query_one(ArticleList).title_prefixes = shown.prefixes
        return shown.rows, shown.stories

    def _codes(self, entries: Sequence[Entry], story_map: StoryMap) -> np.ndarray:
        made = self._table
        if made is None or made[0] is not entries or made[1] is not story_map:
            from reader.core.story_view import code_table

            current, positions = self.app.catalog.positions()
            table = code_table(entries, story_map, positions if current is entries else None)
            made = self._table = (entries, story_map, table)
        return made[2]

    def _every_item(self, rows: list[Entry]) -> tuple[list[Entry], int]:
        """Outside stories mode (or before the stories are known): every row, no prefixes."""
        if self._shown is not None:
            self._shown = None
            self.app.query_one(ArticleList).title_prefixes = {}
        return rows, len(rows)

    def counts(self, total: int, unpublished: int,
               topics: list[tuple[str, int]]) -> tuple[int, int, list[tuple[str, int]]]:
        """The catalog's counts, each story counted once in this mode."""
        if not self.on or not self.map.of:
            return total, unpublished, topics
        from reader.core.story_view import story_counts_at

        entries = self.app.catalog.entries
        extra_total, extra_unpublished, extra_topics = story_counts_at(entries, self._codes(entries, self.map))
        if extra_topics:
            topics = [(t, n - extra_topics.get(t, 0)) for t, n in topics]
        return total - extra_total, unpublished - extra_unpublished, topics

    # -- expanding in place ------------------------------------------------------------
    def _versions_here(self, entry: Entry | None) -> tuple[str, list[Entry]] | None:
        """(story key, versions among the rows) of a row that stands for 2+ versions."""
        if entry is None or self._shown is None:
            return None
        key = self.map.key(entry.id)
        if key is None:
            return None
        numbers = self._shown_map.numbers if self._shown_map is not None else {}
        versions = self._shown.versions(numbers.get(key))
        return (key, versions) if len(versions) > 1 else None

    def expand(self, open_: bool = True) -> bool:
        """Open (or fold) the story under the cursor; False if it has no versions to show."""
        articles = self.app.query_one(ArticleList)
        here = self._versions_here(articles.highlighted)
        if here is None or (here[0] in self.expanded) == open_:
            return False
        key, versions = here
        (self.expanded.add if open_ else self.expanded.discard)(key)
        self.app._requery()
        if not open_:
            articles.move_to_id(versions[0].id)
        return True

    def select(self, entry: Entry) -> bool:
        """Enter on a row: a folded story opens (True); anything else opens as usual."""
        here = self._versions_here(entry)
        return here is not None and here[0] not in self.expanded and self.expand(True)

    def jump(self, item_id: str) -> None:
        """Move the list to a version (opening its story, widening the filter if need be)."""
        key = self.map.key(item_id)
        if key is not None:
            self.expanded.add(key)
        self.app._requery()
        articles = self.app.query_one(ArticleList)
        if not articles.move_to_id(item_id):
            self.app.view = Query(sort=self.app.view.sort, descending=self.app.view.descending)
            self.app.search_bar.value = ""
            articles.move_to_id(item_id)
        self.app.focus_now(articles)

    # -- the detail pane's versions ----------------------------------------------------
    def _versions_widget(self) -> StoryVersions:
        from reader.ui.widgets.story_versions import StoryVersions  # (mounted after the first frame)

        return self.app.query_one(StoryVersions)

    def show_versions(self, item_id: str) -> None:
        story = self.map.of.get(item_id) if self.on else None
        versions: list[Entry] = []
        if story is not None:
            from reader.core.stories import rank

            versions = sorted((e for e in map(self.app.catalog.get, story.ids) if e is not None), key=rank)
        self._versions_widget().show(versions, item_id)

    # -- editors: publishing one version -----------------------------------------------
    def others_of(self, published: Iterable[str]) -> list[str]:
        """The other versions of the stories of ``published`` that are not yet marked."""
        published = set(published)
        others: set[str] = set()
        for item_id in published:
            story = self.map.of.get(item_id)
            if story is not None:
                others.update(story.ids)
        out = []
        for item_id in sorted(others - published):
            entry = self.app.catalog.get(item_id)
            if entry is not None and self.duplicate_topic not in entry.topics:
                out.append(item_id)
        return out

    def offer_duplicates(self, published: Collection[str]) -> None:
        """After publishing: ask whether to mark the other versions as duplicates."""
        others = self.others_of(published)
        if not others:
            return
        question = Content.assemble(
            f"Published a version of a story that has {len(others)} other version"
            f"{'s' if len(others) != 1 else ''}:\n",
            *self._titles(others),
            "\nGive them the topic ", (sanitize(self.duplicate_topic), "bold"),
            "? Nothing else changes (y: yes, n: no).",
        )

        from reader.ui.screens.confirm_prompt import ConfirmPrompt

        def answered(yes: bool | None) -> None:
            if yes:
                self.app.triage.add_topic_to(others, self.duplicate_topic)

        self.app.push_screen(ConfirmPrompt("Mark the other versions as duplicates?", question), answered)

    def _titles(self, ids: Sequence[str]) -> list[Content]:
        lines = []
        for item_id in ids[:SHOWN_IN_PROMPT]:
            entry = self.app.catalog.get(item_id)
            name = entry.title if entry is not None and entry.title else item_id
            provider = f" ({entry.provider})" if entry is not None and entry.provider else ""
            lines.append(Content(f"  • {sanitize(name)}{sanitize(provider)}\n"))
        if len(ids) > SHOWN_IN_PROMPT:
            lines.append(Content(f"  and {len(ids) - SHOWN_IN_PROMPT} more\n"))
        return lines
