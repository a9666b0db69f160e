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
from bot.formatting import duration, money, plural, try_again
from bot.market.results import ReviewResult
from bot.market.texts import HIT_KIND_WORDS
from bot.matching.results import GrantResult, RequireResult
from bot.matching.texts import TOPIC_NAMES, requirement_compared
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

TOPIC_TERM_HELP = (
    "Optional topic=opinion, images, language, shopping or research: workers who chose "
    "other topics don't get it."
)


def topic_line(topic: str) -> str:
    """The topic on a requester's preview: "images" -> "🗂 Topic: Images"."""
    return f"🗂 Topic: {escape(TOPIC_NAMES.get(topic, topic))}"


BTN_PUBLISH = "🚀 Publish"
BTN_CANCEL = "Cancel"
DRAFT_DISCARDED = "🗑 Draft discarded."


# -- /newpoll --------------------------------------------------------------------------------------

POLL_EXAMPLE = "/newpoll Which logo is clearer? | A | B | C ; reward=0.05 n=10 time=2m est=15s"


def poll_error(problem: str) -> str:
    """What is wrong with a one-line /newpoll, and one correct example."""
    return try_again(
        problem,
        f"Like this: <code>{POLL_EXAMPLE}</code>\n"
        "Or send /newpoll alone and I'll ask step by step.",
    )


# /newpoll alone: step by step (handlers/requester/poll.py)
POLL_ASK_QUESTION = (
    "📊 <b>New poll</b>: one question, workers tap an answer. What is the question?\n"
    f"(All in one message works too: <code>{POLL_EXAMPLE}</code>) /cancel to stop."
)


def poll_ask_options(question: str, most: int) -> str:
    """/newpoll step by step, second step: the answers to choose from."""
    return (
        f"<b>{escape(question)}</b>\nNow the answers to choose from, separated by |, e.g. "
        f"<code>Yes | No | Not sure</code> (2 to {most})."
    )


def poll_ask_terms(question: str, options: tuple[str, ...]) -> str:
    """/newpoll step by step, last step: the terms in one line, each explained."""
    return (
        f"<b>{escape(question)}</b> · {escape(' | '.join(options))}\n"
        "Last step, the terms in one line:\n"
        "<code>reward=0.05 n=10 time=2m est=15s</code>\n"
        "reward per answer (required) · n workers (10) · time allotted (5m) · est = how long "
        "answering really takes (the pay floor is checked against it) · life = how long it "
        "stays open (1d) · auto = approve unreviewed work after (3d).\n"
        f"{TOPIC_TERM_HELP}"
    )


POLL_CANCELLED = "Poll discarded. /newpoll to start again."


def fee_part(hit: Hit) -> str:
    """The marketplace's fee in a cost line, when there is one: " + 10% fee $0.01"
    (per reward: what the requester pays on top; the worker gets the whole reward)."""
    if not hit.fee_cents:
        return ""
    return f" + {hit.fee_bp / 100:g}% fee {money(hit.fee_cents)}"


def _cost_lines(hit: Hit) -> list[str]:
    """A preview's cost in escrow (rewards and the marketplace's fee) and its times."""
    return [
        f"💰 {money(hit.reward_cents)}{fee_part(hit)} × {plural(hit.max_assignments, 'worker')}"
        f" = <b>{money(hit.escrow_cents)}</b>",
        f"⏱ {duration(hit.time_allotted_s)} each · open for {duration(hit.lifetime_s)}"
        f" · auto-approve after {duration(hit.auto_approve_s)}",
    ]


def hit_preview(hit: Hit, options: tuple[str, ...]) -> str:
    """A poll's preview: question, options, cost and times."""
    lines = [f"<b>Preview</b> · poll #{hit.id}", f"❓ {escape(hit.title)}"]
    lines += [f"  • {escape(option)}" for option in options]
    lines += _cost_lines(hit)
    if hit.topic:
        lines.append(topic_line(hit.topic))
    return "\n".join(lines)


# -- /newsurvey ------------------------------------------------------------------------------------

