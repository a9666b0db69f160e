"""How widely a HIT is pushed: the fan-out policy and the sizes of its waves.

See bot/matching/waves.py for how waves go out; bot/matching/offers.py holds slots with
the same policy's offer times.
"""

from __future__ import annotations

import math
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class FanOut:
    """How widely a HIT is pushed; see bot/matching/waves.py's docstring."""

    factor: float = 3.0
    widen: float = 2.0
    wait_s: float = 600.0
    max_wave: int = 200
    max_factor: float = 48.0
    explore_share: float = 0.2
    window: int = 2000  # most workers one candidate query looks at
    offer_s: float = 90.0  # timed offers: how long a worker holds a slot (bot/matching/offers.py)
    offer_tick_s: float = 30.0  # timed offers: countdown edits of the offer message


def wave_size(policy: FanOut, remaining: int, silent_waves: int) -> int:
    """Pushes a HIT should have in flight: (FanOut(), 2, 0) -> 6, (FanOut(), 2, 1) -> 12."""
    factor = min(policy.max_factor, policy.factor * policy.widen**silent_waves)
    return min(policy.max_wave, math.ceil(factor * remaining))


def explore_count(wave: int, share: float) -> int:
    """Pushes of a wave kept for newcomers: (6, 0.2) -> 1, (2, 0.2) -> 0, (20, 0.2) -> 4."""
    if wave < 3 or share <= 0:
        return 0
    return max(1, round(wave * share))
