"""What the market says: publishing, an assignment's full answers, money (/balance, /fund)
and the admins' /stats."""

from __future__ import annotations

from bot.domain import HitKind, RequesterBalance
from bot.formatting import EN, N_, Translator, duration, money, try_again
from bot.market.results import FundResult, MarketStats, PublishResult

# -- questions -------------------------------------------------------------------------------------

# The one question of a web task's HIT (MTurk API), stored with it in English
# (bot/mturk/ops.py); gigbot wrote it, so each reader reads it in their language.
WEB_TASK_PROMPT = N_(
    "This task is a web page. Open it with the button below, do the task there and submit "
    "it there; gigbot records it for you."
)


def question_prompt(t: Translator, prompt: str) -> str:
    """A question's prompt as `t`'s reader reads it: what the requester wrote, as written;
    the prompt gigbot stores with a web task, in the reader's language."""
    return t(WEB_TASK_PROMPT) if prompt == WEB_TASK_PROMPT else prompt


# -- publishing ------------------------------------------------------------------------------------

HIT_KIND_WORDS = {
    HitKind.POLL: N_("poll"),
    HitKind.SURVEY: N_("survey"),
    HitKind.TAG: N_("tagging task"),
}
PUBLISH_TEXTS = {  # {kind}: a word of HIT_KIND_WORDS
    PublishResult.OK: N_(
        "✅ Published {kind} #{hit_id}. {cost} is held in escrow. /review when work arrives."
    ),
    PublishResult.NOT_FOUND: N_("This draft no longer exists. Post a new one with /newpoll."),
    PublishResult.ALREADY: N_("This {kind} (#{hit_id}) is already published."),
    PublishResult.INSUFFICIENT_FUNDS: N_(
        "⚠️ Not enough balance: publishing needs {cost}, you have {available}. "
        "Add money with /deposit."
    ),
    PublishResult.UNDER_FLOOR: N_("⚠️ This pays under the fair-pay floor; raise the reward."),
}
BATCH_PUBLISH_TEXTS = {
    PublishResult.OK: N_("✅ Published batch #{batch_id}. {cost} is held in escrow. /myhits"),
    PublishResult.NOT_FOUND: N_("This batch no longer exists. /newbatch"),
    PublishResult.ALREADY: N_("Batch #{batch_id} is already published. /myhits"),
    PublishResult.INSUFFICIENT_FUNDS: N_(
        "⚠️ Not enough balance: the batch needs {cost}, you have {available}. "
        "Add money with /deposit."
    ),
    PublishResult.UNDER_FLOOR: N_("⚠️ This pays under the fair-pay floor; raise the reward."),
}


# -- the full answers of an assignment (on the review card and the dispute card) -------------------

ANSWERS_SHORTENED = N_("✂️ Long answers are shortened here: <b>📄 Full answers</b> sends them all.")
BTN_FULL_ANSWERS = N_("📄 Full answers")
FULL_ANSWERS_SENT = N_("📄 Here are all the answers, as a file.")


def full_answers_caption(t: Translator, hit_id: int, assignment_id: int, alias: str) -> str:
    """The caption of the answers file (plain text): "HIT #3 · assignment 7 · W-7F3K"."""
    return t(
        "HIT #{hit_id} · assignment {assignment_id} · {alias}",
        hit_id=hit_id,
        assignment_id=assignment_id,
        alias=alias,
    )


def full_answers_file(
    t: Translator,
    title: str,
    numbers: tuple[int, int],
    alias: str,
    answers: list[tuple[str, str]],
) -> str:
    """An assignment's answers in full, as the text of a .txt file (no HTML)."""
    hit_id, assignment_id = numbers
    by = t(
        "HIT #{hit_id} · assignment {assignment_id} · by {alias}",
        hit_id=hit_id,
        assignment_id=assignment_id,
        alias=alias,
    )
    lines = [title, by, ""]
    for number, (question, answer) in enumerate(answers, start=1):
        lines += [f"{number}. {question}", answer, ""]
    return "\n".join(lines)


# -- money: /balance, /fund ------------------------------------------------------------------------


