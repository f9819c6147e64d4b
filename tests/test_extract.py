"""The HTML -> Article extractor (reader.preview.extract)."""

from __future__ import annotations

import gzip
import json
import random
import sys
from pathlib import Path

import pytest

from reader.core.sanitize import is_clean
from reader.preview.extract import Article, Block, extract_article, text_to_article, tree_to_blocks

LOREM = (
    "The council met on Tuesday evening to discuss the future of the old harbour, "
    "which has stood empty since the shipyard closed more than a decade ago. "
    "Residents filled the hall and many of them spoke for the first time."
)

ARTICLE_HTML = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>Harbour plan approved | The Daily Example</title>
<meta property="og:title" content="Harbour plan approved">
</head><body>
<nav class="site-nav"><ul>
  <li><a href="/">Home</a></li><li><a href="/news">News</a></li>
  <li><a href="/sport">Sport</a></li><li><a href="/subscribe">Subscribe today</a></li>
</ul></nav>
<header><a href="/">The Daily Example</a></header>
<main><article>
  <h1>Harbour plan approved</h1>
  <p>{LOREM} The vote was close, and the mayor said the decision would shape the town for a generation.</p>
  <p>Supporters argued that new homes and a small marina would bring young families back to the waterfront,
     while opponents worried about traffic, rising rents and the loss of the last open views of the bay.</p>
  <h2>What happens next</h2>
  <p>The developer must now submit detailed drawings before any work can start on the site next spring.</p>
  <ul>
    <li>A public consultation on the drawings will run for six weeks.</li>
    <li>The old crane will be restored and kept as a landmark.</li>
    <li>Work on the sea wall begins once the consultation closes.</li>
  </ul>
  <blockquote><p>We have waited a long time for someone to care about this place again.</p></blockquote>
  <p>Councillors will review progress at their meeting in March, when the first costs will be published
     and residents can ask further questions about the timetable and the budget for the sea wall.</p>
