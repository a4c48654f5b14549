-- Issue 15. A project's budget carries a version, so a mid-year adjustment made on an old page
-- is refused by version, not by comparing a rounded amount. Every change of the amount, by an
-- edit or by an import, moves it on (the trigger, on updates only: bulk inserts pay nothing),
-- so the importers need not know of it.
ALTER TABLE projects ADD COLUMN budget_version BIGINT NOT NULL DEFAULT 0;
CREATE FUNCTION projects_budget_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.adjusted_budget <> OLD.adjusted_budget THEN
        NEW.budget_version := OLD.budget_version + 1;
    END IF;
    RETURN NEW;
END;
$$;
CREATE TRIGGER projects_budget_version BEFORE UPDATE OF adjusted_budget ON projects
FOR EACH ROW EXECUTE FUNCTION projects_budget_version();
-- A reset gives a business account a one-time credential that must be changed at the first
-- sign-in and expires; its second half waits here for the security administrator to hand over
-- (split knowledge: neither administrator alone can sign in as the account).
ALTER TABLE web_users ADD COLUMN must_change BIGINT NOT NULL DEFAULT 0;
ALTER TABLE web_users ADD COLUMN credential_expires BIGINT NOT NULL DEFAULT 0;  -- unix seconds; 0: none
CREATE TABLE web_credential_halves (
    user_id     BIGINT PRIMARY KEY,
    second_half TEXT NOT NULL,
    issued_by   TEXT NOT NULL,
    issued_at   TEXT NOT NULL
);
-- Sign-in throttling per account name (as typed, normalised) and source address: failures
-- from one source delay only that source's next try on that name; nothing locks an account.
CREATE TABLE web_throttle (
    account  TEXT NOT NULL,
    source   TEXT NOT NULL,
    failures BIGINT NOT NULL,
    next_at  BIGINT NOT NULL,   -- unix milliseconds: no try before
    last_at  BIGINT NOT NULL,   -- unix milliseconds
    PRIMARY KEY (account, source)
);
