//! The PostgreSQL backend, for a finance bureau's server.
//!
//! An import is one transaction. Payments stream by `COPY` straight into `payments`, a chunk
//! at a time, each chunk under its own savepoint. New payments — the common case, a month's
//! file after the previous months — cost nothing more. When a chunk meets an id already
//! stored (a file imported again) or repeated, that chunk and the rest go to a temporary
//! staging table instead, and set-based statements at the end find repeats and conflicts and
//! skip what is stored: the same answers the SQLite backend gives row by row.

use crate::migrations::{too_new, LEDGER, MIGRATIONS};
use crate::records::{self, *};
use crate::{
    add_to_month, digest_with, execution_sql, now_utc, progress_sql, Location, MonthSums,
    PaymentFeed, Result, Store, StoreError, Transaction, MONTH_COLUMNS,
};
use jixiao_domain::money::Fen;
use postgres::error::SqlState;
use postgres::fallible_iterator::FallibleIterator;
use postgres::types::ToSql;
use postgres::{Client, NoTls};
use std::collections::{BTreeMap, HashMap};
use std::io::Write;

/// Serialises migrations between processes that open the same database at once.
const MIGRATION_LOCK: i64 = 0x6a69_7869_616f; // "jixiao"

/// Flush staged payments to the server in pieces of about this many bytes.
const COPY_CHUNK: usize = 8 << 20;

pub(crate) struct PostgresStore {
    location: Location,
    client: Client,
    /// The migrations this store is used at (fewer only in tests of upgrades).
    level: u32,
    /// Statements prepared on this connection by [`crate::sql::Sql`], by their text.
    statements: HashMap<String, postgres::Statement>,
}

impl PostgresStore {
    pub(crate) fn open(url: &str, level: u32) -> Result<PostgresStore> {
        let client = Client::connect(url, NoTls).map_err(|e| {
            StoreError(
                format!("无法连接 PostgreSQL（{}）：{e}", crate::redact(url)),
                crate::ErrorKind::Unavailable,
            )
        })?;
        let mut store = PostgresStore {
            location: Location::Postgres(url.to_string()),
            client,
            level,
            statements: HashMap::new(),
        };
        store.migrate(level)?;
        Ok(store)
    }

    fn migrate(&mut self, level: u32) -> Result<()> {
        let mut tx = self.client.transaction()?;
        tx.execute("SELECT pg_advisory_xact_lock($1)", &[&MIGRATION_LOCK])?;
        tx.batch_execute(LEDGER)?;
        let current: i32 = tx
            .query_one(
                "SELECT COALESCE(MAX(version), 0) FROM schema_migrations",
                &[],
            )?
            .get(0);
        let current = current as u32;
        if current > crate::MIGRATION_COUNT {
            return Err(too_new(current));
        }
        for m in MIGRATIONS
            .iter()
            .filter(|m| m.version > current && m.version <= level)
        {
            let mut step = tx.transaction()?;
            step.batch_execute(m.postgres)
                .map_err(|e| StoreError::other(format!("数据库迁移 {} 失败：{e}", m.name)))?;
            step.execute(
                "INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)",
                &[&(m.version as i32), &m.name, &now_utc()],
            )?;
            step.commit()?;
        }
        tx.commit()?;
        Ok(())
    }

    fn text_rows(&mut self, sql: &str, f: &mut dyn FnMut(&[Option<String>])) -> Result<()> {
        let mut rows = self
            .client
            .query_raw(sql, std::iter::empty::<&dyn ToSql>())?;
        let mut buf: Vec<Option<String>> = Vec::new();
        while let Some(row) = rows.next()? {
            buf.clear();
            for i in 0..row.len() {
                buf.push(row.get::<_, Option<String>>(i));
            }
            f(&buf);
        }
        Ok(())
    }
}

impl Store for PostgresStore {
    fn location(&self) -> &Location {
        &self.location
    }

    fn sql(&mut self) -> &mut dyn crate::sql::Sql {
        self
    }

    fn migration_level(&mut self) -> Result<u32> {
        let level: i32 = self
            .client
            .query_one(
                "SELECT COALESCE(MAX(version), 0) FROM schema_migrations",
                &[],
            )?
            .get(0);
        Ok(level as u32)
    }

