-- Issue 19: a project's annual performance goal (绩效目标, the 一体化 KPI_TARGET of
-- PM_PERF_GOAL_INFO), one text a project and year; and the code an imported 指标库 indicator
-- has in the system it came from (PERF_IND_CODE), empty for one promoted from a declaration.
CREATE TABLE project_goals (
    project_id INTEGER PRIMARY KEY REFERENCES projects (id),
    goal       TEXT NOT NULL
);
ALTER TABLE library_indicators ADD COLUMN code TEXT NOT NULL DEFAULT '';
