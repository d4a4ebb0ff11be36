-- V4: console administration. Agent enrolment tokens per room (only a hash of each token is kept),
-- an append-only audit of administrative actions (users, rooms, devices, tokens: who, when, what),
-- and "must change password" for passwords someone else chose (the generated first administrator's,
-- a technician's reset).

ALTER TABLE users ADD COLUMN must_change_password INTEGER NOT NULL DEFAULT 0 CHECK (must_change_password IN (0, 1));

-- An agent enrols with a token a technician made for a room. token_hash is the lower-case hex
-- SHA-256 of the token (the token has 256 random bits, so a plain hash is enough); the token itself
-- is shown once and never stored. hint is its last four characters, to tell tokens apart.
CREATE TABLE enrolment_tokens (
    id           INTEGER PRIMARY KEY,
    room_id      INTEGER NOT NULL REFERENCES rooms (id) ON DELETE CASCADE,
    token_hash   TEXT    NOT NULL UNIQUE,
    hint         TEXT    NOT NULL,
    created_by   INTEGER NOT NULL REFERENCES users (id),
    created_at   INTEGER NOT NULL,
    expires_at   INTEGER NOT NULL,
    revoked_by   INTEGER REFERENCES users (id),
    revoked_at   INTEGER,
    use_count    INTEGER NOT NULL DEFAULT 0,
    last_used_at INTEGER,
    CHECK (expires_at > created_at)
);
CREATE INDEX enrolment_tokens_room ON enrolment_tokens (room_id);

-- Administrative actions, kept for the life of the appliance like the change-control log.
-- actor_name is copied so the entry reads the same whatever later happens to the account.
CREATE TABLE admin_audit (
    id         INTEGER PRIMARY KEY,
    at         INTEGER NOT NULL,
    actor_id   INTEGER NOT NULL REFERENCES users (id),
    actor_name TEXT    NOT NULL,
    action     TEXT    NOT NULL,
    target     TEXT    NOT NULL,
    detail     TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX admin_audit_at ON admin_audit (at);
CREATE TRIGGER admin_audit_no_update BEFORE UPDATE ON admin_audit
BEGIN SELECT RAISE(ABORT, 'admin_audit is append-only'); END;
CREATE TRIGGER admin_audit_no_delete BEFORE DELETE ON admin_audit
BEGIN SELECT RAISE(ABORT, 'admin_audit is append-only'); END;
