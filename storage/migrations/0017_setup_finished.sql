-- Pushes go only to workers who finished the setup (worker_prefs.onboarded = 1; see
-- storage/matching.py). Everyone already here kept getting pushes whether or not they
-- finished it, so they count as set up: a row with the defaults for those without one
-- (what a missing row meant), and onboarded = 1 on the rows there are.
INSERT INTO worker_prefs (user_id, onboarded)
    SELECT id, 1 FROM users WHERE id NOT IN (SELECT user_id FROM worker_prefs);
UPDATE worker_prefs SET onboarded = 1 WHERE onboarded = 0;