SURVEY_ASK_TITLE = (
    "📝 <b>New survey</b>. What is its title? (workers see it first)\n/cancel to stop."
)
SURVEY_ASK_KIND = "Add a question ({count} so far). What kind?"
SURVEY_ASK_KIND_FIRST = "<b>{title}</b>\nAdd the first question. What kind?"
SURVEY_ASK_PROMPT = "Send the question text."
SURVEY_ASK_OPTIONS = (
    "Send the choices separated by |, e.g. <code>Red | Green | Blue</code> (2 to {most})."
)
SURVEY_TOO_MANY = "That's the most questions a survey can have ({most}). Tap Done."
SURVEY_NEEDS_QUESTION = "Add at least one question first."
SURVEY_ASK_TERMS = (
    "Now the terms, in one line:\n"
    "<code>reward=0.10 n=20 time=5m est=40s life=1d auto=3d</code>\n"
    "reward per answer (required) · n workers (10) · time allotted (5m) · "
    "est = how long it really takes (the fair-pay floor is checked against it, else "
    "against the time allotted) · "
    "life = how long it stays open (1d) · auto = approve unreviewed work after (3d).\n"
    f"{TOPIC_TERM_HELP}"
)
SURVEY_ASK_QUALS = (
    "Require one of your qualifications? Tap to toggle, then <b>Done</b>. (/qualify makes one)"
)
SURVEY_CANCELLED = "Survey discarded. /newsurvey to start again."
KIND_NAMES = {
    "single": "Single choice",
    "multi": "Multiple choice",
    "rating": "Rating 1–5",
    "text": "Free text",
}
BTN_DONE = "✔️ Done"


def survey_preview(
    hit: Hit, questions: list[tuple[str, str, tuple[str, ...]]], quals: list[str]
) -> str:
    """A survey's preview: its questions (clipped to fit), cost, times, requirements."""
    lines = [f"<b>Preview</b> · survey #{hit.id}", f"📝 <b>{escape(hit.title)}</b>"]
    for number, (kind, prompt, options) in enumerate(questions, start=1):
        # ten questions of the longest prompts and choices still leave room for the cost
        shown = f" ({escape(clip(', '.join(options), 150))})" if options else ""
        lines.append(f"{number}. {escape(clip(prompt, 120))} — {KIND_NAMES.get(kind, kind)}{shown}")
    lines += _cost_lines(hit)
    if quals:
        lines.append("🎓 Requires: " + ", ".join(escape(q) for q in quals))
    if hit.topic:
        lines.append(topic_line(hit.topic))
    return "\n".join(lines)


# -- /newbatch -------------------------------------------------------------------------------------

BATCH_ASK_FILE = (
    "📦 <b>New tagging batch</b>. Send a CSV or JSON file of items (/cancel to stop).\n"
    "CSV: a header <code>text,gold</code> (or <code>image_url,gold</code>), one item per row; "
    "gold is optional, the known label of an attention-check item.\n"
    'JSON: <code>[{{"text": "A purring cat", "gold": "cat"}}, {{"image_url": "https://…"}}]</code>\n'
    "At most {rows} items, {kb} KB."
)
BATCH_NOT_A_FILE = "Please send the items as a file (CSV or JSON), or /cancel."
BATCH_ASK_LABELS = (
    "✅ {items} read ({golds} gold). Now the labels, separated by |, e.g. "
    "<code>cat | dog | other</code> (2 to {most}, each up to {longest} characters)."
)
BATCH_ASK_TITLE_TERMS = (
    "Last step: a title and the terms, like\n"
    "<code>Tag the animal ; reward=0.02 n=3 time=2m est=8s life=1d</code>\n"
    "n = answers per item (redundancy) · est = how long one item really takes (the "
    "fair-pay floor is checked against it, else against the time allotted).\n"
    f"{TOPIC_TERM_HELP}"
)
BATCH_CANCELLED = "Batch discarded. Nothing was created."
BATCH_MORE_PROBLEMS = "…and {more} more."


def batch_file_errors(problems: list[tuple[int, str]]) -> str:
    """Why an uploaded batch file can't be used: the first ten problems, by line."""
    lines = ["⚠️ <b>That file can't be used</b>; nothing was created:"]
    for line, why in problems[:10]:
        where = f"line {line}" if line else "file"
        lines.append(f"• {where}: {escape(clip(why, 200))}")  # a reason may quote the file
    if len(problems) > 10:
        lines.append(BATCH_MORE_PROBLEMS.format(more=len(problems) - 10))
    lines.append("Fix it and send the file again, or /cancel.")
    return "\n".join(lines)


def batch_preview(
    batch_id: int, title: str, items: int, golds: int, labels: tuple[str, ...], hit: Hit, total: int
) -> str:
    """A batch's preview: items, gold, labels, cost and times."""
    return (
        f"<b>Preview</b> · batch #{batch_id}\n"
        f"🏷 <b>{escape(title)}</b>: {plural(items, 'item')} ({golds} gold)\n"
        f"Labels: {', '.join(escape(label) for label in labels)}\n"
        f"💰 {money(hit.reward_cents)}{fee_part(hit)} × {plural(hit.max_assignments, 'answer')} × "
        f"{plural(items, 'item')} = "
        f"<b>{money(total)}</b>\n"
        f"⏱ {duration(hit.time_allotted_s)} each · open for {duration(hit.lifetime_s)}\n"
        + (f"{topic_line(hit.topic)}\n" if hit.topic else "")
        + f"Only for some workers? <code>/require b{batch_id} approval 95</code> (/require)"
    )


