"""Properties: an edit changes the target value and nothing else, byte for byte.

Checked on generated files (quoting styles, comments, CRLF, BOM, missing keys,
flow and block topics, bodies, unicode, long lines, block scalars that hold
look-alike keys) and on every real item in ../shared. The checks are
independent of the editor: the project's parser for the meaning, and a plain
line scanner for "which lines belong to the key".
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reader.core import edit, fmedit, store
from reader.core.fmedit import plan_published, plan_restore_published, plan_topic
from reader.core.normalize import topics as normal_topics
from reader.core.yamltext import plain_ok, quote
from tests.conftest import shared_dir

SHARED = shared_dir()  # ../shared beside the repository; fails (never skips) if missing
REAL = sorted(
    p for base in (SHARED / "seed", SHARED / "real-items")
    for p in base.rglob("*") if p.is_file() and store.is_item_name(p.name)
)

# Deterministic and database-free, so CI sees the same examples every run.
FAST = settings(max_examples=200, derandomize=True, database=None, deadline=None,
                suppress_health_check=[HealthCheck.too_slow])


# -- independent checks -----------------------------------------------------------


def split_lines(data: bytes) -> tuple[list[bytes], int]:
    """Lines (with their endings) and the index of the closing fence line."""
    lines = data.splitlines(keepends=True) if b"\r" not in data else re.split(b"(?<=\n)", data)
    lines = [line for line in lines if line]
    for i, line in enumerate(lines[1:], 1):
        if line.rstrip() in (b"---", b"..."):
            return lines, i
    raise AssertionError("no closing fence")


def without_key(data: bytes, key: str) -> list[bytes]:
    """The file's lines minus the key's own lines (its line, then deeper or ``-`` lines)."""
    lines, close = split_lines(data)
    head = re.compile(re.escape(key.encode()) + rb"\s*:")
    out: list[bytes] = []
    i = 0
    while i < len(lines):
        if 0 < i < close and head.match(lines[i]):
            i += 1
            while i < close and lines[i][:1] in (b" ", b"-") and lines[i].strip():
                i += 1
            continue
        out.append(lines[i])
        i += 1
    return out


def meaning(data: bytes) -> tuple[dict, str]:
    parsed = store.read_front_matter(data)
    assert parsed is not None
    return parsed[0], parsed[1]


def check(before: bytes, after: bytes, field: str, intended: object) -> None:
    """``after`` differs from ``before`` only in ``field``'s lines, and means ``intended``."""
    assert without_key(after, field) == without_key(before, field)
    raw_b, body_b = meaning(before)
    raw_a, body_a = meaning(after)
    assert body_a == body_b
    assert {k: v for k, v in raw_a.items() if k != field} == {k: v for k, v in raw_b.items() if k != field}
    assert list(k for k in raw_a if k != field) == list(k for k in raw_b if k != field)
    assert fmedit.current_value(raw_a, field) == intended
    assert after.startswith(b"\xef\xbb\xbf") == before.startswith(b"\xef\xbb\xbf")


# -- generated files ---------------------------------------------------------------

WORDS = st.text(
    alphabet=st.sampled_from(list("abcXYZ019 -_.,:#'\"\\/+=&*!?%@`|>[]{}éß日本☃😀")), min_size=1, max_size=40
)
LONG = st.builds(lambda s, n: (s * n)[:900], WORDS, st.integers(1, 60))
TOPICS = st.sampled_from(
    ["AI", "Machine Learning", "a: b", "#x", "-x", "[x]", "yes", "No", "123", "1.5", "C#", "x, y",
     "naïve", "日本語", "it's", 'say "hi"', "Robotics", "0o17", "2023-04-17"]
) | WORDS.map(str.strip).filter(lambda t: t and normal_topics([t]) == (t,))


def scalar(draw, value: str) -> str:
    style = draw(st.sampled_from(["double", "single", "plain"]))
    if style == "plain" and plain_ok(value, False):
        return value
    if style == "single":
        return "'" + value.replace("'", "''") + "'"
    return json.dumps(value, ensure_ascii=False)  # (ASCII escapes would write surrogate pairs)


def comment(draw) -> str:
    return draw(st.sampled_from(["", "", "  # a comment", " # ☃ published: true"]))


