"""The app applies config.toml's theme only when it has that theme; otherwise a warning."""

from __future__ import annotations

from pathlib import Path

from reader.core.config import load_config
from reader.ui.app import create_app
from tests.conftest import wait_loaded


def _app(root: Path, config_file: Path, fake_preview):
    return create_app(root, config=load_config(config_file), preview_service=fake_preview)


async def test_unknown_theme_is_a_warning_and_the_default_theme(small_corpus, tmp_path, fake_preview):
    config_file = tmp_path / "config.toml"
    config_file.write_text('theme = "no-such-theme"\n', encoding="utf-8")
    app = _app(small_corpus, config_file, fake_preview)  # used to raise here
    default = create_app(small_corpus, preview_service=fake_preview).theme
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await wait_loaded(pilot)
        assert app.theme == default
        warnings = [str(n.message) for n in app._notifications if n.severity == "warning"]
        assert warnings == [f"{config_file}: theme: unknown theme 'no-such-theme'; using the default"]


async def test_known_theme_is_applied_without_a_warning(small_corpus, tmp_path, fake_preview):
    config_file = tmp_path / "config.toml"
    config_file.write_text('theme = "nord"\n', encoding="utf-8")
    app = _app(small_corpus, config_file, fake_preview)
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await wait_loaded(pilot)
        assert app.theme == "nord"
        assert not [n for n in app._notifications if n.severity == "warning"]