# -- Change terms on a preview (bot/requesting/drafts.py) ------------------------------------------

BTN_CHANGE_TERMS = "✏️ Change terms"


def draft_label(scope: str, target_id: int, kind: HitKind) -> str:
    """("b", 3, TAG) -> "batch #3"; ("h", 12, POLL) -> "poll #12"."""
    return f"batch #{target_id}" if scope == "b" else f"{HIT_KIND_WORDS[kind]} #{target_id}"


def ask_new_terms(name: str, current: str, example: str) -> str:
    """Change terms: what they are now, and how to change some of them."""
    return (
        f"✏️ <b>New terms for {name}</b>. Now: <code>{escape(current)}</code>\n"
        f"Send only what changes, e.g. <code>{escape(example)}</code>; the rest stays. "
        "/cancel keeps them as they are."
    )


TERMS_CHANGED = "✏️ Terms changed."
TERMS_REPLACED = "✏️ These terms were changed: the new preview is below."
TERMS_UNCHANGED = "Terms unchanged."
TERMS_DROPPED = "Terms unchanged: you sent a command. Tap Change terms again to change them."
TERMS_TOO_LATE = (
    "You tapped Change terms over {wait} ago, so this text was not taken as the new terms "
    "and nothing changed. Tap Change terms again."
)
DRAFT_TEXTS = {
    DraftResult.OK: TERMS_CHANGED,
    DraftResult.NOT_FOUND: "This draft no longer exists. Post a new one (/newpoll, /newbatch).",
    DraftResult.PUBLISHED: (
        "This is already published, so its terms can't change now. /raise raises a live "
        "HIT's reward. /myhits"
    ),
}


# -- /myhits: progress, pause, resume, cancel ------------------------------------------------------

NO_HITS_YET = "You have no published HITs yet. /newpoll, /newsurvey or /newbatch"
STATUS_ICONS = {
    "open": "🟢",
    "paused": "⏸",
    "closed": "✅",
    "expired": "⌛",
    "cancelled": "🚫",
    "draft": "📝",
}


def hit_progress(p: HitProgress) -> str:
    """A /myhits card: status (in words unless open), numbers, and only the counts not 0."""
    kind = HIT_KIND_WORDS.get(p.kind, p.kind.value)
    name = f"batch #{p.batch_id}" if p.batch_id is not None else f"{kind} #{p.hit_id}"
    items = f" · {plural(p.hits, 'item')}" if p.batch_id is not None else ""
    status = f" · {p.status.value}" if p.status.value != "open" else ""
    taken = p.approved + p.rejected + p.submitted + p.in_progress
    counts = [
        f"{n} {label}"
        for n, label in (
            (p.in_progress, "working"),
            (p.submitted, "to review"),
            (p.approved, "approved"),
            (p.rejected, "rejected"),
        )
        if n
    ]
    return (
        f"{STATUS_ICONS.get(p.status.value, '')} <b>{escape(clip(p.title, 200))}</b> "
        f"({name}{items}{status})\n"
        + " · ".join([f"{taken}/{p.slots} taken", *counts, f"escrow {money(p.escrow_cents)}"])
    )


MYHITS_USAGE = "Send /myhits for your newest HITs, or /myhits 2 for the next page."
BTN_OLDER_HITS = "Older ▸"
BTN_NEWER_HITS = "◂ Newer"
BTN_ALL_HITS = "◀️ All my HITs"


def myhits_list(first: int, last: int, total: int, to_review: int) -> str:
    """The /myhits message above its buttons (one per HIT or batch)."""
    lines = [
        f"<b>Your HITs</b> · {first}–{last} of {total}, newest first",
        "Tap one for its progress, pause, resume or cancel.",
    ]
    if to_review:
        lines.append(f"✍️ {plural(to_review, 'submission')} to review: /review")
    return "\n".join(lines)


def myhits_button(p: HitProgress) -> str:
    """A /myhits row: "🟢 Tea or coffee? · 3/10" (a batch: its items' slots)."""
    taken = p.approved + p.rejected + p.submitted + p.in_progress
    return f"{STATUS_ICONS.get(p.status.value, '')} {clip(p.title, 24)} · {taken}/{p.slots}"


