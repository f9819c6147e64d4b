"""Stress the item editor: concurrent editors, and writers killed at random points.

    python bench/edit_stress.py [--processes 8] [--edits 200] [--kills 1000]
                                [--spawned-kills 50] [--item-lock-too]

1. Concurrency: N processes each make M mixed edits (set_published to a random
   value; add a distinct topic) on the same 3 real items (../shared). Checks:
   every topic added is present, every file parses, no other field or line
   changed, one audit record per change. ``--item-lock-too`` repeats it with
   the lock taken on the item file itself (what the sidecar lock replaces)
   to show the lost updates that causes.
2. Crash (fork): a child keeps rewriting an item (a 400 KB body, so writes take
   a while); it is SIGKILLed after a random delay, K times. After each kill
   the file must be the complete old or new version and the lock free.
3. Crash (spawned): the same with a fresh ``python`` process per kill.

Prints the figures; exits 1 if any check failed.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from reader.core import audit, edit, files, fmedit, store  # noqa: E402
from reader.core.store import TEMP_SUFFIX  # noqa: E402

SHARED = REPO.parent / "shared"


def _editor(args: tuple[list[str], str, int, int]) -> tuple[list[tuple[str, str]], int, int, list[str]]:
    paths, root, worker, edits = args
    rng = random.Random(worker)
    added, changed, published, failed = [], 0, 0, []
    for i in range(edits):
        path = rng.choice(paths)
        try:
            if i % 2:
                topic = f"w{worker}-{i}"
                result = edit.add_topic(path, topic, root=root, timeout=120)
                added.append((path, topic))
            else:
                result = edit.set_published(path, rng.random() < 0.5, root=root, timeout=120)
                published += 1
        except edit.EditError as exc:
            failed.append(exc.reason)
            continue
        changed += result.changed
    return added, changed, published, failed


def concurrency(processes: int, edits: int, item_lock: bool) -> bool:
    sources = [
        sorted((SHARED / "seed").glob("*.txt"))[0],
        sorted((SHARED / "real-items").glob("*.md"))[0],
        sorted((SHARED / "real-items" / "powerapps").glob("*.md"))[0],
    ]
    real_lock_path = files.lock_path
    if item_lock:  # the naive lock: flock on the item file, which os.replace swaps out
        files.lock_path = lambda p: os.path.realpath(p)  # type: ignore[assignment]
    try:
        with tempfile.TemporaryDirectory() as tmp:
            paths = []
            for i, source in enumerate(sources):
                path = Path(tmp) / f"{i}-{source.name}"
                shutil.copyfile(source, path)
                paths.append(str(path))
            originals = {p: Path(p).read_bytes() for p in paths}
            started = time.perf_counter()
            with multiprocessing.get_context("fork").Pool(processes) as pool:
                jobs = [(paths, tmp, w, edits) for w in range(processes)]
                outcomes = pool.map_async(_editor, jobs).get(600)
            elapsed = time.perf_counter() - started
            added = [pair for o in outcomes for pair in o[0]]
            failed = [reason for o in outcomes for reason in o[3]]
            changed = sum(o[1] for o in outcomes)
            published = sum(o[2] for o in outcomes)
            kept, parse_ok, others_ok = 0, 0, 0
            for path in paths:
                parsed = store.read_front_matter(Path(path).read_bytes())
                before = store.read_front_matter(originals[path])
                assert before is not None
                if parsed is None:
                    continue
                parse_ok += 1
                topics = set(fmedit.current_value(parsed[0], "topics"))  # type: ignore[arg-type]
                kept += sum(1 for p, t in added if p == path and t in topics)
                strip = ("published", "topics")
                same = {k: v for k, v in parsed[0].items() if k not in strip} == {
                    k: v for k, v in before[0].items() if k not in strip}
                others_ok += same and parsed[1] == before[1]
            records, damaged = audit.read_audit(tmp)
            temps = [n for n in os.listdir(tmp) if n.endswith(TEMP_SUFFIX)]
    finally:
        files.lock_path = real_lock_path  # type: ignore[assignment]
    total = processes * edits
    label = "lock on the item file itself" if item_lock else "sidecar lock"
    print(f"concurrency ({label}): {processes} processes x {edits} edits = {total} edits "
          f"({published} set_published, {len(added)} add_topic) on {len(paths)} items "
          f"in {elapsed:.2f} s ({total / elapsed:.0f} edits/s)")
    print(f"  topics kept {kept}/{len(added)}; files parse {parse_ok}/{len(paths)}; "
          f"other fields and body unchanged {others_ok}/{len(paths)}; "
          f"audit records {len(records)} for {changed} changes, {damaged} damaged; temps left {len(temps)}")
    if failed:
        reasons = sorted({r for r in failed})
        print(f"  edits refused or failed: {len(failed)} ({'; '.join(reasons)[:300]})")
    return (kept == len(added) and parse_ok == others_ok == len(paths) and len(records) == changed
            and not temps and not failed)


def long_body() -> str:
    """An item body of about 400 KB, so that a write takes a while."""
    return "".join(f"line {i} of a long body, so that a write takes a while\n" for i in range(8000))


def kill_a_writer(path: Path, rng: random.Random, max_delay: float = 0.004) -> None:
    """Fork a child that rewrites ``path`` (published on, off, on ...) until it is
    killed; once it runs, SIGKILL it after a random delay of up to ``max_delay`` s
    and reap it. (tests/test_edit_concurrency.py runs the same, fewer times.)"""
    ready_r, ready_w = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - child: rewrite until killed
        try:
            os.close(ready_r)
            os.write(ready_w, b"1")
            flag = True
            while True:
                edit.set_published(path, flag)
                flag = not flag
        finally:
            os._exit(1)
    os.close(ready_w)
    os.read(ready_r, 1)
    os.close(ready_r)
    time.sleep(rng.uniform(0, max_delay))
    os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)


class KillTally:
    """What the killed writers left behind: each version of the file seen, torn or
    empty files, locks still held, and temp files (removed after each count)."""

    def __init__(self, old: bytes, new: bytes) -> None:
        self.seen = {old: 0, new: 0}
        self.torn = self.locked = self.temps_left = 0

    def check(self, path: Path, folder: str) -> None:
        data = path.read_bytes()
        if data in self.seen:
            self.seen[data] += 1
        else:
            self.torn += 1
        try:
            with files.item_lock(path, timeout=0):
                pass
        except files.LockTimeout:
            self.locked += 1
        self.temps_left += len([n for n in os.listdir(folder) if n.endswith(TEMP_SUFFIX)])
        files.remove_stale_temps(folder, max_age=-1)


def crash_fork(kills: int, seed: int = 7) -> bool:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "item.md"
        old = f"---\ntitle: x\npublished: false  # c\ntopics:\n  - AI\n---\n{long_body()}".encode()
        path.write_bytes(old)
        new = fmedit.plan_published(old, True).data
        rng = random.Random(seed)
        tally = KillTally(old, new)
        started = time.perf_counter()
        for _ in range(kills):
            kill_a_writer(path, rng)
            tally.check(path, tmp)
        elapsed = time.perf_counter() - started
    print(f"crash (fork): {kills} SIGKILLs in {elapsed:.1f} s: old version {tally.seen[old]}, new version "
          f"{tally.seen[new]}, torn/empty {tally.torn}, lock still held {tally.locked}; killed mid-write "
          f"(temp file left, removed by remove_stale_temps) {tally.temps_left}")
    return tally.torn == 0 and tally.locked == 0


CHILD = """
import sys
from reader.core import edit
path = sys.argv[1]
print("ready", flush=True)
flag = True
while True:
    edit.set_published(path, flag)
    flag = not flag
