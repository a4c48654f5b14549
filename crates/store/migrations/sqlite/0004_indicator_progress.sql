-- 双监控: what a unit reports during the year about each indicator — its actual value so
-- far, how likely the target is met (确定能 / 有可能 / 不可能), and, when not certain, the
-- category of the deviation's cause, the cause in words (the entry's note) and the
-- corrective measures.
ALTER TABLE monitoring_entries ADD COLUMN likelihood TEXT NOT NULL DEFAULT '';
ALTER TABLE monitoring_entries ADD COLUMN reason_category TEXT NOT NULL DEFAULT '';
ALTER TABLE monitoring_entries ADD COLUMN measures TEXT NOT NULL DEFAULT '';
