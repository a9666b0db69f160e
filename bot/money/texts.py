"""What money says: /deposit and its invoices, pre-checkout refusals, receipts, refunds,
/withdraw, the workers' payout notices and the operator's /payouts. HTML parse mode."""

from __future__ import annotations

from html import escape

from bot.formatting import duration, money, plural, try_again
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


def deposit_menu(v: DepositView) -> str:
    """/deposit: what a Star is worth, and how to pay."""
    lines = [
        "➕ <b>Add money to your balance</b>",
        f"Pay in Telegram Stars: ⭐️1 = {money(v.star_cents)}.",
    ]
    if v.fiat:
        lines.append(f"Or pay by card in {v.fiat}.")
    lines.append(
        f"Pick an amount, or send e.g. <code>/deposit 12.50</code>"
        f" ({money(v.min_cents)} to {money(v.max_cents)})."
    )
    return "\n".join(lines)


def btn_stars(cents: int, star_count: int) -> str:
    """A deposit button: "$5.00 · ⭐️500"."""
    return f"{money(cents)} · {stars(star_count)}"


def btn_fiat(cents: int, currency: str) -> str:
    """A card deposit button: "$5.00 by card"."""
    return f"{money(cents)} by card ({currency})"


DEPOSIT_USAGE = "Use: <code>/deposit</code> or <code>/deposit 12.50</code>"


def deposit_error(problem: str, v: DepositView) -> str:
    """What is wrong with a /deposit amount, and its form."""
    return try_again(
        f"{problem} (from {money(v.min_cents)} to {money(v.max_cents)})", DEPOSIT_USAGE
    )


INVOICE_TITLE = "gigbot balance"


def invoice_description(cents: int) -> str:
    """The invoice's description (plain text, Telegram shows it on the payment form)."""
    return f"{money(cents)} added to your gigbot balance to pay for HITs."


def invoice_label(cents: int) -> str:
    """The invoice's one price line (plain text)."""
    return f"Balance top-up {money(cents)}"


INVOICE_SENT = "Tap <b>Pay</b> on the invoice above. Your balance updates once it is paid."

# Telegram shows these in the payment form (plain text, no HTML).
CHECK_TEXTS = {
    CheckResult.UNKNOWN_USER: "Send /start to gigbot first, then pay again.",
    CheckResult.OUT_OF_RANGE: "That amount is out of range now. Send /deposit for a new invoice.",
    CheckResult.SHUTTING_DOWN: "gigbot is not taking deposits right now. Try again later.",
    CheckResult.NOT_THIS_INVOICE: "This invoice is no longer valid. Send /deposit for a new one.",
}


def deposited_notice(cents: int, balance_cents: int) -> str:
    """The receipt: the payment arrived and is on the balance."""
    return (
        f"✅ {money(cents)} was added to your balance (now {money(balance_cents)}).\n"
        "Post work with /newpoll, /newsurvey or /newbatch."
    )


DEPOSIT_UNKNOWN = "We got a payment from you but you have not started gigbot: send /start."

# -- refunds ---------------------------------------------------------------------------------


def btn_refund(offer: RefundOffer) -> str:
    """The button refunding one deposit: "↩️ Refund $5.00 (⭐️500)"."""
    return f"↩️ Refund {money(offer.cents)} ({stars(offer.stars)})"


REFUND_TEXTS = {
    RefundResult.OK: "↩️ Refunded {amount}: the Stars are back in your Telegram account.",
    RefundResult.NOT_FOUND: "That payment isn't yours or no longer exists. /balance",
    RefundResult.ALREADY: "That payment was refunded already. /balance",
    RefundResult.TOO_LATE: "Refunds are possible for {days} days after paying. /balance",
    RefundResult.SPENT: (
        "Part of that deposit is spent or held in escrow, so it can't be refunded. /balance"
    ),
    RefundResult.NOT_STARS: "Card payments are refunded by the operator: ask an admin. /balance",
}
REFUND_FAILED = "⚠️ Telegram could not refund this payment; your balance is unchanged. /balance"
REFUND_UNANSWERED = "⚠️ Telegram did not answer. Press the Refund button in /balance again."
BTN_DEPOSIT = "➕ Deposit"

# -- /paysupport -----------------------------------------------------------------------------

_DEPOSIT_STATES = {
    DepositState.REFUNDABLE: "can be refunded for {left} more",
    DepositState.REFUNDING: "refund under way: press its Refund button again",
    DepositState.REFUNDED: "refunded",
    DepositState.CARD: "card payment: the operator refunds it",
    DepositState.KEPT: "not refundable (spent, in escrow, or past {days} days)",
}


def _deposit_line(line: DepositLine, days: str) -> str:
    """ "• $5.00 (⭐️500), 2d ago: can be refunded for 5d more"."""
    paid = money(line.cents) + (f" ({stars(line.stars)})" if line.stars else "")
    state = _DEPOSIT_STATES[line.state].format(left=duration(line.refundable_for_s), days=days)
    return f"• {paid}, {duration(line.age_s)} ago: {state}"


