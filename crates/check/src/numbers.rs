//! Figures in prose — amounts, rates, scores, counts — and how a stated rounding is judged.

use jixiao_domain::number::Rounding;
use rust_decimal::Decimal;
use std::str::FromStr;

/// What a figure measures, from the unit written after it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unit {
    /// 元, 万元 or 亿元, with the factor to 元.
    Money(Decimal),
    /// A percentage.
    Percent,
    /// Points (分).
    Score,
    /// A count of something (套, 个, 件 …), by its classifier.
    Count(char),
}

/// One figure as the text writes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Figure {
    /// The value in the unit as written (85 for 85万元).
    pub value: Decimal,
    /// Decimal places written.
    pub dp: u32,
    /// The unit.
    pub unit: Unit,
    /// Character offsets of the number and its unit in the text.
    pub start: usize,
    /// End, exclusive.
    pub end: usize,
    /// The words as written, e.g. `8,024.86万元`.
    pub text: String,
    /// 近 before it.
    pub near: bool,
    /// 多 or 余 after it.
    pub more: bool,
}

impl Figure {
    /// The amount in 元, for money.
    pub fn yuan(&self) -> Option<Decimal> {
        match self.unit {
            Unit::Money(f) => Some(self.value * f),
            _ => None,
        }
    }
}

/// Classifiers that make a number a count.
const CLASSIFIERS: &str = "个套件份次项篇张页辆宗条期笔家所名户册批场人卷盒盘";

fn is_digit(c: char) -> bool {
    c.is_ascii_digit()
}

/// Parses `1,234.56` (thousands commas allowed) with the decimal places written.
pub fn parse_number(text: &str) -> Option<(Decimal, u32)> {
    let t = text.trim().replace([',', '，'], "");
    let t = t.trim_start_matches('+');
    if t.is_empty() || !t.chars().all(|c| is_digit(c) || c == '.' || c == '-') {
        return None;
    }
    let dp = t.split_once('.').map_or(0, |(_, d)| d.len() as u32);
    Decimal::from_str(t).ok().map(|v| (v, dp))
}

/// Every figure with a unit in `text`. Years (2021年), dates and bare numbers are left out.
pub fn figures(text: &str) -> Vec<Figure> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        if !is_digit(chars[i]) || (i > 0 && (is_digit(chars[i - 1]) || chars[i - 1] == '.')) {
            i += 1;
            continue;
        }
        // A number: digits, thousands commas between digit groups, one decimal point.
        let start = i;
        let mut j = i;
        let mut seen_point = false;
        while j < chars.len() {
            let c = chars[j];
            // A thousands comma is followed by three digits, before any decimal point.
            let grouping = c == ','
                && !seen_point
                && chars[j + 1..]
                    .iter()
                    .take(3)
                    .filter(|c| is_digit(**c))
                    .count()
                    == 3;
            if is_digit(c) || grouping {
                j += 1;
            } else if c == '.' && !seen_point && j + 1 < chars.len() && is_digit(chars[j + 1]) {
                seen_point = true;
                j += 1;
            } else {
                break;
            }
        }
        let number: String = chars[start..j].iter().collect();
        i = j;
        let Some((value, dp)) = parse_number(&number) else {
            continue;
        };
        // Skip spaces between the number and its unit.
        let mut k = j;
        while k < chars.len() && chars[k] == ' ' {
            k += 1;
        }
        let rest: String = chars[k..chars.len().min(k + 2)].iter().collect();
        let (unit, len) = if rest.starts_with("万元") {
            (Unit::Money(Decimal::from(10_000)), 2)
        } else if rest.starts_with("亿元") {
            (Unit::Money(Decimal::from(100_000_000)), 2)
        } else if rest.starts_with('元') {
            (Unit::Money(Decimal::ONE), 1)
        } else if rest.starts_with('万') && money_without_yuan(&chars, start, k + 1) {
            (Unit::Money(Decimal::from(10_000)), 1)
        } else if rest.starts_with('%') || rest.starts_with('％') {
            (Unit::Percent, 1)
        } else if rest.starts_with('分') && !rest.starts_with("分之") {
            (Unit::Score, 1)
        } else if let Some(c) = rest.chars().next().filter(|c| CLASSIFIERS.contains(*c)) {
            (Unit::Count(c), 1)
        } else if let Some(c) = rest
            .chars()
            .next()
            .filter(|c| *c == '多' || *c == '余')
            .and_then(|_| chars.get(k + 1).copied())
            .filter(|c| CLASSIFIERS.contains(*c))
        {
            // 35745多份: the approximation sits between the number and its classifier.
            (Unit::Count(c), 2)
        } else {
            continue;
        };
        let end = k + len;
        let more = chars[j..end.min(chars.len())]
            .iter()
            .chain(chars.get(end))
            .any(|c| *c == '多' || *c == '余');
        let near = start > 0 && chars[start - 1] == '近';
        out.push(Figure {
            value,
            dp,
            unit,
            start,
            end,
            text: chars[start..end].iter().collect(),
            near,
            more,
        });
        i = end;
    }
    out
}

