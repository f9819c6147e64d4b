"""Logging for the app: to a file in the cache directory, never to the terminal.

Textual owns the terminal while the app runs; a log line on stderr would tear
the screen. Errors and failed previews are logged to ``reader.log``.
"""

from __future__ import annotations

import logging
from logging.handlers import RotatingFileHandler
from pathlib import Path


def setup_app_logging(cache_dir: Path) -> Path | None:
    logger = logging.getLogger("reader")
    logger.setLevel(logging.INFO)
    logger.propagate = False
    for handler in list(logger.handlers):
        logger.removeHandler(handler)
    path = cache_dir / "reader.log"
    try:
        cache_dir.mkdir(parents=True, exist_ok=True)
        handler: logging.Handler = RotatingFileHandler(path, maxBytes=1 << 20, backupCount=2,
                                                       encoding="utf-8")
    except OSError:
        logger.addHandler(logging.NullHandler())
        return None
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    logger.addHandler(handler)
    return path
