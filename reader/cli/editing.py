"""``reader publish``, ``reader unpublish`` and ``reader tag``: edits for editors.

Every edit goes through ``reader.core.edit``: under the item's lock, a
targeted byte edit, an atomic write and a line in the content root's audit
log with the user and host. A batch carries on past an item that fails (a
missing id, a broken file, a refused edit, a lock held too long): that item
gets one line on stderr, the others are edited, and the exit status is 1 at
the end. The bundled sample content is never edited: these commands need
``--root PATH`` (repeated for several roots) or config.toml's ``roots``; each
item is edited in the root that holds it, and recorded in that root's log.

Output, one per item: a line for people, or with ``--json`` one JSON object
of a fixed shape::

    {"id": ..., "field": "published", "old": false, "new": true, "status": "changed"}
    {"id": ..., "field": "topics", "old": [...], "new": [...], "status": "unchanged",
     "added": [...], "removed": [...]}

``status`` is ``changed``, ``unchanged`` or ``error`` (then ``error`` holds
the reason and ``old``/``new`` what the item held before and after the part
that was done, null when nothing was read).
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from reader.cli.common import CLIError, command_roots
from reader.cli.targets import Target, read_ids, resolve_all
from reader.core.roots import Roots
from reader.core.sanitize import clip, sanitize

TIMEOUT = 10.0  # seconds to wait for another editor's lock (the core's default)


@dataclass(slots=True)
class Outcome:
    """What one command did to one item."""

    shown: str  # the id, sanitised
    field: str
    old: Any = None
    new: Any = None
    changed: bool = False
    added: list[str] = dataclasses.field(default_factory=list)
    removed: list[str] = dataclasses.field(default_factory=list)
    error: str | None = None
    warnings: list[str] = dataclasses.field(default_factory=list)

    @property
    def status(self) -> str:
        return "error" if self.error is not None else "changed" if self.changed else "unchanged"

    def as_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"id": self.shown, "field": self.field, "old": _plain(self.old),
                                "new": _plain(self.new), "status": self.status}
        if self.field == "topics":
            data["added"] = [sanitize(t) for t in self.added]
            data["removed"] = [sanitize(t) for t in self.removed]
        if self.error is not None:
            data["error"] = self.error
        return data


def _plain(value: Any) -> Any:
    if isinstance(value, (tuple, list)):
        return [sanitize(v) for v in value]
    return value


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of seconds: {clip(text, 40)!r}") from None
    if not 0 <= value <= 3600:
        raise argparse.ArgumentTypeError("expected 0 to 3600 seconds")
    return value


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument("ids", nargs="+", metavar="ID",
                   help="an item's ID as `reader list` shows it (its path relative to the content "
                   "directory; with several, after its directory's label), a path to the file, or an "
                   "unambiguous prefix of an ID; - reads IDs from stdin, one per line")
    p.add_argument("--root", metavar="PATH", action="append",
                   help="the content directory to edit; repeat it for several (default: roots in "
                   "config.toml; the bundled samples are never edited)")
    p.add_argument("--json", action="store_true",
                   help="one JSON object per item: id, field, old, new, status (changed, unchanged, error)")
    p.add_argument("--timeout", type=_seconds, default=TIMEOUT, metavar="S",
                   help=f"wait up to S seconds for another editor's lock on an item (default: {TIMEOUT:g})")


def add_parsers(sub: argparse._SubParsersAction) -> None:
    epilog = ("Each change is written atomically under the item's lock and recorded in "
              "PATH/.reader/audit.jsonl of the root that holds it (see `reader log`). A batch "
              "carries on past an item that fails and exits 1 at the end.")
    for name, value, what in (("publish", True, "mark items published: true"),
                              ("unpublish", False, "mark items published: false")):
        p = sub.add_parser(name, help=what, description=f"{what[0].upper()}{what[1:]}.", epilog=epilog)
        _common(p)
        p.set_defaults(run=cmd_publish, value=value)

    tag = sub.add_parser("tag", help="add or remove topics of items",
                         description="Add topics to items and remove topics from them.",
                         epilog=epilog)
    _common(tag)
    tag.add_argument("--add", action="append", default=[], metavar="T",
                     help="add the topic T (a no-op where present); repeatable")
    tag.add_argument("--remove", action="append", default=[], metavar="T",
                     help="remove every entry of the topic T; repeatable")
    tag.set_defaults(run=cmd_tag)


# -- running ----------------------------------------------------------------------------


def _batch(args: argparse.Namespace, field_name: str,
           edit: Callable[[str, Path, float], Outcome]) -> int:
    roots = command_roots(args, samples=False)
    given = read_ids(args.ids)
    if not given:
        print("reader: no ids given; nothing changed", file=sys.stderr)
        return 0
    targets = resolve_all(roots, given)
    failed = 0
    folders: set[str] = set()
    for target in targets:
        outcome = _one(target, roots, field_name, args.timeout, edit)
        path = None if target.id is None else roots.file_of(target.id)
        if path is not None:
            folders.add(os.path.dirname(path))
        if outcome.error is not None or outcome.warnings:
            failed += 1
        _report(outcome, args)
    from reader.core import files

    for folder in folders:  # what a writer killed mid-write left: one listing per folder
        files.remove_stale_temps(folder, recursive=False)
    if failed and len(targets) > 1:
        print(f"reader: {failed} of {len(targets)} items failed", file=sys.stderr)
    return 1 if failed else 0


def _one(target: Target, roots: Roots, field_name: str, timeout: float,
         edit: Callable[[str, Path, float], Outcome]) -> Outcome:
    """Edit one item in the root that holds it (``edit`` takes its id there);
    the outcome names it by its id among the roots."""
    where = None if target.id is None else roots.locate(target.id)
    if where is None:
        return Outcome(target.shown, field_name, error=target.error or "no such item")
    from reader.core.files import EditError

    root, item_id = where
    try:
        return dataclasses.replace(edit(item_id, root, timeout), shown=target.shown)
    except EditError as exc:  # refused, broken file, lock timeout, write failure
        return Outcome(target.shown, field_name, error=sanitize(exc.reason))
    except OSError as exc:
        return Outcome(target.shown, field_name, error=sanitize(exc.strerror or exc))


def _report(outcome: Outcome, args: argparse.Namespace) -> None:
    if args.json:
        sys.stdout.write(json.dumps(outcome.as_json(), ensure_ascii=False) + "\n")
    elif outcome.error is None or outcome.changed:  # a partial tag: what was done
        sys.stdout.write(_line(outcome) + "\n")
    if outcome.error is not None:
        print(f"reader: {clip(outcome.shown)}: {outcome.error}", file=sys.stderr)
    for warning in outcome.warnings:
        print(f"reader: {clip(outcome.shown)}: {warning}", file=sys.stderr)


def _state(value: object) -> str:
    return "not set" if value is None else "published" if value else "unpublished"


def _topics(value: object) -> str:
    names = [sanitize(t) for t in value] if isinstance(value, (tuple, list)) else []
    return f"topics: {', '.join(names)}" if names else "no topics"


def _line(o: Outcome) -> str:
    if o.field == "published":
        if not o.changed:
            return f"unchanged: {o.shown} (already {_state(o.new)})"
        return f"{_state(o.new)}: {o.shown} (was {_state(o.old)})"
    if not o.changed:
        return f"unchanged: {o.shown} ({_topics(o.new)})"
    marks = [f"+{sanitize(t)}" for t in o.added] + [f"-{sanitize(t)}" for t in o.removed]
    return f"tagged: {o.shown} {' '.join(marks)} ({_topics(o.new)})"


def _audit_warning(result: Any) -> list[str]:
    if result.audit_error is None:
        return []
    return [f"changed, but not recorded: {clip(result.audit_error)}"]


def cmd_publish(args: argparse.Namespace) -> int:
    from reader.core import edit as core

    def run(item_id: str, root: Path, timeout: float) -> Outcome:
        r = core.set_published(item_id, args.value, root=root, timeout=timeout)
        return Outcome(sanitize(item_id), core.PUBLISHED, r.old, r.new, r.changed,
                       warnings=_audit_warning(r))

    return _batch(args, "published", run)


def cmd_tag(args: argparse.Namespace) -> int:
    from reader.core import edit as core
    from reader.core.files import EditError
    from reader.core.fmedit import check_topic

    if not args.add and not args.remove:
        raise CLIError("tag needs at least one --add T or --remove T")
    both = sorted(set(args.add) & set(args.remove))
    if both:
        raise CLIError(f"topic {clip(both[0], 60)!r} is both added and removed")
    for topic in (*args.add, *args.remove):
        try:
            check_topic(topic)
        except EditError as exc:
            raise CLIError(sanitize(exc.reason)) from None
    adds, removes = list(dict.fromkeys(args.add)), list(dict.fromkeys(args.remove))

    def run(item_id: str, root: Path, timeout: float) -> Outcome:
        out = Outcome(sanitize(item_id), core.TOPICS)
        steps = [(core.add_topic, t, out.added) for t in adds]
        steps += [(core.remove_topic, t, out.removed) for t in removes]
        for i, (step, topic, done) in enumerate(steps):
            try:
                r = step(item_id, topic, root=root, timeout=timeout)
            except EditError as exc:
                if i == 0:
                    raise
                out.error = sanitize(exc.reason)  # the steps before stay done
                return out
            if i == 0:
                out.old = r.old
            out.new = r.new
            if r.changed:
                out.changed = True
                done.append(topic)
            out.warnings += _audit_warning(r)
        return out

    return _batch(args, "topics", run)

