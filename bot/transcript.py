"""A readable chat transcript of what happened in the simulated Telegram."""

from __future__ import annotations

from collections.abc import Callable

from bot.sandbox import SimMessage, SimTelegram

Write = Callable[[str], None]


class Transcript:
    """Prints each user action and every new or edited bot message since the last look."""

    def __init__(self, sim: SimTelegram, write: Write = print) -> None:
        self.sim = sim
        self.write = write
        self._seen: dict[tuple[int, int], int] = {}
        self._alerts = 0
        self.names: dict[int, str] = {}

    def name(self, chat_id: int) -> str:
        return self.names.get(chat_id, str(chat_id))

    def action(self, who: str, what: str) -> None:
        self.write(f"\n{who} ▶ {what}")

    def note(self, text: str) -> None:
        self.write(f"\n── {text} ──")

    def catch_up(self) -> None:
        """Print bot messages and alerts that appeared or changed since the last call."""
        for chat_id, name in self.names.items():
            for message in self.sim.messages(chat_id):
                if message.from_bot:
                    self._show(name, message)
        for call in self.sim.calls[self._alerts :]:
            if call.method == "answerCallbackQuery" and call.ok and call.params.get("text"):
                kind = "alert" if call.params.get("show_alert") else "toast"
                self.write(f"   🤖 ({kind}) {call.params['text']}")
        self._alerts = len(self.sim.calls)

    def _show(self, name: str, message: SimMessage) -> None:
        key = (message.chat_id, message.message_id)
        edits = message.edits
        if self._seen.get(key) == edits:
            return
        mark = "✎ edited" if key in self._seen else "new"
        self._seen[key] = edits
        text = (message.text or message.caption or "").replace("\n", "\n   │ ")
        self.write(f"   🤖 → {name} [{mark} #{message.message_id}]\n   │ {text}")
        rows = message.buttons()
        if rows:
            shown = "  ".join(f"[{t}]" for row in rows for t, _, _ in row)
            self.write(f"   │ {shown}")
        if message.document:
            self.write(f"   │ 📎 {message.document.get('file_name')}")
