//! The SQLite backend: one file, created on first use.
//!
//! An import is one `BEGIN IMMEDIATE … COMMIT` in rollback-journal mode: pages the import adds
//! beyond the file's old end need no journal, so a bulk load writes each page once, and a
//! process killed mid-import leaves a hot journal that the next open rolls back.

use crate::migrations::{too_new, LEDGER, MIGRATIONS};
use crate::records::{self, *};
use crate::{
    add_to_month, digest_with, now_utc, progress_sql, Location, MonthSums, Result, Store,
    StoreError, Transaction, MONTH_COLUMNS,
};
use jixiao_domain::money::Fen;
use rusqlite::{params, Connection, OpenFlags, OptionalExtension};
use std::collections::{BTreeMap, HashMap};
use std::path::Path;

pub(crate) struct SqliteStore {
    location: Location,
    conn: Connection,
    /// The migrations this store is used at: the latest, or fewer in the tests that stand
    /// in for an older jixiao.
    level: u32,
}

impl SqliteStore {
    pub(crate) fn open(path: &Path, level: u32) -> Result<SqliteStore> {
        if let Some(parent) = path.parent() {
            if !parent.as_os_str().is_empty() && !parent.is_dir() {
                return Err(StoreError(
                    format!(
                        "无法创建数据库 {}：文件夹 {} 不存在",
                        path.display(),
                        parent.display()
                    ),
                    crate::ErrorKind::Unavailable,
                ));
            }
        }
        let conn = Connection::open(path).map_err(|e| {
            StoreError(
                format!("无法打开数据库 {}：{e}", path.display()),
                crate::ErrorKind::Unavailable,
            )
        })?;
        conn.execute_batch(
            "PRAGMA foreign_keys = ON;
             PRAGMA busy_timeout = 10000;",
        )?;
        conn.execute_batch(READ_PRAGMAS)?;
        let mut store = SqliteStore {
            location: Location::Sqlite(path.to_path_buf()),
            conn,
            level,
        };
        store.migrate(level)?;
        Ok(store)
    }

    fn migrate(&mut self, level: u32) -> Result<()> {
        self.conn.execute_batch(LEDGER)?;
        let current = self.migration_level()?;
        if current > crate::MIGRATION_COUNT {
            return Err(too_new(current));
        }
        for m in MIGRATIONS
            .iter()
            .filter(|m| m.version > current && m.version <= level)
        {
            let tx = self
                .conn
                .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
            // Another process may have applied it while we waited for the lock.
            let done: bool = tx.query_row(
                "SELECT EXISTS (SELECT 1 FROM schema_migrations WHERE version = ?1)",
                [m.version],
                |r| r.get(0),
            )?;
            if !done {
                tx.execute_batch(m.sqlite)
                    .map_err(|e| StoreError::other(format!("数据库迁移 {} 失败：{e}", m.name)))?;
                tx.execute(
                    "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?1, ?2, ?3)",
                    params![m.version, m.name, now_utc()],
                )?;
            }
            tx.commit()?;
        }
        Ok(())
    }

    fn text_rows(&self, sql: &str, f: &mut dyn FnMut(&[Option<String>])) -> Result<()> {
        let mut stmt = self.conn.prepare(sql)?;
        let n = stmt.column_count();
        let mut rows = stmt.query([])?;
        let mut buf: Vec<Option<String>> = Vec::with_capacity(n);
        while let Some(row) = rows.next()? {
            buf.clear();
            for i in 0..n {
                buf.push(row.get::<_, Option<String>>(i)?);
            }
            f(&buf);
        }
        Ok(())
    }
}

impl Store for SqliteStore {
    fn location(&self) -> &Location {
        &self.location
    }

    fn sql(&mut self) -> &mut dyn crate::sql::Sql {
        self
    }

