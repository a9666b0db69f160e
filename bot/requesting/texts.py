"""What the requester's tools say: /newpoll, /newsurvey, /newbatch, Change terms, /myhits,
/results, /review (the review card) and its tools, /bonus, /block, /qualify, /require and
/grant."""

from __future__ import annotations

from html import escape

from bot.domain import (
    Hit,
    HitKind,
    HitProgress,
    QualificationTest,
    QuestionKind,
    Requirement,
    RequirementKind,
)
from bot.fit import clip, fit_lines
from bot.formatting import N_, Translator, try_again
from bot.market.results import ReviewResult
from bot.market.texts import HIT_KIND_WORDS, question_prompt
from bot.matching.results import GrantResult, RequireResult
from bot.matching.texts import requirement_compared, topic_name
from bot.parsing import ParseError
from bot.requesting.results import (
    BlockResult,
    BonusResult,
    DraftResult,
    GoldScore,
    ItemResult,
    ManageResult,
    OptionCounts,
    ResultsView,
    TestResult,
)

# -- terms every post takes ------------------------------------------------------------------------

TOPIC_TERM_HELP = N_(
    "Optional topic=opinion, images, language, shopping or research: workers who chose "
    "other topics don't get it. lang=es: the task is in Spanish (yours by default)."
)


def topic_line(t: Translator, topic: str) -> str:
    """The topic on a requester's preview: "images" -> "🗂 Topic: Images"."""
    return t("🗂 Topic: {topic}", topic=escape(topic_name(t, topic)))


def language_line(t: Translator, language: str) -> str:
    """The task's language on a requester's preview: "es" -> "🌐 In Spanish (lang=es)"."""
    return t(
        "🌐 In {language} (lang={code}): shown to workers who take it",
        language=escape(t.language_name(language)),
        code=escape(language),
    )


def _marks(t: Translator, hit: Hit) -> list[str]:
    """A preview's topic and language lines."""
    return ([topic_line(t, hit.topic)] if hit.topic else []) + [language_line(t, hit.language)]


BTN_PUBLISH = N_("🚀 Publish")
BTN_CANCEL = N_("Cancel")
DRAFT_DISCARDED = N_("🗑 Draft discarded.")


# -- /newpoll --------------------------------------------------------------------------------------

POLL_EXAMPLE = "/newpoll Which logo is clearer? | A | B | C ; reward=0.05 n=10 time=2m est=15s"


def poll_error(t: Translator, problem: str) -> str:
    """What is wrong with a one-line /newpoll (said already), and one correct example."""
    return try_again(
        t,
        problem,
        t(
            "Like this: <code>{example}</code>\nOr send /newpoll alone and I'll ask step by step.",
            example=t(POLL_EXAMPLE_SAID),
        ),
    )


# TRANSLATORS: a whole /newpoll command: translate the question and the answers, keep the
# command and the terms (reward=, n=, time=, est=) exactly
POLL_EXAMPLE_SAID = N_(
    "/newpoll Which logo is clearer? | A | B | C ; reward=0.05 n=10 time=2m est=15s"
)

# /newpoll alone: step by step (handlers/requester/poll.py)
POLL_ASK_QUESTION = N_(
    "📊 <b>New poll</b>: one question, workers tap an answer. What is the question?\n"
    "(All in one message works too: <code>{example}</code>) /cancel to stop."
)


def poll_ask_question(t: Translator) -> str:
    """/newpoll step by step, first step: the question."""
    return t(POLL_ASK_QUESTION, example=t(POLL_EXAMPLE_SAID))


def poll_ask_options(t: Translator, question: str, most: int) -> str:
    """/newpoll step by step, second step: the answers to choose from."""
    return t(
        "<b>{question}</b>\nNow the answers to choose from, separated by |, e.g. "
        "<code>Yes | No | Not sure</code> (2 to {most}).",
        question=escape(question),
        most=most,
    )


def poll_ask_terms(t: Translator, question: str, options: tuple[str, ...]) -> str:
    """/newpoll step by step, last step: the terms in one line, each explained."""
    return t(
        "<b>{question}</b> · {options}\n"
        "Last step, the terms in one line:\n"
        "<code>reward=0.05 n=10 time=2m est=15s</code>\n"
        "reward per answer (required) · n workers (10) · time allotted (5m) · est = how long "
        "answering really takes (the pay floor is checked against it) · life = how long it "
        "stays open (1d) · auto = approve unreviewed work after (3d).\n"
        "{topics}",
        question=escape(question),
        options=escape(" | ".join(options)),
        topics=t(TOPIC_TERM_HELP),
    )


POLL_CANCELLED = N_("Poll discarded. /newpoll to start again.")


def fee_part(t: Translator, hit: Hit) -> str:
    """The marketplace's fee in a cost line, when there is one: " + 10% fee $0.01"
    (per reward: what the requester pays on top; the worker gets the whole reward)."""
    if not hit.fee_cents:
        return ""
    return " " + t(
        # TRANSLATORS: after a reward in a cost line: "💰 $0.10 + 10% fee $0.01 × 5 workers"
        "+ {percent} fee {fee}",
        percent=t.percent(hit.fee_bp / 10_000, exact=True),
        fee=t.money(hit.fee_cents),
    )


def _cost_lines(t: Translator, hit: Hit) -> list[str]:
    """A preview's cost in escrow (rewards and the marketplace's fee) and its times."""
    return [
        t.ngettext(
            "💰 {reward} × {n} worker = <b>{total}</b>",
            "💰 {reward} × {n} workers = <b>{total}</b>",
            hit.max_assignments,
            reward=t.money(hit.reward_cents) + fee_part(t, hit),
            total=t.money(hit.escrow_cents),
        ),
        t(
            "⏱ {time} each · open for {life} · auto-approve after {auto}",
            time=t.duration(hit.time_allotted_s),
            life=t.duration(hit.lifetime_s),
            auto=t.duration(hit.auto_approve_s),
        ),
    ]


