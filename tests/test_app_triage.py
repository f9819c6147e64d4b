"""Pilot tests of the triage desk: the queue, marks and batches, topics, undo, errors."""

from __future__ import annotations

import errno
import os
import subprocess
import sys
from pathlib import Path

from textual.content import Content
from textual.widgets import Input, OptionList, Static

from reader.core import audit, files
from reader.core.query import Published, SortKey
from reader.ui.app import ReaderApp, create_app
from reader.ui.screens.topic_prompt import TopicPrompt, matches
from reader.ui.widgets.article_list import ArticleList
from reader.ui.widgets.topic_sidebar import TopicSidebar
from tests.conftest import quiet_config, wait_loaded, wait_until, write_item

REPO = Path(__file__).resolve().parents[1]


def desk(tmp_path: Path) -> Path:
    """Five unpublished items (heat 90..10, one tie broken by quality), two published."""
    root = tmp_path / "desk"
    rows = [("hot.md", "Hot story", 90, 40), ("warm.md", "Warm story", 70, 20),
            ("tie-best.md", "Tie with better quality", 50, 80), ("tie.md", "Tie with worse quality", 50, 30),
            ("cold.md", "Cold story", 10, 50)]
    for i, (rel, title, heat, quality) in enumerate(rows):
        write_item(root, rel, title=title, heat=heat, quality=quality, published=False,
                   publishedDateTime=f"2025-01-0{i + 1}T10:00:00Z",
                   topics=["AI", "Energy"] if i == 0 else ["AI"], webUrl=f"https://news.example.com/{i}")
    write_item(root, "old.md", title="Old published", heat=99, quality=99, published=True,
               topics=["Robotics"])
    write_item(root, "older.md", title="Older published", heat=1, published=True, topics=["Robotics"])
    return root


def make(root: Path) -> ReaderApp:
    return create_app(root, config=quiet_config(enabled=False), use_index=False)


def ids(app: ReaderApp) -> list[str]:
    return [e.id for e in app.rows]


def current(app: ReaderApp) -> str | None:
    entry = app.query_one(ArticleList).highlighted
    return entry.id if entry else None


def notes(app: ReaderApp) -> list[str]:
    return [str(n.message) for n in app._notifications]


def status(app: ReaderApp) -> str:
    return str(app.query_one("#status-text", Static).render())


async def settled(pilot) -> None:
    """Until every edit asked for has been written and applied."""
    app = pilot.app
    await wait_until(pilot, lambda: not app.triage.busy)
    await pilot.pause()


async def detail_of(pilot, item_id: str) -> None:
    app = pilot.app
    await wait_until(pilot, lambda: app.current_item is not None and app.current_item.id == item_id)


# -- the queue ------------------------------------------------------------------------

async def test_queue_flow_publish_moves_on_updates_counts_and_changes_one_line(tmp_path: Path) -> None:
    root = desk(tmp_path)
    before = (root / "hot.md").read_bytes()
    app = make(root)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_loaded(pilot)
        await pilot.press("i")
        assert app.view.published is Published.UNPUBLISHED and app.view.sort is SortKey.HEAT
        assert ids(app) == ["hot.md", "warm.md", "tie-best.md", "tie.md", "cold.md"]  # ties: quality
        await detail_of(pilot, "hot.md")
        await pilot.press("P")
        assert current(app) == "warm.md"  # at once, before the write is done
        await settled(pilot)
        assert ids(app) == ["warm.md", "tie-best.md", "tie.md", "cold.md"]
        assert current(app) == "warm.md"
        assert app.unpublished == 4 and "4 unpublished" in status(app)
        sidebar = app.query_one(TopicSidebar)
        assert str(sidebar.get_option_at_index(1).prompt) == "Unpublished 4"
        assert any(n.startswith("Published “Hot story”") for n in notes(app))
        # The published item is still there under "All".
        await pilot.press("escape")
        assert "hot.md" in ids(app) and app.catalog.get("hot.md").published is True
    after = (root / "hot.md").read_bytes()
    assert after == before.replace(b"published: false", b"published: true")
    records, _ = audit.read_audit(root)
    assert [(r.item, r.field, r.old, r.new) for r in records] == [("hot.md", "published", False, True)]


