"""The query language of the search bar, ``reader list`` and (later) saved views.

A query is terms separated by blanks; an item must match every term. ``-``
right before a term negates it. Terms::

    robot  "exact phrase"        in the title, excerpt, provider or topics (casefolded)
    topic:AI  topic:"Big Tech"   has that topic (the whole name, any case)
    provider:"vector post"       the provider's name contains it (any case)
    heat:>50  quality:<=70       also >=, <, = (or just heat:50); ranges heat:50..100
    heat:unscored                heat -1 in the file: not scored yet
    date:2024-03  after:2024  before:2024-06-15
                                 a year, month or day (UTC); date: takes the same
                                 operators and ranges as heat; after:P is date:>P and
                                 before:P is date:<P, so neither includes P itself
    date:today  after:yesterday  a day of the local clock, fixed when the query is
                                 evaluated (not parsed): today, yesterday
    is:published  is:unpublished  is:read  is:unread  is:saved
    has:url  has:date  has:heat  has:quality  has:topics
    root:site-a                  in that content root, by its label (with several
                                 roots, an id starts with its root's label and /)

``parse`` turns text into an ``Expression`` (a tuple of terms) or raises
``QueryError`` naming the problem and its column; ``str(expression)`` prints it
back in a form that parses to the same expression. No Textual here; the
evaluation is in ``reader.core.query_eval``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache

__all__ = ["Compare", "Expression", "Has", "Is", "Not", "Period", "Provider", "QueryError", "RelativeDay", "Root",
           "Term", "Text", "Topic", "Unscored", "names_state", "parse", "plain_words"]

IS_KINDS = ("published", "unpublished", "read", "unread", "saved")
HAS_KINDS = ("url", "date", "heat", "quality", "topics")
NUMBER_FIELDS = ("heat", "quality")
RELATIVE_DAYS = ("today", "yesterday")  # days ago: 0, 1
FIELDS = ("topic", "provider", "heat", "quality", "date", "after", "before", "is", "has", "root")
OPERATORS = (">=", "<=", ">", "<", "=")  # longest first
MAX_DIGITS = 15


class QueryError(ValueError):
    """A malformed query: what is wrong, and where (1-based column)."""

    def __init__(self, problem: str, column: int) -> None:
        super().__init__(f"{problem}, at column {column}")
        self.problem = problem
        self.column = column


# -- the terms --------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Period:
    """A year, a month or a day, in UTC."""

    year: int
    month: int | None = None
    day: int | None = None

    def start(self) -> datetime:
        return datetime(self.year, self.month or 1, self.day or 1, tzinfo=UTC)

    def end(self) -> datetime:
        """The first moment after the period."""
        if self.day is not None:
            return datetime.fromordinal(self.start().toordinal() + 1).replace(tzinfo=UTC)
        if self.month is not None:
            return datetime(self.year + self.month // 12, self.month % 12 + 1, 1, tzinfo=UTC)
        return datetime(self.year + 1, 1, 1, tzinfo=UTC)

    def __str__(self) -> str:
        parts = [f"{self.year:04d}"] + [f"{p:02d}" for p in (self.month, self.day) if p is not None]
        return "-".join(parts)


@dataclass(frozen=True, slots=True)
class RelativeDay:
    """``today`` (``ago`` 0) or ``yesterday`` (1): a day of the local clock.

    A parsed query is cached and may be kept past midnight, so the day is
    fixed when the query is evaluated: ``span(now)``."""

    ago: int

    def span(self, now: datetime | None = None) -> tuple[datetime, datetime]:
        """[start, end) of the day: local midnights (DST-aware), or -- when
        ``now`` is given (tests) -- midnights in ``now``'s time zone."""
        today = now.date() if now is not None else date.today()
        day = today - timedelta(days=self.ago)
        bounds = []
        for d in (day, day + timedelta(days=1)):
            if now is None:
                bounds.append(datetime.combine(d, time()).astimezone())
            else:
                bounds.append(datetime.combine(d, time(), tzinfo=now.tzinfo))
        return bounds[0], bounds[1]

    def __str__(self) -> str:
        return RELATIVE_DAYS[self.ago]


@dataclass(frozen=True, slots=True)
class Text:
    """A word or a quoted phrase: must be in the search text (casefolded)."""

    value: str

    def __str__(self) -> str:
        bare = self.value and not self.value.startswith("-") and ":" not in self.value
        return self.value if bare and _plain(self.value) else _quote(self.value)


