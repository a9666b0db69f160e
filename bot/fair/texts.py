"""What fair work says: reputation, the pay floor, ratings, disputes, /msg and /free."""

from __future__ import annotations

from html import escape

from bot.domain import EstimateSource, ListedHit, User
from bot.fair.results import DisputeResult, Raised, RaiseResult, RelayResult, Reputation
from bot.formatting import N_, RATE_LEGEND, SOMETHING_WRONG, Translator, rate
from bot.market.results import FloorCheck
from bot.parsing import MIN_EST_S

# -- reputation ------------------------------------------------------------------------------------


def _stars(t: Translator, value: float | None) -> str:
    return t.number(value, 1) + "★" if value is not None else "—"


def compact_reputation(t: Translator, rep: Reputation) -> str:
    """One line: "⭐ $9.00/h · 95% of 20 approved · reviews in 2h · 0 disputes lost"."""
    if rep.reviewed == 0:
        return t("⭐ new requester — no reviewed work yet")
    parts = [
        t.hourly(rep.hourly_cents, 3600) if rep.hourly_cents is not None else "—/h",
        t(
            "{percent} of {reviewed} approved",
            percent=t.percent((rep.approved_percent or 0) / 100),
            reviewed=rep.reviewed,
        ),
    ]
    if rep.median_review_s is not None:
        parts.append(t("reviews in {time}", time=t.duration(rep.median_review_s)))
    parts.append(t.ngettext("{n} dispute lost", "{n} disputes lost", rep.disputes_lost))
    return "⭐ " + " · ".join(parts)


def reputation_card(t: Translator, rep: Reputation) -> str:
    """The whole card (/requester)."""
    lines = [t("👤 <b>{name}</b> — requester record", name=escape(rep.name))]
    if rep.reviewed == 0:
        lines.append(t("No reviewed work yet."))
    else:
        hourly_text = t.hourly(rep.hourly_cents, 3600) if rep.hourly_cents is not None else "—"
        review = t.duration(rep.median_review_s) if rep.median_review_s is not None else "—"
        lines += [
            t(
                "💵 Workers earned <b>{hourly}</b> on approved work (time actually spent)",
                hourly=hourly_text,
            ),
            t(
                "✅ {percent} of {reviewed} reviewed assignments approved",
                percent=t.percent((rep.approved_percent or 0) / 100),
                reviewed=rep.reviewed,
            ),
            t("⏱ Median time to review: {time}", time=review),
        ]
    lines.append(
        t(
            "⚖️ Disputes: {lost} lost · {upheld} upheld · {open} open",
            lost=rep.disputes_lost,
            upheld=rep.disputes_upheld,
            open=rep.disputes_open,
        )
    )
    if rep.ratings:
        # (the stars are worked out first: a `t` inside the call hides its plural from pybabel)
        pay, fair, talk = (_stars(t, x) for x in (rep.pay, rep.fairness, rep.communication))
        lines.append(
            t.ngettext(
                "🗳 {n} worker rating: pay {pay} · fairness {fairness} · communication {talk}",
                "🗳 {n} worker ratings: pay {pay} · fairness {fairness} · communication {talk}",
                rep.ratings,
                pay=pay,
                fairness=fair,
                talk=talk,
            )
        )
    else:
        lines.append(t("🗳 No worker ratings yet."))
    return "\n".join(lines)


REQUESTER_USAGE = N_(
    "Use: <code>/requester Rita</code> (the name on a task card) or "
    "<code>/requester 12</code> (a task number)."
)
REQUESTER_NOT_FOUND = N_("No requester is called {name}.")


# -- the pay floor ---------------------------------------------------------------------------------


def floor_line(t: Translator, check: FloorCheck, reward_cents: int, estimated: bool) -> str:
    """A preview's pay line: the hourly rate Publish checks, against the floor if any."""
    values = {
        "rate": t.hourly(check.hourly_cents, 3600),
        "time": t.duration(check.seconds),
        "floor": t.hourly(check.floor_cents, 3600),
    }
    if estimated:
        rate_text = t("{rate} for {time} of work (est)", **values)
    else:
        rate_text = t("{rate} for {time} of work (time allotted)", **values)
    if check.floor_cents <= 0:
        return f"⚡ {rate_text}"
    if not check.under:
        return t("⚖️ {rate}: meets the fair-pay floor of {floor} ✓", **{**values, "rate": rate_text})
    return t(
        "⚠️ {rate}: under the fair-pay floor of {floor}, so it can't be published.\n"
        "Pay at least <b>{needed}</b> per assignment{or_estimate}: tap <b>Change terms</b>.",
        **{**values, "rate": rate_text},
        needed=t.money(check.needed_cents),
        or_estimate=_honest_estimate(t, check, reward_cents),
    )


