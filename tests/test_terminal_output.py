"""The compacted output draws the same screen as Textual's own, in fewer bytes.

A small terminal (below) replays both: cells with their text, style and
link, the cursor with its pending wrap, line feeds that scroll at the bottom
(the new line in the current background), erase in line. Its style model is
written here on its own, per SGR code, not taken from the module under test.
"""

from __future__ import annotations

import re
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rich.cells import cell_len
from textual._compositor import CompositorUpdate

from reader.core.config import Config, PreviewConfig
from reader.resources import sample_content_dir
from reader.ui.app import create_app
from reader.ui.terminal_output import Compactor, Screen, compact
from tests.conftest import wait_loaded, wait_until

FLAGS = {1: "bold", 2: "dim", 3: "italic", 4: "underline", 5: "blink", 6: "rapid", 7: "reverse",
         8: "conceal", 9: "strike", 21: "underline2", 51: "frame", 52: "encircle", 53: "overline"}
CLEARS = {22: ("bold", "dim"), 23: ("italic",), 24: ("underline", "underline2"), 25: ("blink", "rapid"),
          27: ("reverse",), 28: ("conceal",), 29: ("strike",), 54: ("frame", "encircle"), 55: ("overline",)}
PLAIN: dict[str, object] = {name: False for name in FLAGS.values()} | {"fg": None, "bg": None, "ul": None}
SEQUENCE = re.compile(r"\x1b\[([0-?]*)[ -/]*([@-~])|\x1b\]([^\x07\x1b]*)(?:\x07|\x1b\\)|\x1b.?|[\x00-\x1f]")


class Terminal:
    def __init__(self, width: int, height: int) -> None:
        self.width, self.height = width, height
        self.pen = dict(PLAIN)
        self.link = ""
        self.row = self.col = 0
        self.wrap = False
        self.cells = [[("?", "junk", "") for _ in range(width)] for _ in range(height)]

    def blank(self) -> tuple[str, str, str]:
        return " ", repr(dict(PLAIN, bg=self.pen["bg"])), ""

    def line_feed(self) -> None:
        self.wrap = False
        if self.row == self.height - 1:
            self.cells = self.cells[1:] + [[self.blank() for _ in range(self.width)]]
        else:
            self.row += 1

    def sgr(self, params: str) -> None:
        codes = [int(c) if c else 0 for c in params.split(";")]
        i = 0
        while i < len(codes):
            code = codes[i]
            if code == 0:
                self.pen = dict(PLAIN)
            elif code in FLAGS:
                self.pen[FLAGS[code]] = True
            elif code in CLEARS:
                for name in CLEARS[code]:
                    self.pen[name] = False
            elif code in (38, 48, 58):
                size = 3 if codes[i + 1] == 5 else 5
                self.pen[{38: "fg", 48: "bg", 58: "ul"}[code]] = tuple(codes[i + 1:i + size])
                i += size - 1
            elif 30 <= code <= 37 or 90 <= code <= 97:
                self.pen["fg"] = code
            elif 40 <= code <= 47 or 100 <= code <= 107:
                self.pen["bg"] = code
            elif code == 39:
                self.pen["fg"] = None
            elif code == 49:
                self.pen["bg"] = None
            i += 1

    def put(self, char: str) -> None:
        width = cell_len(char)
        if width == 0:
            text, pen, link = self.cells[self.row][max(0, self.col - (0 if self.wrap else 1))]
            self.cells[self.row][max(0, self.col - (0 if self.wrap else 1))] = (text + char, pen, link)
            return
        if self.wrap or self.col + width > self.width:
            self.col = 0
            self.line_feed()
        self.cells[self.row][self.col] = (char, repr(self.pen), self.link)
        if width == 2:
            self.cells[self.row][self.col + 1] = ("", repr(self.pen), self.link)
        if self.col + width >= self.width:
            self.col, self.wrap = self.width - 1, True
        else:
            self.col += width

    def feed(self, data: str) -> None:
        pos = 0
        for m in SEQUENCE.finditer(data):
            for char in data[pos:m.start()]:
                self.put(char)
            pos = m.end()
            token = m.group(0)
            params, final = m.group(1) or "", m.group(2)
            if final == "m" and not params.startswith("?"):
                self.sgr(params)
            elif final == "H":
                row, _, col = params.partition(";")
                self.row = min(int(row or 1), self.height) - 1
                self.col = min(int(col or 1), self.width) - 1
                self.wrap = False
            elif final == "C":
                self.col = min(self.col + int(params or 1), self.width - 1)
                self.wrap = False
            elif final == "K":
                for x in range(self.col, self.width):
                    self.cells[self.row][x] = self.blank()
            elif m.group(3) is not None and m.group(3).startswith("8;"):
                self.link = m.group(3).split(";", 2)[2]
            elif token == "\r":
                self.col, self.wrap = 0, False
            elif token == "\n":
                self.line_feed()
        for char in data[pos:]:
            self.put(char)

    def state(self) -> tuple:
        return self.cells, (self.row, self.col, self.wrap), self.pen, self.link


