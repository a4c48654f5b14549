//! Organisations: a department (部门), its own unit (本级), subordinate units (下属单位),
//! internal organs (内设机构), functions (职能) and tasks.

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

/// How a count is qualified in prose: exact, or "more than" (多/余).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Approximation {
    /// The count is exact.
    Exact,
    /// The count is a lower bound; the suffix (多 or 余) says so in prose.
    AtLeast(String),
}

/// A work-output count (工作量), e.g. 公文 35,745 份.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkOutput {
    /// Key used by report templates and bindings.
    pub key: String,
    /// What was counted.
    pub name: String,
    /// The count.
    pub count: i64,
    /// The measure word, e.g. 份, 次, 项.
    pub unit: String,
    /// Whether the count is exact or a lower bound.
    pub approximation: Approximation,
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
