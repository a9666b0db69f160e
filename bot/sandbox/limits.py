"""Telegram's size and rate limits, and the rate limiter that enforces them."""

from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass, field


@dataclass
class Limits:
    """Every limit the simulated Telegram enforces; `scale` multiplies the rates.

    Lengths count UTF-16 code units, as Telegram does ("😀" is two).
    """

    text_max: int = 4096
    caption_max: int = 1024
    answer_max: int = 200  # answerCallbackQuery's text
    checkout_answer_s: float = 10.0  # answerPreCheckoutQuery must come within this
    callback_data_max: int = 64
    buttons_max: int = 100
    buttons_per_row_max: int = 8
    private_per_sec: float = 1.0
    private_burst: int = 20
    group_per_min: int = 20
    global_per_sec: float = 30.0
    scale: float = 1.0
    enabled: bool = True
    retry_after: int = 1


@dataclass
class _Bucket:
    tokens: float
    stamp: float


@dataclass
class RateLimiter:
    """Per-chat and global send budgets over real (monotonic) time."""

    limits: Limits
    _buckets: dict[int, _Bucket] = field(default_factory=dict)
    _groups: dict[int, deque[float]] = field(default_factory=dict)
    _global: deque[float] = field(default_factory=deque)
    flooded: set[int] = field(default_factory=set)  # chats refused whatever their budget

    def acquire(self, chat_id: int, private: bool, now: float) -> int | None:
        """Take one send for this chat, or return retry_after seconds and take nothing."""
        lim = self.limits
        if chat_id in self.flooded:
            return lim.retry_after
        if not lim.enabled:
            return None
        waits: list[float] = []
        global_cap = max(1, int(lim.global_per_sec * lim.scale))
        _expire(self._global, now - 1.0)
        if len(self._global) >= global_cap:
            waits.append(self._global[0] + 1.0 - now)
        bucket: _Bucket | None = None
        if private:
            rate = lim.private_per_sec * lim.scale
            bucket = self._buckets.get(chat_id) or _Bucket(float(lim.private_burst), now)
            bucket.tokens = min(
                float(lim.private_burst), bucket.tokens + (now - bucket.stamp) * rate
            )
            bucket.stamp = now
            self._buckets[chat_id] = bucket
            if bucket.tokens < 1.0:
                waits.append((1.0 - bucket.tokens) / rate)
        else:
            window = self._groups.setdefault(chat_id, deque())
            _expire(window, now - 60.0)
            if len(window) >= max(1, int(lim.group_per_min * lim.scale)):
                waits.append(window[0] + 60.0 - now)
        if waits:
            return max(lim.retry_after, math.ceil(max(waits)))
        self._global.append(now)
        if bucket is not None:
            bucket.tokens -= 1.0
        else:
            self._groups[chat_id].append(now)
        return None

    def reset(self) -> None:
        """Forget all past sends (flooded chats stay flooded)."""
        self._buckets.clear()
        self._groups.clear()
        self._global.clear()


def _expire(window: deque[float], before: float) -> None:
    while window and window[0] <= before:
        window.popleft()
