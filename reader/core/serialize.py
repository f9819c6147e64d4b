"""Items and entries as JSON-ready dicts (for ``--json`` output and the index)."""

from __future__ import annotations

from dataclasses import fields, is_dataclass
from datetime import datetime
from typing import Any

from reader.core.model import Item
from reader.core.sanitize import sanitize


def to_jsonable(value: Any) -> Any:
    if is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_jsonable(getattr(value, f.name)) for f in fields(value)}
    if isinstance(value, datetime):
        return value.isoformat().replace("+00:00", "Z")
    if isinstance(value, (list, tuple)):
        return [to_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {sanitize(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, str):
        return sanitize(value, multiline=True)
    return value


def item_dict(item: Item) -> dict[str, Any]:
    data = to_jsonable(item)
    data["unpublished"] = item.unpublished
    return data