    fn migration_level(&mut self) -> Result<u32> {
        Ok(self.conn.query_row(
            "SELECT COALESCE(MAX(version), 0) FROM schema_migrations",
            [],
            |r| r.get(0),
        )?)
    }

    fn begin(&mut self, source: &str) -> Result<Box<dyn Transaction + '_>> {
        self.conn.execute_batch("BEGIN IMMEDIATE")?;
        let batch = self.conn.query_row(
            "INSERT INTO import_batches (source, started_at) VALUES (?1, ?2) RETURNING id",
            params![source, now_utc()],
            |r| r.get(0),
        );
        let batch = match batch {
            Ok(b) => b,
            Err(e) => {
                let _ = self.conn.execute_batch("ROLLBACK");
                return Err(e.into());
            }
        };
        Ok(Box::new(SqliteTx {
            conn: &self.conn,
            insert_payment: None,
            find_payment: None,
            months: MonthSums::default(),
            keeps_months: self.level >= 3,
            batch,
            summary: PaymentSummary::default(),
            open: true,
        }))
    }

    fn for_each_payment(
        &mut self,
        year: Option<i32>,
        f: &mut dyn FnMut(PaymentRecord),
    ) -> Result<()> {
        let mut stmt = self.conn.prepare(
            "SELECT x.payment_id, p.code, x.pay_date, x.amount
             FROM payments x JOIN projects p ON p.id = x.project_id
             WHERE (?1 IS NULL OR p.year = ?1) ORDER BY x.payment_id",
        )?;
        let mut rows = stmt.query([year])?;
        while let Some(r) = rows.next()? {
            f(PaymentRecord {
                payment_id: r.get(0)?,
                project_code: r.get(1)?,
                pay_date: records::date(&r.get::<_, String>(2)?)?,
                amount: Fen(r.get(3)?),
            });
        }
        Ok(())
    }

    fn execution(&mut self, year: i32) -> Result<Vec<ExecutionRow>> {
        // A refresh of a province's 400,000 projects is mostly this read, so it is done in
        // two halves by id, each on its own connection in its own thread. The read
        // transaction opened first holds SQLite's shared lock throughout, so no import can
        // commit between the two halves (the store keeps a rollback journal).
        let Location::Sqlite(path) = &self.location else {
            unreachable!("a SQLite store has a SQLite location")
        };
        let tx = self.conn.transaction()?;
        let (first, last): (Option<i64>, Option<i64>) = tx.query_row(
            // Two subqueries, each answered from one end of the (year, id) index.
            "SELECT (SELECT MIN(id) FROM projects WHERE year = ?1),
                    (SELECT MAX(id) FROM projects WHERE year = ?1)",
            [year],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        let (Some(first), Some(last)) = (first, last) else {
            return Ok(Vec::new());
        };
        let units = units(&tx)?;
        let units = &units;
        let mid = first + (last - first) / 2;
        let (out, rest) = std::thread::scope(|s| {
            let second = s.spawn(move || -> Result<Vec<ExecutionRow>> {
                let conn = Connection::open_with_flags(
                    path,
                    OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
                )?;
                conn.execute_batch(READ_PRAGMAS)?;
                execution_between(&conn, units, year, mid + 1, last)
            });
            let out = execution_between(&tx, units, year, first, mid);
            (
                out,
                second.join().expect("the reading thread does not panic"),
            )
        });
        tx.commit()?;
        let mut out = out?;
        out.extend(rest?);
        // Projects are usually stored in code order already; sort only when they are not.
        if !out.is_sorted_by(|a, b| a.project_code <= b.project_code) {
            out.sort_by(|a, b| a.project_code.cmp(&b.project_code));
        }
        Ok(out)
    }

    fn payment_sums(
        &mut self,
        year: i32,
        from: jixiao_domain::date::Date,
        to: jixiao_domain::date::Date,
    ) -> Result<HashMap<String, i64>> {
        // One pass over the payments, then ids to codes: joining first would make SQLite
        // look up each project's payments, with no index to do it by.
        let mut codes = self
            .conn
            .prepare("SELECT id, code FROM projects WHERE year = ?1")?;
        let codes: HashMap<i64, String> = codes
            .query_map([year], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?;
        let mut stmt = self.conn.prepare(
            "SELECT project_id, SUM(amount) FROM payments
             WHERE pay_date BETWEEN ?1 AND ?2 GROUP BY project_id",
        )?;
        let mut rows = stmt.query(params![from.to_string(), to.to_string()])?;
        let mut out = HashMap::new();
        while let Some(r) = rows.next()? {
            if let Some(code) = codes.get(&r.get::<_, i64>(0)?) {
                out.insert(code.clone(), r.get(1)?);
            }
        }
        Ok(out)
    }

    fn progress(
        &mut self,
        year: i32,
        as_of: Option<jixiao_domain::date::Date>,
    ) -> Result<Vec<ProgressRecord>> {
        let mut stmt = self
            .conn
            .prepare(&progress_sql("?1", as_of.map(|_| "?2"), "", ""))?;
        let mut rows = match as_of {
            Some(d) => stmt.query(params![year, d.to_string()])?,
            None => stmt.query(params![year])?,
        };
        let mut out = Vec::new();
        while let Some(r) = rows.next()? {
            out.push(ProgressRecord {
                project_code: r.get(0)?,
                indicator_code: r.get(1)?,
                as_of: records::date(&r.get::<_, String>(2)?)?,
                actual: records::decimal(&r.get::<_, String>(3)?)?,
                likelihood: records::likelihood(&r.get::<_, String>(4)?)?,
                reason_category: r.get(5)?,
                reason: r.get(6)?,
                measures: r.get(7)?,
            });
        }
        Ok(out)
    }

    fn digest(&mut self) -> Result<Digest> {
        digest_with(|sql, f| self.text_rows(sql, f))
    }
}

struct SqliteTx<'a> {
    conn: &'a Connection,
    /// Prepared once per import: this runs once per payment.
    insert_payment: Option<rusqlite::Statement<'a>>,
    find_payment: Option<rusqlite::Statement<'a>>,
    /// This import's new payments summed by project and month.
    months: MonthSums,
    /// Whether the store has monthly sums (migration 3) to keep.
    keeps_months: bool,
    batch: i64,
    summary: PaymentSummary,
    open: bool,
}

