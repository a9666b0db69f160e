"""What the worker's desk says: /start, /help, setup and /settings, task cards, /hits and
/next, accepting (a timed offer too), working on a task and tagging a batch, the notices
and reminders about it, /earnings and /status."""

from __future__ import annotations

from html import escape

from bot.domain import Estimate, EstimateSource, ListedHit
from bot.fit import clip
from bot.formatting import NOT_REGISTERED, RATE_LEGEND, duration, hourly, money, plural, rate
from bot.market.results import AcceptResult, RetagResult, WorkResult
from bot.matching.texts import TOPIC_NAMES
from bot.work.results import LinkResult, Period

# -- first contact: /start, the two ways in --------------------------------------------------------

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
    "\n\n👇 Your task is just below. Want tasks like it sent to you? Tap <b>I want to work</b>."
)
BTN_ROLE_WORK = "🧑‍💻 I want to work"
BTN_ROLE_POST = "📋 I want to post tasks"
ALREADY_SET_UP = (
    "✅ You're set up: new tasks come to you here.\n"
    "/next — the best task now · /settings — change what you get"
)


def welcome(template: str, name: str, alias: str) -> str:
    """WELCOME or WELCOME_BACK for this user; a first name is shown as written ("<3")."""
    return template.format(name=escape(name), alias=escape(alias))


def requester_start(available_cents: int, tg_id: int) -> str:
    """'I want to post tasks': money first (what there is, how to get more), then how to post."""
    if available_cents > 0:
        funds = f"💼 Your balance: <b>{money(available_cents)}</b>, ready to spend."
    else:
        funds = (
            f"💼 Your balance: <b>{money(available_cents)}</b>. Add money with /deposit, or "
            f"give the marketplace operator your id <code>{tg_id}</code>. You'll be told when "
            "it arrives."
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


# -- /help -----------------------------------------------------------------------------------------

HELP_WORKER = (
    "<b>How gigbot works</b>\n"
    "1. A task card arrives: 💰 pay, ⏱ time you get, ≈ hourly rate.\n"
    "2. <b>Accept</b> it (or <b>Preview</b> first). It's yours until the time runs out.\n"
    "3. Tap the answers; for text questions reply to the task message. "
    "<b>Submit</b> at the end. <b>Return</b> any time if you change your mind.\n"
    "4. The requester approves → money in /earnings; /withdraw cashes it out.\n\n"
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
    "/apikey — keys for MTurk boto3 scripts\n"
    "/balance — your money · /deposit — add money in Telegram"
)
BTN_HELP_REQUESTER = "📋 For requesters"
BTN_HELP_WORKER = "◀️ For workers"


# -- setup and /settings ---------------------------------------------------------------------------

HIT_KIND_NAMES = {"poll": "Polls", "survey": "Surveys", "tag": "Tagging"}
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
    """The answer to /timezone Area/City."""
    return f"🕒 Time zone set to <b>{escape(name)}</b>. /settings"


def quiet_label(start: int | None, end: int | None) -> str:
    """(1320, 420) -> "22:00–07:00"; None -> "off"."""
    if start is None or end is None:
        return "off"
    return f"{start // 60:02d}:{start % 60:02d}–{end // 60:02d}:{end % 60:02d}"


def reward_floor(cents: int) -> str:
    """The minimum reward on /settings: 0 -> "any", 5 -> "$0.05+"."""
    return "any" if cents <= 0 else f"{money(cents)}+"


def settings_summary(
    kinds: list[str], topics: list[str], min_reward: int, tz: str, quiet: str, notify: bool
) -> str:
    """/settings: what the worker gets, and when."""
    return (
        "<b>Your settings</b>\n"
        f"📋 Tasks: {', '.join(HIT_KIND_NAMES[k] for k in kinds)}\n"
        f"🏷 Topics: {', '.join(TOPIC_NAMES.get(t, t) for t in topics) or 'any'}\n"
        f"💰 Minimum reward: {reward_floor(min_reward)}\n"
        f"🕒 Time zone: {escape(tz)} · 🌙 Quiet hours: {quiet}\n"
        f"🔔 Pushes: {'on' if notify else 'off'}"
    )


SETUP_DONE = "✅ <b>All set!</b> New tasks will come to you here.\n/hits — see what's open now"
BTN_SETTINGS = {
    "kinds": "📋 Tasks",
    "topics": "🏷 Topics",
    "reward": "💰 Min reward",
    "tz": "🕒 Time zone",
    "quiet": "🌙 Quiet hours",
}
BTN_SETTINGS_DONE = "✔️ Done"
BTN_ANY_TOPIC = "Any topic"
BTN_NEXT_STEP = "Next ▶️"
BTN_PUSHES_ON = "🔔 Pushes: on"
BTN_PUSHES_OFF = "🔕 Pushes: off"


# -- task cards and previews -----------------------------------------------------------------------


def requester_record(name: str, approved: int, rejected: int, counts: bool = True) -> str:
    """("Rita", 9, 1) -> "Rita (approves 90% of 10)"; no reviews yet -> "Rita (new requester)";
    just "Rita" without `counts` (a card whose reputation line gives them)."""
    if not counts:
        return escape(name)
    reviewed = approved + rejected
    if reviewed == 0:
        return f"{escape(name)} (new requester)"
    return f"{escape(name)} (approves {round(100 * approved / reviewed)}% of {reviewed})"


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
        f"{plural(questions, 'question')}\n"
        f"{estimate_line(reward_cents, estimate)}\n"
        f"👤 {requester}\n"
        + (f"{reputation}\n" if reputation else "")
        + f"🎟 {slots_left} of {max_assignments} left"
        + (f" · {plural(batch_items, 'item')}" if batch_items else "")
    )