def pay_support(
    lines: list[DepositLine], refund_days: float, contact: str | None, tg_id: int
) -> str:
    """/paysupport: how payments work, the user's recent ones, and who answers questions."""
    days = f"{refund_days:g}"
    listed = (
        "Your payments of the last 30 days:\n" + "\n".join(_deposit_line(x, days) for x in lines)
        if lines
        else "No payments in the last 30 days."
    )
    who = escape(contact) if contact else "the marketplace operator"
    return (
        "💳 <b>Payment support</b>\n"
        "A payment is added to your balance once, as soon as Telegram confirms it; a receipt"
        " follows.\n\n"
        f"{listed}\n\n"
        f"An unused Stars deposit can be refunded within {days} days: its Refund button is"
        " below and in /balance. Withdrawals: /earnings shows each request.\n"
        f"Anything else about a payment: write to {who} with your id <code>{tg_id}</code>."
    )


NO_MONEY_HINT = "Add money with /deposit."

# -- /withdraw -------------------------------------------------------------------------------

METHOD_NAMES = {"paypal": "PayPal", "venmo": "Venmo"}
ASK_ADDRESS = {
    "paypal": "Send the email address of your PayPal account, e.g. <code>ann@example.com</code>.",
    "venmo": "Send the US mobile number of your Venmo account, e.g. <code>555 123 4567</code>.",
}
CHOOSE_METHOD = "💸 How should gigbot pay you? (You can change it later.)"
ADDRESS_FIRST = "💸 First, where should gigbot pay you? (You can change it later.)"
ADDRESS_TOO_LATE = "That was asked a while ago; nothing changed. /withdraw"
ADDRESS_UNCHANGED = "Payout address unchanged. /withdraw"
ADDRESS_DROPPED = "(The payout address question is closed; nothing changed.)"


def btn_change_to(method: str) -> str:
    """Change the payout address to another method: "✏️ Venmo"."""
    return f"✏️ {METHOD_NAMES.get(method, method)}"


ADDRESS_TEXTS = {
    AddressResult.BAD_EMAIL: (
        "That is not an email address. Send e.g. <code>ann@example.com</code>."
    ),
    AddressResult.BAD_PHONE: (
        "That is not a US mobile number. Send e.g. <code>555 123 4567</code>."
    ),
    AddressResult.UNKNOWN_METHOD: "That payout method isn't offered. /withdraw",
}


def address_saved(method: str, address: str) -> str:
    """The payout address is kept."""
    return f"✅ Payouts go to {METHOD_NAMES.get(method, method)} <code>{escape(address)}</code>."


def withdraw_screen(v: WithdrawView) -> str:
    """/withdraw: what can leave, where to, the minimum, what is on its way."""
    lines = [f"💸 <b>Withdraw</b>\nAvailable: <b>{money(v.available_cents)}</b>"]
    if v.method and v.address:
        lines.append(f"To: {METHOD_NAMES.get(v.method, v.method)} <code>{escape(v.address)}</code>")
    if v.pending_cents:
        lines.append(f"On its way: {money(v.pending_cents)} (see /earnings)")
    if v.available_cents < v.min_cents:
        lines.append(
            f"Payouts start at {money(v.min_cents)}: {money(v.min_cents - v.available_cents)}"
            " more to go. /next"
        )
    else:
        lines.append("Or send e.g. <code>/withdraw 5.00</code> for part of it.")
    return "\n".join(lines)


def btn_withdraw(cents: int) -> str:
    return f"💸 Withdraw {money(cents)}"


BTN_CHANGE_ADDRESS = "✏️ Change payout address"
WITHDRAW_USAGE = "Use: <code>/withdraw</code> or <code>/withdraw 5.00</code>"


def withdraw_error(problem: str) -> str:
    return try_again(problem, WITHDRAW_USAGE)


WITHDRAW_TEXTS = {
    WithdrawResult.OK: (
        "✅ Withdrawal of {amount} requested: it is set aside from your balance and paid"
        " out in the next payout batch. Its state is in /earnings."
    ),
    WithdrawResult.ALREADY: "This withdrawal was requested already. /earnings",
    WithdrawResult.NO_ADDRESS: "First tell gigbot where to pay you: /withdraw",
    WithdrawResult.BELOW_MINIMUM: "Payouts start at {minimum}. /earnings",
    WithdrawResult.NOT_ENOUGH: "Your balance doesn't cover {amount} now. /withdraw",
}


def payout_paid_notice(cents: int, method: str, address: str) -> str:
    """To the worker: the operator sent the payout."""
    where = f"{METHOD_NAMES.get(method, method)} {escape(address)}"
    return f"💸 Your withdrawal of {money(cents)} was paid to {where}. /earnings"


def payout_rejected_notice(cents: int, reason: str) -> str:
    """To the worker: the payout was refused and the money is back on the balance."""
    return (
        f"⚠️ Your withdrawal of {money(cents)} was not paid: {escape(reason)}\n"
        f"The money is back on your balance. Fix it and /withdraw again."
    )


# -- the operator: /payouts ------------------------------------------------------------------


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
    return try_again(problem, REJECT_USAGE + REJECT_EXAMPLE)
