-- 事前绩效评估 of a declared project (issue 18): the experts the bureau assigns, each expert's
-- score per dimension (kept as typed, exact), and the conclusion with its suggested budget
-- control figure. The panel's score is computed from the experts' rows, never stored twice.
CREATE TABLE assessment_experts (
    declaration_id   BIGINT NOT NULL REFERENCES declarations (id),
    username         TEXT NOT NULL,
    assigned_by      TEXT NOT NULL,
    assigned_at      TEXT NOT NULL,
    PRIMARY KEY (declaration_id, username)
);

CREATE TABLE assessment_scores (
    declaration_id   BIGINT NOT NULL REFERENCES declarations (id),
    username         TEXT NOT NULL,
    dimension        TEXT NOT NULL,
    score            TEXT NOT NULL,             -- a decimal as typed
    comment          TEXT NOT NULL DEFAULT '',
    scored_at        TEXT NOT NULL,
    PRIMARY KEY (declaration_id, username, dimension)
);

CREATE TABLE assessments (
    declaration_id   BIGINT PRIMARY KEY REFERENCES declarations (id),
    framework_id     TEXT NOT NULL,
    score            TEXT NOT NULL,             -- the panel's score when concluded, unrounded
    conclusion       TEXT NOT NULL CHECK (conclusion IN ('support', 'support_after_adjustment', 'no_support')),
    budget_fen       BIGINT NOT NULL,          -- the suggested budget control figure
    suggestions      TEXT NOT NULL DEFAULT '',
    concluded_by     TEXT NOT NULL,
    concluded_at     TEXT NOT NULL
);
