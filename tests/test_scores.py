"""Heat and quality are counts as written, not percentages (issue 7).

Real items hold values above 100 (up to 241 seen): they load as written, sort by
their true value, and a bar is drawn against a scale while the number is printed.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from reader.core import describe as d
from reader.core import normalize
from reader.core.catalog import Catalog
from reader.core.describe import describe
from reader.core.index import Index
from reader.core.loader import load_all
from reader.core.model import Entry, Item
from reader.core.query import Query, SortKey, sort_order
from reader.core.store import load_directory
from reader.ui.app import create_app
from reader.ui.item_render import item_content
from reader.ui.widgets.article_list import ArticleList
from tests.conftest import quiet_config, shared_dir, wait_loaded, write_item

SHARED = shared_dir()  # ../shared beside the repository; fails (never skips) if missing
POWERAPPS = SHARED / "real-items" / "powerapps"


# -- the normaliser -----------------------------------------------------------------------

@pytest.mark.parametrize(
    ("raw", "expected"),
    [("104", 104), ("191", 191), ("241", 241), ("1000", 1000), ("999999999", 999_999_999),
     ("1000000000", None),  # past MAX_SCORE: not a score
     ("-1", None), ("-5", None),  # a negative quality is no score, not 0
     ("7.5", 8), ("7.4", 7), ("0.5", 1), ("241.0", 241), ("1.5e2", 150),
     (104, 104), (7.5, 8), (True, None), (None, None), ("n/a", None)],
)
def test_quality_keeps_the_written_value(raw: object, expected: int | None) -> None:
    assert normalize.score(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("241", (241, False)), ("137", (137, False)), ("100", (100, False)), ("0", (0, False)),
     ("-1", (None, True)), ("-7", (None, True)), ("7.5", (8, False)),
     ("1000000000", (None, False)), ("", (None, False))],
)
def test_heat_keeps_the_written_value_and_minus_one_is_unscored(raw, expected) -> None:
    assert normalize.heat(raw) == expected


def test_digits_are_read_exactly_not_through_a_float() -> None:
    assert normalize.integer("123456789012345678901") == 123456789012345678901
    assert normalize.score("999999999") == 999_999_999


def test_an_item_file_keeps_values_over_100(tmp_path: Path) -> None:
    write_item(tmp_path, "hot.md", title="Hot", heat=241, quality=191)
    (item,) = load_directory(tmp_path).items
    assert (item.heat, item.quality, item.heat_unscored) == (241, 191, False)


def _through_index(root: Path, index_dir: Path) -> list[tuple[list[Entry], int]]:
    """Load ``root`` twice through a persistent index: cold (parsed), then warm."""
    runs = []
    for _ in range(2):
        with Index(root, directory=index_dir) as ix:
            entries, problems, report = load_all(root, index=ix, workers=0)
        assert not problems
        runs.append((entries, report.from_index))
    return runs


def test_the_index_keeps_values_over_100(tmp_path: Path) -> None:
    root = tmp_path / "c"
    path = write_item(root, "hot.md", title="Hot", heat=241, quality=191)
    os.utime(path, ns=(1_600_000_000_000_000_000,) * 2)  # not "racy": the index keeps it
    (cold, _), (warm, from_index) = _through_index(root, tmp_path / "ix")
    assert from_index == 1
    assert [(e.heat, e.quality) for e in cold] == [(e.heat, e.quality) for e in warm] == [(241, 191)]


# -- sorting ------------------------------------------------------------------------------

def _entry(i: int, heat: int | None, quality: int | None = None, unscored: bool = False) -> Entry:
    return Entry(f"{i}.md", f"t{i}", "", None, heat, quality, None, (), heat_unscored=unscored)


def test_sort_by_heat_orders_values_over_100_by_their_true_value() -> None:
    entries = [_entry(0, 99), _entry(1, 241), _entry(2, None, unscored=True), _entry(3, 104),
               _entry(4, 100), _entry(5, 137), _entry(6, None)]
    order = sort_order(entries, SortKey.HEAT, descending=True)
    assert [entries[i].heat for i in order] == [241, 137, 104, 100, 99, None, None]
    catalog = Catalog(entries)
    assert [e.heat for e in catalog.query(Query(sort=SortKey.HEAT))] == [241, 137, 104, 100, 99, None, None]
    assert [e.heat for e in catalog.query(Query(sort=SortKey.HEAT, descending=False))][:5] == [
        99, 100, 104, 137, 241]


def test_sort_by_quality_orders_values_over_100(tmp_path: Path) -> None:
    for name, quality in (("a", 148), ("b", 63), ("c", 108), ("d", 100), ("e", 191)):
        write_item(tmp_path, f"{name}.md", title=name, quality=quality)
    catalog = Catalog(Entry.from_item(i) for i in load_directory(tmp_path).items)
    assert [e.quality for e in catalog.query(Query(sort=SortKey.QUALITY))] == [191, 148, 108, 100, 63]
    assert catalog.largest(SortKey.QUALITY) == 191


# -- bars ---------------------------------------------------------------------------------

def test_bar_is_drawn_against_a_scale() -> None:
    assert d.bar(241, scale=241) == "█" * 10
    assert d.bar(50, scale=241) == "██" + "░" * 8  # 50/241 of 10 cells, rounded
    assert d.bar(241, scale=100) == "█" * 10  # past the scale: full, never longer
    assert d.bar(50) == "█████░░░░░"
    assert d.bar(None, scale=241) == "░" * 10
    assert d.bar_scale(None) == 100 and d.bar_scale(60) == 100 and d.bar_scale(241) == 241


def test_reader_show_prints_the_real_number() -> None:
    item = Item(id="x.md", title="Hot", heat=241, quality=60)
    text = describe(item)
    assert "Heat:      ██████████ 241" in text  # no collection: full at max(100, value)
    assert "Quality:   ██████░░░░ 60" in text


def test_item_content_scales_the_bars_and_prints_the_values() -> None:
    item = Item(id="x.md", title="Hot", heat=241, quality=104)
    shown = item_content(item, heat_scale=241, quality_scale=208).plain
    assert "Heat      ██████████ 241" in shown
    assert "Quality   █████░░░░░ 104" in shown
    cool = Item(id="y.md", title="Cool", heat=50, quality=50)
    assert "Heat      ██░░░░░░░░ 50" in item_content(cool, heat_scale=241).plain


async def _show(pilot, item_id: str) -> str:
    app = pilot.app
    app.query_one(ArticleList).move_to_id(item_id)
    for _ in range(200):
        await pilot.pause(0.02)
        if app.current_item is not None and app.current_item.id == item_id:
            return str(app.query_one("#item-view").render())
    raise AssertionError(f"{item_id} was not shown")


async def test_detail_pane_scales_bars_to_the_largest_in_the_collection(tmp_path: Path) -> None:
    write_item(tmp_path, "hot.md", title="Hot", heat=241, quality=90,
               publishedDateTime="2024-01-02T10:00:00Z")
    write_item(tmp_path, "cool.md", title="Cool", heat=50, quality=45,
               publishedDateTime="2024-01-01T10:00:00Z")
    app = create_app(tmp_path, config=quiet_config(enabled=False), preview_service=None,
                     use_index=False)
    async with app.run_test(size=(100, 40)) as pilot:
        await wait_loaded(pilot)
        hot = await _show(pilot, "hot.md")
        assert "Heat      ██████████ 241" in hot
        assert "Quality   █████████░ 90" in hot  # quality's largest is 90: scale 100
        cool = await _show(pilot, "cool.md")
        assert "Heat      ██░░░░░░░░ 50" in cool  # 50 of 241, not half a bar


# -- the real powerapps items -------------------------------------------------------------

def _written(path: Path, field: str) -> int | None:
    m = re.search(rf"^{field}: (-?\d+)\s*$", path.read_text(encoding="utf-8"), re.M)
    return int(m.group(1)) if m else None


def test_powerapps_values_load_as_written(tmp_path: Path) -> None:
    assert POWERAPPS.is_dir(), f"shared real items missing: {POWERAPPS}"
    files = sorted(POWERAPPS.glob("*.md"))
    assert len(files) == 22
    written = {p.name: (_written(p, "heat"), _written(p, "quality")) for p in files}
    assert max(h for h, _ in written.values()) > 100  # the point of this sample
    result = load_directory(POWERAPPS)
    assert not result.problems
    assert {i.id: (i.heat, i.quality) for i in result.items} == written
    for entries, _ in _through_index(POWERAPPS, tmp_path / "ix"):
        assert {e.id: (e.heat, e.quality) for e in entries} == written


def test_cli_table_columns_fit_values_of_any_width() -> None:
    from reader.cli import format_table

    rows = [_entry(0, 241, 191), _entry(1, 12345, 7), _entry(2, None, None, unscored=True)]
    lines = format_table(rows).splitlines()
    starts = {line.index(f"t{i}") for i, line in enumerate(lines[1:])}
    assert len(starts) == 1 and lines[0].index("TITLE") in starts  # titles aligned
    assert " 241  191 " in lines[1] and "12345    7 " in lines[2]
