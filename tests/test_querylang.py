"""The query language: parsing, printing back, errors with their column, completion."""

from __future__ import annotations

import calendar
from datetime import UTC, datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reader.core.queryhelp import SYNTAX, complete, syntax_text
from reader.core.querylang import (
    HAS_KINDS,
    IS_KINDS,
    Compare,
    Expression,
    Has,
    Is,
    Not,
    Period,
    Provider,
    QueryError,
    RelativeDay,
    Text,
    Topic,
    Unscored,
    names_state,
    parse,
    plain_words,
)

FAST = settings(max_examples=300, derandomize=True, database=None, deadline=None,
                suppress_health_check=[HealthCheck.too_slow])


def terms(text: str) -> tuple:
    return parse(text).terms


# -- parsing ----------------------------------------------------------------------------------

def test_the_example_from_the_issue() -> None:
    got = terms('heat:>50 quality:>=70 topic:AI -topic:Policy provider:"Vector Post" is:unpublished '
                'is:unread is:saved has:url after:2024-01-01 before:2024-06 "exact phrase" plain words')
    assert got == (
        Compare("heat", ">", 50), Compare("quality", ">=", 70), Topic("AI"), Not(Topic("Policy")),
        Provider("Vector Post"), Is("unpublished"), Is("unread"), Is("saved"), Has("url"),
        Compare("date", ">", Period(2024, 1, 1)), Compare("date", "<", Period(2024, 6)),
        Text("exact phrase"), Text("plain"), Text("words"),
    )


@pytest.mark.parametrize(("text", "expected"), [
    ("", ()),
    ("   \t ", ()),
    ("robots", (Text("robots"),)),
    ("  Robots   AI ", (Text("Robots"), Text("AI"))),
    ("-robots", (Not(Text("robots")),)),
    ("covid-19 10:30 :x", (Text("covid-19"), Text("10:30"), Text(":x"))),  # no field: text
    ('"  two   words "', (Text("two words"),)),  # blanks in a phrase: one space, none at the ends
    ('"say \\"hi\\"" "back\\\\slash" "a\\b"', (Text('say "hi"'), Text("back\\slash"), Text("a\\b"))),
    ('-"not this"', (Not(Text("not this")),)),
    ("heat:50 heat:=50 heat:<5 heat:<=5 heat:>=0", (
        Compare("heat", "=", 50), Compare("heat", "=", 50), Compare("heat", "<", 5),
        Compare("heat", "<=", 5), Compare("heat", ">=", 0))),
    ("heat:50..100 quality:7..7", (Compare("heat", "..", 50, 100), Compare("quality", "..", 7, 7))),
    ("heat:unscored HEAT:Unscored -heat:unscored", (Unscored(), Unscored(), Not(Unscored()))),
    ("Topic:ai topic:\"Big  Tech\" topic:a:b", (Topic("ai"), Topic("Big Tech"), Topic("a:b"))),
    ("provider:herald", (Provider("herald"),)),
    ("date:2024 date:2024-02 date:2024-02-29", (
        Compare("date", "=", Period(2024)), Compare("date", "=", Period(2024, 2)),
        Compare("date", "=", Period(2024, 2, 29)))),
    ("date:>=2024-03 date:<=2024 date:2023-12..2024-01-15", (
        Compare("date", ">=", Period(2024, 3)), Compare("date", "<=", Period(2024)),
        Compare("date", "..", Period(2023, 12), Period(2024, 1, 15)))),
    ("after:2024 before:2024-06-15", (
        Compare("date", ">", Period(2024)), Compare("date", "<", Period(2024, 6, 15)))),
    ("is:Published IS:read has:DATE has:heat has:quality has:topics",
     (Is("published"), Is("read"), Has("date"), Has("heat"), Has("quality"), Has("topics"))),
])
def test_parse(text: str, expected: tuple) -> None:
    assert terms(text) == expected


# -- errors: what and where ---------------------------------------------------------------------

