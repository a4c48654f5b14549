//! `jixiao import`: everything in a file or folder enters the store in one transaction, or
//! nothing does. Every problem of every file is collected first, in Chinese, with file,
//! sheet, row, column, the value and what was expected.

use crate::cell;
use crate::mapping::{self, Mapping, TableMapping};
use crate::source::{load_workbook, open_csv, open_sheet, Encoding, Rows, Workbook};
use crate::tables::{
    table_named, Table, GOALS, LIBRARY, PAYMENTS, PROGRESS, PROJECTS, TABLES, TARGETS, UNITS,
};
use crate::workbook::GUIDE_SHEET;
use csv::StringRecord;
use jixiao_formats::dataset::{self, DatasetFiles};
use jixiao_formats::{Problem, Problems};
use jixiao_store::{
    DepartmentRecord, Direction, Likelihood, NewPayment, PaymentSummary, ProgressRecord,
    ProjectKind, ProjectRecord, Store, StoreError, TargetRecord, UnitRecord, REASON_CATEGORIES,
};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};

/// How an import reads its input.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// The fiscal year of the tables; by default the year of the first payment.
    pub year: Option<i32>,
    /// A column-mapping file; by default `jixiao-mapping.toml` in the imported folder.
    pub mapping: Option<PathBuf>,
    /// How CSV files are encoded.
    pub encoding: Encoding,
    /// Check everything and count what would be written, then write nothing: the preview a
    /// clerk confirms before the real import.
    pub dry_run: bool,
    /// Which built-in profile recognises files and sheets not named as jixiao's tables.
    pub profile: crate::profile::Choice,
    /// The unit of recognised tables' amounts (元 or 万元), over what their headers say.
    pub unit: Option<String>,
}

/// Where a long import has got to.
#[derive(Debug, Clone, Copy)]
pub struct Progress<'a> {
    /// The table being read.
    pub table: &'a str,
    /// Rows read so far.
    pub rows: u64,
    /// Bytes read so far, and the file's size (0 when unknown).
    pub bytes: (u64, u64),
}

/// What an import wrote.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Report {
    /// The fiscal year of the tables, when there were any.
    pub year: Option<i32>,
    /// Whether the year was inferred from the payments rather than given.
    pub year_inferred: bool,
    /// Rows written per table (Chinese name), in import order.
    pub rows: Vec<(&'static str, u64)>,
    /// What happened to the payments.
    pub payments: PaymentSummary,
    /// The datasets stored: (department code, year).
    pub datasets: Vec<(String, i32)>,
    /// Rows skipped per table as marked deleted (`IS_DELETED` = 1), when any were.
    pub skipped: Vec<(&'static str, u64)>,
    /// How each table was recognised, when a built-in profile named its columns.
    pub recognised: Vec<String>,
}

impl Report {
    /// Notes the rows `rows` skipped as marked deleted.
    fn skipped(&mut self, rows: &Rows) {
        if rows.skipped > 0 {
            self.skipped.push((rows.table.label, rows.skipped));
        }
    }
}

/// Why an import wrote nothing.
#[derive(Debug)]
pub enum ImportError {
    /// Problems in the input: every one found (up to [`MAX_PROBLEMS`]), and how many in all.
    Input(Problems, usize),
    /// The store failed.
    Store(StoreError),
}

impl From<StoreError> for ImportError {
    fn from(e: StoreError) -> ImportError {
        ImportError::Store(e)
    }
}

impl From<Problems> for ImportError {
    fn from(p: Problems) -> ImportError {
        let n = p.0.len();
        ImportError::Input(p, n)
    }
}

/// At most this many problems are kept; the rest are counted.
pub const MAX_PROBLEMS: usize = 1000;

/// Problems found so far.
#[derive(Default)]
struct Found {
    list: Vec<Problem>,
    total: usize,
}

impl Found {
    fn push(&mut self, p: Problem) {
        self.total += 1;
        if self.list.len() < MAX_PROBLEMS {
            self.list.push(p);
        }
    }

    fn is_empty(&self) -> bool {
        self.total == 0
    }

    /// Takes in the problems another reader found, keeping the count of those not listed.
    fn absorb(&mut self, other: Found) {
        let unlisted = other.total - other.list.len();
        for p in other.list {
            self.push(p);
        }
        self.total += unlisted;
    }

    fn into_error(self) -> ImportError {
        ImportError::Input(Problems(self.list), self.total)
    }
}

/// Where each table comes from.
#[derive(Clone)]
enum Source {
    Csv(PathBuf),
    Sheet(std::sync::Arc<Workbook>, String),
}

impl Source {
    fn open(&self, table: Table, m: Option<&TableMapping>, enc: Encoding) -> Result<Rows, Problem> {
        match self {
            Source::Csv(p) => open_csv(p, table, m, enc),
            Source::Sheet(b, s) => open_sheet(b, s, table, m),
        }
    }

    fn describe(&self) -> String {
        match self {
            Source::Csv(p) => p.display().to_string(),
            Source::Sheet(b, s) => format!("{} 的工作表“{s}”", b.name.display()),
        }
    }

    fn file(&self) -> &Path {
        match self {
            Source::Csv(p) => p,
            Source::Sheet(b, _) => &b.name,
        }
    }

    /// Where in its file, for a problem: the sheet, or nothing for a CSV.
    fn place(&self) -> String {
        match self {
            Source::Csv(_) => String::new(),
            Source::Sheet(_, s) => format!("工作表“{s}”"),
        }
    }
}

#[derive(Default)]
struct Plan {
    datasets: Vec<PathBuf>,
    tables: BTreeMap<&'static str, Source>,
    /// Tables a profile recognised, and how to read them.
    detected: BTreeMap<&'static str, TableMapping>,
    /// What was recognised, and why, for the report.
    recognised: Vec<String>,
}

/// How the input is to be read: the mapping file's tables, the profile, the CSV encoding.
struct Reading<'a> {
    mapping: &'a Mapping,
    profile: crate::profile::Choice,
    encoding: Encoding,
}

/// The jixiao table whose required columns a header names (by id, Chinese name or alias).
fn own_table(header: &[String]) -> Option<Table> {
    // The most particular first: a 项目 sheet also names 单位编码.
    let mut tables = TABLES;
    tables.sort_by_key(|t| std::cmp::Reverse(t.columns.iter().filter(|c| c.required).count()));
    tables.into_iter().find(|t| {
        t.columns
            .iter()
            .filter(|c| c.required)
            .all(|c| header.iter().any(|h| crate::source::names(c, h)))
    })
}

