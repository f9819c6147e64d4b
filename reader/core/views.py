"""Saved views: named queries kept in the config file's ``[views]`` table.

The file is the one ``reader.core.config`` reads (``config_path()``), so views
can be edited by hand and shared. Each key is a view's name; its value is the
query text (``reader.core.querylang``) or a table with ``query`` and,
optionally, ``sort`` (date, heat, quality, title, provider) and ``reverse``::

    [views]
    "Triage queue" = { query = "is:unpublished", sort = "heat" }
    Unscored = "heat:unscored"          # a bare string: the query; the sort is kept
    "Old AI" = { query = "topic:AI before:2024", sort = "date", reverse = true }

Defaults: while the file has no ``[views]`` table, the built-in views
(``DEFAULT_VIEWS``) are shown. The first change (save, rename, delete) writes
the table with the defaults still there plus the change, so deleting a
default writes the others out; from then on the table is the whole list (an
empty table: no views). Removing the table brings the defaults back.

Reading uses ``tomllib`` (fast, and the same messages as the config). A bad
entry is left out with one warning naming the file, the key and the problem;
the others work. Writing uses ``tomlkit``, which keeps the file's comments,
order and layout: only the entry changed is touched (``reader.core.toml_edit``). A file that is not
valid TOML, or whose ``views`` is not a table, is never written (it would be
lost); the change is refused with one line saying so. Writes are atomic
(``reader.core.files.atomic_write``) and re-read the file first, so a
change made meanwhile by hand or by another reader is kept.
"""

from __future__ import annotations

import os
import tomllib
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from reader.core import toml_edit
from reader.core.config import config_path
from reader.core.files import Conflict, EditError, atomic_write, os_reason
from reader.core.query import Published, Query, SortKey
from reader.core.querylang import QueryError, Topic, parse
from reader.core.user_state import NO_USER_STATE, UserState

if TYPE_CHECKING:
    from reader.core.catalog import Catalog

__all__ = ["DEFAULT_VIEWS", "SavedViews", "View", "ViewsError", "check_name", "count_views", "delete_view",
           "load_views", "query_text", "rename_view", "save_view", "view_query"]

MAX_NAME = 80  # characters: a sidebar entry, not a paragraph
_ENTRY_KEYS = ("query", "sort", "reverse")
_SORTS = ", ".join(k.value for k in SortKey)


@dataclass(frozen=True, slots=True)
class View:
    """A named query; ``sort`` None keeps the list's current sort; ``reverse``:
    the sort's unusual direction (oldest, coldest, Z to A first)."""

    name: str
    query: str
    sort: SortKey | None = None
    reverse: bool = False


DEFAULT_VIEWS = (
    View("Triage queue", "is:unpublished", SortKey.HEAT),
    View("Unscored", "heat:unscored"),
    View("Today", "date:today"),
)


class ViewsError(Exception):
    """A change that was refused or failed: one line naming the file and the reason."""


@dataclass(frozen=True, slots=True)
class SavedViews:
    views: tuple[View, ...]
    warnings: tuple[str, ...] = ()
    defaults: bool = False  # no [views] table in the file: the built-in views

    def find(self, name: str) -> View | None:
        """The view called ``name``; else the only one whose name matches in any case."""
        for view in self.views:
            if view.name == name:
                return view
        folded = [v for v in self.views if v.name.casefold() == name.casefold()]
        return folded[0] if len(folded) == 1 else None


# -- reading ------------------------------------------------------------------------------------

def load_views(path: Path | None = None) -> SavedViews:
    """The views in the config file (the defaults when it has no ``[views]``)."""
    path = path or config_path()
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return SavedViews(DEFAULT_VIEWS, defaults=True)
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        return SavedViews(DEFAULT_VIEWS, (f"{path}: ignored ({exc})",), defaults=True)
    return views_from(raw, path)


