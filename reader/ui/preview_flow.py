"""The preview part of the app: debounce, fetch in a worker, prefetch, actions.

``PreviewFlow`` is held by the app (composed, not mixed in): the app tells it
which item is shown (``schedule``) and dispatches the preview keys to it; it
runs its fetches as the app's workers and shows their state in the detail
pane's Preview tab.
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING, Any, cast

from textual.timer import Timer
from textual.widgets import TabbedContent

from reader.core.model import Item
from reader.ui.preview_state import PreviewState, shown_link
from reader.ui.widgets.detail_pane import DetailPane

if TYPE_CHECKING:
    from textual.worker import WorkType

    from reader.ui.app import ReaderApp

log = logging.getLogger("reader.ui")


class PreviewFlow:
    """Fetches the readable page of the item on screen, after the cursor rests."""

    def __init__(self, app: ReaderApp, service: Any = None, *, use_cache: bool = True) -> None:
        self.app = app
        self.state = PreviewState()
        self._service_obj = service
        self._use_cache = use_cache
        self._timer: Timer | None = None

    # -- what the app tells it ---------------------------------------------------
    def cancel(self) -> None:
        """The cursor moved on: no fetch for the item that was shown."""
        if self._timer is not None:
            self._timer.stop()
            self._timer = None

    def schedule(self, item: Item, *, refresh: bool = False, delay: float | None = None) -> None:
        self.cancel()
        config = self.app.config.preview
        if not config.enabled:
            self.show(PreviewState("idle", item.id, message="Previews are turned off in the config."))
            return
        if not item.url_candidates:
            self.show(PreviewState("idle", item.id, message="This item has no URL to preview."))
            return
        self.show(PreviewState("waiting", item.id, message="Preview starts when you stop here…"))
        wait = config.debounce_ms / 1000 if delay is None else delay
        if wait <= 0:
            self.fetch(item, refresh=refresh)
            return
        self._timer = self.app.set_timer(wait, lambda: self.fetch(item, refresh=refresh),
                                         name="preview-debounce")

    def show(self, state: PreviewState) -> None:
        self.state = state
        self.app.query_one(DetailPane).preview.state = state

    def failed(self, error: BaseException) -> None:
        """The fetch worker raised (the app's one worker-error handler calls this)."""
        self.show(PreviewState("failed", self.state.item_id,
                               message=f"Preview failed: {type(error).__name__}: {error}"))

    # -- fetching (the app's workers) ----------------------------------------------
    def service(self) -> Any:
        if self._service_obj is None:
            from reader.preview.setup import make_service

            self._service_obj = make_service(self.app.config.preview, use_cache=self._use_cache)
        return self._service_obj

    def fetch(self, item: Item, *, refresh: bool = False) -> None:
        async def fetch() -> None:  # the coroutine is made when the worker runs, not before
            await self._fetch(item, refresh)

        self.app.run_worker(cast("WorkType[None]", fetch), exclusive=True, group="preview",
                            exit_on_error=False, name="preview")

    async def _fetch(self, item: Item, refresh: bool) -> None:
        provider = item.provider.label if item.provider else None
        self.show(PreviewState("loading", item.id, item.title, provider))
        result = await self.service().preview(item.url_candidates, refresh=refresh)
        current = self.app.current_item
        if current is None or current.id != item.id:
            return
        if hasattr(result, "article"):
            self.show(PreviewState("ready", item.id, item.title, provider, preview=result))
        else:
            log.info("preview failed for %s: %s", item.id, getattr(result, "reason", result))
            self.show(PreviewState("failed", item.id, item.title, provider, failure=result))
        if self.app.config.preview.prefetch > 0:
            async def prefetch() -> None:
                await self._prefetch_after(item.id)

            self.app.run_worker(cast("WorkType[None]", prefetch), exclusive=True, group="prefetch",
                                exit_on_error=False, name="prefetch")

    async def _prefetch_after(self, item_id: str) -> None:
        """Warm the cache for the next few items, at most 4 fetches at a time."""
        rows = self.app.rows
        index = next((i for i, e in enumerate(rows) if e.id == item_id), None)
        if index is None:
            return
        wanted = [e.id for e in rows[index + 1 : index + 1 + self.app.config.preview.prefetch]]
        limit = asyncio.Semaphore(4)
        service = self.service()
        roots = self.app.roots

        async def one(next_id: str) -> None:
            async with limit:
                item = await asyncio.to_thread(roots.load_item, next_id)
                if isinstance(item, Item) and item.url_candidates:
                    await service.preview(item.url_candidates)

        await asyncio.gather(*(one(i) for i in wanted))

    # -- the keys ----------------------------------------------------------------
    def open(self) -> None:
        """``p``: the preview full screen, or the Preview tab while it loads."""
        state, item = self.state, self.app.current_item
        if item is None:
            return
        if state.status == "ready" and state.item_id == item.id:
            from reader.ui.screens.preview_screen import PreviewScreen

            self.app.push_screen(PreviewScreen(state.preview, item.title,
                                               item.provider.label if item.provider else None))
            return
        self.app.query_one(DetailPane).query_one(TabbedContent).active = "tab-preview"
        if state.status in ("idle", "waiting", "failed"):
            self.schedule(item, delay=0)

    def refetch(self) -> None:
        if self.app.current_item is not None:
            self.schedule(self.app.current_item, refresh=True, delay=0)

    def _in_view(self) -> bool:
        from reader.ui.screens.preview_screen import PreviewScreen

        screen = self.app.screen
        if isinstance(screen, PreviewScreen):
            return True
        panes = screen.query(DetailPane)
        return bool(panes) and panes.first().active_tab == "tab-preview"

    def links_in_view(self) -> list[tuple[str, str]]:
        """The (name, url) candidates for ``o`` and ``y``: on the preview, the one
        it names; else the item's URLs in order (reader.ui.link_flow picks)."""
        item = self.app.current_item
        if item is None:
            return []
        state = self.state
        shown = shown_link(state) if state.item_id == item.id and self._in_view() else None
        return [shown] if shown is not None else list(item.url_candidates)