def hit_preview(t: Translator, hit: Hit, options: tuple[str, ...]) -> str:
    """A poll's preview: question, options, cost and times."""
    lines = [t("<b>Preview</b> · poll #{id}", id=hit.id), f"❓ {escape(hit.title)}"]
    lines += [f"  • {escape(option)}" for option in options]
    lines += _cost_lines(t, hit)
    lines += _marks(t, hit)
    return "\n".join(lines)


# -- /newsurvey ------------------------------------------------------------------------------------

SURVEY_ASK_TITLE = N_(
    "📝 <b>New survey</b>. What is its title? (workers see it first)\n/cancel to stop."
)
SURVEY_ASK_KIND = N_("Add a question ({count} so far). What kind?")
SURVEY_ASK_KIND_FIRST = N_("<b>{title}</b>\nAdd the first question. What kind?")
SURVEY_ASK_PROMPT = N_("Send the question text.")
SURVEY_ASK_OPTIONS = N_(
    "Send the choices separated by |, e.g. <code>Red | Green | Blue</code> (2 to {most})."
)
SURVEY_TOO_MANY = N_("That's the most questions a survey can have ({most}). Tap Done.")
SURVEY_NEEDS_QUESTION = N_("Add at least one question first.")
SURVEY_ASK_TERMS = N_(
    "Now the terms, in one line:\n"
    "<code>reward=0.10 n=20 time=5m est=40s life=1d auto=3d</code>\n"
    "reward per answer (required) · n workers (10) · time allotted (5m) · "
    "est = how long it really takes (the fair-pay floor is checked against it, else "
    "against the time allotted) · "
    "life = how long it stays open (1d) · auto = approve unreviewed work after (3d).\n"
    "{topics}"
)


def survey_ask_terms(t: Translator) -> str:
    """/newsurvey: the terms in one line, each explained."""
    return t(SURVEY_ASK_TERMS, topics=t(TOPIC_TERM_HELP))


SURVEY_ASK_QUALS = N_(
    "Require one of your qualifications? Tap to toggle, then <b>Done</b>. (/qualify makes one)"
)
SURVEY_CANCELLED = N_("Survey discarded. /newsurvey to start again.")
KIND_NAMES = {
    "single": N_("Single choice"),
    "multi": N_("Multiple choice"),
    "rating": N_("Rating 1–5"),
    "text": N_("Free text"),
}
BTN_DONE = N_("✔️ Done")


def survey_preview(
    t: Translator, hit: Hit, questions: list[tuple[str, str, tuple[str, ...]]], quals: list[str]
) -> str:
    """A survey's preview: its questions (clipped to fit), cost, times, requirements."""
    lines = [t("<b>Preview</b> · survey #{id}", id=hit.id), f"📝 <b>{escape(hit.title)}</b>"]
    for number, (kind, prompt, options) in enumerate(questions, start=1):
        # ten questions of the longest prompts and choices still leave room for the cost
        shown = f" ({escape(clip(', '.join(options), 150))})" if options else ""
        named = t(KIND_NAMES[kind]) if kind in KIND_NAMES else kind
        lines.append(f"{number}. {escape(clip(prompt, 120))} — {named}{shown}")
    lines += _cost_lines(t, hit)
    if quals:
        lines.append(t("🎓 Requires: {quals}", quals=", ".join(escape(q) for q in quals)))
    lines += _marks(t, hit)
    return "\n".join(lines)


# -- /newbatch -------------------------------------------------------------------------------------

BATCH_ASK_FILE = N_(
    "📦 <b>New tagging batch</b>. Send a CSV or JSON file of items (/cancel to stop).\n"
    "CSV: a header <code>text,gold</code> (or <code>image_url,gold</code>), one item per row; "
    "gold is optional, the known label of an attention-check item.\n"
    'JSON: <code>[{{"text": "A purring cat", "gold": "cat"}}, {{"image_url": "https://…"}}]</code>\n'
    "At most {rows} items, {kb} KB."
)
BATCH_NOT_A_FILE = N_("Please send the items as a file (CSV or JSON), or /cancel.")


def batch_ask_labels(t: Translator, items: int, golds: int, most: int, longest: int) -> str:
    """/newbatch, the file read: now the labels."""
    return t.ngettext(
        "✅ {n} item read ({golds} gold). Now the labels, separated by |, e.g. "
        "<code>cat | dog | other</code> (2 to {most}, each up to {longest} characters).",
        "✅ {n} items read ({golds} gold). Now the labels, separated by |, e.g. "
        "<code>cat | dog | other</code> (2 to {most}, each up to {longest} characters).",
        items,
        golds=golds,
        most=most,
        longest=longest,
    )


BATCH_ASK_TITLE_TERMS = N_(
    "Last step: a title and the terms, like\n"
    "<code>Tag the animal ; reward=0.02 n=3 time=2m est=8s life=1d</code>\n"
    "n = answers per item (redundancy) · est = how long one item really takes (the "
    "fair-pay floor is checked against it, else against the time allotted).\n"
    "{topics}"
)


def batch_ask_title_terms(t: Translator) -> str:
    """/newbatch, last step: a title and the terms."""
    return t(BATCH_ASK_TITLE_TERMS, topics=t(TOPIC_TERM_HELP))


BATCH_CANCELLED = N_("Batch discarded. Nothing was created.")
BATCH_MORE_PROBLEMS = N_("…and {more} more.")


