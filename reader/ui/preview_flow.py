"""The preview part of the app: debounce, fetch in a worker, prefetch, actions.

A mixin of ``ReaderApp``; kept apart so the app module stays about layout
and dispatch.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from textual import work
from textual.widgets import TabbedContent

from reader.core.links import choose_link
from reader.core.model import Item
from reader.core.sanitize import sanitize
from reader.core.store import load_item
from reader.ui.screens.preview_screen import PreviewScreen
from reader.ui.widgets.detail_pane import DetailPane
from reader.ui.widgets.preview_view import PreviewState, shown_link

log = logging.getLogger("reader.ui")


class PreviewFlow:
    """Needs from the app: config, root, rows, current_item, _preview_* attributes."""

    def _schedule_preview(self, item: Item, *, refresh: bool = False, delay: float | None = None) -> None:
        if self._preview_timer is not None:
            self._preview_timer.stop()
        if not self.config.preview.enabled:
            self._set_preview(PreviewState("idle", item.id, message="Previews are turned off in the config."))
            return
        if not item.url_candidates:
            self._set_preview(PreviewState("idle", item.id, message="This item has no URL to preview."))
            return
        self._set_preview(PreviewState("waiting", item.id, message="Preview starts when you stop here…"))
        wait = self.config.preview.debounce_ms / 1000 if delay is None else delay
        if wait <= 0:
            self.fetch_preview(item, refresh=refresh)
            return
        self._preview_timer = self.set_timer(
            wait, lambda: self.fetch_preview(item, refresh=refresh), name="preview-debounce"
        )

    def _set_preview(self, state: PreviewState) -> None:
        self._preview_state = state
        self.query_one(DetailPane).preview.state = state

    def _service(self) -> Any:
        if self._preview_service is None:
            from reader.preview.setup import make_service

            self._preview_service = make_service(self.config.preview, use_cache=self._use_cache)
        return self._preview_service

    @work(exclusive=True, group="preview", exit_on_error=False)
    async def fetch_preview(self, item: Item, *, refresh: bool = False) -> None:
        provider = item.provider.label if item.provider else None
        self._set_preview(PreviewState("loading", item.id, item.title, provider))
        result = await self._service().preview(item.url_candidates, refresh=refresh)
        if self.current_item is None or self.current_item.id != item.id:
            return
        if hasattr(result, "article"):
            self._set_preview(PreviewState("ready", item.id, item.title, provider, preview=result))
        else:
            log.info("preview failed for %s: %s", item.id, getattr(result, "reason", result))
            self._set_preview(PreviewState("failed", item.id, item.title, provider, failure=result))
        if self.config.preview.prefetch > 0:
            self.prefetch_after(item.id)

    @work(exclusive=True, group="prefetch", exit_on_error=False)
    async def prefetch_after(self, item_id: str) -> None:
        """Warm the cache for the next few items, at most 4 fetches at a time."""
        rows = self.rows
        index = next((i for i, e in enumerate(rows) if e.id == item_id), None)
        if index is None:
            return
        wanted = [e.id for e in rows[index + 1 : index + 1 + self.config.preview.prefetch]]
        limit = asyncio.Semaphore(4)
        service = self._service()

        async def one(next_id: str) -> None:
            async with limit:
                item = await asyncio.to_thread(load_item, self.root, next_id)
                if isinstance(item, Item) and item.url_candidates:
                    await service.preview(item.url_candidates)

        await asyncio.gather(*(one(i) for i in wanted))

    def action_preview(self) -> None:
        state = self._preview_state
        item = self.current_item
        if item is None:
            return
        if state.status == "ready" and state.item_id == item.id:
            self.push_screen(PreviewScreen(state.preview, item.title,
                                           item.provider.label if item.provider else None))
            return
        self.query_one(DetailPane).query_one(TabbedContent).active = "tab-preview"
        if state.status in ("idle", "waiting", "failed"):
            self._schedule_preview(item, delay=0)

    def action_refetch(self) -> None:
        if self.current_item is not None:
            self._schedule_preview(self.current_item, refresh=True, delay=0)

    def _preview_in_view(self) -> bool:
        if isinstance(self.screen, PreviewScreen):
            return True
        panes = self.screen.query(DetailPane)
        return bool(panes) and panes.first().active_tab == "tab-preview"

    def action_copy_url(self) -> None:
        """Copy the URL in view: on the preview, the one it names; else the item's
        first http(s) URL. Any other kind is never copied, and ``c`` says why."""
        item = self.current_item
        if item is None:
            return
        state = self._preview_state
        shown = shown_link(state) if state.item_id == item.id and self._preview_in_view() else None
        candidates = [shown] if shown is not None else list(item.url_candidates)
        if not candidates:
            self.notify("This item has no URL to copy.", markup=False)
            return
        choice = choose_link(candidates)
        refused = [f"{sanitize(name)} not copied: {reason}" for name, _url, reason in choice.skipped]
        if choice.chosen is None:
            self.notify("\n".join(["Nothing copied: only http and https links are.", *refused]),
                        severity="warning", markup=False)
            return
        name, url = choice.chosen
        self.copy_to_clipboard(url)
        said = f"Copied {sanitize(url)}" if not refused else f"Copied the {sanitize(name)} {sanitize(url)}"
        self.notify("\n".join([said, *refused]), markup=False)