/// Whether `N万` ending at `end` is money with its 元 left off (`补贴资金60万，`): the clause
/// before it names money and no classifier follows (`10万人` is people).
fn money_without_yuan(chars: &[char], start: usize, end: usize) -> bool {
    let closes = chars
        .get(end)
        .is_none_or(|c| matches!(c, '，' | '。' | '；' | '、' | ',' | ';' | '）' | ')'));
    let clause: String = chars[..start]
        .iter()
        .rev()
        .take_while(|c| !matches!(c, '，' | '。' | '；' | '：' | ',' | ';' | ':'))
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    closes
        && ["资金", "经费", "补贴", "预算"]
            .iter()
            .any(|w| clause.contains(w))
}

/// How a stated figure relates to the exact value it should show.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Judgement {
    /// Half away from zero (四舍五入) gives the stated figure.
    Agrees,
    /// Only these other rounding modes give it.
    OnlyBy(Vec<Rounding>),
    /// No rounding mode gives it; the half-away-from-zero value is the second field.
    Wrong(Decimal),
}

/// Judges `stated` (written with `dp` decimals) against `exact`.
pub fn judge(exact: Decimal, stated: Decimal, dp: u32) -> Judgement {
    let standard = Rounding::HalfAwayFromZero.round(exact, dp);
    if standard == stated {
        return Judgement::Agrees;
    }
    let others: Vec<Rounding> = [Rounding::HalfEven, Rounding::Truncate]
        .into_iter()
        .filter(|r| r.round(exact, dp) == stated)
        .collect();
    if others.is_empty() {
        Judgement::Wrong(standard)
    } else {
        Judgement::OnlyBy(others)
    }
}

/// `value` with `dp` decimals and thousands separators, as these documents write it.
pub fn show(value: Decimal, dp: u32) -> String {
    jixiao_domain::number::format_decimal(value, dp, true)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    #[test]
    fn finds_amounts_rates_scores_and_counts() {
        let f =
            figures("收入8,024.86万元，比率为99.97%，得分为99.45分，共52套，2021年，近1695余次");
        let texts: Vec<&str> = f.iter().map(|f| f.text.as_str()).collect();
        assert_eq!(
            texts,
            ["8,024.86万元", "99.97%", "99.45分", "52套", "1695余次"]
        );
        assert_eq!(f[0].yuan(), Some(d("80248600")));
        assert_eq!(f[1].dp, 2);
        assert!(f[4].near && f[4].more);
        assert_eq!(f[4].unit, Unit::Count('次'));
    }

    #[test]
    fn judges_rounding_modes() {
        assert_eq!(judge(d("99.9682"), d("99.97"), 2), Judgement::Agrees);
        assert_eq!(
            judge(d("99.9682"), d("99.96"), 2),
            Judgement::OnlyBy(vec![Rounding::Truncate])
        );
        assert_eq!(
            judge(d("99.9682"), d("98.97"), 2),
            Judgement::Wrong(d("99.97"))
        );
        assert_eq!(judge(d("99.9989"), d("100"), 0), Judgement::Agrees);
    }
}
