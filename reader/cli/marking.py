"""``reader mark``: the reader's own read and saved marks, from the command line.

The marks are the app's (``reader.core.state``: per user, in the state
directory; never in the content folder), kept by each item's URL (else its
id), so ``reader mark`` never writes to the content directory and needs no
lock on it. Ids are resolved as the editing commands resolve them
(``reader.cli.targets``), across every content root given (or config.toml's
``roots``), and each item is read in its own root; an id that names no item,
or an item that cannot be read, gets one line on stderr, the others are
marked, and the exit status is 1 at the end. ``reader list --unread`` / ``--saved`` read the same marks.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from reader.cli.common import CLIError, command_roots
from reader.cli.targets import read_ids, resolve_all
from reader.core.model import Entry
from reader.core.querylang import names_state
from reader.core.sanitize import clip, sanitize
from reader.core.user_state import NO_USER_STATE, UserState


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("mark", help="mark items read, unread, saved or unsaved (your own marks)",
                       description="Mark items read or unread, saved or unsaved: your own marks, "
                       "the app's, kept in your state directory (never in the content directory). "
                       "An item is known by its URL, so its marks survive a rename.",
                       epilog="`reader list --unread` and `--saved` list what is marked.")
    p.add_argument("ids", nargs="+", metavar="ID",
                   help="an item's ID as `reader list` shows it, a path to the file, or an "
                   "unambiguous prefix of an ID; - reads IDs from stdin, one per line")
    p.add_argument("--root", metavar="PATH", action="append",
                   help="the content directory; repeat it for several (default: roots in config.toml, "
                   "else the bundled sample content)")
    read = p.add_mutually_exclusive_group()
    read.add_argument("--read", dest="read", action="store_const", const=True, help="mark the items read")
    read.add_argument("--unread", dest="read", action="store_const", const=False,
                      help="mark the items unread")
    saved = p.add_mutually_exclusive_group()
    saved.add_argument("--saved", dest="saved", action="store_const", const=True, help="save the items")
    saved.add_argument("--unsaved", dest="saved", action="store_const", const=False,
                       help="unsave the items")
    p.set_defaults(run=cmd_mark, read=None, saved=None)


def cmd_mark(args: argparse.Namespace) -> int:
    from reader.core.state import StateStore, item_key
    from reader.core.store import LoadProblem

    if args.read is None and args.saved is None:
        raise CLIError("mark needs --read, --unread, --saved or --unsaved")
    roots = command_roots(args)
    given = read_ids(args.ids)
    if not given:
        print("reader: no ids given; nothing changed", file=sys.stderr)
        return 0
    keys: dict[str, str] = {}  # id -> item key
    failed = 0
    for target in resolve_all(roots, given):
        if target.id is None:
            failed += 1
            print(f"reader: {clip(target.shown)}: {target.error or 'no such item'}", file=sys.stderr)
            continue
        item = roots.load_item(target.id)
        if isinstance(item, LoadProblem):
            failed += 1
            print(f"reader: {clip(target.shown)}: {item.reason}", file=sys.stderr)
            continue
        keys[target.id] = item_key(Entry.from_item(item))
    store = StateStore()
    if store.note:
        print(f"reader: {sanitize(store.note)}", file=sys.stderr)
    try:
        changes = [(args.read, store.read, store.set_read, "read", "unread"),
                   (args.saved, store.saved, store.set_saved, "saved", "unsaved")]
        for item_id, key in keys.items():
            said = []
            for wanted, marks, write, on_word, off_word in changes:
                if wanted is None:
                    continue
                word = on_word if wanted else off_word
                said.append(word if (key in marks) != wanted else f"already {word}")
                write([key], wanted)
            sys.stdout.write(f"{', '.join(said)}: {sanitize(item_id)}\n")
    finally:
        store.close()
    if failed and len(given) > 1:
        print(f"reader: {failed} of {len(keys) + failed} items failed", file=sys.stderr)
    return 1 if failed else 0


def state_query(text: str, unread: bool, saved: bool) -> str:
    """``reader list``'s query with ``--unread`` / ``--saved`` added as terms."""
    extra = [t for t, on in (("is:unread", unread), ("is:saved", saved)) if on]
    return " ".join(p for p in (text, *extra) if p.strip())


def user_state(entries: Sequence[Entry], query: str) -> UserState:
    """The reader's marks for ``reader list``, read only when the query names them."""
    if not names_state(query):
        return NO_USER_STATE
    from reader.core.reading import compute
    from reader.core.state import StateStore

    store = StateStore()
    try:
        if store.note:
            print(f"reader: {sanitize(store.note)}", file=sys.stderr)
        found = compute(entries, store.read, store.saved)
    finally:
        store.close()
    return UserState(read=lambda: found.read_ids, saved=lambda: found.saved_ids)
