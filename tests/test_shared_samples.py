"""The shared samples are found beside the repository, and their absence fails the tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import REPO, SHARED, shared_dir


def test_shared_is_found_from_the_repository_root():
    assert REPO.parent / "shared" == SHARED
    assert Path(__file__).resolve().parents[1] == REPO
    assert (REPO / "pyproject.toml").is_file()


def test_a_missing_shared_folder_fails_instead_of_skipping(tmp_path):
    with pytest.raises(pytest.fail.Exception, match="shared samples are missing"):
        shared_dir(tmp_path / "no-such-folder")


def test_the_fixture_gives_the_samples(shared):
    assert (shared / "seed").is_dir() and (shared / "real-items").is_dir()
    assert (shared / "extraction-bench" / "ground-truth.json").is_file()
