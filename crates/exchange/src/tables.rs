//! The four interchange tables: their columns, names in English (CSV) and Chinese (Excel),
//! and what each cell must hold. One description serves import, export and the template.

/// What a column holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A code or name: any text without line breaks.
    Text,
    /// Money in yuan with at most two decimals.
    Money,
    /// A date, `2021-03-04`.
    Date,
    /// An exact decimal number.
    Number,
    /// One of a few words.
    Choice(&'static [&'static str]),
}

/// One column of a table.
#[derive(Debug, Clone, Copy)]
pub struct Column {
    /// The English name: the CSV header and the mapping file's key.
    pub id: &'static str,
    /// The Chinese name: the Excel header.
    pub label: &'static str,
    /// Other headers real exports use for it.
    pub aliases: &'static [&'static str],
    /// Whether every row must fill it.
    pub required: bool,
    /// What it holds.
    pub kind: Kind,
    /// The header note of the template.
    pub note: &'static str,
}

/// One table.
#[derive(Debug, Clone, Copy)]
pub struct Table {
    /// `units`, `projects`, `targets` or `payments`.
    pub id: &'static str,
    /// The Chinese name: the Excel sheet's name.
    pub label: &'static str,
    /// Its columns, in file order.
    pub columns: &'static [Column],
}

impl Table {
    /// The CSV file name.
    pub fn file_name(&self) -> String {
        format!("{}.csv", self.id)
    }

    /// The English column names joined by `sep`.
    pub fn ids(&self, sep: &str) -> String {
        self.joined(sep, |c| c.id)
    }

    /// The Chinese column names joined by `sep`.
    pub fn labels(&self, sep: &str) -> String {
        self.joined(sep, |c| c.label)
    }

    fn joined(&self, sep: &str, name: impl Fn(&Column) -> &'static str) -> String {
        self.columns.iter().map(name).collect::<Vec<_>>().join(sep)
    }

    /// The column with `id`.
    pub fn column(&self, id: &str) -> usize {
        self.columns
            .iter()
            .position(|c| c.id == id)
            .unwrap_or_else(|| panic!("table {} has no column {id}", self.id))
    }
}

const FUND_CHOICES: &[&str] = &[
    "general",
    "fund",
    "state_capital",
    "special",
    "other",
    "一般公共预算",
    "政府性基金预算",
    "国有资本经营预算",
    "财政专户管理资金",
    "单位资金/其他",
];

/// Units (单位).
pub const UNITS: Table = Table {
    id: "units",
    label: "单位",
    columns: &[
        Column {
            id: "unit_code",
            label: "单位编码",
            aliases: &["单位代码"],
            required: true,
            kind: Kind::Text,
            note: "单位的编码，在全部单位中唯一，如 440001000000。",
        },
        Column {
            id: "unit_name",
            label: "单位名称",
            aliases: &[],
            required: true,
            kind: Kind::Text,
            note: "单位全称。",
        },
        Column {
            id: "department_code",
            label: "部门编码",
            aliases: &["主管部门编码", "部门代码"],
            required: true,
            kind: Kind::Text,
            note: "所属部门（预算主管部门）的编码；部门本级和下属单位填同一个部门编码。",
        },
        Column {
            id: "parent_code",
            label: "上级单位编码",
            aliases: &["上级单位代码"],
            required: false,
            kind: Kind::Text,
            note: "上级单位的编码；部门本级留空。",
        },
        Column {
            id: "region_code",
            label: "行政区划编码",
            aliases: &["区划编码", "区划代码"],
            required: false,
            kind: Kind::Text,
            note: "行政区划代码，如 440111；可留空。",
        },
    ],
};

