"""README's key table and config section are the action table's and the
default config's own text (regenerate: `reader keys --markdown --defaults`,
`reader config --init`)."""

from __future__ import annotations

from pathlib import Path

from reader.core.config_text import config_text
from reader.core.keymap import markdown_table

README = Path(__file__).resolve().parents[1] / "README.md"


def between(text: str, name: str) -> str:
    start = text.index(f"<!-- {name}:start -->\n") + len(f"<!-- {name}:start -->\n")
    return text[start:text.index(f"<!-- {name}:end -->", start)]


def test_readme_key_table_is_the_action_table() -> None:
    assert between(README.read_text(encoding="utf-8"), "keys") == markdown_table()


def test_readme_config_section_is_the_default_config() -> None:
    block = between(README.read_text(encoding="utf-8"), "config")
    assert block == f"```toml\n{config_text()}```\n"
