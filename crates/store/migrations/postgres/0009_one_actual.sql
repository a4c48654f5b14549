-- One owner per fact (issue 17): an indicator's actual value lives in its dataset's
-- projects.toml, which every reader (evaluation, report, export, the command line) reads.
-- indicator_entries keeps only the record of the edit — evidence, version, who and when —
-- so the value is no longer kept twice.
ALTER TABLE indicator_entries DROP COLUMN actual;
