"""Real items load and read sensibly (issue 7).

First one small item per fact in ../shared/real-items/README.md, built here; then
every real file in ../shared/seed and ../shared/real-items (powerapps/ included).
For each: what ``reader show`` prints (``describe``) and what the detail pane
shows (``item_content``), and the fast parser against the YAML path.

Decisions these tests pin down:

* ``\\n`` in a double-quoted excerpt is a line break (YAML unescapes it): the
  excerpt keeps it and both displays show two lines. In a plain or single-quoted
  scalar it is a backslash and an n, shown as such: that is what the file says.
* Entities (``&#8217;``, ``&amp;``) in titles and excerpts are decoded.
* URLs: surrounding spaces are trimmed; an inner space is kept and shown as
  written, and a link to it is percent-encoded (``%20``).
* A related entry leading to the same page as an earlier one (same first URL,
  up to scheme, "www.", trailing slash and case) is shown once, the first kept.
* A site-relative image path (archive items' provider images) is shown as
  written and not linked: it is relative to the site that published the item,
  not to the provider's domain.
* A time of exactly 00:00:00Z is a placeholder: the date is shown alone.
"""

from __future__ import annotations

import html
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
import yaml
from textual.content import Content

from reader.core import frontmatter
from reader.core.catalog import Catalog
from reader.core.describe import describe
from reader.core.fastparse import parse_fast
from reader.core.index import RowDecoder
from reader.core.model import Entry, Item
from reader.core.parse_rows import entry_row
from reader.core.query import Query, SortKey
from reader.core.store import parse_bytes
from reader.ui.item_render import item_content
from tests.conftest import shared_dir

SHARED = shared_dir()  # ../shared beside the repository; fails (never skips) if missing
REAL_DIRS = (SHARED / "seed", SHARED / "real-items", SHARED / "real-items" / "powerapps")


def load(data: bytes, item_id: str = "x.md") -> Item:
    """The item, after checking the fast parser gives what YAML gives (or declines)."""
    fast = parse_fast(data)
    if fast is not None:
        assert fast == frontmatter.parse(data)
    item = parse_bytes(item_id, data)
    assert isinstance(item, Item), item
    return item


def shown(item: Item) -> tuple[str, str]:
    """(``reader show`` text, detail pane text)."""
    return describe(item), item_content(item).plain


def links(content: Content) -> dict[str, str]:
    """Text shown as a link → where the link leads."""
    out = {}
    for span in content.spans:
        target = getattr(span.style, "link", None)
        if target:
            out[content.plain[span.start : span.end]] = target
    return out


def doc(*lines: str) -> bytes:
    return ("---\n" + "\n".join(lines) + "\n---\n").encode("utf-8")


# -- one fact at a time -------------------------------------------------------------------

def test_url_with_a_trailing_space_is_trimmed() -> None:
    item = load(doc(
        'title: "Trailing"',
        'webUrl: "https://news.example.com/story "',
        "related:",
        '  - title: "Other"',
        '    webUrl: "https://other.example.org/x   "',
        "images:",
        '  - url: "https://img.example.com/a.jpg "',
    ))
    assert item.web_url == "https://news.example.com/story"
    assert item.related[0].web_url == "https://other.example.org/x"
    assert item.images[0].url == "https://img.example.com/a.jpg"
    show, _pane = shown(item)
    assert "webUrl: https://news.example.com/story\n" in show + "\n"
    assert links(item_content(item))["https://news.example.com/story"] == "https://news.example.com/story"


def test_url_with_an_inner_space_is_shown_as_written_and_linked_encoded() -> None:
    item = load(doc(
        'title: "Inner space"',
        'webUrl: "https://news.example.com/a story"',
        "images:",
        '  - url: "https://img.example.com/my photo.jpg"',
        "    width: 10",
        "    height: 20",
    ))
    assert item.web_url == "https://news.example.com/a story"
    assert item.images[0].url == "https://img.example.com/my photo.jpg"
    show, _pane = shown(item)
    assert "webUrl: https://news.example.com/a story" in show
    assert "https://img.example.com/my photo.jpg (10×20)" in show
    linked = links(item_content(item))
    assert linked["https://news.example.com/a story"] == "https://news.example.com/a%20story"
    assert linked["https://img.example.com/my photo.jpg"] == "https://img.example.com/my%20photo.jpg"