def preview_header(title: str, reward_cents: int, time_allotted_s: int) -> str:
    """A task's Preview: title, pay and time; nothing is taken yet."""
    return (
        f"👀 <b>Preview</b> · {escape(title)}\n"
        f"💰 {money(reward_cents)} · ⏱ {duration(time_allotted_s)} — nothing is taken yet."
    )


def preview_question(step: int, prompt: str, detail: str) -> str:
    """One question of a Preview, with its choices or its kind."""
    return f"{step}. {escape(prompt)}" + (f"\n   <i>{escape(detail)}</i>" if detail else "")


PREVIEW_MORE = "… and {n} more."
QUESTION_FREE_TEXT = "free text"
QUESTION_RATING = "rating 1–5"
BTN_SKIP = "Skip"
BTN_PREVIEW = "👀 Preview"
BTN_CARD = "◀️ Card"
BTN_MUTE = "🔕 Mute requester"
BTN_UNMUTE = "🔔 Undo"


def muted(name: str) -> str:
    """The answer to Mute requester."""
    return f"🔕 Muted {escape(name)}: you won't be offered their tasks. /settings"


UNMUTED = "🔔 Unmuted."


# -- finding work: /hits, /next, deep links --------------------------------------------------------

LINK_TEXTS = {  # {title}: the task's title, escaped
    LinkResult.UNKNOWN: "🤷 That task doesn't exist (any more). /next shows what's open.",
    LinkResult.FULL: "🙅 <b>{title}</b> is full — every slot is taken. /next",
    LinkResult.HELD: (
        "⏳ Every free slot of <b>{title}</b> is held for another worker right now (timed "
        "offers). If they pass, it goes to the next in line. /next"
    ),
    LinkResult.EXPIRED: "⌛ <b>{title}</b> is closed. /next",
    LinkResult.DONE: "You already did <b>{title}</b>. /next",
    LinkResult.OWN: "That's your own task.",
    LinkResult.UNAVAILABLE: "This task isn't open to you. /next",
    LinkResult.BATCH_DONE: "🎉 Nothing left for you in this batch. /next",
    LinkResult.YOURS: "⏳ You're working on <b>{title}</b> — here it is again.",
}
NO_HITS = (
    "Nothing open for you right now. You'll get a card here as soon as something "
    "matching arrives. /settings"
)
NO_MORE_IN_BATCH = "No more tasks for you in this batch — /next"


def hits_header(total: int, page: int, pages: int, sort: str, kind: str | None) -> str:
    """/hits above its buttons: how many, of which kind, sorted how, which page."""
    sorted_by = {"r": "reward", "m": "reward per minute", "n": "newest"}[sort]
    shown = HIT_KIND_NAMES[kind] if kind else "all kinds"
    if total == 0:  # no sort, page or "tap one" to speak of
        return f"<b>Open tasks</b> · none · {shown}"
    return (
        f"<b>Open tasks</b> · {total} · {shown}\n"
        f"Sorted by {sorted_by} · page {page + 1}/{pages}\nTap one to see its card.\n"
        f"<i>{RATE_LEGEND}</i>"
    )


