-- Each project's payments summed by month (fen), kept up to date by every import, so that
-- monitoring reads one row per project rather than every payment. Filled here from the
-- payments already stored, so that an older store keeps its history.
CREATE TABLE project_execution (
    project_id INTEGER PRIMARY KEY,  -- projects.id
    m01 INTEGER NOT NULL DEFAULT 0,
    m02 INTEGER NOT NULL DEFAULT 0,
    m03 INTEGER NOT NULL DEFAULT 0,
    m04 INTEGER NOT NULL DEFAULT 0,
    m05 INTEGER NOT NULL DEFAULT 0,
    m06 INTEGER NOT NULL DEFAULT 0,
    m07 INTEGER NOT NULL DEFAULT 0,
    m08 INTEGER NOT NULL DEFAULT 0,
    m09 INTEGER NOT NULL DEFAULT 0,
    m10 INTEGER NOT NULL DEFAULT 0,
    m11 INTEGER NOT NULL DEFAULT 0,
    m12 INTEGER NOT NULL DEFAULT 0
);
INSERT INTO project_execution (project_id, m01, m02, m03, m04, m05, m06, m07, m08, m09, m10, m11, m12)
SELECT project_id,
    SUM(CASE WHEN substr(pay_date, 6, 2) = '01' THEN amount ELSE 0 END),
    SUM(CASE WHEN substr(pay_date, 6, 2) = '02' THEN amount ELSE 0 END),
    SUM(CASE WHEN substr(pay_date, 6, 2) = '03' THEN amount ELSE 0 END),
    SUM(CASE WHEN substr(pay_date, 6, 2) = '04' THEN amount ELSE 0 END),
    SUM(CASE WHEN substr(pay_date, 6, 2) = '05' THEN amount ELSE 0 END),
    SUM(CASE WHEN substr(pay_date, 6, 2) = '06' THEN amount ELSE 0 END),
    SUM(CASE WHEN substr(pay_date, 6, 2) = '07' THEN amount ELSE 0 END),
    SUM(CASE WHEN substr(pay_date, 6, 2) = '08' THEN amount ELSE 0 END),
    SUM(CASE WHEN substr(pay_date, 6, 2) = '09' THEN amount ELSE 0 END),
    SUM(CASE WHEN substr(pay_date, 6, 2) = '10' THEN amount ELSE 0 END),
    SUM(CASE WHEN substr(pay_date, 6, 2) = '11' THEN amount ELSE 0 END),
    SUM(CASE WHEN substr(pay_date, 6, 2) = '12' THEN amount ELSE 0 END)
FROM payments GROUP BY project_id;
