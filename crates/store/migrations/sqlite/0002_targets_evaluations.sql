-- Performance targets of projects, monitoring entries, self-evaluation datasets and results.
-- No foreign key on project_id, as for payments: millions of indicators load in bulk, and
-- the importer resolves each project_id from `projects` in the same transaction.
CREATE TABLE indicators (
    project_id INTEGER NOT NULL,  -- projects.id
    code       TEXT NOT NULL,
    level1     TEXT NOT NULL,
    level2     TEXT NOT NULL,
    name       TEXT NOT NULL,
    direction  TEXT NOT NULL CHECK (direction IN ('ge', 'le', 'qual')),
    target     TEXT NOT NULL,   -- exact decimal as written
    actual     TEXT,            -- exact decimal; NULL until known
    weight     TEXT NOT NULL,   -- exact decimal
    PRIMARY KEY (project_id, code)
);
-- What a unit reports during the year: execution and indicator progress (双监控).
CREATE TABLE monitoring_entries (
    project_id     INTEGER NOT NULL REFERENCES projects (id),
    as_of          TEXT NOT NULL,   -- YYYY-MM-DD
    indicator_code TEXT NOT NULL DEFAULT '',  -- '' for the execution entry
    value          TEXT NOT NULL,   -- exact decimal (executed yuan, or the indicator's progress)
    note           TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (project_id, as_of, indicator_code)
);
-- A department's self-evaluation dataset (jixiao-dataset/1), file by file, as imported.
CREATE TABLE dataset_files (
    department_code TEXT NOT NULL,
    year            INTEGER NOT NULL,
    file_name       TEXT NOT NULL,
    content         TEXT NOT NULL,
    batch_id        INTEGER NOT NULL REFERENCES import_batches (id),
    PRIMARY KEY (department_code, year, file_name)
);
CREATE TABLE evaluations (
    id              INTEGER PRIMARY KEY,
    department_code TEXT NOT NULL,
    year            INTEGER NOT NULL,
    framework       TEXT NOT NULL,
    total           TEXT NOT NULL,
    max_total       TEXT NOT NULL,
    grade           TEXT NOT NULL,
    evaluated_at    TEXT NOT NULL
);
CREATE TABLE evaluation_items (
    evaluation_id INTEGER NOT NULL REFERENCES evaluations (id),
    seq           INTEGER NOT NULL,
    item_id       TEXT NOT NULL,
    name          TEXT NOT NULL,
    weight        TEXT NOT NULL,
    value         TEXT NOT NULL,
    score         TEXT NOT NULL,
    loss_reason   TEXT NOT NULL,
    derivation    TEXT NOT NULL,
    PRIMARY KEY (evaluation_id, seq)
);