/// The 绩效目标 rows: one goal a project, the project known; each written over the project's
/// earlier goal. Returns the rows written (none when anything was found).
fn import_goals(
    rows: &mut Rows,
    found: &mut Found,
    ids: &CodeMap<i64>,
    project_known: &dyn Fn(&str) -> bool,
    unknown_project: &dyn Fn(&str) -> String,
    tx: &mut dyn jixiao_store::Transaction,
) -> Result<u64, StoreError> {
    let c = |id: &'static str| GOALS.column(id);
    let mut goals: Vec<(i64, String)> = Vec::new();
    let mut first: HashMap<String, u64> = HashMap::new();
    rows_loop(rows, found, |rows, n, rec, found| {
        let project = text(rows, n, rec, c("project_code"), found);
        let goal = text(rows, n, rec, c("goal"), found);
        if project.is_empty() {
            return Ok(());
        }
        if !project_known(&project) {
            found.push(rows.origin.problem(
                n,
                rows.at(c("project_code")),
                unknown_project(&project),
            ));
        } else if let Some(was) = first.insert(project.clone(), n) {
            found.push(rows.origin.problem(
                n,
                rows.at(c("project_code")),
                format!(
                    "项目“{project}”的绩效目标重复：第 {was} 行已有（每个项目一条年度绩效目标）"
                ),
            ));
        } else if let Some(&id) = ids.get(&project) {
            goals.push((id, goal));
        }
        Ok(())
    })?;
    if !found.is_empty() {
        return Ok(0);
    }
    for (id, goal) in &goals {
        tx.execute_sql(
            "INSERT INTO project_goals (project_id, goal) VALUES ($1, $2) \
             ON CONFLICT (project_id) DO UPDATE SET goal = excluded.goal",
            &[(*id).into(), goal.as_str().into()],
        )?;
    }
    Ok(goals.len() as u64)
}

/// The 指标库 rows: each indicator's first level one of the three, a 共性 one unclassified and
/// a 个性 one classified; each written over the stored indicator of the same levels, name and
/// classification (its code, 指标值说明 and standard replaced). Returns the rows written.
fn import_library(
    rows: &mut Rows,
    found: &mut Found,
    source: &str,
    tx: &mut dyn jixiao_store::Transaction,
) -> Result<u64, StoreError> {
    let c = |id: &'static str| LIBRARY.column(id);
    let mut out: Vec<jixiao_store::LibraryRecord> = Vec::new();
    // The library's own key: levels, name and classification.
    type Key = (String, String, String, String, String, String);
    let mut first: HashMap<Key, u64> = HashMap::new();
    rows_loop(rows, found, |rows, n, rec, found| {
        let l1 = text(rows, n, rec, c("level1"), found);
        let level1 = match jixiao_domain::project::Level1::parse(&l1) {
            Some(l) if jixiao_domain::project::Level1::NATIONAL.contains(&l) => Some(l),
            _ if l1.is_empty() => None,
            _ => {
                found.push(rows.origin.problem(
                    n,
                    rows.at(c("level1")),
                    format!("一级指标应为 产出指标、效益指标 或 满意度指标，实际为“{l1}”"),
                ));
                None
            }
        };
        let cell = |id: &'static str| rows.cell(rec, c(id)).to_string();
        let r = jixiao_store::LibraryRecord {
            code: cell("indicator_code"),
            level1: level1.map_or(String::new(), |l| l.label().to_string()),
            level2: cell("level2"),
            name: text(rows, n, rec, c("name"), found),
            value_hint: cell("value_hint"),
            standard: cell("standard"),
            function_subject: cell("function_subject"),
            sector: cell("sector"),
            purpose: cell("purpose"),
        };
        let classified = !r.is_general();
        match rows.cell(rec, c("common")) {
            "是" if classified => found.push(rows.origin.problem(
                n,
                rows.at(c("common")),
                "共性指标适用于任何项目，功能分类科目、行业领域、资金用途应为空；若只适用于某类项目，请标为个性指标（否）".into(),
            )),
            "否" if !classified => found.push(rows.origin.problem(
                n,
                rows.at(c("common")),
                "个性指标须至少填写功能分类科目、行业领域、资金用途之一；不分类的指标是共性指标（是）".into(),
            )),
            "" | "是" | "否" => {}
            other => found.push(rows.origin.problem(
                n,
                rows.at(c("common")),
                format!("是否共性指标应为 是 或 否，实际为“{other}”"),
            )),
        }
        let key = (
            r.level1.clone(),
            r.level2.clone(),
            r.name.clone(),
            r.function_subject.clone(),
            r.sector.clone(),
            r.purpose.clone(),
        );
        if let Some(was) = first.insert(key, n) {
            found.push(rows.origin.problem(
                n,
                rows.at(c("name")),
                format!(
                    "指标“{}”与第 {was} 行重复（一级、二级、三级指标和分类都相同）",
                    r.name
                ),
            ));
        }
        if level1.is_some() {
            out.push(r);
        }
        Ok(())
    })?;
    if !found.is_empty() {
        return Ok(0);
    }
    let at = jixiao_store::now_utc();
    let from = format!("import:{source}");
    for r in &out {
        tx.execute_sql(
            "INSERT INTO library_indicators (code, level1, level2, name, value_hint, standard, \
             function_subject, sector, purpose, promoted_from, promoted_by, promoted_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 'jixiao import', $11) \
             ON CONFLICT (level1, level2, name, function_subject, sector, purpose) DO UPDATE SET \
             code = excluded.code, value_hint = excluded.value_hint, standard = excluded.standard",
            &[
                r.code.as_str().into(),
                r.level1.as_str().into(),
                r.level2.as_str().into(),
                r.name.as_str().into(),
                r.value_hint.as_str().into(),
                r.standard.as_str().into(),
                r.function_subject.as_str().into(),
                r.sector.as_str().into(),
                r.purpose.as_str().into(),
                from.as_str().into(),
                at.as_str().into(),
            ],
        )?;
    }
    Ok(out.len() as u64)
}

/// A file or sheet not named as a table: recognised by the profile from its header (added to
/// the plan), or — under `--profile` — a problem naming the closest table and what it lacks.
fn recognise(
    plan: &mut Plan,
    found: &mut Found,
    r: &Reading<'_>,
    source: Source,
    header: Result<Vec<String>, Problem>,
) {
    use crate::profile::{detect, Choice, Detection, PROFILES};
    let profiles: Vec<crate::profile::Profile> = match r.profile {
        Choice::Off => return,
        Choice::Auto => PROFILES.to_vec(),
        Choice::Only(p) => vec![p],
    };
    let header = match header {
        Ok(h) => h,
        Err(p) => return found.push(p),
    };
    let mut closest = None;
    for p in &profiles {
        match detect(p, &header) {
            Detection::Recognised(rec) => {
                plan.recognised.push(format!(
                    "{}：按{}的数据元素识别为{}表（{}）",
                    source.describe(),
                    p.label,
                    rec.table.label,
                    rec.why
                ));
                plan.detected.insert(rec.table.id, rec.mapping);
                return add_source(plan, found, rec.table, source);
            }
            Detection::Closest { table, missing } => closest = Some((p.label, table, missing)),
        }
    }
    if let (Choice::Only(_), Some((label, table, missing))) = (r.profile, closest) {
        found.push(Problem {
            file: source.file().to_path_buf(),
            location: source.place(),
            message: format!(
                "不是{label}的导出表：最接近的是{}表，但缺少 {}；实际表头为：{}",
                table.label,
                missing.join("、"),
                header.join(",")
            ),
        });
    }
}

