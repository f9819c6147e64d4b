"""The search input: filters the list as you type; Esc clears it."""

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
    class QueryChanged(Message):
        text: str

    @dataclass
    class Finished(Message):
        cleared: bool

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(placeholder="search title, excerpt, provider, topics", id=id)

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        self.post_message(self.QueryChanged(event.value))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.post_message(self.Finished(cleared=False))

    def action_clear(self) -> None:
        self.value = ""
        self.post_message(self.QueryChanged(""))
        self.post_message(self.Finished(cleared=True))

    def action_done(self) -> None:
        self.post_message(self.Finished(cleared=False))
