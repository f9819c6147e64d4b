"""Saved views in the config file: reading, bad entries, and writes that keep the file's style."""

from __future__ import annotations

import os
import tomllib
from pathlib import Path

import pytest

from reader.core import views as views_module
from reader.core.catalog import Catalog
from reader.core.config import load_config
from reader.core.model import Entry
from reader.core.query import Published, Query, SortKey
from reader.core.views import (
    DEFAULT_VIEWS,
    View,
    ViewsError,
    count_views,
    delete_view,
    load_views,
    query_text,
    rename_view,
    save_view,
    view_query,
)

HAND_WRITTEN = '''# my reader settings
theme = "nord"  # the dark one

[views]
# the desk first
"Triage queue" = { query = "is:unpublished", sort = "heat" }
Unscored = "heat:unscored"   # quick look

# by topic
[views."AI, hot"]
query = "topic:AI heat:>50"  # the editor's pick
sort = "heat"

[preview]
timeout = 5  # seconds
'''


@pytest.fixture
def config(tmp_path: Path) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(HAND_WRITTEN, encoding="utf-8")
    return path


def names(path: Path) -> list[str]:
    return [v.name for v in load_views(path).views]


def test_views_are_read_in_file_order_with_their_sort(config: Path) -> None:
    saved = load_views(config)
    assert saved.views == (
        View("Triage queue", "is:unpublished", SortKey.HEAT),
        View("Unscored", "heat:unscored"),
        View("AI, hot", "topic:AI heat:>50", SortKey.HEAT),
    )
    assert saved.warnings == () and not saved.defaults


def test_the_config_does_not_call_views_an_unknown_setting(config: Path) -> None:
    assert load_config(config).warnings == ()


def test_without_a_file_or_a_views_table_the_defaults_are_shown(tmp_path: Path) -> None:
    missing = load_views(tmp_path / "nope.toml")
    assert missing.views == DEFAULT_VIEWS and missing.defaults
    other = tmp_path / "other.toml"
    other.write_text('theme = "nord"\n', encoding="utf-8")
    assert load_views(other).views == DEFAULT_VIEWS
    assert [v.name for v in DEFAULT_VIEWS] == ["Triage queue", "Unscored", "Today"]


