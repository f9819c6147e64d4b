"""The real app under a pseudo-terminal, fed a corpus of hostile strings.

``tests/data/hostile/`` holds items whose titles, excerpts, provider names,
topics and related items carry terminal-control payloads (CSI, OSC 0/8/52, C1
controls, bidi overrides) and Textual markup. Every payload sits between two
unique markers (``P01a<payload>P01b``), so the assertions are precise even
though Textual itself writes plenty of legitimate escape sequences:

* the raw payload never appears next to its markers in what the app writes,
  and sequences Textual never emits for this app (OSC 0/1/2 title, OSC 52
  clipboard, DSR ``ESC[6n``, ``ESC[2J``, C1 controls, bidi controls, an OSC 8
  link to anything but the corpus's clean URLs) never appear at all;
* the markers with the sanitiser's visible placeholders between them *do*
  appear on the screen (a small terminal emulator replays the output), which
  proves the hostile text was really drawn;
* markup in titles and topics is shown literally, in the panes and in the
  command palette's search results, and clicking it does not run the action.
"""

from __future__ import annotations

import codecs
import contextlib
import os
import re
import select
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(
    os.name != "posix" or not hasattr(os, "openpty"), reason="needs a POSIX pseudo-terminal"
)

REPO = Path(__file__).resolve().parents[1]
CORPUS = Path(__file__).resolve().parent / "data" / "hostile"
COLS, ROWS = 100, 30

ESC_PIC, BEL_PIC, BAD = "\u241b", "\u2407", "\ufffd"

# marker id -> (raw payload as the YAML decodes it, what the sanitiser shows instead)
PAYLOADS: dict[str, tuple[str, str]] = {
    # 01_escapes.md: title, excerpt, provider name, topics
    "P01": ("\x1b[31m", ESC_PIC + "[31m"),                           # CSI colour
    "P02": ("\x1b[6n", ESC_PIC + "[6n"),                              # CSI device status report
    "P04": ("\x1b]0;pwned\x07", ESC_PIC + "]0;pwned" + BEL_PIC),       # OSC 0 set title
    "P06": ("\x1b]52;c;ZXZpbA==\x07", ESC_PIC + "]52;c;ZXZpbA==" + BEL_PIC),  # OSC 52 clipboard
    "P05": ("\x1b]8;;http://evil.example/\x1b\\",                     # OSC 8 hyperlink
            ESC_PIC + "]8;;http://evil.example/" + ESC_PIC + "\\"),
    "P07": ("\x9b31m", BAD + "31m"),                                  # C1 CSI (U+009B)
    "P10": ("\u2066", BAD),                                           # bidi LRI
    # 02_markup.md: title, excerpt, provider name (its only URL carries an escape)
    "P09": ("\u202e", BAD),                                           # bidi RLO
    "P03": ("\x1b[2J", ESC_PIC + "[2J"),                              # CSI erase display
    "P11": ("\x9d0;pwned\x07", BAD + "0;pwned" + BEL_PIC),             # C1 OSC (U+009D)
    "P08": ("\x9d0;pwned\x07", BAD + "0;pwned" + BEL_PIC),
    # 03_related.md: the related item (outside the corpus, its URL carries an escape)
    "R1": ("\x1b[6n", ESC_PIC + "[6n"),
    "R2": ("\u202e", BAD),
    "R4": ("\x1b]52;c;ZXZpbA==\x07", ESC_PIC + "]52;c;ZXZpbA==" + BEL_PIC),
    "R5": ("\x1b[2J", ESC_PIC + "[2J"),
    "R6": ("\x9b6n", BAD + "6n"),
}

# Markup that must be shown as written, never parsed.
LITERAL_MARKUP = (
    "M1a[@click=app.quit]x[/]M1b",  # item title
    "[bold red]M2a",                # item title
    "[bold red]M3a",                # topic
    "[@click=app.quit]R3a",         # related item title
    "[@click=app.quit]M4a[/]",      # topic (sidebar, palette, status line)
)

# The only hyperlinks the app may emit: the corpus's clean URLs.
CLEAN_URLS = {
    "https://news.example.com/escapes",
    "https://news.example.com/third",
    "https://news.example.com/fourth",
}

# URLs of other schemes: shown as text, never a hyperlink (``leaks`` checks that).
NOT_WEB_URLS = ("file:///etc/passwd", "javascript:alert(document.cookie)")