@pytest.mark.parametrize(("text", "message"), [
    ("heat:>abc", "heat needs a number, at column 7"),
    ("heat:", "heat needs a number, at column 6"),
    ("robots quality:>=x", "quality needs a number, at column 18"),
    ("heat:-1", "heat needs a number, at column 6"),
    ("heat:5..x", "heat needs a number, at column 9"),
    ("heat:1234567890123456", "heat needs a number, at column 6"),
    ("heat:9..2", "the heat range runs backwards (low end first), at column 6"),
    ("heat:١٢", "heat needs a number, at column 6"),  # digits, but not 0-9
    ("quality:unscored", "quality needs a number, at column 9"),
    ("topic:", "topic needs a name, at column 7"),
    ("a provider:", "provider needs a name, at column 12"),
    ("date:24", "date needs a date (YYYY, YYYY-MM, YYYY-MM-DD, today or yesterday), at column 6"),
    ("after:>2024", "after needs a date (YYYY, YYYY-MM, YYYY-MM-DD, today or yesterday), at column 7"),
    ("before:2024/06", "before needs a date (YYYY, YYYY-MM, YYYY-MM-DD, today or yesterday), at column 8"),
    ("date:2023-02-29", "no such date 2023-02-29, at column 6"),
    ("date:2024-13", "no such date 2024-13, at column 6"),
    ("date:0000", "no such date 0000, at column 6"),
    ("date:2024-06..2024-05", "the date range runs backwards (low end first), at column 6"),
    ("is:", "is: takes published, unpublished, read, unread or saved, at column 4"),
    ("is:new", "is: takes published, unpublished, read, unread or saved, at column 4"),
    ("has:x", "has: takes url, date, heat, quality or topics, at column 5"),
    ("x has:images", "has:images is not supported yet (the list does not know about images), at column 7"),
    ("sort:heat", "sort is not part of a query: press s in the list, or give --sort, at column 1"),
    ("a -foo:bar", "unknown field foo: (to search for text with a colon, quote it), at column 4"),
    ('"abc', "this quote is never closed, at column 1"),
    ('ab "cd', "this quote is never closed, at column 4"),
    ('a"b', "a quote inside a word (leave a blank before the phrase), at column 2"),
    ('"a"b', "leave a blank after the closing quote, at column 4"),
    ('""', "nothing between the quotes, at column 1"),
    ('topic:"  "', "nothing between the quotes, at column 7"),
    ("-", "- needs a term right after it, at column 1"),
    ("a - b", "- needs a term right after it, at column 3"),
    ("--a", "one - is enough, at column 2"),
])
def test_errors_name_the_problem_and_its_column(text: str, message: str) -> None:
    with pytest.raises(QueryError) as caught:
        parse(text)
    assert str(caught.value) == message
    assert caught.value.column == int(message.rsplit(" ", 1)[1])


def test_a_long_unknown_field_name_is_cut_short_in_the_message() -> None:
    with pytest.raises(QueryError) as caught:
        parse("x" * 5000 + ":y")
    assert len(str(caught.value)) < 120


@FAST
@given(st.text(alphabet=st.sampled_from('ab:-"\\ .<>=0129x\tthea'), max_size=30) | st.text(max_size=30))
def test_any_text_parses_or_raises_a_query_error(text: str) -> None:
    try:
        expr = parse(text)
    except QueryError as error:
        assert 1 <= error.column <= len(text) + 1
        return
    assert parse(str(expr)) == expr  # and printing it back is a fixed point


# -- printing back ------------------------------------------------------------------------------

def _normal(text: str) -> str:
    return " ".join(text.split())


VALUES = st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=12) | st.text(
    alphabet=st.sampled_from('a-:" \\xé'), min_size=1, max_size=8)
NAMES = VALUES.map(_normal).filter(bool)


@st.composite
def periods(draw) -> Period:
    year = draw(st.integers(1, 9998))
    month = draw(st.none() | st.integers(1, 12))
    day = None if month is None else draw(st.none() | st.integers(1, calendar.monthrange(year, month)[1]))
    return Period(year, month, day)


@st.composite
def compares(draw) -> Compare:
    field = draw(st.sampled_from(["heat", "quality", "date"]))
    op = draw(st.sampled_from([">", ">=", "<", "<=", "=", ".."]))
    value = draw(periods() if field == "date" else st.integers(0, 10**15 - 1))
    if op != "..":
        return Compare(field, op, value)
    upper = draw(periods() if field == "date" else st.integers(0, 10**15 - 1))
    if field == "date":
        if upper.end() <= value.start():
            value, upper = upper, value
        if upper.end() <= value.start():
            upper = value
    elif upper < value:
        value, upper = upper, value
    return Compare(field, op, value, upper)


RELATIVE = st.builds(lambda op, ago: Compare("date", op, RelativeDay(ago)),
                     st.sampled_from([">", ">=", "<", "<=", "="]), st.integers(0, 1))
ATOMS = st.one_of(
    NAMES.map(Text), NAMES.map(Topic), NAMES.map(Provider), compares(), RELATIVE, st.just(Unscored()),
    st.sampled_from(IS_KINDS).map(Is), st.sampled_from(HAS_KINDS).map(Has),
)
EXPRESSIONS = st.lists(ATOMS | ATOMS.map(Not), max_size=6).map(lambda ts: Expression(tuple(ts)))


