//! Target declarations (`jixiao-declaration/1`, docs/targets.md) and the automatic review's
//! rules file (`jixiao-target-review/1`, shipped as `frameworks/target-review-default.toml`,
//! provisional). Both TOML; every problem named with its file, place and what was expected.

use crate::problem::{read_toml, Collector, Problems};
use crate::value::{amount, decimal, money_unit};
use jixiao_domain::project::Level1;
use jixiao_domain::targets::{
    read_value, Declaration, DeclaredIndicator, ProjectKind, ReviewRules,
};
use serde::Deserialize;
use std::path::Path;
use toml::Value;

/// The format tag of a declaration file.
pub const FORMAT: &str = "jixiao-declaration/1";
/// The format tag of a review-rules file.
pub const RULES_FORMAT: &str = "jixiao-target-review/1";
/// The shipped review rules: (file name, text).
pub const DEFAULT_RULES: (&str, &str) = shipped!("target-review-default.toml");

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Raw {
    format: String,
    /// Where a transcription of a published declaration came from: for its reader, not read.
    #[serde(default, rename = "source")]
    _source: String,
    unit: String,
    year: i32,
    project: String,
    unit_name: String,
    kind: String,
    funds: Value,
    #[serde(default)]
    annual_goal: String,
    #[serde(default)]
    period_goal: String,
    #[serde(default)]
    indicators: Vec<RawIndicator>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawIndicator {
    level1: String,
    #[serde(default)]
    level2: String,
    name: String,
    #[serde(default)]
    value: String,
    #[serde(default)]
    period_value: String,
    weight: Option<Value>,
    last_actual: Option<Value>,
    #[serde(default)]
    standard: String,
}

/// A TOML basic string of `s`, as declaration texts write their values.
pub fn quote(s: &str) -> String {
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
}

/// A declaration as its `jixiao-declaration/1` text (amounts in 万元), which [`parse`] reads
/// back as the same declaration: how one read from a workbook is stored.
pub fn to_text(d: &Declaration) -> String {
    let q = quote;
    let mut t = format!(
        "format = \"{FORMAT}\"\nunit = \"万元\"\nyear = {}\nproject = {}\nunit_name = {}\nkind = {}\nfunds = {}\nannual_goal = {}\nperiod_goal = {}\n",
        d.year,
        q(&d.project),
        q(&d.unit_name),
        q(match d.kind {
            ProjectKind::New => "新增",
            ProjectKind::Continuing => "延续",
        }),
        q(&rust_decimal::Decimal::new(d.funds.0, 6).normalize().to_string()),
        q(&d.annual_goal),
        q(&d.period_goal)
    );
    for i in &d.indicators {
        t.push_str(&format!(
            "\n[[indicators]]\nlevel1 = {}\nlevel2 = {}\nname = {}\nvalue = {}\n",
            q(i.level1.label()),
            q(&i.level2),
            q(&i.name),
            q(&i.value_text)
        ));
        if let Some(p) = &i.period_value {
            let op = p.operator.map_or("", |o| o.symbol());
            t.push_str(&format!(
                "period_value = {}\n",
                q(&format!("{op}{}{}", p.number.normalize(), p.unit))
            ));
        }
        if let Some(w) = i.weight {
            t.push_str(&format!("weight = {}\n", q(&w.normalize().to_string())));
        }
        if let Some(a) = i.last_actual {
            t.push_str(&format!(
                "last_actual = {}\n",
                q(&a.normalize().to_string())
            ));
        }
        if !i.standard.is_empty() {
            t.push_str(&format!("standard = {}\n", q(&i.standard)));
        }
    }
    t
}

/// A blank declaration for `year` and `unit_name` (the web's 新建申报 and `jixiao targets
/// template`): every field named, with the 产出/效益/满意度 rows a declaration must have, their
/// values left for the clerk. It reads as a declaration; the automatic review names what is
/// still missing.
pub fn template(year: i32, unit_name: &str) -> String {
    let row = |level1: &str, level2: &str| {
        format!(
            "\n[[indicators]]\nlevel1 = \"{level1}\"\nlevel2 = \"{level2}\"\nname = \"\"\nvalue = \"\"   # 如 ≥63人、≤7工作日、100%、≥90%\n# weight = \"10\"   # 分值（权重），各项合计 100\nstandard = \"\"   # 评(扣)分标准，如 每降低5个百分点扣1分\n"
        )
    };
    let mut t = format!(
        "# 项目绩效目标申报表（jixiao-declaration/1，说明见 docs/targets.md）\n\
         format = \"{FORMAT}\"\n\
         unit = \"万元\"          # 下列金额的单位\n\
         year = {year}\n\
         project = \"\"           # 项目名称\n\
         unit_name = {}\n\
         kind = \"新增\"          # 新增 或 延续\n\
         funds = \"0\"            # 年度资金总额\n\
         annual_goal = \"\"       # 年度目标\n\
         period_goal = \"\"       # 总目标（跨年度项目的整个实施期）\n",
        quote(unit_name)
    );
    for (l1, l2) in [
        ("产出指标", "数量指标"),
        ("产出指标", "质量指标"),
        ("产出指标", "时效指标"),
        ("产出指标", "成本指标"),
        ("效益指标", "社会效益指标"),
        ("满意度指标", "服务对象满意度指标"),
    ] {
        t.push_str(&row(l1, l2));
    }
    t
}

/// Parses a declaration file's text (`path` names it in problems).
pub fn parse(path: &Path, text: &str) -> Result<Declaration, Problems> {
    let raw: Raw = read_toml(path, text)?;
    let mut c = Collector::new(path);
    c.expect_format(&raw.format, FORMAT);
    let per = c.take("unit", money_unit(&raw.unit)).unwrap_or(1);
    let funds = c.take("funds", amount(&raw.funds, per));
    let kind = c.take(
        "kind",
        match raw.kind.trim() {
            "新增" | "新增项目" => Ok(ProjectKind::New),
            "延续" | "延续项目" | "常年" | "常年项目" | "持续性项目" => {
                Ok(ProjectKind::Continuing)
            }
            other => Err(format!("项目属性应为“新增”或“延续”，实际为“{other}”")),
        },
    );
    let mut indicators = Vec::new();
    for (n, i) in raw.indicators.into_iter().enumerate() {
        let loc = format!("indicators[{}]（{}）", n + 1, i.name);
        let level1 = c.take(&format!("{loc}.level1"), crate::value::level1(&i.level1));
        let weight = i
            .weight
            .as_ref()
            .and_then(|w| c.take(&format!("{loc}.weight"), decimal(w)));
        let last_actual = i
            .last_actual
            .as_ref()
            .and_then(|w| c.take(&format!("{loc}.last_actual"), decimal(w)));
        if let Some(level1) = level1 {
            indicators.push(DeclaredIndicator {
                level1,
                level2: i.level2,
                value: read_value(&i.value),
                period_value: read_value(&i.period_value),
                value_text: i.value,
                name: i.name,
                weight,
                last_actual,
                standard: i.standard,
            });
        }
    }
    c.finish(|| {
        Some(Declaration {
            year: raw.year,
            project: raw.project,
            unit_name: raw.unit_name,
            kind: kind?,
            funds: funds?,
            annual_goal: raw.annual_goal,
            period_goal: raw.period_goal,
            indicators,
        })
    })
}

/// Reads a declaration file.
pub fn load(path: &Path) -> Result<Declaration, Problems> {
    parse(path, &crate::problem::read_text(path)?)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRules {
    format: String,
    id: String,
    provisional: bool,
    /// The rules' sources: for their reader, not read.
    #[serde(default, rename = "source")]
    _source: String,
    required_level1: Vec<String>,
    required_output: Vec<String>,
    min_quantitative_share: Value,
    weight_total: Value,
    unit_cost_tolerance: Value,
    grades: Vec<String>,
}

/// Parses a review-rules file.
pub fn parse_rules(path: &Path, text: &str) -> Result<ReviewRules, Problems> {
    let raw: RawRules = read_toml(path, text)?;
    let mut c = Collector::new(path);
    c.expect_format(&raw.format, RULES_FORMAT);
    let required_level1 = raw
        .required_level1
        .iter()
        .filter_map(|l| {
            c.take(
                "required_level1",
                Level1::parse(l).ok_or_else(|| format!("未知的一级指标“{l}”")),
            )
        })
        .collect();
    let share = c.take(
        "min_quantitative_share",
        decimal(&raw.min_quantitative_share),
    );
    let total = c.take("weight_total", decimal(&raw.weight_total));
    let tolerance = c.take("unit_cost_tolerance", decimal(&raw.unit_cost_tolerance));
    if raw.grades.len() != 4 {
        c.push("grades", "应列出四个等级（如 优、良、中、差）");
    }
    c.finish(|| {
        Some(ReviewRules {
            id: raw.id,
            provisional: raw.provisional,
            required_level1,
            required_output: raw.required_output,
            min_quantitative_share: share?,
            weight_total: total?,
            unit_cost_tolerance: tolerance?,
            grades: raw.grades,
        })
    })
}

/// The shipped review rules.
pub fn default_rules() -> ReviewRules {
    parse_rules(Path::new(DEFAULT_RULES.0), DEFAULT_RULES.1)
        .expect("the shipped review rules parse (tested)")
}

#[cfg(test)]
mod tests {
    use super::{default_rules, parse, template};
    use std::path::Path;

    #[test]
    fn the_blank_template_reads_and_the_review_names_what_is_missing() {
        let d = parse(Path::new("申报表"), &template(2027, "区卫生\"健康局")).unwrap();
        assert_eq!(
            (d.year, d.unit_name.as_str(), d.indicators.len()),
            (2027, "区卫生\"健康局", 6)
        );
        let r = jixiao_domain::targets::review(&d, &default_rules());
        assert!(r.findings.iter().any(|f| f.rule == "value-present"));
        assert!(r.findings.iter().any(|f| f.rule == "goal-present"));
    }
    #[test]
    fn the_shipped_rules_parse() {
        let r = super::default_rules();
        assert!(r.provisional);
        assert_eq!(r.grades, ["优", "良", "中", "差"]);
    }
}
