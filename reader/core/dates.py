"""How dates are shown (the list, the detail pane, ``reader list``): the user's
``date_format`` (strftime) in the user's ``time_zone`` (``UTC``, ``local`` or
an IANA name such as ``Europe/Berlin``); config.toml sets both.

Items store times in UTC, and real items use 00:00:00Z for "only the day is
known": such a date is shown as a day in UTC whatever the zone, so it does
not move to the day before west of Greenwich.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, time, tzinfo

DEFAULT_FORMAT = "%Y-%m-%d"
MAX_WIDTH = 24  # cells of a shown date: past this the list has no room for titles
_SAMPLE = datetime(2025, 12, 31, 23, 59, tzinfo=UTC)  # long month and day names


def zone_named(name: str) -> tzinfo:
    """``UTC``, ``local`` (this machine's zone) or an IANA name; ``ValueError`` otherwise."""
    if name.upper() == "UTC":
        return UTC
    if name.lower() == "local":
        local = datetime.now().astimezone().tzinfo
        return local if local is not None else UTC
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError  # (only for a named zone: it reads sysconfig)

    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(f"unknown time zone {name!r} (UTC, local, or a name such as "
                         "Europe/Berlin)") from exc


def check_format(fmt: str) -> str:
    """``fmt`` if it shows a date in at most MAX_WIDTH characters; ``ValueError`` otherwise."""
    try:
        shown = _SAMPLE.strftime(fmt)
    except ValueError as exc:
        raise ValueError(f"not a date format ({exc})") from exc
    if not shown.strip() or shown == fmt:
        raise ValueError("expected a strftime format such as \"%Y-%m-%d\" or \"%d.%m.%Y\"")
    if len(shown) > MAX_WIDTH:
        raise ValueError(f"shows {len(shown)} characters; at most {MAX_WIDTH} fit the list")
    return fmt


@dataclass(frozen=True, slots=True)
class DateStyle:
    format: str = DEFAULT_FORMAT
    zone_name: str = "UTC"
    zone: tzinfo = field(default=UTC, compare=False)

    @classmethod
    def of(cls, fmt: str, zone_name: str) -> DateStyle:
        return cls(fmt, zone_name, zone_named(zone_name))

    @property
    def width(self) -> int:
        """The cells a shown day takes (the list's date column)."""
        return len(_SAMPLE.strftime(self.format))

    def _local(self, dt: datetime) -> datetime:
        if dt.tzinfo is None:
            dt = dt.replace(tzinfo=UTC)
        if self._day_only(dt):
            return dt
        return dt.astimezone(self.zone)

    @staticmethod
    def _day_only(dt: datetime) -> bool:
        return dt.utcoffset() in (None, UTC.utcoffset(None)) and dt.time() == time(0, 0)

    def day(self, dt: datetime) -> str:
        """The date alone, in the user's format and zone."""
        return self._local(dt).strftime(self.format)

    def moment(self, dt: datetime) -> str:
        """The date and the time with the zone's name, or the day alone when only that is known."""
        if self._day_only(dt if dt.tzinfo else dt.replace(tzinfo=UTC)):
            return self.day(dt)
        local = self._local(dt)
        return f"{local.strftime(self.format)} {local.strftime('%H:%M')} {local.tzname() or ''}".rstrip()


UTC_DAYS = DateStyle()
