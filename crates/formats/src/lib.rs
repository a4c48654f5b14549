//! jixiao's file formats: dataset folders and indicator framework files (TOML), read into
//! the domain with every problem reported at once, in Chinese, naming file and place.
//!
//! Architecture invariant: the serialisable types here are private to this crate and are
//! converted by hand into domain types; the domain never sees TOML.
#![warn(missing_docs)]

pub mod assessment;
pub mod dataset;
pub mod declaration;
pub mod framework;
pub mod library;
pub mod linkage;
pub mod problem;
pub mod value;

pub use problem::{Problem, Problems};
