//! jixiao's budget-execution monitoring (预算执行监控): time progress (序时进度), execution
//! rates, warnings and the ranking of departments, with exact arithmetic (RULES.md §3,
//! `../shared/bench/MONITOR.md`).
//!
//! - [`rules`]: time progress, warnings under configurable thresholds, exact rates;
//! - [`batch`]: the refresh over the interchange files, with no store and no set-up;
//! - [`config`]: conventions per region and year (`jixiao-monitoring/1`);
//! - [`levels`]: monitoring at any level as of any date, with monthly curves;
//! - [`forecast`]: year-end execution forecasts from a seasonal pattern, and their back-test;
//! - [`dual`]: 双监控 — spending and target progress watched together.
#![warn(missing_docs)]

pub mod batch;
pub mod config;
pub mod dual;
pub mod forecast;
pub mod levels;
pub mod rules;
