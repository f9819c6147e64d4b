"""One item file -> one index row: what the loader's workers (and live reload) compute.

Workers return rows (``index.COLUMNS`` tuples), not items: small to pickle,
ready to store, and turned into ``Entry`` objects in the calling process.
``parse_file`` never raises: a bad file is a problem row with the reason.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from reader.core import frontmatter, normalize
from reader.core.index import ENTRY, SEP, UNREADABLE, Row, problem_row, skipped_row
from reader.core.model import build_search_text, pack_urls
from reader.core.store import read_file, read_front_matter

_URL_FIELDS = ("originalUrl", "webUrl", "ampWebUrl", "cdnAmpWebUrl")
# A publishedDateTime as items write it: UTC, to the second.
_UTC_SECOND = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z")


def _provider_label(value: Any) -> str:
    """``Provider.label`` of ``normalize.provider(value)`` (its name, else its domain),
    without building the provider (its images are not part of the label)."""
    if isinstance(value, dict):
        return normalize.text(value.get("name")) or normalize.text(value.get("domain"))
    if isinstance(value, str) and value.strip() in normalize.NULL:
        return ""
    return normalize.text(value)


def _url(value: Any) -> str | None:
    """``normalize.url(value)``; a URL of printable ASCII (nearly all) is taken as it
    is, trimmed: it has no control character and nothing the sanitiser changes."""
    if type(value) is str:
        s = value.strip()
        if s.isascii() and s.isprintable():
            return None if s in normalize.NULL else s
    return normalize.url(value)


def _published_at(value: Any) -> str | None:
    """``normalize.timestamp(value)`` in ISO form; for ``2024-05-01T10:00:00Z``
    (nearly all) that is the text itself with "+00:00" for the Z, once it is
    known to be a real time (``fromisoformat``, which ``timestamp`` calls too)."""
    if type(value) is str and len(value) == 20 and _UTC_SECOND.fullmatch(value):
        try:
            datetime.fromisoformat(value)
        except ValueError:
            pass  # not a date: timestamp says so
        else:
            return value[:19] + "+00:00"
    published_at = normalize.timestamp(value)
    return None if published_at is None else published_at.isoformat()


def entry_row(item_id: str, size: int, mtime_ns: int, data: dict) -> Row:
    """The index row of ``Entry.from_item(normalize.item(item_id, data, body))``.

    Only the entry's fields are computed (no related items, images or body),
    the search text and packed URLs included: the calling process only decodes.
    """
    heat, unscored = normalize.heat(data.get("heat"))
    published = normalize.boolean(data.get("published"))
    urls: list[str] = []
    for name in _URL_FIELDS:
        value = data.get(name)
        if value is None:  # absent (what url(None) is)
            continue
        u = _url(value)
        if u and u not in urls:
            urls.append(u)
    title = normalize.text(data.get("title"), entities=True)
    provider = _provider_label(data.get("provider"))
    topics = normalize.topics(data.get("topics"))
    excerpt = normalize.excerpt(data.get("excerpt"))
    return (
        item_id, size, mtime_ns, ENTRY,
        title,
        provider,
        _published_at(data.get("publishedDateTime")),
        heat,
        normalize.score(data.get("quality")),
        None if published is None else int(published),
        SEP.join(topics),
        pack_urls(urls),
        build_search_text(title, excerpt, provider, topics),
        int(unscored),
        None,
    )


NOT_PARSED, FAST, YAML = 0, 1, 2  # how parse_file read a file
# The row kind of a file deleted between the listing and the read: it is just
# not there (no entry, no problem), and such a row is never stored.
GONE = -1


def parse_file(item_id: str, path: str, size: int, mtime_ns: int) -> tuple[Row, int]:
    """One file → (row, FAST/YAML/NOT_PARSED); never raises.

    The row's size and mtime are those of the file as it was read (its
    ``fstat``), so the index's stamp always goes with the bytes it describes;
    ``size`` and ``mtime_ns`` (from the listing, or ``store.UNSTATED``) are only
    the row's of a file that could not be opened.
    """
    try:
        data, size, mtime_ns = read_file(path)
    except FileNotFoundError:
        return problem_row(item_id, size, mtime_ns, "deleted", GONE), NOT_PARSED
    except OSError as exc:
        return problem_row(item_id, size, mtime_ns, f"cannot read: {exc.strerror or exc}",
                           UNREADABLE), NOT_PARSED
    how = NOT_PARSED
    warnings: list[str] = []
    try:
        parsed = read_front_matter(data, size=size, warnings=warnings)
        if parsed is None:
            return skipped_row(item_id, size, mtime_ns), NOT_PARSED
        how = FAST if parsed[2] else YAML
        row = entry_row(item_id, size, mtime_ns, parsed[0])
        if warnings:  # an entry's reason column holds its warnings
            row = (*row[:14], "; ".join(warnings))
        return row, how
    except frontmatter.FrontMatterError as exc:
        reason = str(exc)
    except Exception as exc:  # a bug must not take the whole load down
        reason = f"unexpected error: {type(exc).__name__}: {exc}"
    return problem_row(item_id, size, mtime_ns, reason), how


def parse_chunk(chunk: Sequence[tuple[str, str, int, int]]) -> tuple[list[Row], int, int]:
    """Worker entry point: rows for (id, path, size, mtime_ns) tuples; fast and YAML counts."""
    rows = []
    counts = [0, 0, 0]
    for ref in chunk:
        row, how = parse_file(*ref)
        rows.append(row)
        counts[how] += 1
    return rows, counts[FAST], counts[YAML]
