"""What must hold after any story: the money adds up, no handler failed, no rule broke."""

from __future__ import annotations

from pathlib import Path

from bot.demo.stage import Stage
from bot.domain import fee_on
from storage import ledger
from tests.auxil.database import connect


def money_problems(database: Path | str) -> list[str]:
    """What is wrong with the money: every transfer positive, the ledger summing to zero,
    the balances table agreeing with it, and each HIT's escrow equal to what its work can
    still claim (open, paused or closed: every slot not yet paid or rejected; expired or
    cancelled: the work accepted or submitted; a draft: nothing), each slot holding its
    reward and the marketplace's fee on it."""
    problems: list[str] = []
    with connect(database) as db:
        bad = db.execute("SELECT key, amount_cents FROM ledger WHERE amount_cents <= 0").fetchall()
        problems += [f"transfer {key} of {cents} cents" for key, cents in bad]
        summed = dict(
            db.execute(
                "SELECT account, SUM(amount) FROM (SELECT to_account AS account, amount_cents"
                " AS amount FROM ledger UNION ALL SELECT from_account, -amount_cents FROM ledger)"
                " AS moves GROUP BY account"
            ).fetchall()
        )
        if sum(summed.values()) != 0:
            problems.append(f"the ledger sums to {sum(summed.values())}")
        kept = dict(db.execute("SELECT account, cents FROM balances").fetchall())
        for account in set(summed) | set(kept):
            if summed.get(account, 0) != kept.get(account, 0):
                problems.append(
                    f"{account}: ledger {summed.get(account, 0)}, balances {kept.get(account, 0)}"
                )
        problems += [
            f"{account} is negative: {cents}"
            for account, cents in summed.items()
            if cents < 0 and account != "world"
        ]
        rows = db.execute(
            "SELECT h.id, h.status, h.reward_cents, h.fee_bp, h.max_assignments,"
            " SUM(a.status = 'accepted') + SUM(a.status = 'submitted'),"
            " SUM(a.status = 'approved') + SUM(a.status = 'rejected')"
            " FROM hits h LEFT JOIN assignments a ON a.hit_id = h.id GROUP BY h.id"
        ).fetchall()
        for hit_id, status, reward, fee_bp, most, working, done in rows:
            working, done = working or 0, done or 0
            slot = reward + fee_on(reward, fee_bp)
            if status == "draft":
                claimable = 0
            elif status in ("expired", "cancelled"):
                claimable = slot * working
            else:
                claimable = slot * (most - done)
            held = summed.get(f"escrow:{hit_id}", 0)
            if held != claimable:
                problems.append(
                    f"HIT {hit_id} ({status}, {slot}c x {most}, {working} working, "
                    f"{done} paid or rejected): escrow {held}, can still claim {claimable}"
                )
    return problems


def stage_problems(stage: Stage) -> list[str]:
    """Handler errors, Telegram-rule violations and money problems, as lines."""
    return [
        *(f"handler error: {e!r}" for e in stage.services.errors),
        *(f"Telegram rule broken: {v}" for v in stage.sim.violations),
        *money_problems(stage.services.settings.database),
    ]


async def ledger_sums_to_zero(stage: Stage) -> dict[str, int]:
    """Every account's balance, after checking that the ledger sums to zero, the kept
    balances agree with it and every HIT's escrow holds what its work can still claim."""
    balances = await stage.services.accounts.balances()
    assert sum(balances.values()) == 0, balances
    async with stage.services.db.reading() as conn:
        kept = {k: v for k, v in (await ledger.kept_balances(conn)).items() if v}
    assert kept == {k: v for k, v in balances.items() if v}
    assert money_problems(stage.services.settings.database) == []
    return balances
