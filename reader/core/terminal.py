"""What the environment says about the terminal session: SSH, a display, a
multiplexer between the app and the terminal, and whether colour is wanted.

Pure functions of an environment mapping (and a platform name), so the app,
the CLI and the tests ask the same questions of ``os.environ`` or of a dict.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping
from enum import Enum


class Multiplexer(Enum):
    """What sits between the app and the real terminal (and eats unknown escapes)."""

    NONE = "none"
    TMUX = "tmux"
    SCREEN = "screen"


def in_ssh(environ: Mapping[str, str]) -> bool:
    """True in an SSH session: sshd sets SSH_CONNECTION (and SSH_TTY with a terminal)."""
    return bool(environ.get("SSH_CONNECTION") or environ.get("SSH_TTY"))


def has_display(environ: Mapping[str, str], platform: str = sys.platform) -> bool:
    """Whether a graphical browser could show a page on this machine.

    macOS and Windows always have one; elsewhere (Linux, the BSDs) it takes an
    X11 or Wayland display.
    """
    if platform == "darwin" or platform.startswith(("win", "cygwin")):
        return True
    return bool(environ.get("DISPLAY") or environ.get("WAYLAND_DISPLAY"))


def multiplexer(environ: Mapping[str, str]) -> Multiplexer:
    """tmux (TMUX is set inside it) or GNU screen (STY); tmux wins if both are set,
    as it is then the innermost one (screen does not set TMUX)."""
    if environ.get("TMUX"):
        return Multiplexer.TMUX
    if environ.get("STY"):
        return Multiplexer.SCREEN
    return Multiplexer.NONE


def no_color(environ: Mapping[str, str]) -> bool:
    """NO_COLOR set to any value, even an empty one (the issue's rule; no-color.org
    ignores an empty value, but someone who typed ``NO_COLOR=`` asked for it)."""
    return "NO_COLOR" in environ
