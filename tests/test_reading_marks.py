"""The marks as the catalog's ids (reader.core.reading) and the store's writer thread."""

from __future__ import annotations

import threading
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from reader.core.model import Entry
from reader.core.reading import ReadMarks, compute, keys_of
from reader.core.state import StateStore, item_key
from tests.conftest import read_marks_on_disk, run_in_processes


def entry(item_id: str, *urls: str) -> Entry:
    return Entry(item_id, "t", "", None, None, None, None, (), urls)


def test_compute_finds_marks_by_url_and_by_id_and_shared_urls() -> None:
    entries = [entry("a.md", "https://x.example/1"), entry("b.md", "http://www.x.example/1/"),
               entry("c.md", "https://x.example/2"), entry("d.md")]
    found = compute(entries, {"url:x.example/1", "id:d.md", "id:c.md"}, {"url:x.example/2"})
    assert found.read_ids == {"a.md", "b.md", "d.md"}  # id:c.md: c has a URL, so it is known by that
    assert found.saved_ids == {"c.md"}
    assert found.shared == {"url:x.example/1": ("a.md", "b.md")}


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 30), st.booleans()), max_size=40), st.data())
def test_compute_agrees_with_asking_each_entry(rows, data) -> None:
    entries = [entry(f"{i}.md", f"https://n.example/{u}") if has_url else entry(f"{i}.md")
               for i, (u, has_url) in enumerate(rows)]
    keys = sorted({item_key(e) for e in entries} | {"url:elsewhere.example/1"})
    read = set(data.draw(st.lists(st.sampled_from(keys), max_size=len(keys)))) if keys else set()
    found = compute(entries, read, set())
    assert found.read_ids == {e.id for e in entries if item_key(e) in read}


def test_marking_one_marks_every_entry_with_its_url_and_counts_stay_exact(tmp_path: Path) -> None:
    entries = [entry("a.md", "https://x.example/1"), entry("b.md", "https://x.example/1"),
               entry("c.md", "https://x.example/2")]
    marks = ReadMarks(StateStore(tmp_path / "s.sqlite"))
    marks.follow(entries)
    marks.install(marks.compute(entries))
    assert marks.unread == 3 and not marks.stale
    marks.mark_read([entries[0]])
    assert marks.read_ids == {"a.md", "b.md"} and marks.unread == 1
    assert marks.is_read(entries[1]) and marks.is_unread(entries[2])
    marks.mark_read([entries[1]], False)
    assert marks.unread == 3
    marks.mark_saved([entries[2]])
    assert marks.saved == 1 and marks.user_state.saved() == {"c.md"}


def test_a_mark_made_while_a_compute_runs_is_kept(tmp_path: Path) -> None:
    entries = [entry("a.md", "https://x.example/1"), entry("b.md", "https://x.example/2")]
    marks = ReadMarks(StateStore(tmp_path / "s.sqlite"))
    marks.follow(entries)
    marks.install(marks.compute(entries))
    started = marks.compute(entries)  # taken before the mark below...
    marks.mark_read([entries[1]])
    marks.install(started)  # ...and installed after it
    assert marks.read_ids == {"b.md"} and marks.unread == 1


def test_while_stale_a_row_is_asked_by_its_key(tmp_path: Path) -> None:
    store = StateStore(tmp_path / "s.sqlite")
    store.set_read(["url:x.example/9"])
    marks = ReadMarks(store)
    new = [entry("new.md", "https://x.example/9")]
    marks.follow(new)
    assert marks.stale and marks.is_read(new[0])


def test_mark_keys_read_for_many_at_once(tmp_path: Path) -> None:
    entries = [entry(f"{i}.md", f"https://x.example/{i % 5}") for i in range(10)]
    marks = ReadMarks(StateStore(tmp_path / "s.sqlite"))
    marks.follow(entries)
    marks.install(marks.compute(entries))
    marks.mark_keys_read(*keys_of(entries[:3]))
    assert marks.read_ids == {f"{i}.md" for i in range(10) if i % 5 < 3}
    assert marks.unread == 4