def myhits_past(total: int) -> str:
    """/myhits N past the last page."""
    return (
        f"You have {plural(total, 'HIT or batch', 'HITs and batches')}: that page is past "
        "the last one. /myhits"
    )


MANAGE_TEXTS = {
    ManageResult.OK: "✅ Changed.",
    ManageResult.NOT_FOUND: "That isn't one of your HITs.",
    ManageResult.NOT_NOW: "Nothing to change: it is already in that state.",
}
PAUSED = "⏸ Paused: nobody new can take it; work in progress can still be submitted."
RESUMED = "▶️ Resumed: workers can take it again."
BTN_PAUSE = "⏸ Pause"
BTN_RESUME = "▶️ Resume"
BTN_CANCEL_HIT = "🚫 Cancel"
BTN_RESULTS = "📊 Results"
BTN_EXPORT = "📄 Export CSV"
BTN_CANCEL_YES = "🚫 Yes, cancel"
BTN_CANCEL_BACK = "↩ Back"


def confirm_cancel(p: HitProgress, open_slots: int, refund_cents: int) -> str:
    """Cancel, asked once more: what is refunded now and what happens to work in progress."""
    name = f"batch #{p.batch_id}" if p.batch_id is not None else f"{p.kind.value} #{p.hit_id}"
    lines = [f"Cancel {name} <b>{escape(p.title)}</b>? Nobody new can take it."]
    if refund_cents:
        slots = plural(open_slots, "open slot is", "open slots are")
        lines.append(f"• Its {slots} refunded now: {money(refund_cents)}.")
    else:
        lines.append("• No open slot is left, so nothing is refunded now.")
    if p.in_progress:
        working = plural(p.in_progress, "worker still working keeps", "workers still working keep")
        lines.append(
            f"• {working} the assignment and can still submit; each reward stays in escrow "
            "and comes back to you if the work is returned or runs out of time."
        )
    if p.submitted:
        waiting = plural(p.submitted, "submission waits", "submissions wait")
        lines.append(f"• {waiting} in /review: approve or reject as usual.")
    lines.append("This can't be undone.")
    return "\n".join(lines)


def cancelled_refund(refund_cents: int) -> str:
    """The answer to Cancel (confirmed): what went back to the balance."""
    return f"🚫 Cancelled. {money(refund_cents)} returned to your balance."


CANCEL_NOT_NOW = "Nothing to cancel: it is already cancelled or has ended. /myhits"


# -- /results and the CSV --------------------------------------------------------------------------

RESULTS_USAGE = (
    "Use: <code>/results 12</code> for HIT 12 or <code>/results b3</code> for batch 3 "
    "(the numbers are in /myhits)."
)
RESULTS_NOT_FOUND = "No results: that isn't one of your published HITs or batches. /myhits"
GOLD_LOW = "⚠️ Below {threshold}% on gold items: {aliases}"
GOLD_LISTED = 20  # workers named on a gold line of /results; the CSV has them all
RESULTS_BUDGET = 3400  # units of question lines on /results (many long questions: the CSV)
RESULTS_MORE = "… the other questions are in the CSV: 📄 Export CSV."


def results_view(view: ResultsView, threshold: int) -> str:
    """/results: per item (a batch) or per question, then gold accuracy."""
    name = f"batch #{view.target_id}" if view.scope == "b" else f"#{view.target_id}"
    lines = [
        f"📊 <b>{escape(clip(view.title, 200))}</b> ({name}) · {plural(view.assignments, 'answer')}"
    ]
    if view.scope == "b":
        for item in view.items[:15]:
            gold = f" (gold: {escape(item.gold)})" if item.gold else ""
            lines.append(f"• {escape(clip(item.item, 60))} → {_verdict(item)}{gold}")
        if len(view.items) > 15:
            lines.append(f"…{len(view.items) - 15} more items in the CSV.")
    else:
        counted: list[str] = []
        for number, q in enumerate(view.questions, start=1):
            counted.append(f"{number}. {escape(clip(q.prompt, 200))}")
            counted += _question_counts(q)
        lines += fit_lines(counted, RESULTS_BUDGET, RESULTS_MORE)
    if view.gold:
        scores = [
            f"<code>{escape(s.alias)}</code> {s.percent}% ({s.correct}/{s.total})"
            for s in view.gold
        ]
        lines.append("🎯 Gold accuracy: " + _some(scores, GOLD_LISTED))
        low = [f"<code>{escape(s.alias)}</code>" for s in view.gold if s.percent < threshold]
        if low:
            lines.append(GOLD_LOW.format(threshold=threshold, aliases=_some(low, GOLD_LISTED)))
    return "\n".join(lines)


