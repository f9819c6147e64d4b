"""Unit tests for reader.core.terminal and reader.core.clipboard: where ``o``
sends a URL, the OSC 52 bytes (bare, through tmux, through screen), which
browsers count, and what the app says."""

from __future__ import annotations

import base64
import re
import webbrowser

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reader.core import clipboard
from reader.core.clipboard import SCREEN_CHUNK, Delivery, how_to_open, osc52
from reader.core.links import choose_link
from reader.core.terminal import Multiplexer, has_display, in_ssh, multiplexer, no_color

URL = "https://news.example.com/a?b=1&c=%C3%A9"


# -- the session ------------------------------------------------------------------------
@pytest.mark.parametrize(("environ", "ssh"), [
    ({}, False),
    ({"SSH_CONNECTION": "10.0.0.2 52100 10.0.0.1 22"}, True),
    ({"SSH_TTY": "/dev/pts/3"}, True),
    ({"SSH_CONNECTION": ""}, False),
    ({"SSH_AUTH_SOCK": "/tmp/agent"}, False),  # an agent is forwarded to local shells too
])
def test_in_ssh(environ, ssh):
    assert in_ssh(environ) is ssh


def test_a_display_is_needed_on_linux_and_the_bsds_only():
    assert not has_display({}, "linux")
    assert has_display({"DISPLAY": ":0"}, "linux")
    assert has_display({"WAYLAND_DISPLAY": "wayland-0"}, "linux")
    assert not has_display({}, "freebsd14")
    assert has_display({}, "darwin")
    assert has_display({}, "win32")


def test_multiplexer_from_the_environment():
    assert multiplexer({}) is Multiplexer.NONE
    assert multiplexer({"TMUX": "/tmp/tmux-0/default,123,0"}) is Multiplexer.TMUX
    assert multiplexer({"STY": "1234.pts-0.host"}) is Multiplexer.SCREEN
    assert multiplexer({"TMUX": "/tmp/t,1,0", "STY": "1.x"}) is Multiplexer.TMUX
    assert multiplexer({"TMUX": ""}) is Multiplexer.NONE


@pytest.mark.parametrize(("value", "wanted"), [(None, False), ("", True), ("1", True), ("0", True),
                                               ("false", True)])
def test_no_color_is_set_to_any_value(value, wanted):
    """NO_COLOR set, whatever its value (even empty), means no colour."""
    environ = {} if value is None else {"NO_COLOR": value}
    assert no_color(environ) is wanted


# -- open or copy ---------------------------------------------------------------------------
def test_how_to_open():
    desktop = {"DISPLAY": ":0"}
    assert how_to_open(desktop, platform="linux") is Delivery.OPEN
    assert how_to_open({**desktop, "SSH_CONNECTION": "a 1 b 22"}, platform="linux") is Delivery.COPY
    assert how_to_open({"SSH_TTY": "/dev/pts/1"}, platform="darwin") is Delivery.COPY
    assert how_to_open({}, platform="linux") is Delivery.COPY  # a console: no display
    assert how_to_open({}, platform="darwin") is Delivery.OPEN
    # in reader serve the browser tab is the reader's own: it opens the page, even over SSH
    assert how_to_open({"SSH_CONNECTION": "a 1 b 22"}, web=True, platform="linux") is Delivery.OPEN_IN_PAGE


# -- OSC 52 -----------------------------------------------------------------------------------
def payload_of(sequence: str) -> str:
    match = re.fullmatch(r"\x1b\]52;c;([A-Za-z0-9+/=]*)\x07", sequence)
    assert match, repr(sequence)
    return base64.b64decode(match.group(1)).decode("utf-8")


def test_osc52_bare():
    sequence = osc52(URL)
    assert sequence.startswith("\x1b]52;c;") and sequence.endswith("\x07")
    assert payload_of(sequence) == URL


def test_osc52_through_tmux_is_one_dcs_passthrough_with_escs_doubled():
    sequence = osc52(URL, Multiplexer.TMUX)
    assert sequence.startswith("\x1bPtmux;") and sequence.endswith("\x1b\\")
    inner = sequence[len("\x1bPtmux;"):-2]
    assert "\x1b\x1b]52;c;" in inner
    assert payload_of(inner.replace("\x1b\x1b", "\x1b")) == URL
    assert sequence.count("\x1bP") == 1


def test_osc52_through_screen_is_cut_into_dcs_pieces_that_screen_keeps():
    long_url = "https://news.example.com/" + "a" * 1000
    sequence = osc52(long_url, Multiplexer.SCREEN)
    pieces = re.findall(r"\x1bP(.*?)\x1b\\", sequence, flags=re.S)
    assert "".join(f"\x1bP{p}\x1b\\" for p in pieces) == sequence  # nothing between the pieces
    assert len(pieces) > 1
    assert all(len(p) <= SCREEN_CHUNK for p in pieces)
    assert payload_of("".join(pieces)) == long_url


@given(st.text(min_size=1, max_size=300), st.sampled_from(list(Multiplexer)))
def test_osc52_carries_any_text_and_nothing_else(text, mux):
    sequence = osc52(text, mux)
    if mux is Multiplexer.TMUX:
        inner = sequence[len("\x1bPtmux;"):-2].replace("\x1b\x1b", "\x1b")
    elif mux is Multiplexer.SCREEN:
        inner = "".join(re.findall(r"\x1bP(.*?)\x1b\\", sequence, flags=re.S))
    else:
        inner = sequence
    assert payload_of(inner) == text
    # the text itself never reaches the terminal: only base64 and the framing do
    assert re.fullmatch(r"[\x1b\x07A-Za-z0-9+/=;\]\\]*", sequence)


# -- browsers ----------------------------------------------------------------------------------
@pytest.mark.parametrize(("browser", "counts"), [
    (webbrowser.BackgroundBrowser("xdg-open"), True),  # xdg-open, firefox ... in the background
    (webbrowser.GenericBrowser("lynx"), False),  # runs in this terminal, over the app
    (webbrowser.Elinks("elinks"), False),  # a UnixBrowser that stays in the foreground
    (webbrowser.Mozilla("firefox"), True),
])
def test_local_browser_refuses_text_mode_browsers(monkeypatch, browser, counts):
    monkeypatch.setattr(webbrowser, "get", lambda using=None: browser)
    assert (clipboard.local_browser() is browser) is counts


def test_local_browser_none_when_webbrowser_finds_none(monkeypatch):
    def none(using=None):
        raise webbrowser.Error("could not locate runnable browser")

    monkeypatch.setattr(webbrowser, "get", none)
    assert clipboard.local_browser() is None


# -- what the app says --------------------------------------------------------------------------
def test_messages_name_the_url_and_every_refusal():
    choice = choose_link([("originalUrl", "file:///etc/passwd"), ("webUrl", URL)])
    said = clipboard.done(choice, "Copied", "copied")
    assert said.splitlines() == [f"Copied the webUrl {URL}",
                                 "originalUrl not copied: it is a file: link, not http or https"]
    plain = choose_link([("webUrl", URL)])
    assert clipboard.done(plain, "Opened", "opened", " in your browser") == f"Opened {URL} in your browser"
    nothing = choose_link([("originalUrl", "javascript:alert(1)")])
    assert clipboard.nothing_usable(nothing, "opened").splitlines() == [
        "Nothing opened: only http and https links are.",
        "originalUrl not opened: it is a javascript: link, not http or https"]


def test_copied_instead_says_why():
    assert "over SSH" in clipboard.copied_instead({"SSH_TTY": "/dev/pts/0"})
    assert "no browser" in clipboard.copied_instead({})
