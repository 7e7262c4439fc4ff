"""A tiny cache: in-process by default, Redis when REDIS_URL is set.

Correctness never depends on it: callers key entries on a data version that changes with every
write that matters, so a stale entry is simply never read again.
"""

from __future__ import annotations

import pickle
import threading
import time
from typing import Any

from flask import Flask


class Cache:
    """get/set/delete with a TTL; backend chosen in init_app."""

    def __init__(self) -> None:
        self._local: dict[str, tuple[float, Any]] = {}
        self._lock = threading.Lock()
        self._redis = None
        self.default_ttl = 300

    def init_app(self, app: Flask) -> None:
        """Pick the backend from the app's configuration."""
        self.default_ttl = app.config.get("CACHE_TTL_SECONDS", 300)
        url = app.config.get("REDIS_URL")
        if url:
            import redis

            self._redis = redis.Redis.from_url(url, socket_timeout=0.5, socket_connect_timeout=0.5)
        else:
            self._redis = None
        app.extensions["p2c_cache"] = self

    def get(self, key: str) -> Any | None:
        """Return the cached value or None (also when the backend is unreachable)."""
        if self._redis is not None:
            try:
                raw = self._redis.get("p2c:" + key)
            except Exception:  # noqa: BLE001 - a cache outage must not break a page
                return None
            return pickle.loads(raw) if raw is not None else None  # noqa: S301 - our own data
        entry = self._local.get(key)
        if entry is None:
            return None
        expires, value = entry
        if expires < time.monotonic():
            self._local.pop(key, None)
            return None
        return value

    def set(self, key: str, value: Any, ttl: int | None = None) -> None:
        """Store a value for ttl seconds (best effort)."""
        ttl = ttl or self.default_ttl
        if self._redis is not None:
            try:
                self._redis.set("p2c:" + key, pickle.dumps(value), ex=ttl)
            except Exception:  # noqa: BLE001
                pass
            return
        with self._lock:
            if len(self._local) > 2000:
                self._local.clear()
            self._local[key] = (time.monotonic() + ttl, value)

    def delete(self, key: str) -> None:
        """Forget one key."""
        if self._redis is not None:
            try:
                self._redis.delete("p2c:" + key)
            except Exception:  # noqa: BLE001
                pass
            return
        self._local.pop(key, None)

    def clear(self) -> None:
        """Forget everything in the in-process cache (tests)."""
        self._local.clear()
