"""What fair work says: reputation, the pay floor, ratings, disputes, /msg and /free."""

from __future__ import annotations

from html import escape

from bot.domain import EstimateSource, ListedHit, User
from bot.fair.results import DisputeResult, Raised, RaiseResult, RelayResult, Reputation
from bot.formatting import RATE_LEGEND, SOMETHING_WRONG, duration, money, plural, rate
from bot.market.results import FloorCheck
from bot.parsing import MIN_EST_S

# -- reputation ------------------------------------------------------------------------------------


def _stars(value: float | None) -> str:
    return f"{value:.1f}★" if value is not None else "—"


def compact_reputation(rep: Reputation) -> str:
    """One line: "⭐ $9.00/h · 95% of 20 approved · reviews in 2h · 0 disputes lost"."""
    if rep.reviewed == 0:
        return "⭐ new requester — no reviewed work yet"
    parts = [
        f"{money(rep.hourly_cents)}/h" if rep.hourly_cents is not None else "—/h",
        f"{rep.approved_percent}% of {rep.reviewed} approved",
    ]
    if rep.median_review_s is not None:
        parts.append(f"reviews in {duration(rep.median_review_s)}")
    parts.append(plural(rep.disputes_lost, "dispute") + " lost")
    return "⭐ " + " · ".join(parts)


def reputation_card(rep: Reputation) -> str:
    """The whole card (/requester)."""
    lines = [f"👤 <b>{escape(rep.name)}</b> — requester record"]
    if rep.reviewed == 0:
        lines.append("No reviewed work yet.")
    else:
        hourly_text = money(rep.hourly_cents) + "/h" if rep.hourly_cents is not None else "—"
        lines += [
            f"💵 Workers earned <b>{hourly_text}</b> on approved work (time actually spent)",
            f"✅ {rep.approved_percent}% of {rep.reviewed} reviewed assignments approved",
            "⏱ Median time to review: "
            + (duration(rep.median_review_s) if rep.median_review_s is not None else "—"),
        ]
    lines.append(
        f"⚖️ Disputes: {rep.disputes_lost} lost · {rep.disputes_upheld} upheld"
        f" · {rep.disputes_open} open"
    )
    if rep.ratings:
        lines.append(
            f"🗳 {rep.ratings} worker ratings: pay {_stars(rep.pay)} · fairness "
            f"{_stars(rep.fairness)} · communication {_stars(rep.communication)}"
        )
    else:
        lines.append("🗳 No worker ratings yet.")
    return "\n".join(lines)


REQUESTER_USAGE = (
    "Use: <code>/requester Rita</code> (the name on a task card) or "
    "<code>/requester 12</code> (a task number)."
)
REQUESTER_NOT_FOUND = "No requester is called {name}."


# -- the pay floor ---------------------------------------------------------------------------------


def floor_line(check: FloorCheck, reward_cents: int, estimated: bool) -> str:
    """A preview's pay line: the hourly rate Publish checks, against the floor if any."""
    work = f"{duration(check.seconds)} of work " + ("(est)" if estimated else "(time allotted)")
    rate = f"{money(check.hourly_cents)}/h for {work}"
    if check.floor_cents <= 0:
        return f"⚡ {rate}"
    floor = f"the fair-pay floor of {money(check.floor_cents)}/h"
    if not check.under:
        return f"⚖️ {rate}: meets {floor} ✓"
    return (
        f"⚠️ {rate}: under {floor}, so it can't be published.\n"
        f"Pay at least <b>{money(check.needed_cents)}</b> per assignment"
        + _honest_estimate(check, reward_cents)
        + ": tap <b>Change terms</b>."
    )


def under_floor(check: FloorCheck, reward_cents: int) -> str:
    """Publishing refused: what it pays, the floor, and the reward that would meet it."""
    return (
        f"⚠️ Not published: {money(reward_cents)} for {duration(check.seconds)} of work is "
        f"{money(check.hourly_cents)}/h, under gigbot's floor of {money(check.floor_cents)}/h.\n"
        f"Pay at least <b>{money(check.needed_cents)}</b> per assignment"
        + _honest_estimate(check, reward_cents)
        + "."
    )


