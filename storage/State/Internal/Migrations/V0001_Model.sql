-- V1: the shared ClassroomGuard state model.
-- Times are INTEGER milliseconds since the Unix epoch (UTC): compact, and they compare correctly.
-- Read them in the sqlite3 CLI with datetime(col / 1000, 'unixepoch').

-- One row: bumped in the same transaction as every write that changes state, so other
-- processes learn of a change by reading this single row (see RevisionWatcher).
CREATE TABLE state_revision (
    id          INTEGER PRIMARY KEY CHECK (id = 1),
    revision    INTEGER NOT NULL,
    changed_at  INTEGER NOT NULL
);
INSERT INTO state_revision (id, revision, changed_at) VALUES (1, 0, 0);

-- History of applied migrations; PRAGMA user_version holds the current version.
CREATE TABLE schema_version (
    version     INTEGER PRIMARY KEY,
    description TEXT    NOT NULL,
    applied_at  INTEGER NOT NULL
);

CREATE TABLE sites (
    id   INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE
);

CREATE TABLE rooms (
    id      INTEGER PRIMARY KEY,
    site_id INTEGER NOT NULL REFERENCES sites (id),
    name    TEXT    NOT NULL,
    UNIQUE (site_id, name)
);

-- Filtering categories. always_on categories (child abuse, terrorism) are blocked for every
-- group; triggers below make that impossible to undo, whoever writes.
CREATE TABLE categories (
    key       TEXT PRIMARY KEY,
    name      TEXT    NOT NULL,
    always_on INTEGER NOT NULL DEFAULT 0 CHECK (always_on IN (0, 1))
);

CREATE TABLE groups (
    id          INTEGER PRIMARY KEY,
    key         TEXT    NOT NULL UNIQUE,
    name        TEXT    NOT NULL,
    kind        TEXT    NOT NULL CHECK (kind IN ('pupils', 'staff', 'guests')),
    safe_search TEXT    NOT NULL DEFAULT 'strict' CHECK (safe_search IN ('off', 'moderate', 'strict')),
    is_default  INTEGER NOT NULL DEFAULT 0 CHECK (is_default IN (0, 1))
);
-- At most one default group (for clients no mapping matches).
CREATE UNIQUE INDEX groups_single_default ON groups (is_default) WHERE is_default = 1;

CREATE TABLE group_blocked_categories (
    group_id INTEGER NOT NULL REFERENCES groups (id),
    category TEXT    NOT NULL REFERENCES categories (key),
    PRIMARY KEY (group_id, category)
) WITHOUT ROWID;

-- Time windows (school time zone) in which a category is allowed or blocked for a group,
-- overriding group_blocked_categories: e.g. games allowed for staff at lunchtime.
-- weekdays is a bit mask: Monday = 1, Tuesday = 2, ... Sunday = 64.
CREATE TABLE schedules (
    id           INTEGER PRIMARY KEY,
    group_id     INTEGER NOT NULL REFERENCES groups (id),
    category     TEXT    NOT NULL REFERENCES categories (key),
    effect       TEXT    NOT NULL CHECK (effect IN ('allow', 'block')),
    weekdays     INTEGER NOT NULL CHECK (weekdays BETWEEN 1 AND 127),
    start_minute INTEGER NOT NULL CHECK (start_minute BETWEEN 0 AND 1439),
    end_minute   INTEGER NOT NULL CHECK (end_minute BETWEEN 1 AND 1440),
    CHECK (start_minute < end_minute)
);

-- Allow/deny entries for a domain (and its subdomains); group_id NULL = every group.
CREATE TABLE domain_rules (
    id       INTEGER PRIMARY KEY,
    domain   TEXT NOT NULL,
    group_id INTEGER REFERENCES groups (id),
    action   TEXT NOT NULL CHECK (action IN ('allow', 'deny'))
);
CREATE UNIQUE INDEX domain_rules_unique ON domain_rules (domain, ifnull(group_id, 0));