    fn begin(&mut self, source: &str) -> Result<Box<dyn Transaction + '_>> {
        let mut tx = self.client.transaction()?;
        let batch: i64 = tx
            .query_one(
                "INSERT INTO import_batches (source, started_at) VALUES ($1, $2) RETURNING id",
                &[&source, &now_utc()],
            )?
            .get(0);
        Ok(Box::new(PostgresTx {
            tx: Some(tx),
            batch,
            staged: Vec::new(),
            staging: false,
            direct: true,
            direct_rows: 0,
            fresh: [true; 3],
            months: MonthSums::default(),

            keeps_months: self.level >= 3,
            chunk_rows: Vec::new(),
            looked_at_projects: false,
            unit_key_deferred: false,
        }))
    }

    fn for_each_payment(
        &mut self,
        year: Option<i32>,
        f: &mut dyn FnMut(PaymentRecord),
    ) -> Result<()> {
        let mut rows = self.client.query_raw(
            "SELECT x.payment_id, p.code, x.pay_date::text, x.amount
             FROM payments x JOIN projects p ON p.id = x.project_id
             WHERE ($1::int IS NULL OR p.year = $1) ORDER BY x.payment_id COLLATE \"C\"",
            [&year as &dyn ToSql],
        )?;
        while let Some(r) = rows.next()? {
            f(PaymentRecord {
                payment_id: r.get(0),
                project_code: r.get(1),
                pay_date: records::date(r.get(2))?,
                amount: Fen(r.get(3)),
            });
        }
        Ok(())
    }

    fn execution(&mut self, year: i32) -> Result<Vec<ExecutionRow>> {
        let mut rows = self.client.query_raw(
            &execution_sql("$1", " COLLATE \"C\""),
            [&year as &dyn ToSql],
        )?;
        let mut out = Vec::new();
        let mut names = records::Interner::default();
        while let Some(r) = rows.next()? {
            let mut months = [0i64; 12];
            for (m, v) in months.iter_mut().enumerate() {
                *v = r.get(7 + m);
            }
            out.push(ExecutionRow {
                project_code: r.get(0),
                unit_code: names.get(r.get(1)),
                department_code: names.get(r.get(2)),
                region_code: names.get(r.get(3)),
                fund_source: records::fund_source(r.get(4))?,
                kind: records::kind(r.get(5))?,
                budget: Fen(r.get(6)),
                months,
            });
        }
        Ok(out)
    }

    fn payment_sums(
        &mut self,
        year: i32,
        from: jixiao_domain::date::Date,
        to: jixiao_domain::date::Date,
    ) -> Result<HashMap<String, i64>> {
        Ok(self
            .client
            .query(
                "SELECT p.code, SUM(x.amount)::bigint FROM payments x
                 JOIN projects p ON p.id = x.project_id
                 WHERE p.year = $1 AND x.pay_date BETWEEN $2::text::date AND $3::text::date
                 GROUP BY p.code",
                &[&year, &from.to_string(), &to.to_string()],
            )?
            .iter()
            .map(|r| (r.get(0), r.get(1)))
            .collect())
    }

    fn progress(
        &mut self,
        year: i32,
        as_of: Option<jixiao_domain::date::Date>,
    ) -> Result<Vec<ProgressRecord>> {
        let sql = progress_sql("$1", as_of.map(|_| "$2"), "::text::date", " COLLATE \"C\"");
        let date = as_of.map(|d| d.to_string());
        let rows = match &date {
            Some(d) => self.client.query(&sql, &[&year, d])?,
            None => self.client.query(&sql, &[&year])?,
        };
        rows.iter()
            .map(|r| {
                Ok(ProgressRecord {
                    project_code: r.get(0),
                    indicator_code: r.get(1),
                    as_of: records::date(r.get(2))?,
                    actual: records::decimal(r.get(3))?,
                    likelihood: records::likelihood(r.get(4))?,
                    reason_category: r.get(5),
                    reason: r.get(6),
                    measures: r.get(7),
                })
            })
            .collect()
    }

    fn digest(&mut self) -> Result<Digest> {
        digest_with(|sql, f| self.text_rows(sql, f))
    }
}

struct PostgresTx<'a> {
    /// `None` once committed.
    tx: Option<postgres::Transaction<'a>>,
    batch: i64,
    /// Payments not yet sent, in COPY text format.
    staged: Vec<u8>,
    /// Whether the staging table exists in this transaction.
    staging: bool,
    /// Whether chunks still go straight into `payments`.
    direct: bool,
    /// Payments written straight into `payments`.
    direct_rows: u64,
    /// Whether projects, indicators and monthly sums still go straight in (none met a stored
    /// key yet).
    fresh: [bool; 3],
    /// New payments summed by project and month: those written directly, and those of the
    /// chunk on its way (taken back should it fail).
    months: MonthSums,

    /// Whether the store has monthly sums (migration 3) to keep.
    keeps_months: bool,
    /// The payments of the chunk on its way: project, month, amount.
    chunk_rows: Vec<(i64, u8, i64)>,
    /// Whether the first projects of this import were looked at ([`Self::first_projects`]).
    looked_at_projects: bool,
    /// Whether the projects' reference to their units is checked once, before the commit,
    /// instead of row by row.
    unit_key_deferred: bool,
}

/// Appends one row in `COPY … FROM STDIN` text format; `None` is SQL NULL.
fn row(b: &mut Vec<u8>, fields: &[Option<&str>]) {
    for (i, f) in fields.iter().enumerate() {
        if i > 0 {
            b.push(b'\t');
        }
        match f {
            Some(text) => copy_text(b, text),
            None => b.extend_from_slice(b"\\N"),
        }
    }
    b.push(b'\n');
}

/// Appends a text field, escaping what `COPY` text format gives meaning to.
fn copy_text(b: &mut Vec<u8>, text: &str) {
    for c in text.bytes() {
        match c {
            b'\\' => b.extend_from_slice(b"\\\\"),
            b'\t' => b.extend_from_slice(b"\\t"),
            b'\n' => b.extend_from_slice(b"\\n"),
            b'\r' => b.extend_from_slice(b"\\r"),
            _ => b.push(c),
        }
    }
}

