"""Where the bundled styles and sample content live.

In a clone or an editable install they are the top-level ``styles/`` and
``sample_content/`` folders; in a wheel they are shipped as ``reader/_data/``.
"""

from __future__ import annotations

from pathlib import Path

_PKG = Path(__file__).resolve().parent


def _find(name: str) -> Path:
    for candidate in (_PKG / "_data" / name, _PKG.parent / name):
        if candidate.is_dir():
            return candidate
    return _PKG.parent / name


def styles_dir() -> Path:
    return _find("styles")


def sample_content_dir() -> Path:
    return _find("sample_content")
