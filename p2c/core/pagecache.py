"""A bounded in-process store of rendered pages, gzip-compressed (the directory's anonymous pages).

Why not the shared `cache`: a page cached per full URL has as many entries as there are URLs (every
search text, every cursor), and the shared in-process cache empties itself wholesale at 2,000 entries:
a crawl of the directory would throw away the /progress page, which takes about a minute to
recompute at a million pledges. This store has its own budget in bytes and forgets the least recently
used pages first. Entries are keyed on a data version (see the caller), so an old entry is never read,
only aged out.

Pages are kept gzip-compressed only (about a fifth of their size): a client that accepts gzip gets the
bytes as they are, the rare one that does not costs one decompression (about 0.1 ms).
"""

from __future__ import annotations

import sys
import threading
import time
from collections import OrderedDict

# What an entry costs besides its key, body and extra: its tuple, the float, the ordered dict's slot
# and link node (CPython 3.11, 64-bit: about 56 + 24 + 100 bytes; rounded up).
ENTRY_OVERHEAD = 200


def footprint(value: object) -> int:
    """Bytes held by `value`, following tuples and lists (what `extra` holds: offsets, CRCs and the
    CRC shift columns of a page with a reader's token; about 1.2 KB per part, as much as a small body)."""
    size = sys.getsizeof(value)
    if isinstance(value, tuple | list):
        size += sum(footprint(item) for item in value)
    return size


class PageCache:
    """key -> (bytes, extra) with a total byte budget and a time to live; thread-safe.

    The budget counts what an entry holds in memory: its key, its body, its extra (`footprint`) and
    ENTRY_OVERHEAD, not the body alone (which left about a third of the memory uncounted)."""

    def __init__(self, max_bytes: int = 16 * 1024 * 1024, ttl: float = 600.0) -> None:
        self.max_bytes = max_bytes
        self.ttl = ttl
        self._entries: OrderedDict[str, tuple[float, bytes, object, int]] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    def get(self, key: str) -> tuple[bytes, object] | None:
        """(body, extra) or None; a hit becomes the most recently used entry."""
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                return None
            if entry[0] < time.monotonic():
                self._drop(key)
                return None
            self._entries.move_to_end(key)
            return entry[1], entry[2]

    def put(self, key: str, body: bytes, extra: object = None) -> None:
        """Store a body (an entry costing more than a quarter of the budget is not kept)."""
        cost = sys.getsizeof(key) + sys.getsizeof(body) + (footprint(extra) if extra is not None else 0) \
            + ENTRY_OVERHEAD
        if cost > self.max_bytes // 4:
            return
        with self._lock:
            if key in self._entries:
                self._drop(key)
            self._entries[key] = (time.monotonic() + self.ttl, body, extra, cost)
            self._bytes += cost
            while self._bytes > self.max_bytes:
                self._drop(next(iter(self._entries)))

    def _drop(self, key: str) -> None:
        self._bytes -= self._entries.pop(key)[3]

    def clear(self) -> None:
        """Forget every page (tests)."""
        with self._lock:
            self._entries.clear()
            self._bytes = 0

    def __len__(self) -> int:
        return len(self._entries)

    @property
    def size(self) -> int:
        """Bytes held by the entries (keys, bodies, extras and their overhead)."""
        return self._bytes
