"""Several content roots: labels, ids among the roots, loading them as one collection."""

from __future__ import annotations

import os
from pathlib import Path

from reader.core.ids import IdIndex
from reader.core.index import Index
from reader.core.loader import load_all
from reader.core.model import Item
from reader.core.roots import Roots, root_labels
from reader.core.roots_load import scan_roots
from reader.core.store import LoadProblem
from tests.conftest import write_item


def test_a_label_is_the_folder_name() -> None:
    assert root_labels([Path("/data/site-a"), Path("/data/site-b")]) == ["site-a", "site-b"]


def test_two_roots_with_the_same_name_take_their_parents_names() -> None:
    assert root_labels([Path("/x/a/news"), Path("/x/b/news"), Path("/y/sport")]) == [
        "a-news", "b-news", "sport"]


def test_labels_alike_to_the_top_are_numbered() -> None:
    assert root_labels([Path("/x/news"), Path("/x/news")]) == ["x-news", "x-news~2"]


def test_a_label_holds_nothing_a_query_or_an_id_would_trip_on() -> None:
    labels = root_labels([Path("/x/my news: daily"), Path('/x/.hidden "q"'), Path("/")])
    assert labels == ["my_news__daily", "_hidden__q_", "root"]


def test_a_root_given_twice_counts_once(tmp_path: Path) -> None:
    roots = Roots.of([tmp_path, tmp_path / "." ])
    assert roots.single and roots.primary == tmp_path


def test_one_root_keeps_its_ids(tmp_path: Path) -> None:
    roots = Roots.of(tmp_path)
    assert roots.full_id(roots.labels[0], "2024/05/a.md") == "2024/05/a.md"
    assert roots.locate("2024/05/a.md") == (tmp_path, "2024/05/a.md")
    assert roots.label_of("2024/05/a.md") is None


def test_several_roots_map_ids_to_their_own_root(tmp_path: Path) -> None:
    a, b = tmp_path / "one" / "news", tmp_path / "two" / "news"
    roots = Roots.of([a, b])
    assert roots.labels == ("one-news", "two-news")
    assert roots.full_id("two-news", "2024/05/a.md") == "two-news/2024/05/a.md"
    assert roots.locate("two-news/2024/05/a.md") == (b, "2024/05/a.md")
    assert roots.locate("three/a.md") is None
    assert roots.label_of("one-news/a.md") == "one-news"
    groups, lost = roots.split(["one-news/a.md", "two-news/b.md", "nowhere/c.md", "one-news/d.md"])
    assert groups == {"one-news": ["a.md", "d.md"], "two-news": ["b.md"]}
    assert lost == ["nowhere/c.md"]


def two_roots(tmp_path: Path) -> Roots:
    a, b = tmp_path / "x" / "site", tmp_path / "y" / "site"
    write_item(a, "2024/05/a.md", title="From the first", heat=10)
    write_item(a, "2024/05/b.md", title="Also the first", heat=20)
    write_item(b, "2024/05/a.md", title="From the second", heat=30)
    (b / "bad.md").write_text("---\ntitle: [unclosed\n---\n")
    for path in [*a.rglob("*.md"), *b.rglob("*.md")]:
        os.utime(path, ns=(1_700_000_000 * 10**9, 1_700_000_000 * 10**9))  # not racy: the index trusts them
    return Roots.of([a, b])


def test_two_roots_load_as_one_collection_without_clashing_ids(tmp_path: Path) -> None:
    roots = two_roots(tmp_path)
    batches = list(scan_roots(roots, use_index=False))
    assert [b.finished for b in batches].count(True) == 1 and batches[-1].finished
    entries = {e.id: e.title for b in batches for e in b.entries}
    assert entries == {"x-site/2024/05/a.md": "From the first", "x-site/2024/05/b.md": "Also the first",
                       "y-site/2024/05/a.md": "From the second"}
    assert [p.id for b in batches for p in b.problems] == ["y-site/bad.md"]
    assert roots.counts([e for b in batches for e in b.entries]) == [("x-site", 2), ("y-site", 1)]
    assert batches[-1].done == batches[-1].total == 4
    assert batches[-1].report is not None and batches[-1].report.total == 4


def test_each_root_loads_through_its_own_index(tmp_path: Path) -> None:
    roots = two_roots(tmp_path)
    list(scan_roots(roots))
    again = list(scan_roots(roots))  # now from the indexes
    assert {e.id for b in again for e in b.entries} == {
        "x-site/2024/05/a.md", "x-site/2024/05/b.md", "y-site/2024/05/a.md"}
    report = again[-1].report
    assert report is not None and report.from_index == 4 and report.parsed == 0
    for path in roots.paths:  # each index holds its own root's ids, unlabelled
        entries, _, _ = load_all(path, index=Index(path))
        assert all(not e.id.startswith(("x-site", "y-site")) for e in entries)


def test_an_item_is_read_from_its_own_root_under_its_full_id(tmp_path: Path) -> None:
    roots = two_roots(tmp_path)
    item = roots.load_item("y-site/2024/05/a.md")
    assert isinstance(item, Item)
    assert (item.id, item.title) == ("y-site/2024/05/a.md", "From the second")
    assert isinstance(roots.load_item("z-site/2024/05/a.md"), LoadProblem)
    assert roots.file_of("x-site/2024/05/b.md") == roots.paths[0] / "2024/05/b.md"


def test_typed_prefixes_resolve_among_labelled_ids(tmp_path: Path) -> None:
    roots = two_roots(tmp_path)
    ids = IdIndex(e.id for b in scan_roots(roots, use_index=False) for e in b.entries)
    assert ids.resolve("y-site/2024") == "y-site/2024/05/a.md"
    assert ids.resolve("x-site/2024/05/b") == "x-site/2024/05/b.md"


def test_root_is_a_query_term() -> None:
    from reader.core.querylang import QueryError, Root, parse

    expr = parse('root:site-a -root:"b"')
    assert expr.terms[0] == Root("site-a")
    assert str(expr) == "root:site-a -root:b"
    try:
        parse("root:")
    except QueryError as error:
        assert error.problem == "root needs a name"
    else:  # pragma: no cover
        raise AssertionError("root: without a label parsed")


def test_root_selects_the_items_of_that_root(tmp_path: Path) -> None:
    from reader.core.catalog import Catalog
    from reader.core.query import Query

    roots = two_roots(tmp_path)
    catalog = Catalog([e for b in scan_roots(roots, use_index=False) for e in b.entries])

    def ids(search: str) -> set[str]:
        return {e.id for e in catalog.query(Query(search=search))}

    assert ids("root:y-site") == {"y-site/2024/05/a.md"}
    assert ids("-root:y-site") == {"x-site/2024/05/a.md", "x-site/2024/05/b.md"}
    assert ids("root:x-site heat:>15") == {"x-site/2024/05/b.md"}
    assert ids("root:x") == set()  # the whole label, not a prefix of one


def test_an_unreadable_item_is_named_by_its_full_id(tmp_path: Path) -> None:
    roots = two_roots(tmp_path)
    problem = roots.load_item("y-site/bad.md")
    assert isinstance(problem, LoadProblem) and problem.id == "y-site/bad.md"
