"""User settings from ``config.toml`` in the user's config directory.

A missing file means defaults; a bad file or value is reported as a warning
naming the file, the key and the reason (``setting_warning``), and the defaults
are used for what is bad. Numbers must be finite and within ``LIMITS``: past
those a value means nothing useful (a 10-year page TTL, a 1 GB page) and may
break the code that uses it (``inf`` seconds, ``nan`` megabytes).

A theme name is checked where the themes are known, in the UI
(``reader.ui.app``), with the same message (``setting_warning``). An unknown
setting is a warning with the nearest known name; ``[views]`` is read by the
saved views (``reader.core.views``), ``[keys]`` by ``reader.core.keymap``.
``reader config --init`` writes the commented default (``config_text``).
"""

from __future__ import annotations

import difflib
import math
import os
import tomllib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from platformdirs import user_cache_dir, user_config_dir

from reader.core.dates import DEFAULT_FORMAT, UTC_DAYS, DateStyle, check_format, zone_named
from reader.core.keymap import resolve as resolve_keys


@dataclass(frozen=True)
class PreviewConfig:
    enabled: bool = True
    allow_private_hosts: bool = False
    proxy: str | None = None
    timeout: float = 20.0
    max_bytes: int = 5 * 1024 * 1024
    prefetch: int = 0  # next N items fetched ahead; 0 = off (slow or metered links)
    cache: bool = True
    cache_ttl_days: float = 7.0
    cache_max_mb: float = 50.0
    debounce_ms: int = 350


# The largest value that still means something, per number setting (the smallest is
# 0, itself excluded for the float settings): (limit, unit for the message).
LIMITS: dict[str, tuple[float, str]] = {
    "timeout": (600.0, "seconds"),  # a preview fetch that may take 10 minutes
    "max_bytes": (256 * 1024 * 1024, "bytes"),  # 256 MiB of one web page
    "prefetch": (20, "items"),  # previews fetched ahead of the cursor
    "cache_ttl_days": (3650.0, "days"),  # ten years
    "cache_max_mb": (10_240.0, "MB"),  # 10 GB of previews on disk
    "debounce_ms": (10_000, "ms"),  # 10 s before a preview starts
}


COLUMNS = ("title", "provider", "date", "heat", "quality")  # the list's columns, in its order


@dataclass(frozen=True)
class StoriesConfig:
    """``[stories]``: stories mode at start, and the topic that marks a duplicate."""

    mode: bool = False  # start in stories mode (one row per story)
    duplicate_topic: str = "Duplicate"  # what publishing one version offers to give the others


@dataclass(frozen=True)
class Config:
    preview: PreviewConfig = field(default_factory=PreviewConfig)
    theme: str | None = None
    use_index: bool = True
    watch: bool = True  # live reload: follow changes on disk
    roots: tuple[Path, ...] = ()  # opened when `reader` is run without PATH
    keymap: Mapping[str, str] = field(default_factory=dict)  # binding id -> keys ([keys])
    date_format: str = DEFAULT_FORMAT
    time_zone: str = "UTC"
    dates: DateStyle = UTC_DAYS  # the two above, as the list, detail and CLI use them
    columns: tuple[str, ...] = COLUMNS
    stories: StoriesConfig = field(default_factory=StoriesConfig)
    warnings: tuple[str, ...] = ()
    path: Path | None = field(default=None, compare=False)  # the file the values came from

    def with_warning(self, key: str, reason: str) -> Config:
        """This config plus a warning about ``key`` (e.g. a theme the UI does not have)."""
        return replace(self, warnings=(*self.warnings, setting_warning(self.path, key, reason)))


def setting_warning(path: Path | str | None, key: str, reason: str) -> str:
    """The one-line warning about a bad setting: the file, the key, why; the default is used."""
    return f"{path if path is not None else config_path()}: {key}: {reason}; using the default"


def config_path() -> Path:
    env = os.environ.get("READER_CONFIG")
    return Path(env) if env else Path(user_config_dir("reader")) / "config.toml"


def cache_dir() -> Path:
    env = os.environ.get("READER_CACHE_DIR")
    return Path(env) if env else Path(user_cache_dir("reader"))


def _coerce(name: str, default: object, value: object) -> object:
    if isinstance(default, bool) or name in ("enabled", "allow_private_hosts", "cache"):
        if isinstance(value, bool):
            return value
        raise ValueError("expected true or false")
    if name == "proxy":
        if value in ("", None):
            return None
        if isinstance(value, str):
            return _proxy(value)
        raise ValueError("expected a string")
    limit, unit = LIMITS.get(name, (math.inf, ""))
    if isinstance(default, int) and not isinstance(value, bool) and isinstance(value, int):
        if not 0 <= value <= limit:
            raise ValueError(f"expected a whole number from 0 to {limit} ({unit})")
        return value
    if isinstance(default, float) and isinstance(value, (int, float)) and not isinstance(value, bool):
        if not math.isfinite(value) or not 0 < value <= limit:
            raise ValueError(f"expected a number above 0 and at most {limit:g} ({unit})")
        return float(value)
    raise ValueError(f"expected a {'whole number' if isinstance(default, int) else 'number'}")


_PROXY_SCHEMES = ("http", "https", "socks5", "socks5h")


def _proxy(value: str) -> str:
    """A proxy URL the fetcher can use: scheme://host[:port]."""
    url = value.strip()
    try:
        parts = urlsplit(url)
        _ = parts.port  # ValueError when it is not a number in range
    except ValueError:
        parts = None
    if parts is None or parts.scheme.lower() not in _PROXY_SCHEMES or not parts.hostname:
        raise ValueError(f"expected a proxy URL such as http://host:3128 "
                         f"({', '.join(_PROXY_SCHEMES)})")
    return url


