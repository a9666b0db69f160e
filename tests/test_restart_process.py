"""`gigbot run` as a real process against the simulated Telegram, killed with SIGKILL and
restarted on the same database: every reminder, abandonment, auto-approval and expiry
happens exactly once, and what fell due while it was down is applied at start.

The process runs an accelerated clock (GIGBOT_CLOCK_SPEED, anchored at GIGBOT_CLOCK_EPOCH
so each restart continues the same time); the test reads that time with the same formula.
The HIT lives long enough that Cy's live reminders and deadline come before its end however
slowly the machine runs the story; its end is reached by restarting with the clock moved
past it (an earlier epoch), never by the machine being slow.
"""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

from bot.sandbox import SimTelegram, SimUser
from tests.auxil.database import database_at, rows
from tests.auxil.processes import Bot, run_env

SPEED = 120.0  # one real second is two minutes of HIT time
ADMIN = 900_000_001
WAIT = 15.0  # real seconds before a wait gives up


def _texts(sim: SimTelegram, user: SimUser) -> list[str]:
    return [m.text or "" for m in sim.messages(user.id) if m.from_bot]


def _count(sim: SimTelegram, user: SimUser, fragment: str) -> int:
    return sum(fragment in text for text in _texts(sim, user))


def _reminders(sim: SimTelegram, user: SimUser) -> int:
    """Reminders the user got, whether still running or edited once the time ran out."""
    return _count(sim, user, "left to finish") + _count(sim, user, "the time ran out")


def _tap(sim: SimTelegram, user: SimUser, label: str) -> None:
    """Press the newest button whose text contains `label` in the user's chat."""
    for message in reversed([m for m in sim.messages(user.id) if m.from_bot]):
        for row in message.buttons():
            for text, data, _url in row:
                if label in text and data is not None:
                    sim.callback(user, message.message_id, data)
                    return
    raise AssertionError(f"{user.first_name}: no {label!r} button")


def _query(db: Path | str, sql: str, *args: object) -> list[tuple[object, ...]]:
    return rows(db, sql, args)


