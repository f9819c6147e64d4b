"""Under the search bar: what is wrong with the query and where, the query
syntax (``?`` in the empty bar), or the completions Tab found.

Hidden when it has nothing to say. The query is the user's text and may
quote anything: everything is shown as ``Content``, never markup.
"""

from __future__ import annotations

from collections.abc import Sequence

from textual.content import Content
from textual.widgets import Static

from reader.core.queryhelp import SYNTAX, SYNTAX_NOTE
from reader.core.querylang import QueryError
from reader.core.sanitize import sanitize


class QueryHint(Static):
    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.display = False
        self.showing: str | None = None  # "error", "syntax", "choices"; None: hidden
        self._said: object = None

    def _say(self, kind: str, key: object, content: Content) -> None:
        if (kind, key) != self._said:
            self.update(content)
            self._said = (kind, key)
        self.showing = kind
        self.display = True

    def show_error(self, error: QueryError) -> None:
        self._say("error", str(error), Content.assemble(
            ("✗ ", "bold $error"), Content(sanitize(error.problem)),
            (f", at column {error.column}", "$text-muted")))

    def show_choices(self, choices: Sequence[str]) -> None:
        self._say("choices", tuple(choices), Content.assemble(
            ("Tab: ", "$text-muted"), Content(sanitize("  ".join(choices)))))

    def show_syntax(self) -> None:
        width = max(len(example) for example, _ in SYNTAX)
        lines = [Content.assemble((f"{example:<{width}}", "bold"), "  ", (meaning, "$text-muted"))
                 for example, meaning in SYNTAX]
        self._say("syntax", None, Content("\n").join([*lines, Content.styled(SYNTAX_NOTE, "italic")]))

    def clear(self) -> None:
        if self.showing is not None:
            self.showing = None
            self.display = False
