//! Single-record edits made in the browser, each a compare-and-set: the change is made only if
//! the record still holds what the person saw, so a stale save changes nothing.

use crate::sql::Sql;
use crate::Result;
use jixiao_domain::money::Fen;

/// What became of an edit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Edit {
    /// Saved.
    Saved,
    /// The record holds something else now (the value given); nothing was changed.
    Stale(Fen),
    /// No such record.
    Missing,
}

/// Sets a project's adjusted (full-year) budget from `seen` to `new`, inside the caller's
/// transaction. Monitoring reads the budget from the project, so every view follows.
pub fn adjust_budget(
    sql: &mut dyn Sql,
    year: i32,
    code: &str,
    seen: Fen,
    new: Fen,
) -> Result<Edit> {
    let n = sql.execute(
        "UPDATE projects SET adjusted_budget = $1 WHERE year = $2 AND code = $3 AND adjusted_budget = $4",
        &[new.0.into(), year.into(), code.into(), seen.0.into()],
    )?;
    if n == 1 {
        return Ok(Edit::Saved);
    }
    let now = sql.row(
        "SELECT adjusted_budget FROM projects WHERE year = $1 AND code = $2",
        &[year.into(), code.into()],
    )?;
    Ok(match now {
        Some(r) => Edit::Stale(Fen(r[0].int())),
        None => Edit::Missing,
    })
}
