//! A project: its budget, adjustments and indicators.

use super::*;

#[derive(Deserialize)]
pub struct YearQuery {
    year: Option<i32>,
}

pub async fn project(
    State(s): State<AppState>,
    ctx: Ctx,
    Path((dept, code)): Path<(String, String)>,
    crate::extract::Query(q): crate::extract::Query<YearQuery>,
) -> Page {
    let user = business(&ctx)?.clone();
    service::must_read(&user, &dept)?;
    let l = ctx.lang;
    let (u2, d2, c2) = (user.clone(), dept.clone(), code.clone());
    let v = s
        .pool
        .run(move |store| {
            let year = match q.year {
                Some(y) => y,
                None => store
                    .years()?
                    .into_iter()
                    .max()
                    .ok_or_else(jixiao_app::Error::not_found)?,
            };
            service::project_view(store, &u2, &d2, year, &c2)
        })
        .await?;
    let p = &v.project;
    // Months with payments (and December), with the running total.
    let by_month: Vec<(usize, i64, i64)> = v
        .months
        .iter()
        .scan(0i64, |total, m| {
            *total += m;
            Some((*m, *total))
        })
        .enumerate()
        .filter(|(i, (m, _))| *m != 0 || *i == 11)
        .map(|(i, (m, t))| (i + 1, m, t))
        .collect();
    let executed: i64 = v.months.iter().sum();
    let rate = (p.adjusted_budget.0 != 0)
        .then(|| Decimal::from(executed) / Decimal::from(p.adjusted_budget.0));
    ok(layout(
        &ctx,
        &format!("{} {}", p.code, p.name),
        html! {
            p class="muted" { (p.year) (l.t("年度", "")) " · " (v.unit_name) " · " (p.fund_source.label()) " · " (match p.kind { jixiao_store::ProjectKind::Basic => l.t("基本支出", "basic"), _ => l.t("项目支出", "project") }) }
            div class="cards" {
                div class="card" { div class="label" { (l.t("年初预算（万元）", "Initial budget")) } div class="figure" { (p.initial_budget.format_wan()) } }
                div class="card" { div class="label" { (l.t("调整后预算（万元）", "Adjusted budget")) } div class="figure" id="adjusted" { (p.adjusted_budget.format_wan()) } }
                div class="card" { div class="label" { (l.t("已支出（万元）", "Spent")) } div class="figure" { (Fen(executed).format_wan()) } }
                div class="card" { div class="label" { (l.t("执行率", "Rate")) } div class="figure" { (rate.map(format_percent).unwrap_or_else(|| "—".into())) } }
            }
            @if user.adjusts_budgets() && v.locked {
                p class="muted" { (l.t("该部门本年度自评已提交或公开，预算保持审核时的数额，不能调整。", "The department's self-evaluation of this year is under review or published: the budget stays as reviewed.")) }
            }
            @if user.adjusts_budgets() && !v.locked {
                h2 { (l.t("年中调整预算", "Mid-year adjustment")) }
                form method="post" action={ "/departments/" (dept) "/projects/" (p.code) "/budget" } class="inline-form" {
                    (csrf_field(&ctx))
                    input type="hidden" name="year" value=(p.year);
                    input type="hidden" name="version" value=(v.budget_version);
                    label { (l.t("调整后预算（万元）", "Adjusted budget (10k yuan)")) input name="budget" inputmode="decimal" value=(p.adjusted_budget.format_wan()) required; }
                    input name="reason" placeholder=(l.t("调整原因", "Reason")) aria-label=(l.t("调整原因", "Reason")) required;
                    button { (l.t("保存", "Save")) }
                }
            }
            h2 { (l.t("逐月支出（万元）", "Spending by month")) }
            div class="scroll" { table {
                thead { tr { th { (l.t("月份", "Month")) } th class="num" { (l.t("当月支出", "Month")) } th class="num" { (l.t("累计支出", "Cumulative")) } } }
                tbody { @for (month, amount, total) in &by_month { tr {
                    td { (month) (l.t("月", "")) } td class="num" { (Fen(*amount).format_wan()) } td class="num" { (Fen(*total).format_wan()) }
                } } }
            } }
            h2 { (l.t("绩效指标", "Performance indicators")) }
            @if v.targets.is_empty() { p class="muted" { (l.t("未导入绩效指标。", "No indicators imported.")) } }
            @else { div class="scroll" { table {
                thead { tr { th { (l.t("指标", "Indicator")) } th { (l.t("方向", "Direction")) } th class="num" { (l.t("指标值", "Target")) } th class="num" { (l.t("实际完成值", "Actual")) } th class="num" { (l.t("分值", "Weight")) } } }
                tbody { @for t in &v.targets { tr {
                    td { (t.level1) " / " (t.level2) " / " (t.name) }
                    td { (match t.direction { jixiao_store::Direction::AtLeast => "≥", jixiao_store::Direction::AtMost => "≤", jixiao_store::Direction::Qualitative => l.t("定性", "qualitative") }) }
                    td class="num" { (t.target) } td class="num" { (t.actual.map(|a| a.to_string()).unwrap_or_else(|| "—".into())) } td class="num" { (t.weight) }
                } } }
            } } }
        },
    ))
}

#[derive(Deserialize)]
pub struct BudgetForm {
    year: i32,
    /// The budget's version when the form was drawn.
    version: i64,
    budget: String,
    #[serde(default)]
    reason: String,
}

pub async fn adjust_budget(
    State(s): State<AppState>,
    Path((dept, code)): Path<(String, String)>,
    Signed { user, form: f }: Signed<BudgetForm>,
) -> Page {
    if !user.adjusts_budgets() {
        return Err(WebError::Forbidden.into());
    }
    let seen = f.version;
    let new = service::parse_wan(&f.budget)?;
    let (d2, c2) = (dept.clone(), code.clone());
    let year = f.year;
    s.pool
        .run(move |store| {
            service::adjust_budget(store, &user, &d2, year, &c2, seen, new, &f.reason)
        })
        .await?;
    Ok(Redirect::to(&format!("/departments/{dept}/projects/{code}?year={year}")).into_response())
}
