//! The linkage table (评价结果与预算安排挂钩).

use super::*;

pub async fn linkage(State(s): State<AppState>, ctx: Ctx) -> Page {
    let user = bureau(&ctx)?.clone();
    let l = ctx.lang;
    let r = s.linkage.clone();
    let r2 = r.clone();
    let rows = s
        .pool
        .run(move |store| results::linkage_table(store, &user, &r2))
        .await?;
    ok(layout(
        &ctx,
        l.t("评价结果与预算安排挂钩", "Results and next year's budget"),
        html! {
            @if r.provisional { p class="note" { span class="inferred" { (l.t("暂定规则", "provisional rules")) } " " (r.note) } }
            p class="muted" { (l.t("规则：", "Rules: ")) @for (i, rule) in r.rules.iter().enumerate() {
                @if i > 0 { "；" }
                (match &rule.when { jixiao_domain::results::Condition::Grade(g) => grade_name(g), jixiao_domain::results::Condition::Score { from, to } => format!("得分 [{from}, {to})") })
                " → " (rule.action.label()) @if rule.percent != Decimal::ZERO { " " (rule.percent) "%" }
            } "；" (l.t("每项逾期整改", "each overdue rectification")) " " (r.per_overdue_rectification) "%" }
            p { a class="button" href="/linkage/xlsx" { (l.t("下载 Excel", "Download .xlsx")) } }
            div class="scroll" { table {
                thead { tr { th { (l.t("部门 / 项目", "Department / project")) } th class="num" { (l.t("年度", "Year")) } th class="num" { (l.t("得分", "Score")) } th { (l.t("等级", "Grade")) } th class="num" { (l.t("本年预算（万元）", "Budget")) } th class="num" { (l.t("逾期整改", "Overdue")) } th { (l.t("建议处理", "Action")) } th class="num" { (l.t("调整额（万元）", "Change")) } th class="num" { (l.t("建议下年预算（万元）", "Next year")) } } }
                tbody { @for r in &rows { tr class=[r.project.is_empty().then_some("total")] {
                    td { @if r.project.is_empty() { (r.name) } @else { "　" (r.project) " " (r.name) } details { summary { (l.t("依据", "working")) } p { (r.working) } } }
                    td class="num" { (r.year) } td class="num" { (r.score) } td { (r.grade) }
                    td class="num" { (fen(r.budget)) @if r.budget_inferred { " " span class="inferred" { (l.t("推定", "inferred")) } } }
                    td class="num" { @if r.overdue > 0 { span class="warn red" { (r.overdue) } } @else { "0" } }
                    td { (r.action) @if !r.percent.is_empty() && r.percent != "0" { " " (r.percent) "%" } }
                    td class="num" { (fen(r.change)) } td class="num" { (fen(r.next_budget)) }
                } } }
            } }
        },
    ))
}

pub(crate) fn grade_name(code: &str) -> String {
    match code {
        "excellent" => "优".into(),
        "good" => "良".into(),
        "fair" => "中".into(),
        "poor" => "差".into(),
        other => other.into(),
    }
}

pub async fn linkage_xlsx(State(s): State<AppState>, ctx: Ctx) -> Page {
    let user = bureau(&ctx)?.clone();
    let linkage = s.linkage.clone();
    let bytes = s
        .pool
        .run(move |store| {
            let r = linkage;
            let rows = results::linkage_table(store, &user, &r)?;
            results::linkage_xlsx(&rows, &r)
        })
        .await?;
    Ok(download("评价结果与预算挂钩.xlsx", bytes))
}
