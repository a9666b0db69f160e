"""What the worker's desk says: /start, /help, /language, setup and /settings, task cards,
/hits and /next, accepting (a timed offer too), working on a task and tagging a batch, the
notices and reminders about it, /earnings and /status."""

from __future__ import annotations

from html import escape

from bot.domain import Estimate, EstimateSource, ListedHit
from bot.fit import clip
from bot.formatting import N_, NOT_REGISTERED, RATE_LEGEND, Translator, rate
from bot.market.results import AcceptResult, RetagResult, WorkResult
from bot.matching.texts import topic_name
from bot.work.results import LinkResult, Period

# -- first contact: /start, the two ways in --------------------------------------------------------

WELCOME = N_(
    "👋 <b>Welcome to gigbot</b>, {name}!\n"
    "Short paid tasks (polls, surveys, tagging) right here in the chat.\n"
    "• <b>Workers</b> tap <b>Accept</b>, answer with the buttons, tap <b>Submit</b>, "
    "and are paid for each approved answer.\n"
    "• <b>Requesters</b> post tasks and pay for them from their balance.\n"
    "Your alias for requesters is <code>{alias}</code> (they never see your name).\n\n"
    "/help — how it works · /language — {language}"
)
WELCOME_BACK = N_("Welcome back, {name}! Your alias is <code>{alias}</code>. /help")
WELCOME_ASK = N_("What would you like to do?")
WELCOME_LINK = N_(
    "👇 Your task is just below. Want tasks like it sent to you? Tap <b>I want to work</b>."
)
BTN_ROLE_WORK = N_("🧑‍💻 I want to work")
BTN_ROLE_POST = N_("📋 I want to post tasks")
ALREADY_SET_UP = N_(
    "✅ You're set up: new tasks come to you here.\n"
    "/next — the best task now · /settings — change what you get"
)


def welcome(t: Translator, template: str, name: str, alias: str) -> str:
    """WELCOME or WELCOME_BACK for this user; a first name is shown as written ("<3")."""
    return t(template, name=escape(name), alias=escape(alias), language=t.language_name(t.language))


def requester_start(t: Translator, available_cents: int, tg_id: int) -> str:
    """'I want to post tasks': money first (what there is, how to get more), then how to post."""
    if available_cents > 0:
        funds = t(
            "💼 Your balance: <b>{balance}</b>, ready to spend.", balance=t.money(available_cents)
        )
    else:
        funds = t(
            "💼 Your balance: <b>{balance}</b>. Add money with /deposit, or give the marketplace "
            "operator your id <code>{tg_id}</code>. You'll be told when it arrives.",
            balance=t.money(available_cents),
            tg_id=tg_id,
        )
    return t(
        "📋 <b>Posting tasks</b>\n"
        "{funds}\n\n"
        "1. Post a poll in one line:\n"
        "<code>/newpoll Tea or coffee? | Tea | Coffee ; reward=0.05 n=10 est=15s</code>\n"
        "or /newsurvey (several questions, step by step) · /newbatch (a CSV of items to tag).\n"
        "2. Check the preview and its total cost, tap <b>Publish</b>: the money waits in escrow.\n"
        "3. /review — approve (the worker is paid) or reject with a reason.\n\n"
        "/balance — your money · /myhits — your tasks · /help — every command",
        funds=funds,
    )


# -- /help -----------------------------------------------------------------------------------------

HELP_WORKER = N_(
    "<b>How gigbot works</b>\n"
    "1. A task card arrives: 💰 pay, ⏱ time you get, ≈ hourly rate.\n"
    "2. <b>Accept</b> it (or <b>Preview</b> first). It's yours until the time runs out.\n"
    "3. Tap the answers; for text questions reply to the task message. "
    "<b>Submit</b> at the end. <b>Return</b> any time if you change your mind.\n"
    "4. The requester approves → money in /earnings; /withdraw cashes it out.\n\n"
    "/hits — open tasks · /next — the best one now\n"
    "/earnings — money · /status — your record · /settings — what you get\n"
    "/language — the language I speak\n\n"
    "Posting tasks? Tap <b>For requesters</b>."
)
HELP_REQUESTER = N_(
    "<b>Posting tasks</b>\n"
    "/newpoll Question? | A | B ; reward=0.05 n=10 time=2m — a one-question poll "
    "(/newpoll alone: step by step)\n"
    "/newsurvey — several questions, step by step\n"
    "/newbatch — a CSV or JSON file of items to tag\n"
    "Each shows a preview with the total cost; Publish holds it in escrow.\n"
    "A task is in your language; lang=es in the terms says another.\n\n"
    "/myhits — progress; pause, resume or cancel (unspent money comes back)\n"
    "/review — approve, or reject with a reason · /results 12 — answers and CSV\n"
    "/bonus · /block · /require · /qualify — reward and choose workers\n"
    "/linkchannel — announce batches in your channel\n"
    "/apikey — keys for MTurk boto3 scripts\n"
    "/balance — your money · /deposit — add money in Telegram"
)
BTN_HELP_REQUESTER = N_("📋 For requesters")
BTN_HELP_WORKER = N_("◀️ For workers")


