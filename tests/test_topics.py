"""Topics: a requester gives a HIT a topic (topic= in the terms, or an MTurk Keyword); it
reaches workers who ticked that topic at onboarding, or none (any topic), and no others."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.clock import FakeClock
from bot.demo.stage import Actor, Stage
from storage import workers
from tests.auxil.database import connect, database_of
from tests.auxil.mturk import call, requester_with_api_key, sky_colour_hit
from tests.auxil.people import funded_requester, user_of
from tests.auxil.posting import published_poll, upload
from tests.auxil.screens import labels, number_after
from tests.auxil.stages import api_stage, roomy_stage


@pytest.fixture
async def stage(tmp_path: Path, clock: FakeClock) -> AsyncIterator[Stage]:
    """As in conftest, with room for the taps of several onboardings within a second:
    Telegram's send budgets are not what these stories are about."""
    async with roomy_stage(tmp_path, clock) as opened:
        yield opened


async def onboarded(stage: Stage, name: str, *topics: str) -> Actor:
    """A worker who went through the onboarding buttons ticking only `topics` (by the
    names on the buttons, e.g. "Images"); every kind, any reward, UTC, no quiet hours."""
    actor = stage.user(name)
    await actor.send("/start")
    await actor.press("I want to work")
    await actor.press("Next")  # all three kinds of task, as offered
    assert "Step 2/5" in actor.last_text()
    for topic in topics:
        await actor.press(topic)
    await actor.press("Next")
    await actor.press("any")
    await actor.press("UTC")
    await actor.press("off")
    assert "All set" in actor.last_text()
    user = await user_of(stage, actor)
    async with stage.services.db.reading() as conn:
        chosen = (await workers.prefs(conn, user.id)).topics
    assert len(chosen) == len(topics), f"{name} ticked {topics}, stored {chosen}"
    return actor


def pushed(actor: Actor, title: str) -> bool:
    """Whether a message naming `title` reached the worker."""
    return any(title in text for text in actor.texts())


async def listed(actor: Actor, title: str) -> bool:
    """Whether the worker's /hits shows a HIT named `title`."""
    await actor.send("/hits")
    return any(title in row for row in labels(actor))


async def topic_of(stage: Stage, hit_id: int) -> str:
    hit = await stage.services.market.reading.hit(hit_id)
    assert hit is not None
    return hit.topic


async def test_a_poll_about_images_reaches_who_takes_images_or_any_topic(
    stage: Stage, admin: Actor
) -> None:
    rita = await funded_requester(stage, admin)
    ann = await onboarded(stage, "Ann", "Images")
    olga = await onboarded(stage, "Olga", "Opinions")
    cy = await onboarded(stage, "Cy")  # ticked nothing: any topic

    await rita.send(
        "/newpoll Which photo is sharper? | Left | Right ; reward=0.05 n=3 topic=images"
    )
    assert "Topic: Images" in rita.last_text(), "the preview shows the topic"
    await rita.press("Publish")
    hit_id = number_after("Published poll #", rita.last_text())
    assert await topic_of(stage, hit_id) == "images"

    assert pushed(ann, "Which photo is sharper?") and pushed(cy, "Which photo is sharper?")
    assert not pushed(olga, "Which photo is sharper?"), "Olga takes only opinion HITs"
    assert pushed(ann, "Which photo is sharper? · 🗂 Images"), "the card shows the topic"
    assert await listed(ann, "Which photo") and await listed(cy, "Which photo")
    assert not await listed(olga, "Which photo")

    # A HIT without a topic suits everyone, Olga too.
    await published_poll(stage, rita, "Tea or coffee? | Tea | Coffee ; reward=0.05 n=3")
    assert pushed(olga, "Tea or coffee?") and await listed(olga, "Tea or coffee?")
    assert not pushed(olga, "🗂"), "no topic, none shown"
    assert not await listed(olga, "Which photo")


async def test_a_survey_with_a_topic(stage: Stage, admin: Actor) -> None:
    rita = await funded_requester(stage, admin)
    ann = await onboarded(stage, "Ann", "Images")
    olga = await onboarded(stage, "Olga", "Opinions")
    await rita.send("/newsurvey")
    await rita.send("Photo habits")
    await rita.press("Single choice")
    await rita.send("How often do you take photos?")
    await rita.send("Daily | Weekly | Rarely")
    await rita.press("Done")
    assert "topic=" in rita.last_text(), "the terms form mentions topic="
    await rita.send("reward=0.10 n=3 topic=Images")
    assert "Topic: Images" in rita.last_text()
    await rita.press("Publish")
    hit_id = number_after("#", rita.last_text())
    assert await topic_of(stage, hit_id) == "images"
    assert pushed(ann, "Photo habits") and not pushed(olga, "Photo habits")