@st.composite
def item_file(draw) -> bytes:
    eol = draw(st.sampled_from(["\n", "\r\n"]))
    blocks: list[list[str]] = [
        [f"title: {scalar(draw, draw(WORDS | LONG))}{comment(draw)}"],
        [f"quality: {draw(st.integers(-1, 300))}"],
        ["provider:", f"  name: {scalar(draw, draw(WORDS))}", "  domain: example.com"],
        ["images:", f"  - url: {scalar(draw, 'https://x.example/a b.jpg')}", "    width: 10"],
        ['secured: "/VRlU/dTnx1+ur48eBmTOKFat0OSgsN5Ajn2=;6qoaVTcEr3hIGQ1b/ZzYoA=="'],
    ]
    if draw(st.booleans()):
        blocks.append(["excerpt: |", "  published: false", "  topics: [trap]", f"  {draw(WORDS)}"])
    published = draw(st.sampled_from(
        [None, "true", "false", '"false"', "'true'", "True", "FALSE", "yes", "no", "~", "", "maybe"]))
    if published is not None:
        blocks.append([f"published:{' ' if published else ''}{published}{comment(draw)}"])
    names = draw(st.lists(TOPICS, max_size=5))
    shape = draw(st.sampled_from(["missing", "empty", "null", "flow", "block", "bare"]))
    if shape == "empty":
        blocks.append([f"topics:{comment(draw)}"])
    elif shape == "null":
        blocks.append([f"topics: ~{comment(draw)}"])
    elif shape == "flow" or (shape == "bare" and len(names) != 1):
        sep = draw(st.sampled_from([", ", ",", " , "]))
        blocks.append([f"topics: [{sep.join(quote(n, flow=True) for n in names)}]{comment(draw)}"])
    elif shape == "bare":
        blocks.append([f"topics: {quote(names[0])}"])
    elif shape == "block" and names:
        dash = draw(st.sampled_from(["  - ", "- ", "    -   "]))
        blocks.append(["topics:"] + [f"{dash}{scalar(draw, n) if plain_ok(n, False) else quote(n)}"
                                     for n in names])
    order = draw(st.permutations(blocks))
    lines: list[str] = []
    for block in order:
        lines.extend(block)
        lines.extend(draw(st.sampled_from([[], [], [""], ["# a comment line"]])))
    body = draw(st.sampled_from(["", "Body text\n", "---\npublished: true\ntopics: [x]\n", "ünï\r\n" * 3]))
    text = "---" + eol + "".join(line + eol for line in lines) + "---" + eol + body
    data = text.encode("utf-8")
    return b"\xef\xbb\xbf" + data if draw(st.booleans()) else data


@FAST
@given(item_file(), st.booleans())
def test_publish_changes_only_published(data: bytes, value: bool) -> None:
    out = plan_published(data, value)
    check(data, out.data, "published", value)
    back = plan_restore_published(fmedit.Doc("", out.data), out.old_raw, out.old)
    assert back.data == data  # what undo writes: the exact bytes before


@FAST
@given(item_file(), TOPICS, st.booleans())
def test_a_topic_edit_changes_only_topics(data: bytes, topic: str, pick_existing: bool) -> None:
    old = fmedit.current_value(meaning(data)[0], "topics")
    assert isinstance(old, tuple)
    if pick_existing and old:
        topic = old[len(topic) % len(old)]
    added = plan_topic(data, topic, add=True)
    check(data, added.data, "topics", old if topic in old else (*old, topic))
    removed = plan_topic(added.data, topic, add=False)
    check(added.data, removed.data, "topics", tuple(t for t in old if t != topic))
    lines, close = split_lines(data)
    front = b"".join(lines[:close])
    if topic not in old and re.search(rb"^topics: \[|^topics:[^\n]*\n *-", front, re.M):
        assert removed.data == data  # add then remove is the identity on lists


# -- every real item ---------------------------------------------------------------------


@pytest.mark.skipif(not REAL, reason="../shared is not there")
@pytest.mark.parametrize("source", REAL, ids=lambda p: p.name[:40])
def test_real_items_publish_and_topics(source: Path, tmp_path: Path) -> None:
    original = source.read_bytes()
    if store.read_front_matter(original) is None:
        pytest.skip("not an item")
    path = tmp_path / source.name
    shutil.copyfile(source, path)  # copyfile: the shared copies are read-only
    existing = fmedit.current_value(meaning(original)[0], "topics")
    assert isinstance(existing, tuple)
    steps = [
        (lambda: edit.set_published(path, True), "published", True),
        (lambda: edit.set_published(path, False), "published", False),
        (lambda: edit.add_topic(path, "Robotics: Humanoids"), "topics", (*existing, "Robotics: Humanoids")),
        (lambda: edit.remove_topic(path, "Robotics: Humanoids"), "topics", existing),
    ]
    if existing:
        steps.append((lambda: edit.remove_topic(path, existing[0]), "topics", existing[1:]))
    for run, field, intended in steps:
        before = path.read_bytes()
        result = run()
        check(before, path.read_bytes(), field, intended)
        assert result.new == intended
    # undo everything in reverse: the original bytes come back (topics order aside)
    for undo_published in (True, False):
        path.write_bytes(original)
        if undo_published:
            edit.undo(edit.set_published(path, not fmedit.current_value(meaning(original)[0], "published")))
        else:
            edit.undo(edit.add_topic(path, "Robotics"))
        assert path.read_bytes() == original