def _honest_estimate(check: FloorCheck, reward_cents: int) -> str:
    """The other way to meet the floor, when the work really takes less: the longest
    estimate this reward pays for, e.g. ", or, if it really takes 45s or less, say est=45s"."""
    longest_s = reward_cents * 3600 // check.floor_cents if check.floor_cents else 0
    if longest_s < MIN_EST_S or longest_s >= check.seconds:
        return ""
    return (
        f", or, if the work really takes {longest_s}s or less, say so with "
        f"<code>est={longest_s}s</code>"
    )


def underpaid_notice(title: str, hit_id: int, median_s: int, hourly: int, needed: int) -> str:
    """To the requester: the first submissions pay under the floor; how to /raise."""
    return (
        f"⚠️ <b>{escape(title)}</b> (#{hit_id}) takes workers {duration(median_s)} (median of "
        f"the first submissions): that is {money(hourly)}/h, under the fair-pay floor.\n"
        f"New workers aren't notified until you raise the reward to at least "
        f"<b>{money(needed)}</b>: <code>/raise {hit_id} {money(needed)[1:]}</code>. "
        "The raised reward is paid for every assignment not yet approved, work already "
        "submitted included."
    )


def underpaid_batch_notice(
    title: str, batch_id: int, median_s: int, hourly: int, needed: int
) -> str:
    """A batch's pooled work pays under the floor: its pushes wait for one /raise."""
    return (
        f"⚠️ <b>{escape(title)}</b> (batch #{batch_id}) takes workers {duration(median_s)} an "
        f"item (median of the first submissions over all its items): that is "
        f"{money(hourly)}/h, under the fair-pay floor.\n"
        f"New workers aren't notified until you raise the reward to at least "
        f"<b>{money(needed)}</b> an item: <code>/raise b{batch_id} {money(needed)[1:]}</code>. "
        "The raised reward is paid for every item's assignment not yet approved, work "
        "already submitted included."
    )


RAISE_USAGE = (
    "Use: <code>/raise 12 0.40</code> (HIT number, new reward per assignment), "
    "or <code>/raise b3 0.12</code> for every item of batch #3."
)


def raise_text(raised: Raised, hit_id: int, reward_cents: int) -> str:
    """What /raise answers: raised (pushes on, or still under the floor), or why not;
    `hit_id` is the number given (a batch's when it names one)."""
    result, check, batch = raised.result, raised.check, raised.batch_id
    if result is RaiseResult.OK:
        if batch is not None:
            return (
                f"✅ Reward of batch #{batch} raised to {money(reward_cents)} on "
                f"{plural(raised.items, 'item')}; the difference is in escrow. Pushes are on."
            )
        return f"✅ Reward of #{hit_id} raised; the difference is in escrow. Pushes are on."
    if result is RaiseResult.STILL_UNDER and check is not None:
        return (
            f"Raised, but still {money(check.hourly_cents)}/h at the measured "
            f"{duration(check.seconds)}: pushes resume at {money(check.needed_cents)}."
        )
    if result is RaiseResult.IN_BATCH:
        return (
            f"#{hit_id} is an item of batch #{batch}; a batch's items are raised together: "
            f"<code>/raise b{batch} {money(reward_cents)[1:]}</code>"
        )
    return {
        RaiseResult.NOT_FOUND: (
            f"Batch #{batch} isn't one of your live batches. /myhits"
            if batch is not None
            else f"#{hit_id} isn't one of your live HITs. /myhits"
        ),
        RaiseResult.NOT_HIGHER: "The new reward must be higher than the current one.",
        RaiseResult.INSUFFICIENT_FUNDS: (
            "⚠️ Not enough balance to escrow the difference. Add money with /deposit."
        ),
    }.get(result, SOMETHING_WRONG)


# -- ratings ---------------------------------------------------------------------------------------

BTN_RATE = "⭐ Rate requester"
# A row's label is its first button of six: an emoji fits a phone, "Communication" is cut.
RATING_NAMES = {"p": "💵", "f": "⚖️", "c": "💬"}
RATED = (("pay", "Pay"), ("fairness", "Fairness"), ("communication", "Communication"))


def rating_prompt(title: str, given: dict[str, int]) -> str:
    """Ask for a 1–5 rating of the requester, with the stars given so far."""
    shown = ", ".join(f"{name} {given[key]}★" for key, name in RATED if key in given)
    return (
        f"⭐ Rate the requester of <b>{escape(title)}</b> (optional, anonymous), 1–5:\n"
        "💵 pay · ⚖️ fairness · 💬 communication\n" + (f"So far: {shown}" if shown else "")
    ).rstrip()