def hit_requester_line(name: str, reputation: str, titles: list[str] | None = None) -> str:
    """Under the /hits header, once per requester on the page: who posts and their record,
    compactly; with `titles` (several requesters on the page) which tasks are theirs."""
    line = f"👤 {escape(name)} {reputation}".rstrip()
    if titles:
        shown = ", ".join(t if len(t) <= 20 else t[:19] + "…" for t in titles)
        line += f": {escape(shown)}"
    return line


def hit_row(item: ListedHit) -> str:
    """One /hits button: "$0.05 · ≈$9.00/h · Title…", a batch's with its items
    ("· 12 items"); kept short for a phone."""
    reward = item.hit.reward_cents
    items = f" · {item.items} items" if item.items > 1 else ""
    return f"{money(reward)} · {rate(reward, item.estimate)} · {_short(item.hit.title)}{items}"


def _short(title: str) -> str:
    """A title cut for a line or a button on a phone: at most 28 characters."""
    return title if len(title) <= 28 else title[:27] + "…"


BTN_PREV_PAGE = "◀️"
BTN_NEXT_PAGE = "▶️"
BTN_SORT = {"r": "💰 Reward", "m": "⚡ Per minute", "n": "🆕 Newest"}
BTN_KIND_ALL = "All"


# -- accepting -------------------------------------------------------------------------------------

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
    AcceptResult.NOT_QUALIFIED: "This task isn't open to you: you don't meet its requirements.",
    AcceptResult.HELD: (
        "⏳ Every free slot of this task is held for another worker right now (timed offers, "
        "one worker at a time). If they pass, it goes to the next in line — /next for others."
    ),
}
BTN_ACCEPT = "✅ Accept"
ACCEPTED = "Accepted — {time} to finish."
SKIPPED = "Skipped."


# -- timed offers, as the worker gets them ---------------------------------------------------------

BTN_DECLINE = "Decline"


def offer_hold(time_left: float) -> str:
    """The line under a push card held for this worker alone (a timed offer)."""
    return (
        f"⏳ <b>Held for you: {duration(time_left)} left</b> to accept. "
        "Nobody else can take it meanwhile."
    )


def offer_open(title: str) -> str:
    """A lapsed offer when nobody else is in line: the slot is anyone's."""
    return (
        f"⌛ Nobody is holding <b>{escape(title)}</b> now, so it's open to anyone: "
        "the first to tap Accept gets it."
    )


def offer_passed(title: str) -> str:
    """A timed offer the worker let run out, gone to the next worker."""
    return f"⌛ The offer of <b>{escape(title)}</b> passed to the next worker."


def offer_ended(title: str) -> str:
    """A timed offer that ended with nobody next (its HIT paused, closed or over)."""
    return f"⌛ The offer of <b>{escape(title)}</b> has ended."


# -- working on a task -----------------------------------------------------------------------------

NOTHING_PICKED = "Tick at least one option first."
WORK_ALERTS = {
    WorkResult.NOT_YOURS: "This button isn't yours.",
    WorkResult.NOT_ACTIVE: "This assignment is no longer active.",
    WorkResult.INCOMPLETE: "Answer every question first.",
    WorkResult.BAD_ANSWER: "That answer isn't valid.",
    WorkResult.STALE: "That question was already answered.",
    WorkResult.NOTHING_PICKED: NOTHING_PICKED,
    WorkResult.TOO_LONG: "That answer is too long.",
}


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


def work_summary(title: str, answers: list[tuple[str, str]], time_left: float) -> str:
    """A task's last page: every answer, then Submit."""
    lines = [f"<b>{escape(title)}</b> · ⏳ {duration(time_left)} left", "Your answers:"]
    lines += [f"• {escape(q)} → <b>{escape(a)}</b>" for q, a in answers]
    lines.append("\nTap <b>Submit</b> to hand it in.")
    return "\n".join(lines)


HINT_MULTI = "Tick all that apply, then Done."
HINT_RATING = "1 = worst, 5 = best."
HINT_TEXT = "Reply to this message with your answer (up to {max_len} characters)."
BTN_KEEP_ANSWER = "▶️ Keep this answer"


def hint_text_given(answer: str, max_len: int) -> str:
    """A free-text question answered already (the worker came Back to it)."""
    return (
        f"Your answer: “{escape(clip(answer, 300))}”\n"
        f"Keep it, or reply to this message with a new one (up to {max_len} characters)."
    )


HINT_WEB = "Submit it on the page: that is your answer. Nothing to type here."