def test_the_writer_thread_writes_in_order_and_load_keeps_marks_made_before_it(tmp_path: Path) -> None:
    path = tmp_path / "s.sqlite"
    first = StateStore(path)
    first.set_read(["old"])
    first.close()
    store = StateStore(path, background=True, load=False)
    assert store.read == set() and not store.loaded.is_set()
    store.set_read(["made-before-load"])
    store.set_saved(["s"])
    done = threading.Event()
    store.load_marks(done.set)
    store.set_read(["old"], False)  # queued after the load: applied on top of what it read
    assert done.wait(10) and store.loaded.is_set()
    store.flush()
    assert store.read == {"made-before-load"} and store.saved == {"s"}
    for i in range(50):
        store.set_read([f"k{i}"])
        store.set_read([f"k{i}"], i % 2 == 0)
    store.save_view(tmp_path, {"sort": "heat"})
    store.close()
    again = StateStore(path)
    assert again.read == {"made-before-load"} | {f"k{i}" for i in range(0, 50, 2)}
    assert again.last_view(tmp_path) == {"sort": "heat"}


def test_a_lazy_store_opens_its_file_on_first_use_and_a_mark_made_first_is_kept(tmp_path: Path) -> None:
    path = tmp_path / "state" / "s.sqlite"
    store = StateStore(path, background=True, load=False, lazy=True)
    assert not path.parent.exists()  # nothing touched yet (the app's first frame does not wait)
    store.set_read(["before-open"])  # the first use opens it
    assert path.exists()
    store.load_marks()
    store.close()
    assert StateStore(path).read == {"before-open"}


def _mark_background(path: str, prefix: str, n: int) -> None:
    store = StateStore(path, background=True, load=False)
    store.load_marks()
    for i in range(n):
        store.set_read([f"{prefix}{i}"])
    store.close()


def test_two_processes_writing_through_their_writer_threads_lose_nothing(tmp_path: Path) -> None:
    path = str(tmp_path / "state.sqlite")
    StateStore(path).close()
    run_in_processes(_mark_background, (path, "a", 200), (path, "b", 200))
    assert StateStore(path).read == {f"{p}{i}" for p in "ab" for i in range(200)}


class Later:
    """``write_later`` for a test: keeps the callbacks; the test runs them."""

    def __init__(self) -> None:
        self.calls: list[tuple[float, object]] = []

    def __call__(self, delay: float, callback) -> None:
        self.calls.append((delay, callback))

    def run(self) -> None:
        calls, self.calls = self.calls, []
        for _delay, callback in calls:
            callback()


def test_a_mark_does_not_wake_the_writer_until_its_timer_then_one_batch_is_written(tmp_path: Path) -> None:
    path = tmp_path / "s.sqlite"
    later = Later()
    store = StateStore(path, background=True, write_later=later)
    for i in range(100):
        store.set_read([f"k{i}"])
    store.set_read(["k0"], False)
    assert store.read == {f"k{i}" for i in range(1, 100)}  # in memory at once
    assert len(later.calls) == 1  # one timer for the whole burst
    assert store._writer is None and store._queue.empty()  # the writer thread was not woken
    assert read_marks_on_disk(path) == set()
    later.run()
    store.flush()
    assert read_marks_on_disk(path) == {f"k{i}" for i in range(1, 100)}
    store.set_read(["after"])  # a new burst: a new timer
    assert len(later.calls) == 1
    store.close()


def test_close_and_flush_write_the_held_marks_without_their_timer(tmp_path: Path) -> None:
    path = tmp_path / "s.sqlite"
    store = StateStore(path, background=True, write_later=Later())
    store.set_read(["a", "b"])
    store.set_saved(["a"])
    store.flush()
    assert read_marks_on_disk(path) == {"a", "b"}
    store.set_read(["a"], False)
    store.set_read(["c"])
    store.close()  # the timer never ran: close writes them
    again = StateStore(path)
    assert again.read == {"b", "c"} and again.saved == {"a"}


