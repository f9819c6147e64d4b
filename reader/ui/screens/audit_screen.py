"""The audit log of the content root, newest first.

The log is a shared file anyone with write access to the content can append
to: every string in it is untrusted, goes through the sanitiser and is shown
as literal ``Content``. It is read in a worker thread (it may be long).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual.app import ComposeResult
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Footer
from textual.widgets.option_list import Option

from reader.core.audit import AuditReader, AuditRecord
from reader.core.sanitize import sanitize
from reader.ui.keys import bindings
from reader.ui.screens import SCREENS_CSS
from reader.ui.widgets.nav_list import NavList

SHOWN = 2000  # the newest records listed
MUTED = "$text-muted"


def _value(value: Any, limit: int = 40) -> str:
    if value is None:
        text = "missing"
    elif isinstance(value, bool):
        text = "true" if value else "false"
    elif isinstance(value, list):
        text = "[" + ", ".join(_value(v, limit) for v in value) + "]"
    else:
        text = str(value)
    text = sanitize(text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def change_text(record: AuditRecord) -> str:
    """What changed, in a few words: "published false → true", "topic + AI"."""
    extra = record.extra
    action, topic = extra.get("action"), extra.get("topic")
    if record.field == "topics" and action in ("add", "remove") and isinstance(topic, str):
        text = f"topic {'+' if action == 'add' else '-'} {_value(topic)}"
    else:
        text = f"{_value(record.field, 20)} {_value(record.old)} → {_value(record.new)}"
    return text + (" (undo)" if extra.get("undo") is True else "")


def record_content(record: AuditRecord) -> Content:
    """Two lines: when, who and what; then the item's id."""
    who = (sanitize(record.user) or "(unknown)") + (f"@{sanitize(record.host)}" if record.host else "")
    return Content.assemble(
        (record.time.strftime("%Y-%m-%d %H:%M UTC"), MUTED), "  ",
        (who, "bold"), "  ", change_text(record),
        "\n  ", (sanitize(record.item), MUTED),
    )


class AuditLogScreen(ModalScreen[None]):
    CSS_PATH = SCREENS_CSS
    BINDINGS = bindings("audit")

    def __init__(self, root: Path) -> None:
        super().__init__()
        self._root = root

    def compose(self) -> ComposeResult:
        log = NavList(id="audit-list")
        log.border_title = Content("Audit log (reading…)")
        yield log
        yield Footer()

    def on_mount(self) -> None:
        # The app's worker, so a failure ends up in the app's one worker-error handler.
        self.app.run_worker(self._read_log, name="audit log", group="audit", thread=True,
                            exclusive=True, exit_on_error=False)

    def _read_log(self) -> None:  # a worker thread
        reader = AuditReader(self._root)
        records = list(reader)
        self.app.call_from_thread(self._show, records, reader.damaged, reader.error)

    def _show(self, records: list[AuditRecord], damaged: int, error: str | None) -> None:
        if not self.is_attached:
            return  # closed before the log was read
        log = self.query_one("#audit-list", NavList)
        newest = records[::-1][:SHOWN]
        options: list[Option] = [Option(record_content(r)) for r in newest]
        if error:
            options.insert(0, Option(Content.styled(sanitize(error), "$error"), disabled=True))
        elif not records:
            options.append(Option(Content.styled(
                sanitize(f"No changes logged yet in {self._root}"), MUTED), disabled=True))
        log.set_options(options)
        n = len(records)
        title = f"Audit log: {n:,} change{'s' if n != 1 else ''}, newest first"
        if n > SHOWN:
            title += f" (the newest {SHOWN:,} shown)"
        if damaged:
            title += f" · {damaged} damaged line{'s' if damaged != 1 else ''} skipped"
        log.border_title = Content(title)
        log.highlighted = 0 if newest else None
        log.focus()
