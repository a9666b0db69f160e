"""Handlers for first contact and a worker's preferences: /start (with deep links), the
choice of role, the setup steps, /settings, /timezone, /help."""

from __future__ import annotations

import dataclasses

from telegram import Update

from bot import callbacks as cb
from bot import formatting
from bot.domain import TOPICS, HitKind, Screen, WorkerPrefs
from bot.i18n import Translator
from bot.parsing import parse_start_payload
from bot.work import screens as worker_screens
from bot.work import texts as work_texts
from bot.work.desk import zone
from handlers.buttons import Press, Tap, button, open_button
from handlers.common import GigContext, edit_buttons, known_user, reply, sender_of
from handlers.worker.browse import show_link


async def start(update: Update, context: GigContext) -> None:
    """Welcome with the two ways in (work, post tasks) on first contact; `/start hit_<id>` /
    `batch_<id>` open a task (after the welcome, for a newcomer)."""
    existing = await known_user(update, context)
    user = existing or await sender_of(update, context)
    if existing is not None and not existing.active:
        await context.market.people.set_active(existing.tg_id, True)
    link = parse_start_payload(context.args[0]) if context.args else None
    if existing is None:
        await reply(
            update, worker_screens.welcome(context.t, user.first_name, user.alias, link is not None)
        )
    elif link is None:  # someone who knows the bot: a deep link goes straight to its task
        set_up = (await context.desk.prefs(user)).onboarded
        await reply(
            update, worker_screens.welcome_back(context.t, user.first_name, user.alias, set_up)
        )
    if link is not None:
        await show_link(update, context, user, *link)


@button(cb.Role)
async def choose_role(tap: Tap[cb.Role], context: GigContext) -> None:
    """'I want to work': the setup in a message of its own (the welcome stays);
    'I want to post tasks': the balance and how to post. The pressed button goes."""
    user, data = tap.user, tap.data
    await tap.answer()
    await edit_buttons(
        tap.query, worker_screens.role_rows(context.t, data.left.replace(data.role, ""))
    )
    if data.role == "p":
        balance = await context.accounts.become_requester(user)
        await tap.reply(
            worker_screens.requester_start(context.t, balance.available_cents, user.tg_id)
        )
        return  # the requester's command menu follows (handlers/__init__.py, group AFTER)
    prefs = await context.desk.prefs(user)
    if prefs.onboarded:
        await tap.reply(Screen(context.t(work_texts.ALREADY_SET_UP)))
        return
    await tap.reply(worker_screens.setup(context.t, worker_screens.SETUP_ORDER[0], "o", prefs))


async def help_command(update: Update, context: GigContext) -> None:
    """Explain gigbot to a first-time worker in a few lines (requesters are a tap away)."""
    await reply(update, worker_screens.help_page(context.t, "worker"))


@open_button(cb.Help)
async def help_page(press: Press[cb.Help], context: GigContext) -> None:
    """Turn /help to the requester's page or back; anyone may, nothing is stored."""
    await press.answer()
    await press.edit(worker_screens.help_page(context.t, press.data.page))


async def settings(update: Update, context: GigContext) -> None:
    """Show the worker's preferences with a button for each."""
    worker = await sender_of(update, context)
    await reply(update, worker_screens.settings(context.t, await context.desk.prefs(worker)))


@button(cb.SetupStep)
async def setup_step(tap: Tap[cb.SetupStep], context: GigContext) -> None:
    """Show a setup step, the settings menu, or finish the onboarding."""
    data, desk = tap.data, context.desk
    prefs = await desk.prefs(tap.user)
    await tap.answer()
    if data.step == "end":
        prefs = dataclasses.replace(prefs, onboarded=True)
        await desk.save_prefs(tap.user, prefs)
        await tap.edit(worker_screens.setup_done(context.t, prefs))
        return
    if data.step not in (*worker_screens.SETUP_ORDER, "menu", "langs"):
        return
    await tap.edit(worker_screens.setup(context.t, data.step, data.mode, prefs))


@button(cb.SetPref)
async def set_pref(tap: Tap[cb.SetPref], context: GigContext) -> None:
    """Change one preference; toggles redraw the step, choices move on."""
    data, desk = tap.data, context.desk
    prefs = await desk.prefs(tap.user)
    changed, step, problem = _apply(context.t, prefs, data.pref, data.value)
    if problem:
        await tap.answer(problem, alert=True)
        return
    await desk.save_prefs(tap.user, changed)
    await tap.answer()
    if step == "end" and data.mode == "o":
        changed = dataclasses.replace(changed, onboarded=True)
        await desk.save_prefs(tap.user, changed)
        await tap.edit(worker_screens.setup_done(context.t, changed))
        return
    if data.mode == "s" and data.pref not in ("kind", "topic", "lang"):
        step = "menu"  # settings: a choice returns to the menu; toggles stay for more taps
    await tap.edit(worker_screens.setup(context.t, step, data.mode, changed))


def _apply(
    t: Translator, prefs: WorkerPrefs, pref: str, value: str
) -> tuple[WorkerPrefs, str, str]:
    """The changed preferences, the step to show next, and a problem to show (or '')."""
    if pref == "kind" and value in {k.value for k in HitKind}:
        kinds = prefs.kinds ^ {HitKind(value)}
        if not kinds:
            return prefs, "kinds", t(work_texts.KEEP_ONE_KIND)
        return dataclasses.replace(prefs, kinds=kinds), "kinds", ""
    if pref == "topic" and (value in TOPICS or value == "any"):
        topics = frozenset() if value == "any" else prefs.topics ^ {value}
        return dataclasses.replace(prefs, topics=topics), "topics", ""
    if pref == "reward" and value in {str(c) for c in worker_screens.REWARD_FLOORS}:
        return dataclasses.replace(prefs, min_reward_cents=int(value)), "tz", ""
    if pref == "tz" and zone(value) is not None:
        return dataclasses.replace(prefs, timezone=value), "quiet", ""
    if pref == "quiet" and value in worker_screens.QUIET_PRESETS:
        start, end = worker_screens.parse_quiet(value)
        return dataclasses.replace(prefs, quiet_start=start, quiet_end=end), "end", ""
    if pref == "lang" and value.isalpha() and len(value) <= 8:
        languages = prefs.languages ^ {value}
        if not languages:
            return prefs, "langs", t(work_texts.KEEP_ONE_LANGUAGE)
        return dataclasses.replace(prefs, languages=languages), "langs", ""
    if pref == "notify":
        return dataclasses.replace(prefs, notifications=value == "on"), "menu", ""
    return prefs, "menu", t(formatting.STALE_BUTTON)


async def set_timezone(update: Update, context: GigContext) -> None:
    """/timezone Area/City: set the worker's time zone, or show the right form."""
    worker = await sender_of(update, context)
    name = (context.args or [""])[0]
    if zone(name) is None or not name:
        await reply(update, Screen(context.t(work_texts.TIMEZONE_USAGE)))
        return
    desk = context.desk
    prefs = await desk.prefs(worker)
    await desk.save_prefs(worker, dataclasses.replace(prefs, timezone=name))
    await reply(update, Screen(work_texts.timezone_set(context.t, name)))
