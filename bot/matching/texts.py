"""What matching says: topics and kinds as workers read them, /why, and timed offers as
their requester hears of them (how a HIT will reach workers, offers passed on or run out)."""

from __future__ import annotations

from html import escape

from bot.domain import Requirement, RequirementKind, WorkerStats
from bot.formatting import N_, Translator, compared
from bot.matching.results import WhyView

# -- topics and kinds, as workers read them --------------------------------------------------------

TOPIC_NAMES = {
    "opinion": N_("Opinions"),
    "images": N_("Images"),
    # TRANSLATORS: the topic of tasks about words and languages
    "language": N_("Language"),
    "shopping": N_("Shopping"),
    "research": N_("Research"),
}


def topic_name(t: Translator, topic: str) -> str:
    """A topic as workers read it: "images" -> "Images"; an unknown one as written."""
    return t(TOPIC_NAMES[topic]) if topic in TOPIC_NAMES else topic


# -- /why: why a worker got a push -----------------------------------------------------------------

WHY_NOTHING = N_("You haven't been sent any task yet. When one arrives, reply to it with /why.")


def _requirement(t: Translator, req: Requirement, stats: WorkerStats) -> str:
    if req.comparator:  # MTurk's other comparators (API HITs)
        return requirement_compared(t, req)
    if req.kind is RequirementKind.APPROVAL_RATE:
        reviewed = stats.approved + stats.rejected
        least = t.percent(int(req.value) / 100) if req.value.isdigit() else req.value
        if reviewed:
            return t(
                "approval rate ≥ {least} (yours: {yours})",
                least=least,
                yours=t.percent(stats.approval_pct / 100),
            )
        return t(
            "approval rate ≥ {least} (yours: {full} until work is reviewed)",
            least=least,
            full=t.percent(1),
        )
    if req.kind is RequirementKind.APPROVED_COUNT:
        return t("at least {least} approved (you: {yours})", least=req.value, yours=stats.approved)
    if req.kind is RequirementKind.LOCALE:
        return t("language {code}", code=escape(req.value))
    shown = f"“{escape(req.qualification_name)}”"
    return shown if req.value == "1" else f"{shown} ≥ {req.value}"


def requirement_compared(t: Translator, req: Requirement) -> str:
    """A requirement with one of MTurk's comparators: "approval rate < 50%", "language one of
    de, fr", "not “Did it before”", "“Level” ≠ 2"."""
    said = compared(t, req.comparator, req.value)
    if req.kind is RequirementKind.APPROVAL_RATE:
        return t("approval rate {compared}%", compared=said)
    if req.kind is RequirementKind.APPROVED_COUNT:
        return t("approved tasks {compared}", compared=said)
    if req.kind is RequirementKind.LOCALE:
        return t("language {code}", code=escape(said))
    name = f"“{escape(req.qualification_name)}”"
    if req.comparator == "not_exists":
        return t("not {qualification}", qualification=name)
    return f"{name} {said}"


def _why_record(t: Translator, stats: WorkerStats, now: float) -> str:
    """A worker's record in one sentence, true for a newcomer too."""
    reviewed = stats.approved + stats.rejected
    parts = [
        t.ngettext(
            "{approved} of {n} reviewed task approved",
            "{approved} of {n} reviewed tasks approved",
            reviewed,
            approved=stats.approved,
        )
        if reviewed
        else t("nothing reviewed yet")
    ]
    if stats.pushes:
        parts.append(
            t(
                "took {taken} of the {sent} sent to you",
                taken=stats.pushes_taken,
                sent=stats.pushes,
            )
        )
    if stats.gold_answered:
        parts.append(
            t(
                "{right} of {answered} gold items right",
                right=stats.gold_correct,
                answered=stats.gold_answered,
            )
        )
    if stats.last_active_at > 0:
        idle = now - stats.last_active_at
        parts.append(
            t("active just now")
            if idle < 60
            else t("last active {time} ago", time=t.duration(idle))
        )
    return "; ".join(parts)


def _kind_line(t: Translator, kind: str, takes: bool) -> str:
    """Whether the worker takes this kind of task (said whole, per kind)."""
    if kind == "poll":
        return (
            t("✓ You take polls.")
            if takes
            else t("✗ You don't take polls any more (changed in /settings since).")
        )
    if kind == "survey":
        return (
            t("✓ You take surveys.")
            if takes
            else t("✗ You don't take surveys any more (changed in /settings since).")
        )
    return (
        t("✓ You take tagging tasks.")
        if takes
        else t("✗ You don't take tagging tasks any more (changed in /settings since).")
    )


