-- Projects by year, so that the first and last id of a year are found at once (monitoring
-- reads a year's projects in id order, in parts).
CREATE INDEX projects_by_year ON projects (year, id);
