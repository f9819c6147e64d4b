"""MinHash band keys and a compact banded LSH index: candidate pairs, cheaply.

Each item's shingles (``textsim.shingles``) become a MinHash signature of
``BANDS * ROWS`` values (one multiply-add-shift hash per value, computed for a
batch of items at once with numpy); each band of ``ROWS`` values is folded into
one 32-bit key. Two items whose shingle sets have Jaccard similarity J share
at least one band with probability 1 - (1 - J**ROWS)**BANDS: with 20 bands of
5 rows, 0.47 at J = 0.5, 0.80 at 0.6, 0.975 at 0.7, 0.996 at 0.75 (a copy of
an article: another title suffix, case, a word changed, the excerpt cut at 16
words instead of 24...), and 0.05 at 0.3, 0.002 at 0.2 (texts that merely
share phrases: template headlines, boilerplate). Fewer rows per band made
millions of candidate pairs on the template-built bench corpus.
Every candidate is then confirmed on the texts, so a 32-bit key that collides
by chance costs one comparison, never a wrong merge.

``BandIndex`` keeps, per band, the keys sorted in one numpy array beside the
items' numbers (8 bytes per item and band: 100k items in 21 bands take 17 MB,
where a dict of sets per band would take hundreds of MB); items added later
go to a small dict, removed ones are remembered as dead until the next
compaction folds both into the arrays again. Key 0 means "no key": an item
without text is in no band.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

__all__ = ["BANDS", "ROWS", "BandIndex", "band_keys"]

BANDS = 20
ROWS = 5
_SEED = 20240611  # fixed: the same text gets the same keys in every run
_CHUNK = 1 << 15  # shingles hashed at once (x 100 hashes x 8 bytes = 26 MB)

_rng = np.random.default_rng(_SEED)
_A = _rng.integers(1, 1 << 62, size=BANDS * ROWS, dtype=np.uint64) * np.uint64(2) + np.uint64(1)
_B = _rng.integers(0, 1 << 62, size=BANDS * ROWS, dtype=np.uint64)
_FOLD = _rng.integers(1, 1 << 62, size=ROWS, dtype=np.uint64) * np.uint64(2) + np.uint64(1)
_SHIFT = np.uint64(32)


def band_keys(shingle_lists: Sequence[Sequence[int]], extra: Sequence[int] | None = None) -> np.ndarray:
    """One row of ``BANDS`` (+1 with ``extra``) uint32 keys per shingle list.

    ``extra`` adds one more key per item as it is (0 for none): an exact-match
    band (the stories use the title's hash). A list without shingles gets 0s.
    """
    n = len(shingle_lists)
    width = BANDS + (extra is not None)
    out = np.zeros((n, width), dtype=np.uint32)
    start = 0
    while start < n:
        stop, total = start, 0
        while stop < n and (total == 0 or total + len(shingle_lists[stop]) <= _CHUNK):
            total += len(shingle_lists[stop])
            stop += 1
        _sign(shingle_lists, start, stop, total, out)
        start = stop
    if extra is not None:
        out[:, BANDS] = np.asarray(extra, dtype=np.uint32)
    return out


def _sign(lists: Sequence[Sequence[int]], start: int, stop: int, total: int, out: np.ndarray) -> None:
    lengths = np.fromiter((len(s) for s in lists[start:stop]), dtype=np.int64, count=stop - start)
    filled = np.nonzero(lengths)[0]
    if total == 0:
        return
    flat = np.fromiter((h for s in lists[start:stop] for h in s), dtype=np.uint64, count=total)
    hashed = (flat[:, None] * _A[None, :] + _B[None, :]) >> _SHIFT  # wraps mod 2**64 on purpose
    offsets = np.concatenate(([0], np.cumsum(lengths)[:-1]))[filled]
    signature = np.minimum.reduceat(hashed, offsets, axis=0).reshape(len(filled), BANDS, ROWS)
    folded = (signature * _FOLD).sum(axis=2, dtype=np.uint64) >> _SHIFT
    keys = folded.astype(np.uint32)
    keys[keys == 0] = 1  # 0 means "no key"
    out[start + filled, :BANDS] = keys


class BandIndex:
    """Items (by number) under their band keys; which items share a key with one."""

    # Changes kept aside before they are folded into the sorted arrays (or a quarter of them).
    compact_after = 4096

    def __init__(self, keys: np.ndarray | None = None, ordinals: Sequence[int] | np.ndarray = ()) -> None:
        width = 0 if keys is None else keys.shape[1]
        self._width = width
        self._keys: list[np.ndarray] = []
        self._ords: list[np.ndarray] = []
        self._added: dict[tuple[int, int], list[int]] = {}  # (band, key) -> ordinals
        self._added_rows: dict[int, np.ndarray] = {}
        self._dead: set[int] = set()
        if keys is not None:
            self._build(keys, np.asarray(ordinals, dtype=np.int32))

    def _build(self, keys: np.ndarray, ords: np.ndarray) -> None:
        self._keys, self._ords = [], []
        for band in range(self._width):
            column = keys[:, band]
            live = column != 0
            column, band_ords = column[live], ords[live]
            order = np.argsort(column, kind="stable")
            self._keys.append(column[order])
            self._ords.append(band_ords[order])

    # -- all pairs at once (right after building) ------------------------------------------
    def pairs(self) -> np.ndarray:
        """Every pair of items that share a key in some band, as (low, high) rows
        (what was built: call it before any ``add`` or ``remove``)."""
        found: list[np.ndarray] = []
        for keys, ords in zip(self._keys, self._ords, strict=True):
            if len(keys) < 2:
                continue
            same = keys[1:] == keys[:-1]
            starts = np.nonzero(np.concatenate(([True], ~same)))[0]
            lengths = np.diff(np.concatenate((starts, [len(keys)])))
            two = starts[lengths == 2]  # most shared keys are shared by two items
            found.append(np.stack((ords[two], ords[two + 1]), axis=1))
            for start, length in zip(starts[lengths > 2].tolist(), lengths[lengths > 2].tolist(), strict=True):
                group = ords[start:start + length]
                i, j = np.triu_indices(length, 1)
                found.append(np.stack((group[i], group[j]), axis=1))
        if not found:
            return np.empty((0, 2), dtype=np.int64)
        both = np.concatenate(found).astype(np.int64)
        both.sort(axis=1)
        codes = np.unique(both[:, 0] << 32 | both[:, 1])
        return np.stack((codes >> 32, codes & 0xFFFFFFFF), axis=1)

    # -- one item at a time ----------------------------------------------------------------
    def query(self, row: np.ndarray) -> set[int]:
        """The items that share a key with ``row`` in some band."""
        out: set[int] = set()
        for band, key in enumerate(row.tolist()):
            if key == 0:
                continue
            if band < len(self._keys):
                keys = self._keys[band]
                lo = int(np.searchsorted(keys, key, "left"))
                hi = int(np.searchsorted(keys, key, "right"))
                if hi > lo:
                    out.update(self._ords[band][lo:hi].tolist())
            out.update(self._added.get((band, key), ()))
        return out - self._dead if self._dead else out

    def add(self, ordinal: int, row: np.ndarray) -> None:
        if not self._width:
            self._width = len(row)
        self._added_rows[ordinal] = row
        for band, key in enumerate(row.tolist()):
            if key:
                self._added.setdefault((band, key), []).append(ordinal)
        self._maybe_compact()

    def remove(self, ordinal: int) -> None:
        row = self._added_rows.pop(ordinal, None)
        if row is None:
            self._dead.add(ordinal)
            self._maybe_compact()
            return
        for band, key in enumerate(row.tolist()):
            if key:
                bucket = self._added[band, key]
                bucket.remove(ordinal)
                if not bucket:
                    del self._added[band, key]

    def _maybe_compact(self) -> None:
        base = len(self._ords[0]) if self._ords else 0
        if len(self._added_rows) + len(self._dead) <= max(self.compact_after, base // 4):
            return
        keys_parts, ords_parts = [], []
        for band in range(self._width):
            keys = self._keys[band] if band < len(self._keys) else np.empty(0, np.uint32)
            ords = self._ords[band] if band < len(self._ords) else np.empty(0, np.int32)
            if self._dead:
                live = ~np.isin(ords, np.fromiter(self._dead, dtype=np.int32))
                keys, ords = keys[live], ords[live]
            extra = [(key, o) for (b, key), os_ in self._added.items() if b == band for o in os_]
            if extra:
                keys = np.concatenate((keys, np.array([k for k, _ in extra], dtype=np.uint32)))
                ords = np.concatenate((ords, np.array([o for _, o in extra], dtype=np.int32)))
            order = np.argsort(keys, kind="stable")
            keys_parts.append(keys[order])
            ords_parts.append(ords[order])
        self._keys, self._ords = keys_parts, ords_parts
        self._added.clear()
        self._added_rows.clear()
        self._dead.clear()
