"""The loader and the persistent index: warm equals cold, changes are noticed, a bad index is rebuilt."""

from __future__ import annotations

import json
import multiprocessing
import os
import shutil
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from conftest import write_item

from reader.core import index as index_mod
from reader.core.index import Index, IndexUnavailable, index_path
from reader.core.loader import Batch, ScanReport, load_all, scan
from reader.core.model import Entry
from reader.core.store import LoadProblem, NotADirectory, load_directory

REPO = Path(__file__).resolve().parents[1]
SAMPLE = REPO / "sample_content"
OLD = 1_600_000_000_000_000_000  # 2020-09-13: well before any scan (not "racy")


def backdate(root: Path) -> None:
    """Give every file an old, distinct mtime, as files that were not just written have."""
    for i, path in enumerate(sorted(p for p in root.rglob("*") if p.is_file())):
        os.utime(path, ns=(OLD + i * 1000, OLD + i * 1000))


def run(root: Path, ix: Index | None, **kw) -> tuple[dict[str, Entry], list[LoadProblem], ScanReport]:
    try:
        entries, problems, report = load_all(root, index=ix, **kw)
    finally:
        if ix is not None:
            ix.close()
    by_id = {e.id: e for e in entries}
    assert len(by_id) == len(entries)  # no entry twice
    return by_id, sorted(problems, key=lambda p: p.id), report


def reference(root: Path) -> tuple[dict[str, Entry], list[LoadProblem]]:
    """The plain store path (full items, YAML only): what every load must equal."""
    result = load_directory(root)
    return {e.id: e for e in result.entries}, sorted(result.problems, key=lambda p: p.id)


@pytest.fixture
def ixdir(tmp_path: Path) -> Path:
    return tmp_path / "index"


@pytest.fixture
def corpus(small_corpus: Path) -> Path:
    backdate(small_corpus)
    return small_corpus


from tests.conftest import load_make_corpus as make_corpus_module  # noqa: E402


def generated(root: Path, n: int, seed: int = 1) -> Path:
    for rel, text in make_corpus_module().generate(n, seed):
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(text.encode("utf-8") if isinstance(text, str) else text)
    backdate(root)
    return root


# -- cold load equals the store ---------------------------------------------------------

def test_cold_scan_equals_store(corpus: Path) -> None:
    entries, problems, report = run(corpus, None)
    assert (entries, problems) == reference(corpus)
    assert report.total == 7 and report.parsed == 7 and report.from_index == 0
    assert [p.id for p in problems] == ["broken.md"]


def test_sample_content_cold_warm_and_store_agree(tmp_path: Path, ixdir: Path) -> None:
    if not SAMPLE.is_dir() or not any(SAMPLE.iterdir()):
        pytest.skip("sample_content/ is empty")
    root = tmp_path / "sample"
    shutil.copytree(SAMPLE, root)
    backdate(root)
    ref = reference(root)
    cold = run(root, Index(root, directory=ixdir))
    warm = run(root, Index(root, directory=ixdir))
    assert cold[:2] == ref
    assert warm[:2] == ref
    assert warm[2].parsed == 0 and warm[2].from_index == warm[2].total


def test_generated_corpus_in_processes_equals_store(tmp_path: Path, ixdir: Path) -> None:
    root = generated(tmp_path / "gen", 800, seed=4)
    ref = reference(root)
    pooled = run(root, Index(root, directory=ixdir), workers=2, batch_size=150)
    assert pooled[2].workers == 2
    assert pooled[:2] == ref
    warm = run(root, Index(root, directory=ixdir), workers=2)
    assert warm[:2] == ref
    assert warm[2].parsed == 0


def test_batches_count_up_to_total(tmp_path: Path) -> None:
    root = tmp_path / "c"
    for i in range(700):
        write_item(root, f"d{i % 7}/i{i:04d}.md", title=f"Item {i}", heat=i % 100)
    (root / "README.md").write_text("not an item\n", encoding="utf-8")
    batches: list[Batch] = list(scan(root, batch_size=200, workers=0))
    assert [b.done for b in batches] == [250, 450, 650, 701]
    # A cold start reads its first batch while still listing: that total is provisional.
    assert batches[0].done <= batches[0].total <= 701
    assert all(b.total == 701 for b in batches[1:])
    assert [b.finished for b in batches] == [False, False, False, True]
    assert batches[-1].report is not None and batches[-1].report.skipped == 1
    assert sum(len(b.entries) for b in batches) == 700


