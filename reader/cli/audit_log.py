"""``reader log``: the content root's audit log, oldest first, newest last (as ``tail``)."""

from __future__ import annotations

import argparse
import json
import re
import sys
from datetime import UTC, date, datetime, timedelta
from typing import Any

from reader.cli.common import add_root, content_root, given_root
from reader.core.sanitize import clip, sanitize

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
        "time (UTC), user@host, ID, field: old -> new. Oldest first, newest last.",
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


def cmd_log(args: argparse.Namespace) -> int:
    from reader.core.audit import AuditReader, audit_path

    root = content_root(given_root(args))
    records = AuditReader(root, since=args.since)
    out = sys.stdout
    for r in records:
        undo = r.extra.get("undo") is True
        if args.json:
            out.write(json.dumps({
                "time": r.time.isoformat(timespec="milliseconds").replace("+00:00", "Z"),
                "user": sanitize(r.user), "host": sanitize(r.host), "id": sanitize(r.item),
                "field": sanitize(r.field), "old": _plain(r.old), "new": _plain(r.new),
                "action": _plain(r.extra.get("action")), "topic": _plain(r.extra.get("topic")),
                "undo": undo,
            }, ensure_ascii=False) + "\n")
        else:
            out.write(f"{_time(r.time)}  {sanitize(r.user)}@{sanitize(r.host)}  {sanitize(r.item)}  "
                      f"{sanitize(r.field)}: {_value(r.old)} → {_value(r.new)}"
                      + (" (undo)" if undo else "") + "\n")
    if records.damaged:
        lines = "line" if records.damaged == 1 else "lines"
        print(f"reader: skipped {records.damaged} damaged {lines} of {clip(audit_path(root))}",
              file=sys.stderr)
    if records.error is not None:
        print(f"reader: {clip(records.error)}", file=sys.stderr)
        return 1
    if not audit_path(root).exists():
        print(f"reader: no edits recorded yet ({clip(audit_path(root))} does not exist)", file=sys.stderr)
    return 0
