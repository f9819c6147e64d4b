"""The triage desk over several roots: each edit is written in the item's own
root, its audit line goes to that root's log, and undo finds its way back."""

from __future__ import annotations

from pathlib import Path

from reader.core.audit import audit_path, read_audit
from reader.core.roots import Roots
from reader.core.roots_triage import RootsSession, open_session
from reader.core.triage import TriageSession
from tests.conftest import write_item


def two_roots(tmp_path: Path) -> Roots:
    a, b = tmp_path / "one" / "site", tmp_path / "two" / "site"
    for root, title in ((a, "First"), (b, "Second")):
        write_item(root, "2024/05/a.md", title=title, heat=5, published=False)
    return Roots.of([a, b])


def test_one_root_gets_the_plain_session(tmp_path: Path) -> None:
    session = open_session(Roots.of(tmp_path), use_index=False)
    assert isinstance(session, TriageSession)
    session.close()


def test_publishing_an_item_of_the_second_root_writes_there_and_logs_there(tmp_path: Path) -> None:
    roots = two_roots(tmp_path)
    first, second = roots.paths
    session = open_session(roots, use_index=False)
    assert isinstance(session, RootsSession)
    out = session.set_published(["two-site/2024/05/a.md"], True)
    assert out.done == ["two-site/2024/05/a.md"] and not out.failed
    assert "published: true" in (second / "2024/05/a.md").read_text()
    assert "published: false" in (first / "2024/05/a.md").read_text()
    assert [r.item for r in read_audit(second)[0]] == ["2024/05/a.md"]
    assert not audit_path(first).exists()
    # what was read again comes back under the full id, for the catalog
    assert [e.id for e in out.reread.entries] == ["two-site/2024/05/a.md"]
    assert set(out.reread.stamps) == {"two-site/2024/05/a.md"}
    assert session.own_stamp("two-site/2024/05/a.md") == out.changed[0].stamp
    assert session.path_of("two-site/2024/05/a.md") == second / "2024/05/a.md"
    session.close()


def test_a_batch_over_both_roots_is_one_step_to_undo(tmp_path: Path) -> None:
    roots = two_roots(tmp_path)
    session = open_session(roots, use_index=False)
    ids = ["one-site/2024/05/a.md", "two-site/2024/05/a.md", "elsewhere/x.md"]
    out = session.add_topic(ids, "AI")
    assert sorted(out.done) == ids[:2]
    assert [(f.item_id, f.reason) for f in out.failed] == [("elsewhere/x.md", "no content root has this label")]
    assert session.undo_depth == 1
    undone = session.undo()
    assert sorted(r.item_id for r in undone.changed) == ids[:2]
    assert undone.step is not None and len(undone.step.results) == 2
    for root in roots.paths:
        assert "AI" not in (root / "2024/05/a.md").read_text()
        assert [r.item for r in read_audit(root)[0]] == ["2024/05/a.md", "2024/05/a.md"]
    assert session.undo().note == "Nothing to undo in this session."
    session.close()