RATING_SAVED = "Thanks — saved."
RATING_REFUSED = "You can rate only requesters who reviewed your work."
RATE_PICK_A_NUMBER = "Tap a number from 1 to 5."


# -- disputes --------------------------------------------------------------------------------------

BTN_DISPUTE = "⚖️ Dispute"
BTN_REVERSE = "✅ Reverse: approve and pay"
BTN_UPHOLD = "✋ Uphold rejection"
ASK_DISPUTE = (
    "⚖️ Tell the requester in a few words why this work is right (up to 500 characters). "
    "They'll see your alias and your answers, never who you are. /cancel to stop."
)
DISPUTE_TEXTS = {
    DisputeResult.OK: "⚖️ Dispute sent. The requester has {hours} to answer; if they don't, "
    "the work is approved and paid automatically.",
    DisputeResult.NOT_YOURS: "That isn't your work.",
    DisputeResult.NOT_REJECTED: "Only rejected work can be disputed.",
    DisputeResult.TOO_LATE: "Rejections can be disputed within 7 days; this one is older.",
    DisputeResult.ALREADY: "You already disputed this rejection.",
    DisputeResult.EMPTY: "Please write a short message, or /cancel.",
    DisputeResult.CLOSED: "This dispute is already settled.",
}


def dispute_for_requester(
    title: str, alias: str, message: str, answers: list[tuple[str, str]], reason: str, due: str
) -> str:
    """A dispute as the requester gets it: the rejection, answers, message, deadline."""
    lines = [
        f"⚖️ <b>Dispute</b> on <b>{escape(title)}</b> by <code>{escape(alias)}</code>",
        f"Your rejection: {escape(reason)}",
        "Their answers:",
    ]
    lines += [f"• {escape(q)} → <b>{escape(a)}</b>" for q, a in answers]
    lines.append(f"Their message: “{escape(message)}”")
    lines.append(f"Answer within {due}, or the work is approved and paid automatically.")
    return "\n".join(lines)


ASK_UPHOLD_REPLY = "✋ Reply with a short explanation the worker will read (or /cancel)."
DISPUTE_REVERSED_DONE = "✅ Reversed: the work is approved and the worker paid from your balance."
DISPUTE_UPHELD_DONE = "✋ Upheld. The worker gets your reply."


def dispute_settled(title: str, alias: str, status: str) -> str:
    """The requester's dispute card once the dispute is settled (its buttons gone)."""
    outcome = {
        "reversed": DISPUTE_REVERSED_DONE,
        "upheld": "✋ Upheld: the rejection stands, and the worker read your reply.",
        "expired": "⌛ Not answered in time: the work was approved and paid from your balance.",
    }.get(status, "")
    return f"⚖️ <b>Dispute</b> on <b>{escape(title)}</b> by <code>{escape(alias)}</code>\n{outcome}"


def dispute_closed_notice(title: str, status: str, reward_cents: int, reply: str | None) -> str:
    """To the worker: how the dispute ended (reversed, unanswered or upheld)."""
    if status == "reversed":
        return (
            f"⚖️ Dispute won: <b>{escape(title)}</b> is approved. +{money(reward_cents)} /earnings"
        )
    if status == "expired":
        return (
            f"⚖️ The requester didn't answer your dispute in time: <b>{escape(title)}</b> is "
            f"approved. +{money(reward_cents)} /earnings"
        )
    return (
        f"⚖️ The requester upheld the rejection of <b>{escape(title)}</b>\n"
        f"Their reply: “{escape(reply or '')}”"
    )


def dispute_expired_notice(title: str, alias: str, reward_cents: int) -> str:
    """To the requester: an unanswered dispute was approved and paid."""
    return (
        f"⌛ You didn't answer the dispute of <code>{escape(alias)}</code> on "
        f"<b>{escape(title)}</b> in time: the work was approved and {money(reward_cents)} paid "
        "from your balance. It counts as a dispute lost."
    )


# -- messages between workers and requesters (/msg) ------------------------------------------------

BTN_MESSAGE_REQUESTER = "💬 Message requester"
BTN_REPLY = "↩️ Reply"
ASK_MESSAGE = (
    "💬 Write your message (up to 500 characters). It arrives under your alias if you are "
    "the worker, under your first name if you are the requester; never with your username "
    "or Telegram account. /cancel to stop."
)