# Every top-level setting; ``views`` belongs to the saved views (reader.core.views).
_TOP_LEVEL = ("roots", "theme", "use_index", "watch", "date_format", "time_zone", "columns",
              "preview", "stories", "keys", "views")


def _unknown(path: Path, key: str, known: Iterable[str]) -> str:
    """The warning about a setting reader does not have, with the nearest one it has."""
    name = key.rsplit(".", 1)[-1]
    near = difflib.get_close_matches(name, list(known), n=1, cutoff=0.6)
    hint = f"; did you mean {near[0]!r}?" if near else ""
    return f"{path}: {key}: unknown setting{hint}"


def load_config(path: Path | None = None) -> Config:
    path = path or config_path()
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return Config()
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        return Config(warnings=(f"{path}: ignored ({exc})",), path=path)
    warnings: list[str] = [_unknown(path, key, _TOP_LEVEL) for key in raw if key not in _TOP_LEVEL]

    def bad(key: str, reason: str) -> None:
        warnings.append(setting_warning(path, key, reason))

    values: dict[str, object] = {}
    preview_raw = raw.get("preview", {})
    if not isinstance(preview_raw, dict):
        bad("preview", "expected a table")
    else:
        defaults = PreviewConfig()
        known = [f.name for f in fields(PreviewConfig)]
        for key, value in preview_raw.items():
            if key not in known:
                warnings.append(_unknown(path, f"preview.{key}", known))
                continue
            try:
                values[key] = _coerce(key, getattr(defaults, key), value)
            except ValueError as exc:
                bad(f"preview.{key}", str(exc))
    settings: dict[str, Any] = {"stories": _stories(raw.get("stories", {}), path, warnings)}
    for key, check in _CHECKS.items():
        if key in raw:
            try:
                settings[key] = check(raw[key], path)
            except ValueError as exc:
                bad(key, str(exc))
    keys_raw = raw.get("keys", {})
    if not isinstance(keys_raw, dict):
        bad("keys", "expected a table of action = key")
    else:
        keymap, problems = resolve_keys(keys_raw)
        settings["keymap"] = keymap
        warnings.extend(setting_warning(path, p.key, p.reason) for p in problems)
    dates = (settings.get("date_format", DEFAULT_FORMAT), settings.get("time_zone", "UTC"))
    return Config(preview=PreviewConfig(**values),  # type: ignore[arg-type]
                  **settings, dates=DateStyle.of(*dates), warnings=tuple(warnings), path=path)


def _stories(raw: object, path: Path, warnings: list[str]) -> StoriesConfig:
    """``[stories]``: each bad or unknown key is a warning, and its default is kept."""
    if not isinstance(raw, dict):
        warnings.append(setting_warning(path, "stories", "expected a table"))
        return StoriesConfig()
    known = [f.name for f in fields(StoriesConfig)]
    values: dict[str, Any] = {}
    for key, value in raw.items():
        if key not in known:
            warnings.append(_unknown(path, f"stories.{key}", known))
            continue
        try:
            values[key] = _flag(value, path) if key == "mode" else _topic(value, path)
        except ValueError as exc:
            warnings.append(setting_warning(path, f"stories.{key}", str(exc)))
    return StoriesConfig(**values)


def _topic(value: object, path: Path) -> str:
    """A topic the editor can write into front matter as it is (the edits' own check)."""
    from reader.core.fmedit import EditRefused, check_topic  # only when the setting is given

    if not isinstance(value, str) or not value.strip():
        raise ValueError("expected a topic name such as \"Duplicate\"")
    try:
        return check_topic(value.strip())
    except EditRefused:
        raise ValueError("expected a topic on one line, without control characters") from None


def _flag(value: object, path: Path) -> bool:
    if not isinstance(value, bool):
        raise ValueError("expected true or false")
    return value


def _theme(value: object, path: Path) -> str | None:
    if value == "":  # the default, said explicitly
        return None
    if not isinstance(value, str):
        raise ValueError("expected the name of a theme")
    return value


def _roots(value: object, path: Path) -> tuple[Path, ...]:
    """Content directories: ``~`` expanded, relative ones from the config file's folder."""
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, list) or not all(isinstance(v, str) and v for v in items):
        raise ValueError("expected a list of content directories, such as [\"~/news\"]")
    return tuple(path.parent / Path(v).expanduser() for v in items)


def _date_format(value: object, path: Path) -> str:
    if not isinstance(value, str):
        raise ValueError("expected a strftime format such as \"%Y-%m-%d\"")
    return check_format(value)


def _time_zone(value: object, path: Path) -> str:
    if not isinstance(value, str):
        raise ValueError("expected UTC, local or a zone name such as Europe/Berlin")
    zone_named(value)
    return value


def _columns(value: object, path: Path) -> tuple[str, ...]:
    """Which of the list's columns show (the title always does), in the list's order."""
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ValueError(f"expected a list of columns from {', '.join(COLUMNS)}")
    for name in value:
        if name not in COLUMNS:
            near = difflib.get_close_matches(name, COLUMNS, n=1)
            hint = f"; did you mean {near[0]!r}?" if near else ""
            raise ValueError(f"unknown column {name!r}{hint} (one of {', '.join(COLUMNS)})")
    return tuple(c for c in COLUMNS if c in value or c == "title")


_CHECKS: dict[str, Callable[[object, Path], Any]] = {
    "roots": _roots, "theme": _theme, "use_index": _flag, "watch": _flag,
    "date_format": _date_format, "time_zone": _time_zone, "columns": _columns,
}
