"""A worker's record: /earnings and /status against the database, notifications (approved,
rejected, bonus, qualification), /help, and a worker who blocks the bot mid-assignment."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.clock import FakeClock
from bot.demo.stage import Actor, Stage
from bot.domain import QuestionKind, QuestionSpec
from storage import ledger, workers
from tests.auxil.database import database_at, set_prefs
from tests.auxil.gestures import approve_next
from tests.auxil.people import funded_requester, user_of, worker
from tests.auxil.posting import post
from tests.auxil.stages import failing_on_errors, open_roomy_stage

ONE = (QuestionSpec(QuestionKind.SINGLE, "Yes or no?", ("Yes", "No")),)
DAY = 86400


@pytest.fixture
async def stage(tmp_path: Path, clock: FakeClock) -> AsyncIterator[Stage]:
    """As conftest's stage (no handler errors, no broken rules), with a longer chat burst."""
    opened = await open_roomy_stage(await database_at(tmp_path, "gigbot"), clock)
    async with failing_on_errors(opened):
        yield opened


async def _do(ann: Actor, clock: FakeClock, seconds: float, message_id: int) -> None:
    await ann.press("Accept", message_id)
    clock.advance(seconds)
    await ann.press("Yes")
    await ann.press("Submit")


async def test_earnings_and_status_match_the_database(
    stage: Stage, admin: Actor, clock: FakeClock
) -> None:
    rita = await funded_requester(stage, admin)
    ann = await worker(stage, "Ann")
    for title, cents in (("A", 30), ("B", 20), ("C", 25)):
        await post(stage, rita, ONE, title=title, reward_cents=cents)
    cards = {
        (m.text or "").split("\n")[0][2:]: m.message_id
        for m in ann.messages()
        if "🆕" in (m.text or "")
    }

    await _do(ann, clock, 60, cards["A"])
    await _do(ann, clock, 120, cards["B"])
    await ann.press("Accept", cards["C"])
    await ann.press("Return")
    await approve_next(rita)
    assert "Approved: A +$0.30" in ann.last_text()
    await rita.press("Reject")
    await rita.send("Wrong answer")
    assert "Rejected: B" in ann.last_text() and "Reason: Wrong answer" in ann.last_text()
    me = await user_of(stage, ann)
    await rita.send(f"/bonus {me.alias} 0.15 Great care")
    assert "Bonus +$0.15" in ann.last_text() and "Great care" in ann.last_text()
    await rita.send(f"/grant {me.alias} Birder")
    assert "qualification “Birder”" in ann.last_text()

    clock.advance(3 * DAY)
    await post(stage, rita, ONE, title="D", reward_cents=40)
    await _do(ann, clock, 30, ann.last().message_id)
    await post(stage, rita, ONE, title="E", reward_cents=5, time_s=600)
    await ann.press("Accept")
    clock.advance(100)

    await ann.send("/earnings")
    text = ann.last_text()
    balances = await stage.services.accounts.balances()
    assert balances[ledger.worker_account(me.id)] == 45
    for part in (
        "Balance: $0.45",
        "Pending: $0.40 (1 submitted)",
        "Approved: $0.30 (1) · ❌ Rejected: 1",
        "Bonuses: $0.15",
        "Today: +$0.00 approved · +$0.00 bonus · ⚡ $0.00/h over 30s",
        # 30 cents approved for 60 + 120 + 30 s of submitted work = $5.14/h
        "7 days: +$0.30 approved · +$0.15 bonus · ⚡ $5.14/h over 3m 30s",
        "All time: +$0.30 approved · +$0.15 bonus · ⚡ $5.14/h over 3m 30s",
    ):
        assert part in text, text

    await ann.send("/status")
    text = ann.last_text()
    async with stage.services.db.reading() as conn:
        active = await workers.active_assignments(conn, me.id)
    assert len(active) == 1
    for part in (
        me.alias,
        "Approval rate: 50% (1 of 2 reviewed)",
        "Submitted 3 (1 waiting) · ✅ Approved 1 · ❌ Rejected 1",
        "Returned 1 · ⌛ Abandoned 0",
        "Qualifications: Birder",
        "E — ⏳ 8m 20s left",
    ):
        assert part in text, text
    assert [t for row in ann.last().buttons() for t, _, _ in row] == ["📝 E"], "a way back"
    await ann.press("📝 E")
    assert "⏳ 8m 20s left" in ann.last_text() and ann.last().buttons(), "the task, live again"


