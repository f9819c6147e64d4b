"""Which URLs and hosts may be fetched.

Only ``http``/``https`` URLs without whitespace or control characters are parsed into a
:class:`Target`; IP hosts in any spelling (``2130706433``, ``0x7f.1``, ``017700000001``)
are normalised with the inet_aton/WHATWG rules, and :func:`checked_addresses` resolves a
host once and refuses it unless *every* address is globally routable (unless the
settings allow private hosts).  The caller then connects to exactly those addresses.
"""

from __future__ import annotations

import asyncio
import ipaddress
import re
import socket
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import httpx

from reader.preview.fetch_types import Failure, FetchSettings, short

Resolver = Callable[[str, int], Awaitable[list[str]]]
IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

MAX_URL_LENGTH = 8192


_V4_BLOCKED = tuple(ipaddress.ip_network(n) for n in (
    "0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16",
    "172.16.0.0/12", "192.0.0.0/24", "192.0.2.0/24", "192.88.99.0/24", "192.168.0.0/16",
    "198.18.0.0/15", "198.51.100.0/24", "203.0.113.0/24", "224.0.0.0/4", "240.0.0.0/4",
))
_V6_BLOCKED = tuple(ipaddress.ip_network(n) for n in (
    "::/96",  # unspecified, loopback and the deprecated IPv4-compatible form
    "64:ff9b:1::/48",  # local-use NAT64
    "100::/64",  # discard
    "2001::/23",  # IETF protocol assignments (Teredo, ORCHID, ...)
    "2001:db8::/32",  # documentation
    "fc00::/7", "fe80::/10", "fec0::/10", "ff00::/8",
))
_NAT64 = ipaddress.ip_network("64:ff9b::/96")
_SIIT = ipaddress.ip_network("::ffff:0:0:0/96")


def is_public_address(address: str | IPAddress) -> bool:
    """True only for a globally routable unicast address.

    Embedded IPv4 addresses (IPv4-mapped, SIIT, NAT64 64:ff9b::/96, 6to4) are checked
    as the IPv4 address they reach.
    """
    try:
        ip = address if isinstance(address, (ipaddress.IPv4Address, ipaddress.IPv6Address)) \
            else ipaddress.ip_address(str(address))
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.scope_id:
            return False
        embedded: ipaddress.IPv4Address | None = ip.ipv4_mapped
        if embedded is None and (ip in _SIIT or ip in _NAT64):
            embedded = ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
        if embedded is None:
            embedded = ip.sixtofour
        if embedded is not None:
            return is_public_address(embedded)
        if any(ip in net for net in _V6_BLOCKED):
            return False
        return ip.is_global and not (ip.is_multicast or ip.is_link_local or ip.is_loopback
                                     or ip.is_unspecified or ip.is_site_local)
    if any(ip in net for net in _V4_BLOCKED):
        return False
    return ip.is_global and not (ip.is_multicast or ip.is_reserved or ip.is_loopback
                                 or ip.is_link_local or ip.is_unspecified or ip.is_private)


_NUMBER_LABEL = re.compile(r"^(?:[0-9]+|0[xX][0-9a-fA-F]*)$")


def _ipv4_part(part: str) -> int:
    if not part:
        raise ValueError("empty IPv4 part")
    if part[:2] in ("0x", "0X"):
        digits = part[2:]
        return int(digits, 16) if digits else 0
    if len(part) > 1 and part[0] == "0":
        return int(part[1:], 8)
    if not part.isdigit():
        raise ValueError(f"bad IPv4 part {part!r}")
    return int(part, 10)


