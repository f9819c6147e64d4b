"""Fewer bytes to the terminal for the same screen (reader is used over slow SSH links).

Textual writes every styled run as a full style sequence, the text, and a
reset (``ESC[38;2;224;224;224;48;2;18;18;18m`` ... ``ESC[0m``), and moves the
cursor with an absolute ``ESC[row;colH`` before each run of changed cells,
with ``\\n`` between lines. ``compact`` rewrites one write of that output so
that the terminal ends in exactly the same state, shorter:

* a style is sent only when text is about to be drawn in it, and as the
  change from the style the terminal has (``ESC[38;2;160;160;160m``), or as a
  reset plus the style when that is shorter; an unused reset is not sent;
* a cursor move is sent only before something is written there (Textual
  moves to empty runs too), not at all when the cursor is already there (the
  next run of cells starts where the last one ended), and as ``ESC[nC`` to
  the right on the same row; a line end that the next absolute move makes
  pointless is dropped (only when that move goes further down, within the
  screen, so the line feed could not have scrolled);
* given a ``Screen`` (``Compactor`` keeps one), cells the terminal already
  shows as they would be written are not sent again: Textual repaints a
  widget whole (the detail pane for each item), a run of unchanged cells
  becomes a move over it. The screen is followed only where it is sure (text
  of one-cell characters at a known place, in a known style) and forgotten
  after anything that may change cells elsewhere (a scroll, an erase, another
  screen, another size).

It never guesses: the cursor's column is followed only through text whose
every character is one cell wide and which ends within the line; a line end
that is sent goes in the style it was written in (at the bottom it scrolls,
and the new line takes the current background); any sequence it does not
model (anything but styles, absolute moves, line ends and hyperlinks) is
passed on as it is, after the pending style and line end, and forgets the
cursor's position. Each write ends in the style Textual's own output would
have left (a reset, after every frame), and the next one starts from it.

``compact_output(driver_class)`` is the Linux driver with ``write`` doing this.
"""

from __future__ import annotations

import re

from rich.cells import cell_len, get_character_cell_size

_TOKEN = re.compile(
    r"(?P<sgr>\x1b\[(?P<params>[0-9;]*)m)"
    r"|(?P<cup>\x1b\[(?P<row>[0-9]+);(?P<col>[0-9]+)H)"
    r"|(?P<nl>\r?\n)"
    r"|(?P<link>\x1b\]8;[^\x07\x1b]*(?:\x07|\x1b\\))"
    r"|(?P<other>\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)"
    r"|\x1b[P_^X][\s\S]*?\x1b\\|\x1b[\s\S]?|[\x00-\x1f\x7f])"
)

# A style: (attribute codes, foreground codes, background codes); None when unknown.
Style = tuple[frozenset[int], tuple[str, ...] | None, tuple[str, ...] | None]
DEFAULT: Style = (frozenset(), None, None)

_ATTRIBUTES = frozenset({1, 2, 3, 4, 5, 6, 7, 8, 9, 21, 51, 52, 53})
# The code that turns an attribute off, and every attribute that code turns off.
_OFF = {1: 22, 2: 22, 3: 23, 4: 24, 21: 24, 5: 25, 6: 25, 7: 27, 8: 28, 9: 29, 51: 54, 52: 54, 53: 55}
_TURNS_OFF = {22: (1, 2), 23: (3,), 24: (4, 21), 25: (5, 6), 27: (7,), 28: (8,), 29: (9,),
              54: (51, 52), 55: (53,)}


