"""The audit log: one JSON line per change, in ``<content root>/.reader/audit.jsonl``.

Appends are safe with many processes: the file is opened ``O_APPEND``, each
record is one ``write()`` of one line (under an ``flock`` of the log, which
also covers network file systems where ``O_APPEND`` is not atomic) and is
fsync'd before the call returns. If an earlier append was cut short (a full
disk), the next one starts on a fresh line, so only the damaged line is lost.

Reading never raises: damaged lines are skipped and counted.
"""

from __future__ import annotations

import dataclasses
import errno
import fcntl
import getpass
import json
import os
import socket
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import reader
from reader.core.files import EditError, os_reason

AUDIT_DIR = ".reader"
AUDIT_FILE = "audit.jsonl"


class AuditError(EditError):
    """The record could not be appended; the message names the log and the reason."""


@dataclass(frozen=True, slots=True)
class AuditRecord:
    time: datetime  # aware, UTC
    user: str
    host: str
    item: str
    field: str
    old: Any
    new: Any
    version: str
    extra: dict[str, Any] = dataclasses.field(default_factory=dict)


def audit_path(root: str | os.PathLike[str]) -> Path:
    return Path(root) / AUDIT_DIR / AUDIT_FILE


def current_user() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no login name in the environment or the password database
        return str(os.getuid())


def _jsonable(value: Any) -> Any:
    if isinstance(value, (tuple, list)):
        return [_jsonable(v) for v in value]
    return value


def append(
    root: str | os.PathLike[str],
    item: str,
    field: str,
    old: Any,
    new: Any,
    *,
    user: str | None = None,
    host: str | None = None,
    now: datetime | None = None,
    extra: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Append one change record; return it. Raises ``AuditError``."""
    when = (now or datetime.now(UTC)).astimezone(UTC)
    record: dict[str, Any] = {
        "time": when.isoformat(timespec="milliseconds").replace("+00:00", "Z"),
        "user": user or current_user(),
        "host": host or socket.gethostname(),
        "item": item,
        "field": field,
        "old": _jsonable(old),
        "new": _jsonable(new),
        "version": reader.__version__,
    }
    for key, value in (extra or {}).items():
        record.setdefault(key, _jsonable(value))
    line = json.dumps(record, ensure_ascii=False, separators=(",", ":"), default=str) + "\n"
    path = audit_path(root)
    try:
        path.parent.mkdir(exist_ok=True)
        fd = os.open(path, os.O_RDWR | os.O_APPEND | os.O_CREAT | os.O_CLOEXEC | os.O_NOFOLLOW, 0o664)
    except OSError as exc:
        raise AuditError(path, f"cannot append to the audit log: {os_reason(exc)}") from None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        size = os.fstat(fd).st_size
        # An id may be a file name that is not UTF-8 (lone surrogates): written as
        # a JSON escape (\udc9b), which reads back as the same name.
        data = line.encode("utf-8", "backslashreplace")
        if size and os.pread(fd, 1, size - 1) != b"\n":
            data = b"\n" + data  # an earlier append was cut short: start a fresh line
        if os.write(fd, data) != len(data):
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        os.fsync(fd)
    except OSError as exc:
        raise AuditError(path, f"cannot append to the audit log: {os_reason(exc)}") from None
    finally:
        os.close(fd)
    return record


def _as_utc(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _record(line: bytes) -> AuditRecord | None:
    try:
        data = json.loads(line)
        if not isinstance(data, dict):
            return None
        item, fld = data.pop("item"), data.pop("field")
        if not isinstance(item, str) or not isinstance(fld, str):
            return None
        when = _as_utc(datetime.fromisoformat(data.pop("time")))
        return AuditRecord(
            time=when,
            user=str(data.pop("user", "")),
            host=str(data.pop("host", "")),
            item=item,
            field=fld,
            old=data.pop("old", None),
            new=data.pop("new", None),
            version=str(data.pop("version", "")),
            extra=data,
        )
    except Exception:  # any damage: not JSON, missing keys, a bad time, bad types
        return None


class AuditReader:
    """Iterate the records of a content root's audit log, oldest first.

    ``since``: only records at or after it (a naive datetime is taken as UTC).
    After iterating, ``damaged`` counts the lines skipped and ``error`` holds
    a one-line reason if the log could not be read at all. Never raises.
    """

    def __init__(self, root: str | os.PathLike[str], since: datetime | None = None) -> None:
        self.path = audit_path(root)
        self.since = _as_utc(since) if since is not None else None
        self.damaged = 0
        self.error: str | None = None

    def __iter__(self) -> Iterator[AuditRecord]:
        self.damaged = 0
        self.error = None
        try:
            fh = open(self.path, "rb")  # noqa: SIM115 - a generator: the with below closes it
        except FileNotFoundError:
            return
        except OSError as exc:
            self.error = f"{self.path}: cannot read the audit log: {os_reason(exc)}"
            return
        with fh:
            try:
                # Only what complete appends wrote: the size under the writers' lock.
                fcntl.flock(fh.fileno(), fcntl.LOCK_SH)
                size = os.fstat(fh.fileno()).st_size
                fcntl.flock(fh.fileno(), fcntl.LOCK_UN)
                done = 0
                while done < size:
                    line = fh.readline(size - done)
                    if not line:
                        break
                    done += len(line)
                    if not line.strip():
                        continue
                    record = _record(line) if line.endswith(b"\n") else None
                    if record is None:
                        self.damaged += 1
                    elif self.since is None or record.time >= self.since:
                        yield record
            except OSError as exc:
                self.error = f"{self.path}: cannot read the audit log: {os_reason(exc)}"


def read_audit(
    root: str | os.PathLike[str], since: datetime | None = None
) -> tuple[list[AuditRecord], int]:
    """All records (from ``since`` on) and the number of damaged lines skipped."""
    reader_ = AuditReader(root, since)
    records = list(reader_)
    return records, reader_.damaged
