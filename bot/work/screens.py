"""Screens of the worker experience: cards, previews, inline work, timed offers and
reminders, /hits, setup, reports."""

from __future__ import annotations

from bot import callbacks as cb
from bot import formatting
from bot.domain import (
    TOPICS,
    Assignment,
    Button,
    Hit,
    HitKind,
    Question,
    QuestionKind,
    Screen,
    WorkerPrefs,
)
from bot.domain import (
    AssignmentStatus as S,
)
from bot.fit import clip, fit_pairs
from bot.i18n import Translator
from bot.market import texts as market_texts
from bot.market.views import MULTI_SELECT, WorkView, answer_label, text_limit, ticked
from bot.matching import texts as matching_texts
from bot.work import texts as work_texts
from bot.work.desk import EarningsReport, HitCard, HitPage, StatusReport
from bot.work.tagging import one_tap

PREVIEW_LIMIT = 10  # questions listed in a preview; the rest are counted
SUMMARY_BUDGET = 3000  # UTF-16 units of answers on the summary page (Telegram allows 4096)
SHORT_OPTION = 14  # options this short go two to a row

TIME_ZONES = (
    "UTC",
    "Europe/London",
    "Europe/Berlin",
    "Europe/Moscow",
    "America/New_York",
    "America/Chicago",
    "America/Los_Angeles",
    "America/Sao_Paulo",
    "Africa/Lagos",
    "Asia/Kolkata",
    "Asia/Manila",
    "Asia/Shanghai",
)
REWARD_FLOORS = (0, 2, 5, 10, 25)
QUIET_PRESETS = ("off", "22-7", "23-8", "0-8", "21-9")
SETUP_ORDER = ("kinds", "topics", "reward", "tz", "quiet")
# The task languages /settings offers (primary subtags), besides the worker's own.
TASK_LANGUAGES = ("en", "es", "pt", "hi", "ru", "id")


def card_text(t: Translator, c: HitCard, reputation: str = "") -> str:
    """What a push card (or a timed offer) says: reward, time, hourly estimate, topic,
    requester record (and the one-line reputation when given), slots."""
    h = c.hit
    return work_texts.hit_card(
        t,
        h.title,
        h.reward_cents,
        h.time_allotted_s,
        c.estimate,
        # the reputation line, when shown, already gives the record
        work_texts.requester_record(t, c.requester_name, c.approved, c.rejected, not reputation),
        *(c.batch[:2] if c.batch else (h.slots_left, h.max_assignments)),
        len(c.questions),
        h.topic,
        reputation,
        c.batch[2] if c.batch else 0,
        h.language,
    )


def card(t: Translator, c: HitCard, reputation: str = "") -> Screen:
    """The push card with its four buttons."""
    h = c.hit
    text = card_text(t, c, reputation)
    return Screen(
        text,
        (
            (
                Button(t(work_texts.BTN_ACCEPT), cb.Accept(h.id).pack()),
                Button(t(work_texts.BTN_PREVIEW), cb.Preview(h.id).pack()),
            ),
            (
                Button(t(work_texts.BTN_SKIP), cb.Skip(h.id).pack()),
                Button(t(work_texts.BTN_MUTE), cb.Mute(h.id).pack()),
            ),
        ),
    )


def _detail(t: Translator, q: Question) -> str:
    if q.kind is QuestionKind.TEXT:
        return t(work_texts.QUESTION_FREE_TEXT)
    if q.kind is QuestionKind.RATING:
        return t(work_texts.QUESTION_RATING)
    shown = " / ".join(q.options)
    if q.item and q.prompt.removeprefix("🖼 ") != q.item:  # a batch item is its own prompt
        shown = f"{q.item} → {shown}"
    return clip(shown, 120)


def preview(t: Translator, c: HitCard) -> Screen:
    """The HIT's questions, nothing taken; Accept or back to the card."""
    h = c.hit
    lines = [work_texts.preview_header(t, h.title, h.reward_cents, h.time_allotted_s), ""]
    for q in c.questions[:PREVIEW_LIMIT]:
        prompt = market_texts.question_prompt(t, q.prompt)
        lines.append(
            work_texts.preview_question(q.position + 1, _cut(prompt, 160), _detail(t, q))
        )
    if len(c.questions) > PREVIEW_LIMIT:
        lines.append(t(work_texts.PREVIEW_MORE).format(n=len(c.questions) - PREVIEW_LIMIT))
    return Screen(
        "\n".join(lines),
        (
            (
                Button(t(work_texts.BTN_ACCEPT), cb.Accept(h.id).pack()),
                Button(t(work_texts.BTN_CARD), cb.Card(h.id).pack()),
            ),
        ),
    )


