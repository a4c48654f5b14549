//! 事前绩效评估 frameworks (`jixiao-assessment/1`, docs/targets.md): the dimensions and their
//! points, the panel's trimming and spread flag, the conclusion's bands and the amount from which
//! a continuing project needs an assessment. Shipped: `frameworks/assessment-project-default.toml`
//! and `frameworks/assessment-policy-default.toml`, both provisional.

use crate::problem::{read_toml, Collector, Problems};
use crate::value::{amount, decimal};
use jixiao_domain::assessment::{AssessmentFramework, Dimension};
use jixiao_domain::money::FEN_PER_WAN;
use serde::Deserialize;
use std::path::Path;
use toml::Value;

/// The format tag.
pub const FORMAT: &str = "jixiao-assessment/1";
/// The shipped project framework: (file name, text).
pub const PROJECT_DEFAULT: (&str, &str) = shipped!("assessment-project-default.toml");
/// The shipped policy framework: (file name, text).
pub const POLICY_DEFAULT: (&str, &str) = shipped!("assessment-policy-default.toml");

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Raw {
    format: String,
    id: String,
    title: String,
    provisional: bool,
    #[serde(default)]
    source: String,
    trim: usize,
    spread_flag: Value,
    support_from: Value,
    adjusted_from: Value,
    /// In 万元.
    continuing_from: Value,
    dimensions: Vec<RawDimension>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDimension {
    name: String,
    weight: Value,
    #[serde(default)]
    guide: String,
}

/// Parses an assessment framework (`path` names it in problems).
pub fn parse(path: &Path, text: &str) -> Result<AssessmentFramework, Problems> {
    let raw: Raw = read_toml(path, text)?;
    let mut c = Collector::new(path);
    c.expect_format(&raw.format, FORMAT);
    let spread_flag = c.take("spread_flag", decimal(&raw.spread_flag));
    let support_from = c.take("support_from", decimal(&raw.support_from));
    let adjusted_from = c.take("adjusted_from", decimal(&raw.adjusted_from));
    let continuing_from = c.take("continuing_from", amount(&raw.continuing_from, FEN_PER_WAN));
    if raw.dimensions.is_empty() {
        c.push("dimensions", "至少应有一个评估维度");
    }
    let dimensions: Vec<Dimension> = raw
        .dimensions
        .iter()
        .enumerate()
        .filter_map(|(k, d)| {
            let weight = c.take(
                &format!("dimensions[{}]（{}）.weight", k + 1, d.name),
                decimal(&d.weight),
            )?;
            Some(Dimension {
                name: d.name.trim().to_string(),
                weight,
                guide: d.guide.trim().to_string(),
            })
        })
        .collect();
    for (k, d) in dimensions.iter().enumerate() {
        if dimensions[..k].iter().any(|o| o.name == d.name) {
            c.push(
                format!("dimensions[{}]", k + 1),
                format!("评估维度“{}”重复", d.name),
            );
        }
    }
    if let (Some(s), Some(a)) = (support_from, adjusted_from) {
        if a > s {
            c.push(
                "adjusted_from",
                "“调整后予以支持”的分数线不应高于“予以支持”的分数线",
            );
        }
    }
    c.finish(|| {
        Some(AssessmentFramework {
            id: raw.id,
            title: raw.title,
            provisional: raw.provisional,
            source: raw.source,
            dimensions,
            trim: raw.trim,
            spread_flag: spread_flag?,
            support_from: support_from?,
            adjusted_from: adjusted_from?,
            continuing_from: continuing_from?,
        })
    })
}

/// The shipped project framework.
pub fn project_default() -> AssessmentFramework {
    parse(Path::new(PROJECT_DEFAULT.0), PROJECT_DEFAULT.1)
        .expect("the shipped assessment framework reads")
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal::Decimal;

    #[test]
    fn the_shipped_frameworks_read_with_five_dimensions_of_a_hundred_points() {
        for (name, text) in [PROJECT_DEFAULT, POLICY_DEFAULT] {
            let f = parse(Path::new(name), text).unwrap();
            assert!(f.provisional, "{name}");
            assert_eq!(
                (f.dimensions.len(), f.total()),
                (5, Decimal::from(100)),
                "{name}"
            );
        }
        assert_eq!(project_default().dimensions[0].name, "立项必要性");
        assert_eq!(
            parse(Path::new(POLICY_DEFAULT.0), POLICY_DEFAULT.1)
                .unwrap()
                .dimensions[0]
                .name,
            "政策设立必要性"
        );
    }

    #[test]
    fn a_bad_framework_names_each_problem() {
        let text = PROJECT_DEFAULT
            .1
            .replace("adjusted_from = \"60\"", "adjusted_from = \"90\"")
            .replace("name = \"筹资合规性\"", "name = \"立项必要性\"");
        let e = parse(Path::new("a.toml"), &text).unwrap_err();
        let text = e.to_string();
        assert!(
            text.contains("adjusted_from") && text.contains("重复"),
            "{text}"
        );
    }
}