def why(t: Translator, view: WhyView) -> str:
    """Why a worker got a push: each sentence says what holds now (preferences can have
    changed since the push), then how the worker was picked, with their record."""
    hit, prefs, stats = view.hit, view.prefs, view.stats
    lines = [t("🤔 <b>Why you got “{title}”</b>", title=escape(hit.title))]
    lines.append(_kind_line(t, hit.kind.value, hit.kind.value in prefs.kinds))
    if hit.topic:
        topic = escape(topic_name(t, hit.topic))
        if not prefs.topics:
            lines.append(t("✓ Its topic is {topic}; you take any topic.", topic=topic))
        elif hit.topic in prefs.topics:
            lines.append(t("✓ Its topic, {topic}, is one you picked.", topic=topic))
        else:
            lines.append(t("✗ Its topic, {topic}, isn't one you pick any more.", topic=topic))
    elif prefs.topics:
        lines.append(t("✓ It has no topic, so it suits workers of every topic."))
    language = escape(t.language_name(hit.language))
    if hit.language in prefs.task_languages:
        lines.append(t("✓ It is in {language}, a language you take.", language=language))
    else:
        lines.append(
            t("✗ It is in {language}, a language you don't take any more.", language=language)
        )
    reward, least = t.money(hit.reward_cents), t.money(prefs.min_reward_cents)
    if prefs.min_reward_cents <= 0:
        lines.append(t("✓ It pays {reward}; you set no minimum.", reward=reward))
    elif hit.reward_cents >= prefs.min_reward_cents:
        lines.append(
            t("✓ It pays {reward}, at least your minimum of {least}.", reward=reward, least=least)
        )
    else:
        lines.append(
            t(
                "✗ It pays {reward}, under the minimum of {least} you set since.",
                reward=reward,
                least=least,
            )
        )
    if view.requirements:
        met = [
            ("✓ " if ok else "✗ ") + _requirement(t, req, stats) for req, ok in view.requirements
        ]
        lines.append(t("Its requirements:") + "\n" + "\n".join(f"  {line}" for line in met))
    else:
        lines.append(t("✓ It has no special requirements."))
    if prefs.quiet_start is not None and prefs.quiet_end is not None:
        lines.append(
            t(
                "✓ It came outside your quiet hours ({start}–{end}, {zone}).",
                start=t.clock(prefs.quiet_start),
                end=t.clock(prefs.quiet_end),
                zone=escape(prefs.timezone),
            )
        )
    reviewed = stats.approved + stats.rejected
    if view.push.reason == "explore":
        if reviewed:
            lines.append(
                t.ngettext(
                    "🌱 New workers get a share of every task to build a record; you have {n} "
                    "reviewed task so far.",
                    "🌱 New workers get a share of every task to build a record; you have {n} "
                    "reviewed tasks so far.",
                    reviewed,
                )
            )
        else:
            lines.append(
                t(
                    "🌱 New workers get a share of every task to build a record; nothing of "
                    "yours is reviewed yet."
                )
            )
    else:
        lines.append(
            t("📊 It is offered to one worker at a time, best record first, and your turn came.")
            if view.offered
            else t(
                "📊 It goes out in waves to the workers it suits, best record first; you were "
                "in wave {wave}.",
                wave=view.push.wave,
            )
        )
        lines.append(t("Your record: {record}.", record=_why_record(t, stats, view.now)))
    lines.append(t("Change what you get in /settings."))
    return "\n".join(lines)


# -- timed offers ----------------------------------------------------------------------------------


def offers_out(
    t: Translator,
    hit_id: int,
    title: str,
    offered: int,
    taken: int,
    open_slots: int,
    expires_in: float,
) -> str:
    """To the requester: the timed offers ran out with slots left; they are anyone's now."""
    if taken:
        first = t.ngettext(
            "⌛ Nobody took the rest of <b>{title}</b> (#{hit_id}) from its timed offers: "
            "{n} worker was offered a slot and {taken} took one.",
            "⌛ Nobody took the rest of <b>{title}</b> (#{hit_id}) from its timed offers: "
            "{n} workers were offered a slot and {taken} took one.",
            offered,
            title=escape(title),
            hit_id=hit_id,
            taken=taken,
        )
    else:
        first = t.ngettext(
            "⌛ Nobody took <b>{title}</b> (#{hit_id}) from its timed offers: {n} worker was "
            "offered a slot.",
            "⌛ Nobody took <b>{title}</b> (#{hit_id}) from its timed offers: {n} workers were "
            "offered a slot.",
            offered,
            title=escape(title),
            hit_id=hit_id,
        )
    then = t.ngettext(
        "Its {n} free slot is open to any worker now (first come, in /hits) until it expires "
        "in {time}. /myhits to cancel and get the unspent reward back.",
        "Its {n} free slots are open to any worker now (first come, in /hits) until it expires "
        "in {time}. /myhits to cancel and get the unspent reward back.",
        open_slots,
        time=t.duration(expires_in),
    )
    return first + "\n" + then


def dispatch_note(t: Translator, mode: str, hold_s: float, extend_s: int | None) -> str:
    """The preview's line on how the HIT reaches workers (and "+N minutes")."""
    if mode == "offer":
        line = t(
            "🎯 Timed offers: each slot is held {time} for one worker at a time "
            "(dispatch=race for first come, first served)",
            time=t.duration(hold_s),
        )
    else:
        line = t("🏁 Race: first to accept gets a slot (dispatch=offer for timed offers)")
    if extend_s:
        line += "\n" + t("⏱ Workers may add {time} once (extend)", time=t.duration(extend_s))
    return line
