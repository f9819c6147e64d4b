"""User settings from ``config.toml`` in the user's config directory.

A missing file means defaults; a bad file or value is reported as a warning
naming the file and the reason, and the defaults are used for what is bad.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field, fields
from pathlib import Path

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


@dataclass(frozen=True)
class Config:
    preview: PreviewConfig = field(default_factory=PreviewConfig)
    theme: str | None = None
    use_index: bool = True
    warnings: tuple[str, ...] = ()


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
            return value
        raise ValueError("expected a string")
    if isinstance(default, int) and not isinstance(value, bool) and isinstance(value, int):
        if value < 0:
            raise ValueError("expected 0 or more")
        return value
    if isinstance(default, float) and isinstance(value, (int, float)) and not isinstance(value, bool):
        if value <= 0:
            raise ValueError("expected a positive number")
        return float(value)
    raise ValueError(f"expected a {type(default).__name__}")


def load_config(path: Path | None = None) -> Config:
    path = path or config_path()
    warnings: list[str] = []
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return Config()
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        return Config(warnings=(f"{path}: ignored ({exc})",))
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
                warnings.append(f"{path}: preview.{key}: {exc}; using the default")
    theme = raw.get("theme")
    if theme is not None and not isinstance(theme, str):
        warnings.append(f"{path}: theme: expected a string; using the default")
        theme = None
    use_index = raw.get("use_index", True)
    if not isinstance(use_index, bool):
        warnings.append(f"{path}: use_index: expected true or false; using the default")
        use_index = True
    return Config(
        preview=PreviewConfig(**values),  # type: ignore[arg-type]
        theme=theme if isinstance(theme, str) else None,
        use_index=use_index if isinstance(use_index, bool) else True,
        warnings=tuple(warnings),
    )
