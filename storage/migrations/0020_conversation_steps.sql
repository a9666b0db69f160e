-- One conversation step at a time per user, across processes (handlers/ptb/persistence.py):
-- the process handling an update a stored conversation could take holds its user's row
-- until the step it takes is stored; another process's update from that user waits for
-- the row to go (or for until_at, real time: a process killed mid-step).
CREATE TABLE conversation_steps (
    user_id  INTEGER PRIMARY KEY,       -- Telegram user id
    holder   TEXT    NOT NULL,          -- the process (host:pid namespace:pid:random)
    until_at REAL    NOT NULL           -- unix time; after it anyone may take the row
);