def under_floor(t: Translator, check: FloorCheck, reward_cents: int) -> str:
    """Publishing refused: what it pays, the floor, and the reward that would meet it."""
    return t(
        "⚠️ Not published: {reward} for {time} of work is {rate}, under gigbot's floor of "
        "{floor}.\nPay at least <b>{needed}</b> per assignment{or_estimate}.",
        reward=t.money(reward_cents),
        time=t.duration(check.seconds),
        rate=t.hourly(check.hourly_cents, 3600),
        floor=t.hourly(check.floor_cents, 3600),
        needed=t.money(check.needed_cents),
        or_estimate=_honest_estimate(t, check, reward_cents),
    )


def _honest_estimate(t: Translator, check: FloorCheck, reward_cents: int) -> str:
    """The other way to meet the floor, when the work really takes less: the longest
    estimate this reward pays for, e.g. ", or, if it really takes 45s or less, say est=45s"."""
    longest_s = reward_cents * 3600 // check.floor_cents if check.floor_cents else 0
    if longest_s < MIN_EST_S or longest_s >= check.seconds:
        return ""
    return t(
        ", or, if the work really takes {seconds}s or less, say so with "
        "<code>est={seconds}s</code>",
        seconds=longest_s,
    )


def _typed(cents: int) -> str:
    """An amount as a command takes it, whatever the language: 40 -> "0.40"."""
    return f"{cents // 100}.{cents % 100:02d}"


def underpaid_notice(
    t: Translator, title: str, hit_id: int, median_s: int, hourly: int, needed: int
) -> str:
    """To the requester: the first submissions pay under the floor; how to /raise."""
    return t(
        "⚠️ <b>{title}</b> (#{hit_id}) takes workers {time} (median of the first "
        "submissions): that is {rate}, under the fair-pay floor.\n"
        "New workers aren't notified until you raise the reward to at least <b>{needed}</b>: "
        "<code>/raise {hit_id} {typed}</code>. The raised reward is paid for every assignment "
        "not yet approved, work already submitted included.",
        title=escape(title),
        hit_id=hit_id,
        time=t.duration(median_s),
        rate=t.hourly(hourly, 3600),
        needed=t.money(needed),
        typed=_typed(needed),
    )


def underpaid_batch_notice(
    t: Translator, title: str, batch_id: int, median_s: int, hourly: int, needed: int
) -> str:
    """A batch's pooled work pays under the floor: its pushes wait for one /raise."""
    return t(
        "⚠️ <b>{title}</b> (batch #{batch_id}) takes workers {time} an item (median of the "
        "first submissions over all its items): that is {rate}, under the fair-pay floor.\n"
        "New workers aren't notified until you raise the reward to at least <b>{needed}</b> "
        "an item: <code>/raise b{batch_id} {typed}</code>. The raised reward is paid for every "
        "item's assignment not yet approved, work already submitted included.",
        title=escape(title),
        batch_id=batch_id,
        time=t.duration(median_s),
        rate=t.hourly(hourly, 3600),
        needed=t.money(needed),
        typed=_typed(needed),
    )


RAISE_USAGE = N_(
    "Use: <code>/raise 12 0.40</code> (HIT number, new reward per assignment), "
    "or <code>/raise b3 0.12</code> for every item of batch #3."
)
RAISE_TEXTS = {
    RaiseResult.NOT_HIGHER: N_("The new reward must be higher than the current one."),
    RaiseResult.INSUFFICIENT_FUNDS: N_(
        "⚠️ Not enough balance to escrow the difference. Add money with /deposit."
    ),
}