/// Projects (项目), with their budgets.
pub const PROJECTS: Table = Table {
    id: "projects",
    label: "项目",
    columns: &[
        Column {
            id: "project_code",
            label: "项目编码",
            aliases: &["项目代码"],
            required: true,
            kind: Kind::Text,
            note: "项目（或基本支出科目）的编码，在同一预算年度内唯一。",
        },
        Column {
            id: "unit_code",
            label: "单位编码",
            aliases: &["预算单位编码", "单位代码"],
            required: true,
            kind: Kind::Text,
            note: "实施单位的编码，须在“单位”表或库中已有。",
        },
        Column {
            id: "project_name",
            label: "项目名称",
            aliases: &[],
            required: true,
            kind: Kind::Text,
            note: "项目名称。",
        },
        Column {
            id: "kind",
            label: "支出类型",
            aliases: &["支出类别"],
            required: true,
            kind: Kind::Choice(&["basic", "project", "基本支出", "项目支出"]),
            note: "基本支出 或 项目支出（也可写 basic / project）。",
        },
        Column {
            id: "fund_source",
            label: "资金来源",
            aliases: &["资金性质"],
            required: true,
            kind: Kind::Choice(FUND_CHOICES),
            note: "一般公共预算、政府性基金预算、国有资本经营预算、财政专户管理资金、单位资金/其他 之一。",
        },
        Column {
            id: "initial_budget",
            label: "年初预算（元）",
            aliases: &["年初预算", "年初预算数"],
            required: true,
            kind: Kind::Money,
            note: "年初批复的预算，单位：元，最多两位小数（到分）。",
        },
        Column {
            id: "adjusted_budget",
            label: "调整后预算（元）",
            aliases: &["调整后预算", "调整后预算数", "全年预算数"],
            required: true,
            kind: Kind::Money,
            note: "年中调整（追加、调减）后的全年预算，单位：元，最多两位小数。",
        },
    ],
};

/// Performance targets (绩效指标) of projects.
pub const TARGETS: Table = Table {
    id: "targets",
    label: "绩效指标",
    columns: &[
        Column {
            id: "project_code",
            label: "项目编码",
            aliases: &["项目代码"],
            required: true,
            kind: Kind::Text,
            note: "指标所属项目的编码，须在“项目”表或库中已有。",
        },
        Column {
            id: "indicator_code",
            label: "指标编码",
            aliases: &["指标代码"],
            required: true,
            kind: Kind::Text,
            note: "指标在项目内的编码，如 I1。",
        },
        Column {
            id: "level1",
            label: "一级指标",
            aliases: &[],
            required: true,
            kind: Kind::Text,
            note: "产出指标、效益指标 或 满意度指标。",
        },
        Column {
            id: "level2",
            label: "二级指标",
            aliases: &[],
            required: true,
            kind: Kind::Text,
            note: "如 数量指标、质量指标、时效指标、成本指标、社会效益指标、服务对象满意度指标。",
        },
        Column {
            id: "name",
            label: "三级指标",
            aliases: &["指标名称"],
            required: true,
            kind: Kind::Text,
            note: "指标名称，如 验收合格率。",
        },
        Column {
            id: "direction",
            label: "指标方向",
            aliases: &["指标性质"],
            required: true,
            kind: Kind::Choice(&["ge", "le", "qual", "正向", "反向", "定性", "≥", "≤"]),
            note: "正向（越高越好，ge）、反向（越低越好，le）或 定性（qual：1 达成，0.5 部分达成，0 未达成）。",
        },
        Column {
            id: "target",
            label: "指标值",
            aliases: &["目标值", "年度指标值"],
            required: true,
            kind: Kind::Number,
            note: "年度目标值，数字。",
        },
        Column {
            id: "actual",
            label: "实际完成值",
            aliases: &["完成值"],
            required: false,
            kind: Kind::Number,
            note: "实际完成值，数字；尚未完成时留空。",
        },
        Column {
            id: "weight",
            label: "分值",
            aliases: &["权重"],
            required: true,
            kind: Kind::Number,
            note: "指标分值（权重）。",
        },
    ],
};