impl Drop for SqliteTx<'_> {
    fn drop(&mut self) {
        if self.open {
            let _ = self.conn.execute_batch("ROLLBACK");
        }
    }
}

impl Transaction for SqliteTx<'_> {
    fn batch_id(&self) -> i64 {
        self.batch
    }

    fn backend(&self) -> crate::sql::Backend {
        crate::sql::Backend::Sqlite
    }

    fn query_sql(
        &mut self,
        sql: &str,
        params: &[crate::sql::Value],
    ) -> Result<Vec<Vec<crate::sql::Value>>> {
        sqlite_query(self.conn, sql, params)
    }

    fn execute_sql(&mut self, sql: &str, params: &[crate::sql::Value]) -> Result<u64> {
        sqlite_execute(self.conn, sql, params)
    }

    fn put_departments(&mut self, ds: &[DepartmentRecord]) -> Result<()> {
        let mut stmt = self.conn.prepare_cached(
            "INSERT INTO departments (code, name, region_code) VALUES (?1, ?2, ?3)
             ON CONFLICT (code) DO UPDATE SET
               name = CASE WHEN excluded.name <> '' THEN excluded.name ELSE departments.name END,
               region_code = CASE WHEN excluded.region_code <> '' THEN excluded.region_code
                             ELSE departments.region_code END",
        )?;
        for d in ds {
            stmt.execute(params![d.code, d.name, d.region_code])?;
        }
        Ok(())
    }

    fn put_units(&mut self, us: &[UnitRecord]) -> Result<()> {
        let mut stmt = self.conn.prepare_cached(
            "INSERT INTO units (code, name, department_code, parent_code, region_code)
             VALUES (?1, ?2, ?3, ?4, ?5)
             ON CONFLICT (code) DO UPDATE SET name = excluded.name,
               department_code = excluded.department_code, parent_code = excluded.parent_code,
               region_code = excluded.region_code",
        )?;
        for u in us {
            stmt.execute(params![
                u.code,
                u.name,
                u.department_code,
                u.parent_code,
                u.region_code
            ])?;
        }
        Ok(())
    }

    fn put_projects(&mut self, ps: &[ProjectRecord]) -> Result<()> {
        let mut stmt = self.conn.prepare_cached(
            "INSERT INTO projects (year, code, unit_code, name, kind, fund_source,
                                   initial_budget, adjusted_budget)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
             ON CONFLICT (year, code) DO UPDATE SET unit_code = excluded.unit_code,
               name = excluded.name, kind = excluded.kind, fund_source = excluded.fund_source,
               initial_budget = excluded.initial_budget, adjusted_budget = excluded.adjusted_budget",
        )?;
        for p in ps {
            stmt.execute(params![
                p.year,
                p.code,
                p.unit_code,
                p.name,
                p.kind.id(),
                p.fund_source.id(),
                p.initial_budget.0,
                p.adjusted_budget.0
            ])?;
        }
        Ok(())
    }

    fn project_ids(&mut self, year: i32) -> Result<HashMap<String, i64>> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT code, id FROM projects WHERE year = ?1")?;
        let rows = stmt.query_map([year], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    fn target_keys(&mut self, year: i32) -> Result<Vec<(String, String)>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT p.code, i.code FROM indicators i JOIN projects p ON p.id = i.project_id
             WHERE p.year = ?1",
        )?;
        let rows = stmt.query_map([year], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    fn put_targets(&mut self, ts: &[(i64, TargetRecord)]) -> Result<()> {
        let mut stmt = self.conn.prepare_cached(
            "INSERT INTO indicators (project_id, code, level1, level2, name, direction,
                                     target, actual, weight)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
             ON CONFLICT (project_id, code) DO UPDATE SET level1 = excluded.level1,
               level2 = excluded.level2, name = excluded.name, direction = excluded.direction,
               target = excluded.target, actual = excluded.actual, weight = excluded.weight",
        )?;
        for (project_id, t) in ts {
            stmt.execute(params![
                project_id,
                t.code,
                t.level1,
                t.level2,
                t.name,
                t.direction.id(),
                t.target.to_string(),
                t.actual.map(|a| a.to_string()),
                t.weight.to_string()
            ])?;
        }
        Ok(())
    }

    fn add_payment(&mut self, row: u64, p: &NewPayment<'_>) -> Result<()> {
        let mut date = [0u8; 10];
        let date = format_date(p.pay_date, &mut date);
        if self.insert_payment.is_none() {
            self.insert_payment = Some(self.conn.prepare(
                "INSERT INTO payments (payment_id, project_id, pay_date, amount, batch_id, source_row)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT (payment_id) DO NOTHING",
            )?);
        }
        let insert = self.insert_payment.as_mut().expect("prepared above");
        let inserted = insert.execute(params![
            p.payment_id,
            p.project_id,
            date,
            p.amount.0,
            self.batch,
            row as i64
        ])?;
        if inserted == 1 {
            self.summary.inserted += 1;
            add_to_month(&mut self.months, p.project_id, p.pay_date, p.amount.0);
            return Ok(());
        }
        if self.find_payment.is_none() {
            self.find_payment = Some(self.conn.prepare(
                "SELECT project_id, pay_date, amount, batch_id, source_row FROM payments
                 WHERE payment_id = ?1",
            )?);
        }
        let find = self.find_payment.as_mut().expect("prepared above");
        let (project_id, pay_date, amount, batch, first_row): (i64, String, i64, i64, i64) = find
            .query_row([p.payment_id], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
            })
            .optional()?
            .ok_or_else(|| StoreError::other(format!("支付 {} 写入失败", p.payment_id)))?;
        let s = &mut self.summary;
        if batch == self.batch {
            if s.duplicates.len() < LISTED_AT_MOST {
                s.duplicates.push(DuplicatePayment {
                    row,
                    first_row: first_row as u64,
                    payment_id: p.payment_id.to_string(),
                });
            }
        } else if project_id == p.project_id && pay_date == date && amount == p.amount.0 {
            s.already_stored += 1;
        } else if s.conflicts.len() < LISTED_AT_MOST {
            s.conflicts.push(ConflictingPayment {
                row,
                payment_id: p.payment_id.to_string(),
            });
        }
        Ok(())
    }

    fn finish_payments(&mut self) -> Result<PaymentSummary> {
        if !self.keeps_months {
            return Ok(std::mem::take(&mut self.summary));
        }
        let mut stmt = self.conn.prepare(&format!(
            "INSERT INTO project_execution (project_id, {MONTH_COLUMNS})
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)
             ON CONFLICT (project_id) DO UPDATE SET {}",
            MONTH_COLUMNS
                .split(", ")
                .map(|m| format!("{m} = {m} + excluded.{m}"))
                .collect::<Vec<_>>()
                .join(", ")
        ))?;
        for (project, m) in self.months.drain() {
            stmt.execute(params![
                project, m[0], m[1], m[2], m[3], m[4], m[5], m[6], m[7], m[8], m[9], m[10], m[11]
            ])?;
        }
        Ok(std::mem::take(&mut self.summary))
    }

    fn put_progress(&mut self, rows: &[(i64, ProgressRecord)]) -> Result<()> {
        let mut stmt = self.conn.prepare_cached(
            "INSERT INTO monitoring_entries (project_id, as_of, indicator_code, value, note,
                                             likelihood, reason_category, measures)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
             ON CONFLICT (project_id, as_of, indicator_code) DO UPDATE SET value = excluded.value,
               note = excluded.note, likelihood = excluded.likelihood,
               reason_category = excluded.reason_category, measures = excluded.measures",
        )?;
        for (project_id, r) in rows {
            stmt.execute(params![
                project_id,
                r.as_of.to_string(),
                r.indicator_code,
                r.actual.to_string(),
                r.reason,
                r.likelihood.label(),
                r.reason_category,
                r.measures
            ])?;
        }
        Ok(())
    }

    fn put_dataset(
        &mut self,
        department: &str,
        year: i32,
        files: &BTreeMap<String, String>,
    ) -> Result<()> {
        self.conn.execute(
            "DELETE FROM dataset_files WHERE department_code = ?1 AND year = ?2",
            params![department, year],
        )?;
        let mut stmt = self.conn.prepare_cached(
            "INSERT INTO dataset_files (department_code, year, file_name, content, batch_id)
             VALUES (?1, ?2, ?3, ?4, ?5)",
        )?;
        for (name, content) in files {
            stmt.execute(params![department, year, name, content, self.batch])?;
        }
        Ok(())
    }

    fn save_evaluation(&mut self, e: &EvaluationRecord) -> Result<i64> {
        let id: i64 = self.conn.query_row(
            "INSERT INTO evaluations (department_code, year, framework, total, max_total, grade,
                                      evaluated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) RETURNING id",
            params![
                e.department_code,
                e.year,
                e.framework,
                e.total,
                e.max_total,
                e.grade,
                e.evaluated_at
            ],
            |r| r.get(0),
        )?;
        let mut stmt = self.conn.prepare_cached(
            "INSERT INTO evaluation_items (evaluation_id, seq, item_id, name, weight, value, score,
                                           loss_reason, derivation)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        )?;
        for (seq, i) in e.items.iter().enumerate() {
            stmt.execute(params![
                id,
                seq as i64,
                i.item_id,
                i.name,
                i.weight,
                i.value,
                i.score,
                i.loss_reason,
                i.derivation
            ])?;
        }
        Ok(id)
    }

    fn commit(mut self: Box<Self>) -> Result<()> {
        self.conn.execute_batch("COMMIT")?;
        self.open = false;
        Ok(())
    }
}

