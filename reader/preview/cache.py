"""The preview cache: a small in-memory LRU in front of one JSON file per URL on disk.

* Keys are URLs within a *scope*: the fetch policy the page was fetched under. A page
  fetched with private hosts allowed (``scope="private-hosts"``) is never served to a
  caller without that permission (the default scope ``""``), and the other way round.
  A file is named by the SHA-256 of its scope and URL and records both, so a file that
  does not match its name is treated as corrupt.
* Files are written atomically (temporary file in the same directory, fsync,
  ``os.replace``), are private to the user (0600 in a 0700 directory) and are never
  read through a symlink planted at their path (``reader.core.private_files``).
* Entries older than ``ttl`` seconds are *stale*: ``get`` skips them unless the caller
  passes ``allow_stale=True`` (the service does that when a refetch fails for network
  reasons, so previews stay readable offline). Stale files are kept until the size cap
  evicts them (oldest modification time first) or they are older than ``max_age``.
* Unreadable, corrupt or mismatching files are deleted and reported as a miss; no disk
  problem is ever raised to the caller.
* ``enabled=False`` (``--no-cache``) makes every call a no-op miss.

Payloads are JSON objects chosen by the caller (the service stores url, final_url,
title, blocks, text, fetched_at, source_url_kind, content_type, ...).
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from reader.core.private_files import TMP_PREFIX, open_private, write_private

logger = logging.getLogger("reader.preview")
if not any(isinstance(h, logging.NullHandler) for h in logger.handlers):
    logger.addHandler(logging.NullHandler())  # never logging's last-resort stderr output

FORMAT_VERSION = 1
DAY = 86400.0
_SUFFIX = ".json"
_TMP_PREFIX = TMP_PREFIX


def default_cache_dir() -> Path:
    """``$READER_CACHE_DIR/previews`` or the platform user cache dir's ``previews``."""
    try:
        from reader.core.config import cache_dir
    except ImportError:  # pragma: no cover - the core is always there
        from platformdirs import user_cache_dir

        return Path(user_cache_dir("reader")) / "previews"
    return cache_dir() / "previews"


@dataclass(frozen=True)
class CacheHit:
    payload: dict[str, Any]
    stored_at: float  # seconds since the epoch (the cache's clock)
    stale: bool