async def test_the_sidebar_unpublished_entry_is_the_queue(tmp_path: Path) -> None:
    app = make(desk(tmp_path))
    async with app.run_test(size=(120, 30)) as pilot:
        await wait_loaded(pilot)
        assert app.view.sort is SortKey.DATE
        await pilot.press("t", "j", "enter")  # the second entry: Unpublished
        assert app.view.published is Published.UNPUBLISHED and app.view.sort is SortKey.HEAT
        assert ids(app)[0] == "hot.md"
        await pilot.press("s")  # sortable as usual
        assert app.view.sort is SortKey.QUALITY and app.view.published is Published.UNPUBLISHED


async def test_publishing_the_last_item_of_the_queue_lands_on_the_one_before(tmp_path: Path) -> None:
    app = make(desk(tmp_path))
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_loaded(pilot)
        await pilot.press("i", "G", "P")
        await settled(pilot)
        assert ids(app)[-1] == "tie.md" and current(app) == "tie.md"


# -- marks and batches ----------------------------------------------------------------

async def test_mark_three_and_publish_them_all(tmp_path: Path) -> None:
    root = desk(tmp_path)
    app = make(root)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_loaded(pilot)
        await pilot.press("i", "space", "space", "j", "space")
        assert app.triage.session.marks == {"hot.md", "warm.md", "tie.md"}
        articles = app.query_one(ArticleList)
        marked_rows = [y for y in range(5) if articles.render_line(y).text.startswith("✓●")]
        assert marked_rows == [0, 1, 3]  # a character, not only a colour
        assert "3 marked" in status(app)
        await pilot.press("P")
        await settled(pilot)
        assert ids(app) == ["tie-best.md", "cold.md"]
        assert app.triage.session.marks == set() and "marked" not in status(app)
        assert "Published 3 items" in notes(app)
    for name in ("hot.md", "warm.md", "tie.md"):
        assert b"published: true" in (root / name).read_bytes()
    assert b"published: false" in (root / "tie-best.md").read_bytes()


async def test_mark_all_shown_then_again_clears(tmp_path: Path) -> None:
    app = make(desk(tmp_path))
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_loaded(pilot)
        await pilot.press("i", "asterisk")
        assert app.triage.session.marks == set(ids(app)) and len(ids(app)) == 5
        await pilot.press("asterisk")
        assert app.triage.session.marks == set()


async def test_a_failing_item_does_not_stop_the_batch(tmp_path: Path) -> None:
    root = desk(tmp_path)
    os.chmod(root / "warm.md", 0o444)
    app = make(root)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_loaded(pilot)
        await pilot.press("i", "asterisk", "P")
        await settled(pilot)
        assert ids(app) == ["warm.md"]
        assert app.triage.session.marks == {"warm.md"}  # left marked, to try again
        note = next(n for n in notes(app) if "Published 4 items" in n)
        assert "Not changed: warm.md: read-only file" in note
        assert "Traceback" not in note
    assert b"published: false" in (root / "warm.md").read_bytes()


# -- topics ---------------------------------------------------------------------------

def test_topic_matches_put_prefixes_first() -> None:
    choices = [("AI", 9), ("Energy", 5), ("Renewable energy", 3), ("Robotics", 2)]
    assert matches(choices, "ener") == [("Energy", 5), ("Renewable energy", 3)]
    assert matches(choices, "") == choices


