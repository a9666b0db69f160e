"""Token buckets for Telegram's send limits: one global bucket and one per chat, in real time.

Telegram allows about 30 messages a second overall, about one a second in a private chat
(short bursts are tolerated) and 20 a minute in a group or channel. A bucket of capacity
C refilled at R per second lets through at most C + R * T messages in any T seconds, so
each bucket runs a little under the limit with a small capacity. A chat told to wait by a
429 is held until `retry_after` has passed; the other chats are not affected.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field

CATCH_UP_S = 0.25  # how much sending time a stalled broadcaster may make up at once


@dataclass(frozen=True, slots=True)
class SendLimits:
    """The budgets the broadcaster keeps to; `scale` multiplies every rate (test servers)."""

    global_per_sec: float = 28.0  # of Telegram's 30: the rest is for direct replies
    private_per_sec: float = 0.95
    private_burst: float = 3.0
    group_per_min: float = 19.0
    scale: float = 1.0

    @property
    def global_rate(self) -> float:
        return self.global_per_sec * self.scale

    @property
    def private_rate(self) -> float:
        return self.private_per_sec * self.scale

    @property
    def group_rate(self) -> float:
        return self.group_per_min * self.scale / 60.0


@dataclass(slots=True)
class Bucket:
    """Tokens refill at `rate` per second up to `capacity`; one token = one message."""

    rate: float
    capacity: float
    tokens: float
    stamp: float

    def refill(self, now: float) -> None:
        self.tokens = min(self.capacity, self.tokens + (now - self.stamp) * self.rate)
        self.stamp = now

    def wait(self, now: float) -> float:
        """Seconds until one token is there (0 if it is there now)."""
        self.refill(now)
        return 0.0 if self.tokens >= 1.0 else (1.0 - self.tokens) / self.rate

    def take(self, now: float) -> None:
        self.refill(now)
        self.tokens -= 1.0


@dataclass
class Pace:
    """Where each chat and the whole bot stand against the limits."""

    limits: SendLimits = field(default_factory=SendLimits)
    monotonic: Callable[[], float] = time.monotonic
    _chats: dict[int, Bucket] = field(default_factory=dict)
    _held: dict[int, float] = field(default_factory=dict)
    _global: Bucket | None = None
    _last_429: tuple[int, float] = (0, float("-inf"))
    _answered: deque[float] = field(default_factory=deque)
    _flying: int = 0

    def _bucket(self, chat_id: int, now: float) -> Bucket:
        bucket = self._chats.get(chat_id)
        if bucket is None:
            lim = self.limits
            # Private chats have positive ids; groups, supergroups and channels negative ones.
            if chat_id > 0:
                bucket = Bucket(lim.private_rate, lim.private_burst, lim.private_burst, now)
            else:
                bucket = Bucket(lim.group_rate, 1.0, 1.0, now)
            self._chats[chat_id] = bucket
        return bucket

    def chat_wait(self, chat_id: int) -> float:
        """Seconds until this chat may get its next message."""
        now = self.monotonic()
        held = self._held.get(chat_id, 0.0) - now
        if held <= 0 and chat_id in self._held:
            del self._held[chat_id]
        return max(held, self._bucket(chat_id, now).wait(now))

    def take_chat(self, chat_id: int) -> None:
        """Spend one message of this chat's budget."""
        now = self.monotonic()
        self._bucket(chat_id, now).take(now)

    def hold(self, chat_id: int, seconds: float) -> None:
        """Telegram said 429 for this chat: nothing goes there for `seconds`.

        429s in two different chats within a second point at the overall limit rather
        than one chat's: then every chat pauses for a quarter of a second as well.
        """
        now = self.monotonic()
        self._held[chat_id] = max(self._held.get(chat_id, 0.0), now + seconds)
        bucket = self._bucket(chat_id, now)
        bucket.tokens = min(bucket.tokens, 0.0)
        last_chat, last_at = self._last_429
        if last_chat != chat_id and now - last_at < 1.0:
            overall = self._overall(now)
            overall.refill(now)
            overall.tokens = min(overall.tokens, -overall.rate * 0.25)
        self._last_429 = (chat_id, now)

    def _overall(self, now: float) -> Bucket:
        if self._global is None:
            rate = self.limits.global_rate
            # A quarter of a second's worth: time lost to a loop busy elsewhere or a late
            # timer is made up at once afterwards (20 ms worth lost 6-11 % of the pace on
            # a loaded machine); global_wait's one-second window keeps that burst within
            # the pace's share of Telegram's limit.
            capacity = max(1.0, rate * CATCH_UP_S)
            self._global = Bucket(rate, capacity, capacity, now)  # as after any idle moment
        return self._global

    def global_wait(self) -> float:
        """Seconds until the next message may go, counting every chat.

        Besides the bucket, a hard window: Telegram stamps a call somewhere between our
        send and its answer, so every call answered within the last second or still in
        flight may share Telegram's one-second window with the next one. Keeping their
        number within the pace's own share of a second holds however the calls bunch up
        on the way, and leaves the rest of Telegram's limit to the direct replies to taps
        and commands, which do not pass through here (with Telegram's limit as the cap, a
        bunched second of pushes took it all, and a reply sent then drew a 429).
        """
        now = self.monotonic()
        while self._answered and self._answered[0] <= now - 1.0:
            self._answered.popleft()
        cap = max(1, int(self.limits.global_rate))
        if self._flying + len(self._answered) >= cap:
            return self._answered[0] + 1.0 - now if self._answered else 0.002
        return self._overall(now).wait(now)

    def take_global(self) -> None:
        """Spend one message of the overall budget (the call is now in flight)."""
        now = self.monotonic()
        self._overall(now).take(now)
        self._flying += 1

    def answered(self) -> None:
        """The call taken with take_global() has its answer."""
        self._flying -= 1
        self._answered.append(self.monotonic())

    def not_ready(self) -> list[int]:
        """Chats that must not get a message right now."""
        now = self.monotonic()
        return [chat for chat, b in self._chats.items() if b.wait(now) > 0.0] + [
            chat for chat, until in self._held.items() if until > now
        ]

    def forget_idle(self) -> None:
        """Drop buckets that are full again (keeps memory flat over millions of chats)."""
        now = self.monotonic()
        full = [
            chat
            for chat, b in self._chats.items()
            if b.wait(now) == 0.0 and b.tokens >= b.capacity and chat not in self._held
        ]
        for chat in full:
            del self._chats[chat]
