"""User settings from ``config.toml`` in the user's config directory.

A missing file means defaults; a bad file or value is reported as a warning
naming the file, the key and the reason (``setting_warning``), and the defaults
are used for what is bad. Numbers must be finite and within ``LIMITS``: past
those a value means nothing useful (a 10-year page TTL, a 1 GB page) and may
break the code that uses it (``inf`` seconds, ``nan`` megabytes).

A theme name is checked where the themes are known, in the UI
(``reader.ui.app``), with the same message (``setting_warning``).
"""

from __future__ import annotations

import math
import os
import tomllib
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from urllib.parse import urlsplit

from platformdirs import user_cache_dir, user_config_dir


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


@dataclass(frozen=True)
class Config:
    preview: PreviewConfig = field(default_factory=PreviewConfig)
    theme: str | None = None
    use_index: bool = True
    watch: bool = True  # live reload: follow changes on disk
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


_TOP_LEVEL = ("preview", "theme", "use_index", "watch", "views")  # views: reader.core.views reads them


def load_config(path: Path | None = None) -> Config:
    path = path or config_path()
    warnings: list[str] = []
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return Config()
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        return Config(warnings=(f"{path}: ignored ({exc})",), path=path)
    for key in raw:
        if key not in _TOP_LEVEL:
            warnings.append(f"{path}: unknown setting {key}")
    preview_raw = raw.get("preview", {})
    values: dict[str, object] = {}
    if not isinstance(preview_raw, dict):
        warnings.append(f"{path}: preview: expected a table; using the defaults")
    else:
        defaults = PreviewConfig()
        known = {f.name for f in fields(PreviewConfig)}
        for key, value in preview_raw.items():
            if key not in known:
                warnings.append(f"{path}: unknown setting preview.{key}")
                continue
            try:
                values[key] = _coerce(key, getattr(defaults, key), value)
            except ValueError as exc:
                warnings.append(setting_warning(path, f"preview.{key}", str(exc)))
    theme = raw.get("theme")
    if theme == "":  # the default, said explicitly
        theme = None
    if theme is not None and not isinstance(theme, str):
        warnings.append(setting_warning(path, "theme", "expected the name of a theme"))
        theme = None
    use_index = raw.get("use_index", True)
    if not isinstance(use_index, bool):
        warnings.append(setting_warning(path, "use_index", "expected true or false"))
        use_index = True
    watch = raw.get("watch", True)
    if not isinstance(watch, bool):
        warnings.append(setting_warning(path, "watch", "expected true or false"))
        watch = True
    return Config(
        preview=PreviewConfig(**values),  # type: ignore[arg-type]
        theme=theme,
        use_index=use_index,
        watch=watch,
        warnings=tuple(warnings),
        path=path,
    )
