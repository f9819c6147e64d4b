"""Packed URLs: what ``pack_urls`` stores is each URL's ``url_hash`` and the URLs."""

from __future__ import annotations

import struct
import zlib

from hypothesis import given, settings
from hypothesis import strategies as st

from reader.core.model import pack_urls, unpack_urls, url_hash, url_hashes, url_key

_PIECES = ["https://", "http://", "://", "www.", "WWW.", "/", "//", " ", "a", "B", "\u00e9", "\u00df",
           "\u0130", "?x=1", "#f", "\U0001F600", "\ud800", "example.com", ".", "\t"]
url = st.lists(st.sampled_from(_PIECES), min_size=1, max_size=6).map("".join)


@settings(max_examples=500, deadline=None, derandomize=True, database=None)
@given(st.lists(url, max_size=5))
def test_packed_urls_hold_each_url_hash_and_unpack_to_the_urls(urls: list[str]) -> None:
    data = pack_urls(urls)
    assert unpack_urls(data) == tuple(urls)
    assert url_hashes(data) == tuple(map(url_hash, urls))
    assert url_hashes(data) == tuple(zlib.crc32(url_key(u).encode("utf-8", "surrogatepass")) for u in urls)


def test_the_packed_format() -> None:
    """A count byte, the little-endian CRC-32s, then the URLs joined by \\x1f, raw-deflated:
    what indexes written before keep and what readers decode."""
    urls = ["https://www.a.example/x/", "http://b.example/y"]
    data = pack_urls(urls)
    assert data[0] == 2
    assert struct.unpack_from("<2I", data, 1) == (zlib.crc32(b"a.example/x"), zlib.crc32(b"b.example/y"))
    assert zlib.decompress(data[9:], -15) == "\x1f".join(urls).encode()
    assert pack_urls([]) == b""