fn is_workbook(p: &Path) -> bool {
    matches!(
        p.extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase)
            .as_deref(),
        Some("xlsx" | "xlsm" | "xls" | "ods")
    )
}

fn is_csv(p: &Path) -> bool {
    p.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("csv"))
}

fn add_source(plan: &mut Plan, found: &mut Found, table: Table, source: Source) {
    if let Some(first) = plan.tables.get(table.id) {
        found.push(Problem {
            file: match &source {
                Source::Csv(p) => p.clone(),
                Source::Sheet(b, _) => b.name.clone(),
            },
            location: String::new(),
            message: format!(
                "{}表出现了两次：{} 和 {}；请只保留一份",
                table.label,
                first.describe(),
                source.describe()
            ),
        });
    } else {
        plan.tables.insert(table.id, source);
    }
}

/// A workbook file read into memory once (held to the archive limits), or its problem.
fn workbook(found: &mut Found, path: &Path) -> Option<std::sync::Arc<Workbook>> {
    match load_workbook(path) {
        Ok(b) => Some(b.into()),
        Err(p) => {
            found.push(p);
            None
        }
    }
}

fn add_workbook(plan: &mut Plan, found: &mut Found, path: &Path, r: &Reading<'_>) {
    if let Some(book) = workbook(found, path) {
        add_book(plan, found, book, r);
    }
}

/// Each sheet of `book` that names a table (or that the mapping places one in).
fn add_book(plan: &mut Plan, found: &mut Found, book: std::sync::Arc<Workbook>, r: &Reading<'_>) {
    let mapping = r.mapping;
    let sheets = match book.sheet_names() {
        Ok(s) => s,
        Err(p) => return found.push(p),
    };
    for sheet in sheets {
        let mapped = TABLES.into_iter().find(|t| {
            mapping
                .table(t.id)
                .and_then(|m| m.sheet.as_deref())
                .is_some_and(|s| s == sheet)
        });
        if let Some(table) = mapped.or_else(|| table_named(&sheet)) {
            add_source(plan, found, table, Source::Sheet(book.clone(), sheet));
            continue;
        }
        let header = match crate::source::sheet_header(&book, &sheet) {
            Ok(h) => h,
            Err(p) => {
                found.push(p);
                continue;
            }
        };
        let source = Source::Sheet(book.clone(), sheet.clone());
        // A renamed sheet (支付明细, Sheet1) with jixiao's own header is still its table.
        if let Some(table) = own_table(&header) {
            plan.recognised.push(format!(
                "{}：工作表名不是表名，按表头识别为{}表",
                source.describe(),
                table.label
            ));
            add_source(plan, found, table, source);
            continue;
        }
        // An empty sheet (the Sheet2 Excel leaves) and the template's guide hold nothing to read.
        if header.iter().all(|h| h.trim().is_empty()) || sheet == GUIDE_SHEET {
            continue;
        }
        let before = (plan.tables.len(), found.total);
        recognise(plan, found, r, source.clone(), Ok(header.clone()));
        if (plan.tables.len(), found.total) == before {
            // Passed over in silence, its rows would not be imported and nobody would know.
            found.push(Problem {
                file: book.name.clone(),
                location: format!("工作表“{sheet}”"),
                message: format!(
                    "看不出这张工作表是哪张表，未导入任何数据：工作表应命名为 {}，或第一行为其中一张表的表头；表头为：{}。不需要导入的工作表请删除",
                    TABLES.map(|t| t.label).join("、"),
                    header.join(",")
                ),
            });
        }
    }
}

/// Decides what to read from `path`.
fn plan(path: &Path, r: &Reading<'_>, found: &mut Found) -> Plan {
    let mapping = r.mapping;
    let mut plan = Plan::default();
    if !path.exists() {
        found.push(Problem {
            file: path.to_path_buf(),
            location: String::new(),
            message: "找不到这个文件或文件夹：请检查路径和文件名".into(),
        });
        return plan;
    }
    if path.is_dir() {
        if path.join("department.toml").is_file() {
            plan.datasets.push(path.to_path_buf());
            return plan;
        }
        let mut entries: Vec<PathBuf> = std::fs::read_dir(path)
            .map(|rd| rd.filter_map(|e| e.ok().map(|e| e.path())).collect())
            .unwrap_or_default();
        entries.sort();
        // Tables the mapping file places in a named file.
        let mut placed = HashSet::new();
        for t in TABLES {
            if let Some(file) = mapping.table(t.id).and_then(|m| m.file.as_deref()) {
                let p = path.join(file);
                placed.insert(p.clone());
                if is_workbook(&p) {
                    let sheet = mapping.table(t.id).and_then(|m| m.sheet.clone());
                    match sheet {
                        Some(s) => {
                            if let Some(book) = workbook(found, &p) {
                                add_source(&mut plan, found, t, Source::Sheet(book, s));
                            }
                        }
                        None => add_workbook(&mut plan, found, &p, r),
                    }
                } else {
                    add_source(&mut plan, found, t, Source::Csv(p));
                }
            }
        }
        for p in entries {
            if placed.contains(&p) {
                continue;
            }
            if p.is_dir() {
                if p.join("department.toml").is_file() {
                    plan.datasets.push(p);
                } else if p.file_name().is_some_and(|n| n == "datasets") {
                    let mut subs: Vec<PathBuf> = std::fs::read_dir(&p)
                        .map(|rd| rd.filter_map(|e| e.ok().map(|e| e.path())).collect())
                        .unwrap_or_default();
                    subs.sort();
                    plan.datasets.extend(
                        subs.into_iter()
                            .filter(|s| s.join("department.toml").is_file()),
                    );
                }
            } else if is_csv(&p) {
                let stem = p.file_stem().and_then(|s| s.to_str()).unwrap_or("");
                if let Some(t) = table_named(stem) {
                    add_source(&mut plan, found, t, Source::Csv(p));
                } else {
                    let header = crate::source::csv_header(&p, r.encoding);
                    recognise(&mut plan, found, r, Source::Csv(p), header);
                }
            } else if is_workbook(&p) {
                add_workbook(&mut plan, found, &p, r);
            }
        }
    } else if is_workbook(path) {
        add_workbook(&mut plan, found, path, r);
    } else if is_csv(path) {
        let stem = path.file_stem().and_then(|s| s.to_str()).unwrap_or("");
        let by_mapping = TABLES.into_iter().find(|t| {
            mapping.table(t.id).and_then(|m| m.file.as_deref())
                == path.file_name().and_then(|n| n.to_str())
        });
        match by_mapping.or_else(|| table_named(stem)) {
            Some(t) => add_source(&mut plan, found, t, Source::Csv(path.to_path_buf())),
            None => {
                let header = crate::source::csv_header(path, r.encoding);
                let before = (plan.tables.len(), found.total);
                recognise(&mut plan, found, r, Source::Csv(path.to_path_buf()), header);
                // Neither named nor recognised, and nothing said yet: say what a file needs.
                if (plan.tables.len(), found.total) == before {
                    found.push(Problem {
                        file: path.to_path_buf(),
                        location: String::new(),
                        message: format!(
                            "看不出这是哪张表：CSV 文件应命名为 {}（或中文 {}），或其表头为预算管理一体化系统的数据元素（如 PAY_CERT_NO、PRO_CODE），或在映射文件中用 file 指明",
                            TABLES.map(|t| t.file_name()).join("、"),
                            TABLES.map(|t| format!("{}.csv", t.label)).join("、")
                        ),
                    });
                }
            }
        }
    }
    if found.is_empty() && plan.datasets.is_empty() && plan.tables.is_empty() {
        found.push(nothing_to_import(path));
    }
    plan
}

