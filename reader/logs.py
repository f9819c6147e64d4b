"""Logging for the app: to a file in the cache directory, never to the terminal.

Textual owns the terminal while the app runs; a log line on stderr would tear
the screen. Errors and failed previews are logged to ``reader.log``, a private
file (0600, in a 0700 folder) that is never opened through a symlink planted
at its path (see ``reader.core.private_files``).
"""

from __future__ import annotations

import logging
import os
from logging.handlers import RotatingFileHandler
from pathlib import Path

from reader.core.private_files import narrow_existing, open_private, private_dir

BACKUPS = 2


class PrivateRotatingFileHandler(RotatingFileHandler):
    """``RotatingFileHandler`` whose file is opened by ``open_private`` (O_NOFOLLOW, 0600).

    Rotation renames files, which replaces a symlink at a backup's name instead
    of writing through it; the new file is opened here again.
    """

    def _open(self):
        fd = open_private(self.baseFilename, os.O_WRONLY | os.O_CREAT | os.O_APPEND)
        return os.fdopen(fd, "a", encoding=self.encoding, errors=self.errors)


def setup_app_logging(cache_dir: Path) -> Path | None:
    logger = logging.getLogger("reader")
    logger.setLevel(logging.INFO)
    logger.propagate = False
    for old in list(logger.handlers):
        logger.removeHandler(old)
        old.close()
    path = cache_dir / "reader.log"
    try:
        private_dir(cache_dir)
        for n in range(1, BACKUPS + 1):  # backups written before files were private
            narrow_existing(f"{path}.{n}")
        handler: logging.Handler = PrivateRotatingFileHandler(
            path, maxBytes=1 << 20, backupCount=BACKUPS, encoding="utf-8")
    except OSError:
        logger.addHandler(logging.NullHandler())
        return None
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    logger.addHandler(handler)
    return path
