"""reader.core.links: only http(s) URLs become links, are copied or opened."""

from __future__ import annotations

import pytest

from reader.core.links import LinkChoice, choose_link, is_web_link, link_problem


@pytest.mark.parametrize("url", [
    "https://news.example.com/a",
    "http://news.example.com",
    "HTTPS://News.Example.COM/a?b=c#d",
    "https://[2001:db8::1]:8443/x",
    "https://bücher.example/ä",
    "http://127.0.0.1:8080/",
])
def test_web_links_are_accepted(url):
    assert link_problem(url) is None
    assert is_web_link(url)


@pytest.mark.parametrize("url, reason", [
    ("file:///etc/passwd", "it is a file: link, not http or https"),
    ("javascript:alert(1)", "it is a javascript: link, not http or https"),
    ("JavaScript:alert(1)", "it is a javascript: link, not http or https"),
    ("data:text/html,<b>x</b>", "it is a data: link, not http or https"),
    ("ftp://example.com/x", "it is a ftp: link, not http or https"),
    ("news.example.com/a", "it is not a URL"),
    ("just some words", "it contains spaces or control characters"),
    ("", "it is empty"),
    ("   ", "it is empty"),
    (None, "it is empty"),
    (42, "it is empty"),
    ("https:/news.example.com", "it has no host"),
    ("https://", "it has no host"),
    ("http:", "it has no host"),
    ("https://[::1/x", "it is not a valid URL"),
    ("https://a.example/\x1b]8;;x\x1b\\", "it contains spaces or control characters"),
    ("https://a.example/\u202ecod.exe", "it contains spaces or control characters"),
    ("https://a.example/\x85", "it contains spaces or control characters"),
    ("1http://x", "it is not a URL"),
    (":http://x", "it is not a URL"),
])
def test_everything_else_is_refused_with_a_reason(url, reason):
    assert link_problem(url) == reason
    assert not is_web_link(url)


def test_a_long_scheme_is_cut_in_the_reason():
    problem = link_problem("x" * 200 + ":stuff")
    assert problem is not None and len(problem) < 60


def test_choose_link_takes_the_first_web_link_and_says_what_it_skipped():
    choice = choose_link([("originalUrl", "file:///etc/passwd"),
                          ("webUrl", "javascript:alert(1)"),
                          ("ampWebUrl", "https://amp.example.com/a"),
                          ("cdnAmpWebUrl", "https://cdn.example.com/a")])
    assert choice.chosen == ("ampWebUrl", "https://amp.example.com/a")
    assert choice.skipped == (
        ("originalUrl", "file:///etc/passwd", "it is a file: link, not http or https"),
        ("webUrl", "javascript:alert(1)", "it is a javascript: link, not http or https"),
    )


def test_choose_link_with_nothing_usable():
    assert choose_link([]) == LinkChoice(None, ())
    choice = choose_link([("webUrl", "data:,x")])
    assert choice.chosen is None
    assert choice.skipped == (("webUrl", "data:,x", "it is a data: link, not http or https"),)


def test_choose_link_first_is_fine():
    choice = choose_link([("originalUrl", "https://a.example/"), ("webUrl", "file:///x")])
    assert choice == LinkChoice(("originalUrl", "https://a.example/"), ())