</article></main>
<footer class="site-footer"><p>Copyright 2024 The Daily Example. All rights reserved. Privacy policy. Cookie settings.</p>
<ul><li><a href="/about">About us</a></li><li><a href="/contact">Contact the newsroom</a></li></ul></footer>
</body></html>"""


@pytest.fixture(scope="module")
def article() -> Article:
    result = extract_article(ARTICLE_HTML, "https://example.org/news/harbour")
    assert result is not None
    return result


def test_blocks_have_the_right_kinds_in_order(article: Article) -> None:
    kinds = [b.kind for b in article.blocks]
    assert kinds == [
        "paragraph", "paragraph", "heading", "paragraph",
        "list_item", "list_item", "list_item", "quote", "paragraph",
    ]
    heading = article.blocks[2]
    assert heading.text == "What happens next" and heading.level == 2
    assert all(b.level == 0 for b in article.blocks if b.kind == "list_item")
    assert article.blocks[4].text == "A public consultation on the drawings will run for six weeks."
    assert article.blocks[7].text == "We have waited a long time for someone to care about this place again."


def test_title_and_no_duplicate_title_heading(article: Article) -> None:
    assert article.title == "Harbour plan approved"
    assert not any(b.kind == "heading" and b.text == article.title for b in article.blocks)


def test_boilerplate_excluded(article: Article) -> None:
    for junk in ("Subscribe today", "Copyright", "Cookie settings", "Contact the newsroom", "Home"):
        assert junk not in article.text


def test_text_is_built_from_blocks(article: Article) -> None:
    assert article.text.startswith("The council met on Tuesday evening")
    assert "\n\nWhat happens next\n\n" in article.text
    # list items of one list stay on consecutive lines
    assert "six weeks.\n• The old crane" in article.text
    for block in article.blocks:
        assert block.text in article.text


def test_to_markdown_markers(article: Article) -> None:
    md = article.to_markdown()
    assert md.startswith("# Harbour plan approved\n\n")
    assert "\n## What happens next\n" in md
    assert "\n- A public consultation on the drawings will run for six weeks.\n- The old crane" in md
    assert "\n> We have waited a long time" in md


def test_html_structure_walker() -> None:
    """The HTML path (used for readability's output): code, nested lists, tables, breaks."""
    import lxml.html

    html = """<div><h3>Title</h3><p>Use the <code>foo()</code> call.</p>
    <pre>def f():\n\treturn 1</pre>
    <ul><li><p>One.</p><p>Two.</p><ul><li>deep</li></ul></li><li>b<br>c</li></ul>
    <blockquote>q1<br>q2</blockquote>
    <table><tr><th>a</th><th>b</th></tr><tr><td>1</td><td>2</td></tr></table>
    <nav>skip me</nav><script>var x = 1;</script>loose text</div>"""
    got = [(b.kind, b.text, b.level) for b in tree_to_blocks(lxml.html.fromstring(html))]
    assert got == [
        ("heading", "Title", 3),
        ("paragraph", "Use the foo() call.", 0),
        ("code", "def f():", 0),
        ("code", "    return 1", 0),
        ("list_item", "One. Two.", 0),
        ("list_item", "deep", 1),
        ("list_item", "b c", 0),
        ("quote", "q1", 0),
        ("quote", "q2", 0),
        ("paragraph", "a | b", 0),
        ("paragraph", "1 | 2", 0),
        ("paragraph", "loose text", 0),
    ]


def test_to_markdown_code_levels_and_escaping() -> None:
    art = Article(
        title=None,
        text="",
        blocks=(
            Block("heading", "Setup", 3),
            Block("paragraph", "# not a heading"),
            Block("list_item", "outer", 0),
            Block("list_item", "inner", 1),
            Block("code", "x = 1"),
            Block("code", "print(x)"),
            Block("paragraph", "after"),
        ),
    )
    assert art.to_markdown() == (
        "### Setup\n\n\\# not a heading\n\n- outer\n  - inner\n\n```\nx = 1\nprint(x)\n```\n\nafter\n"
    )


def test_word_count_and_reading_minutes() -> None:
    def make(n: int) -> Article:
        text = " ".join(["word"] * n)
        return Article(title=None, text=text, blocks=(Block("paragraph", text),))

    assert make(0).reading_minutes() == 1
    assert make(10).reading_minutes() == 1
    assert make(230).word_count == 230
    assert make(230).reading_minutes() == 1
    assert make(231).reading_minutes() == 2
    assert make(2300).reading_minutes() == 10


def test_page_without_article_is_none() -> None:
    login = """<html><head><title>Sign in</title></head><body>
      <nav><a href="/">Home</a> <a href="/help">Help</a></nav>
      <form action="/login"><h1>Sign in to continue</h1>
      <label>Email <input name="email"></label><label>Password <input type="password"></label>
      <button>Log in</button></form>
      <p>Forgot your password?</p><footer>© 2024 Example</footer></body></html>"""
    assert extract_article(login) is None
    links = "<html><body><ul>" + "".join(f"<li><a href='/{i}'>Link {i}</a></li>" for i in range(50)) + "</ul></body></html>"
    assert extract_article(links) is None
    assert extract_article("<html><head><title>x</title></head><body></body></html>") is None


@pytest.mark.parametrize(
    "bad",
    [
        b"",
        "",
        "   \n\t ",
        b"\x00" * 1000,
        random.Random(0).randbytes(20000),
        bytes(range(256)) * 50,
        b"\xff\xfe\x00\x00\x89PNG\r\n\x1a\n" * 200,
        "<div>" * 50000,
        "<html><body>" + "<div><span>" * 3000 + "deep" + "</span></div>" * 3000 + "</body></html>",
        "<<<>>>&&&;;;</p></p></div>",
        None,
        12345,
    ],
)
def test_bad_input_returns_none_without_raising(bad) -> None:
    assert extract_article(bad) is None


def test_control_characters_are_sanitised() -> None:
    body = f"<p>{LOREM} Look here: \x1b[31mred\x1b[0m, a bell \x07, a C1 \x9b2J and a bidi \u202e override.</p>"
    html = (
        "<html><head><title>Evil \x1b]0;pwned\x07 title</title></head><body><article>"
        f"<h1>Evil \x1b[2J headline \u202e</h1>{body}{body.replace('council', 'committee')}"
        "<p>Entities too: &#27;[31m and &#x9b; and &#x202e; end.</p>"
        "</article></body></html>"
    )
    for value in (html, html.encode("utf-8")):
        art = extract_article(value)
        assert art is not None
        strings = [art.title or "", art.text, art.author or "", art.date or ""]
        strings += [b.text for b in art.blocks]
        for s in strings:
            assert is_clean(s.replace("\n", "")), repr(s)
        for b in art.blocks:
            assert "\n" not in b.text
        assert "\u241b[31mred" in art.text  # ESC shown as its control picture


def test_text_to_article() -> None:
    text = (
        "# Notes\n\nFirst paragraph that was\nhard wrapped over lines.\n\n"
        "- one\n- two\n  - nested\n\n> quoted\n> words\n\nESC \x1b[31m here\r\n"
    )
    art = text_to_article(text)
    assert art is not None
    assert [(b.kind, b.text, b.level) for b in art.blocks] == [
        ("heading", "Notes", 1),
        ("paragraph", "First paragraph that was hard wrapped over lines.", 0),
        ("list_item", "one", 0),
        ("list_item", "two", 0),
        ("list_item", "nested", 1),
        ("quote", "quoted words", 0),
        ("paragraph", "ESC \u241b[31m here", 0),
    ]
    assert is_clean(art.text.replace("\n", ""))
    assert text_to_article("") is None
    assert text_to_article("  \n\n ") is None
    assert text_to_article(b"bytes \xff work") is not None


def test_extract_module_does_not_import_textual() -> None:
    import subprocess

    code = "import sys, reader.preview.extract; print('textual' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         cwd=Path(__file__).resolve().parents[1], check=True)
    assert out.stdout.strip() == "False"


def test_real_pages_from_the_bench(shared: Path) -> None:
    bench = shared / "extraction-bench"
    truth = json.loads((bench / "ground-truth.json").read_text(encoding="utf-8"))
    # five pages whose true article is long (a few are teasers behind paywalls)
    keys = [k for k in sorted(truth) if len(truth[k]["articleBody"].split()) > 300][::7][:5]
    assert len(keys) == 5
    for key in keys:
        raw = gzip.decompress((bench / "html" / f"{key}.html.gz").read_bytes())
        art = extract_article(raw, truth[key].get("url"))
        assert art is not None, key
        assert art.word_count > 100, key
        assert all(is_clean(b.text) for b in art.blocks)
