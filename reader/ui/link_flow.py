"""The link keys: ``o`` opens the URL in view, ``y`` (and ``c``) copies it.

``LinkFlow`` is held by the app (composed, like PreviewFlow). Which URL is in
view comes from the preview flow; what may leave the app, how (browser, tab
or OSC 52) and what to say about it come from reader.core.links and
reader.core.clipboard. Opening a local browser runs in a thread worker: the
stdlib ``webbrowser`` searches PATH and starts a process.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from reader.core import clipboard
from reader.core.clipboard import Delivery
from reader.core.links import LinkChoice, choose_link
from reader.core.terminal import Multiplexer, multiplexer

if TYPE_CHECKING:
    from reader.ui.app import ReaderApp


class LinkFlow:
    """Copies or opens the URL in view; ``environ`` and ``find_browser`` are
    the session's facts (tests put their own here)."""

    def __init__(self, app: ReaderApp) -> None:
        self.app = app
        self.environ: Mapping[str, str] = os.environ
        self.find_browser: Callable[[], Any] = clipboard.local_browser

    def clipboard_sequence(self, text: str) -> str:
        """The OSC 52 bytes for ``text``, wrapped for tmux or screen if the app runs
        inside one (not in a browser tab: there the page is the terminal)."""
        mux = Multiplexer.NONE if self.app.is_web else multiplexer(self.environ)
        return clipboard.osc52(text, mux)

    def _choose(self, verb: str, past: str) -> LinkChoice | None:
        """The URL to act on, or ``None`` once the reader has been told why not."""
        if self.app.current_item is None:
            return None
        candidates = self.app.preview.links_in_view()
        if not candidates:
            self.app.notify(f"This item has no URL to {verb}.", markup=False)
            return None
        choice = choose_link(candidates)
        if choice.chosen is None:
            self.app.notify(clipboard.nothing_usable(choice, past), severity="warning", markup=False)
            return None
        return choice

    def copy(self) -> None:
        """``y``: copy the URL in view to the clipboard (OSC 52), always."""
        choice = self._choose("copy", "copied")
        if choice is not None and choice.chosen is not None:
            self.app.copy_to_clipboard(choice.chosen[1])
            self.app.notify(clipboard.done(choice, "Copied", "copied"), markup=False)

    def open(self) -> None:
        """``o``: open the URL in a browser here; over SSH (or with no display)
        copy it to the reader's own clipboard instead, and say so."""
        choice = self._choose("open", "opened")
        if choice is None or choice.chosen is None:
            return
        url = choice.chosen[1]
        how = clipboard.how_to_open(self.environ, web=self.app.is_web)
        if how is Delivery.COPY:
            self._copy_instead(choice)
        elif how is Delivery.OPEN_IN_PAGE:
            self.app.open_url(url)
            self.app.notify(clipboard.done(choice, "Opened", "opened", " in a new tab"), markup=False)
        else:
            self.app.run_worker(lambda: self._open_here(choice), thread=True, group="open-link",
                                name="open-link", exit_on_error=False)

    def _copy_instead(self, choice: LinkChoice) -> None:
        assert choice.chosen is not None
        self.app.copy_to_clipboard(choice.chosen[1])
        tail = clipboard.copied_instead(self.environ)
        self.app.notify(clipboard.done(choice, "Copied", "opened", tail), markup=False)

    def _open_here(self, choice: LinkChoice) -> None:
        """In a worker thread: start the browser; if there is none, copy instead."""
        assert choice.chosen is not None
        browser = self.find_browser()
        try:
            opened = browser is not None and bool(browser.open(choice.chosen[1]))
        except Exception:  # a browser that fails to start is no browser
            opened = False
        if opened:
            message = clipboard.done(choice, "Opened", "opened", " in your browser")
            call: Callable[[], None] = lambda: self.app.notify(message, markup=False)  # noqa: E731
        else:
            call = lambda: self._copy_instead(choice)  # noqa: E731
        with contextlib.suppress(RuntimeError):  # the app quit meanwhile
            self.app.call_from_thread(call)
