"""``reader log``: the content roots' audit logs, oldest first, newest last (as ``tail``).

Each root keeps its own log (``PATH/.reader/audit.jsonl``). With several, the
logs are merged in time order (a tie keeps the roots' order) and each change
names its item by its id among the roots, as ``reader list`` does: the root's
label first.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from reader.cli.common import add_root, command_roots
from reader.core.sanitize import clip, sanitize

if TYPE_CHECKING:
    from reader.core.audit import AuditReader, AuditRecord
    from reader.core.roots import Roots

SINCE_FORMS = ("an ISO date or time (2024-05-01, 2024-05-01T09:30, 2024-05-01T09:30+02:00; "
               "without an offset: UTC) or a time ago: a number and s, m, h, d or w "
               "(90m, 2h, 3d, 1w, 1d12h)")
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 7 * 86400}
_AGO = re.compile(r"(?:\d{1,9}[smhdw])+")
_PART = re.compile(r"(\d+)([smhdw])")


def parse_since(text: str, now: datetime) -> datetime:
    """The moment ``--since`` names, aware (UTC). ``ValueError`` (one line) otherwise."""
    value = text.strip()
    if _AGO.fullmatch(value):
        seconds = sum(int(n) * _UNITS[u] for n, u in _PART.findall(value))
        try:
            return now.astimezone(UTC) - timedelta(seconds=seconds)
        except OverflowError:
            raise ValueError(f"too long ago: {clip(text, 40)!r}") from None
    try:
        if len(value) == 10:  # a date alone: its start, UTC
            day = date.fromisoformat(value)
            return datetime(day.year, day.month, day.day, tzinfo=UTC)
        when = datetime.fromisoformat(value)
    except ValueError:
        raise ValueError(f"not a time: {clip(text, 40)!r}; expected {SINCE_FORMS}") from None
    return when.replace(tzinfo=UTC) if when.tzinfo is None else when.astimezone(UTC)


def _since(text: str) -> datetime:
    try:
        return parse_since(text, datetime.now(UTC))
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def add_parsers(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "log", help="print the audit log of edits (oldest first, newest last)",
        description="Print the changes recorded in PATH/.reader/audit.jsonl, one line each: "
        "time (UTC), user@host, ID, field: old -> new. Oldest first, newest last. With several "
        "content directories, their logs merged in time order, each ID after its directory's label.",
    )
    add_root(p)
    p.add_argument("--since", type=_since, metavar="WHEN",
                   help=f"only changes at or after WHEN: {SINCE_FORMS}")
    p.add_argument("--json", action="store_true",
                   help="one JSON object per change: time, user, host, id, field, old, new, "
                   "action, topic, undo")
    p.set_defaults(run=cmd_log)


def _value(value: Any) -> str:
    if value is None:
        return "(not set)"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "[" + ", ".join(sanitize(v) for v in value) + "]"
    return sanitize(value)


def _plain(value: Any) -> Any:
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, str):
        return sanitize(value)
    if value is None or isinstance(value, (bool, int, float)):
        return value
    return sanitize(json.dumps(value, ensure_ascii=False, default=str))


def _time(when: datetime) -> str:
    return when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def merged(roots: Roots, readers: list[AuditReader]) -> Iterator[tuple[str, AuditRecord]]:
    """(id among the roots, record) of every root's log, oldest first; a tie
    keeps the roots' order, and each log its own."""
    records = [(r.time, n, k, roots.full_id(label, r.item), r)
               for n, ((label, _), reader) in enumerate(zip(roots, readers, strict=True))
               for k, r in enumerate(reader)]
    records.sort(key=lambda t: t[:3])
    for *_, item_id, record in records:
        yield item_id, record


def cmd_log(args: argparse.Namespace) -> int:
    from reader.core.audit import AUDIT_DIR, AUDIT_FILE, AuditReader, audit_path

    roots = command_roots(args)
    readers = [AuditReader(path, since=args.since) for path in roots.paths]
    out = sys.stdout
    for item_id, r in (((r.item, r) for r in readers[0]) if roots.single else merged(roots, readers)):
        undo = r.extra.get("undo") is True
        if args.json:
            out.write(json.dumps({
                "time": r.time.isoformat(timespec="milliseconds").replace("+00:00", "Z"),
                "user": sanitize(r.user), "host": sanitize(r.host), "id": sanitize(item_id),
                "field": sanitize(r.field), "old": _plain(r.old), "new": _plain(r.new),
                "action": _plain(r.extra.get("action")), "topic": _plain(r.extra.get("topic")),
                "undo": undo,
            }, ensure_ascii=False) + "\n")
        else:
            out.write(f"{_time(r.time)}  {sanitize(r.user)}@{sanitize(r.host)}  {sanitize(item_id)}  "
                      f"{sanitize(r.field)}: {_value(r.old)} → {_value(r.new)}"
                      + (" (undo)" if undo else "") + "\n")
    failed = False
    for path, records in zip(roots.paths, readers, strict=True):
        if records.damaged:
            lines = "line" if records.damaged == 1 else "lines"
            print(f"reader: skipped {records.damaged} damaged {lines} of {clip(audit_path(path))}",
                  file=sys.stderr)
        if records.error is not None:
            print(f"reader: {clip(records.error)}", file=sys.stderr)
            failed = True
    missing = [audit_path(path) for path in roots.paths if not audit_path(path).exists()]
    if roots.single and missing:
        print(f"reader: no edits recorded yet ({clip(missing[0])} does not exist)", file=sys.stderr)
    elif len(missing) == len(roots):
        print(f"reader: no edits recorded yet (no {AUDIT_DIR}/{AUDIT_FILE} in any of the {len(roots)} "
              "content directories)", file=sys.stderr)
    return 1 if failed else 0
