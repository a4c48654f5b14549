//! Organisations: a department (部门), its own unit (本级), subordinate units (下属单位),
//! internal organs (内设机构), functions (职能) and tasks.

use rust_decimal::Decimal;

/// What kind of budget unit a unit is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum UnitKind {
    /// The department's own unit (本级).
    OwnLevel,
    /// A subordinate administrative unit (行政单位).
    Administrative,
    /// A subordinate public institution (事业单位).
    Institution,
}

impl UnitKind {
    /// The identifier used in data files.
    pub fn id(self) -> &'static str {
        match self {
            UnitKind::OwnLevel => "own",
            UnitKind::Administrative => "administrative",
            UnitKind::Institution => "institution",
        }
    }

    /// Parses the identifier used in data files.
    pub fn from_id(id: &str) -> Option<UnitKind> {
        [
            UnitKind::OwnLevel,
            UnitKind::Administrative,
            UnitKind::Institution,
        ]
        .into_iter()
        .find(|k| k.id() == id)
    }

    /// The Chinese name.
    pub fn label(self) -> &'static str {
        match self {
            UnitKind::OwnLevel => "本级",
            UnitKind::Administrative => "行政单位",
            UnitKind::Institution => "事业单位",
        }
    }
}

/// A budget unit (预算单位).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unit {
    /// The unit's code, unique within the department.
    pub code: String,
    /// The full name.
    pub name: String,
    /// Own level, administrative or institution.
    pub kind: UnitKind,
}

/// A budget department (预算部门) with its units and organisation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Department {
    /// The department's code (as the finance bureau numbers departments).
    pub code: String,
    /// The full name, e.g. 广州市白云区人民政府办公室.
    pub name: String,
    /// How the department calls itself in its own prose, e.g. 我办.
    pub self_reference: String,
    /// The department's units: its own unit first, then subordinates.
    pub units: Vec<Unit>,
    /// Internal organs (内设机构) of the own unit.
    pub organs: Vec<String>,
    /// Functions (职能配置), one statement each.
    pub functions: Vec<String>,
}

impl Department {
    /// The subordinate units (all but the own level).
    pub fn subordinates(&self) -> impl Iterator<Item = &Unit> {
        self.units.iter().filter(|u| u.kind != UnitKind::OwnLevel)
    }

    /// The unit with `code`, if any.
    pub fn unit(&self, code: &str) -> Option<&Unit> {
        self.units.iter().find(|u| u.code == code)
    }
}

/// An annual or key task of the year (年度总体工作和重点工作任务).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Task {
    /// Short title.
    pub title: String,
    /// Whether it is a key task (重点工作任务) rather than routine annual work.
    pub key: bool,
    /// What was planned and what was done, as prose.
    pub description: String,
}

/// How a count is qualified in prose: exact, or approximate with a word before (超, 近, 约)
/// or after (多, 余) the number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Approximation {
    /// The count is exact.
    Exact,
    /// A word before the number, e.g. 超2.2万笔, 近6000笔.
    Prefix(String),
    /// A word after the number, e.g. 35,745多份, 10万余人次.
    Suffix(String),
}

/// A work-output count (工作量), e.g. 公文 35,745 份.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkOutput {
    /// Key used by report templates.
    pub key: String,
    /// What was counted.
    pub name: String,
    /// The count (a decimal, for counts stated in 万 such as 2.2万笔).
    pub count: Decimal,
    /// The measure word, e.g. 份, 次, 万人次.
    pub unit: String,
    /// Whether the count is exact or approximate.
    pub approximation: Approximation,
}

impl WorkOutput {
    /// The count as prose writes it: `35,745多份`, `超2.2万笔`, `10万余人次`.
    pub fn display(&self) -> String {
        let number = if self.count.fract().is_zero() {
            crate::number::format_decimal(self.count, 0, true)
        } else {
            self.count.normalize().to_string()
        };
        match &self.approximation {
            Approximation::Exact => format!("{number}{}", self.unit),
            Approximation::Prefix(p) => format!("{p}{number}{}", self.unit),
            // 余/多 goes after 万 when the unit is counted in 万: 10万余人次.
            Approximation::Suffix(s) => match self.unit.strip_prefix('万') {
                Some(rest) => format!("{number}万{s}{rest}"),
                None => format!("{number}{s}{}", self.unit),
            },
        }
    }
}

/// A problem the department found in its own year (存在的问题).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// One-line statement.
    pub title: String,
    /// Explanation.
    pub detail: String,
}

/// An improvement measure (下一步改进措施).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Measure {
    /// The measure, as one sentence or paragraph.
    pub text: String,
}