def _rows(buttons: list[Button], short: bool) -> tuple[tuple[Button, ...], ...]:
    per_row = 2 if short else 1
    return tuple(tuple(buttons[i : i + per_row]) for i in range(0, len(buttons), per_row))


def _cut(text: str, limit: int) -> str:
    """Shorten for a phone screen, counting as Telegram does: ("abcdef", 4) -> "abc…"."""
    return clip(text, limit)


def _answers(t: Translator, view: WorkView) -> list[tuple[str, str]]:
    """(question, answer) pairs for the summary, shortened so the page always fits."""
    pairs = [
        (market_texts.question_prompt(t, q.prompt), answer_label(q, view.answers[q.id]))
        for q in view.questions
        if q.id in view.answers
    ]
    return fit_pairs(pairs, SUMMARY_BUDGET)[0]


def work(t: Translator, view: WorkView, now: float) -> Screen:
    """The assignment's one message: the current question, or the summary with Submit."""
    a = view.assignment
    time_left = a.deadline_at - now
    nav = [Button(t(work_texts.BTN_BACK), cb.Back(a.id).pack())] if a.position > 0 else []
    nav.append(Button(t(work_texts.BTN_RETURN), cb.Return(a.id).pack()))
    q = view.current
    if q is None:
        return Screen(
            work_texts.work_summary(t, view.hit.title, _answers(t, view), time_left),
            ((Button(t(work_texts.BTN_SUBMIT), cb.Submit(a.id).pack()),), tuple(nav)),
        )
    given = view.answers.get(q.id)
    rows: tuple[tuple[Button, ...], ...] = ()
    hint = ""
    if q.kind is QuestionKind.RATING:
        rows = (
            tuple(
                Button(
                    (formatting.TICK if given == str(n) else "") + str(n),
                    cb.Choose(a.id, a.position, n).pack(),
                )
                for n in range(1, 6)
            ),
        )
        hint = t(work_texts.HINT_RATING)
    elif q.kind is QuestionKind.SINGLE:
        buttons = [
            Button(
                (formatting.TICK if given == str(i) else "") + label,
                cb.Choose(a.id, a.position, i).pack(),
            )
            for i, label in enumerate(q.options)
        ]
        rows = _rows(buttons, all(len(o) <= SHORT_OPTION for o in q.options))
    elif q.kind is QuestionKind.TAG and q.id not in view.answers:
        buttons = [
            Button(label, cb.Choose(a.id, a.position, i).pack())
            for i, label in enumerate(q.options)
        ]
        rows = (
            *_rows(buttons, all(len(o) <= SHORT_OPTION for o in q.options)),
            (Button(t(work_texts.BTN_SEVERAL), cb.Several(a.id, a.position).pack()),),
        )
        hint = t(work_texts.HINT_TAG_NEXT) if one_tap(view) else t(work_texts.HINT_TAG_ONE)
    elif q.kind in MULTI_SELECT:
        picked = set(ticked(given))
        buttons = [
            Button(
                (formatting.TICK if i in picked else "") + label,
                cb.Toggle(a.id, a.position, i).pack(),
            )
            for i, label in enumerate(q.options)
        ]
        rows = (
            *_rows(buttons, all(len(o) <= SHORT_OPTION for o in q.options)),
            (Button(t(work_texts.BTN_PICKED), cb.Picked(a.id, a.position).pack()),),
        )
        hint = t(work_texts.HINT_TAG) if q.kind is QuestionKind.TAG else t(work_texts.HINT_MULTI)
    elif given:  # typed before, and the worker came Back: keep it or type anew
        hint = work_texts.hint_text_given(t, given, text_limit(q))
        rows = ((Button(t(work_texts.BTN_KEEP_ANSWER), cb.Picked(a.id, a.position).pack()),),)
    else:
        hint = t(work_texts.HINT_TEXT).format(max_len=text_limit(q))
    text = work_texts.work_step(
        t,
        view.hit.title,
        a.position + 1,
        len(view.questions),
        time_left,
        q.prompt,
        q.item,
        hint,
        counter=_item_counter(t, view),
    )
    return Screen(text, (*rows, tuple(nav)))


