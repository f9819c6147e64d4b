"""``reader config`` (the settings file: where, a commented default, a check)
and ``reader keys`` (every action, its id and keys, from the action table)."""

from __future__ import annotations

import argparse

from reader.cli.common import CLIError
from reader.core.sanitize import sanitize


def add_parsers(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "config", help="the settings file: print its path, write a default, or check it",
        description="The settings file, config.toml in the user's config directory "
        "($READER_CONFIG overrides). See README, Configuration.",
    )
    what = p.add_mutually_exclusive_group(required=True)
    what.add_argument("--path", action="store_true", help="print the file's path")
    what.add_argument("--init", action="store_true",
                      help="write a commented default file (not over an existing one)")
    what.add_argument("--check", action="store_true",
                      help="print each problem (file, setting, problem); exit 1 if there is any")
    p.add_argument("--force", action="store_true", help="with --init: replace an existing file")
    p.set_defaults(run=cmd_config)

    k = sub.add_parser(
        "keys", help="list every action: its keys (config.toml's [keys] applied) and its id",
        description="Every action of the app, its keys with config.toml's [keys] applied, "
        "and the id [keys] remaps it by.",
    )
    k.add_argument("--markdown", action="store_true", help="as README's key table (Markdown)")
    k.add_argument("--defaults", action="store_true", help="the default keys, ignoring [keys]")
    k.set_defaults(run=cmd_keys)


def cmd_config(args: argparse.Namespace) -> int:
    from reader.core.config import config_path

    path = config_path()
    if args.force and not args.init:
        raise CLIError("--force goes with --init")
    if args.path:
        print(path)
        return 0
    if args.init:
        return _init(path, force=args.force)
    return _check(path)


def _init(path, *, force: bool) -> int:
    from reader.core.config_text import config_text

    if path.exists() and not force:
        raise CLIError(f"{sanitize(str(path))} exists; --force replaces it")
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w" if force else "x", encoding="utf-8") as out:
        out.write(config_text())
    print(f"wrote {sanitize(str(path))}")
    return 0


def _check(path) -> int:
    from textual.theme import BUILTIN_THEMES

    from reader.core.config import load_config

    if not path.exists():
        print(f"{sanitize(str(path))}: no such file; the defaults are used")
        return 0
    config = load_config(path)
    if config.theme is not None and config.theme not in BUILTIN_THEMES:
        config = config.with_warning("theme", f"unknown theme {config.theme!r}")
    for warning in config.warnings:
        print(sanitize(warning))
    if config.warnings:
        return 1
    print(f"{sanitize(str(path))}: no problems")
    return 0


def cmd_keys(args: argparse.Namespace) -> int:
    from reader.core.actions import ACTIONS
    from reader.core.config import load_config
    from reader.core.keymap import effective_keys, key_text, markdown_table

    keymap = {} if args.defaults else load_config().keymap
    if args.markdown:
        print(markdown_table(keymap), end="")
        return 0
    rows = [(", ".join(key_text(k) for k in effective_keys(a, keymap)) or "-", a.id, a.text)
            for a in ACTIONS]
    width = max(len(r[0]) for r in rows)
    id_width = max(len(r[1]) for r in rows)
    for keys, action_id, text in rows:
        print(f"{keys:<{width}}  {action_id:<{id_width}}  {text}")
    return 0
