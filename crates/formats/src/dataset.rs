//! Dataset folders (`jixiao-dataset/1`): a department's year as human-editable TOML files.
//!
//! A folder holds `department.toml`, `finances.toml`, `projects.toml`, `outputs.toml`,
//! `assessments.toml` and `problems.toml`; the last four may be absent. The format is
//! documented in `docs/dataset-format.md`. Every problem in every file is reported, and
//! nothing is returned when there is any.

use crate::problem::{toml_problem, Collector, Problem, Problems};
use crate::value::{amount, decimal, money_unit, sourced};
use jixiao_domain::budget::{Adjustment, Budget, Expenditure, Finances, FundingSource, Income};
use jixiao_domain::dataset::{Assessment, DepartmentYear, Frameworks};
use jixiao_domain::date::Date;
use jixiao_domain::org::{
    Approximation, Department, Measure, Problem as DeptProblem, Task, Unit, UnitKind, WorkOutput,
};
use jixiao_domain::project::{Indicator, Operator, Project, QualitativeJudgement};
use jixiao_domain::provenance::{Origin, Sourced};
use jixiao_domain::rule::{ChecklistEntry, Observation, QualitativeLevel, Quantity};
use serde::de::DeserializeOwned;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::Path;
use toml::Value;

/// The format tag every dataset file starts with.
pub const FORMAT: &str = "jixiao-dataset/1";

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DepartmentFile {
    format: String,
    year: i32,
    department: DeptRaw,
    #[serde(default)]
    units: Vec<UnitRaw>,
    #[serde(default)]
    tasks: Vec<TaskRaw>,
    #[serde(default)]
    texts: BTreeMap<String, Value>,
    #[serde(default)]
    frameworks: FrameworksRaw,
}

/// The frameworks of record a department.toml names; absent, the defaults.
#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct FrameworksRaw {
    department: Option<String>,
    project: Option<String>,
}

