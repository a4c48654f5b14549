//! `jixiao export`: the store written back in the formats `jixiao import` reads — the
//! interchange CSVs, an Excel workbook laid out as the template, and dataset folders.

use crate::cell::yuan;
use crate::fields::{Field, Record};
use crate::profile::Profile;
use crate::tables::Table;
use crate::tables::{GOALS, LIBRARY, PAYMENTS, PROGRESS, PROJECTS, TARGETS, UNITS};
use crate::workbook::{self, Contents};
use jixiao_store::{Store, StoreError};
use std::io::Write;
use std::path::{Path, PathBuf};

/// Why an export wrote nothing (or stopped).
#[derive(Debug)]
pub enum ExportError {
    /// The request cannot be met as asked (say, which year is meant).
    Request(String),
    /// A file could not be written.
    Write(String),
    /// The store failed.
    Store(StoreError),
}

impl From<StoreError> for ExportError {
    fn from(e: StoreError) -> ExportError {
        ExportError::Store(e)
    }
}

/// What an export wrote.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Exported {
    /// The fiscal year of the tables.
    pub year: Option<i32>,
    /// The files written.
    pub files: Vec<PathBuf>,
    /// Rows per table (Chinese name).
    pub rows: Vec<(&'static str, u64)>,
}

/// The year the tables are exported for: as asked, or the store's only one.
fn which_year(store: &mut dyn Store, year: Option<i32>) -> Result<Option<i32>, ExportError> {
    if year.is_some() {
        return Ok(year);
    }
    let years: Vec<i32> = store
        .projects(None)?
        .iter()
        .map(|p| p.year)
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    match years.len() {
        0 | 1 => Ok(years.first().copied()),
        _ => Err(ExportError::Request(format!(
            "库中有多个预算年度的项目（{}）：交换文件不分年度，请用 --year 指明导出哪一年",
            years
                .iter()
                .map(i32::to_string)
                .collect::<Vec<_>>()
                .join("、")
        ))),
    }
}

fn io(path: &Path) -> impl Fn(std::io::Error) -> ExportError + '_ {
    move |e| ExportError::Write(format!("无法写出 {}：{e}", path.display()))
}

fn csv_writer(path: &Path) -> Result<csv::Writer<std::fs::File>, ExportError> {
    let file = std::fs::File::create(path).map_err(io(path))?;
    Ok(csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(file))
}

fn csv_err(path: &Path) -> impl Fn(csv::Error) -> ExportError + '_ {
    move |e| ExportError::Write(format!("无法写出 {}：{e}", path.display()))
}

/// A table's file and headers: jixiao's (`units.csv`, its column ids), or a profile's.
fn names_of(table: Table, profile: Option<&Profile>) -> (String, Vec<&'static str>) {
    let named = profile.and_then(|p| p.tables.iter().find(|t| t.table.id == table.id));
    match named {
        Some(t) => (t.export.file.to_string(), t.export.headers.to_vec()),
        None => (
            table.file_name(),
            table.columns.iter().map(|c| c.id).collect(),
        ),
    }
}

impl Exported {
    /// Writes one table's CSV into `dir`: its header, then a line per record; in a profile's
    /// names when one is given (its choices by name).
    fn table<T: Record>(
        &mut self,
        dir: &Path,
        records: &[T],
        profile: Option<&Profile>,
    ) -> Result<(), ExportError> {
        let (file, headers) = names_of(T::TABLE, profile);
        let path = dir.join(file);
        let mut w = csv_writer(&path)?;
        w.write_record(headers).map_err(csv_err(&path))?;
        for r in records {
            let line = r.fields().into_iter().map(|f| match f {
                Field::Text(t) => t.to_string(),
                Field::Digits(t) => t,
                Field::Choice(_, label) if profile.is_some() => label.to_string(),
                Field::Choice(id, _) => id.to_string(),
                Field::Money(m) => yuan(m),
                Field::Date(d) => d.to_string(),
            });
            w.write_record(line).map_err(csv_err(&path))?;
        }
        w.flush().map_err(io(&path))?;
        self.rows.push((T::TABLE.label, records.len() as u64));
        self.files.push(path);
        Ok(())
    }
}