def ask_message(to: str, writer: User, writer_is_worker: bool) -> str:
    """Ask for a relayed message, saying to whom and under which name it arrives."""
    shown = (
        f"your alias <code>{escape(writer.alias)}</code>"
        if writer_is_worker
        else f"your first name, {escape(writer.first_name)}"
    )
    return (
        f"💬 Write your message to <b>{escape(to)}</b> (up to 500 characters). It arrives "
        f"under {shown}, never with your username or Telegram account. /cancel to stop."
    )


RELAY_TEXTS = {
    RelayResult.OK: "💬 Sent.",
    RelayResult.NOT_YOURS: "You can only write about work you did or tasks you posted.",
    RelayResult.UNKNOWN: "No one is called that.",
    RelayResult.EMPTY: "The message is empty. Write something, or /cancel.",
    RelayResult.TOO_MANY: "You've sent many messages this hour; please wait a bit.",
    RelayResult.NOBODY: "Nobody has taken that HIT yet, so there is no one to write to.",
    RelayResult.SEVERAL: "Several workers took that HIT: write to one with /msg W-7F3K ….",
}
MSG_USAGE = (
    "Use: <code>/msg W-7F3K Thanks, one question…</code> (a worker who did your HITs) or "
    "<code>/msg 12 A question about the task…</code> (a task you worked on, or one you posted "
    "that one worker took)."
)


def relay_several(hit_id: int, aliases: list[str], most: int = 30) -> str:
    """/msg 12 by a requester whose HIT several workers took: whom to write to instead."""
    shown = ", ".join(aliases[:most])
    if len(aliases) > most:
        shown += f" and {len(aliases) - most} more"
    first = aliases[0] if aliases else "W-7F3K"
    return (
        f"{len(aliases)} workers took HIT #{hit_id}: {shown}.\n"
        f"Write to one of them: <code>/msg {first} your message</code>"
    )


def relayed(sender: str, from_worker: bool, title: str, body: str) -> str:
    """A /msg message as its reader gets it: from a worker's alias or a requester's name."""
    who = f"worker <code>{escape(sender)}</code>" if from_worker else f"requester {escape(sender)}"
    return f"💬 From {who} about <b>{escape(title)}</b>:\n{escape(body)}"


# -- the text a Dispute, Reply or Message button asks for ------------------------------------------

FAIR_TEXT_CANCELLED = "OK, nothing was sent."
FAIR_TEXT_EXPIRED = (
    "That button asked for your text over {wait} ago, so nothing was sent. "
    "Tap it again to write it."
)
FAIR_TEXT_DROPPED = "Nothing was sent: you sent a command. Tap the button again to write it."


# -- /free -----------------------------------------------------------------------------------------

FREE_USAGE = (
    "Use: <code>/free 15m</code> — how long you have now (1m to 4h); you'll see only tasks "
    "that fit, best paid first. <code>/free off</code> ends it."
)
FREE_OFF = "OK — all tasks again."


def free_list(window_s: int, found: list[ListedHit]) -> str:
    """/free: what fits, each with the same estimate as its card (a batch once)."""
    lines = [f"🕒 You have {duration(window_s)}. Tasks that fit, best paid first:"]
    if not found:
        lines = [f"🕒 You have {duration(window_s)}. Nothing fits right now; I'll keep it in mind."]
    for n, item in enumerate(found, start=1):
        hit, e = item.hit, item.estimate
        took = (
            f"up to {duration(e.seconds)}"
            if e.source is EstimateSource.ALLOTTED
            else f"~{duration(e.seconds)}"
        )
        items = f" ({item.items} items)" if item.items > 1 else ""
        lines.append(
            f"{n}. <b>{escape(hit.title)}</b>{items} — {money(hit.reward_cents)} · {took} "
            f"({rate(hit.reward_cents, e)})"
        )
    if found:
        lines.append(f"<i>{RATE_LEGEND}</i>")
    return "\n".join(lines)


def btn_accept_numbered(n: int, reward_cents: int) -> str:
    """An Accept button under /free's list: (2, 5) -> "✅ 2. $0.05"."""
    return f"✅ {n}. {money(reward_cents)}"
