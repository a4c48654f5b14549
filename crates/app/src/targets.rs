//! Target declarations against what the store knows (issue 18): a continuing project's
//! indicators get last year's actuals from the department's stored dataset of the year before,
//! so that the automatic review can say when a target is set below what was already done.

use crate::Error;
use jixiao_domain::targets::Declaration;
use jixiao_store::Store;

/// Fills each indicator's `last_actual` that the declaration leaves empty from `department`'s
/// stored dataset of the year before: the project of the same name, the indicator of the same
/// name, its actual value. Returns how many were filled; none when that year is not stored.
pub fn fill_history(
    store: &mut dyn Store,
    department: &str,
    declaration: &mut Declaration,
) -> Result<usize, Error> {
    let last = match crate::load_dataset(store, department, declaration.year - 1) {
        Ok(d) => d,
        Err(Error::NotFound(_)) => return Ok(0),
        Err(e) => return Err(e),
    };
    let Some(project) = last.projects.iter().find(|p| p.name == declaration.project) else {
        return Ok(0);
    };
    let mut filled = 0;
    for ind in declaration
        .indicators
        .iter_mut()
        .filter(|i| i.last_actual.is_none())
    {
        let actual = project
            .indicators
            .iter()
            .find(|i| i.name == ind.name)
            .and_then(|i| i.actual.as_ref());
        if let Some(a) = actual {
            ind.last_actual = Some(a.value);
            filled += 1;
        }
    }
    Ok(filled)
}

/// The review's rules for a declaration of `department`'s `year`: `base`, with the indicators'
/// points the year's project framework of record gives them when that year is stored (90 under
/// `cn-project-2020`, whose execution is 10), so the review expects what the year will score.
pub fn rules_for(
    store: &mut dyn Store,
    department: &str,
    year: i32,
    mut base: jixiao_domain::targets::ReviewRules,
) -> Result<jixiao_domain::targets::ReviewRules, Error> {
    let framework = crate::approved::year_framework(store.sql(), department, year)?;
    if let Some((total, _)) = framework
        .as_ref()
        .and_then(crate::approved::indicator_points)
    {
        base.weight_total = total;
    }
    Ok(base)
}

/// Why a declaration needs an ex-ante assessment before it is approved (the gate), or `None`.
pub fn assessment_needed(d: &Declaration) -> Option<String> {
    let f = crate::assessments::framework();
    if !f.needs(d.kind, d.funds) {
        return None;
    }
    Some(match d.kind {
        jixiao_domain::targets::ProjectKind::New => "新增项目".to_string(),
        jixiao_domain::targets::ProjectKind::Continuing => format!(
            "年度资金 {} 达到 {}",
            d.funds.format_wan_unit(),
            f.continuing_from.format_wan_unit()
        ),
    })
}

/// The automatic review as JSON, for the API and `jixiao targets review --format json`: the
/// grade and outcome, each criterion's verdict, each finding.
pub fn review_json(r: &jixiao_domain::targets::Review) -> serde_json::Value {
    use serde_json::json;
    let verdicts: Vec<_> = r
        .verdicts
        .iter()
        .map(|(c, met)| json!({"criterion": c.label().0, "met": met}))
        .collect();
    let findings: Vec<_> = r
        .findings
        .iter()
        .map(|f| {
            json!({
                "criterion": f.criterion.label().0,
                "rule": f.rule,
                "location": f.location,
                "message": f.message,
            })
        })
        .collect();
    json!({"grade": r.grade, "outcome": r.outcome, "verdicts": verdicts, "findings": findings})
}
