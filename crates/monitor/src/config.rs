//! Monitoring conventions (`jixiao-monitoring/1`): how time progress is reckoned and where
//! the warning lines lie, per region and year. Defaults are MONITOR.md's.
//!
//! ```toml
//! format = "jixiao-monitoring/1"
//! region = "440111"            # optional, for the reader
//! year = 2021                  # optional, for the reader
//! [time_progress]
//! convention = "day"           # day | month | table
//! table = [5, 10, 18, 25, 33, 42, 50, 58, 67, 75, 83, 100]   # % by each month's end (table)
//! [warnings]
//! red_gap = 0.20               # red when time progress − rate exceeds this
//! yellow_gap = 0.10            # yellow when it exceeds this
//! big_project = 10000000.00    # yuan: projects of at least this budget are 重点 (key)
//! big_red_gap = 0.20           # a key project is red when behind by more than this
//! floor = 0.40                 # the notice lists units whose rate is below this
//! forecast_floor = 0.90        # a forecast year-end rate below this warns
//! divergence_gap = 0.30        # 双监控: spending ahead of outputs by more than this (暂定)
//! ```

use crate::rules::{Fraction, Thresholds, TimeProgress};
use jixiao_domain::date::{days_in_month, Date};
use rust_decimal::Decimal;
use serde::Deserialize;

/// The format tag of monitoring files.
pub const FORMAT: &str = "jixiao-monitoring/1";

/// How time progress (序时进度) is reckoned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Convention {
    /// Days elapsed ÷ days in the year (the default; MONITOR.md).
    Day,
    /// Whole months elapsed ÷ 12: end-June is 50%; a date inside a month counts the months
    /// before it.
    Month,
    /// A region's required progress by the end of each month (fractions, January first);
    /// a date inside a month takes the previous month's requirement (0 in January).
    Table([Decimal; 12]),
}

/// Everything monitoring is configured by.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Config {
    /// How time progress is reckoned.
    pub convention: Convention,
    /// The red and yellow gaps.
    pub thresholds: Thresholds,
    /// Budget (fen) from which a project is a key project (重点项目); `None`: none are.
    pub big_project: Option<i64>,
    /// The gap beyond which a key project is red.
    pub big_red_gap: Fraction,
    /// The execution rate below which the notice lists a unit or department.
    pub floor: Decimal,
    /// The forecast year-end rate below which a forecast warns (default 90%).
    pub forecast_floor: Decimal,
    /// 双监控: spending ahead of output completion by more than this is flagged (default
    /// 0.30; provisional — no source gives the number).
    pub divergence_gap: Decimal,
}

impl Default for Config {
    fn default() -> Config {
        Config {
            convention: Convention::Day,
            thresholds: Thresholds::default(),
            big_project: None,
            big_red_gap: Fraction { p: 1, q: 5 },
            floor: Decimal::new(40, 2),
            forecast_floor: Decimal::new(90, 2),
            divergence_gap: Decimal::new(30, 2),
        }
    }
}

/// Whole months elapsed at `d`: those before its month, and its month if `d` is its last day.
pub fn months_elapsed(d: Date) -> u32 {
    if d.day() == days_in_month(d.year(), d.month()) {
        d.month()
    } else {
        d.month() - 1
    }
}

impl Config {
    /// Time progress at `as_of` under this convention, as an exact fraction.
    pub fn time_progress(&self, as_of: Date) -> TimeProgress {
        match &self.convention {
            Convention::Day => TimeProgress::by_day(as_of),
            Convention::Month => TimeProgress {
                n: i64::from(months_elapsed(as_of)),
                total: 12,
            },
            Convention::Table(t) => {
                let k = months_elapsed(as_of) as usize;
                let f = if k == 0 {
                    Fraction { p: 0, q: 1 }
                } else {
                    Fraction::from_decimal(t[k - 1])
                };
                TimeProgress {
                    n: f.p as i64,
                    total: f.q as i64,
                }
            }
        }
    }

