-- The web application's own state: accounts, sessions, the review workflow, indicator entries
-- made in the browser, pending uploads and the audit trail. Everything a server knows lives
-- here, so several servers can share one database.
CREATE TABLE web_users (
    id              BIGSERIAL PRIMARY KEY,
    username        TEXT NOT NULL UNIQUE,
    display_name    TEXT NOT NULL,
    password_hash   TEXT NOT NULL,          -- Argon2id, PHC string
    role            TEXT NOT NULL DEFAULT '',  -- '' until the security administrator assigns one
    department_code TEXT,                   -- for department editors and approvers
    active          BIGINT NOT NULL DEFAULT 1,
    failed_logins   BIGINT NOT NULL DEFAULT 0,
    locked_until    BIGINT NOT NULL DEFAULT 0,   -- unix seconds
    version         BIGINT NOT NULL DEFAULT 1,
    created_at      TEXT NOT NULL
);
-- The departments an evaluator may read.
CREATE TABLE web_assignments (
    user_id         BIGINT NOT NULL,
    department_code TEXT NOT NULL,
    PRIMARY KEY (user_id, department_code)
);
-- Only a hash of the session token is kept: a copy of the database signs nobody in.
CREATE TABLE web_sessions (
    token_hash TEXT PRIMARY KEY,
    user_id    BIGINT NOT NULL,
    csrf       TEXT NOT NULL,
    created_at BIGINT NOT NULL,  -- unix seconds
    expires_at BIGINT NOT NULL,  -- absolute limit
    idle_until BIGINT NOT NULL   -- moved on by each request
);
CREATE TABLE workflow (
    department_code TEXT NOT NULL,
    year            BIGINT NOT NULL,
    state           TEXT NOT NULL CHECK (state IN ('draft', 'submitted', 'returned', 'approved', 'published')),
    version         BIGINT NOT NULL,
    comment         TEXT NOT NULL DEFAULT '',
    updated_by      TEXT NOT NULL,
    updated_at      TEXT NOT NULL,
    PRIMARY KEY (department_code, year)
);
CREATE TABLE workflow_events (
    department_code TEXT NOT NULL,
    year            BIGINT NOT NULL,
    seq             BIGINT NOT NULL,
    from_state      TEXT NOT NULL,
    to_state        TEXT NOT NULL,
    actor           TEXT NOT NULL,
    at              TEXT NOT NULL,
    comment         TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (department_code, year, seq)
);
-- An indicator's actual value and its evidence as entered in the browser; the value is also
-- written into the stored dataset, so every other part of jixiao sees it.
CREATE TABLE indicator_entries (
    department_code TEXT NOT NULL,
    year            BIGINT NOT NULL,
    project_code    TEXT NOT NULL,
    indicator       TEXT NOT NULL,
    actual          TEXT NOT NULL,
    evidence        TEXT NOT NULL DEFAULT '',
    version         BIGINT NOT NULL,
    updated_by      TEXT NOT NULL,
    updated_at      TEXT NOT NULL,
    PRIMARY KEY (department_code, year, project_code, indicator)
);
CREATE TABLE web_uploads (
    id         BIGSERIAL PRIMARY KEY,
    user_id    BIGINT NOT NULL,
    file_name  TEXT NOT NULL,
    content    BYTEA NOT NULL,
    created_at TEXT NOT NULL
);
CREATE TABLE web_state (
    key   TEXT PRIMARY KEY,
    value BIGINT NOT NULL
);
INSERT INTO web_state (key, value) VALUES ('data_version', 0);
-- Append-only and hash-chained: each row's hash covers its fields and the previous hash.
CREATE TABLE audit_log (
    seq         BIGINT PRIMARY KEY,
    at          TEXT NOT NULL,
    actor       TEXT NOT NULL,
    action      TEXT NOT NULL,
    entity      TEXT NOT NULL,
    before_json TEXT NOT NULL,
    after_json  TEXT NOT NULL,
    prev_hash   TEXT NOT NULL,
    hash        TEXT NOT NULL
);
CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '审计日志只可追加，不可修改或删除';
END
$$;
CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