/// Payments (支付明细), one row per payment as the treasury exports them.
pub const PAYMENTS: Table = Table {
    id: "payments",
    label: "支付",
    columns: &[
        Column {
            id: "payment_id",
            label: "支付流水号",
            aliases: &["支付凭证号", "凭证号", "支付令号"],
            required: true,
            kind: Kind::Text,
            note: "国库支付系统的流水号（凭证号），全局唯一；重复导入同一笔支付不会重复计数。",
        },
        Column {
            id: "project_code",
            label: "项目编码",
            aliases: &["项目代码"],
            required: true,
            kind: Kind::Text,
            note: "支出所属项目的编码，须在“项目”表或库中已有。",
        },
        Column {
            id: "pay_date",
            label: "支付日期",
            aliases: &["支付时间", "清算日期"],
            required: true,
            kind: Kind::Date,
            note: "支付日期，如 2021-03-04；须在预算年度内。",
        },
        Column {
            id: "amount",
            label: "支付金额（元）",
            aliases: &["支付金额", "金额"],
            required: true,
            kind: Kind::Money,
            note: "单位：元，最多两位小数；退款、冲销填负数。",
        },
    ],
};

/// Indicator progress during the year (双监控), as units report it.
pub const PROGRESS: Table = Table {
    id: "indicator_progress",
    label: "指标进度",
    columns: &[
        Column {
            id: "project_code",
            label: "项目编码",
            aliases: &["项目代码"],
            required: true,
            kind: Kind::Text,
            note: "指标所属项目的编码。",
        },
        Column {
            id: "indicator_code",
            label: "指标编码",
            aliases: &["指标代码"],
            required: true,
            kind: Kind::Text,
            note: "指标编码，须在“绩效指标”表或库中已有。",
        },
        Column {
            id: "as_of",
            label: "监控日期",
            aliases: &["截止日期"],
            required: true,
            kind: Kind::Date,
            note: "本次监控截至的日期，如 2021-07-31。",
        },
        Column {
            id: "actual",
            label: "截至目前完成值",
            aliases: &["实际完成值", "半年度执行情况"],
            required: true,
            kind: Kind::Number,
            note: "截至监控日期的实际完成值，数字。",
        },
        Column {
            id: "likelihood",
            label: "完成目标可能性",
            aliases: &[],
            required: true,
            kind: Kind::Choice(&["确定能", "有可能", "不可能"]),
            note: "确定能、有可能 或 不可能。",
        },
        Column {
            id: "reason_category",
            label: "偏差原因类别",
            aliases: &["偏差原因"],
            required: false,
            kind: Kind::Choice(&["经费保障", "制度保障", "人员保障", "硬件条件保障", "其他"]),
            note: "不是“确定能”时必填：经费保障、制度保障、人员保障、硬件条件保障 或 其他。",
        },
        Column {
            id: "reason",
            label: "偏差原因分析",
            aliases: &[],
            required: false,
            kind: Kind::Text,
            note: "偏差或不能完成目标的原因。",
        },
        Column {
            id: "measures",
            label: "纠偏措施",
            aliases: &["相关建议或举措", "改进措施"],
            required: false,
            kind: Kind::Text,
            note: "不是“确定能”时必填：将采取的纠偏措施。",
        },
    ],
};

/// Each project's annual performance goal (绩效目标, issue 19).
pub const GOALS: Table = Table {
    id: "goals",
    label: "绩效目标",
    columns: &[
        Column {
            id: "project_code",
            label: "项目编码",
            aliases: &["项目代码"],
            required: true,
            kind: Kind::Text,
            note: "目标所属项目的编码，须在“项目”表或库中已有。",
        },
        Column {
            id: "goal",
            label: "年度绩效目标",
            aliases: &["绩效目标", "年度目标"],
            required: true,
            kind: Kind::Text,
            note: "项目本年度的绩效目标，一段文字。",
        },
    ],
};

