"""Index rows: what one file's row holds, how entries become rows and rows entries.

A row is a tuple in ``COLUMNS`` order: the file's id, size and mtime, its kind,
then the entry's fields (``ENTRY``), or the reason it could not be read
(``PROBLEM``), or nothing (``SKIPPED``: not an item). The loader's workers build
rows straight from the front matter; ``RowDecoder`` turns them into ``Entry``
and ``LoadProblem`` objects, refusing (``BadRow``) any row that does not hold
exactly what this module writes -- the index file is untrusted input.
"""

from __future__ import annotations

import sys
from datetime import datetime

from reader.core.model import Entry
from reader.core.normalize import MAX_SCORE
from reader.core.sanitize import is_clean, sanitize
from reader.core.store import LoadProblem

# Row kinds.
ENTRY = 0
PROBLEM = 1
SKIPPED = 2  # not an item (no front matter): counted, never shown
UNREADABLE = 3  # a problem that is not stored (the file may become readable)

# A row, as the loader's workers produce it and as the table stores it.
COLUMNS = (
    "id", "size", "mtime_ns", "kind", "title", "provider", "published_at", "heat",
    "quality", "published", "topics", "urls", "search", "heat_unscored", "reason",
)
Row = tuple  # (id, size, mtime_ns, kind, title, ..., reason) in COLUMNS order
SEP = "\x1f"  # joins topics; the sanitiser never lets it through
# ``urls`` holds Entry.url_data (packed URLs) and ``search`` Entry.search_text
# (the casefolded UTF-8 haystack): both BLOBs, computed by the loader's workers,
# so decoding a row builds no text at all.


class BadRow(Exception):
    """A stored row that does not hold what this module writes (a damaged index)."""


_FLAGS = frozenset((None, 0, 1))  # published
_BITS = frozenset((0, 1))  # heat_unscored
_EMPTY = (None,) * len(COLUMNS)


def row_from_entry(entry: Entry, size: int, mtime_ns: int) -> Row:
    """The stored form of an entry (e.g. to store one item the app re-read itself;
    the loader's workers build rows straight from the front matter)."""
    return (
        entry.id, size, mtime_ns, ENTRY, entry.title, entry.provider,
        entry.published_at.isoformat() if entry.published_at is not None else None,
        entry.heat, entry.quality,
        None if entry.published is None else int(entry.published),
        SEP.join(entry.topics), entry.url_data, entry.search_text,
        int(entry.heat_unscored), None,
    )


def problem_row(item_id: str, size: int, mtime_ns: int, reason: str, kind: int = PROBLEM) -> Row:
    return (item_id, size, mtime_ns, kind, None, None, None, None, None, None, None, None,
            None, None, reason)


def skipped_row(item_id: str, size: int, mtime_ns: int) -> Row:
    return (item_id, size, mtime_ns, SKIPPED, None, None, None, None, None, None, None, None,
            None, None, None)


