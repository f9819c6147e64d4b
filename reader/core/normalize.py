"""Raw front-matter mapping (all strings, from the base loader) → typed ``Item``.

Every field may be missing, mistyped or hostile: nothing here raises for a bad
value; a value that cannot be understood becomes ``None`` (or empty), and every
string is passed through the sanitiser.
"""

from __future__ import annotations

import html
import math
import re
from datetime import UTC, date, datetime
from typing import Any

from reader.core.model import Image, Item, Provider, Related, url_key
from reader.core.sanitize import sanitize

KNOWN_FIELDS = frozenset(
    {
        "category", "title", "excerpt", "publishedDateTime", "originalUrl", "webUrl",
        "ampWebUrl", "cdnAmpWebUrl", "type", "quality", "heat", "published",
        "provider", "topics", "images", "related", "secured",
    }
)
_TRUE = {"true", "yes", "on", "y"}
_FALSE = {"false", "no", "off", "n"}
# The base loader keeps a YAML null as written; where a value is data, not text, it is absent.
NULL = _NULL = frozenset({"", "~", "null", "Null", "NULL"})
_URL_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")
_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")
_BLANK_LINES = re.compile(r"\n{3,}")
_DIGITS = re.compile(r"[+-]?\d{1,30}")
# Heat and quality have no upper bound, but a value past this is not a score: it
# would not fit the index's 64-bit integers nor any column. 9 digits is plenty.
MAX_SCORE = 999_999_999


# Entities real items use, each as ``html.unescape`` reads it followed by ";".
_ENTITIES = {
    name: html.unescape(f"&{name};")
    for name in ("#8217", "#8216", "#8220", "#8221", "#8211", "#8212", "#8230", "#39",
                 "#039", "#160", "amp", "quot", "apos", "lt", "gt", "nbsp")
}


def unescape(s: str) -> str:
    """``html.unescape(s)``, without its per-entity callback when every "&" in ``s``
    starts one of ``_ENTITIES`` and its ";": each is then read as just that (a name
    or number stops at the ";"), and nothing else in ``s`` can be an entity."""
    parts = s.split("&")
    out = [parts[0]]
    for part in parts[1:]:
        name, semicolon, rest = part.partition(";")
        entity = _ENTITIES.get(name) if semicolon else None
        if entity is None:
            return html.unescape(s)
        out.append(entity)
        out.append(rest)
    return "".join(out)


def text(value: Any, *, entities: bool = False, multiline: bool = False) -> str:
    """A scalar as sanitised text; lists/mappings are not text."""
    if value is None or isinstance(value, (list, dict)):
        return ""
    s = value if isinstance(value, str) else str(value)
    if entities and "&" in s:
        s = unescape(s)
    # Every character the sanitiser replaces or drops is unprintable (a test
    # checks each), so printable text (nearly all) is already what it returns.
    if not s.isprintable():
        s = sanitize(s, multiline=multiline)
    return s if multiline else s.strip()


def excerpt(value: Any) -> str:
    """An excerpt as sanitised text that keeps its line breaks.

    A ``\\n`` escape in a double-quoted YAML string is a real line break once YAML
    has read it (real excerpts use it between paragraphs): it stays one, each line
    trimmed, runs of blank lines cut to one. In a plain or single-quoted scalar
    ``\\n`` is two characters, a backslash and an n, and stays so: that is what
    the file says. Entities (``&#8217;``) are decoded before sanitising.
    """
    s = text(value, entities=True, multiline=True)
    if "\n" not in s:
        return s.strip()
    s = "\n".join(line.strip() for line in s.split("\n"))
    return _BLANK_LINES.sub("\n\n", s).strip()


def opt_text(value: Any, **kw: Any) -> str | None:
    return text(value, **kw) or None


def url(value: Any) -> str | None:
    """A URL is kept as written (trimmed); control characters make it unusable."""
    if not isinstance(value, str):
        return None
    s = value.strip()
    if s in _NULL or _URL_CONTROL.search(s):
        return None
    return sanitize(s)


def integer(value: Any) -> int | None:
    """A whole number from an int, a float or numeric text; a fraction is rounded to
    the nearest integer, halves up (7.5 -> 8). Digits alone are read exactly."""
    if type(value) is str and len(value) <= 30 and value.isdigit() and value.isascii():
        return int(value)  # what the general path below makes of ASCII digits (nearly all)
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return _rounded(value)
    if isinstance(value, str):
        s = value.strip().replace("_", "")
        if _DIGITS.fullmatch(s):
            return int(s)
        if _NUMBER.fullmatch(s):
            try:
                return _rounded(float(s))
            except (ValueError, OverflowError):
                return None
    return None


def _rounded(value: float) -> int | None:
    if value != value or abs(value) == float("inf"):
        return None
    return math.floor(value + 0.5)


def _count(value: Any) -> int | None:
    """Heat and quality: a whole number as written, no upper bound (real items hold
    150-250), or ``None`` for what is not one. Past ``MAX_SCORE`` it is noise, not a score."""
    n = integer(value)
    if n is None or n > MAX_SCORE:
        return None
    return n


def score(value: Any) -> int | None:
    """Quality: a non-negative integer as written; a negative one is no score (``None``)."""
    n = _count(value)
    return n if n is not None and n >= 0 else None


def heat(value: Any) -> tuple[int | None, bool]:
    """(heat, unscored): a non-negative integer as written; ``heat: -1`` (any
    negative) means "not scored yet" in real items."""
    n = _count(value)
    if n is None:
        return None, False
    if n < 0:
        return None, True
    return n, False


def boolean(value: Any) -> bool | None:
    if isinstance(value, bool):
        return value
    if isinstance(value, str):
        s = value.strip().lower()
        if s in _TRUE:
            return True
        if s in _FALSE:
            return False
    return None


