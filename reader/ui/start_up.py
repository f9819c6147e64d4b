"""What the app does to start: the first frame as the terminal's size wants it.

Textual gives the screen its breakpoint classes (``-narrow``, ``-medium``,
``-wide``) on the screen's first Resize, which arrives after the first frame:
that frame was laid out for no breakpoint (the sidebar shown at 80 columns),
then styled, laid out and sent again. ``set_breakpoints`` gives the screen
its classes before anything on it is styled (from ``compose``), so the
first frame is the right one and the Resize changes nothing.
"""

from __future__ import annotations

from collections.abc import Sequence

from textual.app import App


def breakpoint_classes(width: int, breakpoints: Sequence[tuple[int, str]]) -> dict[str, bool]:
    """Each breakpoint class and whether it applies at ``width`` (the widest that fits)."""
    classes = {name: False for _, name in breakpoints}
    for threshold, name in sorted(breakpoints, reverse=True):
        if width >= threshold:
            classes[name] = True
            break
    return classes


def set_breakpoints(app: App) -> None:
    """The screen's width classes now, without restyling (nothing on it is styled yet)."""
    breakpoints = app.HORIZONTAL_BREAKPOINTS or []
    if breakpoints:
        app.screen.update_classes(breakpoint_classes(app.size.width, breakpoints), update=False)