"""


def crash_spawned(kills: int, seed: int = 11) -> bool:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "item.md"
        old = f"---\ntitle: x\npublished: false\n---\n{long_body()}".encode()
        path.write_bytes(old)
        new = fmedit.plan_published(old, True).data
        rng = random.Random(seed)
        tally = KillTally(old, new)
        env = dict(os.environ, PYTHONPATH=str(REPO))
        started = time.perf_counter()
        for _ in range(kills):
            command = [sys.executable, "-c", CHILD, str(path)]
            child = subprocess.Popen(command, stdout=subprocess.PIPE, env=env)
            assert child.stdout is not None
            child.stdout.readline()
            time.sleep(rng.uniform(0, 0.02))
            child.send_signal(signal.SIGKILL)
            child.wait()
            child.stdout.close()
            tally.check(path, tmp)
        elapsed = time.perf_counter() - started
    print(f"crash (spawned python): {kills} SIGKILLs in {elapsed:.1f} s: old {tally.seen[old]}, "
          f"new {tally.seen[new]}, torn/empty {tally.torn}, lock still held {tally.locked}; "
          f"killed mid-write {tally.temps_left}")
    return tally.torn == 0 and tally.locked == 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--processes", type=int, default=8)
    parser.add_argument("--edits", type=int, default=200)
    parser.add_argument("--kills", type=int, default=1000)
    parser.add_argument("--spawned-kills", type=int, default=50)
    parser.add_argument("--item-lock-too", action="store_true")
    args = parser.parse_args()
    ok = concurrency(args.processes, args.edits, item_lock=False)
    if args.item_lock_too:
        concurrency(args.processes, args.edits, item_lock=True)  # expected to lose updates
    ok &= crash_fork(args.kills)
    if args.spawned_kills:
        ok &= crash_spawned(args.spawned_kills)
    print("OK" if ok else "FAILED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