def timestamp(value: Any) -> datetime | None:
    """Aware UTC datetime from ISO text, a date alone, a naive time or an epoch number."""
    if isinstance(value, datetime):
        dt = value
    elif isinstance(value, date):
        dt = datetime(value.year, value.month, value.day)
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        return _epoch(float(value))
    elif isinstance(value, str):
        s = value.strip()
        if not s:
            return None
        if len(s) == 8 and s.isdigit() and 1900 <= int(s[:4]) <= 2100:
            try:  # 20230417: a compact date, not 1970 plus 20 million seconds
                dt = datetime(int(s[:4]), int(s[4:6]), int(s[6:]))
            except ValueError:
                return None
            return dt.replace(tzinfo=UTC)
        if _NUMBER.fullmatch(s):
            return _epoch(float(s))
        if len(s) > 10 and s[10] in " tT":
            s = s[:10] + "T" + s[11:].strip()
        s = re.sub(r"\s+(?=[+-]\d\d:?\d\d$|Z$)", "", s)
        try:
            dt = datetime.fromisoformat(s)
        except ValueError:
            return None
    else:
        return None
    try:
        if dt.tzinfo is None:
            return dt.replace(tzinfo=UTC)
        return dt.astimezone(UTC)
    except (OverflowError, ValueError):  # e.g. 0001-01-01T00:00+01:00
        return None


def _epoch(n: float) -> datetime | None:
    if n != n:
        return None
    if abs(n) > 1e11:  # milliseconds
        n /= 1000.0
    try:
        return datetime.fromtimestamp(n, tz=UTC)
    except (OverflowError, OSError, ValueError):
        return None


def image(value: Any) -> Image | None:
    if isinstance(value, str):
        u = url(value)
        return Image(u) if u else None
    if not isinstance(value, dict):
        return None
    return Image(
        url=url(value.get("url")),
        width=_dimension(value.get("width")),
        height=_dimension(value.get("height")),
        is_cached=boolean(value.get("isCached")),
    )


def _dimension(value: Any) -> int | None:
    n = integer(value)
    return n if n is not None and 0 <= n < 1_000_000 else None


def images(value: Any) -> tuple[Image, ...]:
    if isinstance(value, (str, dict)):
        value = [value]
    if not isinstance(value, list):
        return ()
    return tuple(i for i in (image(v) for v in value) if i is not None)


def provider(value: Any) -> Provider | None:
    if isinstance(value, dict):
        name, domain = opt_text(value.get("name")), opt_text(value.get("domain"))
        imgs = images(value.get("images"))
        if name or domain or imgs:
            return Provider(name, domain, imgs)
        return None
    if isinstance(value, str) and value.strip() in _NULL:
        return None
    name = opt_text(value)
    return Provider(name) if name else None


def topics(value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list):
        return ()
    seen: dict[str, None] = {}
    for v in value:
        t = text(v)
        if t and t not in _NULL and t not in seen:
            seen[t] = None
    return tuple(seen)


def related_one(value: Any) -> Related | None:
    if not isinstance(value, dict):
        return None
    rel = Related(
        title=text(value.get("title"), entities=True),
        excerpt=excerpt(value.get("excerpt")),
        published_at=timestamp(value.get("publishedDateTime")),
        web_url=url(value.get("webUrl")),
        amp_web_url=url(value.get("ampWebUrl")),
        cdn_amp_web_url=url(value.get("cdnAmpWebUrl")),
        original_url=url(value.get("originalUrl")),
        type=opt_text(value.get("type")),
        provider=provider(value.get("provider")),
        quality=score(value.get("quality")),
        images=images(value.get("images")),
    )
    if not rel.title and not rel.urls:
        return None
    return rel


def related(value: Any) -> tuple[Related, ...]:
    """The related items; one that leads to the same page as an earlier one (its
    first URL equal up to ``url_key``: scheme, "www.", trailing slash, case) is a
    repeat in real lists and is shown once, the first kept."""
    if isinstance(value, dict):
        value = [value]
    if not isinstance(value, list):
        return ()
    out: list[Related] = []
    seen: set[str] = set()
    for rel in map(related_one, value):
        if rel is None:
            continue
        urls = rel.urls
        if urls:
            key = url_key(urls[0])
            if key in seen:
                continue
            seen.add(key)
        out.append(rel)
    return tuple(out)


def item(item_id: str, data: dict[Any, Any], body: str = "") -> Item:
    """Build the normalised item; ``data`` is the base-loader mapping of one file."""
    heat_value, unscored = heat(data.get("heat"))
    secured = data.get("secured")
    extra = {
        sanitize(k): v for k, v in data.items() if not (isinstance(k, str) and k in KNOWN_FIELDS)
    }
    return Item(
        id=item_id,
        title=text(data.get("title"), entities=True),
        excerpt=excerpt(data.get("excerpt")),
        published_at=timestamp(data.get("publishedDateTime")),
        original_url=url(data.get("originalUrl")),
        web_url=url(data.get("webUrl")),
        amp_web_url=url(data.get("ampWebUrl")),
        cdn_amp_web_url=url(data.get("cdnAmpWebUrl")),
        type=opt_text(data.get("type")),
        category=opt_text(data.get("category")),
        quality=score(data.get("quality")),
        heat=heat_value,
        heat_unscored=unscored,
        published=boolean(data.get("published")),
        provider=provider(data.get("provider")),
        topics=topics(data.get("topics")),
        images=images(data.get("images")),
        related=related(data.get("related")),
        secured=secured if isinstance(secured, str) else None,
        body=sanitize(body.strip("\n"), multiline=True) if body.strip() else "",
        extra=extra,
    )