@dataclass(frozen=True, slots=True)
class Topic:
    name: str

    def __str__(self) -> str:
        return "topic:" + _value(self.name)


@dataclass(frozen=True, slots=True)
class Provider:
    name: str

    def __str__(self) -> str:
        return "provider:" + _value(self.name)


@dataclass(frozen=True, slots=True)
class Root:
    """In the content root labelled ``label`` (the whole label, as written)."""

    label: str

    def __str__(self) -> str:
        return "root:" + _value(self.label)


@dataclass(frozen=True, slots=True)
class Compare:
    """``field`` (heat, quality: int; date: Period or RelativeDay) ``op`` value;
    op ".." is the range value..upper, both ends included."""

    field: str
    op: str
    value: int | Period | RelativeDay
    upper: int | Period | RelativeDay | None = None

    def __str__(self) -> str:
        if self.op == "..":
            return f"{self.field}:{self.value}..{self.upper}"
        return f"{self.field}:{'' if self.op == '=' else self.op}{self.value}"


@dataclass(frozen=True, slots=True)
class Unscored:
    def __str__(self) -> str:
        return "heat:unscored"


@dataclass(frozen=True, slots=True)
class Is:
    kind: str  # one of IS_KINDS

    def __str__(self) -> str:
        return f"is:{self.kind}"


@dataclass(frozen=True, slots=True)
class Has:
    kind: str  # one of HAS_KINDS

    def __str__(self) -> str:
        return f"has:{self.kind}"


Atom = Text | Topic | Provider | Root | Compare | Unscored | Is | Has


@dataclass(frozen=True, slots=True)
class Not:
    term: Atom

    def __str__(self) -> str:
        return f"-{self.term}"


Term = Atom | Not


@dataclass(frozen=True, slots=True)
class Expression:
    """Every term must match (no terms: everything matches)."""

    terms: tuple[Term, ...] = ()

    def __str__(self) -> str:
        return " ".join(map(str, self.terms))


def _plain(value: str) -> bool:
    return '"' not in value and not any(c.isspace() for c in value)


