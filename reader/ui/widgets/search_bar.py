"""The search input: filters the list as you type; Esc clears it.

The app listens to its ``Input.Changed`` directly (one message hop, so the
filtered list is drawn in the same frame as the typed letter).
"""

from __future__ import annotations

from dataclasses import dataclass

from textual.binding import Binding
from textual.message import Message
from textual.widgets import Input


class SearchBar(Input):
    BINDINGS = [
        Binding("escape", "clear", "Clear search", id="search.clear"),
        Binding("down", "done", "To list", show=False, id="search.done"),
    ]

    @dataclass
    class Finished(Message):
        cleared: bool

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(placeholder="search title, excerpt, provider, topics", id=id)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.post_message(self.Finished(cleared=False))

    def action_clear(self) -> None:
        self.value = ""  # Input.Changed tells the app
        self.post_message(self.Finished(cleared=True))

    def action_done(self) -> None:
        self.post_message(self.Finished(cleared=False))
