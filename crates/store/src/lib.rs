//! jixiao's store: everything the domain holds, for many departments, units and years.
//!
//! Two backends sit behind one interface, [`Store`] and its [`Transaction`]:
//! - **SQLite**, the default: one file, created on first use, nothing to install;
//! - **PostgreSQL**, for a finance bureau's server, chosen by a `postgres://` URL.
//!
//! The schema evolves by numbered, append-only migrations (`migrations/<backend>/NNNN_*.sql`);
//! opening a store applies the missing ones in order, each in its own transaction. All writes
//! of an import go through one [`Transaction`]: it commits whole or not at all, and a process
//! killed in the middle leaves the store as it was.
//!
//! Money is integer fen, dates are ISO dates, and target values are exact decimals kept as
//! written (`97.50` stays `97.50`).
#![warn(missing_docs)]

pub mod edits;
mod migrations;
mod postgres_store;
mod reads;
mod records;
pub mod sql;
mod sqlite_store;
#[doc(hidden)]
pub mod testing;

pub use migrations::{Migration, MIGRATION_COUNT};
pub use records::*;

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::path::PathBuf;

/// Where a store lives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Location {
    /// A SQLite file.
    Sqlite(PathBuf),
    /// A PostgreSQL connection string (`postgres://…`).
    Postgres(String),
}

/// The SQLite file used when no database is named.
pub const DEFAULT_SQLITE_FILE: &str = "jixiao.db";

impl Location {
    /// Reads a database URL: `postgres://…` / `postgresql://…`, `sqlite:PATH`, or a file path.
    pub fn parse(url: &str) -> Location {
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Location::Postgres(url.to_string())
        } else {
            let path = url
                .strip_prefix("sqlite://")
                .or_else(|| url.strip_prefix("sqlite:"))
                .unwrap_or(url);
            Location::Sqlite(PathBuf::from(path))
        }
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Location::Sqlite(path) => write!(f, "{}（SQLite）", path.display()),
            Location::Postgres(url) => write!(f, "{}（PostgreSQL）", redact(url)),
        }
    }
}

/// A connection string with any password replaced by `***`.
fn redact(url: &str) -> String {
    if let Some((scheme, rest)) = url.split_once("://") {
        if let Some((auth, host)) = rest.split_once('@') {
            if let Some((user, _)) = auth.split_once(':') {
                return format!("{scheme}://{user}:***@{host}");
            }
        }
    }
    url.to_string()
}

/// A failure of the store itself (not of the input), worded for the person running jixiao,
/// with its kind, so a caller can tell a conflict it may retry from a store that is down.
#[derive(Debug)]
pub struct StoreError(pub String, pub ErrorKind);

/// What kind of failure a [`StoreError`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// A row that should be there is not.
    NotFound,
    /// A constraint refused the write (a duplicate key, a concurrent writer).
    Conflict,
    /// The database cannot be reached or is busy.
    Unavailable,
    /// Anything else: a stored value that does not read, a failed migration.
    Other,
}

impl StoreError {
    /// A failure of no particular kind.
    pub fn other(message: impl Into<String>) -> StoreError {
        StoreError(message.into(), ErrorKind::Other)
    }

    /// Its kind.
    pub fn kind(&self) -> ErrorKind {
        self.1
    }
}

impl fmt::Display for StoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for StoreError {}

impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> StoreError {
        use rusqlite::ErrorCode;
        let kind = match &e {
            rusqlite::Error::QueryReturnedNoRows => ErrorKind::NotFound,
            rusqlite::Error::SqliteFailure(f, _) => match f.code {
                ErrorCode::ConstraintViolation => ErrorKind::Conflict,
                ErrorCode::DatabaseBusy
                | ErrorCode::DatabaseLocked
                | ErrorCode::CannotOpen
                | ErrorCode::ReadOnly => ErrorKind::Unavailable,
                _ => ErrorKind::Other,
            },
            _ => ErrorKind::Other,
        };
        StoreError(format!("SQLite 出错：{e}"), kind)
    }
}

