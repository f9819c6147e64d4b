"""The command line: ``reader [PATH]`` opens the app; subcommands use the same core.

One module per concern: ``listing`` (list, show, check), ``editing`` (publish,
unpublish, tag; ids from ``targets``), ``marking`` (mark: the reader's own
read and saved marks), ``audit_log`` (log), ``settings`` (config, keys),
``views`` (view), ``serve`` (the app in a browser); ``reader preview``
lives in ``reader.preview.cli``. Every command takes the content directories
as ``--root PATH``, repeated for several (and, where it reads, as positional
PATHs too); with none, config.toml's ``roots`` (``common.command_roots``).
"""

from __future__ import annotations

import gc
import sys
from collections.abc import Sequence
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any

from reader import __version__
from reader.cli.common import CLIError, add_root, command_roots, content_roots, given_roots
from reader.core.sanitize import clip
from reader.core.store import NotADirectory

if TYPE_CHECKING:
    import argparse

# The subcommands' modules are imported when a subcommand is parsed: opening the
# app (``reader PATH``, the common case) needs none of them.
__all__ = ["PROVIDER_CELLS", "CLIError", "app_parser", "build_parser", "format_table", "main"]


def __getattr__(name: str) -> Any:
    if name in ("PROVIDER_CELLS", "format_table"):
        from reader.cli import listing

        return getattr(listing, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


SUBCOMMANDS = ("list", "show", "check", "publish", "unpublish", "tag", "mark", "log", "view",
               "preview", "serve", "config", "keys")


def build_parser() -> argparse.ArgumentParser:
    import argparse

    p = argparse.ArgumentParser(
        prog="reader",
        description="A terminal news reader and triage desk. "
        "With no subcommand, opens the reader on PATH... (default: roots in config.toml, else the "
        "bundled sample content).",
    )
    p.add_argument("--version", action="version", version=f"reader {__version__}",
                   help="print the version and exit")
    sub = p.add_subparsers(dest="command", metavar="COMMAND",
                           help="one of the commands below; `reader COMMAND --help` for its options")
    from reader.cli import audit_log, editing, listing, marking, serve, settings, views

    listing.add_parsers(sub)
    editing.add_parsers(sub)
    marking.add_parser(sub)
    audit_log.add_parsers(sub)
    settings.add_parsers(sub)
    views.add_parsers(sub)
    serve.add_parsers(sub)
    try:
        from reader.preview import cli as preview_cli
    except ImportError:  # pragma: no cover
        return p
    preview = preview_cli.add_parser(sub)
    preview.add_argument("--root", metavar="PATH", action="append",
                         help="with --item: the content directory (the same as PATH); repeat it for several")
    return p


def app_parser() -> argparse.ArgumentParser:
    import argparse

    p = argparse.ArgumentParser(prog="reader", description="Open the reader on PATH.")
    add_root(p)
    p.add_argument("--no-cache", action="store_true", help="do not read or write the preview cache")
    p.add_argument("--no-mouse", action="store_true",
                   help="leave the mouse to the terminal (select and copy text as usual); keys do everything")
    return p


REQUIRED = ("yaml", "textual", "httpx", "platformdirs", "trafilatura")


def missing_dependencies() -> list[str]:
    """Dependencies that are not installed (checked without importing them)."""
    from importlib.util import find_spec

    return [name for name in REQUIRED if find_spec(name) is None]


def _run_preview(args: argparse.Namespace) -> int:
    """``reader preview URL``, or ``--item ID`` found in any of the content roots
    (``PATH...``, ``--root`` repeated, config.toml's roots): its links are read
    from the file in its own root (through ``preview.cli.urls_for_item``)."""
    from reader.preview import cli as preview_cli

    given: list[str] = list(args.target or [])
    if args.item is None:
        if args.root:
            raise CLIError("preview --root PATH goes with --item ID")
        if len(given) > 1:
            raise CLIError("preview takes one URL (several PATHs go with --item ID)")
        args.target = given[0] if given else None
        return preview_cli.run(args)
    from reader.cli.targets import resolve_or_keep

    args.path = given
    roots = command_roots(args)
    item_id = resolve_or_keep(roots, args.item)  # an id as `reader list` shows it, or a prefix
    where = roots.locate(item_id)
    if where is None:  # (resolve_or_keep keeps an id only with a root's label)
        raise CLIError(f"{clip(item_id)}: no such item")
    root, rel = where
    args.target, args.item = str(root), item_id
    return preview_cli.run(args, item_urls=lambda _root, _id: preview_cli.urls_for_item(str(root), rel))


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
        args = build_parser().parse_args(argv)
        if args.command is None:
            return _open_app([])
        if args.command == "preview":
            return _run_preview(args)
        return int(args.run(args))
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
    except Exception as exc:  # the promise is: never a traceback
        print(f"reader: unexpected error: {type(exc).__name__}: {clip(exc)}", file=sys.stderr)
        return 1


def app_args(argv: list[str]) -> argparse.Namespace | SimpleNamespace:
    """``app_parser``'s reading of ``argv``. Only PATHs (no argument starts with
    ``-``): the same, read without argparse, which a start would import for them."""
    if any(arg.startswith("-") for arg in argv):
        return app_parser().parse_args(argv)
    return SimpleNamespace(path=list(argv), root=None, no_cache=False, no_mouse=False)


def _open_app(argv: list[str]) -> int:
    args = app_args(argv)
    # The cyclic collector pauses until the app's first frame is out (the app
    # resumes it): start-up makes long-lived objects only (modules, widgets,
    # styles), and full passes over them took 20-40 ms of the first screen.
    gc.disable()
    from reader.core.config import cache_dir, load_config
    from reader.logs import setup_app_logging
    from reader.ui.app import create_app

    config = load_config()
    # PATH... on the command line, else config.toml's roots = [...]
    given = given_roots(args) or [str(root) for root in config.roots]
    roots = content_roots(given)
    setup_app_logging(cache_dir())

    app = create_app(roots.primary if roots.single else roots, use_cache=not args.no_cache, config=config)
    app.run(mouse=not args.no_mouse)
    return app.return_code or 0
