//! The public portal: what is published, for anyone.

use super::*;

// ---------------------------------------------------------------- the public portal

pub async fn public_index(State(s): State<AppState>, ctx: Ctx) -> Page {
    let l = ctx.lang;
    let list = s.pool.run(|store| service::published(store)).await?;
    ok(layout(
        &ctx,
        l.t("预算绩效信息公开", "Published performance information"),
        html! {
            p class="muted" { (l.t("此处仅列出经审核通过并已公开的部门整体支出绩效自评结果，无需登录。", "Only self-evaluations that were approved and published are listed; no sign-in needed.")) }
            p { (l.t("开放数据：", "Open data: ")) a href="/public/data/evaluations.csv" { "evaluations.csv" } " · " a href="/public/data/evaluation_items.csv" { "evaluation_items.csv" } " · " a href="/public/data/finances.csv" { "finances.csv" } " · " a href="/public/data.json" { "JSON" } " · " a href="/public/datapackage.json" { "datapackage.json（Fiscal Data Package）" } }
            @if list.is_empty() { p { (l.t("暂无已公开的自评结果。", "Nothing has been published yet.")) } }
            @else {
                div class="scroll" { table {
                    thead { tr { th { (l.t("部门", "Department")) } th { (l.t("年度", "Year")) } th { (l.t("公开时间", "Published")) } th { (l.t("下载", "Download")) } } }
                    tbody { @for (code, name, year, at) in &list { tr {
                        td { a href={ "/public/" (code) "/" (year) } { (name) } }
                        td { (year) } td { (when(at)) }
                        td { a href={ "/public/" (code) "/" (year) "/report/pdf" } { "PDF" } " · " a href={ "/public/" (code) "/" (year) "/report/docx" } { "Word" } }
                    } } }
                } }
            }
        },
    ))
}

pub async fn public_evaluation(
    State(s): State<AppState>,
    ctx: Ctx,
    Path((dept, year)): Path<(String, i32)>,
) -> Page {
    let l = ctx.lang;
    let (data, eval) = s
        .pool
        .run(move |store| {
            let data = service::published_dataset(store, &dept, year)?;
            let (eval, _) = service::score(&data)?;
            Ok::<_, WebError>((data, eval))
        })
        .await?;
    let title = format!(
        "{} {}{}",
        data.department.name,
        data.year,
        l.t("年度部门整体支出绩效自评", " self-evaluation")
    );
    ok(layout(
        &ctx,
        &title,
        html! {
            p { (l.t("总分", "Total")) " " strong { (format_score(eval.total)) } " / " (format_score(eval.max_total)) " · " (eval.grade_label) }
            p { a href={ "/public/" (data.department.code) "/" (data.year) "/report/pdf" } { (l.t("下载自评报告（PDF）", "Download the report (PDF)")) } " · "
                a href={ "/public/" (data.department.code) "/" (data.year) "/report/docx" } { (l.t("下载自评报告（Word）", "Download the report (Word)")) } }
            (score_table(l, &eval, false))
            (crate::pages::finance_summary(l, &data))
        },
    ))
}

pub async fn public_report(
    State(s): State<AppState>,
    Path((dept, year, format)): Path<(String, i32, String)>,
) -> Page {
    let name = format!("{dept}-{year}-自评报告.{format}");
    let bytes = s
        .pool
        .run(move |store| {
            let data = service::published_dataset(store, &dept, year)?;
            service::report(&data, &format)
        })
        .await?;
    Ok(download(&name, bytes))
}

/// The public summary of a published year's money: income and expenditure by source.
pub(crate) fn finance_summary(l: Lang, data: &jixiao_domain::dataset::DepartmentYear) -> Markup {
    let f = &data.finances;
    html! {
        h2 { (l.t("收支预决算概况（万元）", "Budget and final accounts (10k yuan)")) }
        div class="scroll" { table {
            thead { tr { th { (l.t("资金来源", "Source")) } th class="num" { (l.t("全年预算", "Budget")) } th class="num" { (l.t("决算收入", "Income")) } th class="num" { (l.t("决算支出", "Spent")) } } }
            tbody {
                @for e in &f.expenditure {
                    @let income = f.income.iter().find(|i| i.source == e.source);
                    tr {
                        td { (e.source.label()) }
                        td class="num" { (e.budget.as_ref().map(|b| b.full_year().value.format_wan()).unwrap_or_else(|| "—".into()))
                            @if e.budget.as_ref().is_some_and(|b| b.full_year().origin.is_inferred()) { " " span class="inferred" { (l.t("推定", "inferred")) } } }
                        td class="num" { (income.map(|i| i.actual.value.format_wan()).unwrap_or_else(|| "—".into())) }
                        td class="num" { (e.total.value.format_wan()) }
                    }
                }
                tr class="total" { td { (l.t("合计", "Total")) } td {} td class="num" { (f.total_income().format_wan()) } td class="num" { (f.total_expenditure().format_wan()) } }
            }
        } }
    }
}