async def test_add_a_topic_with_completion_and_remove_one_of_the_items_own(tmp_path: Path) -> None:
    root = desk(tmp_path)
    app = make(root)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_loaded(pilot)
        await pilot.press("i")
        await detail_of(pilot, "hot.md")
        await pilot.press("plus")
        assert isinstance(app.screen, TopicPrompt)
        field = app.screen.query_one(Input)
        await pilot.press("r", "o")
        assert field._suggestion == "Robotics"  # the input offers the completion inline
        await pilot.press("tab")  # takes the highlighted match, in its own spelling
        assert field.value == "Robotics"
        await pilot.press("enter")
        await settled(pilot)
        assert app.catalog.get("hot.md").topics == ("AI", "Energy", "Robotics")
        assert current(app) == "hot.md"  # a topic does not move on: more may follow
        # Typed in another case: the existing "Energy", not a second topic.
        await pilot.press("j", "plus", *"energy", "enter")
        await settled(pilot)
        assert app.catalog.get("warm.md").topics == ("AI", "Energy")
        # Removing offers the item's own topics only.
        await pilot.press("minus")
        options = app.screen.query_one(OptionList)
        offered = [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
        assert offered == ["AI 1", "Energy 1"]
        await pilot.press("down", "down", "enter")  # pick the second
        await settled(pilot)
        assert app.catalog.get("warm.md").topics == ("AI",)
        await pilot.press("minus", *"Space", "enter")  # not one of its topics
        assert isinstance(app.screen, TopicPrompt)
        assert "Not one of the topics offered" in str(app.screen.query_one("#topic-hint", Static).render())
        await pilot.press("escape")
        assert not isinstance(app.screen, TopicPrompt)
    assert b"  - Robotics\n" in (root / "hot.md").read_bytes()
    assert b"Energy" not in (root / "warm.md").read_bytes()


async def test_typed_topic_takes_the_existing_spelling(tmp_path: Path) -> None:
    app = make(desk(tmp_path))
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_loaded(pilot)
        await pilot.press("i", "j", "plus", *"robotics", "enter")
        await settled(pilot)
        assert app.catalog.get("warm.md").topics == ("AI", "Robotics")
        assert dict(app.topics)["Robotics"] == 3  # the sidebar counts follow


async def test_hostile_titles_stay_text_in_the_topic_prompt(tmp_path: Path) -> None:
    root = tmp_path / "c"
    write_item(root, "x.md", title="[@click=app.quit]Boom[/] [b]bold", published=False, heat=1)
    app = make(root)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_loaded(pilot)
        await pilot.press("plus")
        box = app.screen.query_one("#topic-box")
        shown = Content.from_markup(box.border_title).plain  # the getter gives it back as markup
        assert shown == "Add a topic to “[@click=app.quit]Boom[/] [b]bold”"
        await pilot.press("escape")
        assert app.is_running


# -- undo -----------------------------------------------------------------------------

async def test_publish_then_undo_restores_the_exact_bytes_and_the_queue(tmp_path: Path) -> None:
    root = desk(tmp_path)
    before = {p.name: p.read_bytes() for p in root.glob("*.md")}
    app = make(root)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_loaded(pilot)
        await pilot.press("i", "P", "P", "plus", *"Fresh", "enter")
        await settled(pilot)
        assert ids(app) == ["tie-best.md", "tie.md", "cold.md"]
        await pilot.press("ctrl+z", "ctrl+z", "ctrl+z")
        await settled(pilot)
        assert ids(app) == ["hot.md", "warm.md", "tie-best.md", "tie.md", "cold.md"]
        assert current(app) == "hot.md"  # the cursor goes to what came back
        assert "Undone: publish “Hot story”" in notes(app)
        await pilot.press("ctrl+z")
        await settled(pilot)
        assert "Nothing to undo in this session." in notes(app)
    assert {p.name: p.read_bytes() for p in root.glob("*.md")} == before


async def test_undo_is_refused_when_another_process_changed_the_field(tmp_path: Path) -> None:
    root = desk(tmp_path)
    app = make(root)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_loaded(pilot)
        await pilot.press("i", "P")
        await settled(pilot)
        code = "import sys; from reader.core.edit import set_published; set_published(sys.argv[1], False)"
        subprocess.run([sys.executable, "-c", code, str(root / "hot.md")], check=True, cwd=REPO)
        theirs = (root / "hot.md").read_bytes()
        await pilot.press("ctrl+z")
        await settled(pilot)
        note = notes(app)[-1]
        assert note == "Not undone: hot.md: published was changed by someone else since (now false)"
        assert app.catalog.get("hot.md").published is False  # the catalog shows their change
    assert (root / "hot.md").read_bytes() == theirs


# -- someone else, errors -------------------------------------------------------------

async def test_a_file_changed_since_it_was_shown_is_still_published_and_said(tmp_path: Path) -> None:
    root = desk(tmp_path)
    app = make(root)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_loaded(pilot)
        await pilot.press("i")
        await detail_of(pilot, "hot.md")
        data = (root / "hot.md").read_bytes().replace(b"heat: 90", b"heat: 95")
        (root / "hot.md").write_bytes(data)  # someone else, while the editor reads
        await pilot.press("P")
        await settled(pilot)
        note = next(n for n in app._notifications if "Hot story" in str(n.message))
        assert "“Hot story” was changed by someone else since you opened it; published was set anyway" in str(
            note.message)
        assert note.severity == "warning"
        assert app.catalog.get("hot.md").heat == 95
    assert (root / "hot.md").read_bytes() == data.replace(b"published: false", b"published: true")


async def test_a_held_lock_is_one_line_and_nothing_changes(tmp_path: Path) -> None:
    root = desk(tmp_path)
    before = (root / "hot.md").read_bytes()
    app = make(root)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_loaded(pilot)
        app.triage.session.timeout = 0
        with files.item_lock(root / "hot.md"):
            await pilot.press("i", "P")
            await settled(pilot)
        note = list(app._notifications)[-1] if app._notifications else None
        assert note is not None and note.severity == "error"
        assert str(note.message) == ("Not changed: hot.md: another editor is changing this item "
                                     "(waited 0 s); try again")
        assert "hot.md" in ids(app)
    assert (root / "hot.md").read_bytes() == before


async def test_a_full_disk_is_one_line_and_the_file_is_intact(tmp_path: Path, monkeypatch) -> None:
    root = desk(tmp_path)
    before = (root / "hot.md").read_bytes()

    def full(fd, data):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(files, "_write_all", full)
    app = make(root)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_loaded(pilot)
        await pilot.press("i", "P")
        await settled(pilot)
        assert notes(app) == ["Not changed: hot.md: cannot write: disk full"]
        assert ids(app)[0] == "hot.md"
    assert (root / "hot.md").read_bytes() == before
    assert [p.name for p in root.iterdir() if p.name.endswith(".reader-tmp")] == []


async def test_a_refused_edit_is_one_line_with_the_reason(tmp_path: Path) -> None:
    root = tmp_path / "c"
    root.mkdir()
    data = b"---\ntitle: Aliased\nheat: 5\nflag: &v false\npublished: *v\n---\n"
    (root / "alias.md").write_bytes(data)
    app = make(root)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_loaded(pilot)
        await pilot.press("i")
        assert ids(app) == ["alias.md"]
        await pilot.press("P")
        await settled(pilot)
        assert notes(app) == [
            "Not changed: alias.md: published is an alias of another value; edit it by hand"]
    assert (root / "alias.md").read_bytes() == data


async def test_edits_wait_for_loading_to_finish(tmp_path: Path) -> None:
    root = desk(tmp_path)
    before = (root / "hot.md").read_bytes()
    app = make(root)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_loaded(pilot)
        app.progress = (1, 2)  # as while a large collection loads
        await pilot.press("P")
        assert "Still loading the items; edit once loading has finished" in notes(app)
        assert not app.triage.busy
    assert (root / "hot.md").read_bytes() == before


async def test_the_footer_shows_reading_keys_and_the_desk_keys_in_the_queue(tmp_path) -> None:
    """Readers see search/sort/topics; in the triage queue (or with marks) editors
    see mark/publish/topic/undo first. The triage keys work in either."""
    import shutil

    from textual.widgets import Footer
    from textual.widgets._footer import FooterKey

    from reader.ui.app import create_app
    from tests.conftest import SAMPLE, quiet_config, wait_loaded, wait_until

    root = tmp_path / "c"
    shutil.copytree(SAMPLE, root)
    app = create_app(root, config=quiet_config(enabled=False), use_index=False)

    def footer() -> list[str]:
        return [k.description for k in app.query_one(Footer).query(FooterKey)]

    async with app.run_test(size=(80, 24)) as pilot:
        await wait_loaded(pilot)
        await wait_until(pilot, lambda: "Search" in footer())
        assert "Publish" not in footer() and "Mark" not in footer()
        await pilot.press("i")
        await wait_until(pilot, lambda: footer()[:5] == ["Mark", "Publish", "Unpublish", "Topic", "Undo"])
        await pilot.press("escape")
        await wait_until(pilot, lambda: "Publish" not in footer())
        await pilot.press("space")  # a mark: the desk keys again
        await wait_until(pilot, lambda: footer()[:2] == ["Mark", "Publish"])
