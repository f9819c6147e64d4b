"""Targeted front-matter edits (reader.core.fmedit) and the file operations (reader.core.edit)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from reader.core import audit, edit, files, fmedit, store
from reader.core.edit import EditRefused
from reader.core.fmedit import plan_published, plan_topic
from reader.core.store import TEMP_SUFFIX

SEED = b"""---
title: "AI diagnoses lung disease"   # a comment
excerpt: 'It''s long'
quality: 59
published: false

provider:
  name: Medical Xpress

topics:
  - Machine Learning
  - AI

secured: "/VRlU/dTnx1+ur48eBm=;6qoaVTcEr3hIGQ1b/ZzYoA=="
---
Body with
published: true
---
"""


def fm(*lines: str, eol: str = "\n", body: str = "") -> bytes:
    return ("---" + eol + "".join(line + eol for line in lines) + "---" + eol + body).encode()


def topics_of(data: bytes) -> tuple[str, ...]:
    parsed = store.read_front_matter(data)
    assert parsed is not None
    return fmedit.current_value(parsed[0], "topics")  # type: ignore[return-value]


def published_of(data: bytes) -> bool | None:
    parsed = store.read_front_matter(data)
    assert parsed is not None
    return fmedit.current_value(parsed[0], "published")  # type: ignore[return-value]


# -- published ----------------------------------------------------------------------


def test_publish_changes_only_the_value_token() -> None:
    out = plan_published(SEED, True)
    assert out.data == SEED.replace(b"published: false\n\nprovider", b"published: true\n\nprovider")
    assert (out.old, out.new, out.old_raw) == (False, True, "false")


@pytest.mark.parametrize(
    ("line", "value", "expected"),
    [
        ("published: false  # not yet", True, "published: true  # not yet"),
        ('published: "false"', True, "published: true"),
        ("published: 'no'", True, "published: true"),
        ("published: False", True, "published: True"),
        ("published: FALSE", True, "published: TRUE"),
        ("published:", True, "published: true"),
        ("published:   # later", True, "published: true   # later"),
        ("published: ~", False, "published: false"),
        ("published: maybe", False, "published: false"),
        ("published:\n  false", True, "published:\n  true"),
    ],
)
def test_publish_keeps_the_line_around_the_value(line: str, value: bool, expected: str) -> None:
    data = fm("title: x", line, "heat: 3")
    assert plan_published(data, value).data == fm("title: x", expected, "heat: 3")


def test_an_equal_value_is_unchanged_even_when_spelled_differently() -> None:
    data = fm("title: x", "published: yes")
    out = plan_published(data, True)
    assert out.data == data and out.old == out.new is True


def test_a_missing_key_is_added_at_the_end_in_the_file_style() -> None:
    data = b"\xef\xbb\xbf" + fm("title: x", "topics:", "  - AI", eol="\r\n", body="body\r\n")
    out = plan_published(data, False).data
    expected = fm("title: x", "topics:", "  - AI", "published: false", eol="\r\n", body="body\r\n")
    assert out == b"\xef\xbb\xbf" + expected


def test_an_indented_front_matter_keeps_its_indentation() -> None:
    data = fm("  title: x", "  images:", "  - url: y")
    assert plan_published(data, True).data == fm("  title: x", "  images:", "  - url: y", "  published: true")
    assert plan_topic(data, "AI", add=True).data == fm(
        "  title: x", "  images:", "  - url: y", "  topics:", "  - AI")


def test_a_missing_item_is_a_clear_error_and_leaves_no_lock_file(tmp_path: Path) -> None:
    with pytest.raises(edit.EditError, match="no such item file"):
        edit.set_published(tmp_path / "gone.md", True)
    assert os.listdir(tmp_path) == []


def test_a_key_inside_a_block_scalar_or_the_body_is_not_the_key() -> None:
    data = fm("excerpt: |", "  published: false", "  topics: [x]", "title: t", body="published: false\n")
    out = plan_published(data, True).data
    assert out == fm("excerpt: |", "  published: false", "  topics: [x]", "title: t", "published: true",
                     body="published: false\n")
    out = plan_topic(data, "AI", add=True).data
    assert out == fm("excerpt: |", "  published: false", "  topics: [x]", "title: t", "topics:", "  - AI",
                     body="published: false\n")


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (fm("published: false", "published: true"), "published appears more than once"),
        (fm("a: &v false", "published: *v"), "published is an alias"),
        (fm("published: [true]"), "published holds a list or mapping"),
        (fm("title: [unclosed"), "cannot edit: bad YAML"),
        (b"no front matter\n", "cannot edit: no front matter"),
        (fm("- a list"), "front matter is not a mapping"),
        (b"---\n{published: false}\n---\n", "not a block mapping"),
    ],
)
def test_unsafe_shapes_are_refused_with_a_reason(data: bytes, reason: str) -> None:
    with pytest.raises(EditRefused, match=reason):
        plan_published(data, True)


def test_an_edit_that_would_change_another_field_is_refused() -> None:
    doc = fmedit.Doc("x.md", SEED)
    with pytest.raises(EditRefused) as info:
        fmedit._verify(doc, SEED.replace(b"quality: 59", b"quality: 60").replace(b"false", b"true"),
                       "published", True)
    assert str(info.value) == "x.md: the edit would also change quality; not changed"
    with pytest.raises(EditRefused, match="would change the body"):
        fmedit._verify(doc, SEED.replace(b"Body", b"body"), "published", False)
    with pytest.raises(EditRefused, match="would not give published the intended value"):
        fmedit._verify(doc, SEED, "published", True)


# -- topics ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("before", "topic", "after"),
    [
        (["topics:", "  - AI"], "Robotics", ["topics:", "  - AI", "  - Robotics"]),
        (["topics:", "- AI", "x: 1"], "Robotics", ["topics:", "- AI", "- Robotics", "x: 1"]),
        (["topics:", "    -   'AI'"], "a: b", ["topics:", "    -   'AI'", "    -   'a: b'"]),
        (["topics: [AI, ML]"], "Robotics", ["topics: [AI, ML, Robotics]"]),
        (["topics: [AI,ML]"], "Robotics", ["topics: [AI,ML,Robotics]"]),
        (["topics: []"], "AI", ["topics: [AI]"]),
        (["topics: [AI]"], "x, y", ['topics: [AI, "x, y"]']),
        (["topics: AI"], "Robotics", ["topics: [AI, Robotics]"]),
        (["topics: A, B"], "C", ['topics: ["A, B", C]']),
        (["topics:", "title: t"], "AI", ["topics:", "  - AI", "title: t"]),
        (["topics: ~  # none"], "AI", ["topics:  # none", "  - AI"]),
        (["title: t"], "AI", ["title: t", "topics:", "  - AI"]),
        (["images:", "- url: x", "title: t"], "AI", ["images:", "- url: x", "title: t", "topics:", "- AI"]),
        (["topics:", "  - |", "    AI", "title: t"], "X",
         ["topics:", "  - |", "    AI", "  - X", "title: t"]),
    ],
)
def test_add_topic_in_the_style_of_the_file(before: list[str], topic: str, after: list[str]) -> None:
    out = plan_topic(fm(*before), topic, add=True)
    assert out.data == fm(*after)
    assert out.new[-1] == topic  # type: ignore[index]


@pytest.mark.parametrize(
    ("before", "topic", "after"),
    [
        (["topics:", "  - AI", "  - ML", "  - AI  # again"], "AI", ["topics:", "  - ML"]),
        (["topics:", "  - AI", "title: t"], "AI", ["topics:", "title: t"]),
        (["topics: [AI, ML, AI]"], "AI", ["topics: [ML]"]),
        (["topics: [ML, AI]"], "AI", ["topics: [ML]"]),
        (["topics: [AI, ML, X]"], "ML", ["topics: [AI, X]"]),
        (["topics: [AI, AI,]"], "AI", ["topics: []"]),
        (["topics: AI"], "AI", ["topics: []"]),
        (["topics: \"AI\"  # c"], "AI", ["topics: []  # c"]),
    ],
)
def test_remove_topic_removes_every_entry(before: list[str], topic: str, after: list[str]) -> None:
    out = plan_topic(fm(*before), topic, add=False)
    assert out.data == fm(*after)
    assert topic not in out.new  # type: ignore[operator]


@pytest.mark.parametrize("topic", ["AI", "Machine Learning"])
def test_adding_a_present_or_removing_an_absent_topic_is_unchanged(topic: str) -> None:
    assert plan_topic(SEED, topic, add=True).data == SEED
    assert plan_topic(SEED, "Nope", add=False).data == SEED


TRICKY = [
    "a: b", "#x", "x #y", "C#", "C++", "-x", "- x", "[x]", "{x}", "'q'", '"dq"', "&a", "*a", "!t",
    "|", ">", "%", "@x", "`x`", "?", ":x", "x:", "yes", "No", "ON", "y", "n", "nulls", "NULL!", "~x",
    "true", "123", "1.5", "1e3", "0o17", "0x1F", "12:30", "2023-04-17", ".inf", "<<", "=",
    "naïve", "日本語", "Ünïcödé ☃", "x,y", "it's", 'say "hi"', "back\\slash", "a" * 200,
]


@pytest.mark.parametrize("topic", TRICKY)
@pytest.mark.parametrize("shape", [["topics:", "  - AI"], ["topics: [AI]"], ["topics: AI"], ["title: t"]])
def test_a_topic_that_yaml_would_misread_is_quoted(topic: str, shape: list[str]) -> None:
    out = plan_topic(fm(*shape), topic, add=True)
    assert topics_of(out.data)[-1] == topic
    back = plan_topic(out.data, topic, add=False)
    assert topic not in topics_of(back.data)


@pytest.mark.parametrize(
    "topic", ["", " AI", "AI ", "a\nb", "a\tb", "\x1b[31m", "null", "~", "a\u2028b", "x" * 201]
)
def test_an_unusable_topic_is_refused(topic: str) -> None:
    with pytest.raises(EditRefused, match="not a usable topic"):
        plan_topic(SEED, topic, add=True)


def test_topics_as_a_mapping_are_refused() -> None:
    with pytest.raises(EditRefused, match="topics holds a mapping"):
        plan_topic(fm("topics:", "  a: b"), "AI", add=True)


# -- operations on files -----------------------------------------------------------------


def put(tmp_path: Path, data: bytes = SEED, name: str = "item.md") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def test_set_published_writes_audits_and_reports(tmp_path: Path) -> None:
    path = put(tmp_path)
    result = edit.set_published(path, True, root=tmp_path, user="ann")
    assert (result.item_id, result.field, result.old, result.new, result.status) == (
        "item.md", "published", False, True, "changed")
    assert path.read_bytes() == plan_published(SEED, True).data
    assert result.stamp == (path.stat().st_size, path.stat().st_mtime_ns)
    records, damaged = audit.read_audit(tmp_path)
    assert damaged == 0 and [(r.user, r.item, r.field, r.old, r.new) for r in records] == [
        ("ann", "item.md", "published", False, True)]
    assert not [p for p in os.listdir(tmp_path) if p.endswith(TEMP_SUFFIX)]


def test_an_unchanged_edit_does_not_touch_the_file_or_the_log(tmp_path: Path) -> None:
    path = put(tmp_path)
    before = path.stat()
    result = edit.add_topic(path, "AI", root=tmp_path)
    assert result.status == "unchanged" and result.old == result.new
    assert path.stat().st_mtime_ns == before.st_mtime_ns and path.stat().st_ino == before.st_ino
    assert audit.read_audit(tmp_path) == ([], 0)


def test_a_relative_id_under_the_root(tmp_path: Path) -> None:
    (tmp_path / "2023").mkdir()
    put(tmp_path / "2023", name="a.md")
    result = edit.remove_topic("2023/a.md", "AI", root=tmp_path)
    assert result.item_id == "2023/a.md" and result.new == ("Machine Learning",)


def test_changed_since_is_reported_and_the_own_field_still_applied(tmp_path: Path) -> None:
    path = put(tmp_path)
    first = edit.set_published(path, True)
    assert first.changed_since is None
    same = edit.add_topic(path, "Robotics", expected=first.stamp)
    assert same.changed_since is False
    path.write_bytes(path.read_bytes().replace(b"quality: 59", b"quality: 61"))  # someone else
    other = edit.set_published(path, False, expected=same.digest)
    assert other.changed_since is True and other.changed
    data = path.read_bytes()
    assert b"quality: 61" in data and published_of(data) is False and "Robotics" in topics_of(data)


def test_a_read_only_item_is_refused_and_not_audited(tmp_path: Path) -> None:
    path = put(tmp_path)
    path.chmod(0o444)
    with pytest.raises(files.WriteError, match="read-only file"):
        edit.set_published(path, True, root=tmp_path)
    assert path.read_bytes() == SEED and audit.read_audit(tmp_path) == ([], 0)


def test_a_refused_edit_leaves_the_file_untouched(tmp_path: Path) -> None:
    data = fm("published: false", "published: true")
    path = put(tmp_path, data)
    with pytest.raises(EditRefused):
        edit.set_published(path, True, root=tmp_path)
    assert path.read_bytes() == data


def test_a_write_without_the_lock_between_read_and_replace_is_redone(tmp_path: Path, monkeypatch) -> None:
    """A pipeline that writes without the lock: the edit is re-planned on its bytes."""
    path = put(tmp_path)
    real = files.atomic_write
    calls = []

    def racing(target, data, **kwargs):
        calls.append(1)
        if len(calls) == 1:
            os.utime(path, ns=(1, 1))  # not enough alone: ctime moves too
            path.write_bytes(path.read_bytes().replace(b"quality: 59", b"quality: 62"))
        return real(target, data, **kwargs)

    monkeypatch.setattr(files, "atomic_write", racing)
    result = edit.set_published(path, True)
    assert len(calls) == 2 and result.changed
    data = path.read_bytes()
    assert b"quality: 62" in data and published_of(data) is True


# -- undo ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "lines", [["published: false"], ["title: t"], ["published:"], ["published:  # c"], ["published: 'No'"]]
)
def test_undo_published_restores_the_exact_bytes(tmp_path: Path, lines: list[str]) -> None:
    data = fm(*lines, eol="\r\n")
    path = put(tmp_path, data)
    result = edit.set_published(path, True, root=tmp_path)
    assert result.changed
    back = edit.undo(result, root=tmp_path)
    assert back.undo and back.changed and path.read_bytes() == data
    again = edit.undo(back)  # undoing the undo re-applies
    assert published_of(path.read_bytes()) is True and again.changed


def test_undo_is_refused_when_someone_else_changed_the_field(tmp_path: Path) -> None:
    path = put(tmp_path)
    mine = edit.set_published(path, True)
    edit.set_published(path, False)  # another editor
    with pytest.raises(EditRefused) as info:
        edit.undo(mine)
    assert str(info.value) == f"{path}: published was changed by someone else since (now false); not undone"


def test_undo_topics(tmp_path: Path) -> None:
    path = put(tmp_path)
    added = edit.add_topic(path, "Robotics", root=tmp_path)
    edit.undo(added, root=tmp_path)
    assert path.read_bytes() == SEED
    removed = edit.remove_topic(path, "AI")
    edit.remove_topic(path, "Machine Learning")  # another editor, another topic: fine
    assert edit.undo(removed).new == ("AI",)
    gone = edit.add_topic(path, "X")
    edit.remove_topic(path, "X")
    with pytest.raises(EditRefused, match="topic 'X' was removed by someone else since"):
        edit.undo(gone)
    records, _ = audit.read_audit(tmp_path)
    assert [(r.field, r.extra["action"], r.extra["undo"]) for r in records] == [
        ("topics", "add", False), ("topics", "remove", True)]


def test_undo_of_an_unchanged_result_does_nothing(tmp_path: Path) -> None:
    path = put(tmp_path)
    result = edit.set_published(path, False)
    before = path.stat().st_mtime_ns
    assert not edit.undo(result).changed and path.stat().st_mtime_ns == before