def with_task_link(t: Translator, view: WorkView, now: float, link: str | None) -> Screen:
    """The assignment's one message; a web task's (MTurk API, `link` to its page) is done
    and submitted on that page only: its button, the time left and Return, nothing to type."""
    if link is None:
        return work(t, view, now)
    a = view.assignment
    prompt = t(market_texts.WEB_TASK_PROMPT)  # stored in English with the HIT
    text = work_texts.work_step(
        t, view.hit.title, 1, 1, a.deadline_at - now, prompt, None, t(work_texts.HINT_WEB)
    )
    return Screen(
        text,
        (
            (Button(t(work_texts.BTN_OPEN_WEB_TASK), url=link),),
            (Button(t(work_texts.BTN_RETURN), cb.Return(a.id).pack()),),
        ),
    )


def web_task_only(t: Translator, view: WorkView, link: str) -> Screen:
    """Text sent to a web task: its answer is what its page submits; the way there."""
    return Screen(
        work_texts.web_task_only(t, view.hit.title),
        ((Button(t(work_texts.BTN_OPEN_WEB_TASK), url=link),),),
    )


def _item_counter(t: Translator, view: WorkView) -> str:
    """ "Item 3 of 12" on a one-question batch item (its "1/1" says nothing)."""
    if view.progress is None or len(view.questions) != 1:
        return ""
    done, items = view.progress
    here = view.assignment.status is S.ACCEPTED
    return work_texts.item_counter(t, min(done + here, items), items)


def next_item(t: Translator, view: WorkView, now: float, undo: WorkView | None = None) -> Screen:
    """The batch's next item, in the message of the one handed in; with `undo`, a button to
    change the label that item was given."""
    screen = work(t, view, now)
    if undo is None:
        return screen
    label = given(undo)
    button = Button(
        work_texts.btn_undo(t, label), cb.Undo(undo.assignment.id, view.assignment.id).pack()
    )
    return Screen(screen.text, (*screen.rows[:-1], (button,), screen.rows[-1]))


def given(view: WorkView) -> str:
    """The answer a one-question task was handed in with, as the worker reads it."""
    q = view.questions[0]
    return answer_label(q, view.answers.get(q.id, ""))


def submitted(
    t: Translator, view: WorkView, pending_cents: int, next_batch: int | None, undo: bool = False
) -> Screen:
    """After Submit: the pending reward, how far through its batch, the batch's next item if
    one waits (Next), and Undo for a one-label item just handed in."""
    rows: list[tuple[Button, ...]] = []
    if next_batch is not None:
        rows.append((Button(t(work_texts.BTN_NEXT_IN_BATCH), cb.NextInBatch(next_batch).pack()),))
    if undo:
        label = work_texts.btn_undo(t, given(view))
        rows.append((Button(label, cb.Undo(view.assignment.id, 0).pack()),))
    text = work_texts.submitted_with_pending(
        t, view.hit.title, view.hit.reward_cents, pending_cents, next_hint=view.progress is None
    )
    if view.progress is not None:
        done, items = view.progress
        text += "\n" + work_texts.batch_progress(t, done, items, next_batch is not None)
    return Screen(text, tuple(rows))


def returned(t: Translator, view: WorkView, next_batch: int | None) -> Screen:
    """After Return: the slot is back in the pool; in a batch, how far the worker got, and
    Next to go on with another item later."""
    text = work_texts.returned(t, view.hit.title)
    if view.progress is None:
        return Screen(text)
    done, items = view.progress
    text += "\n" + work_texts.batch_progress(t, done, items, next_batch is not None)
    if next_batch is None:
        return Screen(text)
    return Screen(
        text, ((Button(t(work_texts.BTN_NEXT_IN_BATCH), cb.NextInBatch(next_batch).pack()),),)
    )