impl<'a> PostgresTx<'a> {
    /// Copies `data` straight into `table` while no row of this kind has met a stored key (a
    /// first import); from the first that does, goes through [`Self::stage_upsert`].
    fn direct_or_upsert(
        &mut self,
        kind: usize,
        table: &str,
        stage: &str,
        data: &[u8],
        upsert: &str,
    ) -> Result<()> {
        if data.is_empty() {
            return Ok(());
        }
        if self.fresh[kind] {
            let mut chunk = self.t()?.transaction()?;
            let copied = (|| {
                let mut w = chunk.copy_in(&format!("COPY {table} FROM STDIN"))?;
                let _ = w.write_all(data);
                w.finish()
            })();
            match copied {
                Ok(_) => return Ok(chunk.commit()?),
                Err(e) if e.code() == Some(&SqlState::UNIQUE_VIOLATION) => {
                    chunk.rollback()?;
                    self.fresh[kind] = false;
                }
                Err(e) => return Err(e.into()),
            }
        }
        self.stage_upsert(stage, data, upsert)
    }

    /// Sends `data` (COPY text rows) into a temporary table declared by `stage`, then runs
    /// `upsert` to move them into place: one round trip per batch, not per row.
    fn stage_upsert(&mut self, stage: &str, data: &[u8], upsert: &str) -> Result<()> {
        if data.is_empty() {
            return Ok(());
        }
        let name = stage
            .split_whitespace()
            .next()
            .unwrap_or_default()
            .to_string();
        let tx = self.t()?;
        tx.batch_execute(&format!(
            "CREATE TEMP TABLE IF NOT EXISTS {stage} ON COMMIT DROP; TRUNCATE {name}"
        ))?;
        let mut w = tx.copy_in(&format!("COPY {name} FROM STDIN"))?;
        w.write_all(data)
            .map_err(|e| StoreError::other(format!("向 PostgreSQL 发送数据失败：{e}")))?;
        w.finish()?;
        tx.batch_execute(upsert)?;
        Ok(())
    }

    fn t(&mut self) -> Result<&mut postgres::Transaction<'a>> {
        self.tx
            .as_mut()
            .ok_or_else(|| StoreError::other("事务已提交"))
    }

    fn flush(&mut self) -> Result<()> {
        if self.staged.is_empty() {
            return Ok(());
        }
        let staged = std::mem::take(&mut self.staged);
        if self.direct {
            let tx = self.t()?;
            let mut chunk = tx.transaction()?;
            match copy(&mut chunk, PAYMENT_COPY, &staged) {
                Ok(n) => {
                    chunk.commit()?;
                    self.direct_rows += n;
                }
                Err(e) if e.code() == Some(&SqlState::UNIQUE_VIOLATION) => {
                    chunk.rollback()?;
                    self.direct = false;
                    // The chunk's payments were counted as they came; they are not in.
                    for &(project, month, amount) in &self.chunk_rows {
                        self.months.entry(project)[usize::from(month) - 1] -= amount;
                    }
                }
                Err(e) => return Err(e.into()),
            }
        }
        // Staged payments are summed by the database once it knows which are new.
        self.chunk_rows.clear();
        if !self.direct {
            if !self.staging {
                self.t()?.batch_execute(
                    "CREATE TEMP TABLE jixiao_staging_payments (
                         row_no BIGINT, payment_id TEXT COLLATE \"C\", project_id BIGINT,
                         pay_date DATE, amount BIGINT, batch_id BIGINT
                     ) ON COMMIT DROP",
                )?;
                self.staging = true;
            }
            copy(self.t()?, STAGING_COPY, &staged)?;
        }
        self.staged = staged;
        self.staged.clear();
        Ok(())
    }
}

/// Appends one payment in COPY's binary format: the server converts nothing, which is most of
/// its work.
fn binary_payment(b: &mut Vec<u8>, row: u64, p: &NewPayment<'_>, batch: i64) {
    let int8 = |b: &mut Vec<u8>, v: i64| {
        b.extend_from_slice(&8i32.to_be_bytes());
        b.extend_from_slice(&v.to_be_bytes());
    };
    b.extend_from_slice(&6i16.to_be_bytes());
    int8(b, row as i64);
    b.extend_from_slice(&(p.payment_id.len() as i32).to_be_bytes());
    b.extend_from_slice(p.payment_id.as_bytes());
    int8(b, p.project_id);
    b.extend_from_slice(&4i32.to_be_bytes());
    b.extend_from_slice(&days_since_2000(p.pay_date).to_be_bytes());
    int8(b, p.amount.0);
    int8(b, batch);
}

/// The projects' reference to their units, as migration 1 declares it.
const UNIT_KEY_ADD: &str = "ALTER TABLE projects ADD CONSTRAINT projects_unit_code_fkey \
     FOREIGN KEY (unit_code) REFERENCES units (code)";

/// The header and the trailer of COPY's binary format.
const BINARY_HEADER: &[u8] = b"PGCOPY\n\xff\r\n\0\0\0\0\0\0\0\0\0";
const BINARY_TRAILER: [u8; 2] = (-1i16).to_be_bytes();

/// The first import of payments into a store: the stream goes into `payments` frozen and
/// without its key, which is built once at the end (PostgreSQL's advice for populating a
/// database), instead of being checked row by row.
const BULK_COPY: &str = "COPY payments \
     (source_row, payment_id, project_id, pay_date, amount, batch_id) FROM STDIN \
     (FORMAT binary, FREEZE)";

/// A first import's stream is written to the server in pieces of about this many bytes.
const STREAM_PIECE: usize = 1 << 20;

