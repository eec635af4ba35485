"""Limits a conversation never meets and a flood does: request size, turn length, and
token-bucket rates per client and per session."""
from __future__ import annotations

import ipaddress
import threading
import time
from dataclasses import dataclass, field

MAX_BODY = 16 * 1024  # bytes of a request body
MAX_AUDIO_BODY = 1024 * 1024  # a spoken turn as WAV: 30 s of 16 kHz 16-bit mono, with room for the header
MAX_TEXT = 500  # characters of one turn (the assistant itself refuses longer ones)


@dataclass(frozen=True)
class Limits:
    client_rate: float = 200.0  # requests per second, per client address
    client_burst: float = 400.0
    session_rate: float = 10.0  # turns per second, per session: a person says far fewer
    session_burst: float = 20.0
    new_session_rate: float = 20.0  # sessions a client address may open per second (a gateway may hold hundreds)
    new_session_burst: float = 400.0


@dataclass
class _Bucket:
    tokens: float
    at: float = field(default_factory=time.monotonic)


class RateLimiter:
    """Token buckets by key; bounded in size (the oldest bucket goes first)."""

    def __init__(self, rate: float, burst: float, keep: int = 10_000) -> None:
        self.rate, self.burst, self.keep = rate, burst, keep
        self._buckets: dict[str, _Bucket] = {}
        self._lock = threading.Lock()

    def allow(self, key: str) -> bool:
        now = time.monotonic()
        with self._lock:
            b = self._buckets.get(key)
            if b is None:
                if len(self._buckets) >= self.keep:
                    del self._buckets[next(iter(self._buckets))]
                b = self._buckets[key] = _Bucket(self.burst, now)
            b.tokens = min(self.burst, b.tokens + (now - b.at) * self.rate)
            b.at = now
            if b.tokens < 1:
                return False
            b.tokens -= 1
            return True


def is_loopback(host: str) -> bool:
    if host in ("localhost", ""):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
