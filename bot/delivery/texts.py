"""What delivery says: pushes that no longer hold, a requester's relayed message, and
channel cards with /linkchannel and /unlinkchannel."""

from __future__ import annotations

from html import escape

from bot.delivery.results import LinkResult
from bot.fit import TEXT_MAX, split, units, visible_units
from bot.formatting import N_, Translator
from bot.i18n import LANGUAGES, translator

# -- pushes that no longer hold --------------------------------------------------------------------


def push_filled(t: Translator, title: str) -> str:
    """What an earlier push turns into when its HIT has no slots left."""
    return t("🔒 <s>{title}</s>\nFilled — see /next for another task.", title=escape(title))


def push_closed(t: Translator, title: str, status: str) -> str:
    """An earlier push (or offer) once its HIT was cancelled or expired."""
    if status == "cancelled":
        return t(
            "🔒 <s>{title}</s>\nNo longer open — withdrawn by the requester. /next",
            title=escape(title),
        )
    return t(
        "🔒 <s>{title}</s>\nNo longer open — closed: its time is over. /next", title=escape(title)
    )


BTN_PREVIEW_TASK = N_("👀 Preview")


# -- a requester's message through the MTurk API (NotifyWorkers) -----------------------------------


def requester_message_notice(
    t: Translator, sender: str, subject: str, text: str, part: int = 1, parts: int = 1
) -> str:
    """A requester's NotifyWorkers message, relayed (the worker's identity stays hidden);
    one too long for a Telegram message comes in parts, "(2/3)", the subject on the first."""
    if parts > 1:
        head = t(
            "✉️ Message from requester <b>{sender}</b> ({part}/{parts})",
            sender=escape(sender),
            part=part,
            parts=parts,
        )
    else:
        head = t("✉️ Message from requester <b>{sender}</b>", sender=escape(sender))
    lines = [head]
    if part == 1:
        lines.append(f"<b>{escape(subject)}</b>")
    lines.append(escape(text))
    if part == parts:
        lines.append(
            "\n<i>" + t("Relayed by gigbot: the requester knows you only by your alias.") + "</i>"
        )
    return "\n".join(lines)


def requester_message_parts(sender: str, subject: str, text: str) -> list[str]:
    """MessageText in the parts Telegram can carry once framed (sender, subject, part
    number, footer, in the longest of the languages a worker may read), counted as Telegram
    counts: up to 4096 MTurk characters of emoji are 8192 units, so a long message comes in
    two or three messages instead of failing."""
    frame = max(
        visible_units(requester_message_notice(translator(code), sender, subject, "", 1, 1))
        for code in LANGUAGES
    )
    return split(text, TEXT_MAX - frame - units(" (99/99)"))


# -- channels --------------------------------------------------------------------------------------


def channel_card(
    t: Translator, title: str, reward_cents: int, time_s: int, left: int, total: int, closed: bool
) -> str:
    """The post in a linked channel: title, reward, time and the slots left."""
    head = f"📢 <b>{escape(title)}</b>\n💰 {t.money(reward_cents)} · ⏱ {t.duration(time_s)}"
    if closed:
        return head + "\n" + t("🔒 Closed — no slots left. Thanks!")
    return head + "\n" + t("👥 {left} of {total} left", left=left, total=total)


BTN_START_WORKING = N_("▶️ Start working")
LINKCHANNEL_USAGE = N_(
    "Link a channel or group where I'm an admin, and I'll post your new HITs there.\n"
    "Send its @username or id, e.g. <code>/linkchannel @mychannel</code>\n"
    "(for a private channel: <code>/linkchannel -1001234567890</code>).\n"
    "Its posts are in your language; another one: "
    "<code>/linkchannel @mychannel es</code> ({languages})."
)
UNLINKCHANNEL_USAGE = N_(
    "Send the channel to unlink, e.g. <code>/unlinkchannel @mychannel</code>.\n{linked}"
)
NO_CHANNELS = N_("You have no linked channels. /linkchannel")
CHANNEL_NOT_FOUND = N_("I can't find that chat. Add me there first, then send its @username or id.")
CHANNEL_LINK_TEXTS = {  # {title}: the chat's title, escaped; {language}: the posts' language
    LinkResult.LINKED: N_(
        "📢 Linked {title}. Your new HITs will be posted there in {language}. "
        "/unlinkchannel to stop."
    ),
    LinkResult.ALREADY: N_("{title} is already linked. Its posts are in {language}."),
    LinkResult.NOT_A_GROUP: N_("That is a private chat, not a channel or group."),
    LinkResult.BOT_NOT_ADMIN: N_(
        "I'm not an admin in {title}. Make me an admin there, then try again."
    ),
    LinkResult.YOU_NOT_ADMIN: N_("Only an admin of {title} can link it."),
}
CHANNEL_UNLINKED = N_("Unlinked {title}. Nothing more will be posted there.")
CHANNEL_NOT_LINKED = N_("That chat is not linked. /linkchannel")
UNKNOWN_LANGUAGE = N_("⚠️ I don't speak “{code}” yet. Languages: {languages}.")


def linked_channels(t: Translator, titles: list[str]) -> str:
    """The requester's linked channels, one a line."""
    if not titles:
        return t(NO_CHANNELS)
    return t("Linked: {channels}", channels=", ".join(escape(x) for x in titles))
