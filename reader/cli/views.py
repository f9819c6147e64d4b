"""``reader view list|save|rename|delete``: the saved views in the config file.

The views are the app's sidebar entries (``reader.core.views``): a name, a
query (the search bar's syntax) and, optionally, a sort. ``list`` counts the
items each selects in the content directories (``PATH...`` or ``--root PATH``
repeated, as one collection; default: config.toml's ``roots``, else the
bundled sample content); ``--no-counts`` skips loading them. ``show NAME``
prints the items the view selects there, in its sort, as ``reader list`` does.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from typing import TypeVar

from reader.cli.common import CLIError, add_root, command_roots, load_roots
from reader.core.cells import fit
from reader.core.config import config_path
from reader.core.query import Query, SortKey
from reader.core.queryhelp import syntax_text
from reader.core.querylang import QueryError, parse
from reader.core.sanitize import clip, sanitize
from reader.core.views import (
    SavedViews,
    View,
    ViewsError,
    count_views,
    delete_view,
    load_views,
    rename_view,
    save_view,
    view_query,
)

NAME_CELLS = 24
T = TypeVar("T")


def add_parsers(sub: argparse._SubParsersAction) -> None:
    view = sub.add_parser(
        "view", help="list, save, rename or delete saved views (named queries)",
        description="Saved views: named queries, shown in the app's sidebar with their counts.\n"
        "They live in the config file's [views] table, which you may edit by hand.",
        formatter_class=argparse.RawDescriptionHelpFormatter)
    actions = view.add_subparsers(dest="action", metavar="ACTION", required=True)

    ls = actions.add_parser("list", help="the views: name, count, sort and query")
    add_root(ls, path_help="the content directory to count in (default: roots in "
             "config.toml, else the bundled sample content)")
    ls.add_argument("--no-counts", action="store_true", help="do not load the items to count them")
    ls.add_argument("--json", action="store_true", help="one JSON object per view")
    ls.set_defaults(run=cmd_list)

    show = actions.add_parser("show", help="the items the view NAME selects, as `reader list` prints them")
    show.add_argument("name", metavar="NAME", help="the view's name (any case, if unambiguous)")
    add_root(show, path_help="the content directory (default: roots in config.toml, "
             "else the bundled sample content)")
    shown = show.add_mutually_exclusive_group()
    shown.add_argument("--json", action="store_true", help="JSON lines with every normalised field")
    shown.add_argument("--ids", action="store_true", help="only the ids, one per line")
    show.add_argument("--limit", type=int, metavar="N", help="print at most N items")
    show.set_defaults(run=cmd_show)

    save = actions.add_parser(
        "save", help="save QUERY under NAME (replacing a view of that name)",
        epilog="query syntax:\n" + syntax_text(note="Every term must match."),
        formatter_class=argparse.RawDescriptionHelpFormatter)
    save.add_argument("name", metavar="NAME", help="the view's name, as the sidebar shows it")
    save.add_argument("query", nargs="*", metavar="QUERY",
                      help="the query, e.g. 'topic:AI heat:>50' (a query starting with - goes after --)")
    save.add_argument("--sort", choices=[k.value for k in SortKey],
                      help="the sort the view applies (default: it keeps the list's sort)")
    save.add_argument("--reverse", action="store_true", help="with --sort: the other direction")
    save.set_defaults(run=cmd_save)

    rename = actions.add_parser("rename", help="call the view NAME NEW_NAME")
    rename.add_argument("name", metavar="NAME", help="the view's name (any case, if unambiguous)")
    rename.add_argument("new_name", metavar="NEW_NAME", help="its new name")
    rename.set_defaults(run=cmd_rename)

    delete = actions.add_parser("delete", help="delete the view NAME (a built-in one too)")
    delete.add_argument("name", metavar="NAME", help="the view's name (any case, if unambiguous)")
    delete.set_defaults(run=cmd_delete)


def _warn(saved: SavedViews) -> None:
    for warning in saved.warnings:
        print(f"reader: {sanitize(warning)}", file=sys.stderr)


def cmd_list(args: argparse.Namespace) -> int:
    saved = load_views()
    _warn(saved)
    counts: dict[str, int] = {}
    if not args.no_counts:
        from reader.core.catalog import Catalog

        entries, problems, *_ = load_roots(command_roots(args), True)
        counts = count_views(Catalog(entries), saved.views)
        if problems:
            print(f"reader: {len(problems)} files could not be read (reader check: which)", file=sys.stderr)
    out = sys.stdout
    if args.json:
        for view in saved.views:
            out.write(json.dumps({
                "name": view.name, "query": view.query, "sort": view.sort and view.sort.value,
                "reverse": view.reverse, "count": counts.get(view.name),
            }, ensure_ascii=False) + "\n")
        return 0
    if not saved.views:
        print(f"no saved views (the [views] table in {sanitize(str(config_path()))} is empty)", file=sys.stderr)
        return 0
    out.write(f"{'NAME':<{NAME_CELLS}}  {'  COUNT  ' if counts else ''}{'SORT':<17}QUERY\n")
    for view in saved.views:
        count = f"{counts[view.name]:>7}  " if view.name in counts else ""
        sort = (view.sort.value + (" reversed" if view.reverse else "")) if view.sort else "-"
        out.write(f"{fit(sanitize(view.name), NAME_CELLS)}  {count}{sort:<17}{sanitize(view.query)}\n")
    if saved.defaults:
        print(f"reader: the built-in views (no [views] in {sanitize(str(config_path()))} yet)", file=sys.stderr)
    return 0


def cmd_show(args: argparse.Namespace) -> int:
    """The view's query and sort (the date, newest first, when it has none) over every root."""
    from reader.cli.listing import write_rows
    from reader.cli.marking import user_state
    from reader.core.catalog import Catalog

    if args.limit is not None and args.limit < 0:
        raise CLIError("--limit must be 0 or more")
    saved = load_views()
    _warn(saved)
    view = saved.find(args.name)
    if view is None:
        raise CLIError(f"no saved view called {_shown(args.name)} (reader view list: the views)")
    roots = command_roots(args)
    entries, problems, *_ = load_roots(roots, True)
    rows = Catalog(entries).query(view_query(view, Query()), user_state(entries, view.query))
    write_rows(rows[: args.limit], roots, problems, as_json=args.json, ids=args.ids)
    for problem in problems:
        print(f"reader: skipped {problem}", file=sys.stderr)
    return 0


