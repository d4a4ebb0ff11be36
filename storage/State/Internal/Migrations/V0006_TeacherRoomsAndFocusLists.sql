-- V6: teachers confined to their rooms, and the saved lesson-focus allow-lists.
-- A teacher sees, streams and acts on only the rooms assigned here (several per teacher); the
-- safeguarding lead, technicians and administrators see every room whatever this table says.
CREATE TABLE teacher_rooms (
    user_id     INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    room_id     INTEGER NOT NULL REFERENCES rooms (id) ON DELETE CASCADE,
    assigned_at INTEGER NOT NULL,
    PRIMARY KEY (user_id, room_id)
) WITHOUT ROWID;
CREATE INDEX teacher_rooms_room ON teacher_rooms (room_id);

-- Allow-lists a technician keeps for lesson focus ("Year 9 maths": the sites the lesson needs). A
-- teacher picks one; the focus teacher action copies its domains, so editing a list later does not
-- change a lesson already running. domains is a JSON array of normalised names.
CREATE TABLE focus_lists (
    id         INTEGER PRIMARY KEY,
    name       TEXT    NOT NULL UNIQUE COLLATE NOCASE,
    domains    TEXT    NOT NULL DEFAULT '[]',
    created_by INTEGER NOT NULL REFERENCES users (id),
    updated_at INTEGER NOT NULL
);
