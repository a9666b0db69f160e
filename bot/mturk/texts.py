"""What the MTurk-compatible API says (English), /apikey, and gigbot's notes on the web task
pages (bot/runtime/mturk_server.py shows them) in the worker's language."""

from __future__ import annotations

from html import escape

from bot.formatting import N_, Translator, duration

# -- API errors ------------------------------------------------------------------------------------


def held_by_floor(hit: str, median_s: int, hourly: str, floor: str, needed: str) -> str:
    """CreateAdditionalAssignmentsForHIT on a HIT the pay floor holds (plain text)."""
    return (
        f"{hit} takes workers {duration(median_s)} (median of the first submissions): "
        f"{hourly} per hour, under gigbot's fair-pay floor of {floor} per hour, so its pushes "
        f"wait and no assignments are added. A Reward of at least {needed} meets it: move "
        "the HIT to a HIT type with that reward (UpdateHITTypeOfHIT), then add assignments."
    )


# -- /apikey ---------------------------------------------------------------------------------------

BTN_NEW_API_KEY = N_("➕ New key")
BTN_REVOKE_API_KEY = N_("Revoke {short}")
API_OFF = N_("The MTurk-compatible API is not switched on here (GIGBOT_MTURK_LISTEN).")


def api_keys(
    t: Translator, keys: list[tuple[str, bool, float]], now: float, endpoint: str | None
) -> str:
    """The /apikey screen: (access key id, active, created at) per key, newest first."""
    lines = [
        t("🔑 <b>API keys</b> — point your MTurk boto3 scripts at gigbot."),
        f"endpoint_url: <code>{escape(endpoint)}</code>" if endpoint else t(API_OFF),
    ]
    if not keys:
        lines.append(t("You have no keys yet."))
    for key_id, active, created_at in keys:
        age = t.duration(now - created_at)
        if active:
            lines.append(t("• <code>{key}</code> — active, made {age} ago", key=key_id, age=age))
        else:
            lines.append(t("• <code>{key}</code> — revoked, made {age} ago", key=key_id, age=age))
    return "\n".join(lines)


def api_key_created(t: Translator, key_id: str, secret: str, endpoint: str | None) -> str:
    """The new key pair; the secret is shown this once."""
    url = endpoint or "http://your-gigbot:8765"
    return (
        t("🔑 <b>New API key</b>") + f"\naws_access_key_id: <code>{key_id}</code>\n"
        f"aws_secret_access_key: <code>{escape(secret)}</code>\n\n"
        + t("⚠️ The secret is shown only now: copy it, then delete this message.")
        + f'\n<code>boto3.client("mturk", endpoint_url="{escape(url)}", region_name="us-east-1",'
        " aws_access_key_id=..., aws_secret_access_key=...)</code>"
    )


API_KEY_LIMIT = N_("You already have 5 active keys. Revoke one first.")
API_KEY_REVOKED = N_("Key {key_id} is revoked: requests signed with it are refused from now on.")
API_KEY_NOT_FOUND = N_("That key is not yours or is already revoked.")


# -- web tasks (HTMLQuestion, ExternalQuestion) ----------------------------------------------------
# The requester's page is shown as written; gigbot's own notes on it are said to the worker in
# their language (their gigbot language when the link names them, else their browser's).

WEB_PAGE_TITLE = "gigbot"
WEB_PAGE_PREVIEW = N_("This is a preview. Accept the task in Telegram to work on it.")
WEB_PAGE_REFUSED = {
    "forbidden": N_("This link is not valid. Open the task from its button in Telegram."),
    "not_active": N_("This assignment is no longer open (submitted, returned or out of time)."),
    "mismatch": N_("This form belongs to another assignment."),
    "preview": N_("This is a preview: accept the task in Telegram before submitting."),
    "empty": N_(
        "The form sent no answer (only its assignmentId). Nothing was submitted: go back, "
        "answer and submit again."
    ),
}


def web_page_submitted(t: Translator, title: str, reward_cents: int) -> str:
    """A web task's page once its form is submitted (plain text)."""
    return t(
        "Submitted “{title}” — {reward} pending review. You can go back to Telegram.",
        title=title,
        reward=t.money(reward_cents),
    )


def web_page_too_large(t: Translator, field_most: int, total_most: int) -> str:
    """A web task's form over the bounds: nothing was stored, the worker can try again."""
    return t(
        "Your answers are too long: at most {field_most} characters per field and "
        "{total_most} in all. Nothing was submitted: go back, shorten them and submit again.",
        field_most=t.number(field_most),
        total_most=t.number(total_most),
    )