def batch_file_errors(t: Translator, problems: list[tuple[int, ParseError]]) -> str:
    """Why an uploaded batch file can't be used: the first ten problems, by line."""
    lines = [t("⚠️ <b>That file can't be used</b>; nothing was created:")]
    for line, why in problems[:10]:
        said = escape(clip(why.said(t), 200))  # a reason may quote the file
        if line:
            lines.append(t("• line {line}: {problem}", line=line, problem=said))
        else:
            lines.append(t("• file: {problem}", problem=said))
    if len(problems) > 10:
        lines.append(t(BATCH_MORE_PROBLEMS, more=len(problems) - 10))
    lines.append(t("Fix it and send the file again, or /cancel."))
    return "\n".join(lines)


def batch_preview(
    t: Translator,
    batch_id: int,
    title: str,
    items: int,
    golds: int,
    labels: tuple[str, ...],
    hit: Hit,
    total: int,
) -> str:
    """A batch's preview: items, gold, labels, cost and times."""
    answers = t.ngettext("{n} answer", "{n} answers", hit.max_assignments)
    counted = t.ngettext("{n} item", "{n} items", items)
    return "\n".join(
        [
            t("<b>Preview</b> · batch #{id}", id=batch_id),
            t(
                "🏷 <b>{title}</b>: {items} ({golds} gold)",
                title=escape(title),
                items=counted,
                golds=golds,
            ),
            t("Labels: {labels}", labels=", ".join(escape(label) for label in labels)),
            f"💰 {t.money(hit.reward_cents)}{fee_part(t, hit)} × {answers} × {counted}"
            f" = <b>{t.money(total)}</b>",
            t(
                "⏱ {time} each · open for {life}",
                time=t.duration(hit.time_allotted_s),
                life=t.duration(hit.lifetime_s),
            ),
            *_marks(t, hit),
            t(
                "Only for some workers? <code>/require b{id} approval 95</code> (/require)",
                id=batch_id,
            ),
        ]
    )


# -- Change terms on a preview (bot/requesting/drafts.py) ------------------------------------------

BTN_CHANGE_TERMS = N_("✏️ Change terms")


def draft_label(t: Translator, scope: str, target_id: int, kind: HitKind) -> str:
    """("b", 3, TAG) -> "batch #3"; ("h", 12, POLL) -> "poll #12"."""
    if scope == "b":
        return t("batch #{id}", id=target_id)
    return f"{t(HIT_KIND_WORDS[kind])} #{target_id}"


def ask_new_terms(t: Translator, name: str, current: str, example: str) -> str:
    """Change terms: what they are now, and how to change some of them."""
    return t(
        "✏️ <b>New terms for {name}</b>. Now: <code>{current}</code>\n"
        "Send only what changes, e.g. <code>{example}</code>; the rest stays. "
        "/cancel keeps them as they are.",
        name=name,
        current=escape(current),
        example=escape(example),
    )


TERMS_CHANGED = N_("✏️ Terms changed.")
TERMS_REPLACED = N_("✏️ These terms were changed: the new preview is below.")
TERMS_UNCHANGED = N_("Terms unchanged.")
TERMS_DROPPED = N_("Terms unchanged: you sent a command. Tap Change terms again to change them.")
TERMS_TOO_LATE = N_(
    "You tapped Change terms over {wait} ago, so this text was not taken as the new terms "
    "and nothing changed. Tap Change terms again."
)
DRAFT_TEXTS = {
    DraftResult.OK: TERMS_CHANGED,
    DraftResult.NOT_FOUND: N_("This draft no longer exists. Post a new one (/newpoll, /newbatch)."),
    DraftResult.PUBLISHED: N_(
        "This is already published, so its terms can't change now. /raise raises a live "
        "HIT's reward. /myhits"
    ),
}


# -- /myhits: progress, pause, resume, cancel ------------------------------------------------------

NO_HITS_YET = N_("You have no published HITs yet. /newpoll, /newsurvey or /newbatch")
STATUS_ICONS = {
    "open": "🟢",
    "paused": "⏸",
    "closed": "✅",
    "expired": "⌛",
    "cancelled": "🚫",
    "draft": "📝",
}
STATUS_NAMES = {
    "paused": N_("paused"),
    "closed": N_("closed"),
    "expired": N_("expired"),
    "cancelled": N_("cancelled"),
    "draft": N_("draft"),
}


def _hit_name(t: Translator, p: HitProgress) -> str:
    """ "batch #3" or "poll #12"."""
    if p.batch_id is not None:
        return t("batch #{id}", id=p.batch_id)
    kind = t(HIT_KIND_WORDS[p.kind]) if p.kind in HIT_KIND_WORDS else p.kind.value
    return f"{kind} #{p.hit_id}"


def hit_progress(t: Translator, p: HitProgress) -> str:
    """A /myhits card: status (in words unless open), numbers, and only the counts not 0."""
    name = _hit_name(t, p)
    items = " · " + t.ngettext("{n} item", "{n} items", p.hits) if p.batch_id is not None else ""
    state = p.status.value
    status = f" · {t(STATUS_NAMES[state])}" if state in STATUS_NAMES else ""
    taken = p.approved + p.rejected + p.submitted + p.in_progress
    counts = [
        t(label, n=n)
        for n, label in (
            (p.in_progress, N_("{n} working")),
            (p.submitted, N_("{n} to review")),
            (p.approved, N_("{n} approved")),
            (p.rejected, N_("{n} rejected")),
        )
        if n
    ]
    numbers = [
        t("{taken}/{slots} taken", taken=taken, slots=p.slots),
        *counts,
        t("escrow {amount}", amount=t.money(p.escrow_cents)),
    ]
    return (
        f"{STATUS_ICONS.get(state, '')} <b>{escape(clip(p.title, 200))}</b> "
        f"({name}{items}{status})\n" + " · ".join(numbers)
    )


