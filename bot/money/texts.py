"""What money says: /deposit and its invoices, pre-checkout refusals, receipts, refunds,
/withdraw, the workers' payout notices (each in the user's language: `t`), and the
operator's /payouts (an admin tool: English). HTML parse mode."""

from __future__ import annotations

from html import escape

from bot.formatting import EN, N_, Translator, money, plural, try_again
from bot.money.results import (
    AddressResult,
    CheckResult,
    DepositLine,
    DepositState,
    DepositView,
    PayoutResult,
    PayoutsView,
    RefundOffer,
    RefundResult,
    WithdrawResult,
    WithdrawView,
)

# -- /deposit --------------------------------------------------------------------------------


def stars(count: int) -> str:
    """500 -> "⭐️500"."""
    return f"⭐️{count}"


def deposit_menu(t: Translator, v: DepositView) -> str:
    """/deposit: what a Star is worth, and how to pay."""
    lines = [
        t("➕ <b>Add money to your balance</b>"),
        t("Pay in Telegram Stars: ⭐️1 = {value}.", value=t.money(v.star_cents)),
    ]
    if v.fiat:
        lines.append(t("Or pay by card in {currency}.", currency=v.fiat))
    lines.append(
        t(
            "Pick an amount, or send e.g. <code>/deposit 12.50</code> ({least} to {most}).",
            least=t.money(v.min_cents),
            most=t.money(v.max_cents),
        )
    )
    return "\n".join(lines)


def btn_stars(t: Translator, cents: int, star_count: int) -> str:
    """A deposit button: "$5.00 · ⭐️500"."""
    return f"{t.money(cents)} · {stars(star_count)}"


def btn_fiat(t: Translator, cents: int, currency: str) -> str:
    """A card deposit button: "$5.00 by card (EUR)"."""
    # TRANSLATORS: a deposit button, alone in its row: "$5.00 by card (EUR)"
    return t("{amount} by card ({currency})", amount=t.money(cents), currency=currency)


DEPOSIT_USAGE = N_("Use: <code>/deposit</code> or <code>/deposit 12.50</code>")


def deposit_error(t: Translator, problem: str, v: DepositView) -> str:
    """What is wrong with a /deposit amount (said already in the user's language), and its
    form."""
    shown = t(
        "{problem} (from {least} to {most})",
        problem=problem,
        least=t.money(v.min_cents),
        most=t.money(v.max_cents),
    )
    return try_again(t, shown, t(DEPOSIT_USAGE))


OUT_OF_RANGE = N_("that amount is out of range")
INVOICE_TITLE = N_("gigbot balance")


def invoice_description(t: Translator, cents: int) -> str:
    """The invoice's description (plain text, Telegram shows it on the payment form)."""
    return t("{amount} added to your gigbot balance to pay for HITs.", amount=t.money(cents))


def invoice_label(t: Translator, cents: int) -> str:
    """The invoice's one price line (plain text)."""
    return t("Balance top-up {amount}", amount=t.money(cents))


INVOICE_SENT = N_("Tap <b>Pay</b> on the invoice above. Your balance updates once it is paid.")

# Telegram shows these in the payment form (plain text, no HTML).
CHECK_TEXTS = {
    CheckResult.UNKNOWN_USER: N_("Send /start to gigbot first, then pay again."),
    CheckResult.OUT_OF_RANGE: N_(
        "That amount is out of range now. Send /deposit for a new invoice."
    ),
    CheckResult.SHUTTING_DOWN: N_("gigbot is not taking deposits right now. Try again later."),
    CheckResult.NOT_THIS_INVOICE: N_(
        "This invoice is no longer valid. Send /deposit for a new one."
    ),
}


def deposited_notice(t: Translator, cents: int, balance_cents: int) -> str:
    """The receipt: the payment arrived and is on the balance."""
    return t(
        "✅ {amount} was added to your balance (now {balance}).\n"
        "Post work with /newpoll, /newsurvey or /newbatch.",
        amount=t.money(cents),
        balance=t.money(balance_cents),
    )


DEPOSIT_UNKNOWN = N_("We got a payment from you but you have not started gigbot: send /start.")

# -- refunds ---------------------------------------------------------------------------------


def btn_refund(t: Translator, offer: RefundOffer) -> str:
    """The button refunding one deposit: "↩️ Refund $5.00 (⭐️500)"."""
    return t(
        "↩️ Refund {amount} ({stars})", amount=t.money(offer.cents), stars=stars(offer.stars)
    )


REFUND_TEXTS = {
    RefundResult.OK: N_("↩️ Refunded {amount}: the Stars are back in your Telegram account."),
    RefundResult.NOT_FOUND: N_("That payment isn't yours or no longer exists. /balance"),
    RefundResult.ALREADY: N_("That payment was refunded already. /balance"),
    RefundResult.TOO_LATE: N_("Refunds are possible for {days} days after paying. /balance"),
    RefundResult.SPENT: N_(
        "Part of that deposit is spent or held in escrow, so it can't be refunded. /balance"
    ),
    RefundResult.NOT_STARS: N_(
        "Card payments are refunded by the operator: ask an admin. /balance"
    ),
}
REFUND_FAILED = N_(
    "⚠️ Telegram could not refund this payment; your balance is unchanged. /balance"
)
REFUND_UNANSWERED = N_("⚠️ Telegram did not answer. Press the Refund button in /balance again.")
BTN_DEPOSIT = N_("➕ Deposit")