fn nothing_to_import(path: &Path) -> Problem {
    Problem {
        file: path.to_path_buf(),
        location: String::new(),
        message: format!(
            "没有找到可导入的数据：应为数据集文件夹（含 department.toml），或含 {} 的文件夹，或按模板填写的 Excel 工作簿（工作表名 {}）",
            TABLES.map(|t| t.file_name()).join("、"),
            TABLES.map(|t| t.label).join("、")
        ),
    }
}

/// The year of the first readable date in `column` among the first rows of `table`, to
/// default the fiscal year.
fn first_year(
    src: &Source,
    table: Table,
    column: &str,
    m: Option<&TableMapping>,
    enc: Encoding,
) -> Option<i32> {
    let mut rows = src.open(table, m, enc).ok()?;
    let mut rec = StringRecord::new();
    let col = table.column(column);
    for _ in 0..1000 {
        rows.next(&mut rec).ok()??;
        if let Ok(d) = cell::date(rows.cell(&rec, col)) {
            return Some(d.year());
        }
    }
    None
}

/// A required text cell, or its problem.
fn text(rows: &Rows, n: u64, rec: &StringRecord, col: usize, found: &mut Found) -> String {
    let v = rows.cell(rec, col);
    let c = rows.table.columns[col];
    if v.is_empty() && c.required {
        found.push(
            rows.origin
                .problem(n, rows.at(col), format!("{}不能为空", c.label)),
        );
    } else if v.contains(['\n', '\r', '\t']) {
        found.push(rows.origin.problem(
            n,
            rows.at(col),
            format!("“{v}”含有换行或制表符：{}应为一行文字", c.label),
        ));
    }
    v.to_string()
}

/// A parsed cell, or its problem (with the column named) and `None`.
fn parsed<T>(
    rows: &Rows,
    n: u64,
    col: usize,
    found: &mut Found,
    result: Result<T, String>,
) -> Option<T> {
    match result {
        Ok(v) => Some(v),
        Err(m) => {
            found.push(rows.origin.problem(n, rows.at(col), m));
            None
        }
    }
}

/// Rows per write: large enough that a round trip to a server is not paid per row.
const CHUNK: usize = 8192;

/// Rows held for writing, [`CHUNK`] at a time, and how many were written.
struct Chunked<T> {
    items: Vec<T>,
    written: u64,
}

impl<T> Chunked<T> {
    fn new() -> Chunked<T> {
        Chunked {
            items: Vec::with_capacity(CHUNK),
            written: 0,
        }
    }

    /// Holds a row, writing the chunk with `put` once it is full.
    fn push(
        &mut self,
        item: T,
        put: impl FnOnce(&[T]) -> Result<(), StoreError>,
    ) -> Result<(), StoreError> {
        self.items.push(item);
        if self.items.len() == CHUNK {
            self.flush(put)?;
        }
        Ok(())
    }

    fn flush(
        &mut self,
        put: impl FnOnce(&[T]) -> Result<(), StoreError>,
    ) -> Result<(), StoreError> {
        put(&self.items)?;
        self.written += self.items.len() as u64;
        self.items.clear();
        Ok(())
    }

    /// Writes what is held when the import is sound (`write`), and says how many rows were
    /// written.
    fn finish(
        mut self,
        write: bool,
        put: impl FnOnce(&[T]) -> Result<(), StoreError>,
    ) -> Result<u64, StoreError> {
        if write {
            self.flush(put)?;
        }
        Ok(self.written)
    }
}

/// Reads every remaining row, calling `f` with each; a row that cannot be read at all (a
/// broken line, bad encoding) is a problem and ends the table.
fn rows_loop(
    rows: &mut Rows,
    found: &mut Found,
    mut f: impl FnMut(&Rows, u64, &StringRecord, &mut Found) -> Result<(), StoreError>,
) -> Result<(), StoreError> {
    let mut rec = StringRecord::new();
    loop {
        match rows.next(&mut rec) {
            Ok(Some(n)) => f(rows, n, &rec, found)?,
            Ok(None) => return Ok(()),
            Err(p) => {
                found.push(p);
                return Ok(());
            }
        }
    }
}

