"""Small words: counts take the singular when there is one, toasts say what was done, and
workers read "task" where requesters read "HIT"."""

from __future__ import annotations

from bot import callbacks as cb
from bot.demo.stage import Actor, Stage
from tests.auxil.gestures import answer_poll
from tests.auxil.people import funded_requester, workers
from tests.auxil.posting import published_poll


async def _do_poll(worker: Actor) -> None:
    await answer_poll(worker, "Yes")
    assert "Submitted" in worker.last_text(), worker.last_text()


async def test_one_is_singular_and_toasts_say_what_was_done(stage: Stage, admin: Actor) -> None:
    rita = await funded_requester(stage, admin)
    ann, bob = await workers(stage, "Ann", "Bob")
    await rita.send("/newpoll Tea? | Yes | No ; reward=0.05 n=1")
    assert "× 1 worker =" in rita.last_text(), rita.last_text()
    await rita.press("Publish")
    hit_id = int(rita.last_text().split("#")[1].split(".")[0])
    bob_push = bob.last()
    await _do_poll(ann)

    # Bob's Accept, tapped as the slot went to Ann, speaks of a task, not a HIT.
    seen = len(stage.sim.alerts(bob.user))
    press = stage.sim.callback(
        bob.user, bob_push.message_id, cb.Accept(hit_id).pack(), enqueue=False, check_button=False
    )
    await stage.deliver(press)
    alert = str(stage.sim.alerts(bob.user)[seen]["text"])
    assert alert == "This task is full — /next", alert

    await rita.send("/review")
    toast = await rita.press("Approve")
    ann_alias = (await stage.services.market.people.user(ann.tg_id)).alias  # type: ignore[union-attr]
    assert toast == f"✅ Approved {ann_alias}'s work: +$0.05 paid", toast

    await published_poll(stage, rita, "Coffee? | Yes | No ; reward=0.05 n=1")
    await _do_poll(ann)
    await published_poll(stage, rita, "Milk? | Yes | No ; reward=0.05 n=1")
    await _do_poll(ann)
    await rita.send("/review")
    older = rita.last().message_id  # "Approve all 2"
    await rita.send("/review")
    await rita.press("✅ Approve")  # one of the two, on the newer card
    assert "Approve all" not in str(rita.last().buttons()), "one waiting: Approve is all of it"
    await rita.press("Approve all", older)
    confirm = stage.sim.message_by_id(rita.tg_id, older).text or ""
    assert "Approve the 1 submission waiting" in confirm, confirm
    await rita.press("Yes, approve", older)
    done = stage.sim.message_by_id(rita.tg_id, older).text or ""
    assert "✅ Approved 1 assignment." in done, done
