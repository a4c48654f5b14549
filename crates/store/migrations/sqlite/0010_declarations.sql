-- Performance-target declarations and their review (issue 18): one row per declared project of
-- a department's year, every saved text kept as a numbered version (the approved one frozen,
-- an adjustment a new version with its reason), and every step of the review with who, when
-- and the comment.
CREATE TABLE declarations (
    id               INTEGER PRIMARY KEY,
    department_code  TEXT NOT NULL,
    year             INTEGER NOT NULL,
    project_name     TEXT NOT NULL,
    unit_name        TEXT NOT NULL DEFAULT '',
    stage            TEXT NOT NULL CHECK (stage IN ('draft', 'at_department', 'at_section', 'at_performance', 'approved', 'returned')),
    version          INTEGER NOT NULL,          -- moved on by every save and step: a stale form is refused
    text_number      INTEGER NOT NULL,          -- the latest saved text
    approved_number  INTEGER NOT NULL DEFAULT 0, -- the text in force (0: none approved yet)
    submitted_by     TEXT NOT NULL DEFAULT '',
    passed_by        TEXT NOT NULL DEFAULT '',  -- who passed it at the 业务科室 (may not also approve)
    updated_by       TEXT NOT NULL,
    updated_at       TEXT NOT NULL,
    UNIQUE (department_code, year, project_name)
);

CREATE TABLE declaration_texts (
    declaration_id   INTEGER NOT NULL REFERENCES declarations (id),
    number           INTEGER NOT NULL,
    body             TEXT NOT NULL,             -- the jixiao-declaration/1 text as saved
    reason           TEXT NOT NULL DEFAULT '',  -- an adjustment's reason (目标调整)
    saved_by         TEXT NOT NULL,
    saved_at         TEXT NOT NULL,
    PRIMARY KEY (declaration_id, number)
);

CREATE TABLE declaration_events (
    declaration_id   INTEGER NOT NULL REFERENCES declarations (id),
    seq              INTEGER NOT NULL,
    step             TEXT NOT NULL,
    from_stage       TEXT NOT NULL,
    to_stage         TEXT NOT NULL,
    text_number      INTEGER NOT NULL,
    actor            TEXT NOT NULL,
    at               TEXT NOT NULL,
    comment          TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (declaration_id, seq)
);