def test_empty_folder_and_bad_root(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    batches = list(scan(tmp_path / "empty"))
    assert len(batches) == 1 and batches[0].finished and batches[0].total == 0
    with pytest.raises(NotADirectory):
        next(scan(tmp_path / "missing"))


# -- warm starts notice every change -----------------------------------------------------

def test_warm_start_reads_nothing_unchanged(corpus: Path, ixdir: Path) -> None:
    cold = run(corpus, Index(corpus, directory=ixdir))
    warm = run(corpus, Index(corpus, directory=ixdir))
    assert warm[:2] == cold[:2] == reference(corpus)
    assert warm[2].from_index == 7 and warm[2].parsed == 0 and warm[2].index_used


def test_changed_file_is_read_again(corpus: Path, ixdir: Path) -> None:
    run(corpus, Index(corpus, directory=ixdir))
    path = write_item(corpus, "b.md", title="Beta, rewritten and longer", heat=11,
                      topics=["Energy", "Storage"])
    os.utime(path, ns=(OLD + 5, OLD + 5))
    entries, problems, report = run(corpus, Index(corpus, directory=ixdir))
    assert entries["b.md"].title == "Beta, rewritten and longer"
    assert entries["b.md"].topics == ("Energy", "Storage")
    assert report.parsed == 1 and report.from_index == 6
    assert (entries, problems) == reference(corpus)
    again = run(corpus, Index(corpus, directory=ixdir))
    assert again[0]["b.md"].heat == 11 and again[2].parsed == 0


def test_same_size_same_mtime_edit_right_after_a_scan_is_noticed(corpus: Path, ixdir: Path) -> None:
    """A file written moments before the scan is not trusted on mtime alone next time."""
    path = corpus / "a.md"
    original = path.read_bytes()
    os.utime(path)  # now: "racy"
    stat = path.stat()
    run(corpus, Index(corpus, directory=ixdir))
    edited = original.replace(b"heat: 90", b"heat: 19")
    assert len(edited) == len(original)
    path.write_bytes(edited)
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))  # same size, same mtime
    entries, _, report = run(corpus, Index(corpus, directory=ixdir))
    assert entries["a.md"].heat == 19
    assert report.parsed == 1


def test_deleted_file_is_dropped(corpus: Path, ixdir: Path) -> None:
    run(corpus, Index(corpus, directory=ixdir))
    (corpus / "sub" / "e.md").unlink()
    (corpus / "broken.md").unlink()
    entries, problems, report = run(corpus, Index(corpus, directory=ixdir))
    assert "sub/e.md" not in entries and problems == []
    assert report.deleted == 2 and report.parsed == 0
    with sqlite3.connect(index_path(corpus, ixdir)) as db:
        ids = {r[0] for r in db.execute("SELECT id FROM files")}
    assert "sub/e.md" not in ids and "broken.md" not in ids


def test_added_file_appears(corpus: Path, ixdir: Path) -> None:
    run(corpus, Index(corpus, directory=ixdir))
    write_item(corpus, "new/g.md", title="Eta arrives", heat=5)
    entries, _, report = run(corpus, Index(corpus, directory=ixdir))
    assert entries["new/g.md"].title == "Eta arrives"
    assert report.parsed == 1 and report.from_index == 7
    assert entries == reference(corpus)[0]


def test_touch_without_change_stays_correct(corpus: Path, ixdir: Path) -> None:
    cold = run(corpus, Index(corpus, directory=ixdir))
    for name in ("a.md", "broken.md"):
        os.utime(corpus / name, ns=(OLD + 999_999, OLD + 999_999))
    warm = run(corpus, Index(corpus, directory=ixdir))
    assert warm[:2] == cold[:2]
    assert warm[2].parsed == 2


