"""config.toml's [stories]: stories mode at start and the duplicate topic; anything
bad is a warning naming the file and the key, and the default is kept."""

from __future__ import annotations

from pathlib import Path

import pytest

from reader.core.config import StoriesConfig, load_config


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_defaults_are_off_and_duplicate(tmp_path: Path) -> None:
    assert load_config(tmp_path / "nope.toml").stories == StoriesConfig(mode=False, duplicate_topic="Duplicate")


def test_valid_values_are_applied(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, '[stories]\nmode = true\nduplicate_topic = " Seen elsewhere "\n'))
    assert config.warnings == ()
    assert config.stories == StoriesConfig(mode=True, duplicate_topic="Seen elsewhere")


@pytest.mark.parametrize(("text", "key", "reason"), [
    ('mode = "yes"', "stories.mode", "expected true or false"),
    ("duplicate_topic = 3", "stories.duplicate_topic", 'expected a topic name such as "Duplicate"'),
    ('duplicate_topic = "  "', "stories.duplicate_topic", 'expected a topic name such as "Duplicate"'),
    ('duplicate_topic = "a\\u0007b"', "stories.duplicate_topic",
     "expected a topic on one line, without control characters"),
])
def test_a_bad_value_is_a_warning_and_the_default(tmp_path: Path, text: str, key: str, reason: str) -> None:
    path = write(tmp_path, f"[stories]\nmode = true\n{text}\n" if "mode" not in text else f"[stories]\n{text}\n")
    config = load_config(path)
    assert config.warnings == (f"{path}: {key}: {reason}; using the default",)
    default = StoriesConfig()
    assert getattr(config.stories, key.split(".")[1]) == getattr(default, key.split(".")[1])


def test_an_unknown_key_suggests_the_nearest(tmp_path: Path) -> None:
    path = write(tmp_path, '[stories]\nduplicate_topc = "Dupe"\n')
    config = load_config(path)
    assert config.warnings == (f"{path}: stories.duplicate_topc: unknown setting; did you mean 'duplicate_topic'?",)
    assert config.stories == StoriesConfig()


def test_stories_must_be_a_table(tmp_path: Path) -> None:
    path = write(tmp_path, "stories = true\n")
    config = load_config(path)
    assert config.warnings == (f"{path}: stories: expected a table; using the default",)
    assert config.stories == StoriesConfig()


def test_a_misspelt_table_suggests_stories(tmp_path: Path) -> None:
    path = write(tmp_path, "[storys]\nmode = true\n")
    assert load_config(path).warnings == (f"{path}: storys: unknown setting; did you mean 'stories'?",)
