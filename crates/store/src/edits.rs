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
    /// The record changed since it was seen: it holds this amount at this version now;
    /// nothing was changed.
    Stale(Fen, i64),
    /// No such record.
    Missing,
}

/// A project's adjusted (full-year) budget and the version a form must carry to change it.
pub fn budget(sql: &mut dyn Sql, year: i32, code: &str) -> Result<Option<(Fen, i64)>> {
    Ok(sql
        .row(
            "SELECT adjusted_budget, budget_version FROM projects WHERE year = $1 AND code = $2",
            &[year.into(), code.into()],
        )?
        .map(|r| (Fen(r[0].int()), r[1].int())))
}

/// Sets a project's adjusted (full-year) budget to `new` if its budget is still at
/// `seen_version` (the version the person's form was drawn at), inside the caller's
/// transaction; migration 8's trigger moves the version on whenever the amount changes (an
/// import's too). Comparing versions, not amounts, means a form
/// never fails because of how it displayed the amount, and a change made and undone in
/// between is still noticed. Monitoring reads the budget from the project, so every view
/// follows.
pub fn adjust_budget(
    sql: &mut dyn Sql,
    year: i32,
    code: &str,
    seen_version: i64,
    new: Fen,
) -> Result<Edit> {
    let n = sql.execute(
        "UPDATE projects SET adjusted_budget = $1 WHERE year = $2 AND code = $3 AND budget_version = $4",
        &[new.0.into(), year.into(), code.into(), seen_version.into()],
    )?;
    if n == 1 {
        return Ok(Edit::Saved);
    }
    Ok(match budget(sql, year, code)? {
        Some((amount, version)) => Edit::Stale(amount, version),
        None => Edit::Missing,
    })
}

/// The review state of a department's self-evaluation of `year` when it is past editing
/// (submitted, approved or published), in Chinese: its data may not change then, by the web or
/// by an import. `None` while it is a draft or returned, or was never reviewed.
pub fn locked_review(
    sql: &mut dyn Sql,
    department: &str,
    year: i32,
) -> Result<Option<&'static str>> {
    let r = sql.row(
        "SELECT state FROM workflow WHERE department_code = $1 AND year = $2",
        &[department.into(), year.into()],
    )?;
    Ok(r.and_then(|r| match r[0].text() {
        "submitted" => Some("已提交待审核"),
        "approved" => Some("已审核通过"),
        "published" => Some("已公开"),
        _ => None,
    }))
}
