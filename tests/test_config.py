"""config.toml: missing → defaults; anything bad → a warning naming the file, and the default."""

from __future__ import annotations

from pathlib import Path

import pytest

from reader.core.config import Config, PreviewConfig, config_path, load_config


def write(tmp_path: Path, text: str | bytes) -> Path:
    path = tmp_path / "config.toml"
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def test_missing_file_gives_defaults(tmp_path: Path) -> None:
    config = load_config(tmp_path / "nope.toml")
    assert config == Config()
    assert config.warnings == ()
    assert config.preview == PreviewConfig()
    assert config.preview.enabled is True and config.preview.allow_private_hosts is False


def test_reader_config_env_names_the_file(tmp_path: Path, monkeypatch) -> None:
    path = write(tmp_path, 'theme = "nord"\n')
    monkeypatch.setenv("READER_CONFIG", str(path))
    assert config_path() == path
    assert load_config().theme == "nord"


def test_valid_values_are_applied(tmp_path: Path) -> None:
    path = write(tmp_path, """
theme = "gruvbox"
use_index = false

[preview]
enabled = false
allow_private_hosts = true
proxy = "http://127.0.0.1:3128"
timeout = 5
max_bytes = 1000
prefetch = 2
cache = false
cache_ttl_days = 1.5
cache_max_mb = 10
debounce_ms = 0
""")
    config = load_config(path)
    assert config.warnings == ()
    assert config.theme == "gruvbox" and config.use_index is False
    p = config.preview
    assert (p.enabled, p.allow_private_hosts, p.proxy, p.cache) == (
        False, True, "http://127.0.0.1:3128", False)
    assert p.timeout == 5.0 and isinstance(p.timeout, float)
    assert (p.max_bytes, p.prefetch, p.debounce_ms) == (1000, 2, 0)
    assert (p.cache_ttl_days, p.cache_max_mb) == (1.5, 10.0)


def test_empty_proxy_is_none(tmp_path: Path) -> None:
    assert load_config(write(tmp_path, '[preview]\nproxy = ""\n')).preview.proxy is None


@pytest.mark.parametrize(
    "text",
    ["[preview\n", "theme = \n", "theme = 'a'\ntheme = 'b'\n", "= 1\n"],
)
def test_bad_toml_is_a_warning_naming_the_file(tmp_path: Path, text: str) -> None:
    path = write(tmp_path, text)
    config = load_config(path)
    assert len(config.warnings) == 1
    assert str(path) in config.warnings[0]
    assert "\n" not in config.warnings[0]
    assert config.preview == PreviewConfig() and config.theme is None


def test_not_utf8_is_a_warning(tmp_path: Path) -> None:
    path = write(tmp_path, b"theme = '\xff'\n")
    config = load_config(path)
    assert len(config.warnings) == 1 and str(path) in config.warnings[0]


def test_directory_instead_of_file_is_a_warning(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.mkdir()
    config = load_config(path)
    assert len(config.warnings) == 1 and str(path) in config.warnings[0]


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("enabled", '"yes"'), ("enabled", "1"), ("allow_private_hosts", '"true"'),
        ("cache", "0"), ("proxy", "8080"), ("timeout", '"20"'), ("timeout", "0"),
        ("timeout", "-1.5"), ("timeout", "true"), ("max_bytes", "-1"), ("max_bytes", '"5MB"'),
        ("max_bytes", "1.5"), ("prefetch", "-2"), ("prefetch", "true"),
        ("cache_ttl_days", "[]"), ("cache_max_mb", "{}"), ("debounce_ms", '"fast"'),
    ],
)
def test_wrong_preview_type_is_a_warning_and_the_default(tmp_path: Path, key: str, value: str) -> None:
    path = write(tmp_path, f"[preview]\n{key} = {value}\ntimeout = 3\n" if key != "timeout"
                 else f"[preview]\n{key} = {value}\nprefetch = 1\n")
    config = load_config(path)
    assert getattr(config.preview, key) == getattr(PreviewConfig(), key)
    assert len(config.warnings) == 1, config.warnings
    assert str(path) in config.warnings[0] and f"preview.{key}" in config.warnings[0]
    # the good value next to the bad one still applies
    if key == "timeout":
        assert config.preview.prefetch == 1
    else:
        assert config.preview.timeout == 3.0


def test_unknown_preview_setting_is_a_warning(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, "[preview]\ntimout = 3\n"))
    assert len(config.warnings) == 1 and "preview.timout" in config.warnings[0]
    assert config.preview == PreviewConfig()


