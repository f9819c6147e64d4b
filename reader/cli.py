"""The command line: ``reader [PATH]`` opens the app; subcommands use the same core."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from reader import __version__
from reader.core.model import Entry
from reader.core.catalog import Catalog
from reader.core.cells import fit
from reader.core.query import Published, Query, SortKey
from reader.core.sanitize import clip, sanitize
from reader.core.serialize import item_dict
from reader.core.store import LoadProblem, NotADirectory, Skipped, check_root, load_item
from reader.resources import sample_content_dir

SUBCOMMANDS = ("list", "show", "check", "preview")


class CLIError(Exception):
    """A one-line error for stderr."""


def _root(path: str | None) -> Path:
    """The content root; ``NotADirectory`` (one line, the path clipped) when it is
    missing, not a directory, unreadable, a symlink loop or a name too long."""
    root = Path(path) if path else sample_content_dir()
    check_root(root)
    return root


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="reader",
        description="A terminal news reader and triage desk. "
        "With no subcommand, opens the reader on PATH (default: the bundled sample content).",
    )
    p.add_argument("--version", action="version", version=f"reader {__version__}")
    sub = p.add_subparsers(dest="command")

    ls = sub.add_parser("list", help="print items as a table or JSON lines")
    ls.add_argument("path", nargs="?")
    ls.add_argument("--sort", choices=[k.value for k in SortKey], default=SortKey.DATE.value)
    ls.add_argument("--reverse", action="store_true", help="reverse the sort's usual direction")
    ls.add_argument("--topic")
    state = ls.add_mutually_exclusive_group()
    state.add_argument("--unpublished", action="store_true")
    state.add_argument("--published", action="store_true")
    ls.add_argument("--search", default="")
    ls.add_argument("--limit", type=int)
    ls.add_argument("--json", action="store_true", help="JSON lines with every normalised field")
    ls.add_argument("--no-index", action="store_true", help="parse every file; ignore the index")

    show = sub.add_parser("show", help="print one item")
    show.add_argument("id", help="the item's path relative to the content root")
    show.add_argument("path", nargs="?")
    show.add_argument("--json", action="store_true")

    check = sub.add_parser("check", help="print the load report; exit 1 if any file is bad")
    check.add_argument("path", nargs="?")
    check.add_argument("--json", action="store_true")
    check.add_argument("--no-index", action="store_true", help="parse every file; ignore the index")

    try:
        from reader.preview import cli as preview_cli
    except ImportError:  # pragma: no cover
        preview_cli = None
    if preview_cli is not None:
        preview_cli.add_parser(sub)
    return p


def _load(root: Path, use_index: bool, *, verify: bool = False
          ) -> tuple[list[Entry], list[LoadProblem], int, list[Skipped]]:
    """Entries (in path order), problems (unreadable folders among them), the
    count of files without front matter, and what was skipped by design.

    Through the same loader and persistent index as the app, so a second
    ``reader list`` on 100k items does not parse YAML again. ``verify``: open
    every file the index vouches for (see ``loader.scan``).
    """
    from reader.core.index import Index
    from reader.core.loader import load_all

    skipped: list[Skipped] = []
    index = Index(root) if use_index else None
    try:
        entries, problems, report = load_all(root, index=index, verify=verify,
                                             on_skip=skipped.append)
    finally:
        if index is not None:
            index.close()
    problems.extend(LoadProblem(s.id, s.reason) for s in skipped if s.unreadable)
    entries.sort(key=lambda e: e.id)
    problems.sort(key=lambda p: p.id)
    return entries, problems, report.skipped, [s for s in skipped if not s.unreadable]


def _cmd_list(args: argparse.Namespace) -> int:
    if args.limit is not None and args.limit < 0:
        raise CLIError("--limit must be 0 or more")
    root = _root(args.path)
    entries, problems, _, _ = _load(root, not args.no_index)
    key = SortKey(args.sort)
    published = (
        Published.UNPUBLISHED if args.unpublished
        else Published.PUBLISHED if args.published
        else Published.ALL
    )
    descending = key.default_descending != args.reverse
    q = Query(sort=key, descending=descending, topic=args.topic, published=published,
              search=args.search)
    rows = Catalog(entries).query(q)
    if args.limit is not None:
        rows = rows[: args.limit]
    out = sys.stdout
    if args.json:
        for e in rows:  # the full item, read again only for the rows printed
            item = load_item(root, e.id)
            if isinstance(item, LoadProblem):
                problems.append(item)
                continue
            out.write(json.dumps(item_dict(item), ensure_ascii=False) + "\n")
    else:
        out.write(format_table(rows))
    for problem in problems:
        print(f"reader: skipped {problem}", file=sys.stderr)
    return 0


def format_table(rows: Sequence[Entry], width: int = 100) -> str:
    """Rows as a table; columns are measured in terminal cells, so wide (CJK,
    emoji) and zero-width (combining) characters keep them in line."""
    def num(n: int | None) -> str:
        return "-" if n is None else str(n)

    # Heat and quality have no upper bound: a column widens to its widest value.
    heat_w = max([4, *(len(num(e.heat)) for e in rows)])
    qual_w = max([4, *(len(num(e.quality)) for e in rows)])
    title_w = max(20, width - 44 - heat_w - qual_w)
    lines = [f"{'DATE':<10}  {'HEAT':>{heat_w}} {'QUAL':>{qual_w}} {'':1} {'TITLE':<{title_w}}  "
             f"{'PROVIDER':<{PROVIDER_CELLS}}"]
    for e in rows:
        date = e.published_at.strftime("%Y-%m-%d") if e.published_at else "-"
        mark = "U" if e.published is False else " "
        lines.append(
            f"{date:<10}  {num(e.heat):>{heat_w}} {num(e.quality):>{qual_w}} {mark} "
            f"{fit(e.title, title_w)}  {fit(e.provider, PROVIDER_CELLS)}"
        )
    return "\n".join(lines) + "\n"


PROVIDER_CELLS = 24


def _cmd_show(args: argparse.Namespace) -> int:
    root = _root(args.path)
    item = load_item(root, args.id)
    if isinstance(item, LoadProblem):
        raise CLIError(f"{clip(item.id)}: {item.reason}")
    if args.json:
        print(json.dumps(item_dict(item), ensure_ascii=False, indent=2))
        return 0
    from reader.core.describe import describe

    print(describe(item))
    return 0


def _cmd_check(args: argparse.Namespace) -> int:
    """The load report. Every file that could not be read is named (opened again
    even when the index says it is unchanged), unreadable folders among them:
    exit 1. What the listing skips by design (dangling, looping and outside
    symlinks, FIFOs, a folder reached twice) is named with the reason, but
    does not fail the check: nothing there was meant to be read."""
    root = _root(args.path)
    entries, problems, without_front_matter, skipped = _load(root, not args.no_index,
                                                             verify=True)
    if args.json:
        print(json.dumps({
            "root": sanitize(str(root)),
            "items": len(entries),
            "skipped": without_front_matter,
            "problems": [{"id": p.id, "reason": p.reason} for p in problems],
            "skipped_by_design": [{"id": s.id, "reason": s.reason} for s in skipped],
        }, ensure_ascii=False))
    else:
        print(f"{len(entries)} items loaded, {len(problems)} files could not be read"
              + (f", {without_front_matter} files without front matter skipped"
                 if without_front_matter else "")
              + (f", {len(skipped)} skipped by design" if skipped else ""))
        for problem in problems:
            print(problem)
        for entry in skipped:
            print(f"skipped: {entry}")
    return 1 if problems else 0


REQUIRED = ("yaml", "textual", "httpx", "platformdirs", "trafilatura")


def missing_dependencies() -> list[str]:
    """Dependencies that are not installed (checked without importing them)."""
    from importlib.util import find_spec

    return [name for name in REQUIRED if find_spec(name) is None]


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    missing = missing_dependencies()
    if missing:
        print(f"reader: missing dependencies: {', '.join(missing)} "
              "(install the project first: pip install -e .)", file=sys.stderr)
        return 2
    try:
        if not argv or argv[0] not in (*SUBCOMMANDS, "-h", "--help", "--version"):
            return _open_app(argv)
        args = _parser().parse_args(argv)
        if args.command is None:
            return _open_app([])
        if args.command == "list":
            return _cmd_list(args)
        if args.command == "show":
            return _cmd_show(args)
        if args.command == "check":
            return _cmd_check(args)
        if args.command == "preview":
            from reader.preview import cli as preview_cli

            return preview_cli.run(args)
        raise CLIError(f"unknown command {args.command!r}")
    except CLIError as exc:
        print(f"reader: {exc}", file=sys.stderr)
        return 2
    except NotADirectory as exc:
        print(f"reader: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0
    except OSError as exc:  # e.g. the output cannot be written
        where = f"{clip(exc.filename)}: " if exc.filename else ""
        print(f"reader: {where}{exc.strerror or clip(exc)}", file=sys.stderr)
        return 1
    except Exception as exc:  # noqa: BLE001 - the promise is: never a traceback
        print(f"reader: unexpected error: {type(exc).__name__}: {clip(exc)}", file=sys.stderr)
        return 1


def _open_app(argv: list[str]) -> int:
    p = argparse.ArgumentParser(prog="reader", description="Open the reader on PATH.")
    p.add_argument("path", nargs="?", help="content directory (default: bundled sample content)")
    p.add_argument("--no-cache", action="store_true", help="do not read or write the preview cache")
    args = p.parse_args(argv)
    root = _root(args.path)
    from reader.core.config import cache_dir
    from reader.logs import setup_app_logging
    from reader.ui.app import create_app

    setup_app_logging(cache_dir())

    app = create_app(root, use_cache=not args.no_cache)
    app.run()
    return app.return_code or 0
