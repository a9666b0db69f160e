-- Each account's balance, kept by a trigger on the append-only ledger: a balance read is one
-- row, not a sum over every transfer the account ever made (a requester with 100,000 HITs
-- summed ~200,000 rows per CreateHIT). The ledger stays the truth; rows are never changed.
CREATE TABLE balances (
    account TEXT    PRIMARY KEY,
    cents   INTEGER NOT NULL
) WITHOUT ROWID;

INSERT INTO balances (account, cents)
SELECT account, SUM(amount) FROM (
    SELECT to_account AS account, amount_cents AS amount FROM ledger
    UNION ALL SELECT from_account, -amount_cents FROM ledger
) GROUP BY account;

CREATE TRIGGER ledger_moves_balances AFTER INSERT ON ledger BEGIN
    INSERT INTO balances (account, cents) VALUES (NEW.to_account, NEW.amount_cents)
        ON CONFLICT (account) DO UPDATE SET cents = cents + excluded.cents;
    INSERT INTO balances (account, cents) VALUES (NEW.from_account, -NEW.amount_cents)
        ON CONFLICT (account) DO UPDATE SET cents = cents + excluded.cents;
END;

CREATE TRIGGER ledger_rows_are_never_changed BEFORE UPDATE ON ledger BEGIN
    SELECT RAISE(ABORT, 'the ledger is append-only');
END;

CREATE TRIGGER ledger_rows_are_never_deleted BEFORE DELETE ON ledger BEGIN
    SELECT RAISE(ABORT, 'the ledger is append-only');
END;
