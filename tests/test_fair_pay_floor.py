"""The fair-pay floor (GIGBOT_MIN_HOURLY): publishing under it is refused with the reward
that meets it; after 5 submissions the measured time is checked and pushes pause until
the requester raises the reward."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.clock import FakeClock
from bot.config import Settings
from bot.demo.stage import Actor, Stage
from bot.parsing import parse_poll
from bot.requesting import texts as requesting_texts
from bot.requesting.parsing import parse_terms
from bot.sandbox import Limits
from storage import hits as hit_rows
from tests.auxil.gestures import approve_next, coffee_survey, do_poll, forge
from tests.auxil.people import funded_requester, workers
from tests.auxil.posting import published_batch, published_poll
from tests.auxil.stages import SCRIPTED_BURST, failing_on_errors, roomy_stage


@pytest.fixture
async def stage(tmp_path: Path, clock: FakeClock) -> AsyncIterator[Stage]:
    """The bot with the product default floor, $8.00 per hour."""
    assert Settings(_env_file=None).min_hourly == 8.00  # type: ignore[call-arg]
    async with roomy_stage(tmp_path, clock, min_hourly=8.00) as opened:
        yield opened


async def test_poll_under_the_floor_is_refused_with_the_reward_that_meets_it(
    stage: Stage, admin: Actor
) -> None:
    rita = await funded_requester(stage, admin)
    (ann,) = await workers(stage, "Ann")
    await rita.send("/newpoll Tea or coffee? | Tea | Coffee ; reward=0.05 n=10 time=2m")
    preview = rita.last()
    assert "$1.50/h for 2m of work (time allotted)" in (preview.text or "")
    assert "under the fair-pay floor of $8.00/h" in (preview.text or "")
    assert "Pay at least $0.27 per assignment" in (preview.text or "")  # 8.00 × 120 / 3600
    assert "Publish" not in str(preview.buttons()), "the preview says what Publish would do"
    # A Publish button drawn before (a /require reply, an older preview) is refused.
    await forge(stage, rita, "pub:1", preview.message_id)
    refusal = rita.last_text()
    assert "Not published: $0.05 for 2m of work is $1.50/h" in refusal
    assert "floor of $8.00/h" in refusal
    assert "Pay at least $0.27 per assignment" in refusal  # 8.00 × 120 / 3600 = 0.2667
    assert "really takes 22s or less, say so with est=22s" in refusal  # 0.05 × 3600 / 8.00
    assert "Change terms" in str(rita.last().buttons()), "and the way to fix it"
    await rita.send("/balance")
    assert "$100.00" in rita.last_text(), "nothing was escrowed"
    assert "Tea or coffee?" not in " ".join(ann.texts()), "no push went out"

    # $0.27 for the 2 minutes meets it; so does $0.05 with an honest 20 s estimate ($9.00/h).
    await published_poll(stage, rita, "Tea or coffee? | Tea | Coffee ; reward=0.27 n=1 time=2m")
    await published_poll(stage, rita, "Left or right? | L | R ; reward=0.05 n=1 time=2m est=20s")
    assert "Left or right?" in ann.last_text()


async def test_estimate_is_parsed_and_checked() -> None:
    assert parse_poll("Q? | A | B ; reward=0.05 time=2m est=20s").est_s == 20
    assert parse_poll("Q? | A | B ; reward=0.05").est_s is None
    assert parse_terms("reward=0.10 time=5m est=1m", 3600).est_s == 60
    with pytest.raises(ValueError, match="up to the time allotted"):
        parse_poll("Q? | A | B ; reward=0.05 time=1m est=2m")


async def test_batch_under_the_floor_is_refused(stage: Stage, admin: Actor) -> None:
    rita = await funded_requester(stage, admin)
    await rita.send("/newbatch")
    await stage.deliver(
        stage.sim.document(
            rita.user, "items.csv", b"text\nA cat\nA dog\n", "text/csv", enqueue=False
        )
    )
    await rita.send("cat | dog")
    await rita.send("Tag the animal ; reward=0.02 n=2 time=1m")
    assert "$1.20/h for 1m of work (time allotted)" in rita.last_text()
    assert "Pay at least $0.14" in rita.last_text()
    assert "Publish" not in str(rita.last().buttons())


async def test_measured_underpayment_pauses_pushes_until_raised(
    stage: Stage, admin: Actor, clock: FakeClock
) -> None:
    rita = await funded_requester(stage, admin)
    crew = await workers(stage, "Ann", "Bob", "Cy", "Dee", "Eve", "Fay")
    # The requester says 20 s ($9.00/h); it really takes a minute ($3.00/h).
    hit_id = await published_poll(
        stage, rita, "Read and pick | X | Y ; reward=0.05 n=8 time=5m est=20s"
    )
    fair = stage.services.fair
    for worker in crew[:4]:
        await do_poll(worker, clock, "X", 60)
    assert not await fair.pushes_paused(hit_id), "four submissions are not enough to judge"
    await do_poll(crew[4], clock, "X", 60)
    assert await fair.pushes_paused(hit_id)
    told = rita.last_text()
    assert "takes workers 1m (median" in told and "$3.00/h" in told
    assert f"/raise {hit_id} 0.14" in told  # 8.00 × 60 / 3600 = 0.1334
    assert "/bonus" not in told and "work already submitted included" in told, "no double pay"

    # While paused, no wave pushes it to a newcomer, and /free does not offer it.
    (gus,) = await workers(stage, "Gus")
    assert await stage.services.matcher.next_waves() == 0
    await stage.settle()
    assert "Read and pick" not in " ".join(gus.texts())
    await gus.send("/free 30m")
    assert "Read and pick" not in gus.last_text()

    await rita.send(f"/raise {hit_id} 0.10")
    assert "still $6.00/h" in rita.last_text() and "$0.14" in rita.last_text()
    assert await fair.pushes_paused(hit_id)
    await rita.send(f"/raise {hit_id} 0.14")
    assert "Pushes are on" in rita.last_text()
    assert not await fair.pushes_paused(hit_id)
    assert "Read and pick" in gus.last_text() and "$0.14" in gus.last_text()

    # Escrow covers the new reward for every slot not yet reviewed: 8 × $0.14.
    balances = await stage.services.accounts.balances()
    assert balances[f"escrow:{hit_id}"] == 8 * 14
    await approve_next(rita)
    assert "+$0.14" in crew[0].last_text()
    await rita.send(f"/raise {hit_id} 0.12")
    assert "must be higher" in rita.last_text()


async def test_cards_and_lists_use_the_estimate_until_work_is_measured(
    stage: Stage, admin: Actor, clock: FakeClock
) -> None:
    rita = await funded_requester(stage, admin)
    crew = await workers(stage, "Ann", "Bo", "Cy", "Di", "Ed")
    ben = await workers(stage, "Ben")
    await published_poll(stage, rita, "Read, then pick | X | Y ; reward=0.50 n=6 time=10m est=3m")
    # The requester's 3 minutes, not the 10 s a one-tap question would be guessed at.
    ann = crew[0]
    assert "takes ≈ 3m: the requester's estimate" in ann.last_text()
    assert "$10.00/h" in ann.last_text()
    assert "≈$10.00/h" in await listed(ben[0])
    await do_poll(ann, clock, "X", 60)
    assert "≈$10.00/h" in await listed(ben[0]), "one quick submission does not move it"
    for w in crew[1:]:
        await do_poll(w, clock, "X", 60)  # measured work wins once five are in
    assert "≈$30.00/h" in await listed(ben[0])
    await ben[0].send("/next")
    assert "takes ≈ 1m: the median of 5 done" in ben[0].last_text()


async def listed(worker: Actor) -> str:
    """The /hits page as the worker reads it: the text and the task buttons."""
    await worker.send("/hits")
    page = worker.messages()[-1]
    return "\n".join([page.text or "", *(b[0] for row in page.buttons() for b in row)])


async def test_the_example_the_bot_teaches_publishes_under_the_default_floor(
    stage: Stage, admin: Actor
) -> None:
    rita = await funded_requester(stage, admin)
    await rita.send("/newpoll")  # no arguments: asks step by step, with the one-line example
    assert requesting_texts.POLL_EXAMPLE in rita.last_text()
    await rita.send(requesting_texts.POLL_EXAMPLE)
    await rita.press("Publish")
    assert "Published" in rita.last_text(), rita.last_text()


async def test_a_batch_is_measured_pooled_and_paused_once_until_raised(
    stage: Stage, admin: Actor, clock: FakeClock
) -> None:
    rita = await funded_requester(stage, admin)
    crew = await workers(stage, "Ann", "Bob", "Cy", "Dee", "Eve", "Fay")
    # Twenty items, one worker each: no item alone ever reaches five submissions. The
    # requester says 20 s an item ($9.00/h); it really takes 30 s ($6.00/h).
    items_csv = b"text\n" + b"".join(f"Bird number {n}\n".encode() for n in range(20))
    batch = await published_batch(
        stage, rita, items_csv, "bird | cat", "Birds ; reward=0.05 n=1 time=5m est=20s"
    )
    async with stage.services.db.reading() as conn:
        items = [h.id for h in await hit_rows.in_batch(conn, batch)]
    fair = stage.services.fair

    async def tag(actor: Actor) -> None:
        """Take the batch's next free item from its link, tag it 30 s later (the next
        item then waits in the same message, held for this worker)."""
        await actor.send(f"/start batch_{batch}")
        await actor.press("Accept")
        clock.advance(30)
        await actor.press("bird")

    for actor in crew[:4]:
        await tag(actor)
    assert not await fair.pushes_paused(items[-1]), "four submissions are not enough to judge"
    await tag(crew[4])
    assert all([await fair.pushes_paused(item) for item in items]), "every item waits"
    told = [t for t in rita.texts() if "under the fair-pay floor" in t]
    assert len(told) == 1, told
    assert f"Birds (batch #{batch}) takes workers 30s an item" in told[0], told[0]
    assert "$6.00/h" in told[0] and f"/raise b{batch} 0.07" in told[0]  # 8.00 × 30 / 3600
    await tag(crew[5])  # found by its link: still one notice
    assert sum("under the fair-pay floor" in t for t in rita.texts()) == 1

    # While paused, no wave pushes the batch to a newcomer, and /free does not offer it.
    (gus,) = await workers(stage, "Gus")
    assert await stage.services.matcher.next_waves() == 0
    await stage.settle()
    assert "Birds" not in " ".join(gus.texts())
    await gus.send("/free 30m")
    assert "Birds" not in gus.last_text()

    # One item alone is not raised (the batch is one task to workers): the way is named.
    await rita.send(f"/raise {items[-1]} 0.07")
    assert f"item of batch #{batch}" in rita.last_text()
    assert f"/raise b{batch} 0.07" in rita.last_text()
    await rita.send(f"/raise b{batch} 0.06")
    assert "still $7.20/h" in rita.last_text() and "$0.07" in rita.last_text()
    assert await fair.pushes_paused(items[-1])
    await rita.send(f"/raise b{batch} 0.07")
    assert f"batch #{batch} raised to $0.07 on 20 items" in rita.last_text()
    assert "Pushes are on" in rita.last_text()
    assert not any([await fair.pushes_paused(item) for item in items])
    assert "Birds" in gus.last_text() and "$0.07" in gus.last_text(), gus.last_text()

    # Every item's escrow covers the new reward, the work already handed in included.
    balances = await stage.services.accounts.balances()
    assert [balances[f"escrow:{item}"] for item in items] == [7] * 20
    await approve_next(rita)
    assert "+$0.07" in crew[0].last_text()
    await rita.send(f"/raise b{batch + 1} 0.50")
    assert f"Batch #{batch + 1} isn't one of your live batches" in rita.last_text()


def _example(prompt: str) -> str:
    """The terms a prompt gives as its example: its first line that sets a reward."""
    return next(line for line in prompt.splitlines() if "reward=" in line)


async def test_the_examples_the_guided_flows_teach_publish_under_the_default_floor(
    stage: Stage, admin: Actor
) -> None:
    rita = await funded_requester(stage, admin)
    await coffee_survey(rita, "Light | Medium | Dark")
    await rita.send(_example(rita.last_text()))  # as a requester copies it
    assert "meets the fair-pay floor" in rita.last_text(), rita.last_text()
    await rita.press("Publish")
    assert "Published survey" in rita.last_text()

    await rita.send("/newbatch")
    items = b"text\nA cat\nA dog\n"
    await stage.deliver(
        stage.sim.document(rita.user, "items.csv", items, "text/csv", enqueue=False)
    )
    await rita.send("cat | dog")
    await rita.send(_example(rita.last_text()))
    assert "meets the fair-pay floor" in rita.last_text(), rita.last_text()
    await rita.press("Publish")
    assert "Published batch" in rita.last_text()


class _Scheduled:
    """A scheduler that writes down what it is handed (the JobQueue's part, on a FakeClock)."""

    def __init__(self) -> None:
        self.names: list[str] = []

    def at(self, name: str, due_at: float) -> None:
        self.names.append(name)


async def test_a_raise_hands_the_timed_offers_it_makes_to_the_scheduler(
    tmp_path: Path, clock: FakeClock
) -> None:
    """Pushes resumed by /raise on a HIT dispatched as timed offers schedule each new
    offer's end at once, as any wave does, not at the next load of the timer horizon."""
    roomy = Limits(private_burst=SCRIPTED_BURST, global_per_sec=300)
    opened = await Stage.open(
        tmp_path / "offers.sqlite3", clock=clock, limits=roomy, min_hourly=8.00, offer_up_to=8
    )
    async with failing_on_errors(opened):
        stage = opened
        rita = await funded_requester(stage, stage.admin())
        crew = await workers(stage, "Ann", "Bob", "Cy", "Dee", "Eve")
        hit_id = await published_poll(
            stage, rita, "Read and pick | X | Y ; reward=0.05 n=8 time=5m est=20s"
        )
        for worker in crew:
            await do_poll(worker, clock, "X", 60)
        assert await stage.services.fair.pushes_paused(hit_id)
        (gus,) = await workers(stage, "Gus")
        scheduled = _Scheduled()
        stage.services.agenda.attach(scheduled)
        stage.services.agenda.loaded(clock.now() + 3600)

        await rita.send(f"/raise {hit_id} 0.14")
        assert "Pushes are on" in rita.last_text()
        assert "Held for you" in gus.last_text(), "the raised HIT is offered to Gus"
        assert scheduled.names, "the offer's end was handed to the scheduler"