/// The 指标库's indicators (issue 19): a finance bureau's library, not a year's.
pub const LIBRARY: Table = Table {
    id: "library",
    label: "指标库",
    columns: &[
        Column {
            id: "indicator_code",
            label: "指标代码",
            aliases: &["绩效指标代码"],
            required: false,
            kind: Kind::Text,
            note: "指标在来源系统中的代码（可空）。",
        },
        Column {
            id: "level1",
            label: "一级指标",
            aliases: &[],
            required: true,
            kind: Kind::Choice(&["产出指标", "效益指标", "满意度指标"]),
            note: "产出指标、效益指标 或 满意度指标。",
        },
        Column {
            id: "level2",
            label: "二级指标",
            aliases: &[],
            required: false,
            kind: Kind::Text,
            note: "如 数量指标、社会效益指标。",
        },
        Column {
            id: "name",
            label: "三级指标",
            aliases: &["指标名称", "绩效指标名称"],
            required: true,
            kind: Kind::Text,
            note: "指标名称。",
        },
        Column {
            id: "value_hint",
            label: "指标值说明",
            aliases: &[],
            required: false,
            kind: Kind::Text,
            note: "指标值的写法，如 ≥90%、≥N人。",
        },
        Column {
            id: "standard",
            label: "评(扣)分标准",
            aliases: &["评（扣）分标准", "评分标准"],
            required: false,
            kind: Kind::Text,
            note: "如 每降低5个百分点扣1分。",
        },
        Column {
            id: "common",
            label: "是否共性指标",
            aliases: &[],
            required: false,
            kind: Kind::Choice(&["是", "否"]),
            note: "是：共性指标，适用于任何项目，下面三列须空；否：个性指标，至少填一项分类。空：按分类判断。",
        },
        Column {
            id: "function_subject",
            label: "功能分类科目",
            aliases: &["支出功能分类"],
            required: false,
            kind: Kind::Text,
            note: "如 2010301 行政运行；空为不限。",
        },
        Column {
            id: "sector",
            label: "行业领域",
            aliases: &["行业/领域"],
            required: false,
            kind: Kind::Text,
            note: "空为不限。",
        },
        Column {
            id: "purpose",
            label: "资金用途",
            aliases: &[],
            required: false,
            kind: Kind::Text,
            note: "空为不限。",
        },
    ],
};

/// The tables in the order an import writes them (each refers only to earlier ones).
pub const TABLES: [Table; 7] = [UNITS, PROJECTS, TARGETS, PAYMENTS, PROGRESS, GOALS, LIBRARY];

/// The table whose English or Chinese name is `name` (a file stem or a sheet name).
pub fn table_named(name: &str) -> Option<Table> {
    let name = name.trim();
    TABLES
        .into_iter()
        .find(|t| t.id.eq_ignore_ascii_case(name) || t.label == name)
}

/// Spreadsheet column letters: 0 → A, 26 → AA.
pub fn column_letter(index: usize) -> String {
    let mut n = index + 1;
    let mut out = Vec::new();
    while n > 0 {
        let r = (n - 1) % 26;
        out.push(b'A' + r as u8);
        n = (n - 1) / 26;
    }
    out.reverse();
    String::from_utf8(out).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn letters() {
        assert_eq!(column_letter(0), "A");
        assert_eq!(column_letter(3), "D");
        assert_eq!(column_letter(25), "Z");
        assert_eq!(column_letter(26), "AA");
    }

    #[test]
    fn names_are_unique_within_a_table() {
        for t in TABLES {
            let mut names: Vec<&str> = t
                .columns
                .iter()
                .flat_map(|c| [c.id, c.label].into_iter().chain(c.aliases.iter().copied()))
                .collect();
            let n = names.len();
            names.sort_unstable();
            names.dedup();
            assert_eq!(names.len(), n, "{}", t.id);
        }
    }
}