# -- /paysupport -----------------------------------------------------------------------------

_DEPOSIT_STATES = {
    DepositState.REFUNDABLE: N_("can be refunded for {left} more"),
    DepositState.REFUNDING: N_("refund under way: press its Refund button again"),
    DepositState.REFUNDED: N_("refunded"),
    DepositState.CARD: N_("card payment: the operator refunds it"),
    DepositState.KEPT: N_("not refundable (spent, in escrow, or past {days} days)"),
}


def _deposit_line(t: Translator, line: DepositLine, days: str) -> str:
    """ "• $5.00 (⭐️500), 2d ago: can be refunded for 5d more"."""
    paid = t.money(line.cents) + (f" ({stars(line.stars)})" if line.stars else "")
    state = t(_DEPOSIT_STATES[line.state]).format(
        left=t.duration(line.refundable_for_s), days=days
    )
    # TRANSLATORS: one payment in /paysupport: "• $5.00 (⭐️500), 2d ago: refunded"
    return t("• {paid}, {age} ago: {state}", paid=paid, age=t.duration(line.age_s), state=state)


def pay_support(
    t: Translator, lines: list[DepositLine], refund_days: float, contact: str | None, tg_id: int
) -> str:
    """/paysupport: how payments work, the user's recent ones, and who answers questions."""
    days = t.number(refund_days)
    listed = (
        t("Your payments of the last 30 days:")
        + "\n"
        + "\n".join(_deposit_line(t, x, days) for x in lines)
        if lines
        else t("No payments in the last 30 days.")
    )
    who = escape(contact) if contact else t("the marketplace operator")
    return t(
        "💳 <b>Payment support</b>\n"
        "A payment is added to your balance once, as soon as Telegram confirms it; a receipt"
        " follows.\n\n"
        "{listed}\n\n"
        "An unused Stars deposit can be refunded within {days} days: its Refund button is"
        " below and in /balance. Withdrawals: /earnings shows each request.\n"
        "Anything else about a payment: write to {who} with your id <code>{tg_id}</code>.",
        listed=listed,
        days=days,
        who=who,
        tg_id=tg_id,
    )


NO_MONEY_HINT = N_("Add money with /deposit.")

# -- /withdraw -------------------------------------------------------------------------------

METHOD_NAMES = {"paypal": "PayPal", "venmo": "Venmo"}
ASK_ADDRESS = {
    "paypal": N_(
        "Send the email address of your PayPal account, e.g. <code>ann@example.com</code>."
    ),
    "venmo": N_(
        "Send the US mobile number of your Venmo account, e.g. <code>555 123 4567</code>."
    ),
}
CHOOSE_METHOD = N_("💸 How should gigbot pay you? (You can change it later.)")
ADDRESS_FIRST = N_("💸 First, where should gigbot pay you? (You can change it later.)")
ADDRESS_TOO_LATE = N_("That was asked a while ago; nothing changed. /withdraw")
ADDRESS_UNCHANGED = N_("Payout address unchanged. /withdraw")
ADDRESS_DROPPED = N_("(The payout address question is closed; nothing changed.)")


def btn_change_to(method: str) -> str:
    """Change the payout address to another method: "✏️ Venmo"."""
    return f"✏️ {METHOD_NAMES.get(method, method)}"


ADDRESS_TEXTS = {
    AddressResult.BAD_EMAIL: N_(
        "That is not an email address. Send e.g. <code>ann@example.com</code>."
    ),
    AddressResult.BAD_PHONE: N_(
        "That is not a US mobile number. Send e.g. <code>555 123 4567</code>."
    ),
    AddressResult.UNKNOWN_METHOD: N_("That payout method isn't offered. /withdraw"),
}


def address_saved(t: Translator, method: str, address: str) -> str:
    """The payout address is kept."""
    return t(
        "✅ Payouts go to {method} <code>{address}</code>.",
        method=METHOD_NAMES.get(method, method),
        address=escape(address),
    )


def withdraw_screen(t: Translator, v: WithdrawView) -> str:
    """/withdraw: what can leave, where to, the minimum, what is on its way."""
    lines = [
        t("💸 <b>Withdraw</b>\nAvailable: <b>{amount}</b>", amount=t.money(v.available_cents))
    ]
    if v.method and v.address:
        lines.append(
            t(
                "To: {method} <code>{address}</code>",
                method=METHOD_NAMES.get(v.method, v.method),
                address=escape(v.address),
            )
        )
    if v.pending_cents:
        lines.append(t("On its way: {amount} (see /earnings)", amount=t.money(v.pending_cents)))
    if v.available_cents < v.min_cents:
        lines.append(
            t(
                "Payouts start at {minimum}: {left} more to go. /next",
                minimum=t.money(v.min_cents),
                left=t.money(v.min_cents - v.available_cents),
            )
        )
    else:
        lines.append(t("Or send e.g. <code>/withdraw 5.00</code> for part of it."))
    return "\n".join(lines)


