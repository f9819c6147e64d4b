"""``reader list``, ``reader show`` and ``reader check``: reading, never writing."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from reader.cli.common import CLIError, add_root, command_roots, load_roots
from reader.cli.marking import state_query, user_state
from reader.core.catalog import Catalog
from reader.core.cells import fit
from reader.core.dates import UTC_DAYS, DateStyle
from reader.core.model import Entry
from reader.core.query import Published, Query, SortKey
from reader.core.queryhelp import syntax_text
from reader.core.querylang import QueryError, parse, plain_words
from reader.core.sanitize import clip, sanitize
from reader.core.serialize import item_dict
from reader.core.store import LoadProblem

if TYPE_CHECKING:
    from reader.core.roots import Roots

PROVIDER_CELLS = 24
NO_INDEX_HELP = "parse every file; ignore the index"


def add_parsers(sub: argparse._SubParsersAction) -> None:
    ls = sub.add_parser("list", help="print items as a table, their ids, or JSON lines",
                        description="Print the items of a content directory, newest first, or those\n"
                        "a QUERY selects (the search bar's syntax, below). The table's last column\n"
                        "is each item's ID, which the editing commands take.\n\n"
                        "The first argument is the content directory, unless it is query-like (has\n"
                        "a colon, a quote or a blank) and names nothing on disk; the arguments after\n"
                        "it that name directories are more content directories (one collection, each\n"
                        "item's ID starting with its directory's label); the others are the query.\n"
                        "Plain words go after the directory or in --where; a query that starts\n"
                        "with a negated term after -- (reader list -- -topic:AI) or in\n"
                        "--where=-topic:AI.",
                        epilog="query syntax:\n" + syntax_text(note="Every term must match."),
                        formatter_class=argparse.RawDescriptionHelpFormatter)
    ls.__class__ = _IntermixedParser  # a query may come after the options too
    add_root(ls, positional=False)
    ls.add_argument("words", nargs="*", metavar="PATH|QUERY",
                    help="the content directories (default: roots in config.toml, else the bundled sample "
                    "content), then the query, e.g. 'heat:>50 topic:AI -is:published robots'")
    ls.add_argument("--where", default="", metavar="QUERY",
                    help="only items QUERY selects (with a positional QUERY: both must match)")
    ls.add_argument("--sort", choices=[k.value for k in SortKey], default=SortKey.DATE.value,
                    help="the sort key (default: date); missing values sort last")
    ls.add_argument("--reverse", action="store_true", help="reverse the sort's usual direction")
    ls.add_argument("--topic", metavar="T", help="only items with the topic T")
    state = ls.add_mutually_exclusive_group()
    state.add_argument("--unpublished", action="store_true",
                       help="only items marked published: false")
    state.add_argument("--published", action="store_true",
                       help="only items not marked published: false")
    ls.add_argument("--unread", action="store_true",
                    help="only items you have not read (your own marks: the app's, `reader mark`)")
    ls.add_argument("--saved", action="store_true", help="only items you have saved")
    ls.add_argument("--search", default="", metavar="WORDS",
                    help="only items whose title, excerpt, provider or topics hold every word "
                    "of WORDS, taken as plain words (no query syntax)")
    ls.add_argument("--limit", type=int, metavar="N", help="print at most N items (stories)")
    ls.add_argument("--stories", action="store_true",
                    help="one row per story, its best version (highest heat, then quality) with ×N: "
                    "items on the same page, naming each other in related, or near-duplicate "
                    "in title and excerpt are one story; --json prints {\"id\": best, \"ids\": all}")
    out = ls.add_mutually_exclusive_group()
    out.add_argument("--json", action="store_true", help="JSON lines with every normalised field")
    out.add_argument("--ids", action="store_true",
                     help="only the ids, one per line (for: reader publish -)")
    ls.add_argument("--no-index", action="store_true", help=NO_INDEX_HELP)
    ls.set_defaults(run=cmd_list)

    show = sub.add_parser("show", help="print one item")
    show.add_argument("id", help="the item's ID as `reader list` shows it (its path relative to the "
                      "content directory; with several, after its directory's label), a path to the "
                      "file, or an unambiguous prefix of an ID")
    add_root(show)
    show.add_argument("--json", action="store_true", help="the item as JSON, every field")
    show.set_defaults(run=cmd_show)

    check = sub.add_parser("check", help="print the load report; exit 1 if any file is bad")
    add_root(check)
    check.add_argument("--json", action="store_true", help="the report as one JSON object")
    check.add_argument("--no-index", action="store_true", help=NO_INDEX_HELP)
    check.set_defaults(run=cmd_check)


class _IntermixedParser(argparse.ArgumentParser):
    """``reader list PATH --json 'QUERY'``: positionals on both sides of the options."""

    _inside = False

    def parse_known_args(self, args: Sequence[str] | None = None,  # type: ignore[override]
                         namespace: argparse.Namespace | None = None) -> tuple[argparse.Namespace, list[str]]:
        if self._inside:
            return super().parse_known_args(args, namespace)
        self._inside = True
        try:
            return self.parse_known_intermixed_args(args, namespace)
        finally:
            self._inside = False


def split_words(words: Sequence[str]) -> tuple[list[str], str]:
    """(PATHS, QUERY): the first word is the content directory unless it looks
    like a query (a colon, a quote, a blank or a leading -, and no /) and names
    nothing on disk; the words after it that name directories are more content
    directories; the rest is the query. So a mistyped directory still says "no
    such directory" rather than listing nothing."""
    if not words:
        return [], ""
    first = words[0]
    query_like = (any(c in first for c in ':"') or first.startswith("-")
                  or any(c.isspace() for c in first)) and "/" not in first and os.sep not in first
    if query_like and not os.path.lexists(first):
        return [], " ".join(words)
    n = 1
    while n < len(words) and os.path.isdir(words[n]):
        n += 1
    return list(words[:n]), " ".join(words[n:])


