-- V11: classroom display (kiosk) credentials (issue #15).
-- A room's display signs in with a credential a technician issued: 256 random bits shown once, stored only as a
-- SHA-256. Each credential has its own users row (no roles, disabled, unusable password) so that what the display
-- does in its room (blank, pause, report an incident) is recorded as done by "<label> (classroom display)" through
-- the same foreign keys as a teacher's actions. Issue and revoke are recorded in admin_audit.
-- Revoked rows stay (the list shows who revoked what and when); a room's removal removes its credentials, which
-- ends its displays' sessions at their next check.

CREATE TABLE kiosk_credentials (
    id              INTEGER PRIMARY KEY,
    room_id         INTEGER NOT NULL REFERENCES rooms (id) ON DELETE CASCADE,
    user_id         INTEGER NOT NULL UNIQUE REFERENCES users (id),
    label           TEXT    NOT NULL CHECK (length(label) BETWEEN 1 AND 80),
    secret_hash     TEXT    NOT NULL CHECK (length(secret_hash) = 64),
    issued_by       INTEGER REFERENCES users (id) ON DELETE SET NULL,
    issued_by_name  TEXT    NOT NULL,
    issued_at       INTEGER NOT NULL,
    last_used_at    INTEGER,
    revoked_by_name TEXT,
    revoked_at      INTEGER,
    CHECK ((revoked_at IS NULL) = (revoked_by_name IS NULL))
);
CREATE INDEX kiosk_credentials_room ON kiosk_credentials (room_id);
-- One live credential per label in a room, so "revoke --room R --label L" names exactly one.
CREATE UNIQUE INDEX kiosk_credentials_live_label ON kiosk_credentials (room_id, label COLLATE NOCASE) WHERE revoked_at IS NULL;