async def test_a_batch_with_a_topic(stage: Stage, admin: Actor) -> None:
    rita = await funded_requester(stage, admin)
    ann = await onboarded(stage, "Ann", "Images")
    olga = await onboarded(stage, "Olga", "Opinions")
    await rita.send("/newbatch")
    await upload(
        stage, rita, "photos.csv", b"image_url\nhttps://x.test/1.jpg\nhttps://x.test/2.jpg\n"
    )
    await rita.send("cat | dog")
    assert "topic=" in rita.last_text(), "the terms form mentions topic="
    await rita.send("Which animal? ; reward=0.02 n=2 time=2m topic=images")
    assert "Topic: Images" in rita.last_text()
    await rita.press("Publish")
    assert "Published batch" in rita.last_text()
    with connect(database_of(stage)) as db:
        stored = db.execute("SELECT topic FROM hits WHERE batch_id IS NOT NULL").fetchall()
    assert stored == [("images",), ("images",)]
    assert pushed(ann, "Which animal?") and not pushed(olga, "Which animal?")


async def test_createhit_takes_its_topic_from_the_keywords(
    tmp_path: Path, clock: FakeClock
) -> None:
    async with api_stage(tmp_path, clock) as stage:
        rita, mturk = await requester_with_api_key(stage, stage.admin())
        ann = await onboarded(stage, "Ann", "Images")
        olga = await onboarded(stage, "Olga", "Opinions")
        created = await call(
            stage, mturk, "create_hit", **{**sky_colour_hit(), "Keywords": "sky, Images"}
        )
        assert await topic_of(stage, int(created["HIT"]["HITId"][3:])) == "images"
        assert pushed(ann, "Sky colour") and not pushed(olga, "Sky colour")

        plain = {**sky_colour_hit(), "Title": "Cloud shapes", "Keywords": "sky, clouds"}
        created = await call(stage, mturk, "create_hit", **plain)
        assert await topic_of(stage, int(created["HIT"]["HITId"][3:])) == ""
        assert pushed(olga, "Cloud shapes"), "no keyword is a topic: a HIT for everyone"


ALLOWED = "use one of opinion, images, language, shopping, research"
BAD_TERMS = [
    ("topic=cats", f"Unknown topic 'cats' ({ALLOWED})"),
    ("topic=", ALLOWED),
    ("topic=images topic=opinion", "'topic' is given twice"),
    (  # every setting a survey takes is named, wherever it is parsed
        "colour=red",
        "Unknown setting 'colour' (use reward, n, time, life, auto, est, topic, dispatch, extend,"
        " lang)",
    ),
]


async def _hit_count(stage: Stage) -> int:
    with connect(database_of(stage)) as db:
        return int(db.execute("SELECT COUNT(*) FROM hits").fetchone()[0])


@pytest.mark.parametrize(("given", "expected"), BAD_TERMS)
async def test_bad_survey_terms_are_refused(
    stage: Stage, admin: Actor, given: str, expected: str
) -> None:
    rita = await funded_requester(stage, admin)
    await rita.send("/newsurvey")
    await rita.send("Photo habits")
    await rita.press("Rating")
    await rita.send("How good are your photos?")
    await rita.press("Done")
    await rita.send(f"reward=0.10 n=3 {given}")
    assert expected in rita.last_text()
    assert "reward=0.10 n=20" in rita.last_text(), "the form is shown again"
    assert await _hit_count(stage) == 0
    await rita.send("reward=0.10 n=3 topic=research")
    assert "Topic: Research" in rita.last_text(), "the survey goes on once the topic is right"


async def test_a_bad_topic_in_batch_terms_is_refused(stage: Stage, admin: Actor) -> None:
    rita = await funded_requester(stage, admin)
    await rita.send("/newbatch")
    await upload(stage, rita, "words.csv", b"text\nhello\nworld\n")
    await rita.send("noun | verb")
    await rita.send("Which kind? ; reward=0.02 n=2 topic=grammar")
    assert f"⚠️ Unknown topic 'grammar' ({ALLOWED})" in rita.last_text()
    await rita.send("Which kind? ; reward=0.02 n=2 dispatch=race")
    batch_settings = "reward, n, time, life, auto, est, topic"
    assert f"Unknown setting 'dispatch' (use {batch_settings})" in rita.last_text()
    with connect(database_of(stage)) as db:
        counts = db.execute("SELECT (SELECT COUNT(*) FROM hits), (SELECT COUNT(*) FROM batches)")
        assert counts.fetchone() == (0, 0)
