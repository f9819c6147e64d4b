"""Command palette: every action, plus a jump to each topic and saved view.

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

from reader.core.sanitize import sanitize
from reader.ui.keys import keys_shown, palette_actions


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


class ViewCommands(Provider):
    """For every saved view: "View: X" (show it), "Rename view: X", "Delete view: X"."""

    def _hits(self) -> list[tuple[str, object, str]]:
        app = self.app
        out: list[tuple[str, object, str]] = []
        counts = app.view_counts  # type: ignore[attr-defined]
        for view in app.views.listed():  # type: ignore[attr-defined]
            name = sanitize(view.name)
            shown = f"{counts[view.name]} items · " if view.name in counts else ""
            out.append((f"View: {name}", partial(app.views.apply, view.name),  # type: ignore[attr-defined]
                        f"{shown}{sanitize(view.query)}"))
            out.append((f"Rename view: {name}", partial(app.views.rename, view.name),  # type: ignore[attr-defined]
                        "Give the saved view another name"))
            out.append((f"Delete view: {name}", partial(app.views.delete, view.name),  # type: ignore[attr-defined]
                        f"Remove it from the sidebar and the config file ({sanitize(view.query)})"))
        return out

    async def discover(self) -> Hits:
        for label, run, help in self._hits():
            if label.startswith("View: "):
                yield DiscoveryHit(Content(label), run, help=help)  # type: ignore[arg-type]

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for label, run, help in self._hits():
            score = matcher.match(label)
            if score > 0:
                yield Hit(score, highlight_literal(matcher, label), run, help=help)  # type: ignore[arg-type]


def reader_commands(app) -> Iterable[SystemCommand]:
    """Every action of the palette in the action table, its key (as the user's
    keymap has it) in brackets after what it does."""
    keymap = app.config.keymap
    for action in palette_actions():
        keys = keys_shown(action, keymap)
        help_text = f"{action.text} ({keys})" if keys else action.text
        run = action.palette_run or action.run
        yield SystemCommand(action.palette_title, help_text, partial(app.run_action, run))