class PreviewCache:
    def __init__(
        self,
        directory: Path | str | None = None,
        *,
        enabled: bool = True,
        memory_entries: int = 64,
        ttl: float = 7 * DAY,
        max_bytes: int = 50 * 1024 * 1024,
        max_age: float = 60 * DAY,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.enabled = enabled
        self.directory = Path(directory) if directory is not None else default_cache_dir()
        self.memory_entries = max(0, memory_entries)
        self.ttl = ttl
        self.max_bytes = max_bytes
        self.max_age = max(max_age, ttl)
        self._clock = clock
        # (scope, url) -> (payload, stored_at)
        self._memory: OrderedDict[tuple[str, str], tuple[dict[str, Any], float]] = OrderedDict()
        self._lock = threading.Lock()

    # ------------------------------------------------------------------ public API

    @staticmethod
    def key(url: str, scope: str = "") -> str:
        name = f"{scope}\n{url}" if scope else url  # the default scope: the URL alone
        return hashlib.sha256(name.encode("utf-8", "surrogatepass")).hexdigest()

    def path_for(self, url: str, scope: str = "") -> Path:
        return self.directory / (self.key(url, scope) + _SUFFIX)

    def get(self, url: str, *, allow_stale: bool = False, scope: str = "") -> CacheHit | None:
        if not self.enabled:
            return None
        with self._lock:
            found = self._memory.get((scope, url))
            if found is not None:
                self._memory.move_to_end((scope, url))
        if found is None:
            found = self._read_disk(url, scope)
            if found is None:
                return None
            self._remember(url, scope, *found)
        payload, stored_at = found
        stale = self._is_stale(stored_at)
        if stale and not allow_stale:
            return None
        return CacheHit(payload=payload, stored_at=stored_at, stale=stale)

    def put(self, url: str, payload: dict[str, Any], *, scope: str = "") -> None:
        if not self.enabled:
            return
        stored_at = self._clock()
        self._remember(url, scope, payload, stored_at)
        record = {"version": FORMAT_VERSION, "url": url, "stored_at": stored_at, "payload": payload}
        if scope:
            record["scope"] = scope
        try:
            data = json.dumps(record, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        except (TypeError, ValueError) as exc:
            logger.warning("preview cache: entry for %r not serialisable: %s", url[:200], exc)
            return
        if len(data) > self.max_bytes:
            return
        try:
            write_private(self.path_for(url, scope), data)
        except OSError as exc:
            logger.info("preview cache: could not write %s: %s", self.directory, exc)
            return
        self.enforce_limits()

    def discard(self, url: str, *, scope: str = "") -> None:
        with self._lock:
            self._memory.pop((scope, url), None)
        if self.enabled:
            self._unlink(self.path_for(url, scope))

    def clear(self) -> None:
        with self._lock:
            self._memory.clear()
        if not self.enabled:
            return
        for entry in self._scan():
            self._unlink(Path(entry.path))

    def enforce_limits(self) -> None:
        """Delete leftovers, files past ``max_age``, then the oldest files until the
        directory is within ``max_bytes``."""
        if not self.enabled:
            return
        now = time.time()
        files: list[tuple[float, int, str]] = []
        for entry in self._scan(include_tmp=True):
            try:
                st = entry.stat(follow_symlinks=False)
            except OSError:
                continue
            if entry.name.startswith(_TMP_PREFIX):
                if now - st.st_mtime > 3600:  # a writer that died mid-write
                    self._unlink(Path(entry.path))
                continue
            if now - st.st_mtime > self.max_age:
                self._unlink(Path(entry.path))
                continue
            files.append((st.st_mtime, st.st_size, entry.path))
        total = sum(size for _, size, _ in files)
        if total <= self.max_bytes:
            return
        files.sort()
        for _, size, path in files:
            if total <= self.max_bytes:
                break
            self._unlink(Path(path))
            total -= size

    def disk_usage(self) -> int:
        total = 0
        for entry in self._scan():
            try:
                total += entry.stat(follow_symlinks=False).st_size
            except OSError:
                continue
        return total

    # ------------------------------------------------------------------ internals

    def _is_stale(self, stored_at: float) -> bool:
        age = self._clock() - stored_at
        return age > self.ttl or age < -DAY  # far in the future: a broken clock or file

    def _remember(self, url: str, scope: str, payload: dict[str, Any], stored_at: float) -> None:
        if self.memory_entries == 0:
            return
        with self._lock:
            self._memory[(scope, url)] = (payload, stored_at)
            self._memory.move_to_end((scope, url))
            while len(self._memory) > self.memory_entries:
                self._memory.popitem(last=False)

    def _read_disk(self, url: str, scope: str) -> tuple[dict[str, Any], float] | None:
        path = self.path_for(url, scope)
        try:
            with os.fdopen(open_private(path, os.O_RDONLY), "rb") as fh:
                data = fh.read(self.max_bytes + 1)
        except FileNotFoundError:
            return None
        except OSError as exc:
            logger.info("preview cache: could not read %s: %s", path, exc)
            return None
        try:
            if len(data) > self.max_bytes:
                raise ValueError("oversized")
            record = json.loads(data.decode("utf-8"))
            if not isinstance(record, dict) or record.get("version") != FORMAT_VERSION:
                raise ValueError("unknown format")
            if record.get("url") != url or record.get("scope", "") != scope:
                raise ValueError("key mismatch")
            payload = record.get("payload")
            stored_at = record.get("stored_at")
            if not isinstance(payload, dict) or isinstance(stored_at, bool) \
                    or not isinstance(stored_at, (int, float)):
                raise ValueError("bad entry")
        except (ValueError, UnicodeDecodeError, RecursionError) as exc:
            logger.info("preview cache: removing corrupt %s (%s)", path.name, exc)
            self._unlink(path)
            return None
        return payload, float(stored_at)

    def _scan(self, include_tmp: bool = False) -> list[os.DirEntry]:
        try:
            with os.scandir(self.directory) as it:
                return [
                    e for e in it
                    if (e.name.endswith(_SUFFIX) or (include_tmp and e.name.startswith(_TMP_PREFIX)))
                    and e.is_file(follow_symlinks=False)
                ]
        except OSError:
            return []

    @staticmethod
    def _unlink(path: Path) -> None:
        try:
            path.unlink()
        except FileNotFoundError:
            pass
        except OSError as exc:
            logger.info("preview cache: could not remove %s: %s", path, exc)
