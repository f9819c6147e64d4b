"""Command palette: every action, plus a jump to each topic."""

from __future__ import annotations

from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.content import Content

from reader.core.sanitize import sanitize


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
                    matcher.highlight(label),
                    partial(self.app.show_topic, topic),  # type: ignore[attr-defined]
                    help=f"{count} items",
                )