def test_a_repeated_related_url_is_shown_once() -> None:
    item = load(doc(
        'title: "Repeats"',
        "related:",
        '  - title: "First telling"',
        '    webUrl: "https://r.example.org/story"',
        '  - title: "Another story"',
        '    webUrl: "https://r.example.org/other"',
        '  - title: "First telling"',
        '    webUrl: "https://r.example.org/story "',
        '  - title: "First telling, retitled"',
        '    webUrl: "http://www.r.example.org/story/"',
    ))
    assert [r.title for r in item.related] == ["First telling", "Another story"]
    show, _pane = shown(item)
    assert show.count("First telling") == 1
    assert "retitled" not in show


def test_a_site_relative_provider_image_is_shown_as_written_not_linked() -> None:
    item = load(doc(
        "title: Archive logo",
        "webUrl: https://www.dailydot.com/debug/face/",
        "provider:",
        "  name: The Daily Dot",
        "  domain: dailydot.com",
        "  images:",
        "    - url: /assets/images/organizations/dailydot.com-50x50.jpg",
        "      width: 50",
        "      height: 50",
    ))
    logo = "/assets/images/organizations/dailydot.com-50x50.jpg"
    assert item.provider.images[0].url == logo
    show, pane = shown(item)
    assert f"Provider images:\n  {logo} (50×50)" in show
    assert logo in pane
    assert logo not in links(item_content(item))
    assert "https://www.dailydot.com/debug/face/" in links(item_content(item))


def test_unquoted_timestamp_is_parsed() -> None:
    item = load(doc("title: t", "publishedDateTime: 2019-06-27T18:36:00Z"))
    assert item.published_at == datetime(2019, 6, 27, 18, 36, tzinfo=UTC)
    show, pane = shown(item)
    assert "Date:      2019-06-27 18:36 UTC" in show
    assert "2019-06-27 18:36 UTC" in pane


def test_midnight_placeholder_shows_the_date_alone() -> None:
    item = load(doc("title: t", "publishedDateTime: 2020-10-07T00:00:00Z"))
    assert item.published_at == datetime(2020, 10, 7, tzinfo=UTC)
    show, pane = shown(item)
    assert "Date:      2020-10-07\n" in show
    assert "00:00" not in show and "00:00" not in pane
    assert "Date      2020-10-07" in pane


def test_newline_escape_in_a_double_quoted_excerpt_is_a_line_break() -> None:
    item = load(doc(
        'title: "Escapes"',
        r'excerpt: "Create apps in minutes\nWe are excited. \n"',
    ))
    assert item.excerpt == "Create apps in minutes\nWe are excited."
    show, pane = shown(item)
    assert "\nCreate apps in minutes\nWe are excited.\n" in show + "\n"
    assert "\nCreate apps in minutes\nWe are excited." in pane


def test_an_excerpt_line_break_stays_out_of_the_search_text() -> None:
    """Search texts are one line each (the catalog searches them joined by newlines),
    and an index row equals the entry made from the item."""
    data = doc('title: "Escapes"', r'excerpt: "no code required \n  We are\texcited"')
    entry = Entry.from_item(load(data))
    assert b"\n" not in entry.search_text
    assert RowDecoder().entry(entry_row("x.md", 1, 1, frontmatter.parse(data)[0])) == entry
    catalog = Catalog([entry])
    catalog.warm_up()
    assert [e.id for e in catalog.query(Query(search="required we"))] == ["x.md"]


@pytest.mark.parametrize("line", [r"excerpt: 'one\ntwo.'", r"excerpt: one\ntwo."])
def test_backslash_n_in_a_plain_or_single_quoted_excerpt_stays_two_characters(line: str) -> None:
    item = load(doc("title: t", line))
    assert item.excerpt == "one\\ntwo."
    show, pane = shown(item)
    assert "one\\ntwo." in show and "one\\ntwo." in pane


def test_numeric_entities_are_decoded() -> None:
    item = load(doc(
        'title: "India&#8217;s bank &amp; the &#8220;citizen developer&#8221;"',
        'excerpt: "We&#8217;re excited &#8211; really."',
        "related:",
        '  - title: "It&#8217;s related"',
        '    webUrl: "https://r.example.org/1"',
    ))
    assert item.title == "India’s bank & the “citizen developer”"
    assert item.excerpt == "We’re excited – really."
    assert item.related[0].title == "It’s related"
    show, pane = shown(item)
    for text in (show, pane):
        assert "&#" not in text and "India’s bank & the “citizen developer”" in text


