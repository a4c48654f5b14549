//! The pure core of jixiao (绩效): money, organisations, budgets, projects, indicators,
//! frameworks and scoring.
//!
//! Architecture invariant: this crate knows nothing of files, databases, HTTP or async. It
//! receives a [`dataset::DepartmentYear`] and a [`framework::Framework`] built by an adapter
//! and returns an [`evaluate::Evaluation`] in which every score explains itself.
//!
//! Money is integer fen ([`money::Fen`]); ratios and scores are `rust_decimal::Decimal`;
//! rounding happens only where a framework rule or rendering says so ([`number`]).
#![warn(missing_docs)]

pub mod assessment;
pub mod budget;
pub mod dataset;
pub mod date;
pub mod evaluate;
pub mod framework;
pub mod library;
pub mod metrics;
pub mod money;
pub mod number;
pub mod org;
pub mod project;
pub mod provenance;
pub mod results;
pub mod rule;
pub mod target_flow;
pub mod targets;

pub use rust_decimal::Decimal;
