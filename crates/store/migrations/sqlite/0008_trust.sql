-- Issue 15. A project's budget carries a version, so a mid-year adjustment made on an old page
-- is refused by version, not by comparing a rounded amount. Every change of the amount, by an
-- edit or by an import, moves it on (the trigger), so the importers need not know of it.
ALTER TABLE projects ADD COLUMN budget_version INTEGER NOT NULL DEFAULT 0;
CREATE TRIGGER projects_budget_version AFTER UPDATE OF adjusted_budget ON projects
WHEN old.adjusted_budget <> new.adjusted_budget
BEGIN
    UPDATE projects SET budget_version = old.budget_version + 1 WHERE id = new.id;
END;
-- A reset gives a business account a one-time credential that must be changed at the first
-- sign-in and expires; its second half waits here for the security administrator to hand over
-- (split knowledge: neither administrator alone can sign in as the account).
ALTER TABLE web_users ADD COLUMN must_change INTEGER NOT NULL DEFAULT 0;
ALTER TABLE web_users ADD COLUMN credential_expires INTEGER NOT NULL DEFAULT 0;  -- unix seconds; 0: none
CREATE TABLE web_credential_halves (
    user_id     INTEGER PRIMARY KEY,
    second_half TEXT NOT NULL,
    issued_by   TEXT NOT NULL,
    issued_at   TEXT NOT NULL
);
-- Sign-in throttling per account name (as typed, normalised) and source address: failures
-- from one source delay only that source's next try on that name; nothing locks an account.
CREATE TABLE web_throttle (
    account  TEXT NOT NULL,
    source   TEXT NOT NULL,
    failures INTEGER NOT NULL,
    next_at  INTEGER NOT NULL,   -- unix milliseconds: no try before
    last_at  INTEGER NOT NULL,   -- unix milliseconds
    PRIMARY KEY (account, source)
);
