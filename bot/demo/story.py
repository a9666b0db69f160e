"""`gigbot demo`: the whole story, told by the real bot on a real database against the
simulated Telegram, printed as a chat transcript, then a summary from the records.

Time is a FakeClock paced by `speed`: each wait in the story sleeps wait/speed real
seconds, moves the clock, then applies what fell due exactly as the running bot's jobs
do (Timers.run_due: reminders, abandonment, auto-approval, expiry; Matcher.next_waves)
and sends what the outbox holds. Every step finishes before the next, and all choices
come from one seeded random generator, so a seed always prints the same transcript.
"""

from __future__ import annotations

import asyncio
import csv
import io
import logging
import random
import tempfile
from collections.abc import Callable
from pathlib import Path

from bot import callbacks as cb
from bot.clock import FakeClock
from bot.config import Settings
from bot.demo.stage import Actor, Stage
from bot.demo.summary import Summary, collect
from bot.demo.transcript import Transcript, Write
from bot.i18n import EN, N_, Translator, translator
from bot.market.people import ALIAS_ALPHABET
from bot.requesting import texts as requesting_texts
from bot.sandbox import Limits, SimMessage
from bot.work import texts as work_texts

# What Rita writes is shown as written: in a demo told in another language (--lang) she
# writes in it too, so these are in the catalogs like everything the bot says.
POLL_QUESTION = N_("Which logo reads better on a phone?")
POLL_OPTIONS = (N_("Round"), N_("Square"), N_("Wordmark"))
POLL_TERMS = "reward=0.15 n=3 time=2m est=20s"
# (text, gold answer or "", what the item really shows): the first and last are gold.
CAT, DOG = N_("cat"), N_("dog")
ITEMS = (
    (N_("A purring kitten curled up on a sofa"), CAT, CAT),
    (N_("A puppy chasing a red ball"), "", DOG),
    (N_("A tabby stretching in the sun"), "", CAT),
    (N_("A retriever fetching a stick"), DOG, DOG),
)
LABELS = (CAT, DOG)
BATCH_TITLE = N_("Which animal is described?")
BATCH_TERMS = "reward=0.05 n=2 time=5m est=10s"
# TRANSLATORS: the demo requester's reason for rejecting a wrong attention-check answer
REJECT_REASON = N_("“{item}” shows a {label}: it was an attention check.")
BONUS_REASON = N_("Quick and careful, thanks!")


def items_csv(t: Translator = EN) -> bytes:
    """The batch upload: text and an optional gold label per line (quoted as CSV quotes
    it: a translated item may hold a comma or a quote)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["text", "gold"])
    writer.writerows([t(text), t(gold) if gold else ""] for text, gold, _ in ITEMS)
    return out.getvalue().encode()


def seeded_aliases(rng: random.Random) -> Callable[[], str]:
    """Worker aliases drawn from the demo's generator, so a seed always names them alike."""
    return lambda: "W-" + "".join(rng.choice(ALIAS_ALPHABET) for _ in range(4))


