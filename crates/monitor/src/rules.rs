//! The monitoring rules of `../shared/bench/MONITOR.md` and RULES.md §3, exactly: time
//! progress as a fraction of the year, the execution rate as a fraction of fen, warnings by
//! comparing fractions with integer cross-multiplication — never a float.

use jixiao_domain::date::{is_leap_year, Date};
use rust_decimal::Decimal;
use std::cmp::Ordering;

/// Time progress (序时进度): day `n` of a year of `total` days.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TimeProgress {
    /// Days elapsed, counting the as-of day.
    pub n: i64,
    /// Days in the year.
    pub total: i64,
}

impl TimeProgress {
    /// By day (the default): 2021-09-30 is day 273 of 365.
    pub fn by_day(as_of: Date) -> TimeProgress {
        let days_before: u32 = (1..as_of.month())
            .map(|m| jixiao_domain::date::days_in_month(as_of.year(), m))
            .sum();
        TimeProgress {
            n: i64::from(days_before + as_of.day()),
            total: if is_leap_year(as_of.year()) { 366 } else { 365 },
        }
    }
}

/// A fraction p/q with q > 0, for thresholds such as 0.20.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Fraction {
    /// Numerator.
    pub p: i128,
    /// Denominator, > 0.
    pub q: i128,
}

impl Fraction {
    /// An exact decimal as a fraction.
    pub fn from_decimal(d: Decimal) -> Fraction {
        let q = 10i128.pow(d.scale());
        Fraction { p: d.mantissa(), q }
    }
}

/// The warning levels of MONITOR.md, the first that applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Warning {
    /// The budget is zero (no rate).
    NoBudget,
    /// More executed than budgeted.
    Over,
    /// Behind time progress by more than the red gap.
    Red,
    /// Behind by more than the yellow gap.
    Yellow,
    /// On track.
    None,
}

impl Warning {
    /// The word in the interchange output ('' for none).
    pub fn id(self) -> &'static str {
        match self {
            Warning::NoBudget => "no_budget",
            Warning::Over => "over",
            Warning::Red => "red",
            Warning::Yellow => "yellow",
            Warning::None => "",
        }
    }

    /// The Chinese name.
    pub fn label(self) -> &'static str {
        match self {
            Warning::NoBudget => "无预算",
            Warning::Over => "超预算",
            Warning::Red => "红色预警",
            Warning::Yellow => "黄色预警",
            Warning::None => "正常",
        }
    }
}

/// The thresholds warnings are judged by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Thresholds {
    /// Red when time progress − rate exceeds this (default 0.20).
    pub red_gap: Fraction,
    /// Yellow when it exceeds this (default 0.10).
    pub yellow_gap: Fraction,
}

impl Default for Thresholds {
    fn default() -> Thresholds {
        Thresholds {
            red_gap: Fraction { p: 1, q: 5 },
            yellow_gap: Fraction { p: 1, q: 10 },
        }
    }
}

impl Thresholds {
    /// The warning for `executed` of `budget` (fen) at time progress `t`.
    pub fn warning(&self, executed: i64, budget: i64, t: TimeProgress) -> Warning {
        if budget == 0 {
            return Warning::NoBudget;
        }
        if executed > budget {
            return Warning::Over;
        }
        let (e, b, n, total) = (
            i128::from(executed),
            i128::from(budget),
            i128::from(t.n),
            i128::from(t.total),
        );
        // n/N − e/b > p/q  ⇔  (q·n − p·N)·b > q·N·e   (as MONITOR.md's anchors compute it)
        let behind = |g: Fraction| (g.q * n - g.p * total) * b > g.q * total * e;
        if behind(self.red_gap) {
            Warning::Red
        } else if behind(self.yellow_gap) {
            Warning::Yellow
        } else {
            Warning::None
        }
    }
}

/// `e / b` rounded half away from zero to six decimals, as text (`0.666404`); '' when b = 0.
pub fn rate6(e: i128, b: i128) -> String {
    let mut out = Vec::new();
    push_rate6(&mut out, e, b);
    String::from_utf8(out).unwrap_or_default()
}

/// Appends [`rate6`]'s text to `out`, without allocating (this runs once per project).
pub fn push_rate6(out: &mut Vec<u8>, e: i128, b: i128) {
    if b == 0 {
        return;
    }
    let negative = (e < 0) != (b < 0);
    let (ea, ba) = (e.unsigned_abs(), b.unsigned_abs());
    let mut q = ea * 1_000_000 / ba;
    let r = ea * 1_000_000 % ba;
    if 2 * r >= ba {
        q += 1;
    }
    if negative && q != 0 {
        out.push(b'-');
    }
    push_uint(out, q / 1_000_000);
    out.push(b'.');
    push_padded(out, q % 1_000_000, 6);
}

