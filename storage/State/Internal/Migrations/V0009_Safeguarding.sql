-- V9: safeguarding (issue #13).
-- Alerts gain a repeat count, the room at the time, an acknowledgement note and the incident they became; the e-mail
-- outbox (a message is kept until the school's SMTP server accepts it: retried, never lost); users gain an e-mail
-- address; incidents gain a room, what happened, the alert they came from, a chronology of who recorded each step,
-- evidence copied from InfluxDB when raised (the raw series expire; the evidence must not) and a record of every view;
-- the annual review of filtering and monitoring (DfE standard) with its checks, actions and the significant changes that
-- bring the next one forward.

ALTER TABLE users ADD COLUMN email TEXT;

ALTER TABLE alerts ADD COLUMN count INTEGER NOT NULL DEFAULT 1 CHECK (count >= 1);
ALTER TABLE alerts ADD COLUMN last_at INTEGER;
ALTER TABLE alerts ADD COLUMN room_id INTEGER REFERENCES rooms (id) ON DELETE SET NULL;
ALTER TABLE alerts ADD COLUMN acknowledged_note TEXT;
ALTER TABLE alerts ADD COLUMN incident_id INTEGER REFERENCES incidents (id) ON DELETE SET NULL;
CREATE INDEX alerts_device_category ON alerts (device_id, category, at);
CREATE INDEX alerts_unacknowledged ON alerts (at) WHERE acknowledged_at IS NULL;

CREATE TABLE mail_outbox (
    id              INTEGER PRIMARY KEY,
    kind            TEXT    NOT NULL CHECK (kind IN ('alert', 'report', 'test')),
    recipients      TEXT    NOT NULL,              -- JSON array of addresses
    subject         TEXT    NOT NULL,
    body_text       TEXT    NOT NULL,
    body_html       TEXT,
    attachment_path TEXT,                          -- a generated report (issue #14)
    alert_id        INTEGER REFERENCES alerts (id) ON DELETE SET NULL,
    created_at      INTEGER NOT NULL,
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL,
    last_error      TEXT,
    sent_at         INTEGER
);
CREATE INDEX mail_outbox_due ON mail_outbox (next_attempt_at) WHERE sent_at IS NULL;
CREATE UNIQUE INDEX mail_outbox_alert ON mail_outbox (alert_id) WHERE alert_id IS NOT NULL; -- one e-mail per alert, even with two mailers

ALTER TABLE incidents ADD COLUMN room_id INTEGER REFERENCES rooms (id) ON DELETE SET NULL;
ALTER TABLE incidents ADD COLUMN room_label TEXT;
ALTER TABLE incidents ADD COLUMN description TEXT;
ALTER TABLE incidents ADD COLUMN alert_id INTEGER REFERENCES alerts (id) ON DELETE SET NULL;
ALTER TABLE incidents ADD COLUMN closed_at INTEGER;
CREATE INDEX incidents_person ON incidents (person COLLATE NOCASE);   -- the pupil's chronology matches names case-insensitively
CREATE INDEX incidents_reported_by ON incidents (reported_by, occurred_at);
-- Incidents closed before V9: closed when last changed.
UPDATE incidents SET closed_at = updated_at WHERE status = 'closed' AND closed_at IS NULL;

-- Who recorded each step, in order. 'raised' is the first row of every incident.
CREATE TABLE incident_events (
    id          INTEGER PRIMARY KEY,
    incident_id INTEGER NOT NULL REFERENCES incidents (id) ON DELETE CASCADE,
    at          INTEGER NOT NULL,
    user_id     INTEGER REFERENCES users (id),
    kind        TEXT    NOT NULL CHECK (kind IN ('raised', 'note', 'action', 'outcome', 'status')),
    text        TEXT    NOT NULL,
    status      TEXT    CHECK (status IN ('open', 'investigating', 'closed'))
);
CREATE INDEX incident_events_incident ON incident_events (incident_id, at);
-- Incidents recorded before V9 get their 'raised' row, by whoever recorded them.
INSERT INTO incident_events (incident_id, at, user_id, kind, text, status)
SELECT id, created_at, reported_by, 'raised', coalesce(description, action_taken), 'open' FROM incidents;

-- The device's DNS and site activity around the incident, copied from InfluxDB when it is raised.
CREATE TABLE incident_evidence (
    incident_id INTEGER PRIMARY KEY REFERENCES incidents (id) ON DELETE CASCADE,
    from_time   INTEGER NOT NULL,
    to_time     INTEGER NOT NULL,
    copied_at   INTEGER NOT NULL,
    state       TEXT    NOT NULL CHECK (state IN ('copied', 'pending', 'unavailable')),
    note        TEXT,
    rows        TEXT    NOT NULL DEFAULT '[]'      -- JSON array, oldest first
);

CREATE TABLE incident_views (
    id          INTEGER PRIMARY KEY,
    incident_id INTEGER NOT NULL REFERENCES incidents (id) ON DELETE CASCADE,
    user_id     INTEGER NOT NULL REFERENCES users (id),
    at          INTEGER NOT NULL
);
CREATE INDEX incident_views_incident ON incident_views (incident_id, at);

CREATE TABLE reviews (
    id           INTEGER PRIMARY KEY,
    held_on      TEXT    NOT NULL CHECK (length(held_on) = 10),   -- yyyy-MM-dd, the school's date
    participants TEXT    NOT NULL DEFAULT '[]',                    -- JSON array of {role, name}
    summary      TEXT,
    status       TEXT    NOT NULL CHECK (status IN ('draft', 'completed')),
    created_by   INTEGER NOT NULL REFERENCES users (id),
    created_at   INTEGER NOT NULL,
    completed_by INTEGER REFERENCES users (id),
    completed_at INTEGER
);

CREATE TABLE review_checks (
    id         INTEGER PRIMARY KEY,
    review_id  INTEGER NOT NULL REFERENCES reviews (id) ON DELETE CASCADE,
    source     TEXT    NOT NULL CHECK (source IN ('built_in', 'manual')),
    what       TEXT    NOT NULL,
    group_name TEXT,
    domain     TEXT,
    expected   TEXT,
    actual     TEXT,
    passed     INTEGER NOT NULL CHECK (passed IN (0, 1)),
    checked_by INTEGER REFERENCES users (id),
    checked_at INTEGER NOT NULL
);
CREATE INDEX review_checks_review ON review_checks (review_id);

CREATE TABLE review_actions (
    id        INTEGER PRIMARY KEY,
    review_id INTEGER NOT NULL REFERENCES reviews (id) ON DELETE CASCADE,
    action    TEXT    NOT NULL,
    owner     TEXT    NOT NULL,
    due_on    TEXT    CHECK (due_on IS NULL OR length(due_on) = 10),
    done_at   INTEGER
);
CREATE INDEX review_actions_review ON review_actions (review_id);

-- A change a technician marked as significant: the next review is due from then.
CREATE TABLE review_triggers (
    id        INTEGER PRIMARY KEY,
    at        INTEGER NOT NULL,
    user_id   INTEGER NOT NULL REFERENCES users (id),
    reason    TEXT    NOT NULL,
    change_id INTEGER
);
