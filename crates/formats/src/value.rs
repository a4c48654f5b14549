//! Reading exact numbers, amounts and marked values out of TOML.
//!
//! Numbers are best written as strings (`"1.5"`, `"8,024.86"`, `"95%"`) so they are read
//! exactly; TOML integers are exact too. A TOML float is read back by its shortest decimal
//! text, which is what was typed for up to 15 significant digits, and is converted to a
//! decimal here so that no float reaches the domain.

use jixiao_domain::money::{Fen, MoneyError};
use jixiao_domain::provenance::Sourced;
use jixiao_domain::Decimal;
use std::str::FromStr;
use toml::Value;

/// Parses a number written as text: thousands separators allowed, a trailing `%` divides by
/// 100.
pub fn decimal_text(text: &str) -> Result<Decimal, String> {
    let cleaned: String = text
        .trim()
        .chars()
        .filter(|c| *c != ',' && *c != '，')
        .collect();
    let (digits, percent) = match cleaned.strip_suffix('%') {
        Some(d) => (d.trim(), true),
        None => (cleaned.as_str(), false),
    };
    let value = Decimal::from_str(digits).map_err(|_| {
        format!("应为数字（如 \"1.5\"、\"8,024.86\" 或 \"95%\"），实际为 \"{text}\"")
    })?;
    Ok(if percent {
        value / Decimal::ONE_HUNDRED
    } else {
        value
    })
}

/// Reads a number from a TOML value.
pub fn decimal(value: &Value) -> Result<Decimal, String> {
    match value {
        Value::Integer(i) => Ok(Decimal::from(*i)),
        Value::Float(f) => decimal_text(&f.to_string()),
        Value::String(s) => decimal_text(s),
        other => Err(format!("应为数字，实际为{}", kind(other))),
    }
}

/// Reads an amount in a unit worth `fen_per_unit` fen.
pub fn amount(value: &Value, fen_per_unit: i64) -> Result<Fen, String> {
    let d = decimal(value)?;
    Fen::from_units(d, fen_per_unit).map_err(|e| match e {
        MoneyError::NotWholeFen => format!("金额 {} 有不足一分的尾数", d.normalize()),
        MoneyError::OutOfRange => format!("金额 {} 超出可记录的范围", d.normalize()),
    })
}

/// Reads a value that is either plain (stated) or a table `{ value = …, inferred = "reason" }`.
pub fn sourced<T>(
    value: &Value,
    read: impl Fn(&Value) -> Result<T, String>,
) -> Result<Sourced<T>, String> {
    match value {
        Value::Table(t) if t.contains_key("value") => {
            if let Some(extra) = t.keys().find(|k| *k != "value" && *k != "inferred") {
                return Err(format!(
                    "标注值只能有 value 与 inferred 两个字段，多了“{extra}”"
                ));
            }
            let inner = read(&t["value"])?;
            match t.get("inferred") {
                Some(Value::String(reason)) if !reason.trim().is_empty() => {
                    Ok(Sourced::inferred(inner, reason.trim()))
                }
                Some(_) => Err("inferred 应写明推定理由（非空文字）".into()),
                None => Ok(Sourced::stated(inner)),
            }
        }
        other => read(other).map(Sourced::stated),
    }
}

/// The name of a TOML value's type, in Chinese.
pub fn kind(value: &Value) -> &'static str {
    match value {
        Value::String(_) => "文字",
        Value::Integer(_) => "整数",
        Value::Float(_) => "小数",
        Value::Boolean(_) => "是/否",
        Value::Datetime(_) => "日期",
        Value::Array(_) => "列表",
        Value::Table(_) => "表",
    }
}

/// A first-level indicator as files name it (产出指标 …, and the 项目决策 / 项目管理 forms' names).
pub fn level1(text: &str) -> Result<jixiao_domain::project::Level1, String> {
    jixiao_domain::project::Level1::parse(text)
        .ok_or_else(|| format!("一级指标应为 产出指标、效益指标 或 满意度指标，实际为“{text}”"))
}

/// The unit an amount column is written in, from a file's `unit` key.
pub fn money_unit(unit: &str) -> Result<i64, String> {
    match unit.trim() {
        "万元" => Ok(jixiao_domain::money::FEN_PER_WAN),
        "元" => Ok(jixiao_domain::money::FEN_PER_YUAN),
        other => Err(format!("金额单位应为“万元”或“元”，实际为“{other}”")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_exact_numbers() {
        assert_eq!(decimal_text("8,024.86").unwrap().to_string(), "8024.86");
        assert_eq!(decimal_text("95%").unwrap().to_string(), "0.95");
        assert_eq!(decimal_text(" -1.5 ").unwrap().to_string(), "-1.5");
        assert!(decimal_text("1.5万").is_err());
        assert_eq!(decimal(&Value::Float(0.1)).unwrap().to_string(), "0.1");
        assert_eq!(decimal(&Value::Integer(7)).unwrap().to_string(), "7");
        assert!(decimal(&Value::Boolean(true)).is_err());
    }

    #[test]
    fn reads_amounts_and_marks() {
        let wan = jixiao_domain::money::FEN_PER_WAN;
        assert_eq!(
            amount(&Value::String("69.88".into()), wan),
            Ok(Fen(69_880_000))
        );
        assert!(amount(&Value::String("0.0000001".into()), wan).is_err());
        let marked: Value =
            toml::from_str::<toml::Table>("v = { value = \"1\", inferred = \"因为\" }").unwrap()
                ["v"]
                .clone();
        let s = sourced(&marked, decimal).unwrap();
        assert!(s.origin.is_inferred());
        let bad: Value = toml::from_str::<toml::Table>("v = { value = \"1\", inferred = \"\" }")
            .unwrap()["v"]
            .clone();
        assert!(sourced(&bad, decimal).is_err());
    }
}