/// Fen as yuan with two decimals: `-12.30`.
pub fn yuan(fen: i128) -> String {
    let mut out = Vec::new();
    push_yuan(&mut out, fen);
    String::from_utf8(out).unwrap_or_default()
}

/// Appends [`yuan`]'s text to `out`.
pub fn push_yuan(out: &mut Vec<u8>, fen: i128) {
    if fen < 0 {
        out.push(b'-');
    }
    let a = fen.unsigned_abs();
    push_uint(out, a / 100);
    out.push(b'.');
    push_padded(out, a % 100, 2);
}

/// Appends an unsigned integer in decimal.
pub fn push_uint(out: &mut Vec<u8>, mut v: u128) {
    let mut digits = [0u8; 40];
    let mut i = digits.len();
    loop {
        i -= 1;
        digits[i] = b'0' + (v % 10) as u8;
        v /= 10;
        if v == 0 {
            break;
        }
    }
    out.extend_from_slice(&digits[i..]);
}

/// Appends `v` (< 10^width) with leading zeros to `width` digits.
fn push_padded(out: &mut Vec<u8>, mut v: u128, width: usize) {
    let start = out.len();
    out.resize(start + width, b'0');
    for i in (0..width).rev() {
        out[start + i] = b'0' + (v % 10) as u8;
        v /= 10;
    }
}

/// Orders by execution rate, highest first, then by code: MONITOR.md's ranking.
/// Rates are compared by cross-multiplying, as the anchors do.
pub fn by_rate(a: (&str, i128, i128), b: (&str, i128, i128)) -> Ordering {
    let (code_a, budget_a, exec_a) = a;
    let (code_b, budget_b, exec_b) = b;
    let lhs = exec_a * budget_b;
    let rhs = exec_b * budget_a;
    rhs.cmp(&lhs).then_with(|| code_a.cmp(code_b))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn time_progress_by_day() {
        let t = TimeProgress::by_day(Date::new(2021, 9, 30).unwrap());
        assert_eq!((t.n, t.total), (273, 365));
        let t = TimeProgress::by_day(Date::new(2020, 12, 31).unwrap());
        assert_eq!((t.n, t.total), (366, 366));
        let t = TimeProgress::by_day(Date::new(2021, 1, 1).unwrap());
        assert_eq!((t.n, t.total), (1, 365));
    }

    #[test]
    fn rates_round_half_away_from_zero() {
        assert_eq!(rate6(2, 3), "0.666667");
        assert_eq!(rate6(1, 2_000_000), "0.000001"); // exactly half rounds up
        assert_eq!(rate6(-1, 2_000_000), "-0.000001");
        assert_eq!(rate6(-1, 3_000_000), "0.000000");
        assert_eq!(rate6(5, 0), "");
        assert_eq!(rate6(3, 2), "1.500000");
    }

    #[test]
    fn warnings_at_their_edges() {
        let t = TimeProgress { n: 273, total: 365 }; // 0.747945…
        let w = Thresholds::default();
        assert_eq!(w.warning(0, 0, t), Warning::NoBudget);
        assert_eq!(w.warning(101, 100, t), Warning::Over);
        // rate 0.5479 → gap 0.2000… just above 0.20: red; 0.5480 → gap 0.19994…: yellow
        assert_eq!(w.warning(5_479, 10_000, t), Warning::Red);
        assert_eq!(w.warning(5_480, 10_000, t), Warning::Yellow);
        assert_eq!(w.warning(6_480, 10_000, t), Warning::None);
        // Exactly on the threshold is not beyond it: gap = 0.10 exactly.
        let t = TimeProgress { n: 50, total: 100 };
        assert_eq!(w.warning(40, 100, t), Warning::None);
        assert_eq!(w.warning(39, 100, t), Warning::Yellow);
        // Configured thresholds change the result.
        let strict = Thresholds {
            red_gap: Fraction::from_decimal("0.05".parse().unwrap()),
            yellow_gap: Fraction::from_decimal("0.02".parse().unwrap()),
        };
        assert_eq!(strict.warning(44, 100, t), Warning::Red);
        assert_eq!(strict.warning(47, 100, t), Warning::Yellow);
    }

    #[test]
    fn money_text() {
        assert_eq!(yuan(-1_230), "-12.30");
        assert_eq!(yuan(7), "0.07");
        assert_eq!(yuan(0), "0.00");
        assert_eq!(yuan(123_456_789), "1234567.89");
    }

    #[test]
    fn ranking_is_by_rate_then_code() {
        let mut v = [("b", 100, 50), ("a", 200, 100), ("c", 10, 9)];
        v.sort_by(|x, y| by_rate(*x, *y));
        assert_eq!(v.iter().map(|x| x.0).collect::<String>(), "cab");
    }
}