MYHITS_USAGE = N_("Send /myhits for your newest HITs, or /myhits 2 for the next page.")
BTN_OLDER_HITS = N_("Older ▸")
BTN_NEWER_HITS = N_("◂ Newer")
BTN_ALL_HITS = N_("◀️ All my HITs")


def myhits_list(t: Translator, first: int, last: int, total: int, to_review: int) -> str:
    """The /myhits message above its buttons (one per HIT or batch)."""
    lines = [
        t(
            "<b>Your HITs</b> · {first}–{last} of {total}, newest first",
            first=first,
            last=last,
            total=total,
        ),
        t("Tap one for its progress, pause, resume or cancel."),
    ]
    if to_review:
        lines.append(
            t.ngettext(
                "✍️ {n} submission to review: /review",
                "✍️ {n} submissions to review: /review",
                to_review,
            )
        )
    return "\n".join(lines)


def myhits_button(p: HitProgress) -> str:
    """A /myhits row: "🟢 Tea or coffee? · 3/10" (a batch: its items' slots)."""
    taken = p.approved + p.rejected + p.submitted + p.in_progress
    return f"{STATUS_ICONS.get(p.status.value, '')} {clip(p.title, 24)} · {taken}/{p.slots}"


def myhits_past(t: Translator, total: int) -> str:
    """/myhits N past the last page."""
    return t.ngettext(
        "You have {n} HIT or batch: that page is past the last one. /myhits",
        "You have {n} HITs and batches: that page is past the last one. /myhits",
        total,
    )


MANAGE_TEXTS = {
    ManageResult.OK: N_("✅ Changed."),
    ManageResult.NOT_FOUND: N_("That isn't one of your HITs."),
    ManageResult.NOT_NOW: N_("Nothing to change: it is already in that state."),
}
PAUSED = N_("⏸ Paused: nobody new can take it; work in progress can still be submitted.")
RESUMED = N_("▶️ Resumed: workers can take it again.")
BTN_PAUSE = N_("⏸ Pause")
BTN_RESUME = N_("▶️ Resume")
BTN_CANCEL_HIT = N_("🚫 Cancel")
BTN_RESULTS = N_("📊 Results")
BTN_EXPORT = N_("📄 Export CSV")
BTN_CANCEL_YES = N_("🚫 Yes, cancel")
BTN_CANCEL_BACK = N_("↩ Back")


def confirm_cancel(t: Translator, p: HitProgress, open_slots: int, refund_cents: int) -> str:
    """Cancel, asked once more: what is refunded now and what happens to work in progress."""
    lines = [
        t(
            "Cancel {name} <b>{title}</b>? Nobody new can take it.",
            name=_hit_name(t, p),
            title=escape(p.title),
        )
    ]
    if refund_cents:
        lines.append(
            t.ngettext(
                "• Its {n} open slot is refunded now: {refund}.",
                "• Its {n} open slots are refunded now: {refund}.",
                open_slots,
                refund=t.money(refund_cents),
            )
        )
    else:
        lines.append(t("• No open slot is left, so nothing is refunded now."))
    if p.in_progress:
        lines.append(
            t.ngettext(
                "• {n} worker still working keeps the assignment and can still submit; each "
                "reward stays in escrow and comes back to you if the work is returned or runs "
                "out of time.",
                "• {n} workers still working keep the assignment and can still submit; each "
                "reward stays in escrow and comes back to you if the work is returned or runs "
                "out of time.",
                p.in_progress,
            )
        )
    if p.submitted:
        lines.append(
            t.ngettext(
                "• {n} submission waits in /review: approve or reject as usual.",
                "• {n} submissions wait in /review: approve or reject as usual.",
                p.submitted,
            )
        )
    lines.append(t("This can't be undone."))
    return "\n".join(lines)


def cancelled_refund(t: Translator, refund_cents: int) -> str:
    """The answer to Cancel (confirmed): what went back to the balance."""
    return t("🚫 Cancelled. {refund} returned to your balance.", refund=t.money(refund_cents))


CANCEL_NOT_NOW = N_("Nothing to cancel: it is already cancelled or has ended. /myhits")


# -- /results and the CSV --------------------------------------------------------------------------

RESULTS_USAGE = N_(
    "Use: <code>/results 12</code> for HIT 12 or <code>/results b3</code> for batch 3 "
    "(the numbers are in /myhits)."
)
RESULTS_NOT_FOUND = N_("No results: that isn't one of your published HITs or batches. /myhits")
GOLD_LOW = N_("⚠️ Below {threshold} on gold items: {aliases}")
GOLD_LISTED = 20  # workers named on a gold line of /results; the CSV has them all
RESULTS_BUDGET = 3400  # units of question lines on /results (many long questions: the CSV)
RESULTS_MORE = N_("… the other questions are in the CSV: 📄 Export CSV.")


def results_view(t: Translator, view: ResultsView, threshold: int) -> str:
    """/results: per item (a batch) or per question, then gold accuracy."""
    name = t("batch #{id}", id=view.target_id) if view.scope == "b" else f"#{view.target_id}"
    lines = [
        f"📊 <b>{escape(clip(view.title, 200))}</b> ({name}) · "
        + t.ngettext("{n} answer", "{n} answers", view.assignments)
    ]
    if view.scope == "b":
        for item in view.items[:15]:
            gold = " " + t("(gold: {label})", label=escape(item.gold)) if item.gold else ""
            lines.append(f"• {escape(clip(item.item, 60))} → {_verdict(t, item)}{gold}")
        if len(view.items) > 15:
            lines.append(t("…{n} more items in the CSV.", n=len(view.items) - 15))
    else:
        counted: list[str] = []
        for number, q in enumerate(view.questions, start=1):
            prompt = question_prompt(t, q.prompt)
            counted.append(f"{number}. {escape(clip(prompt, 200))}")
            counted += _question_counts(t, q)
        lines += fit_lines(counted, RESULTS_BUDGET, t(RESULTS_MORE))
    if view.gold:
        scores = [
            f"<code>{escape(s.alias)}</code> {s.percent}% ({s.correct}/{s.total})"
            for s in view.gold
        ]
        lines.append(t("🎯 Gold accuracy: {scores}", scores=_some(t, scores, GOLD_LISTED)))
        low = [f"<code>{escape(s.alias)}</code>" for s in view.gold if s.percent < threshold]
        if low:
            below = t.percent(threshold / 100)
            lines.append(t(GOLD_LOW, threshold=below, aliases=_some(t, low, GOLD_LISTED)))
    return "\n".join(lines)