@pytest.mark.parametrize("name", ["조선일보", "新浪财经", "日経クロステック"])
def test_korean_and_chinese_provider_names(name: str) -> None:
    item = load(doc("title: t", "provider:", f"  name: {name}", "  domain: news.example.kr"))
    assert item.provider.label == name
    show, pane = shown(item)
    assert f"Provider:  {name} (news.example.kr)" in show
    assert name in pane
    catalog = Catalog([Entry.from_item(item)])
    assert [e.id for e in catalog.query(Query(search=name))] == ["x.md"]


def test_title_cut_at_150_characters_is_kept_whole() -> None:
    title = ("Massive data breach exposes personal details of 38 million people: airlines and "
             "schools data including social security numbers and vaccination records")[:150]
    assert len(title) == 150
    item = load(doc(f'title: "{title}"'))
    assert item.title == title
    show, pane = shown(item)
    assert show.splitlines()[0] == title
    assert pane.splitlines()[0] == title


def test_fields_missing_by_year_read_as_missing_and_sort_last() -> None:
    old = load(doc("title: Old item", "publishedDateTime: 2016-02-23T10:00:00Z"), "old.md")
    new = load(doc("title: New item", "heat: 5", "quality: 3", "published: true"), "new.md")
    assert (old.heat, old.quality, old.published, old.heat_unscored) == (None, None, None, False)
    show, pane = shown(old)
    assert "Heat:      ░░░░░░░░░░ —" in show and "Published: not set" in show
    assert "Heat      ░░░░░░░░░░ —" in pane and "State     not set" in pane
    catalog = Catalog([Entry.from_item(old), Entry.from_item(new)])
    for key in (SortKey.HEAT, SortKey.QUALITY):
        for descending in (True, False):
            ids = [e.id for e in catalog.query(Query(sort=key, descending=descending))]
            assert ids == ["new.md", "old.md"]


def test_archive_item_with_unquoted_urls_and_no_original_url() -> None:
    data = doc(
        "category: news",
        'title: "Meet the new face-detection algorithm"',
        "publishedDateTime: 2015-02-17T14:27:00Z",
        "webUrl: https://www.dailydot.com/debug/face-detection-algorithm-image-search/",
        "ampWebUrl: https://www.dailydot.com/debug/face-detection-algorithm-image-search/?amp",
        "type: article",
        "quality: 142",
        "heat: 142",
        "published: true",
        "",
        "images:",
        "  - url: https://www.dailydot.com/wp-content/uploads/7da/6e/fc3a-1022x512.jpg",
        "    width: 1022",
        "    height: 512",
        '    title: "Meet the new face-detection algorithm"',
    )
    assert parse_fast(data) is not None  # plain URLs are a shape the fast path reads
    item = load(data)
    assert item.original_url is None
    assert item.web_url == "https://www.dailydot.com/debug/face-detection-algorithm-image-search/"
    assert item.url_candidates[0] == ("webUrl", item.web_url)
    assert (item.heat, item.quality) == (142, 142)
    show, _pane = shown(item)
    assert "originalUrl" not in show
    assert f"webUrl: {item.web_url}" in show
    assert "Heat:      ██████████ 142" in show
    assert "https://www.dailydot.com/wp-content/uploads/7da/6e/fc3a-1022x512.jpg (1022×512)" in show


# -- every real file ----------------------------------------------------------------------

def real_files() -> list[Path]:
    for folder in REAL_DIRS:
        assert folder.is_dir(), f"the shared real items are missing: {folder}"
    files = [p for folder in REAL_DIRS for p in sorted(folder.iterdir())
             if p.is_file() and p.suffix in (".md", ".txt") and p.name != "README.md"]
    assert len(files) == 25
    return files


def _raw(path: Path) -> dict:
    """The front matter as YAML reads it (base loader), to compare with."""
    return frontmatter.parse(path.read_bytes())[0]


def test_real_files_are_all_present() -> None:
    real_files()


