"""Helpers for worker stories: HITs of every question kind made through the marketplace."""

from __future__ import annotations

from pathlib import Path

from bot.clock import FakeClock
from bot.demo.stage import Actor, Stage
from bot.domain import HitKind, HitSpec, QuestionKind, QuestionSpec, User
from bot.market.results import PublishResult
from bot.sandbox import Limits
from storage import batches, hits
from tests.conftest import SCRIPTED_BURST

Q = QuestionSpec
SURVEY = (
    Q(QuestionKind.SINGLE, "Favourite colour?", ("Red", "Blue", "Green")),
    Q(QuestionKind.MULTI, "Which do you own?", ("Car", "Bike", "Boat")),
    Q(QuestionKind.RATING, "How was your day?"),
    Q(QuestionKind.TEXT, "One word for it?", max_len=20),
    Q(QuestionKind.TAG, "Labels for this sentence", ("positive", "sports", "news"), "We won!"),
)


async def user_of(stage: Stage, actor: Actor) -> User:
    found = await stage.services.market.people.user(actor.tg_id)
    assert found is not None, f"{actor.name} has not started the bot"
    return found


async def post(
    stage: Stage,
    requester: Actor,
    questions: tuple[QuestionSpec, ...] = SURVEY,
    *,
    title: str = "Quick survey",
    kind: HitKind = HitKind.SURVEY,
    reward_cents: int = 10,
    n: int = 3,
    time_s: int = 300,
    life_s: int = 86400,
    topic: str = "",
    batch_id: int | None = None,
) -> int:
    """Create and publish a HIT for `requester` (funded); return its id."""
    market = stage.services.market
    owner = await user_of(stage, requester)
    spec = HitSpec(
        title=title,
        kind=kind,
        topic=topic,
        reward_cents=reward_cents,
        max_assignments=n,
        time_allotted_s=time_s,
        lifetime_s=life_s,
        auto_approve_s=3 * 86400,
        questions=questions,
    )
    hit = await market.publishing.create_hit(owner, spec)
    if batch_id is not None:
        async with stage.services.db.transaction() as conn:
            await hits.set_topic_and_batch(conn, hit.id, topic, batch_id)
    assert await market.publishing.publish(owner, hit.id) is PublishResult.OK
    await stage.settle()
    return hit.id


def labels(actor: Actor, message_id: int | None = None) -> list[str]:
    """Button labels of the latest (or given) message."""
    message = actor.stage.sim.message_by_id(actor.tg_id, message_id) if message_id else actor.last()
    return [text for row in message.buttons() for text, _, _ in row]


async def open_roomy_stage(database: Path, clock: FakeClock) -> Stage:
    """A stage whose rate limits run 20x faster: a scripted story taps dozens of buttons in
    one real second, which no thumb does (sizes and every other rule stay as Telegram's)."""
    return await Stage.open(
        database, clock=clock, limits=Limits(scale=20.0, private_burst=SCRIPTED_BURST)
    )


async def new_batch(stage: Stage, requester: Actor, title: str = "Batch") -> int:
    """An empty batch of `requester` to post HITs into."""
    owner = await user_of(stage, requester)
    async with stage.services.db.transaction() as conn:
        return await batches.insert(conn, owner.id, title, stage.clock.now())


async def tag_item(worker: Actor, hit_id: int, *chosen: str) -> None:
    """Open one item of a batch by its link and hand it in with one label (a tap) or
    several (➕ Several labels, then Submit). The batch's next item then takes its place,
    in progress: its link shows it again (a Return would give it up for good)."""
    await worker.send(f"/start hit_{hit_id}")
    if "✅ Accept" in labels(worker):  # its card (else: already theirs, shown again)
        await worker.press("Accept")
    task = worker.last().message_id
    if len(chosen) > 1:
        await worker.press("Several labels", task)
        for label in chosen:
            await worker.press(label, task)
        await worker.press("Done", task)
        await worker.press("Submit", task)
    else:
        await worker.press(chosen[0], task)
    alert = worker.stage.sim.alerts(worker.user)[-1].get("text") or ""
    shown = worker.stage.sim.message_by_id(worker.tg_id, task).text or ""
    assert "pending review" in str(alert) or "Submitted" in shown, (alert, shown)