def _some(t: Translator, shown: list[str], most: int) -> str:
    """The first `most` of a list, and how many more: "a, b and 3 more (in the CSV)"."""
    if len(shown) <= most:
        return ", ".join(shown)
    return t(
        "{shown} and {more} more (in the CSV)",
        shown=", ".join(shown[:most]),
        more=len(shown) - most,
    )


def _verdict(t: Translator, item: ItemResult) -> str:
    """An item's line in /results: "<b>cat</b> 67% agree [3]", "tie: cat / dog [2]",
    "<b>cat, dog</b> (one answer so far)" or "no answers yet"."""
    top = [escape(label) for label in item.top]
    if not item.total or not top:
        if not item.total:
            return t("no answers yet")
        return t("nothing picked [{total}]", total=item.total)
    if item.total == 1:
        return t("<b>{labels}</b> (one answer so far)", labels=", ".join(top))
    if item.majority is not None:
        return t(
            "<b>{label}</b> {percent}% agree [{total}]",
            label=escape(item.majority),
            percent=item.agreement_percent,
            total=item.total,
        )
    return t("tie: {labels} [{total}]", labels=" / ".join(top), total=item.total)


def _question_counts(t: Translator, q: OptionCounts) -> list[str]:
    """A question's lines in /results: choices with their share, ratings on one line with
    the average, text answers counted (they are in the CSV)."""
    if not q.counts:
        return [
            "   "
            + t.ngettext(
                "{n} answer in text (in the CSV)", "{n} answers in text (in the CSV)", q.answered
            )
        ]
    if q.kind is QuestionKind.RATING:
        total = sum(n for _, n in q.counts)
        stars = " · ".join(f"{label}★ {n}" for label, n in q.counts)
        if not total:
            return [f"   {stars}"]
        mean = sum(int(label) * n for label, n in q.counts) / total
        return [f"   {stars} — " + t("average {mean}", mean=t.number(mean, 1))]
    return [
        f"   {escape(clip(label, 60))}: {n}"
        + (f" ({round(100 * n / q.answered)}%)" if q.answered else "")
        for label, n in q.counts
    ]


EXPORT_SENT = N_("📄 Here are your results.")
EXPORT_CAPTION = N_("{name} — open in any spreadsheet.")


# -- reviewing one assignment: the review card, Approve, Reject with a reason ----------------------

NOTHING_TO_REVIEW = N_("Nothing to review right now. 🎉")


def review_card(
    t: Translator,
    title: str,
    numbers: tuple[int, int],
    alias: str,
    answers: list[tuple[str, str]],
    waiting: int,
    work_seconds: float,
) -> str:
    """numbers: (HIT, assignment), the ones /results, /msg and /bonus take."""
    hit_id, assignment_id = numbers
    lines = [
        t("<b>Review</b> · {waiting} waiting", waiting=waiting),
        t(
            "<b>{title}</b> · HIT #{hit_id} · assignment {assignment_id}",
            title=escape(title),
            hit_id=hit_id,
            assignment_id=assignment_id,
        ),
        t(
            "by <code>{alias}</code> in {time}",
            alias=escape(alias),
            time=t.duration(work_seconds),
        ),
    ]
    lines += [f"• {escape(q)} → <b>{escape(a)}</b>" for q, a in answers]
    return "\n".join(lines)


BTN_APPROVE = N_("✅ Approve")

BTN_REJECT = N_("❌ Reject this")

REVIEW_TEXTS = {
    ReviewResult.OK: N_("✅ Approved: the worker is paid."),
    ReviewResult.NOT_YOURS: N_("This isn't your HIT."),
    ReviewResult.ALREADY_REVIEWED: N_("Already reviewed."),
    ReviewResult.NOT_SUBMITTED: N_("This work isn't submitted (yet)."),
    ReviewResult.REASON_REQUIRED: N_("A reason is required to reject. Reply with it, or /cancel."),
    ReviewResult.INSUFFICIENT_FUNDS: N_("Your balance does not cover the reward. /balance"),
    ReviewResult.TOO_LATE: N_("That rejection is over 30 days old and stays."),
}


def approved_toast(t: Translator, alias: str, reward_cents: int) -> str:
    """The toast after Approve: "✅ Approved W-7F3K's work: +$0.05 paid"."""
    return t(
        "✅ Approved {alias}'s work: +{reward} paid", alias=alias, reward=t.money(reward_cents)
    )


ASK_REJECT_REASON = N_(
    "Why are you rejecting this work by <code>{alias}</code>? Reply with a short reason "
    "the worker will read (or /cancel)."
)


def reject_asked(t: Translator, alias: str, title: str, assignment_id: int) -> str:
    """The review card while it waits for the reason (the card comes back after it)."""
    return (
        t(
            "❌ <b>Reject</b> · {title} · assignment {assignment_id}",
            title=escape(title),
            assignment_id=assignment_id,
        )
        + "\n"
        + t(ASK_REJECT_REASON, alias=escape(alias))
    )