def _some(shown: list[str], most: int) -> str:
    """The first `most` of a list, and how many more: "a, b and 3 more (in the CSV)"."""
    if len(shown) <= most:
        return ", ".join(shown)
    return ", ".join(shown[:most]) + f" and {len(shown) - most} more (in the CSV)"


def _verdict(item: ItemResult) -> str:
    """An item's line in /results: "<b>cat</b> 67% agree [3]", "tie: cat / dog [2]",
    "<b>cat, dog</b> (one answer so far)" or "no answers yet"."""
    top = [escape(label) for label in item.top]
    if not item.total or not top:
        return "no answers yet" if not item.total else f"nothing picked [{item.total}]"
    if item.total == 1:
        return f"<b>{', '.join(top)}</b> (one answer so far)"
    if item.majority is not None:
        return f"<b>{escape(item.majority)}</b> {item.agreement_percent}% agree [{item.total}]"
    return f"tie: {' / '.join(top)} [{item.total}]"


def _question_counts(q: OptionCounts) -> list[str]:
    """A question's lines in /results: choices with their share, ratings on one line with
    the average, text answers counted (they are in the CSV)."""
    if not q.counts:
        return [f"   {plural(q.answered, 'answer')} in text (in the CSV)"]
    if q.kind is QuestionKind.RATING:
        total = sum(n for _, n in q.counts)
        stars = " · ".join(f"{label}★ {n}" for label, n in q.counts)
        if not total:
            return [f"   {stars}"]
        mean = sum(int(label) * n for label, n in q.counts) / total
        return [f"   {stars} — average {mean:.1f}"]
    return [
        f"   {escape(clip(label, 60))}: {n}"
        + (f" ({round(100 * n / q.answered)}%)" if q.answered else "")
        for label, n in q.counts
    ]


EXPORT_SENT = "📄 Here are your results."
EXPORT_CAPTION = "{name} — open in any spreadsheet."


# -- reviewing one assignment: the review card, Approve, Reject with a reason ----------------------

NOTHING_TO_REVIEW = "Nothing to review right now. 🎉"


def review_card(
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
        f"<b>Review</b> · {waiting} waiting",
        f"<b>{escape(title)}</b> · HIT #{hit_id} · assignment {assignment_id}",
        f"by <code>{escape(alias)}</code> in {duration(work_seconds)}",
    ]
    lines += [f"• {escape(q)} → <b>{escape(a)}</b>" for q, a in answers]
    return "\n".join(lines)


BTN_APPROVE = "✅ Approve"

BTN_REJECT = "❌ Reject this"

REVIEW_TEXTS = {
    ReviewResult.OK: "✅ Approved: the worker is paid.",
    ReviewResult.NOT_YOURS: "This isn't your HIT.",
    ReviewResult.ALREADY_REVIEWED: "Already reviewed.",
    ReviewResult.NOT_SUBMITTED: "This work isn't submitted (yet).",
    ReviewResult.REASON_REQUIRED: "A reason is required to reject. Reply with it, or /cancel.",
    ReviewResult.INSUFFICIENT_FUNDS: "Your balance does not cover the reward. /balance",
    ReviewResult.TOO_LATE: "That rejection is over 30 days old and stays.",
}


def approved_toast(alias: str, reward_cents: int) -> str:
    """The toast after Approve: "✅ Approved W-7F3K's work: +$0.05 paid"."""
    return f"✅ Approved {alias}'s work: +{money(reward_cents)} paid"


ASK_REJECT_REASON = (
    "Why are you rejecting this work by <code>{alias}</code>? Reply with a short reason "
    "the worker will read (or /cancel)."
)


def reject_asked(alias: str, title: str, assignment_id: int) -> str:
    """The review card while it waits for the reason (the card comes back after it)."""
    return (
        f"❌ <b>Reject</b> · {escape(title)} · assignment {assignment_id}\n"
        + ASK_REJECT_REASON.format(alias=escape(alias))
    )


def rejected_line(alias: str, assignment_id: int) -> str:
    """Above the next review card, after a reject with a reason."""
    return (
        f"❌ Rejected <code>{escape(alias)}</code>'s work (assignment {assignment_id}) "
        "with your reason."
    )


REJECT_CANCELLED = "Rejection cancelled. /review"

REJECT_EXPIRED = (
    "You tapped Reject over {wait} ago, so this text was not taken as its reason "
    "and nothing was rejected. /review and tap Reject again."
)

