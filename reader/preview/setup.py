"""Building the preview pipeline from the user's settings (shared by app and CLI)."""

from __future__ import annotations

from dataclasses import replace

from reader.core.config import PreviewConfig
from reader.preview.cache import DAY, PreviewCache
from reader.preview.fetch import FetchSettings
from reader.preview.service import PreviewService


def fetch_settings(pc: PreviewConfig | None, *, allow_private_hosts: bool = False,
                   timeout: float | None = None) -> FetchSettings:
    settings = FetchSettings()
    if pc is not None:
        settings = replace(settings, allow_private_hosts=bool(pc.allow_private_hosts),
                           proxy=pc.proxy or None, deadline=float(pc.timeout),
                           max_bytes=int(pc.max_bytes))
    if allow_private_hosts:
        settings = replace(settings, allow_private_hosts=True)
    if timeout is not None:
        settings = replace(settings, deadline=timeout)
    return replace(settings, connect_timeout=min(settings.connect_timeout, settings.deadline),
                   read_timeout=min(settings.read_timeout, settings.deadline))


def preview_cache(pc: PreviewConfig | None, *, use_cache: bool = True) -> PreviewCache:
    if not use_cache or (pc is not None and not pc.cache):
        return PreviewCache(enabled=False)
    if pc is None:
        return PreviewCache()
    return PreviewCache(ttl=float(pc.cache_ttl_days) * DAY,
                        max_bytes=int(float(pc.cache_max_mb) * 1024 * 1024))


def make_service(pc: PreviewConfig | None, *, use_cache: bool = True,
                 allow_private_hosts: bool = False, timeout: float | None = None) -> PreviewService:
    return PreviewService(
        fetch_settings(pc, allow_private_hosts=allow_private_hosts, timeout=timeout),
        preview_cache(pc, use_cache=use_cache),
    )