def rejected_line(t: Translator, alias: str, assignment_id: int) -> str:
    """Above the next review card, after a reject with a reason."""
    return t(
        "❌ Rejected <code>{alias}</code>'s work (assignment {assignment_id}) with your reason.",
        alias=escape(alias),
        assignment_id=assignment_id,
    )


REJECT_CANCELLED = N_("Rejection cancelled. /review")

REJECT_EXPIRED = N_(
    "You tapped Reject over {wait} ago, so this text was not taken as its reason "
    "and nothing was rejected. /review and tap Reject again."
)

# The reason arrived after the work was reviewed (auto-approval while the bot was down).
REJECT_TOO_LATE = N_(
    "This work was already reviewed (it may have been approved automatically meanwhile), "
    "so your reason was not sent."
)

REJECT_DROPPED = N_("Not rejected: you sent a command. Tap Reject again when you have the reason.")


# -- review tools: approve all, gold, reject or block a worker -------------------------------------

BTN_BACK_TO_REVIEW = N_("↩ Back to review")


def btn_approve_all(t: Translator, count: int) -> str:
    """The button that approves every submission waiting."""
    return t.ngettext("✅ Approve all {n}", "✅ Approve all {n}", count)


def btn_approve_all_yes(t: Translator, count: int) -> str:
    """The button that confirms Approve all."""
    return t("✅ Yes, approve {count}", count=count)


def confirm_approve_all(t: Translator, count: int, reward_cents: int, fee_cents: int) -> str:
    """Approve all, asked once more with what it pays: the rewards, and with a marketplace
    fee the fee and the sum ("$0.20 + $0.02 fee = $0.22"), as every cost line shows it."""
    total = t.money(reward_cents)
    if fee_cents:
        total = t(
            # TRANSLATORS: what Approve all pays, in "paying {total} in total?"
            "{rewards} + {fee} fee = {total}",
            rewards=total,
            fee=t.money(fee_cents),
            total=t.money(reward_cents + fee_cents),
        )
    return t.ngettext(
        "Approve the <b>{n} submission</b> waiting on your HITs, paying {total} in total? "
        "Work submitted after you opened /review is not included.",
        "Approve all <b>{n} submissions</b> waiting on your HITs, paying {total} in total? "
        "Work submitted after you opened /review is not included.",
        count,
        total=total,
    )


def approved_all(t: Translator, count: int) -> str:
    """The answer to Approve all."""
    return t.ngettext("✅ Approved {n} assignment.", "✅ Approved {n} assignments.", count)


def more_waiting(t: Translator, count: int) -> str:
    """After Approve all: work that came in since /review was opened."""
    return t("{count} more came in since you opened /review: /review to see them.", count=count)


def review_gold(t: Translator, alias: str, score: GoldScore) -> str:
    """A batch worker's gold accuracy, on the review card."""
    return t(
        "🎯 <code>{alias}</code> gold accuracy in this batch: {percent}% ({correct}/{total})",
        alias=escape(alias),
        percent=score.percent,
        correct=score.correct,
        total=score.total,
    )


# The reason workers read when a requester rejects all of a low-gold worker's work: said in
# the requester's language, as a reason they typed would be.
GOLD_REJECT_REASON = N_("Too many attention-check (gold) items answered wrongly.")


def rejected_worker(t: Translator, alias: str, count: int) -> str:
    """An alert (plain text, no HTML); rejected_worker_line is the same on a card."""
    return t.ngettext(
        "❌ Rejected {n} submitted assignment by {alias}.",
        "❌ Rejected {n} submitted assignments by {alias}.",
        count,
        alias=alias,
    )


def rejected_worker_line(t: Translator, alias: str, count: int) -> str:
    """rejected_worker on a card (HTML)."""
    return escape(rejected_worker(t, alias, count))


def btn_reject_worker(t: Translator, alias: str) -> str:
    """Reject all of a low-gold worker's submitted work in the batch (not just this one)."""
    return t("❌ Reject all by {alias}", alias=alias)


def btn_block_worker(t: Translator, alias: str) -> str:
    """Block a worker (low on gold) from the requester's HITs."""
    return t("⛔ Block {alias}", alias=alias)


# -- /bonus ----------------------------------------------------------------------------------------

BONUS_USAGE = N_(
    "Use: <code>/bonus W-7F3K 0.50 Great notes</code> (a worker alias or an assignment "
    "number, an amount, a reason the worker will read)."
)
BONUS_TEXTS = {
    BonusResult.OK: N_("🎁 Sent {amount} to <code>{alias}</code>."),
    BonusResult.UNKNOWN_WORKER: N_(
        "No worker is called {alias}. Aliases are in /review and /results."
    ),
    BonusResult.NOT_YOURS: N_("You can only bonus workers who did your HITs."),
    BonusResult.INSUFFICIENT_FUNDS: N_(
        "⚠️ Not enough balance for a {amount} bonus. Add money with /deposit."
    ),
    BonusResult.DUPLICATE: N_("Already sent."),
}


def with_fee(t: Translator, amount_cents: int, fee_cents: int) -> str:
    """An amount the requester pays, with the marketplace's fee on it: "$0.50 + $0.05 fee"."""
    if not fee_cents:
        return t.money(amount_cents)
    return t("{amount} + {fee} fee", amount=t.money(amount_cents), fee=t.money(fee_cents))


def bonus_notice(t: Translator, amount_cents: int, reason: str, title: str | None) -> str:
    """To the worker: a bonus, the requester's reason and the task it is for."""
    if title:
        return t(
            "🎁 Bonus +{amount} for <b>{title}</b>\n“{reason}” /earnings",
            amount=t.money(amount_cents),
            title=escape(title),
            reason=escape(reason),
        )
    return t(
        "🎁 Bonus +{amount}\n“{reason}” /earnings",
        amount=t.money(amount_cents),
        reason=escape(reason),
    )


# -- /block, /unblock ------------------------------------------------------------------------------

