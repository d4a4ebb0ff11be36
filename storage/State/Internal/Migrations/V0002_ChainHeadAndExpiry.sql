-- V2: anchor the change-control chain's head, so truncating the tail is detectable,
-- and index teacher-action expiry for the "active at T" query the DNS filter runs on every reload.

CREATE TABLE change_log_head (
    id    INTEGER PRIMARY KEY CHECK (id = 1),
    seq   INTEGER NOT NULL,
    hash  TEXT    NOT NULL
);
-- Carry an existing chain over: the head is the last entry written under V1 (or the genesis).
INSERT INTO change_log_head (id, seq, hash)
SELECT 1,
       ifnull((SELECT seq FROM change_log ORDER BY seq DESC LIMIT 1), 0),
       ifnull((SELECT hash FROM change_log ORDER BY seq DESC LIMIT 1),
              '0000000000000000000000000000000000000000000000000000000000000000');

CREATE INDEX teacher_actions_expiry ON teacher_actions (expires_at);