def retag(t: Translator, view: WorkView, next_id: int) -> Screen:
    """Undo: the item handed in, its label ticked; another label changes it, Keep does not."""
    a, q = view.assignment, view.questions[0]
    value = view.answers.get(q.id, "")
    buttons = [
        Button(
            (formatting.TICK if str(i) == value else "") + label,
            cb.Retag(a.id, next_id, i).pack(),
        )
        for i, label in enumerate(q.options)
    ]
    done, items = view.progress or (1, 1)
    text = work_texts.retag_text(t, view.hit.title, done, items, q.prompt, q.item)
    keep = int(value) if value.isdigit() else 0
    back = Button(work_texts.btn_keep(t, given(view)), cb.Retag(a.id, next_id, keep).pack())
    return Screen(text, (*_rows(buttons, all(len(o) <= SHORT_OPTION for o in q.options)), (back,)))


def hits_page(
    t: Translator, page: HitPage, requesters: dict[int, tuple[str, str]] | None = None
) -> Screen:
    """A page of /hits: one button per HIT, then sort, kind filter and paging.

    `requesters` maps a requester id to (name, compact reputation) for the lines above.
    """
    kind = page.kind.value if page.kind else ""
    sort = page.sort.value
    rows: list[tuple[Button, ...]] = [
        (
            Button(
                work_texts.hit_row(t, item),
                cb.OpenHit(item.hit.id).pack(),
            ),
        )
        for item in page.items
    ]
    rows.append(
        tuple(
            Button(
                (formatting.TICK if s == sort else "") + t(label), cb.HitsPage(s, kind, 0).pack()
            )
            for s, label in work_texts.BTN_SORT.items()
        )
    )
    kinds = [("", t(work_texts.BTN_KIND_ALL))] + [
        (k.value, t(work_texts.HIT_KIND_NAMES[k.value])) for k in HitKind
    ]
    filters = [
        Button((formatting.TICK if k == kind else "") + label, cb.HitsPage(sort, k, 0).pack())
        for k, label in kinds
    ]
    rows += [tuple(filters[:2]), tuple(filters[2:])]  # two a row: a phone shows "✓ Surveys"
    paging = []
    if page.page > 0:
        paging.append(
            Button(work_texts.BTN_PREV_PAGE, cb.HitsPage(sort, kind, page.page - 1).pack())
        )
    if page.page + 1 < page.pages:
        paging.append(
            Button(work_texts.BTN_NEXT_PAGE, cb.HitsPage(sort, kind, page.page + 1).pack())
        )
    if paging:
        rows.append(tuple(paging))
    text = work_texts.hits_header(t, page.total, page.page, page.pages, sort, kind or None)
    # One line per requester, not per task: a page of one requester's tasks repeated
    # the same record eight times.
    posted: dict[int, list[str]] = {}
    for item in page.items:
        posted.setdefault(item.hit.requester_id, []).append(item.hit.title)
    for requester_id, titles in posted.items():
        name, reputation = (requesters or {}).get(requester_id, ("", ""))
        if name:
            shown = titles if len(posted) > 1 else None
            text += "\n" + work_texts.hit_requester_line(name, reputation, shown)
    if not page.items:
        text += "\n\n" + t(work_texts.NO_HITS)
    return Screen(text, tuple(rows))


# -- timed offers, deadline reminders, the timer concierge ------------------------------


def offer(t: Translator, card: HitCard, time_left: float, reputation: str = "") -> Screen:
    """A timed offer: the push card, the time left in the hold, Accept and Decline."""
    hit = card.hit
    return Screen(
        card_text(t, card, reputation) + "\n" + work_texts.offer_hold(t, time_left),
        (
            (
                Button(t(work_texts.BTN_ACCEPT), cb.Accept(hit.id).pack()),
                Button(t(work_texts.BTN_DECLINE), cb.Decline(hit.id).pack()),
            ),
        ),
    )


def open_offer(t: Translator, hit: Hit) -> Screen:
    """A lapsed offer when nobody else is in line: the slot is anyone's, Accept stays."""
    return Screen(
        work_texts.offer_open(t, hit.title),
        ((Button(t(work_texts.BTN_ACCEPT), cb.Accept(hit.id).pack()),),),
    )