BLOCK_USAGE = N_("Use: <code>/block W-7F3K</code> (the worker's alias from /review or /results).")
BLOCK_TEXTS = {
    BlockResult.OK: N_(
        "⛔ <code>{alias}</code> is blocked: they won't see or take your HITs. "
        "<code>/unblock {alias}</code> undoes it."
    ),
    BlockResult.ALREADY: N_("<code>{alias}</code> is already blocked."),
    BlockResult.UNKNOWN_WORKER: N_("No worker is called {alias}."),
}
UNBLOCK_USAGE = N_("Use: <code>/unblock W-7F3K</code> (an alias you blocked).")
UNBLOCK_TEXTS = {
    BlockResult.OK: N_(
        "✅ <code>{alias}</code> is unblocked: they can see and take your HITs again."
    ),
    BlockResult.ALREADY: N_("<code>{alias}</code> wasn't blocked."),
    BlockResult.UNKNOWN_WORKER: N_("No worker is called {alias}."),
}
BLOCK_ALERTS = {
    BlockResult.OK: N_("⛔ {alias} is blocked: they won't see or take your HITs."),
    BlockResult.ALREADY: N_("{alias} is already blocked."),
    BlockResult.UNKNOWN_WORKER: N_("No worker is called {alias}."),
}


# -- /qualify and qualification tests --------------------------------------------------------------

QUALIFY_ASK_NAME = N_(
    "🎓 <b>New qualification</b>. What's its name? e.g. <code>Bird expert</code> (/cancel)"
)
QUALIFY_ASK_QUESTION = N_(
    "Send test questions one per message, the right answer starred:\n"
    "<code>Which is a sparrow? | *small brown bird | large seabird | owl</code>\n"
    "{count} so far (at most {most}). Send /done when finished."
)
QUALIFY_ASK_PASS = N_("Pass mark in percent? e.g. <code>80</code>")
QUALIFY_NAME_TAKEN = N_("You already have a qualification with that name. Send another name.")
QUALIFY_CANCELLED = N_("Qualification discarded.")
QUALIFY_NEEDS_QUESTION = N_("Add at least one question first.")


def qualify_created(t: Translator, test: QualificationTest) -> str:
    """A new qualification test: how workers take it and how to require it."""
    return t.ngettext(
        "✅ Qualification <b>{name}</b> (#{id}) with {n} question, pass at {percent}%.\n"
        "Workers take it with <code>/qualtest {id}</code>. Require it on a draft: "
        "<code>/require 12 qual {ref}</code> (12 = the draft's number), or tick it in "
        "/newsurvey.",
        "✅ Qualification <b>{name}</b> (#{id}) with {n} questions, pass at {percent}%.\n"
        "Workers take it with <code>/qualtest {id}</code>. Require it on a draft: "
        "<code>/require 12 qual {ref}</code> (12 = the draft's number), or tick it in "
        "/newsurvey.",
        len(test.questions),
        name=escape(test.name),
        id=test.id,
        percent=test.pass_percent,
        ref=_qualification_ref(test),
    )


def _qualification_ref(test: QualificationTest) -> str:
    """How /require names the qualification: its name, or #id if the name would not parse
    back (a last word that is a number reads as a level)."""
    last = test.name.split()[-1]
    return f"#{test.id}" if last.removeprefix("#").isdigit() else escape(test.name)


QUALTEST_USAGE = N_("Use: <code>/qualtest 3</code> (the number the requester gave you).")


def test_question(
    t: Translator, test: QualificationTest, position: int, left: float | None = None
) -> str:
    """A question of a qualification test, where the worker is in it, and the time left
    when the test has a time limit."""
    q = test.questions[position]
    text = t(
        "🎓 <b>{name}</b> test · {number}/{total}\n\n❓ {question}",
        name=escape(test.name),
        number=position + 1,
        total=len(test.questions),
        question=escape(q.prompt),
    )
    if left is None:
        return text
    return text + "\n\n" + t("⏳ {time} left", time=t.duration(max(left, 0)))


TEST_TEXTS = {
    TestResult.PASSED: N_("🎓 Passed {name} with {score}% — you now hold this qualification."),
    TestResult.FAILED: N_("Not passed: {score}% ({need}% needed). This test can be taken once."),
    TestResult.NOT_FOUND: N_("There is no such qualification test."),
    TestResult.ALREADY_TAKEN: N_("You already took this test ({score}%)."),
    TestResult.OWN_TEST: N_("That's your own qualification."),
    TestResult.STALE: N_("That question was already answered."),
    TestResult.TIME_UP: N_(
        "⌛ Out of time: this test is to be finished within {time}, so nothing was granted."
    ),
    TestResult.RETRY_LATER: N_("You took this test already; you can take it again in {time}."),
}
TEST_RETRY = N_("You can take it again in {time}.")


# -- /require, /grant, /revoke ---------------------------------------------------------------------

REQUIRE_USAGE = N_(
    "Add a requirement to a draft before you publish it:\n"
    "<code>/require 12 approval 95</code> — approval rate at least 95%\n"
    "<code>/require 12 approved 10</code> — at least 10 approved tasks\n"
    "<code>/require 12 locale de</code> — workers whose language is German\n"
    "<code>/require 12 qual Trusted</code> — your qualification (give it with /grant)\n"
    "<code>/require 12 qual Bird expert 2</code> — at level 2 or more; name a qualification "
    "by its name or by the number /qualify gave it (<code>qual #1</code>)\n"
    "<code>/require b3 approval 95</code> — the same for every item of draft batch 3"
)


def draft_name(t: Translator, draft_id: int, batch: bool) -> str:
    """(12, False) -> "HIT #12"; (3, True) -> "Batch #3"."""
    return t("Batch #{id}", id=draft_id) if batch else t("HIT #{id}", id=draft_id)


