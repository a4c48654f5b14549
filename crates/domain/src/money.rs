//! Money as an exact count of fen (分, 0.01 元).

use crate::number::format_decimal;
use rust_decimal::Decimal;
use std::fmt;
use std::iter::Sum;
use std::ops::{Add, Neg, Sub};

/// An amount of money in fen. Never a float: 1 元 = 100 fen, 1 万元 = 1,000,000 fen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Fen(pub i64);

/// Fen in one 元.
pub const FEN_PER_YUAN: i64 = 100;
/// Fen in one 万元.
pub const FEN_PER_WAN: i64 = 1_000_000;

/// Why an amount could not be taken as money.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MoneyError {
    /// The amount has a fraction of a fen (e.g. 1.234 元).
    NotWholeFen,
    /// The amount does not fit in the range jixiao stores.
    OutOfRange,
}

impl fmt::Display for MoneyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            MoneyError::NotWholeFen => f.write_str("金额精确到分为止，不能有不足一分的尾数"),
            MoneyError::OutOfRange => f.write_str("金额超出可记录的范围"),
        }
    }
}

impl Fen {
    /// Zero fen.
    pub const ZERO: Fen = Fen(0);

    /// Converts an exact amount in a unit worth `fen_per_unit` fen; rejects sub-fen amounts.
    pub fn from_units(amount: Decimal, fen_per_unit: i64) -> Result<Fen, MoneyError> {
        let fen = amount
            .checked_mul(Decimal::from(fen_per_unit))
            .ok_or(MoneyError::OutOfRange)?;
        if !fen.fract().is_zero() {
            return Err(MoneyError::NotWholeFen);
        }
        i64::try_from(fen)
            .map(Fen)
            .map_err(|_| MoneyError::OutOfRange)
    }

    /// An amount given in 万元, as budget documents state them.
    pub fn from_wan(amount: Decimal) -> Result<Fen, MoneyError> {
        Fen::from_units(amount, FEN_PER_WAN)
    }

    /// An amount given in 元.
    pub fn from_yuan(amount: Decimal) -> Result<Fen, MoneyError> {
        Fen::from_units(amount, FEN_PER_YUAN)
    }

    /// The exact amount in 万元.
    pub fn to_wan(self) -> Decimal {
        Decimal::from(self.0) / Decimal::from(FEN_PER_WAN)
    }

    /// The exact amount in 元.
    pub fn to_yuan(self) -> Decimal {
        Decimal::new(self.0, 2)
    }

    /// `self ÷ base` as an exact ratio, or `None` when the base is zero.
    pub fn ratio_to(self, base: Fen) -> Option<Decimal> {
        if base.0 == 0 {
            None
        } else {
            Some(Decimal::from(self.0) / Decimal::from(base.0))
        }
    }

    /// Rendered in 万元 with two decimals and thousands separators: `8,024.86`.
    pub fn format_wan(self) -> String {
        format_decimal(self.to_wan(), 2, true)
    }

    /// Rendered in 万元 as prose writes it: two decimals with separators.
    pub fn format_wan_unit(self) -> String {
        format!("{}万元", self.format_wan())
    }
}

impl Add for Fen {
    type Output = Fen;
    fn add(self, rhs: Fen) -> Fen {
        Fen(self.0 + rhs.0)
    }
}

impl Sub for Fen {
    type Output = Fen;
    fn sub(self, rhs: Fen) -> Fen {
        Fen(self.0 - rhs.0)
    }
}

impl Neg for Fen {
    type Output = Fen;
    fn neg(self) -> Fen {
        Fen(-self.0)
    }
}

impl Sum for Fen {
    fn sum<I: Iterator<Item = Fen>>(iter: I) -> Fen {
        iter.fold(Fen::ZERO, Add::add)
    }
}

/// A sum of many amounts in fen (a district's or a province's total), wide enough that no sum
/// of `Fen` overflows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct FenSum(pub i128);

