"""A deposit across kill -9: `gigbot run` takes the payment (successful_payment), credits
it, and is killed before its answer reaches Telegram; Telegram delivers the update again to
the restarted bot. The balance is credited exactly once, keyed by
telegram_payment_charge_id, and the ledger still sums to zero."""

from __future__ import annotations

from pathlib import Path

from bot.sandbox import SimTelegram, SimUser
from tests.auxil.database import connect, database_at
from tests.auxil.processes import Bot, run_env

WAIT = 30.0  # real seconds before a wait gives up (a loaded machine)


def _texts(sim: SimTelegram, user: SimUser) -> list[str]:
    return [m.text or "" for m in sim.messages(user.id) if m.from_bot]


def _count(sim: SimTelegram, user: SimUser, fragment: str) -> int:
    return sum(fragment in text for text in _texts(sim, user))


def _query(db: Path | str, sql: str) -> list[tuple[object, ...]]:
    with connect(db) as conn:
        return list(conn.execute(sql).fetchall())


async def test_a_payment_is_credited_once_across_kill_and_redelivery(
    sim: SimTelegram, tmp_path: Path
) -> None:
    db = await database_at(tmp_path)
    env = {
        **run_env(sim, db),
        "GIGBOT_LOG_LEVEL": "WARNING",
        "GIGBOT_SEND_LEASE_S": "1",  # the restarted bot takes the dead one's outbox soon
    }
    rita = sim.add_user("Rita")
    bot = Bot(env, tmp_path)
    await bot.start()
    try:
        sim.message(rita, "/start")
        await sim.until(lambda: _count(sim, rita, "Welcome") == 1, WAIT)
        sim.message(rita, "/deposit 5")
        await sim.until(lambda: any(m.invoice for m in sim.messages(rita.id)), WAIT)
        invoice = next(m for m in sim.messages(rita.id) if m.invoice)

        # Rita pays; the bot agrees at pre-checkout, Telegram sends successful_payment, the
        # bot credits it and tries to answer (the receipt), which Telegram holds: kill -9.
        sim.hold("sendMessage")
        sim.pay(rita, invoice.message_id)
        await sim.until(lambda: sim.held >= 1, WAIT)
        await bot.kill()
        [paid] = [u for u in sim.updates if "successful_payment" in u.get("message", {})]
        assert _query(db, "SELECT COUNT(*) FROM deposits") == [(1,)], "credited before the kill"

        # The answer never came: Telegram delivers the update again, twice for good measure.
        sim.delivery.push(paid)
        sim.delivery.push(dict(paid, update_id=paid["update_id"] + 1000))
        sim.release()
        await bot.start()
        sim.message(rita, "/balance")
        await sim.until(lambda: _count(sim, rita, "Available") == 1, WAIT)
    finally:
        if bot.proc is not None and bot.proc.returncode is None:
            await bot.kill()

    assert "Available: $5.00" in _texts(sim, rita)[-1]
    assert _count(sim, rita, "was added to your balance") <= 1, "a receipt at most once"
    keys = [str(r[0]) for r in _query(db, "SELECT key FROM ledger")]
    assert [k for k in keys if k.startswith("deposit:")] == [
        f"deposit:{paid['message']['successful_payment']['telegram_payment_charge_id']}"
    ]
    assert _query(db, "SELECT COUNT(*), SUM(cents) FROM deposits") == [(1, 500)]
    total = _query(db, "SELECT SUM(cents) FROM balances")
    assert total == [(0,)], "the ledger sums to zero"
