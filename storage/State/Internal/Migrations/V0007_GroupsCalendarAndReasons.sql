-- V7: the policy editor. Groups can be retired (kept for the log's history, filtering nobody), carry
-- YouTube restricted mode separately from web SafeSearch and their own block page wording; a school
-- calendar of terms and holidays makes schedule windows "term time only"; allow/deny entries keep the
-- reason and the change that approved them ("documenting decisions on what is blocked or allowed and why").
-- Only columns are added (no table is rebuilt), so V1's always-on triggers stay as they are.

-- retired_at: Unix ms when the retirement was applied; NULL = active.
ALTER TABLE groups ADD COLUMN retired_at INTEGER;
-- YouTube restricted mode; existing groups keep what their SafeSearch mode gave them until now.
ALTER TABLE groups ADD COLUMN youtube_mode TEXT NOT NULL DEFAULT 'strict' CHECK (youtube_mode IN ('off', 'moderate', 'strict'));
UPDATE groups SET youtube_mode = safe_search;
-- The block page's wording for this group; NULL = the built-in wording.
ALTER TABLE groups ADD COLUMN block_page_text TEXT CHECK (block_page_text IS NULL OR length(block_page_text) BETWEEN 1 AND 500);

-- The default group is never retired, whoever writes.
CREATE TRIGGER groups_default_not_retired BEFORE UPDATE ON groups
WHEN NEW.retired_at IS NOT NULL AND NEW.is_default = 1
BEGIN SELECT RAISE(ABORT, 'the default group cannot be retired'); END;

-- Terms and holidays, whole days in the school's time zone, both days inclusive (ISO yyyy-mm-dd).
CREATE TABLE school_calendar (
    id        INTEGER PRIMARY KEY,
    kind      TEXT NOT NULL CHECK (kind IN ('term', 'holiday')),
    name      TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 60),
    first_day TEXT NOT NULL CHECK (length(first_day) = 10 AND date(first_day) IS first_day),
    last_day  TEXT NOT NULL CHECK (length(last_day) = 10 AND date(last_day) IS last_day),
    CHECK (first_day <= last_day)
);
CREATE INDEX school_calendar_days ON school_calendar (first_day, last_day);

-- A term-time-only window applies on days in a term (or on any day when no term is defined) that are not
-- in a holiday. Existing windows apply every week, as before.
ALTER TABLE schedules ADD COLUMN term_time_only INTEGER NOT NULL DEFAULT 0 CHECK (term_time_only IN (0, 1));

-- The proposer's reason and the approving change (change_log.change_id) of each allow/deny entry;
-- NULL for entries from before V7.
ALTER TABLE domain_rules ADD COLUMN reason TEXT;
ALTER TABLE domain_rules ADD COLUMN change_id INTEGER;
