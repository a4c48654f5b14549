//! The disclosure calendar (公开): what is due, what was published when.

use super::*;

pub async fn disclosure(State(s): State<AppState>, ctx: Ctx) -> Page {
    let user = bureau(&ctx)?.clone();
    let l = ctx.lang;
    let u2 = user.clone();
    let rule = s.disclosure;
    let (rows, gaps) = s
        .pool
        .run(move |store| {
            let rows = results::calendar(store, &u2, rule, results::today())?;
            let mut gaps = Vec::new();
            for d in service::departments(store, &u2)? {
                for y in d.datasets {
                    gaps.push((
                        d.name.clone(),
                        y,
                        results::completeness_of(store, &d.code, y)?,
                    ));
                }
            }
            Ok::<_, WebError>((rows, gaps))
        })
        .await?;
    ok(layout(
        &ctx,
        l.t("信息公开日历", "Disclosure calendar"),
        html! {
            p class="muted" { (l.t("部门预算、决算及绩效自评结果应在批复（审核通过）后", "Budgets, final accounts and self-evaluation results are published within")) " " (rule.days) " " (if rule.working_days { l.t("个工作日内公开", "working days of approval") } else { l.t("日内公开（默认依财预〔2016〕143号）", "days of approval (财预〔2016〕143号 by default)") }) "。" }
            div class="scroll" { table {
                thead { tr { th { (l.t("部门", "Department")) } th class="num" { (l.t("年度", "Year")) } th { (l.t("事项", "Item")) } th { (l.t("批复日", "Approved")) } th { (l.t("公开期限", "Deadline")) } th { (l.t("公开日", "Published")) } th { (l.t("状态", "State")) } } }
                tbody { @for r in &rows { tr {
                    td { (r.name) } td class="num" { (r.year) } td { (r.item) }
                    td { (r.approved_on.clone().unwrap_or_default()) } td { (r.deadline.clone().unwrap_or_default()) } td { (r.published_on.clone().unwrap_or_default()) }
                    td { @if r.overdue { span class="warn red" { (r.state) } } @else { (r.state) } }
                } } }
            } }
            h2 { (l.t("登记预算、决算的批复与公开日期", "Record approval and publication dates")) }
            form method="post" action="/disclosure" class="inline-form" {
                (csrf_field(&ctx))
                input name="department" placeholder=(l.t("部门编码", "Department code")) required;
                input name="year" inputmode="numeric" placeholder=(l.t("年度", "Year")) required;
                select name="item" { option value="budget" { (l.t("部门预算", "Budget")) } option value="final_accounts" { (l.t("部门决算", "Final accounts")) } }
                label { (l.t("批复日", "Approved")) input type="date" name="approved_on"; }
                label { (l.t("公开日", "Published")) input type="date" name="published_on"; }
                button { (l.t("保存", "Save")) }
            }
            h2 { (l.t("公开完整性检查", "Completeness")) }
            ul { @for (name, y, g) in &gaps { li { (name) " · " (y) "：" @if g.is_empty() { span class="ok" { (l.t("齐全", "complete")) } } @else { span class="warn red" { (g.join("；")) } } } } }
        },
    ))
}

#[derive(Deserialize)]
pub struct DisclosureForm {
    department: String,
    year: i32,
    item: String,
    #[serde(default)]
    approved_on: String,
    #[serde(default)]
    published_on: String,
}

pub async fn record_disclosure(
    State(s): State<AppState>,
    ctx: Ctx,
    Signed { form: f, .. }: Signed<DisclosureForm>,
) -> Page {
    let user = bureau(&ctx)?.clone();
    let a = results::optional_date(&f.approved_on, "批复日")?;
    let p = results::optional_date(&f.published_on, "公开日")?;
    s.pool
        .run(move |store| {
            results::record_disclosure(store.sql(), &user, &f.department, f.year, &f.item, a, p)
        })
        .await?;
    Ok(Redirect::to("/disclosure").into_response())
}