/// The memory the key of a first import is sorted in (PostgreSQL's default is 64 MB, which
/// sends a province's 20 million payment ids to disk).
const KEY_BUILD_MEMORY: &str = "SET LOCAL maintenance_work_mem = '1GB'";

const PAYMENT_COPY: &str = "COPY payments \
     (source_row, payment_id, project_id, pay_date, amount, batch_id) FROM STDIN (FORMAT binary)";
const STAGING_COPY: &str = "COPY jixiao_staging_payments \
     (row_no, payment_id, project_id, pay_date, amount, batch_id) FROM STDIN (FORMAT binary)";

/// Sends rows in COPY's binary format (header and trailer added here); the rows written, or
/// the server's error (not the socket's).
fn copy(
    tx: &mut postgres::Transaction<'_>,
    statement: &str,
    rows: &[u8],
) -> std::result::Result<u64, postgres::Error> {
    let mut w = tx.copy_in(statement)?;
    // After a server-side error the rest of the data is discarded; `finish` reports it.
    let _ = w
        .write_all(BINARY_HEADER)
        .and_then(|()| w.write_all(rows))
        .and_then(|()| w.write_all(&BINARY_TRAILER));
    w.finish()
}

/// A date as PostgreSQL's binary format has it: days since 2000-01-01.
fn days_since_2000(d: jixiao_domain::date::Date) -> i32 {
    // Days from the civil date (Howard Hinnant's algorithm), shifted to 2000-01-01.
    let (y, m, day) = (
        i64::from(d.year()),
        i64::from(d.month()),
        i64::from(d.day()),
    );
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let unix_days = era * 146_097 + doe - 719_468;
    (unix_days - 10_957) as i32
}

