"""The triage session (reader.core.triage): edits by id, batches, undo, own stamps, re-reads."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest

from reader.core import audit, edit, files
from reader.core.index import Index
from reader.core.triage import (
    Failure,
    Outcome,
    TriageSession,
    editor_command,
    stamp_of,
    summary,
)
from tests.conftest import write_item


def corpus(tmp_path: Path) -> Path:
    root = tmp_path / "content"
    write_item(root, "a.md", title="Alpha", heat=90, published=False, topics=["AI"])
    write_item(root, "b.md", title="Beta", heat=50, published=False, topics=["Energy", "AI"])
    write_item(root, "sub/c.md", title="Gamma", heat=10, published=False)
    write_item(root, "d.md", title="Delta", heat=5, published=True)
    return root


def session(root: Path, **kw) -> TriageSession:
    kw.setdefault("use_index", False)
    return TriageSession(root, user="tester", **kw)


def test_publish_by_id_changes_only_that_line_logs_it_and_rereads_the_entry(tmp_path: Path) -> None:
    root = corpus(tmp_path)
    before = (root / "a.md").read_bytes()
    s = session(root)
    out = s.publish(["a.md"])
    after = (root / "a.md").read_bytes()
    assert after == before.replace(b"published: false", b"published: true")
    assert [r.item_id for r in out.changed] == ["a.md"] and not out.failed and not out.unchanged
    assert [(e.id, e.published) for e in out.reread.entries] == [("a.md", True)]
    records, damaged = audit.read_audit(root)
    assert damaged == 0
    assert [(r.item, r.field, r.old, r.new, r.user) for r in records] == [
        ("a.md", "published", False, True, "tester")]
    assert summary(out) == ["Published a.md"]


def test_own_stamp_is_the_stamp_of_the_last_write_and_tells_other_writes_apart(tmp_path: Path) -> None:
    root = corpus(tmp_path)
    s = session(root)
    assert s.own_stamp("a.md") is None
    s.publish(["a.md"])
    assert s.own_stamp("a.md") == stamp_of(root / "a.md")
    s.add_topic(["a.md"], "Robotics")
    assert s.own_stamp("a.md") == stamp_of(root / "a.md")
    write_item(root, "a.md", title="Alpha rewritten by someone else", published=True)
    assert s.own_stamp("a.md") != stamp_of(root / "a.md")
    assert s.own_stamp("b.md") is None


def test_a_batch_goes_on_past_a_failing_item_and_says_what_happened_to_each(tmp_path: Path) -> None:
    root = corpus(tmp_path)
    os.chmod(root / "b.md", 0o444)
    s = session(root)
    out = s.publish(["a.md", "b.md", "sub/c.md", "d.md", "gone.md", "../outside.md"])
    assert sorted(r.item_id for r in out.changed) == ["a.md", "sub/c.md"]
    assert [r.item_id for r in out.unchanged] == ["d.md"]
    reasons = {f.item_id: f.reason for f in out.failed}
    assert set(reasons) == {"b.md", "gone.md", "../outside.md"}
    assert "read-only" in reasons["b.md"]
    assert "no such item file" in reasons["gone.md"]
    assert "outside the content root" in reasons["../outside.md"]
    assert b"published: false" in (root / "b.md").read_bytes()
    lines = summary(out)
    assert lines[0] == "Published 2 items" and lines[1] == "d.md already published"
    assert any(line.startswith("Not changed: b.md: read-only") for line in lines)
    # Every item read again: the published ones are entries, the missing one is dropped.
    assert {e.id: e.published for e in out.reread.entries} == {
        "a.md": True, "b.md": False, "sub/c.md": True, "d.md": True}
    assert out.reread.removed == ["gone.md"]


def test_an_item_someone_else_already_published_comes_back_unchanged_in_its_new_state(tmp_path: Path) -> None:
    root = corpus(tmp_path)
    edit.set_published(root / "a.md", True)  # another editor
    out = session(root).publish(["a.md"])
    assert out.unchanged and not out.changed
    assert [(e.id, e.published) for e in out.reread.entries] == [("a.md", True)]


def test_the_edit_applies_its_field_and_reports_a_file_changed_since_it_was_seen(tmp_path: Path) -> None:
    root = corpus(tmp_path)
    s = session(root)
    seen = stamp_of(root / "a.md")  # the app's detail pane read the file with this stamp
    data = (root / "a.md").read_bytes().replace(b"heat: 90", b"heat: 91")
    (root / "a.md").write_bytes(data)  # someone else, between reading and publishing
    out = s.publish(["a.md"], expected={"a.md": seen})
    assert [r.changed_since for r in out.changed] == [True]
    assert (root / "a.md").read_bytes() == data.replace(b"published: false", b"published: true")
    assert "a.md was changed by someone else since you opened it; published was set anyway" in summary(out)
    again = s.add_topic(["a.md"], "Robotics", expected={"a.md": s.own_stamp("a.md")})
    assert again.changed[0].changed_since is False


def test_topics_are_added_and_removed_and_the_entry_shows_them(tmp_path: Path) -> None:
    root = corpus(tmp_path)
    s = session(root)
    out = s.add_topic(["a.md", "b.md"], "Energy")
    assert [r.item_id for r in out.changed] == ["a.md"] and [r.item_id for r in out.unchanged] == ["b.md"]
    assert summary(out) == ["Added topic 'Energy' to a.md", "b.md already has topic 'Energy'"]
    assert {e.id: e.topics for e in out.reread.entries} == {
        "a.md": ("AI", "Energy"), "b.md": ("Energy", "AI")}
    out = s.remove_topic(["a.md", "b.md", "sub/c.md"], "AI")
    assert sorted(r.item_id for r in out.changed) == ["a.md", "b.md"]
    assert summary(out)[0] == "Removed topic 'AI' from 2 items"
    assert {e.id: e.topics for e in out.reread.entries}["a.md"] == ("Energy",)
    bad = s.add_topic(["a.md"], "two\nlines")
    assert bad.failed and "not a usable topic" in bad.failed[0].reason


def test_undo_restores_the_exact_bytes_step_by_step_as_many_steps_as_were_done(tmp_path: Path) -> None:
    root = corpus(tmp_path)
    originals = {i: (root / i).read_bytes() for i in ("a.md", "b.md", "sub/c.md")}
    s = session(root)
    s.publish(["a.md"])
    s.add_topic(["a.md"], "Robotics")
    s.publish(["b.md", "sub/c.md"])  # one step for the batch
    s.publish(["a.md"])  # unchanged: no step
    assert s.undo_depth == 3
    out = s.undo()
    assert summary(out) == ["Undone: publish 2 items"]
    assert (root / "b.md").read_bytes() == originals["b.md"]
    assert (root / "sub/c.md").read_bytes() == originals["sub/c.md"]
    assert {e.id: e.published for e in out.reread.entries} == {"b.md": False, "sub/c.md": False}
    assert summary(s.undo()) == ["Undone: add topic 'Robotics' to a.md"]
    assert summary(s.undo()) == ["Undone: publish a.md"]
    assert (root / "a.md").read_bytes() == originals["a.md"]
    assert s.undo_depth == 0
    assert summary(s.undo()) == ["Nothing to undo in this session."]
    undo_records = [r for r in audit.read_audit(root)[0] if r.extra.get("undo")]
    assert len(undo_records) == 4


def test_undo_is_refused_with_the_reason_when_someone_else_changed_the_field(tmp_path: Path) -> None:
    root = corpus(tmp_path)
    s = session(root)
    s.publish(["a.md", "b.md"])
    edit.set_published(root / "a.md", False, root=root, user="someone")  # another editor
    theirs = (root / "a.md").read_bytes()
    out = s.undo()
    assert [f.item_id for f in out.failed] == ["a.md"]
    assert "published was changed by someone else since (now false); not undone" in out.failed[0].reason
    assert [r.item_id for r in out.changed] == ["b.md"]
    assert (root / "a.md").read_bytes() == theirs
    assert s.undo_depth == 0  # refused for good: nothing left to retry
    assert any("Not undone: a.md: published was changed by someone else" in line for line in summary(out))


def test_an_undo_that_fails_for_a_passing_reason_can_be_tried_again(tmp_path: Path) -> None:
    root = corpus(tmp_path)
    s = session(root, timeout=0)
    s.publish(["a.md"])
    with files.item_lock(root / "a.md"):  # another editor holds the item
        out = s.undo()
    assert out.failed and "another editor is changing this item" in out.failed[0].reason
    assert s.undo_depth == 1
    assert s.undo().changed
    assert b"published: false" in (root / "a.md").read_bytes()


def test_operations_from_several_threads_run_one_at_a_time(tmp_path: Path) -> None:
    root = corpus(tmp_path)
    s = session(root)
    threads = [threading.Thread(target=s.add_topic, args=(["a.md"], f"T{i}")) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    entry = s.publish(["a.md"]).reread.entries[0]
    assert sorted(entry.topics) == sorted(["AI", *(f"T{i}" for i in range(8))])
    assert s.undo_depth == 9


def test_the_persistent_index_row_is_updated_with_each_change(tmp_path: Path) -> None:
    root = corpus(tmp_path)
    index = Index(root, directory=tmp_path / "index")
    s = TriageSession(root, user="tester", index=index)
    s.publish(["a.md"])
    rows = Index(root, directory=tmp_path / "index").rows()
    assert rows["a.md"][9] == 1  # the published column
    s.close()


def test_reload_after_a_hand_edit_reads_the_file_and_never_writes(tmp_path: Path) -> None:
    root = corpus(tmp_path)
    s = session(root)
    before = stamp_of(root / "a.md")
    assert summary(s.reload("a.md", before)) == ["No changes made to a.md"]
    write_item(root, "a.md", title="Alpha edited", published=False)
    out = s.reload("a.md", before)
    assert summary(out) == ["Reloaded a.md after editing"]
    assert [e.title for e in out.reread.entries] == ["Alpha edited"]
    assert s.own_stamp("a.md") == stamp_of(root / "a.md")
    broken = b"---\ntitle: [unclosed\n---\n"
    (root / "a.md").write_bytes(broken)
    out = s.reload("a.md", stamp_of(root / "a.md"))
    assert out.failed and out.reread.removed == ["a.md"] and [p.id for p in out.reread.problems] == ["a.md"]
    assert (root / "a.md").read_bytes() == broken
    line = summary(out)[0]
    assert line.startswith("a.md: ") and line.endswith("; kept as the editor left it")


def test_editor_command_prefers_visual_then_editor_then_vi() -> None:
    assert editor_command("/x/a b.md", {"VISUAL": "nano", "EDITOR": "vim"}) == ["nano", "/x/a b.md"]
    assert editor_command("a.md", {"EDITOR": "code --wait"}) == ["code", "--wait", "a.md"]
    assert editor_command("a.md", {"EDITOR": "  "}) == ["vi", "a.md"]
    assert editor_command("a.md", {"EDITOR": "'unbalanced"}) == ["'unbalanced", "a.md"]


def test_long_failure_lists_are_cut_short() -> None:
    out = Outcome("publish", failed=[Failure(f"{i}.md", "no") for i in range(10)])
    lines = summary(out)
    assert len(lines) == 4 and lines[-1] == "… and 7 more not changed"


@pytest.mark.parametrize("bad", ["../x.md", "/etc/passwd", "a\x00b.md"])
def test_ids_outside_the_root_are_refused(tmp_path: Path, bad: str) -> None:
    root = corpus(tmp_path)
    out = session(root).publish([bad])
    assert out.failed and not out.changed


def test_the_first_edit_in_a_folder_clears_stale_temp_files_there(tmp_path) -> None:
    import os

    from reader.core import files
    from reader.core.triage import TriageSession
    from tests.conftest import write_item

    root = tmp_path / "c"
    write_item(root, "a.md", title="A", published=False)
    stale = root / ".a.md.0123456789ab.reader-tmp"
    fresh = root / ".a.md.cdef01234567.reader-tmp"
    stale.write_text("left by a writer killed mid-write")
    fresh.write_text("a write in progress elsewhere")
    old = 10**18  # long before DEFAULT_TEMP_AGE
    os.utime(stale, ns=(old, old))
    session = TriageSession(root, use_index=False)
    try:
        out = session.publish(["a.md"])
    finally:
        session.close()
    assert [r.item_id for r in out.changed] == ["a.md"]
    assert not stale.exists() and fresh.exists()
    assert files.is_temp_name(fresh.name)