@pytest.mark.parametrize("path", real_files(), ids=lambda p: p.name[:40])
def test_every_real_file_reads_sensibly(path: Path) -> None:
    data = path.read_bytes()
    fast = parse_fast(data)
    assert fast is not None and fast == frontmatter.parse(data)  # fast path, same answer
    item = load(data, path.name)
    raw = _raw(path)
    show, pane = shown(item)
    # Title and excerpt: entities decoded, the text otherwise as written.
    assert item.title == html.unescape(raw["title"]).strip()
    assert "&#" not in item.title + item.excerpt
    assert item.excerpt == "\n".join(
        line.strip() for line in html.unescape(raw["excerpt"]).strip().split("\n"))
    for text in (show, pane):
        assert item.title in text
        for line in item.excerpt.split("\n"):
            assert line[:60] in text
    # Dates parse; numbers as written; URLs as written, linked.
    written = re.search(r"^publishedDateTime: (\S+)", data.decode(), re.M).group(1)
    assert item.published_at == datetime.fromisoformat(written.replace("Z", "+00:00"))
    for field in ("heat", "quality"):
        assert getattr(item, field) == (int(raw[field]) if field in raw else None)
    linked = links(item_content(item))
    for field in ("originalUrl", "webUrl"):
        if field in raw:
            assert f"{field}: {raw[field]}" in show
            assert linked[raw[field]] == raw[field]
    for image in raw.get("images", []):
        assert image["url"] in show and image["url"] in linked


EXPECTED = {
    # file name prefix: things a reader must see, in `reader show` and in the pane
    "2023-10-18-build-better-apps": [
        "Create apps from your data in minutes, with no code required\nWe are excited announce",
    ],
    "2024-02-01-general-availability": ["Power Apps secure implicit connections now generally available.\n"],
    "2020-09-15-announcing-the-new": ["Today we’re excited to announce"],
    "2023-01-26-making-dataverse": ["with ‘Developer environment’ that comes"],
    "2021-10-19-power-fx": ["experimental “Formula-level error management” switch"],
    "2020-10-07-pin-diode": ["2020-10-07\n", "Heat:      ██░░░░░░░░ 17"],
    "2019-08-19-microsoft-power-apps": ["Heat:      ██████████ 137", "Quality:   ██████████ 137"],
    "2021-08-24-massive-microsoft": ["vaccination ...\n"],
    "2019-06-28-police-body-camera": [
        "Heat:      ░░░░░░░░░░ —", "Published: not set",
        "originalUrl: https://futurism.com/police-body-camera-facial-recognition",
        "webUrl: https://www.aclu.org/blog/",
    ],
    "2021-03-11-hugging-face": [
        "Provider images:\n  https://everyday-cc.github.io/ai/assets/images/organizations/"
        "techcrunch.com-50x50.jpg (50×50)",
    ],
    "000_dda4bd5c91e3b462": [
        "Heat:      ███████░░░ 69", "Published: unpublished",
        "  - Artificial Intelligence - The Promise of Early Disease Diagnosis",
        "    The National Law Review · 2023-04-14 · quality 37",
    ],
}


@pytest.mark.parametrize("prefix", sorted(EXPECTED))
def test_what_a_reader_sees_in_particular_real_files(prefix: str) -> None:
    (path,) = [p for p in real_files() if p.name.startswith(prefix)]
    item = load(path.read_bytes(), path.name)
    show, pane = shown(item)
    for text in EXPECTED[prefix]:
        assert text in show + "\n", (text, show)
    if prefix == "2023-10-18-build-better-apps":
        assert "minutes, with no code required\nWe are excited" in pane
    if prefix == "2020-10-07-pin-diode":
        assert "Date      2020-10-07\n" in pane


def test_the_fast_path_equals_yaml_on_real_shapes_with_changes() -> None:
    """Variants the larger sample shows, built from the real files: unquoted URLs, a
    trailing space inside the quotes, CJK names; the fast path agrees or declines."""
    for path in real_files():
        text = path.read_text(encoding="utf-8")
        variants = [
            re.sub(r'^(\s*(?:-\s+)?(?:\w+Url|url)): "([^"]*)"', r"\1: \2", text, flags=re.M),
            re.sub(r'^(\s*(?:\w+Url|url)): "([^"]*)"', r'\1: "\2 "', text, flags=re.M),
            text.replace("name: ", "name: 조선일보 "),
        ]
        for variant in variants:
            data = variant.encode("utf-8")
            fast = parse_fast(data)
            if fast is not None:
                assert fast == frontmatter.parse(data), path.name
            assert isinstance(parse_bytes(path.name, data), Item)


def test_yaml_unescapes_a_double_quoted_newline() -> None:
    """The premise of the excerpt decision, checked against libyaml itself."""
    assert yaml.load('a: "x\\ny"', Loader=yaml.CBaseLoader) == {"a": "x\ny"}
    assert yaml.load("a: 'x\\ny'", Loader=yaml.CBaseLoader) == {"a": "x\\ny"}
    assert yaml.load("a: x\\ny", Loader=yaml.CBaseLoader) == {"a": "x\\ny"}
