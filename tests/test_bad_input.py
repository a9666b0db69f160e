"""Every bad /newpoll and /fund: a clear message with a correct example, nothing written."""

from __future__ import annotations

import pytest

from bot.demo.stage import Actor, Stage

BAD_POLLS = [
    ("Which? | A ; reward=0.05", "There is only one option (“A”): give 2 to 10, each after a |"),
    ("Best day? Mon | Tue ; reward=0.05", "A | is missing after the question mark"),
    ("Which day ; reward=0.05", "There are no options: put | between the question and each"),
    ("Which? | A | B reward=0.05 n=3", "Put a ; before the terms: “Which? | A | B ; reward=0.05"),
    ("| A | B ; reward=0.05", "question is missing"),
    ("Which? | A | | B ; reward=0.05", "an option is empty"),
    ("Which? | A | A ; reward=0.05", "two options are the same"),
    ("Which? | A | B", "reward is missing"),
    ("Which? | A | B ; reward=abc", "not an amount"),
    ("Which? | A | B ; reward=0.001", "not an amount"),
    ("Which? | A | B ; reward=0", "reward must be"),
    ("Which? | A | B ; reward=500", "reward must be"),
    ("Which? | A | B ; reward=0.05 n=0", "n must be"),
    ("Which? | A | B ; reward=0.05 n=-3", "whole number"),
    ("Which? | A | B ; reward=0.05 n=5000", "n must be"),
    ("Which? | A | B ; reward=0.05 time=10", "not a duration"),
    ("Which? | A | B ; reward=0.05 time=5s", "time must be"),
    ("Which? | A | B ; reward=0.05 time=2d", "time must be"),
    ("Which? | A | B ; reward=0.05 life=90d", "life must be"),
    ("Which? | A | B ; reward=0.05 colour=red", "unknown setting"),
    ("Which? | A | B ; reward=0.05 reward=0.06", "given twice"),
    ("Which? | A | B ; reward", "should look like name=value"),
    ("Q? | " + " | ".join(f"o{i}" for i in range(11)) + " ; reward=0.05", "at most 10"),
    ("Q? | " + "x" * 61 + " | B ; reward=0.05", "longer than 60"),
    ("Q" * 301 + " | A | B ; reward=0.05", "longer than 300"),
    ("Which? | A | B ; reward=0.05 topic=cats", "unknown topic 'cats' (use one of opinion, images"),
    ("Which? | A | B ; reward=0.05 topic=", "use one of opinion, images, language"),
    ("Which? | A | B ; reward=0.05 topic=images topic=opinion", "'topic' is given twice"),
    ("Which? | A | B ; reward=0.05 auto=10s", "auto must be 1m to 30d"),
    (
        "Which? | A | B ; reward=0.05 topik=images",
        "(use reward, n, time, life, auto, est, topic, dispatch, extend, lang)",
    ),
]


async def _hit_count(stage: Stage) -> int:
    async with stage.services.db.reading() as conn:
        async with conn.execute("SELECT COUNT(*) FROM hits") as cur:
            row = await cur.fetchone()
    return int(row[0]) if row else -1


@pytest.mark.parametrize(("args", "expected"), BAD_POLLS)
async def test_bad_newpoll(stage: Stage, args: str, expected: str) -> None:
    rita = stage.user("Rita")
    await rita.send(f"/newpoll {args}".strip())
    assert expected.lower() in rita.last_text().lower(), rita.last_text()
    assert "/newpoll Which logo is clearer?" in rita.last_text(), "shows a correct example"
    assert await _hit_count(stage) == 0


BAD_FUNDS = [
    ("", "Give a Telegram user id and an amount"),
    ("12345", "Give a Telegram user id and an amount"),
    ("abc 5", "not a Telegram user id"),
    ("12345 five", "not an amount"),
    ("12345 0", "between 0.01"),
    ("12345 99999999", "between 0.01"),
    ("12345 5 extra", "Give a Telegram user id and an amount"),
]


@pytest.mark.parametrize(("args", "expected"), BAD_FUNDS)
async def test_bad_fund(stage: Stage, admin: Actor, args: str, expected: str) -> None:
    await admin.send(f"/fund {args}".strip())
    assert expected in admin.last_text()
    assert "/fund 123456 25.00" in admin.last_text()
    assert await stage.services.accounts.balances() == {}


async def test_fund_unknown_user(stage: Stage, admin: Actor) -> None:
    await admin.send("/fund 424242 5")
    assert "hasn't started the bot" in admin.last_text()
    assert await stage.services.accounts.balances() == {}


async def test_fund_is_admin_only(stage: Stage) -> None:
    mallory = stage.user("Mallory")
    await mallory.send("/start")
    await mallory.send(f"/fund {mallory.tg_id} 1000")
    assert "for admins" in mallory.last_text()
    assert await stage.services.accounts.balances() == {}


async def test_someone_elses_buttons(stage: Stage, admin: Actor) -> None:
    rita = stage.user("Rita")
    await rita.send("/start")
    await admin.send(f"/fund {rita.tg_id} 5")
    await rita.send("/newpoll Pick | X | Y ; reward=0.05 n=1")
    preview = rita.last()
    publish = next(d for row in preview.buttons() for t, d, _ in row if "Publish" in t)
    mallory = stage.user("Mallory")
    await mallory.send("/start")
    # Mallory forges Rita's Publish button in her own chat: the bot must refuse.
    mine = await mallory.send("/newpoll Mine | X | Y ; reward=0.05 n=1")
    del mine
    forged = stage.sim.callback(
        mallory.user, mallory.last().message_id, str(publish), enqueue=False, check_button=False
    )
    await stage.deliver(forged)
    assert "no longer exists" in mallory.last_text() or "no longer exists" in str(
        stage.sim.alerts(mallory.user)
    )
    hit_id = int(str(publish).split(":")[1])
    hit = await stage.services.market.reading.hit(hit_id)
    assert hit is not None and hit.status.value == "draft"


async def test_stale_and_garbage_buttons(stage: Stage, admin: Actor) -> None:
    ann = stage.user("Ann")
    await ann.send("/start")
    msg = ann.last().message_id
    for data in ("acc:999", "acc:x", "zzz", "sub:1", "apr:5"):
        update = stage.sim.callback(ann.user, msg, data, enqueue=False, check_button=False)
        await stage.deliver(update)
        alert = stage.sim.alerts(ann.user)[-1]
        assert alert.get("show_alert") is True and alert.get("text")


async def test_unknown_command(stage: Stage) -> None:
    ann = stage.user("Ann")
    await ann.send("/frobnicate")
    assert "don't know that command" in ann.last_text()
