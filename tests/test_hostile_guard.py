"""The guard against what nobody thought of (issue 19): generated text, numbers, files and
callback data sent to every command and every button pattern by the requester who owns the
work, workers in the middle of it, a stranger and the admin, with the clock moving between.

After every example: no handler error, no Telegram rule broken (message sizes, keyboards,
callback data, rates), the ledger sums to zero and agrees with the balances table, and each
HIT's escrow is what its work can still claim (tests/hostile_helpers.py). One stage per test,
a bounded number of examples: the three tests add well under a minute to the suite.
"""

from __future__ import annotations

import dataclasses
import string
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from telegram.ext import CallbackQueryHandler, CommandHandler, ConversationHandler

from bot import callbacks as cb
from bot.clock import FakeClock
from bot.demo.stage import Actor, Stage
from tests.auxil.database import database_at
from tests.auxil.gestures import answer_poll
from tests.auxil.invariants import stage_problems
from tests.auxil.people import funded_requester, workers
from tests.auxil.posting import published_batch, published_poll, upload
from tests.auxil.stages import fast_stage

GUARD = settings(
    max_examples=80,
    deadline=timedelta(seconds=20),  # a hang, not a slow machine
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    database=None,
)
ACTORS = ("rita", "ann", "bob", "mallory", "admin")
COMMANDS = (
    "start", "help", "settings", "timezone", "hits", "next", "earnings", "status", "newpoll",
    "review", "balance", "newsurvey", "newbatch", "myhits", "results", "bonus", "block",
    "unblock", "qualtest", "qualify", "apikey", "requester", "free", "raise", "msg",
    "linkchannel", "unlinkchannel", "fund", "stats", "why", "require", "grant", "revoke",
    "cancel", "done", "language", "deposit", "withdraw", "payouts", "rejectpayout", "paysupport",
)  # fmt: skip
BUTTONS = tuple(
    c
    for c in vars(cb).values()
    if isinstance(c, type) and issubclass(c, cb.CallbackData) and c is not cb.CallbackData
)


class World:
    """The people of one stage: a requester with a poll and a batch, two workers at work on
    the poll (one submitted, one still answering), a stranger and the admin."""

    def __init__(self, stage: Stage, people: dict[str, Actor]) -> None:
        self.stage = stage
        self.people = people

    @classmethod
    async def make(cls, stage: Stage) -> World:
        admin = stage.admin()
        rita = await funded_requester(stage, admin, cents=100_00)
        ann, bob, mallory = await workers(stage, "Ann", "Bob", "Mallory")
        await published_poll(stage, rita, "Tea or coffee? | Tea | Coffee ; reward=0.05 n=3")
        await answer_poll(ann, "Tea")
        await bob.press("Accept", bob.messages()[-1].message_id)
        csv = b"text,gold\nA cat,cat\nA dog,dog\nA bird,\n"
        await published_batch(stage, rita, csv, "cat | dog", "Which animal? ; reward=0.02 n=2")
        people = {"rita": rita, "ann": ann, "bob": bob, "mallory": mallory, "admin": admin}
        return cls(stage, people)


@pytest.fixture
async def world(tmp_path: Path, clock: FakeClock) -> AsyncIterator[World]:
    # Hundreds of messages to the same few chats within seconds: Telegram's budgets scaled up.
    async with fast_stage(await database_at(tmp_path, "gigbot"), clock) as stage:
        made = await World.make(stage)
        assert stage_problems(stage) == []
        yield made


# -- what people send ---------------------------------------------------------------------

numbers = st.one_of(
    st.integers(-3, 12),
    st.integers(),  # past SQLite's range too: callback ints and typed numbers are bounded
    st.sampled_from([0.0, -0.0]),
    st.floats(allow_nan=True, allow_infinity=True),
).map(str) | st.sampled_from(["NaN", "inf", "1e308", "٣", "0x10", "1_000", "0.001", "-0"])
words = st.one_of(
    numbers,
    st.text(max_size=40),
    st.sampled_from(
        [
            "reward=0.05", "n=3", "time=2m", "life=1d", "auto=1h", "topic=images", "|", ";",
            "W-AAAA", "#1", "hit_1", "batch_1", "<b>", "</i>", "&amp;", "<", "@", "🎉" * 40,
            "Europe/Berlin", "x" * 400, "\u202e", "\x00",
        ]
    ),
)  # fmt: skip
texts = st.lists(words, min_size=1, max_size=6).map(" ".join).filter(lambda t: t.strip() != "")


def _values(button: type[cb.CallbackData]) -> st.SearchStrategy[str]:
    """Callback data with this button's prefix and generated fields (at most 64 bytes)."""
    parts: list[st.SearchStrategy[str]] = []
    for field in dataclasses.fields(button):
        if field.type in ("int", int):
            parts.append(numbers)
        else:
            utf8 = st.characters(codec="utf-8", exclude_characters=":")  # as Telegram carries
            parts.append(st.text(alphabet=utf8, max_size=12))
    return st.tuples(*parts).map(lambda values: ":".join([button.prefix, *values]))


def _cut(data: str) -> str:
    """Telegram carries at most 64 bytes of callback data."""
    return data.encode()[: cb.MAX_BYTES].decode(errors="ignore") or "x"


