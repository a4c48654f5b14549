-- Organisations, projects with their budgets, and individual payment records.
CREATE TABLE departments (
    code        TEXT PRIMARY KEY,
    name        TEXT NOT NULL DEFAULT '',
    region_code TEXT NOT NULL DEFAULT ''
);
CREATE TABLE units (
    code            TEXT PRIMARY KEY,
    name            TEXT NOT NULL,
    department_code TEXT NOT NULL REFERENCES departments (code),
    parent_code     TEXT,
    region_code     TEXT NOT NULL DEFAULT ''
);
CREATE TABLE projects (
    id              INTEGER PRIMARY KEY,
    year            INTEGER NOT NULL,
    code            TEXT NOT NULL,
    unit_code       TEXT NOT NULL REFERENCES units (code),
    name            TEXT NOT NULL,
    kind            TEXT NOT NULL CHECK (kind IN ('basic', 'project')),
    fund_source     TEXT NOT NULL,
    initial_budget  INTEGER NOT NULL,  -- fen
    adjusted_budget INTEGER NOT NULL,  -- fen
    UNIQUE (year, code)
);
CREATE TABLE import_batches (
    id         INTEGER PRIMARY KEY,
    source     TEXT NOT NULL,
    started_at TEXT NOT NULL
);
-- One row per payment as the treasury exports it; the id makes re-imports idempotent.
-- No foreign keys here: a lookup per row would add a third to the time of loading millions
-- of payments. The importer resolves every project_id from `projects` inside the same
-- transaction, and batches are only ever added.
CREATE TABLE payments (
    payment_id TEXT PRIMARY KEY,
    project_id INTEGER NOT NULL,   -- projects.id
    pay_date   TEXT NOT NULL,      -- YYYY-MM-DD
    amount     INTEGER NOT NULL,   -- fen; negative for a refund or correction
    batch_id   INTEGER NOT NULL,   -- import_batches.id
    source_row INTEGER NOT NULL    -- the row of the imported file it came from
) WITHOUT ROWID;
