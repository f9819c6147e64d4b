"""Property: an index row made from a front-matter mapping is the entry the full path makes.

``parse_rows.entry_row`` takes shortcuts (the provider's label without building
the provider, printable ASCII URLs without the sanitiser); whatever the mapping
holds, the row decodes to ``Entry.from_item(normalize.item(...))``.
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from reader.core import normalize
from reader.core.index import RowDecoder
from reader.core.model import Entry
from reader.core.parse_rows import entry_row

_WORDS = [
    "", " ", "~", "null", "NULL", "no", "yes", "-1", "12", "1e3", "2024-05-01T10:00:00Z",
    "https://a.example.com/p", "  https://a.example.com/p  ", "http://x.example/a?b=c#d",
    "a &amp; b", "&#8217;", "\x07", "\x1b[31m", "\u202e", "\x85", "caf\u00e9", "\u3000",
    "\U0001F600", "\ufeff", "\x7f", "\t", "\n", "Name", "example.com",
]
scalar = st.lists(st.sampled_from(_WORDS), max_size=4).map("".join)
value = st.recursive(
    scalar,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3),
        st.dictionaries(st.sampled_from(["name", "domain", "images", "url", "x"]), inner, max_size=3),
    ),
    max_leaves=6,
)
provider = st.one_of(
    value,
    st.fixed_dictionaries({}, optional={"name": value, "domain": value, "images": value}),
)
_FIELDS = ["title", "excerpt", "publishedDateTime", "originalUrl", "webUrl", "ampWebUrl",
           "cdnAmpWebUrl", "quality", "heat", "published", "topics"]
mapping = st.builds(
    lambda fields, prov: {**fields, **({} if prov is None else {"provider": prov})},
    st.dictionaries(st.sampled_from(_FIELDS), value, max_size=len(_FIELDS)),
    st.one_of(st.none(), provider),
)


@settings(max_examples=500, deadline=None, derandomize=True, database=None)
@given(mapping)
def test_a_row_decodes_to_the_entry_of_the_item(data: dict) -> None:
    row = entry_row("x.md", 1, 1, data)
    assert RowDecoder().entry(row) == Entry.from_item(normalize.item("x.md", data))


# publishedDateTime as items write it, on both sides of a real time (month 13, day 0,
# hour 24, 29 February ...), and near it: what ``entry_row`` reads without
# ``timestamp`` must be what ``timestamp`` reads.
utc_second = st.builds(
    "{:04d}-{:02d}-{:02d}T{:02d}:{:02d}:{:02d}{}".format,
    st.integers(0, 9999), st.integers(0, 13), st.integers(0, 32), st.integers(0, 25),
    st.integers(0, 61), st.integers(0, 61),
    st.sampled_from(["Z", "Z", "Z", "z", "+00:00", " Z", "Z ", ".5Z"]),
)


@settings(max_examples=1000, deadline=None, derandomize=True, database=None)
@given(utc_second)
def test_a_row_has_the_time_timestamp_reads(value: str) -> None:
    published_at = normalize.timestamp(value)
    row = entry_row("x.md", 1, 1, {"publishedDateTime": value})
    assert row[6] == (None if published_at is None else published_at.isoformat())


def test_the_time_strategy_reaches_both_sides() -> None:
    seen = set()

    @settings(max_examples=300, deadline=None, derandomize=True, database=None)
    @given(utc_second)
    def count(value: str) -> None:
        if value.endswith("Z") and len(value) == 20:
            seen.add(normalize.timestamp(value) is None)

    count()
    assert seen == {True, False}