def reminder(t: Translator, view: WorkView, now: float) -> Screen:
    """A deadline reminder with the time left and a button back to the task."""
    a = view.assignment
    return Screen(
        work_texts.reminder(t, view.hit.title, a.deadline_at - now),
        ((Button(t(work_texts.BTN_OPEN_TASK), cb.OpenTask(a.id).pack()),),),
    )


def last_reminder(t: Translator, view: WorkView, now: float, extend_s: int | None) -> Screen:
    """The last reminder: back to the task, return without penalty, "+N" if still unused."""
    a = view.assignment
    rows: list[tuple[Button, ...]] = [
        (Button(t(work_texts.BTN_OPEN_TASK), cb.OpenTask(a.id).pack()),),
        (Button(t(work_texts.BTN_RETURN_FREE), cb.ReturnFree(a.id).pack()),),
    ]
    if extend_s:
        label = t(work_texts.BTN_EXTEND).format(time=t.duration(extend_s))
        rows.append((Button(label, cb.Extend(a.id).pack()),))
    return Screen(
        work_texts.last_reminder(t, view.hit.title, a.deadline_at - now, extend_s), tuple(rows)
    )


def extended(t: Translator, view: WorkView, time_left: float) -> Screen:
    """The last reminder after "+N": the new time left and the way back to the task."""
    return Screen(
        work_texts.extended(t, view.hit.title, time_left),
        ((Button(t(work_texts.BTN_OPEN_TASK), cb.OpenTask(view.assignment.id).pack()),),),
    )


# -- first contact ----------------------------------------------------------------------

ROLES = "wp"  # the welcome's buttons: w(ork), p(ost tasks)


def welcome(t: Translator, name: str, alias: str, link: bool = False) -> Screen:
    """First contact: who gigbot is for, the alias, and the two ways in (work or post).

    After a deep link the task card follows, so the welcome points down to it."""
    ask = t(work_texts.WELCOME_LINK) if link else t(work_texts.WELCOME_ASK)
    return Screen(
        work_texts.welcome(t, work_texts.WELCOME, name, alias) + "\n\n" + ask, role_rows(t, ROLES)
    )


def welcome_back(t: Translator, name: str, alias: str, set_up: bool) -> Screen:
    """/start again: a short hello; the two ways in while the worker setup is unfinished."""
    text = work_texts.welcome(t, work_texts.WELCOME_BACK, name, alias)
    if set_up:
        return Screen(text)
    return Screen(text + "\n\n" + t(work_texts.WELCOME_ASK), role_rows(t, ROLES))


def role_rows(t: Translator, left: str) -> tuple[tuple[Button, ...], ...]:
    """The welcome's buttons for the roles still on it ("wp", "p", "" ...)."""
    labels = {"w": t(work_texts.BTN_ROLE_WORK), "p": t(work_texts.BTN_ROLE_POST)}
    buttons = [Button(labels[r], cb.Role(r, left).pack()) for r in ROLES if r in left]
    return tuple((button,) for button in buttons)


def requester_start(t: Translator, available_cents: int, tg_id: int) -> Screen:
    """'I want to post tasks': the balance and how to fund it, then how to post."""
    return Screen(work_texts.requester_start(t, available_cents, tg_id))


# -- setup and settings ---------------------------------------------------------------


