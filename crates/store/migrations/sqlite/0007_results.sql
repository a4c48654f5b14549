-- Results application and disclosure: rectifications with their evidence files, who was
-- responsible for each project when, and the approval and publication dates of budgets and
-- final accounts for the disclosure calendar.
CREATE TABLE rectifications (
    id              INTEGER PRIMARY KEY,
    department_code TEXT NOT NULL,
    year            INTEGER NOT NULL,
    project_code    TEXT NOT NULL DEFAULT '',   -- '' for the department as a whole
    problem         TEXT NOT NULL,
    measures        TEXT NOT NULL DEFAULT '',
    responsible     TEXT NOT NULL DEFAULT '',
    sent_on         TEXT NOT NULL,              -- ISO date the result was sent
    due_on          TEXT NOT NULL,              -- ISO date
    status          TEXT NOT NULL CHECK (status IN ('open', 'plan_submitted', 'in_progress', 'done', 'overdue')),
    verified_by     TEXT NOT NULL DEFAULT '',
    verified_at     TEXT NOT NULL DEFAULT '',
    version         INTEGER NOT NULL,
    updated_by      TEXT NOT NULL,
    updated_at      TEXT NOT NULL
);
CREATE TABLE rectification_files (
    id               INTEGER PRIMARY KEY,
    rectification_id INTEGER NOT NULL,
    file_name        TEXT NOT NULL,
    content          BLOB NOT NULL,
    uploaded_by      TEXT NOT NULL,
    uploaded_at      TEXT NOT NULL
);
-- One row per spell of responsibility; the current one has no end.
CREATE TABLE responsibilities (
    id              INTEGER PRIMARY KEY,
    department_code TEXT NOT NULL,
    project_code    TEXT NOT NULL,
    person          TEXT NOT NULL,
    since           TEXT NOT NULL,   -- ISO date
    until           TEXT,            -- ISO date of the last day; NULL while current
    recorded_by     TEXT NOT NULL,
    recorded_at     TEXT NOT NULL
);
CREATE TABLE disclosure_dates (
    department_code TEXT NOT NULL,
    year            INTEGER NOT NULL,
    item            TEXT NOT NULL CHECK (item IN ('budget', 'final_accounts')),
    approved_on     TEXT,
    published_on    TEXT,
    PRIMARY KEY (department_code, year, item)
);
