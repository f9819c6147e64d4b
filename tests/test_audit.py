"""The audit log: concurrent appends, damaged lines, the since filter (reader.core.audit)."""

from __future__ import annotations

import errno
import json
import multiprocessing
import os
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

import reader
from reader.core import audit
from reader.core.audit import AuditError, AuditReader, read_audit

T0 = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)


def test_a_record_is_one_json_line_with_every_field(tmp_path: Path) -> None:
    audit.append(tmp_path, "2024/a.md", "topics", ("AI",), ("AI", "ML"), user="ann", host="desk", now=T0,
                 extra={"action": "add", "topic": "ML"})
    text = audit.audit_path(tmp_path).read_text(encoding="utf-8")
    assert text.count("\n") == 1 and text.endswith("\n")
    assert json.loads(text) == {
        "time": "2024-05-01T12:00:00.000Z", "user": "ann", "host": "desk", "item": "2024/a.md",
        "field": "topics", "old": ["AI"], "new": ["AI", "ML"], "version": reader.__version__,
        "action": "add", "topic": "ML",
    }
    (record,) = AuditReader(tmp_path)
    assert (record.time, record.user, record.old, record.new, record.extra) == (
        T0, "ann", ["AI"], ["AI", "ML"], {"action": "add", "topic": "ML"})


def test_user_and_host_default_to_this_process(tmp_path: Path) -> None:
    audit.append(tmp_path, "a.md", "published", None, True)
    (record,) = AuditReader(tmp_path)
    assert record.user == audit.current_user() and record.host
    assert record.time.tzinfo == UTC


def _appender(args: tuple[str, int, int]) -> None:
    root, worker, count = args
    for i in range(count):
        audit.append(root, f"item-{worker}.md", "published", i % 2 == 0, i % 2 == 1,
                     user=f"u{worker}", extra={"n": i, "pad": "x" * (i * 37 % 3000)})


def test_concurrent_appends_from_many_processes_are_all_there(tmp_path: Path) -> None:
    workers, count = 6, 60
    with multiprocessing.get_context("fork").Pool(workers) as pool:
        pool.map_async(_appender, [(str(tmp_path), w, count) for w in range(workers)]).get(timeout=300)
    records, damaged = read_audit(tmp_path)
    assert damaged == 0 and len(records) == workers * count
    for w in range(workers):
        mine = [r.extra["n"] for r in records if r.user == f"u{w}"]
        assert mine == list(range(count))  # each process's records, whole and in order


def test_damaged_lines_are_skipped_and_counted(tmp_path: Path) -> None:
    audit.append(tmp_path, "a.md", "published", False, True, now=T0)
    with open(audit.audit_path(tmp_path), "ab") as fh:
        fh.write(b"not json\n")
        fh.write(b"[1, 2]\n")
        fh.write(b'{"time": "yesterday", "item": "a.md", "field": "published"}\n')
        fh.write(b'{"time": "2024-05-01T12:00:00Z", "field": "published"}\n')
        fh.write(b"\xff\xfe\n")
        fh.write(b"\n")
    audit.append(tmp_path, "b.md", "published", True, False, now=T0)
    with open(audit.audit_path(tmp_path), "ab") as fh:
        fh.write(b'{"time": "2024-05-01T12:00:00Z", "item": "c.md", "fie')  # a cut-short append
    reader_ = AuditReader(tmp_path)
    assert [r.item for r in reader_] == ["a.md", "b.md"]
    assert reader_.damaged == 6 and reader_.error is None


def test_an_append_after_a_cut_short_one_starts_a_fresh_line(tmp_path: Path) -> None:
    audit.append(tmp_path, "a.md", "published", False, True)
    with open(audit.audit_path(tmp_path), "ab") as fh:
        fh.write(b'{"time": "2024-05-01T12:')
    audit.append(tmp_path, "b.md", "published", False, True)
    records, damaged = read_audit(tmp_path)
    assert [r.item for r in records] == ["a.md", "b.md"] and damaged == 1


def test_since_filters_by_time(tmp_path: Path) -> None:
    for hours in range(5):
        audit.append(tmp_path, f"{hours}.md", "published", False, True, now=T0 + timedelta(hours=hours))
    records, _ = read_audit(tmp_path, since=T0 + timedelta(hours=3))
    assert [r.item for r in records] == ["3.md", "4.md"]
    naive = datetime(2024, 5, 1, 15, 30)  # taken as UTC
    assert [r.item for r in AuditReader(tmp_path, since=naive)] == ["4.md"]
    later = datetime(2024, 5, 1, 17, 0, tzinfo=timezone(timedelta(hours=2)))  # 15:00 UTC
    assert [r.item for r in AuditReader(tmp_path, since=later)] == ["3.md", "4.md"]


def test_a_missing_or_unreadable_log_never_raises(tmp_path: Path) -> None:
    assert read_audit(tmp_path) == ([], 0)
    audit.audit_path(tmp_path).mkdir(parents=True)  # a folder where the log should be
    reader_ = AuditReader(tmp_path)
    assert list(reader_) == [] and reader_.error and "cannot read the audit log" in reader_.error


def test_a_full_disk_is_a_clear_error(tmp_path: Path, monkeypatch) -> None:
    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "write", full)
    with pytest.raises(AuditError) as info:
        audit.append(tmp_path, "a.md", "published", False, True)
    monkeypatch.undo()
    assert str(info.value) == f"{audit.audit_path(tmp_path)}: cannot append to the audit log: disk full"


def test_an_id_that_is_not_utf8_is_logged_and_reads_back_as_the_same_name(tmp_path: Path) -> None:
    """A file name that is not UTF-8 (Python spells it with lone surrogates) used to
    raise UnicodeEncodeError after the item had been written: an unlogged change."""
    from reader.core import edit

    name = os.fsdecode(b"bad\x9bname.md")
    with open(os.path.join(os.fsencode(tmp_path), b"bad\x9bname.md"), "wb") as fh:
        fh.write(b"---\ntitle: x\npublished: false\n---\n")
    result = edit.set_published(name, True, root=tmp_path, user="ann")
    assert result.changed and result.audit_error is None
    (record,), damaged = read_audit(tmp_path)
    assert (record.item, record.old, record.new, damaged) == (name, False, True, 0)
    audit.audit_path(tmp_path).read_bytes().decode("utf-8")  # the log stays valid UTF-8
