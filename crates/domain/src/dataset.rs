//! A department's year: everything one self-evaluation reads.

use crate::budget::Finances;
use crate::org::{Department, Measure, Problem, Task, WorkOutput};
use crate::project::Project;
use crate::provenance::Origin;
use crate::rule::Observation;
use std::collections::BTreeMap;

/// A judgement or fact recorded for a framework indicator that the accounts cannot supply
/// (a checklist of disclosure duties, violations found, a qualitative judgement).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Assessment {
    /// The key a framework binds to as `assessment.<key>`.
    pub key: String,
    /// What was observed.
    pub observation: Observation,
    /// Stated or inferred.
    pub origin: Origin,
    /// What supports it (a sentence of the report, a document).
    pub evidence: String,
}

/// One department's fiscal year.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DepartmentYear {
    /// The fiscal year (calendar year in China).
    pub year: i32,
    /// The department and its units.
    pub department: Department,
    /// Income and expenditure.
    pub finances: Finances,
    /// Projects.
    pub projects: Vec<Project>,
    /// Work-output counts.
    pub outputs: Vec<WorkOutput>,
    /// Annual and key tasks.
    pub tasks: Vec<Task>,
    /// Problems found.
    pub problems: Vec<Problem>,
    /// Improvement measures.
    pub measures: Vec<Measure>,
    /// Assessments for indicators the accounts cannot supply.
    pub assessments: Vec<Assessment>,
    /// Narrative passages the report quotes, by key (prose only; figures come from data).
    pub texts: BTreeMap<String, String>,
    /// The frameworks of record: what this department-year is scored under wherever it is
    /// scored (the pages, the API, the command line, its report).
    pub frameworks: Frameworks,
}

/// The frameworks a department-year is scored under, by shipped id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Frameworks {
    /// The department-wide (部门整体) framework.
    pub department: String,
    /// The framework each project is scored under.
    pub project: String,
}

impl DepartmentYear {
    /// The assessment with `key`.
    pub fn assessment(&self, key: &str) -> Option<&Assessment> {
        self.assessments.iter().find(|a| a.key == key)
    }

    /// The work output with `key`.
    pub fn output(&self, key: &str) -> Option<&WorkOutput> {
        self.outputs.iter().find(|o| o.key == key)
    }
}
