-- The MTurk API's last mile: what scripts expect of HITs and qualifications.

-- UpdateHITReviewStatus: a Reviewable HIT the requester marked Reviewing (1), or not (0).
ALTER TABLE mturk_hits ADD COLUMN reviewing INTEGER NOT NULL DEFAULT 0;

-- QualificationRequirements' Comparator. NULL is what requirements meant before it: at
-- least `value` (a locale: that language). Otherwise one of ge, gt, le, lt, eq, ne (value:
-- a number; a locale's ne: a language), exists, not_exists (value unused), in, not_in
-- (value: a JSON list of numbers, or of languages for a locale).
ALTER TABLE hit_requirements ADD COLUMN comparator TEXT
    CHECK (comparator IS NULL OR comparator IN
           ('ge', 'gt', 'le', 'lt', 'eq', 'ne', 'exists', 'not_exists', 'in', 'not_in'));

-- AutoGranted qualification types: a worker without a grant counts as holding auto_value,
-- and gets that grant on accepting a HIT that requires it.
ALTER TABLE qualification_types ADD COLUMN auto_granted INTEGER NOT NULL DEFAULT 0;
ALTER TABLE qualification_types ADD COLUMN auto_value INTEGER NOT NULL DEFAULT 1;
-- A Test with an AnswerKey (CreateQualificationType): NULL for gigbot's own tests (value 1
-- on a pass); else everyone who finishes is granted round(right / questions x score_scale).
ALTER TABLE qualification_types ADD COLUMN score_scale INTEGER;
-- DeleteQualificationType: no longer listed, required or granted (grants stay readable).
ALTER TABLE qualification_types ADD COLUMN disposed_at REAL;