def setup(t: Translator, step: str, mode: str, prefs: WorkerPrefs) -> Screen:
    """One onboarding step (mode 'o': the first says what the setup is and offers Skip,
    the others Back) or one settings editor (mode 's')."""
    if step == "menu":
        return settings(t, prefs)
    if step == "langs":
        return _languages_step(t, prefs)
    index = SETUP_ORDER.index(step)
    later = SETUP_ORDER[index + 1] if step != SETUP_ORDER[-1] else "end"
    forward = (
        Button(t(work_texts.BTN_NEXT_STEP), cb.SetupStep(later, mode).pack())
        if mode == "o"
        else Button(t(work_texts.BTN_SETTINGS_DONE), cb.SetupStep("menu", mode).pack())
    )
    rows: list[tuple[Button, ...]]
    if step == "kinds":
        rows = [
            tuple(
                Button(
                    (formatting.TICK if k in prefs.kinds else "")
                    + t(work_texts.HIT_KIND_NAMES[k.value]),
                    cb.SetPref("kind", k.value, mode).pack(),
                )
                for k in HitKind
            ),
            (forward,),
        ]
    elif step == "topics":
        topic_buttons = [
            Button(
                (formatting.TICK if topic in prefs.topics else "")
                + matching_texts.topic_name(t, topic),
                cb.SetPref("topic", topic, mode).pack(),
            )
            for topic in TOPICS
        ]
        any_topic = Button(
            (formatting.TICK if not prefs.topics else "") + t(work_texts.BTN_ANY_TOPIC),
            cb.SetPref("topic", "any", mode).pack(),
        )
        rows = [*_rows([any_topic, *topic_buttons], True), (forward,)]
    elif step == "reward":
        rows = [
            tuple(
                Button(
                    (formatting.TICK if c == prefs.min_reward_cents else "")
                    + work_texts.reward_floor(t, c),
                    cb.SetPref("reward", str(c), mode).pack(),
                )
                for c in REWARD_FLOORS
            )
        ]
    elif step == "tz":
        zones = [
            Button(
                (formatting.TICK if z == prefs.timezone else "")
                + z.split("/")[-1].replace("_", " "),
                cb.SetPref("tz", z, mode).pack(),
            )
            for z in TIME_ZONES
        ]
        rows = [tuple(zones[i : i + 3]) for i in range(0, len(zones), 3)]
    else:
        current = quiet_value(prefs.quiet_start, prefs.quiet_end)
        presets = [
            Button(
                (formatting.TICK if v == current else "") + quiet_text(t, v),
                cb.SetPref("quiet", v, mode).pack(),
            )
            for v in QUIET_PRESETS
        ]
        rows = list(_rows(presets, True))  # "22:00–07:00": five in a row would be cut short
    if mode == "o" and index == 0:
        rows.append((Button(t(work_texts.BTN_SETUP_SKIP), cb.SetupStep("end", mode).pack()),))
    elif mode == "o":
        rows.append(
            (Button(t(work_texts.BTN_BACK), cb.SetupStep(SETUP_ORDER[index - 1], mode).pack()),)
        )
    text = work_texts.setup_question(t, step, index + 1, len(SETUP_ORDER), onboarding=mode == "o")
    if mode == "o" and index == 0:
        text = t(work_texts.SETUP_INTRO) + "\n" + text
    return Screen(text, tuple(rows))


def _language_order(code: str) -> tuple[int, str]:
    """Task languages in the order of the buttons, others after them."""
    return (TASK_LANGUAGES.index(code), code) if code in TASK_LANGUAGES else (99, code)


def _languages_step(t: Translator, prefs: WorkerPrefs) -> Screen:
    """/settings → Languages: a button per task language, ticked when taken (the worker's own
    languages are offered too when not among the usual ones)."""
    codes = sorted({*TASK_LANGUAGES, *prefs.languages}, key=_language_order)
    buttons = [
        Button(
            (formatting.TICK if code in prefs.languages else "") + t.language_name(code),
            cb.SetPref("lang", code, "s").pack(),
        )
        for code in codes
    ]
    done = Button(t(work_texts.BTN_SETTINGS_DONE), cb.SetupStep("menu", "s").pack())
    text = work_texts.setup_question(t, "langs", 0, 0, onboarding=False)
    return Screen(text, (*_rows(buttons, True), (done,)))


def quiet_value(start: int | None, end: int | None) -> str:
    """(1320, 420) -> "22-7"; None -> "off"."""
    if start is None or end is None:
        return "off"
    return f"{start // 60}-{end // 60}"


def quiet_text(t: Translator, value: str) -> str:
    start, end = parse_quiet(value)
    return work_texts.quiet_label(t, start, end)


def parse_quiet(value: str) -> tuple[int | None, int | None]:
    """ "22-7" -> (1320, 420); "off" -> (None, None)."""
    if value == "off":
        return None, None
    start, end = value.split("-")
    return int(start) * 60, int(end) * 60