def raise_text(t: Translator, raised: Raised, hit_id: int, reward_cents: int) -> str:
    """What /raise answers: raised (pushes on, or still under the floor), or why not;
    `hit_id` is the number given (a batch's when it names one)."""
    result, check, batch = raised.result, raised.check, raised.batch_id
    if result is RaiseResult.OK:
        if batch is not None:
            return t.ngettext(
                "✅ Reward of batch #{batch} raised to {reward} on {n} item; the difference is "
                "in escrow. Pushes are on.",
                "✅ Reward of batch #{batch} raised to {reward} on {n} items; the difference is "
                "in escrow. Pushes are on.",
                raised.items,
                batch=batch,
                reward=t.money(reward_cents),
            )
        return t(
            "✅ Reward of #{hit_id} raised; the difference is in escrow. Pushes are on.",
            hit_id=hit_id,
        )
    if result is RaiseResult.STILL_UNDER and check is not None:
        return t(
            "Raised, but still {rate} at the measured {time}: pushes resume at {needed}.",
            rate=t.hourly(check.hourly_cents, 3600),
            time=t.duration(check.seconds),
            needed=t.money(check.needed_cents),
        )
    if result is RaiseResult.IN_BATCH:
        return t(
            "#{hit_id} is an item of batch #{batch}; a batch's items are raised together: "
            "<code>/raise b{batch} {typed}</code>",
            hit_id=hit_id,
            batch=batch,
            typed=_typed(reward_cents),
        )
    if result is RaiseResult.NOT_FOUND:
        if batch is not None:
            return t("Batch #{batch} isn't one of your live batches. /myhits", batch=batch)
        return t("#{hit_id} isn't one of your live HITs. /myhits", hit_id=hit_id)
    return t(RAISE_TEXTS.get(result, SOMETHING_WRONG))


# -- ratings ---------------------------------------------------------------------------------------

BTN_RATE = N_("⭐ Rate requester")
# A row's label is its first button of six: an emoji fits a phone, "Communication" is cut.
RATING_NAMES = {"p": "💵", "f": "⚖️", "c": "💬"}
RATED = (
    ("pay", N_("Pay")),
    ("fairness", N_("Fairness")),
    ("communication", N_("Communication")),
)


def rating_prompt(t: Translator, title: str, given: dict[str, int]) -> str:
    """Ask for a 1–5 rating of the requester, with the stars given so far."""
    shown = ", ".join(f"{t(name)} {given[key]}★" for key, name in RATED if key in given)
    text = t(
        "⭐ Rate the requester of <b>{title}</b> (optional, anonymous), 1–5:\n"
        "💵 pay · ⚖️ fairness · 💬 communication",
        title=escape(title),
    )
    return text + ("\n" + t("So far: {ratings}", ratings=shown) if shown else "")


RATING_SAVED = N_("Thanks — saved.")
RATING_REFUSED = N_("You can rate only requesters who reviewed your work.")
RATE_PICK_A_NUMBER = N_("Tap a number from 1 to 5.")


# -- disputes --------------------------------------------------------------------------------------

BTN_DISPUTE = N_("⚖️ Dispute")
BTN_REVERSE = N_("✅ Reverse: approve and pay")
BTN_UPHOLD = N_("✋ Uphold rejection")
ASK_DISPUTE = N_(
    "⚖️ Tell the requester in a few words why this work is right (up to 500 characters). "
    "They'll see your alias and your answers, never who you are. /cancel to stop."
)
DISPUTE_TEXTS = {
    DisputeResult.OK: N_(
        "⚖️ Dispute sent. The requester has {hours} to answer; if they don't, "
        "the work is approved and paid automatically."
    ),
    DisputeResult.NOT_YOURS: N_("That isn't your work."),
    DisputeResult.NOT_REJECTED: N_("Only rejected work can be disputed."),
    DisputeResult.TOO_LATE: N_("Rejections can be disputed within 7 days; this one is older."),
    DisputeResult.ALREADY: N_("You already disputed this rejection."),
    DisputeResult.EMPTY: N_("Please write a short message, or /cancel."),
    DisputeResult.CLOSED: N_("This dispute is already settled."),
}


