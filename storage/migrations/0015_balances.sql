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
) AS moves GROUP BY account;

-- sqlite:begin
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
-- sqlite:end
-- postgres:begin
-- The two balance rows are locked in account order, so transfers between the same two
-- accounts in opposite directions (publish and refund) cannot deadlock.
CREATE FUNCTION ledger_moves_balances() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    acct TEXT;
BEGIN
    IF NEW.to_account = NEW.from_account THEN
        RETURN NULL;  -- moves nothing
    END IF;
    FOR acct IN SELECT a FROM unnest(ARRAY[NEW.to_account, NEW.from_account]) AS a ORDER BY a
    LOOP
        INSERT INTO balances AS b (account, cents)
            VALUES (acct, CASE WHEN acct = NEW.to_account THEN NEW.amount_cents
                               ELSE -NEW.amount_cents END)
            ON CONFLICT (account) DO UPDATE SET cents = b.cents + excluded.cents;
    END LOOP;
    RETURN NULL;
END $$;
CREATE TRIGGER ledger_moves_balances AFTER INSERT ON ledger
FOR EACH ROW EXECUTE FUNCTION ledger_moves_balances();

CREATE FUNCTION ledger_is_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the ledger is append-only';
END $$;
CREATE TRIGGER ledger_rows_are_never_changed BEFORE UPDATE OR DELETE ON ledger
FOR EACH ROW EXECUTE FUNCTION ledger_is_append_only();
-- postgres:end