# -- /language -------------------------------------------------------------------------------------


def language_menu(t: Translator) -> str:
    """/language: the language gigbot speaks to this user, and the choice."""
    return t(
        "🌐 I speak <b>{language}</b> with you. Tap another language to switch.\n"
        "Tasks in other languages: /settings.",
        language=escape(t.language_name(t.language)),
    )


def language_set(t: Translator) -> str:
    """The answer to a /language button, in the new language."""
    return t(
        "🌐 Done: I speak <b>{language}</b> with you now. /help",
        language=escape(t.language_name(t.language)),
    )


# -- setup and /settings ---------------------------------------------------------------------------

HIT_KIND_NAMES = {"poll": N_("Polls"), "survey": N_("Surveys"), "tag": N_("Tagging")}
SETUP_INTRO = N_("<b>Quick setup</b> — 5 taps, change any time in /settings.")
BTN_SETUP_SKIP = N_("⏩ Skip, use defaults")
BTN_SETUP_FINISH = N_("▶️ Finish setup")
SETUP_UNFINISHED = N_("⏸ No tasks are sent to you until you finish the setup.")
SETUP_QUESTIONS = {  # what each setup step asks, at onboarding and from /settings
    "kinds": N_("Which tasks do you want? Tap to switch on/off."),
    "topics": N_("Topics you like (none ticked = any topic)."),
    "reward": N_("Smallest reward worth a push?"),
    "tz": N_(
        "Your time zone? Or send <code>/timezone Area/City</code>, "
        "e.g. <code>/timezone Europe/Berlin</code>."
    ),
    "quiet": N_("Quiet hours (no pushes, your local time)?"),
    "langs": N_("Tasks in which languages? What a requester writes is shown as written."),
}


def setup_question(t: Translator, step: str, number: int, total: int, onboarding: bool) -> str:
    """A setup step's heading: "Step 2/5 · …" at onboarding, "⚙️ …" from /settings."""
    asked = t(SETUP_QUESTIONS[step])
    if onboarding:
        return t(
            "<b>Step {number}/{total}</b> · {question}", number=number, total=total, question=asked
        )
    return "⚙️ " + asked


KEEP_ONE_KIND = N_("Keep at least one kind of task.")
KEEP_ONE_LANGUAGE = N_("Keep at least one language.")
TIMEZONE_USAGE = N_(
    "Send a time zone like <code>/timezone Europe/Berlin</code> or "
    "<code>/timezone America/New_York</code>."
)


def timezone_set(t: Translator, name: str) -> str:
    """The answer to /timezone Area/City."""
    return t("🕒 Time zone set to <b>{zone}</b>. /settings", zone=escape(name))


def quiet_label(t: Translator, start: int | None, end: int | None) -> str:
    """(1320, 420) -> "22:00–07:00"; None -> "off"."""
    if start is None or end is None:
        # TRANSLATORS: quiet hours switched off
        return t.pgettext("quiet hours", "off")
    return f"{t.clock(start)}–{t.clock(end)}"


def reward_floor(t: Translator, cents: int) -> str:
    """The minimum reward on /settings: 0 -> "any", 5 -> "$0.05+"."""
    # TRANSLATORS: no minimum reward
    return t.pgettext("minimum reward", "any") if cents <= 0 else f"{t.money(cents)}+"


def settings_summary(
    t: Translator,
    kinds: list[str],
    topics: list[str],
    min_reward: int,
    tz: str,
    quiet: str,
    notify: bool,
    languages: list[str] = [],  # noqa: B006 - never changed
) -> str:
    """/settings: what the worker gets, and when."""
    return t(
        "<b>Your settings</b>\n"
        "📋 Tasks: {kinds}\n"
        "🏷 Topics: {topics}\n"
        "🌐 Task languages: {languages}\n"
        "💰 Minimum reward: {reward}\n"
        "🕒 Time zone: {zone} · 🌙 Quiet hours: {quiet}\n"
        "🔔 Pushes: {pushes}",
        kinds=", ".join(t(HIT_KIND_NAMES[k]) for k in kinds),
        topics=", ".join(topic_name(t, x) for x in topics) or t.pgettext("topics", "any"),
        languages=", ".join(escape(t.language_name(code)) for code in languages),
        reward=reward_floor(t, min_reward),
        zone=escape(tz),
        quiet=quiet,
        pushes=t.pgettext("pushes", "on") if notify else t.pgettext("pushes", "off"),
    )


