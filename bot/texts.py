"""Every sentence a user reads, and how money and time are shown. HTML parse mode."""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING

from bot.domain import (
    Estimate,
    EstimateSource,
    Hit,
    HitKind,
    HitProgress,
    ListedHit,
    QualificationTest,
    QuestionKind,
    RequesterBalance,
    Requirement,
    RequirementKind,
    WorkerStats,
)
from bot.fair.results import DisputeResult, RaiseResult, RelayResult, Reputation
from bot.fit import clip, fit_lines
from bot.market.results import (
    AcceptResult,
    DeclineResult,
    ExtendResult,
    FloorCheck,
    FundResult,
    GrantResult,
    PublishResult,
    RequireResult,
    RetagResult,
    ReviewResult,
    WorkResult,
)
from bot.parsing import MIN_EST_S
from bot.requesting.export import GoldScore, ItemResult, OptionCounts, ResultsView
from bot.requesting.results import BlockResult, BonusResult, DraftResult, ManageResult, TestResult

if TYPE_CHECKING:
    from bot.market.stats import MarketStats
    from bot.matching.waves import WhyView


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


def plural(count: int, one: str, many: str | None = None) -> str:
    """A count with its noun: (1, "item") -> "1 item", (3, "item") -> "3 items",
    (2, "match", "matches") -> "2 matches"."""
    return f"{count} {one if count == 1 else (many or one + 's')}"


def hourly(reward_cents: int, seconds: float) -> str:
    """Reward for `seconds` of work as an hourly rate: (5, 60) -> "$3.00/h"."""
    if seconds <= 0:
        return "—"
    return money(round(reward_cents * 3600 / seconds)) + "/h"


def rate(reward_cents: int, e: Estimate) -> str:
    """The hourly rate of an estimate, marked as what it is: "≈$9.00/h", or "≥$1.50/h"
    when only the time allotted is known (the least it pays)."""
    mark = "≥" if e.source is EstimateSource.ALLOTTED else "≈"
    return mark + hourly(reward_cents, e.seconds)


def estimate_line(reward_cents: int, e: Estimate) -> str:
    """A card's line on pay per hour, saying where the time comes from."""
    took = duration(e.seconds)
    if e.source is EstimateSource.MEASURED:
        why = f"takes ≈ {took}: the median of {e.samples} done"
    elif e.source is EstimateSource.REQUESTER:
        why = f"takes ≈ {took}: the requester's estimate"
    else:
        why = f"if it takes all {took}: no estimate given"
    return f"⚡ {rate(reward_cents, e)} ({why})"


RATE_LEGEND = (
    "≈/h: from the median time of finished work (5 or more), else the requester's "
    "estimate; ≥/h: only the time allotted is known."
)


# -- onboarding and help ---------------------------------------------------------------------------

WELCOME = (
    "👋 <b>Welcome to gigbot</b>, {name}!\n"
    "Short paid tasks (polls, surveys, tagging) right here in the chat.\n"
    "• <b>Workers</b> tap <b>Accept</b>, answer with the buttons, tap <b>Submit</b>, "
    "and are paid for each approved answer.\n"
    "• <b>Requesters</b> post tasks and pay for them from their balance.\n"
    "Your alias for requesters is <code>{alias}</code> (they never see your name).\n\n"
    "/help — how it works"
)
WELCOME_BACK = "Welcome back, {name}! Your alias is <code>{alias}</code>. /help"
WELCOME_ASK = "\n\nWhat would you like to do?"
WELCOME_LINK = (
    "\n\n👇 Your task is just below. Want tasks like it sent to you? "
    "Tap <b>I want to work</b>."
)
BTN_ROLE_WORK = "🧑‍💻 I want to work"
BTN_ROLE_POST = "📋 I want to post tasks"
ALREADY_SET_UP = (
    "✅ You're set up: new tasks come to you here.\n"
    "/next — the best task now · /settings — change what you get"
)


def requester_start(available_cents: int, tg_id: int) -> str:
    """'I want to post tasks': money first (what there is, how to get more), then how to post."""
    if available_cents > 0:
        funds = f"💼 Your balance: <b>{money(available_cents)}</b>, ready to spend."
    else:
        funds = (
            f"💼 Your balance: <b>{money(available_cents)}</b>. The marketplace operator adds "
            f"money: give them your id <code>{tg_id}</code>. You'll be told when it arrives."
        )
    return (
        "📋 <b>Posting tasks</b>\n"
        f"{funds}\n\n"
        "1. Post a poll in one line:\n"
        "<code>/newpoll Tea or coffee? | Tea | Coffee ; reward=0.05 n=10 est=15s</code>\n"
        "or /newsurvey (several questions, step by step) · /newbatch (a CSV of items to tag).\n"
        "2. Check the preview and its total cost, tap <b>Publish</b>: the money waits in escrow.\n"
        "3. /review — approve (the worker is paid) or reject with a reason.\n\n"
        "/balance — your money · /myhits — your tasks · /help — every command"
    )
NOT_REGISTERED = "Please send /start first."


def welcome(template: str, name: str, alias: str) -> str:
    """WELCOME or WELCOME_BACK for this user; a first name is shown as written ("<3")."""
    return template.format(name=escape(name), alias=escape(alias))


# -- posting ---------------------------------------------------------------------------------------

TOPIC_TERM_HELP = (
    "Optional topic=opinion, images, language, shopping or research: workers who chose "
    "other topics don't get it."
)
POLL_EXAMPLE = (
    "/newpoll Which logo is clearer? | A | B | C ; reward=0.05 n=10 time=2m est=15s"
)


def poll_error(problem: str) -> str:
    """What is wrong with a one-line /newpoll, and one correct example."""
    return (
        f"⚠️ {escape(sentence(problem))}.\n"
        f"Like this: <code>{POLL_EXAMPLE}</code>\n"
        "Or send /newpoll alone and I'll ask step by step."
    )


# /newpoll alone: step by step (handlers/requester/poll.py)
POLL_ASK_QUESTION = (
    "📊 <b>New poll</b>: one question, workers tap an answer. What is the question?\n"
    f"(All in one message works too: <code>{POLL_EXAMPLE}</code>) /cancel to stop."
)


def poll_ask_options(question: str, most: int) -> str:
    return (
        f"<b>{escape(question)}</b>\nNow the answers to choose from, separated by |, e.g. "
        f"<code>Yes | No | Not sure</code> (2 to {most})."
    )


def poll_ask_terms(question: str, options: tuple[str, ...]) -> str:
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


def hit_preview(hit: Hit, options: tuple[str, ...]) -> str:
    lines = [f"<b>Preview</b> · poll #{hit.id}", f"❓ {escape(hit.title)}"]
    lines += [f"  • {escape(option)}" for option in options]
    lines.append(
        f"💰 {money(hit.reward_cents)} × {plural(hit.max_assignments, 'worker')} = "
        f"<b>{money(hit.escrow_cents)}</b>"
    )
    lines.append(
        f"⏱ {duration(hit.time_allotted_s)} each · open for {duration(hit.lifetime_s)}"
        f" · auto-approve after {duration(hit.auto_approve_s)}"
    )
    if hit.topic:
        lines.append(topic_line(hit.topic))
    return "\n".join(lines)