# Sequences neither Textual nor this app ever writes for this session; any
# occurrence at all is an injection.
NEVER = {
    "OSC 0/1/2 (window title)": re.compile(rb"\x1b\][012];"),
    "OSC 52 (clipboard)": re.compile(rb"\x1b\]52;"),
    "CSI 6n (device status report)": re.compile(re.escape(b"\x1b[6n")),
    "CSI 2J (erase display)": re.compile(re.escape(b"\x1b[2J")),
    "C1 control as UTF-8": re.compile(rb"\xc2[\x80-\x9f]"),
    "bidi embedding/override/isolate": re.compile(
        rb"\xe2\x80[\xaa-\xae]|\xe2\x81[\xa6-\xa9]"
    ),
}
_OSC8 = re.compile(rb"\x1b\]8;[^;\x07\x1b]*;([^\x07\x1b]*)(?:\x07|\x1b\\)")


def leaks(out: bytes) -> list[str]:
    """Every way a hostile payload shows up raw in ``out`` (the app's output)."""
    found: list[str] = []
    for marker, (raw, _shown) in PAYLOADS.items():
        payload = raw.encode()
        for leak in (f"{marker}a".encode() + payload, payload + f"{marker}b".encode()):
            if leak in out:
                found.append(f"raw payload {marker}: {leak!r}")
    for name, pattern in NEVER.items():
        for m in pattern.finditer(out):
            found.append(f"{name}: {out[max(0, m.start() - 40):m.end() + 40]!r}")
            break
    links = {m.group(1).decode("utf-8", "replace") for m in _OSC8.finditer(out)} - {""}
    if links - CLEAN_URLS:
        found.append(f"unexpected hyperlinks: {sorted(links - CLEAN_URLS)}")
    return found