SETUP_DONE = N_("✅ <b>All set!</b> New tasks will come to you here.\n/hits — see what's open now")
BTN_SETTINGS = {
    "kinds": N_("📋 Tasks"),
    "topics": N_("🏷 Topics"),
    "reward": N_("💰 Min reward"),
    "tz": N_("🕒 Time zone"),
    "quiet": N_("🌙 Quiet hours"),
    "langs": N_("🌐 Languages"),
}
BTN_SETTINGS_DONE = N_("✔️ Done")
BTN_ANY_TOPIC = N_("Any topic")
BTN_NEXT_STEP = N_("Next ▶️")
BTN_PUSHES_ON = N_("🔔 Pushes: on")
BTN_PUSHES_OFF = N_("🔕 Pushes: off")


# -- task cards and previews -----------------------------------------------------------------------


def requester_record(
    t: Translator, name: str, approved: int, rejected: int, counts: bool = True
) -> str:
    """("Rita", 9, 1) -> "Rita (approves 90% of 10)"; no reviews yet -> "Rita (new requester)";
    just "Rita" without `counts` (a card whose reputation line gives them)."""
    if not counts:
        return escape(name)
    reviewed = approved + rejected
    if reviewed == 0:
        return t("{name} (new requester)", name=escape(name))
    return t(
        "{name} (approves {percent} of {reviewed})",
        name=escape(name),
        percent=t.percent(round(100 * approved / reviewed) / 100),
        reviewed=reviewed,
    )


def estimate_line(t: Translator, reward_cents: int, e: Estimate) -> str:
    """A card's line on pay per hour, saying where the time comes from."""
    took = t.duration(e.seconds)
    if e.source is EstimateSource.MEASURED:
        why = t("takes ≈ {time}: the median of {done} done", time=took, done=e.samples)
    elif e.source is EstimateSource.REQUESTER:
        why = t("takes ≈ {time}: the requester's estimate", time=took)
    else:
        why = t("if it takes all {time}: no estimate given", time=took)
    return f"⚡ {rate(t, reward_cents, e)} ({why})"


def hit_card(
    t: Translator,
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
    language: str = "",
) -> str:
    """A HIT's card; `reputation` (the requester's one line) goes under their name; a
    batch's card counts the slots of all its items; `language` is shown when it is not
    the one the worker reads gigbot in."""
    shown_topic = f" · 🗂 {escape(topic_name(t, topic))}" if topic else ""
    if language and language != t.language.split("-")[0]:
        shown_topic += f" · 🌐 {escape(t.language_name(language))}"
    slots = t("🎟 {left} of {total} left", left=slots_left, total=max_assignments)
    if batch_items:
        slots += " · " + t.ngettext("{n} item", "{n} items", batch_items)
    return (
        f"🆕 <b>{escape(title)}</b>{shown_topic}\n"
        + t.ngettext(
            "💰 {reward} · ⏱ {time} to do it · {n} question",
            "💰 {reward} · ⏱ {time} to do it · {n} questions",
            questions,
            reward=t.money(reward_cents),
            time=t.duration(time_allotted_s),
        )
        + f"\n{estimate_line(t, reward_cents, estimate)}\n"
        f"👤 {requester}\n" + (f"{reputation}\n" if reputation else "") + slots
    )


def preview_header(t: Translator, title: str, reward_cents: int, time_allotted_s: int) -> str:
    """A task's Preview: title, pay and time; nothing is taken yet."""
    return t(
        "👀 <b>Preview</b> · {title}\n💰 {reward} · ⏱ {time} — nothing is taken yet.",
        title=escape(title),
        reward=t.money(reward_cents),
        time=t.duration(time_allotted_s),
    )


def preview_question(step: int, prompt: str, detail: str) -> str:
    """One question of a Preview, with its choices or its kind (`detail`, said already)."""
    return f"{step}. {escape(prompt)}" + (f"\n   <i>{escape(detail)}</i>" if detail else "")


PREVIEW_MORE = N_("… and {n} more.")
QUESTION_FREE_TEXT = N_("free text")
QUESTION_RATING = N_("rating 1–5")
BTN_SKIP = N_("Skip")
BTN_PREVIEW = N_("👀 Preview")
BTN_CARD = N_("◀️ Card")
BTN_MUTE = N_("🔕 Mute requester")
BTN_UNMUTE = N_("🔔 Undo")


def muted(t: Translator, name: str) -> str:
    """The answer to Mute requester."""
    return t("🔕 Muted {name}: you won't be offered their tasks. /settings", name=escape(name))


UNMUTED = N_("🔔 Unmuted.")


# -- finding work: /hits, /next, deep links --------------------------------------------------------

