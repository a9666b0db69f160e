"""What matching says: topics and kinds as workers read them, /why, and timed offers as
their requester hears of them (how a HIT will reach workers, offers passed on or run out)."""

from __future__ import annotations

from html import escape

from bot.domain import Requirement, RequirementKind, WorkerStats
from bot.formatting import compared, duration, money, plural
from bot.matching.results import WhyView

# -- topics and kinds, as workers read them --------------------------------------------------------

TOPIC_NAMES = {
    "opinion": "Opinions",
    "images": "Images",
    "language": "Language",
    "shopping": "Shopping",
    "research": "Research",
}
# What /why calls each kind of task: "You take polls", "You take tagging tasks".
KIND_PLURALS = {"poll": "polls", "survey": "surveys", "tag": "tagging tasks"}


# -- /why: why a worker got a push -----------------------------------------------------------------

WHY_NOTHING = "You haven't been sent any task yet. When one arrives, reply to it with /why."


def _requirement(req: Requirement, stats: WorkerStats) -> str:
    if req.comparator:  # MTurk's other comparators (API HITs)
        return requirement_compared(req)
    if req.kind is RequirementKind.APPROVAL_RATE:
        reviewed = stats.approved + stats.rejected
        yours = f"{stats.approval_pct}%" if reviewed else "100% until work is reviewed"
        return f"approval rate ≥ {req.value}% (yours: {yours})"
    if req.kind is RequirementKind.APPROVED_COUNT:
        return f"at least {req.value} approved (you: {stats.approved})"
    if req.kind is RequirementKind.LOCALE:
        return f"language {escape(req.value)}"
    shown = f"“{escape(req.qualification_name)}”"
    return shown if req.value == "1" else f"{shown} ≥ {req.value}"


def requirement_compared(req: Requirement) -> str:
    """A requirement with one of MTurk's comparators: "approval rate < 50%", "language one of
    de, fr", "not “Did it before”", "“Level” ≠ 2"."""
    said = compared(req.comparator, req.value)
    if req.kind is RequirementKind.APPROVAL_RATE:
        return f"approval rate {said}%"
    if req.kind is RequirementKind.APPROVED_COUNT:
        return f"approved tasks {said}"
    if req.kind is RequirementKind.LOCALE:
        return f"language {escape(said)}"
    name = f"“{escape(req.qualification_name)}”"
    return f"not {name}" if req.comparator == "not_exists" else f"{name} {said}"


def _clock_time(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _why_record(stats: WorkerStats, now: float) -> str:
    """A worker's record in one sentence, true for a newcomer too."""
    reviewed = stats.approved + stats.rejected
    parts = [
        f"{stats.approved} of {plural(reviewed, 'reviewed task')} approved"
        if reviewed
        else "nothing reviewed yet"
    ]
    if stats.pushes:
        parts.append(f"took {stats.pushes_taken} of the {stats.pushes} sent to you")
    if stats.gold_answered:
        parts.append(f"{stats.gold_correct} of {stats.gold_answered} gold items right")
    if stats.last_active_at > 0:
        idle = now - stats.last_active_at
        parts.append("active just now" if idle < 60 else f"last active {duration(idle)} ago")
    return "; ".join(parts)


def why(view: WhyView) -> str:
    """Why a worker got a push: each sentence says what holds now (preferences can have
    changed since the push), then how the worker was picked, with their record."""
    hit, prefs, stats = view.hit, view.prefs, view.stats
    kind = KIND_PLURALS.get(hit.kind.value, hit.kind.value)
    lines = [f"🤔 <b>Why you got “{escape(hit.title)}”</b>"]
    if hit.kind.value in prefs.kinds:
        lines.append(f"✓ You take {kind}.")
    else:
        lines.append(f"✗ You don't take {kind} any more (changed in /settings since).")
    if hit.topic:
        topic = TOPIC_NAMES.get(hit.topic, hit.topic)
        if not prefs.topics:
            lines.append(f"✓ Its topic is {escape(topic)}; you take any topic.")
        elif hit.topic in prefs.topics:
            lines.append(f"✓ Its topic, {escape(topic)}, is one you picked.")
        else:
            lines.append(f"✗ Its topic, {escape(topic)}, isn't one you pick any more.")
    elif prefs.topics:
        lines.append("✓ It has no topic, so it suits workers of every topic.")
    reward, least = money(hit.reward_cents), money(prefs.min_reward_cents)
    if prefs.min_reward_cents <= 0:
        lines.append(f"✓ It pays {reward}; you set no minimum.")
    elif hit.reward_cents >= prefs.min_reward_cents:
        lines.append(f"✓ It pays {reward}, at least your minimum of {least}.")
    else:
        lines.append(f"✗ It pays {reward}, under the minimum of {least} you set since.")
    if view.requirements:
        met = [("✓ " if ok else "✗ ") + _requirement(req, stats) for req, ok in view.requirements]
        lines.append("Its requirements:\n" + "\n".join(f"  {line}" for line in met))
    else:
        lines.append("✓ It has no special requirements.")
    if prefs.quiet_start is not None and prefs.quiet_end is not None:
        lines.append(
            f"✓ It came outside your quiet hours ({_clock_time(prefs.quiet_start)}–"
            f"{_clock_time(prefs.quiet_end)}, {escape(prefs.timezone)})."
        )
    reviewed = stats.approved + stats.rejected
    if view.push.reason == "explore":
        so_far = (
            f"you have {plural(reviewed, 'reviewed task')} so far"
            if reviewed
            else "nothing of yours is reviewed yet"
        )
        lines.append(f"🌱 New workers get a share of every task to build a record; {so_far}.")
    else:
        lines.append(
            "📊 It is offered to one worker at a time, best record first, and your turn came."
            if view.offered
            else "📊 It goes out in waves to the workers it suits, best record first; "
            f"you were in wave {view.push.wave}."
        )
        lines.append(f"Your record: {_why_record(stats, view.now)}.")
    lines.append("Change what you get in /settings.")
    return "\n".join(lines)


# -- timed offers ----------------------------------------------------------------------------------


def offers_out(
    hit_id: int, title: str, offered: int, taken: int, open_slots: int, expires_in: float
) -> str:
    """To the requester: the timed offers ran out with slots left; they are anyone's now."""
    workers = plural(offered, "worker") + (" was" if offered == 1 else " were")
    took = f" and {taken} took one" if taken else ""
    rest = "the rest of " if taken else ""
    slots = plural(open_slots, "free slot") + (" is" if open_slots == 1 else " are")
    return (
        f"⌛ Nobody took {rest}<b>{escape(title)}</b> (#{hit_id}) from its timed offers: "
        f"{workers} offered a slot{took}.\n"
        f"Its {slots} open to any worker now (first come, in /hits) until it expires in "
        f"{duration(expires_in)}. /myhits to cancel and get the unspent reward back."
    )


def dispatch_note(mode: str, hold_s: float, extend_s: int | None) -> str:
    """The preview's line on how the HIT reaches workers (and "+N minutes")."""
    if mode == "offer":
        line = (
            f"🎯 Timed offers: each slot is held {duration(hold_s)} for one worker at a time "
            "(dispatch=race for first come, first served)"
        )
    else:
        line = "🏁 Race: first to accept gets a slot (dispatch=offer for timed offers)"
    if extend_s:
        line += f"\n⏱ Workers may add {duration(extend_s)} once (extend)"
    return line
