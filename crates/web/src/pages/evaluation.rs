//! A department-year's self-evaluation: scores, actuals entered, the review workflow, the report.

use super::*;

pub async fn evaluation(
    State(s): State<AppState>,
    ctx: Ctx,
    Path((dept, year)): Path<(String, i32)>,
) -> Page {
    let user = business(&ctx)?.clone();
    let l = ctx.lang;
    let u2 = user.clone();
    let d2 = dept.clone();
    let (se, spells, approved) = s
        .pool
        .run(move |store| {
            let se = service::self_evaluation(store, &u2, &d2, year)?;
            let approved: std::collections::HashMap<String, jixiao_app::declarations::Provenance> =
                jixiao_app::declarations::approved_in_year(store.sql(), &u2, &d2, year)?
                    .into_iter()
                    .collect();
            let mut spells = std::collections::HashMap::new();
            for p in &se.data.projects {
                spells.insert(
                    p.code.clone(),
                    crate::results::responsibility(store.sql(), &d2, &p.code)?,
                );
            }
            Ok::<_, WebError>((se, spells, approved))
        })
        .await?;
    let editable = se.status.state.editable() && user.edits(&dept);
    // Under review, a saved score that the data no longer gives can only be returned.
    let stale = matches!(
        se.status.state,
        workflow::State::Submitted | workflow::State::Approved
    ) && se.saved.first().map(|s| s.1.as_str())
        != Some(format_score(se.department.total).as_str());
    let title = format!(
        "{} {}{}",
        se.data.department.name,
        year,
        l.t("年度部门整体支出绩效自评", " self-evaluation")
    );
    let base = format!("/evaluations/{dept}/{year}");
    ok(layout(
        &ctx,
        &title,
        html! {
            div class="cards" {
                div class="card" { div class="label" { (l.t("当前得分", "Current score")) } div class="figure" id="total" { (format_score(se.department.total)) } div class="muted" { "/ " (format_score(se.department.max_total)) " · " (se.department.grade_label) } }
                div class="card" { div class="label" { (l.t("状态", "Status")) } div class="figure" { span id="state" class={ "state " (se.status.state.id()) } { (l.t(se.status.state.label().0, se.status.state.label().1)) } } @if !se.status.updated_by.is_empty() { div class="muted" { (se.status.updated_by) " · " (when(&se.status.updated_at)) } } }
            }
            @if se.department.provisional { p class="note" { (l.t("指标体系为暂定版本：", "Provisional framework: ")) (se.department.framework_note) } }
            @if stale { p class="error" role="alert" { (l.t("已保存的评分与按当前数据计算的评分不一致：须退回，由填报人核对后重新提交。", "The saved score is not what the data gives now: return it so that the editor checks and submits again.")) } }
            @if se.status.state == workflow::State::Returned && !se.status.comment.is_empty() { p class="error" { (l.t("退回意见：", "Returned: ")) (se.status.comment) } }
            div class="actions" {
                @for step in [Step::Submit, Step::Return, Step::Approve, Step::Publish] {
                    @if step.allowed(&user, &dept) && step.leaves(se.status.state) && !(stale && matches!(step, Step::Approve | Step::Publish)) {
                        form method="post" action={ (base) "/workflow" } class="inline-form" {
                            (csrf_field(&ctx))
                            input type="hidden" name="step" value=(step.id());
                            input type="hidden" name="version" value=(se.status.version);
                            @if step == Step::Return { input name="comment" placeholder=(l.t("退回意见", "Comments")); }
                            button class={ "step " (step.id()) } { (l.t(step.label().0, step.label().1)) }
                        }
                    }
                }
                @if editable {
                    form method="post" action={ (base) "/recompute" } class="inline-form" { (csrf_field(&ctx)) button { (l.t("重新评分并保存", "Recompute and save")) } }
                }
                a class="button" href={ (base) "/report/docx" } { (l.t("下载报告（Word）", "Report (Word)")) }
                a class="button" href={ (base) "/report/pdf" } { (l.t("下载报告（PDF）", "Report (PDF)")) }
            }
            h2 { (l.t("部门整体支出绩效评分", "Department score")) " · " (se.department.framework_title) }
            (score_table(l, &se.department, true))
            h2 { (l.t("项目绩效指标：实际完成值与佐证", "Project indicators: actuals and evidence")) }
            @for p in se.data.projects.iter().filter(|p| !p.indicators.is_empty()) {
                @let pe = se.projects.iter().find(|e| e.subject == p.name);
                h3 { (p.code) " " (p.name) @if let Some(pe) = pe { " · " (l.t("项目得分", "score")) " " span class="project-score" data-project=(p.code) { (format_score(pe.total)) } } }
                @if let Some(a) = approved.get(&p.code) {
                    p class="muted approved-targets" {
                        (l.t("绩效目标经批复（", "Targets approved (text ")) a href={ "/declarations/" (a.id) } { (l.t("第", "")) (a.approved_number) (l.t("版", "")) } (l.t("，", ", ")) (when(&a.approved_at)) (l.t("）", ")"))
                        @for (n, at, reason) in &a.adjustments { " · " (l.t("目标调整：第", "adjusted: text ")) (n) (l.t("版，", ", ")) (when(at)) (l.t("，", ", ")) (reason) }
                    }
                }
                @if let Some((_, why)) = se.unscored.iter().find(|(c, _)| *c == p.code) {
                    p class="error" { (l.t("该项目暂不能评分：", "This project cannot be scored yet: ")) (why) }
                } @else if pe.is_none() { p class="note" { (l.t("尚未填报实际完成值，暂不评分。", "No actuals entered yet: not scored yet.")) } }
                (crate::pages::responsibility_block(&ctx, &dept, year, &p.code, spells.get(&p.code).map_or(&[][..], |v| v.as_slice()), user.edits(&dept)))
                div class="scroll" { table {
                    thead { tr { th { (l.t("指标", "Indicator")) } th { (l.t("目标", "Target")) } th { (l.t("实际完成值与佐证", "Actual and evidence")) } } }
                    tbody { @for i in &p.indicators {
                        @let entry = se.entries.get(&(p.code.clone(), i.name.clone())).cloned().unwrap_or_default();
                        tr {
                            td { (i.level1.label()) " / " (i.level2) " / " (i.name) }
                            td { (i.operator.symbol()) (i.target.as_ref().map(|t| t.value.to_string()).unwrap_or_default()) (i.unit)
                                 @if i.target.as_ref().is_some_and(|t| t.origin.is_inferred()) { " " span class="inferred" { (l.t("推定", "inferred")) } } }
                            td {
                                @if editable && i.target.is_some() {
                                    form method="post" action={ (base) "/actuals" } class="entry" {
                                        (csrf_field(&ctx))
                                        input type="hidden" name="project" value=(p.code);
                                        input type="hidden" name="indicator" value=(i.name);
                                        input type="hidden" name="version" value=(entry.version);
                                        input name="actual" inputmode="decimal" aria-label=(l.t("实际完成值", "Actual")) value=(i.actual.as_ref().map(|a| a.value.to_string()).unwrap_or_default());
                                        input name="evidence" aria-label=(l.t("佐证材料", "Evidence")) placeholder=(l.t("佐证材料（文件名、存放处）", "Evidence (documents, where kept)")) value=(entry.evidence);
                                        button { (l.t("保存", "Save")) }
                                    }
                                } @else {
                                    (i.actual.as_ref().map(|a| a.value.to_string()).unwrap_or_else(|| "—".into())) (i.unit)
                                    @if !entry.evidence.is_empty() { div class="muted" { (l.t("佐证：", "Evidence: ")) (entry.evidence) } }
                                }
                                @if !entry.updated_by.is_empty() { div class="muted" { (entry.updated_by) " · " (when(&entry.updated_at)) } }
                            }
                        }
                    } }
                } }
                @if let Some(pe) = pe { details { summary { (l.t("项目评分明细", "Project score details")) } (score_table(l, pe, true)) } }
            }
            @if !se.status.history.is_empty() {
                h2 { (l.t("审核记录", "Review history")) }
                ol class="history" { @for (from, to, who, at, comment) in &se.status.history {
                    li { (when(at)) " · " (who) " · " (l.t(from.label().0, from.label().1)) " → " (l.t(to.label().0, to.label().1)) @if !comment.is_empty() { "：" (comment) } }
                } }
            }
            @if !se.saved.is_empty() {
                h2 { (l.t("已保存的评分", "Saved evaluations")) }
                ul { @for (at, total, grade) in se.saved.iter().take(10) { li { (when(at)) " · " (total) " · " (grade) } } }
            }
        },
    ))
}

