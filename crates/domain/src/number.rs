//! Rounding and the display conventions of Chinese budget documents (RULES.md §7.3).
//!
//! The domain keeps full precision. Rounding happens in two named places only: when a
//! framework's rule says a score or rate is rounded (the [`Rounding`] it declares), and when a
//! figure is rendered for people (always [`Rounding::HalfAwayFromZero`], 四舍五入).

use rust_decimal::{Decimal, RoundingStrategy};

/// How a number is cut to a given count of decimal places.
///
/// Regions differ (RULES.md §1.6): Oracle's `round` and the seed round half away from zero,
/// some systems round half to even, and some truncate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rounding {
    /// 四舍五入: 0.125 → 0.13 and −0.125 → −0.13. The default everywhere.
    HalfAwayFromZero,
    /// Banker's rounding: 0.125 → 0.12, 0.135 → 0.14.
    HalfEven,
    /// 截尾: drops the extra digits, towards zero.
    Truncate,
}

impl Rounding {
    /// Rounds `value` to `dp` decimal places.
    pub fn round(self, value: Decimal, dp: u32) -> Decimal {
        let strategy = match self {
            Rounding::HalfAwayFromZero => RoundingStrategy::MidpointAwayFromZero,
            Rounding::HalfEven => RoundingStrategy::MidpointNearestEven,
            Rounding::Truncate => RoundingStrategy::ToZero,
        };
        value.round_dp_with_strategy(dp, strategy)
    }

    /// The identifier used in framework files.
    pub fn id(self) -> &'static str {
        match self {
            Rounding::HalfAwayFromZero => "half_away_from_zero",
            Rounding::HalfEven => "half_even",
            Rounding::Truncate => "truncate",
        }
    }

    /// Parses the identifier used in framework files.
    pub fn from_id(id: &str) -> Option<Rounding> {
        [
            Rounding::HalfAwayFromZero,
            Rounding::HalfEven,
            Rounding::Truncate,
        ]
        .into_iter()
        .find(|r| r.id() == id)
    }

    /// The Chinese name, for explanations.
    pub fn label(self) -> &'static str {
        match self {
            Rounding::HalfAwayFromZero => "四舍五入",
            Rounding::HalfEven => "四舍六入五成双",
            Rounding::Truncate => "截尾",
        }
    }
}

/// The one rule for rendering: half away from zero.
pub const DISPLAY_ROUNDING: Rounding = Rounding::HalfAwayFromZero;

/// Renders `value` with exactly `dp` decimals and, when `group` is set, comma thousands
/// separators in the integer part (GB/T 15835: decimals are never grouped).
pub fn format_decimal(value: Decimal, dp: u32, group: bool) -> String {
    let rounded = DISPLAY_ROUNDING.round(value, dp);
    let text = format!("{:.*}", dp as usize, rounded.abs());
    let (int_part, frac_part) = match text.split_once('.') {
        Some((i, f)) => (i.to_string(), Some(f.to_string())),
        None => (text.clone(), None),
    };
    let int_part = if group {
        group_thousands(&int_part)
    } else {
        int_part
    };
    let sign = if rounded.is_sign_negative() && !rounded.is_zero() {
        "-"
    } else {
        ""
    };
    match frac_part {
        Some(f) => format!("{sign}{int_part}.{f}"),
        None => format!("{sign}{int_part}"),
    }
}

fn group_thousands(digits: &str) -> String {
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(ch);
    }
    out
}

/// A ratio (1 = 100%) rendered as a percentage with two decimals: `99.97%`.
pub fn format_percent(ratio: Decimal) -> String {
    format!("{}%", format_decimal(ratio * Decimal::ONE_HUNDRED, 2, true))
}

/// A ratio rendered as prose writes it: `100%` when it is exactly whole after rounding,
/// otherwise two decimals (RULES.md §7.3: prose writes 100%, tables 100.00%).
pub fn format_percent_prose(ratio: Decimal) -> String {
    let pct = DISPLAY_ROUNDING.round(ratio * Decimal::ONE_HUNDRED, 2);
    if pct.fract().is_zero() {
        format!("{}%", format_decimal(pct, 0, true))
    } else {
        format!("{}%", format_decimal(pct, 2, true))
    }
}

/// A score with two decimals: `99.45`, `1.50`.
pub fn format_score(score: Decimal) -> String {
    format_decimal(score, 2, false)
}

/// A count with thousands separators: `35,745`.
pub fn format_count(count: i64) -> String {
    format_decimal(Decimal::from(count), 0, true)
}

/// A score as prose writes it: two decimals, trailing zeros dropped (`1.5分`, `99.45分`).
pub fn format_score_prose(score: Decimal) -> String {
    DISPLAY_ROUNDING.round(score, 2).normalize().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    fn check_round(mode: Rounding, input: &str, expect: &str) {
        assert_eq!(
            mode.round(d(input), 2).to_string(),
            expect,
            "{mode:?} {input}"
        );
    }

    #[test]
    fn rounding_at_midpoints() {
        check_round(Rounding::HalfAwayFromZero, "0.125", "0.13");
        check_round(Rounding::HalfAwayFromZero, "-0.125", "-0.13");
        check_round(Rounding::HalfAwayFromZero, "0.135", "0.14");
        check_round(Rounding::HalfEven, "0.125", "0.12");
        check_round(Rounding::HalfEven, "-0.125", "-0.12");
        check_round(Rounding::HalfEven, "0.135", "0.14");
        check_round(Rounding::Truncate, "0.129", "0.12");
        check_round(Rounding::Truncate, "-0.129", "-0.12");
        check_round(Rounding::HalfAwayFromZero, "0.12499", "0.12");
    }

    #[test]
    fn formats_as_budget_documents_write() {
        assert_eq!(format_decimal(d("8024.86"), 2, true), "8,024.86");
        assert_eq!(format_decimal(d("85"), 2, true), "85.00");
        assert_eq!(format_decimal(d("-1234567.005"), 2, true), "-1,234,567.01");
        assert_eq!(format_decimal(d("-0.001"), 2, true), "0.00");
        assert_eq!(format_decimal(d("999.995"), 2, true), "1,000.00");
        assert_eq!(format_percent(d("0.999682")), "99.97%");
        assert_eq!(format_percent(d("1")), "100.00%");
        assert_eq!(format_percent_prose(d("1")), "100%");
        assert_eq!(format_percent_prose(d("0.99994")), "99.99%");
        assert_eq!(format_percent_prose(d("0.999995")), "100%");
        assert_eq!(format_score(d("1.5")), "1.50");
        assert_eq!(format_score_prose(d("1.50")), "1.5");
        assert_eq!(format_score_prose(d("99.45")), "99.45");
        assert_eq!(format_count(35745), "35,745");
        assert_eq!(format_count(999), "999");
    }
}
