-- A qualification Test as MTurk keeps it (CreateQualificationType, UpdateQualificationType):
-- read back as sent by GetQualificationType, and its times honoured by /qualtest.
ALTER TABLE qualification_types ADD COLUMN keywords TEXT;
ALTER TABLE qualification_types ADD COLUMN test_xml TEXT;        -- the Test QuestionForm
ALTER TABLE qualification_types ADD COLUMN answer_key_xml TEXT;  -- its AnswerKey
-- Seconds a worker has to finish the test from starting it; NULL: no limit (gigbot's own).
ALTER TABLE qualification_types ADD COLUMN test_duration_s INTEGER;
-- Seconds after starting an attempt that was not granted before another may start; NULL:
-- the test is taken once (MTurk's default, and gigbot's own tests).
ALTER TABLE qualification_types ADD COLUMN retry_delay_s INTEGER;
