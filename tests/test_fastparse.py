"""fastparse gives exactly the YAML (base loader) result, or None: never a different answer."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from reader.core import frontmatter
from reader.core.fastparse import parse_fast

REPO = Path(__file__).resolve().parents[1]
SAMPLE = REPO / "sample_content"
ITEM_SUFFIXES = (".txt", ".md", ".yaml", ".yml")


def yaml_result(data: bytes):
    try:
        return frontmatter.parse(data)
    except frontmatter.FrontMatterError as exc:
        return ("error", str(exc))


def same_or_none(data: bytes) -> bool:
    """The property: fast is None, or fast == YAML (and YAML accepted the file)."""
    fast = parse_fast(data)
    if fast is None:
        return True
    assert fast == yaml_result(data), data
    return False


def fast_equal(data: bytes | str) -> tuple[dict, str]:
    raw = data.encode("utf-8") if isinstance(data, str) else data
    fast = parse_fast(raw)
    assert fast is not None, f"fast path refused {raw!r}"
    assert fast == frontmatter.parse(raw)
    return fast


def fm(lines: str) -> dict:
    return fast_equal("---\n" + lines + "---\nbody\n")[0]


def corpus_files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file() and p.suffix.lower() in ITEM_SUFFIXES)


from tests.conftest import load_make_corpus  # noqa: E402

# -- targeted cases that the fast path takes ------------------------------------------

@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        ('t: "a \\"quoted\\" word"\n', {"t": 'a "quoted" word'}),
        ('t: "back\\\\slash"\n', {"t": "back\\slash"}),
        ('t: "ends in a backslash\\\\"\n', {"t": "ends in a backslash\\"}),
        ('t: "\\"quoted\\" at both ends\\""  # c\n', {"t": '"quoted" at both ends"'}),
        ('t: "caf\\u00e9 \\x41 \\U0001F600 \\/ \\t \\n \\0 \\e \\N \\_ \\L \\P \\ "\n',
         {"t": "caf\u00e9 A \U0001F600 / \t \n \x00 \x1b \x85 \xa0 \u2028 \u2029  "}),
        ("t: 'it''s'\n", {"t": "it's"}),
        ("t: ''\n", {"t": ""}),
        ('t: ""\n', {"t": ""}),
        ("t: value # comment\n", {"t": "value"}),
        ('t: "x"   \n', {"t": "x"}),
        ('t: "x" # c\n', {"t": "x"}),
        ("t: 'x'  # c\n", {"t": "x"}),
        ("t: a  \n", {"t": "a"}),
        ("t: a  b\n", {"t": "a  b"}),
        ("title: no\n", {"title": "no"}),
        ("n: 012\n", {"n": "012"}),
        ("n: 1.5e3\n", {"n": "1.5e3"}),
        ("heat: -1\n", {"heat": "-1"}),
        ("p: true\nq: Off\nr: null\n", {"p": "true", "q": "Off", "r": "null"}),
        ("d: 2023-04-17T13:15:00Z\n", {"d": "2023-04-17T13:15:00Z"}),
        ("empty:\n", {"empty": ""}),
        ("empty:   \n", {"empty": ""}),
        ("empty: # just a comment\nnext: 1\n", {"empty": "", "next": "1"}),
        ("tilde: ~\n", {"tilde": "~"}),
        ("u: https://example.com/a#frag\n", {"u": "https://example.com/a#frag"}),
        ("u: https://example.com/a?b=c:d&e=f\n", {"u": "https://example.com/a?b=c:d&e=f"}),
        ("u: a:b\n", {"u": "a:b"}),
        ('u: "https://x.example/a: b # c"\n', {"u": "https://x.example/a: b # c"}),
        ("u: 'https://x.example/a: b # c'\n", {"u": "https://x.example/a: b # c"}),
        ("key with spaces: v\n", {"key with spaces": "v"}),
        ("k.v-x_y: v\n", {"k.v-x_y": "v"}),
        ("t: a, b {c} [d] & *e !f |g >h 'i' \"j\" %k @l `m\n",
         {"t": "a, b {c} [d] & *e !f |g >h 'i' \"j\" %k @l `m"}),
        ("t: caf\u00e9 \u00a0nbsp\u00a0 \u3000ideo\u3000\n", {"t": "caf\u00e9 \u00a0nbsp\u00a0 \u3000ideo\u3000"}),
        ("t: \U0001F600 emoji\n", {"t": "\U0001F600 emoji"}),
        ("t: --- not a marker\n", {"t": "--- not a marker"}),
        ("a: 1\n\n\n# comment\n   # indented comment\nb: 2\n", {"a": "1", "b": "2"}),
        ("provider:\n  name: Futurism\n  domain: futurism.com\n",
         {"provider": {"name": "Futurism", "domain": "futurism.com"}}),
        ("topics:\n  - AI\n  - Computer Vision\n", {"topics": ["AI", "Computer Vision"]}),
        ("topics:\n    - a\n    - 'b'\n    - \"c\"\n", {"topics": ["a", "b", "c"]}),
        ("topics:\n  -   spaced\n", {"topics": ["spaced"]}),
        ("images:\n  - url: x\n    width: 1\n  - url: y\n",
         {"images": [{"url": "x", "width": "1"}, {"url": "y"}]}),
        ("related:\n  - title: t\n    provider:\n      name: n\n    images:\n      - url: u\n"
         "        isCached: true\n  - title: t2\nafter: z\n",
         {"related": [{"title": "t", "provider": {"name": "n"}, "images": [{"url": "u", "isCached": "true"}]},
                      {"title": "t2"}], "after": "z"}),
        ("a:\n# comment between\n  b: 1\n", {"a": {"b": "1"}}),
        ("a:\n   b:\n      c: deep\n   d: e\nf: g\n", {"a": {"b": {"c": "deep"}, "d": "e"}, "f": "g"}),
        ("list:\n  - -5\n  - a - b\n", {"list": ["-5", "a - b"]}),
        ("r:\n  - a:\n      b:\n        - c\n  - d: 1\nz: 2\n",  # three blocks close at once
         {"r": [{"a": {"b": ["c"]}}, {"d": "1"}], "z": "2"}),
        ("k" * 200 + ": longest key\n", {"k" * 200: "longest key"}),
        ("k" * 199 + ".: v\n", {"k" * 199 + ".": "v"}),
    ],
)
def test_fast_path_matches_yaml(lines: str, expected: dict) -> None:
    assert fm(lines) == expected


def test_crlf_bom_and_body() -> None:
    text = '\ufeff---\r\ntitle: "x"\r\ntopics:\r\n  - a\r\n---\r\nbody line\r\nmore\r\n'
    mapping, body = fast_equal(text)
    assert mapping == {"title": "x", "topics": ["a"]}
    assert body == "body line\nmore\n"


@pytest.mark.parametrize(
    "closing",
    ["---", "...", "---   ", "--- \t", "---\u3000", "---\x1c", "...  "],
)
def test_closing_line_variants(closing: str) -> None:
    fast_equal(f"---\na: 1\n{closing}\nbody\n")
    fast_equal(f"---\na: 1\n{closing}")  # no newline after the closing line


@pytest.mark.parametrize(("first", "later"), [("...", "---"), ("---", "..."), ("...", "...")])
def test_the_first_closing_line_of_either_kind_closes(first: str, later: str) -> None:
    mapping, body = fast_equal(f"---\na: 1\n{first}\nb\n{later}\nc\n")
    assert mapping == {"a": "1"}
    assert body == f"b\n{later}\nc\n"


def test_a_quote_in_a_comment_after_a_quoted_value_is_yamls_answer_or_refused() -> None:
    for lines in ('t: "x" # say "hi"\n', 't: "x"  #"\n', "t: - 'x' # \"\n", 'l:\n  - "x" # "y"\n'):
        assert same_or_none(("---\n" + lines + "---\n").encode())


def test_body_is_everything_after_the_closing_line() -> None:
    mapping, body = fast_equal("---\na: 1\n---\n\n---\nb: 2\n---\ntext")
    assert mapping == {"a": "1"}
    assert body == "\n---\nb: 2\n---\ntext"


def test_all_scalars_are_strings(shared: Path) -> None:
    data = sorted((shared / "seed").glob("*.txt"))
    assert data, f"no seed items in {shared / 'seed'}"
    for path in data:
        mapping, _ = fast_equal(path.read_bytes())

        def walk(v):
            if isinstance(v, dict):
                for k, x in v.items():
                    assert isinstance(k, str)
                    walk(x)
            elif isinstance(v, list):
                for x in v:
                    walk(x)
            else:
                assert isinstance(v, str)

        walk(mapping)


# -- what it refuses -------------------------------------------------------------------

@pytest.mark.parametrize(
    "lines",
    [
        "t: [a, b]\n",  # flow sequence
        "t: {a: b}\n",  # flow mapping
        "t: &anchor x\nu: *anchor\n",  # anchor / alias
        "t: !!str x\n",  # tag
        "t: !custom x\n",
        "t: |\n  block\n",  # block scalars
        "t: >\n  folded\n",
        "t: first\n  second line\n",  # multi-line plain
        't: "first\n  second"\n',  # multi-line quoted
        "t: 'first\n  second'\n",
        "t:\tx\n",  # tab
        "\tt: x\n",
        "t: x\n t2: y\n",  # odd indentation
        "a:\n  b: 1\n c: 2\n",
        "a:\n  - x\n   - y\n",
        "a: 1\na: 2\n",  # duplicate key
        "'quoted key': x\n",  # quoted / complex keys
        '"k": x\n',
        "? complex\n: value\n",
        "a:\n- x\n- y\n",  # indentless sequence
        "a:\n  -\n    b: 1\n",  # empty item / nested under '-'
        "a:\n  - - x\n",  # nested sequence
        "  a: 1\n",  # indented top level
        "- a\n- b\n",  # not a mapping
        "just a scalar\n",
        "",  # empty
        "# only a comment\n",
        "%YAML 1.1\na: 1\n",  # directive
        "t: a: b\n",  # ': ' inside a plain value (YAML error)
        "t: x:\n",
        "t: 'x' y\n",  # junk after a closing quote
        't: "x"y"\n',  # a bare quote inside
        't: "x\\"\n',  # an escaped quote, then no closing one
        't: "x\\\\\\"\n',
        't: "x"#c\n',
        't: "\\q"\n',  # unknown escape
        't: "\\uD800"\n',  # surrogate escape
        't: "\\\'"\n',
        "t: @x\n",
        "t: `x\n",
        "t: %x\n",
        "t: -\n",
        "t: ?x\n",  # valid YAML, but not a shape we take
        "t: :x\n",
        "key : x\n",  # space before the colon
        "key:x\n",
        "t: x\u2028y\n",  # YAML line breaks inside a value
        "t: x\x85y\n",
        "t: x\ry\n",
        "t: x\ufeffy\n",
        "t: x\x7fy\n",  # not printable for YAML
        "t: x\x1by\n",
        "k" * 300 + ": long key\n",
        "k" * 201 + ": long key\n",
        "k" * 199 + " : v\n",
        "<<: merge\n",
    ],
)
def test_unusual_shapes_are_refused(lines: str) -> None:
    data = ("---\n" + lines + "---\n").encode("utf-8")
    assert parse_fast(data) is None


@pytest.mark.parametrize(
    "data",
    [
        b"no front matter\n",
        b"---\ntitle: unclosed\n",
        b"--- x\na: 1\n---\n",
        b"\xff\xfe---\n",
        b"---\na: \xff\n---\n",
        b"---\na: 1\x00\n---\n",
        b"---\na: 1\n---\n" + b"x" * (frontmatter.MAX_FILE_BYTES + 1),
    ],
)
def test_bad_files_are_left_to_the_yaml_path(data: bytes) -> None:
    assert parse_fast(data) is None
    with pytest.raises(frontmatter.FrontMatterError):
        frontmatter.parse(data)


@pytest.mark.parametrize(
    "lines",
    [
        'a: ""\n  b: c\n',  # an empty quoted value is a value: no block may follow it
        "a: ''\n  - x\n",
        'a:\n  - ""\n    b: c\n',
    ],
)
def test_an_empty_quoted_scalar_opens_no_block(lines: str) -> None:
    data = ("---\n" + lines + "---\n").encode("utf-8")
    assert parse_fast(data) is None
    with pytest.raises(frontmatter.FrontMatterError):
        frontmatter.parse(data)


@pytest.mark.parametrize("lines, expected", [
    ('a: ""\nb: x\n', {"a": "", "b": "x"}),
    ("a:\n  - ''\n  - x\n", {"a": ["", "x"]}),
])
def test_an_empty_quoted_scalar_is_the_empty_string(lines: str, expected: dict) -> None:
    data = ("---\n" + lines + "---\n").encode("utf-8")
    assert frontmatter.parse(data)[0] == expected
    assert parse_fast(data) == (expected, "")


def _nested(depth: int) -> bytes:
    """A mapping in a mapping ``depth`` times: ``depth + 1`` blocks open at the end."""
    lines = [" " * d + "a:" for d in range(depth)] + [" " * depth + "b: c"]
    return ("---\n" + "\n".join(lines) + "\n---\n").encode()


def _nested_items(depth: int) -> bytes:
    """A sequence of one mapping item in a sequence ... ``2 * depth + 2`` blocks."""
    lines = ["x:"] + [" " * (2 + 4 * d) + "- a:" for d in range(depth)] + [" " * (2 + 4 * depth) + "b: c"]
    return ("---\n" + "\n".join(lines) + "\n---\n").encode()


@pytest.mark.parametrize(("make", "depth"), [(_nested, 998), (_nested_items, 498)])
def test_nesting_is_taken_as_deep_as_libyaml_takes_it(make, depth: int) -> None:
    """libyaml refuses a 1000th open block: so does the fast path, and only that.

    (PyYAML's constructor recurses, so past a few hundred levels the YAML path
    itself fails; the fast path, a loop, still reads what libyaml accepts.)"""
    assert parse_fast(make(depth)) is not None
    data = make(depth + 1)
    assert parse_fast(data) is None
    with pytest.raises(frontmatter.FrontMatterError, match="maximum nesting depth"):
        frontmatter.parse(data)


def test_nested_blocks_are_equal() -> None:
    fast_equal(_nested(40))
    fast_equal(_nested_items(20))


# -- whole corpora ---------------------------------------------------------------------

def _files_in(paths: list[Path]) -> list[bytes]:
    return [p.read_bytes() for p in paths if p.read_bytes().lstrip(b"\xef\xbb\xbf").startswith(b"---")]


def test_sample_content_equal() -> None:
    files = corpus_files(SAMPLE) if SAMPLE.is_dir() else []
    if not files:
        pytest.skip("sample_content/ is empty")
    fast = 0
    for data in _files_in(files):
        fast += not same_or_none(data)
    assert fast > 0


def test_shared_items_equal(shared: Path) -> None:
    datas = _files_in(corpus_files(shared / "seed") + corpus_files(shared / "real-items"))
    assert datas, f"no items in {shared}/seed or {shared}/real-items"
    for data in datas:
        fast_equal(data)  # real items must all take the fast path


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_generated_corpus_equal(seed: int) -> None:
    make_corpus = load_make_corpus()
    fast = total = 0
    for _rel, text in make_corpus.generate(700, seed):
        data = text.encode("utf-8") if isinstance(text, str) else text
        total += 1
        fast += not same_or_none(data)
    assert total == 700
    assert fast > total * 0.8  # the generator writes mostly ordinary items


# -- fuzz ------------------------------------------------------------------------------

_PIECES = [
    b" ", b"  ", b"\n", b"#", b" #", b":", b": ", b"-", b"- ", b'"', b"'", b"\\", b"\\u00e9",
    b"\\x4", b"&a", b"*a", b"!", b"|", b">", b"[", b"{", b"\t", b"\r", b"\r\n", b"\xc3\xa9",
    b"~", b"?", b"%", b"@", b"`", b",", b"\xe2\x80\xa8", b"\xc2\x85", b"\xef\xbb\xbf", b"---",
    b"...", b"x", b"key: v", b"\n  - ", b"\n    ", b"\n  ", b"''", b'\\"', b"\x00", b"\x7f",
    b"\xc2\xa0", b"\nk:", b"\n  k: v",
]


def _seed_documents(shared: Path) -> list[bytes]:
    docs = []
    for root in (shared / "seed", shared / "real-items", SAMPLE):
        docs += _files_in(corpus_files(root))[:20]
    docs.append(
        b'---\ntitle: "T \\"q\\""\nheat: -1\nprovider:\n  name: P\n  images:\n    - url: "u"\n'
        b"      width: 5\ntopics:\n  - A\n  - 'B''s'\nrelated:\n  - title: R # c\n"
        b"    provider:\n      domain: d.example\n---\nbody\n"
    )
    return docs


def test_mutations_are_equal_or_refused(shared: Path) -> None:
    """Random byte-level edits of real files: the fast answer is YAML's, or None."""
    rng = random.Random(20240611)
    docs = _seed_documents(shared)
    took_fast = 0
    for _ in range(3000):
        d = bytearray(rng.choice(docs))
        for _ in range(rng.randint(1, 4)):
            op = rng.random()
            pos = rng.randrange(len(d) + 1)
            if op < 0.5:
                d[pos:pos] = rng.choice(_PIECES)
            elif op < 0.8:
                del d[pos:pos + rng.randint(1, 5)]
            else:
                a, b = sorted((rng.randrange(len(d) + 1), rng.randrange(len(d) + 1)))
                d[pos:pos] = d[a:b][:40]
        took_fast += not same_or_none(bytes(d))
    assert took_fast > 300  # the property is not vacuous


