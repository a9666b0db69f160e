"""What delivery says: pushes that no longer hold, a requester's relayed message, and
channel cards with /linkchannel and /unlinkchannel."""

from __future__ import annotations

from html import escape

from bot.delivery.results import LinkResult
from bot.fit import TEXT_MAX, split, units, visible_units
from bot.formatting import duration, money

# -- pushes that no longer hold --------------------------------------------------------------------


def push_filled(title: str) -> str:
    """What an earlier push turns into when its HIT has no slots left."""
    return f"🔒 <s>{escape(title)}</s>\nFilled — see /next for another task."


def push_closed(title: str, status: str) -> str:
    """An earlier push (or offer) once its HIT was cancelled or expired."""
    why = "withdrawn by the requester" if status == "cancelled" else "closed: its time is over"
    return f"🔒 <s>{escape(title)}</s>\nNo longer open — {why}. /next"


BTN_PREVIEW_TASK = "👀 Preview"


# -- a requester's message through the MTurk API (NotifyWorkers) -----------------------------------


def requester_message_notice(
    sender: str, subject: str, text: str, part: int = 1, parts: int = 1
) -> str:
    """A requester's NotifyWorkers message, relayed (the worker's identity stays hidden);
    one too long for a Telegram message comes in parts, "(2/3)", the subject on the first."""
    counted = f" ({part}/{parts})" if parts > 1 else ""
    lines = [f"✉️ Message from requester <b>{escape(sender)}</b>{counted}"]
    if part == 1:
        lines.append(f"<b>{escape(subject)}</b>")
    lines.append(escape(text))
    if part == parts:
        lines.append("\n<i>Relayed by gigbot: the requester knows you only by your alias.</i>")
    return "\n".join(lines)


def requester_message_parts(sender: str, subject: str, text: str) -> list[str]:
    """MessageText in the parts Telegram can carry once framed (sender, subject, part
    number, footer), counted as Telegram counts: up to 4096 MTurk characters of emoji are
    8192 units, so a long message comes in two or three messages instead of failing."""
    frame = visible_units(requester_message_notice(sender, subject, "", 1, 1))
    return split(text, TEXT_MAX - frame - units(" (99/99)"))


# -- channels --------------------------------------------------------------------------------------


def channel_card(
    title: str, reward_cents: int, time_s: int, left: int, total: int, closed: bool
) -> str:
    """The post in a linked channel: title, reward, time and the slots left."""
    head = f"📢 <b>{escape(title)}</b>\n💰 {money(reward_cents)} · ⏱ {duration(time_s)}"
    if closed:
        return f"{head}\n🔒 Closed — no slots left. Thanks!"
    return f"{head}\n👥 {left} of {total} left"


BTN_START_WORKING = "▶️ Start working"
LINKCHANNEL_USAGE = (
    "Link a channel or group where I'm an admin, and I'll post your new HITs there.\n"
    "Send its @username or id, e.g. <code>/linkchannel @mychannel</code>\n"
    "(for a private channel: <code>/linkchannel -1001234567890</code>)."
)
UNLINKCHANNEL_USAGE = (
    "Send the channel to unlink, e.g. <code>/unlinkchannel @mychannel</code>.\n{linked}"
)
NO_CHANNELS = "You have no linked channels. /linkchannel"
CHANNEL_NOT_FOUND = "I can't find that chat. Add me there first, then send its @username or id."
CHANNEL_LINK_TEXTS = {  # {title}: the chat's title, escaped
    LinkResult.LINKED: (
        "📢 Linked {title}. Your new HITs will be posted there. /unlinkchannel to stop."
    ),
    LinkResult.ALREADY: "{title} is already linked.",
    LinkResult.NOT_A_GROUP: "That is a private chat, not a channel or group.",
    LinkResult.BOT_NOT_ADMIN: (
        "I'm not an admin in {title}. Make me an admin there, then try again."
    ),
    LinkResult.YOU_NOT_ADMIN: "Only an admin of {title} can link it.",
}
CHANNEL_UNLINKED = "Unlinked {title}. Nothing more will be posted there."
CHANNEL_NOT_LINKED = "That chat is not linked. /linkchannel"


def linked_channels(titles: list[str]) -> str:
    """The requester's linked channels, one a line."""
    return "Linked: " + ", ".join(escape(t) for t in titles) if titles else NO_CHANNELS