impl From<postgres::Error> for StoreError {
    fn from(e: postgres::Error) -> StoreError {
        match e.as_db_error() {
            Some(db) => {
                let code = db.code().code();
                // SQLSTATE class 23: integrity constraints; 40: transaction rollback
                // (serialization, deadlock); 08 and 57: connection and operator intervention.
                let kind = match &code[..2] {
                    "23" | "40" => ErrorKind::Conflict,
                    "08" | "57" | "53" => ErrorKind::Unavailable,
                    _ => ErrorKind::Other,
                };
                StoreError(format!("PostgreSQL 出错：{}（{code}）", db.message()), kind)
            }
            None if e.is_closed() => {
                StoreError(format!("PostgreSQL 出错：{e}"), ErrorKind::Unavailable)
            }
            None => StoreError(format!("PostgreSQL 出错：{e}"), ErrorKind::Other),
        }
    }
}

/// Results of store operations.
pub type Result<T> = std::result::Result<T, StoreError>;

/// Opens the store at `location`, creating it if need be and applying every migration.
pub fn open(location: &Location) -> Result<Box<dyn Store>> {
    open_at_level(location, MIGRATION_COUNT)
}

/// Opens the store applying migrations only up to `level`: how an older jixiao left it.
/// Tests use this to check that an old store is upgraded in place.
pub fn open_at_level(location: &Location, level: u32) -> Result<Box<dyn Store>> {
    match location {
        Location::Sqlite(path) => Ok(Box::new(sqlite_store::SqliteStore::open(path, level)?)),
        Location::Postgres(url) => Ok(Box::new(postgres_store::PostgresStore::open(url, level)?)),
    }
}

/// One store, whichever backend holds it. A store is one connection: a server keeps a pool
/// of them, each used by one request at a time.
pub trait Store: Send {
    /// Where it lives.
    fn location(&self) -> &Location;
    /// The same connection for plain statements ([`sql::Sql`]): the web application's tables.
    fn sql(&mut self) -> &mut dyn sql::Sql;
    /// The number of migrations applied.
    fn migration_level(&mut self) -> Result<u32>;
    /// Starts the one transaction an import writes through; `source` names what is imported.
    fn begin(&mut self, source: &str) -> Result<Box<dyn Transaction + '_>>;

    /// Every department, by code.
    fn departments(&mut self) -> Result<Vec<DepartmentRecord>> {
        reads::departments(self.sql())
    }
    /// Every unit, by code.
    fn units(&mut self) -> Result<Vec<UnitRecord>> {
        reads::units(self.sql())
    }
    /// The projects of `year` (or of every year), by year and code.
    fn projects(&mut self, year: Option<i32>) -> Result<Vec<ProjectRecord>> {
        reads::projects(self.sql(), year)
    }
    /// The performance targets of `year`'s projects, by project code and indicator code.
    fn targets(&mut self, year: Option<i32>) -> Result<Vec<TargetRecord>> {
        reads::targets(self.sql(), year)
    }
    /// The annual goals of `year`'s projects (or of every year's), by project code.
    fn goals(&mut self, year: Option<i32>) -> Result<Vec<GoalRecord>> {
        reads::goals(self.sql(), year)
    }
    /// The 指标库's stored indicators (not the shipped ones), in the order they were added.
    fn library(&mut self) -> Result<Vec<LibraryRecord>> {
        reads::library(self.sql())
    }
    /// Calls `f` for each payment of `year`'s projects, by payment id.
    fn for_each_payment(
        &mut self,
        year: Option<i32>,
        f: &mut dyn FnMut(PaymentRecord),
    ) -> Result<()>;
    /// Every project of `year` with its budget and its payments summed by month, by code.
    fn execution(&mut self, year: i32) -> Result<Vec<ExecutionRow>>;
    /// Each project's payments dated from `from` to `to` (inclusive), by project code: the
    /// part of a month that monthly sums cannot give.
    fn payment_sums(
        &mut self,
        year: i32,
        from: jixiao_domain::date::Date,
        to: jixiao_domain::date::Date,
    ) -> Result<HashMap<String, i64>>;
    /// Progress reports on the indicators of `year`'s projects: with `as_of`, the latest on
    /// each indicator dated no later than it; without, every report. By project, indicator
    /// and date.
    fn progress(
        &mut self,
        year: i32,
        as_of: Option<jixiao_domain::date::Date>,
    ) -> Result<Vec<ProgressRecord>>;
    /// The fiscal years that have projects or datasets.
    fn years(&mut self) -> Result<Vec<i32>> {
        reads::years(self.sql())
    }
    /// The stored self-evaluation datasets: (department code, year).
    fn datasets(&mut self) -> Result<Vec<(String, i32)>> {
        reads::datasets(self.sql())
    }
    /// A stored dataset's files, by file name.
    fn dataset_files(
        &mut self,
        department: &str,
        year: i32,
    ) -> Result<Option<BTreeMap<String, String>>> {
        reads::dataset_files(self.sql(), department, year)
    }
    /// The evaluations saved for a department's year, newest first, with their items.
    fn evaluations(&mut self, department: &str, year: i32) -> Result<Vec<EvaluationRecord>> {
        reads::evaluations(self.sql(), department, year)
    }
    /// Counts and a digest of every row: equal digests mean equal contents. For tests and
    /// for `jixiao store status`.
    fn digest(&mut self) -> Result<Digest>;
}

