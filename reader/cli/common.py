"""What every subcommand shares: the one-line error, the content root, loading."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import NamedTuple

from reader.core.model import Entry
from reader.core.store import LoadProblem, Skipped, check_root
from reader.resources import sample_content_dir

ROOT_HELP = "the content directory (the same as PATH)"


class CLIError(Exception):
    """A one-line error for stderr (exit 2)."""


def add_root(parser: argparse.ArgumentParser, *, positional: bool = True,
             path_help: str = "the content directory (default: the bundled sample content)") -> None:
    """``[PATH]`` and ``--root PATH``: two spellings of the content root."""
    if positional:
        parser.add_argument("path", nargs="?", metavar="PATH", help=path_help)
    parser.add_argument("--root", metavar="PATH", help=ROOT_HELP if positional else path_help)


def given_root(args: argparse.Namespace) -> str | None:
    """The content root named by PATH or ``--root`` (not both, unless they agree)."""
    path, root = getattr(args, "path", None), getattr(args, "root", None)
    if path is not None and root is not None and path != root:
        raise CLIError("give the content directory once: PATH or --root PATH")
    return root if root is not None else path


def content_root(path: str | None) -> Path:
    """The content root (default: the bundled samples); ``NotADirectory`` (one
    line, the path clipped) when it is missing, not a directory, unreadable, a
    symlink loop or a name too long."""
    root = Path(path) if path else sample_content_dir()
    check_root(root)
    return root


class Loaded(NamedTuple):
    entries: list[Entry]  # in path order
    problems: list[LoadProblem]  # unreadable folders among them
    without_front_matter: int
    skipped: list[Skipped]  # by design (symlinks leaving the root, FIFOs...)
    warnings: list[LoadProblem]  # files that loaded but look wrong (a key written twice)


def load_entries(root: Path, use_index: bool, *, verify: bool = False) -> Loaded:
    """Entries (in path order), problems (unreadable folders among them), the
    count of files without front matter, what was skipped by design, warnings.

    Through the same loader and persistent index as the app, so a second
    ``reader list`` on 100k items does not parse YAML again. ``verify``: open
    every file the index vouches for (see ``loader.scan``).
    """
    from reader.core.index import Index
    from reader.core.loader import load_all

    skipped: list[Skipped] = []
    index = Index(root) if use_index else None
    try:
        entries, problems, report = load_all(root, index=index, verify=verify,
                                             on_skip=skipped.append)
    finally:
        if index is not None:
            index.close()
    problems.extend(LoadProblem(s.id, s.reason) for s in skipped if s.unreadable)
    entries.sort(key=lambda e: e.id)
    problems.sort(key=lambda p: p.id)
    return Loaded(entries, problems, report.skipped, [s for s in skipped if not s.unreadable],
                  report.warnings)
