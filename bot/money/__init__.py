"""Money in and out: deposits paid in Telegram (Stars, or fiat through a provider), their
refunds, workers' withdrawals and the operator's payouts. No Telegram here."""
