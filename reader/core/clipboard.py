"""How a link leaves the app: opened in a browser, or copied to the clipboard of
the terminal the reader sits at (OSC 52), and what the app says about it.

* ``how_to_open``: a local browser when there is one to show the page; in an
  SSH session or without a display the page would open on the wrong machine
  (or not at all), so the URL is copied instead; inside ``reader serve`` the
  browser tab opens it.
* ``osc52``: the escape sequence that asks the terminal to set its clipboard,
  wrapped so that tmux and GNU screen pass it on to the real terminal.
* ``local_browser``: the stdlib ``webbrowser`` controller, unless it is a
  text-mode browser that would draw over the app in this very terminal.

Only URLs that :mod:`reader.core.links` accepts (http and https) come here.
"""

from __future__ import annotations

import base64
import sys
import webbrowser
from collections.abc import Mapping
from enum import Enum

from reader.core.links import LinkChoice
from reader.core.sanitize import sanitize
from reader.core.terminal import Multiplexer, has_display, in_ssh

# GNU screen cuts a DCS string after 256 bytes in old versions (768 in newer ones):
# the sequence is passed through in pieces that fit, each in its own DCS.
SCREEN_CHUNK = 240


class Delivery(Enum):
    """Where ``o`` sends a URL."""

    OPEN = "open"  # a browser on this machine (webbrowser)
    OPEN_IN_PAGE = "page"  # the app runs in a browser tab (reader serve): a new tab
    COPY = "copy"  # no browser here that the reader could see: OSC 52 to their clipboard


def how_to_open(environ: Mapping[str, str], *, web: bool = False, platform: str = sys.platform) -> Delivery:
    if web:
        return Delivery.OPEN_IN_PAGE
    if in_ssh(environ) or not has_display(environ, platform):
        return Delivery.COPY
    return Delivery.OPEN


def osc52(text: str, mux: Multiplexer = Multiplexer.NONE) -> str:
    """The OSC 52 "set the clipboard" sequence for ``text``, as the terminal must
    receive it through ``mux``: tmux takes a DCS ``tmux;`` passthrough with every
    ESC doubled, screen a plain DCS per piece of at most ``SCREEN_CHUNK`` chars."""
    payload = base64.b64encode(text.encode("utf-8")).decode("ascii")
    sequence = f"\x1b]52;c;{payload}\x07"
    if mux is Multiplexer.TMUX:
        return "\x1bPtmux;" + sequence.replace("\x1b", "\x1b\x1b") + "\x1b\\"
    if mux is Multiplexer.SCREEN:
        pieces = (sequence[i:i + SCREEN_CHUNK] for i in range(0, len(sequence), SCREEN_CHUNK))
        return "".join(f"\x1bP{piece}\x1b\\" for piece in pieces)
    return sequence


def local_browser() -> webbrowser.BaseBrowser | None:
    """The browser ``webbrowser`` would use, if it opens a window of its own.

    Without a graphical browser, ``webbrowser`` falls back to text-mode ones
    (lynx, w3m, ``$BROWSER``...) that run in the foreground, in this terminal,
    over the app: those count as no browser. Slow the first time (it looks for
    every known browser on PATH): call it off the UI thread.
    """
    try:
        browser = webbrowser.get()
    except webbrowser.Error:
        return None
    if isinstance(browser, webbrowser.BackgroundBrowser):
        return browser
    if isinstance(browser, webbrowser.UnixBrowser):
        return browser if browser.background else None
    if isinstance(browser, webbrowser.GenericBrowser):  # a command run in the foreground
        return None
    return browser  # macOS, Windows: the system's own opener


# -- what the app says --------------------------------------------------------------
def refusals(choice: LinkChoice, past: str) -> list[str]:
    """One line per URL that was passed over, with the reason (``past``: "copied")."""
    return [f"{sanitize(name)} not {past}: {reason}" for name, _url, reason in choice.skipped]


def nothing_usable(choice: LinkChoice, past: str) -> str:
    """The warning when no candidate is an http(s) URL."""
    return "\n".join([f"Nothing {past}: only http and https links are.", *refusals(choice, past)])


def done(choice: LinkChoice, verb: str, past: str, tail: str = "") -> str:
    """``Copied <url>`` (naming the field when earlier ones were refused), then a
    ``tail`` if any, then why the others were not ``past``."""
    assert choice.chosen is not None
    name, url = choice.chosen
    lead = f"{verb} {sanitize(url)}" if not choice.skipped else f"{verb} the {sanitize(name)} {sanitize(url)}"
    return "\n".join([lead + tail, *refusals(choice, past)])


def copied_instead(environ: Mapping[str, str]) -> str:
    """Why ``o`` copied rather than opened (the tail of the ``Copied ...`` line)."""
    if in_ssh(environ):
        return " to your clipboard: over SSH a browser would open on the server"
    return " to your clipboard: no browser to open it here"