def replay(writes: list[str], width: int, height: int) -> tuple[Terminal, Terminal, int, int]:
    """Textual's writes and their compacted form, each on its own terminal."""
    raw, short = Terminal(width, height), Terminal(width, height)
    raw_bytes = short_bytes = 0
    shorten = Compactor()
    for data in writes:
        smaller = shorten(data, (width, height))
        raw.feed(data)
        short.feed(smaller)
        raw_bytes += len(data.encode())
        short_bytes += len(smaller.encode())
        assert short.state() == raw.state()
    return raw, short, raw_bytes, short_bytes


def recording_app():
    """The app on the sample content (no preview, no cache) and the list that
    collects each frame it writes, as the text Textual sends to the terminal."""
    app = create_app(sample_content_dir(), config=Config(preview=PreviewConfig(enabled=False)),
                     use_cache=False, use_index=False)
    frames: list[str] = []
    display = app._display

    def record(screen, renderable) -> None:
        display(screen, renderable)
        if isinstance(renderable, CompositorUpdate) and not app._batch_count:
            frames.append(renderable.render_segments(app.console))

    app._display = record  # type: ignore[method-assign]
    return app, frames


async def test_the_apps_frames_draw_the_same_screen_in_fewer_bytes():
    """Every frame of a session (moves, pages, the list-only layout, search,
    sort, the help screen) replayed as Textual writes it and compacted."""
    width, height = 120, 40
    app, frames = recording_app()
    async with app.run_test(size=(width, height)) as pilot:
        await wait_loaded(pilot)
        for key in ["j", "j", "pagedown", "v", "j", "j", "pagedown", "v", "s", "slash", "e", "n",
                    "escape", "escape", "space", "j", "question_mark", "escape", "z", "z", "T"]:
            await pilot.press(key)
            await pilot.pause()
    assert len(frames) > 20
    _raw, _short, raw_bytes, short_bytes = replay(frames, width, height)
    assert short_bytes < 0.8 * raw_bytes


def test_a_line_of_styled_runs():
    line = ("\x1b[3;5H\x1b[38;2;1;2;3;48;2;4;5;6mab\x1b[0m\x1b[38;2;9;9;9;48;2;4;5;6mcd\x1b[0m"
            "\x1b[3;9H\x1b[1;38;2;9;9;9;48;2;4;5;6m!\x1b[0m\n\x1b[4;1H\x1b[48;2;4;5;6m \x1b[0m")
    # The reset and the background are not sent again; a change sends only what
    # changes (even to turn bold and the foreground off); the line end goes, as the
    # next move goes down; column 1 needs no number.
    assert compact(line, (20, 6))[0] == ("\x1b[3;5H\x1b[38;2;1;2;3;48;2;4;5;6mab\x1b[38;2;9;9;9mcd\x1b[1m!"
                                    "\x1b[4H\x1b[22;39m \x1b[0m")
    replay([line], 20, 6)


def test_what_it_does_not_model_is_passed_on():
    # An underline colour (58) is not modelled: sent as it is, and the style is
    # unknown until a reset; a wide character leaves the column unknown.
    data = ("\x1b[1;1H\x1b[4;58;5;3mx\x1b[0m\x1b[1;2H世\x1b[1;4Hy\x1b[2K\x1b]8;;https://e.example/\x1b\\"
            "\x1b[31ml\x1b[0m\x1b]8;;\x1b\\")
    out, _style = compact(data, (10, 3))
    assert "\x1b[4;58;5;3m" in out and "\x1b[1;4H" in out and "\x1b[2K" in out
    replay([data], 10, 3)


def test_a_line_feed_at_the_bottom_keeps_its_background():
    # Textual never does this; the output stays exact when something does.
    data = "\x1b[3;1H\x1b[48;5;4mab\x1b[0m\r\n\x1b[41mc\x1b[0m"
    replay([data], 5, 3)


_codes = st.sampled_from(["0", "", "1", "2", "3", "4", "7", "9", "21", "22", "23", "24", "27", "29", "53",
                          "55", "51", "54", "31", "91", "39", "42", "104", "49", "38;5;200",
                          "48;5;17", "38;2;1;2;3", "48;2;250;0;9", "58;5;1"])
_tokens = st.one_of(
    st.builds(lambda r, c: f"\x1b[{r};{c}H", st.integers(1, 6), st.integers(1, 10)),  # (some off the 8x5 screen)
    st.lists(_codes, min_size=1, max_size=4).map(lambda cs: "\x1b[" + ";".join(cs) + "m"),
    st.text(alphabet="ab █é\u0301世🙂", min_size=1, max_size=6),
    st.sampled_from(["\r\n", "\r", "\n", "\n", "\x1b[K", "\x1b]8;;https://e.example/\x1b\\", "\x1b]8;;\x1b\\",
                     "\x1b[?25l", "\x1b[0m", "\x1b[2C"]),
)


@settings(max_examples=400, deadline=None)
@given(st.lists(st.lists(_tokens, max_size=30), min_size=1, max_size=3))
def test_any_output_draws_the_same_screen(writes):
    replay(["".join(w) for w in writes], 8, 5)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.lists(_tokens, max_size=30), min_size=1, max_size=3), st.data())
