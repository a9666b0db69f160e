"""`gigbot demo`: the whole story runs cleanly, reaches every state, and a seed repeats it."""

from __future__ import annotations

import gettext
import random
import re
from pathlib import Path

import pytest

from bot.demo.story import ITEMS, items_csv, seeded_aliases, tell
from bot.demo.summary import ASSIGNMENT_STATES, Summary
from bot.i18n import Translator
from bot.requesting.parsing import parse_batch_file

# `gigbot demo` always runs on a SQLite file.
pytestmark = pytest.mark.sqlite_only

# Story time runs 1000 times faster; Telegram's limits speed up with it (bot.demo.story).
SPEED = 1000.0


async def _told(tmp_path: Path, seed: int, name: str) -> tuple[Summary, list[str]]:
    lines: list[str] = []
    summary = await tell(seed, SPEED, str(tmp_path / name), write=lines.append)
    return summary, lines


async def test_the_whole_story_balances_and_reaches_every_state(tmp_path: Path) -> None:
    summary, lines = await _told(tmp_path, 11, "demo.sqlite3")
    assert summary.errors == [] and summary.violations == []
    assert summary.clean
    for state in ASSIGNMENT_STATES:
        assert summary.assignments.get(state, 0) >= 1, (state, summary.assignments)
    assert summary.ledger_sum == 0 and summary.negative_accounts == []
    assert summary.balances_kept, "the balances table agrees with the ledger"
    assert summary.money["deposit"] == 2000 and summary.money["bonus"] == 25
    assert summary.money["withdraw"] == summary.money["payout"] > 0, "Ann cashed out, paid"
    assert summary.single_hits == 1 and summary.batches == 1
    refunded = summary.money.get("reject", 0) + summary.money.get("refund", 0)
    assert summary.money["publish"] == summary.money["approve"] + refunded + summary.escrow_cents
    assert summary.money["approve"] > 0 and summary.escrow_cents > 0

    text = "\n".join(lines)
    story = [
        "[Pay ⭐️2000]",  # Rita's invoice in Telegram Stars
        "$20.00 was added to your balance",
        "Linked Gig News",
        "Published poll #1",
        "Held for you",  # a timed offer: the slot is this worker's for 90 s
        "Returned Which logo",
        "1m left to finish",  # the reminder at half time
        "Time's up",
        "4 items read (2 gold)",
        "Published batch #1",
        "→ 📢 Gig News [new #2]",  # the channel announces the batch
        "taps [Start working] in 📢 Gig News",  # its deep link opens the batch
        "Bob gets what is left",  # his batch card shows a taken item: he gets a free one
        "gold accuracy in this batch: 0%",
        "it was an attention check",
        "Bonus +$0.25",
        "📎 batch1-assignments.csv",
        "Your earnings",
        "Your status",
        "In escrow",
        "Withdrawal of",
        "📎 gigbot-payouts-1.csv",
        "was paid to PayPal ann@example.com",
    ]
    positions = [text.find(step) for step in story]
    assert -1 not in positions, [s for s, p in zip(story, positions, strict=True) if p < 0]
    race = text[text.find("Bob gets what is left") :]
    assert "(toast to Bob) Accepted" in race.split("━━ 9")[0], "Bob's tap took the next item"
    assert positions == sorted(positions), "the story is told in order"
    assert "→ 📢 Gig News [✎ edited #2]" in text, "the channel's counter is edited"
    assert "✎ edited" in text and "[✅ Accept]  [Decline]" in text, "edits and buttons shown"
    assert "limit violations     0" in text and "errors               0" in text


def _without_paths(lines: list[str]) -> list[str]:
    return [re.sub(r"/tmp/\S+", "<tmp>", line) for line in lines]


async def test_a_seed_tells_the_same_story(tmp_path: Path) -> None:
    first, one = await _told(tmp_path, 5, "one.sqlite3")
    second, two = await _told(tmp_path, 5, "two.sqlite3")
    assert _without_paths(one) == _without_paths(two)
    assert first == second
    names = seeded_aliases(random.Random(5)), seeded_aliases(random.Random(6))
    assert names[0]() != names[1](), "another seed names the workers otherwise"


class _Commas(gettext.NullTranslations):
    """A language whose sentences hold commas and quotes (as a translation may)."""

    def gettext(self, message: str) -> str:
        return f'{message}, "so to speak"'


def test_the_batch_file_of_the_demo_quotes_what_a_translation_puts_in_it() -> None:
    """The demo's CSV of items is told in the story's language: an item or gold label
    with a comma or a quote is quoted, so the upload reads back what was written."""
    t = Translator("es", _Commas())
    items = parse_batch_file("animals.csv", items_csv(t))
    assert [(i.text, i.gold) for i in items] == [
        (t(text), t(gold) if gold else None) for text, gold, _ in ITEMS
    ]
