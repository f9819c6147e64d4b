"""The search input: a query (``reader.core.querylang``) that filters the list
as you type; Esc clears it, Tab completes a field name, ``?`` in the empty
bar asks for the syntax.

The app listens to its ``Input.Changed`` directly (one message hop, so the
filtered list is drawn in the same frame as the typed letter), parses the
text and shows any problem under the bar.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual import events
from textual.actions import SkipAction
from textual.message import Message
from textual.reactive import var
from textual.widgets import Input

from reader.core.queryhelp import complete
from reader.ui.keys import bindings

PLACEHOLDER = "search title, excerpt, provider, topics · or heat:>50 topic:AI -is:published… · ? for help"


class SearchBar(Input):
    BINDINGS = bindings("search")

    # (topic, count), as the sidebar has them: topic: completes from these
    topics: var[list[tuple[str, int]]] = var(list)

    @dataclass
    class Finished(Message):
        cleared: bool

    class SyntaxWanted(Message):
        """``?`` was typed in the empty bar."""

    @dataclass
    class Completed(Message):
        """Tab found several completions (the text went as far as they agree)."""

        choices: tuple[str, ...]

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(placeholder=PLACEHOLDER, id=id)

    async def _on_key(self, event: events.Key) -> None:
        # Runs before Input's own handler, which it stops for "?" in the empty bar.
        if event.character == "?" and not self.value:
            event.stop()
            event.prevent_default()
            self.post_message(self.SyntaxWanted())

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.post_message(self.Finished(cleared=False))

    def action_clear(self) -> None:
        self.value = ""  # Input.Changed tells the app
        self.post_message(self.Finished(cleared=True))

    def action_done(self) -> None:
        self.post_message(self.Finished(cleared=False))

    def action_complete(self) -> None:
        done = complete(self.value, self.cursor_position, [name for name, _ in self.topics])
        if done is None:
            raise SkipAction()  # nothing to complete: Tab moves the focus on, as elsewhere
        if done.text != self.value:
            self.value = done.text
        self.cursor_position = done.cursor
        if done.choices:
            self.post_message(self.Completed(done.choices))
