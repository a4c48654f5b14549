//! jixiao's data exchange: what finance staff bring in and take out.
//!
//! - **Import** ([`import::import`]): a dataset folder (`jixiao-dataset/1`), the interchange
//!   CSVs of the benchmark (`units.csv`, `projects.csv`, `targets.csv`, `payments.csv`), or
//!   an Excel workbook laid out as jixiao's template; a column-mapping file lets a real
//!   export with other headers in unedited. One transaction: all of it or nothing, with every
//!   problem reported in Chinese (file, sheet, row, column, value, what was expected).
//! - **Export** ([`export`]): the same formats back out; import → export → import is
//!   identity.
//! - **Template** ([`export::write_template`]): the blank workbook with header notes and
//!   cell validation.
#![warn(missing_docs)]

pub mod cell;
pub mod declarations;
pub mod export;
mod fields;
pub mod import;
pub mod mapping;
pub mod notice;
pub mod profile;
pub mod source;
pub mod tables;
pub mod workbook;
