"""Ask for a topic: an input that completes from the collection's topics, over a
list of the matches.

Typing filters the list (topics that start with the text first) and the input
offers the first completion inline (Right or End takes it, Tab takes the
highlighted match); Up and Down pick from the list; Enter answers with the
picked topic, or the typed one. A topic typed in another case than an existing
one is answered with the existing spelling, so "ai" does not start a second
"AI". With ``free=False`` (removing) only the topics offered can be chosen.

Topic names come from the items: shown as literal ``Content`` only.
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.suggester import SuggestFromList
from textual.widgets import Footer, Input, OptionList, Static
from textual.widgets.option_list import Option

from reader.core.sanitize import sanitize
from reader.ui.keys import bindings
from reader.ui.screens import SCREENS_CSS

SHOWN = 200  # matches listed at most (the input still completes from all)


def matches(choices: list[tuple[str, int]], text: str) -> list[tuple[str, int]]:
    """Choices containing ``text`` (any case): those starting with it first, each
    group in the given order (most used first)."""
    needle = text.strip().casefold()
    if not needle:
        return list(choices)
    starts = [c for c in choices if c[0].casefold().startswith(needle)]
    inside = [c for c in choices if needle in c[0].casefold() and not c[0].casefold().startswith(needle)]
    return starts + inside


class TopicPrompt(ModalScreen[str | None]):
    """Dismissed with the chosen topic, or None (Esc)."""

    CSS_PATH = SCREENS_CSS

    BINDINGS = bindings("topic")

    def __init__(self, title: str, choices: list[tuple[str, int]], *, free: bool = True,
                 placeholder: str = "topic") -> None:
        super().__init__()
        self._title = title
        self._choices = choices
        self._free = free
        self._placeholder = placeholder
        self._shown: list[tuple[str, int]] = []
        self._picked = False  # Up/Down chose a list entry since the last keystroke

    def compose(self) -> ComposeResult:
        with Vertical(id="topic-box") as box:
            box.border_title = Content(sanitize(self._title))  # a str would be read as markup
            yield Input(placeholder=self._placeholder, id="topic-input",
                        suggester=SuggestFromList([t for t, _ in self._choices], case_sensitive=False))
            yield OptionList(id="topic-choices")
            yield Static(id="topic-hint")
        yield Footer()

    def on_mount(self) -> None:
        self._filter("")
        self.query_one(Input).focus()

    # -- the list follows the input -------------------------------------------------
    @on(Input.Changed, "#topic-input")
    def _typed(self, event: Input.Changed) -> None:
        self._picked = False
        self._filter(event.value)

    def _filter(self, text: str) -> None:
        found = matches(self._choices, text)
        self._shown = found[:SHOWN]
        options = self.query_one("#topic-choices", OptionList)
        options.set_options(
            Option(Content.assemble(sanitize(t), " ", Content.styled(str(n), "$text-muted")))
            for t, n in self._shown
        )
        options.highlighted = 0 if self._shown else None
        more = f" (first {SHOWN} shown)" if len(found) > SHOWN else ""
        self._hint(f"{len(found)} matching topic{'s' if len(found) != 1 else ''}{more}")

    def _hint(self, text: str, error: bool = False) -> None:
        self.query_one("#topic-hint", Static).update(
            Content.styled(sanitize(text), "$error" if error else "$text-muted"))

    def action_pick(self, step: int) -> None:
        options = self.query_one("#topic-choices", OptionList)
        if not self._shown:
            return
        if not self._picked:
            options.highlighted = 0 if step > 0 else len(self._shown) - 1
        else:
            options.highlighted = ((options.highlighted or 0) + step) % len(self._shown)
        self._picked = True

    def action_complete(self) -> None:
        options = self.query_one("#topic-choices", OptionList)
        if self._shown and options.highlighted is not None:
            field = self.query_one(Input)
            field.value = self._shown[options.highlighted][0]
            field.cursor_position = len(field.value)

    # -- answering ------------------------------------------------------------------
    @on(Input.Submitted, "#topic-input")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        options = self.query_one("#topic-choices", OptionList)
        if self._picked and options.highlighted is not None:
            self._answer(self._shown[options.highlighted][0])
        else:
            self._answer(event.value)

    @on(OptionList.OptionSelected, "#topic-choices")
    def _clicked(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self._answer(self._shown[event.option_index][0])

    def _answer(self, text: str) -> None:
        text = text.strip()
        if not text:
            self._hint("Type a topic, or Esc to cancel", error=True)
            return
        existing = {t.casefold(): t for t, _ in reversed(self._choices)}
        topic = existing.get(text.casefold())
        if topic is None and not self._free:
            self._hint("Not one of the topics offered", error=True)
            return
        self.dismiss(topic or text)

    def action_cancel(self) -> None:
        self.dismiss(None)