def views_from(raw: Mapping[str, Any], path: Path | str) -> SavedViews:
    """The views of a parsed config file (``raw``: what ``tomllib`` gives)."""
    if "views" not in raw:
        return SavedViews(DEFAULT_VIEWS, defaults=True)
    section = raw["views"]
    if not isinstance(section, dict):
        return SavedViews(DEFAULT_VIEWS, (f"{path}: views: expected a table of named queries "
                                          "([views] then Name = \"query\"); using the defaults",), True)
    views: list[View] = []
    warnings: list[str] = []
    for name, value in section.items():
        view, problems = _entry(name, value)
        key = f"{path}: views.{_toml_key(name)}"
        warnings.extend(f"{key}: {problem}" for problem in problems)
        if view is not None:
            views.append(view)
    return SavedViews(tuple(views), tuple(warnings))


def _entry(name: str, value: object) -> tuple[View | None, list[str]]:
    """One ``[views]`` entry: the view (None: left out) and what is wrong with it."""
    bad_name = check_name(name)
    if bad_name:
        return None, [f"{bad_name}; view left out"]
    if isinstance(value, str):
        value = {"query": value}
    if not isinstance(value, dict):
        return None, ['expected a query ("is:unpublished") or a table with query = "..."; view left out']
    problems = [f"unknown key {_toml_key(k)} (known: {', '.join(_ENTRY_KEYS)}); ignored"
                for k in value if k not in _ENTRY_KEYS]
    query = value.get("query")
    if not isinstance(query, str):
        return None, [*problems, "query: expected the query text; view left out"]
    try:
        parse(query)
    except QueryError as error:
        return None, [*problems, f"query: {error}; view left out"]
    sort: SortKey | None = None
    if "sort" in value:
        try:
            sort = SortKey(value["sort"])
        except (ValueError, TypeError):
            problems.append(f"sort: expected one of {_SORTS}; the current sort is kept")
    reverse = value.get("reverse", False)
    if not isinstance(reverse, bool):
        problems.append("reverse: expected true or false; using false")
        reverse = False
    return View(name, query, sort, reverse), problems


def _toml_key(name: str) -> str:
    """``name`` as TOML writes a key (bare when it can be), for messages."""
    if name and all(c.isascii() and (c.isalnum() or c in "-_") for c in name):
        return name
    return '"' + name.replace("\\", "\\\\").replace('"', '\\"') + '"'


def check_name(name: str) -> str | None:
    """What is wrong with ``name`` as a view's name, or None."""
    if not name.strip():
        return "the name is empty"
    if name != name.strip():
        return "the name starts or ends with a blank"
    if any(unicodedata.category(c)[0] == "C" for c in name):
        return "the name holds a control character"
    if len(name) > MAX_NAME:
        return f"the name is longer than {MAX_NAME} characters"
    return None


# -- using ----------------------------------------------------------------------------------------

def view_query(view: View, current: Query) -> Query:
    """The list's view once ``view`` is chosen: its query alone (no topic or
    state filter beside it) and its sort, or the current sort if it has none."""
    if view.sort is None:
        return Query(sort=current.sort, descending=current.descending, search=view.query)
    return Query(sort=view.sort, descending=view.sort.default_descending != view.reverse, search=view.query)


def query_text(q: Query) -> str:
    """Everything ``q`` filters on as one query: its topic and published
    filters as terms, then its search text (what "save view" stores)."""
    parts = []
    if q.topic is not None:
        parts.append(str(Topic(q.topic)))
    if q.published is not Published.ALL:
        parts.append(f"is:{q.published.value}")
    if q.search.strip():
        parts.append(q.search.strip())
    return " ".join(parts)


def count_views(catalog: Catalog, views: tuple[View, ...], user: UserState = NO_USER_STATE) -> dict[str, int]:
    """How many items each view selects: one mask each (the catalog's cached
    term masks), no sort. Safe in a worker thread."""
    return {view.name: catalog.count(view.query, user) for view in views}


# -- writing --------------------------------------------------------------------------------------

def save_view(view: View, path: Path | None = None) -> tuple[SavedViews, View | None]:
    """Add ``view``, or replace the one of that name in place. Returns the views
    now in the file and the view replaced (None: a new one)."""
    problem = check_name(view.name)
    if problem:
        raise ViewsError(problem)
    try:
        parse(view.query)
    except QueryError as error:
        raise ViewsError(f"the query has an error: {error}") from None

    def change(doc: Any, views: SavedViews) -> View | None:
        old = views.find(view.name) if view.name in doc["views"] else None
        _put(doc, view)
        return old

    return _change(path or config_path(), change)