def dispute_for_requester(
    t: Translator,
    title: str,
    alias: str,
    message: str,
    answers: list[tuple[str, str]],
    reason: str,
    due: str,
) -> str:
    """A dispute as the requester gets it: the rejection, answers, message, deadline."""
    lines = [
        t(
            "⚖️ <b>Dispute</b> on <b>{title}</b> by <code>{alias}</code>",
            title=escape(title),
            alias=escape(alias),
        ),
        t("Your rejection: {reason}", reason=escape(reason)),
        t("Their answers:"),
    ]
    lines += [f"• {escape(q)} → <b>{escape(a)}</b>" for q, a in answers]
    lines.append(t("Their message: “{message}”", message=escape(message)))
    lines.append(t("Answer within {due}, or the work is approved and paid automatically.", due=due))
    return "\n".join(lines)


ASK_UPHOLD_REPLY = N_("✋ Reply with a short explanation the worker will read (or /cancel).")
DISPUTE_REVERSED_DONE = N_(
    "✅ Reversed: the work is approved and the worker paid from your balance."
)
DISPUTE_UPHELD_DONE = N_("✋ Upheld. The worker gets your reply.")


def dispute_settled(t: Translator, title: str, alias: str, status: str) -> str:
    """The requester's dispute card once the dispute is settled (its buttons gone)."""
    outcome = {
        "reversed": DISPUTE_REVERSED_DONE,
        "upheld": N_("✋ Upheld: the rejection stands, and the worker read your reply."),
        "expired": N_(
            "⌛ Not answered in time: the work was approved and paid from your balance."
        ),
    }.get(status)
    return t(
        "⚖️ <b>Dispute</b> on <b>{title}</b> by <code>{alias}</code>\n{outcome}",
        title=escape(title),
        alias=escape(alias),
        outcome=t(outcome) if outcome else "",
    )


def dispute_closed_notice(
    t: Translator, title: str, status: str, reward_cents: int, reply: str | None
) -> str:
    """To the worker: how the dispute ended (reversed, unanswered or upheld)."""
    if status == "reversed":
        return t(
            "⚖️ Dispute won: <b>{title}</b> is approved. +{reward} /earnings",
            title=escape(title),
            reward=t.money(reward_cents),
        )
    if status == "expired":
        return t(
            "⚖️ The requester didn't answer your dispute in time: <b>{title}</b> is approved. "
            "+{reward} /earnings",
            title=escape(title),
            reward=t.money(reward_cents),
        )
    return t(
        "⚖️ The requester upheld the rejection of <b>{title}</b>\nTheir reply: “{reply}”",
        title=escape(title),
        reply=escape(reply or ""),
    )


def dispute_expired_notice(t: Translator, title: str, alias: str, reward_cents: int) -> str:
    """To the requester: an unanswered dispute was approved and paid."""
    return t(
        "⌛ You didn't answer the dispute of <code>{alias}</code> on <b>{title}</b> in time: "
        "the work was approved and {reward} paid from your balance. It counts as a dispute lost.",
        alias=escape(alias),
        title=escape(title),
        reward=t.money(reward_cents),
    )


# -- messages between workers and requesters (/msg) ------------------------------------------------

BTN_MESSAGE_REQUESTER = N_("💬 Message requester")
BTN_REPLY = N_("↩️ Reply")
ASK_MESSAGE = N_(
    "💬 Write your message (up to 500 characters). It arrives under your alias if you are "
    "the worker, under your first name if you are the requester; never with your username "
    "or Telegram account. /cancel to stop."
)


def ask_message(t: Translator, to: str, writer: User, writer_is_worker: bool) -> str:
    """Ask for a relayed message, saying to whom and under which name it arrives."""
    if writer_is_worker:
        return t(
            "💬 Write your message to <b>{to}</b> (up to 500 characters). It arrives under "
            "your alias <code>{alias}</code>, never with your username or Telegram account. "
            "/cancel to stop.",
            to=escape(to),
            alias=escape(writer.alias),
        )
    return t(
        "💬 Write your message to <b>{to}</b> (up to 500 characters). It arrives under your "
        "first name, {name}, never with your username or Telegram account. /cancel to stop.",
        to=escape(to),
        name=escape(writer.first_name),
    )