class Demo:
    """The story, one step at a time, each printed as it happens."""

    def __init__(
        self,
        stage: Stage,
        clock: FakeClock,
        rng: random.Random,
        speed: float,
        write: Write,
        language: str = "en",
    ) -> None:
        self.language = language
        self.t = translator(language)  # what everyone reads and taps, and what Rita writes
        self.stage = stage
        self.clock = clock
        self.rng = rng
        self.speed = speed
        self.log = Transcript(stage.sim, write)
        self.start = clock.now()

    # -- time and gestures ------------------------------------------------------------

    def at(self) -> str:
        """Story time since the start, as [mm:ss]."""
        elapsed = int(self.clock.now() - self.start)
        return f"[{elapsed // 60:02d}:{elapsed % 60:02d}]"

    async def wait(self, seconds: float) -> None:
        """Let `seconds` of story time pass, then apply and send what fell due."""
        await asyncio.sleep(seconds / self.speed)
        self.clock.advance(seconds)
        await self.stage.services.timers.run_due()
        await self.stage.services.matcher.next_waves()
        await self.stage.services.broadcaster.flush()
        self.log.catch_up()

    async def think(self) -> None:
        """A person takes a few seconds before each gesture."""
        await self.wait(self.rng.randint(3, 9))

    def cast(self, name: str, role: str = "") -> Actor:
        actor = self.stage.user(name, language_code=self.language)
        self.log.names[actor.tg_id] = f"{name}{role}"
        return actor

    async def say(self, actor: Actor, text: str) -> None:
        await self.think()
        self.log.action(self.log.name(actor.tg_id), text, self.at())
        await actor.send(text)
        self.log.catch_up()

    def button(self, label: str) -> str:
        """A button's label as the story's people read it (a texts' N_ message)."""
        return self.t(label)

    async def press(self, actor: Actor, label: str) -> None:
        """Tap the button labelled `label` (said already in the story's language)."""
        await self.think()
        self.log.action(self.log.name(actor.tg_id), f"taps [{label}]", self.at())
        await actor.press(label)
        self.log.catch_up()

    async def upload(self, actor: Actor, filename: str, content: bytes) -> None:
        await self.think()
        self.log.action(self.log.name(actor.tg_id), f"sends the file 📎 {filename}", self.at())
        sim = self.stage.sim
        await self.stage.deliver(sim.document(actor.user, filename, content, enqueue=False))
        self.log.catch_up()

    def section(self, title: str) -> None:
        self.log.section(title, self.at())

    async def alias(self, actor: Actor) -> str:
        """The alias requesters know this worker by (shown on every review card)."""
        user = await self.stage.services.market.people.user(actor.tg_id)
        assert user is not None
        return user.alias

    # -- the story --------------------------------------------------------------------

    async def run(self) -> None:
        admin = self.stage.admin()
        self.log.names[admin.tg_id] = "Admin"
        self.rita = self.cast("Rita", " (requester)")
        self.ann, self.bob, self.cy, self.dee = (
            self.cast(name) for name in ("Ann", "Bob", "Cy", "Dee")
        )
        self.section("1 · everyone opens the bot: Rita to post tasks, the others to work")
        await self.say(self.rita, "/start")
        await self.press(self.rita, self.button(work_texts.BTN_ROLE_POST))
        for person in (self.ann, self.bob, self.cy, self.dee):
            await self.say(person, "/start")
            await self.press(person, self.button(work_texts.BTN_ROLE_WORK))
            # every kind of task, any time
            await self.press(person, self.button(work_texts.BTN_SETUP_SKIP))
        await self.deposit()
        await self.channel_link()
        await self.poll()
        await self.batch()
        await self.review()
        await self.money()
        await self.payouts(admin)
        await self.loose_ends()

    async def deposit(self) -> None:
        """Rita pays for her balance in Telegram Stars."""
        rita = self.rita
        await self.say(rita, "/deposit")
        await self.press(rita, self.t.money(2000))
        await self.think()
        self.log.action(self.log.name(rita.tg_id), "taps [Pay] and confirms in Telegram", self.at())
        refusal = await rita.pay()
        assert refusal is None, refusal
        self.log.catch_up()

    async def channel_link(self) -> None:
        """A channel where Rita is the creator and the bot an admin; new HITs go there."""
        self.section("2 · the requester links her channel")
        self.channel = self.stage.sim.add_chat("Gig News", type="channel", username="gignews")
        self.stage.sim.set_member(self.channel, self.rita.user, "creator")
        self.log.names[self.channel.id] = "📢 Gig News"
        await self.say(self.rita, "/linkchannel @gignews")

    async def from_channel(self, worker: Actor) -> None:
        """A worker opens the batch from the channel card's deep link."""
        card = self.stage.sim.last_bot_message(self.channel)
        if card is None:
            raise AssertionError("the linked channel got no card for the batch")
        url = next(url for row in card.buttons() for _, _, url in row if url)
        await self.think()
        self.log.action(
            self.log.name(worker.tg_id), "taps [Start working] in 📢 Gig News", self.at()
        )
        # A t.me/<bot>?start=<payload> link makes Telegram send "/start <payload>".
        await worker.send(f"/start {url.split('start=', 1)[1]}")
        self.log.catch_up()

    async def poll(self) -> None:
        workers = [self.ann, self.bob, self.cy, self.dee]
        self.section("3 · a small poll: each slot is offered to one worker at a time")
        t = self.t
        options = " | ".join(t(option) for option in POLL_OPTIONS)
        await self.say(self.rita, f"/newpoll {t(POLL_QUESTION)} | {options} ; {POLL_TERMS}")
        await self.press(self.rita, self.button(requesting_texts.BTN_PUBLISH))
        returner, answerer, idler = self.holding(workers)[:3]
        self.section(f"4 · {returner.name} accepts and returns it; {answerer.name} answers")
        await self.press(returner, self.button(work_texts.BTN_ACCEPT))
        await self.press(returner, self.button(work_texts.BTN_RETURN))
        await self.answer_poll(answerer)
        (after,) = [w for w in self.holding(workers) if w not in (answerer, idler)]
        self.section(f"5 · the returned slot is offered to {after.name}")
        await self.answer_poll(after)
        self.section(f"6 · {idler.name} accepts the offer, then lets the time run out")
        await self.press(idler, self.button(work_texts.BTN_ACCEPT))
        accepted = self.clock.now()
        for until in (60, 96, 120):  # reminders at half and a fifth left, then the deadline
            await self.wait(max(0.0, accepted + until - self.clock.now()))

    def holding(self, workers: list[Actor]) -> list[Actor]:
        """The workers whose newest card is a live offer held for them (it has Decline)."""
        accept, decline = self.button(work_texts.BTN_ACCEPT), self.button(work_texts.BTN_DECLINE)
        found = []
        for worker in workers:
            cards = [m for m in worker.messages() if _has_button(m, accept)]
            if cards and _has_button(cards[-1], decline):
                found.append(worker)
        return found

    async def answer_poll(self, worker: Actor) -> None:
        await self.press(worker, self.button(work_texts.BTN_ACCEPT))
        await self.press(worker, self.t(self.rng.choice(POLL_OPTIONS)))
        await self.press(worker, self.button(work_texts.BTN_SUBMIT))

    async def batch(self) -> None:
        rita, ann, bob, cy = self.rita, self.ann, self.bob, self.cy
        self.section("7 · a tagging batch with gold items, uploaded as a CSV")
        t = self.t
        await self.say(rita, "/newbatch")
        await self.upload(rita, "animals.csv", items_csv(t))
        await self.say(rita, " | ".join(t(label) for label in LABELS))
        await self.say(rita, f"{t(BATCH_TITLE)} ; {BATCH_TERMS}")
        await self.press(rita, self.button(requesting_texts.BTN_PUBLISH))
        self.batch_id = int(rita.last_text().split("#")[1].split(" ")[0].strip(".,"))
        await self.from_channel(self.dee)
        self.section("8 · a race: Ann tags carefully; Cy misses a gold item; Bob gets what is left")
        await self.accept_open(ann)
        await self.tag(ann, careful=True)  # one tap hands it in; the next item takes its place
        if has_button_in(ann, self.button(work_texts.BTN_RETURN)):
            await self.tag(ann, careful=True)
        await self.stop_tagging(ann)
        await self.accept_open(cy)
        await self.tag(cy, careful=False)
        await self.stop_tagging(cy)
        await self.accept_open(bob)

    async def accept_open(self, worker: Actor) -> None:
        """Tap Accept on the newest card; if that task is taken, scroll up to the next one."""
        tried: set[int] = set()
        asked_next = False
        accept = self.button(work_texts.BTN_ACCEPT)
        accepted = self.t(work_texts.ACCEPTED).split("{")[0]
        while True:
            await self.think()
            cards = [m for m in worker.messages() if _has_button(m, accept)]
            untried = [m for m in cards if m.message_id not in tried]
            if not untried and not asked_next:  # a batch is one card: ask for the next task
                asked_next = True
                await self.say(worker, "/next")
                continue
            if not untried:
                raise AssertionError(f"{worker.name} found no task to accept")
            card = untried[-1]
            tried.add(card.message_id)
            self.log.action(
                self.log.name(worker.tg_id), f"taps [{accept}] on #{card.message_id}", self.at()
            )
            alert = await worker.press(accept, card.message_id)
            self.log.catch_up()
            if alert is None or alert.startswith(accepted):
                return
            self.log.note(f"{worker.name} looks for another task")

    async def tag(self, worker: Actor, careful: bool) -> None:
        """Tap the label the item shows (careful) or the other one on a gold item (not)."""
        t = self.t
        back = self.button(work_texts.BTN_RETURN)
        task = next(m for m in reversed(worker.messages()) if _has_button(m, back))
        text = task.text or ""
        text_, gold, truth = next(item for item in ITEMS if t(item[0]) in text)
        if not careful and not gold:
            raise AssertionError(f"{worker.name} was meant to get a gold item: {text_}")
        label = truth if careful else next(other for other in LABELS if other != gold)
        await self.press(worker, t(label))

    async def stop_tagging(self, worker: Actor) -> None:
        """Enough for now: the item that came up next goes back to the pool."""
        if has_button_in(worker, self.button(work_texts.BTN_RETURN)):
            await self.press(worker, self.button(work_texts.BTN_RETURN))

    async def review(self) -> None:
        rita = self.rita
        self.section("9 · the requester reviews: approves, rejects with a reason")
        t = self.t
        approve = self.button(requesting_texts.BTN_APPROVE)
        reject_all = requesting_texts.btn_reject_worker(t, "")  # shown for low gold accuracy
        await self.say(rita, "/review")
        while _has_button(rita.last(), approve):
            card = rita.last_text()
            if _has_button(rita.last(), reject_all):  # Cy, who missed the gold item
                text, gold, _ = next(item for item in ITEMS if t(item[0]) in card and item[1])
                await self.press(rita, self.button(requesting_texts.BTN_REJECT))
                await self.say(rita, t(REJECT_REASON, item=t(text), label=t(gold)))
            else:
                await self.press(rita, approve)
        self.section("10 · a bonus, the results, the export")
        alias = await self.alias(self.ann)
        await self.say(rita, f"/bonus {alias} 0.25 {t(BONUS_REASON)}")
        await self.say(rita, f"/results b{self.batch_id}")
        await self.press(rita, self.button(requesting_texts.BTN_EXPORT))

    async def money(self) -> None:
        self.section("11 · workers check their money and record")
        for worker in (self.ann, self.cy, self.dee):
            await self.say(worker, "/earnings")
            await self.say(worker, "/status")
        await self.say(self.rita, "/balance")

    async def payouts(self, admin: Actor) -> None:
        """Ann cashes out; the operator pays the batch through PayPal and marks it paid."""
        ann = self.ann
        self.section("12 · Ann cashes out; the operator pays out through PayPal")
        await self.say(ann, "/withdraw")
        await self.say(ann, "ann@example.com")
        withdraw = [  # "💸 Withdraw $0.45", said in the story's language
            text
            for row in (ann.last().buttons() if ann.messages() else [])
            for text, data, _ in row
            if data and data.startswith(cb.Withdraw.prefix + ":")
        ]
        if withdraw:
            await self.press(ann, withdraw[0])
        await self.say(admin, "/payouts")  # an admin tool: English
        if has_button_in(admin, "Export"):
            await self.press(admin, "Export PayPal CSV")
            await self.press(admin, "Mark batch")

    async def loose_ends(self) -> None:
        """Work still in flight when the story ends: one submitted, one being done."""
        self.section("13 · meanwhile: Bob hands in his tag (the next comes up), Dee starts one")
        await self.tag(self.bob, careful=True)
        await self.accept_open(self.dee)


