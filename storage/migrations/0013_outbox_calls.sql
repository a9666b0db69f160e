-- A claimed outbox row is only given up after a crash if its Bot API call was made:
-- claimed_by names the process that claimed it, called_at is set just before the call.
-- Rows claimed but never called go back to 'pending' at the next start.
ALTER TABLE outbox ADD COLUMN claimed_by TEXT;
ALTER TABLE outbox ADD COLUMN called_at REAL;
