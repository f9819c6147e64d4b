"""Pilot tests for the link keys: ``o`` opens the item's URL (a browser here; over
SSH or without a display it copies with OSC 52 and says so), ``y`` copies (``c``
too). What the app writes to the terminal is captured at the driver."""

from __future__ import annotations

import base64
import re

from reader.ui.app import ReaderApp, create_app
from tests.conftest import FakePreviewService, quiet_config, wait_until, write_item
from tests.conftest import wait_loaded as loaded

URL = "https://news.example.com/story-1"
SSH = {"SSH_CONNECTION": "192.0.2.7 50022 192.0.2.1 22", "SSH_TTY": "/dev/pts/4", "DISPLAY": ":0"}
OSC52 = re.compile(r"\x1b\]52;c;([A-Za-z0-9+/=]*)\x07")
# Text of the item that must never ride along in the clipboard sequence
OTHER_TEXT = ("Headline with TITLEMARK", "EXCERPTMARK in the excerpt", "https://amp.example.com/AMPMARK")


class Captured:
    """Everything the app writes to its driver (the terminal) from now on."""

    def __init__(self, app: ReaderApp) -> None:
        self.chunks: list[str] = []
        driver = app._driver
        assert driver is not None
        write = driver.write

        def recording(data: str) -> None:
            self.chunks.append(data)
            write(data)

        driver.write = recording  # type: ignore[method-assign]

    @property
    def text(self) -> str:
        return "".join(self.chunks)


class FakeBrowser:
    def __init__(self, works: bool = True) -> None:
        self.opened: list[str] = []
        self.works = works

    def open(self, url: str) -> bool:
        self.opened.append(url)
        return self.works


def make(tmp_path, **fields) -> ReaderApp:
    root = tmp_path / "content"
    fields.setdefault("webUrl", URL)
    fields.setdefault("ampWebUrl", OTHER_TEXT[2])
    write_item(root, "a.md", title=OTHER_TEXT[0], excerpt=OTHER_TEXT[1], **fields)
    return create_app(root, config=quiet_config(enabled=False), preview_service=FakePreviewService(),
                      use_index=False)


def said(app) -> str:
    return str(list(app._notifications)[-1].message)


async def test_o_over_ssh_emits_exactly_one_osc52_with_the_url_and_nothing_else(tmp_path):
    app = make(tmp_path)
    browser = FakeBrowser()
    app.links.environ = SSH
    app.links.find_browser = lambda: browser
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await loaded(pilot)
        out = Captured(app)
        await pilot.press("o")
        await pilot.pause()
        sequences = OSC52.findall(out.text)
        assert len(sequences) == 1, out.chunks
        assert base64.b64decode(sequences[0]).decode() == URL
        # the sequence is written on its own, and holds the URL only
        assert f"\x1b]52;c;{sequences[0]}\x07" in out.chunks
        assert all(mark not in base64.b64decode(sequences[0]).decode() for mark in OTHER_TEXT)
        assert out.text.count("\x1b]52;") == 1
        assert browser.opened == []  # nothing started on the server
        assert app.clipboard == URL
        assert said(app) == f"Copied {URL} to your clipboard: over SSH a browser would open on the server"


async def test_o_over_ssh_inside_tmux_wraps_the_sequence_once(tmp_path):
    app = make(tmp_path)
    app.links.environ = {**SSH, "TMUX": "/tmp/tmux-1000/default,4242,0"}
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await loaded(pilot)
        out = Captured(app)
        await pilot.press("o")
        await pilot.pause()
        wrapped = re.findall(r"\x1bPtmux;\x1b\x1b\]52;c;([A-Za-z0-9+/=]*)\x07\x1b\\", out.text)
        assert len(wrapped) == 1 and base64.b64decode(wrapped[0]).decode() == URL
        assert out.text.count("52;c;") == 1


async def test_o_inside_screen_without_a_display_copies_in_dcs_pieces(tmp_path):
    app = make(tmp_path)
    app.links.environ = {"STY": "4242.pts-1.host"}  # a Linux console: no DISPLAY
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await loaded(pilot)
        out = Captured(app)
        await pilot.press("o")
        await pilot.pause()
        pieces = re.findall(r"\x1bP(.*?)\x1b\\", out.text, flags=re.S)
        joined = "".join(p for p in pieces if p.startswith("\x1b]52;") or not p.startswith("\x1b"))
        assert base64.b64decode(OSC52.fullmatch(joined).group(1)).decode() == URL  # type: ignore[union-attr]
        assert "no browser" in said(app)


async def test_o_with_a_display_opens_the_browser_off_the_ui_thread(tmp_path):
    import threading

    app = make(tmp_path)
    threads: list[str] = []
    browser = FakeBrowser()

    def find():
        threads.append(threading.current_thread().name)
        return browser

    app.links.environ = {"DISPLAY": ":0"}
    app.links.find_browser = find
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await loaded(pilot)
        out = Captured(app)
        await pilot.press("o")
        await wait_until(pilot, lambda: browser.opened and said(app).startswith("Opened"))
        assert browser.opened == [URL]
        assert threads and threads[0] != threading.main_thread().name
        assert said(app) == f"Opened {URL} in your browser"
        assert "\x1b]52;" not in out.text
        assert app.clipboard == ""


async def test_o_copies_when_no_browser_can_be_started(tmp_path):
    app = make(tmp_path)
    app.links.environ = {"DISPLAY": ":0"}
    app.links.find_browser = lambda: FakeBrowser(works=False)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await loaded(pilot)
        await pilot.press("o")
        await wait_until(pilot, lambda: app.clipboard == URL)
        assert said(app) == f"Copied {URL} to your clipboard: no browser to open it here"


async def test_o_never_opens_or_copies_a_url_that_is_not_http(tmp_path):
    app = make(tmp_path, webUrl="file:///etc/passwd", originalUrl="javascript:alert(1)", ampWebUrl="ftp://x.example/")
    browser = FakeBrowser()
    app.links.environ = {"DISPLAY": ":0"}
    app.links.find_browser = lambda: browser
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await loaded(pilot)
        out = Captured(app)
        await pilot.press("o")
        await pilot.pause()
        message = said(app)
        assert message.startswith("Nothing opened: only http and https links are.")
        assert "originalUrl not opened: it is a javascript: link, not http or https" in message
        assert "webUrl not opened: it is a file: link, not http or https" in message
        assert browser.opened == [] and app.clipboard == ""
        assert "\x1b]52;" not in out.text


async def test_o_on_an_item_without_urls(tmp_path):
    root = tmp_path / "content"
    write_item(root, "a.md", title="No links")
    app = create_app(root, config=quiet_config(enabled=False), preview_service=FakePreviewService(),
                     use_index=False)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await loaded(pilot)
        await pilot.press("o")
        assert said(app) == "This item has no URL to open."


async def test_y_copies_always_even_with_a_browser_at_hand(tmp_path):
    app = make(tmp_path)
    browser = FakeBrowser()
    app.links.environ = {"DISPLAY": ":0"}
    app.links.find_browser = lambda: browser
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await loaded(pilot)
        out = Captured(app)
        await pilot.press("y")
        await pilot.pause()
        assert [base64.b64decode(s).decode() for s in OSC52.findall(out.text)] == [URL]
        assert said(app) == f"Copied {URL}"
        assert browser.opened == []
        app.copy_to_clipboard("")
        await pilot.press("c")  # the old key still copies
        assert app.clipboard == URL