impl Transaction for PostgresTx<'_> {
    fn batch_id(&self) -> i64 {
        self.batch
    }

    fn backend(&self) -> crate::sql::Backend {
        crate::sql::Backend::Postgres
    }

    fn query_sql(
        &mut self,
        sql: &str,
        params: &[crate::sql::Value],
    ) -> Result<Vec<Vec<crate::sql::Value>>> {
        let tx = self.t()?;
        let refs: Vec<&(dyn ToSql + Sync)> = params.iter().map(|p| p as _).collect();
        Ok(pg_values(tx.query(sql, &refs)?))
    }

    fn execute_sql(&mut self, sql: &str, params: &[crate::sql::Value]) -> Result<u64> {
        let tx = self.t()?;
        let refs: Vec<&(dyn ToSql + Sync)> = params.iter().map(|p| p as _).collect();
        Ok(tx.execute(sql, &refs)?)
    }

    fn put_departments(&mut self, ds: &[DepartmentRecord]) -> Result<()> {
        let mut b = Vec::new();
        for d in ds {
            row(
                &mut b,
                &[Some(&d.code), Some(&d.name), Some(&d.region_code)],
            );
        }
        self.stage_upsert(
            "jixiao_stage_departments (code TEXT, name TEXT, region_code TEXT)",
            &b,
            "INSERT INTO departments (code, name, region_code)
             SELECT code, name, region_code FROM jixiao_stage_departments
             ON CONFLICT (code) DO UPDATE SET
               name = CASE WHEN excluded.name <> '' THEN excluded.name ELSE departments.name END,
               region_code = CASE WHEN excluded.region_code <> '' THEN excluded.region_code
                             ELSE departments.region_code END",
        )
    }

    fn put_units(&mut self, us: &[UnitRecord]) -> Result<()> {
        let mut b = Vec::new();
        for u in us {
            row(
                &mut b,
                &[
                    Some(&u.code),
                    Some(&u.name),
                    Some(&u.department_code),
                    u.parent_code.as_deref(),
                    Some(&u.region_code),
                ],
            );
        }
        // Parents first, so that a unit's parent exists when the unit is written.
        self.stage_upsert(
            "jixiao_stage_units (code TEXT, name TEXT, department_code TEXT, parent_code TEXT,
                                 region_code TEXT)",
            &b,
            "INSERT INTO units (code, name, department_code, parent_code, region_code)
             SELECT code, name, department_code, parent_code, region_code FROM jixiao_stage_units
             ORDER BY parent_code IS NOT NULL
             ON CONFLICT (code) DO UPDATE SET name = excluded.name,
               department_code = excluded.department_code, parent_code = excluded.parent_code,
               region_code = excluded.region_code",
        )
    }

    fn put_projects(&mut self, ps: &[ProjectRecord]) -> Result<()> {
        let mut b = Vec::new();
        for p in ps {
            let year = p.year.to_string();
            let initial = p.initial_budget.0.to_string();
            let adjusted = p.adjusted_budget.0.to_string();
            row(
                &mut b,
                &[
                    Some(&year),
                    Some(&p.code),
                    Some(&p.unit_code),
                    Some(&p.name),
                    Some(p.kind.id()),
                    Some(p.fund_source.id()),
                    Some(&initial),
                    Some(&adjusted),
                ],
            );
        }
        self.first_projects()?;
        self.direct_or_upsert(
            0,
            "projects (year, code, unit_code, name, kind, fund_source, initial_budget, adjusted_budget)",
            "jixiao_stage_projects (year INTEGER, code TEXT, unit_code TEXT, name TEXT, kind TEXT,
                                    fund_source TEXT, initial_budget BIGINT, adjusted_budget BIGINT)",
            &b,
            "INSERT INTO projects (year, code, unit_code, name, kind, fund_source,
                                   initial_budget, adjusted_budget)
             SELECT year, code, unit_code, name, kind, fund_source, initial_budget, adjusted_budget
             FROM jixiao_stage_projects
             ON CONFLICT (year, code) DO UPDATE SET unit_code = excluded.unit_code,
               name = excluded.name, kind = excluded.kind, fund_source = excluded.fund_source,
               initial_budget = excluded.initial_budget, adjusted_budget = excluded.adjusted_budget",
        )
    }

    fn project_ids(&mut self, year: i32) -> Result<HashMap<String, i64>> {
        Ok(self
            .t()?
            .query("SELECT code, id FROM projects WHERE year = $1", &[&year])?
            .iter()
            .map(|r| (r.get(0), r.get(1)))
            .collect())
    }

    fn target_keys(&mut self, year: i32) -> Result<Vec<(String, String)>> {
        Ok(self
            .t()?
            .query(
                "SELECT p.code, i.code FROM indicators i JOIN projects p ON p.id = i.project_id
                 WHERE p.year = $1",
                &[&year],
            )?
            .iter()
            .map(|r| (r.get(0), r.get(1)))
            .collect())
    }

    fn put_targets(&mut self, ts: &[(i64, TargetRecord)]) -> Result<()> {
        let mut b = Vec::new();
        for (project_id, t) in ts {
            let id = project_id.to_string();
            let target = t.target.to_string();
            let actual = t.actual.map(|a| a.to_string());
            let weight = t.weight.to_string();
            row(
                &mut b,
                &[
                    Some(&id),
                    Some(&t.code),
                    Some(&t.level1),
                    Some(&t.level2),
                    Some(&t.name),
                    Some(t.direction.id()),
                    Some(&target),
                    actual.as_deref(),
                    Some(&weight),
                ],
            );
        }
        self.direct_or_upsert(
            1,
            "indicators (project_id, code, level1, level2, name, direction, target, actual, weight)",
            "jixiao_stage_indicators (project_id BIGINT, code TEXT, level1 TEXT, level2 TEXT,
                                      name TEXT, direction TEXT, target NUMERIC, actual NUMERIC,
                                      weight NUMERIC)",
            &b,
            "INSERT INTO indicators (project_id, code, level1, level2, name, direction, target,
                                     actual, weight)
             SELECT project_id, code, level1, level2, name, direction, target, actual, weight
             FROM jixiao_stage_indicators
             ON CONFLICT (project_id, code) DO UPDATE SET level1 = excluded.level1,
               level2 = excluded.level2, name = excluded.name, direction = excluded.direction,
               target = excluded.target, actual = excluded.actual, weight = excluded.weight",
        )
    }

    fn add_payment(&mut self, row: u64, p: &NewPayment<'_>) -> Result<()> {
        if self.direct {
            // Counted now, in the one map; taken back if the chunk cannot go in directly.
            add_to_month(&mut self.months, p.project_id, p.pay_date, p.amount.0);
            self.chunk_rows
                .push((p.project_id, p.pay_date.month() as u8, p.amount.0));
        }
        binary_payment(&mut self.staged, row, p, self.batch);
        if self.staged.len() >= COPY_CHUNK {
            self.flush()?;
        }
        Ok(())
    }

    fn add_payments(&mut self, feed: &mut PaymentFeed<'_>) -> Result<()> {
        if self.first_payments()? {
            self.bulk_payments(feed)
        } else {
            feed(&mut |row, p| self.add_payment(row, p))
        }
    }

    fn put_progress(&mut self, rows: &[(i64, ProgressRecord)]) -> Result<()> {
        let mut b = Vec::new();
        for (project_id, r) in rows {
            let (id, date, value) = (
                project_id.to_string(),
                r.as_of.to_string(),
                r.actual.to_string(),
            );
            row(
                &mut b,
                &[
                    Some(&id),
                    Some(&date),
                    Some(&r.indicator_code),
                    Some(&value),
                    Some(&r.reason),
                    Some(r.likelihood.label()),
                    Some(&r.reason_category),
                    Some(&r.measures),
                ],
            );
        }
        self.stage_upsert(
            "jixiao_stage_progress (project_id BIGINT, as_of DATE, indicator_code TEXT,
                                    value NUMERIC, note TEXT, likelihood TEXT,
                                    reason_category TEXT, measures TEXT)",
            &b,
            "INSERT INTO monitoring_entries (project_id, as_of, indicator_code, value, note,
                                             likelihood, reason_category, measures)
             SELECT project_id, as_of, indicator_code, value, note, likelihood, reason_category,
                    measures FROM jixiao_stage_progress
             ON CONFLICT (project_id, as_of, indicator_code) DO UPDATE SET value = excluded.value,
               note = excluded.note, likelihood = excluded.likelihood,
               reason_category = excluded.reason_category, measures = excluded.measures",
        )
    }

    fn put_dataset(
        &mut self,
        department: &str,
        year: i32,
        files: &BTreeMap<String, String>,
    ) -> Result<()> {
        let batch = self.batch;
        let tx = self.t()?;
        tx.execute(
            "DELETE FROM dataset_files WHERE department_code = $1 AND year = $2",
            &[&department, &year],
        )?;
        for (name, content) in files {
            tx.execute(
                "INSERT INTO dataset_files (department_code, year, file_name, content, batch_id)
                 VALUES ($1, $2, $3, $4, $5)",
                &[&department, &year, name, content, &batch],
            )?;
        }
        Ok(())
    }

    fn save_evaluation(&mut self, e: &EvaluationRecord) -> Result<i64> {
        let tx = self.t()?;
        let id: i64 = tx
            .query_one(
                "INSERT INTO evaluations (department_code, year, framework, total, max_total,
                                          grade, evaluated_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
                &[
                    &e.department_code,
                    &e.year,
                    &e.framework,
                    &e.total,
                    &e.max_total,
                    &e.grade,
                    &e.evaluated_at,
                ],
            )?
            .get(0);
        for (seq, i) in e.items.iter().enumerate() {
            tx.execute(
                "INSERT INTO evaluation_items (evaluation_id, seq, item_id, name, weight, value,
                                               score, loss_reason, derivation)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
                &[
                    &id,
                    &(seq as i32),
                    &i.item_id,
                    &i.name,
                    &i.weight,
                    &i.value,
                    &i.score,
                    &i.loss_reason,
                    &i.derivation,
                ],
            )?;
        }
        Ok(id)
    }

    fn commit(mut self: Box<Self>) -> Result<()> {
        if self.unit_key_deferred {
            self.t()?.batch_execute(UNIT_KEY_ADD)?;
        }
        match self.tx.take() {
            Some(tx) => Ok(tx.commit()?),
            None => Err(StoreError::other("事务已提交")),
        }
    }

    fn finish_payments(&mut self) -> Result<PaymentSummary> {
        self.flush()?;
        let summary = self.finish_staged()?;
        if !self.keeps_months {
            return Ok(summary);
        }
        let mut b = Vec::new();
        for (project, m) in self.months.drain() {
            let mut fields = vec![project.to_string()];
            fields.extend(m.iter().map(i64::to_string));
            row(
                &mut b,
                &fields.iter().map(|f| Some(f.as_str())).collect::<Vec<_>>(),
            );
        }
        let columns = MONTH_COLUMNS
            .split(", ")
            .map(|m| format!("{m} BIGINT"))
            .collect::<Vec<_>>()
            .join(", ");
        let add = MONTH_COLUMNS
            .split(", ")
            .map(|m| format!("{m} = project_execution.{m} + excluded.{m}"))
            .collect::<Vec<_>>()
            .join(", ");
        // Straight in when none of these projects has sums yet (a first import); added to
        // the stored sums otherwise.
        self.direct_or_upsert(
            2,
            &format!("project_execution (project_id, {MONTH_COLUMNS})"),
            &format!("jixiao_stage_execution (project_id BIGINT, {columns})"),
            &b,
            &format!(
                "INSERT INTO project_execution (project_id, {MONTH_COLUMNS})
                 SELECT project_id, {MONTH_COLUMNS} FROM jixiao_stage_execution
                 ON CONFLICT (project_id) DO UPDATE SET {add}"
            ),
        )?;
        Ok(summary)
    }
}