def test_bad_file_stays_reported_across_warm_starts(corpus: Path, ixdir: Path) -> None:
    first = run(corpus, Index(corpus, directory=ixdir))
    for _ in range(2):
        warm = run(corpus, Index(corpus, directory=ixdir))
        assert warm[1] == first[1] and [p.id for p in warm[1]] == ["broken.md"]
        assert "bad YAML" in warm[1][0].reason
        assert warm[2].parsed == 0  # known bad and unchanged: not read again


def test_non_item_files_are_remembered_as_skipped(corpus: Path, ixdir: Path) -> None:
    (corpus / "README.md").write_text("# notes, not an item\n", encoding="utf-8")
    backdate(corpus)
    cold = run(corpus, Index(corpus, directory=ixdir))
    warm = run(corpus, Index(corpus, directory=ixdir))
    assert cold[2].skipped == warm[2].skipped == 1
    assert warm[2].parsed == 0 and warm[:2] == cold[:2]


# -- the index file itself -----------------------------------------------------------------

def test_index_lives_in_the_cache_dir_keyed_by_root(corpus: Path, tmp_path: Path) -> None:
    os.environ["READER_CACHE_DIR"] = str(tmp_path / "cachehome")  # undone by conftest's monkeypatch
    path = Index(corpus).path
    assert path.parent == tmp_path / "cachehome" / "index"
    assert path.suffix == ".sqlite" and len(path.stem) == 64
    assert Index(corpus / "sub").path != path


@pytest.mark.parametrize(
    "damage",
    [
        b"garbage" * 1000,
        b"",
        b"SQLite format 3\x00" + b"\xff" * 5000,
    ],
)
def test_corrupt_index_is_rebuilt(corpus: Path, ixdir: Path, damage: bytes) -> None:
    run(corpus, Index(corpus, directory=ixdir))
    path = index_path(corpus, ixdir)
    path.write_bytes(damage)
    entries, problems, report = run(corpus, Index(corpus, directory=ixdir))
    assert (entries, problems) == reference(corpus)
    assert report.index_used
    warm = run(corpus, Index(corpus, directory=ixdir))
    assert warm[2].parsed == 0 and warm[:2] == (entries, problems)


def test_truncated_index_is_rebuilt(corpus: Path, ixdir: Path) -> None:
    for i in range(300):
        write_item(corpus, f"bulk/{i}.md", title=f"Bulk {i} " + "x" * 200)
    backdate(corpus)
    run(corpus, Index(corpus, directory=ixdir))
    path = index_path(corpus, ixdir)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    entries, problems, _ = run(corpus, Index(corpus, directory=ixdir))
    assert (entries, problems) == reference(corpus)


def test_foreign_schema_version_is_rebuilt(corpus: Path, ixdir: Path) -> None:
    run(corpus, Index(corpus, directory=ixdir))
    path = index_path(corpus, ixdir)
    with sqlite3.connect(path) as db:
        db.execute(f"PRAGMA user_version = {index_mod.SCHEMA_VERSION + 1}")
    db.close()
    entries, problems, report = run(corpus, Index(corpus, directory=ixdir))
    assert "schema version" in (report.index_note or "")
    assert report.parsed == 7
    assert (entries, problems) == reference(corpus)
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA user_version").fetchone()[0] == index_mod.SCHEMA_VERSION
    db.close()


def test_someone_elses_database_is_rebuilt(corpus: Path, ixdir: Path) -> None:
    path = index_path(corpus, ixdir)
    path.parent.mkdir(parents=True)
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE files (id TEXT, other BLOB)")
        db.execute(f"PRAGMA user_version = {index_mod.SCHEMA_VERSION}")  # ours, tables not
    db.close()
    entries, problems, report = run(corpus, Index(corpus, directory=ixdir))
    assert (entries, problems) == reference(corpus)
    assert report.index_used and "not a reader index" in (report.index_note or "")