class RowDecoder:
    """Builds entries and problems from rows, sharing the topic tuples and provider
    strings (interned: the same objects as in entries made by ``Entry.from_item``).

    Rows are untrusted: the file may have been damaged or edited. Every value is
    checked for the type (and range) this module writes, cheaply -- exact type tests,
    set lookups, one scan of the title for characters the sanitiser would not have
    let through, one per distinct topic list and provider -- and a row that fails
    raises ``BadRow``, so that the caller reads that file again instead.
    """

    __slots__ = ("_providers", "_topics")

    def __init__(self) -> None:
        self._topics: dict[str, tuple[str, ...]] = {"": ()}
        self._providers: dict[str, str] = {}

    def decode(self, row: Row) -> Entry | LoadProblem | None:
        """The entry or problem a row holds, ``None`` for a skipped file. Raises BadRow."""
        try:
            (item_id, _size, _mtime_ns, kind, title, provider, published_at, heat, quality,
             published, topics, urls, search, unscored, reason) = row
            # (A size or mtime that is not an int matches no file: that file is read again.)
            if type(item_id) is not str:
                raise BadRow("id")
            if kind != ENTRY:
                # The other kinds store nothing but the reason: an entry whose kind
                # was changed still has its fields, and is refused.
                if kind == PROBLEM and row[4:14] == _EMPTY[4:14]:
                    return self.problem(row)
                if kind == SKIPPED and row[4:] == _EMPTY[4:]:
                    return None
                raise BadRow("kind")
            topic_tuple = self._topics.get(topics)
            if topic_tuple is None:
                if type(topics) is not str:
                    raise BadRow("topics")
                parts = topics.split(SEP)
                if not all(map(is_clean, parts)):
                    raise BadRow("topics")
                topic_tuple = self._topics[topics] = tuple(map(sys.intern, parts))
            shared = self._providers.get(provider)
            if shared is None:
                if type(provider) is not str or not is_clean(provider):
                    raise BadRow("provider")
                shared = self._providers[provider] = sys.intern(provider)
            # isprintable() is the quick test: a printable string is clean.
            if type(title) is not str or not (title.isprintable() or is_clean(title)):
                raise BadRow("title")
            if published_at is None:
                when = None
            else:
                when = datetime.fromisoformat(published_at)  # TypeError/ValueError: bad
                if when.tzinfo is None:
                    raise BadRow("published_at")  # every stored time is UTC
            # SQLite hands back int, float, str, bytes or None; the sets hold only
            # the ints (and None) this module writes.
            if not (heat is None or (type(heat) is int and 0 <= heat <= MAX_SCORE)) or not (
                    quality is None or (type(quality) is int and 0 <= quality <= MAX_SCORE)):
                raise BadRow("heat or quality")  # no upper bound but the normaliser's
            if published not in _FLAGS or unscored not in _BITS:
                raise BadRow("published or heat_unscored")
            if type(search) is not bytes or type(urls) is not bytes:
                raise BadRow("search or urls")
            # Packed URLs: a count byte, that many CRCs, then the deflated URLs.
            if urls and (not urls[0] or len(urls) <= 1 + 4 * urls[0]):
                raise BadRow("urls")
            if reason is not None and type(reason) is not str:
                raise BadRow("reason")  # an entry's reason holds its warnings
        except (TypeError, ValueError, OverflowError):
            raise BadRow("not a row of this index") from None
        return Entry(
            item_id,
            title,
            shared,
            when,
            heat,
            quality,
            None if published is None else published == 1,
            topic_tuple,
            heat_unscored=unscored == 1,
            search_text=search,
            url_data=urls,
        )

    def made(self, row: Row) -> Entry:
        """The entry of an ENTRY row this program made itself (the loader's workers,
        from a file just read), not read from the index file: nothing is checked
        (``decode`` checks untrusted rows), and strings are shared as ``decode`` does."""
        (item_id, _size, _mtime_ns, _kind, title, provider, published_at, heat, quality,
         published, topics, urls, search, unscored, _reason) = row
        topic_tuple = self._topics.get(topics)
        if topic_tuple is None:
            topic_tuple = self._topics[topics] = tuple(map(sys.intern, topics.split(SEP)))
        shared = self._providers.get(provider)
        if shared is None:
            shared = self._providers[provider] = sys.intern(provider)
        return Entry(
            item_id,
            title,
            shared,
            None if published_at is None else datetime.fromisoformat(published_at),
            heat,
            quality,
            None if published is None else published == 1,
            topic_tuple,
            heat_unscored=unscored == 1,
            search_text=search,
            url_data=urls,
        )

    def entry(self, row: Row) -> Entry:
        """The entry of an ENTRY row. Raises BadRow."""
        if row[3] != ENTRY:
            raise BadRow("not an entry")
        entry = self.decode(row)
        assert isinstance(entry, Entry)
        return entry

    @staticmethod
    def warning(row: Row) -> LoadProblem | None:
        """The warnings of an ENTRY row (a key written twice...), as one line, or None."""
        reason = row[14]
        if row[3] != ENTRY or not isinstance(reason, str) or not reason:
            return None
        return LoadProblem(sanitize(row[0]), sanitize(reason))

    @staticmethod
    def problem(row: Row) -> LoadProblem:
        """The problem of a PROBLEM row. Raises BadRow."""
        try:
            item_id, reason = row[0], row[14]
        except (TypeError, IndexError):
            raise BadRow("not a row") from None
        if type(item_id) is not str or type(reason) is not str:
            raise BadRow("id or reason")
        return LoadProblem(sanitize(item_id), sanitize(reason))


def storable(row: Row) -> bool:
    """Rows SQLite can take: file names that are not valid UTF-8 are left out."""
    if row[3] == UNREADABLE:
        return False
    item_id = row[0]
    if type(item_id) is not str:
        return type(item_id) is bytes  # only a damaged row's id, to delete it
    if item_id.isascii():
        return True
    try:
        item_id.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True
