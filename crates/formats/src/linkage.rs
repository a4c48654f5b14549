//! Linkage rule files (`jixiao-linkage/1`, TOML): from a grade or score to next year's budget
//! action. The shipped default is provisional (`frameworks/linkage-default.toml`).

use crate::problem::{read_toml, Collector, Problems};
use crate::value::decimal_text;
use jixiao_domain::results::{BudgetAction, Condition, Linkage, LinkageRule};
use serde::Deserialize;
use std::path::Path;

/// The format tag.
pub const FORMAT: &str = "jixiao-linkage/1";

/// The shipped default rules.
pub const DEFAULT: &str = shipped!("linkage-default.toml").1;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FileRaw {
    format: String,
    id: String,
    title: String,
    provisional: bool,
    #[serde(default)]
    note: String,
    #[serde(default)]
    per_overdue_rectification: Option<String>,
    rules: Vec<RuleRaw>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RuleRaw {
    grade: Option<String>,
    score_from: Option<String>,
    score_to: Option<String>,
    action: String,
    #[serde(default)]
    percent: Option<String>,
}

/// Reads a linkage file's text; every problem is reported, with its place.
pub fn parse(file: &Path, text: &str) -> Result<Linkage, Problems> {
    let raw: FileRaw = read_toml(file, text)?;
    let mut c = Collector::new(file);
    c.expect_format(&raw.format, FORMAT);
    let per = match &raw.per_overdue_rectification {
        Some(t) => c
            .take("per_overdue_rectification", decimal_text(t))
            .unwrap_or_default(),
        None => Default::default(),
    };
    let mut rules = Vec::new();
    for (i, r) in raw.rules.iter().enumerate() {
        let at = |k: &str| format!("rules[{i}].{k}");
        let when = match (&r.grade, &r.score_from, &r.score_to) {
            (Some(g), None, None) => Some(Condition::Grade(g.clone())),
            (None, Some(f), Some(t)) => {
                let from = c.take(&at("score_from"), decimal_text(f));
                let to = c.take(&at("score_to"), decimal_text(t));
                from.zip(to).map(|(from, to)| Condition::Score { from, to })
            }
            _ => {
                c.push(at("grade"), "每条规则须给出 grade（等级），或同时给出 score_from 与 score_to（得分区间），二者择一");
                None
            }
        };
        let action = BudgetAction::from_id(&r.action);
        if action.is_none() {
            c.push(at("action"), format!("“{}”不认识：应为 priority（优先保障）、keep（维持）、cut（核减）或 cancel（取消或暂停）", r.action));
        }
        let percent = match &r.percent {
            Some(p) => c.take(&at("percent"), decimal_text(p)),
            None => Some(Default::default()),
        };
        if let (Some(when), Some(action), Some(percent)) = (when, action, percent) {
            rules.push(LinkageRule {
                when,
                action,
                percent,
            });
        }
    }
    let linkage = Linkage {
        id: raw.id,
        title: raw.title,
        provisional: raw.provisional,
        note: raw.note,
        rules,
        per_overdue_rectification: per,
    };
    for p in linkage.problems() {
        c.push("rules", p);
    }
    if c.is_clean() {
        Ok(linkage)
    } else {
        Err(Problems(c.into_problems()))
    }
}

/// The shipped default rules.
pub fn default_rules() -> Linkage {
    parse(Path::new("frameworks/linkage-default.toml"), DEFAULT)
        .expect("the shipped linkage file reads")
}

/// A linkage file by path, or `default`.
pub fn load(id_or_path: &str) -> Result<Linkage, Problems> {
    if id_or_path == "default" {
        return Ok(default_rules());
    }
    let path = Path::new(id_or_path);
    let text = std::fs::read_to_string(path).map_err(|e| {
        Problems(vec![crate::Problem {
            file: path.to_path_buf(),
            location: String::new(),
            message: format!("无法读取：{e}"),
        }])
    })?;
    parse(path, &text)
}

#[cfg(test)]
mod tests {
    use super::*;
    use jixiao_domain::Decimal;

    #[test]
    fn the_shipped_default_is_provisional_and_as_rules_md_proposes() {
        let l = default_rules();
        assert!(l.provisional);
        let got: Vec<(String, &str, String)> = l
            .rules
            .iter()
            .map(|r| match &r.when {
                Condition::Grade(g) => (g.clone(), r.action.id(), r.percent.to_string()),
                Condition::Score { .. } => panic!("grades only"),
            })
            .collect();
        let want = [
            ("excellent", "priority", "0"),
            ("good", "keep", "0"),
            ("fair", "cut", "-10"),
            ("poor", "cut", "-30"),
        ];
        assert_eq!(got, want.map(|(g, a, p)| (g.to_string(), a, p.to_string())));
        assert_eq!(l.per_overdue_rectification, Decimal::from(-5));
    }

    #[test]
    fn every_problem_is_named() {
        let text = r#"
format = "jixiao-linkage/1"
id = "x"
title = "x"
provisional = false
[[rules]]
action = "raise"
percent = "ten"
[[rules]]
score_from = "0"
score_to = "60"
action = "cut"
percent = "5"
"#;
        let p = parse(Path::new("x.toml"), text).unwrap_err().to_string();
        for needle in [
            "rules[0].grade",
            "rules[0].action",
            "rules[0].percent",
            "核减的比例应为负数",
        ] {
            assert!(p.contains(needle), "{needle} in {p}");
        }
    }
}
