"""Each person reads gigbot in their own language: from Telegram's language_code at first
contact, changed with /language; menus per language; outbox messages in the recipient's
language; channel cards in the channel's; tasks reach the workers who take their language."""

from __future__ import annotations

import json

from bot.demo.stage import Actor, Stage
from bot.i18n import translator
from bot.requesting import texts as requesting_texts
from bot.work import texts as work_texts
from tests.auxil.gestures import approve_next
from tests.auxil.people import funded_requester, hispanic_worker, set_up

ES = translator("es")


def _menu(stage: Stage, scope: dict[str, object], language: str | None = None) -> list[str]:
    key = json.dumps(scope, sort_keys=True) + (f"|{language}" if language else "")
    return [str(c["description"]) for c in stage.sim.commands.get(key, [])]


async def test_first_contact_in_the_app_language_and_language_switches(stage: Stage) -> None:
    ana = Actor(stage, stage.sim.add_user("Ana", language_code="es-419"))
    bob = stage.user("Bob")  # English
    await ana.send("/start")
    await bob.send("/start")
    assert "Te damos la bienvenida a gigbot" in ana.last_text()
    assert "Welcome to gigbot" in bob.last_text(), "each their own language"
    assert "/language: español" in ana.last_text()

    await ana.send("/language")
    assert "Te hablo en español" in ana.last_text()
    names = [label for row in ana.last().buttons() for label, _, _ in row]
    assert names == ["English", "✓ Español", "Português (Brasil)", "हिन्दी", "Русский", "Indonesia"]

    await ana.press("English")
    assert "I speak English with you now" in ana.last_text()
    assert "✓ English" in str(ana.last().buttons()), "the choice is ticked where it was made"
    await ana.send("/help")
    assert "How gigbot works" in ana.last_text()
    assert _menu(stage, {"chat_id": ana.tg_id, "type": "chat"})[0] == "Sign up or see your alias"

    await ana.press("Español")
    await ana.send("/help")
    assert "Cómo funciona gigbot" in ana.last_text()
    assert _menu(stage, {"chat_id": ana.tg_id, "type": "chat"})[0] == "Registrarte o ver tu alias"
    assert "How gigbot works" in (await _help(bob)), "Bob's language did not change"


async def _help(actor: Actor) -> str:
    await actor.send("/help")
    return actor.last_text()


async def test_menus_are_set_per_language_with_telegram_language_codes(stage: Stage) -> None:
    default = {"type": "default"}
    assert _menu(stage, default)[0] == "Sign up or see your alias"  # everyone else: English
    assert _menu(stage, default, "es")[0] == "Registrarte o ver tu alias"
    for code in ("pt", "hi", "ru", "id"):  # two letters, as setMyCommands takes them
        assert len(_menu(stage, default, code)) == len(work_texts.WORKER_MENU)
    assert not _menu(stage, default, "pt-br")


async def test_the_simulated_telegram_refuses_a_menu_language_that_is_not_iso_639_1(
    stage: Stage,
) -> None:
    bot = stage.app.bot
    for wrong in ("pt-br", "english", "E"):
        try:
            await bot.set_my_commands([("help", "Help")], language_code=wrong)
        except Exception as exc:  # the Bot API's 400
            assert "language" in str(exc).lower()
        else:
            raise AssertionError(f"language_code={wrong!r} was accepted")


async def test_tasks_reach_the_workers_who_take_their_language(stage: Stage, admin: Actor) -> None:
    rita = await funded_requester(stage, admin)  # English
    ann = stage.user("Ann")  # English: takes English tasks
    await ann.send("/start")
    await set_up(ann)
    bea = await hispanic_worker(stage, "Bea")  # takes Spanish and English
    await rita.send("/newpoll Tea or coffee? | Tea | Coffee ; reward=0.10 n=5 est=15s lang=es")
    assert "In Spanish (lang=es)" in rita.last_text()
    await rita.press("Publish")
    assert "Tea or coffee?" in bea.last_text() and "🌐" not in bea.last_text()
    assert not any("Tea or coffee?" in text for text in ann.texts()), "Ann takes English only"
    await ann.send("/hits")
    assert "Tea or coffee?" not in str(ann.last().buttons())

    await rita.send("/newpoll Cats or dogs? | Cats | Dogs ; reward=0.10 n=5 est=15s")
    assert "In English (lang=en)" in rita.last_text(), "the requester's language by default"
    await rita.press("Publish")
    assert "Cats or dogs?" in ann.last_text()
    assert "Cats or dogs?" in bea.last_text() and "🌐 inglés" in bea.last_text()

    await ann.send("/settings")
    await ann.press("Languages")
    await ann.press("Spanish")
    assert "✓ Spanish" in str(ann.last().buttons())
    await ann.press("Done")
    assert "Task languages: English, Spanish" in ann.last_text()
    await rita.send("/newpoll Sun or rain? | Sun | Rain ; reward=0.10 n=5 est=15s lang=es")
    await rita.press("Publish")
    assert "Sun or rain?" in ann.last_text(), "Spanish tasks reach her now"


async def test_outbox_messages_are_in_each_recipients_language(stage: Stage, admin: Actor) -> None:
    rita = await funded_requester(stage, admin)
    bea = await hispanic_worker(stage, "Bea")
    await rita.send("/newpoll Tea or coffee? | Tea | Coffee ; reward=0.10 n=1 est=15s lang=es")
    await rita.press("Publish")
    await bea.press("Aceptar")
    await bea.press("Tea")
    await bea.press("Enviar")
    await approve_next(rita)
    assert "Approved" in str(stage.sim.alerts(rita.user)[-1]), "the requester reads English"
    assert "✅ Aprobada: Tea or coffee? +0,10\xa0US$. /earnings" in bea.texts()


async def test_channel_cards_are_in_the_channel_language(stage: Stage, admin: Actor) -> None:
    rita = await funded_requester(stage, admin)
    news = stage.sim.add_chat("Noticias", type="channel", username="noticias")
    stage.sim.set_member(news, rita.user, "creator")
    await rita.send("/linkchannel @noticias xx")
    assert "I don't speak “xx” yet" in rita.last_text() and "es (Spanish)" in rita.last_text()
    await rita.send("/linkchannel @noticias es")
    assert "posted there in Spanish" in rita.last_text()
    await rita.send("/newpoll Tea or coffee? | Tea | Coffee ; reward=0.10 n=5 est=15s")
    await rita.press("Publish")
    card = stage.sim.last_bot_message(news)
    assert card is not None and "Quedan 5 de 5" in (card.text or "")
    assert "Empezar a trabajar" in str(card.buttons())


async def test_a_survey_is_built_in_the_requesters_language(stage: Stage, admin: Actor) -> None:
    """/newsurvey in Spanish: the prompts and the kind-of-question buttons are Spanish
    (the buttons were said in English in every language)."""
    rita = await funded_requester(stage, admin)
    await rita.send("/language")
    await rita.press("Español")
    await rita.send("/newsurvey")
    await rita.send("Hábitos de café")
    labels = [label for row in rita.last().buttons() for label, _, _ in row]
    names = [ES(requesting_texts.KIND_NAMES[kind]) for kind in ("single", "multi", "rating")]
    assert labels == [*names, ES(requesting_texts.KIND_NAMES["text"])]
    assert "Opción única" in labels and "Single choice" not in labels
    await rita.press("Opción única")
    assert "Opción única" in rita.last_text()