pub async fn save_actual(
    State(s): State<AppState>,
    Path((dept, year)): Path<(String, i32)>,
    Signed { user, form: f }: Signed<service::ActualEntry>,
) -> Page {
    let d2 = dept.clone();
    s.pool
        .run(move |store| service::set_actual(store, &user, &d2, year, &f))
        .await?;
    Ok(Redirect::to(&format!("/evaluations/{dept}/{year}")).into_response())
}

pub async fn recompute(
    State(s): State<AppState>,
    Path((dept, year)): Path<(String, i32)>,
    Signed { user, .. }: Signed<CsrfForm>,
) -> Page {
    let d2 = dept.clone();
    s.pool
        .run(move |store| service::recompute(store, &user, &d2, year))
        .await?;
    Ok(Redirect::to(&format!("/evaluations/{dept}/{year}")).into_response())
}

pub async fn transition(
    State(s): State<AppState>,
    Path((dept, year)): Path<(String, i32)>,
    Signed { user, form: f }: Signed<crate::workflow::StepCommand>,
) -> Page {
    let d2 = dept.clone();
    s.pool
        .run(move |store| service::transition(store, &user, &d2, year, &f))
        .await?;
    Ok(Redirect::to(&format!("/evaluations/{dept}/{year}")).into_response())
}

pub async fn report(
    State(s): State<AppState>,
    ctx: Ctx,
    Path((dept, year, format)): Path<(String, i32, String)>,
) -> Page {
    let user = business(&ctx)?.clone();
    let name = format!("{dept}-{year}-自评报告.{format}");
    let bytes = s
        .pool
        .run(move |store| {
            service::must_read(&user, &dept)?;
            let data = jixiao_app::load_dataset(store, &dept, year)?;
            service::report(&data, &format)
        })
        .await?;
    Ok(download(&name, bytes))
}