def parse_sgr(params: str, style: Style) -> Style | None:
    """``style`` after ``ESC[<params>m``; None for a code this module does not model."""
    attrs, fg, bg = set(style[0]), style[1], style[2]
    codes = params.split(";")
    i = 0
    while i < len(codes):
        code = codes[i]
        if code in ("", "0"):
            attrs, fg, bg = set(), None, None
        elif code in ("38", "48"):
            kind = codes[i + 1] if i + 1 < len(codes) else ""
            length = 3 if kind == "5" else 5 if kind == "2" else 0
            color = tuple(codes[i:i + length])
            if not length or len(color) != length or not all(c.isdigit() for c in color):
                return None
            if code == "38":
                fg = color
            else:
                bg = color
            i += length - 1
        else:
            n = int(code)
            if n in _ATTRIBUTES:
                attrs.add(n)
            elif n in _TURNS_OFF:
                attrs.difference_update(_TURNS_OFF[n])
            elif 30 <= n <= 37 or 90 <= n <= 97:
                fg = (code,)
            elif n == 39:
                fg = None
            elif 40 <= n <= 47 or 100 <= n <= 107:
                bg = (code,)
            elif n == 49:
                bg = None
            else:
                return None
        i += 1
    return frozenset(attrs), fg, bg


def _codes(style: Style) -> list[str]:
    attrs, fg, bg = style
    return [str(a) for a in sorted(attrs)] + list(fg or ()) + list(bg or ())


def transition(have: Style | None, want: Style) -> str:
    """The shortest SGR sequence taking the terminal from ``have`` to ``want``."""
    full = "\x1b[" + ";".join(["0", *_codes(want)]) + "m"
    if have is None:
        return full
    (had, had_fg, had_bg), (attrs, fg, bg) = have, want
    offs = sorted({_OFF[a] for a in had - attrs})
    switched_off = {a for off in offs for a in _TURNS_OFF[off]}
    delta = [str(off) for off in offs]
    delta += [str(a) for a in sorted(attrs - (had - switched_off))]
    if fg != had_fg:
        delta += list(fg) if fg else ["39"]
    if bg != had_bg:
        delta += list(bg) if bg else ["49"]
    short = "\x1b[" + ";".join(delta) + "m"
    return short if len(short) < len(full) else full


# A screen uses a few dozen styles: parsing and transitions are looked up, not redone.
_CACHE_LIMIT = 4096
_parsed: dict[tuple[str, Style], Style | None] = {}
_transitions: dict[tuple[Style | None, Style], str] = {}


def _parse(params: str, style: Style) -> Style | None:
    key = (params, style)
    try:
        return _parsed[key]
    except KeyError:
        if len(_parsed) >= _CACHE_LIMIT:
            _parsed.clear()
        found = _parsed[key] = parse_sgr(params, style)
        return found


def _transition(have: Style | None, want: Style) -> str:
    key = (have, want)
    try:
        return _transitions[key]
    except KeyError:
        if len(_transitions) >= _CACHE_LIMIT:
            _transitions.clear()
        found = _transitions[key] = transition(have, want)
        return found


def _one_cell_each(text: str) -> bool:
    """Every character takes one cell. (Not ``cell_len(text) == len(text)``: a
    zero-width mark and a wide character in one text add up to the same count.)"""
    if text.isascii():
        return text.isprintable()
    return all(get_character_cell_size(char) == 1 for char in text)


def _move(row: int, col: int, at: tuple[int, int] | None) -> str:
    """Cursor to 1-based (row, col) from 1-based ``at`` (None: unknown)."""
    if at is not None and at[0] == row and col > at[1]:
        forward = "\x1b[C" if col - at[1] == 1 else f"\x1b[{col - at[1]}C"
        if len(forward) < len(f"\x1b[{row};{col}H"):
            return forward
    return f"\x1b[{row}H" if col == 1 else f"\x1b[{row};{col}H"


# A cell as the terminal shows it: (character, style, hyperlink); None when not known.
Cell = tuple[str, Style, str]
# Sequences that change no cell: private modes (but the other screens and 80/132
# columns), reports, moves, titles, control characters but line feeds and ESC.
_HARMLESS = re.compile(r"\x1b\[\?[0-9;]*[hl]|\x1b\[[0-?]*\$p|\x1b\[[<>=]?[0-9;]*[uc]|\x1b\[[0-9;]*[A-HfnCDsu]"
                       r"|\x1b\](?!8;)[^\x07\x1b]*(?:\x07|\x1b\\)|[\x00-\x09\x0d-\x1a\x1c-\x1f]")
_SCREEN_MODES = frozenset({"3", "47", "1047", "1049"})
_SKIP = 5  # bytes of unchanged cells worth a cursor move over them (ESC[nC is 4 or 5)


