//! jixiao's file formats: dataset folders and indicator framework files (TOML), read into
//! the domain with every problem reported at once, in Chinese, naming file and place.
//!
//! Architecture invariant: the serialisable types here are private to this crate and are
//! converted by hand into domain types; the domain never sees TOML.
#![warn(missing_docs)]

/// A file shipped in the repository's `frameworks/` folder, compiled in: `(file name, text)`;
/// `shipped!(id: "…")`, a framework by its id: `(id, file name, text)`.
macro_rules! shipped {
    (id: $id:literal) => {
        (
            $id,
            concat!("frameworks/", $id, ".toml"),
            include_str!(concat!("../../../frameworks/", $id, ".toml")),
        )
    };
    ($file:literal) => {
        (
            concat!("frameworks/", $file),
            include_str!(concat!("../../../frameworks/", $file)),
        )
    };
}

pub mod assessment;
pub mod dataset;
pub mod declaration;
pub mod framework;
pub mod library;
pub mod linkage;
pub mod problem;
pub mod value;

pub use problem::{Problem, Problems};