def cmd_save(args: argparse.Namespace) -> int:
    query = " ".join(args.query)
    try:
        parse(query)
    except QueryError as error:
        raise CLIError(f"the query has an error: {error}") from None
    if args.reverse and args.sort is None:
        raise CLIError("--reverse goes with --sort")
    view = View(args.name, query, SortKey(args.sort) if args.sort else None, args.reverse)
    saved, replaced = _run(lambda: save_view(view))
    _warn(saved)
    if replaced is None:
        print(f"saved view {_shown(view.name)}: {sanitize(query)}")
    else:
        print(f"replaced view {_shown(view.name)} (it was: {sanitize(replaced.query)})")
    return 0


def cmd_rename(args: argparse.Namespace) -> int:
    saved, old = _run(lambda: rename_view(args.name, args.new_name))
    _warn(saved)
    print(f"renamed view {_shown(old.name)} to {_shown(args.new_name)}")
    return 0


def cmd_delete(args: argparse.Namespace) -> int:
    saved, old = _run(lambda: delete_view(args.name))
    _warn(saved)
    print(f"deleted view {_shown(old.name)} (its query was: {sanitize(old.query)})")
    return 0


def _run(change: Callable[[], T]) -> T:
    try:
        return change()
    except ViewsError as error:
        raise CLIError(clip(str(error), 300)) from None


def _shown(name: str) -> str:
    return "“" + sanitize(name) + "”"