/// Writes `YYYY-MM-DD` into `buf` without allocating (this runs once per payment).
fn format_date(d: jixiao_domain::date::Date, buf: &mut [u8; 10]) -> &str {
    let (y, m, day) = (d.year() as u32, d.month(), d.day());
    let digits = [
        y / 1000 % 10,
        y / 100 % 10,
        y / 10 % 10,
        y % 10,
        10,
        m / 10,
        m % 10,
        10,
        day / 10,
        day % 10,
    ];
    for (b, v) in buf.iter_mut().zip(digits) {
        *b = if v == 10 { b'-' } else { b'0' + v as u8 };
    }
    std::str::from_utf8(buf).unwrap_or("0000-00-00")
}

/// Settings for reading: a larger page cache, and the file mapped into memory so that pages
/// are read in place rather than copied.
const READ_PRAGMAS: &str = "PRAGMA busy_timeout = 10000;
     PRAGMA cache_size = -65536;
     PRAGMA mmap_size = 2147418112;";

/// Each unit's code, department and region, by its code.
type Units = HashMap<String, [std::sync::Arc<str>; 3]>;

fn units(conn: &Connection) -> Result<Units> {
    let mut names = records::Interner::default();
    let mut units = Units::new();
    let mut stmt = conn.prepare("SELECT code, department_code, region_code FROM units")?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        let text = |i: usize| -> Result<&str> {
            Ok(r.get_ref(i)?.as_str().map_err(rusqlite::Error::from)?)
        };
        let code = text(0)?.to_string();
        let unit = names.get(&code);
        units.insert(code, [unit, names.get(text(1)?), names.get(text(2)?)]);
    }
    Ok(units)
}