LINK_TEXTS = {  # {title}: the task's title, escaped
    LinkResult.UNKNOWN: N_("🤷 That task doesn't exist (any more). /next shows what's open."),
    LinkResult.FULL: N_("🙅 <b>{title}</b> is full — every slot is taken. /next"),
    LinkResult.HELD: N_(
        "⏳ Every free slot of <b>{title}</b> is held for another worker right now (timed "
        "offers). If they pass, it goes to the next in line. /next"
    ),
    LinkResult.EXPIRED: N_("⌛ <b>{title}</b> is closed. /next"),
    LinkResult.DONE: N_("You already did <b>{title}</b>. /next"),
    LinkResult.OWN: N_("That's your own task."),
    LinkResult.UNAVAILABLE: N_("This task isn't open to you. /next"),
    LinkResult.BATCH_DONE: N_("🎉 Nothing left for you in this batch. /next"),
    LinkResult.YOURS: N_("⏳ You're working on <b>{title}</b> — here it is again."),
}
NO_HITS = N_(
    "Nothing open for you right now. You'll get a card here as soon as something "
    "matching arrives. /settings"
)
NO_MORE_IN_BATCH = N_("No more tasks for you in this batch — /next")
SORT_NAMES = {"r": N_("reward"), "m": N_("reward per minute"), "n": N_("newest")}


def hits_header(
    t: Translator, total: int, page: int, pages: int, sort: str, kind: str | None
) -> str:
    """/hits above its buttons: how many, of which kind, sorted how, which page."""
    shown = t(HIT_KIND_NAMES[kind]) if kind else t("all kinds")
    if total == 0:  # no sort, page or "tap one" to speak of
        return t("<b>Open tasks</b> · none · {kind}", kind=shown)
    return (
        t(
            "<b>Open tasks</b> · {total} · {kind}\n"
            "Sorted by {sort} · page {page}/{pages}\nTap one to see its card.",
            total=total,
            kind=shown,
            sort=t(SORT_NAMES[sort]),
            page=page + 1,
            pages=pages,
        )
        + f"\n<i>{t(RATE_LEGEND)}</i>"
    )


def hit_requester_line(name: str, reputation: str, titles: list[str] | None = None) -> str:
    """Under the /hits header, once per requester on the page: who posts and their record,
    compactly; with `titles` (several requesters on the page) which tasks are theirs."""
    line = f"👤 {escape(name)} {reputation}".rstrip()
    if titles:
        shown = ", ".join(title if len(title) <= 20 else title[:19] + "…" for title in titles)
        line += f": {escape(shown)}"
    return line


def hit_row(t: Translator, item: ListedHit) -> str:
    """One /hits button: "$0.05 · ≈$9.00/h · Title…", a batch's with its items
    ("· 12 items"); kept short for a phone."""
    reward = item.hit.reward_cents
    items = " · " + t.ngettext("{n} item", "{n} items", item.items) if item.items > 1 else ""
    return f"{t.money(reward)} · {rate(t, reward, item.estimate)} · {_short(item.hit.title)}{items}"


def _short(title: str) -> str:
    """A title cut for a line or a button on a phone: at most 28 characters."""
    return title if len(title) <= 28 else title[:27] + "…"


BTN_PREV_PAGE = "◀️"
BTN_NEXT_PAGE = "▶️"
# TRANSLATORS: /hits sort buttons, three in a row, "✓ " before the chosen one: keep each
# within 10 units (an emoji counts 2), e.g. "⚡ Per min"
BTN_SORT = {"r": N_("💰 Reward"), "m": N_("⚡ Per min"), "n": N_("🆕 Newest")}
# TRANSLATORS: a filter button: tasks of all kinds
BTN_KIND_ALL = N_("All")


# -- accepting -------------------------------------------------------------------------------------

ACCEPT_ALERTS = {
    AcceptResult.FULL: N_("This task is full — /next"),
    AcceptResult.NOT_OPEN: N_("This task isn't open now (paused, closed or over) — /next"),
    AcceptResult.NOT_FOUND: N_("This task no longer exists."),
    AcceptResult.TOO_MANY_ACTIVE: N_(
        "You already have {max_active} tasks in progress. Finish one first."
    ),
    AcceptResult.OWN_HIT: N_("That's your own task."),
    AcceptResult.NOT_REGISTERED: NOT_REGISTERED,
    AcceptResult.ALREADY_YOURS: N_("You already took this task."),
    AcceptResult.NOT_QUALIFIED: N_("This task isn't open to you: you don't meet its requirements."),
    AcceptResult.HELD: N_(
        "⏳ Every free slot of this task is held for another worker right now (timed offers, "
        "one worker at a time). If they pass, it goes to the next in line — /next for others."
    ),
}
BTN_ACCEPT = N_("✅ Accept")
ACCEPTED = N_("Accepted — {time} to finish.")
SKIPPED = N_("Skipped.")


# -- timed offers, as the worker gets them ---------------------------------------------------------

BTN_DECLINE = N_("Decline")


