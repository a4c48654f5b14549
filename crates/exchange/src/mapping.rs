//! Column-mapping files (`jixiao-mapping/1`): how a real export's columns correspond to
//! jixiao's, so that it imports without editing it.
//!
//! ```toml
//! format = "jixiao-mapping/1"
//! [payments]
//! file = "国库集中支付明细.xlsx"   # optional: which file (or workbook) holds the table
//! sheet = "明细"                   # optional: which sheet of it
//! [payments.columns]
//! payment_id = "支付凭证号"
//! amount = "支付金额"
//! ```

use crate::tables::{table_named, TABLES};
use jixiao_formats::problem::toml_problem;
use jixiao_formats::{Problem, Problems};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::Path;

/// The format tag of mapping files.
pub const FORMAT: &str = "jixiao-mapping/1";

/// The name a mapping file found in an import folder is looked up by.
pub const DEFAULT_NAME: &str = "jixiao-mapping.toml";

/// How one table is found and its columns named.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TableMapping {
    /// The file holding the table, relative to the imported folder.
    pub file: Option<String>,
    /// The sheet holding it, for a workbook.
    pub sheet: Option<String>,
    /// jixiao's column id → the header in the file.
    #[serde(default)]
    pub columns: BTreeMap<String, String>,
    /// jixiao's column id → the value every row takes, for a column the file does not carry
    /// (a 项目库 export's projects are all 项目支出).
    #[serde(default)]
    pub fixed: BTreeMap<String, String>,
    /// The header of a column marking deleted rows (`IS_DELETED`: 1 是, 2 否): rows marked 1
    /// are skipped and counted.
    #[serde(default)]
    pub deleted: Option<String>,
    /// The unit of the table's amounts: 元 (the default) or 万元.
    #[serde(default)]
    pub unit: Option<String>,
    /// jixiao's column id → how a built-in profile reads the other system's codes in it (not
    /// in mapping files).
    #[serde(skip)]
    pub translate: BTreeMap<String, crate::profile::Translate>,
}

/// A whole mapping file: table id → its mapping.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Mapping {
    /// By table id (`units`, `projects`, `targets`, `payments`).
    pub tables: BTreeMap<String, TableMapping>,
}

/// Every key but `format` is a table; unknown tables are reported by name below.
#[derive(Deserialize)]
struct File {
    format: String,
    #[serde(flatten)]
    tables: BTreeMap<String, TableMapping>,
}

impl Mapping {
    /// The mapping of table `id`, if any.
    pub fn table(&self, id: &str) -> Option<&TableMapping> {
        self.tables.get(id)
    }

    /// Reads and checks a mapping file.
    pub fn load(path: &Path) -> Result<Mapping, Problems> {
        let problem = |location: String, message: String| Problem {
            file: path.to_path_buf(),
            location,
            message,
        };
        let text = std::fs::read_to_string(path).map_err(|e| {
            Problems(vec![problem(
                String::new(),
                format!("无法读取映射文件：{e}"),
            )])
        })?;
        let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
        let file: File =
            toml::from_str(text).map_err(|e| Problems(vec![toml_problem(path, text, &e)]))?;
        let mut problems = Vec::new();
        if file.format != FORMAT {
            problems.push(problem(
                "format".into(),
                format!("应为“{FORMAT}”，实际为“{}”", file.format),
            ));
        }
        let mut tables = BTreeMap::new();
        for (name, m) in file.tables {
            let Some(table) = table_named(&name) else {
                problems.push(problem(
                    format!("[{name}]"),
                    format!(
                        "没有叫“{name}”的表：应为 {}",
                        TABLES.map(|t| t.id).join("、")
                    ),
                ));
                continue;
            };
            if let Some(u) = &m.unit {
                if let Err(e) = jixiao_formats::value::money_unit(u) {
                    problems.push(problem(format!("[{name}] unit"), e));
                }
            }
            let keys = m.columns.keys().map(|k| ("columns", k));
            for (part, key) in keys.chain(m.fixed.keys().map(|k| ("fixed", k))) {
                if !table.columns.iter().any(|c| c.id == key) {
                    problems.push(problem(
                        format!("[{name}.{part}] {key}"),
                        format!(
                            "{}表没有“{key}”这一列：应为 {}",
                            table.label,
                            table.ids("、")
                        ),
                    ));
                }
            }
            tables.insert(table.id.to_string(), m);
        }
        if problems.is_empty() {
            Ok(Mapping { tables })
        } else {
            Err(Problems(problems))
        }
    }
}