# The reason arrived after the work was reviewed (auto-approval while the bot was down).
REJECT_TOO_LATE = (
    "This work was already reviewed (it may have been approved automatically meanwhile), "
    "so your reason was not sent."
)

REJECT_DROPPED = "Not rejected: you sent a command. Tap Reject again when you have the reason."


# -- review tools: approve all, gold, reject or block a worker -------------------------------------

BTN_BACK_TO_REVIEW = "↩ Back to review"


def btn_approve_all(count: int) -> str:
    """The button that approves every submission waiting."""
    return f"✅ Approve all {count}"


def btn_approve_all_yes(count: int) -> str:
    """The button that confirms Approve all."""
    return f"✅ Yes, approve {count}"


def confirm_approve_all(count: int, cents: int) -> str:
    """Approve all, asked once more with what it pays."""
    return (
        f"Approve {'the' if count == 1 else 'all'} <b>{plural(count, 'submission')}</b> "
        "waiting on your HITs, paying "
        f"{money(cents)} in total? Work submitted after you opened /review is not included."
    )


def approved_all(count: int) -> str:
    """The answer to Approve all."""
    return f"✅ Approved {plural(count, 'assignment')}."


def more_waiting(count: int) -> str:
    """After Approve all: work that came in since /review was opened."""
    return f"{count} more came in since you opened /review: /review to see them."


def review_gold(alias: str, score: GoldScore) -> str:
    """A batch worker's gold accuracy, on the review card."""
    return (
        f"🎯 <code>{escape(alias)}</code> gold accuracy in this batch: "
        f"{score.percent}% ({score.correct}/{score.total})"
    )


GOLD_REJECT_REASON = "Too many attention-check (gold) items answered wrongly."


def rejected_worker(alias: str, count: int) -> str:
    """An alert (plain text, no HTML); rejected_worker_line is the same on a card."""
    return f"❌ Rejected {plural(count, 'submitted assignment')} by {alias}."


def rejected_worker_line(alias: str, count: int) -> str:
    """rejected_worker on a card (HTML)."""
    return escape(rejected_worker(alias, count))


def btn_reject_worker(alias: str) -> str:
    """Reject all of a low-gold worker's submitted work in the batch (not just this one)."""
    return f"❌ Reject all by {alias}"


def btn_block_worker(alias: str) -> str:
    """Block a worker (low on gold) from the requester's HITs."""
    return f"⛔ Block {alias}"


# -- /bonus ----------------------------------------------------------------------------------------

BONUS_USAGE = (
    "Use: <code>/bonus W-7F3K 0.50 Great notes</code> (a worker alias or an assignment "
    "number, an amount, a reason the worker will read)."
)
BONUS_TEXTS = {
    BonusResult.OK: "🎁 Sent {amount} to <code>{alias}</code>.",
    BonusResult.UNKNOWN_WORKER: "No worker is called {alias}. Aliases are in /review and /results.",
    BonusResult.NOT_YOURS: "You can only bonus workers who did your HITs.",
    BonusResult.INSUFFICIENT_FUNDS: (
        "⚠️ Not enough balance for a {amount} bonus. Add money with /deposit."
    ),
    BonusResult.DUPLICATE: "Already sent.",
}


def with_fee(amount_cents: int, fee_cents: int) -> str:
    """An amount the requester pays, with the marketplace's fee on it: "$0.50 + $0.05 fee"."""
    return money(amount_cents) + (f" + {money(fee_cents)} fee" if fee_cents else "")


def bonus_notice(amount_cents: int, reason: str, title: str | None) -> str:
    """To the worker: a bonus, the requester's reason and the task it is for."""
    on = f" for <b>{escape(title)}</b>" if title else ""
    return f"🎁 Bonus +{money(amount_cents)}{on}\n“{escape(reason)}” /earnings"


# -- /block, /unblock ------------------------------------------------------------------------------

BLOCK_USAGE = "Use: <code>/block W-7F3K</code> (the worker's alias from /review or /results)."
BLOCK_TEXTS = {
    BlockResult.OK: (
        "⛔ <code>{alias}</code> is blocked: they won't see or take your HITs. "
        "<code>/unblock {alias}</code> undoes it."
    ),
    BlockResult.ALREADY: "<code>{alias}</code> is already blocked.",
    BlockResult.UNKNOWN_WORKER: "No worker is called {alias}.",
}
UNBLOCK_USAGE = "Use: <code>/unblock W-7F3K</code> (an alias you blocked)."
UNBLOCK_TEXTS = {
    BlockResult.OK: "✅ <code>{alias}</code> is unblocked: they can see and take your HITs again.",
    BlockResult.ALREADY: "<code>{alias}</code> wasn't blocked.",
    BlockResult.UNKNOWN_WORKER: "No worker is called {alias}.",
}
BLOCK_ALERTS = {
    BlockResult.OK: "⛔ {alias} is blocked: they won't see or take your HITs.",
    BlockResult.ALREADY: "{alias} is already blocked.",
    BlockResult.UNKNOWN_WORKER: "No worker is called {alias}.",
}


