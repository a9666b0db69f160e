"""Amounts as people type them. One parser (bot/parsing.py parse_money) reads every amount a
user types: /deposit, /withdraw, /bonus, /raise, reward= and /fund. A decimal comma, as
Spanish, Portuguese, Russian and Indonesian users type it, is a decimal point: `12,50` is
$12.50, never $1250. What it cannot read for sure is refused, naming the form to write, and
nothing is charged, paid or raised."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.clock import FakeClock
from bot.demo.stage import Actor, Stage
from bot.i18n import translator
from bot.parsing import ParseError, parse_money
from tests.auxil.gestures import answer_poll, approve_next
from tests.auxil.invariants import ledger_sums_to_zero
from tests.auxil.people import funded_requester, user_of, worker
from tests.auxil.posting import published_poll
from tests.auxil.stages import roomy_stage

GROUPED = "without thousands separators"
NOT_AN_AMOUNT = "is not an amount like 0.05"
TOO_LARGE = "is more than any amount gigbot takes"

# What people type that is not one amount for sure, and what the refusal says.
REFUSED = {
    "1.000,50": GROUPED,
    "1,000.50": GROUPED,
    "1,000": GROUPED,  # a thousand, or one dollar? Neither is guessed.
    "12.505": GROUPED,
    "12.5.0": NOT_AN_AMOUNT,
    "NaN": NOT_AN_AMOUNT,
    "1e3": NOT_AN_AMOUNT,
    "-5": NOT_AN_AMOUNT,
    "Infinity": NOT_AN_AMOUNT,
    "99999999999": TOO_LARGE,
    "123456789012345678901234567890": TOO_LARGE,
}
# Typed with a space between thousands: two words after the command, still one refusal.
SPACED = {"1 000,50": GROUPED, "1 000": GROUPED}


@pytest.fixture
async def stage(tmp_path: Path, clock: FakeClock) -> AsyncIterator[Stage]:
    """These stories earn, review and pay within a second: a roomy stage."""
    async with roomy_stage(tmp_path, clock) as opened:
        yield opened


def test_the_one_parser_reads_a_point_or_a_comma_and_refuses_the_rest() -> None:
    read = {"12,50": 1250, "12.50": 1250, "12,5": 1250, "$12,50": 1250, "0,05": 5, "7": 700}
    assert {text: parse_money(text) for text in read} == read
    for text, said in (REFUSED | SPACED).items():
        with pytest.raises(ParseError) as refused:
            parse_money(text)
        assert said in str(refused.value), (text, str(refused.value))


async def test_a_decimal_comma_is_read_as_a_decimal_point_everywhere(
    stage: Stage, admin: Actor
) -> None:
    rosa = Actor(stage, stage.sim.add_user("Rosa", language_code="es"))
    await rosa.send("/start")
    await rosa.send("/deposit 12,50")
    assert rosa.last().invoice is not None, rosa.last_text()
    assert rosa.last().invoice["total_amount"] == 1250  # type: ignore[index]

    ann = await worker(stage, "Ann")
    rita = stage.user("Rita")
    await rita.send("/start")
    await admin.send(f"/fund {rita.tg_id} 20,50")
    await rita.send("/balance")
    assert "$20.50" in rita.last_text(), rita.last_text()
    await rita.send("/newpoll Tea? | Tea | Coffee ; reward=6,00 n=1 life=1d")
    assert "$6.00" in rita.last_text(), rita.last_text()
    await rita.press("Publish")
    await answer_poll(ann, "Tea")
    await approve_next(rita)
    hit_id = await published_poll(stage, rita, "Milk? | Yes | No ; reward=0,10 n=2 life=1d")
    await rita.send(f"/raise {hit_id} 0,20")
    assert f"Reward of #{hit_id} raised" in rita.last_text(), rita.last_text()
    alias = (await user_of(stage, ann)).alias
    await rita.send(f"/bonus {alias} 0,50 gracias")
    assert f"Sent $0.50 to {alias}" in rita.last_text(), rita.last_text()

    await ann.send("/withdraw")
    await ann.send("ann@example.com")
    await ann.send("/withdraw 5,50")
    assert "Withdrawal of $5.50 requested" in ann.last_text(), ann.last_text()
    await ledger_sums_to_zero(stage)


async def test_what_is_not_one_amount_is_refused_with_the_form_to_write(
    stage: Stage, admin: Actor
) -> None:
    rita = await funded_requester(stage, admin, cents=2_000)
    ann = await worker(stage, "Ann")
    await published_poll(stage, rita, "Tea? | Tea | Coffee ; reward=6.00 n=1 life=1d")
    await answer_poll(ann, "Tea")
    await approve_next(rita)
    hit_id = await published_poll(stage, rita, "Milk? | Yes | No ; reward=0.10 n=2 life=1d")
    alias = (await user_of(stage, ann)).alias
    await ann.send("/withdraw")
    await ann.send("ann@example.com")
    invoices = len(stage.sim.calls_to("sendInvoice"))

    for text, said in (REFUSED | SPACED).items():
        await rita.send(f"/deposit {text}")
        assert said in rita.last_text() and "/deposit 12.50" in rita.last_text(), text
        await ann.send(f"/withdraw {text}")
        assert said in ann.last_text(), (text, ann.last_text())
        await rita.send(f"/bonus {alias} {text} thanks")
        assert said in rita.last_text(), (text, rita.last_text())
        if text in SPACED:
            continue  # /raise, reward= and /fund take the amount as one word
        await rita.send(f"/raise {hit_id} {text}")
        assert said in rita.last_text() and "/raise 12 0.40" in rita.last_text(), text
        await rita.send(f"/newpoll Juice? | Yes | No ; reward={text} n=2")
        assert said in rita.last_text(), (text, rita.last_text())
        await admin.send(f"/fund {rita.tg_id} {text}")
        assert said in admin.last_text(), (text, admin.last_text())

    # A reward past what a new HIT may pay is refused by /raise too.
    await rita.send(f"/raise {hit_id} 500")
    assert "Reward must be 0.01 to 100.00" in rita.last_text(), rita.last_text()
    # Said in the user's language.
    rosa = Actor(stage, stage.sim.add_user("Rosa", language_code="es"))
    await rosa.send("/start")
    await rosa.send("/deposit 1.000,50")
    assert "sin separadores de miles" in rosa.last_text(), rosa.last_text()
    assert translator("es").money(100_050) not in rosa.last_text()

    assert len(stage.sim.calls_to("sendInvoice")) == invoices, "no invoice was sent"
    await rita.send("/balance")
    assert "Available: $13.80\n🔒 In escrow: $0.20" in rita.last_text(), "nothing paid or raised"
    await ann.send("/earnings")
    assert "Balance: $6.00" in ann.last_text(), ann.last_text()
    await ledger_sums_to_zero(stage)