def offer_hold(t: Translator, time_left: float) -> str:
    """The line under a push card held for this worker alone (a timed offer)."""
    return t(
        "⏳ <b>Held for you: {time} left</b> to accept. Nobody else can take it meanwhile.",
        time=t.duration(time_left),
    )


def offer_open(t: Translator, title: str) -> str:
    """A lapsed offer when nobody else is in line: the slot is anyone's."""
    return t(
        "⌛ Nobody is holding <b>{title}</b> now, so it's open to anyone: the first to tap "
        "Accept gets it.",
        title=escape(title),
    )


def offer_passed(t: Translator, title: str) -> str:
    """A timed offer the worker let run out, gone to the next worker."""
    return t("⌛ The offer of <b>{title}</b> passed to the next worker.", title=escape(title))


def offer_ended(t: Translator, title: str) -> str:
    """A timed offer that ended with nobody next (its HIT paused, closed or over)."""
    return t("⌛ The offer of <b>{title}</b> has ended.", title=escape(title))


# -- working on a task -----------------------------------------------------------------------------

NOTHING_PICKED = N_("Tick at least one option first.")
WORK_ALERTS = {
    WorkResult.NOT_YOURS: N_("This button isn't yours."),
    WorkResult.NOT_ACTIVE: N_("This assignment is no longer active."),
    WorkResult.INCOMPLETE: N_("Answer every question first."),
    WorkResult.BAD_ANSWER: N_("That answer isn't valid."),
    WorkResult.STALE: N_("That question was already answered."),
    WorkResult.NOTHING_PICKED: NOTHING_PICKED,
    WorkResult.TOO_LONG: N_("That answer is too long."),
}


def work_step(
    t: Translator,
    title: str,
    step: int,
    total: int,
    time_left: float,
    prompt: str,
    item: str | None,
    hint: str,
    counter: str = "",
) -> str:
    """A question of a task; `counter` ("Item 3 of 12") stands for "step/total" when given;
    `hint` is said already."""
    where = counter or f"{step}/{total}"
    left = t("⏳ {time} left", time=t.duration(time_left))
    lines = [f"<b>{escape(title)}</b>", f"{where} · {left}", ""]
    lines += _item_lines(t, title, prompt, item)
    if hint:
        lines.append(f"\n<i>{hint}</i>")
    return "\n".join(lines)


def _item_lines(t: Translator, title: str, prompt: str, item: str | None) -> list[str]:
    """What a question shows: the item to tag (text or image link), then the prompt."""
    lines = []
    if item:
        if item.startswith(("http://", "https://")):
            lines.append(t('🖼 <a href="{url}">the image</a>', url=escape(item)))
        else:
            lines.append(f"🏷 <i>{escape(clip(item, 1500))}</i>")
    # A tagging item's prompt is the item itself; a poll's question is its title.
    if prompt.removeprefix("🖼 ") != item and prompt != title:
        lines.append(f"❓ {escape(clip(prompt, 1000))}")
    return lines


def work_summary(
    t: Translator, title: str, answers: list[tuple[str, str]], time_left: float
) -> str:
    """A task's last page: every answer, then Submit."""
    left = t("⏳ {time} left", time=t.duration(time_left))
    lines = [f"<b>{escape(title)}</b> · {left}", t("Your answers:")]
    lines += [f"• {escape(q)} → <b>{escape(a)}</b>" for q, a in answers]
    lines.append("\n" + t("Tap <b>Submit</b> to hand it in."))
    return "\n".join(lines)


HINT_MULTI = N_("Tick all that apply, then Done.")
HINT_RATING = N_("1 = worst, 5 = best.")
HINT_TEXT = N_("Reply to this message with your answer (up to {max_len} characters).")
BTN_KEEP_ANSWER = N_("▶️ Keep this answer")


def hint_text_given(t: Translator, answer: str, max_len: int) -> str:
    """A free-text question answered already (the worker came Back to it)."""
    return t(
        "Your answer: “{answer}”\n"
        "Keep it, or reply to this message with a new one (up to {max_len} characters).",
        answer=escape(clip(answer, 300)),
        max_len=max_len,
    )


HINT_WEB = N_("Submit it on the page: that is your answer. Nothing to type here.")


def web_task_only(t: Translator, title: str) -> str:
    """A text sent to a task done on a web page: not taken, the answer is the page's."""
    return t(
        "<b>{title}</b> is answered on its web page, not in the chat: "
        "open it, do the task there and submit it there.",
        title=escape(title),
    )


def too_long(t: Translator, length: int, max_len: int) -> str:
    """A typed answer over the limit: how long it is, and the limit."""
    return t(
        "✂️ That answer has {length} characters; the limit is {most}. "
        "Please shorten it and reply again.",
        length=length,
        most=max_len,
    )


BTN_BACK = N_("◀️ Back")
# TRANSLATORS: the button that ends picking several options
BTN_PICKED = N_("✔️ Done")
BTN_SUBMIT = N_("📨 Submit")
BTN_RETURN = N_("↩️ Return")
BTN_OPEN_WEB_TASK = N_("🌐 Open the task page")


