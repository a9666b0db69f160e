"""A HIT's requirements decide who sees it, who is pushed it and who may accept it,
including through a deep link; the system values follow reviews as they happen."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.clock import FakeClock
from bot.demo.stage import Actor, Stage
from tests.auxil.database import database_at, set_prefs, set_record, sql
from tests.auxil.gestures import answer_poll, approve_next, forge
from tests.auxil.people import funded_requester, worker
from tests.auxil.posting import draft, published_poll
from tests.auxil.screens import got
from tests.auxil.stages import fast_stage


@pytest.fixture
async def stage(tmp_path: Path, clock: FakeClock) -> AsyncIterator[Stage]:
    async with fast_stage(await database_at(tmp_path, "gigbot"), clock) as opened:
        yield opened


# requirement (as typed after /require <id>), the worker's record, qualifies?
REQUIREMENTS: list[tuple[str, dict[str, object], bool]] = [
    ("approval 95", {}, True),  # nothing reviewed yet counts as 100 %
    ("approval 95", {"approved": 19, "rejected": 1}, True),  # exactly 95 %
    ("approval 95", {"approved": 18, "rejected": 2}, False),  # 90 %
    ("approval 95", {"approved": 189, "rejected": 11}, False),  # 94.5 % is below 95
    ("approved 10", {"approved": 10}, True),
    ("approved 10", {"approved": 9}, False),
    ("locale de", {"language": "de"}, True),
    ("locale de", {"language": "de-at"}, True),
    ("locale de", {"language": "en"}, False),
    ("locale de", {"language": "dech"}, False),
    ("qual Trusted", {"trusted": 1}, True),
    ("qual Trusted", {}, False),
    ("qual Trusted 2", {"trusted": 1}, False),
    ("qual Trusted 2", {"trusted": 3}, True),
]


async def test_each_requirement_decides_push_link_and_accept(stage: Stage, admin: Actor) -> None:
    rita = await funded_requester(stage, admin)
    await worker(stage, "Tess")  # the alias the qualification is first granted to
    tess_alias = (await sql(stage, "SELECT alias FROM users WHERE first_name = 'Tess'"))[0][0]
    await rita.send(f"/grant {tess_alias} Trusted")
    assert "now holds" in rita.last_text()
    for case, (requirement, record, qualifies) in enumerate(REQUIREMENTS):
        ann = await worker(stage, f"Ann{case}")
        alias = (await sql(stage, "SELECT alias FROM users WHERE tg_id = ?", ann.tg_id))[0][0]
        counts = {k: int(str(v)) for k, v in record.items() if k in ("approved", "rejected")}
        if counts:
            await set_record(stage, ann, **counts)
        if "language" in record:
            await set_prefs(stage, ann, language=record["language"])
        if "trusted" in record:
            await rita.send(f"/grant {alias} Trusted {record['trusted']}")
        title = f"Case {case}?"
        hit_id = await draft(stage, rita, f"{title} | Yes | No ; reward=0.05 n=100")
        await rita.send(f"/require {hit_id} {requirement}")
        assert "now requires" in rita.last_text(), rita.last_text()
        await rita.press("Publish")
        assert got(ann, title) is qualifies, (requirement, record)

        await ann.send(f"/start hit_{hit_id}")
        assert ("isn't open to you" in ann.last_text()) is not qualifies, (requirement, record)
        alert = await ann.tap(ann.last().message_id, f"acc:{hit_id}") if qualifies else None
        if not qualifies:  # an old or forged button: the bot still refuses
            alert = await forge(stage, ann, f"acc:{hit_id}")
            assert "isn't open to you" in (alert or ""), (requirement, record)
        else:
            assert alert is None or "isn't open" not in alert
            assert "1/1" in ann.last_text(), (requirement, record)
        held = await sql(stage, "SELECT COUNT(*) FROM assignments WHERE hit_id = ?", hit_id)
        assert held == [(int(qualifies),)], (requirement, record)


async def test_worker_who_loses_approval_rate_stops_getting_pushes(
    stage: Stage, admin: Actor
) -> None:
    rita = await funded_requester(stage, admin)
    ann = await worker(stage, "Ann")

    async def strict_hit(title: str) -> int:
        hit_id = await draft(stage, rita, f"{title} | Yes | No ; reward=0.05 n=1")
        await rita.send(f"/require {hit_id} approval 80")
        await rita.press("Publish")
        return hit_id

    await strict_hit("Strict one?")
    assert got(ann, "Strict one?"), "nothing reviewed yet: 100 %"
    await answer_poll(ann, "Yes")
    await rita.send("/review")
    await rita.press("Reject")
    await rita.send("You did not read the question")
    assert "Rejected" in ann.last_text()
    rows = await sql(
        stage,
        "SELECT approved, rejected, approval_pct FROM worker_stats s"
        " JOIN users u ON u.id = s.user_id WHERE u.tg_id = ?",
        ann.tg_id,
    )
    assert rows == [(0, 1, 0)], "the rejection counted at once"

    hit_id = await strict_hit("Strict two?")
    assert not got(ann, "Strict two?")
    await ann.send(f"/start hit_{hit_id}")
    assert "isn't open to you" in ann.last_text()

    await published_poll(stage, rita, "Open to all? | Yes | No ; reward=0.05 n=1")
    assert got(ann, "Open to all?"), "HITs without requirements still come"
    await answer_poll(ann, "Yes")
    await approve_next(rita)
    rows = await sql(
        stage,
        "SELECT approved, rejected, approval_pct, submitted FROM worker_stats s"
        " JOIN users u ON u.id = s.user_id WHERE u.tg_id = ?",
        ann.tg_id,
    )
    assert rows == [(1, 1, 50, 2)]


async def test_grant_notifies_and_revoke_takes_the_hit_away(stage: Stage, admin: Actor) -> None:
    rita = await funded_requester(stage, admin)
    ann = await worker(stage, "Ann")
    alias = (await sql(stage, "SELECT alias FROM users WHERE tg_id = ?", ann.tg_id))[0][0]
    hit_id = await draft(stage, rita, "Members only? | Yes | No ; reward=0.05 n=1")
    await rita.send(f"/require {hit_id} qual Members")
    assert "no qualification called" in rita.last_text()
    await rita.send(f"/grant {alias} Members")
    assert f"{alias} now holds “Members”" in rita.last_text()
    assert "granted the qualification “Members”" in ann.last_text()
    await rita.send(f"/grant {alias} Members")
    assert "already holds" in rita.last_text()
    await rita.send(f"/require {hit_id} qual Members")
    await rita.send(f"/revoke {alias} Members")
    assert "was taken from" in rita.last_text()
    await rita.press("Publish")
    assert not got(ann, "Members only?")
    await rita.send(f"/require {hit_id} approval 90")
    assert "already published" in rita.last_text()


BAD_COMMANDS = [
    ("/require", "Add a requirement"),
    ("/require 1 speed 5", "is not approval"),
    ("/require 1 approval 101", "0 to 100"),
    ("/require 1 approved many", "whole number"),
    ("/require 1 locale 12", "language code"),
    ("/require 999 approval 90", "You have no HIT #999"),
    ("/require b999 approval 90", "You have no Batch #999"),
    ("/require bx approval 90", "a batch id (b3)"),
    ("/require 12", "a batch id (b3)"),
    ("/grant", "gives a worker your qualification"),
    ("/grant W-ZZZZ Trusted", "There is no worker W-ZZZZ"),
    ("/grant W-ZZZZ " + "x" * 41, "1 to 40 characters"),
    ("/grant W-ZZZZ", "a worker alias and a qualification"),
    ("/require 1 qual", "a kind of requirement and a value"),
    ("/revoke W-ZZZZ Trusted 2", "no level"),
    ("/revoke W-ZZZZ Trusted", "There is no worker W-ZZZZ"),
]


async def test_bad_requirement_commands_show_the_right_form(stage: Stage) -> None:
    rita = stage.user("Rita")
    for command, answer in BAD_COMMANDS:
        await rita.send(command)
        assert answer in rita.last_text(), (command, rita.last_text())
