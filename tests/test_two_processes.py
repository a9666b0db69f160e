"""Two bot processes on one database, as behind a load balancer: a conversation begun on
one goes on, or ends, on the other. Process A and process B are two real Applications on
the same SQLite file and the same simulated Telegram; each update goes to the one named.
"""

from __future__ import annotations

import asyncio

from bot.clock import FakeClock
from bot.demo.stage import Actor, Stage
from handlers.ptb.persistence import SqlitePersistence
from tests.auxil.database import connect, database_of
from tests.auxil.gestures import do_poll
from tests.auxil.people import funded_requester, workers
from tests.auxil.posting import upload
from tests.auxil.screens import number_after

Pair = tuple[Stage, Stage]


def on(stage: Stage, actor: Actor) -> Actor:
    """The same person, their next update delivered to `stage`'s process."""
    return Actor(stage, actor.user)


def _rows(stage: Stage, sql: str) -> list[tuple[object, ...]]:
    with connect(database_of(stage)) as db:
        return list(db.execute(sql).fetchall())


async def _periodic_writes(*stages: Stage) -> None:
    """What each process's persistence job does every few seconds, done now, in this
    order (the process that did not take the last step writes last)."""
    for stage in stages:
        await stage.app.update_persistence()


async def test_reject_on_one_process_and_the_reason_on_the_other(
    processes: Pair, clock: FakeClock
) -> None:
    a, b = processes
    rita = await funded_requester(a, a.admin(), cents=1_000)
    (ann,) = await workers(a, "Annabel")
    await rita.send("/newpoll Which is blue? | Red | Blue ; reward=0.25 n=1")
    await rita.press("Publish")
    await do_poll(ann, clock, "Blue", 40)
    await rita.send("/review")
    await rita.press("Reject")
    assert "Why are you rejecting" in rita.last_text()

    await on(b, rita).send("Red is not blue")
    assert "with your reason" in rita.last_text()
    assert _rows(a, "SELECT status, reject_reason FROM assignments") == [
        ("rejected", "Red is not blue")
    ]
    told = [t for t in ann.texts() if "Rejected" in t]
    assert len(told) == 1 and "Red is not blue" in told[0], ann.texts()
    await _periodic_writes(b, a)
    assert _rows(a, "SELECT * FROM conversation_states") == []
    assert _rows(a, "SELECT * FROM conversation_user_data") == [], "A wrote back nothing stale"

    # A saw the Reject; the reason it waited for was given on B: A's next text is not one.
    said = len(rita.messages())
    await on(a, rita).send("Red is still not blue")
    await a.settle()
    await b.settle()
    assert len(rita.messages()) == said + 1, rita.texts()[said:]
    assert "isn't an answer to anything" in rita.last_text(), "only the stray-text hint"
    assert len([t for t in ann.texts() if "Rejected" in t]) == 1, "nothing was sent twice"
    assert _rows(a, "SELECT status, reject_reason FROM assignments") == [
        ("rejected", "Red is not blue")
    ]


async def test_a_survey_written_across_both_processes(processes: Pair) -> None:
    """Each step goes to the other process than the step before."""
    a, b = processes
    rita = await funded_requester(a, a.admin())
    (ann,) = await workers(a, "Ann")
    steps: list[tuple[Stage, str, str, str]] = [
        (a, "send", "/newsurvey", "What is its title?"),
        (b, "send", "Coffee habits", "Add the first question"),
        (a, "press", "Single choice", "Send the question text"),
        (b, "send", "Favourite roast?", "choices separated by |"),
        (a, "send", "Light | Medium | Dark", "1 so far"),
        (b, "press", "Rating", "Send the question text"),
        (a, "send", "How strong do you like it?", "2 so far"),
        (b, "press", "Done", "terms"),
        (a, "send", "reward=0.10 n=2 time=5m life=1d auto=2d", "survey #"),
    ]
    for stage, gesture, what, then in steps:
        if gesture == "send":
            await on(stage, rita).send(what)
        else:
            await on(stage, rita).press(what)
        assert then in rita.last_text(), (what, rita.last_text())
    preview = rita.last_text()
    assert "Coffee habits" in preview
    assert "Favourite roast? — Single choice (Light, Medium, Dark)" in preview
    assert "How strong do you like it? — Rating 1–5" in preview

    await on(b, rita).press("Publish")
    assert "Published" in rita.last_text()
    hit_id = number_after("#", rita.last_text())
    hit = await a.services.market.reading.hit(hit_id)
    assert hit is not None and hit.kind.value == "survey" and hit.status.value == "open"
    questions = await a.services.market.reading.questions(hit_id)
    assert [q.kind.value for q in questions] == ["single", "rating"]
    await a.settle()
    assert len([t for t in ann.texts() if "Coffee habits" in t]) == 1, ann.texts()
    await _periodic_writes(b, a)
    assert _rows(a, "SELECT * FROM conversation_states") == []
    assert _rows(a, "SELECT * FROM conversation_user_data") == []