@FAST
@given(EXPRESSIONS)
def test_printing_a_query_and_parsing_it_again_gives_the_same_query(expr: Expression) -> None:
    assert parse(str(expr)) == expr


def test_printing_is_canonical() -> None:
    assert str(parse('  Heat:=5  after:2024 TOPIC:"AI"  "robot" IS:Saved -"x y" ')) == \
        'heat:5 date:>2024 topic:AI robot is:saved -"x y"'
    assert str(Text("-5")) == '"-5"' and str(Text("a:b")) == '"a:b"' and str(Text('a"b')) == '"a\\"b"'


def test_plain_words_search_for_each_word_as_it_is() -> None:
    text = plain_words('heat:>5 -robot "quoted" back\\slash  ok')
    assert terms(text) == (Text("heat:>5"), Text("-robot"), Text('"quoted"'), Text("back\\slash"), Text("ok"))
    assert plain_words("   ") == ""


def test_periods_cover_their_year_month_or_day_in_utc() -> None:
    assert Period(2024).start() == datetime(2024, 1, 1, tzinfo=UTC)
    assert Period(2024).end() == datetime(2025, 1, 1, tzinfo=UTC)
    assert Period(2024, 12).end() == datetime(2025, 1, 1, tzinfo=UTC)
    assert Period(2024, 2).end() == datetime(2024, 3, 1, tzinfo=UTC)
    assert Period(2024, 2, 29).end() == datetime(2024, 3, 1, tzinfo=UTC)
    assert Period(9998, 12, 31).end() == datetime(9999, 1, 1, tzinfo=UTC)
    assert str(Period(7, 3, 4)) == "0007-03-04"


# -- help and completion -----------------------------------------------------------------------

def test_the_syntax_summary_names_every_field_and_its_examples_parse() -> None:
    text = syntax_text()
    for word in ("topic:", "provider:", "heat:", "quality:", "date:", "after:", "before:", "is:", "has:",
                 "unscored", "Tab"):
        assert word in text
    for example, _ in SYNTAX:
        parse(example)


@pytest.mark.parametrize(("text", "cursor", "expected"), [
    ("he", None, ("heat:", 5, ())),
    ("HE", None, ("heat:", 5, ())),
    ("q", None, ("quality:", 8, ())),
    ("robot -to", None, ("robot -topic:", 13, ())),
    ("h", None, ("h", 1, ("has:", "heat:"))),
    ("is:unp", None, ("is:unpublished ", 15, ())),
    ("is:un", None, ("is:un", 5, ("unpublished", "unread"))),
    ("has:u", None, ("has:url ", 8, ())),
    ("heat:un", None, ("heat:unscored ", 14, ())),
    ("date:to", None, ("date:today ", 11, ())),
    ("after:y", None, ("after:yesterday ", 16, ())),
    ("topic:e", None, ("topic:Energy ", 13, ())),
    ("topic:bi", None, ("topic:bi", 8, ('"Big Tech"', "Biology"))),
    ("topic:big", None, ('topic:"Big Tech" ', 17, ())),
    ('topic:"Bi', None, ('topic:"Bi', 9, ('"Big Tech"', "Biology"))),
    ("he robot", 2, ("heat: robot", 5, ())),
    ("is:unp robot", 6, ("is:unpublished robot", 14, ())),
])
def test_tab_completes_field_names_and_values(text: str, cursor: int | None, expected) -> None:
    done = complete(text, len(text) if cursor is None else cursor, ["Energy", "Big Tech", "Biology", "AI"])
    assert done is not None
    assert (done.text, done.cursor, done.choices) == expected


@pytest.mark.parametrize("text", ["xyz", "heat:unscored", "provider:her", "robot:", '"heat', '"some he', '"a \\" he', "is:zzz"])
def test_nothing_to_complete(text: str) -> None:
    assert complete(text, len(text), ["Energy"]) is None


def test_completing_an_empty_word_lists_the_fields() -> None:
    done = complete("robot ", 6)
    assert done is not None and done.text == "robot " and "heat:" in done.choices and "is:" in done.choices


@pytest.mark.parametrize(("text", "wanted"), [
    ("is:unread", True), ("heat:>5 -is:read", True), ("topic:AI is:saved", True),
    ("is:unpublished", False), ("heat:>5 topic:AI", False),
    ('"is:unread"', False),  # a phrase that merely holds the words
    ("is:unre", False),      # malformed (still being typed): never evaluated
])
def test_names_state_tells_which_queries_ask_for_the_readers_marks(text, wanted):
    assert names_state(text) is wanted