@pytest.mark.parametrize(
    ("text", "name"),
    [("theme = 5\n", "theme"), ('use_index = "no"\n', "use_index"), ("preview = 3\n", "preview")],
)
def test_wrong_top_level_type_is_a_warning_and_the_default(tmp_path: Path, text: str, name: str) -> None:
    path = write(tmp_path, text)
    config = load_config(path)
    assert config.theme is None and config.use_index is True
    assert config.preview == PreviewConfig()
    assert len(config.warnings) == 1, f"no warning for a wrong {name}"
    assert str(path) in config.warnings[0] and name in config.warnings[0]


# -- numbers that are not finite, or too large to mean anything -----------------------------

@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("timeout", "1e400"), ("timeout", "inf"), ("timeout", "+inf"), ("timeout", "-inf"),
        ("timeout", "nan"), ("timeout", "-0.5"), ("timeout", "601"), ("timeout", "1e300"),
        ("cache_ttl_days", "nan"), ("cache_ttl_days", "inf"), ("cache_ttl_days", "3651"),
        ("cache_max_mb", "inf"), ("cache_max_mb", "nan"), ("cache_max_mb", "1e12"),
        ("cache_max_mb", "-1"), ("max_bytes", "1_000_000_000_000"),
        ("max_bytes", "268435457"), ("prefetch", "1000000"), ("prefetch", "21"),
        ("debounce_ms", "86400000"), ("debounce_ms", "-5"),
    ],
)
def test_absurd_numbers_are_a_warning_and_the_default(tmp_path: Path, key: str, value: str) -> None:
    from reader.preview.setup import make_service

    path = write(tmp_path, f"[preview]\n{key} = {value}\n")
    config = load_config(path)
    assert getattr(config.preview, key) == getattr(PreviewConfig(), key)
    assert len(config.warnings) == 1, config.warnings
    warning = config.warnings[0]
    assert warning.startswith(f"{path}: preview.{key}: ") and warning.endswith("using the default")
    make_service(config.preview)  # what the app and ``reader preview`` build from it


@pytest.mark.parametrize(
    ("key", "value", "expected"),
    [("timeout", "600", 600.0), ("timeout", "0.001", 0.001), ("cache_ttl_days", "3650", 3650.0),
     ("cache_max_mb", "10240", 10240.0), ("max_bytes", str(256 * 1024 * 1024), 256 * 1024 * 1024),
     ("prefetch", "20", 20), ("debounce_ms", "10000", 10000), ("max_bytes", "0", 0)],
)
def test_numbers_up_to_the_limits_are_kept(tmp_path: Path, key: str, value: str, expected) -> None:
    config = load_config(write(tmp_path, f"[preview]\n{key} = {value}\n"))
    assert config.warnings == () and getattr(config.preview, key) == expected


@pytest.mark.parametrize("proxy", ["not a url", "ftp://proxy.example:21", "http://", "http://h:99999",
                                   "proxy.example:3128"])
def test_unusable_proxy_is_a_warning(tmp_path: Path, proxy: str) -> None:
    path = write(tmp_path, f'[preview]\nproxy = "{proxy}"\n')
    config = load_config(path)
    assert config.preview.proxy is None
    assert len(config.warnings) == 1 and config.warnings[0].startswith(f"{path}: preview.proxy: ")


@pytest.mark.parametrize("proxy", ["http://127.0.0.1:3128", "https://proxy.example", "socks5://h:1080"])
def test_usable_proxy_is_kept(tmp_path: Path, proxy: str) -> None:
    config = load_config(write(tmp_path, f'[preview]\nproxy = "{proxy}"\n'))
    assert config.warnings == () and config.preview.proxy == proxy


def test_unknown_top_level_setting_is_a_warning(tmp_path: Path) -> None:
    path = write(tmp_path, 'theme = "nord"\nthem = "gruvbox"\n')
    config = load_config(path)
    assert config.theme == "nord"
    assert config.warnings == (f"{path}: them: unknown setting; did you mean 'theme'?",)


def test_a_warning_added_later_names_the_file_and_the_key(tmp_path: Path) -> None:
    path = write(tmp_path, 'theme = "no-such-theme"\n')
    config = load_config(path).with_warning("theme", "unknown theme 'no-such-theme'")
    assert config.warnings == (f"{path}: theme: unknown theme 'no-such-theme'; using the default",)


def test_empty_theme_means_the_default(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, 'theme = ""\n'))
    assert config.theme is None and config.warnings == ()
