"""A readable chat transcript of what happened in the simulated Telegram.

Each person's action is one line (`Rita ▶ /review`); below it, every bot message that
appeared or changed since the last look, with its buttons, marked new or edited, and
the alerts a tap produced. Chats are looked at in the order their people were named, so
the same story prints the same transcript.
"""

from __future__ import annotations

from collections.abc import Callable

from bot.sandbox import SimMessage, SimTelegram

Write = Callable[[str], None]

DOCUMENT_LINES = 4  # how much of a sent CSV the transcript shows


class Transcript:
    """Prints each user action and every new or edited bot message since the last look."""

    def __init__(self, sim: SimTelegram, write: Write = print) -> None:
        self.sim = sim
        self.write = write
        self._seen: dict[tuple[int, int], int] = {}
        self._alerts: dict[int, int] = {}
        self.names: dict[int, str] = {}
        self.lines = 0

    def _out(self, text: str) -> None:
        self.lines += text.count("\n") + 1
        self.write(text)

    def name(self, chat_id: int) -> str:
        return self.names.get(chat_id, str(chat_id))

    def action(self, who: str, what: str, at: str = "") -> None:
        stamp = f"{at} " if at else ""
        self._out(f"\n{stamp}{who} ▶ {what}")

    def section(self, title: str, at: str = "") -> None:
        self._out(f"\n\n━━ {title} {'━' * max(3, 60 - len(title) - len(at))} {at}".rstrip())

    def note(self, text: str) -> None:
        self._out(f"   ⋯ {text}")

    def catch_up(self) -> None:
        """Print bot messages and alerts that appeared or changed since the last call."""
        for chat_id, name in self.names.items():
            for message in self.sim.messages(chat_id):
                if message.from_bot:
                    self._show(name, message)
            alerts = self.sim.alerts(chat_id)
            for alert in alerts[self._alerts.get(chat_id, 0) :]:
                if alert.get("text"):
                    kind = "alert" if alert.get("show_alert") else "toast"
                    self._out(f"   🤖 ({kind} to {name}) {alert['text']}")
            self._alerts[chat_id] = len(alerts)

    def _show(self, name: str, message: SimMessage) -> None:
        key = (message.chat_id, message.message_id)
        if self._seen.get(key) == message.edits and not message.deleted:
            return
        if message.deleted:
            if self._seen.pop(key, None) is not None:
                self._out(f"   🤖 → {name} [🗑 deleted #{message.message_id}]")
            return
        mark = "✎ edited" if key in self._seen else "new"
        self._seen[key] = message.edits
        text = (message.text or message.caption or "").replace("\n", "\n   │ ")
        self._out(f"   🤖 → {name} [{mark} #{message.message_id}]")
        if text:
            self._out(f"   │ {text}")
        if message.invoice:
            self._invoice(message.invoice)
        rows = message.buttons()
        for row in rows:
            self._out("   │ " + "  ".join(f"[{label}]" for label, _, _ in row))
        if message.document:
            self._document(message)

    def _invoice(self, invoice: dict[str, object]) -> None:
        """An invoice as the Telegram app shows it: what it is for, the price, Pay."""
        amount, currency = int(str(invoice["total_amount"])), str(invoice["currency"])
        price = f"⭐️{amount}" if currency == "XTR" else f"{amount / 100:.2f} {currency}"
        self._out(f"   │ 🧾 {invoice['title']}: {invoice['description']}")
        self._out(f"   │ [Pay {price}]")

    def _document(self, message: SimMessage) -> None:
        assert message.document is not None
        stored = self.sim.files.get(str(message.document.get("file_id")))
        filename = message.document.get("file_name")
        if stored is None:
            self._out(f"   │ 📎 {filename}")
            return
        lines = stored.content.decode("utf-8-sig", errors="replace").splitlines()
        self._out(f"   │ 📎 {filename} ({len(stored.content)} bytes, {len(lines)} lines)")
        for line in lines[:DOCUMENT_LINES]:
            self._out(f"   │   {line}")
        if len(lines) > DOCUMENT_LINES:
            self._out(f"   │   … {len(lines) - DOCUMENT_LINES} more")
