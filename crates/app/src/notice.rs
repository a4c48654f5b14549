//! The ranking notice (通报) of budget execution as of a date: the monitored table at a level,
//! with the rectifications overdue that day, and its titles — built once here, written as a
//! workbook or a document by whichever front end asked.

use crate::Error;
use jixiao_domain::date::Date;
use jixiao_exchange::notice::Overdue;
use jixiao_monitor::config::Config;
use jixiao_monitor::levels::{Level, Table};
use jixiao_report::document::Document;
use jixiao_store::Store;

/// A notice ready to write.
pub struct Notice {
    /// The execution table at the notice's level.
    pub table: Table,
    /// Rectifications overdue on the as-of date.
    pub overdue: Vec<Overdue>,
    /// The fiscal year.
    pub year: i32,
    /// The date it reports.
    pub as_of: Date,
    /// The level it ranks (usually departments or units).
    pub level: Level,
    /// The monitoring rules it applied.
    pub config: Config,
}

/// Builds the notice for `year` as of `as_of`, ranking at `level`.
pub fn build(
    store: &mut dyn Store,
    year: i32,
    as_of: Date,
    level: Level,
    config: &Config,
) -> Result<Notice, Error> {
    let table = crate::monitor_store(store, year, as_of, level, config)?;
    let overdue = crate::results::overdue_items(store.sql(), as_of)?;
    Ok(Notice {
        table,
        overdue,
        year,
        as_of,
        level,
        config: config.clone(),
    })
}

impl Notice {
    /// The workbook's title, which names its level.
    pub fn workbook_title(&self) -> String {
        format!(
            "{}年预算执行情况通报（截至 {}，按{}）",
            self.year,
            self.as_of,
            self.level.label()
        )
    }

    /// The document's title.
    pub fn document_title(&self) -> String {
        format!("{}年预算执行情况通报（截至 {}）", self.year, self.as_of)
    }

    /// The notice as .xlsx bytes.
    pub fn workbook(&self) -> Result<Vec<u8>, Error> {
        jixiao_exchange::notice::workbook(
            &self.table,
            &self.config,
            &self.workbook_title(),
            &self.overdue,
        )
        .map_err(|e| Error::Internal(format!("无法生成通报工作簿：{e}")))
    }

    /// The notice as a document, for the Word and PDF writers.
    pub fn document(&self) -> Document {
        jixiao_exchange::notice::document(
            &self.table,
            &self.config,
            &self.document_title(),
            &self.overdue,
        )
    }
}
