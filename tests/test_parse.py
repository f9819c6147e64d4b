"""Front matter splitting/parsing and normalisation: bad input is a LoadProblem, never a crash."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

from reader.core import frontmatter, normalize
from reader.core.model import Entry, Item
from reader.core.query import SortKey, sort_order
from reader.core.store import LoadProblem, load_directory, parse_bytes

GOOD = b'---\ntitle: "Good item"\nheat: 50\n---\n'


def load(data: bytes | str, item_id: str = "x.md") -> Item:
    raw = data.encode("utf-8") if isinstance(data, str) else data
    result = parse_bytes(item_id, raw)
    assert isinstance(result, Item), result
    return result


def fm(**fields: str) -> Item:
    """An item from literal YAML lines: fm(title='no') writes ``title: no``."""
    lines = "".join(f"{k}: {v}\n" for k, v in fields.items())
    return load(f"---\n{lines}---\n")


def problem(data: bytes, item_id: str = "bad.md") -> LoadProblem:
    result = parse_bytes(item_id, data)
    assert isinstance(result, LoadProblem), result
    assert result.id == item_id
    assert result.reason and "\n" not in result.reason and "\r" not in result.reason
    assert "Traceback" not in result.reason
    return result


# -- bad input classes ----------------------------------------------------------

BOMB = b"""---
a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
title: boom
---
"""

BAD_FILES: dict[str, tuple[bytes, str]] = {
    "bad-yaml.md": (b"---\ntitle: [unclosed\nheat: 3\n---\n", "bad YAML"),
    "bad-indent.md": (b"---\ntitle: a\n  b: c\n---\n", "bad YAML"),
    "list.md": (b"---\n- a\n- b\n---\n", "not a mapping (list)"),
    "scalar.md": (b"---\njust a sentence\n---\n", "not a mapping (str)"),
    "empty.md": (b"---\n---\nbody\n", "not a mapping (empty)"),
    "python-tag.md": (b"---\ntitle: !!python/object/apply:os.system ['true']\n---\n",
                      "unsupported YAML tag"),
    "custom-tag.md": (b"---\ntitle: !foo bar\n---\n", "unsupported YAML tag '!foo'"),
    "bomb.md": (BOMB, "alias bomb"),
    "huge.md": (b"---\ntitle: big\n---\n" + b"x" * frontmatter.MAX_FILE_BYTES, "too large"),
    "binary.md": (b"---\ntitle: a\x00b\n---\n", "binary"),
    "latin1.md": ("---\ntitle: café\n---\n".encode("latin-1"), "not UTF-8"),
    "utf16le.md": ("---\ntitle: x\n---\n".encode("utf-16"), "UTF-16"),
    "utf16be.md": (b"\xfe\xff" + "---\ntitle: x\n---\n".encode("utf-16-be"), "UTF-16"),
    "unclosed.md": (b"---\ntitle: never closed\nheat: 1\n", "not closed"),
    "unhashable-key.md": (b"---\n? [a, b]\n: c\n---\n", "bad YAML"),
}


@pytest.mark.parametrize("name", sorted(BAD_FILES))
def test_each_bad_input_is_a_one_line_problem(name: str) -> None:
    data, reason = BAD_FILES[name]
    p = problem(data, name)
    assert reason in p.reason
    assert str(p).startswith(f"{name}: ")


def test_bad_files_are_reported_and_the_rest_loads(tmp_path: Path) -> None:
    for name, (data, _) in BAD_FILES.items():
        (tmp_path / name).write_bytes(data)
    (tmp_path / "good.md").write_bytes(GOOD)
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "good2.txt").write_bytes(GOOD.replace(b"Good", b"Second"))
    result = load_directory(tmp_path)
    assert sorted(i.id for i in result.items) == ["good.md", "sub/good2.txt"]
    assert sorted(p.id for p in result.problems) == sorted(BAD_FILES)
    for p in result.problems:
        assert p.reason and "\n" not in p.reason, p
        assert not p.reason.startswith("unexpected error"), p


def test_python_tag_executes_nothing(tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    payloads = [
        f"---\ntitle: !!python/object/apply:os.system ['touch {marker}']\n---\n",
        f"---\n!!python/object/apply:os.system ['touch {marker}']\n---\n",
        f"---\ntitle: !!python/object/apply:subprocess.call [['touch', '{marker}']]\n---\n",
        f"---\nx: !!python/object/new:os.system ['touch {marker}']\n---\n",
        "---\nx: !!python/name:os.system\n---\n",
    ]
    for text in payloads:
        result = parse_bytes("evil.md", text.encode())
        assert isinstance(result, LoadProblem), text
        assert "unsupported YAML tag" in result.reason
    assert not marker.exists()
    with pytest.raises(frontmatter.FrontMatterError):
        frontmatter.parse(payloads[0].encode())
    assert not marker.exists()


def test_alias_bomb_is_refused_in_bounded_time() -> None:
    start = time.perf_counter()
    p = problem(BOMB)
    assert time.perf_counter() - start < 2.0
    assert "alias bomb" in p.reason


def test_recursive_alias_is_refused() -> None:
    start = time.perf_counter()
    problem(b"---\na: &a [*a, *a]\n---\n")
    assert time.perf_counter() - start < 2.0


def test_size_cap_boundary() -> None:
    head = b'---\ntitle: "edge"\n---\n'
    exact = head + b"y" * (frontmatter.MAX_FILE_BYTES - len(head))
    assert len(exact) == frontmatter.MAX_FILE_BYTES
    assert load(exact).title == "edge"
    assert "too large" in problem(exact + b"y").reason


def test_yaml_error_names_the_file_line() -> None:
    p = problem(b"---\ntitle: ok\nheat: [1\n---\n")
    assert "line" in p.reason  # a position in the file helps the user fix it


# -- accepted shapes ----------------------------------------------------------------

def test_utf8_bom_is_accepted() -> None:
    assert load(b"\xef\xbb\xbf" + GOOD).title == "Good item"


def test_crlf_is_accepted() -> None:
    data = b'---\r\ntitle: "Windows"\r\nexcerpt: "line"\r\nheat: 7\r\n---\r\nBody one\r\nBody two\r\n'
    item = load(data)
    assert (item.title, item.excerpt, item.heat) == ("Windows", "line", 7)
    assert item.body == "Body one\nBody two"


def test_bom_and_crlf_together() -> None:
    assert load(b"\xef\xbb\xbf---\r\ntitle: both\r\n---\r\n").title == "both"


def test_closing_dots_line_is_accepted() -> None:
    assert load("---\ntitle: dots\n...\nbody\n").body == "body"


def test_file_without_closing_newline() -> None:
    assert load(b"---\ntitle: eof\n---").title == "eof"


def test_file_without_front_matter_is_not_an_item() -> None:
    assert parse_bytes("README.md", b"# Just notes\n") is None
    assert parse_bytes("empty.md", b"") is None


@pytest.mark.parametrize(
    "name", ["a.txt", "b.md", "c.yaml", "d.yml", "E.TXT", "F.Md", "G.YAML", "h.yMl"]
)
def test_every_suffix_in_any_case_loads(tmp_path: Path, name: str) -> None:
    (tmp_path / name).write_bytes(GOOD)
    (tmp_path / "ignored.json").write_bytes(GOOD)
    (tmp_path / "ignored.markdown").write_bytes(GOOD)
    result = load_directory(tmp_path)
    assert [i.id for i in result.items] == [name]
    assert not result.problems


# -- publishedDateTime ------------------------------------------------------------

UTC = UTC


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2023-04-17T13:15:00Z", datetime(2023, 4, 17, 13, 15, tzinfo=UTC)),
        ("2023-04-17T13:15:00.250Z", datetime(2023, 4, 17, 13, 15, 0, 250000, tzinfo=UTC)),
        ("2023-04-17T15:15:00+02:00", datetime(2023, 4, 17, 13, 15, tzinfo=UTC)),
        ("2023-04-17T08:15:00-05:00", datetime(2023, 4, 17, 13, 15, tzinfo=UTC)),
        ("2023-04-17 15:15:00 +02:00", datetime(2023, 4, 17, 13, 15, tzinfo=UTC)),
        ('"2023-04-17T13:15:00Z"', datetime(2023, 4, 17, 13, 15, tzinfo=UTC)),
        ("2023-04-17", datetime(2023, 4, 17, tzinfo=UTC)),
        ("2023-04-17T13:15:00", datetime(2023, 4, 17, 13, 15, tzinfo=UTC)),
        ("2023-04-17 13:15", datetime(2023, 4, 17, 13, 15, tzinfo=UTC)),
        ("1681737300", datetime(2023, 4, 17, 13, 15, tzinfo=UTC)),
        ("1681737300000", datetime(2023, 4, 17, 13, 15, tzinfo=UTC)),
        ("1681737300.5", datetime(2023, 4, 17, 13, 15, 0, 500000, tzinfo=UTC)),
        ("not a date", None),
        ("2023-13-45", None),
        ("''", None),
        ("[2023, 1]", None),
        ("{a: b}", None),
        ("1e400", None),
        ("99999999999999999999", None),
    ],
)
def test_published_date_time(raw: str, expected: datetime | None) -> None:
    got = fm(title="t", publishedDateTime=raw).published_at
    assert got == expected
    if got is not None:
        assert got.tzinfo is not None and got.utcoffset().total_seconds() == 0


@pytest.mark.parametrize("raw", ["0001-01-01T00:00:00+01:00", "9999-12-31T23:59:59-01:00"])
def test_out_of_range_date_is_none_and_the_item_still_loads(raw: str) -> None:
    # normalize's contract: "nothing here raises for a bad value".
    assert normalize.timestamp(raw) is None
    item = parse_bytes("x.md", f"---\ntitle: t\npublishedDateTime: {raw}\n---\n".encode())
    assert isinstance(item, Item), item
    assert item.title == "t" and item.published_at is None


def test_garbage_dates_never_crash_sorting() -> None:
    raws = ["garbage", "2023-04-17T13:15:00Z", "2023-04-17", "1681737300000",
            "2023-04-17T15:15:00+09:00", "", "2024-01-01T00:00:00"]
    entries = [
        Entry.from_item(normalize.item(f"{i}.md", {"title": f"t{i}", "publishedDateTime": r}))
        for i, r in enumerate(raws)
    ]
    for descending in (True, False):
        order = sort_order(entries, SortKey.DATE, descending)
        dated = [entries[i].published_at for i in order if entries[i].published_at]
        assert dated == sorted(dated, reverse=descending)
        assert [entries[i].published_at for i in order[-2:]] == [None, None]


# -- quality and heat ----------------------------------------------------------------

@pytest.mark.parametrize(
    ("raw", "expected"),
    [("59", 59), ('"59"', 59), ("59.7", 60), ("59.2", 59), ("7.5", 8), ("0", 0), ("100", 100),
     ("150", 150), ("241", 241), ("-5", None), ("abc", None), ("true", None), ("no", None),
     ("", None), ("[1]", None), ("1e3", 1000), ("1_0", 10), (".5", 1), ("nan", None),
     ("inf", None)],
)
def test_quality_is_a_non_negative_int_as_written_or_none(raw: str, expected: int | None) -> None:
    assert fm(title="t", quality=raw).quality == expected


def test_score_accepts_python_numbers_but_not_bools() -> None:
    assert normalize.score(59.7) == 60
    assert normalize.score(59) == 59
    assert normalize.score(True) is None
    assert normalize.score(float("nan")) is None
    assert normalize.score(None) is None


@pytest.mark.parametrize(
    ("raw", "heat", "unscored"),
    [("-1", None, True), ("-20", None, True), ("0", 0, False), ("69", 69, False),
     ("59.7", 60, False), ("250", 250, False), ("abc", None, False), ("true", None, False),
     ("", None, False)],
)
def test_heat(raw: str, heat: int | None, unscored: bool) -> None:
    item = fm(title="t", heat=raw)
    assert (item.heat, item.heat_unscored) == (heat, unscored)


def test_missing_heat_is_not_unscored() -> None:
    item = fm(title="t")
    assert item.heat is None and item.heat_unscored is False


# -- topics and provider ------------------------------------------------------------

def test_topics_list_is_deduplicated_in_order() -> None:
    item = load("---\ntopics:\n  - AI\n  - Robotics\n  - AI\n  - ' AI '\n  - ''\n"
                "  - [nested]\n  - {a: b}\n  - Robotics\n---\n")
    assert item.topics == ("AI", "Robotics")


def test_single_topic_string() -> None:
    assert fm(topics="Space").topics == ("Space",)
    assert fm(topics="").topics == ()
    assert fm(topics="{a: b}").topics == ()


def test_topics_are_sanitised() -> None:
    assert fm(topics='["A\\e[31mI"]').topics == ("A\u241b[31mI",)


def test_provider_mapping_or_string() -> None:
    item = load("---\nprovider:\n  name: Medical Xpress\n  domain: medicalxpress.com\n"
                "  images:\n    - url: https://x.example/logo.png\n      width: 10\n---\n")
    assert item.provider is not None
    assert (item.provider.name, item.provider.domain) == ("Medical Xpress", "medicalxpress.com")
    assert item.provider.images[0].url == "https://x.example/logo.png"
    assert item.provider.images[0].width == 10
    bare = fm(provider="Orbital Desk").provider
    assert bare is not None and bare.name == "Orbital Desk" and bare.label == "Orbital Desk"
    only_domain = load("---\nprovider:\n  domain: example.org\n---\n").provider
    assert only_domain is not None and only_domain.label == "example.org"
    assert fm(provider="").provider is None
    assert fm(provider="[a, b]").provider is None
    assert load("---\nprovider: {}\n---\n").provider is None


# -- YAML 1.1 surprises: every scalar stays what was written -------------------------

@pytest.mark.parametrize(
    ("raw", "title"),
    [("no", "no"), ("yes", "yes"), ("off", "off"), ("012", "012"), ("0x1F", "0x1F"),
     ("1e3", "1e3"), ("3.10", "3.10"), ("1_000", "1_000"), ("2023-04-17", "2023-04-17"),
     ("12:30:00", "12:30:00"), ("null", "null"), ("~", "~"), ("", "")],
)
def test_title_stays_the_string_that_was_written(raw: str, title: str) -> None:
    # The base loader keeps `null`/`~` as written: a title is text, so it is "null".
    assert fm(title=raw).title == title


@pytest.mark.parametrize(
    ("raw", "published"),
    [("no", False), ("No", False), ("off", False), ("false", False), ("n", False),
     ("yes", True), ("true", True), ("on", True), ("True", True),
     ("maybe", None), ("0", None), ("", None), ("null", None)],
)
def test_published(raw: str, published: bool | None) -> None:
    item = fm(title="t", published=raw)
    assert item.published is published
    assert item.unpublished is (published is False)


def test_missing_published_is_not_unpublished() -> None:
    item = fm(title="t")
    assert item.published is None and not item.unpublished


@pytest.mark.parametrize("raw", ["null", "~"])
def test_null_url_is_no_url(raw: str) -> None:
    # A YAML null must not become a URL candidate the preview then tries to fetch.
    item = fm(title="t", webUrl=raw, originalUrl=raw, ampWebUrl=raw, cdnAmpWebUrl=raw)
    assert item.url_candidates == ()


@pytest.mark.parametrize("raw", ["null", "~"])
def test_null_provider_and_topics_are_absent(raw: str) -> None:
    item = fm(title="t", provider=raw, topics=raw)
    assert item.provider is None
    assert item.topics == ()


# -- text fields ----------------------------------------------------------------------

def test_html_entities_in_excerpt_and_title_are_unescaped() -> None:
    item = fm(title='"AT&amp;T&#8217;s plan"', excerpt='"Robots &amp; walking &#8217;n &lt;b&gt;"')
    assert item.title == "AT&T\u2019s plan"
    assert item.excerpt == "Robots & walking \u2019n <b>"


@pytest.mark.parametrize("entity", ["&#27;", "&#x1b;", "&#x1B;[31m", "&#155;", "&#x202e;", "&#127;"])
def test_entity_decoding_to_a_control_is_still_sanitised(entity: str) -> None:
    item = fm(title=f'"a{entity}b"', excerpt=f'"a{entity}b"')
    for value in (item.title, item.excerpt):
        assert not any(c in value for c in "\x1b\x9b\u202e\x7f"), repr(value)
        assert value.startswith("a") and value.endswith("b")


def test_escaped_control_in_yaml_is_sanitised_everywhere() -> None:
    item = load('---\ntitle: "\\e[31mred"\nexcerpt: "x\\u202ey"\ncategory: "\\x9b"\n'
                'provider: "P\\e"\ntopics: ["T\\e"]\n---\nbody \x1b[2J\n')
    for value in (item.title, item.excerpt, item.category, item.provider.name,
                  item.topics[0], item.body):
        assert value and not any(c in value for c in "\x1b\x9b\u202e"), repr(value)


def test_multiline_title_is_one_line() -> None:
    assert load("---\ntitle: |\n  one\n  two\n---\n").title == "one two"


def test_body_keeps_paragraphs() -> None:
    item = load("---\ntitle: t\n---\n\nFirst para.\n\nSecond\tpara.\n\n")
    assert item.body == "First para.\n\nSecond    para."


def test_url_with_control_character_is_dropped() -> None:
    assert fm(title="t", webUrl='"https://e.example/\\e[2J"').web_url is None
    assert fm(title="t", webUrl="  https://e.example/a  ").web_url == "https://e.example/a"


# -- extra fields, secured, related ----------------------------------------------------

def test_unknown_fields_are_kept_in_extra() -> None:
    item = load("---\ntitle: t\nauthor: Ada\nscore:\n  a: 1\n  b: [x, y]\nflag: no\n---\n")
    assert item.extra == {"author": "Ada", "score": {"a": "1", "b": ["x", "y"]}, "flag": "no"}
    assert "title" not in item.extra


def test_secured_is_kept_byte_for_byte() -> None:
    token = "/VRlU/dTnx1ur48eBmTOKFat0OSgsN5Ajn2dZ+B/V2EviV0066=;6qoaVTcEr3hIGQ1b/ZzYoA=="
    assert fm(title="t", secured=f'"{token}"').secured == token
    assert fm(title="t", secured=token).secured == token
    crlf = load(f'---\r\ntitle: t\r\nsecured: "{token}"\r\n---\r\n'.encode())
    assert crlf.secured == token
    assert load("---\nsecured: [a]\n---\n").secured is None


def test_real_items_secured_and_fields(shared: Path) -> None:
    files = [f for d in (shared / "seed", shared / "real-items") for f in sorted(d.iterdir())
             if f.suffix in (".txt", ".md") and f.name != "README.md"]
    assert files, f"no item samples in {shared}"
    for f in files:
        item = load(f.read_bytes(), f.name)
        assert item.title and item.published_at is not None and item.provider is not None
        raw_line = next(line for line in f.read_text().splitlines() if line.startswith("secured:"))
        assert item.secured == raw_line.split(":", 1)[1].strip().strip('"')


RELATED = """---
title: t
related:
  - title: "First &amp; best"
    excerpt: "An excerpt"
    publishedDateTime: 2023-04-14T15:59:00Z
    webUrl: "https://www.natlawreview.com/article/x"
    provider:
      name: The National Law Review
    quality: 37
  - "a junk string"
  - [a, list]
  - {}
  - excerpt: "no title and no url"
  - webUrl: "https://untitled.example/only-url"
  - title: "Title only"
