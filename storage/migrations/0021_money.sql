-- Money in and out (#23). Deposits are Telegram payments, one row per
-- telegram_payment_charge_id (the ledger's key deposit:<charge id> credits each once);
-- payouts are workers' withdrawals, held in the ledger account payout:<id> until the
-- operator marks their batch paid (payout:<id> -> world) or rejects one (back to the
-- worker). A HIT's fee per assignment is escrowed with its reward at publishing.
CREATE TABLE deposits (
    id                 INTEGER PRIMARY KEY,
    charge_id          TEXT    NOT NULL UNIQUE,  -- telegram_payment_charge_id
    provider_charge_id TEXT    NOT NULL DEFAULT '',
    user_id            INTEGER NOT NULL REFERENCES users(id),
    currency           TEXT    NOT NULL,      -- XTR (Stars) or the fiat currency
    total_amount       INTEGER NOT NULL,      -- Stars, or the currency's smallest unit
    cents              INTEGER NOT NULL,      -- what the requester's balance got
    paid_at            REAL    NOT NULL,
    refund_attempt     INTEGER NOT NULL DEFAULT 0,
    refund_state       TEXT,                  -- NULL, 'pending' (ledger debited), 'done'
    refunded_at        REAL
);
CREATE INDEX deposits_by_user ON deposits (user_id, paid_at);

CREATE TABLE payout_addresses (
    user_id    INTEGER PRIMARY KEY REFERENCES users(id),
    method     TEXT    NOT NULL,              -- paypal | venmo
    address    TEXT    NOT NULL,              -- an email, or a mobile number
    updated_at REAL    NOT NULL
);

CREATE TABLE payout_batches (
    id          INTEGER PRIMARY KEY,
    exported_at REAL    NOT NULL,
    paid_at     REAL
);

CREATE TABLE payouts (
    id           INTEGER PRIMARY KEY,
    worker_id    INTEGER NOT NULL REFERENCES users(id),
    cents        INTEGER NOT NULL,
    method       TEXT    NOT NULL,
    address      TEXT    NOT NULL,
    status       TEXT    NOT NULL DEFAULT 'pending',  -- pending | paid | rejected
    batch_id     INTEGER REFERENCES payout_batches(id),
    reason       TEXT,
    request_key  TEXT    NOT NULL UNIQUE,             -- one request per screen pressed
    requested_at REAL    NOT NULL,
    decided_at   REAL
);
CREATE INDEX payouts_by_worker ON payouts (worker_id, requested_at);
CREATE INDEX payouts_by_status ON payouts (status, batch_id);

-- The marketplace's fee on this HIT's rewards, in basis points (1000 = 10 %), fixed when the
-- HIT is made (GIGBOT_FEE_PERCENT then): its preview showed it, its escrow holds it.
ALTER TABLE hits ADD COLUMN fee_bp INTEGER NOT NULL DEFAULT 0;