def web_task_only(title: str) -> str:
    """A text sent to a task done on a web page: not taken, the answer is the page's."""
    return (
        f"<b>{escape(title)}</b> is answered on its web page, not in the chat: "
        "open it, do the task there and submit it there."
    )


def too_long(length: int, max_len: int) -> str:
    """A typed answer over the limit: how long it is, and the limit."""
    return (
        f"✂️ That answer has {length} characters; the limit is {max_len}. "
        "Please shorten it and reply again."
    )


BTN_BACK = "◀️ Back"
BTN_PICKED = "✔️ Done"
BTN_SUBMIT = "📨 Submit"
BTN_RETURN = "↩️ Return"
BTN_OPEN_WEB_TASK = "🌐 Open the task page"


def returned(title: str) -> str:
    """The task message after Return."""
    return f"↩️ Returned <b>{escape(title)}</b> — no harm done. /next"


def submitted_with_pending(
    title: str, reward_cents: int, pending_cents: int, next_hint: bool = False
) -> str:
    """The task message after Submit, with all the worker's money pending; with `next_hint`
    (not in a batch, whose progress line says what's next), the way to another task."""
    return (
        f"📨 Submitted: <b>{escape(title)}</b>\n"
        f"{money(reward_cents)} pending review · {money(pending_cents)} pending in total. "
        "/earnings" + ("\n/next — another task" if next_hint else "")
    )


# -- tagging a batch -------------------------------------------------------------------------------

HINT_TAG = "Tick every label that fits, then Done."
HINT_TAG_ONE = "Tap the label that fits, or ➕ for several."
HINT_TAG_NEXT = "Tap the label that fits (the next item follows), or ➕ for several."
BTN_SEVERAL = "➕ Several labels"
BTN_NEXT_IN_BATCH = "▶️ Next task in this batch"


def item_counter(number: int, items: int) -> str:
    """Where the worker is in a batch: (3, 12) -> "Item 3 of 12"."""
    return f"Item {number} of {items}"


def btn_undo(label: str) -> str:
    """The Undo button under the next item: ("cat") -> "↶ Undo: cat"."""
    return f"↶ Undo: {clip(label, 24)}"


def btn_keep(label: str) -> str:
    """Undo's Keep button: the label stays."""
    return f"◀️ Keep: {clip(label, 24)}"


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


def retag_text(title: str, number: int, items: int, prompt: str, item: str | None) -> str:
    """Undo: the batch item handed in, to give another label."""
    head = f"<b>{escape(title)}</b>\n↶ Change the label of item {number} of {items}, or keep it:"
    return "\n".join([head, "", *_item_lines(title, prompt, item)])


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


# -- the work handed in, reviewed or over: notices and the task message ----------------------------


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


def submitted(title: str, reward_cents: int) -> str:
    """The task message once the work is handed in (from its web page too)."""
    return f"📨 Submitted: <b>{escape(title)}</b>\n{money(reward_cents)} pending review. /earnings"


def approved_notice(title: str, reward_cents: int, feedback: str = "") -> str:
    """To the worker: the work was approved and paid, with the requester's words if any."""
    said = f"\nThe requester says: {escape(feedback)}" if feedback else ""
    return f"✅ Approved: <b>{escape(title)}</b> +{money(reward_cents)}. /earnings{said}"


def approved_items_notice(title: str, items: int, cents: int) -> str:
    """Items of a batch approved together: "✅ Approved: Birds · 6 items +$0.12"."""
    if items == 1:
        return approved_notice(title, cents)
    return (
        f"✅ Approved: <b>{escape(title)}</b> · {plural(items, 'item')} +{money(cents)}. /earnings"
    )


def rejected_notice(title: str, reason: str) -> str:
    """To the worker: the work was rejected, with the requester's reason."""
    return f"❌ Rejected: <b>{escape(title)}</b>\nReason: {escape(reason)}"


# -- reminders and the timer concierge -------------------------------------------------------------

BTN_OPEN_TASK = "📝 Open the task"
BTN_RETURN_FREE = "↩️ Return without penalty"
BTN_EXTEND = "⏱ +{time}"


def reminder(title: str, time_left: float) -> str:
    """A reminder of work in progress: the time left."""
    return (
        f"⏰ {duration(time_left)} left to finish <b>{escape(title)}</b>\n"
        "Submit before the time runs out, or the task goes back to the pool."
    )