-- Client-to-group mapping by subnet (CIDR), IP or MAC. Per-device mapping is devices.group_id.
CREATE TABLE client_mappings (
    id       INTEGER PRIMARY KEY,
    kind     TEXT    NOT NULL CHECK (kind IN ('subnet', 'ip', 'mac')),
    value    TEXT    NOT NULL,
    group_id INTEGER NOT NULL REFERENCES groups (id),
    UNIQUE (kind, value)
);

CREATE TABLE devices (
    id           INTEGER PRIMARY KEY,
    hostname     TEXT,
    room_id      INTEGER REFERENCES rooms (id) ON DELETE SET NULL,
    group_id     INTEGER REFERENCES groups (id),
    display_name TEXT,
    source       TEXT    NOT NULL CHECK (source IN ('sniffer', 'agent', 'manual')),
    first_seen   INTEGER NOT NULL,
    last_seen    INTEGER NOT NULL
);
CREATE INDEX devices_room ON devices (room_id);
CREATE INDEX devices_last_seen ON devices (last_seen);

-- A device can have several MACs (wired + wireless, randomised addresses); a MAC names one device.
CREATE TABLE device_macs (
    mac        TEXT PRIMARY KEY,
    device_id  INTEGER NOT NULL REFERENCES devices (id) ON DELETE CASCADE,
    first_seen INTEGER NOT NULL,
    last_seen  INTEGER NOT NULL
);
CREATE INDEX device_macs_device ON device_macs (device_id);

-- Current addresses: the primary key makes an IP belong to one device at a time.
CREATE TABLE device_ips (
    ip        TEXT PRIMARY KEY,
    device_id INTEGER NOT NULL REFERENCES devices (id) ON DELETE CASCADE,
    since     INTEGER NOT NULL,
    last_seen INTEGER NOT NULL
);
CREATE INDEX device_ips_device ON device_ips (device_id);

-- Earlier holders of an address, written when it changes hands (attribution of past blocks).
CREATE TABLE device_ip_history (
    id        INTEGER PRIMARY KEY,
    ip        TEXT    NOT NULL,
    device_id INTEGER NOT NULL REFERENCES devices (id) ON DELETE CASCADE,
    from_time INTEGER NOT NULL,
    to_time   INTEGER NOT NULL
);
CREATE INDEX device_ip_history_ip ON device_ip_history (ip, to_time);

CREATE TABLE users (
    id            INTEGER PRIMARY KEY,
    user_name     TEXT    NOT NULL UNIQUE COLLATE NOCASE,
    display_name  TEXT    NOT NULL,
    password_hash TEXT    NOT NULL,
    failed_count  INTEGER NOT NULL DEFAULT 0,
    lockout_end   INTEGER,
    disabled      INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),
    created_at    INTEGER NOT NULL
);

CREATE TABLE user_roles (
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role    TEXT    NOT NULL CHECK (role IN ('Teacher', 'Technician', 'SafeguardingLead', 'Governor', 'Administrator')),
    PRIMARY KEY (user_id, role)
) WITHOUT ROWID;

-- Classroom control: blank, pause, focus (allow-list), temporary unblock. They expire by themselves.
CREATE TABLE teacher_actions (
    id          INTEGER PRIMARY KEY,
    kind        TEXT    NOT NULL CHECK (kind IN ('blank', 'pause', 'focus', 'unblock')),
    user_id     INTEGER NOT NULL REFERENCES users (id),
    reason      TEXT    NOT NULL,
    scope       TEXT    NOT NULL CHECK (scope IN ('device', 'room')),
    device_id   INTEGER REFERENCES devices (id) ON DELETE SET NULL,
    room_id     INTEGER REFERENCES rooms (id) ON DELETE SET NULL,
    domains     TEXT    NOT NULL DEFAULT '[]',
    created_at  INTEGER NOT NULL,
    starts_at   INTEGER NOT NULL,
    expires_at  INTEGER NOT NULL,
    released_by INTEGER REFERENCES users (id),
    released_at INTEGER,
    change_id   INTEGER,
    CHECK (expires_at > starts_at)
);

