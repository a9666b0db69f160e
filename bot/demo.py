"""`gigbot demo`: the real bot, database and outbox against the simulated Telegram.

A scripted requester and three workers run the core loop; the chat is printed as it
happens, then a short summary.
"""

from __future__ import annotations

import random
import tempfile
from pathlib import Path

from bot.clock import ScaledClock
from bot.stage import Actor, Stage
from bot.transcript import Transcript


class Demo:
    """The story, one step at a time, each printed."""

    def __init__(self, stage: Stage, rng: random.Random) -> None:
        self.stage = stage
        self.rng = rng
        self.log = Transcript(stage.sim)

    def cast(self, name: str) -> Actor:
        actor = self.stage.user(name)
        self.log.names[actor.tg_id] = name
        return actor

    async def do(self, actor: Actor, text: str) -> None:
        self.log.action(actor.name, text)
        await actor.send(text)
        self.log.catch_up()

    async def press(self, actor: Actor, label: str) -> None:
        self.log.action(actor.name, f"taps [{label}]")
        await actor.press(label)
        self.log.catch_up()

    async def run(self) -> None:
        admin = self.stage.admin()
        self.log.names[admin.tg_id] = "Admin"
        rita = self.cast("Rita (requester)")
        workers = [self.cast(name) for name in ("Ann", "Bob", "Cy")]
        self.log.note("everyone opens the bot")
        for person in (rita, *workers):
            await self.do(person, "/start")
        self.log.note("the admin funds the requester")
        await self.do(admin, f"/fund {rita.tg_id} 20.00")
        self.log.note("the requester posts a poll")
        await self.do(
            rita,
            "/newpoll Which logo reads better on a phone? | Round | Square | Wordmark"
            " ; reward=0.15 n=2 time=2m",
        )
        await self.press(rita, "Publish")
        self.log.note("workers got the push; two accept, the third is too late")
        first, second, late = self.rng.sample(workers, 3)
        for worker in (first, second):
            await self.press(worker, "Accept")
            await self.press(worker, self.rng.choice(["Round", "Square", "Wordmark"]))
            await self.press(worker, "Submit")
        self.log.note(f"{late.name}'s push was edited: the HIT is filled — see /next")
        self.log.note("the requester reviews")
        await self.do(rita, "/review")
        await self.press(rita, "Approve")
        await self.press(rita, "Reject")
        await self.do(rita, "The question asked about phones; please read it fully.")
        self.log.note("workers check their money")
        for worker in (first, second):
            await self.do(worker, "/earnings")
        await self.do(rita, "/balance")

    async def summary(self) -> str:
        services = self.stage.services
        balances = await services.accounts.balances()
        async with services.db.reading() as conn:
            async with conn.execute(
                "SELECT status, COUNT(*) FROM assignments GROUP BY status ORDER BY status"
            ) as cur:
                states = {row[0]: row[1] for row in await cur.fetchall()}
        moved = sum(v for k, v in balances.items() if k.startswith("wrk:"))
        escrow = sum(v for k, v in balances.items() if k.startswith("escrow:"))
        lines = [
            "",
            "═" * 44,
            "summary",
            f"  assignments by state  {states}",
            f"  paid to workers       ${moved / 100:.2f}",
            f"  ledger sums to        {sum(balances.values())} (must be 0)",
            f"  still in escrow       ${escrow / 100:.2f}",
            f"  Bot API calls         {len(self.stage.sim.calls)}",
            f"  limit violations      {len(self.stage.sim.violations)}",
            f"  handler errors        {len(services.errors)}",
        ]
        return "\n".join(lines)


async def run_demo(seed: int = 7, speed: float = 60.0, database: str | None = None) -> int:
    """Tell the story; return 0 when nothing went wrong."""
    with tempfile.TemporaryDirectory(prefix="gigbot-demo-") as tmp:
        path = Path(database) if database else Path(tmp) / "demo.sqlite3"
        stage = await Stage.open(path, clock=ScaledClock(speed))
        demo = Demo(stage, random.Random(seed))
        try:
            await demo.run()
            print(await demo.summary())
        finally:
            errors = len(stage.services.errors) + len(stage.sim.violations)
            await stage.close()
    return 0 if errors == 0 else 1
