"""Leave cleanly when the terminal goes away or the process is told to stop.

Over SSH a dropped link sends SIGHUP; a service manager or ``kill`` sends
SIGTERM. Their default is to end the process at once, which would drop the
read marks still held for their write (``reader.core.state``, up to half a
second of them) and the last view. Here both signals write the reader's state
first, then ask the app to exit as ``q`` does. Editing needs nothing: each edit
is on disk before its key returns.
"""

from __future__ import annotations

import asyncio
import signal
from collections.abc import Callable

__all__ = ["SIGNALS", "exit_on_hang_up"]

SIGNALS = (signal.SIGHUP, signal.SIGTERM)


def exit_on_hang_up(save: Callable[[], None], leave: Callable[[int], None]) -> Callable[[], None]:
    """On SIGHUP or SIGTERM: ``save()``, then ``leave(128 + signal)``; returns the undo.

    Installed on the running loop, so the handlers run between the app's
    events, never inside one.
    """
    loop = asyncio.get_running_loop()
    installed: list[signal.Signals] = []

    def hang_up(signum: signal.Signals) -> None:
        save()  # first: the terminal may already be gone
        leave(128 + signum)

    for signum in SIGNALS:
        try:
            loop.add_signal_handler(signum, hang_up, signum)
        except (NotImplementedError, RuntimeError, ValueError):
            continue  # not the main thread, or no such signals here
        installed.append(signum)

    def remove() -> None:
        for signum in installed:
            loop.remove_signal_handler(signum)
        installed.clear()

    return remove