def query_text(query: str, where: str, search: str) -> str:
    """The one query the arguments make (each must parse on its own, so an
    error's column is in the argument the user wrote)."""
    parts = [query, where, plain_words(search)]
    for part in parts[:2]:
        try:
            parse(part)
        except QueryError as error:
            raise CLIError(str(error)) from None
    return " ".join(p for p in parts if p.strip())


def cmd_list(args: argparse.Namespace) -> int:
    if args.limit is not None and args.limit < 0:
        raise CLIError("--limit must be 0 or more")
    args.path, query = split_words(args.words)
    text = state_query(query_text(query, args.where, args.search), args.unread, args.saved)
    roots = command_roots(args)
    entries, problems, *_ = load_roots(roots, not args.no_index)
    key = SortKey(args.sort)
    published = (
        Published.UNPUBLISHED if args.unpublished
        else Published.PUBLISHED if args.published
        else Published.ALL
    )
    descending = key.default_descending != args.reverse
    q = Query(sort=key, descending=descending, topic=args.topic, published=published, search=text)
    rows = Catalog(entries).query(q, user_state(entries, text))
    out = sys.stdout
    if args.stories:
        from reader.cli.story_list import story_rows, write_stories_json

        stories = story_rows(roots, rows)[: args.limit]
        if args.json:
            write_stories_json(out, stories)
        elif args.ids:
            out.writelines(sanitize(best.id) + "\n" for best, _ in stories)
        else:
            out.write(format_table([best for best, _ in stories],
                                   counts={best.id: len(members) for best, members in stories}))
    else:
        write_rows(rows[: args.limit], roots, problems, as_json=args.json, ids=args.ids)
    for problem in problems:
        print(f"reader: skipped {problem}", file=sys.stderr)
    return 0


def write_rows(rows: Sequence[Entry], roots: Roots, problems: list[LoadProblem], *,
               as_json: bool = False, ids: bool = False) -> None:
    """The rows as ``reader list`` prints them: a table, their ids, or JSON lines
    (each item read again from its own root; one that cannot be is added to ``problems``)."""
    out = sys.stdout
    if as_json:
        for e in rows:  # the full item, read again only for the rows printed
            item = roots.load_item(e.id)
            if isinstance(item, LoadProblem):
                problems.append(item)
                continue
            out.write(json.dumps(item_dict(item), ensure_ascii=False) + "\n")
    elif ids:
        out.writelines(sanitize(e.id) + "\n" for e in rows)
    else:
        from reader.core.config import load_config

        out.write(format_table(rows, dates=load_config().dates))


