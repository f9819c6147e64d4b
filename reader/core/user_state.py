"""The reader's own state as a query sees it (``is:read``, ``is:unread``, ``is:saved``).

Apart from the evaluator (``reader.core.query_eval``) so that what holds a
``UserState`` -- the catalog, the reading marks, the app -- does not import
the query language with it: a start with no search evaluates no query.
"""

from __future__ import annotations

from collections.abc import Callable, Set
from dataclasses import dataclass

__all__ = ["NO_USER_STATE", "UserState"]


def _none_ids() -> Set[str]:
    return frozenset()


@dataclass(frozen=True, slots=True)
class UserState:
    """The reader's own state, asked for only when a query names it: the ids
    read, the ids saved. The default: nothing read, nothing saved (the CLI
    without a state store); the app's comes from its reading marks
    (``reader.core.reading.ReadMarks``)."""

    read: Callable[[], Set[str]] = _none_ids
    saved: Callable[[], Set[str]] = _none_ids


NO_USER_STATE = UserState()