def has_button_in(actor: Actor, label: str) -> bool:
    """Whether the actor's newest message offers a button with `label`."""
    found = actor.messages()
    return bool(found) and _has_button(found[-1], label)


def _has_button(message: SimMessage, label: str) -> bool:
    return any(label in text for row in message.buttons() for text, _, _ in row)


DEFAULT_SPEED = 60.0


def header(seed: int, speed: float) -> list[str]:
    """How to read the transcript."""
    return [
        f"gigbot demo · seed {seed} · story time ×{speed:g} · the real bot and database"
        " against a simulated Telegram",
        "Rita is a requester; Ann, Bob, Cy and Dee are workers. [mm:ss] is story time.",
        "  Name ▶ …            what that person typed or tapped",
        "  🤖 → Name [new #n]   the bot's message in their chat ([✎ edited #n]: changed)",
        "  │ [Button]          the buttons under it · (toast/alert) answers to a tap",
    ]


def telegram_limits(speed: float) -> Limits:
    """Telegram's limits in real time at the default pace or slower; faster, they speed up
    with the clock (the scripted people tap faster than a chat may be answered otherwise)."""
    return Limits(scale=max(1.0, speed / DEFAULT_SPEED))


async def tell(
    seed: int = 7,
    speed: float = 60.0,
    database: str | None = None,
    write: Write = print,
    language: str = "en",
    look: Callable[[Stage], object] | None = None,
) -> Summary:
    """Tell the story on a fresh database, everyone speaking `language` (bot/i18n.py);
    return the summary (already printed). `look` sees the stage at the end (tests read
    every Bot API call the story made)."""
    with tempfile.TemporaryDirectory(prefix="gigbot-demo-") as tmp:
        path = Path(database) if database else Path(tmp) / "demo.sqlite3"
        path.unlink(missing_ok=True)
        clock = FakeClock()
        rng = random.Random(seed)  # the story's choices and the workers' aliases
        # The real-time wave job is off: the story applies waves itself, when time passes.
        stage = await Stage.open(
            path,
            clock=clock,
            limits=telegram_limits(speed),
            # The fair-pay floor as shipped (the story's rewards give honest estimates).
            min_hourly=Settings.model_fields["min_hourly"].default,
            offer_up_to=Settings.model_fields["offer_up_to"].default,
            # Ann's earnings are a few cents: the payout minimum is lowered for the story.
            overrides={"wave_interval": 0.0, "min_payout": 0.10},
            aliases=seeded_aliases(rng),
        )
        demo = Demo(stage, clock, rng, speed, write, language)
        for line in header(seed, speed):
            write(line)
        try:
            await demo.run()
            summary = await collect(stage, demo.log)
            if look is not None:
                look(stage)
        finally:
            await stage.close()
    for line in summary.table():
        write(line)
    return summary


def quiet_logs(verbose: bool) -> None:
    """Only the transcript on stdout: library logs off unless --verbose."""
    if verbose:
        logging.basicConfig(level=logging.DEBUG, format="%(name)s %(levelname)s %(message)s")
        logging.getLogger("aiosqlite").setLevel(logging.INFO)
        return
    logging.basicConfig(level=logging.CRITICAL)
    quiet = ["httpx", "httpcore", "aiohttp", "telegram", "apscheduler", "aiosqlite"]
    for name in [*quiet, "bot", "handlers"]:
        logging.getLogger(name).setLevel(logging.CRITICAL)


async def run_demo(
    seed: int = 7,
    speed: float = DEFAULT_SPEED,
    database: str | None = None,
    verbose: bool = False,
    language: str = "en",
) -> int:
    """Tell the story; return 0 when nothing went wrong."""
    quiet_logs(verbose)
    summary = await tell(seed, speed, database, language=language)
    return 0 if summary.clean else 1
