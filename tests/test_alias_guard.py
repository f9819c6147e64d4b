"""The alias guard counts what aliases would add, never honest nodes (issue 7).

An honest 300 KB item with 5,000 related entries loads; alias bombs of several
shapes are refused, with work bounded by construction: ``count_nodes`` takes at
most ``distinct + written`` steps, whatever the expanded size.
"""

from __future__ import annotations

import pytest
import yaml

from reader.core import frontmatter
from reader.core.fastparse import parse_fast
from reader.core.frontmatter import MAX_ALIAS_NODES, FrontMatterError, count_nodes
from reader.core.model import Item
from reader.core.store import LoadProblem, parse_bytes


def compose(source: str) -> yaml.Node:
    loader = yaml.CBaseLoader(source)
    try:
        return loader.get_single_node()
    finally:
        loader.dispose()


def document(source: str) -> bytes:
    return f"---\n{source}---\n".encode()


def laughs(levels: int, width: int = 9) -> str:
    """The billion-laughs shape: each level a list of ``width`` aliases of the one before."""
    lines = ["l0: &l0 [" + ", ".join(['"lol"'] * width) + "]"]
    for i in range(1, levels):
        lines.append(f"l{i}: &l{i} [" + ", ".join([f"*l{i - 1}"] * width) + "]")
    return "\n".join(lines) + "\ntitle: boom\n"


def mapping_laughs(levels: int) -> str:
    """The same with mappings: each level a mapping whose values alias the level before."""
    lines = ["m0: &m0 {a: lol, b: lol, c: lol}"]
    for i in range(1, levels):
        lines.append(f"m{i}: &m{i} {{a: *m{i - 1}, b: *m{i - 1}, c: *m{i - 1}, d: *m{i - 1}}}")
    return "\n".join(lines) + "\ntitle: boom\n"


BOMBS = {
    "billion laughs": laughs(9),
    "billion laughs, 40 levels": laughs(40),
    "mapping laughs": mapping_laughs(30),
    "wide: one big block aliased many times": (
        "big: &big [" + ", ".join(f"x{i}" for i in range(2_000)) + "]\n"
        "copies: [" + ", ".join(["*big"] * 50) + "]\ntitle: wide\n"
    ),
    "wide: one scalar aliased past the limit": (
        "s: &s lol\nmany: [" + ", ".join(["*s"] * (MAX_ALIAS_NODES + 1)) + "]\n"
    ),
    "laughs hidden in the related list": (
        "title: hidden\n" + laughs(12).replace("title: boom\n", "")
        + "related:\n" + "".join(f"  - {{title: r{i}, extra: *l11}}\n" for i in range(3))
    ),
}

RECURSIVE = {
    "sequence inside itself": "a: &a [*a, *a]\n",
    "mapping inside itself": "a: &a {b: *a, c: x}\n",
    "two anchors in a loop": "a: &a [x, &b [y, *a]]\n",
}


@pytest.mark.parametrize("name", sorted(BOMBS))
def test_alias_bombs_are_refused(name: str) -> None:
    result = parse_bytes("bomb.md", document(BOMBS[name]))
    assert isinstance(result, LoadProblem), name
    assert "alias bomb" in result.reason
    assert "\n" not in result.reason


@pytest.mark.parametrize("name", sorted(BOMBS))
def test_counting_a_bomb_takes_steps_bounded_by_the_file_not_the_expansion(name: str) -> None:
    count = count_nodes(compose(BOMBS[name]))
    assert count.expanded - count.distinct > MAX_ALIAS_NODES
    assert count.steps <= count.distinct + count.written
    assert count.written < len(BOMBS[name])  # every written node costs at least a byte


def test_a_forty_level_bomb_costs_a_few_hundred_steps() -> None:
    count = count_nodes(compose(laughs(40)))
    assert count.expanded >= 9**18  # astronomically large (capped), never walked
    assert count.steps < 1_000