def parse_ip_host(host: str) -> IPAddress | None:
    """The address a URL host denotes if it is an IP literal in any spelling, else None.

    IPv4 follows inet_aton / the WHATWG URL rules: one to four parts, each decimal,
    ``0x`` hex or ``0`` octal, the last part filling the remaining bytes
    (``2130706433``, ``0x7f.1``, ``017700000001`` and ``127.1`` are all 127.0.0.1).
    A host whose last label is a number but which is not a valid address raises
    ValueError (a browser refuses it too; a resolver might not).
    """
    h = host.strip()
    if h.startswith("[") and h.endswith("]"):
        h = h[1:-1]
    if ":" in h:
        return ipaddress.IPv6Address(h)
    if h.endswith("."):
        h = h[:-1]
    labels = h.split(".")
    if not labels or not _NUMBER_LABEL.match(labels[-1]):
        return None
    if len(labels) > 4:
        raise ValueError("too many parts for an IPv4 address")
    try:
        numbers = [_ipv4_part(p) for p in labels]
    except ValueError as exc:
        raise ValueError(f"{host!r} is not a valid IPv4 address") from exc
    if any(n > 255 for n in numbers[:-1]) or numbers[-1] >= 256 ** (5 - len(numbers)):
        raise ValueError(f"{host!r} is not a valid IPv4 address")
    value = numbers[-1]
    for i, n in enumerate(numbers[:-1]):
        value += n << (8 * (3 - i))
    return ipaddress.IPv4Address(value)


async def default_resolver(host: str, port: int) -> list[str]:
    loop = asyncio.get_running_loop()
    infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return [str(info[4][0]) for info in infos]


BAD_URL_CHARS = re.compile("[\x00-\x20\x7f-\x9f\u00a0\u1680\u2000-\u200f\u2028-\u202f"
                           "\u205f-\u206f\u3000\ufeff]")


@dataclass(frozen=True)
class Target:
    url: httpx.URL  # logical URL: host name, no userinfo, no fragment
    host: str  # ascii host (punycode) or normalised IP literal
    port: int
    ip: IPAddress | None  # set when the host is an IP literal

    @property
    def host_header(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return host if self.url.port is None else f"{host}:{self.url.port}"


def parse_target(raw: object) -> Target:
    if not isinstance(raw, str) or not raw:
        raise Failure("bad_url", "no link to fetch")
    if len(raw) > MAX_URL_LENGTH:
        raise Failure("bad_url", "the link is too long")
    if BAD_URL_CHARS.search(raw):
        raise Failure("bad_url", "the link contains spaces or control characters")
    scheme = raw.split(":", 1)[0].lower() if ":" in raw else ""
    if scheme not in ("http", "https"):
        shown = short(scheme, 20) if scheme and scheme.isascii() and scheme.isalnum() else ""
        raise Failure("bad_url", "only http and https links can be previewed"
                      + (f" (not {shown}:)" if shown else ""))
    try:
        url = httpx.URL(raw)
        raw_host = url.raw_host.decode("ascii")
        port = url.port or (443 if url.scheme == "https" else 80)
    except (httpx.InvalidURL, UnicodeError, ValueError, TypeError):
        raise Failure("bad_url", f"not a valid web link: {short(raw)}") from None
    if url.scheme not in ("http", "https"):
        raise Failure("bad_url", "only http and https links can be previewed")
    if not raw_host:
        raise Failure("bad_url", f"the link has no host: {short(raw)}")
    if not 0 < port < 65536:
        raise Failure("bad_url", f"not a valid port: {port}")
    try:
        ip = parse_ip_host(raw_host)
    except ValueError:
        raise Failure("bad_url", f"not a valid address: {short(raw_host)}") from None
    host = str(ip) if ip is not None else raw_host.lower()
    clean = url.copy_with(userinfo=b"", fragment=None)  # never send credentials
    if ip is not None:
        clean = clean.copy_with(host=host)
    return Target(url=clean, host=host, port=port, ip=ip)


async def checked_addresses(target: Target, settings: FetchSettings, resolver: Resolver) -> list[str]:
    if target.ip is not None:
        candidates: list[IPAddress] = [target.ip]
    else:
        try:
            answers = await resolver(target.host, target.port)
        except (OSError, UnicodeError, ValueError) as exc:
            raise Failure("network", f"could not resolve {short(target.host, 80)}"
                          + (f" ({short(exc, 80)})" if str(exc) else "")) from None
        candidates = []
        for answer in answers or ():
            try:
                ip = ipaddress.ip_address(str(answer).split("%", 1)[0])
            except ValueError:
                continue
            if ip not in candidates:
                candidates.append(ip)
        if not candidates:
            raise Failure("network", f"could not resolve {short(target.host, 80)}")
    if not settings.allow_private_hosts:
        for ip in candidates:
            if not is_public_address(ip):
                raise Failure("blocked_address",
                              f"refused: {short(target.host, 80)} is a private, local or "
                              f"reserved address ({ip})")
    return [str(ip) for ip in candidates]
