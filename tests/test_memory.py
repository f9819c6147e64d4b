"""reader.core.memory: the app asks glibc for a fixed mmap threshold."""

from __future__ import annotations

import ctypes
import subprocess
import sys
from pathlib import Path

import pytest

from reader.core.memory import MMAP_THRESHOLD

_PROBE = """
import ctypes, sys

class MallInfo2(ctypes.Structure):
    _fields_ = [(name, ctypes.c_size_t) for name in (
        "arena", "ordblks", "smblks", "hblks", "hblkhd", "usmblks", "fsmblks", "uordblks",
        "fordblks", "keepcost")]

libc = ctypes.CDLL(None)
libc.mallinfo2.restype = MallInfo2
if sys.argv[1] == "tuned":
    from reader.core.memory import tune_malloc
    assert tune_malloc()
big = bytearray(4 * int(sys.argv[2]))
del big  # glibc's own rule would now carve blocks up to this size from the heap
before = libc.mallinfo2().hblks
block = bytearray(2 * int(sys.argv[2]))
print(libc.mallinfo2().hblks - before)
"""


def _glibc_with_mallinfo2() -> bool:
    if not sys.platform.startswith("linux"):
        return False
    try:
        return hasattr(ctypes.CDLL(None), "mallinfo2")
    except OSError:
        return False


def _mapped_blocks_made(mode: str) -> int:
    repo = Path(__file__).resolve().parents[1]
    done = subprocess.run([sys.executable, "-c", _PROBE, mode, str(MMAP_THRESHOLD)], cwd=repo,
                          capture_output=True, text=True, timeout=60, check=True)
    return int(done.stdout.split()[-1])


@pytest.mark.skipif(not _glibc_with_mallinfo2(), reason="glibc (2.33+) only")
def test_a_large_block_is_mapped_on_its_own_even_after_a_larger_one_was_freed() -> None:
    # Without the fixed threshold, freeing a large block makes glibc carve the next
    # ones from the heap, where what is freed stays resident (the app's peak RSS).
    assert _mapped_blocks_made("default") == 0
    assert _mapped_blocks_made("tuned") == 1
