"""The one write transaction every SQLite file of ours uses."""

from __future__ import annotations

import pytest

from reader.core import wal_db


def test_a_write_transaction_commits_what_it_did_and_rolls_back_on_an_error(tmp_path):
    db = wal_db.connect(tmp_path / "t.sqlite")
    db.execute("CREATE TABLE t (x)")
    with wal_db.immediate(db):
        db.execute("INSERT INTO t VALUES (1)")
    with pytest.raises(RuntimeError), wal_db.immediate(db):
        db.execute("INSERT INTO t VALUES (2)")
        raise RuntimeError("half way")
    assert not db.in_transaction
    other = wal_db.connect(tmp_path / "t.sqlite")
    assert other.execute("SELECT x FROM t").fetchall() == [(1,)]
    other.close()
    db.close()
