"""What every subcommand shares: the one-line error, the content roots, loading.

Every command that reads or edits items takes one content root or several, in
one way: ``PATH...`` (where the command has a positional) or ``--root PATH``
repeated; with none given, ``roots = [...]`` of config.toml; with none there,
the bundled samples (which the editing commands refuse: ``command_roots``).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from reader.core.model import Entry
from reader.core.store import LoadProblem, Skipped, check_root
from reader.resources import sample_content_dir

if TYPE_CHECKING:
    import argparse
    from types import SimpleNamespace

    from reader.core.roots import Roots

ROOT_HELP = "the content directory (the same as PATH)"


class CLIError(Exception):
    """A one-line error for stderr (exit 2)."""


def add_root(parser: argparse.ArgumentParser, *, positional: bool = True,
             path_help: str = "the content directory (default: roots in config.toml, else the bundled "
             "sample content)") -> None:
    """``[PATH...]`` and ``--root PATH`` repeated: two spellings of the content
    roots (read with ``given_roots``)."""
    if positional:
        parser.add_argument("path", nargs="*", metavar="PATH", help=path_help + "; several: one collection")
    root_help = ROOT_HELP if positional else path_help
    parser.add_argument("--root", metavar="PATH", action="append", help=root_help + " (repeat it for several)")


def given_roots(args: argparse.Namespace | SimpleNamespace) -> list[str]:
    """The content roots named by PATHs and ``--root``s (``add_root``):
    one spelling or the other, unless they name the same roots."""
    paths, roots = list(getattr(args, "path", None) or []), list(getattr(args, "root", None) or [])
    if paths and roots and paths != roots:
        raise CLIError("give the content directory once: PATH or --root PATH")
    return roots or paths


def configured_roots() -> list[str]:
    """config.toml's ``roots`` (none: an empty list); the config's warnings are
    left to ``reader config --check`` and the app."""
    from reader.core.config import load_config

    return [str(root) for root in load_config().roots]


def command_roots(args: argparse.Namespace, *, samples: bool = True) -> Roots:
    """The content roots a command works on: those given (``given_roots``), else
    config.toml's ``roots``, else the bundled samples. ``samples=False``: no
    bundled samples (the editing commands never edit them): ``CLIError``."""
    given = given_roots(args) or configured_roots()
    if not given and not samples:
        raise CLIError(f"{args.command} needs the content directory: --root PATH (repeat it for "
                       "several, or set roots in config.toml; the bundled sample content is never edited)")
    return content_roots(given)


def content_roots(paths: Sequence[str]) -> Roots:
    """The content roots (default: the bundled samples), each checked as
    ``content_root`` does; a root named twice counts once."""
    from reader.core.roots import Roots

    return Roots.of([content_root(p) for p in paths] or [content_root(None)])


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


def load_roots(roots: Roots, use_index: bool, *, verify: bool = False) -> Loaded:
    """``load_entries`` of each root, as one collection (ids labelled when there are several)."""
    if roots.single:
        return load_entries(roots.primary, use_index, verify=verify)
    from reader.core.roots import label_entries, label_problems, label_skipped

    out = Loaded([], [], 0, [], [])
    for label, path in roots:
        part = load_entries(path, use_index, verify=verify)
        out.entries.extend(label_entries(label, part.entries))
        out.problems.extend(label_problems(label, part.problems))
        out.skipped.extend(label_skipped(label, part.skipped))
        out.warnings.extend(label_problems(label, part.warnings))
        out = out._replace(without_front_matter=out.without_front_matter + part.without_front_matter)
    return out