/// A 64-bit key for a pair of codes, to find repeats among millions of rows in little
/// memory. Two different pairs share a key with odds of about n²/2⁶⁵ (1 in 6 million for
/// 2.4 million indicators); a shared key is reported as a repeat naming both rows, which a
/// clerk can check at a glance.
fn pair_key(a: &str, b: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in a.bytes().chain([0x1f]).chain(b.bytes()) {
        h ^= u64::from(byte);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

/// The keys of the targets the store holds for `year`, as the open transaction sees them.
fn store_targets(
    tx: &mut Box<dyn jixiao_store::Transaction + '_>,
    year: i32,
) -> Result<std::collections::HashSet<u64>, StoreError> {
    Ok(tx
        .target_keys(year)?
        .iter()
        .map(|(p, c)| pair_key(p, c))
        .collect())
}

/// A fast hash for project codes looked up once per payment: the map is private and its keys
/// come from the store, so no resistance to crafted collisions is needed.
#[derive(Default, Clone, Copy)]
struct CodeHash(u64);

impl std::hash::Hasher for CodeHash {
    fn write(&mut self, bytes: &[u8]) {
        for chunk in bytes.chunks(8) {
            let mut w = [0u8; 8];
            w[..chunk.len()].copy_from_slice(chunk);
            self.0 = (self.0.rotate_left(23) ^ u64::from_le_bytes(w))
                .wrapping_mul(0x9e37_79b9_7f4a_7c15);
        }
    }

    fn finish(&self) -> u64 {
        self.0 ^ (self.0 >> 29)
    }
}

type CodeMap<V> = HashMap<String, V, std::hash::BuildHasherDefault<CodeHash>>;

/// Payments read and checked, on their way to the store.
struct Batch {
    ids: String,
    items: Vec<(
        u64,
        usize,
        usize,
        i64,
        jixiao_domain::date::Date,
        jixiao_domain::money::Fen,
    )>,
    rows: u64,
    bytes: (u64, u64),
}

/// What the payment reader needs to check a row.
struct PaymentCheck<'a> {
    fiscal: i32,
    ids: &'a CodeMap<i64>,
    in_file: &'a HashMap<String, u64>,
    in_store: &'a HashSet<String>,
}

/// Reads and checks payments on its own thread, sending clean rows in batches while no
/// problem has been found; returns the problems and the number of rows read.
fn read_payments(
    mut rows: Rows,
    check: &PaymentCheck<'_>,
    mut clean: bool,
    send: std::sync::mpsc::SyncSender<Batch>,
) -> (Found, Rows) {
    let mut found = Found::default();
    let c = |id: &'static str| PAYMENTS.column(id);
    let (c_id, c_project, c_date, c_amount) = (
        c("payment_id"),
        c("project_code"),
        c("pay_date"),
        c("amount"),
    );
    let fiscal = check.fiscal;
    let mut rec = StringRecord::new();
    let mut batch = Batch {
        ids: String::new(),
        items: Vec::with_capacity(CHUNK),
        rows: 0,
        bytes: (0, rows.size),
    };
    let mut count = 0u64;
    loop {
        let n = match rows.next(&mut rec) {
            Ok(Some(n)) => n,
            Ok(None) => break,
            Err(p) => {
                found.push(p);
                break;
            }
        };
        count += 1;
        let id = rows.cell(&rec, c_id);
        let project = rows.cell(&rec, c_project);
        let date = cell::date(rows.cell(&rec, c_date));
        let amount = rows.money(&rec, c_amount);
        match (check.ids.get(project), date, amount) {
            (Some(&project_id), Ok(d), Ok(a)) if !id.is_empty() && d.year() == fiscal => {
                if clean {
                    let start = batch.ids.len();
                    batch.ids.push_str(id);
                    batch
                        .items
                        .push((n, start, batch.ids.len(), project_id, d, a));
                }
            }
            (_, date, amount) => {
                if id.is_empty() {
                    found.push(
                        rows.origin
                            .problem(n, rows.at(c_id), "支付流水号不能为空".into()),
                    );
                }
                if project.is_empty() {
                    found.push(rows.origin.problem(
                        n,
                        rows.at(c_project),
                        "项目编码不能为空".into(),
                    ));
                } else if !check.in_file.contains_key(project) && !check.in_store.contains(project)
                {
                    found.push(rows.origin.problem(
                        n,
                        rows.at(c_project),
                        format!(
                            "项目编码“{project}”既不在“项目”表中，也不在库中 {fiscal} 年度的项目里"
                        ),
                    ));
                }
                match date {
                    Err(m) => found.push(rows.origin.problem(n, rows.at(c_date), m)),
                    Ok(d) if d.year() != fiscal => found.push(rows.origin.problem(
                        n,
                        rows.at(c_date),
                        format!("支付日期 {d} 不在 {fiscal} 预算年度内"),
                    )),
                    Ok(_) => {}
                }
                if let Err(m) = amount {
                    found.push(rows.origin.problem(n, rows.at(c_amount), m));
                }
            }
        }
        if !found.is_empty() {
            clean = false;
        }
        if batch.items.len() == CHUNK || count.is_multiple_of(CHUNK as u64) {
            batch.rows = count;
            batch.bytes.0 = rows.position();
            let next = Batch {
                ids: String::with_capacity(batch.ids.len()),
                items: Vec::with_capacity(CHUNK),
                rows: 0,
                bytes: (0, rows.size),
            };
            if send.send(std::mem::replace(&mut batch, next)).is_err() {
                break;
            }
        }
    }
    batch.rows = count;
    batch.bytes.0 = rows.size;
    let _ = send.send(batch);
    (found, rows)
}

/// Imports `path` into `store`: all of it, or — when anything is wrong — nothing.
///
/// Rows are checked and written as they are read, in one transaction; the first problem
/// stops the writing, the reading goes on to find every other problem, and the transaction
/// is then rolled back. Payments are read on a second thread while the store writes.
pub fn import(
    store: &mut dyn Store,
    path: &Path,
    opts: &Options,
    progress: &mut dyn FnMut(Progress<'_>),
) -> Result<Report, ImportError> {
    import_then(store, path, opts, progress, &mut |_, _| Ok(()))
}

/// What records an import, called with its transaction and report before it commits.
pub type BeforeCommit<'a> =
    dyn FnMut(&mut dyn jixiao_store::Transaction, &Report) -> Result<(), StoreError> + 'a;

/// What an input holds, before anything is read from it: its name for problems and the
/// batch, the tables and datasets found, the column mapping, and the problems so far.
struct Planned {
    name: PathBuf,
    plan: Plan,
    mapping: Mapping,
    found: Found,
}

/// [`import`], calling `before_commit` with the transaction and the report once every row is
/// written and checked, so that what records the import (an audit entry) commits with it.
pub fn import_then(
    store: &mut dyn Store,
    path: &Path,
    opts: &Options,
    progress: &mut dyn FnMut(Progress<'_>),
    before_commit: &mut BeforeCommit<'_>,
) -> Result<Report, ImportError> {
    let mut found = Found::default();
    let mapping_path = opts.mapping.clone().or_else(|| {
        let p = path.join(mapping::DEFAULT_NAME);
        (path.is_dir() && p.is_file()).then_some(p)
    });
    let mapping = match &mapping_path {
        Some(p) => Mapping::load(p)?,
        None => Mapping::default(),
    };
    let reading = Reading {
        mapping: &mapping,
        profile: opts.profile,
        encoding: opts.encoding,
    };
    let plan = plan(path, &reading, &mut found);
    let input = Planned {
        name: path.to_path_buf(),
        plan,
        mapping,
        found,
    };
    run(store, input, opts, progress, before_commit)
}

/// [`import_then`] for a workbook held in memory (an upload's bytes, no file written).
pub fn import_workbook_then(
    store: &mut dyn Store,
    book: Workbook,
    opts: &Options,
    progress: &mut dyn FnMut(Progress<'_>),
    before_commit: &mut BeforeCommit<'_>,
) -> Result<Report, ImportError> {
    let mut found = Found::default();
    let mapping = match &opts.mapping {
        Some(p) => Mapping::load(p)?,
        None => Mapping::default(),
    };
    let name = book.name.clone();
    let mut plan = Plan::default();
    let reading = Reading {
        mapping: &mapping,
        profile: opts.profile,
        encoding: opts.encoding,
    };
    add_book(&mut plan, &mut found, book.into(), &reading);
    if plan.tables.is_empty() && found.is_empty() {
        found.push(nothing_to_import(&name));
    }
    let input = Planned {
        name,
        plan,
        mapping,
        found,
    };
    run(store, input, opts, progress, before_commit)
}

/// Checks and writes what `input` holds.
fn run(
    store: &mut dyn Store,
    input: Planned,
    opts: &Options,
    progress: &mut dyn FnMut(Progress<'_>),
    before_commit: &mut BeforeCommit<'_>,
) -> Result<Report, ImportError> {
    let Planned {
        name,
        mut plan,
        mut mapping,
        mut found,
    } = input;
    let path = name.as_path();
    // What a profile recognised reads as a mapping file would have it (a mapping file's own
    // table first).
    for (id, mut m) in std::mem::take(&mut plan.detected) {
        if let Some(u) = &opts.unit {
            // --unit over a header that says otherwise would be a guess: refused.
            if m.unit.as_ref().is_some_and(|h| h != u) {
                found.push(Problem {
                    file: path.to_path_buf(),
                    location: String::new(),
                    message: format!(
                        "--unit {u} 与表头所写的金额单位（{}）不一致：请去掉 --unit，或核对表头",
                        m.unit.as_deref().unwrap_or("")
                    ),
                });
            }
            m.unit = Some(u.clone());
        }
        mapping.tables.entry(id.to_string()).or_insert(m);
    }
    let recognised = std::mem::take(&mut plan.recognised);
    let mapping = &mapping;
    if !found.is_empty() {
        return Err(found.into_error());
    }
    let enc = opts.encoding;

    // Datasets: parsed whole before anything is written.
    let mut datasets: Vec<(DatasetFiles, String, i32)> = Vec::new();
    for dir in &plan.datasets {
        match dataset::read_files(dir).and_then(|f| dataset::parse(&f).map(|d| (f, d))) {
            Ok((files, d)) => datasets.push((files, d.department.code.clone(), d.year)),
            Err(Problems(ps)) => ps.into_iter().for_each(|p| found.push(p)),
        }
    }
    // A self-evaluation under review or published keeps the data it was scored on.
    for (files, dept, y) in &datasets {
        if let Some(state) = jixiao_store::edits::locked_review(store.sql(), dept, *y)? {
            found.push(Problem {
                file: files.origin.clone(),
                location: String::new(),
                message: format!(
                    "部门 {dept} {y} 年度的自评当前为“{state}”，评分所依据的数据已锁定，不能重新导入；如需更正，请审核人先退回"
                ),
            });
        }
    }

    // Units and the 指标库 belong to no year; every other table does.
    let yearly = |t: &&str| *t != UNITS.id && *t != LIBRARY.id;
    let year = if plan.tables.keys().any(yearly) {
        opts.year
            .or_else(|| {
                plan.tables.get(PAYMENTS.id).and_then(|s| {
                    first_year(s, PAYMENTS, "pay_date", mapping.table(PAYMENTS.id), enc)
                })
            })
            .or_else(|| {
                plan.tables
                    .get(PROGRESS.id)
                    .and_then(|s| first_year(s, PROGRESS, "as_of", mapping.table(PROGRESS.id), enc))
            })
    } else {
        None
    };
    let fiscal = year.unwrap_or(0);

    // What the store already holds, for references.
    let known_units: HashSet<String> = store.units()?.into_iter().map(|u| u.code).collect();
    let known_projects: HashSet<String> = match year {
        Some(y) => store
            .projects(Some(y))?
            .into_iter()
            .map(|p| p.code)
            .collect(),
        None => HashSet::new(),
    };

    let open = |t: Table, found: &mut Found| -> Option<Rows> {
        let src = plan.tables.get(t.id)?;
        match src.open(t, mapping.table(t.id), enc) {
            Ok(r) => Some(r),
            Err(p) => {
                found.push(p);
                None
            }
        }
    };
    // Open every table first: a wrong header or a broken file is found before any row.
    let units_rows = open(UNITS, &mut found);
    let projects_rows = open(PROJECTS, &mut found);
    let targets_rows = open(TARGETS, &mut found);
    let payments_rows = open(PAYMENTS, &mut found);
    let progress_rows = open(PROGRESS, &mut found);
    let goals_rows = open(GOALS, &mut found);
    let library_rows = open(LIBRARY, &mut found);
    // Without a year the tables cannot be read; say so, unless the payments file, which
    // would have given it, has a problem of its own already listed.
    let needs_year = plan.tables.keys().any(yearly);
    if needs_year && year.is_none() {
        if payments_rows.is_some() || !plan.tables.contains_key(PAYMENTS.id) {
            found.push(Problem {
                file: path.to_path_buf(),
                location: String::new(),
                message: "无法确定预算年度：请用 --year 指明，如 --year 2021".into(),
            });
        }
        // Rows cannot be checked against a year that is not known.
        return Err(found.into_error());
    }

    let source = path.display().to_string();
    let mut tx = store.begin(&source)?;
    let year_inferred = year.is_some() && opts.year.is_none();
    let mut report = Report {
        year,
        year_inferred,
        recognised,
        ..Report::default()
    };

    // Units: few enough to hold, so that parents can be checked against the whole table.
    let mut unit_rows: HashMap<String, u64> = HashMap::new();
    if let Some(mut rows) = units_rows {
        let c = |id: &'static str| UNITS.column(id);
        let mut units: Vec<UnitRecord> = Vec::new();
        rows_loop(&mut rows, &mut found, |rows, n, rec, found| {
            let u = UnitRecord {
                code: text(rows, n, rec, c("unit_code"), found),
                name: text(rows, n, rec, c("unit_name"), found),
                department_code: text(rows, n, rec, c("department_code"), found),
                parent_code: Some(rows.cell(rec, c("parent_code")).to_string())
                    .filter(|p| !p.is_empty()),
                region_code: rows.cell(rec, c("region_code")).to_string(),
            };
            if let Some(first) = unit_rows.insert(u.code.clone(), n) {
                found.push(rows.origin.problem(
                    n,
                    rows.at(c("unit_code")),
                    format!("单位编码“{}”重复：第 {first} 行已有", u.code),
                ));
            }
            units.push(u);
            Ok(())
        })?;
        for u in &units {
            if let Some(parent) = &u.parent_code {
                if !unit_rows.contains_key(parent) && !known_units.contains(parent) {
                    found.push(rows.origin.problem(
                        unit_rows[&u.code],
                        rows.at(c("parent_code")),
                        format!("上级单位编码“{parent}”既不在本表中，也不在库中"),
                    ));
                }
            }
        }
        if found.is_empty() {
            let mut departments: BTreeMap<&str, &str> = BTreeMap::new();
            for u in &units {
                departments
                    .entry(&u.department_code)
                    .or_insert(&u.region_code);
            }
            let departments: Vec<DepartmentRecord> = departments
                .into_iter()
                .map(|(code, region)| DepartmentRecord {
                    code: code.to_string(),
                    name: String::new(),
                    region_code: region.to_string(),
                })
                .collect();
            tx.put_departments(&departments)?;
            tx.put_units(&units)?;
        }
        report.rows.push((UNITS.label, units.len() as u64));
        report.skipped(&rows);
    }

    // Projects, written in chunks as they are read.
    let mut project_rows: HashMap<String, u64> = HashMap::new();
    if let Some(mut rows) = projects_rows {
        let c = |id: &'static str| PROJECTS.column(id);
        let mut chunk: Chunked<ProjectRecord> = Chunked::new();
        rows_loop(&mut rows, &mut found, |rows, n, rec, found| {
            let code = text(rows, n, rec, c("project_code"), found);
            let unit_code = text(rows, n, rec, c("unit_code"), found);
            let name = text(rows, n, rec, c("project_name"), found);
            let kind_text = rows.cell(rec, c("kind"));
            let kind = parsed(
                rows,
                n,
                c("kind"),
                found,
                ProjectKind::parse(kind_text)
                    .ok_or_else(|| format!("“{kind_text}”不是支出类型：应为 基本支出 或 项目支出")),
            );
            let fund_text = rows.cell(rec, c("fund_source"));
            let fund = parsed(
                rows,
                n,
                c("fund_source"),
                found,
                cell::fund_source(fund_text).ok_or_else(|| {
                    format!("“{fund_text}”不是资金来源：应为 一般公共预算、政府性基金预算、国有资本经营预算、财政专户管理资金 或 单位资金/其他")
                }),
            );
            let budget = |id: &'static str, found: &mut Found| {
                let v = parsed(rows, n, c(id), found, rows.money(rec, c(id)))?;
                if v.0 < 0 {
                    found.push(rows.origin.problem(
                        n,
                        rows.at(c(id)),
                        format!("预算不能为负数，实际为“{}”", rows.cell(rec, c(id))),
                    ));
                    return None;
                }
                Some(v)
            };
            let initial = budget("initial_budget", found);
            let adjusted = budget("adjusted_budget", found);
            if !unit_code.is_empty()
                && !unit_rows.contains_key(&unit_code)
                && !known_units.contains(&unit_code)
            {
                found.push(rows.origin.problem(
                    n,
                    rows.at(c("unit_code")),
                    format!("单位编码“{unit_code}”既不在“单位”表中，也不在库中：请先导入该单位"),
                ));
            }
            if let Some(first) = project_rows.insert(code.clone(), n) {
                found.push(rows.origin.problem(
                    n,
                    rows.at(c("project_code")),
                    format!("项目编码“{code}”重复：第 {first} 行已有"),
                ));
            }
            if let (Some(kind), Some(fund_source), Some(initial_budget), Some(adjusted_budget)) =
                (kind, fund, initial, adjusted)
            {
                if found.is_empty() {
                    let record = ProjectRecord {
                        year: fiscal,
                        code,
                        unit_code,
                        name,
                        kind,
                        fund_source,
                        initial_budget,
                        adjusted_budget,
                    };
                    chunk.push(record, |c| tx.put_projects(c))?;
                }
            }
            Ok(())
        })?;
        let written = chunk.finish(found.is_empty(), |c| tx.put_projects(c))?;
        report.rows.push((PROJECTS.label, written));
        report.skipped(&rows);
    }
    let ids: CodeMap<i64> = if year.is_some() && found.is_empty() {
        tx.project_ids(fiscal)?.into_iter().collect()
    } else {
        CodeMap::default()
    };
    let project_known =
        |code: &str| project_rows.contains_key(code) || known_projects.contains(code);
    let unknown_project =
        |code: &str| format!("项目编码“{code}”既不在“项目”表中，也不在库中 {fiscal} 年度的项目里");

    // Targets, likewise; their keys are kept for the progress reports that name them.
    let mut seen: HashMap<u64, u64> = HashMap::new();
    if let Some(mut rows) = targets_rows {
        let c = |id: &'static str| TARGETS.column(id);
        let mut chunk: Chunked<(i64, TargetRecord)> = Chunked::new();
        rows_loop(&mut rows, &mut found, |rows, n, rec, found| {
            let project_code = text(rows, n, rec, c("project_code"), found);
            let code = text(rows, n, rec, c("indicator_code"), found);
            let level1 = text(rows, n, rec, c("level1"), found);
            let level2 = text(rows, n, rec, c("level2"), found);
            let name = text(rows, n, rec, c("name"), found);
            let dir_text = rows.cell(rec, c("direction"));
            let direction = parsed(
                rows,
                n,
                c("direction"),
                found,
                Direction::parse(dir_text).ok_or_else(|| {
                    format!("“{dir_text}”不是指标方向：应为 正向（ge）、反向（le）或 定性（qual）")
                }),
            );
            let num = |id: &'static str, found: &mut Found| {
                parsed(rows, n, c(id), found, cell::number(rows.cell(rec, c(id))))
            };
            let target = num("target", found);
            let actual = if rows.cell(rec, c("actual")).is_empty() {
                Some(None)
            } else {
                num("actual", found).map(Some)
            };
            let weight = num("weight", found);
            if !project_code.is_empty() && !project_known(&project_code) {
                found.push(rows.origin.problem(
                    n,
                    rows.at(c("project_code")),
                    unknown_project(&project_code),
                ));
            }
            if let Some(first) = seen.insert(pair_key(&project_code, &code), n) {
                found.push(rows.origin.problem(
                    n,
                    rows.at(c("indicator_code")),
                    format!("项目“{project_code}”的指标编码“{code}”重复：第 {first} 行已有"),
                ));
            }
            if let (Some(direction), Some(target), Some(actual), Some(weight)) =
                (direction, target, actual, weight)
            {
                if let (true, Some(&id)) = (found.is_empty(), ids.get(&project_code)) {
                    let t = TargetRecord {
                        project_code,
                        code,
                        level1,
                        level2,
                        name,
                        direction,
                        target,
                        actual,
                        weight,
                    };
                    chunk.push((id, t), |c| tx.put_targets(c))?;
                }
            }
            Ok(())
        })?;
        let written = chunk.finish(found.is_empty(), |c| tx.put_targets(c))?;
        report.rows.push((TARGETS.label, written));
        report.skipped(&rows);
    }

    if let Some(mut rows) = goals_rows {
        let written = import_goals(
            &mut rows,
            &mut found,
            &ids,
            &project_known,
            &unknown_project,
            &mut *tx,
        )?;
        report.rows.push((GOALS.label, written));
        report.skipped(&rows);
    }
    if let Some(mut rows) = library_rows {
        let written = import_library(&mut rows, &mut found, &source, &mut *tx)?;
        report.rows.push((LIBRARY.label, written));
        report.skipped(&rows);
    }

    if found.is_empty() {
        for (files, dept, y) in &datasets {
            tx.put_departments(&[DepartmentRecord {
                code: dept.clone(),
                name: String::new(),
                region_code: String::new(),
            }])?;
            tx.put_dataset(dept, *y, &files.files)?;
            report.datasets.push((dept.clone(), *y));
        }
    }

    // Indicator progress (双监控): each report names a known indicator, and one that is not
    // certain to meet its target says why, under which category, and what will be done.
    if let Some(mut rows) = progress_rows {
        let stored_targets: std::collections::HashSet<u64> = match year {
            Some(y) => store_targets(&mut tx, y)?,
            None => Default::default(),
        };
        let c = |id: &'static str| PROGRESS.column(id);
        let mut chunk: Chunked<(i64, ProgressRecord)> = Chunked::new();
        let mut reported: HashMap<(String, String, jixiao_domain::date::Date), u64> =
            HashMap::new();
        rows_loop(&mut rows, &mut found, |rows, n, rec, found| {
            let project_code = text(rows, n, rec, c("project_code"), found);
            let code = text(rows, n, rec, c("indicator_code"), found);
            let date = parsed(
                rows,
                n,
                c("as_of"),
                found,
                cell::date(rows.cell(rec, c("as_of"))),
            );
            if let Some(d) = date {
                if d.year() != fiscal {
                    found.push(rows.origin.problem(
                        n,
                        rows.at(c("as_of")),
                        format!("监控日期 {d} 不在 {fiscal} 预算年度内"),
                    ));
                }
            }
            let actual = parsed(
                rows,
                n,
                c("actual"),
                found,
                cell::number(rows.cell(rec, c("actual"))),
            );
            let l_text = rows.cell(rec, c("likelihood"));
            let likelihood = parsed(
                rows,
                n,
                c("likelihood"),
                found,
                Likelihood::parse(l_text).ok_or_else(|| {
                    format!("“{l_text}”不是完成目标可能性：应为 确定能、有可能 或 不可能")
                }),
            );
            let category = rows.cell(rec, c("reason_category")).to_string();
            let reason = rows.cell(rec, c("reason")).to_string();
            let measures = rows.cell(rec, c("measures")).to_string();
            if likelihood.is_some_and(|l| l != Likelihood::Certain) {
                if category.is_empty() {
                    found.push(rows.origin.problem(
                        n,
                        rows.at(c("reason_category")).or(rows.at(c("likelihood"))),
                        format!(
                            "完成目标可能性为“{l_text}”时，偏差原因类别必填：应为 {}",
                            REASON_CATEGORIES.join("、")
                        ),
                    ));
                }
                if measures.is_empty() {
                    found.push(rows.origin.problem(
                        n,
                        rows.at(c("measures")).or(rows.at(c("likelihood"))),
                        format!("完成目标可能性为“{l_text}”时，纠偏措施必填"),
                    ));
                }
            }
            if !category.is_empty() && !REASON_CATEGORIES.contains(&category.as_str()) {
                found.push(rows.origin.problem(
                    n,
                    rows.at(c("reason_category")),
                    format!(
                        "“{category}”不是偏差原因类别：应为 {}",
                        REASON_CATEGORIES.join("、")
                    ),
                ));
            }
            if !project_code.is_empty() && !project_known(&project_code) {
                found.push(rows.origin.problem(
                    n,
                    rows.at(c("project_code")),
                    unknown_project(&project_code),
                ));
            } else if !code.is_empty() {
                let key = pair_key(&project_code, &code);
                if !seen.contains_key(&key) && !stored_targets.contains(&key) {
                    found.push(rows.origin.problem(
                        n,
                        rows.at(c("indicator_code")),
                        format!("项目“{project_code}”没有编码为“{code}”的绩效指标（“绩效指标”表和库中都没有）"),
                    ));
                }
            }
            if let Some(d) = date {
                if let Some(first) = reported.insert((project_code.clone(), code.clone(), d), n) {
                    found.push(rows.origin.problem(
                        n,
                        rows.at(c("indicator_code")),
                        format!(
                            "项目“{project_code}”指标“{code}”在 {d} 的进度重复：第 {first} 行已有"
                        ),
                    ));
                }
            }
            if let (Some(as_of), Some(actual), Some(likelihood), Some(&id), true) = (
                date,
                actual,
                likelihood,
                ids.get(&project_code),
                found.is_empty(),
            ) {
                let record = (
                    id,
                    ProgressRecord {
                        project_code,
                        indicator_code: code,
                        as_of,
                        actual,
                        likelihood,
                        reason_category: category,
                        reason,
                        measures,
                    },
                );
                chunk.push(record, |c| tx.put_progress(c))?;
            }
            Ok(())
        })?;
        let written = chunk.finish(found.is_empty(), |c| tx.put_progress(c))?;
        report.rows.push((PROGRESS.label, written));
        report.skipped(&rows);
    }

    // Payments: one thread reads and checks, this one writes.
    if let Some(rows) = payments_rows {
        let check = PaymentCheck {
            fiscal,
            ids: &ids,
            in_file: &project_rows,
            in_store: &known_projects,
        };
        let clean = found.is_empty();
        let (send, receive) = std::sync::mpsc::sync_channel::<Batch>(32);
        let (payment_found, rows) = std::thread::scope(|scope| -> Result<_, StoreError> {
            let reader = scope.spawn(|| read_payments(rows, &check, clean, send));
            let result = tx.add_payments(&mut |sink| {
                let mut result = Ok(());
                // Read to the end even after a failed write, so that the reader finishes.
                for batch in receive.iter() {
                    if result.is_ok() {
                        for &(n, start, end, project_id, pay_date, amount) in &batch.items {
                            let p = NewPayment {
                                payment_id: &batch.ids[start..end],
                                project_id,
                                pay_date,
                                amount,
                            };
                            if let Err(e) = sink(n, &p) {
                                result = Err(e);
                                break;
                            }
                        }
                    }
                    progress(Progress {
                        table: PAYMENTS.label,
                        rows: batch.rows,
                        bytes: batch.bytes,
                    });
                }
                result
            });
            // Should the store fail before reading any, the reader stops at its next batch.
            drop(receive);
            let out = reader.join().expect("the payment reader does not panic");
            result.map(|()| out)
        })?;
        found.absorb(payment_found);
        let c_id = PAYMENTS.column("payment_id");
        let summary = tx.finish_payments()?;
        for d in &summary.duplicates {
            found.push(rows.origin.problem(
                d.row,
                rows.at(c_id),
                format!(
                    "支付流水号“{}”重复：第 {} 行已有同一流水号",
                    d.payment_id, d.first_row
                ),
            ));
        }
        for x in &summary.conflicts {
            found.push(rows.origin.problem(
                x.row,
                rows.at(c_id),
                format!(
                    "支付流水号“{}”已由此前的导入存入库中，但项目、日期或金额与本行不同：同一笔支付不能有两种内容，请核对",
                    x.payment_id
                ),
            ));
        }
        report.rows.push((PAYMENTS.label, summary.inserted));
        report.payments = summary;
        report.skipped(&rows);
        // A voucher an earlier import stored, marked deleted now: left in the store it would
        // go on counting as spent. Said, so that the clerk withdraws it rather than nobody
        // noticing.
        let batch = tx.batch_id();
        for (n, rec) in &rows.deleted_rows {
            let id = rows.cell(rec, c_id);
            let stored = tx.query_sql(
                "SELECT 1 FROM payments WHERE payment_id = $1 AND batch_id <> $2",
                &[id.into(), batch.into()],
            )?;
            if !stored.is_empty() {
                found.push(rows.origin.problem(
                    *n,
                    rows.at(c_id),
                    format!(
                        "支付凭证号“{id}”已由此前的导入存入库中，本次导出却标记为已删除：库中的这笔支付仍计入支出。请核对；确需撤销的，请在本表中以负数金额冲销，或联系管理员"
                    ),
                ));
            }
        }
    }
    if !found.is_empty() {
        if year_inferred {
            found.list.insert(
                0,
                Problem {
                    file: path.to_path_buf(),
                    location: String::new(),
                    message: format!(
                        "（提示）预算年度按第一个可读的支付日期（或监控日期）推定为 {fiscal}；如不对，请用 --year 指明"
                    ),
                },
            );
        }
        // Dropping the transaction rolls every write back.
        return Err(found.into_error());
    }
    if opts.dry_run {
        // Every row was written and checked inside the transaction; dropping it undoes them.
        return Ok(report);
    }
    before_commit(tx.as_mut(), &report)?;
    tx.commit()?;
    Ok(report)
}
