//! Where a figure comes from: stated by a source, or inferred by us.
//!
//! jixiao reproduces a real report from data, and some of that data had to be inferred from
//! the report's scores (RULES.md §6). Such a value carries its reason and is labelled
//! 推定 wherever it is shown.

use std::fmt;

/// The origin of one value.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Origin {
    /// Stated by the department's own data or document.
    #[default]
    Stated,
    /// Not stated anywhere; inferred, for the reason given.
    Inferred {
        /// Why this value was chosen, in a sentence a reviewer can check.
        reason: String,
    },
}

impl Origin {
    /// An inferred origin with its reason.
    pub fn inferred(reason: impl Into<String>) -> Origin {
        Origin::Inferred {
            reason: reason.into(),
        }
    }

    /// Whether the value was inferred.
    pub fn is_inferred(&self) -> bool {
        matches!(self, Origin::Inferred { .. })
    }

    /// The label appended to an inferred figure wherever it appears: `（推定）`.
    pub fn mark(&self) -> &'static str {
        if self.is_inferred() {
            INFERRED_MARK
        } else {
            ""
        }
    }
}

/// Appended to every inferred figure that is shown to a person.
pub const INFERRED_MARK: &str = "（推定）";

/// A value together with its origin.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sourced<T> {
    /// The value itself.
    pub value: T,
    /// Whether it was stated or inferred.
    pub origin: Origin,
}

impl<T> Sourced<T> {
    /// A stated value.
    pub fn stated(value: T) -> Sourced<T> {
        Sourced {
            value,
            origin: Origin::Stated,
        }
    }

    /// An inferred value with its reason.
    pub fn inferred(value: T, reason: impl Into<String>) -> Sourced<T> {
        Sourced {
            value,
            origin: Origin::inferred(reason),
        }
    }
}

impl<T: fmt::Display> fmt::Display for Sourced<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}{}", self.value, self.origin.mark())
    }
}