def require_error(t: Translator, problem: str) -> str:
    """What is wrong with a /require (said already), and its forms."""
    return try_again(t, problem, "\n" + t(REQUIRE_USAGE))


REQUIRE_TEXTS = {
    RequireResult.OK: N_("✅ {what} now requires {requirement}. Publish here or from its preview."),
    RequireResult.NOT_FOUND: N_("You have no {what}."),
    RequireResult.NOT_DRAFT: N_(
        "{what} is already published: requirements are set before publishing."
    ),
    RequireResult.UNKNOWN_QUALIFICATION: N_(
        "You have no qualification called “{name}”. Give it to a worker first: "
        "<code>/grant W-7F3K {name}</code>"
    ),
}


def required(
    t: Translator,
    result: RequireResult,
    draft_id: int,
    batch: bool,
    req: Requirement,
    number: int | None,
) -> str:
    """What /require answers: the requirement the draft has now, or why not ("⚠️ …");
    `number` is the qualification's number when the requester gave one."""
    if result is RequireResult.UNKNOWN_QUALIFICATION and number is not None:
        return "⚠️ " + no_qualification_number(t, number)
    text = t(
        REQUIRE_TEXTS[result],
        what=draft_name(t, draft_id, batch),
        requirement=requirement_label(t, req),
        name=escape(req.qualification_name),
    )
    return text if result is RequireResult.OK else "⚠️ " + text


def requirement_label(t: Translator, req: Requirement) -> str:
    """How a requirement reads for its requester: "approval rate ≥ 95%"."""
    if req.comparator:
        return requirement_compared(t, req)
    if req.kind is RequirementKind.APPROVAL_RATE:
        return t("approval rate ≥ {least}%", least=req.value)
    if req.kind is RequirementKind.APPROVED_COUNT:
        return t("at least {least} approved", least=req.value)
    if req.kind is RequirementKind.LOCALE:
        return t("language {code}", code=escape(req.value))
    return f"“{escape(req.qualification_name)}” ≥ {req.value}"


GRANT_USAGE = N_(
    "<code>/grant W-7F3K Trusted</code> gives a worker your qualification "
    "(add a number for a level: <code>/grant W-7F3K Trusted 3</code>);\n"
    "<code>/revoke W-7F3K Trusted</code> takes it away.\n"
    "A name may have spaces (<code>/grant W-7F3K Bird expert 2</code>), or use the number "
    "/qualify gave it (<code>/grant W-7F3K #1</code>); a last number is the level."
)


def grant_error(t: Translator, problem: str) -> str:
    """What is wrong with a /grant or /revoke (said already), and their forms."""
    return try_again(t, problem, t(GRANT_USAGE))


GRANT_TEXTS = {
    GrantResult.OK: N_("✅ {alias} now holds “{name}” ({value})."),
    GrantResult.UNCHANGED: N_("{alias} already holds “{name}” ({value})."),
    GrantResult.UNKNOWN_WORKER: N_("There is no worker {alias}."),
    GrantResult.REVOKED: N_("“{name}” was taken from {alias}."),
    GrantResult.NOT_HELD: N_("{alias} doesn't hold “{name}”."),
    GrantResult.UNKNOWN_QUALIFICATION: N_("You have no qualification “{name}”."),
}


def granted(
    t: Translator, result: GrantResult, alias: str, name: str, value: int, number: int | None
) -> str:
    """What /grant and /revoke answer (a refusal with "⚠️ "); `number` as for required."""
    if result is GrantResult.UNKNOWN_QUALIFICATION and number is not None:
        return "⚠️ " + no_qualification_number(t, number)
    text = t(GRANT_TEXTS[result], alias=escape(alias), name=escape(name), value=value)
    done = (GrantResult.OK, GrantResult.UNCHANGED, GrantResult.REVOKED)
    return text if result in done else "⚠️ " + text


def no_qualification_number(t: Translator, number: int) -> str:
    """A qualification number the requester has none of (/require, /grant)."""
    return t(
        "You have no qualification #{number}. Use the number /qualify gave it, or its name.",
        number=number,
    )


def qualified_notice(t: Translator, name: str, value: int) -> str:
    """To the worker: a requester granted them a qualification."""
    if value == 1:
        return t(
            "🎓 You were granted the qualification “{name}”. More tasks are open to you.",
            name=escape(name),
        )
    return t(
        "🎓 You were granted the qualification “{name}” (level {level}). More tasks are open "
        "to you.",
        name=escape(name),
        level=value,
    )


# -- the command menu of a requester's chat, after the workers' (handlers/menus.py) ----------------

REQUESTER_MENU = (
    ("newpoll", N_("Post a one-question poll")),
    ("review", N_("Approve or reject submitted work")),
    ("balance", N_("Your balance and escrow")),
    ("deposit", N_("Add money in Telegram")),
    ("paysupport", N_("Help with a payment or refund")),
    ("newsurvey", N_("Post a survey, step by step")),
    ("newbatch", N_("Upload items to tag")),
    ("myhits", N_("Progress; pause, resume, cancel")),
    ("results", N_("Counts, majorities, Export CSV")),
    ("bonus", N_("Pay a worker a bonus")),
    ("block", N_("Block a worker from your HITs")),
    ("unblock", N_("Lift a block on a worker")),
    ("qualify", N_("Define a qualification test")),
    ("apikey", N_("Keys for MTurk API scripts")),
    ("require", N_("Require a qualification on a draft")),
    ("grant", N_("Give a worker your qualification")),
    ("revoke", N_("Take your qualification away")),
    ("raise", N_("Raise a live HIT's reward")),
    ("linkchannel", N_("Post your new HITs in a channel")),
    ("unlinkchannel", N_("Stop posting in a channel")),
)
