"""How the app's process asks the C allocator (glibc malloc) to keep its memory.

Python's own allocator takes the small objects; everything over 512 bytes --
the catalog's lists of 100k entries (800 KB each, one per query), sort orders,
masks, SQLite's pages, dict tables -- comes from malloc. glibc's defaults cost
the app about 17 MB of its peak at 100k entries (bench/RESULTS.md, issue 9):

* freeing a block of 128 KB or more raises the size below which blocks are
  carved from the heap rather than mapped on their own to that block's size
  (glibc's "dynamic mmap threshold", up to 32 MB, and the heap is trimmed only
  past twice that): once a few MB-sized tables (a dict of 100k ids, a set)
  have come and gone, the next ones stay resident in the heap's holes;
* each thread that allocates gets an arena of its own (up to 8 per CPU): the
  load, the warm-up, the clustering's messages and the UI thread each keep the
  memory they freed, which the others cannot reuse.

``tune_malloc`` fixes the threshold at 1 MB (a block that large is mapped on
its own and given back when freed; the 800 KB list a query makes at 100k
entries still comes from the heap, so a query costs no page faults) and allows
two arenas (the threads allocate under the GIL: one lock is hardly contended).
It changes nothing but where memory comes from; elsewhere than glibc it does
nothing.
"""

from __future__ import annotations

import ctypes
import sys

__all__ = ["ARENAS", "MMAP_THRESHOLD", "tune_malloc"]

M_MMAP_THRESHOLD = -3  # mallopt parameters (glibc's malloc.h)
M_ARENA_MAX = -8
MMAP_THRESHOLD = 1024 * 1024  # above the 800 KB list of 100k entries a query makes
ARENAS = 2


def tune_malloc() -> bool:
    """Ask glibc for a fixed mmap threshold and at most ``ARENAS`` arenas. Call it
    early, before threads start (an arena a thread already has stays its own).
    True if glibc took both settings; False elsewhere (no glibc, no mallopt)."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        mallopt = ctypes.CDLL(None).mallopt  # the process's own symbols: libc's, if it is glibc
    except (OSError, AttributeError):  # musl and others: no mallopt
        return False
    mallopt.argtypes = (ctypes.c_int, ctypes.c_int)
    mallopt.restype = ctypes.c_int
    return bool(mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD)) & bool(mallopt(M_ARENA_MAX, ARENAS))