impl FenSum {
    /// Nothing.
    pub const ZERO: FenSum = FenSum(0);

    /// The sum as a `Fen`, when it fits one.
    pub fn to_fen(self) -> Option<Fen> {
        i64::try_from(self.0).ok().map(Fen)
    }

    /// The sum in 万元, exact.
    pub fn to_wan(self) -> Decimal {
        Decimal::from_i128_with_scale(self.0, 0) / Decimal::from(FEN_PER_WAN)
    }

    /// Rendered in 万元 with two decimals and thousands separators, as [`Fen::format_wan`].
    pub fn format_wan(self) -> String {
        format_decimal(self.to_wan(), 2, true)
    }

    /// `self / base` exactly, `None` when the base is zero.
    pub fn ratio_to(self, base: FenSum) -> Option<Decimal> {
        (base.0 != 0).then(|| {
            Decimal::from_i128_with_scale(self.0, 0) / Decimal::from_i128_with_scale(base.0, 0)
        })
    }
}

impl From<Fen> for FenSum {
    fn from(f: Fen) -> FenSum {
        FenSum(i128::from(f.0))
    }
}

impl Add for FenSum {
    type Output = FenSum;
    fn add(self, rhs: FenSum) -> FenSum {
        FenSum(self.0 + rhs.0)
    }
}

impl Add<Fen> for FenSum {
    type Output = FenSum;
    fn add(self, rhs: Fen) -> FenSum {
        FenSum(self.0 + i128::from(rhs.0))
    }
}

impl std::ops::AddAssign<Fen> for FenSum {
    fn add_assign(&mut self, rhs: Fen) {
        self.0 += i128::from(rhs.0);
    }
}

impl std::ops::AddAssign for FenSum {
    fn add_assign(&mut self, rhs: FenSum) {
        self.0 += rhs.0;
    }
}

impl Sub for FenSum {
    type Output = FenSum;
    fn sub(self, rhs: FenSum) -> FenSum {
        FenSum(self.0 - rhs.0)
    }
}

impl Sum for FenSum {
    fn sum<I: Iterator<Item = FenSum>>(iter: I) -> FenSum {
        iter.fold(FenSum::ZERO, Add::add)
    }
}

impl Sum<Fen> for FenSum {
    fn sum<I: Iterator<Item = Fen>>(iter: I) -> FenSum {
        iter.fold(FenSum::ZERO, Add::add)
    }
}

impl fmt::Display for FenSum {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}万元", self.format_wan())
    }
}

impl fmt::Display for Fen {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}万元", self.format_wan())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    #[test]
    fn converts_exact_amounts() {
        assert_eq!(Fen::from_wan(d("8024.86")), Ok(Fen(8_024_860_000)));
        assert_eq!(Fen::from_wan(d("0.000001")), Ok(Fen(1)));
        assert_eq!(Fen::from_wan(d("0.0000001")), Err(MoneyError::NotWholeFen));
        assert_eq!(Fen::from_yuan(d("1.23")), Ok(Fen(123)));
        assert_eq!(Fen::from_yuan(d("1.234")), Err(MoneyError::NotWholeFen));
        assert_eq!(Fen::from_yuan(d("-5")), Ok(Fen(-500)));
        assert_eq!(
            Fen::from_wan(d("99999999999999999")),
            Err(MoneyError::OutOfRange)
        );
    }

    #[test]
    fn ratios_are_exact_and_guard_zero() {
        let r = Fen(8_022_310_000).ratio_to(Fen(8_024_860_000)).unwrap();
        assert!(r > d("0.99968") && r < d("0.99969"));
        assert_eq!(Fen(1).ratio_to(Fen::ZERO), None);
    }

    #[test]
    fn renders_wan() {
        assert_eq!(Fen(8_024_860_000).format_wan(), "8,024.86");
        assert_eq!(Fen(850_000_000).format_wan_unit(), "850.00万元");
        assert_eq!(Fen(-5_000).format_wan(), "-0.01");
    }
}