/// Where [`Transaction::add_payments`] sends each payment: its row and the payment.
pub type PaymentSink<'s> = dyn FnMut(u64, &NewPayment<'_>) -> Result<()> + 's;
/// What [`Transaction::add_payments`] calls once, with the sink for every payment.
pub type PaymentFeed<'f> = dyn FnMut(&mut PaymentSink<'_>) -> Result<()> + 'f;

/// The writes of one import. Dropped without [`Transaction::commit`], it changes nothing.
pub trait Transaction {
    /// The id of this import's batch (payments and dataset files record it).
    fn batch_id(&self) -> i64;
    /// Which engine runs this transaction.
    fn backend(&self) -> sql::Backend;
    /// A plain statement's rows, inside this transaction (see [`sql::InTransaction`]).
    fn query_sql(&mut self, sql: &str, params: &[sql::Value]) -> Result<Vec<Vec<sql::Value>>>;
    /// A plain statement inside this transaction; the rows it changed.
    fn execute_sql(&mut self, sql: &str, params: &[sql::Value]) -> Result<u64>;
    /// Inserts or updates departments (a name or region left empty keeps the stored one).
    fn put_departments(&mut self, d: &[DepartmentRecord]) -> Result<()>;
    /// Inserts or updates units (their departments, and parents, must exist or come first).
    fn put_units(&mut self, u: &[UnitRecord]) -> Result<()>;
    /// Inserts or updates projects, keyed by year and code (no code twice in one call).
    fn put_projects(&mut self, p: &[ProjectRecord]) -> Result<()>;
    /// Project ids by code for `year`, including those written in this transaction.
    fn project_ids(&mut self, year: i32) -> Result<HashMap<String, i64>>;
    /// (project code, indicator code) of every target of `year`, including those written in
    /// this transaction.
    fn target_keys(&mut self, year: i32) -> Result<Vec<(String, String)>>;
    /// Inserts or updates performance targets, each with the id of its project.
    fn put_targets(&mut self, t: &[(i64, TargetRecord)]) -> Result<()>;
    /// Adds a payment read from row `row` of the import. A payment id already stored by an
    /// earlier import is skipped (or reported, if its contents differ); one repeated within
    /// this import is reported. See [`Transaction::finish_payments`].
    fn add_payment(&mut self, row: u64, p: &NewPayment<'_>) -> Result<()>;
    /// Adds every payment `feed` hands to the sink it is given, as [`Self::add_payment`]
    /// would one by one (which is what this default does). A backend that can take them as
    /// one stream overrides it: `feed` calls the sink for each payment, in the order of the
    /// file, and returns the first error the sink gave.
    fn add_payments(&mut self, feed: &mut PaymentFeed<'_>) -> Result<()> {
        feed(&mut |row, p| self.add_payment(row, p))
    }
    /// Ends the payments of this import and says what happened to them.
    fn finish_payments(&mut self) -> Result<PaymentSummary>;
    /// Inserts or updates indicator progress reports (by project, date and indicator), each
    /// with the id of its project.
    fn put_progress(&mut self, rows: &[(i64, ProgressRecord)]) -> Result<()>;
    /// Stores (replacing) a department's self-evaluation dataset files for `year`.
    fn put_dataset(
        &mut self,
        department: &str,
        year: i32,
        files: &BTreeMap<String, String>,
    ) -> Result<()>;
    /// Saves an evaluation and its items; returns its id.
    fn save_evaluation(&mut self, e: &EvaluationRecord) -> Result<i64>;
    /// Makes every write of this transaction permanent.
    fn commit(self: Box<Self>) -> Result<()>;
}

/// Today's date and time in UTC as `YYYY-MM-DDTHH:MM:SSZ`, for batch and evaluation stamps.
pub fn now_utc() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0);
    let (days, rem) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    let date = jixiao_domain::date::Date::from_days_since_epoch(days);
    format!(
        "{date}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

/// The queries a digest reads, table by table. Standard SQL, the same on both backends;
/// every column is text so that both give the same canonical form. Surrogate ids and batch
/// numbers are left out: two stores with the same contents have the same digest.
const DIGEST_QUERIES: [(&str, &str); 11] = [
    (
        "departments",
        "SELECT code, name, region_code FROM departments",
    ),
    (
        "units",
        "SELECT code, name, department_code, parent_code, region_code FROM units",
    ),
    (
        "projects",
        "SELECT CAST(year AS TEXT), code, unit_code, name, kind, fund_source, \
         CAST(initial_budget AS TEXT), CAST(adjusted_budget AS TEXT) FROM projects",
    ),
    (
        "indicators",
        "SELECT CAST(p.year AS TEXT), p.code, i.code, i.level1, i.level2, i.name, i.direction, \
         CAST(i.target AS TEXT), CAST(i.actual AS TEXT), CAST(i.weight AS TEXT) \
         FROM indicators i JOIN projects p ON p.id = i.project_id",
    ),
    (
        "payments",
        "SELECT x.payment_id, CAST(p.year AS TEXT), p.code, CAST(x.pay_date AS TEXT), \
         CAST(x.amount AS TEXT) FROM payments x JOIN projects p ON p.id = x.project_id",
    ),
    (
        "project_execution",
        "SELECT CAST(p.year AS TEXT), p.code, CAST(e.m01 AS TEXT), CAST(e.m02 AS TEXT), \
         CAST(e.m03 AS TEXT), CAST(e.m04 AS TEXT), CAST(e.m05 AS TEXT), CAST(e.m06 AS TEXT), \
         CAST(e.m07 AS TEXT), CAST(e.m08 AS TEXT), CAST(e.m09 AS TEXT), CAST(e.m10 AS TEXT), \
         CAST(e.m11 AS TEXT), CAST(e.m12 AS TEXT) \
         FROM project_execution e JOIN projects p ON p.id = e.project_id",
    ),
    (
        "monitoring_entries",
        "SELECT CAST(p.year AS TEXT), p.code, CAST(m.as_of AS TEXT), m.indicator_code, \
         CAST(m.value AS TEXT), m.note, m.likelihood, m.reason_category, m.measures \
         FROM monitoring_entries m JOIN projects p ON p.id = m.project_id",
    ),
    (
        "project_goals",
        "SELECT CAST(p.year AS TEXT), p.code, g.goal FROM project_goals g \
         JOIN projects p ON p.id = g.project_id",
    ),
    (
        "library_indicators",
        "SELECT code, level1, level2, name, value_hint, standard, function_subject, sector, \
         purpose FROM library_indicators",
    ),
    (
        "dataset_files",
        "SELECT department_code, CAST(year AS TEXT), file_name, content FROM dataset_files",
    ),
    (
        "evaluation_items",
        "SELECT e.department_code, CAST(e.year AS TEXT), e.framework, e.evaluated_at, e.total, \
         e.grade, CAST(i.seq AS TEXT), i.item_id, i.name, i.weight, i.value, i.score, \
         i.loss_reason, i.derivation FROM evaluation_items i JOIN evaluations e ON e.id = i.evaluation_id",
    ),
];

/// The monthly sums as written back: `project_execution (project_id, m01, …, m12)`.
pub(crate) const MONTH_COLUMNS: &str = "m01, m02, m03, m04, m05, m06, m07, m08, m09, m10, m11, m12";

/// Each project's new payments by month, by project id: a dense table for the ids a store
/// hands out (small integers), so that adding a payment touches one place in memory, and a
/// map for any other.
#[derive(Default)]
pub(crate) struct MonthSums {
    dense: Vec<[i64; 12]>,
    used: Vec<bool>,
    sparse: HashMap<i64, [i64; 12]>,
}

/// Ids below this are kept in the dense table (at most 96 MB of sums).
const DENSE_IDS: i64 = 1 << 20;

impl MonthSums {
    /// The sums of `project_id`, created at zero.
    pub(crate) fn entry(&mut self, project_id: i64) -> &mut [i64; 12] {
        if (0..DENSE_IDS).contains(&project_id) {
            let i = project_id as usize;
            if i >= self.dense.len() {
                let len = (i + 1).next_power_of_two();
                self.dense.resize(len, [0; 12]);
                self.used.resize(len, false);
            }
            self.used[i] = true;
            &mut self.dense[i]
        } else {
            self.sparse.entry(project_id).or_insert([0; 12])
        }
    }

    /// Every project with sums, and its sums.
    pub(crate) fn drain(&mut self) -> Vec<(i64, [i64; 12])> {
        let mut out: Vec<(i64, [i64; 12])> = self
            .dense
            .iter()
            .zip(&self.used)
            .enumerate()
            .filter(|(_, (_, used))| **used)
            .map(|(i, (m, _))| (i as i64, *m))
            .collect();
        out.extend(self.sparse.drain());
        *self = MonthSums::default();
        out
    }
}

/// Adds a payment to a project's monthly sums.
pub(crate) fn add_to_month(
    months: &mut MonthSums,
    project_id: i64,
    date: jixiao_domain::date::Date,
    amount: i64,
) {
    months.entry(project_id)[date.month() as usize - 1] += amount;
}

/// The SQL that reads execution rows for a year (`?1`/`$1` is the year); both backends.
pub(crate) fn execution_sql(param: &str, order: &str) -> String {
    format!(
        "SELECT p.code, p.unit_code, u.department_code, u.region_code, p.fund_source, p.kind,
                p.adjusted_budget, {cols}
         FROM projects p JOIN units u ON u.code = p.unit_code
         LEFT JOIN project_execution e ON e.project_id = p.id
         WHERE p.year = {param} ORDER BY p.code{order}",
        cols = MONTH_COLUMNS
            .split(", ")
            .map(|m| format!("COALESCE(e.{m}, 0)"))
            .collect::<Vec<_>>()
            .join(", ")
    )
}

/// The SQL reading the latest progress report per indicator up to a date (both backends;
/// the year and the date are parameters 1 and 2, written `p1`, `p2`).
pub(crate) fn progress_sql(p1: &str, p2: Option<&str>, cast: &str, collate: &str) -> String {
    let latest = match p2 {
        Some(p2) => format!(
            "AND m.as_of <= {p2}{cast}
             AND m.as_of = (SELECT MAX(n.as_of) FROM monitoring_entries n
                            WHERE n.project_id = m.project_id
                              AND n.indicator_code = m.indicator_code AND n.as_of <= {p2}{cast})"
        ),
        None => String::new(),
    };
    format!(
        "SELECT p.code, m.indicator_code, CAST(m.as_of AS TEXT), CAST(m.value AS TEXT),
                m.likelihood, m.reason_category, m.note, m.measures
         FROM monitoring_entries m JOIN projects p ON p.id = m.project_id
         WHERE p.year = {p1} AND m.indicator_code <> '' {latest}
         ORDER BY p.code{collate}, m.indicator_code{collate}, m.as_of"
    )
}

/// Builds a digest from the rows of each [`DIGEST_QUERIES`] entry, whatever their order.
fn digest_with(
    mut rows_of: impl FnMut(&str, &mut dyn FnMut(&[Option<String>])) -> Result<()>,
) -> Result<Digest> {
    let mut counts = BTreeMap::new();
    let mut hash = 0u64;
    for (table, sql) in DIGEST_QUERIES {
        let mut count = 0u64;
        rows_of(sql, &mut |row| {
            let mut h = records::Hasher::new();
            h.field(table);
            for field in row {
                h.field(field.as_deref().unwrap_or("\u{0}NULL"));
            }
            // Summing row hashes makes the digest independent of row order (and of collation).
            hash = hash.wrapping_add(h.0.wrapping_mul(0x9e37_79b9_7f4a_7c15));
            count += 1;
        })?;
        counts.insert(table, count);
    }
    Ok(Digest { counts, hash })
}
