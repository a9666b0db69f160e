"""A qualification is named as /qualify made it, spaces and all, or by its number: /require,
/grant and /revoke all find it (names match whatever their case), with an optional level."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.clock import FakeClock
from bot.demo.stage import Actor, Stage
from tests.auxil.database import database_at, sql
from tests.auxil.people import funded_requester, workers
from tests.auxil.posting import draft
from tests.auxil.screens import got, number_after
from tests.auxil.stages import fast_stage


@pytest.fixture
async def stage(tmp_path: Path, clock: FakeClock) -> AsyncIterator[Stage]:
    async with fast_stage(await database_at(tmp_path, "gigbot"), clock) as opened:
        yield opened


async def _define(rita: Actor) -> int:
    await rita.send("/qualify")
    await rita.send("Bird expert")
    await rita.send("Which is a sparrow? | small seabird | *small brown bird")
    await rita.send("Owls hunt at? | *night | noon")
    await rita.send("Penguins fly? | yes | *no")
    await rita.send("/done")
    await rita.send("60")
    return number_after("/qualtest ", rita.last_text())


async def test_a_qualification_with_a_spaced_name_is_required_granted_and_revoked(
    stage: Stage, admin: Actor
) -> None:
    rita = await funded_requester(stage, admin)
    ann, bob, cat = await workers(stage, "Ann", "Bob", "Cat")
    qual_id = await _define(rita)
    assert "/require 12 qual Bird expert" in rita.last_text()
    await ann.send(f"/qualtest {qual_id}")
    for option in ("small brown bird", "night", "no"):
        await ann.press(option)
    assert "Passed Bird expert" in ann.last_text()

    hit_id = await draft(stage, rita, "Which bird? | sparrow | robin ; reward=0.10 n=3")
    await rita.send(f"/require {hit_id} qual bird expert")
    assert f"HIT #{hit_id} now requires “Bird expert” ≥ 1" in rita.last_text()
    await rita.press("Publish")
    assert got(ann, "Which bird?") and not got(bob, "Which bird?")

    bob_alias, cat_alias = [
        (await sql(stage, "SELECT alias FROM users WHERE tg_id = ?", w.tg_id))[0][0]
        for w in (bob, cat)
    ]
    await rita.send(f"/grant {bob_alias} Bird expert 3")
    assert f"{bob_alias} now holds “Bird expert” (3)" in rita.last_text()
    assert "granted the qualification “Bird expert” (level 3)" in bob.last_text()
    await rita.send(f"/grant {cat_alias} #{qual_id}")
    assert f"{cat_alias} now holds “Bird expert” (1)" in rita.last_text()

    # By number from /qualify (1 or #1); a number after the name or number is the level.
    strict = await draft(stage, rita, "Rare bird? | yes | no ; reward=0.10 n=3")
    await rita.send(f"/require {strict} qual #{qual_id} 2")
    assert "now requires “Bird expert” ≥ 2" in rita.last_text()
    await rita.send(f"/require {strict} qualification {qual_id}")
    assert "now requires “Bird expert” ≥ 1" in rita.last_text()
    await rita.press("Publish")
    assert got(bob, "Rare bird?") and not got(cat, "Rare bird?") and not got(ann, "Rare bird?")

    await rita.send(f"/revoke {bob_alias} bird Expert")
    assert f"“Bird expert” was taken from {bob_alias}" in rita.last_text()
    await rita.send(f"/revoke {cat_alias} {qual_id}")
    assert f"“Bird expert” was taken from {cat_alias}" in rita.last_text()
    held = await sql(
        stage, "SELECT COUNT(*) FROM worker_qualifications WHERE qualification_id = ?", qual_id
    )
    assert held == [(1,)], "only Ann, who passed the test, still holds it"
    types = await sql(stage, "SELECT COUNT(*) FROM qualification_types")
    assert types == [(1,)], "granting by name found the /qualify one, made no second"

    await rita.send(f"/require {strict + 1} qual Bird expert")
    assert "You have no HIT" in rita.last_text()
    other = await draft(stage, rita, "Any bird? | yes | no ; reward=0.10 n=3")
    await rita.send(f"/require {other} qual #999")
    assert "You have no qualification #999" in rita.last_text()
    await rita.send(f"/grant {bob_alias} #999 2")
    assert "You have no qualification #999" in rita.last_text()
    await rita.send(f"/revoke {bob_alias} Bird expert 2")
    assert "no level" in rita.last_text()
    await rita.send("/qualify")
    await rita.send("bird EXPERT")
    await rita.send("Sparrow? | *yes | no")
    await rita.send("/done")
    await rita.send("50")
    assert "already have a qualification with that name" in rita.last_text()