/// The projects of `year` whose ids lie in [lo, hi], in id order, with their units'
/// department and region and their monthly sums. Plain scans joined here, not in SQL:
/// SQLite would look each project's unit and sums up in a B-tree, three searches a row;
/// scans in rowid order read each page once.
fn execution_between(
    conn: &Connection,
    units: &Units,
    year: i32,
    lo: i64,
    hi: i64,
) -> Result<Vec<ExecutionRow>> {
    let capacity = usize::try_from(hi - lo + 1).unwrap_or(0).min(1 << 24);
    let mut out = Vec::with_capacity(capacity);
    let mut ids = Vec::with_capacity(capacity);
    let mut stmt = conn.prepare(
        "SELECT id, code, unit_code, fund_source, kind, adjusted_budget
         FROM projects NOT INDEXED WHERE id BETWEEN ?1 AND ?2 AND year = ?3 ORDER BY id",
    )?;
    let mut rows = stmt.query(params![lo, hi, year])?;
    while let Some(r) = rows.next()? {
        let text = |i: usize| -> Result<&str> {
            Ok(r.get_ref(i)?.as_str().map_err(rusqlite::Error::from)?)
        };
        let Some([unit, department, region]) = units.get(text(2)?) else {
            continue; // as a join would: a project of an unknown unit is left out
        };
        ids.push(r.get::<_, i64>(0)?);
        out.push(ExecutionRow {
            project_code: text(1)?.to_string(),
            unit_code: unit.clone(),
            department_code: department.clone(),
            region_code: region.clone(),
            fund_source: records::fund_source(text(3)?)?,
            kind: records::kind(text(4)?)?,
            budget: Fen(r.get(5)?),
            months: [0; 12],
        });
    }
    let mut stmt = conn.prepare(&format!(
        "SELECT project_id, {MONTH_COLUMNS} FROM project_execution
         WHERE project_id BETWEEN ?1 AND ?2 ORDER BY project_id"
    ))?;
    let mut rows = stmt.query([lo, hi])?;
    // Both in id order: a merge.
    let mut at = 0;
    while let Some(r) = rows.next()? {
        let id: i64 = r.get(0)?;
        while at < ids.len() && ids[at] < id {
            at += 1;
        }
        if at == ids.len() {
            break;
        }
        if ids[at] == id {
            for (m, v) in out[at].months.iter_mut().enumerate() {
                *v = r.get(1 + m)?;
            }
        }
    }
    Ok(out)
}