def delete_view(name: str, path: Path | None = None) -> tuple[SavedViews, View]:
    """Remove the view called ``name`` (any case, if that is unambiguous)."""
    def change(doc: Any, views: SavedViews) -> View:
        key = _existing(doc["views"], views, name)
        old = views.find(key) or View(key, "")
        del doc["views"][key]
        return old

    return _change(path or config_path(), change)


def rename_view(name: str, new_name: str, path: Path | None = None) -> tuple[SavedViews, View]:
    """Give the view called ``name`` the name ``new_name``, where it stands."""
    problem = check_name(new_name)
    if problem:
        raise ViewsError(problem)

    def change(doc: Any, views: SavedViews) -> View:
        key = _existing(doc["views"], views, name)
        if new_name in doc["views"] and new_name != key:
            raise ViewsError(f"there is a view called {new_name!r} already")
        toml_edit.rename(doc, "views", key, new_name)
        return views.find(key) or View(key, "")

    return _change(path or config_path(), change)


def _put(doc: Any, view: View) -> None:
    fields: dict[str, Any] = {"query": view.query}
    if view.sort is not None:
        fields["sort"] = view.sort.value
    if view.reverse:
        fields["reverse"] = True
    toml_edit.put(doc, "views", view.name, view.query if len(fields) == 1 else fields, _ENTRY_KEYS)


def _existing(table: Any, views: SavedViews, name: str) -> str:
    if name in table:
        return name
    found = views.find(name)
    if found is None or found.name not in table:
        raise ViewsError(f"no view called {name!r}")
    return found.name


def _change(path: Path, change: Callable[[Any, SavedViews], Any]) -> tuple[SavedViews, Any]:
    """Read the file, apply ``change`` to the document (its ``[views]``), write it back
    atomically; again from the start if the file changed in between."""
    for _ in range(3):
        text, stat = _read(path)
        doc = _document(path, text)
        views = views_from(doc.unwrap(), path)
        result = change(doc, views)
        data = toml_edit.dumps(doc).encode("utf-8")
        try:
            if stat is None:
                stat = _create(path)
                if stat is None:
                    continue  # made by someone else meanwhile: read it
            atomic_write(path, data, unchanged_since=stat)
        except Conflict:
            continue
        except EditError as exc:
            raise ViewsError(f"{path}: {exc.reason}") from None
        return load_views(path), result
    raise ViewsError(f"{path}: changed on disk while the views were being saved; nothing was written")


def _read(path: Path) -> tuple[str, os.stat_result | None]:
    try:
        with open(path, "rb") as f:
            stat = os.fstat(f.fileno())
            data = f.read()
    except FileNotFoundError:
        return "", None
    except OSError as exc:
        raise ViewsError(f"{path}: cannot read: {os_reason(exc)}") from None
    try:
        return data.decode("utf-8"), stat
    except UnicodeDecodeError:
        raise ViewsError(f"{path}: not UTF-8 text; fix the file first (nothing was written)") from None


def _document(path: Path, text: str) -> Any:
    """The parsed file, with a ``[views]`` table (made, holding the defaults, if missing)."""
    try:
        doc = toml_edit.parse(text)
    except ValueError as exc:
        raise ViewsError(f"{path}: not valid TOML ({exc}); fix the file first (nothing was written)") from None
    if "views" not in doc:
        toml_edit.add_table(doc, "views")
        for view in DEFAULT_VIEWS:
            _put(doc, view)
    if not isinstance(doc["views"], dict):
        raise ViewsError(f"{path}: views: expected a table of named queries; fix the file first "
                         "(nothing was written)")
    return doc


def _create(path: Path) -> os.stat_result | None:
    """An empty file at ``path`` (and its folder), to be replaced atomically;
    None if one appeared meanwhile."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o644)
    except FileExistsError:
        return None
    except OSError as exc:
        raise ViewsError(f"{path}: cannot write: {os_reason(exc)}") from None
    try:
        return os.fstat(fd)
    finally:
        os.close(fd)
