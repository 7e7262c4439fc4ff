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

import threading
import time
from collections import OrderedDict


class PageCache:
    """key -> (bytes, extra) with a total byte budget and a time to live; thread-safe."""

    def __init__(self, max_bytes: int = 16 * 1024 * 1024, ttl: float = 600.0) -> None:
        self.max_bytes = max_bytes
        self.ttl = ttl
        self._entries: OrderedDict[str, tuple[float, bytes, object]] = OrderedDict()
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
        """Store a body (a body larger than a quarter of the budget is not kept)."""
        if len(body) > self.max_bytes // 4:
            return
        with self._lock:
            if key in self._entries:
                self._drop(key)
            self._entries[key] = (time.monotonic() + self.ttl, body, extra)
            self._bytes += len(body)
            while self._bytes > self.max_bytes:
                self._drop(next(iter(self._entries)))

    def _drop(self, key: str) -> None:
        _expires, body, _extra = self._entries.pop(key)
        self._bytes -= len(body)

    def clear(self) -> None:
        """Forget every page (tests)."""
        with self._lock:
            self._entries.clear()
            self._bytes = 0

    def __len__(self) -> int:
        return len(self._entries)

    @property
    def size(self) -> int:
        """Bytes held."""
        return self._bytes