def _quote(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _value(value: str) -> str:
    return value if value and _plain(value) else _quote(value)


def plain_words(text: str) -> str:
    """Query text that searches for each word of ``text`` as it is, no syntax
    (``reader list --search``)."""
    return str(Expression(tuple(Text(w) for w in text.split())))


# -- the parser ---------------------------------------------------------------------------------

_FIELD = re.compile(r"([A-Za-z_]+):")
_NUMBER = re.compile(r"[0-9]+")
_PERIOD = re.compile(r"([0-9]{4})(?:-([0-9]{2})(?:-([0-9]{2}))?)?")
DATE_FORMS = "YYYY, YYYY-MM, YYYY-MM-DD, today or yesterday"


STATE_KINDS = frozenset({"read", "unread", "saved"})  # the reader's own marks, not the items'


def names_state(text: str) -> bool:
    """Whether the query asks for the reader's own marks (``is:read``,
    ``is:unread``, ``is:saved``, negated or not): its results change when the
    marks do. A malformed query asks for nothing (it is never evaluated)."""
    try:
        terms = parse(text).terms
    except QueryError:
        return False
    for term in terms:
        atom = term.term if isinstance(term, Not) else term
        if isinstance(atom, Is) and atom.kind in STATE_KINDS:
            return True
    return False


@lru_cache(maxsize=256)
def parse(text: str) -> Expression:
    """The expression ``text`` spells (cached: the search bar asks again per key)."""
    terms: list[Term] = []
    i, n = 0, len(text)
    while True:
        while i < n and text[i].isspace():
            i += 1
        if i >= n:
            return Expression(tuple(terms))
        start = i
        if text[i] == "-":
            i += 1
            if i >= n or text[i].isspace():
                raise QueryError("- needs a term right after it", start + 1)
            if text[i] == "-":
                raise QueryError("one - is enough", i + 1)
            atom, i = _term(text, i)
            terms.append(Not(atom))
        else:
            atom, i = _term(text, i)
            terms.append(atom)


def _term(text: str, i: int) -> tuple[Atom, int]:
    if text[i] == '"':
        value, end = _quoted(text, i)
        return Text(value), end
    field = _FIELD.match(text, i)
    if field is None:
        value, end = _bare(text, i)
        return Text(value), end
    name = field.group(1).lower()
    at = field.end()
    if at < len(text) and text[at] == '"':
        value, end = _quoted(text, at)
    else:
        value, end = _bare(text, at)
    return _field(name, field.group(1), value, i + 1, at + 1), end


def _bare(text: str, i: int) -> tuple[str, int]:
    start = i
    while i < len(text) and not text[i].isspace():
        if text[i] == '"':
            raise QueryError("a quote inside a word (leave a blank before the phrase)", i + 1)
        i += 1
    return text[start:i], i


def _quoted(text: str, i: int) -> tuple[str, int]:
    """The phrase whose opening quote is at ``i``; blanks inside become one space."""
    out: list[str] = []
    j = i + 1
    while j < len(text) and text[j] != '"':
        if text[j] == "\\" and j + 1 < len(text) and text[j + 1] in '"\\':
            j += 1
        out.append(text[j])
        j += 1
    if j >= len(text):
        raise QueryError("this quote is never closed", i + 1)
    if j + 1 < len(text) and not text[j + 1].isspace():
        raise QueryError("leave a blank after the closing quote", j + 2)
    value = " ".join("".join(out).split())
    if not value:
        raise QueryError("nothing between the quotes", i + 1)
    return value, j + 1


def _field(name: str, written: str, value: str, column: int, at: int) -> Atom:
    """The term ``name:value``; ``column``: the field's, ``at``: the value's."""
    if name in ("topic", "provider", "root"):
        if not value:
            raise QueryError(f"{name} needs a name", at)
        return Topic(value) if name == "topic" else Provider(value) if name == "provider" else Root(value)
    if name in NUMBER_FIELDS:
        if name == "heat" and value.lower() == "unscored":
            return Unscored()
        return _compare(name, value, at)
    if name == "date":
        return _compare(name, value, at)
    if name in ("after", "before"):
        return Compare("date", ">" if name == "after" else "<", _period(name, value, at))
    if name in ("is", "has"):
        kinds = IS_KINDS if name == "is" else HAS_KINDS
        kind = value.lower()
        if kind in kinds:
            return Is(kind) if name == "is" else Has(kind)
        if name == "has" and kind in ("image", "images"):
            raise QueryError("has:images is not supported yet (the list does not know about images)", at)
        raise QueryError(f"{name}: takes {', '.join(kinds[:-1])} or {kinds[-1]}", at)
    if name == "sort":
        raise QueryError("sort is not part of a query: press s in the list, or give --sort", column)
    shown = written if len(written) <= 20 else written[:19] + "…"
    raise QueryError(f"unknown field {shown}: (to search for text with a colon, quote it)", column)


def _compare(field: str, value: str, at: int) -> Compare:
    """``field:>=V``, ``field:V``, ``field:LOW..HIGH``; ``at``: the value's column."""
    for op in OPERATORS:
        if value.startswith(op):
            return Compare(field, op, _read(field, value[len(op):], at + len(op)))
    if ".." not in value:
        return Compare(field, "=", _read(field, value, at))
    low, high = value.split("..", 1)
    lo, hi = _read(field, low, at), _read(field, high, at + len(low) + 2)
    if isinstance(lo, Period) and isinstance(hi, Period):
        backwards = hi.end() <= lo.start()
    elif isinstance(lo, RelativeDay) and isinstance(hi, RelativeDay):
        backwards = hi.ago > lo.ago
    else:  # numbers; or a fixed and a relative day: an empty range some days, never an error
        backwards = isinstance(lo, int) and isinstance(hi, int) and hi < lo
    if backwards:
        raise QueryError(f"the {field} range runs backwards (low end first)", at)
    return Compare(field, "..", lo, hi)


def _read(field: str, value: str, at: int) -> int | Period | RelativeDay:
    return _period(field, value, at) if field == "date" else _number(field, value, at)


def _number(field: str, value: str, at: int) -> int:
    if not _NUMBER.fullmatch(value) or len(value) > MAX_DIGITS:
        raise QueryError(f"{field} needs a number", at)
    return int(value)


def _period(field: str, value: str, at: int) -> Period | RelativeDay:
    if value.lower() in RELATIVE_DAYS:
        return RelativeDay(RELATIVE_DAYS.index(value.lower()))
    m = _PERIOD.fullmatch(value)
    if m is None:
        raise QueryError(f"{field} needs a date ({DATE_FORMS})", at)
    year, month, day = (None if g is None else int(g) for g in m.groups())
    assert year is not None
    try:
        period = Period(year, month, day)
        period.start()
        if year > 9998:
            raise ValueError
    except ValueError:
        raise QueryError(f"no such date {value}", at) from None
    return period