# -- /qualify and qualification tests --------------------------------------------------------------

QUALIFY_ASK_NAME = (
    "🎓 <b>New qualification</b>. What's its name? e.g. <code>Bird expert</code> (/cancel)"
)
QUALIFY_ASK_QUESTION = (
    "Send test questions one per message, the right answer starred:\n"
    "<code>Which is a sparrow? | *small brown bird | large seabird | owl</code>\n"
    "{count} so far (at most {most}). Send /done when finished."
)
QUALIFY_ASK_PASS = "Pass mark in percent? e.g. <code>80</code>"
QUALIFY_NAME_TAKEN = "You already have a qualification with that name. Send another name."
QUALIFY_CANCELLED = "Qualification discarded."
QUALIFY_NEEDS_QUESTION = "Add at least one question first."


def qualify_created(test: QualificationTest) -> str:
    """A new qualification test: how workers take it and how to require it."""
    return (
        f"✅ Qualification <b>{escape(test.name)}</b> (#{test.id}) with "
        f"{plural(len(test.questions), 'question')}, pass at {test.pass_percent}%.\n"
        f"Workers take it with <code>/qualtest {test.id}</code>. Require it on a draft: "
        f"<code>/require 12 qual {_qualification_ref(test)}</code> (12 = the draft's number), "
        "or tick it in /newsurvey."
    )


def _qualification_ref(test: QualificationTest) -> str:
    """How /require names the qualification: its name, or #id if the name would not parse
    back (a last word that is a number reads as a level)."""
    last = test.name.split()[-1]
    return f"#{test.id}" if last.removeprefix("#").isdigit() else escape(test.name)


QUALTEST_USAGE = "Use: <code>/qualtest 3</code> (the number the requester gave you)."


def test_question(test: QualificationTest, position: int) -> str:
    """A question of a qualification test, and where the worker is in it."""
    q = test.questions[position]
    return (
        f"🎓 <b>{escape(test.name)}</b> test · {position + 1}/{len(test.questions)}\n\n"
        f"❓ {escape(q.prompt)}"
    )


TEST_TEXTS = {
    TestResult.PASSED: "🎓 Passed {name} with {score}% — you now hold this qualification.",
    TestResult.FAILED: "Not passed: {score}% ({need}% needed). This test can be taken once.",
    TestResult.NOT_FOUND: "There is no such qualification test.",
    TestResult.ALREADY_TAKEN: "You already took this test ({score}%).",
    TestResult.OWN_TEST: "That's your own qualification.",
    TestResult.STALE: "That question was already answered.",
}


# -- /require, /grant, /revoke ---------------------------------------------------------------------

REQUIRE_USAGE = (
    "Add a requirement to a draft before you publish it:\n"
    "<code>/require 12 approval 95</code> — approval rate at least 95%\n"
    "<code>/require 12 approved 10</code> — at least 10 approved tasks\n"
    "<code>/require 12 locale de</code> — workers whose language is German\n"
    "<code>/require 12 qual Trusted</code> — your qualification (give it with /grant)\n"
    "<code>/require 12 qual Bird expert 2</code> — at level 2 or more; name a qualification "
    "by its name or by the number /qualify gave it (<code>qual #1</code>)\n"
    "<code>/require b3 approval 95</code> — the same for every item of draft batch 3"
)


def draft_name(draft_id: int, batch: bool) -> str:
    """(12, False) -> "HIT #12"; (3, True) -> "Batch #3"."""
    return f"Batch #{draft_id}" if batch else f"HIT #{draft_id}"


def require_error(problem: str) -> str:
    """What is wrong with a /require, and its forms."""
    return try_again(problem, "\n" + REQUIRE_USAGE)


REQUIRE_TEXTS = {
    RequireResult.OK: "✅ {what} now requires {requirement}. Publish here or from its preview.",
    RequireResult.NOT_FOUND: "You have no {what}.",
    RequireResult.NOT_DRAFT: (
        "{what} is already published: requirements are set before publishing."
    ),
    RequireResult.UNKNOWN_QUALIFICATION: (
        "You have no qualification called “{name}”. Give it to a worker first: "
        "<code>/grant W-7F3K {name}</code>"
    ),
}


