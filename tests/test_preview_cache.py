"""The preview cache: memory LRU, atomic disk files, TTL, size cap, corruption."""

from __future__ import annotations

import json
import os
import stat
import time

import pytest

from reader.preview.cache import DAY, PreviewCache, default_cache_dir


class Clock:
    def __init__(self, now: float = 1_700_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def payload(n: int = 0, size: int = 10) -> dict:
    return {"url": f"https://example.com/{n}", "final_url": f"https://example.com/{n}",
            "title": f"Title {n}", "text": "x" * size, "blocks": [], "fetched_at": "2025-01-01T00:00:00+00:00",
            "source_url_kind": "webUrl", "content_type": "text/html"}


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def cache(tmp_path, clock) -> PreviewCache:
    return PreviewCache(tmp_path / "previews", clock=clock)


def test_roundtrip_memory_and_disk(tmp_path, cache, clock):
    url = "https://example.com/a?b=1"
    assert cache.get(url) is None
    cache.put(url, payload(1))
    hit = cache.get(url)
    assert hit is not None and hit.payload == payload(1) and not hit.stale
    assert hit.stored_at == clock.now
    path = cache.path_for(url)
    assert path.name == PreviewCache.key(url) + ".json"
    assert path.exists()
    # a fresh instance (new process) reads it back from disk
    again = PreviewCache(tmp_path / "previews", clock=clock)
    hit2 = again.get(url)
    assert hit2 is not None and hit2.payload == payload(1)


def test_files_are_private_and_no_temp_files_are_left(cache):
    cache.put("https://example.com/", payload())
    names = os.listdir(cache.directory)
    assert len(names) == 1 and names[0].endswith(".json")
    mode = stat.S_IMODE(os.stat(cache.path_for("https://example.com/")).st_mode)
    assert mode & 0o077 == 0


def test_memory_lru_evicts_least_recently_used(tmp_path, clock):
    cache = PreviewCache(tmp_path / "p", memory_entries=2, clock=clock)
    for n in range(3):
        cache.put(f"u{n}", payload(n))
    assert [url for _scope, url in cache._memory] == ["u1", "u2"]
    cache.get("u1")
    cache.put("u3", payload(3))
    assert [url for _scope, url in cache._memory] == ["u1", "u3"]
    # evicted from memory, still on disk
    assert cache.get("u0").payload == payload(0)


def test_memory_only_when_directory_unwritable(tmp_path, clock):
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    cache = PreviewCache(blocker / "previews", clock=clock)
    cache.put("u", payload())  # must not raise
    assert cache.get("u").payload == payload()


def test_ttl_expiry_and_stale_reads(cache, clock, tmp_path):
    cache.put("u", payload())
    clock.now += 7 * DAY - 1
    assert cache.get("u") is not None
    clock.now += 2
    assert cache.get("u") is None
    stale = cache.get("u", allow_stale=True)
    assert stale is not None and stale.stale and stale.payload == payload()
    # the same holds when read back from disk by a new instance
    fresh_instance = PreviewCache(tmp_path / "previews", clock=clock)
    assert fresh_instance.get("u") is None
    assert fresh_instance.get("u", allow_stale=True).stale


def test_custom_ttl(tmp_path, clock):
    cache = PreviewCache(tmp_path / "p", ttl=60, clock=clock)
    cache.put("u", payload())
    clock.now += 61
    assert cache.get("u") is None


def test_entries_from_the_future_are_stale(cache, clock):
    cache.put("u", payload())
    clock.now -= 3 * DAY
    assert cache.get("u") is None


def test_size_cap_evicts_oldest_files_first(tmp_path, clock):
    cache = PreviewCache(tmp_path / "p", max_bytes=10_000, clock=clock)
    base = time.time() - 100
    for n in range(4):
        cache.put(f"u{n}", payload(n, size=3000))
        os.utime(cache.path_for(f"u{n}"), (base + n, base + n))
    # the fourth put pushed the total over 10 000 bytes: u0 (oldest mtime) went
    assert not cache.path_for("u0").exists()
    assert all(cache.path_for(f"u{n}").exists() for n in (1, 2, 3))
    assert cache.disk_usage() <= 10_000


def test_entry_larger_than_cap_is_not_written(tmp_path, clock):
    cache = PreviewCache(tmp_path / "p", max_bytes=1000, clock=clock)
    cache.put("big", payload(size=5000))
    assert not cache.path_for("big").exists()


@pytest.mark.parametrize("content", [
    b"", b"{not json", b"\xff\xfe\x00garbage", b"[]", b'{"version": 99}',
    b'{"version": 1, "url": "https://other.example/", "stored_at": 1, "payload": {}}',
    b'{"version": 1, "url": "u", "stored_at": "yesterday", "payload": {}}',
    b'{"version": 1, "url": "u", "stored_at": 1, "payload": []}',
    b"[" * 100000,
])
def test_corrupt_files_are_ignored_and_deleted(tmp_path, clock, content):
    cache = PreviewCache(tmp_path / "p", clock=clock)
    cache.directory.mkdir(parents=True)
    path = cache.path_for("u")
    path.write_bytes(content)
    assert cache.get("u") is None
    assert not path.exists()
    cache.put("u", payload())  # and the slot is usable again
    assert PreviewCache(tmp_path / "p", clock=clock).get("u").payload == payload()


def test_unreadable_directory_entry_does_not_crash(tmp_path, clock):
    cache = PreviewCache(tmp_path / "p", clock=clock)
    cache.directory.mkdir(parents=True)
    cache.path_for("u").mkdir()  # a directory where a file should be
    assert cache.get("u") is None


def test_disabled_cache_does_nothing(tmp_path, clock):
    cache = PreviewCache(tmp_path / "p", enabled=False, clock=clock)
    cache.put("u", payload())
    assert cache.get("u") is None
    assert cache.get("u", allow_stale=True) is None
    assert not (tmp_path / "p").exists()


def test_discard_and_clear(cache):
    cache.put("a", payload(1))
    cache.put("b", payload(2))
    cache.discard("a")
    assert cache.get("a") is None and not cache.path_for("a").exists()
    cache.clear()
    assert cache.get("b") is None
    assert os.listdir(cache.directory) == []


def test_files_past_max_age_are_removed(tmp_path, clock):
    cache = PreviewCache(tmp_path / "p", clock=clock, max_age=30 * DAY)
    cache.put("old", payload())
    old = time.time() - 31 * DAY
    os.utime(cache.path_for("old"), (old, old))
    cache.put("new", payload())
    assert not cache.path_for("old").exists() and cache.path_for("new").exists()


def test_leftover_temp_files_are_cleaned(cache):
    cache.directory.mkdir(parents=True)
    leftover = cache.directory / ".tmp-dead.part"
    leftover.write_bytes(b"partial")
    os.utime(leftover, (1_000_000, 1_000_000))
    cache.put("u", payload())
    assert not leftover.exists()


def test_default_directory_honours_reader_cache_dir(monkeypatch, tmp_path):
    monkeypatch.setenv("READER_CACHE_DIR", str(tmp_path / "rc"))
    assert default_cache_dir() == tmp_path / "rc" / "previews"
    assert PreviewCache().directory == tmp_path / "rc" / "previews"


def test_file_records_url_and_payload(cache):
    cache.put("https://example.com/é", payload())
    record = json.loads(cache.path_for("https://example.com/é").read_text("utf-8"))
    assert record["url"] == "https://example.com/é"
    assert record["version"] == 1 and record["payload"] == payload()


# -- scopes: pages fetched under another policy --------------------------------------------

def test_entries_are_kept_apart_by_scope(tmp_path, clock):
    cache = PreviewCache(tmp_path / "p", clock=clock)
    cache.put("u", payload(1), scope="private-hosts")
    assert cache.get("u") is None  # not from memory
    assert PreviewCache(tmp_path / "p", clock=clock).get("u") is None  # nor from disk
    assert cache.get("u", scope="private-hosts").payload == payload(1)
    cache.put("u", payload(2))
    assert cache.get("u").payload == payload(2)
    assert cache.get("u", scope="private-hosts").payload == payload(1)
    cache.discard("u", scope="private-hosts")
    assert PreviewCache(tmp_path / "p", clock=clock).get("u", scope="private-hosts") is None
    assert PreviewCache(tmp_path / "p", clock=clock).get("u").payload == payload(2)


def test_file_of_another_scope_under_this_name_is_corrupt(tmp_path, clock):
    cache = PreviewCache(tmp_path / "p", clock=clock)
    cache.put("u", payload(), scope="private-hosts")
    os.replace(cache.path_for("u", "private-hosts"), cache.path_for("u"))
    assert PreviewCache(tmp_path / "p", clock=clock).get("u") is None
    assert not cache.path_for("u").exists()


# -- symlinks and modes ----------------------------------------------------------------------

def test_symlink_at_an_entry_is_not_followed(tmp_path, clock):
    victim = tmp_path / "victim.json"
    record = {"version": 1, "url": "u", "stored_at": clock(), "payload": payload()}
    victim.write_text(json.dumps(record), encoding="utf-8")
    before = victim.read_bytes()
    cache = PreviewCache(tmp_path / "p", clock=clock)
    cache.directory.mkdir(parents=True)
    cache.path_for("u").symlink_to(victim)
    assert cache.get("u") is None  # a planted link is never read
    cache.put("u", payload(5))
    assert victim.read_bytes() == before
    assert not cache.path_for("u").is_symlink()
    assert PreviewCache(tmp_path / "p", clock=clock).get("u").payload == payload(5)


@pytest.mark.skipif(os.name != "posix", reason="modes are POSIX")
def test_cache_folders_are_private(tmp_path, clock):
    cache = PreviewCache(tmp_path / "new" / "p", clock=clock)
    cache.put("u", payload())
    for folder in (tmp_path / "new", tmp_path / "new" / "p"):
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert stat.S_IMODE(cache.path_for("u").stat().st_mode) == 0o600