async def test_an_answer_on_the_other_process_waits_for_the_step_before_it(
    processes: Pair,
) -> None:
    """Rita answers the labels prompt at once; her answer reaches B while A, which read
    her file and sent the prompt, has not yet stored that step (its send is slow): B waits
    for it instead of taking her labels for a file that never came."""
    a, b = processes
    rita = await funded_requester(a, a.admin())
    await rita.send("/newbatch")
    assert "Send a CSV or JSON file" in rita.last_text()
    a.sim.hold("sendMessage")
    file_read = asyncio.create_task(upload(a, rita, "items.csv", b"text\nA cat\nA dog\n"))
    await a.sim.until(lambda: a.sim.held == 1, 10, what="A's labels prompt on its way")
    labels = asyncio.create_task(on(b, rita).send("cat | dog"))
    # B either answered from the step before (its reply held too) or waits for A's step.
    stale = asyncio.create_task(a.sim.until(lambda: a.sim.held == 2, 30, what="B's answer"))
    store = b.app.persistence
    assert isinstance(store, SqlitePersistence)
    waits = asyncio.create_task(store.waited_for_a_step.wait())
    await asyncio.wait([stale, waits], return_when=asyncio.FIRST_COMPLETED)
    stale.cancel()
    waits.cancel()
    a.sim.release()
    await asyncio.gather(file_read, labels)
    await a.settle()
    texts = rita.texts()
    assert not any("Please send the items as a file" in t for t in texts), texts[-3:]
    assert "Last step: a title and the terms" in rita.last_text(), texts[-3:]
    assert _rows(a, "SELECT * FROM conversation_steps") == [], "nothing left held"


async def test_a_conversation_cancelled_on_one_process_is_over_on_the_other(
    processes: Pair,
) -> None:
    a, b = processes
    rita = await funded_requester(a, a.admin())
    await rita.send("/newsurvey")
    await rita.send("Pets")
    assert "Add the first question" in rita.last_text()

    await on(b, rita).send("/cancel")
    assert "Survey discarded" in rita.last_text()
    await _periodic_writes(b, a)
    assert _rows(a, "SELECT * FROM conversation_states") == []
    assert _rows(a, "SELECT * FROM conversation_user_data") == [], "A wrote back no draft"
    await on(a, rita).send("Which pets do you have?")
    said = rita.last_text()
    assert "isn't an answer to anything" in said, "a stray text: the survey is over on A too"
    assert _rows(a, "SELECT COUNT(*) FROM hits") == [(0,)]

    await on(a, rita).send("/newsurvey")
    assert "What is its title?" in rita.last_text()
    await on(b, rita).send("Cats or dogs")
    assert "Add the first question" in rita.last_text()
    assert "Cats or dogs" in _rows(a, "SELECT data FROM conversation_user_data")[0][0]


async def test_user_data_changed_here_and_not_yet_stored_is_kept(processes: Pair) -> None:
    """A handler outside a durable conversation changes user_data (PTB would store it at
    its next interval); the read before the user's next step does not undo it."""
    a, _ = processes
    rita = await funded_requester(a, a.admin())
    a.app.user_data[rita.tg_id]["note"] = "kept"
    await rita.send("/newsurvey")
    assert "What is its title?" in rita.last_text()
    assert a.app.user_data[rita.tg_id]["note"] == "kept"
    (stored,) = _rows(a, "SELECT data FROM conversation_user_data")
    assert '"note": "kept"' in str(stored[0]) and '"survey"' in str(stored[0])
