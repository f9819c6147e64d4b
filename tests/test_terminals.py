"""The real app on a pseudo-terminal, as a new user starts it: with NO_COLOR it
sends no colour escapes at all (and says with characters, bold and reverse
what colour said), whatever its value, even empty (as the issue asks); with
TERM=linux it keeps to the 16 colours; ``--no-mouse`` leaves the mouse alone.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from reader.resources import sample_content_dir
from tests.test_pty_injection import Terminal

pytestmark = pytest.mark.skipif(
    os.name != "posix" or not hasattr(os, "openpty"), reason="needs a POSIX pseudo-terminal"
)

REPO = Path(__file__).resolve().parents[1]
COLS, ROWS = 80, 24
FIRST_TITLE = "Q&A: Freya Moreau"  # the newest sample item: first in the list

_SGR = re.compile(rb"\x1b\[([0-9;:]*)m")
MOUSE_ON = re.compile(rb"\x1b\[\?(?:1000|1002|1003|1006|1015)h")  # mouse reports (1004 is focus)


def sgr_params(out: bytes) -> list[list[int]]:
    return [[int(p) if p else 0 for p in re.split(rb"[;:]", m.group(1))] or [0]
            for m in _SGR.finditer(out)]


def colour_params(out: bytes) -> set[str]:
    """Every colour an SGR sets: 30-37, 40-47, 90-97, 100-107 and the extended
    38/48/58 forms (256 colours, RGB). The defaults (39, 49) are no colour."""
    found: set[str] = set()
    for params in sgr_params(out):
        i = 0
        while i < len(params):
            p = params[i]
            if p in (38, 48, 58):
                wide = 5 if i + 1 < len(params) and params[i + 1] == 2 else 3
                found.add(";".join(map(str, params[i:i + wide])))
                i += wide
                continue
            if 30 <= p <= 37 or 40 <= p <= 47 or 90 <= p <= 97 or 100 <= p <= 107:
                found.add(str(p))
            i += 1
    return found


def attributes(out: bytes) -> set[int]:
    """The non-colour attributes SGRs turn on (1 bold, 4 underline, 7 reverse...)."""
    return {p for params in sgr_params(out) for p in params if p in (1, 2, 3, 4, 7, 9)}


class App:
    """``python -m reader`` on a pty of 80x24; every wait has a deadline."""

    def __init__(self, tmp_path: Path, env: dict[str, str], args: tuple[str, ...] = (),
                 wrap: Callable[[list[str]], list[str]] | None = None) -> None:
        import fcntl
        import struct
        import termios

        root = tmp_path / "content"
        shutil.copytree(sample_content_dir(), root)  # marks never edit, but the samples stay untouched
        home = tmp_path / "home"
        home.mkdir()
        (home / "config.toml").write_text("[preview]\nenabled = false\n", encoding="utf-8")
        self.master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", ROWS, COLS, 0, 0))
        base = {k: v for k, v in os.environ.items()
                if k not in ("NO_COLOR", "COLORTERM", "FORCE_COLOR", "TMUX", "TMUX_PANE", "STY")
                and not k.startswith(("TEXTUAL", "SSH_"))}
        base.update(TERM="xterm-256color", COLUMNS=str(COLS), LINES=str(ROWS),
                    READER_CACHE_DIR=str(home / "cache"), READER_CONFIG=str(home / "config.toml"),
                    XDG_CACHE_HOME=str(home / "xdg-cache"), XDG_CONFIG_HOME=str(home / "xdg-config"),
                    PYTHONPATH=str(REPO) + os.pathsep + os.environ.get("PYTHONPATH", ""))
        base.update(env)
        self.term = Terminal(COLS, ROWS)
        self.deadline = time.monotonic() + 90
        command = [sys.executable, "-m", "reader", str(root), *args]
        try:
            self.proc = subprocess.Popen(wrap(command) if wrap else command,
                                         stdin=slave, stdout=slave, stderr=slave, env=base, cwd=str(REPO),
                                         start_new_session=True, close_fds=True)
        finally:
            os.close(slave)
        self.eof = False

    def _read(self, wait: float) -> None:
        import select

        ready, _, _ = select.select([self.master], [], [], wait)
        if not ready:
            return
        try:
            data = os.read(self.master, 65536)
        except OSError:
            data = b""
        if data:
            self.term.feed(data)
        else:
            self.eof = True

    def wait_for(self, what: str, predicate: Callable[[Terminal], bool], timeout: float = 30.0) -> None:
        until = min(time.monotonic() + timeout, self.deadline)
        while not predicate(self.term):
            if time.monotonic() > until or self.eof:
                raise AssertionError(f"timed out waiting for {what}; screen:\n{self.term.text()}")
            self._read(0.1)

    def send(self, keys: bytes) -> None:
        for key in keys:  # one key per write: a burst could be read as one sequence
            os.write(self.master, bytes([key]))
            self._read(0.02)

    def quit(self) -> bytes:
        self.send(b"q")
        until = time.monotonic() + 15
        while self.proc.poll() is None and time.monotonic() < until:
            self._read(0.1)
        while not self.eof and time.monotonic() < until:
            self._read(0.1)
        assert self.proc.poll() == 0, f"the app did not quit cleanly: {self.proc.poll()}"
        return bytes(self.term.raw)

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait(timeout=10)
        os.close(self.master)


def on_screen(text: str) -> Callable[[Terminal], bool]:
    return lambda term: text in term.text()


def off_screen(text: str) -> Callable[[Terminal], bool]:
    return lambda term: text not in term.text()


def run(tmp_path: Path, env: dict[str, str], args: tuple[str, ...] = (),
        steps: Callable[[App], None] | None = None,
        wrap: Callable[[list[str]], list[str]] | None = None) -> bytes:
    app = App(tmp_path, env, args, wrap)
    try:
        app.wait_for("the first item", on_screen(FIRST_TITLE))
        if steps is not None:
            steps(app)
        return app.quit()
    finally:
        app.close()


def test_no_color_sends_no_colour_and_says_it_with_characters_bold_and_reverse(tmp_path):
    seen: dict[str, bool] = {}

    def steps(app: App) -> None:
        app.send(b"i")  # the triage queue: unpublished items, marked with a character
        app.wait_for("the triage queue", on_screen("unpublished only"))
        app.send(b" ")  # mark the first item: a check mark, not a colour
        app.wait_for("the mark", lambda t: any(line.startswith("✓") for line in t.lines()))
        seen["unpublished mark"] = any("●" in line for line in app.term.lines())
        app.send(b"/")
        app.wait_for("the search bar", on_screen("search title"))
        app.send(b"heat:>")  # a malformed query: the error is a character and words
        app.wait_for("the query error", on_screen("✗ "))
        app.send(b"\x1b")
        app.wait_for("the search to close", off_screen("✗ "))
        app.send(b"\x1b")  # out of the triage queue (and Esc never runs into the q after it)
        app.wait_for("the whole list again", off_screen("unpublished only"))

    out = run(tmp_path, {"NO_COLOR": "1"}, ("--no-mouse",), steps)
    assert colour_params(out) == set(), sorted(colour_params(out))[:20]
    assert seen["unpublished mark"]
    # the list's cursor and the other emphasis: reverse video and bold
    assert {1, 7} <= attributes(out)
    # --no-mouse: the mouse stays the terminal's (select and copy as usual)
    assert not MOUSE_ON.search(out)


def test_an_empty_no_color_turns_colour_off_too(tmp_path):
    """NO_COLOR set to any value, even an empty one, means no colour: a user who
    typed ``NO_COLOR= reader`` asked for it (no-color.org would ignore an empty
    value; the issue says "any value", and Textual agrees)."""
    out = run(tmp_path, {"NO_COLOR": ""})
    assert colour_params(out) == set(), sorted(colour_params(out))[:10]


def test_without_no_color_the_app_is_in_colour(tmp_path):
    """The other side of the tests above: the same app, in colour."""
    out = run(tmp_path, {})
    assert any(not is_grey(c) for c in colour_params(out)), sorted(colour_params(out))
    assert MOUSE_ON.search(out)  # the mouse is on unless --no-mouse


def is_grey(colour: str) -> bool:
    """A grey (or black or white) in any SGR form: what a monochrome filter leaves."""
    parts = [int(p) for p in colour.split(";")]
    if parts[0] in (38, 48, 58) and parts[1] == 2:
        return parts[2] == parts[3] == parts[4]
    if parts[0] in (38, 48, 58):
        n = parts[2]
        if n < 16:
            return n in (0, 7, 8, 15)
        if n >= 232:
            return True
        r, g, b = (n - 16) // 36, (n - 16) // 6 % 6, (n - 16) % 6
        return r == g == b
    return parts[0] in (30, 37, 90, 97, 40, 47, 100, 107)


def test_term_linux_keeps_to_sixteen_colours(tmp_path):
    def steps(app: App) -> None:
        app.send(b"t")  # the topic sidebar over the list, at 80 columns
        app.wait_for("the sidebar", on_screen("All 168"))
        app.send(b"\x1b")
        app.wait_for("the sidebar to close", off_screen("All 168"))

    out = run(tmp_path, {"TERM": "linux"}, (), steps)
    colours = colour_params(out)
    assert colours, "no colour at all on a 16-colour console"
    sixteen = {str(n) for n in (*range(30, 38), *range(40, 48), *range(90, 98), *range(100, 108))}
    assert colours <= sixteen, sorted(colours - sixteen)


# -- inside tmux, over SSH: o reaches the terminal outside tmux ------------------------------
FIRST_URL = ("https://meridian-review.example.com/2026/11/26/"
             "q-a-freya-moreau-of-kestrel-robotics-on-how-to-put-robots-in-care/")


def copy_first_url(got: list[bytes]) -> Callable[[App], None]:
    """Steps: once the first item's details show, press o and wait for the copy;
    every OSC 52 payload the outer terminal received is added to ``got``."""

    def steps(app: App) -> None:
        app.wait_for("the item's details", on_screen("meridian-review.example.com"))  # o acts on them
        app.send(b"o")
        app.wait_for("the copy to arrive", lambda t: b"\x1b]52;" in t.raw and b"Copied" in t.raw)
        got.extend(re.findall(rb"\x1b\]52;c;([A-Za-z0-9+/=]*)(?:\x07|\x1b\\)", app.term.raw))

    return steps


@pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")
def test_o_over_ssh_inside_tmux_reaches_the_outer_terminal_as_one_osc52(tmp_path):
    """The app runs in a real tmux (its own server and socket) on our pty, as
    over SSH: ``o`` copies, tmux passes the wrapped sequence on, and what
    arrives here is one plain OSC 52 with the URL and nothing else."""
    import base64
    import shlex

    conf = tmp_path / "tmux.conf"
    conf.write_text("set -g allow-passthrough on\nset -g status off\n", encoding="utf-8")
    socket = f"reader-test-{os.getpid()}"

    def in_tmux(command: list[str]) -> list[str]:
        return ["tmux", "-L", socket, "-f", str(conf), "new-session", "-x", str(COLS), "-y", str(ROWS),
                shlex.join(command)]

    got: list[bytes] = []
    steps = copy_first_url(got)

    try:
        out = run(tmp_path, {"SSH_CONNECTION": "192.0.2.7 50022 192.0.2.1 22"}, (), steps, in_tmux)
    finally:
        subprocess.run(["tmux", "-L", socket, "kill-server"], capture_output=True, check=False)
    assert [base64.b64decode(g).decode() for g in got] == [FIRST_URL]
    assert out.count(b"\x1b]52;") == 1
    assert b"tmux;" not in out  # tmux unwrapped it: the terminal never sees the passthrough


@pytest.mark.skipif(shutil.which("screen") is None, reason="GNU screen is not installed")
def test_o_over_ssh_inside_screen_reaches_the_outer_terminal_as_one_osc52(tmp_path):
    """The same in GNU screen: the sequence goes through in DCS pieces, and the
    terminal outside receives them joined, as one OSC 52 with the URL."""
    import base64
    import shlex

    conf = tmp_path / "screenrc"
    conf.write_text("startup_message off\n", encoding="utf-8")
    session = f"reader-test-{os.getpid()}"

    def in_screen(command: list[str]) -> list[str]:
        return ["screen", "-S", session, "-c", str(conf), "sh", "-c", shlex.join(command)]

    got: list[bytes] = []
    steps = copy_first_url(got)

    try:
        out = run(tmp_path, {"SSH_CONNECTION": "192.0.2.7 50022 192.0.2.1 22",
                             "SCREENDIR": str(tmp_path / "screens")}, (), steps, in_screen)
    finally:
        subprocess.run(["screen", "-S", session, "-X", "quit"], capture_output=True, check=False,
                       env={**os.environ, "SCREENDIR": str(tmp_path / "screens")})
    assert [base64.b64decode(g).decode() for g in got] == [FIRST_URL]
    assert out.count(b"\x1b]52;") == 1
