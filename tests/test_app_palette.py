"""Pilot tests of the command palette: item text in its hits is literal and inert."""

from __future__ import annotations

from textual.command import CommandList, CommandPalette
from textual.content import Content
from textual.style import Style

from reader.ui.app import ReaderApp, create_app
from tests.conftest import quiet_config, wait_until, write_item

# Topic names that Textual markup would turn into actions, links or a parse error.
HOSTILE_TOPICS = (
    "[@click=app.quit]quitter[/]",
    "[@click=app.screenshot('name','dir')]shooter[/]",
    '[link="file:///etc/passwd"]linker[/link]',
    "[/]",
)


def hostile_corpus(tmp_path):
    root = tmp_path / "content"
    for i, topic in enumerate(HOSTILE_TOPICS):
        write_item(root, f"{i}.md", title=f"Item {i}", topics=[topic, "Calm"],
                   publishedDateTime=f"2025-01-0{i + 1}T10:00:00Z",
                   webUrl=f"https://news.example.com/{i}")
    return root


def make(root) -> ReaderApp:
    return create_app(root, config=quiet_config(enabled=False), use_index=False)



async def loaded(pilot) -> None:
    app = pilot.app
    await wait_until(pilot, lambda: app.total and app.progress is None)


def active_styles(content: Content) -> list[Style]:
    """Every span style that would make text clickable (an action) or a hyperlink."""
    out = []
    for span in content.spans:
        style = Style.parse(span.style) if isinstance(span.style, str) else span.style
        if style.link or style.meta:
            out.append(style)
    return out


async def open_palette(pilot, query: str, hits: int) -> CommandList:
    app = pilot.app
    await pilot.press("ctrl+p")
    await wait_until(pilot, lambda: isinstance(app.screen, CommandPalette))
    await pilot.press(*query)
    commands = app.screen.query_one(CommandList)
    await wait_until(pilot, lambda: commands.option_count >= hits)
    return commands


def first_hit_at(commands: CommandList, column: int) -> tuple[int, int]:
    """An offset (for ``pilot.click``) on the first hit's first line, at ``column``."""
    inner = commands.content_region
    return (inner.x - commands.region.x + column, inner.y - commands.region.y)


async def test_topic_hits_show_markup_as_written_and_carry_no_action(tmp_path):
    app = make(hostile_corpus(tmp_path))
    async with app.run_test(size=(100, 30)) as pilot:
        await loaded(pilot)
        commands = await open_palette(pilot, "topic", 1 + len(HOSTILE_TOPICS))
        prompts = [commands.get_option_at_index(i).prompt for i in range(commands.option_count)]
        shown = [p.plain.split("\n")[0] for p in prompts]
        for topic in HOSTILE_TOPICS:
            assert f"Topic: {topic}" in shown, shown  # every hit, even after "[/]"
        assert "Topic: Calm" in shown
        for prompt in prompts:
            assert not active_styles(prompt), prompt.spans
        # The typed letters ("Topic") are still highlighted.
        first = prompts[shown.index(f"Topic: {HOSTILE_TOPICS[0]}")]
        assert {span.start for span in first.spans} >= set(range(5)), first.spans


async def test_clicking_a_markup_topic_hit_jumps_to_the_topic_and_runs_nothing(tmp_path):
    app = make(hostile_corpus(tmp_path))
    async with app.run_test(size=(100, 30)) as pilot:
        await loaded(pilot)
        commands = await open_palette(pilot, "quitter", 1)
        # Click where the link text "quitter" would be if the markup had been parsed,
        # and where it is now: the hit is selected, the app keeps running.
        await pilot.click(commands, offset=first_hit_at(commands, len("Topic: ") + 2))
        await wait_until(pilot, lambda: not isinstance(app.screen, CommandPalette))
        await wait_until(pilot, lambda: app.view.topic == HOSTILE_TOPICS[0])
        assert app.is_running and app.return_code is None


async def test_clicking_a_screenshot_markup_topic_hit_takes_no_screenshot(tmp_path):
    app = make(hostile_corpus(tmp_path))
    taken: list[tuple] = []
    app.action_screenshot = lambda *args: taken.append(args)  # what a click would run
    async with app.run_test(size=(100, 30)) as pilot:
        await loaded(pilot)
        commands = await open_palette(pilot, "shooter", 1)
        await pilot.click(commands, offset=first_hit_at(commands, len("Topic: ") + 3))
        await wait_until(pilot, lambda: app.view.topic == HOSTILE_TOPICS[1])
        assert taken == []
