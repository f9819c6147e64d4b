"""``reader list --stories``: one row (or JSON line) per story, in the list's order of the best versions."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from reader.cli import main
from tests.conftest import write_item

LEDE = ("Hugging Face has raised a $40 million Series B funding round, led by Addition. The company builds "
        "an open source library for natural language processing used by thousands of teams.")


@pytest.fixture
def newsroom(tmp_path: Path) -> Path:
    root = tmp_path / "content"
    tc = "https://techcrunch.example.com/2021/03/11/hugging-face-raises-40-million/"
    write_item(root, "a.md", title="Hugging Face raises $40 million for its language library", excerpt=LEDE,
               publishedDateTime="2021-03-11T15:11:00Z", heat=40, quality=70, webUrl=tc,
               provider={"name": "TechCrunch"})
    write_item(root, "b.md", title="Hugging Face raises $40 million for its language library - Wire", excerpt=LEDE,
               publishedDateTime="2021-03-12T08:00:00Z", heat=80, quality=10,
               webUrl="https://wire.example.org/hf-40m", provider={"name": "Wire"})
    write_item(root, "c.md", title="Hugging Face lands $40 million: why it matters",
               excerpt="A look at what the round means for open source AI.",
               publishedDateTime="2021-03-13T10:00:00Z", heat=20, quality=90,
               webUrl="https://analysis.example.net/hf", related=[{"title": "x", "ampWebUrl": tc + "amp/"}])
    write_item(root, "d.md", title="Cohere raises $40 million for its language library",
               excerpt=LEDE.replace("Hugging Face", "Cohere"),
               publishedDateTime="2021-03-14T09:00:00Z", heat=50, quality=50,
               webUrl="https://techcrunch.example.com/2021/03/14/cohere-raises-40-million/")
    write_item(root, "e.md", title="Hugging Face raises $40 million (updated)", excerpt="",
               publishedDateTime="2021-03-10T09:00:00Z", heat=5,
               originalUrl=tc + "?utm_source=feed", webUrl="https://feeds.example.com/item/93812")
    return root


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_json_lines_name_the_best_and_every_item_in_list_order(capsys, newsroom: Path) -> None:
    code, out, err = run(capsys, "list", str(newsroom), "--stories", "--json")
    assert (code, err) == (0, "")
    lines = [json.loads(line) for line in out.splitlines()]
    # e shares a's page (tracking parameters aside), so it is a's story though its text differs;
    # c names a's page in related and shares its title words; d is another company.
    assert lines == [
        {"id": "d.md", "ids": ["d.md"]},
        {"id": "b.md", "ids": ["c.md", "b.md", "a.md", "e.md"]},
    ]


def test_the_sort_order_is_the_best_versions(capsys, newsroom: Path) -> None:
    _code, out, _ = run(capsys, "list", str(newsroom), "--stories", "--ids", "--sort", "heat")
    assert out.splitlines() == ["b.md", "d.md"]
    _, out, _ = run(capsys, "list", str(newsroom), "--stories", "--ids", "--sort", "heat", "--limit", "1")
    assert out.splitlines() == ["b.md"]


def test_the_table_has_one_row_per_story_with_its_size(capsys, newsroom: Path) -> None:
    code, out, _err = run(capsys, "list", str(newsroom), "--stories")
    rows = out.splitlines()[1:]
    assert code == 0 and len(rows) == 2
    assert "×4 Hugging Face raises" in rows[1] and rows[1].endswith("b.md")
    assert "×" not in rows[0] and rows[0].endswith("d.md")


def test_a_query_clusters_only_the_items_it_selects(capsys, newsroom: Path) -> None:
    _, out, _ = run(capsys, "list", str(newsroom), "--stories", "--json", "heat:<60")
    assert [json.loads(line) for line in out.splitlines()] == [
        {"id": "d.md", "ids": ["d.md"]},
        {"id": "a.md", "ids": ["c.md", "a.md", "e.md"]},
    ]


def test_past_the_read_limit_related_lists_are_left_out_and_said_so(capsys, newsroom: Path, monkeypatch) -> None:
    monkeypatch.setattr("reader.cli.story_list.RELATED_READ_LIMIT", 2)
    code, out, err = run(capsys, "list", str(newsroom), "--stories", "--json")
    assert code == 0 and "related lists are not read" in err
    assert {"id": "c.md", "ids": ["c.md"]} in [json.loads(line) for line in out.splitlines()]


def test_without_stories_the_list_is_unchanged(capsys, newsroom: Path) -> None:
    _, out, _ = run(capsys, "list", str(newsroom), "--ids")
    assert out.splitlines() == ["d.md", "c.md", "b.md", "a.md", "e.md"]