---
"""


def test_related_entries_are_parsed_and_junk_dropped() -> None:
    item = load(RELATED)
    assert [r.title for r in item.related] == ["First & best", "", "Title only"]
    first = item.related[0]
    assert first.published_at == datetime(2023, 4, 14, 15, 59, tzinfo=UTC)
    assert first.web_url == "https://www.natlawreview.com/article/x"
    assert first.provider is not None and first.provider.name == "The National Law Review"
    assert first.quality == 37
    assert item.related[1].urls == ("https://untitled.example/only-url",)


def test_related_single_mapping_and_non_list() -> None:
    assert [r.title for r in load("---\nrelated:\n  title: alone\n---\n").related] == ["alone"]
    assert load("---\nrelated: just text\n---\n").related == ()


def test_images() -> None:
    item = load("---\nimages:\n  - url: https://i.example/a.jpg\n    width: 1905\n"
                "    height: '1130'\n    isCached: true\n  - https://i.example/b.jpg\n"
                "  - 42x\n  - url: https://i.example/c.jpg\n    width: -3\n---\n")
    urls = [i.url for i in item.images]
    assert urls[:2] == ["https://i.example/a.jpg", "https://i.example/b.jpg"]
    assert (item.images[0].width, item.images[0].height, item.images[0].is_cached) == (1905, 1130, True)
    assert item.images[-1].width is None


def test_normalize_item_never_raises_on_hostile_mappings() -> None:
    hostile: list[dict] = [
        {}, {"title": ["a"]}, {"title": {"a": "b"}}, {"quality": {"x": 1}},
        {"provider": ["x"]}, {"topics": {"a": "b"}}, {"images": "  "}, {"related": [None, 1]},
        {"publishedDateTime": ["2023"]}, {"heat": "-1e400"}, {"heat": "1e400"},
        {"secured": {"a": 1}}, {"webUrl": 5}, {"title": 5, "excerpt": 5.5},
    ]
    for data in hostile:
        item = normalize.item("h.md", data)
        assert isinstance(item, Item) and item.id == "h.md"


def test_compact_yyyymmdd_date_is_a_date_not_an_epoch():
    from datetime import datetime

    from reader.core import normalize

    assert normalize.timestamp("20230417") == datetime(2023, 4, 17, tzinfo=UTC)
    assert normalize.timestamp("20231340") is None  # not a date: no guess
    assert normalize.timestamp("1681736100").year == 2023  # epoch seconds still work
