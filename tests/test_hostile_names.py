"""Hostile names (issue 19, item 4): what users write - first names, titles, options,
reasons, qualification names, channel titles - is shown as written, never read as HTML.

The stage fails on any message Telegram would refuse ("can't parse entities").
"""

from __future__ import annotations

from pathlib import Path

from bot.clock import FakeClock
from bot.demo.stage import Actor
from tests.auxil.people import funded_requester, set_up
from tests.auxil.screens import number_after
from tests.auxil.stages import roomy_stage

RITA = 'Rita <b> & "Co'
ANN = "Ann <3 & </i>"
TITLE = "Pets <i>& friends</b>"


async def _survey(rita: Actor) -> int:
    """A survey with hostile title, prompt and choices, published; its HIT number."""
    await rita.send("/newsurvey")
    await rita.send(TITLE)
    assert TITLE in rita.last_text(), rita.last_text()
    await rita.press("Single choice")
    await rita.send("Cat <or> dog?")
    await rita.send("<Cat> | Dog & co | </b>")
    await rita.press("Done")
    await rita.send("reward=0.10 n=1 time=5m")
    assert "Cat <or> dog? — Single choice (<Cat>, Dog & co, </b>)" in rita.last_text()
    await rita.press("Publish")
    return number_after("survey #", rita.last_text())


async def _qualification(rita: Actor) -> int:
    await rita.send("/qualify")
    await rita.send("<Bird> & co")
    await rita.send("Sparrow <small>? | *yes & no | <no>")
    await rita.send("/done")
    await rita.send("50")
    assert "<Bird> & co" in rita.last_text(), rita.last_text()
    return number_after("/qualtest ", rita.last_text())


async def test_hostile_names_through_the_main_screens(tmp_path: Path, clock: FakeClock) -> None:
    async with roomy_stage(tmp_path, clock) as stage:
        rita = await funded_requester(stage, stage.admin(), RITA)
        assert RITA in rita.last_text() or any(RITA in t for t in rita.texts())
        ann = stage.user(ANN)
        await ann.send("/start")
        assert f"Welcome to gigbot, {ANN}!" in ann.texts()[0]
        await ann.send("/start")
        assert f"Welcome back, {ANN}!" in ann.last_text()
        await set_up(ann)
        await ann.send("/settings")

        await _survey(rita)
        card = next(t for t in reversed(ann.texts()) if TITLE in t)
        assert RITA in card, "the push card names the requester as written"
        await ann.press("Preview")
        assert "Cat <or> dog?" in ann.last_text()
        await ann.press("Accept")
        await ann.press("<Cat>")
        assert "Cat <or> dog? → <Cat>" in ann.last_text()
        await ann.press("Submit")
        await ann.send("/status")
        await ann.send("/earnings")

        await rita.send("/review")
        assert TITLE in rita.last_text() and "→ <Cat>" in rita.last_text()
        await rita.press("Reject")
        await rita.send("Not <b>right</b> & wrong")
        rejected = next(t for t in reversed(ann.texts()) if "Rejected" in t)
        assert "Reason: Not <b>right</b> & wrong" in rejected
        await ann.press("Dispute")
        await ann.send("It is <right> & fair")
        dispute = next(t for t in reversed(rita.texts()) if "Dispute" in t)
        assert "“It is <right> & fair”" in dispute and TITLE in dispute
        await ann.press("Message requester")
        await ann.send("Hello <there> & hi")
        assert "Hello <there> & hi" in rita.last_text()

        await rita.send("/myhits")
        assert any(TITLE in t for t in rita.texts()[-3:])
        await rita.send("/results 1")
        assert "<Cat>" in rita.last_text()
        await rita.send(f"/requester {RITA}")
        await ann.send("/requester <nobody> & co")
        assert "No requester is called <nobody> & co" in ann.last_text()

        qual_id = await _qualification(rita)
        await ann.send(f"/qualtest {qual_id}")
        assert "<Bird> & co" in ann.last_text() and "Sparrow <small>?" in ann.last_text()
        await ann.press("yes & no")
        assert "Passed <Bird> & co" in ann.last_text(), ann.last_text()

        channel = stage.sim.add_chat("<Gig> & News", type="channel", username="gignews")
        stage.sim.set_member(channel, rita.user, "creator")
        await rita.send("/linkchannel @gignews")
        assert "Linked <Gig> & News" in rita.last_text()
        await rita.send("/unlinkchannel")
        assert "<Gig> & News" in rita.last_text()
