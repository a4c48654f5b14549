//! The 指标库: its indicators by classification, each with its history in the store; the
//! workbook; the bureau's promotion of a declaration's indicator.

use super::*;
use jixiao_app::library::{self, LibraryQuery, PromoteCommand};
use jixiao_domain::library::Spread;

fn spread(s: Option<Spread>) -> String {
    s.map(|s| s.to_string()).unwrap_or_else(|| "—".into())
}

pub async fn library_page(
    State(s): State<AppState>,
    ctx: Ctx,
    Query(q): Query<LibraryQuery>,
) -> Page {
    let user = business(&ctx)?.clone();
    let l = ctx.lang;
    let q2 = q.clone();
    let entries = s
        .pool
        .run(move |store| library::list(store, &user, &q2))
        .await?;
    ok(layout(
        &ctx,
        l.t("指标库", "Indicator library"),
        html! {
            p class="muted" { (l.t("共性指标随 jixiao 提供（暂定）；个性指标由财政局从申报中择优入库，按功能分类科目、行业/领域、资金用途分类。每项指标列出其在库中各年度的使用次数及目标值、实际值的最小值 / 中位数 / 最大值。", "Common indicators ship with jixiao (provisional); the bureau promotes others from declarations, classified by function, sector and use of funds. Each shows its uses in the store and the least / median / greatest of its targets and actuals.")) }
            form method="get" action="/library" class="inline-form" {
                input name="q" value=(q.q) placeholder=(l.t("指标名称", "Name")) aria-label=(l.t("指标名称", "Name"));
                input name="function_subject" value=(q.class.function_subject) placeholder=(l.t("功能分类科目", "Function")) aria-label=(l.t("功能分类科目", "Function"));
                input name="sector" value=(q.class.sector) placeholder=(l.t("行业/领域", "Sector")) aria-label=(l.t("行业/领域", "Sector"));
                input name="purpose" value=(q.class.purpose) placeholder=(l.t("资金用途", "Use of funds")) aria-label=(l.t("资金用途", "Use of funds"));
                button { (l.t("查找", "Find")) }
                a class="button" href="/library/xlsx" { (l.t("导出 Excel", "Export (Excel)")) }
            }
            div class="scroll" { table id="library" {
                thead { tr { th { (l.t("指标", "Indicator")) } th { (l.t("指标值", "Value")) } th { (l.t("评(扣)分标准", "Standard")) } th { (l.t("分类", "Class")) } th { (l.t("使用", "Uses")) } th { (l.t("目标值 最小/中位/最大", "Targets min/median/max")) } th { (l.t("实际值 最小/中位/最大", "Actuals min/median/max")) } } }
                tbody { @for e in &entries {
                    @let i = &e.indicator;
                    tr data-name=(i.name) {
                        td { (i.level1.label()) " / " (i.level2) " / " strong { (i.name) } }
                        td { (i.value_hint) }
                        td { (i.standard) }
                        td { @if i.classification.is_general() { span class="muted" { (l.t("共性", "common")) } } @else { (i.classification.function_subject) " " (i.classification.sector) " " (i.classification.purpose) } }
                        td class="num" { (e.history.uses.len()) }
                        td class="num" { (spread(e.history.targets())) }
                        td class="num" { (spread(e.history.actuals())) }
                    }
                } }
            } }
        },
    ))
}

pub async fn library_xlsx(State(s): State<AppState>, ctx: Ctx) -> Page {
    let user = business(&ctx)?.clone();
    let bytes = s
        .pool
        .run(move |store| {
            let entries = library::list(store, &user, &LibraryQuery::default())?;
            library::xlsx(&entries)
        })
        .await?;
    Ok(download("指标库.xlsx", bytes))
}

pub async fn promote_indicator(
    State(s): State<AppState>,
    Signed { user, form }: Signed<PromoteCommand>,
) -> Page {
    let id = form.declaration;
    s.pool
        .run(move |store| library::promote(store.sql(), &user, &form))
        .await?;
    Ok(Redirect::to(&format!("/declarations/{id}#library")).into_response())
}