CREATE TABLE incidents (
    id           INTEGER PRIMARY KEY,
    reported_by  INTEGER NOT NULL REFERENCES users (id),
    occurred_at  INTEGER NOT NULL,
    device_id    INTEGER REFERENCES devices (id) ON DELETE SET NULL,
    device_label TEXT,
    person       TEXT,
    url          TEXT,
    category     TEXT,
    action_taken TEXT    NOT NULL,
    outcome      TEXT,
    evidence     TEXT,
    status       TEXT    NOT NULL CHECK (status IN ('open', 'investigating', 'closed')),
    created_at   INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL
);
CREATE INDEX incidents_occurred ON incidents (occurred_at);

CREATE TABLE unblock_requests (
    id           INTEGER PRIMARY KEY,
    requested_by INTEGER NOT NULL REFERENCES users (id),
    domain       TEXT    NOT NULL,
    reason       TEXT    NOT NULL,
    scope        TEXT    NOT NULL CHECK (scope IN ('device', 'room')),
    device_id    INTEGER REFERENCES devices (id) ON DELETE SET NULL,
    room_id      INTEGER REFERENCES rooms (id) ON DELETE SET NULL,
    lesson_start INTEGER NOT NULL,
    lesson_end   INTEGER NOT NULL,
    change_id    INTEGER NOT NULL UNIQUE,
    status       TEXT    NOT NULL CHECK (status IN ('pending', 'approved', 'refused')),
    decided_by   INTEGER REFERENCES users (id),
    decided_at   INTEGER,
    created_at   INTEGER NOT NULL
);

CREATE TABLE alerts (
    id              INTEGER PRIMARY KEY,
    device_id       INTEGER REFERENCES devices (id) ON DELETE SET NULL,
    at              INTEGER NOT NULL,
    kind            TEXT    NOT NULL CHECK (kind IN ('high_risk_category', 'circumvention', 'other')),
    category        TEXT,
    domain          TEXT,
    evidence        TEXT    NOT NULL,
    acknowledged_by INTEGER REFERENCES users (id),
    acknowledged_at INTEGER
);
CREATE INDEX alerts_at ON alerts (at);

-- Change control: an append-only hash chain. One row per event (proposed / approved / rejected);
-- change_id is the seq of the 'proposed' row. See docs/state.md for the hash format.
CREATE TABLE change_log (
    seq             INTEGER PRIMARY KEY,
    change_id       INTEGER NOT NULL,
    event           TEXT    NOT NULL CHECK (event IN ('proposed', 'approved', 'rejected')),
    at              INTEGER NOT NULL,
    actor_id        INTEGER NOT NULL,
    actor_name      TEXT    NOT NULL,
    single_approver INTEGER NOT NULL DEFAULT 0 CHECK (single_approver IN (0, 1)),
    body            TEXT    NOT NULL,
    prev_hash       TEXT    NOT NULL,
    hash            TEXT    NOT NULL
);
CREATE INDEX change_log_change ON change_log (change_id);
CREATE TRIGGER change_log_no_update BEFORE UPDATE ON change_log
BEGIN SELECT RAISE(ABORT, 'change_log is append-only'); END;
CREATE TRIGGER change_log_no_delete BEFORE DELETE ON change_log
BEGIN SELECT RAISE(ABORT, 'change_log is append-only'); END;

-- Always-on categories: enforced here as well as in code, so no writer can switch them off.
CREATE TRIGGER always_on_blocked_for_new_group AFTER INSERT ON groups
BEGIN
    INSERT OR IGNORE INTO group_blocked_categories (group_id, category)
    SELECT NEW.id, key FROM categories WHERE always_on = 1;