callback_data = st.one_of(
    st.sampled_from(BUTTONS).flatmap(_values),
    st.text(min_size=1, max_size=64),
).map(_cut)

csv_files = st.lists(
    st.lists(st.text(string.printable + "é🎉\"',;\n", max_size=30), min_size=1, max_size=4),
    max_size=6,
).map(lambda rows: "\n".join(",".join(r) for r in [["text", "gold"], *rows]).encode())
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner),
    max_leaves=12,
)
json_items = st.lists(
    st.dictionaries(st.sampled_from(["text", "image_url", "gold", "x"]), json_values),
    max_size=5,
)
files = st.tuples(
    st.sampled_from(["items.csv", "items.json", "items.txt", "items.xlsx"]),
    st.one_of(
        st.binary(max_size=300),
        csv_files,
        json_items.map(lambda v: __import__("json").dumps(v).encode()),
        json_values.map(lambda v: __import__("json").dumps(v).encode()),
    ),
)


@dataclasses.dataclass(frozen=True)
class Command:
    who: str
    name: str
    args: str


@dataclasses.dataclass(frozen=True)
class Text:
    who: str
    text: str
    reply_back: int | None  # reply to the n-th latest message from the bot


@dataclasses.dataclass(frozen=True)
class Press:
    who: str
    data: str
    back: int  # on the n-th latest message from the bot


@dataclasses.dataclass(frozen=True)
class File:
    who: str
    name: str
    content: bytes


@dataclasses.dataclass(frozen=True)
class Later:
    seconds: int


who = st.sampled_from(ACTORS)
commands = st.builds(Command, who, st.sampled_from(COMMANDS), st.just("") | texts)
actions = st.one_of(
    commands,
    st.builds(Text, who, texts, st.none() | st.integers(0, 3)),
    st.builds(Press, who, callback_data, st.integers(0, 3)),
    files.flatmap(lambda f: st.builds(File, who, st.just(f[0]), st.just(f[1]))),
    st.builds(Later, st.sampled_from([30, 600, 3600, 86_400, 4 * 86_400])),
)


def _bot_message(actor: Actor, back: int) -> int | None:
    found = actor.messages()
    return found[-1 - back].message_id if len(found) > back else None


async def act(world: World, action: Any) -> None:
    """Carry out one generated action on the stage."""
    stage = world.stage
    if isinstance(action, Later):
        assert isinstance(stage.clock, FakeClock)
        stage.clock.advance(action.seconds)
        await stage.settle()
        return
    actor = world.people[action.who]
    if isinstance(action, Command):
        await actor.send(f"/{action.name} {action.args}".strip())
    elif isinstance(action, Text):
        back = None if action.reply_back is None else _bot_message(actor, action.reply_back)
        await actor.send(action.text, reply_to=back)
    elif isinstance(action, Press):
        message_id = _bot_message(actor, action.back)
        if message_id is not None:
            update = stage.sim.callback(
                actor.user, message_id, action.data, enqueue=False, check_button=False
            )
            await stage.deliver(update)
    elif isinstance(action, File):
        await upload(stage, actor, action.name, action.content)


async def run_story(world: World, story: list[Any]) -> None:
    for action in story:
        await act(world, action)
        problems = stage_problems(world.stage)
        assert problems == [], f"after {action}: {problems}"


# -- the guard ------------------------------------------------------------------------------


async def test_the_guard_knows_every_command_and_button(world: World) -> None:
    """New commands and buttons join the generated input by being listed here."""

    def names(handlers: list[Any]) -> set[str]:
        """Commands, and the patterns of buttons, the handlers answer."""
        found: set[str] = set()
        for handler in handlers:
            if isinstance(handler, CommandHandler):
                found |= {f"/{name}" for name in handler.commands}
            elif isinstance(handler, CallbackQueryHandler) and handler.pattern is not None:
                found.add(getattr(handler.pattern, "pattern", str(handler.pattern)))
            elif isinstance(handler, ConversationHandler):
                found |= names(handler.entry_points) | names(handler.fallbacks)
                for state in handler.states.values():
                    found |= names(state)
        return found

    registered = set().union(*(names(group) for group in world.stage.app.handlers.values()))
    commands = {name for name in registered if name.startswith("/")}
    assert commands <= {f"/{name}" for name in COMMANDS}, commands
    prefixes = {button.prefix for button in BUTTONS}
    for pattern in registered - commands:
        prefix = pattern.lstrip("^").split(":")[0].removesuffix("\\Z").removesuffix("$")
        assert prefix in prefixes, pattern


@GUARD
@given(story=st.lists(commands, min_size=1, max_size=4))
async def test_generated_commands_hold(world: World, story: list[Any]) -> None:
    await run_story(world, story)


@GUARD
@given(story=st.lists(st.builds(Press, who, callback_data, st.integers(0, 3)), max_size=4))
async def test_generated_buttons_hold(world: World, story: list[Any]) -> None:
    await run_story(world, story)


@GUARD
@given(story=st.lists(actions, min_size=1, max_size=5))
async def test_generated_conversations_hold(world: World, story: list[Any]) -> None:
    await run_story(world, story)