/// Writes the interchange CSVs (and every stored dataset under `datasets/`) into `dir`.
pub fn export_csv(
    store: &mut dyn Store,
    dir: &Path,
    year: Option<i32>,
) -> Result<Exported, ExportError> {
    export_csv_as(store, dir, year, None)
}

/// [`export_csv`], the tables a profile covers written in its names (`jixiao export --profile
/// yitihua`), the others as jixiao's.
pub fn export_csv_as(
    store: &mut dyn Store,
    dir: &Path,
    year: Option<i32>,
    profile: Option<&Profile>,
) -> Result<Exported, ExportError> {
    let year = which_year(store, year)?;
    std::fs::create_dir_all(dir).map_err(io(dir))?;
    let mut out = Exported {
        year,
        ..Exported::default()
    };

    out.table(dir, &store.units()?, profile)?;
    if let Some(y) = year {
        out.table(dir, &store.projects(Some(y))?, profile)?;
        out.table(dir, &store.targets(Some(y))?, profile)?;

        let (file, headers) = names_of(PAYMENTS, profile);
        let path = dir.join(file);
        let file = std::fs::File::create(&path).map_err(io(&path))?;
        let mut w = std::io::BufWriter::with_capacity(1 << 20, file);
        writeln!(w, "{}", headers.join(",")).map_err(io(&path))?;
        let mut n = 0u64;
        let mut failed = None;
        store.for_each_payment(Some(y), &mut |p| {
            if failed.is_none() {
                if let Err(e) = writeln!(
                    w,
                    "{},{},{},{}",
                    p.payment_id,
                    p.project_code,
                    p.pay_date,
                    yuan(p.amount)
                ) {
                    failed = Some(e);
                }
                n += 1;
            }
        })?;
        if let Some(e) = failed {
            return Err(io(&path)(e));
        }
        w.flush().map_err(io(&path))?;
        out.rows.push((PAYMENTS.label, n));
        out.files.push(path);

        let progress = store.progress(y, None)?;
        if !progress.is_empty() {
            out.table(dir, &progress, profile)?;
        }
        let goals = store.goals(Some(y))?;
        if !goals.is_empty() {
            out.table(dir, &goals, profile)?;
        }
    }
    let library = store.library()?;
    if !library.is_empty() {
        out.table(dir, &library, profile)?;
    }

    for (dept, y) in store.datasets()? {
        if year.is_some_and(|want| want != y) {
            continue;
        }
        let Some(files) = store.dataset_files(&dept, y)? else {
            continue;
        };
        let folder = dir.join("datasets").join(format!("{dept}-{y}"));
        std::fs::create_dir_all(&folder).map_err(io(&folder))?;
        for (name, content) in files {
            let path = folder.join(name);
            std::fs::write(&path, content).map_err(io(&path))?;
            out.files.push(path);
        }
    }
    Ok(out)
}

/// Writes the tables of `year` into one workbook laid out as the import template.
pub fn export_xlsx(
    store: &mut dyn Store,
    path: &Path,
    year: Option<i32>,
) -> Result<Exported, ExportError> {
    let year = which_year(store, year)?;
    let mut c = Contents {
        units: store.units()?,
        ..Contents::default()
    };
    if let Some(y) = year {
        c.projects = store.projects(Some(y))?;
        c.targets = store.targets(Some(y))?;
        store.for_each_payment(Some(y), &mut |p| c.payments.push(p))?;
        c.progress = store.progress(y, None)?;
        c.goals = store.goals(Some(y))?;
    }
    c.library = store.library()?;
    workbook::write(path, &c).map_err(ExportError::Write)?;
    Ok(Exported {
        year,
        files: vec![path.to_path_buf()],
        rows: vec![
            (UNITS.label, c.units.len() as u64),
            (PROJECTS.label, c.projects.len() as u64),
            (TARGETS.label, c.targets.len() as u64),
            (PAYMENTS.label, c.payments.len() as u64),
            (PROGRESS.label, c.progress.len() as u64),
            (GOALS.label, c.goals.len() as u64),
            (LIBRARY.label, c.library.len() as u64),
        ],
    })
}

/// Writes the blank import template.
pub fn write_template(path: &Path) -> Result<(), String> {
    workbook::write(path, &Contents::default())
}
