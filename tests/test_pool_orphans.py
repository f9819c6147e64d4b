"""A killed app leaves no pool worker behind (they used to wait for work for ever)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import write_item

ROOT = Path(__file__).resolve().parents[1]

# The "app": reads chunks through the pool, prints its workers' pids once the
# second batch is in (the workers are up), then waits to be killed.
CHILD = """
import multiprocessing, sys, time
from pathlib import Path
from reader.core.pool import pooled

root = Path(sys.argv[1])
refs = [(p.name, str(p), p.stat().st_size, p.stat().st_mtime_ns) for p in sorted(root.glob("*.md"))]
chunks = [refs[i:i + 5] for i in range(0, len(refs), 5)]
for n, _batch in enumerate(pooled(chunks, 2, lambda rows: rows, None)):
    if n == 1:
        print(" ".join(str(p.pid) for p in multiprocessing.active_children()), flush=True)
        time.sleep(3600)
"""


def gone(pid: int) -> bool:
    """No such process, or a zombie waiting for init to reap it."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except (FileNotFoundError, ProcessLookupError):
        return True
    return stat.rsplit(")", 1)[1].split()[0] == "Z"


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc")
def test_the_pool_workers_end_when_their_parent_is_killed(tmp_path):
    for i in range(40):
        write_item(tmp_path, f"item{i}.md", title=f"Item {i}")
    child = subprocess.Popen([sys.executable, "-c", CHILD, str(tmp_path)], cwd=ROOT,
                             stdout=subprocess.PIPE, text=True)
    try:
        line = child.stdout.readline() if child.stdout else ""
        workers = [int(pid) for pid in line.split()]
        assert workers, "the pool started no worker"
        assert not any(gone(pid) for pid in workers)
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait()
    # Waiting on the event (each worker gone); the bound only keeps a broken
    # build from hanging the suite, it is no speed claim.
    deadline = time.monotonic() + 60
    while not all(gone(pid) for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.1)
    left = [pid for pid in workers if not gone(pid)]
    for pid in left:
        os.kill(pid, signal.SIGKILL)
    assert not left, f"workers left behind: {left}"