def test_a_timer_that_cannot_be_set_writes_the_mark_at_once(tmp_path: Path) -> None:
    def no_timer(_delay: float, _callback) -> None:
        raise RuntimeError("no running event loop")

    path = tmp_path / "s.sqlite"
    store = StateStore(path, background=True, write_later=no_timer)
    store.set_read(["a"])
    store.set_read(["b"])
    store.flush()
    assert read_marks_on_disk(path) == {"a", "b"}
    store.close()


def test_held_marks_survive_a_load_that_runs_before_they_are_written(tmp_path: Path) -> None:
    path = tmp_path / "s.sqlite"
    first = StateStore(path)
    first.set_read(["old", "gone"])
    first.close()
    later = Later()
    store = StateStore(path, background=True, load=False, write_later=later)
    store.set_read(["new"])
    store.set_read(["gone"], False)
    store.load_marks()
    store.loaded.wait(10)
    store.flush()  # the load ran first, then the held marks
    assert store.read == {"old", "new"}
    store.close()
    assert read_marks_on_disk(path) == {"old", "new"}


@settings(max_examples=25, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 19), st.booleans(), st.booleans()), max_size=60))
def test_the_unread_count_stays_exact_through_many_held_marks(tmp_path_factory, ops) -> None:
    entries = [entry(f"{i}.md", f"https://x.example/{i % 15}") for i in range(20)]  # 5 URLs twice
    path = tmp_path_factory.mktemp("marks") / "s.sqlite"
    later = Later()
    marks = ReadMarks(StateStore(path, background=True, write_later=later))
    marks.follow(entries)
    marks.install(marks.compute(entries))
    for i, read, tick in ops:
        marks.mark_read([entries[i]], read)
        if tick:
            later.run()

    def from_scratch(read: set[str]) -> int:
        return sum(1 for e in entries if item_key(e) not in read)

    assert marks.unread == from_scratch(marks.store.read)
    marks.store.close()
    assert marks.unread == from_scratch(read_marks_on_disk(path))


def _mark_held(path: str, prefix: str, n: int) -> None:
    def later(delay: float, callback) -> None:
        threading.Timer(delay / 50, callback).start()

    store = StateStore(path, background=True, load=False, write_later=later)
    store.load_marks()
    for i in range(n):
        store.set_read([f"{prefix}{i}"])
        if i % 40 == 0:
            store.flush()
    store.close()


def test_two_processes_holding_and_batching_their_marks_lose_nothing(tmp_path: Path) -> None:
    import multiprocessing

    path = str(tmp_path / "state.sqlite")
    StateStore(path).close()
    ctx = multiprocessing.get_context("spawn")
    procs = [ctx.Process(target=_mark_held, args=(path, p, 300)) for p in ("a", "b")]
    for p in procs:
        p.start()
    for p in procs:
        p.join(60)
        assert p.exitcode == 0
    assert StateStore(path).read == {f"{p}{i}" for p in "ab" for i in range(300)}


def test_a_mark_made_while_a_load_swaps_the_sets_is_kept_in_memory(tmp_path: Path) -> None:
    """The load (the writer thread's ``refresh``) replaces the mark sets; a mark
    that took the old set before the swap was lost from memory (seen once in a
    full run). Here the load runs at the start of the mark, deterministically."""
    path = tmp_path / "s.sqlite"
    first = StateStore(path)
    first.set_read(["old"])
    first.close()
    store = StateStore(path, load=False)
    opened = store.open

    def load_meanwhile() -> None:
        opened()
        store.refresh()

    store.open = load_meanwhile  # type: ignore[method-assign]
    store.set_read(["old"], False)
    assert store.read == set()
    store.close()
    assert read_marks_on_disk(path) == set()