def format_table(rows: Sequence[Entry], width: int = 100, dates: DateStyle = UTC_DAYS,
                 counts: Mapping[str, int] | None = None) -> str:
    """Rows as a table, the item's ID last (whole, so it can be copied).
    ``counts``: a story's size by its best id, shown as ×N before the title.

    Columns are measured in terminal cells, so wide (CJK, emoji) and
    zero-width (combining) characters keep them in line. ``width`` is the
    width up to the ID column.
    """
    def num(n: int | None) -> str:
        return "-" if n is None else str(n)

    # Heat and quality have no upper bound: a column widens to its widest value.
    heat_w = max([4, *(len(num(e.heat)) for e in rows)])
    qual_w = max([4, *(len(num(e.quality)) for e in rows)])
    date_w = max(10, dates.width)
    title_w = max(20, width - 34 - date_w - heat_w - qual_w)
    lines = [f"{'DATE':<{date_w}}  {'HEAT':>{heat_w}} {'QUAL':>{qual_w}} {'':1} {'TITLE':<{title_w}}  "
             f"{'PROVIDER':<{PROVIDER_CELLS}}  ID"]
    for e in rows:
        date = dates.day(e.published_at) if e.published_at else "-"
        mark = "U" if e.published is False else " "
        lines.append(
            f"{date:<{date_w}}  {num(e.heat):>{heat_w}} {num(e.quality):>{qual_w}} {mark} "
            f"{fit(_counted(e, counts), title_w)}  {fit(e.provider, PROVIDER_CELLS)}  {sanitize(e.id)}"
        )
    return "\n".join(lines) + "\n"


def _counted(entry: Entry, counts: Mapping[str, int] | None) -> str:
    n = counts.get(entry.id, 1) if counts else 1
    return f"×{n} {entry.title}" if n > 1 else entry.title


def cmd_show(args: argparse.Namespace) -> int:
    from reader.cli.targets import resolve_or_keep

    roots = command_roots(args)
    item = roots.load_item(resolve_or_keep(roots, args.id))
    if isinstance(item, LoadProblem):
        raise CLIError(f"{clip(item.id)}: {item.reason}")
    if args.json:
        print(json.dumps(item_dict(item), ensure_ascii=False, indent=2))
        return 0
    from reader.core.describe import describe

    print(describe(item))
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    """The load report. Every file that could not be read is named (opened again
    even when the index says it is unchanged), unreadable folders among them:
    exit 1. What the listing skips by design (dangling, looping and outside
    symlinks, FIFOs, a folder reached twice) is named with the reason, but
    does not fail the check: nothing there was meant to be read."""
    roots = command_roots(args)
    entries, problems, without_front_matter, skipped, warnings = load_roots(
        roots, not args.no_index, verify=True)
    if args.json:
        several = {} if roots.single else {"roots": {label: sanitize(str(p)) for label, p in roots}}
        print(json.dumps({
            "root": sanitize(str(roots.primary)),
            **several,
            "items": len(entries),
            "skipped": without_front_matter,
            "problems": [{"id": p.id, "reason": p.reason} for p in problems],
            "skipped_by_design": [{"id": s.id, "reason": s.reason} for s in skipped],
            "warnings": [{"id": w.id, "warning": w.reason} for w in warnings],
        }, ensure_ascii=False))
    else:
        print(f"{len(entries)} items loaded, {len(problems)} files could not be read"
              + (f", {without_front_matter} files without front matter skipped"
                 if without_front_matter else "")
              + (f", {len(skipped)} skipped by design" if skipped else "")
              + (f", {len(warnings)} with warnings" if warnings else ""))
        for problem in problems:
            print(problem)
        for entry in skipped:
            print(f"skipped: {entry}")
        for warning in warnings:
            print(f"warning: {warning}")
    return 1 if problems else 0
