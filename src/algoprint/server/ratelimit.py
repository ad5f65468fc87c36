"""A token-bucket rate limit per API token for ingest (in-process; one server process)."""

from __future__ import annotations

import threading
import time

__all__ = ["RateLimiter"]


class RateLimiter:
    """``per_minute`` requests per key, refilled continuously; 0 disables the limit."""

    def __init__(self, per_minute: int) -> None:
        self.per_minute = per_minute
        self._buckets: dict[str, tuple[float, float]] = {}
        self._lock = threading.Lock()

    def allow(self, key: str) -> float | None:
        """``None`` when the request may pass, otherwise the seconds to wait."""
        if self.per_minute <= 0:
            return None
        rate = self.per_minute / 60.0
        now = time.monotonic()
        with self._lock:
            tokens, last = self._buckets.get(key, (float(self.per_minute), now))
            tokens = min(float(self.per_minute), tokens + (now - last) * rate)
            if tokens < 1.0:
                self._buckets[key] = (tokens, now)
                return (1.0 - tokens) / rate
            self._buckets[key] = (tokens - 1.0, now)
            return None
