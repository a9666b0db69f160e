"""People: requesters funded by the admin, workers set up as a person would."""

from __future__ import annotations

from bot.demo.stage import Actor, Stage
from bot.domain import User
from bot.i18n import translator
from bot.work import texts as work_texts


async def funded_requester(
    stage: Stage, admin: Actor, name: str = "Rita", cents: int = 10_000
) -> Actor:
    """A requester who has started the bot and been funded by the admin."""
    requester = stage.user(name)
    await requester.send("/start")
    await admin.send(f"/fund {requester.tg_id} {cents // 100}.{cents % 100:02d}")
    return requester


async def worker(stage: Stage, name: str) -> Actor:
    """A worker who has sent /start, tapped "I want to work" and skipped the rest of the
    setup (its defaults: every kind of task, any reward, no quiet hours): pushes reach them."""
    actor = stage.user(name)
    await actor.send("/start")
    await set_up(actor)
    return actor


async def set_up(actor: Actor) -> None:
    """Finish the worker setup from the welcome, taking its defaults, as a person would."""
    await actor.press("I want to work")
    await actor.press("Skip, use defaults")


async def hispanic_worker(stage: Stage, name: str) -> Actor:
    """A worker whose Telegram app is in Spanish, set up with the defaults (in Spanish)."""
    actor = Actor(stage, stage.sim.add_user(name, language_code="es"))
    await actor.send("/start")
    await actor.press(translator("es")(work_texts.BTN_ROLE_WORK))
    await actor.press(translator("es")(work_texts.BTN_SETUP_SKIP))
    return actor


async def workers(stage: Stage, *names: str) -> list[Actor]:
    """Workers set up as `worker` does, in the order named."""
    return [await worker(stage, name) for name in names]


async def user_of(stage: Stage, actor: Actor) -> User:
    """The bot's user record of `actor` (who has started the bot)."""
    found = await stage.services.market.people.user(actor.tg_id)
    assert found is not None, f"{actor.name} has not started the bot"
    return found


async def user_id(stage: Stage, actor: Actor) -> int:
    """The bot's user id of `actor` (who has started the bot)."""
    return (await user_of(stage, actor)).id
