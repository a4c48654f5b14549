-- Each project's payments summed by month (fen), kept up to date by every import, so that
-- monitoring reads one row per project rather than every payment. Filled here from the
-- payments already stored, so that an older store keeps its history.
CREATE TABLE project_execution (
    project_id BIGINT PRIMARY KEY,  -- projects.id
    m01 BIGINT NOT NULL DEFAULT 0,
    m02 BIGINT NOT NULL DEFAULT 0,
    m03 BIGINT NOT NULL DEFAULT 0,
    m04 BIGINT NOT NULL DEFAULT 0,
    m05 BIGINT NOT NULL DEFAULT 0,
    m06 BIGINT NOT NULL DEFAULT 0,
    m07 BIGINT NOT NULL DEFAULT 0,
    m08 BIGINT NOT NULL DEFAULT 0,
    m09 BIGINT NOT NULL DEFAULT 0,
    m10 BIGINT NOT NULL DEFAULT 0,
    m11 BIGINT NOT NULL DEFAULT 0,
    m12 BIGINT NOT NULL DEFAULT 0
);
INSERT INTO project_execution (project_id, m01, m02, m03, m04, m05, m06, m07, m08, m09, m10, m11, m12)
SELECT project_id,
    SUM(CASE WHEN EXTRACT(MONTH FROM pay_date) = 1 THEN amount ELSE 0 END),
    SUM(CASE WHEN EXTRACT(MONTH FROM pay_date) = 2 THEN amount ELSE 0 END),
    SUM(CASE WHEN EXTRACT(MONTH FROM pay_date) = 3 THEN amount ELSE 0 END),
    SUM(CASE WHEN EXTRACT(MONTH FROM pay_date) = 4 THEN amount ELSE 0 END),
    SUM(CASE WHEN EXTRACT(MONTH FROM pay_date) = 5 THEN amount ELSE 0 END),
    SUM(CASE WHEN EXTRACT(MONTH FROM pay_date) = 6 THEN amount ELSE 0 END),
    SUM(CASE WHEN EXTRACT(MONTH FROM pay_date) = 7 THEN amount ELSE 0 END),
    SUM(CASE WHEN EXTRACT(MONTH FROM pay_date) = 8 THEN amount ELSE 0 END),
    SUM(CASE WHEN EXTRACT(MONTH FROM pay_date) = 9 THEN amount ELSE 0 END),
    SUM(CASE WHEN EXTRACT(MONTH FROM pay_date) = 10 THEN amount ELSE 0 END),
    SUM(CASE WHEN EXTRACT(MONTH FROM pay_date) = 11 THEN amount ELSE 0 END),
    SUM(CASE WHEN EXTRACT(MONTH FROM pay_date) = 12 THEN amount ELSE 0 END)
FROM payments GROUP BY project_id;