def returned(t: Translator, title: str) -> str:
    """The task message after Return."""
    return t("↩️ Returned <b>{title}</b> — no harm done. /next", title=escape(title))


def submitted_with_pending(
    t: Translator, title: str, reward_cents: int, pending_cents: int, next_hint: bool = False
) -> str:
    """The task message after Submit, with all the worker's money pending; with `next_hint`
    (not in a batch, whose progress line says what's next), the way to another task."""
    text = t(
        "📨 Submitted: <b>{title}</b>\n{reward} pending review · {pending} pending in total. "
        "/earnings",
        title=escape(title),
        reward=t.money(reward_cents),
        pending=t.money(pending_cents),
    )
    return text + "\n" + t("/next — another task") if next_hint else text


# -- tagging a batch -------------------------------------------------------------------------------

HINT_TAG = N_("Tick every label that fits, then Done.")
HINT_TAG_ONE = N_("Tap the label that fits, or ➕ for several.")
HINT_TAG_NEXT = N_("Tap the label that fits (the next item follows), or ➕ for several.")
BTN_SEVERAL = N_("➕ Several labels")
BTN_NEXT_IN_BATCH = N_("▶️ Next task in this batch")


def item_counter(t: Translator, number: int, items: int) -> str:
    """Where the worker is in a batch: (3, 12) -> "Item 3 of 12"."""
    return t("Item {number} of {items}", number=number, items=items)


def btn_undo(t: Translator, label: str) -> str:
    """The Undo button under the next item: ("cat") -> "↶ Undo: cat"."""
    return t("↶ Undo: {label}", label=clip(label, 24))


def btn_keep(t: Translator, label: str) -> str:
    """Undo's Keep button: the label stays."""
    return t("◀️ Keep: {label}", label=clip(label, 24))


def tagged(t: Translator, label: str, pending_cents: int) -> str:
    """The toast when a label hands an item in (plain text)."""
    return t(
        "✓ {label} · {pending} pending review",
        label=clip(label, 40),
        pending=t.money(pending_cents),
    )


def handed_in(t: Translator, pending_cents: int) -> str:
    """The toast when Submit hands a batch item in and the next one follows (plain text)."""
    return t("📨 Submitted · {pending} pending review", pending=t.money(pending_cents))


def batch_progress(t: Translator, done: int, items: int, more: bool) -> str:
    """Under a handed-in batch item: how far the worker got, and whether more waits."""
    if more:
        return t.ngettext(
            "🏷 {done} of {n} item done.", "🏷 {done} of {n} items done.", items, done=done
        )
    return t.ngettext(
        "🏷 {done} of {n} item done: nothing more for you in this batch. /next",
        "🏷 {done} of {n} items done: nothing more for you in this batch. /next",
        items,
        done=done,
    )


def retag_text(
    t: Translator, title: str, number: int, items: int, prompt: str, item: str | None
) -> str:
    """Undo: the batch item handed in, to give another label."""
    head = f"<b>{escape(title)}</b>\n" + t(
        "↶ Change the label of item {number} of {items}, or keep it:", number=number, items=items
    )
    return "\n".join([head, "", *_item_lines(t, title, prompt, item)])


def retagged(t: Translator, label: str) -> str:
    """The toast after Undo gave an item another label (plain text)."""
    return t("✓ Changed to {label}", label=clip(label, 40))


def kept(t: Translator, label: str) -> str:
    """The toast after Undo, then Keep (plain text)."""
    return t("Kept: {label}", label=clip(label, 40))


RETAG_ALERTS = {
    RetagResult.NOT_YOURS: N_("This button isn't yours."),
    RetagResult.REVIEWED: N_("The requester has already reviewed that item: its label stands."),
    RetagResult.BAD_ANSWER: N_("That label isn't on this item."),
}


# -- the work handed in, reviewed or over: notices and the task message ----------------------------


def task_time_up(t: Translator, title: str) -> str:
    """What the task message says once its time ran out (the notice is a new message)."""
    return t("⌛ <b>{title}</b>\nOut of time: the task went back to the pool.", title=escape(title))


def task_moved(t: Translator, title: str) -> str:
    """An older message of a task shown again below (its buttons are gone)."""
    return t("⬇️ <b>{title}</b> continues in the message below.", title=escape(title))


def task_reviewed(t: Translator, title: str, reward_cents: int, approved: bool) -> str:
    """What the task message says once the work is reviewed (the notice is a new message)."""
    if approved:
        return t(
            "📨 Submitted: <b>{title}</b>\n✅ Reviewed: approved, {reward} paid. /earnings",
            title=escape(title),
            reward=t.money(reward_cents),
        )
    return t(
        "📨 Submitted: <b>{title}</b>\n❌ Reviewed: rejected — the requester's reason is in the "
        "message about it.",
        title=escape(title),
    )