_CHARS = list("abcXYZ019 _-.:#'\"\\/,[]{}&*!|>%@`?~=<") + [
    "\u00e9", "\xa0", "\u3000", "\U0001F600", "\ufeff", "\u2028", "\x85", "\t", "  ", ": ",
    " #", "\\n", "\\u00e9", "\\x41", "\\U0001F600", '\\"', "\\\\", "''", "\\uD800", "\\q",
]
_KEYS = ["a", "b", "title", "key with space", "k.v", "x-y", "012", "y", "no", "c", "d", "e"]


def _random_document(rng: random.Random, nasty: bool) -> str:
    chars = _CHARS if nasty else _CHARS[:20] + ["\u00e9", "  ", " #", "\\n", '\\"', "''"]

    def text() -> str:
        return "".join(rng.choice(chars) for _ in range(rng.randint(0, 8)))

    def scalar() -> str:
        r = rng.random()
        if r < 0.4:
            return text()
        if r < 0.7:
            return '"' + text() + '"' + rng.choice(["", " ", "  # c", "#x", " x"])
        return "'" + text() + "'" + rng.choice(["", " ", " # c"])

    def key() -> str:
        return rng.choice(_KEYS + (["a ", "-a", '"q"', text() or "z"] if nasty else []))

    def block(ind: int, depth: int) -> list[str]:
        out = []
        for _ in range(rng.randint(1, 4)):
            k, r = key(), rng.random()
            if depth < 3 and r < 0.25:
                out.append(" " * ind + k + ":" + rng.choice(["", " ", " # c"]))
                out += block(ind + (rng.choice([2, 2, 1, 4, 0]) if nasty else 2), depth + 1)
            elif depth < 3 and r < 0.45:
                out.append(" " * ind + k + ":")
                si = ind + (rng.choice([2, 2, 0, 1]) if nasty else 2)
                for _ in range(rng.randint(1, 3)):
                    if rng.random() < 0.5:
                        out.append(" " * si + "-" + rng.choice([" ", " ", "  ", ""]) + scalar())
                    else:
                        sub = block(0, depth + 1)
                        pad = rng.choice([" ", "  "])
                        out.append(" " * si + "-" + pad + sub[0].lstrip(" "))
                        out += [" " * (si + 1 + len(pad)) + line for line in sub[1:]]
            else:
                out.append(" " * ind + k + ":" + rng.choice([" ", " ", "  ", ""]) + scalar())
            if rng.random() < 0.1:
                out.append(rng.choice(["", "  ", "# c", "   # c"]))
        return out

    return "---\n" + "\n".join(block(0, 0)) + "\n---\nbody\n"


@pytest.mark.parametrize("nasty", [False, True])
def test_generated_documents_are_equal_or_refused(nasty: bool) -> None:
    """Structured random documents (keys, nesting, quoting, escapes, comments)."""
    rng = random.Random(7 if nasty else 11)
    took_fast = 0
    for i in range(4000):
        text = _random_document(rng, nasty)
        if i % 10 == 0:
            text = text.replace("\n", "\r\n")
        took_fast += not same_or_none(text.encode("utf-8"))
    assert took_fast > 150