impl PostgresTx<'_> {
    /// Before the first projects of an import: when the store has none, `projects` is
    /// locked until the import ends and its reference to `units` is dropped, to be added
    /// back (checking every row at once) before the commit. Checked row by row, the reference
    /// costs a province's 400,000 projects about 5 s more.
    fn first_projects(&mut self) -> Result<()> {
        if std::mem::replace(&mut self.looked_at_projects, true) || !self.fresh[0] {
            return Ok(());
        }
        let empty = "SELECT NOT EXISTS (SELECT 1 FROM projects)
                     AND EXISTS (SELECT 1 FROM pg_constraint
                                 WHERE conrelid = 'projects'::regclass
                                   AND conname = 'projects_unit_code_fkey')";
        if self.locked_if("projects", empty)? {
            self.t()?
                .batch_execute("ALTER TABLE projects DROP CONSTRAINT projects_unit_code_fkey")?;
            self.unit_key_deferred = true;
        }
        Ok(())
    }

    /// Whether `condition` (a query of one boolean) holds; if it does, `table` is locked
    /// against every other session until the import ends and `condition` is asked again, since
    /// another import may have committed between the look and the lock.
    fn locked_if(&mut self, table: &str, condition: &str) -> Result<bool> {
        let tx = self.t()?;
        if !tx.query_one(condition, &[])?.get::<_, bool>(0) {
            return Ok(false);
        }
        tx.batch_execute(&format!("LOCK TABLE {table} IN ACCESS EXCLUSIVE MODE"))?;
        Ok(tx.query_one(condition, &[])?.get(0))
    }

    /// Whether these are the first payments the store takes: none written by this import yet
    /// and none stored. If so, `payments` is locked against every other session until the
    /// import ends (there is nothing in it for them to read).
    fn first_payments(&mut self) -> Result<bool> {
        if !self.direct || self.staging || self.direct_rows > 0 || !self.staged.is_empty() {
            return Ok(false);
        }
        self.locked_if("payments", "SELECT NOT EXISTS (SELECT 1 FROM payments)")
    }

    /// The payments of a first import ([`Self::first_payments`]): one `COPY` stream into
    /// `payments` without its key, then the key built. Should the key find a payment id
    /// twice, the rows move to the staging table and [`Self::finish_staged`] lists the
    /// repeats as it does for any import.
    fn bulk_payments(&mut self, feed: &mut PaymentFeed<'_>) -> Result<()> {
        let PostgresTx {
            tx,
            batch,
            months,
            direct_rows,
            ..
        } = self;
        let tx = tx.as_mut().ok_or_else(|| StoreError::other("事务已提交"))?;
        tx.batch_execute("TRUNCATE payments; ALTER TABLE payments DROP CONSTRAINT payments_pkey")?;
        let mut w = tx.copy_in(BULK_COPY)?;
        let mut buf = BINARY_HEADER.to_vec();
        // The sink fails only when a write does: the server stopped the copy, and `finish`
        // says why.
        let fed = feed(&mut |row, p| {
            add_to_month(months, p.project_id, p.pay_date, p.amount.0);
            binary_payment(&mut buf, row, p, *batch);
            if buf.len() >= STREAM_PIECE {
                w.write_all(&buf)
                    .map_err(|_| StoreError::other("向 PostgreSQL 发送支付数据失败"))?;
                buf.clear();
            }
            Ok(())
        });
        if fed.is_ok() {
            buf.extend_from_slice(&BINARY_TRAILER);
            let _ = w.write_all(&buf);
        }
        *direct_rows += w.finish()?;
        fed?;
        let key = "ALTER TABLE payments ADD CONSTRAINT payments_pkey PRIMARY KEY (payment_id)";
        let mut keyed = tx.transaction()?;
        keyed.batch_execute(KEY_BUILD_MEMORY)?;
        match keyed.batch_execute(key) {
            Ok(()) => return Ok(keyed.commit()?),
            Err(e) if e.code() == Some(&SqlState::UNIQUE_VIOLATION) => keyed.rollback()?,
            Err(e) => return Err(e.into()),
        }
        // A payment id repeated within the file: the rows become staged ones.
        tx.batch_execute(&format!(
            "CREATE TEMP TABLE jixiao_staging_payments ON COMMIT DROP AS
                 SELECT source_row AS row_no, payment_id, project_id, pay_date, amount, batch_id
                 FROM payments;
             TRUNCATE payments;
             {key}"
        ))?;
        *months = MonthSums::default();
        *direct_rows = 0;
        self.staging = true;
        self.direct = false;
        Ok(())
    }

    /// The staged payments' part of [`Transaction::finish_payments`]: repeats, conflicts,
    /// and the insertion of what is new, whose monthly sums join the direct ones.
    fn finish_staged(&mut self) -> Result<PaymentSummary> {
        let mut summary = PaymentSummary {
            inserted: std::mem::take(&mut self.direct_rows),
            ..PaymentSummary::default()
        };
        if !self.staging {
            return Ok(summary);
        }
        let batch = self.batch;
        let limit = LISTED_AT_MOST as i64;
        self.t()?.batch_execute("ANALYZE jixiao_staging_payments")?;
        // Stored by an earlier import: skipped when the same, a conflict when not.
        let stored: i64 = self
            .t()?
            .query_one(
                "SELECT count(*) FROM jixiao_staging_payments s
                 JOIN payments p ON p.payment_id = s.payment_id WHERE p.batch_id <> $1",
                &[&batch],
            )?
            .get(0);
        if stored > 0 {
            for r in self.t()?.query(
                "SELECT s.row_no, s.payment_id FROM jixiao_staging_payments s
                 JOIN payments p ON p.payment_id = s.payment_id
                 WHERE p.batch_id <> $1 AND (p.project_id <> s.project_id
                    OR p.pay_date <> s.pay_date OR p.amount <> s.amount)
                 ORDER BY s.row_no LIMIT $2",
                &[&batch, &limit],
            )? {
                summary.conflicts.push(ConflictingPayment {
                    row: r.get::<_, i64>(0) as u64,
                    payment_id: r.get(1),
                });
            }
        }
        // Repeats within this import: of a row already written, or within the staging table.
        let repeats = self.t()?.query(
            "SELECT row_no, payment_id, first_row FROM (
                 SELECT s.row_no, s.payment_id, p.source_row AS first_row
                 FROM jixiao_staging_payments s
                 JOIN payments p ON p.payment_id = s.payment_id WHERE p.batch_id = $1
                 UNION ALL
                 SELECT row_no, payment_id, first_row FROM (
                     SELECT row_no, payment_id,
                            min(row_no) OVER (PARTITION BY payment_id) AS first_row
                     FROM jixiao_staging_payments) w
                 WHERE row_no <> first_row) t
             ORDER BY row_no LIMIT $2",
            &[&batch, &limit],
        )?;
        for r in repeats {
            summary.duplicates.push(DuplicatePayment {
                row: r.get::<_, i64>(0) as u64,
                payment_id: r.get(1),
                first_row: r.get::<_, i64>(2) as u64,
            });
        }
        if summary.duplicates.is_empty() {
            let new_by_month = self.t()?.query(
                "SELECT s.project_id, EXTRACT(MONTH FROM s.pay_date)::int, SUM(s.amount)::bigint
                 FROM jixiao_staging_payments s
                 WHERE NOT EXISTS (SELECT 1 FROM payments p WHERE p.payment_id = s.payment_id)
                 GROUP BY 1, 2",
                &[],
            )?;
            for r in new_by_month {
                let month: i32 = r.get(1);
                self.months.entry(r.get(0))[month as usize - 1] += r.get::<_, i64>(2);
            }
            summary.inserted += self.t()?.execute(
                "INSERT INTO payments (payment_id, project_id, pay_date, amount, batch_id, source_row)
                 SELECT s.payment_id, s.project_id, s.pay_date, s.amount, s.batch_id, s.row_no
                 FROM jixiao_staging_payments s
                 WHERE NOT EXISTS (SELECT 1 FROM payments p WHERE p.payment_id = s.payment_id)",
                &[],
            )?;
            summary.already_stored = stored as u64 - summary.conflicts.len() as u64;
        }
        self.t()?
            .batch_execute("TRUNCATE jixiao_staging_payments")?;
        self.direct = true;
        Ok(summary)
    }
}