/// The department framework of a dataset that names none (the seed's, 广州 2021).
pub const DEFAULT_DEPARTMENT_FRAMEWORK: &str = "gz-dept-2021";
/// The project framework of a dataset that names none (财预〔2020〕10号's national form).
pub const DEFAULT_PROJECT_FRAMEWORK: &str = "cn-project-2020";

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DeptRaw {
    code: String,
    name: String,
    self_reference: String,
    #[serde(default)]
    organs: Vec<String>,
    #[serde(default)]
    functions: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct UnitRaw {
    code: String,
    name: String,
    kind: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TaskRaw {
    title: String,
    #[serde(default)]
    key: bool,
    description: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FinancesFile {
    format: String,
    unit: String,
    #[serde(default)]
    income: Vec<IncomeRaw>,
    #[serde(default)]
    expenditure: Vec<ExpenditureRaw>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct IncomeRaw {
    source: String,
    actual: Value,
    budgeted: Option<Value>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ExpenditureRaw {
    source: String,
    total: Value,
    basic: Option<Value>,
    project: Option<Value>,
    budget: Option<BudgetRaw>,
    monthly: Option<MonthlyRaw>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct BudgetRaw {
    initial: Option<Value>,
    #[serde(default)]
    adjustments: Vec<AdjustmentRaw>,
    full_year: Option<Value>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AdjustmentRaw {
    date: String,
    amount: Value,
    reason: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct MonthlyRaw {
    cumulative: Vec<Value>,
    inferred: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ProjectsFile {
    format: String,
    unit: String,
    #[serde(default)]
    projects: Vec<ProjectRaw>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ProjectRaw {
    code: String,
    name: String,
    unit: Option<String>,
    source: String,
    #[serde(default)]
    key: bool,
    #[serde(default)]
    goal: String,
    budget: BudgetRaw,
    executed: Value,
    #[serde(default)]
    summary: String,
    #[serde(default)]
    analysis: Vec<String>,
    #[serde(default)]
    indicators: Vec<IndicatorRaw>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct IndicatorRaw {
    level1: String,
    level2: String,
    name: String,
    operator: String,
    target: Option<Value>,
    actual: Option<Value>,
    #[serde(default)]
    unit: String,
    weight: Value,
    judgement: Option<JudgementRaw>,
    deviation_note: Option<String>,
    /// The indicator's own rule (评(扣)分标准), in the framework format's terms.
    rule: Option<crate::framework::RuleRaw>,
    /// What its own rule reads when it is not a measured value: the items met of a
    /// checklist, a score given by hand … (an assessment without its key).
    assessment: Option<AssessmentRaw>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct JudgementRaw {
    level: String,
    score: Value,
    rationale: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct OutputsFile {
    format: String,
    #[serde(default)]
    outputs: Vec<OutputRaw>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct OutputRaw {
    key: String,
    name: String,
    count: Value,
    unit: String,
    approx: Option<String>,
    approx_before: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AssessmentsFile {
    format: String,
    #[serde(default)]
    assessments: Vec<AssessmentRaw>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AssessmentRaw {
    /// Required in assessments.toml; an indicator's own assessment has none.
    #[serde(default)]
    key: String,
    kind: String,
    #[serde(default)]
    evidence: String,
    inferred: Option<String>,
    #[serde(default)]
    items: Vec<ChecklistRaw>,
    violations: Option<Vec<String>>,
    category: Option<String>,
    level: Option<String>,
    score: Option<Value>,
    rationale: Option<String>,
    value: Option<Value>,
    unit: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ChecklistRaw {
    item: String,
    met: bool,
    #[serde(default)]
    evidence: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ProblemsFile {
    format: String,
    #[serde(default)]
    problems: Vec<ProblemRaw>,
    #[serde(default)]
    measures: Vec<MeasureRaw>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ProblemRaw {
    title: String,
    detail: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct MeasureRaw {
    text: String,
}

/// The files of a dataset folder, in the order they are read: (name, required).
pub const FILES: [(&str, bool); 6] = [
    ("department.toml", true),
    ("finances.toml", true),
    ("projects.toml", false),
    ("outputs.toml", false),
    ("assessments.toml", false),
    ("problems.toml", false),
];

/// A dataset's files as text, before parsing: what a store keeps and an export writes back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DatasetFiles {
    /// Where the files came from; problems name files under it.
    pub origin: std::path::PathBuf,
    /// File name (one of [`FILES`]) to its text, without a byte-order mark.
    pub files: BTreeMap<String, String>,
}

/// Reads the files of a dataset folder without parsing them.
pub fn read_files(dir: &Path) -> Result<DatasetFiles, Problems> {
    if !dir.is_dir() {
        return Err(Problems(vec![Problem {
            file: dir.to_path_buf(),
            location: String::new(),
            message:
                "不是一个数据集文件夹（应包含 department.toml 等文件，见 docs/dataset-format.md）"
                    .into(),
        }]));
    }
    let mut problems = Vec::new();
    let mut files = BTreeMap::new();
    for (name, required) in FILES {
        let path = dir.join(name);
        match std::fs::read_to_string(&path) {
            Ok(text) => {
                // A UTF-8 byte-order mark is harmless; accept it.
                let text = text.strip_prefix('\u{feff}').unwrap_or(&text).to_string();
                files.insert(name.to_string(), text);
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound && !required => {}
            Err(e) => problems.push(Problem {
                file: path,
                location: String::new(),
                message: if e.kind() == std::io::ErrorKind::NotFound {
                    "找不到该文件（数据集文件夹必须包含它）".into()
                } else if e.kind() == std::io::ErrorKind::InvalidData {
                    "文件不是 UTF-8 编码的文本，请另存为 UTF-8".into()
                } else {
                    format!("无法读取：{e}")
                },
            }),
        }
    }
    if problems.is_empty() {
        Ok(DatasetFiles {
            origin: dir.to_path_buf(),
            files,
        })
    } else {
        Err(Problems(problems))
    }
}

/// Parses one file of the set; `None` when it is absent or unreadable (its problem recorded).
fn parse_file<T: DeserializeOwned>(
    set: &DatasetFiles,
    name: &str,
    problems: &mut Vec<Problem>,
) -> Option<(std::path::PathBuf, T)> {
    let path = set.origin.join(name);
    let text = set.files.get(name)?;
    match toml::from_str::<T>(text) {
        Ok(v) => Some((path, v)),
        Err(e) => {
            problems.push(toml_problem(&path, text, &e));
            None
        }
    }
}

fn check_format(c: &mut Collector, format: &str) {
    c.expect_format(format, FORMAT);
}

fn funding_source(text: &str) -> Result<FundingSource, String> {
    FundingSource::parse(text).ok_or_else(|| {
        format!(
            "资金来源应为 {} 之一，实际为“{text}”",
            FundingSource::ALL.map(|s| s.label()).join("、")
        )
    })
}

fn budget(raw: &BudgetRaw, fen: i64, loc: &str, c: &mut Collector) -> Option<Budget> {
    let money = |v: &Value| amount(v, fen);
    let initial = raw
        .initial
        .as_ref()
        .and_then(|v| c.take(&format!("{loc}.initial"), sourced(v, money)));
    let mut adjustments = Vec::new();
    for (i, a) in raw.adjustments.iter().enumerate() {
        let aloc = format!("{loc}.adjustments[{}]", i + 1);
        let date = c.take(
            &format!("{aloc}.date"),
            Date::parse(&a.date)
                .ok_or_else(|| format!("日期应写成 2021-07-01 的形式，实际为“{}”", a.date)),
        );
        let amt = c.take(&format!("{aloc}.amount"), sourced(&a.amount, money));
        if let (Some(date), Some(amt)) = (date, amt) {
            adjustments.push(Adjustment {
                date,
                amount: amt.value,
                reason: a.reason.clone(),
                origin: amt.origin,
            });
        }
    }
    let full = raw
        .full_year
        .as_ref()
        .and_then(|v| c.take(&format!("{loc}.full_year"), sourced(v, money)));
    match (initial, full) {
        (Some(i), Some(f)) => c.take(
            loc,
            Budget::checked(i, adjustments, f).map_err(|e| e.to_string()),
        ),
        (Some(i), None) => Some(Budget::from_initial(i, adjustments)),
        (None, Some(f)) => {
            if !adjustments.is_empty() {
                c.push(loc, "有调整数时必须同时给出年初预算数 initial");
            }
            Some(Budget::full_year_only(f))
        }
        (None, None) => {
            c.push(loc, "预算需要年初预算数 initial 或全年预算数 full_year");
            None
        }
    }
}

fn text_value(v: &Value) -> Result<String, String> {
    match v {
        Value::String(s) => Ok(s.clone()),
        Value::Array(items) => items
            .iter()
            .map(|i| match i {
                Value::String(s) => Ok(s.clone()),
                _ => Err("段落列表中只能是文字".to_string()),
            })
            .collect::<Result<Vec<_>, _>>()
            .map(|paras| paras.join("\n\n")),
        _ => Err("应为文字或文字列表".into()),
    }
}

type DepartmentPart = (
    i32,
    Department,
    Vec<Task>,
    BTreeMap<String, String>,
    Frameworks,
);

fn read_department(raw: DepartmentFile, c: &mut Collector) -> DepartmentPart {
    check_format(c, &raw.format);
    // A dataset travels into the store and out of it: it names shipped frameworks only.
    let mut framework = |key: &str, given: Option<String>, default: &str| -> String {
        let id = given.unwrap_or_else(|| default.to_string());
        if !crate::framework::is_shipped(&id) {
            c.push(
                format!("frameworks.{key}"),
                format!(
                    "指标体系“{id}”不是内置指标体系（应为 {} 之一）",
                    crate::framework::shipped_ids().join("、")
                ),
            );
        }
        id
    };
    let frameworks = Frameworks {
        department: framework(
            "department",
            raw.frameworks.department,
            DEFAULT_DEPARTMENT_FRAMEWORK,
        ),
        project: framework("project", raw.frameworks.project, DEFAULT_PROJECT_FRAMEWORK),
    };
    let mut units = Vec::new();
    for (i, u) in raw.units.iter().enumerate() {
        let loc = format!("units[{}]（{}）", i + 1, u.name);
        if units.iter().any(|x: &Unit| x.code == u.code) {
            c.push(&loc, format!("单位编码“{}”重复", u.code));
        }
        if let Some(kind) = c.take(
            &format!("{loc}.kind"),
            UnitKind::from_id(&u.kind).ok_or_else(|| {
                format!(
                    "单位类型应为 own、administrative 或 institution，实际为“{}”",
                    u.kind
                )
            }),
        ) {
            units.push(Unit {
                code: u.code.clone(),
                name: u.name.clone(),
                kind,
            });
        }
    }
    let mut texts = BTreeMap::new();
    for (key, v) in &raw.texts {
        if let Some(t) = c.take(&format!("texts.{key}"), text_value(v)) {
            texts.insert(key.clone(), t);
        }
    }
    let dept = Department {
        code: raw.department.code,
        name: raw.department.name,
        self_reference: raw.department.self_reference,
        units,
        organs: raw.department.organs,
        functions: raw.department.functions,
    };
    let tasks = raw
        .tasks
        .into_iter()
        .map(|t| Task {
            title: t.title,
            key: t.key,
            description: t.description,
        })
        .collect();
    (raw.year, dept, tasks, texts, frameworks)
}

fn read_finances(raw: FinancesFile, c: &mut Collector) -> Finances {
    check_format(c, &raw.format);
    let Some(fen) = c.take("unit", money_unit(&raw.unit)) else {
        return Finances::default();
    };
    let money = |v: &Value| amount(v, fen);
    let mut fin = Finances::default();
    for (i, r) in raw.income.iter().enumerate() {
        let loc = format!("income[{}]", i + 1);
        let source = c.take(&format!("{loc}.source"), funding_source(&r.source));
        let actual = c.take(&format!("{loc}.actual"), sourced(&r.actual, money));
        let budgeted = r
            .budgeted
            .as_ref()
            .and_then(|v| c.take(&format!("{loc}.budgeted"), sourced(v, money)));
        if let (Some(source), Some(actual)) = (source, actual) {
            if fin.income_of(source).is_some() {
                c.push(&loc, format!("资金来源“{}”的收入重复填写", source.label()));
            }
            fin.income.push(Income {
                source,
                budgeted,
                actual,
            });
        }
    }
    for (i, r) in raw.expenditure.iter().enumerate() {
        let loc = format!("expenditure[{}]", i + 1);
        let source = c.take(&format!("{loc}.source"), funding_source(&r.source));
        let total = c.take(&format!("{loc}.total"), sourced(&r.total, money));
        let basic = r
            .basic
            .as_ref()
            .and_then(|v| c.take(&format!("{loc}.basic"), sourced(v, money)));
        let project = r
            .project
            .as_ref()
            .and_then(|v| c.take(&format!("{loc}.project"), sourced(v, money)));
        let bud = r
            .budget
            .as_ref()
            .and_then(|b| budget(b, fen, &format!("{loc}.budget"), c));
        let mut monthly = Vec::new();
        if let Some(m) = &r.monthly {
            if m.cumulative.len() != 12 {
                c.push(
                    format!("{loc}.monthly.cumulative"),
                    format!("应有 12 个月的累计数，实际有 {} 个", m.cumulative.len()),
                );
            }
            for (k, v) in m.cumulative.iter().enumerate() {
                if let Some(f) = c.take(&format!("{loc}.monthly.cumulative[{}]", k + 1), money(v)) {
                    monthly.push(match &m.inferred {
                        Some(reason) => Sourced::inferred(f, reason.clone()),
                        None => Sourced::stated(f),
                    });
                }
            }
            if monthly.windows(2).any(|w| w[1].value < w[0].value) {
                c.push(format!("{loc}.monthly.cumulative"), "累计数应逐月不减");
            }
        }
        if let (Some(t), Some(b), Some(p)) = (&total, &basic, &project) {
            if b.value + p.value != t.value {
                c.push(
                    &loc,
                    format!(
                        "基本支出 {} 加项目支出 {} 应等于支出合计，但合计写的是 {}",
                        b.value, p.value, t.value
                    ),
                );
            }
        }
        if let (Some(source), Some(total)) = (source, total) {
            if fin.expenditure_of(source).is_some() {
                c.push(&loc, format!("资金来源“{}”的支出重复填写", source.label()));
            }
            fin.expenditure.push(Expenditure {
                source,
                budget: bud,
                total,
                basic,
                project,
                monthly_cumulative: monthly,
            });
        }
    }
    fin
}

fn indicator(raw: &IndicatorRaw, loc: &str, c: &mut Collector) -> Option<Indicator> {
    let level1 = c.take(&format!("{loc}.level1"), crate::value::level1(&raw.level1));
    let operator = c.take(
        &format!("{loc}.operator"),
        Operator::parse(&raw.operator).ok_or_else(|| {
            format!(
                "指标性质应为 ≥、>、=、≤、< 或 定性，实际为“{}”",
                raw.operator
            )
        }),
    );
    let target = raw
        .target
        .as_ref()
        .and_then(|v| c.take(&format!("{loc}.target"), sourced(v, decimal)));
    let actual = raw
        .actual
        .as_ref()
        .and_then(|v| c.take(&format!("{loc}.actual"), sourced(v, decimal)));
    let weight = c.take(&format!("{loc}.weight"), sourced(&raw.weight, decimal));
    let judgement = raw.judgement.as_ref().and_then(|j| {
        let level = c.take(
            &format!("{loc}.judgement.level"),
            QualitativeLevel::parse(&j.level)
                .ok_or_else(|| format!("评价等级应为 达成年度指标、部分达成年度指标并具有一定效果 或 未达成年度指标且效果较差，实际为“{}”", j.level)),
        );
        let score = c.take(&format!("{loc}.judgement.score"), sourced(&j.score, decimal));
        Some(QualitativeJudgement {
            level: level?,
            score: score?,
            rationale: j.rationale.clone(),
        })
    });
    if operator == Some(Operator::Qualitative) && raw.judgement.is_none() && raw.actual.is_some() {
        c.push(
            loc,
            "定性指标应填写 judgement（等级、得分与理由），而不是 actual",
        );
    }
    if let Some(op) = operator {
        if op != Operator::Qualitative && target.is_none() {
            c.push(format!("{loc}.target"), "定量指标必须填写年度指标值 target");
        }
    }
    let rule = raw.rule.as_ref().and_then(|r| {
        let rule = c.take(&format!("{loc}.rule"), crate::framework::own_rule(r))?;
        if let Some(w) = &weight {
            for p in rule.problems(w.value) {
                c.push(format!("{loc}.rule"), p.to_string());
            }
        }
        Some(rule)
    });
    let assessment = raw
        .assessment
        .as_ref()
        .and_then(|a| assessment(a, &format!("{loc}.assessment"), c));
    if raw.assessment.is_some() && raw.rule.is_none() {
        c.push(
            format!("{loc}.assessment"),
            "assessment 只配合指标自带的评分规则 rule 使用（如 checklist、manual）",
        );
    }
    Some(Indicator {
        level1: level1?,
        level2: raw.level2.clone(),
        name: raw.name.clone(),
        operator: operator?,
        target,
        unit: raw.unit.clone(),
        weight: weight?,
        actual,
        judgement,
        deviation_note: raw.deviation_note.clone(),
        rule,
        rule_text: raw.rule.as_ref().map_or(String::new(), |r| r.text.clone()),
        assessment,
    })
}

fn read_projects(raw: ProjectsFile, c: &mut Collector) -> Vec<Project> {
    check_format(c, &raw.format);
    let Some(fen) = c.take("unit", money_unit(&raw.unit)) else {
        return Vec::new();
    };
    let mut out: Vec<Project> = Vec::new();
    for (i, p) in raw.projects.iter().enumerate() {
        let loc = format!("projects[{}]（{}）", i + 1, p.name);
        if out.iter().any(|x| x.code == p.code) {
            c.push(&loc, format!("项目编码“{}”重复", p.code));
        }
        let source = c.take(&format!("{loc}.source"), funding_source(&p.source));
        let bud = budget(&p.budget, fen, &format!("{loc}.budget"), c);
        let executed = c.take(
            &format!("{loc}.executed"),
            sourced(&p.executed, |v| amount(v, fen)),
        );
        let indicators: Vec<Indicator> = p
            .indicators
            .iter()
            .enumerate()
            .filter_map(|(k, ind)| {
                indicator(
                    ind,
                    &format!("{loc}.indicators[{}]（{}）", k + 1, ind.name),
                    c,
                )
            })
            .collect();
        if let (Some(source), Some(budget), Some(executed)) = (source, bud, executed) {
            out.push(Project {
                code: p.code.clone(),
                name: p.name.clone(),
                unit: p.unit.clone(),
                source,
                goal: p.goal.clone(),
                budget,
                executed,
                indicators,
                key: p.key,
                summary: p.summary.clone(),
                analysis: p.analysis.clone(),
            });
        }
    }
    out
}

fn read_outputs(raw: OutputsFile, c: &mut Collector) -> Vec<WorkOutput> {
    check_format(c, &raw.format);
    let mut out: Vec<WorkOutput> = Vec::new();
    for (i, o) in raw.outputs.iter().enumerate() {
        let loc = format!("outputs[{}]（{}）", i + 1, o.name);
        if out.iter().any(|x| x.key == o.key) {
            c.push(&loc, format!("键“{}”重复", o.key));
        }
        let approximation = match (&o.approx, &o.approx_before) {
            (None, None) => Approximation::Exact,
            (Some(s), None) => Approximation::Suffix(s.clone()),
            (None, Some(p)) => Approximation::Prefix(p.clone()),
            (Some(_), Some(_)) => {
                c.push(&loc, "approx 与 approx_before 只能填一个");
                Approximation::Exact
            }
        };
        if let Some(count) = c.take(&format!("{loc}.count"), decimal(&o.count)) {
            out.push(WorkOutput {
                key: o.key.clone(),
                name: o.name.clone(),
                count,
                unit: o.unit.clone(),
                approximation,
            });
        }
    }
    out
}

fn read_assessments(raw: AssessmentsFile, c: &mut Collector) -> Vec<Assessment> {
    check_format(c, &raw.format);
    let mut out: Vec<Assessment> = Vec::new();
    for (i, a) in raw.assessments.iter().enumerate() {
        let loc = format!("assessments[{}]（{}）", i + 1, a.key);
        if a.key.trim().is_empty() {
            c.push(
                format!("{loc}.key"),
                "需要填写键 key（指标体系以 assessment.<key> 引用）",
            );
        }
        if out.iter().any(|x| x.key == a.key) {
            c.push(&loc, format!("键“{}”重复", a.key));
        }
        out.extend(assessment(a, &loc, c));
    }
    out
}

/// One assessment: its observation by kind, stated or inferred, with its evidence.
fn assessment(a: &AssessmentRaw, loc: &str, c: &mut Collector) -> Option<Assessment> {
    let observation = match a.kind.as_str() {
        "checklist" => Some(Observation::Checklist(
            a.items
                .iter()
                .map(|i| ChecklistEntry {
                    item: i.item.clone(),
                    met: i.met,
                    evidence: i.evidence.clone(),
                })
                .collect(),
        )),
        "violations" => Some(Observation::Violations(
            a.violations.clone().unwrap_or_default(),
        )),
        "category" => c
            .take(
                &format!("{loc}.category"),
                a.category
                    .clone()
                    .ok_or_else(|| "类别评价需要填写 category".to_string()),
            )
            .map(Observation::Category),
        "qualitative" | "manual" => {
            let score = c.take(
                &format!("{loc}.score"),
                a.score
                    .as_ref()
                    .ok_or_else(|| "需要填写得分 score".to_string())
                    .and_then(decimal),
            );
            let rationale = a.rationale.clone().unwrap_or_else(|| a.evidence.clone());
            if a.kind == "manual" {
                score.map(|score| Observation::Manual { score, rationale })
            } else {
                let level = c.take(
                    &format!("{loc}.level"),
                    a.level
                        .as_deref()
                        .and_then(QualitativeLevel::parse)
                        .ok_or_else(|| "定性评价需要填写等级 level（达成年度指标 / 部分达成年度指标并具有一定效果 / 未达成年度指标且效果较差）".to_string()),
                );
                match (level, score) {
                    (Some(level), Some(score)) => Some(Observation::Qualitative {
                        level,
                        score,
                        rationale,
                    }),
                    _ => None,
                }
            }
        }
        "quantity" => {
            let value = c.take(
                &format!("{loc}.value"),
                a.value
                    .as_ref()
                    .ok_or_else(|| "需要填写数值 value".to_string())
                    .and_then(decimal),
            );
            value.map(|v| {
                Observation::Quantity(match &a.unit {
                    Some(u) => Quantity::number(v, u.clone()),
                    None => Quantity::ratio(v),
                })
            })
        }
        other => {
            c.push(
                format!("{loc}.kind"),
                format!("kind 应为 checklist、violations、category、qualitative、manual 或 quantity，实际为“{other}”"),
            );
            None
        }
    };
    let observation = observation?;
    Some(Assessment {
        key: a.key.clone(),
        observation,
        origin: match &a.inferred {
            Some(reason) => Origin::inferred(reason.clone()),
            None => Origin::Stated,
        },
        evidence: a.evidence.clone(),
    })
}

fn read_problems(raw: ProblemsFile, c: &mut Collector) -> (Vec<DeptProblem>, Vec<Measure>) {
    check_format(c, &raw.format);
    (
        raw.problems
            .into_iter()
            .map(|p| DeptProblem {
                title: p.title,
                detail: p.detail,
            })
            .collect(),
        raw.measures
            .into_iter()
            .map(|m| Measure { text: m.text })
            .collect(),
    )
}

/// Reads a project file alone (`projects.toml` in the dataset format): a project table as a
/// region published it, scored under a project framework without the department's other
/// files. Every problem is returned when there is any.
pub fn load_projects(path: &Path) -> Result<Vec<Project>, Problems> {
    let text = crate::problem::read_text(path)?;
    let set = DatasetFiles {
        origin: path.parent().unwrap_or(Path::new(".")).to_path_buf(),
        files: BTreeMap::from([("projects.toml".to_string(), text)]),
    };
    let mut problems = Vec::new();
    let Some((file, raw)) = parse_file::<ProjectsFile>(&set, "projects.toml", &mut problems) else {
        return Err(Problems(problems));
    };
    let mut c = Collector::new(&file);
    let projects = read_projects(raw, &mut c);
    problems.extend(c.into_problems());
    // Problems name the file as it is called, not as a dataset folder would call it.
    for p in &mut problems {
        p.file = path.to_path_buf();
    }
    if problems.is_empty() {
        Ok(projects)
    } else {
        Err(Problems(problems))
    }
}

/// Reads a dataset folder. Every problem of every file is returned when there is any.
pub fn load(dir: &Path) -> Result<DepartmentYear, Problems> {
    parse(&read_files(dir)?)
}

/// Parses a dataset's files. Every problem of every file is returned when there is any.
pub fn parse(set: &DatasetFiles) -> Result<DepartmentYear, Problems> {
    let mut problems = Vec::new();
    for (name, required) in FILES {
        if required && !set.files.contains_key(name) {
            problems.push(Problem {
                file: set.origin.join(name),
                location: String::new(),
                message: "找不到该文件（数据集文件夹必须包含它）".into(),
            });
        }
    }
    let dept = parse_file::<DepartmentFile>(set, "department.toml", &mut problems);
    let fin = parse_file::<FinancesFile>(set, "finances.toml", &mut problems);
    let projects = parse_file::<ProjectsFile>(set, "projects.toml", &mut problems);
    let outputs = parse_file::<OutputsFile>(set, "outputs.toml", &mut problems);
    let assessments = parse_file::<AssessmentsFile>(set, "assessments.toml", &mut problems);
    let probs = parse_file::<ProblemsFile>(set, "problems.toml", &mut problems);

    fn with<T, R>(
        file: Option<(std::path::PathBuf, T)>,
        problems: &mut Vec<Problem>,
        f: impl FnOnce(T, &mut Collector) -> R,
    ) -> Option<R> {
        let (path, raw) = file?;
        let mut c = Collector::new(&path);
        let r = f(raw, &mut c);
        problems.extend(c.into_problems());
        Some(r)
    }
    let dept = with(dept, &mut problems, read_department);
    let fin = with(fin, &mut problems, read_finances);
    let projects = with(projects, &mut problems, read_projects).unwrap_or_default();
    let outputs = with(outputs, &mut problems, read_outputs).unwrap_or_default();
    let assessments = with(assessments, &mut problems, read_assessments).unwrap_or_default();
    let (dept_problems, measures) = with(probs, &mut problems, read_problems).unwrap_or_default();

    if let Some((_, department, ..)) = &dept {
        for p in &projects {
            if let Some(unit) = &p.unit {
                if department.unit(unit).is_none() {
                    problems.push(Problem {
                        file: set.origin.join("projects.toml"),
                        location: format!("项目“{}”", p.name),
                        message: format!("实施单位编码“{unit}”不在 department.toml 的 units 中"),
                    });
                }
            }
        }
    }
    match (dept, fin) {
        (Some((year, department, tasks, texts, frameworks)), Some(finances))
            if problems.is_empty() =>
        {
            Ok(DepartmentYear {
                year,
                department,
                finances,
                projects,
                outputs,
                tasks,
                problems: dept_problems,
                measures,
                assessments,
                texts,
                frameworks,
            })
        }
        _ => Err(Problems(problems)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn projects(indicators: &str) -> Result<Vec<Project>, Problems> {
        let dir = std::env::temp_dir().join(format!("jixiao-own-rule-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join(format!("p{}.project.toml", indicators.len()));
        std::fs::write(
            &path,
            format!(
                "format = \"jixiao-dataset/1\"\nunit = \"万元\"\n\n[[projects]]\ncode = \"P\"\nname = \"测试项目\"\nsource = \"一般公共预算\"\ngoal = \"\"\nbudget = {{ full_year = \"10\" }}\nexecuted = \"10\"\n\n{indicators}"
            ),
        )
        .unwrap();
        let r = load_projects(&path);
        let _ = std::fs::remove_file(&path);
        r
    }

    fn score(p: &Project, name: &str) -> Decimal {
        let fw = crate::framework::load("cn-project-2020").unwrap();
        let (items, errors) = jixiao_domain::evaluate::score_project_items(&fw, p).unwrap();
        assert!(errors.is_empty(), "{errors:?}");
        items.into_iter().find(|i| i.name == name).unwrap().score
    }

    use jixiao_domain::Decimal;

    #[test]
    fn an_indicator_carries_its_own_rule_over_the_default_of_its_kind() {
        // 满意率90%以上得满分，每降低5个百分点扣1分: 82% is one complete step of 5 below (1 point;
        // `whole` would count the started second step too, `pro_rata` 1.6).
        let p = projects(
            r#"[[projects.indicators]]
level1 = "满意度指标"
level2 = "服务对象满意度指标"
name = "群众满意率"
operator = "≥"
target = "90"
actual = "82"
unit = "%"
weight = "10"
rule = { kind = "threshold_deduction", threshold = "90", side = "below", deduct = "1", step = "5", steps = "complete", text = "满意率90%以上得满分，每降低5个百分点扣1分" }

[[projects.indicators]]
level1 = "产出指标"
level2 = "质量指标"
name = "验收合格率"
operator = "≥"
target = "98"
actual = "98"
unit = "%"
weight = "10"
rule = { kind = "proportional_capped", target = "100", text = "得分 = 完成率 × 分值（指标值低于100%时亦然）" }
"#,
        )
        .unwrap();
        let p = &p[0];
        assert_eq!(
            p.indicators[0].rule_text,
            "满意率90%以上得满分，每降低5个百分点扣1分"
        );
        assert_eq!(score(p, "群众满意率"), Decimal::from(9));
        // The raw rate × weight variant: 98% of the weight although the 98% target is met.
        assert_eq!(score(p, "验收合格率"), Decimal::new(98, 1));
    }

    #[test]
    fn a_rubric_row_is_scored_from_what_it_records_under_its_own_rule() {
        // 广水 运行监管 4 分: 1、运行监管记录 3 分; 2、填报《项目支出绩效监控表》1 分 — a record kept,
        // no 监控表: 3 of 4, the item not met named. A category row and a checklist with an
        // unknown item.
        let indicator = |name: &str, weight: &str, rule: &str, assessment: &str| {
            format!(
                "[[projects.indicators]]\nlevel1 = \"项目管理\"\nlevel2 = \"项目管理\"\nname = \"{name}\"\noperator = \"定性\"\nweight = \"{weight}\"\nrule = {rule}\nassessment = {assessment}\n\n"
            )
        };
        let checklist = r#"{ kind = "checklist", items = [{ name = "运行监管记录", points = "3" }, { name = "填报监控表", points = "1" }], text = "1、运行监管记录 3 分; 2、填报《项目支出绩效监控表》1 分" }"#;
        let p = projects(&format!(
            "{}{}",
            indicator(
                "运行监管",
                "4",
                checklist,
                r#"{ kind = "checklist", items = [{ item = "运行监管记录", met = true }, { item = "填报监控表", met = false }], evidence = "自评分 3", inferred = "由得分读出" }"#
            ),
            indicator(
                "到位时效",
                "2",
                r#"{ kind = "categorical", categories = [{ name = "到位及时", score = "2" }, { name = "不及时但未影响项目进度", score = "1" }] }"#,
                r#"{ kind = "category", category = "不及时但未影响项目进度", evidence = "自评分 1" }"#
            ),
        ))
        .unwrap();
        let fw = crate::framework::load("own-points-project").unwrap();
        let (items, errors) = jixiao_domain::evaluate::score_project_items(&fw, &p[0]).unwrap();
        assert!(errors.is_empty(), "{errors:?}");
        let run = items.iter().find(|i| i.name == "运行监管").unwrap();
        assert_eq!(run.score, Decimal::from(3));
        assert!(run.working.contains("填报监控表 ✗0"), "{}", run.working);
        assert!(run
            .inputs
            .iter()
            .any(|i| i.label == "依据" && i.origin.is_inferred()));
        let t = items.iter().find(|i| i.name == "到位时效").unwrap();
        assert_eq!(t.score, Decimal::from(1));
        // An item the rule does not list is an error of the indicator, not a silent zero.
        let p = projects(&indicator(
            "运行监管",
            "4",
            checklist,
            r#"{ kind = "checklist", items = [{ item = "运行监管记录", met = true }, { item = "填报监控表", met = true }, { item = "其他", met = true }] }"#,
        ))
        .unwrap();
        let (_, errors) = jixiao_domain::evaluate::score_project_items(&fw, &p[0]).unwrap();
        assert_eq!(errors.len(), 1, "{errors:?}");
        // An assessment without a rule of its own is refused where it stands.
        let e = projects(
            "[[projects.indicators]]\nlevel1 = \"项目管理\"\nlevel2 = \"x\"\nname = \"x\"\noperator = \"定性\"\nweight = \"1\"\nassessment = { kind = \"manual\", score = \"1\", rationale = \"r\" }\n",
        )
        .unwrap_err()
        .to_string();
        assert!(e.contains("assessment") && e.contains("rule"), "{e}");
    }

    #[test]
    fn a_wrong_own_rule_is_named_with_its_place() {
        let e = projects(
            r#"[[projects.indicators]]
level1 = "产出指标"
level2 = "数量指标"
name = "x"
operator = "≥"
target = "1"
actual = "1"
weight = "5"
rule = { kind = "bands" }
"#,
        )
        .unwrap_err();
        let text = e.to_string();
        assert!(
            text.contains("rule") && text.contains("未知的评分规则"),
            "{text}"
        );
    }

    fn seed_with(
        department_toml_edit: impl Fn(&str) -> String,
    ) -> Result<DepartmentYear, Problems> {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/baiyun-2021");
        let mut set = read_files(&dir).unwrap();
        let text = set.files["department.toml"].clone();
        set.files
            .insert("department.toml".into(), department_toml_edit(&text));
        parse(&set)
    }

    #[test]
    fn the_frameworks_of_record_are_read_from_department_toml_and_must_be_shipped() {
        let seed = seed_with(str::to_string).unwrap();
        assert_eq!(seed.frameworks.department, "gz-dept-2021");
        assert_eq!(seed.frameworks.project, "cn-project-2020");
        // Named otherwise, the dataset is scored otherwise.
        let exec20 = seed_with(|t| {
            t.replace(
                "project = \"cn-project-2020\"",
                "project = \"exec20-project-2022\"",
            )
        })
        .unwrap();
        assert_eq!(exec20.frameworks.project, "exec20-project-2022");
        // Absent, the defaults.
        let bare = seed_with(|t| {
            let at = t
                .find("[frameworks]")
                .expect("the seed names its frameworks");
            let end = t[at..].find("\n\n").map_or(t.len(), |e| at + e);
            format!("{}{}", &t[..at], &t[end..])
        })
        .unwrap();
        assert_eq!(bare.frameworks.department, DEFAULT_DEPARTMENT_FRAMEWORK);
        // Unknown: refused, with the field and the shipped ids named.
        let err =
            seed_with(|t| t.replace("department = \"gz-dept-2021\"", "department = \"my.toml\""))
                .unwrap_err()
                .to_string();
        assert!(
            err.contains("frameworks.department")
                && err.contains("my.toml")
                && err.contains("cn-project-2020"),
            "{err}"
        );
    }
}