def test_output_written_over_what_is_on_the_screen_draws_the_same(writes, data):
    # The same writes again, some tokens changed: most cells are already there.
    first = ["".join(w) for w in writes]
    again = ["".join(data.draw(_tokens) if data.draw(st.integers(0, 5)) == 0 else t for t in w) for w in writes]
    replay(first + again + first, 8, 5)


def test_cells_already_on_the_screen_are_not_sent_again():
    shorten = Compactor()
    line = "\x1b[2;1H\x1b[31mhello world\x1b[0m\x1b[3;1H\x1b[32mabcdefghij\x1b[0m"
    assert "hello" in shorten(line, (12, 5)) + shorten("", (12, 5))
    # Nothing changes: nothing is sent but the cursor where Textual leaves it.
    assert shorten(line, (12, 5)) == "\x1b[3;11H"
    # One changed cell: a move, that cell in its style, and the cursor to the end.
    assert shorten(line.replace("abcdefghij", "abcdefgXij"), (12, 5)) == "\x1b[3;8H\x1b[32mX\x1b[2C\x1b[0m"
    # What may have changed cells the screen does not follow is drawn again.
    assert "abcd" in shorten("\x1b[2J" + line, (12, 5))
    assert "abcd" in shorten("\x1b[?1049h" + line, (12, 5))  # another screen
    assert "abcd" in shorten(line, (12, 6))  # another size
    replay([line, line, line.replace("abcdefghij", "abcdefgXij"), "\x1b[2J" + line, line], 12, 5)


def test_a_last_column_left_out_still_wraps_the_next_text():
    # Text that follows the last column wraps to the next line: that column is
    # written when it was the same, so that the terminal wraps as Textual's output does.
    line = "\x1b[1;1H\x1b[7mabcdefgh\x1b[0m"
    replay([line, line + "xy", line + "\x1b]8;;https://e.example/\x1b\\z\x1b]8;;\x1b\\"], 8, 3)
    screen = Screen((8, 3))
    compact(line, (8, 3), screen=screen)
    assert compact(line + "\x1b[2;1Hz", (8, 3), screen=screen)[0] == "\x1b[2Hz"


class Writes(Terminal):
    """A terminal that notes the cells written to it."""

    def __init__(self, width: int, height: int) -> None:
        super().__init__(width, height)
        self.written: set[tuple[int, int]] = set()

    def put(self, char: str) -> None:
        self.written.add((self.row, 0 if self.wrap else self.col))
        super().put(char)


async def test_a_cursor_move_sends_only_the_cells_that_change():
    """Textual repaints the whole detail pane for another item; lines that read
    the same (labels, blank lines, a source both share) are not sent again."""
    width, height = 120, 40
    app, frames = recording_app()
    async with app.run_test(size=(width, height)) as pilot:
        await wait_loaded(pilot)
        await pilot.pause()
        x, y, w, h = app.query_one("#detail").region
        moves = []
        for _ in range(3):
            item, start = app.current_item, len(frames)
            await pilot.press("j")
            await wait_until(pilot, lambda item=item: app.current_item is not item)
            await pilot.pause()
            moves.append((start, len(frames)))
    replay(frames, width, height)
    shorten, raw, short = Compactor(), Writes(width, height), Writes(width, height)
    done = 0
    for start, end in moves:
        for frame in frames[done:start]:
            raw.feed(frame)
            short.feed(shorten(frame, (width, height)))
        before = [list(row) for row in short.cells]
        raw.written.clear()
        short.written.clear()
        for frame in frames[start:end]:
            raw.feed(frame)
            short.feed(shorten(frame, (width, height)))
        done = end
        # The detail pane's lines that read as before, which Textual sent again.
        same_lines = {row for row in range(y, y + h) if short.cells[row][x:x + w] == before[row][x:x + w]
                      and any((row, col) in raw.written for col in range(x, x + w))}
        assert same_lines
        assert not {(row, col) for row, col in short.written if row in same_lines and col >= x}
        changed = sum(short.cells[r][c] != before[r][c] for r in range(height) for c in range(width))
        assert len(short.written) < 1.1 * changed


def test_the_app_writes_through_it_on_a_terminal():
    if sys.platform == "win32":
        pytest.skip("the Windows driver is left as it is")
    from textual.drivers.linux_driver import LinuxDriver

    driver = create_app(sample_content_dir(), use_cache=False, use_index=False).driver_class
    assert issubclass(driver, LinuxDriver) and driver.write is not LinuxDriver.write


def test_a_zero_width_mark_and_a_wide_character_do_not_pass_for_one_cell_each():
    """'aaaa' + a combining accent + a wide character: six characters in six
    cells, but not one cell each; written again over itself it must land on
    the same cells (found by the property test above)."""
    text = "aaaa\u0301\u4e16"
    replay(["\x1b[3;3H" + text + "\x1b[1;9H\x1b[3;3H" + text + "\r\n"], 8, 5)