RELAY_TEXTS = {
    RelayResult.OK: N_("💬 Sent."),
    RelayResult.NOT_YOURS: N_("You can only write about work you did or tasks you posted."),
    RelayResult.UNKNOWN: N_("No one is called that."),
    RelayResult.EMPTY: N_("The message is empty. Write something, or /cancel."),
    RelayResult.TOO_MANY: N_("You've sent many messages this hour; please wait a bit."),
    RelayResult.NOBODY: N_("Nobody has taken that HIT yet, so there is no one to write to."),
    RelayResult.SEVERAL: N_("Several workers took that HIT: write to one with /msg W-7F3K …."),
}
MSG_USAGE = N_(
    "Use: <code>/msg W-7F3K Thanks, one question…</code> (a worker who did your HITs) or "
    "<code>/msg 12 A question about the task…</code> (a task you worked on, or one you posted "
    "that one worker took)."
)


def relay_several(t: Translator, hit_id: int, aliases: list[str], most: int = 30) -> str:
    """/msg 12 by a requester whose HIT several workers took: whom to write to instead."""
    shown = ", ".join(aliases[:most])
    if len(aliases) > most:
        shown = t("{shown} and {more} more", shown=shown, more=len(aliases) - most)
    first = aliases[0] if aliases else "W-7F3K"
    return t.ngettext(
        "{n} worker took HIT #{hit_id}: {aliases}.\n"
        "Write to one of them: <code>/msg {first} your message</code>",
        "{n} workers took HIT #{hit_id}: {aliases}.\n"
        "Write to one of them: <code>/msg {first} your message</code>",
        len(aliases),
        hit_id=hit_id,
        aliases=shown,
        first=first,
    )


def relayed(t: Translator, sender: str, from_worker: bool, title: str, body: str) -> str:
    """A /msg message as its reader gets it: from a worker's alias or a requester's name."""
    if from_worker:
        return t(
            "💬 From worker <code>{sender}</code> about <b>{title}</b>:\n{body}",
            sender=escape(sender),
            title=escape(title),
            body=escape(body),
        )
    return t(
        "💬 From requester {sender} about <b>{title}</b>:\n{body}",
        sender=escape(sender),
        title=escape(title),
        body=escape(body),
    )


# -- the text a Dispute, Reply or Message button asks for ------------------------------------------

FAIR_TEXT_CANCELLED = N_("OK, nothing was sent.")
FAIR_TEXT_EXPIRED = N_(
    "That button asked for your text over {wait} ago, so nothing was sent. "
    "Tap it again to write it."
)
FAIR_TEXT_DROPPED = N_("Nothing was sent: you sent a command. Tap the button again to write it.")


# -- /free -----------------------------------------------------------------------------------------

FREE_USAGE = N_(
    "Use: <code>/free 15m</code> — how long you have now (1m to 4h); you'll see only tasks "
    "that fit, best paid first. <code>/free off</code> ends it."
)
FREE_OFF = N_("OK — all tasks again.")


def free_list(t: Translator, window_s: int, found: list[ListedHit]) -> str:
    """/free: what fits, each with the same estimate as its card (a batch once)."""
    window = t.duration(window_s)
    if not found:
        return t("🕒 You have {time}. Nothing fits right now; I'll keep it in mind.", time=window)
    lines = [t("🕒 You have {time}. Tasks that fit, best paid first:", time=window)]
    for n, item in enumerate(found, start=1):
        hit, e = item.hit, item.estimate
        took = (
            t("up to {time}", time=t.duration(e.seconds))
            if e.source is EstimateSource.ALLOTTED
            else f"~{t.duration(e.seconds)}"
        )
        title = f"<b>{escape(hit.title)}</b>"
        if item.items > 1:
            title += " " + t.ngettext("({n} item)", "({n} items)", item.items)
        lines.append(
            f"{n}. {title} — {t.money(hit.reward_cents)} · {took} ({rate(t, hit.reward_cents, e)})"
        )
    lines.append(f"<i>{t(RATE_LEGEND)}</i>")
    return "\n".join(lines)


def btn_accept_numbered(t: Translator, n: int, reward_cents: int) -> str:
    """An Accept button under /free's list: (2, 5) -> "✅ 2. $0.05"."""
    return f"✅ {n}. {t.money(reward_cents)}"