def submitted(t: Translator, title: str, reward_cents: int) -> str:
    """The task message once the work is handed in (from its web page too)."""
    return t(
        "📨 Submitted: <b>{title}</b>\n{reward} pending review. /earnings",
        title=escape(title),
        reward=t.money(reward_cents),
    )


def approved_notice(t: Translator, title: str, reward_cents: int, feedback: str = "") -> str:
    """To the worker: the work was approved and paid, with the requester's words if any."""
    text = t(
        "✅ Approved: <b>{title}</b> +{reward}. /earnings",
        title=escape(title),
        reward=t.money(reward_cents),
    )
    if not feedback:
        return text
    return text + "\n" + t("The requester says: {words}", words=escape(feedback))


def approved_items_notice(t: Translator, title: str, items: int, cents: int) -> str:
    """Items of a batch approved together: "✅ Approved: Birds · 6 items +$0.12"."""
    if items == 1:
        return approved_notice(t, title, cents)
    return t.ngettext(
        "✅ Approved: <b>{title}</b> · {n} item +{reward}. /earnings",
        "✅ Approved: <b>{title}</b> · {n} items +{reward}. /earnings",
        items,
        title=escape(title),
        reward=t.money(cents),
    )


def rejected_notice(t: Translator, title: str, reason: str) -> str:
    """To the worker: the work was rejected, with the requester's reason."""
    return t(
        "❌ Rejected: <b>{title}</b>\nReason: {reason}", title=escape(title), reason=escape(reason)
    )


# -- reminders and the timer concierge -------------------------------------------------------------

BTN_OPEN_TASK = N_("📝 Open the task")
BTN_RETURN_FREE = N_("↩️ Return without penalty")
BTN_EXTEND = N_("⏱ +{time}")


def reminder(t: Translator, title: str, time_left: float) -> str:
    """A reminder of work in progress: the time left."""
    return t(
        "⏰ {time} left to finish <b>{title}</b>\n"
        "Submit before the time runs out, or the task goes back to the pool.",
        time=t.duration(time_left),
        title=escape(title),
    )


def last_reminder(t: Translator, title: str, time_left: float, extend_s: int | None) -> str:
    """The last reminder, with what the concierge offers."""
    if extend_s:
        offer = t(
            "No time after all? Return it without penalty, or take {time} more (once). "
            "Returned work never counts against your approval rate.",
            time=t.duration(extend_s),
        )
    else:
        offer = t(
            "No time after all? Return it without penalty. "
            "Returned work never counts against your approval rate."
        )
    return reminder(t, title, time_left) + "\n" + offer


def extended(t: Translator, title: str, time_left: float) -> str:
    """The answer to "+N": the time left now."""
    return t(
        "⏱ Extended: <b>{title}</b> now has {time} left.",
        title=escape(title),
        time=t.duration(time_left),
    )


# -- text outside a task ---------------------------------------------------------------------------

TEXT_NOT_EXPECTED = N_("I wasn't waiting for text. Tap the buttons on your task, or /hits.")
TEXT_NOT_NOW = N_("That task isn't waiting for text right now — use its buttons.")
STRAY_TEXT = N_(
    "🤔 That message isn't an answer to anything I asked: gigbot works with commands "
    "and buttons.\n"
    "/next — the best task for you now\n"
    "/hits — all open tasks · /earnings — your money\n"
    "/newpoll — post a task · /help — how it all works"
)
STRAY_TEXT_WHICH = N_(
    "🤔 More than one of your tasks waits for a typed answer: reply to the task's message "
    "(swipe left on it) so I know which. Your tasks in progress:"
)
STRAY_TEXT_BUTTONS = N_(
    "🤔 That message isn't an answer: your tasks take their answers by the buttons on "
    "them. Your tasks in progress:"
)
USE_THE_BUTTONS = N_("Tap one of the buttons above to go on, or /cancel to stop.")
IN_PROGRESS_BELOW = N_("Your tasks in progress are below.")


def btn_open(title: str) -> str:
    """A button back to one task in progress (/status): "📝 Which logo is clea…"."""
    return "📝 " + _short(title)


# -- /earnings and /status -------------------------------------------------------------------------

EARNINGS_NONE_YET = N_("Nothing approved yet. /next finds you a task.")
PERIOD_NAMES = {Period.TODAY: N_("Today"), Period.WEEK: N_("7 days"), Period.ALL: N_("All time")}


PAYOUT_STATES = {
    # TRANSLATORS: a withdrawal's state in /earnings: "💸 Withdrawal $5.00 to PayPal: ⏳ on its way"
    "pending": N_("⏳ on its way"),
    "paid": N_("✅ paid"),
    "rejected": N_("↩️ sent back to your balance"),
}
PAYOUT_METHODS = {"paypal": "PayPal", "venmo": "Venmo"}