END;
CREATE TRIGGER always_on_not_unblocked BEFORE DELETE ON group_blocked_categories
WHEN (SELECT always_on FROM categories WHERE key = OLD.category) = 1
BEGIN SELECT RAISE(ABORT, 'always-on category cannot be unblocked'); END;
CREATE TRIGGER always_on_not_moved BEFORE UPDATE ON group_blocked_categories
WHEN (SELECT always_on FROM categories WHERE key = OLD.category) = 1
BEGIN SELECT RAISE(ABORT, 'always-on category cannot be unblocked'); END;
CREATE TRIGGER always_on_not_switched_off BEFORE UPDATE ON categories
WHEN OLD.always_on = 1 AND (NEW.always_on <> 1 OR NEW.key <> OLD.key)
BEGIN SELECT RAISE(ABORT, 'always-on category cannot be switched off'); END;
CREATE TRIGGER always_on_not_deleted BEFORE DELETE ON categories
WHEN OLD.always_on = 1
BEGIN SELECT RAISE(ABORT, 'always-on category cannot be switched off'); END;
CREATE TRIGGER always_on_no_allow_schedule BEFORE INSERT ON schedules
WHEN NEW.effect = 'allow' AND (SELECT always_on FROM categories WHERE key = NEW.category) = 1
BEGIN SELECT RAISE(ABORT, 'always-on category cannot be unblocked'); END;
CREATE TRIGGER always_on_no_allow_schedule_update BEFORE UPDATE ON schedules
WHEN NEW.effect = 'allow' AND (SELECT always_on FROM categories WHERE key = NEW.category) = 1
BEGIN SELECT RAISE(ABORT, 'always-on category cannot be unblocked'); END;
CREATE TRIGGER groups_not_deleted BEFORE DELETE ON groups
BEGIN SELECT RAISE(ABORT, 'groups are not deleted: policy refers to them'); END;

-- Seed: categories (the product's list; UT1 list names are mapped onto these by the DNS filter).
INSERT INTO categories (key, name, always_on) VALUES
    ('child_abuse', 'Child sexual abuse content (IWF list)', 1),
    ('terrorism', 'Terrorist content (CTIRU list)', 1),
    ('adult', 'Pornography and adult', 0),
    ('gambling', 'Gambling', 0),
    ('drugs', 'Drugs', 0),
    ('extremism', 'Extremism and radicalisation', 0),
    ('hate', 'Discrimination and hate', 0),
    ('self_harm', 'Self-harm and suicide', 0),
    ('violence', 'Violence', 0),
    ('malware', 'Malware, hacking and phishing', 0),
    ('piracy', 'Piracy and warez', 0),
    ('social_networking', 'Social networking', 0),
    ('chat', 'Chat', 0),
    ('dating', 'Dating', 0),
    ('games', 'Games', 0),
    ('file_sharing', 'File sharing', 0),
    ('circumvention', 'Proxies, VPN, DoH and other circumvention', 0);

-- Seed: groups (pupils by key stage, staff, guests/BYOD = default for unknown clients).
INSERT INTO groups (key, name, kind, safe_search, is_default) VALUES
    ('eyfs', 'Pupils: EYFS', 'pupils', 'strict', 0),
    ('ks1', 'Pupils: Key Stage 1', 'pupils', 'strict', 0),
    ('ks2', 'Pupils: Key Stage 2', 'pupils', 'strict', 0),
    ('ks3', 'Pupils: Key Stage 3', 'pupils', 'strict', 0),
    ('ks4', 'Pupils: Key Stage 4', 'pupils', 'strict', 0),
    ('ks5', 'Pupils: Key Stage 5 (sixth form)', 'pupils', 'moderate', 0),
    ('staff', 'Staff', 'staff', 'moderate', 0),
    ('guests', 'Guests and BYOD', 'guests', 'strict', 1);

-- Pupils and guests: every category blocked. Sixth form may use social networking.
INSERT OR IGNORE INTO group_blocked_categories (group_id, category)
SELECT g.id, c.key FROM groups g CROSS JOIN categories c
WHERE g.kind IN ('pupils', 'guests') AND NOT (g.key = 'ks5' AND c.key = 'social_networking');
-- Staff: the harmful and unlawful categories, plus games (allowed at lunchtime below).
INSERT OR IGNORE INTO group_blocked_categories (group_id, category)
SELECT g.id, c.key FROM groups g CROSS JOIN categories c
WHERE g.key = 'staff' AND c.key IN ('adult', 'gambling', 'drugs', 'extremism', 'hate', 'malware', 'piracy', 'circumvention', 'games');
-- Staff: games allowed Monday to Friday, 12:00-13:00 school time.
INSERT INTO schedules (group_id, category, effect, weekdays, start_minute, end_minute)
SELECT id, 'games', 'allow', 31, 720, 780 FROM groups WHERE key = 'staff';