def last_reminder(title: str, time_left: float, extend_s: int | None) -> str:
    """The last reminder, with what the concierge offers."""
    more = f", or take {duration(extend_s)} more (once)" if extend_s else ""
    return (
        reminder(title, time_left) + f"\nNo time after all? Return it without penalty{more}. "
        "Returned work never counts against your approval rate."
    )


def extended(title: str, time_left: float) -> str:
    """The answer to "+N": the time left now."""
    return f"⏱ Extended: <b>{escape(title)}</b> now has {duration(time_left)} left."


# -- text outside a task ---------------------------------------------------------------------------

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
IN_PROGRESS_BELOW = "Your tasks in progress are below."


def btn_open(title: str) -> str:
    """A button back to one task in progress (/status): "📝 Which logo is clea…"."""
    return "📝 " + _short(title)


# -- /earnings and /status -------------------------------------------------------------------------

EARNINGS_NONE_YET = "Nothing approved yet. /next finds you a task."
PERIOD_NAMES = {Period.TODAY: "Today", Period.WEEK: "7 days", Period.ALL: "All time"}


PAYOUT_STATES = {
    "pending": "⏳ on its way",
    "paid": "✅ paid",
    "rejected": "↩️ sent back to your balance",
}
PAYOUT_METHODS = {"paypal": "PayPal", "venmo": "Venmo"}


def withdrawal_line(cents: int, state: str, method: str, reason: str | None) -> str:
    """One withdrawal in /earnings: "💸 $5.00 to PayPal: ⏳ on its way"."""
    line = (
        f"💸 Withdrawal {money(cents)} to {PAYOUT_METHODS.get(method, method)}:"
        f" {PAYOUT_STATES.get(state, state)}"
    )
    return line + (f" ({escape(reason)})" if reason else "")


def earnings_report(
    balance_cents: int,
    pending_cents: int,
    pending: int,
    approved_cents: int,
    approved: int,
    rejected: int,
    bonus_cents: int,
    periods: list[tuple[Period, int, int, int, float]],
    payouts: list[tuple[int, str, str, str | None]] | None = None,
) -> str:
    """periods: (period, approved cents, bonus cents, earned by work cents, work seconds);
    payouts: the latest withdrawals (cents, state, method, reason)."""
    lines = [
        "<b>Your earnings</b>",
        f"💼 Balance: <b>{money(balance_cents)}</b>"
        + (" · /withdraw" if balance_cents > 0 else ""),
        f"⏳ Pending: {money(pending_cents)} ({pending} submitted)",
        f"✅ Approved: {money(approved_cents)} ({approved}) · ❌ Rejected: {rejected}",
        f"🎁 Bonuses: {money(bonus_cents)}",
        "",
    ]
    if payouts:
        lines[2:2] = [withdrawal_line(*p) for p in payouts]
    if not any(got or bonus for _, got, bonus, _, _ in periods):
        lines.append(EARNINGS_NONE_YET)
        return "\n".join(lines)
    for period, got, bonus, earned, seconds in periods:
        per_hour = hourly(earned, seconds) if seconds > 0 else "—"
        lines.append(
            f"<b>{PERIOD_NAMES[period]}</b>: +{money(got)} approved · +{money(bonus)} bonus · "
            f"⚡ {per_hour} over {duration(seconds)}"
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
    """/status: approval rate, counts, qualifications, work in progress."""
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
    """The approval rate on /status: (9, 10) -> "90% (9 of 10 reviewed)"."""
    if reviewed == 0:
        return "— (nothing reviewed yet)"
    return f"{round(100 * approved / reviewed)}% ({approved} of {reviewed} reviewed)"


# -- the command menu of every chat (handlers/menus.py) --------------------------------------------

# (command, what it does), in the order Telegram shows them
WORKER_MENU = (
    ("start", "Sign up or see your alias"),
    ("hits", "Open tasks for you"),
    ("next", "The best task for you now"),
    ("earnings", "Your pending and approved money"),
    ("withdraw", "Cash out your balance"),
    ("status", "Your approval rate and work in progress"),
    ("settings", "What tasks you get, and when"),
    ("timezone", "Set your time zone: /timezone Area/City"),
    ("help", "How gigbot works"),
    ("qualtest", "Take a qualification test"),
    ("why", "Why you got a task (reply to it)"),
    ("free", "Only tasks that fit your free time"),
    ("requester", "A requester's pay and fairness record"),
    ("msg", "Anonymous message to requester/worker"),
)