def _changes_no_cell(sequence: str) -> bool:
    if not _HARMLESS.fullmatch(sequence):
        return False
    return not sequence.startswith("\x1b[?") or _SCREEN_MODES.isdisjoint(sequence[3:-1].split(";"))


class Screen:
    """What the terminal shows, as far as it is known for sure: the cells written
    at a known place in a known style. Unknown after anything that may change
    cells elsewhere (a scroll, an erase, text whose place or width is not sure)."""

    def __init__(self, size: tuple[int, int]) -> None:
        self.size = size
        self.link = ""  # the hyperlink the terminal puts on the cells written next
        self.rows: list[list[Cell | None]] = []
        self.forget()

    def forget(self) -> None:
        width, height = self.size
        self.rows = [[None] * width for _ in range(height)]


def compact(data: str, size: tuple[int, int], style: Style | None = DEFAULT,
            screen: Screen | None = None) -> tuple[str, Style | None]:
    """``data`` (one write of Textual's output to a terminal of ``size``, (width,
    height), whose style is ``style``) rewritten shorter, and the style it leaves:
    the same screen and the same style at the end as ``data`` (None: a style not
    modelled). With ``screen`` (what the terminal shows, kept up to date here),
    runs of cells that would be written as they already are are left out."""
    width, height = size
    if screen is not None and screen.size != size:
        screen = None
    out: list[str] = []
    emit = out.append
    have: Style | None = style  # the style the terminal has
    want: Style | None = style  # the style the original output would have by now
    # Cursors, 1-based (row, column), None when not known for sure: where the
    # original output has put it, and where the terminal has it. They differ
    # only by a move not sent yet (a move followed by no text needs none).
    cursor: tuple[int, int] | None = None
    at: tuple[int, int] | None = None
    newline = ""  # a line end ("\n", which the tty may turn into "\r\n") not sent yet ...
    newline_style: Style | None = style  # ... and the style it was written in

    def sync(style: Style | None) -> None:
        nonlocal have
        if style is not None and style != have:  # (unknown: both None, nothing to send)
            emit(_transition(have, style))
            have = style

    def place() -> None:
        nonlocal at
        if cursor is not None and at != cursor:
            if cursor[1] > width and screen is not None:
                # Past the last column, whose cell was left out as it was: only
                # writing it puts the terminal where the next text wraps.
                char, cell_style, _link = screen.rows[cursor[0] - 1][width - 1]  # type: ignore[misc]  # known
                emit(_move(cursor[0], width, at))
                sync(cell_style)
                emit(char)
            else:
                emit(_move(cursor[0], cursor[1], at))
            at = cursor

    def send_newline() -> None:
        # In the style it had: a line feed at the bottom scrolls, and the new
        # line takes the current background.
        nonlocal newline, cursor, at
        if newline:
            place()
            sync(newline_style)
            emit(newline)
            if screen is not None and (cursor is None or cursor[0] >= height):
                screen.forget()  # it may have scrolled
            newline, cursor, at = "", None, None

    def before(sequence: str) -> None:
        """Everything pending, then ``sequence`` as it is."""
        send_newline()
        place()
        sync(want)
        emit(sequence)

    def write_unsure(text: str) -> None:
        """Text written where, or as wide as, is not sure: sent as it is, and the
        cells it may have changed are no longer known."""
        start = None if newline else cursor
        before(text)
        if screen is None:
            return
        if start is not None and start[1] - 1 + cell_len(text) <= width:
            row = screen.rows[start[0] - 1]
            # (a zero-width character joins the cell before)
            row[max(0, start[1] - 2):] = [None] * (width - max(0, start[1] - 2))
        else:
            screen.forget()

    def write_cells(text: str, start: tuple[int, int]) -> tuple[int, int]:
        """One-cell characters in the style ``want`` from ``start``: only the runs
        that change cells (or are too short to move over) are sent. The cursor after."""
        nonlocal cursor, at
        assert screen is not None and want is not None
        row, first = start[0], start[1] - 1
        cells = screen.rows[row - 1]
        link = screen.link

        def unchanged_from(k: int) -> int:
            while k < n and cells[first + k] == (text[k], want, link):
                k += 1
            return k

        i, n = 0, len(text)
        while i < n:
            j = unchanged_from(i)
            if j == n:
                break
            if len(text[i:j].encode()) >= _SKIP:
                i = j
            k = j  # the run to send ends where an unchanged run worth skipping starts
            while k < n:
                m = unchanged_from(k)
                if m > k and (m == n or len(text[k:m].encode()) >= _SKIP):
                    break
                k = max(m, k + 1)
            cursor = (row, first + i + 1)
            before(text[i:k])
            cells[first + i:first + k] = [(char, want, link) for char in text[i:k]]
            cursor = at = (row, first + k + 1)
            i = k
        return (row, first + n + 1)

    pos = 0
    for match in _TOKEN.finditer(data):
        start = match.start()
        if start > pos:
            text = data[pos:start]
            if screen is not None and not newline and cursor is not None and want is not None \
                    and cursor[1] + len(text) <= width + 1 and _one_cell_each(text):
                cursor = write_cells(text, cursor)
            else:
                write_unsure(text)
                if cursor is not None:
                    column = cursor[1] + len(text)
                    # Past the last column the text wrapped: the position is not known.
                    known = _one_cell_each(text) and column <= width + 1
                    cursor = (cursor[0], column) if known else None
                at = cursor
        pos = match.end()
        kind = match.lastgroup
        if kind == "sgr":
            params = match["params"]
            parsed = _parse(params, want) if want is not None else None
            if parsed is None:
                # Not modelled (or after such a code): passed on as it is; the style
                # is known again from a sequence that starts with a reset.
                before(match[0])
                have = want = parse_sgr(params, DEFAULT) if params.split(";")[0] in ("", "0") else None
            else:
                want = parsed
        elif kind == "cup":
            row, col = int(match["row"]), int(match["col"])
            if newline and cursor is not None and cursor[0] < row <= height:
                newline = ""  # there is a row below the line feed: it could not scroll
            send_newline()
            if row <= height and col <= width:
                cursor = (row, col)
            else:  # off the screen: the terminal stops it at the edge; sent as it is
                emit(match[0])
                cursor = at = None
        elif kind == "nl":
            send_newline()
            newline, newline_style = match[0], want
        elif kind == "link":
            if cursor is not None and cursor[1] > width:
                place()  # a left-out last cell is written in the link it had
            emit(match[0])  # a link applies to the cells written next, wherever they are
            if screen is not None:
                screen.link = match[0].split(";", 2)[2].rstrip("\x07").removesuffix("\x1b\\")
        else:
            before(match[0])
            if screen is not None and not _changes_no_cell(match[0]):
                screen.forget()
            cursor = at = None
    if pos < len(data):
        write_unsure(data[pos:])
        cursor = at = None
    send_newline()
    place()
    sync(want)
    return "".join(out), want


class Compactor:
    """``compact`` for a stream of writes (the style and what the screen shows
    carry over from one to the next; a new size forgets the screen)."""

    def __init__(self) -> None:
        self.style: Style | None = DEFAULT
        self.screen: Screen | None = None

    def __call__(self, data: str, size: tuple[int, int]) -> str:
        if self.screen is None or self.screen.size != size:
            self.screen = Screen(size)
        out, self.style = compact(data, size, self.style, self.screen)
        return out


def compact_output(driver_class: type) -> type:
    """``driver_class`` writing ``compact``-ed output, if it is the Linux terminal driver."""
    import sys

    if sys.platform == "win32":
        return driver_class
    from textual.drivers.linux_driver import LinuxDriver

    if driver_class is not LinuxDriver:
        return driver_class  # another driver (TEXTUAL_DRIVER, the web): left as it is

    class CompactLinuxDriver(LinuxDriver):
        _compact: Compactor | None = None

        def write(self, data: str) -> None:
            if self._compact is None:
                self._compact = Compactor()
            size = self._app.size
            super().write(self._compact(data, (size.width, size.height)))

    return CompactLinuxDriver