HIT_KIND_WORDS = {HitKind.POLL: "poll", HitKind.SURVEY: "survey", HitKind.TAG: "tagging task"}
PUBLISH_TEXTS = {  # {kind}: a word of HIT_KIND_WORDS
    PublishResult.OK: (
        "✅ Published {kind} #{hit_id}. {cost} is held in escrow. /review when work arrives."
    ),
    PublishResult.NOT_FOUND: "This draft no longer exists. Post a new one with /newpoll.",
    PublishResult.ALREADY: "This {kind} (#{hit_id}) is already published.",
    PublishResult.INSUFFICIENT_FUNDS: (
        "⚠️ Not enough balance: publishing needs {cost}, you have {available}. "
        "Ask an admin to /fund your account."
    ),
    PublishResult.UNDER_FLOOR: "⚠️ This pays under the fair-pay floor; raise the reward.",
}
DRAFT_DISCARDED = "🗑 Draft discarded."


# -- drafts: the pay floor on the preview, terms changed in place (bot/requesting/drafts.py) -------

BTN_CHANGE_TERMS = "✏️ Change terms"


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


# -- working ---------------------------------------------------------------------------------------


ACCEPT_ALERTS = {
    AcceptResult.FULL: "This task is full — /next",
    AcceptResult.NOT_OPEN: "This task isn't open now (paused, closed or over) — /next",
    AcceptResult.NOT_FOUND: "This task no longer exists.",
    AcceptResult.TOO_MANY_ACTIVE: (
        "You already have {max_active} tasks in progress. Finish one first."
    ),
    AcceptResult.OWN_HIT: "That's your own task.",
    AcceptResult.NOT_REGISTERED: NOT_REGISTERED,
    AcceptResult.ALREADY_YOURS: "You already took this task.",
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
    return f"↩️ Returned <b>{escape(title)}</b> — no harm done. /next"


def no_longer_active(title: str) -> str:
    return f"⌛ {escape(title)} is no longer active."


SKIPPED = "Skipped."


# -- reviewing -------------------------------------------------------------------------------------

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


ANSWERS_SHORTENED = "✂️ Long answers are shortened here: <b>📄 Full answers</b> sends them all."
BTN_FULL_ANSWERS = "📄 Full answers"
FULL_ANSWERS_SENT = "📄 Here are all the answers, as a file."


def full_answers_caption(hit_id: int, assignment_id: int, alias: str) -> str:
    """The caption of the answers file (plain text): "HIT #3 · assignment 7 · W-7F3K"."""
    return f"HIT #{hit_id} · assignment {assignment_id} · {alias}"


def full_answers_file(
    title: str, numbers: tuple[int, int], alias: str, answers: list[tuple[str, str]]
) -> str:
    """An assignment's answers in full, as the text of a .txt file (no HTML)."""
    hit_id, assignment_id = numbers
    lines = [title, f"HIT #{hit_id} · assignment {assignment_id} · by {alias}", ""]
    for number, (question, answer) in enumerate(answers, start=1):
        lines += [f"{number}. {question}", answer, ""]
    return "\n".join(lines)


REVIEW_TEXTS = {
    ReviewResult.OK: "✅ Approved: the worker is paid.",
    ReviewResult.NOT_YOURS: "This isn't your HIT.",
    ReviewResult.ALREADY_REVIEWED: "Already reviewed.",
    ReviewResult.NOT_SUBMITTED: "This work isn't submitted (yet).",
    ReviewResult.REASON_REQUIRED: "A reason is required to reject. Reply with it, or /cancel.",
}


def approved_toast(alias: str, reward_cents: int) -> str:
    """The toast after Approve: "✅ Approved W-7F3K's work: +$0.05 paid"."""
    return f"✅ Approved {alias}'s work: +{money(reward_cents)} paid"


ASK_REJECT_REASON = (
    "Why are you rejecting this work by <code>{alias}</code>? Reply with a short reason "
    "the worker will read (or /cancel)."
)


def rejected_line(alias: str, assignment_id: int) -> str:
    """Above the next review card, after a reject with a reason."""
    return (
        f"❌ Rejected <code>{escape(alias)}</code>'s work (assignment {assignment_id}) "
        "with your reason."
    )


def reject_asked(alias: str, title: str, assignment_id: int) -> str:
    """The review card while it waits for the reason (the card comes back after it)."""
    return (
        f"❌ <b>Reject</b> · {escape(title)} · assignment {assignment_id}\n"
        + ASK_REJECT_REASON.format(alias=escape(alias))
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


def approved_notice(title: str, reward_cents: int) -> str:
    return f"✅ Approved: <b>{escape(title)}</b> +{money(reward_cents)}. /earnings"


def rejected_notice(title: str, reason: str) -> str:
    return f"❌ Rejected: <b>{escape(title)}</b>\nReason: {escape(reason)}"


# -- money -----------------------------------------------------------------------------------------


def balance(b: RequesterBalance) -> str:
    text = f"💼 Available: <b>{money(b.available_cents)}</b>\n🔒 In escrow: {money(b.escrow_cents)}"
    if b.available_cents < 0:  # a reversed rejection paid after the refund was spent
        text += (
            f"\n⚠️ You owe {money(-b.available_cents)} (work you rejected was approved on "
            "dispute): new HITs wait until a top-up covers it."
        )
    return text


FUND_USAGE = (
    "Use: <code>/fund &lt;telegram user id&gt; &lt;amount&gt;</code>, "
    "e.g. <code>/fund 123456 25.00</code>"
)


def fund_error(problem: str) -> str:
    return f"⚠️ {escape(sentence(problem))}.\n{FUND_USAGE}"


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
BTN_REJECT = "❌ Reject this"


# -- requester tools: /newsurvey -------------------------------------------------------------------

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
    "<code>reward=0.10 n=20 time=5m life=1d auto=3d</code>\n"
    "reward per answer (required) · n workers (10) · time allotted (5m) · "
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


def try_again(problem: str, form: str) -> str:
    return f"⚠️ {escape(sentence(problem))}.\n{form}"


def sentence(problem: str) -> str:
    """A parser's problem as the start of a sentence: "the reward is missing" -> "The …"."""
    return problem[:1].upper() + problem[1:]


def survey_preview(
    hit: Hit, questions: list[tuple[str, str, tuple[str, ...]]], quals: list[str]
) -> str:
    lines = [f"<b>Preview</b> · survey #{hit.id}", f"📝 <b>{escape(hit.title)}</b>"]
    for number, (kind, prompt, options) in enumerate(questions, start=1):
        # ten questions of the longest prompts and choices still leave room for the cost
        shown = f" ({escape(clip(', '.join(options), 150))})" if options else ""
        lines.append(f"{number}. {escape(clip(prompt, 120))} — {KIND_NAMES.get(kind, kind)}{shown}")
    lines.append(
        f"💰 {money(hit.reward_cents)} × {plural(hit.max_assignments, 'worker')} = "
        f"<b>{money(hit.escrow_cents)}</b>"
    )
    lines.append(
        f"⏱ {duration(hit.time_allotted_s)} each · open for {duration(hit.lifetime_s)}"
        f" · auto-approve after {duration(hit.auto_approve_s)}"
    )
    if quals:
        lines.append("🎓 Requires: " + ", ".join(escape(q) for q in quals))
    if hit.topic:
        lines.append(topic_line(hit.topic))
    return "\n".join(lines)


# -- requester tools: /newbatch --------------------------------------------------------------------

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
    "<code>Tag the animal ; reward=0.02 n=3 time=2m life=1d</code>\n"
    "n = answers per item (redundancy).\n"
    f"{TOPIC_TERM_HELP}"
)
BATCH_CANCELLED = "Batch discarded. Nothing was created."
BATCH_MORE_PROBLEMS = "…and {more} more."


def batch_file_errors(problems: list[tuple[int, str]]) -> str:
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
    return (
        f"<b>Preview</b> · batch #{batch_id}\n"
        f"🏷 <b>{escape(title)}</b>: {plural(items, 'item')} ({golds} gold)\n"
        f"Labels: {', '.join(escape(label) for label in labels)}\n"
        f"💰 {money(hit.reward_cents)} × {plural(hit.max_assignments, 'answer')} × "
        f"{plural(items, 'item')} = "
        f"<b>{money(total)}</b>\n"
        f"⏱ {duration(hit.time_allotted_s)} each · open for {duration(hit.lifetime_s)}\n"
        + (f"{topic_line(hit.topic)}\n" if hit.topic else "")
        + f"Only for some workers? <code>/require b{batch_id} approval 95</code> (/require)"
    )


BATCH_PUBLISH_TEXTS = {
    PublishResult.OK: "✅ Published batch #{batch_id}. {cost} is held in escrow. /myhits",
    PublishResult.NOT_FOUND: "This batch no longer exists. /newbatch",
    PublishResult.ALREADY: "Batch #{batch_id} is already published. /myhits",
    PublishResult.INSUFFICIENT_FUNDS: (
        "⚠️ Not enough balance: the batch needs {cost}, you have {available}. "
        "Ask an admin to /fund your account."
    ),
    PublishResult.UNDER_FLOOR: "⚠️ This pays under the fair-pay floor; raise the reward.",
}


# -- requester tools: /myhits, /results ------------------------------------------------------------

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
    return (
        f"You have {plural(total, 'HIT or batch', 'HITs and batches')}: that page is past "
        "the last one. /myhits"
    )
MANAGE_TEXTS = {
    ManageResult.OK: "✅ Changed.",
    ManageResult.NOT_FOUND: "That isn't one of your HITs.",
    ManageResult.NOT_NOW: "Nothing to change: it is already in that state.",
}


def cancelled_refund(refund_cents: int) -> str:
    return f"🚫 Cancelled. {money(refund_cents)} returned to your balance."


PAUSED = "⏸ Paused: nobody new can take it; work in progress can still be submitted."
RESUMED = "▶️ Resumed: workers can take it again."
BTN_PAUSE = "⏸ Pause"
BTN_RESUME = "▶️ Resume"
BTN_CANCEL_HIT = "🚫 Cancel"
BTN_RESULTS = "📊 Results"
BTN_EXPORT = "📄 Export CSV"
BTN_BACK_TO_REVIEW = "↩ Back to review"


def btn_approve_all(count: int) -> str:
    return f"✅ Approve all {count}"


def btn_approve_all_yes(count: int) -> str:
    return f"✅ Yes, approve {count}"


def confirm_approve_all(count: int, cents: int) -> str:
    return (
        f"Approve {'the' if count == 1 else 'all'} <b>{plural(count, 'submission')}</b> "
        "waiting on your HITs, paying "
        f"{money(cents)} in total? Work submitted after you opened /review is not included."
    )
RESULTS_USAGE = (
    "Use: <code>/results 12</code> for HIT 12 or <code>/results b3</code> for batch 3 "
    "(the numbers are in /myhits)."
)
RESULTS_NOT_FOUND = "No results: that isn't one of your published HITs or batches. /myhits"
GOLD_LOW = "⚠️ Below {threshold}% on gold items: {aliases}"


def results_view(view: ResultsView, threshold: int) -> str:
    name = f"batch #{view.target_id}" if view.scope == "b" else f"#{view.target_id}"
    lines = [f"📊 <b>{escape(clip(view.title, 200))}</b> ({name}) · {_answers(view.assignments)}"]
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


GOLD_LISTED = 20  # workers named on a gold line of /results; the CSV has them all
RESULTS_BUDGET = 3400  # units of question lines on /results (many long questions: the CSV)
RESULTS_MORE = "… the other questions are in the CSV: 📄 Export CSV."


def _some(shown: list[str], most: int) -> str:
    """The first `most` of a list, and how many more: "a, b and 3 more (in the CSV)"."""
    if len(shown) <= most:
        return ", ".join(shown)
    return ", ".join(shown[:most]) + f" and {len(shown) - most} more (in the CSV)"


def _answers(n: int) -> str:
    return f"{n} answer{'' if n == 1 else 's'}"


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
        return [f"   {_answers(q.answered)} in text (in the CSV)"]
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


# -- requester tools: review extras, bonus, block --------------------------------------------------


def review_gold(alias: str, score: GoldScore) -> str:
    return (
        f"🎯 <code>{escape(alias)}</code> gold accuracy in this batch: "
        f"{score.percent}% ({score.correct}/{score.total})"
    )


def approved_all(count: int) -> str:
    return f"✅ Approved {plural(count, 'assignment')}."


def more_waiting(count: int) -> str:
    return f"{count} more came in since you opened /review: /review to see them."


GOLD_REJECT_REASON = "Too many attention-check (gold) items answered wrongly."


def rejected_worker(alias: str, count: int) -> str:
    """An alert (plain text, no HTML); rejected_worker_line is the same on a card."""
    return f"❌ Rejected {plural(count, 'submitted assignment')} by {alias}."


def rejected_worker_line(alias: str, count: int) -> str:
    return escape(rejected_worker(alias, count))


def btn_reject_worker(alias: str) -> str:
    """Reject all of a low-gold worker's submitted work in the batch (not just this one)."""
    return f"❌ Reject all by {alias}"


def btn_block_worker(alias: str) -> str:
    return f"⛔ Block {alias}"


BONUS_USAGE = (
    "Use: <code>/bonus W-7F3K 0.50 Great notes</code> (a worker alias or an assignment "
    "number, an amount, a reason the worker will read)."
)
BONUS_TEXTS = {
    BonusResult.OK: "🎁 Sent {amount} to <code>{alias}</code>.",
    BonusResult.UNKNOWN_WORKER: "No worker is called {alias}. Aliases are in /review and /results.",
    BonusResult.NOT_YOURS: "You can only bonus workers who did your HITs.",
    BonusResult.INSUFFICIENT_FUNDS: "⚠️ Not enough balance for a {amount} bonus. /balance",
    BonusResult.DUPLICATE: "Already sent.",
}


def bonus_notice(amount_cents: int, reason: str, title: str | None) -> str:
    on = f" for <b>{escape(title)}</b>" if title else ""
    return f"🎁 Bonus +{money(amount_cents)}{on}\n“{escape(reason)}” /earnings"


BLOCK_USAGE = "Use: <code>/block W-7F3K</code> (the worker's alias from /review or /results)."
BLOCK_TEXTS = {
    BlockResult.OK: "⛔ <code>{alias}</code> is blocked: they won't see or take your HITs.",
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


# -- requester tools: /qualify and tests -----------------------------------------------------------

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
# -- MTurk API keys (/apikey) ----------------------------------------------------------------------

BTN_NEW_API_KEY = "➕ New key"
BTN_REVOKE_API_KEY = "Revoke {short}"
API_OFF = "The MTurk-compatible API is not switched on here (GIGBOT_MTURK_LISTEN)."


def api_keys(keys: list[tuple[str, bool, float]], now: float, endpoint: str | None) -> str:
    """The /apikey screen: (access key id, active, created at) per key, newest first."""
    lines = [
        "🔑 <b>API keys</b> — point your MTurk boto3 scripts at gigbot.",
        f"endpoint_url: <code>{escape(endpoint)}</code>" if endpoint else API_OFF,
    ]
    if not keys:
        lines.append("You have no keys yet.")
    for key_id, active, created_at in keys:
        state = "active" if active else "revoked"
        lines.append(f"• <code>{key_id}</code> — {state}, made {duration(now - created_at)} ago")
    return "\n".join(lines)


def api_key_created(key_id: str, secret: str, endpoint: str | None) -> str:
    """The new key pair; the secret is shown this once."""
    url = endpoint or "http://your-gigbot:8765"
    return (
        "🔑 <b>New API key</b>\n"
        f"aws_access_key_id: <code>{key_id}</code>\n"
        f"aws_secret_access_key: <code>{escape(secret)}</code>\n\n"
        "⚠️ The secret is shown only now: copy it, then delete this message.\n"
        f'<code>boto3.client("mturk", endpoint_url="{escape(url)}", region_name="us-east-1",'
        " aws_access_key_id=..., aws_secret_access_key=...)</code>"
    )


API_KEY_LIMIT = "You already have 5 active keys. Revoke one first."
API_KEY_REVOKED = "Key {key_id} is revoked: requests signed with it are refused from now on."
API_KEY_NOT_FOUND = "That key is not yours or is already revoked."


# -- matching and qualifications -------------------------------------------------------------------

ACCEPT_ALERTS[AcceptResult.NOT_QUALIFIED] = (
    "This task isn't open to you: you don't meet its requirements."
)


def not_qualified_link(hit_id: int) -> str:
    return f"🔒 Task #{hit_id} isn't open to you: you don't meet its requirements. /help"


WHY_NOTHING = "You haven't been sent any task yet. When one arrives, reply to it with /why."


def _requirement(req: Requirement, stats: WorkerStats) -> str:
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


def _clock_time(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


# What /why calls each kind of task: "You take polls", "You take tagging tasks".
KIND_PLURALS = {"poll": "polls", "survey": "surveys", "tag": "tagging tasks"}


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
        met = [
            ("✓ " if ok else "✗ ") + _requirement(req, stats) for req, ok in view.requirements
        ]
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
    return f"⚠️ {escape(sentence(problem))}.\n\n{REQUIRE_USAGE}"


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


def requirement_label(req: Requirement) -> str:
    """How a requirement reads for its requester: "approval rate ≥ 95%"."""
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
    return f"⚠️ {escape(sentence(problem))}.\n{GRANT_USAGE}"


GRANT_TEXTS = {
    GrantResult.OK: "✅ {alias} now holds “{name}” ({value}).",
    GrantResult.UNCHANGED: "{alias} already holds “{name}” ({value}).",
    GrantResult.UNKNOWN_WORKER: "There is no worker {alias}.",
    GrantResult.REVOKED: "“{name}” was taken from {alias}.",
    GrantResult.NOT_HELD: "{alias} doesn't hold “{name}”.",
    GrantResult.UNKNOWN_QUALIFICATION: "You have no qualification “{name}”.",
}


def no_qualification_number(number: int) -> str:
    return (
        f"You have no qualification #{number}. Use the number /qualify gave it, or its name."
    )


def qualified_notice(name: str, value: int) -> str:
    level = "" if value == 1 else f" (level {value})"
    return (
        f"🎓 You were granted the qualification “{escape(name)}”{level}. "
        "More tasks are open to you."
    )
# -- durable time: reminders, abandonment, expiry, pause -------------------------------------------


def reminder(title: str, time_left: float) -> str:
    return (
        f"⏰ {duration(time_left)} left to finish <b>{escape(title)}</b>\n"
        "Submit before the time runs out, or the task goes back to the pool."
    )


def auto_approved_notice(hit_id: int, title: str, count: int, delay_s: int) -> str:
    """To the requester: work nobody reviewed within the delay was approved and paid."""
    work = "1 submission" if count == 1 else f"{count} submissions"
    return (
        f"✅ {work} on <b>{escape(title)}</b> (#{hit_id}) approved automatically: not "
        f"reviewed within {duration(delay_s)}. Paid from escrow. /myhits"
    )


def task_time_up(title: str) -> str:
    """What the task message says once its time ran out (the notice is a new message)."""
    return f"⌛ <b>{escape(title)}</b>\nOut of time: the task went back to the pool."


def task_moved(title: str) -> str:
    """An older message of a task shown again below (its buttons are gone)."""
    return f"⬇️ <b>{escape(title)}</b> continues in the message below."


def task_reviewed(title: str, reward_cents: int, approved: bool) -> str:
    """What the task message says once the work is reviewed (the notice is a new message)."""
    head = f"📨 Submitted: <b>{escape(title)}</b>\n"
    if approved:
        return head + f"✅ Reviewed: approved, {money(reward_cents)} paid. /earnings"
    return head + "❌ Reviewed: rejected — the requester's reason is in the message about it."


def reminder_over(title: str, status: str) -> str:
    """A reminder once the work is no longer in progress (its buttons are gone)."""
    if status == "returned":
        return f"↩️ <b>{escape(title)}</b>: returned — nothing left to do here."
    if status == "abandoned":
        return f"⌛ <b>{escape(title)}</b>: the time ran out and it went back to the pool."
    return f"✅ <b>{escape(title)}</b>: submitted — nothing left to do here."


def push_closed(title: str, status: str) -> str:
    """An earlier push (or offer) once its HIT was cancelled or expired."""
    why = "withdrawn by the requester" if status == "cancelled" else "closed: its time is over"
    return f"🔒 <s>{escape(title)}</s>\nNo longer open — {why}. /next"


def abandoned_notice(title: str) -> str:
    return (
        f"⌛ Time's up: <b>{escape(title)}</b> wasn't submitted in time and went back "
        "to the pool. /next"
    )


def expired_notice(hit_id: int, title: str, refund_cents: int) -> str:
    refunded = f" {money(refund_cents)} went back to your balance." if refund_cents else ""
    return f"⌛ HIT #{hit_id} <b>{escape(title)}</b> has expired.{refunded} /balance"


BTN_OPEN_TASK = "📝 Open the task"


IN_PROGRESS_BELOW = "Your tasks in progress are below."


def btn_open(title: str) -> str:
    """A button back to one task in progress (/status): "📝 Which logo is clea…"."""
    return "📝 " + (title if len(title) <= 28 else title[:27] + "…")


# -- fair work: reputation, the pay floor, disputes, messages, /free -------------------------------


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
    parts.append(f"{rep.disputes_lost} dispute{'' if rep.disputes_lost == 1 else 's'} lost")
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
    return (
        f"⚠️ <b>{escape(title)}</b> (#{hit_id}) takes workers {duration(median_s)} (median of "
        f"the first submissions): that is {money(hourly)}/h, under the fair-pay floor.\n"
        f"New workers aren't notified until you raise the reward to at least "
        f"<b>{money(needed)}</b>: <code>/raise {hit_id} {money(needed)[1:]}</code>. "
        "The raised reward is paid for every assignment not yet approved, work already "
        "submitted included."
    )


RAISE_USAGE = "Use: <code>/raise 12 0.40</code> (HIT number, new reward per assignment)."


def raise_text(result: RaiseResult, check: FloorCheck | None, hit_id: int) -> str:
    if result is RaiseResult.OK:
        return f"✅ Reward of #{hit_id} raised; the difference is in escrow. Pushes are on."
    if result is RaiseResult.STILL_UNDER and check is not None:
        return (
            f"Raised, but still {money(check.hourly_cents)}/h at the measured "
            f"{duration(check.seconds)}: pushes resume at {money(check.needed_cents)}."
        )
    return {
        RaiseResult.NOT_FOUND: "That isn't one of your live HITs. /myhits",
        RaiseResult.NOT_HIGHER: "The new reward must be higher than the current one.",
        RaiseResult.INSUFFICIENT_FUNDS: "⚠️ Not enough balance to escrow the difference. /balance",
    }.get(result, SOMETHING_WRONG)


BTN_RATE = "⭐ Rate requester"
BTN_DISPUTE = "⚖️ Dispute"
BTN_MESSAGE_REQUESTER = "💬 Message requester"
BTN_REPLY = "↩️ Reply"
BTN_REVERSE = "✅ Reverse: approve and pay"
BTN_UPHOLD = "✋ Uphold rejection"
# A row's label is its first button of six: an emoji fits a phone, "Communication" is cut.
RATING_NAMES = {"p": "💵", "f": "⚖️", "c": "💬"}
RATED = (("pay", "Pay"), ("fairness", "Fairness"), ("communication", "Communication"))


def rating_prompt(title: str, given: dict[str, int]) -> str:
    shown = ", ".join(f"{name} {given[key]}★" for key, name in RATED if key in given)
    return (
        f"⭐ Rate the requester of <b>{escape(title)}</b> (optional, anonymous), 1–5:\n"
        "💵 pay · ⚖️ fairness · 💬 communication\n" + (f"So far: {shown}" if shown else "")
    ).rstrip()


RATING_SAVED = "Thanks — saved."
RATING_REFUSED = "You can rate only requesters who reviewed your work."

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


def dispute_closed_notice(title: str, status: str, reward_cents: int, reply: str | None) -> str:
    if status == "reversed":
        return (
            f"⚖️ Dispute won: <b>{escape(title)}</b> is approved. "
            f"+{money(reward_cents)} /earnings"
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
    return (
        f"⌛ You didn't answer the dispute of <code>{escape(alias)}</code> on "
        f"<b>{escape(title)}</b> in time: the work was approved and {money(reward_cents)} paid "
        "from your balance. It counts as a dispute lost."
    )


ASK_MESSAGE = (
    "💬 Write your message (up to 500 characters). It arrives under your alias if you are "
    "the worker, under your first name if you are the requester; never with your username "
    "or Telegram account. /cancel to stop."
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
    who = f"worker <code>{escape(sender)}</code>" if from_worker else f"requester {escape(sender)}"
    return f"💬 From {who} about <b>{escape(title)}</b>:\n{escape(body)}"


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
        took = f"up to {duration(e.seconds)}" if e.source is EstimateSource.ALLOTTED else (
            f"~{duration(e.seconds)}"
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
    return f"✅ {n}. {money(reward_cents)}"


FAIR_TEXT_CANCELLED = "OK, nothing was sent."
FAIR_TEXT_EXPIRED = (
    "That button asked for your text over {wait} ago, so nothing was sent. "
    "Tap it again to write it."
)
RATE_PICK_A_NUMBER = "Tap a number from 1 to 5."
# -- MTurk API: workers' side (bonuses, messages, qualifications, web tasks) -----------------------


def requester_message_notice(
    sender: str, subject: str, text: str, part: int = 1, parts: int = 1
) -> str:
    """A requester's NotifyWorkers message, relayed (the worker's identity stays hidden);
    one too long for a Telegram message comes in parts, "(2/3)", the subject on the first."""
    counted = f" ({part}/{parts})" if parts > 1 else ""
    lines = [f"✉️ Message from requester <b>{escape(sender)}</b>{counted}"]
    if part == 1:
        lines.append(f"<b>{escape(subject)}</b>")
    lines.append(escape(text))
    if part == parts:
        lines.append("\n<i>Relayed by gigbot: the requester knows you only by your alias.</i>")
    return "\n".join(lines)


WEB_TASK_PROMPT = (
    "This task is a web page. Open it with the button below, do the task there and submit "
    "it there; gigbot records it for you."
)
BTN_OPEN_WEB_TASK = "🌐 Open the task page"
BTN_PREVIEW_TASK = "👀 Preview"
WEB_PAGE_TITLE = "gigbot"
WEB_PAGE_SUBMITTED = "Submitted “{title}” — {reward} pending review. You can go back to Telegram."
WEB_PAGE_PREVIEW = "This is a preview. Accept the task in Telegram to work on it."
WEB_PAGE_REFUSED = {
    "forbidden": "This link is not valid. Open the task from its button in Telegram.",
    "not_active": "This assignment is no longer open (submitted, returned or out of time).",
    "mismatch": "This form belongs to another assignment.",
    "preview": "This is a preview: accept the task in Telegram before submitting.",
}


def web_page_too_large(field_most: int, total_most: int) -> str:
    """A web task's form over the bounds: nothing was stored, the worker can try again."""
    return (
        f"Your answers are too long: at most {field_most:,} characters per field and "
        f"{total_most:,} in all. Nothing was submitted: go back, shorten them and submit again."
    )
# -- the worker experience (issue 4) ---------------------------------------------------------------

HIT_KIND_NAMES = {"poll": "Polls", "survey": "Surveys", "tag": "Tagging"}
TOPIC_NAMES = {
    "opinion": "Opinions",
    "images": "Images",
    "language": "Language",
    "shopping": "Shopping",
    "research": "Research",
}
HELP_WORKER = (
    "<b>How gigbot works</b>\n"
    "1. A task card arrives: 💰 pay, ⏱ time you get, ≈ hourly rate.\n"
    "2. <b>Accept</b> it (or <b>Preview</b> first). It's yours until the time runs out.\n"
    "3. Tap the answers; for text questions reply to the task message. "
    "<b>Submit</b> at the end. <b>Return</b> any time if you change your mind.\n"
    "4. The requester approves → money in /earnings.\n\n"
    "/hits — open tasks · /next — the best one now\n"
    "/earnings — money · /status — your record · /settings — what you get\n\n"
    "Posting tasks? Tap <b>For requesters</b>."
)
HELP_REQUESTER = (
    "<b>Posting tasks</b>\n"
    "/newpoll Question? | A | B ; reward=0.05 n=10 time=2m — a one-question poll "
    "(/newpoll alone: step by step)\n"
    "/newsurvey — several questions, step by step\n"
    "/newbatch — a CSV or JSON file of items to tag\n"
    "Each shows a preview with the total cost; Publish holds it in escrow.\n\n"
    "/myhits — progress; pause, resume or cancel (unspent money comes back)\n"
    "/review — approve, or reject with a reason · /results 12 — answers and CSV\n"
    "/bonus · /block · /require · /qualify — reward and choose workers\n"
    "/linkchannel — announce batches in your channel\n"
    "/apikey — keys for MTurk boto3 scripts · /balance — your money"
)
BTN_HELP_REQUESTER = "📋 For requesters"
BTN_HELP_WORKER = "◀️ For workers"
SETUP_INTRO = "<b>Quick setup</b> — 5 taps, change any time in /settings.\n"
BTN_SETUP_SKIP = "⏩ Skip, use defaults"
BTN_SETUP_FINISH = "▶️ Finish setup"
SETUP_UNFINISHED = "\n⏸ No tasks are sent to you until you finish the setup."
SETUP_QUESTIONS = {  # what each setup step asks, at onboarding and from /settings
    "kinds": "Which tasks do you want? Tap to switch on/off.",
    "topics": "Topics you like (none ticked = any topic).",
    "reward": "Smallest reward worth a push?",
    "tz": (
        "Your time zone? Or send <code>/timezone Area/City</code>, "
        "e.g. <code>/timezone Europe/Berlin</code>."
    ),
    "quiet": "Quiet hours (no pushes, your local time)?",
}


def setup_question(step: str, number: int, total: int, onboarding: bool) -> str:
    """A setup step's heading: "Step 2/5 · …" at onboarding, "⚙️ …" from /settings."""
    head = f"<b>Step {number}/{total}</b> · " if onboarding else "⚙️ "
    return head + SETUP_QUESTIONS[step]


KEEP_ONE_KIND = "Keep at least one kind of task."
TIMEZONE_USAGE = (
    "Send a time zone like <code>/timezone Europe/Berlin</code> or "
    "<code>/timezone America/New_York</code>."
)


def timezone_set(name: str) -> str:
    return f"🕒 Time zone set to <b>{escape(name)}</b>. /settings"


def quiet_label(start: int | None, end: int | None) -> str:
    """(1320, 420) -> "22:00–07:00"; None -> "off"."""
    if start is None or end is None:
        return "off"
    return f"{start // 60:02d}:{start % 60:02d}–{end // 60:02d}:{end % 60:02d}"


def reward_floor(cents: int) -> str:
    return "any" if cents <= 0 else f"{money(cents)}+"


def settings_summary(
    kinds: list[str], topics: list[str], min_reward: int, tz: str, quiet: str, notify: bool
) -> str:
    return (
        "<b>Your settings</b>\n"
        f"📋 Tasks: {', '.join(HIT_KIND_NAMES[k] for k in kinds)}\n"
        f"🏷 Topics: {', '.join(TOPIC_NAMES.get(t, t) for t in topics) or 'any'}\n"
        f"💰 Minimum reward: {reward_floor(min_reward)}\n"
        f"🕒 Time zone: {escape(tz)} · 🌙 Quiet hours: {quiet}\n"
        f"🔔 Pushes: {'on' if notify else 'off'}"
    )


SETUP_DONE = "✅ <b>All set!</b> New tasks will come to you here.\n/hits — see what's open now"


def requester_record(name: str, approved: int, rejected: int, counts: bool = True) -> str:
    """("Rita", 9, 1) -> "Rita (approves 90% of 10)"; no reviews yet -> "Rita (new requester)";
    just "Rita" without `counts` (a card whose reputation line gives them)."""
    if not counts:
        return escape(name)
    reviewed = approved + rejected
    if reviewed == 0:
        return f"{escape(name)} (new requester)"
    return f"{escape(name)} (approves {round(100 * approved / reviewed)}% of {reviewed})"


def hit_card(
    title: str,
    reward_cents: int,
    time_allotted_s: int,
    estimate: Estimate,
    requester: str,
    slots_left: int,
    max_assignments: int,
    questions: int,
    topic: str = "",
    reputation: str = "",
    batch_items: int = 0,
) -> str:
    """A HIT's card; `reputation` (the requester's one line) goes under their name; a
    batch's card counts the slots of all its items."""
    shown_topic = f" · 🗂 {escape(TOPIC_NAMES.get(topic, topic))}" if topic else ""
    return (
        f"🆕 <b>{escape(title)}</b>{shown_topic}\n"
        f"💰 {money(reward_cents)} · ⏱ {duration(time_allotted_s)} to do it · "
        f"{questions} question{'s' if questions != 1 else ''}\n"
        f"{estimate_line(reward_cents, estimate)}\n"
        f"👤 {requester}\n"
        + (f"{reputation}\n" if reputation else "")
        + f"🎟 {slots_left} of {max_assignments} left"
        + (f" · {plural(batch_items, 'item')}" if batch_items else "")
    )


def preview_header(title: str, reward_cents: int, time_allotted_s: int) -> str:
    return (
        f"👀 <b>Preview</b> · {escape(title)}\n"
        f"💰 {money(reward_cents)} · ⏱ {duration(time_allotted_s)} — nothing is taken yet."
    )


def preview_question(step: int, prompt: str, detail: str) -> str:
    return f"{step}. {escape(prompt)}" + (f"\n   <i>{escape(detail)}</i>" if detail else "")


PREVIEW_MORE = "… and {n} more."
QUESTION_FREE_TEXT = "free text"
QUESTION_RATING = "rating 1–5"


def muted(name: str) -> str:
    return f"🔕 Muted {escape(name)}: you won't be offered their tasks. /settings"


UNMUTED = "🔔 Unmuted."

LINK_TEXTS = {
    "unknown": "🤷 That task doesn't exist (any more). /next shows what's open.",
    "full": "🙅 <b>{title}</b> is full — every slot is taken. /next",
    "held": (
        "⏳ Every free slot of <b>{title}</b> is held for another worker right now (timed "
        "offers). If they pass, it goes to the next in line. /next"
    ),
    "expired": "⌛ <b>{title}</b> is closed. /next",
    "done": "You already did <b>{title}</b>. /next",
    "own": "That's your own task.",
    "unavailable": "This task isn't open to you. /next",
    "batch_done": "🎉 Nothing left for you in this batch. /next",
    "yours": "⏳ You're working on <b>{title}</b> — here it is again.",
}
NO_HITS = (
    "Nothing open for you right now. You'll get a card here as soon as something "
    "matching arrives. /settings"
)
NO_MORE_IN_BATCH = "No more tasks for you in this batch — /next"


def hits_header(total: int, page: int, pages: int, sort: str, kind: str | None) -> str:
    sorted_by = {"r": "reward", "m": "reward per minute", "n": "newest"}[sort]
    shown = HIT_KIND_NAMES[kind] if kind else "all kinds"
    if total == 0:  # no sort, page or "tap one" to speak of
        return f"<b>Open tasks</b> · none · {shown}"
    return (
        f"<b>Open tasks</b> · {total} · {shown}\n"
        f"Sorted by {sorted_by} · page {page + 1}/{pages}\nTap one to see its card.\n"
        f"<i>{RATE_LEGEND}</i>"
    )


def hit_requester_line(title: str, name: str, reputation: str) -> str:
    """Under the /hits header, per task: who posts it and their record, compactly."""
    short = title if len(title) <= 28 else title[:27] + "…"
    return f"• {escape(short)} — {escape(name)} {reputation}".rstrip()


def hit_row(item: ListedHit) -> str:
    """One /hits button: "$0.05 · ≈$9.00/h · Title…", a batch's with its items
    ("· 12 items"); kept short for a phone."""
    title, reward = item.hit.title, item.hit.reward_cents
    short = title if len(title) <= 28 else title[:27] + "…"
    items = f" · {item.items} items" if item.items > 1 else ""
    return f"{money(reward)} · {rate(reward, item.estimate)} · {short}{items}"


def work_step(
    title: str,
    step: int,
    total: int,
    time_left: float,
    prompt: str,
    item: str | None,
    hint: str,
    counter: str = "",
) -> str:
    """A question of a task; `counter` ("Item 3 of 12") stands for "step/total" when given."""
    where = counter or f"{step}/{total}"
    lines = [f"<b>{escape(title)}</b>", f"{where} · ⏳ {duration(time_left)} left", ""]
    lines += _item_lines(title, prompt, item)
    if hint:
        lines.append(f"\n<i>{hint}</i>")
    return "\n".join(lines)


def _item_lines(title: str, prompt: str, item: str | None) -> list[str]:
    """What a question shows: the item to tag (text or image link), then the prompt."""
    lines = []
    if item:
        if item.startswith(("http://", "https://")):
            lines.append(f'🖼 <a href="{escape(item)}">the image</a>')
        else:
            lines.append(f"🏷 <i>{escape(clip(item, 1500))}</i>")
    # A tagging item's prompt is the item itself; a poll's question is its title.
    if prompt.removeprefix("🖼 ") != item and prompt != title:
        lines.append(f"❓ {escape(clip(prompt, 1000))}")
    return lines


def retag_text(title: str, number: int, items: int, prompt: str, item: str | None) -> str:
    """Undo: the batch item handed in, to give another label."""
    head = f"<b>{escape(title)}</b>\n↶ Change the label of item {number} of {items}, or keep it:"
    return "\n".join([head, "", *_item_lines(title, prompt, item)])


HINT_MULTI = "Tick all that apply, then Done."
HINT_TAG = "Tick every label that fits, then Done."
HINT_TAG_ONE = "Tap the label that fits, or ➕ for several."
HINT_TAG_NEXT = "Tap the label that fits (the next item follows), or ➕ for several."
BTN_SEVERAL = "➕ Several labels"


def item_counter(number: int, items: int) -> str:
    """Where the worker is in a batch: (3, 12) -> "Item 3 of 12"."""
    return f"Item {number} of {items}"


def btn_undo(label: str) -> str:
    """The Undo button under the next item: ("cat") -> "↶ Undo: cat"."""
    return f"↶ Undo: {clip(label, 24)}"


def tagged(label: str, pending_cents: int) -> str:
    """The toast when a label hands an item in (plain text)."""
    return f"✓ {clip(label, 40)} · {money(pending_cents)} pending review"


def handed_in(pending_cents: int) -> str:
    """The toast when Submit hands a batch item in and the next one follows (plain text)."""
    return f"📨 Submitted · {money(pending_cents)} pending review"


def batch_progress(done: int, items: int, more: bool) -> str:
    """Under a handed-in batch item: how far the worker got, and whether more waits."""
    if more:
        return f"🏷 {done} of {items} items done."
    return f"🏷 {done} of {items} items done: nothing more for you in this batch. /next"


def btn_keep(label: str) -> str:
    return f"◀️ Keep: {clip(label, 24)}"


def retagged(label: str) -> str:
    """The toast after Undo gave an item another label (plain text)."""
    return f"✓ Changed to {clip(label, 40)}"


def kept(label: str) -> str:
    """The toast after Undo, then Keep (plain text)."""
    return f"Kept: {clip(label, 40)}"


RETAG_ALERTS = {
    RetagResult.NOT_YOURS: "This button isn't yours.",
    RetagResult.REVIEWED: "The requester has already reviewed that item: its label stands.",
    RetagResult.BAD_ANSWER: "That label isn't on this item.",
}
HINT_RATING = "1 = worst, 5 = best."
HINT_TEXT = "Reply to this message with your answer (up to {max_len} characters)."


def too_long(length: int, max_len: int) -> str:
    return (
        f"✂️ That answer has {length} characters; the limit is {max_len}. "
        "Please shorten it and reply again."
    )


TEXT_NOT_EXPECTED = "I wasn't waiting for text. Tap the buttons on your task, or /hits."
TEXT_NOT_NOW = "That task isn't waiting for text right now — use its buttons."
STRAY_TEXT = (
    "🤔 That message isn't an answer to anything I asked: gigbot works with commands "
    "and buttons.\n"
    "/next — the best task for you now\n"
    "/hits — all open tasks · /earnings — your money\n"
    "/newpoll — post a task · /help — how it all works"
)
STRAY_TEXT_WHICH = (
    "🤔 More than one of your tasks waits for a typed answer: reply to the task's message "
    "(swipe left on it) so I know which. Your tasks in progress:"
)
STRAY_TEXT_BUTTONS = (
    "🤔 That message isn't an answer: your tasks take their answers by the buttons on "
    "them. Your tasks in progress:"
)
USE_THE_BUTTONS = "Tap one of the buttons above to go on, or /cancel to stop."
NOTHING_PICKED = "Tick at least one option first."


def submitted_with_pending(title: str, reward_cents: int, pending_cents: int) -> str:
    return (
        f"📨 Submitted: <b>{escape(title)}</b>\n"
        f"{money(reward_cents)} pending review · {money(pending_cents)} pending in total. "
        "/earnings"
    )


EARNINGS_NONE_YET = "Nothing approved yet. /next finds you a task."


def earnings_report(
    balance_cents: int,
    pending_cents: int,
    pending: int,
    approved_cents: int,
    approved: int,
    rejected: int,
    bonus_cents: int,
    periods: list[tuple[str, int, int, int, float]],
) -> str:
    """periods: (label, approved cents, bonus cents, earned by work cents, work seconds)."""
    lines = [
        "<b>Your earnings</b>",
        f"💼 Balance: <b>{money(balance_cents)}</b>",
        f"⏳ Pending: {money(pending_cents)} ({pending} submitted)",
        f"✅ Approved: {money(approved_cents)} ({approved}) · ❌ Rejected: {rejected}",
        f"🎁 Bonuses: {money(bonus_cents)}",
        "",
    ]
    if not any(got or bonus for _, got, bonus, _, _ in periods):
        lines.append(EARNINGS_NONE_YET)
        return "\n".join(lines)
    for label, got, bonus, earned, seconds in periods:
        rate = hourly(earned, seconds) if seconds > 0 else "—"
        lines.append(
            f"<b>{label.capitalize()}</b>: +{money(got)} approved · +{money(bonus)} bonus · "
            f"⚡ {rate} over {duration(seconds)}"
        )
    lines.append("\n⚡ = approved pay ÷ time from Accept to Submit.")
    return "\n".join(lines)


def status_report(
    alias: str,
    rate: str,
    submitted: int,
    waiting: int,
    approved: int,
    rejected: int,
    returned: int,
    abandoned: int,
    qualifications: list[str],
    active: list[tuple[str, float]],
) -> str:
    lines = [
        f"<b>Your status</b> · <code>{escape(alias)}</code>",
        f"📈 Approval rate: {rate}",
        f"📨 Submitted {submitted} ({waiting} waiting) · ✅ Approved {approved} · "
        f"❌ Rejected {rejected}",
        f"↩️ Returned {returned} · ⌛ Abandoned {abandoned}",
        f"🎓 Qualifications: {_held(qualifications)}",
    ]
    if active:
        lines.append("<b>In progress</b>")
        lines += [f"• {escape(t)} — ⏳ {duration(left)} left" for t, left in active]
    else:
        lines.append("Nothing in progress. /next")
    return "\n".join(lines)


def _held(qualifications: list[str], most: int = 10) -> str:
    """The qualifications on /status: the first ten, and how many more."""
    shown = ", ".join(escape(q) for q in qualifications[:most]) or "none yet"
    more = len(qualifications) - most
    return shown + (f" and {more} more" if more > 0 else "")


def approval_rate(approved: int, reviewed: int) -> str:
    if reviewed == 0:
        return "— (nothing reviewed yet)"
    return f"{round(100 * approved / reviewed)}% ({approved} of {reviewed} reviewed)"


ACCEPT_TOO_MANY = (
    "You already have {max_active} tasks in progress. Finish or return one first — /status"
)

BTN_PREVIEW = "👀 Preview"
BTN_MUTE = "🔕 Mute requester"
BTN_UNMUTE = "🔔 Undo"
BTN_CARD = "◀️ Card"
BTN_PICKED = "✔️ Done"
BTN_NEXT_IN_BATCH = "▶️ Next task in this batch"
BTN_NEXT_STEP = "Next ▶️"
BTN_SETTINGS_DONE = "✔️ Done"
BTN_ANY_TOPIC = "Any topic"
BTN_PREV_PAGE = "◀️"
BTN_NEXT_PAGE = "▶️"
BTN_SORT = {"r": "💰 Reward", "m": "⚡ Per minute", "n": "🆕 Newest"}
BTN_KIND_ALL = "All"
BTN_SETTINGS = {
    "kinds": "📋 Tasks",
    "topics": "🏷 Topics",
    "reward": "💰 Min reward",
    "tz": "🕒 Time zone",
    "quiet": "🌙 Quiet hours",
}
BTN_PUSHES_ON = "🔔 Pushes: on"
BTN_PUSHES_OFF = "🔕 Pushes: off"
TICK = "✓ "
WORK_ALERTS[WorkResult.NOTHING_PICKED] = NOTHING_PICKED
WORK_ALERTS[WorkResult.TOO_LONG] = "That answer is too long."


BTN_DECLINE = "Decline"


BTN_RETURN_FREE = "↩️ Return without penalty"


BTN_EXTEND = "⏱ +{time}"


def offer_hold(time_left: float) -> str:
    """The line under a push card held for this worker alone (a timed offer)."""
    return (
        f"⏳ <b>Held for you: {duration(time_left)} left</b> to accept. "
        "Nobody else can take it meanwhile."
    )


def offer_passed(title: str) -> str:
    return f"⌛ The offer of <b>{escape(title)}</b> passed to the next worker."


def offer_ended(title: str) -> str:
    return f"⌛ The offer of <b>{escape(title)}</b> has ended."


def offer_open(title: str) -> str:
    """A lapsed offer when nobody else is in line: the slot is anyone's."""
    return (
        f"⌛ Nobody is holding <b>{escape(title)}</b> now, so it's open to anyone: "
        "the first to tap Accept gets it."
    )


def offer_declined(title: str, result: DeclineResult = DeclineResult.OK) -> str:
    if result is DeclineResult.NOBODY_NEXT:
        return (
            f"👋 Declined. Nobody else is in line, so <b>{escape(title)}</b> is open to "
            "anyone now (/hits)."
        )
    return f"👋 Declined: <b>{escape(title)}</b> went to the next worker."


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


DECLINE_ALERTS = {
    DeclineResult.NOT_HELD: "This offer isn't yours to decline any more.",
}


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


def last_reminder(title: str, time_left: float, extend_s: int | None) -> str:
    """The last reminder, with what the concierge offers."""
    more = f", or take {duration(extend_s)} more (once)" if extend_s else ""
    return (
        reminder(title, time_left)
        + f"\nNo time after all? Return it without penalty{more}. "
        "Returned work never counts against your approval rate."
    )


def returned_free(title: str) -> str:
    return (
        f"↩️ Returned <b>{escape(title)}</b> — no penalty, your approval rate is unchanged. /next"
    )


def extended(title: str, time_left: float) -> str:
    return f"⏱ Extended: <b>{escape(title)}</b> now has {duration(time_left)} left."


EXTEND_ALERTS = {
    ExtendResult.ALREADY_USED: "You already used the extra time on this task (once only).",
    ExtendResult.NOT_ALLOWED: "The requester didn't allow extra time on this task.",
    ExtendResult.NOT_ACTIVE: "This task is no longer active.",
    ExtendResult.NOT_YOURS: "This button isn't yours.",
}


ACCEPT_ALERTS[AcceptResult.HELD] = (
    "⏳ Every free slot of this task is held for another worker right now (timed offers, "
    "one worker at a time). If they pass, it goes to the next in line — /next for others."
)
# -- delivery and channels (issue 8) ---------------------------------------------------------------


def push_filled(title: str) -> str:
    """What an earlier push turns into when its HIT has no slots left."""
    return f"🔒 <s>{escape(title)}</s>\nFilled — see /next for another task."


def channel_card(
    title: str, reward_cents: int, time_s: int, left: int, total: int, closed: bool
) -> str:
    """The post in a linked channel: title, reward, time and the slots left."""
    head = f"📢 <b>{escape(title)}</b>\n💰 {money(reward_cents)} · ⏱ {duration(time_s)}"
    if closed:
        return f"{head}\n🔒 Closed — no slots left. Thanks!"
    return f"{head}\n👥 {left} of {total} left"


BTN_START_WORKING = "▶️ Start working"
LINKCHANNEL_USAGE = (
    "Link a channel or group where I'm an admin, and I'll post your new HITs there.\n"
    "Send its @username or id, e.g. <code>/linkchannel @mychannel</code>\n"
    "(for a private channel: <code>/linkchannel -1001234567890</code>)."
)
UNLINKCHANNEL_USAGE = (
    "Send the channel to unlink, e.g. <code>/unlinkchannel @mychannel</code>.\n{linked}"
)
NO_CHANNELS = "You have no linked channels. /linkchannel"
CHANNEL_NOT_FOUND = "I can't find that chat. Add me there first, then send its @username or id."
CHANNEL_NOT_A_GROUP = "That is a private chat, not a channel or group."
CHANNEL_BOT_NOT_ADMIN = "I'm not an admin in {title}. Make me an admin there, then try again."
CHANNEL_YOU_NOT_ADMIN = "Only an admin of {title} can link it."
CHANNEL_LINKED = "📢 Linked {title}. Your new HITs will be posted there. /unlinkchannel to stop."
CHANNEL_ALREADY_LINKED = "{title} is already linked."
CHANNEL_UNLINKED = "Unlinked {title}. Nothing more will be posted there."
CHANNEL_NOT_LINKED = "That chat is not linked. /linkchannel"


def linked_channels(titles: list[str]) -> str:
    """The requester's linked channels, one a line."""
    return "Linked: " + ", ".join(escape(t) for t in titles) if titles else NO_CHANNELS


# -- admins: /stats --------------------------------------------------------------------------------

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
            f"📨 <b>Outbox</b> {waiting} · failed {s.outbox_failed}",
            f"⚖️ <b>Open disputes</b> {s.disputes_open}",
        ]
    )


# -- HIT topics (topic= in the terms; bot/matching/topics.py) --------------------------------------


def unknown_topic(given: str, allowed: tuple[str, ...]) -> str:
    """The problem with a topic= that is not a topic (shown after "⚠️ ", escaped there)."""
    return f"unknown topic '{given}' (use one of {', '.join(allowed)})"


def topic_line(topic: str) -> str:
    """The topic on a requester's preview: "images" -> "🗂 Topic: Images"."""
    return f"🗂 Topic: {escape(TOPIC_NAMES.get(topic, topic))}"


# -- /myhits: cancel asks first (bot/requesting/managing.py CancelPreview) -------------------------

BTN_CANCEL_YES = "🚫 Yes, cancel"
BTN_CANCEL_BACK = "↩ Back"


def _n(count: int, one: str, many: str) -> str:
    return f"{count} {one if count == 1 else many}"


def confirm_cancel(p: HitProgress, open_slots: int, refund_cents: int) -> str:
    """Cancel, asked once more: what is refunded now and what happens to work in progress."""
    name = f"batch #{p.batch_id}" if p.batch_id is not None else f"{p.kind.value} #{p.hit_id}"
    lines = [f"Cancel {name} <b>{escape(p.title)}</b>? Nobody new can take it."]
    if refund_cents:
        slots = _n(open_slots, "open slot is", "open slots are")
        lines.append(f"• Its {slots} refunded now: {money(refund_cents)}.")
    else:
        lines.append("• No open slot is left, so nothing is refunded now.")
    if p.in_progress:
        working = _n(p.in_progress, "worker still working keeps", "workers still working keep")
        lines.append(
            f"• {working} the assignment and can still submit; each reward stays in escrow "
            "and comes back to you if the work is returned or runs out of time."
        )
    if p.submitted:
        waiting = _n(p.submitted, "submission waits", "submissions wait")
        lines.append(f"• {waiting} in /review: approve or reject as usual.")
    lines.append("This can't be undone.")
    return "\n".join(lines)


CANCEL_NOT_NOW = "Nothing to cancel: it is already cancelled or has ended. /myhits"


# -- a command abandons a pending one-text prompt (handlers/ptb/prompts.py) ------------------------

REJECT_DROPPED = "Not rejected: you sent a command. Tap Reject again when you have the reason."
FAIR_TEXT_DROPPED = "Nothing was sent: you sent a command. Tap the button again to write it."
