-- V8: full-scale block lists. A school's own list feeds (added and removed through change control; the DNS
-- filter fetches each with the same checks as the UT1 collection), and alerts for the technician about the
-- appliance itself (a list download refused or failing: the last good set stays in force).

CREATE TABLE list_feeds (
    id           INTEGER PRIMARY KEY,
    name         TEXT    NOT NULL CHECK (length(name) BETWEEN 1 AND 80),
    url          TEXT    NOT NULL CHECK (length(url) BETWEEN 8 AND 2000 AND (url LIKE 'http://%' OR url LIKE 'https://%')),
    format       TEXT    NOT NULL CHECK (format IN ('plain', 'hosts')),
    category     TEXT    NOT NULL REFERENCES categories (key),
    added_at     INTEGER NOT NULL,
    change_id    INTEGER NOT NULL,
    removed_at   INTEGER
);
-- One live feed per address.
CREATE UNIQUE INDEX list_feeds_live_url ON list_feeds (url) WHERE removed_at IS NULL;

-- Alerts gain the kind 'appliance' (SQLite cannot alter a CHECK: the table is rebuilt; nothing references it).
CREATE TABLE alerts_v8 (
    id              INTEGER PRIMARY KEY,
    device_id       INTEGER REFERENCES devices (id) ON DELETE SET NULL,
    at              INTEGER NOT NULL,
    kind            TEXT    NOT NULL CHECK (kind IN ('high_risk_category', 'circumvention', 'other', 'appliance')),
    category        TEXT,
    domain          TEXT,
    evidence        TEXT    NOT NULL,
    acknowledged_by INTEGER REFERENCES users (id),
    acknowledged_at INTEGER
);
INSERT INTO alerts_v8 SELECT id, device_id, at, kind, category, domain, evidence, acknowledged_by, acknowledged_at FROM alerts;
DROP TABLE alerts;
ALTER TABLE alerts_v8 RENAME TO alerts;
CREATE INDEX alerts_at ON alerts (at);