# -- the corpus -------------------------------------------------------------
def _strings(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for k, v in value.items() for s in _strings(k) + _strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return []


def _front_matter(path: Path) -> dict:
    import yaml

    text = path.read_text(encoding="utf-8")
    assert text.startswith("---\n")
    source = text[4:].split("\n---\n", 1)[0]
    return yaml.load(source, Loader=yaml.CBaseLoader)


def test_corpus_decodes_to_the_hostile_characters():
    """The YAML escapes really produce ESC, BEL, C1 and bidi characters."""
    import yaml

    if not hasattr(yaml, "CBaseLoader"):
        pytest.skip("libyaml is not available")
    strings = [s for f in sorted(CORPUS.glob("*.md")) for s in _strings(_front_matter(f))]
    for marker, (raw, _shown) in PAYLOADS.items():
        wrapped = f"{marker}a{raw}{marker}b"
        assert any(wrapped in s for s in strings), f"{wrapped!r} is not in the corpus"
    for literal in LITERAL_MARKUP:
        assert any(literal in s for s in strings), literal
    markup = _front_matter(CORPUS / "02_markup.md")
    assert "\x1b]8;;http://evil.example/\x1b\\" in markup["webUrl"]
    related = _front_matter(CORPUS / "03_related.md")["related"][0]
    assert "\x1b[31m" in related["webUrl"]


def test_normaliser_refuses_urls_with_escapes():
    from reader.core.store import load_item

    escapes = load_item(CORPUS, "01_escapes.md")
    assert escapes.web_url == "https://news.example.com/escapes"
    markup = load_item(CORPUS, "02_markup.md")
    assert markup.title.startswith("M1a[@click=app.quit]x[/]M1b")
    assert markup.web_url is None and markup.url_candidates == ()
    related = load_item(CORPUS, "03_related.md").related
    assert len(related) == 1 and related[0].urls == ()
    assert related[0].title.startswith("R1a" + ESC_PIC + "[6nR1b")


# -- a minimal terminal: enough of VT100 to replay Textual's output ---------
_TOKEN = re.compile(
    rb"(?P<csi>\x1b\[[0-?]*[ -/]*[@-~])"
    rb"|(?P<osc>\x1b\][^\x07\x1b]*(?:\x07|\x1b\\))"
    rb"|(?P<esc>\x1b[ -/]*[0-~])"
    rb"|(?P<ctl>[\r\n\x08])"
    rb"|(?P<text>[^\x1b\r\n\x08]+)"
)


class Terminal:
    """A screen grid fed with the app's output; remembers every line ever shown."""

    def __init__(self, cols: int, rows: int) -> None:
        from rich.cells import cell_len

        self._cell_len = cell_len
        self.cols, self.rows = cols, rows
        self.grid = [[" "] * cols for _ in range(rows)]
        self.x = self.y = 0
        self.raw = bytearray()
        self.seen: set[str] = set()
        self._pending = b""
        self._utf8 = codecs.getincrementaldecoder("utf-8")("replace")

    def feed(self, data: bytes) -> None:
        self.raw += data
        data = self._pending + data
        pos, end = 0, len(data)
        while pos < end:
            m = _TOKEN.match(data, pos)
            if m is None:  # an escape sequence cut by the read: wait for the rest
                if end - pos < 4096:
                    break
                pos += 1
                continue
            pos = m.end()
            kind, tok = m.lastgroup, m.group()
            if kind == "csi" and tok.endswith(b"H") and not tok.startswith(b"\x1b[?"):
                args = tok[2:-1].split(b";")
                self.y = int(args[0] or 1) - 1
                self.x = int(args[1] or 1) - 1 if len(args) > 1 else 0
            elif kind == "csi" and re.fullmatch(rb"\x1b\[[0-9]*C", tok):
                self.x = min(self.x + int(tok[2:-1] or 1), self.cols - 1)  # cursor forward
            elif kind == "ctl":
                if tok == b"\r":
                    self.x = 0
                elif tok == b"\n":
                    self.y = min(self.y + 1, self.rows - 1)
                else:
                    self.x = max(0, self.x - 1)
            elif kind == "text":
                self._put(self._utf8.decode(tok))
        self._pending = data[pos:]
        self.seen.update(self.lines())

    def _put(self, text: str) -> None:
        for ch in text:
            width = self._cell_len(ch)
            if width == 0:
                continue
            if 0 <= self.y < self.rows and 0 <= self.x < self.cols:
                self.grid[self.y][self.x] = ch
                if width == 2 and self.x + 1 < self.cols:
                    self.grid[self.y][self.x + 1] = ""
            self.x += width

    def lines(self) -> list[str]:
        return ["".join(row) for row in self.grid]

    def text(self) -> str:
        return "\n".join(self.lines())

    def find_all(self, needle: str) -> list[tuple[int, int]]:
        """Every (column, row) of ``needle`` on the current screen, 0-based cells."""
        hits = []
        for y, line in enumerate(self.lines()):
            start = 0
            while (i := line.find(needle, start)) != -1:
                hits.append((self._cell_len(line[:i]), y))
                start = i + 1
        return hits

    def find(self, needle: str) -> tuple[int, int] | None:
        hits = self.find_all(needle)
        return hits[0] if hits else None

    def ever_shown(self, needle: str) -> bool:
        return any(needle in line for line in self.seen)


# -- driving the app ----------------------------------------------------------
class Session:
    """The app on a pty; every wait has a deadline and the whole run has one too."""

    def __init__(self, root: Path, home: Path, total_timeout: float = 60.0) -> None:
        import fcntl
        import struct
        import termios

        self.master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", ROWS, COLS, 0, 0))
        config = home / "config.toml"
        config.write_text("[preview]\nenabled = false\n", encoding="utf-8")
        env = {k: v for k, v in os.environ.items()
               if k != "NO_COLOR" and not k.startswith("TEXTUAL")}
        env.update(
            TERM="xterm-256color", COLUMNS=str(COLS), LINES=str(ROWS),
            READER_CACHE_DIR=str(home / "cache"), READER_CONFIG=str(config),
            XDG_CACHE_HOME=str(home / "xdg-cache"), XDG_CONFIG_HOME=str(home / "xdg-config"),
            PYTHONPATH=str(REPO) + os.pathsep + env.get("PYTHONPATH", ""),
        )
        self.home = home
        self.deadline = time.monotonic() + total_timeout
        self.term = Terminal(COLS, ROWS)
        try:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "reader", str(root)],
                stdin=slave, stdout=slave, stderr=slave, env=env, cwd=str(REPO),
                start_new_session=True, close_fds=True,
            )
        finally:
            os.close(slave)
        self.eof = False

    def pump(self, seconds: float) -> None:
        """Read whatever arrives for ``seconds`` (or until the pty closes)."""
        until = min(time.monotonic() + seconds, self.deadline)
        while not self.eof and (left := until - time.monotonic()) > 0:
            ready, _, _ = select.select([self.master], [], [], min(left, 0.1))
            if ready:
                self._read()

    def _read(self) -> None:
        try:
            data = os.read(self.master, 65536)
        except OSError:  # EIO: the child closed the pty
            data = b""
        if data:
            self.term.feed(data)
        else:
            self.eof = True

    def wait_for(self, what: str, predicate: Callable[[Terminal], bool],
                 timeout: float = 10.0) -> None:
        until = min(time.monotonic() + timeout, self.deadline)
        while not predicate(self.term):
            left = until - time.monotonic()
            if left <= 0 or self.eof:
                leaked = leaks(bytes(self.term.raw))
                raise AssertionError(f"timed out waiting for {what}; "
                                     f"leaks so far: {leaked or 'none'}; screen:\n"
                                     f"{self.term.text()}{self.log_tail()}")
            ready, _, _ = select.select([self.master], [], [], min(left, 0.1))
            if ready:
                self._read()

    def settle(self, quiet: float = 0.3, limit: float = 10.0) -> None:
        """Read until the app has written nothing for ``quiet`` seconds (or ``limit``)."""
        until = min(time.monotonic() + limit, self.deadline)
        while not self.eof and time.monotonic() < until:
            ready, _, _ = select.select([self.master], [], [], quiet)
            if not ready:
                return
            self._read()

    def send(self, data: bytes, settle: float = 0.05) -> None:
        os.write(self.master, data)
        self.pump(settle)

    def click(self, col: int, row: int) -> None:
        """Left click with SGR mouse reports (1-based coordinates)."""
        x, y = col + 1, row + 1
        self.send(f"\x1b[<0;{x};{y}M".encode(), settle=0.02)
        self.send(f"\x1b[<0;{x};{y}m".encode(), settle=0.05)

    def alive(self) -> bool:
        return self.proc.poll() is None

    def wait_exit(self, timeout: float = 10.0) -> int | None:
        until = min(time.monotonic() + timeout, self.deadline + 5)
        while time.monotonic() < until:
            self.pump(0.1)
            if self.proc.poll() is not None:
                self.pump(0.2)  # whatever is still buffered in the pty
                return self.proc.returncode
        return None

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.proc.wait(timeout=5)
        os.close(self.master)

    def log_tail(self) -> str:
        logs = sorted(self.home.rglob("*.log"))
        if not logs:
            return ""
        return "\nlog:\n" + logs[-1].read_text(encoding="utf-8", errors="replace")[-2000:]


