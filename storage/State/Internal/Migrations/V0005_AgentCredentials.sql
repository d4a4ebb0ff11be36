-- V5: pupil-agent credentials. An agent that enrolled with a room token gets its own credential:
-- a 256-bit random secret returned once; only its lower-case hex SHA-256 is kept (as for enrolment
-- tokens, a plain hash is enough for a secret of that strength). The agent presents
-- "<id>.<secret>" on every connection to the console's agent hub. Deleting the device removes its
-- credentials; revoking one ends the agent's access without deleting the device.
CREATE TABLE agent_credentials (
    id           INTEGER PRIMARY KEY,
    device_id    INTEGER NOT NULL REFERENCES devices (id) ON DELETE CASCADE,
    token_id     INTEGER REFERENCES enrolment_tokens (id) ON DELETE SET NULL,
    secret_hash  TEXT    NOT NULL UNIQUE,
    created_at   INTEGER NOT NULL,
    revoked_at   INTEGER,
    last_used_at INTEGER
);
CREATE INDEX agent_credentials_device ON agent_credentials (device_id);
