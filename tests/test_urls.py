"""Canonical URLs: every spelling of one page gives one URL; other pages stay apart."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reader.core.model import url_key
from reader.core.urls import canonical_url, identity_keys, is_article, related_url_keys, url_fingerprint

PAGE = "https://example.com/news/2024/05/robots-learn"

SAME_PAGE = [
    "http://example.com/news/2024/05/robots-learn",  # scheme
    "https://www.example.com/news/2024/05/robots-learn",  # www.
    "https://example.com/news/2024/05/robots-learn/",  # trailing slash
    "  https://example.com/news/2024/05/robots-learn  ",  # blanks around
    "HTTPS://WWW.EXAMPLE.COM/news/2024/05/Robots-Learn",  # case
    "https://example.com/news/2024/05/robots-learn#comments",  # fragment
    "https://example.com:443/news/2024/05/robots-learn",  # default port
    # AMP pages
    "https://example.com/news/2024/05/robots-learn/amp/",
    "https://example.com/amp/news/2024/05/robots-learn",
    "https://example.com/news/2024/05/robots-learn?amp",
    "https://example.com/news/2024/05/robots-learn?amp=1",
    "https://example.com/news/2024/05/robots-learn?outputType=amp",
    "https://example.com/news/2024/05/robots-learn.amp",
    "https://example.com/news/2024/05/robots-learn.amp.html",
    "https://example.com/news/2024/05/robots-learn.html",
    "https://amp.example.com/news/2024/05/robots-learn",
    "https://m.example.com/news/2024/05/robots-learn",
    # Google's AMP cache, as real items write it
    "https://example-com.cdn.ampproject.org/c/s/example.com/news/2024/05/robots-learn?amp",
    "https://www-example-com.cdn.ampproject.org/c/s/www.example.com/news/2024/05/robots-learn/amp/",
    "https://example-com.cdn.ampproject.org/v/s/example.com/news/2024/05/robots-learn?amp_js_v=0.1&usqp=mq331AQ",
    # tracking parameters
    "https://example.com/news/2024/05/robots-learn?utm_source=feed&utm_medium=rss&utm_campaign=x",
    "https://example.com/news/2024/05/robots-learn?fbclid=IwAR0abc",
    "https://example.com/news/2024/05/robots-learn?gclid=abc&msclkid=def&mc_cid=1&igshid=2",
    "https://example.com/news/2024/05/robots-learn/?ref=home&utm_content=top",
]


@pytest.mark.parametrize("url", SAME_PAGE)
def test_every_spelling_of_a_page_gives_the_same_canonical_url(url: str) -> None:
    assert canonical_url(url) == PAGE


@pytest.mark.parametrize("a, b", [
    ("https://example.com/article?id=1", "https://example.com/article?id=2"),  # ?id= tells pages apart
    ("https://example.com/story/x?v=2", "https://example.com/story/x"),
    ("https://example.com/2021/03/slug", "https://example.com/2022/03/slug"),  # one slug, two pages
    ("https://example.com/slug", "https://example.org/slug"),
    ("https://example.com:8080/a", "https://example.com/a"),  # a port that is not the default
])
def test_different_pages_stay_different(a: str, b: str) -> None:
    assert canonical_url(a) != canonical_url(b)


def test_kept_parameters_are_sorted() -> None:
    assert canonical_url("https://x.com/a?b=2&a=1&utm_source=z") == "https://x.com/a?a=1&b=2"


@pytest.mark.parametrize("url", ["", "   ", "javascript:alert(1)", "mailto:a@b.example",
                                 "ftp://example.com/file", "data:text/html,hi"])
def test_what_names_no_web_page_has_no_canonical_url(url: str) -> None:
    assert canonical_url(url) is None


def test_a_space_inside_is_the_same_as_its_escape() -> None:
    assert canonical_url("https://x.com/a b") == canonical_url("https://x.com/a%20b")


def test_a_home_page_is_no_article_and_gives_no_identity() -> None:
    assert not is_article(canonical_url("https://example.com/") or "")
    assert identity_keys(["https://example.com/", "https://www.example.com"]) == ()
    assert identity_keys([PAGE, PAGE + "?amp", "javascript:x"]) == (url_fingerprint(PAGE),)


def test_urls_that_the_related_jump_takes_for_one_page_are_one_page_here() -> None:
    a, b = "HTTP://www.Example.com/A/", "https://example.com/a"
    assert url_key(a) == url_key(b)
    assert canonical_url(a) == canonical_url(b)


def test_related_keys_come_from_every_url_field_of_every_related_entry() -> None:
    data = {"related": [
        {"title": "x", "webUrl": PAGE + " ", "ampWebUrl": PAGE + "?amp"},
        {"title": "y", "originalUrl": "https://other.example/b", "cdnAmpWebUrl": 7},
        "not a mapping",
        {"title": "z", "webUrl": PAGE},  # a repeat
    ]}
    assert related_url_keys(data) == (url_fingerprint(PAGE), url_fingerprint("https://other.example/b"))
    assert related_url_keys({"related": "nonsense"}) == ()
    assert related_url_keys({}) == ()


_url_text = st.text(alphabet=st.sampled_from(list("abcAB09-._~/?&=#%:@+ ;éß")), max_size=40)


@given(st.sampled_from(["http://", "https://", "HTTPS://www.", ""]), st.sampled_from(
    ["example.com", "www.example.com", "amp.example.org", "example-com.cdn.ampproject.org/c/s/example.com"]), _url_text)
def test_canonicalising_twice_is_canonicalising_once(scheme: str, host: str, rest: str) -> None:
    once = canonical_url(scheme + host + "/" + rest)
    assert once is None or canonical_url(once) == once


@given(st.text(max_size=60))
def test_any_text_gives_a_url_or_none_and_never_raises(text: str) -> None:
    once = canonical_url(text)
    assert once is None or (once.startswith("https://") and canonical_url(once) == once)
