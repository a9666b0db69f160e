"""The timer concierge: the last reminder offers "Return without penalty" and, when the
requester allowed it (`extend=10m`), "+10m" once.
"""

from __future__ import annotations

from bot.demo.stage import Actor, Stage
from bot.domain import AssignmentStatus
from tests.auxil.database import set_record, sql
from tests.auxil.gestures import forge
from tests.auxil.people import funded_requester, worker
from tests.auxil.posting import accepted_poll, published_poll
from tests.auxil.stages import later


async def _assignment(stage: Stage, hit_id: int) -> tuple[int, float, int]:
    """(id, deadline, extended seconds) of the HIT's one assignment."""
    rows = await sql(
        stage, "SELECT id, deadline_at, extended_s FROM assignments WHERE hit_id = ?", hit_id
    )
    (aid, deadline, extended), *_ = rows
    return int(str(aid)), float(str(deadline)), int(str(extended))


def _count(actor: Actor, fragment: str) -> int:
    return sum(fragment in text for text in actor.texts())


async def _approval(stage: Stage, actor: Actor) -> tuple[object, ...]:
    (row,) = await sql(
        stage,
        "SELECT s.approval_pct, s.returned, s.abandoned FROM worker_stats s"
        " JOIN users u ON u.id = s.user_id WHERE u.tg_id = ?",
        actor.tg_id,
    )
    return row


async def test_plus_ten_minutes_once_then_reminders_planned_anew(
    stage: Stage, admin: Actor
) -> None:
    rita, ann, hit_id = await accepted_poll(
        stage, admin, "Slow one | X | Y ; reward=0.05 n=1 time=2m extend=10m dispatch=race"
    )
    await later(stage, 60)
    first = ann.last()
    assert "1m left to finish" in first.text and "Return without penalty" not in first.text
    await later(stage, 36)
    last = ann.last()
    labels = [text for row in last.buttons() for text, _, _ in row]
    assert "24s left to finish" in last.text
    assert any("Return without penalty" in t for t in labels) and any("+10m" in t for t in labels)

    task = next(m for m in ann.messages() if "1/1" in (m.text or ""))  # the task itself
    _, deadline, _ = await _assignment(stage, hit_id)
    await ann.press("+10m", last.message_id)
    assert "now has 10m 24s left" in ann.last_text()
    assert "📝 Open the task" in [text for row in ann.last().buttons() for text, _, _ in row]
    redrawn = stage.sim.message_by_id(ann.tg_id, task.message_id).text or ""
    assert "10m 24s left" in redrawn, "the task message shows the new time too"
    aid, moved, extended = await _assignment(stage, hit_id)
    assert moved == deadline + 600 and extended == 600
    # A second tap on the same reminder changes nothing.
    assert "once only" in (await forge(stage, ann, f"ext:{aid}", last.message_id) or "")
    assert (await _assignment(stage, hit_id))[1] == moved

    await later(stage, 30)  # the original deadline has passed: still running
    assert _count(ann, "Time's up") == 0
    view = await stage.services.market.reading.work_view(aid)
    assert view is not None and view.assignment.status is AssignmentStatus.ACCEPTED

    # Reminders for the new deadline (720 s after accepting): at 360 s and 576 s.
    await later(stage, 360 - 126)
    assert "6m left to finish" in ann.last_text()
    await later(stage, 216)
    again = ann.last()
    labels = [text for row in again.buttons() for text, _, _ in row]
    assert "2m 24s left to finish" in again.text
    assert any("Return without penalty" in t for t in labels)
    assert not any("+10m" in t for t in labels), "extra time is used up"
    await later(stage, 144)
    assert "Time's up" in ann.last_text()


async def test_a_double_tap_on_plus_ten_minutes_extends_once(stage: Stage, admin: Actor) -> None:
    rita, ann, hit_id = await accepted_poll(
        stage, admin, "Race me | X | Y ; reward=0.05 n=1 time=2m extend=10m dispatch=race"
    )
    await later(stage, 100)
    aid, deadline, _ = await _assignment(stage, hit_id)
    last = ann.last()
    seen = len(stage.sim.alerts(ann.user))
    taps = [
        stage.sim.callback(ann.user, last.message_id, f"ext:{aid}", enqueue=False) for _ in range(2)
    ]
    await stage.deliver_many(taps)
    alerts = [str(a.get("text") or "") for a in stage.sim.alerts(ann.user)[seen:]]
    assert sum("once only" in a for a in alerts) == 1, alerts
    assert (await _assignment(stage, hit_id))[1:] == (deadline + 600, 600)
    assert _count(ann, "Extended") == 1


async def test_no_extra_time_unless_the_requester_allowed_it(stage: Stage, admin: Actor) -> None:
    rita, ann, hit_id = await accepted_poll(
        stage, admin, "Strict | X | Y ; reward=0.05 n=1 time=2m"
    )
    await later(stage, 100)
    labels = [text for row in ann.last().buttons() for text, _, _ in row]
    assert any("Return without penalty" in t for t in labels)
    assert not any("+" in t for t in labels)
    aid, deadline, _ = await _assignment(stage, hit_id)
    assert "didn't allow" in (await forge(stage, ann, f"ext:{aid}") or "")
    assert (await _assignment(stage, hit_id))[1] == deadline


async def test_returned_and_abandoned_never_lower_the_approval_rate(
    stage: Stage, admin: Actor
) -> None:
    rita = await funded_requester(stage, admin)
    ann, bob = await worker(stage, "Ann"), await worker(stage, "Bob")
    await set_record(stage, ann, approved=3, rejected=1)
    assert await _approval(stage, ann) == (75, 0, 0)

    hit_id = await published_poll(stage, rita, "Return me | X | Y ; reward=0.05 n=1 time=2m")
    await ann.press("Accept")
    await later(stage, 100)
    await ann.press("Return without penalty")
    assert "no penalty" in ann.last_text() and "approval rate is unchanged" in ann.last_text()
    assert await _approval(stage, ann) == (75, 1, 0)
    hit = await stage.services.market.reading.hit(hit_id)
    assert hit is not None and hit.slots_used == 0, "the slot went back to the pool"
    await bob.send(f"/start hit_{hit_id}")  # his push was edited to "Filled" meanwhile
    await bob.press("Accept")
    assert "1/1" in bob.last_text()

    await published_poll(stage, rita, "Forget me | X | Y ; reward=0.05 n=1 time=2m")
    await ann.press("Accept")
    await later(stage, 100)
    reminder = ann.last()
    data = next(d for row in reminder.buttons() for t, d, _ in row if "Return without" in t)
    await later(stage, 20)
    assert "Time's up" in ann.last_text()
    assert await _approval(stage, ann) == (75, 1, 1)
    over = stage.sim.message_by_id(ann.tg_id, reminder.message_id)
    assert over.buttons() == [] and "the time ran out" in (over.text or "")
    replayed = stage.sim.callback(  # a tap from a copy of the screen from before
        ann.user, reminder.message_id, str(data), enqueue=False, check_button=False
    )
    await stage.deliver(replayed)
    assert "no longer active" in str(stage.sim.alerts(ann.user)[-1].get("text"))
