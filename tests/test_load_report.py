"""The load report screen (``e``) names files whose names are not UTF-8 visibly,
with the right cell width."""

from __future__ import annotations

import os
from pathlib import Path

from textual.app import App
from textual.widgets import OptionList

from reader.core.store import LoadProblem
from reader.ui.app import create_app
from reader.ui.screens.load_report_screen import LoadReportScreen
from tests.conftest import quiet_config
from tests.conftest import wait_loaded as loaded


def first_line(option_list: OptionList):
    prompt = option_list.get_option_at_index(0).prompt
    return prompt.split("\n")[0]


def no_surrogates(text: str) -> bool:
    return not any("\ud800" <= ch <= "\udfff" for ch in text)


class ReportApp(App[None]):
    def __init__(self, problems: list[LoadProblem]) -> None:
        super().__init__()
        self._problems = problems

    def on_mount(self) -> None:
        self.push_screen(LoadReportScreen(self._problems))


async def test_the_screen_sanitises_the_names_it_is_given():
    raw = os.fsdecode(b"bad\x9bname.md")  # as a caller might hand it over, unsanitised
    app = ReportApp([LoadProblem(raw, "cannot read: Permission denied")])
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        line = first_line(app.screen.query_one(OptionList))
        assert line.plain == "bad\ufffdname.md"
        assert line.cell_length == len("bad\ufffdname.md") and no_surrogates(line.plain)


async def test_a_bad_file_name_in_the_app_report(tmp_path: Path, fake_preview):
    root = tmp_path / "content"
    root.mkdir()
    (root / "a.md").write_text('---\ntitle: "Alpha"\n---\n', encoding="utf-8")
    with open(os.path.join(os.fsencode(root), b"worse\x9b\xe2\x80\x8b.md"), "wb") as fh:
        fh.write(b"---\ntitle: [unclosed\n---\n")
    app = create_app(root, config=quiet_config(), preview_service=fake_preview, use_index=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await loaded(pilot)
        await pilot.press("e")
        assert isinstance(app.screen, LoadReportScreen)
        line = first_line(app.screen.query_one(OptionList))
        # the lone surrogate shows as U+FFFD, the zero-width space is dropped
        assert line.plain == "worse\ufffd.md" and line.cell_length == len("worse\ufffd.md")