impl crate::sql::Sql for PostgresStore {
    fn backend(&self) -> crate::sql::Backend {
        crate::sql::Backend::Postgres
    }

    fn query(
        &mut self,
        sql: &str,
        params: &[crate::sql::Value],
    ) -> Result<Vec<Vec<crate::sql::Value>>> {
        let stmt = self.prepared(sql)?;
        let refs: Vec<&(dyn ToSql + Sync)> = params.iter().map(|p| p as _).collect();
        Ok(pg_values(self.client.query(&stmt, &refs)?))
    }

    fn execute(&mut self, sql: &str, params: &[crate::sql::Value]) -> Result<u64> {
        let stmt = self.prepared(sql)?;
        let refs: Vec<&(dyn ToSql + Sync)> = params.iter().map(|p| p as _).collect();
        Ok(self.client.execute(&stmt, &refs)?)
    }

    fn begin_write(&mut self) -> Result<()> {
        Ok(self.client.batch_execute("BEGIN")?)
    }

    fn commit(&mut self) -> Result<()> {
        Ok(self.client.batch_execute("COMMIT")?)
    }

    fn rollback(&mut self) -> Result<()> {
        Ok(self.client.batch_execute("ROLLBACK")?)
    }
}

/// Rows as plain values: integers, text, bytes; a type with no text reading (void) is NULL.
fn pg_values(rows: Vec<postgres::Row>) -> Vec<Vec<crate::sql::Value>> {
    use crate::sql::Value;
    use postgres::types::Type;
    rows.into_iter()
        .map(|row| {
            row.columns()
                .iter()
                .enumerate()
                .map(|(i, col)| {
                    let t = col.type_();
                    if *t == Type::INT8 {
                        row.get::<_, Option<i64>>(i).map_or(Value::Null, Value::Int)
                    } else if *t == Type::INT4 {
                        row.get::<_, Option<i32>>(i)
                            .map_or(Value::Null, |v| Value::Int(v.into()))
                    } else if *t == Type::INT2 {
                        row.get::<_, Option<i16>>(i)
                            .map_or(Value::Null, |v| Value::Int(v.into()))
                    } else if *t == Type::BOOL {
                        row.get::<_, Option<bool>>(i)
                            .map_or(Value::Null, |v| Value::Int(v.into()))
                    } else if *t == Type::BYTEA {
                        row.get::<_, Option<Vec<u8>>>(i)
                            .map_or(Value::Null, Value::Bytes)
                    } else {
                        row.try_get::<_, Option<String>>(i)
                            .ok()
                            .flatten()
                            .map_or(Value::Null, Value::Text)
                    }
                })
                .collect()
        })
        .collect()
}

