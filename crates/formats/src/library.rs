//! The 指标库's file (`jixiao-indicator-library/1`): indicators with their first and second
//! levels, 指标值 hint, scoring standard and classification. Shipped:
//! `frameworks/indicator-library-default.toml` (共性, provisional).

use crate::problem::{read_toml, Collector, Problems};
use crate::value::level1;
use jixiao_domain::library::{Classification, LibraryIndicator};
use serde::Deserialize;
use std::path::Path;

/// The format tag.
pub const FORMAT: &str = "jixiao-indicator-library/1";
/// The shipped library: (file name, text).
pub const DEFAULT: (&str, &str) = shipped!("indicator-library-default.toml");

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Raw {
    format: String,
    /// Its id, whether provisional and its sources: for its reader, not read.
    #[serde(default, rename = "id")]
    _id: String,
    #[serde(default, rename = "provisional")]
    _provisional: bool,
    #[serde(default, rename = "source")]
    _source: String,
    #[serde(default)]
    indicators: Vec<RawIndicator>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawIndicator {
    level1: String,
    level2: String,
    name: String,
    #[serde(default)]
    value: String,
    #[serde(default)]
    standard: String,
    #[serde(default)]
    function_subject: String,
    #[serde(default)]
    sector: String,
    #[serde(default)]
    purpose: String,
}

/// Parses a library file (`path` names it in problems).
pub fn parse(path: &Path, text: &str) -> Result<Vec<LibraryIndicator>, Problems> {
    let raw: Raw = read_toml(path, text)?;
    let mut c = Collector::new(path);
    c.expect_format(&raw.format, FORMAT);
    let source = path.display().to_string();
    let indicators: Vec<LibraryIndicator> = raw
        .indicators
        .into_iter()
        .enumerate()
        .filter_map(|(k, i)| {
            let l1 = c.take(
                &format!("indicators[{}]（{}）.level1", k + 1, i.name),
                level1(&i.level1),
            )?;
            Some(LibraryIndicator {
                id: None,
                level1: l1,
                level2: i.level2,
                name: i.name,
                value_hint: i.value,
                standard: i.standard,
                classification: Classification {
                    function_subject: i.function_subject,
                    sector: i.sector,
                    purpose: i.purpose,
                },
                source: source.clone(),
            })
        })
        .collect();
    c.finish(|| Some(indicators))
}

/// The shipped library.
pub fn shipped() -> Vec<LibraryIndicator> {
    parse(Path::new(DEFAULT.0), DEFAULT.1).expect("the shipped library reads")
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_shipped_library_reads_with_every_first_level() {
        let l = super::shipped();
        assert!(l.len() >= 8);
        for level in ["产出指标", "效益指标", "满意度指标"] {
            assert!(l.iter().any(|i| i.level1.label() == level), "{level}");
        }
        assert!(l.iter().all(|i| i.classification.is_general()));
    }
}
