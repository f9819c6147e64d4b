"""Command palette: every action, plus a jump to each topic.

Topic names come from the items, so they are untrusted: a hit is built from
literal ``Content`` here. (``Matcher.highlight`` parses its argument as
markup, and the palette parses any plain ``str`` prompt as markup too.)
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import partial

from textual.app import SystemCommand
from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.content import Content
from textual.fuzzy import Matcher

from reader.core.query import SortKey
from reader.core.sanitize import sanitize


def highlight_literal(matcher: Matcher, text: str) -> Content:
    """``text`` as literal Content, the letters the query matched styled as the palette does."""
    content = Content(text)
    score, offsets = matcher.fuzzy_search.match(matcher.query, text)
    if score:
        for offset in offsets:
            if not text[offset].isspace():
                content = content.stylize(matcher.match_style, offset, offset + 1)
    return content


class TopicCommands(Provider):
    """"Topic: X" for every topic in the collection."""

    def _topics(self) -> list[tuple[str, int]]:
        return list(self.app.catalog.topic_counts())  # type: ignore[attr-defined]

    async def discover(self) -> Hits:
        for topic, count in self._topics()[:20]:
            yield DiscoveryHit(
                Content(f"Topic: {sanitize(topic)}"),
                partial(self.app.show_topic, topic),  # type: ignore[attr-defined]
                help=f"{count} items",
            )

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for topic, count in self._topics():
            label = f"Topic: {sanitize(topic)}"
            score = matcher.match(label)
            if score > 0:
                yield Hit(
                    score,
                    highlight_literal(matcher, label),
                    partial(self.app.show_topic, topic),  # type: ignore[attr-defined]
                    help=f"{count} items",
                )


def reader_commands(app) -> Iterable[SystemCommand]:
    """Every action of the app, for the palette (the key in brackets)."""
    for key in SortKey:
        yield SystemCommand(f"Sort by {key.value}", f"Sort the list by {key.value}",
                            lambda k=key: app.action_sort_by(k.value))
    yield SystemCommand("Next sort key", "Cycle the sort: date, heat, quality, title, provider (s)",
                        app.action_cycle_sort)
    yield SystemCommand("Reverse sort", "Reverse the sort direction (S)", app.action_reverse_sort)
    yield SystemCommand("Search", "Filter the list by text (/)", app.action_search)
    yield SystemCommand("Topics", "Focus the topic sidebar (t)", app.action_topics)
    yield SystemCommand("Toggle sidebar", "Show or hide the topic sidebar (T)", app.action_toggle_sidebar)
    yield SystemCommand("Unpublished only", "Toggle the unpublished filter (u)", app.action_toggle_unpublished)
    yield SystemCommand("Show everything", "Clear topic, state and search filters (Esc)", app.action_clear_filters)
    yield SystemCommand("Open preview", "Preview the original article full screen (p)", app.action_preview)
    yield SystemCommand("Refetch preview", "Fetch the original page again (r)", app.action_refetch)
    yield SystemCommand("Open URL", "Open the item's first http(s) URL in a browser; over SSH copy it (o)",
                        app.action_open_link)
    yield SystemCommand("Copy URL", "Copy the item's first http(s) URL to the clipboard (y)", app.action_copy_url)
    yield SystemCommand("Load report", "Files that could not be read (e)", app.action_load_report)
    yield SystemCommand("Zoom detail", "Give the detail pane the whole height (z)", app.action_zoom)
    yield SystemCommand("Key help", "Every key binding (?)", app.action_help)
    yield from triage_commands(app)


def triage_commands(app) -> Iterable[SystemCommand]:
    """The triage desk's actions (the key in brackets, as in the footer)."""
    yield SystemCommand("Triage queue", "Unpublished items, hottest first (i)",
                        app.triage.queue)
    yield SystemCommand("Publish", "Publish the item, or every marked item (P)", app.triage.publish)
    yield SystemCommand("Unpublish", "Unpublish the item, or every marked item (U)",
                        app.triage.unpublish)
    yield SystemCommand("Mark / unmark", "Mark the item for a batch and move on (space)",
                        app.triage.toggle_mark_here)
    yield SystemCommand("Mark all shown", "Mark every item in the list; again: clear the marks (*)",
                        app.triage.mark_all)
    yield SystemCommand("Clear marks", "Unmark every item", app.triage.clear_marks)
    yield SystemCommand("Add topic", "Add a topic to the item or the marked items (+)",
                        app.triage.add_topic)
    yield SystemCommand("Remove topic", "Remove a topic from the item or the marked items (-)",
                        app.triage.remove_topic)
    yield SystemCommand("Edit file", "Open the item's file in $VISUAL or $EDITOR (E)",
                        app.triage.edit)
    yield SystemCommand("Undo", "Undo the last change made in this session (ctrl+z)",
                        app.triage.undo)
    yield SystemCommand("Audit log", "Every change made to items, newest first (L)",
                        app.triage.audit_log)