def btn_withdraw(t: Translator, cents: int) -> str:
    # TRANSLATORS: a button alone in its row: "💸 Withdraw $5.00"
    return t("💸 Withdraw {amount}", amount=t.money(cents))


BTN_CHANGE_ADDRESS = N_("✏️ Change payout address")
WITHDRAW_USAGE = N_("Use: <code>/withdraw</code> or <code>/withdraw 5.00</code>")


def withdraw_error(t: Translator, problem: str) -> str:
    """What is wrong with a /withdraw amount (said already in the user's language)."""
    return try_again(t, problem, t(WITHDRAW_USAGE))


WITHDRAW_TEXTS = {
    WithdrawResult.OK: N_(
        "✅ Withdrawal of {amount} requested: it is set aside from your balance and paid"
        " out in the next payout batch. Its state is in /earnings."
    ),
    WithdrawResult.ALREADY: N_("This withdrawal was requested already. /earnings"),
    WithdrawResult.NO_ADDRESS: N_("First tell gigbot where to pay you: /withdraw"),
    WithdrawResult.BELOW_MINIMUM: N_("Payouts start at {minimum}. /earnings"),
    WithdrawResult.NOT_ENOUGH: N_("Your balance doesn't cover {amount} now. /withdraw"),
}


def payout_paid_notice(t: Translator, cents: int, method: str, address: str) -> str:
    """To the worker: the operator sent the payout."""
    return t(
        "💸 Your withdrawal of {amount} was paid to {method} {address}. /earnings",
        amount=t.money(cents),
        method=METHOD_NAMES.get(method, method),
        address=escape(address),
    )


def payout_rejected_notice(t: Translator, cents: int, reason: str) -> str:
    """To the worker: the payout was refused and the money is back on the balance."""
    return t(
        "⚠️ Your withdrawal of {amount} was not paid: {reason}\n"
        "The money is back on your balance. Fix it and /withdraw again.",
        amount=t.money(cents),
        reason=escape(reason),
    )


# -- the operator: /payouts (an admin tool: English) -----------------------------------------


def payouts_screen(v: PayoutsView) -> str:
    """Pending requests and their total; the open batch; how to reject one."""
    if not v.lines:
        return "💸 <b>Payouts</b>: no pending withdrawal requests."
    lines = [
        f"💸 <b>Payouts</b>: {plural(len(v.lines), 'pending request')},"
        f" {money(v.total_cents)} {v.currency}"
    ]
    for line in v.lines[:20]:
        where = f"{METHOD_NAMES.get(line.method, line.method)} {escape(line.address)}"
        batch = f" · batch #{line.batch_id}" if line.batch_id else ""
        lines.append(f"#{line.payout_id} {line.alias} {money(line.cents)} → {where}{batch}")
    if len(v.lines) > 20:
        lines.append(f"… and {len(v.lines) - 20} more (all are in the export).")
    lines.append(
        "Export the CSV, upload it to PayPal Payouts, then mark the batch paid."
        f" Reject one: <code>/rejectpayout {v.lines[0].payout_id} reason</code>"
    )
    return "\n".join(lines)


BTN_EXPORT = "📄 Export PayPal CSV"


def btn_mark_paid(batch_id: int) -> str:
    return f"✅ Mark batch #{batch_id} paid"


def exported(batch_id: int, count: int, cents: int) -> str:
    """The caption of the exported file."""
    return (
        f"Batch #{batch_id}: {plural(count, 'payout')}, {money(cents)}. Upload it to PayPal"
        " Payouts, then press Mark paid."
    )


EXPORT_NOTHING = "No pending withdrawal requests to export."
PAID_TEXTS = {
    PayoutResult.OK: "✅ Batch #{batch_id} marked paid: {count}, {amount}. Workers are told.",
    PayoutResult.ALREADY: "Batch #{batch_id} was marked paid already.",
    PayoutResult.NOT_FOUND: "There is no batch #{batch_id}. /payouts",
    PayoutResult.NOTHING: EXPORT_NOTHING,
}
REJECT_USAGE = "Use: <code>/rejectpayout &lt;request #&gt; &lt;reason&gt;</code>, e.g."
REJECT_EXAMPLE = " <code>/rejectpayout 12 PayPal says the email has no account</code>"
REJECT_TEXTS = {
    PayoutResult.OK: (
        "↩️ Request #{payout_id} rejected: {amount} is back with the worker, who is told."
    ),
    PayoutResult.NOT_FOUND: "There is no request #{payout_id}. /payouts",
    PayoutResult.ALREADY: "Request #{payout_id} was paid or rejected already. /payouts",
    PayoutResult.NOTHING: EXPORT_NOTHING,
}


def reject_error(problem: str) -> str:
    return try_again(EN, problem, REJECT_USAGE + REJECT_EXAMPLE)
