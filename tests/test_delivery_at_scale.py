"""5,000 pushes to 2,000 workers and 3 channels at Telegram's limits: no limit broken.

The simulated Telegram runs in its own process (bench/simproc.py) with every limit x10
(300 messages a second overall, 10 a second per private chat, 200 a minute per channel);
the bot's budgets are scaled the same way (GIGBOT_SEND_SCALE).
"""

from __future__ import annotations

from pathlib import Path

from bench.bench_broadcast import broadcast
from bench.simproc import SimProcess
from tests.auxil.database import database_at

SCALE = 10
WORKERS = 2000


async def test_5000_pushes_2000_workers_3_channels_within_limits(tmp_path: Path) -> None:
    sim = await SimProcess.start(SCALE, WORKERS + 1, channels=3)
    try:
        result = await broadcast(
            sim,
            await database_at(tmp_path, "scale"),
            scale=SCALE,
            workers=WORKERS,
            hits=3,
            reach=[WORKERS, WORKERS, WORKERS // 2],
        )
    finally:
        await sim.stop()
    assert result["violations"] == [] and result["too_many"] == 0
    per_chat = result["per_chat"]
    pushes = [per_chat.get(str(sim.first_user + n), 0) for n in range(WORKERS)]
    # 5,000 queued, plus what publishing's own first wave adds for the third poll.
    assert sum(pushes) >= 5000 and max(pushes) <= 3, "every push once, none twice"
    assert all(per_chat[str(chat)] == 3 for chat in sim.channels), "3 cards in each channel"
    assert result["max_window"] < 30 * SCALE