def balance(t: Translator, b: RequesterBalance, tg_id: int | None = None) -> str:
    """The requester's /balance: available, in escrow, a debt if there is one; with `tg_id`,
    how to get more."""
    text = t(
        "💼 Available: <b>{available}</b>\n🔒 In escrow: {escrow}",
        available=t.money(b.available_cents),
        escrow=t.money(b.escrow_cents),
    )
    if b.available_cents < 0:  # a reversed rejection paid after the refund was spent
        text += "\n" + t(
            "⚠️ You owe {debt} (work you rejected was approved on dispute): new HITs wait "
            "until a top-up covers it.",
            debt=t.money(-b.available_cents),
        )
    if tg_id is not None:
        text += "\n" + t(
            "➕ To add money, tap Deposit below (/deposit), or give the marketplace operator "
            "your id <code>{tg_id}</code>; you'll be told when it arrives. "
            "/myhits shows what is in escrow.",
            tg_id=tg_id,
        )
    return text


# /fund is an admin tool: it speaks English.
FUND_USAGE = (
    "Use: <code>/fund &lt;telegram user id&gt; &lt;amount&gt;</code>, "
    "e.g. <code>/fund 123456 25.00</code>"
)


def fund_error(problem: str) -> str:
    """What is wrong with a /fund, and its form."""
    return try_again(EN, problem, FUND_USAGE)


FUND_TEXTS = {
    FundResult.OK: "✅ Added {amount} to user {tg_id}.",
    FundResult.DUPLICATE: "Already done.",
    FundResult.UNKNOWN_USER: "User {tg_id} hasn't started the bot yet.",
}


def funded_notice(t: Translator, amount_cents: int) -> str:
    """To the requester: an admin added money to the balance."""
    return t("💰 {amount} was added to your balance. /balance", amount=t.money(amount_cents))


# -- admins: /stats (an admin tool: English) -------------------------------------------------------

ADMIN_ONLY = N_("That command is for admins.")
HIT_STATES = ("open", "paused", "closed", "expired", "cancelled", "draft")
ASSIGNMENT_STATES = ("accepted", "submitted", "approved", "rejected", "returned", "abandoned")


def _by_state(found: dict[str, int], states: tuple[str, ...]) -> str:
    return " · ".join(f"{state} {found.get(state, 0)}" for state in states)


def market_stats(s: MarketStats) -> str:
    """The marketplace at a glance for an admin: a dozen short lines, far under 4096 chars."""
    waiting = f"{s.outbox_waiting} waiting"
    if s.outbox_oldest_s is not None:
        waiting += f", oldest {duration(s.outbox_oldest_s)}"
    return "\n".join(
        [
            "📊 <b>gigbot now</b> (24 h = the last 24 hours)",
            f"👥 <b>Users {s.users}</b>: workers {s.workers} · requesters {s.requesters}",
            f"   joined in 24 h: {s.joined_recent} · blocked the bot: {s.unreachable}",
            f"📋 <b>HITs {sum(s.hits.values())}</b>: {_by_state(s.hits, HIT_STATES)}",
            f"📝 <b>Assignments {sum(s.assignments.values())}</b>:"
            f" {_by_state(s.assignments, ASSIGNMENT_STATES)}",
            f"   submitted in 24 h: {s.submitted_recent}",
            f"💰 <b>Money</b> funded {money(s.funded_cents)} · in escrow {money(s.escrow_cents)}",
            f"   requesters hold {money(s.requesters_hold_cents)}"
            f" · workers hold {money(s.workers_hold_cents)}",
            f"   paid for work {money(s.paid_cents)} (24 h: {money(s.paid_recent_cents)})",
            f"   bonuses {money(s.bonus_cents)} (24 h: {money(s.bonus_recent_cents)})",
            f"   deposits {money(s.deposited_cents)} (24 h: {money(s.deposited_recent_cents)})"
            f" · refunded {money(s.deposit_refunds_cents)}",
            f"   payouts sent {money(s.paid_out_cents)} (24 h: {money(s.paid_out_recent_cents)})"
            f" · waiting {money(s.payouts_waiting_cents)}",
            f"   fees {money(s.fees_cents)} (24 h: {money(s.fees_recent_cents)})",
            f"📨 <b>Outbox</b> {waiting} · failed {s.outbox_failed}",
            f"⚖️ <b>Open disputes</b> {s.disputes_open}",
        ]
    )


# -- the command menu of an admin's chat, after the requesters' (handlers/menus.py) ----------------

ADMIN_MENU = (
    ("fund", N_("Add money to a requester")),
    ("stats", N_("The marketplace at a glance")),
    ("payouts", N_("Withdrawals to pay: CSV, mark paid")),
    ("rejectpayout", N_("Send a withdrawal back, with a reason")),
)
