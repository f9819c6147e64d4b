"""``reader serve [PATH...] [--host H] [--port N]``: the same app in a web browser.

textual-serve runs a web server whose page draws a terminal; each browser tab
that connects starts its own ``reader PATH...`` process (Textual's web driver) and
talks to it over a websocket. There is no authentication at all, and the app
can edit items: so the server binds to loopback unless ``--host`` says
otherwise, and then it warns.
"""

from __future__ import annotations

import argparse
import ipaddress
import shlex
import sys
from collections.abc import Sequence
from pathlib import Path

from reader.cli.common import CLIError, add_root, command_roots

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000


def add_parsers(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "serve", help="run the reader in a web browser (textual-serve), on this machine only by default",
        description="Serve the reader over HTTP: open the printed address in a browser. Each tab runs "
        "its own reader on PATH. There is no authentication: by default only this machine (loopback) "
        "can connect.",
    )
    add_root(p)
    p.add_argument("--host", default=DEFAULT_HOST, metavar="HOST",
                   help=f"the address to listen on (default: {DEFAULT_HOST}, this machine only); "
                   "any other address lets others in, without a password")
    p.add_argument("--port", type=_port, default=DEFAULT_PORT, metavar="N",
                   help=f"the TCP port to listen on (default: {DEFAULT_PORT})")
    p.set_defaults(run=cmd_serve)


def _port(text: str) -> int:
    try:
        port = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a port number: {text!r}") from None
    if not 1 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"a port is 1 to 65535, not {port}")
    return port


def is_loopback(host: str) -> bool:
    """``localhost`` or a loopback address (127.0.0.0/8, ::1)."""
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def app_command(roots: Path | Sequence[Path]) -> str:
    """The shell command textual-serve runs for each browser tab: this Python, this reader,
    on these content roots."""
    paths = [roots] if isinstance(roots, Path) else list(roots)
    return " ".join(shlex.quote(part) for part in (sys.executable, "-m", "reader",
                                                   *(str(p.resolve()) for p in paths)))


def cmd_serve(args: argparse.Namespace) -> int:
    roots = command_roots(args)
    try:
        from textual_serve.server import Server
    except ImportError:
        raise CLIError("reader serve needs textual-serve (pip install textual-serve)") from None
    if not is_loopback(args.host):
        print(f"reader: warning: serving on {args.host}:{args.port} with no authentication: anyone who "
              "can reach this address can read and edit these items.", file=sys.stderr)
    server = Server(app_command(roots.paths), host=args.host, port=args.port, title="reader")
    server.serve()
    return 0
