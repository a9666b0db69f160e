"""The table that ends `gigbot demo`, read from the database and the simulator's records."""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.demo.stage import Stage
from bot.demo.transcript import Transcript
from bot.formatting import money
from storage import ledger
from storage import summary as counts

SENDING = ("sendMessage", "sendDocument", "sendPhoto", "editMessageText", "editMessageReplyMarkup")
ASSIGNMENT_STATES = ("accepted", "submitted", "approved", "rejected", "returned", "abandoned")


@dataclass
class Summary:
    """What the story did, counted after the fact."""

    hits: dict[str, int]
    batches: int
    single_hits: int
    assignments: dict[str, int]
    money: dict[str, int]
    ledger_sum: int
    negative_accounts: list[str]
    calls: dict[str, int]
    violations: list[str]
    errors: list[str]
    transcript_lines: int
    escrow_cents: int = 0
    balances_kept: bool = True  # the balances table agrees with the ledger's sums
    limits_scale: float = 1.0
    notes: list[str] = field(default_factory=list)

    @property
    def clean(self) -> bool:
        """No handler error, no Telegram rule broken, money neither made nor lost."""
        return (
            not self.errors
            and not self.violations
            and self.ledger_sum == 0
            and not self.negative_accounts
            and self.balances_kept
        )

    def _scaled(self) -> str:
        if self.limits_scale == 1:
            return " (Telegram's limits, real time)"
        return f" (Telegram's limits ×{self.limits_scale:g}, sped up with the clock)"

    def table(self) -> list[str]:
        """The summary as lines of text."""
        states = "  ".join(
            f"{state} {self.assignments.get(state, 0)}" for state in ASSIGNMENT_STATES
        )
        others = {k: v for k, v in self.assignments.items() if k not in ASSIGNMENT_STATES}
        if others:
            states += "  " + "  ".join(f"{k} {v}" for k, v in sorted(others.items()))
        hits = ", ".join(f"{n} {state}" for state, n in sorted(self.hits.items()))
        m = self.money
        sent = self.calls
        rows = [
            (
                "HITs",
                f"{sum(self.hits.values())} ({hits}): {self.single_hits} poll(s),"
                f" {self.batches} batch(es) of {sum(self.hits.values()) - self.single_hits} items",
            ),
            ("assignments", f"{sum(self.assignments.values())}: {states}"),
            (
                "money in",
                f"{money(m.get('deposit', 0) + m.get('fund', 0))} (deposits"
                f" {money(m.get('deposit', 0))}, funded by admins {money(m.get('fund', 0))})",
            ),
            ("  into escrow", money(m.get("publish", 0))),
            ("  paid for work", money(m.get("approve", 0))),
            ("  bonuses", money(m.get("bonus", 0))),
            (
                "  back to requester",
                money(sum(m.get(k, 0) for k in ("reject", "refund", "cancel"))),
            ),
            ("  still in escrow", money(self.escrow_cents)),
            ("  withdrawn", money(m.get("withdraw", 0))),
            ("money out", f"{money(m.get('payout', 0))} paid out (PayPal batch)"),
            ("  fees", money(m.get("fee", 0))),
            ("ledger sums to", f"{self.ledger_sum} (every account, cents)"),
            (
                "messages sent",
                f"{sent.get('sendMessage', 0)} + {sent.get('sendDocument', 0)} files",
            ),
            (
                "messages edited",
                str(sent.get("editMessageText", 0) + sent.get("editMessageReplyMarkup", 0)),
            ),
            ("button answers", str(sent.get("answerCallbackQuery", 0))),
            ("limit violations", f"{len(self.violations)}{self._scaled()}"),
            ("errors", str(len(self.errors))),
        ]
        width = max(len(name) for name, _ in rows)
        out = ["", "═" * 64, "summary", "─" * 64]
        out += [f"  {name.ljust(width)}  {value}" for name, value in rows]
        out += [f"  ! {line}" for line in (*self.violations, *self.errors, *self.notes)]
        out.append("═" * 64)
        return out


async def collect(stage: Stage, transcript: Transcript) -> Summary:
    """Count what happened on this stage."""
    services = stage.services
    async with services.db.reading() as conn:
        hits = await counts.hit_states(conn)
        assignments = await counts.assignment_states(conn)
        moved = await counts.money_by_memo(conn)
        batches = await counts.batch_count(conn)
        single = await counts.poll_count(conn)
        kept = await ledger.kept_balances(conn) == await ledger.all_balances(conn)
    balances = await services.accounts.balances()
    calls: dict[str, int] = {}
    for call in stage.sim.calls:
        if call.ok:
            calls[call.method] = calls.get(call.method, 0) + 1
    return Summary(
        hits=hits,
        batches=batches,
        single_hits=single,
        assignments=assignments,
        money=moved,
        ledger_sum=sum(balances.values()),
        negative_accounts=sorted(k for k, v in balances.items() if v < 0 and k != "world"),
        calls=calls,
        violations=list(stage.sim.violations),
        errors=[repr(error) for error in services.errors],
        transcript_lines=transcript.lines,
        escrow_cents=sum(v for k, v in balances.items() if k.startswith("escrow:")),
        balances_kept=kept,
        limits_scale=stage.sim.limits.scale,
    )
