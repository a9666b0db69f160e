"""Every sentence a user reads, and how money and time are shown. HTML parse mode."""

from __future__ import annotations

from html import escape

from bot.domain import Earnings, Hit, RequesterBalance
from bot.results import AcceptResult, FundResult, PublishResult, ReviewResult, WorkResult


def money(cents: int) -> str:
    """5 -> "$0.05", 1234 -> "$12.34", -50 -> "-$0.50"."""
    sign = "-" if cents < 0 else ""
    cents = abs(cents)
    return f"{sign}${cents // 100}.{cents % 100:02d}"


def duration(seconds: float) -> str:
    """90 -> "1m 30s", 3600 -> "1h", 45 -> "45s", 93784 -> "1d 2h"."""
    total = max(0, int(seconds))
    days, rest = divmod(total, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    parts = [(days, "d"), (hours, "h"), (minutes, "m"), (secs, "s")]
    shown = [f"{n}{unit}" for n, unit in parts if n][:2]
    return " ".join(shown) or "0s"


def hourly(reward_cents: int, seconds: float) -> str:
    """Reward for `seconds` of work as an hourly rate: (5, 60) -> "$3.00/h"."""
    if seconds <= 0:
        return "—"
    return money(round(reward_cents * 3600 / seconds)) + "/h"


# -- onboarding and help --------------------------------------------------------------

WELCOME = (
    "👋 <b>Welcome to gigbot</b>, {name}!\n"
    "You'll get short paid tasks (polls, surveys, tagging) right here.\n"
    "Tap <b>Accept</b> on a task, answer with the buttons, tap <b>Submit</b>.\n"
    "Your alias for requesters is <code>{alias}</code>.\n\n"
    "/earnings — your money · /help — how it works"
)
WELCOME_BACK = "Welcome back, {name}! Your alias is <code>{alias}</code>. /help"
HELP = (
    "<b>How gigbot works</b>\n"
    "1. A task arrives with its reward and time limit.\n"
    "2. Tap <b>Accept</b> — the task is yours until the time runs out.\n"
    "3. Answer with the buttons, then <b>Submit</b>.\n"
    "4. The requester approves → money in /earnings.\n\n"
    "<b>Requesters</b>: /newpoll Question? | A | B ; reward=0.05 n=10 time=2m\n"
    "/review — check submitted work · /balance — your money"
)
NOT_REGISTERED = "Please send /start first."


# -- posting --------------------------------------------------------------------------

POLL_USAGE = (
    "Send a poll like this:\n"
    "<code>/newpoll Which logo is clearer? | A | B | C ; reward=0.05 n=10 time=2m life=1d</code>\n"
    "reward is per answer; n = how many workers (default 10); "
    "time = time allotted (default 5m); life = how long it stays open (default 1d)."
)


def poll_error(problem: str) -> str:
    return f"⚠️ That poll can't be posted: {escape(problem)}.\n\n{POLL_USAGE}"


def hit_preview(hit: Hit, options: tuple[str, ...]) -> str:
    lines = [f"<b>Preview</b> · poll #{hit.id}", f"❓ {escape(hit.title)}"]
    lines += [f"  • {escape(option)}" for option in options]
    lines.append(
        f"💰 {money(hit.reward_cents)} × {hit.max_assignments} workers = "
        f"<b>{money(hit.escrow_cents)}</b>"
    )
    lines.append(f"⏱ {duration(hit.time_allotted_s)} each · open for {duration(hit.lifetime_s)}")
    return "\n".join(lines)


PUBLISH_TEXTS = {
    PublishResult.OK: (
        "✅ Published poll #{hit_id}. {cost} is held in escrow. /review when work arrives."
    ),
    PublishResult.NOT_FOUND: "This draft no longer exists. Post a new one with /newpoll.",
    PublishResult.ALREADY: "Poll #{hit_id} is already published.",
    PublishResult.INSUFFICIENT_FUNDS: (
        "⚠️ Not enough balance: publishing needs {cost}, you have {available}. "
        "Ask an admin to /fund your account."
    ),
}
DRAFT_DISCARDED = "🗑 Draft discarded."


# -- working --------------------------------------------------------------------------


def push_card(hit: Hit, requester_alias: str) -> str:
    return (
        f"🆕 <b>{escape(hit.title)}</b>\n"
        f"💰 {money(hit.reward_cents)} · ⏱ {duration(hit.time_allotted_s)} "
        f"(≈ {hourly(hit.reward_cents, hit.time_allotted_s)} at most time)\n"
        f"👤 {escape(requester_alias)} · {hit.slots_left} of {hit.max_assignments} left"
    )


ACCEPT_ALERTS = {
    AcceptResult.FULL: "This HIT is full — /next",
    AcceptResult.NOT_OPEN: "This HIT is closed — /next",
    AcceptResult.NOT_FOUND: "This HIT no longer exists.",
    AcceptResult.TOO_MANY_ACTIVE: (
        "You already have {max_active} tasks in progress. Finish one first."
    ),
    AcceptResult.OWN_HIT: "That's your own HIT.",
    AcceptResult.NOT_REGISTERED: NOT_REGISTERED,
    AcceptResult.ALREADY_YOURS: "You already took this HIT.",
}
ACCEPTED = "Accepted — {time} to finish."

WORK_ALERTS = {
    WorkResult.NOT_YOURS: "This button isn't yours.",
    WorkResult.NOT_ACTIVE: "This assignment is no longer active.",
    WorkResult.INCOMPLETE: "Answer every question first.",
    WorkResult.BAD_ANSWER: "That answer isn't valid.",
    WorkResult.STALE: "That question was already answered.",
}


def work_question(title: str, step: int, total: int, prompt: str, time_left: float) -> str:
    return (
        f"<b>{escape(title)}</b>\n{step}/{total} · ⏳ {duration(time_left)} left\n\n"
        f"❓ {escape(prompt)}"
    )


def work_summary(title: str, answers: list[tuple[str, str]], time_left: float) -> str:
    lines = [f"<b>{escape(title)}</b> · ⏳ {duration(time_left)} left", "Your answers:"]
    lines += [f"• {escape(q)} → <b>{escape(a)}</b>" for q, a in answers]
    lines.append("\nTap <b>Submit</b> to hand it in.")
    return "\n".join(lines)


def submitted(title: str, reward_cents: int) -> str:
    return f"📨 Submitted: <b>{escape(title)}</b>\n{money(reward_cents)} pending review. /earnings"


def returned(title: str) -> str:
    return f"↩️ Returned: {escape(title)}. No harm done — /next"


def no_longer_active(title: str) -> str:
    return f"⌛ {escape(title)} is no longer active."


SKIPPED = "Skipped."


# -- reviewing ------------------------------------------------------------------------

NOTHING_TO_REVIEW = "Nothing to review right now. 🎉"


def review_card(
    title: str, alias: str, answers: list[tuple[str, str]], waiting: int, work_seconds: float
) -> str:
    lines = [
        f"<b>Review</b> · {waiting} waiting",
        f"<b>{escape(title)}</b> by <code>{escape(alias)}</code> in {duration(work_seconds)}",
    ]
    lines += [f"• {escape(q)} → <b>{escape(a)}</b>" for q, a in answers]
    return "\n".join(lines)


REVIEW_TEXTS = {
    ReviewResult.OK: "Done.",
    ReviewResult.NOT_YOURS: "This isn't your HIT.",
    ReviewResult.ALREADY_REVIEWED: "Already reviewed.",
    ReviewResult.NOT_SUBMITTED: "This work isn't submitted (yet).",
    ReviewResult.REASON_REQUIRED: "A reason is required to reject. Reply with it, or /cancel.",
}
ASK_REJECT_REASON = (
    "Why are you rejecting this work by <code>{alias}</code>? Reply with a short reason "
    "the worker will read (or /cancel)."
)
REJECTED_DONE = "❌ Rejected with your reason. /review for the next one."
REJECT_CANCELLED = "Rejection cancelled. /review"


def approved_notice(title: str, reward_cents: int) -> str:
    return f"✅ Approved: <b>{escape(title)}</b> +{money(reward_cents)}. /earnings"


def rejected_notice(title: str, reason: str) -> str:
    return f"❌ Rejected: <b>{escape(title)}</b>\nReason: {escape(reason)}"


# -- money ----------------------------------------------------------------------------


def earnings(e: Earnings) -> str:
    return (
        "<b>Your earnings</b>\n"
        f"⏳ Pending: {money(e.pending_cents)} ({e.submitted} submitted)\n"
        f"✅ Approved: {money(e.approved_cents)} ({e.approved})\n"
        f"🎁 Bonuses: {money(e.bonus_cents)}\n"
        f"❌ Rejected: {e.rejected}\n"
        f"💼 Balance: <b>{money(e.balance_cents)}</b>"
    )


def balance(b: RequesterBalance) -> str:
    return f"💼 Available: <b>{money(b.available_cents)}</b>\n🔒 In escrow: {money(b.escrow_cents)}"


FUND_USAGE = (
    "Use: <code>/fund &lt;telegram user id&gt; &lt;amount&gt;</code>, "
    "e.g. <code>/fund 123456 25.00</code>"
)


def fund_error(problem: str) -> str:
    return f"⚠️ {escape(problem)}.\n{FUND_USAGE}"


FUND_TEXTS = {
    FundResult.OK: "✅ Added {amount} to user {tg_id}.",
    FundResult.DUPLICATE: "Already done.",
    FundResult.UNKNOWN_USER: "User {tg_id} hasn't started the bot yet.",
}


def funded_notice(amount_cents: int) -> str:
    return f"💰 {money(amount_cents)} was added to your balance. /balance"


ADMIN_ONLY = "That command is for admins."
STALE_BUTTON = "This button is out of date. Send /help to start again."
SOMETHING_WRONG = "Sorry, something went wrong. Please try again."
UNKNOWN_COMMAND = "I don't know that command. /help"

# Button labels
BTN_ACCEPT = "✅ Accept"
BTN_SKIP = "Skip"
BTN_BACK = "◀️ Back"
BTN_RETURN = "↩️ Return"
BTN_SUBMIT = "📨 Submit"
BTN_PUBLISH = "🚀 Publish"
BTN_CANCEL = "Cancel"
BTN_APPROVE = "✅ Approve"
BTN_REJECT = "❌ Reject"
