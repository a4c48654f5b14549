//! Reading one cell's text as what its column holds, with the message a clerk reads when it
//! is not; and writing values back as the interchange files write them.

use jixiao_domain::budget::FundingSource;
use jixiao_domain::date::Date;
use jixiao_domain::money::Fen;
use rust_decimal::Decimal;

/// Money in yuan (`1234.56`, `1,234.56`, `-12.3`, `12`) as fen.
pub fn money(text: &str) -> Result<Fen, String> {
    let t = text.trim();
    if t.is_empty() {
        return Err("金额为空：应填写金额（元，最多两位小数）".into());
    }
    let (negative, digits) = match t.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, t.strip_prefix('+').unwrap_or(t)),
    };
    let not_money = || format!("“{text}”不是金额：应为以元为单位的数字，如 1234.56 或 1,234.56");
    let (whole, frac) = match digits.split_once('.') {
        Some((w, f)) => (w, Some(f)),
        None => (digits, None),
    };
    if whole.is_empty() || whole.starts_with(',') || whole.ends_with(',') {
        return Err(not_money());
    }
    let mut yuan: i64 = 0;
    for b in whole.bytes() {
        match b {
            b'0'..=b'9' => {
                yuan = yuan
                    .checked_mul(10)
                    .and_then(|y| y.checked_add(i64::from(b - b'0')))
                    .ok_or_else(|| format!("金额“{text}”过大"))?;
            }
            b',' => {}
            _ => return Err(not_money()),
        }
    }
    let mut fen_part: i64 = 0;
    if let Some(f) = frac {
        if f.is_empty() || !f.bytes().all(|b| b.is_ascii_digit()) {
            return Err(not_money());
        }
        if f.len() > 2 {
            return Err(format!(
                "金额“{text}”有 {} 位小数：金额以元为单位，最多两位小数（到分）",
                f.len()
            ));
        }
        for (i, b) in f.bytes().enumerate() {
            fen_part += i64::from(b - b'0') * if i == 0 { 10 } else { 1 };
        }
    }
    let fen = yuan
        .checked_mul(100)
        .and_then(|y| y.checked_add(fen_part))
        .ok_or_else(|| format!("金额“{text}”过大"))?;
    Ok(Fen(if negative { -fen } else { fen }))
}

/// Money in another unit than the yuan (`fen_per_unit`: 万元 is 1,000,000 fen), exact to the
/// fen: `12.3456` 万元 is 123,456.00 元; a fifth decimal of 万元 (less than a fen) is refused.
pub fn money_in(text: &str, fen_per_unit: i64) -> Result<Fen, String> {
    let t: String = text.trim().chars().filter(|c| *c != ',').collect();
    if t.is_empty() {
        return Err("金额为空：应填写金额".into());
    }
    let amount: Decimal = t
        .parse()
        .map_err(|_| format!("“{text}”不是金额：应为数字，如 12.3456"))?;
    Fen::from_units(amount, fen_per_unit).map_err(|e| format!("金额“{text}”：{e}"))
}

/// A date: `2021-03-04`, `2021/3/4`, `2021.3.4`, `20210304` or `2021年3月4日`.
pub fn date(text: &str) -> Result<Date, String> {
    let t = text.trim();
    let bad = || format!("“{text}”不是有效日期：应为 年-月-日，如 2021-03-04");
    // yyyyMMddHHmmss (the 一体化 systems' text time stamps) keeps its date.
    let t = if (14..=17).contains(&t.len()) && t.bytes().all(|b| b.is_ascii_digit()) {
        &t[..8]
    } else {
        t
    };
    if t.len() == 8 && t.bytes().all(|b| b.is_ascii_digit()) {
        let n: u32 = t.parse().map_err(|_| bad())?;
        return Date::new((n / 10_000) as i32, n / 100 % 100, n % 100).ok_or_else(bad);
    }
    let normal: String = t
        .trim_end_matches('日')
        .chars()
        .map(|c| match c {
            '/' | '.' | '年' | '月' => '-',
            c => c,
        })
        .collect();
    // A date-time keeps only its date.
    let normal = normal.split([' ', 'T']).next().unwrap_or("");
    Date::parse(normal).ok_or_else(bad)
}

/// An exact decimal number (`97.50`, `1,200`, `95%` is not accepted: write 95).
pub fn number(text: &str) -> Result<Decimal, String> {
    let t: String = text.trim().chars().filter(|c| *c != ',').collect();
    t.parse::<Decimal>()
        .map_err(|_| format!("“{text}”不是数字：应填写数字，如 95 或 97.5"))
}

/// The funding source of the interchange files (`general`, …) or its Chinese name.
pub fn fund_source(text: &str) -> Option<FundingSource> {
    Some(match text.trim() {
        "general" => FundingSource::GeneralPublic,
        "fund" => FundingSource::GovernmentFund,
        "state_capital" => FundingSource::StateCapital,
        "special" => FundingSource::FiscalSpecialAccount,
        "other" => FundingSource::UnitOwn,
        other => return FundingSource::parse(other),
    })
}

/// The interchange files' word for a funding source.
pub fn fund_source_id(s: FundingSource) -> &'static str {
    match s {
        FundingSource::GeneralPublic => "general",
        FundingSource::GovernmentFund => "fund",
        FundingSource::StateCapital => "state_capital",
        FundingSource::FiscalSpecialAccount => "special",
        FundingSource::UnitOwn => "other",
    }
}

/// Fen as yuan with exactly two decimals and `-` before a negative amount: `-12.30`.
pub fn yuan(f: Fen) -> String {
    let a = f.0.unsigned_abs();
    format!(
        "{}{}.{:02}",
        if f.0 < 0 { "-" } else { "" },
        a / 100,
        a % 100
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_in_yuan() {
        assert_eq!(money("1234.56"), Ok(Fen(123_456)));
        assert_eq!(money("1,234.5"), Ok(Fen(123_450)));
        assert_eq!(money(" -12 "), Ok(Fen(-1_200)));
        assert_eq!(money("0.07"), Ok(Fen(7)));
        assert!(money("12.345").unwrap_err().contains("3 位小数"));
        assert!(money("abc").unwrap_err().contains("不是金额"));
        assert!(money("").unwrap_err().contains("为空"));
        assert!(money("1.").is_err());
        assert!(money(".5").is_err());
        assert!(money("1e3").is_err());
        assert!(money("99999999999999999999").unwrap_err().contains("过大"));
    }

    #[test]
    fn yuan_round_trips() {
        for f in [0, 7, -7, 123_456, -1_200, i64::from(i32::MAX)] {
            assert_eq!(money(&yuan(Fen(f))), Ok(Fen(f)));
        }
        assert_eq!(yuan(Fen(-5)), "-0.05");
    }

    #[test]
    fn dates_as_clerks_write_them() {
        let d = Date::new(2021, 3, 4).unwrap();
        for t in [
            "2021-03-04",
            "2021/3/4",
            "2021.3.4",
            "20210304",
            "2021年3月4日",
            "2021-03-04 10:00:00",
        ] {
            assert_eq!(date(t), Ok(d), "{t}");
        }
        assert!(date("2021-02-30").is_err());
        assert!(date("March 4").is_err());
    }

    #[test]
    fn numbers_are_exact() {
        assert_eq!(number("97.50").unwrap().to_string(), "97.50");
        assert_eq!(number("1,200").unwrap().to_string(), "1200");
        assert!(number("九十").is_err());
    }
}
