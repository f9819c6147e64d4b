"""Property: for any front matter, the fast path gives YAML's answer or none at all.

Documents are drawn from the line shapes the fast path reads (keys, items,
nested blocks, quoting, escapes, comments) with the characters and spacing
that sit on the edge of what it takes, so that both answers are exercised.
"""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reader.core import frontmatter
from reader.core.fastparse import parse_fast

SETTINGS = settings(max_examples=600, deadline=None, derandomize=True, database=None,
                    suppress_health_check=[HealthCheck.too_slow])

_PIECES = [
    "a", "Z", "0", "9", " ", "  ", "_", "-", ".", ":", ": ", "#", " #", "'", "''", '"', "\\",
    "\\n", '\\"', "\\u00e9", "\\x41", "\\U0001F600", "\\q", "\\uD800", ",", "[", "]", "{", "}",
    "&", "*", "!", "|", ">", "%", "@", "`", "?", "~", "\u00e9", "\xa0", "\u3000", "\U0001F600",
    "\t", "\u2028", "\x85", "\ufeff", "\x7f", "---", "...", "- ",
]
_SAFE = ["a", "Z", "0", "9", " ", "_", "-", ".", "\u00e9", "http://x.example/a?b=c", "''", "\\\\",
         '\\"', "\\u00e9", "&#8217;", "a: b", "a #b"]
_GOOD_KEYS = ["a", "b", "title", "heat", "provider", "topics", "key with space", "k.v", "x-y", "012", "no"]
# Mostly ordinary keys and text (the fast path's to take), some on its edge.
_KEYS = st.sampled_from(_GOOD_KEYS * 4 + ["a ", "-a", '"q"', "'q'", "? k", "a:b", "a #b"])
text = st.lists(st.sampled_from(_SAFE * 15 + _PIECES), max_size=6).map("".join)
scalar = st.one_of(
    text,
    st.tuples(text, st.sampled_from(["", "", "", " ", "  # c", "#x", " x", ' # "c"', ' "', '"'])).map(
        lambda t: f'"{t[0]}"{t[1]}'),
    st.tuples(text, st.sampled_from(["", "", "", " ", " # c", "x"])).map(lambda t: f"'{t[0]}'{t[1]}"),
)
after_colon = st.sampled_from([" "] * 6 + ["  ", "", "\t"])
comment = st.sampled_from(["", "", " # c", "  #", "#"])


@st.composite
def block(draw, indent: int, depth: int) -> list[str]:
    lines: list[str] = []
    for _ in range(draw(st.integers(1, 3))):
        key = draw(_KEYS)
        kind = draw(st.integers(0, 9)) if depth < 3 else 0
        pad = " " * indent
        if kind == 1:  # a nested mapping
            lines.append(pad + key + ":" + draw(comment))
            step = draw(st.sampled_from([2, 2, 4, 1, 0]))
            lines += draw(block(indent + step, depth + 1))
        elif kind == 2:  # a sequence of scalars or of mappings
            lines.append(pad + key + ":")
            item_pad = " " * (indent + draw(st.sampled_from([2, 2, 0, 1, 3])))
            for _ in range(draw(st.integers(1, 3))):
                dash = draw(st.sampled_from(["- ", "- ", "-  ", "-"]))
                if draw(st.booleans()):
                    lines.append(item_pad + dash + draw(scalar))
                else:
                    sub = draw(block(0, depth + 1))
                    lines.append(item_pad + dash + sub[0])
                    shift = draw(st.sampled_from([0, 0, 1, -1]))
                    lines += [" " * max(0, len(item_pad) + len(dash) + shift) + s for s in sub[1:]]
        else:
            lines.append(pad + key + ":" + draw(after_colon) + draw(scalar))
        if draw(st.integers(0, 9)) == 0:
            lines.append(draw(st.sampled_from(["", "  ", "# c", "   # c", " "])))
    return lines


@st.composite
def document(draw) -> bytes:
    lines = draw(block(0, 0))
    newline = draw(st.sampled_from(["\n", "\n", "\r\n"]))
    bom = draw(st.sampled_from(["", "", "\ufeff"]))
    closing = draw(st.sampled_from(["---", "...", "--- "]))
    return (bom + "---" + newline + newline.join(lines) + newline + closing + newline + "body\n").encode("utf-8")


def _yaml(data: bytes):
    try:
        return frontmatter.parse(data)
    except frontmatter.FrontMatterError as exc:
        return ("refused", str(exc))


@SETTINGS
@given(document())
def test_fast_answer_is_the_yaml_answer(data: bytes) -> None:
    fast = parse_fast(data)
    if fast is not None:
        assert fast == _yaml(data)


@SETTINGS
@given(document(), st.integers(0, 10_000), st.sampled_from(_PIECES + ["\n", "\n  ", "\n- ", "\x00"]))
def test_an_edit_anywhere_keeps_the_property(data: bytes, where: int, piece: str) -> None:
    at = where % (len(data) + 1)
    edited = data[:at] + piece.encode("utf-8") + data[at:]
    fast = parse_fast(edited)
    if fast is not None:
        assert fast == _yaml(edited)


def test_the_strategies_reach_the_fast_path() -> None:
    """Not vacuous: plenty of drawn documents are taken by the fast path."""
    taken = []

    @settings(max_examples=300, deadline=None, derandomize=True, database=None,
              suppress_health_check=[HealthCheck.too_slow])
    @given(document())
    def count(data: bytes) -> None:
        taken.append(parse_fast(data) is not None)

    count()
    assert sum(taken) >= 30