def settings(t: Translator, prefs: WorkerPrefs) -> Screen:
    """/settings: the summary and one button per thing to change."""
    text = work_texts.settings_summary(
        t,
        [k.value for k in HitKind if k in prefs.kinds],
        sorted(prefs.topics),
        prefs.min_reward_cents,
        prefs.timezone,
        work_texts.quiet_label(t, prefs.quiet_start, prefs.quiet_end),
        prefs.notifications,
        sorted(prefs.languages, key=_language_order),
    )
    steps = [
        Button(t(label), cb.SetupStep(step, "s").pack())
        for step, label in work_texts.BTN_SETTINGS.items()
    ]
    push = t(work_texts.BTN_PUSHES_ON) if prefs.notifications else t(work_texts.BTN_PUSHES_OFF)
    toggle = Button(push, cb.SetPref("notify", "off" if prefs.notifications else "on", "s").pack())
    if not prefs.onboarded:  # nothing is pushed before the setup is done: say so, offer it
        finish = Button(t(work_texts.BTN_SETUP_FINISH), cb.SetupStep(SETUP_ORDER[0], "o").pack())
        return Screen(
            text + "\n" + t(work_texts.SETUP_UNFINISHED),
            (*_rows(steps, True), (toggle,), (finish,)),
        )
    return Screen(text, (*_rows(steps, True), (toggle,)))


def setup_done(t: Translator, prefs: WorkerPrefs) -> Screen:
    return Screen(t(work_texts.SETUP_DONE) + "\n\n" + settings(t, prefs).text)


# -- reports --------------------------------------------------------------------------


def earnings(t: Translator, r: EarningsReport) -> Screen:
    return Screen(
        work_texts.earnings_report(
            t,
            r.balance_cents,
            r.pending_cents,
            r.pending,
            r.approved_cents,
            r.approved,
            r.rejected,
            r.bonus_cents,
            [
                (p, s.approved_cents, s.bonus_cents, s.earned_by_work_cents, s.submitted_work_s)
                for p, s in r.periods
            ],
            payouts=r.payouts,
        )
    )


def status(t: Translator, r: StatusReport, now: float) -> Screen:
    c = r.counts
    return Screen(
        work_texts.status_report(
            t,
            r.alias,
            work_texts.approval_rate(t, c.get(S.APPROVED, 0), r.reviewed),
            r.submitted_total,
            c.get(S.SUBMITTED, 0),
            c.get(S.APPROVED, 0),
            c.get(S.REJECTED, 0),
            c.get(S.RETURNED, 0),
            c.get(S.ABANDONED, 0),
            r.qualifications,
            [(hit.title, a.deadline_at - now) for a, hit in r.active],
        ),
        _open_rows(t, r.active),
    )


def nothing_next(t: Translator, active: list[tuple[Assignment, Hit]]) -> Screen:
    """/next with nothing to offer: say so, and show the way back to work in progress."""
    if not active:
        return Screen(t(work_texts.NO_HITS))
    return Screen(
        t(work_texts.NO_HITS) + "\n" + t(work_texts.IN_PROGRESS_BELOW), _open_rows(t, active)
    )


def stray_text(t: Translator, active: list[tuple[Assignment, Hit]], typed: int) -> Screen:
    """Text nothing was waiting for: the way back to work in progress (`typed` of it waits
    for a typed answer, so a reply must say which), else the main commands."""
    if not active:
        return Screen(t(work_texts.STRAY_TEXT))
    text = t(work_texts.STRAY_TEXT_WHICH) if typed > 1 else t(work_texts.STRAY_TEXT_BUTTONS)
    return Screen(text, _open_rows(t, active))


def _open_rows(
    t: Translator, active: list[tuple[Assignment, Hit]]
) -> tuple[tuple[Button, ...], ...]:
    """One button back to each task in progress."""
    return tuple(
        (Button(work_texts.btn_open(hit.title), cb.OpenTask(a.id).pack()),) for a, hit in active
    )


def help_page(t: Translator, page: str) -> Screen:
    """/help: the worker's page with a button to the requester's, and back."""
    if page == "requester":
        return Screen(
            t(work_texts.HELP_REQUESTER),
            ((Button(t(work_texts.BTN_HELP_WORKER), cb.Help("worker").pack()),),),
        )
    return Screen(
        t(work_texts.HELP_WORKER),
        ((Button(t(work_texts.BTN_HELP_REQUESTER), cb.Help("requester").pack()),),),
    )
