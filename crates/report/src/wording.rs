//! The report's wording: sentence patterns with `{placeholders}`, shipped in
//! `templates/report.toml` and replaceable, key by key, from a folder a finance bureau edits
//! (`jixiao report --template-dir`), without recompiling.

use std::collections::BTreeMap;
use std::path::Path;

/// The format tag of wording files.
pub const FORMAT: &str = "jixiao-report-wording/1";

/// The shipped wording.
pub const DEFAULT: &str = include_str!("../../../templates/report.toml");

/// Each key and the placeholders its pattern may use.
pub const KEYS: [(&str, &[&str]); 21] = [
    ("title", &["department", "year"]),
    ("organs", &["unit", "count", "organs"]),
    ("subordinates", &["kind", "count", "units"]),
    ("income", &["total", "parts"]),
    ("income_part", &["source", "amount"]),
    ("expenditure", &["total", "parts"]),
    ("expenditure_part", &["source", "amount"]),
    ("ratio", &["ratio"]),
    ("result", &["grade", "score"]),
    ("lost", &["items"]),
    ("lost_item", &["name", "score"]),
    ("lost_value", &["name", "value"]),
    ("note", &["title", "id"]),
    ("note_provisional", &[]),
    ("note_provisional_rules", &["names"]),
    ("note_inferred", &[]),
    ("project", &["year", "budget", "executed"]),
    ("project_rate", &["rate", "completion"]),
    ("key_project", &["year", "adjusted", "budget", "executed"]),
    ("key_project_rate", &["rate"]),
    ("format", &[]),
];

/// Sentence patterns by key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Wording(BTreeMap<String, String>);

fn parse(text: &str, origin: &str) -> Result<BTreeMap<String, String>, Vec<String>> {
    let table: toml::Table = text
        .parse()
        .map_err(|e: toml::de::Error| vec![format!("{origin}：文件格式不正确：{}", e.message())])?;
    let mut out = BTreeMap::new();
    let mut problems = Vec::new();
    for (key, value) in table {
        let Some((_, allowed)) = KEYS.iter().find(|(k, _)| *k == key) else {
            problems.push(format!(
                "{origin}：不认识的句式“{key}”；可用的有 {}",
                KEYS.iter()
                    .filter(|(k, _)| *k != "format")
                    .map(|(k, _)| *k)
                    .collect::<Vec<_>>()
                    .join("、")
            ));
            continue;
        };
        let Some(pattern) = value.as_str() else {
            problems.push(format!("{origin}：“{key}”应为一句文字（加引号）"));
            continue;
        };
        if key == "format" {
            if pattern != FORMAT {
                problems.push(format!(
                    "{origin}：format 应为“{FORMAT}”，实际为“{pattern}”"
                ));
            }
            continue;
        }
        for name in placeholders(pattern) {
            if !allowed.contains(&name.as_str()) {
                problems.push(format!(
                    "{origin}：“{key}”中的 {{{name}}} 无法填写；这一句可用的有 {}",
                    if allowed.is_empty() {
                        "（无）".to_string()
                    } else {
                        allowed
                            .iter()
                            .map(|a| format!("{{{a}}}"))
                            .collect::<Vec<_>>()
                            .join("、")
                    }
                ));
            }
        }
        out.insert(key, pattern.to_string());
    }
    if problems.is_empty() {
        Ok(out)
    } else {
        Err(problems)
    }
}

/// The `{names}` a pattern uses.
fn placeholders(pattern: &str) -> Vec<String> {
    pattern
        .split('{')
        .skip(1)
        .filter_map(|rest| rest.split_once('}').map(|(name, _)| name.to_string()))
        .collect()
}

impl Default for Wording {
    fn default() -> Wording {
        Wording(parse(DEFAULT, "templates/report.toml").expect("the shipped wording is valid"))
    }
}

impl Wording {
    /// The shipped wording with the patterns of `dir/report.toml` over it.
    pub fn load(dir: &Path) -> Result<Wording, Vec<String>> {
        let path = dir.join("report.toml");
        let text = std::fs::read_to_string(&path)
            .map_err(|e| vec![format!("{}：无法读取：{e}", path.display())])?;
        let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
        let custom = parse(text, &path.display().to_string())?;
        let mut w = Wording::default();
        w.0.extend(custom);
        Ok(w)
    }

    /// The pattern of `key` filled with `values`.
    pub fn fill(&self, key: &str, values: &[(&str, &str)]) -> String {
        let mut s = self.0.get(key).cloned().unwrap_or_default();
        for (name, value) in values {
            s = s.replace(&format!("{{{name}}}"), value);
        }
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_wording_has_every_key() {
        let w = Wording::default();
        for (key, _) in KEYS.iter().filter(|(k, _)| *k != "format") {
            assert!(w.0.contains_key(*key), "{key}");
        }
        assert_eq!(
            w.fill("result", &[("grade", "优"), ("score", "99.45")]),
            "本部门整体支出绩效自评结果为“优”，绩效自评得分为99.45分。"
        );
    }

    #[test]
    fn unknown_keys_and_placeholders_are_reported() {
        let e = parse("result = \"得分{points}\"\nmotto = \"x\"\n", "t").unwrap_err();
        assert!(e.iter().any(|p| p.contains("{points} 无法填写")), "{e:?}");
        assert!(e.iter().any(|p| p.contains("不认识的句式“motto”")), "{e:?}");
    }
}