async def test_kill_and_restart_apply_every_deadline_exactly_once(
    sim: SimTelegram, tmp_path: Path
) -> None:
    db = await database_at(tmp_path)
    epoch = time.time()
    env = {
        **run_env(sim, db),
        "GIGBOT_ADMINS": str(ADMIN),
        "GIGBOT_CLOCK_SPEED": str(SPEED),
        "GIGBOT_CLOCK_EPOCH": str(epoch),
        "GIGBOT_DEFAULT_AUTO_APPROVE": "300",
        "GIGBOT_TIMER_HORIZON_S": "1",
        "GIGBOT_LOG_LEVEL": "WARNING",
        # A tiny poll on purpose; the fair-pay floor has its own tests.
        "GIGBOT_MIN_HOURLY": "0",
    }

    anchor = {"epoch": epoch}

    def clock() -> float:
        return anchor["epoch"] + (time.time() - anchor["epoch"]) * SPEED

    def move_clock(seconds: float) -> None:
        """The next start's clock runs `seconds` ahead of this one (same speed)."""
        anchor["epoch"] -= seconds / (SPEED - 1)
        env["GIGBOT_CLOCK_EPOCH"] = str(anchor["epoch"])

    admin = sim.add_user("Admin", id=ADMIN)
    rita, ann, bob, cy = (sim.add_user(name) for name in ("Rita", "Ann", "Bob", "Cy"))
    bot = Bot(env, tmp_path)
    await bot.start()
    try:
        for person in (rita, ann, bob, cy):
            sim.message(person, "/start")
        await sim.until(
            lambda: all(_count(sim, p, "Welcome") for p in (ann, bob, cy)), WAIT, what="welcome"
        )
        for worker in (ann, bob, cy):  # the worker setup, with its defaults
            _tap(sim, worker, "I want to work")
        await sim.until(
            lambda: all(_count(sim, p, "Step 1/5") for p in (ann, bob, cy)), WAIT, what="setup"
        )
        for worker in (ann, bob, cy):
            _tap(sim, worker, "Skip, use defaults")
        await sim.until(
            lambda: all(_count(sim, p, "All set") for p in (ann, bob, cy)), WAIT, what="set up"
        )
        sim.message(admin, f"/fund {rita.id} 10.00")
        await sim.until(lambda: _count(sim, rita, "was added") == 1, WAIT, what="funding")
        sim.message(
            rita, "/newpoll Pick one | X | Y ; reward=0.05 n=3 time=5m life=60m dispatch=race"
        )
        await sim.until(lambda: _count(sim, rita, "Preview") == 1, WAIT, what="preview")
        _tap(sim, rita, "Publish")
        await sim.until(
            lambda: all(_count(sim, p, "Pick one") for p in (ann, bob, cy)), WAIT, what="pushes"
        )

        _tap(sim, ann, "Accept")
        await sim.until(lambda: _count(sim, ann, "1/1") == 1, WAIT, what="Ann's task")
        _tap(sim, ann, "X")
        await sim.until(lambda: _count(sim, ann, "Your answers") == 1, WAIT, what="Ann's answer")
        _tap(sim, ann, "Submit")
        await sim.until(lambda: _count(sim, ann, "Submitted") == 1, WAIT, what="Ann's submission")
        _tap(sim, bob, "Accept")
        await sim.until(lambda: _count(sim, bob, "1/1") == 1, WAIT, what="Bob's task")
        await sim.until(
            lambda: _count(sim, bob, "left to finish") == 1, WAIT, what="Bob's first reminder"
        )
        await bot.kill()

        (bob_deadline,) = _query(db, "SELECT MAX(deadline_at) FROM assignments")[0]
        (ann_auto,) = _query(db, "SELECT MAX(auto_approve_at) FROM assignments")[0]
        due = max(float(str(bob_deadline)), float(str(ann_auto)))
        # Bob's deadline and Ann's approval pass while it is down: the process's clock is
        # real time (x SPEED), so real time must go by; one more HIT second for the margin.
        await asyncio.sleep(max(0.0, due + 11 - clock()) / SPEED)
        assert clock() > due + 10
        assert _count(sim, bob, "Time's up") == 0 and _count(sim, ann, "Approved") == 0

        await bot.start()  # applies what fell due while down, and tells them
        await sim.until(
            lambda: _count(sim, bob, "Time's up") == 1, WAIT, what="Bob told at restart"
        )
        await sim.until(
            lambda: _count(sim, ann, "Approved") == 1, WAIT, what="Ann approved at restart"
        )
        assert _reminders(sim, bob) == 1, "no reminder for a deadline past"

        _tap(sim, cy, "Accept")  # live: both reminders and the deadline
        await sim.until(lambda: _reminders(sim, cy) == 2, WAIT, what="Cy's reminders")
        await sim.until(lambda: _count(sim, cy, "Time's up") == 1, WAIT, what="Cy abandoned")
        await bot.kill()
        assert _count(sim, rita, "has expired") == 0
        (expires_at,) = _query(db, "SELECT expires_at FROM hits")[0]
        move_clock(float(str(expires_at)) + 60 - clock())  # the HIT ends while it is down
        await bot.start()
        await sim.until(lambda: _count(sim, rita, "has expired") == 1, WAIT, what="expiry")
        await bot.kill()

        await bot.start()  # nothing is applied or told twice
        sim.message(ann, "/earnings")
        await sim.until(
            lambda: _count(sim, ann, "Your earnings") == 1, WAIT, what="restarted bot answers"
        )
        await asyncio.sleep(0.3)
    finally:
        if bot.proc is not None and bot.proc.returncode is None:
            await bot.kill()

    assert _count(sim, ann, "Approved: $0.05 (1)") == 1
    assert _count(sim, ann, "Approved") == 2  # the notice and the earnings line
    # One reminder each time it was due (edited to "the time ran out" once it did, unless
    # the kill came before its send was recorded: then its message id is unknown).
    assert _reminders(sim, bob) == 1 and _count(sim, bob, "Time's up") == 1
    assert _reminders(sim, cy) == 2 and _count(sim, cy, "Time's up") == 1
    assert _count(sim, rita, "has expired") == 1 and _count(sim, rita, "$0.10 went back") == 1
    keys = [str(r[0]) for r in _query(db, "SELECT key FROM ledger")]
    assert sum(k.startswith("approve:") for k in keys) == 1
    assert sum(k.startswith("expire:") for k in keys) == 1
    balances = dict(
        _query(
            db,
            "SELECT account, SUM(amount) FROM (SELECT to_account AS account, amount_cents"
            " AS amount FROM ledger UNION ALL SELECT from_account, -amount_cents FROM ledger)"
            " AS moves GROUP BY account",
        )
    )
    assert balances["escrow:1"] == 0 and sum(int(str(v)) for v in balances.values()) == 0
    states = dict(_query(db, "SELECT status, COUNT(*) FROM assignments GROUP BY status"))
    assert states == {"approved": 1, "abandoned": 2}