impl PostgresStore {
    /// A prepared statement, from this connection's cache.
    fn prepared(&mut self, sql: &str) -> Result<postgres::Statement> {
        if let Some(s) = self.statements.get(sql) {
            return Ok(s.clone());
        }
        let s = self.client.prepare(sql)?;
        self.statements.insert(sql.to_string(), s.clone());
        Ok(s)
    }
}

impl ToSql for crate::sql::Value {
    fn to_sql(
        &self,
        ty: &postgres::types::Type,
        out: &mut postgres::types::private::BytesMut,
    ) -> std::result::Result<postgres::types::IsNull, Box<dyn std::error::Error + Sync + Send>>
    {
        use crate::sql::Value;
        use postgres::types::Type;
        match self {
            Value::Null => Ok(postgres::types::IsNull::Yes),
            Value::Int(i) if *ty == Type::INT4 => i32::try_from(*i)?.to_sql(ty, out),
            Value::Int(i) if *ty == Type::INT2 => i16::try_from(*i)?.to_sql(ty, out),
            Value::Int(i) if *ty == Type::BOOL => (*i != 0).to_sql(ty, out),
            Value::Int(i) => i.to_sql(ty, out),
            Value::Text(s) => s.to_sql(ty, out),
            Value::Bytes(b) => b.to_sql(ty, out),
        }
    }

    fn accepts(_: &postgres::types::Type) -> bool {
        true
    }

    postgres::types::to_sql_checked!();
}

#[cfg(test)]
mod tests {
    use jixiao_domain::date::Date;

    #[test]
    fn days_since_2000() {
        let d = |y, m, day| super::days_since_2000(Date::new(y, m, day).unwrap());
        assert_eq!(d(2000, 1, 1), 0);
        assert_eq!(d(2000, 3, 1), 60);
        assert_eq!(d(1999, 12, 31), -1);
        assert_eq!(d(2021, 9, 30), 7943);
    }
}
