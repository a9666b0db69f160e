-- Languages (bot/i18n.py). users.language already holds the language gigbot speaks to a user
-- (Telegram's language_code at first contact, then /language). A HIT is written in one
-- language (lang=, default the requester's: a primary subtag like 'es'); a worker takes
-- tasks in the languages of worker_prefs.languages (comma-separated; their own and English
-- unless they chose in /settings). A linked channel's cards are in its language.
ALTER TABLE hits ADD COLUMN language TEXT NOT NULL DEFAULT 'en';
ALTER TABLE worker_prefs ADD COLUMN languages TEXT;
ALTER TABLE channels ADD COLUMN language TEXT NOT NULL DEFAULT 'en';
CREATE INDEX IF NOT EXISTS hits_language ON hits (language);