    /// Reads a monitoring file's text; `Err` lists every problem, in Chinese.
    pub fn parse(text: &str) -> Result<Config, Vec<String>> {
        #[derive(Deserialize)]
        #[serde(deny_unknown_fields)]
        struct File {
            format: String,
            #[allow(dead_code)]
            region: Option<String>,
            #[allow(dead_code)]
            year: Option<i32>,
            #[serde(default)]
            time_progress: Option<TimeFile>,
            #[serde(default)]
            warnings: Option<WarningsFile>,
        }
        #[derive(Deserialize)]
        #[serde(deny_unknown_fields)]
        struct TimeFile {
            convention: String,
            table: Option<Vec<toml::Value>>,
        }
        #[derive(Deserialize, Default)]
        #[serde(deny_unknown_fields)]
        struct WarningsFile {
            red_gap: Option<toml::Value>,
            yellow_gap: Option<toml::Value>,
            big_project: Option<toml::Value>,
            big_red_gap: Option<toml::Value>,
            floor: Option<toml::Value>,
            forecast_floor: Option<toml::Value>,
            divergence_gap: Option<toml::Value>,
        }
        let file: File = toml::from_str(text).map_err(|e| vec![format!("文件格式不正确：{e}")])?;
        let mut problems = Vec::new();
        if file.format != FORMAT {
            problems.push(format!("format 应为“{FORMAT}”，实际为“{}”", file.format));
        }
        // TOML floats go through their shortest decimal text: 0.2 is 0.2, exactly.
        let number = |v: &toml::Value, what: &str, problems: &mut Vec<String>| -> Option<Decimal> {
            let text = match v {
                toml::Value::Integer(i) => i.to_string(),
                toml::Value::Float(f) => f.to_string(),
                toml::Value::String(s) => s.clone(),
                _ => String::new(),
            };
            match text.parse::<Decimal>() {
                Ok(d) => Some(d),
                Err(_) => {
                    problems.push(format!("{what} 应为数字，实际为 {v:?}"));
                    None
                }
            }
        };
        let mut c = Config::default();
        if let Some(t) = file.time_progress {
            c.convention = match t.convention.as_str() {
                "day" => Convention::Day,
                "month" => Convention::Month,
                "table" => {
                    let values: Vec<Decimal> = t
                        .table
                        .unwrap_or_default()
                        .iter()
                        .filter_map(|v| number(v, "time_progress.table 的每一项", &mut problems))
                        .collect();
                    if values.len() != 12 {
                        problems.push(format!(
                            "time_progress.table 应有 12 个数（1 至 12 月末应达到的进度，%），实际 {} 个",
                            values.len()
                        ));
                        Convention::Day
                    } else {
                        if values.windows(2).any(|w| w[1] < w[0])
                            || values[0] < Decimal::ZERO
                            || values[11] > Decimal::ONE_HUNDRED
                        {
                            problems.push(
                                "time_progress.table 应从小到大、在 0 至 100 之间".to_string(),
                            );
                        }
                        let mut t = [Decimal::ZERO; 12];
                        for (x, v) in t.iter_mut().zip(values) {
                            *x = v / Decimal::ONE_HUNDRED;
                        }
                        Convention::Table(t)
                    }
                }
                other => {
                    problems.push(format!(
                        "time_progress.convention 应为 day、month 或 table，实际为“{other}”"
                    ));
                    Convention::Day
                }
            };
        }
        let w = file.warnings.unwrap_or_default();
        let gap = |v: &Option<toml::Value>,
                   what: &str,
                   default: Fraction,
                   problems: &mut Vec<String>| {
            match v {
                Some(v) => match number(v, what, problems) {
                    Some(d) if d >= Decimal::ZERO && d <= Decimal::ONE => Fraction::from_decimal(d),
                    Some(d) => {
                        problems.push(format!("{what} 应在 0 与 1 之间（如 0.20），实际为 {d}"));
                        default
                    }
                    None => default,
                },
                None => default,
            }
        };
        let d = Thresholds::default();
        c.thresholds.red_gap = gap(&w.red_gap, "warnings.red_gap", d.red_gap, &mut problems);
        c.thresholds.yellow_gap = gap(
            &w.yellow_gap,
            "warnings.yellow_gap",
            d.yellow_gap,
            &mut problems,
        );
        c.big_red_gap = gap(
            &w.big_red_gap,
            "warnings.big_red_gap",
            c.big_red_gap,
            &mut problems,
        );
        let (r, y) = (c.thresholds.red_gap, c.thresholds.yellow_gap);
        if r.p * y.q <= y.p * r.q {
            problems.push("warnings.red_gap 应大于 warnings.yellow_gap".to_string());
        }
        if let Some(v) = &w.big_project {
            if let Some(yuan) = number(v, "warnings.big_project", &mut problems) {
                match jixiao_domain::money::Fen::from_yuan(yuan) {
                    Ok(f) if f.0 > 0 => c.big_project = Some(f.0),
                    _ => problems.push(format!(
                        "warnings.big_project 应为正的金额（元，最多两位小数），实际为 {yuan}"
                    )),
                }
            }
        }
        if let Some(v) = &w.floor {
            if let Some(f) = number(v, "warnings.floor", &mut problems) {
                c.floor = f;
            }
        }
        if let Some(v) = &w.divergence_gap {
            if let Some(f) = number(v, "warnings.divergence_gap", &mut problems) {
                c.divergence_gap = f;
            }
        }
        if let Some(v) = &w.forecast_floor {
            if let Some(f) = number(v, "warnings.forecast_floor", &mut problems) {
                c.forecast_floor = f;
            }
        }
        if problems.is_empty() {
            Ok(c)
        } else {
            Err(problems)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> Date {
        Date::new(y, m, day).unwrap()
    }

    #[test]
    fn conventions_reckon_time_progress() {
        let month = Config {
            convention: Convention::Month,
            ..Config::default()
        };
        let table = Config::parse(
            "format = \"jixiao-monitoring/1\"\n[time_progress]\nconvention = \"table\"\n\
             table = [5, 10, 18, 25, 33, 42, 58, 58, 67, 75, 83, 100]\n",
        )
        .unwrap();
        // (convention, as of, elapsed, of how many)
        let cases = [
            (&Config::default(), d(2021, 6, 30), 181, 365),
            (&month, d(2021, 6, 30), 6, 12),
            (&month, d(2021, 6, 29), 5, 12),
            (&table, d(2021, 7, 31), 58, 100),
            (&table, d(2021, 1, 15), 0, 1),
        ];
        for (c, as_of, n, total) in cases {
            assert_eq!(c.time_progress(as_of), TimeProgress { n, total }, "{as_of}");
        }
    }

    #[test]
    fn files_are_checked() {
        let c = Config::parse(
            "format = \"jixiao-monitoring/1\"\n[warnings]\nred_gap = 0.15\nyellow_gap = 0.05\n\
             big_project = 10000000.00\nfloor = 0.4\n",
        )
        .unwrap();
        assert_eq!(c.thresholds.red_gap, Fraction { p: 15, q: 100 });
        assert_eq!(c.big_project, Some(1_000_000_000));
        let e = Config::parse(
            "format = \"jixiao-monitoring/1\"\n[time_progress]\nconvention = \"week\"\n\
             [warnings]\nred_gap = 0.05\nyellow_gap = 0.10\n",
        )
        .unwrap_err();
        assert!(e.iter().any(|p| p.contains("day、month 或 table")), "{e:?}");
        assert!(e.iter().any(|p| p.contains("应大于")), "{e:?}");
    }
}