def withdrawal_line(t: Translator, cents: int, state: str, method: str, reason: str | None) -> str:
    """One withdrawal in /earnings: "💸 Withdrawal $5.00 to PayPal: ⏳ on its way"."""
    named = PAYOUT_STATES.get(state)
    line = t(
        "💸 Withdrawal {amount} to {method}: {state}",
        amount=t.money(cents),
        method=PAYOUT_METHODS.get(method, method),
        state=t(named) if named else state,
    )
    return line + (f" ({escape(reason)})" if reason else "")


def earnings_report(
    t: Translator,
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
        t("<b>Your earnings</b>\n💼 Balance: <b>{balance}</b>", balance=t.money(balance_cents))
        + (" · /withdraw" if balance_cents > 0 else ""),
        t(
            "⏳ Pending: {pending} ({submitted} submitted)\n"
            "✅ Approved: {approved} ({count}) · ❌ Rejected: {rejected}\n"
            "🎁 Bonuses: {bonuses}",
            pending=t.money(pending_cents),
            submitted=pending,
            approved=t.money(approved_cents),
            count=approved,
            rejected=rejected,
            bonuses=t.money(bonus_cents),
        ),
        "",
    ]
    if payouts:
        lines[1:1] = [withdrawal_line(t, *p) for p in payouts]
    if not any(got or bonus for _, got, bonus, _, _ in periods):
        lines.append(t(EARNINGS_NONE_YET))
        return "\n".join(lines)
    for period, got, bonus, earned, seconds in periods:
        per_hour = t.hourly(earned, seconds) if seconds > 0 else "—"
        lines.append(
            t(
                "<b>{period}</b>: +{approved} approved · +{bonus} bonus · ⚡ {rate} over {time}",
                period=t(PERIOD_NAMES[period]),
                approved=t.money(got),
                bonus=t.money(bonus),
                rate=per_hour,
                time=t.duration(seconds),
            )
        )
    lines.append("\n" + t("⚡ = approved pay ÷ time from Accept to Submit."))
    return "\n".join(lines)


def status_report(
    t: Translator,
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
        t(
            "<b>Your status</b> · <code>{alias}</code>\n"
            "📈 Approval rate: {rate}\n"
            "📨 Submitted {submitted} ({waiting} waiting) · ✅ Approved {approved} · "
            "❌ Rejected {rejected}\n"
            "↩️ Returned {returned} · ⌛ Abandoned {abandoned}\n"
            "🎓 Qualifications: {qualifications}",
            alias=escape(alias),
            rate=rate,
            submitted=submitted,
            waiting=waiting,
            approved=approved,
            rejected=rejected,
            returned=returned,
            abandoned=abandoned,
            qualifications=_held(t, qualifications),
        )
    ]
    if active:
        lines.append(t("<b>In progress</b>"))
        lines += [
            f"• {escape(x)} — " + t("⏳ {time} left", time=t.duration(left)) for x, left in active
        ]
    else:
        lines.append(t("Nothing in progress. /next"))
    return "\n".join(lines)


def _held(t: Translator, qualifications: list[str], most: int = 10) -> str:
    """The qualifications on /status: the first ten, and how many more."""
    shown = ", ".join(escape(q) for q in qualifications[:most]) or t("none yet")
    more = len(qualifications) - most
    return t("{shown} and {more} more", shown=shown, more=more) if more > 0 else shown


def approval_rate(t: Translator, approved: int, reviewed: int) -> str:
    """The approval rate on /status: (9, 10) -> "90% (9 of 10 reviewed)"."""
    if reviewed == 0:
        return t("— (nothing reviewed yet)")
    return t(
        "{percent}% ({approved} of {reviewed} reviewed)",
        percent=round(100 * approved / reviewed),
        approved=approved,
        reviewed=reviewed,
    )


# -- the command menu of every chat (handlers/menus.py) --------------------------------------------

# (command, what it does), in the order Telegram shows them
WORKER_MENU = (
    ("start", N_("Sign up or see your alias")),
    ("hits", N_("Open tasks for you")),
    ("next", N_("The best task for you now")),
    ("earnings", N_("Your pending and approved money")),
    ("withdraw", N_("Cash out your balance")),
    ("status", N_("Your approval rate and work in progress")),
    ("settings", N_("What tasks you get, and when")),
    ("timezone", N_("Set your time zone: /timezone Area/City")),
    ("language", N_("The language I speak with you")),
    ("help", N_("How gigbot works")),
    ("qualtest", N_("Take a qualification test")),
    ("why", N_("Why you got a task (reply to it)")),
    ("free", N_("Only tasks that fit your free time")),
    ("requester", N_("A requester's pay and fairness record")),
    ("msg", N_("Anonymous message to requester/worker")),
)