def shown(marker: str) -> str:
    return f"{marker}a{PAYLOADS[marker][1]}{marker}b"


def on_screen(text: str) -> Callable[[Terminal], bool]:
    return lambda term: text in term.text()


def off_screen(text: str) -> Callable[[Terminal], bool]:
    return lambda term: text not in term.text()


HOME, SHIFT_TAB, TAB, ENTER, ESCAPE = b"\x1b[H", b"\x1b[Z", b"\t", b"\r", b"\x1b"
CTRL_P = b"\x10"


def type_keys(s: Session, keys: list[int]) -> None:
    """One key per write: keys that arrive in one read may be taken as one sequence."""
    for key in keys:
        s.send(bytes([key]))


@pytest.fixture
def session(tmp_path: Path):
    root = tmp_path / "content"
    shutil.copytree(CORPUS, root)
    home = tmp_path / "home"
    home.mkdir()
    s = Session(root, home)
    try:
        yield s
    finally:
        s.close()


def test_hostile_text_cannot_drive_the_terminal(session: Session):
    s = session
    # First item (newest): title, provider, topics in the sidebar, excerpt in the detail pane.
    s.wait_for("the first item's detail", on_screen(shown("P06")))
    s.wait_for("the topic sidebar", on_screen(shown("P10")))

    s.send(b"j")  # second item: markup title, C1 OSC provider and excerpt
    s.wait_for("the second item's detail", on_screen(shown("P11")))
    s.send(b"j")  # third item: a hostile related item, URLs that are no web links
    s.wait_for("the third item's detail", on_screen("Nothing special here."))
    s.send(b"z")  # the detail pane gets the whole screen: every URL in view
    for url in NOT_WEB_URLS:
        s.wait_for(f"{url} shown as text", on_screen(url))
    s.send(ESCAPE)  # back to the list
    s.wait_for("the list again", lambda t: any(
        "Plain third item" in line and "2025-03-01" in line for line in t.lines()))

    s.send(TAB)        # focus leaves the list ...
    s.send(SHIFT_TAB)  # ... and comes back
    s.send(ENTER)      # Enter on the list focuses the related items
    s.wait_for("the related list", on_screen(shown("R1")))
    s.send(HOME)       # highlight the first related item
    s.send(ENTER)      # open it: it is outside the corpus, so the detail pane shows it
    s.wait_for("the related item's detail", on_screen(shown("R4")))

    s.send(b"/")
    # Textual routes a key to the widget focused when it arrives: type only once
    # the search bar is up (see the report on lost typeahead after "/").
    s.wait_for("the search bar", on_screen("search title, excerpt"))
    for ch in b"P0":
        s.send(bytes([ch]))
    s.wait_for("the search in the status line", on_screen("search P0"))
    s.send(ESCAPE)
    s.wait_for("the search to clear", off_screen("search P0"))

    s.send(b"?")
    s.wait_for("the help screen", on_screen("Everywhere"))
    s.send(ESCAPE)
    s.wait_for("the help screen to close", off_screen("Everywhere"))

    # The command palette's topic hits: literal, and a click jumps to the topic.
    s.send(CTRL_P)
    s.wait_for("the command palette", on_screen("Search for commands"))
    type_keys(s, list(b"topic"))  # every topic, "[/]" too (it once hid every hit)
    s.wait_for("the unbalanced-markup topic hit", on_screen("Topic: [/]"))
    s.send(ESCAPE)
    s.wait_for("the palette to close", off_screen("Topic: [/]"))
    s.send(CTRL_P)
    s.wait_for("the command palette again", on_screen("Search for commands"))
    type_keys(s, list(b"M4"))
    hit = "Topic: [@click=app.quit]M4a[/]"
    s.wait_for("the markup topic hit", lambda t: len(t.find_all(hit)) == 1)
    s.settle()  # the hit list may still be redrawing as the search finishes
    s.wait_for("the markup topic hit", lambda t: len(t.find_all(hit)) == 1)
    col, row = s.term.find(hit)
    s.click(col + len("Topic: ") + 1, row)  # where the "M4a" link would be if parsed
    s.wait_for("the topic filter", on_screen("topic [@click=app.quit]M4a[/]"))
    assert s.alive(), "clicking the palette hit quit the app: its markup was parsed"
    s.send(ESCAPE)
    s.wait_for("the topic filter to clear", off_screen("topic [@click=app.quit]M4a[/]"))

    # Click the markup: first the list row (selects the item), then its title in
    # the detail pane (below the list), both where the literal "[" is and where
    # the "x" would be if the markup had been parsed (it would quit the app).
    s.wait_for("the markup row", on_screen("M1a[@click=app.quit]x"))
    col, row = s.term.find("M1a[@click=app.quit]x")
    s.click(col + len("M1a"), row)
    s.wait_for("the second item's title in the detail pane",
               lambda t: len(t.find_all("M1a")) >= 2 and t.find_all("M1a")[-1][1] > row)
    col, row = s.term.find_all("M1a")[-1]
    for dx in (len("M1a"), len("M1a[@click=app.quit]"), len("M1a[@click=app.quit]x[/]")):
        s.click(col + dx, row)
    s.pump(0.5)
    assert s.alive(), "clicking the title quit the app: its markup was parsed"
    detail_title = "M1a[@click=app.quit]x[/]M1b [bold red]M2a P09a" + BAD + "P09b"
    assert s.term.find(detail_title) == (col, row), s.term.text()

    s.send(b"q")
    code = s.wait_exit()
    assert code == 0, f"the app did not quit cleanly on q (returncode {code}){s.log_tail()}"
    out = bytes(s.term.raw)
    assert b"\x1b[?1049l" in out, "the app did not leave the alternate screen"

    # -- nothing hostile reached the terminal raw --------------------------
    found = leaks(out)
    assert not found, found
    assert b"\x1b]8;;http://evil" not in out

    # -- ... but every hostile string was drawn, with visible placeholders ---
    missing = [shown(m) for m in PAYLOADS if not s.term.ever_shown(shown(m))]
    assert not missing, f"never shown on screen: {missing}"
    for literal in LITERAL_MARKUP:
        assert s.term.ever_shown(literal), f"markup not shown literally: {literal!r}"
    assert b"[@click=app.quit]" in out
    for marker in PAYLOADS:
        assert f"{marker}a".encode() in out