async def test_earnings_of_a_newcomer(stage: Stage) -> None:
    ann = await worker(stage, "Ann")
    await ann.send("/earnings")
    assert "Balance: $0.00" in ann.last_text() and "Nothing approved yet" in ann.last_text()
    assert "Today" not in ann.last_text(), "no three lines of zeros"
    await ann.send("/status")
    assert "nothing reviewed yet" in ann.last_text() and "Nothing in progress" in ann.last_text()


async def test_help_for_a_first_timer(stage: Stage) -> None:
    ann = stage.user("Ann")
    await ann.send("/help")
    text = ann.last_text()
    assert len(text.splitlines()) <= 14 and len(text) < 800
    for word in ("Accept", "Submit", "Return", "/earnings", "/withdraw", "/hits", "/settings"):
        assert word in text
    menu = [c["command"] for listed in stage.sim.commands.values() for c in listed]
    assert {"hits", "next", "earnings", "status", "settings", "help"} <= set(menu)


async def test_help_has_a_page_for_requesters(stage: Stage) -> None:
    rita = stage.user("Rita")
    await rita.send("/help")
    page = rita.last()
    await rita.press("For requesters")
    text = rita.last_text()
    assert rita.last().message_id == page.message_id, "the same message turns the page"
    spec_commands = "newpoll newsurvey newbatch myhits review results bonus block qualify"
    for command in (*spec_commands.split(), "linkchannel", "apikey", "balance", "deposit"):
        assert f"/{command}" in text, command
    assert len(text.splitlines()) <= 14 and len(text) < 800, "one phone screen"
    await rita.press("For workers")
    assert "How gigbot works" in rita.last_text()


async def test_blocking_the_bot_mid_assignment(stage: Stage, admin: Actor) -> None:
    rita = await funded_requester(stage, admin)
    ann = await worker(stage, "Ann")
    await post(stage, rita, ONE, title="First")
    task = ann.last().message_id
    await ann.press("Accept")
    stage.sim.block(ann.user)
    await post(stage, rita, ONE, title="Second")  # the push gets 403
    me = await stage.services.market.people.user(ann.tg_id)
    assert me is not None and not me.active
    await post(stage, rita, ONE, title="Third")
    assert not any("Third" in t for t in ann.texts()), "no pushes to a user who blocked us"

    stage.sim.unblock(ann.user)
    await ann.send("/start")
    me = await stage.services.market.people.user(ann.tg_id)
    assert me is not None and me.active
    await ann.send("/status")
    assert "First — ⏳" in ann.last_text()
    await ann.press("Yes", task)
    await ann.press("Submit", task)
    assert "Submitted: First" in (stage.sim.message_by_id(ann.tg_id, task).text or "")


async def test_today_in_earnings_is_the_workers_own_day(
    stage: Stage, admin: Actor, clock: FakeClock
) -> None:
    """Money approved at 23:50 in Tokyo is yesterday's at 00:10 there, though it is still
    the same day in UTC."""
    rita = await funded_requester(stage, admin)
    ann = await worker(stage, "Ann")
    await set_prefs(stage, ann, timezone="Asia/Tokyo")
    tokyo = ZoneInfo("Asia/Tokyo")
    local = datetime.fromtimestamp(clock.now(), tokyo)
    clock.advance((local.replace(hour=23, minute=50) - local).total_seconds() % DAY)
    await post(stage, rita, ONE, title="Late", reward_cents=30)
    await _do(ann, clock, 60, ann.last().message_id)
    await approve_next(rita)
    await ann.send("/earnings")
    assert "Today: +$0.30 approved" in ann.last_text()

    clock.advance(20 * 60)  # 00:11 in Tokyo, 15:11 UTC: the same UTC day
    assert datetime.fromtimestamp(clock.now(), tokyo).hour == 0
    assert datetime.fromtimestamp(clock.now(), ZoneInfo("UTC")).hour == 15
    await ann.send("/earnings")
    assert "Today: +$0.00 approved" in ann.last_text()
    assert "7 days: +$0.30 approved" in ann.last_text()