impl crate::sql::Sql for SqliteStore {
    fn backend(&self) -> crate::sql::Backend {
        crate::sql::Backend::Sqlite
    }

    fn query(
        &mut self,
        sql: &str,
        params: &[crate::sql::Value],
    ) -> Result<Vec<Vec<crate::sql::Value>>> {
        sqlite_query(&self.conn, sql, params)
    }

    fn execute(&mut self, sql: &str, params: &[crate::sql::Value]) -> Result<u64> {
        sqlite_execute(&self.conn, sql, params)
    }

    fn begin_write(&mut self) -> Result<()> {
        Ok(self.conn.execute_batch("BEGIN IMMEDIATE")?)
    }

    fn commit(&mut self) -> Result<()> {
        Ok(self.conn.execute_batch("COMMIT")?)
    }

    fn rollback(&mut self) -> Result<()> {
        Ok(self.conn.execute_batch("ROLLBACK")?)
    }
}

/// A plain statement's rows, on a connection (inside or outside a transaction).
fn sqlite_query(
    conn: &Connection,
    sql: &str,
    params: &[crate::sql::Value],
) -> Result<Vec<Vec<crate::sql::Value>>> {
    use crate::sql::Value;
    use rusqlite::types::ValueRef;
    let mut stmt = conn.prepare_cached(&crate::sql::sqlite_placeholders(sql))?;
    let n = stmt.column_count();
    let mut rows = stmt.query(rusqlite::params_from_iter(params.iter().map(to_sqlite)))?;
    let mut out = Vec::new();
    while let Some(row) = rows.next()? {
        let mut values = Vec::with_capacity(n);
        for i in 0..n {
            values.push(match row.get_ref(i)? {
                ValueRef::Null => Value::Null,
                ValueRef::Integer(v) => Value::Int(v),
                ValueRef::Real(v) => Value::Text(v.to_string()),
                ValueRef::Text(t) => Value::Text(String::from_utf8_lossy(t).into_owned()),
                ValueRef::Blob(b) => Value::Bytes(b.to_vec()),
            });
        }
        out.push(values);
    }
    Ok(out)
}

/// A plain statement, on a connection; the rows it changed.
fn sqlite_execute(conn: &Connection, sql: &str, params: &[crate::sql::Value]) -> Result<u64> {
    let mut stmt = conn.prepare_cached(&crate::sql::sqlite_placeholders(sql))?;
    Ok(stmt.execute(rusqlite::params_from_iter(params.iter().map(to_sqlite)))? as u64)
}

fn to_sqlite(v: &crate::sql::Value) -> rusqlite::types::Value {
    use crate::sql::Value;
    match v {
        Value::Null => rusqlite::types::Value::Null,
        Value::Int(i) => rusqlite::types::Value::Integer(*i),
        Value::Text(s) => rusqlite::types::Value::Text(s.clone()),
        Value::Bytes(b) => rusqlite::types::Value::Blob(b.clone()),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn formats_dates() {
        let d = jixiao_domain::date::Date::new(2021, 9, 3).unwrap();
        let mut buf = [0u8; 10];
        assert_eq!(super::format_date(d, &mut buf), "2021-09-03");
    }
}
