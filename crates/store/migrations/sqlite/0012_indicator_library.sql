-- The 指标库 (issue 18): indicators a finance bureau keeps for declarations — the 个性 ones it
-- promoted from declarations used well, classified by 功能分类科目, 行业/领域 and 资金用途, each
-- with its 指标值 hint and scoring standard. The shipped 共性 ones are a file, not rows; an
-- indicator's history is read from the stored datasets, never kept twice.
CREATE TABLE library_indicators (
    id               INTEGER PRIMARY KEY,
    level1           TEXT NOT NULL,
    level2           TEXT NOT NULL,
    name             TEXT NOT NULL,
    value_hint       TEXT NOT NULL DEFAULT '',
    standard         TEXT NOT NULL DEFAULT '',
    function_subject TEXT NOT NULL DEFAULT '',  -- 功能分类科目, e.g. 2010301 行政运行
    sector           TEXT NOT NULL DEFAULT '',  -- 行业/领域
    purpose          TEXT NOT NULL DEFAULT '',  -- 资金用途
    promoted_from    TEXT NOT NULL DEFAULT '',  -- the declaration it came from (declaration:<id>)
    promoted_by      TEXT NOT NULL,
    promoted_at      TEXT NOT NULL,
    UNIQUE (level1, level2, name, function_subject, sector, purpose)
);
