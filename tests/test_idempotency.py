"""Redelivered updates and double taps change nothing twice."""

from __future__ import annotations

from bot.demo.stage import Actor, Stage
from tests.auxil.people import funded_requester, worker
from tests.auxil.posting import accepted_poll, published_poll


async def _submitted_work(stage: Stage, admin: Actor) -> tuple[Actor, Actor]:
    rita, ann, _ = await accepted_poll(stage, admin, "Pick | X | Y ; reward=0.25 n=1")
    await ann.press("X")
    await ann.press("Submit")
    await rita.send("/review")
    return rita, ann


async def test_redelivered_approve_credits_once(stage: Stage, admin: Actor) -> None:
    rita, ann = await _submitted_work(stage, admin)
    review = rita.last()
    data = next(d for row in review.buttons() for t, d, _ in row if "Approve" in t)
    update = stage.sim.callback(rita.user, review.message_id, str(data), enqueue=False)
    await stage.deliver(update)
    await stage.deliver(update)  # Telegram delivers the same update again
    # and the requester taps twice, before the phone shows the edited message
    await stage.deliver(
        stage.sim.callback(
            rita.user, review.message_id, str(data), enqueue=False, check_button=False
        )
    )
    balances = await stage.services.accounts.balances()
    worker = await stage.services.market.people.user(ann.tg_id)
    assert worker is not None and balances[f"wrk:{worker.id}"] == 25
    assert sum("Approved" in t for t in ann.texts()) == 1, "one notification"


async def test_redelivered_fund_credits_once(stage: Stage, admin: Actor) -> None:
    rita = stage.user("Rita")
    await rita.send("/start")
    update = stage.sim.message(admin.user, f"/fund {rita.tg_id} 5.00", enqueue=False)
    await stage.deliver(update)
    await stage.deliver(update)
    await rita.send("/balance")
    assert "Available: $5.00" in rita.last_text()


async def test_double_accept_is_one_assignment(stage: Stage, admin: Actor) -> None:
    rita = await funded_requester(stage, admin)
    ann = await worker(stage, "Ann")
    hit_id = await published_poll(stage, rita, "Pick | X | Y ; reward=0.05 n=3")
    push = ann.messages()[-1]
    tap = stage.sim.callback(ann.user, push.message_id, f"acc:{hit_id}", enqueue=False)
    again = stage.sim.callback(ann.user, push.message_id, f"acc:{hit_id}", enqueue=False)
    await stage.deliver_many([tap, again])
    hit = await stage.services.market.reading.hit(hit_id)
    assert hit is not None and hit.slots_used == 1