@pytest.mark.parametrize("name", sorted(RECURSIVE))
def test_recursive_aliases_are_refused(name: str) -> None:
    result = parse_bytes("loop.md", document(RECURSIVE[name]))
    assert isinstance(result, LoadProblem), name
    assert "recursive YAML alias" in result.reason


def test_the_limit_is_on_what_aliases_add() -> None:
    # a: [x] is 2 nodes; each *a adds 2 more when expanded.
    at_limit = "a: &a [x]\nb: [" + ", ".join(["*a"] * (MAX_ALIAS_NODES // 2)) + "]\n"
    data, _ = frontmatter.parse(document(at_limit))
    assert len(data["b"]) == MAX_ALIAS_NODES // 2
    over = "a: &a [x]\nb: [" + ", ".join(["*a"] * (MAX_ALIAS_NODES // 2 + 1)) + "]\n"
    with pytest.raises(FrontMatterError, match="alias bomb"):
        frontmatter.parse(document(over))


def test_an_honest_use_of_aliases_loads() -> None:
    source = (
        "title: shared provider\nprovider: &p {name: Gazette, domain: gazette.example.com}\n"
        "related:\n"
        + "".join(f"  - {{title: r{i}, webUrl: 'https://g.example.com/{i}', provider: *p}}\n"
                  for i in range(100))
    )
    item = parse_bytes("shared.md", document(source))
    assert isinstance(item, Item)
    assert len(item.related) == 100
    assert {r.provider.label for r in item.related} == {"Gazette"}


def test_construct_document_builds_each_distinct_node_once(monkeypatch) -> None:
    """libyaml shares aliased nodes, and the base constructor keeps them shared: even a
    bomb (composed without the guard) constructs in steps bounded by its distinct
    nodes. The guard stands before what reads the result as plain data."""
    calls = {"n": 0}
    base = yaml.constructor.BaseConstructor
    for name in ("construct_scalar", "construct_sequence", "construct_mapping"):
        original = getattr(base, name)

        def counted(self, node, *args, _original=original, **kw):
            calls["n"] += 1
            return _original(self, node, *args, **kw)

        monkeypatch.setattr(base, name, counted)
    source = laughs(20)
    loader = yaml.CBaseLoader(source)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node)
    finally:
        loader.dispose()
    count = count_nodes(compose(source))
    assert calls["n"] == count.distinct
    assert data["l19"][0] is data["l19"][1] is data["l18"]  # shared, not copied


# -- the honest big item ------------------------------------------------------------------

def big_item(n: int = 5_000) -> bytes:
    lines = [
        "---", 'category: news', 'title: "An honest item with a long related list"',
        'publishedDateTime: 2023-04-17T13:15:00Z',
        'webUrl: "https://news.example.com/big"', "heat: 88", "quality: 71", "related:",
    ]
    for i in range(n):
        lines += [f'  - title: "Story {i}"', f'    webUrl: "https://r.example.org/{i}"']
    return ("\n".join(lines) + "\n---\n").encode()


def test_a_300_kb_item_with_5000_related_entries_loads_whole() -> None:
    data = big_item()
    assert 250_000 < len(data) < 350_000
    mapping, _ = frontmatter.parse(data)
    assert len(mapping["related"]) == 5_000
    count = count_nodes(compose(data.decode().split("---\n")[1]))
    assert count.distinct > 25_000 and count.expanded == count.distinct  # no alias at all
    item = parse_bytes("big.md", data)
    assert isinstance(item, Item), item
    assert len(item.related) == 5_000
    assert item.related[4_999].title == "Story 4999"
    assert item.related[4_999].web_url == "https://r.example.org/4999"


def test_the_fast_path_reads_the_big_item_as_yaml_does() -> None:
    data = big_item()
    fast = parse_fast(data)
    assert fast is not None
    assert fast == frontmatter.parse(data)
