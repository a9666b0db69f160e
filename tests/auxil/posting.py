"""Posting work: polls and surveys through the bot or the marketplace, batches from a file."""

from __future__ import annotations

from bot.demo.stage import Actor, Stage
from bot.domain import HitKind, HitSpec, QuestionKind, QuestionSpec
from bot.market.results import PublishResult
from storage import batches, hits
from tests.auxil.people import funded_requester, user_of, worker
from tests.auxil.screens import number_after

Q = QuestionSpec
SURVEY = (
    Q(QuestionKind.SINGLE, "Favourite colour?", ("Red", "Blue", "Green")),
    Q(QuestionKind.MULTI, "Which do you own?", ("Car", "Bike", "Boat")),
    Q(QuestionKind.RATING, "How was your day?"),
    Q(QuestionKind.TEXT, "One word for it?", max_len=20),
    Q(QuestionKind.TAG, "Labels for this sentence", ("positive", "sports", "news"), "We won!"),
)


async def published_poll(stage: Stage, requester: Actor, args: str) -> int:
    """Post and publish a poll; return its HIT id."""
    await requester.send(f"/newpoll {args}")
    before = sum("Published poll #" in text for text in requester.texts())
    await requester.press("Publish")
    # Notices due at the same moment (another HIT's expiry) may arrive after the confirmation.
    done = [text for text in requester.texts() if "Published poll #" in text]
    assert len(done) == before + 1, requester.last_text()
    return int(done[-1].split("Published poll #")[1].split(".")[0])


async def accepted_poll(stage: Stage, admin: Actor, args: str) -> tuple[Actor, Actor, int]:
    """Rita (funded) publishes a poll and Ann, who has sent /start, accepts it;
    return (Rita, Ann, the HIT id)."""
    rita = await funded_requester(stage, admin)
    ann = await worker(stage, "Ann")
    hit_id = await published_poll(stage, rita, args)
    await ann.press("Accept")
    return rita, ann, hit_id


async def draft(stage: Stage, requester: Actor, args: str) -> int:
    """Post a poll without publishing it; return its HIT id."""
    await requester.send(f"/newpoll {args}")
    assert "Preview" in requester.last_text(), requester.last_text()
    return int(requester.last_text().split("#")[1].split("\n")[0])


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
    """Create and publish a HIT for `requester` (funded) through the marketplace; its id."""
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


async def new_batch(stage: Stage, requester: Actor, title: str = "Batch") -> int:
    """An empty batch of `requester` to post HITs into."""
    owner = await user_of(stage, requester)
    async with stage.services.db.transaction() as conn:
        return await batches.insert(conn, owner.id, title, stage.clock.now())


async def upload(stage: Stage, actor: Actor, filename: str, content: bytes) -> None:
    """The actor sends a file to the bot."""
    await stage.deliver(stage.sim.document(actor.user, filename, content, enqueue=False))


async def published_batch(
    stage: Stage, requester: Actor, csv: bytes, labels: str, title_and_terms: str
) -> int:
    """/newbatch: upload the CSV, give the labels ("cat | dog") and the title with its
    terms, publish; the batch's number."""
    await requester.send("/newbatch")
    await upload(stage, requester, "items.csv", csv)
    await requester.send(labels)
    await requester.send(title_and_terms)
    batch_id = number_after("batch #", requester.last_text())
    await requester.press("Publish")
    assert f"Published batch #{batch_id}" in requester.last_text(), requester.last_text()
    return batch_id