def required(
    result: RequireResult, draft_id: int, batch: bool, req: Requirement, number: int | None
) -> str:
    """What /require answers: the requirement the draft has now, or why not ("⚠️ …");
    `number` is the qualification's number when the requester gave one."""
    if result is RequireResult.UNKNOWN_QUALIFICATION and number is not None:
        return "⚠️ " + no_qualification_number(number)
    text = REQUIRE_TEXTS[result].format(
        what=draft_name(draft_id, batch),
        requirement=requirement_label(req),
        name=escape(req.qualification_name),
    )
    return text if result is RequireResult.OK else "⚠️ " + text


def requirement_label(req: Requirement) -> str:
    """How a requirement reads for its requester: "approval rate ≥ 95%"."""
    if req.comparator:
        return requirement_compared(req)
    if req.kind is RequirementKind.APPROVAL_RATE:
        return f"approval rate ≥ {req.value}%"
    if req.kind is RequirementKind.APPROVED_COUNT:
        return f"at least {req.value} approved"
    if req.kind is RequirementKind.LOCALE:
        return f"language {escape(req.value)}"
    return f"“{escape(req.qualification_name)}” ≥ {req.value}"


GRANT_USAGE = (
    "<code>/grant W-7F3K Trusted</code> gives a worker your qualification "
    "(add a number for a level: <code>/grant W-7F3K Trusted 3</code>);\n"
    "<code>/revoke W-7F3K Trusted</code> takes it away.\n"
    "A name may have spaces (<code>/grant W-7F3K Bird expert 2</code>), or use the number "
    "/qualify gave it (<code>/grant W-7F3K #1</code>); a last number is the level."
)


def grant_error(problem: str) -> str:
    """What is wrong with a /grant or /revoke, and their forms."""
    return try_again(problem, GRANT_USAGE)


GRANT_TEXTS = {
    GrantResult.OK: "✅ {alias} now holds “{name}” ({value}).",
    GrantResult.UNCHANGED: "{alias} already holds “{name}” ({value}).",
    GrantResult.UNKNOWN_WORKER: "There is no worker {alias}.",
    GrantResult.REVOKED: "“{name}” was taken from {alias}.",
    GrantResult.NOT_HELD: "{alias} doesn't hold “{name}”.",
    GrantResult.UNKNOWN_QUALIFICATION: "You have no qualification “{name}”.",
}


def granted(result: GrantResult, alias: str, name: str, value: int, number: int | None) -> str:
    """What /grant and /revoke answer (a refusal with "⚠️ "); `number` as for required."""
    if result is GrantResult.UNKNOWN_QUALIFICATION and number is not None:
        return "⚠️ " + no_qualification_number(number)
    text = GRANT_TEXTS[result].format(alias=escape(alias), name=escape(name), value=value)
    done = (GrantResult.OK, GrantResult.UNCHANGED, GrantResult.REVOKED)
    return text if result in done else "⚠️ " + text


def no_qualification_number(number: int) -> str:
    """A qualification number the requester has none of (/require, /grant)."""
    return f"You have no qualification #{number}. Use the number /qualify gave it, or its name."


def qualified_notice(name: str, value: int) -> str:
    """To the worker: a requester granted them a qualification."""
    level = "" if value == 1 else f" (level {value})"
    return (
        f"🎓 You were granted the qualification “{escape(name)}”{level}. "
        "More tasks are open to you."
    )


# -- the command menu of a requester's chat, after the workers' (handlers/menus.py) ----------------

REQUESTER_MENU = (
    ("newpoll", "Post a one-question poll"),
    ("review", "Approve or reject submitted work"),
    ("balance", "Your balance and escrow"),
    ("deposit", "Add money in Telegram"),
    ("paysupport", "Help with a payment or refund"),
    ("newsurvey", "Post a survey, step by step"),
    ("newbatch", "Upload items to tag"),
    ("myhits", "Progress; pause, resume, cancel"),
    ("results", "Counts, majorities, Export CSV"),
    ("bonus", "Pay a worker a bonus"),
    ("block", "Block a worker from your HITs"),
    ("unblock", "Lift a block on a worker"),
    ("qualify", "Define a qualification test"),
    ("apikey", "Keys for MTurk API scripts"),
    ("require", "Require a qualification on a draft"),
    ("grant", "Give a worker your qualification"),
    ("revoke", "Take your qualification away"),
    ("raise", "Raise a live HIT's reward"),
    ("linkchannel", "Post your new HITs in a channel"),
    ("unlinkchannel", "Stop posting in a channel"),
)
