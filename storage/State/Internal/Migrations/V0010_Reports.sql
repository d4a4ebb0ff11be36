-- V10: kept reports (issue #14).
-- Every generated report (weekly traffic report, governors' report) is a PDF file under Reports:Directory; this table
-- says what each file is, who or what made it, its size and SHA-256 (so a copy can be checked), and the e-mail that
-- sent it. The file name is relative to the folder and made from the kind and period only, never from user input.
-- A scheduled report exists once per kind, site and period (the unique index), so a restart never makes it twice.

CREATE TABLE reports (
    id              INTEGER PRIMARY KEY,
    kind            TEXT    NOT NULL CHECK (kind IN ('weekly', 'governors')),
    site_id         INTEGER REFERENCES sites (id) ON DELETE SET NULL, -- a weekly report of one site; NULL: the whole appliance
    period_first    TEXT    NOT NULL CHECK (length(period_first) = 10 AND date(period_first) IS period_first),
    period_last     TEXT    NOT NULL CHECK (length(period_last) = 10 AND date(period_last) IS period_last),
    title           TEXT    NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
    file_name       TEXT    NOT NULL UNIQUE CHECK (length(file_name) BETWEEN 5 AND 120 AND file_name NOT GLOB '*[^a-z0-9.-]*' AND file_name NOT LIKE '.%'),
    bytes           INTEGER NOT NULL CHECK (bytes >= 0),
    sha256          TEXT    NOT NULL CHECK (length(sha256) = 64 AND sha256 NOT GLOB '*[^0-9a-f]*'),
    generated_at    INTEGER NOT NULL,
    generated_by    INTEGER REFERENCES users (id) ON DELETE SET NULL,  -- NULL: the schedule (or the report command)
    trigger_kind    TEXT    NOT NULL CHECK (trigger_kind IN ('schedule', 'manual', 'command')),
    mail_id         INTEGER REFERENCES mail_outbox (id) ON DELETE SET NULL, -- the outbox prunes sent messages
    mail_recipients INTEGER NOT NULL DEFAULT 0 CHECK (mail_recipients >= 0),
    mail_queued_at  INTEGER,
    CHECK (period_first <= period_last)
);
CREATE INDEX reports_kind_generated ON reports (kind, generated_at);
CREATE UNIQUE INDEX reports_scheduled ON reports (kind, ifnull(site_id, 0), period_first, period_last) WHERE trigger_kind = 'schedule';