def test_unusable_index_directory_means_no_index(corpus: Path, tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("x")
    entries, problems, report = run(corpus, Index(corpus, directory=blocker / "index"))
    assert (entries, problems) == reference(corpus)
    assert not report.index_used and report.index_note


def test_locked_index_falls_back_to_no_index(corpus: Path, ixdir: Path) -> None:
    run(corpus, Index(corpus, directory=ixdir))
    write_item(corpus, "late.md", title="Late")  # something to write
    holder = sqlite3.connect(index_path(corpus, ixdir), isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        entries, problems, report = run(corpus, Index(corpus, directory=ixdir, busy_timeout=0.2))
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert (entries, problems) == reference(corpus)
    assert not report.index_used and "locked" in (report.index_note or "")


def test_write_failure_midway_keeps_loading(corpus: Path, ixdir: Path, monkeypatch) -> None:
    def fail(*_a, **_k):
        raise IndexUnavailable("disk full")

    ix = Index(corpus, directory=ixdir)
    monkeypatch.setattr(ix, "write", fail)
    entries, problems, report = run(corpus, ix)
    assert (entries, problems) == reference(corpus)
    assert report.index_note == "disk full" and not report.index_used


def test_undecodable_file_name_is_loaded_but_not_stored(corpus: Path, ixdir: Path) -> None:
    name = os.fsencode(corpus) + b"/caf\xe9.md"
    try:
        fd = os.open(name, os.O_WRONLY | os.O_CREAT, 0o644)
    except OSError:
        pytest.skip("file system refuses non-UTF-8 names")
    os.write(fd, b"---\ntitle: Latin-1 name\n---\n")
    os.close(fd)
    backdate(corpus)
    cold = run(corpus, Index(corpus, directory=ixdir))
    warm = run(corpus, Index(corpus, directory=ixdir))
    assert cold[:2] == warm[:2]
    assert any(e.title == "Latin-1 name" for e in warm[0].values())
    assert warm[2].parsed == 1  # not storable, so read each time


def test_two_processes_starting_at_once(tmp_path: Path, ixdir: Path) -> None:
    root = tmp_path / "c"
    for i in range(400):
        write_item(root, f"d{i % 4}/i{i:03d}.md", title=f"Item {i}", heat=i % 100,
                   topics=["AI"] if i % 2 else ["Energy"])
    (root / "bad.md").write_text("---\ntitle: [x\n---\n", encoding="utf-8")
    backdate(root)
    code = (
        "import json, sys\n"
        "from reader.core.index import Index\n"
        "from reader.core.loader import load_all\n"
        "root, ixdir = sys.argv[1], sys.argv[2]\n"
        "for _ in range(3):\n"
        "    e, p, r = load_all(root, index=Index(root, directory=ixdir), workers=0)\n"
        "    print(json.dumps([len(e), len(p), r.index_used, r.parsed]))\n"
    )
    env = dict(os.environ, PYTHONPATH=str(REPO))
    procs = [
        subprocess.Popen([sys.executable, "-c", code, str(root), str(ixdir)], env=env,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for _ in range(2)
    ]
    outs = [p.communicate(timeout=120) for p in procs]
    for proc, (out, err) in zip(procs, outs, strict=False):
        assert proc.returncode == 0, err
        for line in out.splitlines():
            n_entries, n_problems, _used, _parsed = json.loads(line)
            assert (n_entries, n_problems) == (400, 1)
    entries, problems, report = run(root, Index(root, directory=ixdir))
    assert report.index_used and report.parsed == 0
    assert (entries, problems) == reference(root)


# -- cancelling ------------------------------------------------------------------------------

def test_stopping_early_shuts_the_pool_down(tmp_path: Path, ixdir: Path) -> None:
    root = tmp_path / "c"
    for i in range(1200):
        write_item(root, f"i{i:04d}.md", title=f"Item {i}")
    backdate(root)
    # (processes another test left behind, still exiting on a busy machine, are not this pool)
    others = set(multiprocessing.active_children())
    it = scan(root, index=Index(root, directory=ixdir), workers=2, batch_size=100)
    first = next(it)
    second = next(it)
    assert first.done == 250 and second.done == 350 and not second.finished
    assert set(multiprocessing.active_children()) - others  # the pool is running
    it.close()
    assert set(multiprocessing.active_children()) - others == set()
    # What was stored before stopping is reused; the rest is read.
    entries, _, report = run(root, Index(root, directory=ixdir), workers=0)
    assert len(entries) == 1200 and report.from_index >= 350


def test_cancel_event_stops_at_a_batch_boundary(tmp_path: Path) -> None:
    root = tmp_path / "c"
    for i in range(600):
        write_item(root, f"i{i:04d}.md", title=f"Item {i}")
    cancel = threading.Event()
    seen = []
    for batch in scan(root, batch_size=100, workers=0, cancel=cancel):
        seen.append(batch.done)
        cancel.set()
    assert seen == [250]


def test_scan_runs_in_a_thread(corpus: Path, ixdir: Path) -> None:
    out: list[Batch] = []
    worker = threading.Thread(
        target=lambda: out.extend(scan(corpus, index=Index(corpus, directory=ixdir), workers=0))
    )
    worker.start()
    worker.join(60)
    assert out and out[-1].finished
    assert {e.id for b in out for e in b.entries} == set(reference(corpus)[0])


# -- the index-first batch and its corrections ------------------------------------------------

def test_index_first_batch_then_removals(corpus: Path, ixdir: Path) -> None:
    run(corpus, Index(corpus, directory=ixdir))
    (corpus / "f.md").unlink()
    path = write_item(corpus, "b.md", title="Beta again", heat=12)
    os.utime(path, ns=(OLD + 7, OLD + 7))
    (corpus / "broken.md").write_text("---\ntitle: Fixed now\n---\n", encoding="utf-8")
    os.utime(corpus / "broken.md", ns=(OLD + 8, OLD + 8))
    ix = Index(corpus, directory=ixdir)
    try:
        batches = list(scan(corpus, index=ix, workers=0))
    finally:
        ix.close()
    first, second = batches[0], batches[1]
    assert {e.id for e in first.entries} == {"a.md", "b.md", "c.md", "d.md", "sub/e.md", "f.md"}
    assert [p.id for p in first.problems] == ["broken.md"] and first.removed == []
    assert sorted(second.removed) == ["b.md", "broken.md", "f.md"]
    assert second.entries == [] and second.total == 6 and second.done == 4
    later = [e for b in batches[2:] for e in b.entries]
    assert {e.id: e.title for e in later} == {"b.md": "Beta again", "broken.md": "Fixed now"}
    assert batches[-1].finished and not any(b.problems for b in batches[1:])


def test_index_first_off_never_removes(corpus: Path, ixdir: Path) -> None:
    run(corpus, Index(corpus, directory=ixdir))
    (corpus / "f.md").unlink()
    os.utime(corpus / "a.md", ns=(OLD + 3, OLD + 3))
    ix = Index(corpus, directory=ixdir)
    try:
        batches = list(scan(corpus, index=ix, workers=0, index_first=False))
    finally:
        ix.close()
    assert all(b.removed == [] for b in batches)
    ids = [e.id for b in batches for e in b.entries]
    assert sorted(ids) == sorted(reference(corpus)[0])
    assert batches[0].total == 6 and "a.md" not in {e.id for e in batches[0].entries}


def test_nothing_changed_is_two_batches_and_no_work(corpus: Path, ixdir: Path) -> None:
    run(corpus, Index(corpus, directory=ixdir))
    ix = Index(corpus, directory=ixdir)
    try:
        batches = list(scan(corpus, index=ix))
    finally:
        ix.close()
    assert len(batches) == 2
    assert len(batches[0].entries) == 6 and len(batches[0].problems) == 1
    assert batches[1].finished and batches[1].removed == [] and not batches[1].entries
    assert batches[1].report.parsed == 0 and batches[1].report.from_index == 7


# -- entries from rows equal entries from items -----------------------------------------------

ODD_ITEMS = [
    "title: no\nheat: -1\nquality: 250\npublished: yes\n",
    "title: '  padded  '\nheat: '12.7'\nquality: -3\npublished: maybe\n",
    'title: "A &amp; B &lt;i&gt;"\nexcerpt: "x &#8217; y"\nprovider: Plain Name\ntopics: Solo\n',
    "provider:\n  domain: only-domain.example.com\n",
    "provider:\n  images:\n    - url: https://img.example.com/a.png\n",
    "provider:\n  name: ''\n  domain: ''\n",
    'webUrl: "https://a.example.com/x\\u0007y"\noriginalUrl: "  https://a.example.com/p  "\n'
    "ampWebUrl: https://a.example.com/p\ncdnAmpWebUrl: '   '\n",
    'title: "\\e[31mred\\u202e"\ntopics:\n  - AI\n  - AI\n  - " "\n  - Space\n',
    "publishedDateTime: 1700000000\n",
    "publishedDateTime: 1700000000000\n",
    "publishedDateTime: 2024-02-30\n",
    "publishedDateTime: 2024-05-01 10:00:00 +02:00\n",
    "publishedDateTime: 2024-05-01\n",
    "topics: [a, b]\ntitle: flow\n",  # the YAML fallback
    "title: |\n  block\n  scalar\n",
    "related:\n  - title: r\n    webUrl: https://r.example.com\n",
    "heat: 1_000\nquality: 1e1\n",
    "title:\n  - a list\n",
]


@pytest.mark.parametrize("fields", ODD_ITEMS)
def test_entry_rows_equal_entries_from_items(tmp_path: Path, fields: str) -> None:
    from reader.core.index import RowDecoder
    from reader.core.parse_rows import parse_file
    from reader.core.store import parse_bytes

    data = ("---\n" + fields + "---\nbody\n").encode("utf-8")
    path = tmp_path / "x.md"
    path.write_bytes(data)
    item = parse_bytes("x.md", data)
    row, _how = parse_file("x.md", str(path), len(data), 1)
    if isinstance(item, LoadProblem):
        assert RowDecoder.problem(row) == item
    else:
        assert RowDecoder().entry(row) == Entry.from_item(item)


# -- a broken process pool -----------------------------------------------------------------

class _BrokenPool:
    """Stands in for ProcessPoolExecutor: every future fails, or submit itself does."""

    def __init__(self, *_a, fail_submit_after: int | None = None, **_k) -> None:
        self.submitted = 0
        self.fail_submit_after = fail_submit_after
        self.shut_down = False

    def submit(self, fn, *args):
        from concurrent.futures import Future
        from concurrent.futures.process import BrokenProcessPool

        self.submitted += 1
        if self.fail_submit_after is not None and self.submitted > self.fail_submit_after:
            raise BrokenProcessPool("cannot start")
        future: Future = Future()
        future.set_exception(BrokenProcessPool("a worker died"))
        return future

    def shutdown(self, wait: bool = True, cancel_futures: bool = False) -> None:
        self.shut_down = True


@pytest.mark.parametrize("fail_submit_after", [None, 0, 2])
def test_broken_pool_falls_back_to_this_thread(tmp_path: Path, monkeypatch, fail_submit_after) -> None:
    import reader.core.pool as pool_mod

    pools: list[_BrokenPool] = []

    def make(*a, **k):
        pools.append(_BrokenPool(*a, fail_submit_after=fail_submit_after, **k))
        return pools[-1]

    monkeypatch.setattr(pool_mod.futures, "ProcessPoolExecutor", make)
    root = tmp_path / "c"
    for i in range(900):
        write_item(root, f"i{i:04d}.md", title=f"Item {i}", heat=i % 100)
    (root / "bad.md").write_text("---\ntitle: [x\n---\n", encoding="utf-8")
    entries, problems, report = run(root, None, workers=2, batch_size=100)
    assert (entries, problems) == reference(root)
    assert report.parsed == 901 and pools and pools[0].shut_down


def test_index_path_that_is_a_directory_means_no_index(corpus: Path, ixdir: Path) -> None:
    index_path(corpus, ixdir).mkdir(parents=True)
    entries, problems, report = run(corpus, Index(corpus, directory=ixdir))
    assert (entries, problems) == reference(corpus)
    assert not report.index_used and report.index_note


def test_read_only_index_file_means_no_index_or_a_rebuild(corpus: Path, ixdir: Path) -> None:
    run(corpus, Index(corpus, directory=ixdir))
    path = index_path(corpus, ixdir)
    path.chmod(0o444)
    ixdir.chmod(0o555)
    try:
        entries, problems, _report = run(corpus, Index(corpus, directory=ixdir))
    finally:
        ixdir.chmod(0o755)
        path.chmod(0o644)
    assert (entries, problems) == reference(corpus)


def test_row_from_entry_round_trips(corpus: Path) -> None:
    from reader.core.index import RowDecoder, row_from_entry

    entries = reference(corpus)[0]
    decoder = RowDecoder()
    for entry in entries.values():
        assert decoder.entry(row_from_entry(entry, 10, 20)) == entry