def test_an_empty_views_table_means_no_views(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text("[views]\n", encoding="utf-8")
    assert load_views(path).views == ()


def test_comments_and_order_survive_a_save_rename_and_delete_round_trip(config: Path) -> None:
    save_view(View("Energy", "topic:Energy", SortKey.QUALITY, reverse=True), config)
    save_view(View("Unscored", "heat:unscored is:unpublished"), config)  # replaced where it is
    save_view(View("AI, hot", "topic:AI heat:>60", SortKey.HEAT), config)  # the [table] form stays
    rename_view("Triage queue", "Desk", config)
    rename_view("AI, hot", "AI, very hot", config)
    delete_view("Energy", config)
    assert config.read_text(encoding="utf-8") == '''# my reader settings
theme = "nord"  # the dark one

[views]
# the desk first
Desk = { query = "is:unpublished", sort = "heat" }
Unscored = "heat:unscored is:unpublished"   # quick look

# by topic
[views."AI, very hot"]
query = "topic:AI heat:>60"  # the editor's pick
sort = "heat"

[preview]
timeout = 5  # seconds
'''


def test_a_new_view_goes_at_the_end_of_the_table_as_an_inline_table(config: Path) -> None:
    saved, replaced = save_view(View("Old energy", "topic:Energy", SortKey.DATE, reverse=True), config)
    assert replaced is None
    assert saved.find("Old energy") == View("Old energy", "topic:Energy", SortKey.DATE, reverse=True)
    text = config.read_text(encoding="utf-8")
    assert '"Old energy" = {query = "topic:Energy", sort = "date", reverse = true}' in text
    assert text.index("Old energy") < text.index('[views."AI, hot"]')  # still in [views]
    assert tomllib.loads(text)["preview"] == {"timeout": 5}


def test_saving_a_name_again_replaces_it_and_returns_the_old_view(config: Path) -> None:
    saved, replaced = save_view(View("Triage queue", "is:unpublished topic:AI"), config)
    assert replaced == View("Triage queue", "is:unpublished", SortKey.HEAT)
    assert saved.find("Triage queue") == View("Triage queue", "is:unpublished topic:AI")  # sort dropped
    assert names(config) == ["Triage queue", "Unscored", "AI, hot"]


def test_the_first_change_writes_the_defaults_with_it(tmp_path: Path) -> None:
    path = tmp_path / "new" / "config.toml"  # neither the file nor its folder exists
    saved, removed = delete_view("Unscored", path)
    assert removed == View("Unscored", "heat:unscored")
    assert [v.name for v in saved.views] == ["Triage queue", "Today"] and not saved.defaults
    assert tomllib.loads(path.read_text(encoding="utf-8"))["views"] == {
        "Triage queue": {"query": "is:unpublished", "sort": "heat"}, "Today": "date:today"}
    delete_view("Triage queue", path)
    delete_view("Today", path)
    assert load_views(path).views == ()  # not the defaults again


def test_a_file_without_views_keeps_its_settings_when_the_first_view_is_saved(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text('# mine\nwatch = false\n', encoding="utf-8")
    save_view(View("Mine", "topic:AI"), path)
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# mine\nwatch = false\n")
    assert names(path) == ["Triage queue", "Unscored", "Today", "Mine"]


def test_names_match_in_any_case_when_unambiguous(config: Path) -> None:
    delete_view("unscored", config)
    assert names(config) == ["Triage queue", "AI, hot"]
    with pytest.raises(ViewsError, match="no view called 'nothing'"):
        delete_view("nothing", config)


def test_a_rename_to_a_name_in_use_is_refused(config: Path) -> None:
    before = config.read_bytes()
    with pytest.raises(ViewsError, match="already"):
        rename_view("Unscored", "Triage queue", config)
    assert config.read_bytes() == before


@pytest.mark.parametrize(("name", "problem"), [
    ("", "the name is empty"), ("  ", "the name is empty"), (" x", "starts or ends with a blank"),
    ("a\nb", "control character"), ("x" * 81, "longer than 80"),
])
def test_bad_names_are_refused(config: Path, name: str, problem: str) -> None:
    with pytest.raises(ViewsError, match=problem):
        save_view(View(name, "robots"), config)


def test_a_query_with_an_error_is_not_saved(config: Path) -> None:
    before = config.read_bytes()
    with pytest.raises(ViewsError, match="the query has an error: unknown field nope:"):
        save_view(View("Bad", "nope:1"), config)
    assert config.read_bytes() == before


def test_bad_entries_warn_once_each_and_the_others_still_work(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text('''[views]
Good = "topic:AI"
"Bad query" = "heat:>>5"
Number = 5
"No query" = { sort = "heat" }
Sorted = { query = "robots", sort = "hotness", reverse = "yes", colour = "red" }
''', encoding="utf-8")
    saved = load_views(path)
    assert saved.views == (View("Good", "topic:AI"), View("Sorted", "robots"))
    assert saved.warnings == (
        f'{path}: views."Bad query": query: heat needs a number, at column 7; view left out',
        f'{path}: views.Number: expected a query ("is:unpublished") or a table with query = "..."; view left out',
        f'{path}: views."No query": query: expected the query text; view left out',
        f"{path}: views.Sorted: unknown key colour (known: query, sort, reverse); ignored",
        f"{path}: views.Sorted: sort: expected one of date, heat, quality, title, provider; the current sort is kept",
        f"{path}: views.Sorted: reverse: expected true or false; using false",
    )


def test_a_bad_entry_is_kept_as_written_when_another_view_is_saved(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text('[views]\n"Bad query" = "heat:>>5"  # fix me\n', encoding="utf-8")
    save_view(View("Good", "topic:AI"), path)
    assert path.read_text(encoding="utf-8") == '[views]\n"Bad query" = "heat:>>5"  # fix me\nGood = "topic:AI"\n'


@pytest.mark.parametrize("text", ["[views\n", "views = 3\n", b"\xff\xfe[views]\n"])
def test_a_file_that_cannot_be_read_as_views_is_never_written(tmp_path: Path, text: str | bytes) -> None:
    path = tmp_path / "config.toml"
    path.write_bytes(text if isinstance(text, bytes) else text.encode())
    saved = load_views(path)
    assert saved.views == DEFAULT_VIEWS and len(saved.warnings) == 1 and str(path) in saved.warnings[0]
    with pytest.raises(ViewsError, match="nothing was written"):
        save_view(View("Mine", "topic:AI"), path)
    assert path.read_bytes() == (text if isinstance(text, bytes) else text.encode())


def test_a_change_made_meanwhile_is_read_again_not_overwritten(config: Path, monkeypatch) -> None:
    real = views_module.atomic_write
    calls = []

    def racing(path, data, *, unchanged_since=None):
        if not calls:  # another reader saves a view between our read and our write
            calls.append(1)
            with open(config, "a", encoding="utf-8") as f:
                f.write('\n[views."Theirs"]\nquery = "topic:Energy"\n')
        return real(path, data, unchanged_since=unchanged_since)

    monkeypatch.setattr(views_module, "atomic_write", racing)
    save_view(View("Ours", "topic:AI"), config)
    assert {"Ours", "Theirs"} <= set(names(config))


def test_the_write_keeps_the_file_mode(config: Path) -> None:
    os.chmod(config, 0o600)
    save_view(View("Ours", "topic:AI"), config)
    assert config.stat().st_mode & 0o777 == 0o600


# -- using views ------------------------------------------------------------------------------

def test_choosing_a_view_sets_its_query_and_sort_or_keeps_the_current_sort() -> None:
    current = Query(sort=SortKey.TITLE, descending=False, topic="AI", published=Published.PUBLISHED,
                    search="robots")
    assert view_query(View("U", "heat:unscored"), current) == Query(
        sort=SortKey.TITLE, descending=False, search="heat:unscored")
    assert view_query(View("T", "is:unpublished", SortKey.HEAT), current) == Query(
        sort=SortKey.HEAT, descending=True, search="is:unpublished")
    assert view_query(View("O", "x", SortKey.DATE, reverse=True), current).descending is False


def test_the_current_filters_become_one_query() -> None:
    assert query_text(Query()) == ""
    assert query_text(Query(topic="Big Tech", published=Published.UNPUBLISHED, search=" robots -topic:AI ")) == \
        'topic:"Big Tech" is:unpublished robots -topic:AI'


def _entry(id: str, heat: int | None, published: bool | None, unscored: bool = False) -> Entry:
    return Entry(id=id, title=id, provider="", published_at=None, heat=heat, quality=None,
                 published=published, topics=(), heat_unscored=unscored)


def test_counts_come_from_the_catalog_and_follow_its_changes() -> None:
    catalog = Catalog([_entry("a", 90, False), _entry("b", None, True, unscored=True), _entry("c", 5, None)])
    assert count_views(catalog, DEFAULT_VIEWS) == {"Triage queue": 1, "Unscored": 1, "Today": 0}
    catalog.apply([_entry("d", None, False, unscored=True)])
    assert count_views(catalog, DEFAULT_VIEWS) == {"Triage queue": 2, "Unscored": 2, "Today": 0}
    assert catalog.count("") == 4
