//! Performance-target declarations (绩效目标申报与审核): the list, a new declaration, one
//! declaration with its automatic review, its texts side by side, and the steps of its review.

use super::*;
use jixiao_app::assessments::{self, View};
use jixiao_app::declarations::{self, Record, SaveCommand, Summary};
use jixiao_domain::library::LibraryIndicator;
use jixiao_domain::target_flow::{steps_from, Stage, Step as FlowStep};
use jixiao_domain::targets::Review;

fn stage_badge(l: Lang, stage: Stage) -> Markup {
    let class = match stage {
        Stage::Approved => "state approved",
        Stage::Returned => "state returned",
        Stage::Draft => "state draft",
        _ => "state submitted",
    };
    html! { span class=(class) data-stage=(stage.id()) { (l.t(stage.label().0, stage.label().1)) } }
}

pub async fn declarations(
    State(s): State<AppState>,
    ctx: Ctx,
    Query(q): Query<crate::declarations::ListQuery>,
) -> Page {
    let user = business(&ctx)?.clone();
    let l = ctx.lang;
    let u2 = user.clone();
    let list: Vec<Summary> = s
        .pool
        .run(move |store| declarations::list(store.sql(), &u2, q.year))
        .await?;
    ok(layout(
        &ctx,
        l.t("绩效目标申报", "Target declarations"),
        html! {
            p class="muted" { (l.t("单位申报项目绩效目标，经主管部门、财政业务科室审核，由绩效管理科批复；批复后的目标即为执行监控和年终自评所用的目标。", "Units declare their projects' performance targets; the department and the bureau's budget section review them and its performance section approves them. Approved targets are the ones monitoring and the year-end self-evaluation use.")) }
            @if user.role == Some(Role::DeptEditor) || user.role == Some(Role::BureauAdmin) {
                p { a class="button" href="/declarations/new" { (l.t("新建申报", "New declaration")) } }
            }
            @if list.is_empty() {
                p { (l.t("还没有申报。", "No declarations yet.")) }
            } @else {
                div class="scroll" { table {
                    thead { tr { th { (l.t("年度", "Year")) } th { (l.t("部门", "Department")) } th { (l.t("项目", "Project")) } th { (l.t("申报单位", "Unit")) } th { (l.t("状态", "Stage")) } th { (l.t("版本", "Text")) } th { (l.t("最近改动", "Last change")) } } }
                    tbody { @for d in &list {
                        tr {
                            td { (d.year) }
                            td { (d.department) }
                            td { a href={ "/declarations/" (d.id) } { (d.project) } }
                            td { (d.unit_name) }
                            td { (stage_badge(l, d.stage)) }
                            td { (l.t("第", "")) (d.text_number) (l.t("版", "")) @if d.approved_number > 0 { " · " (l.t("批复第", "approved ")) (d.approved_number) (l.t("版", "")) } }
                            td class="muted" { (d.updated_by) " · " (when(&d.updated_at)) }
                        }
                    } }
                } }
            }
        },
    ))
}

/// The declaration's text in a form; a new one asks for its department when the user edits
/// more than one (the finance bureau).
#[allow(clippy::too_many_arguments)]
fn editor_form(
    ctx: &Ctx,
    departments: &[(String, String)],
    department: &str,
    id: i64,
    version: i64,
    body: &str,
    adjusting: bool,
    library: &[LibraryIndicator],
) -> Markup {
    let l = ctx.lang;
    html! {
        form method="post" action="/declarations" class="stack" id="declaration-form" {
            (csrf_field(ctx))
            @if departments.len() > 1 {
                label { (l.t("部门", "Department"))
                    select name="department" { @for (code, name) in departments { option value=(code) selected[code == department] { (code) " " (name) } } } }
            } @else {
                input type="hidden" name="department" value=(department);
            }
            input type="hidden" name="id" value=(id);
            input type="hidden" name="version" value=(version);
            label { (l.t("申报表（每项一行，“#”后为说明）", "The declaration (one field a line; text after “#” explains it)"))
                textarea name="body" rows="28" class="code" spellcheck="false" { (body) } }
            @if adjusting {
                label { (l.t("调整原因（目标调整须写明，批复前原目标继续有效）", "Reason for the adjustment (the approved targets stay in force until it is approved)"))
                    input name="reason" required; }
            }
            button { (l.t("保存", "Save")) }
            @if !library.is_empty() {
                fieldset class="library-pick" {
                    legend { (l.t("从指标库添加指标（添加后请填写指标值和分值，再保存）", "Add an indicator from the library (then fill in its value and points, and save)")) }
                    select name="library" aria-label=(l.t("指标库", "Library")) {
                        @for i in library { option value={ (i.level2) "|" (i.name) } { (i.level1.label()) " / " (i.level2) " / " (i.name) @if !i.classification.is_general() { "（" (i.classification.sector) (i.classification.function_subject) "）" } } }
                    }
                    button formaction="/declarations/compose" formnovalidate { (l.t("添加到申报表", "Add to the declaration")) }
                }
            }
        }
    }
}

#[derive(Deserialize)]
pub struct ComposeForm {
    department: String,
    #[serde(default)]
    id: i64,
    #[serde(default)]
    version: i64,
    body: String,
    library: String,
}

/// `POST /declarations/compose`: the declaration's text, as typed, with the library's indicator
/// added, shown again to edit and save (nothing is saved).
pub async fn compose_declaration(
    State(s): State<AppState>,
    ctx: Ctx,
    Signed { user, form }: Signed<ComposeForm>,
) -> Page {
    let l = ctx.lang;
    service::must_edit(&user, &form.department)?;
    let library = s
        .pool
        .run(|store| jixiao_app::library::indicators(store.sql()))
        .await?;
    let Some(picked) = library
        .iter()
        .find(|i| format!("{}|{}", i.level2, i.name) == form.library)
    else {
        return Err(WebError::NotFound.into());
    };
    let body = jixiao_app::library::add_to_text(&form.body, picked);
    ok(layout(
        &ctx,
        l.t(
            "编辑绩效目标申报（未保存）",
            "Editing a declaration (not saved)",
        ),
        html! {
            p class="ok" id="added" { (l.t("已添加指标“", "Added “")) (picked.name) (l.t("”：请填写其指标值和分值后保存。", "”: fill in its value and points, then save.")) }
            (editor_form(&ctx, &[], &form.department, form.id, form.version, &body, false, &library))
        },
    ))
}

pub async fn new_declaration(State(s): State<AppState>, ctx: Ctx) -> Page {
    let user = business(&ctx)?.clone();
    let l = ctx.lang;
    let u2 = user.clone();
    let departments: Vec<(String, String)> = s
        .pool
        .run(move |store| service::departments(store, &u2))
        .await?
        .into_iter()
        .filter(|d| user.edits(&d.code))
        .map(|d| (d.code, d.name))
        .collect();
    let Some((code, name)) = departments.first().cloned() else {
        return Err(WebError::Forbidden.into());
    };
    let year = results::today().year() + 1;
    let body = jixiao_formats::declaration::template(year, &name);
    let library = s
        .pool
        .run(|store| jixiao_app::library::indicators(store.sql()))
        .await?;
    ok(layout(
        &ctx,
        l.t("新建绩效目标申报", "New target declaration"),
        html! {
            p class="muted" { (l.t("填好项目名称、资金、年度目标和各项指标后保存；保存后即可看到自动审核的意见，改好后再报送。", "Fill in the project's name, funds, annual goal and indicators and save; the automatic review's findings show once saved. Fix them, then submit.")) }
            (editor_form(&ctx, &departments, &code, 0, 0, &body, false, &library))
        },
    ))
}

pub async fn save_declaration(
    State(s): State<AppState>,
    Signed { user, form }: Signed<SaveCommand>,
) -> Page {
    let saved = s
        .pool
        .run(move |store| declarations::save(store, &user, &form))
        .await?;
    Ok(Redirect::to(&format!("/declarations/{}", saved.id)).into_response())
}

/// The automatic review, each finding with its rule and where, ready to paste into a comment.
fn review_block(l: Lang, review: &Review) -> Markup {
    html! {
        section class="card" id="review" {
            h2 { (l.t("自动审核", "Automatic review")) " · " span id="review-grade" { (review.grade) } " " span class="muted" { (review.outcome) } }
            ul class="verdicts" { @for (c, met) in &review.verdicts {
                li { (l.t(c.label().0, c.label().1)) "：" @if *met { span class="state approved" { (l.t("符合", "met")) } } @else { span class="state returned" { (l.t("不符合", "not met")) } } }
            } }
            @if review.findings.is_empty() {
                p id="review-clean" { (l.t("未发现问题。", "Nothing found.")) }
            } @else {
                ol id="review-findings" { @for f in &review.findings {
                    li data-rule=(f.rule) { strong { (l.t(f.criterion.label().0, f.criterion.label().1)) } " · " (f.location) "：" (f.message) " " span class="muted" { "（" (f.rule) "）" } }
                } }
            }
        }
    }
}

fn findings_text(review: &Review) -> String {
    review
        .findings
        .iter()
        .enumerate()
        .map(|(k, f)| format!("{}. {}：{}", k + 1, f.location, f.message))
        .collect::<Vec<_>>()
        .join("\n")
}

#[derive(Deserialize, Default)]
pub struct CompareQuery {
    from: Option<i64>,
    to: Option<i64>,
}

pub async fn declaration(
    State(s): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Query(q): Query<CompareQuery>,
) -> Page {
    render(&s, &ctx, id, q, None).await
}

/// A step or an assessment action that was refused (invalid or stale) shows the declaration's
/// page again with the reason at the top, so the clerk sees what to do next; other failures
/// (forbidden, not found) are the usual error page.
async fn after(s: &AppState, ctx: &Ctx, id: i64, done: Result<(), WebError>) -> Page {
    match done {
        Ok(()) => Ok(Redirect::to(&format!("/declarations/{id}")).into_response()),
        Err(e @ (WebError::Invalid(_) | WebError::Stale(_))) => {
            let status = e.status();
            let mut page = render(s, ctx, id, CompareQuery::default(), Some(e.message())).await?;
            *page.status_mut() = status;
            Ok(page)
        }
        Err(e) => Err(e.into()),
    }
}

async fn render(
    s: &AppState,
    ctx: &Ctx,
    id: i64,
    q: CompareQuery,
    refused: Option<(String, String)>,
) -> Page {
    let ctx = ctx.clone();
    let user = business(&ctx)?.clone();
    let l = ctx.lang;
    let u2 = user.clone();
    let (record, review, assessment, candidates, expert, library): (
        Record,
        Review,
        View,
        _,
        bool,
        _,
    ) = s
        .pool
        .run(move |store| {
            let r = declarations::get(store.sql(), &u2, id)?;
            let review = declarations::review(store, &u2, id, None)?;
            let view = assessments::view(store.sql(), &u2, id)?;
            let candidates = if u2.role == Some(Role::BureauAdmin) {
                assessments::candidates(store.sql(), &u2)?
            } else {
                Vec::new()
            };
            let expert = assessments::is_expert(store.sql(), &u2, id)?;
            let library = jixiao_app::library::indicators(store.sql())?;
            Ok::<_, WebError>((r, review, view, candidates, expert, library))
        })
        .await?;
    let d = &record.summary;
    let desk = declarations::sits_at(&user, d.stage.desk(), &d.department);
    let editable = d.stage.editable() && user.edits(&d.department);
    let last_return = record
        .events
        .iter()
        .rev()
        .find(|e| e.step == FlowStep::Return.id());
    // Texts side by side: the last two by default, or the two asked for.
    let to = q.to.unwrap_or(d.text_number);
    let from = q
        .from
        .unwrap_or(if d.approved_number > 0 && d.approved_number < to {
            d.approved_number
        } else {
            to - 1
        });
    let compared = record.text(from).zip(record.text(to));
    ok(layout(
        &ctx,
        &format!("{} · {}", d.project, d.year),
        html! {
            div class="cards" {
                div class="card" { div class="label" { (l.t("状态", "Stage")) } div class="figure" id="stage" { (stage_badge(l, d.stage)) } div class="muted" { (d.updated_by) " · " (when(&d.updated_at)) } }
                div class="card" { div class="label" { (l.t("申报单位", "Unit")) } div class="figure" { (d.unit_name) } div class="muted" { (d.department) } }
                div class="card" { div class="label" { (l.t("版本", "Text")) } div class="figure" { (l.t("第", "")) (d.text_number) (l.t("版", "")) } div class="muted" { @if d.approved_number > 0 { (l.t("批复第", "approved text ")) (d.approved_number) (l.t("版（执行中）", " (in force)")) } @else { (l.t("尚未批复", "not approved yet")) } } }
            }
            div class="actions" id="documents" {
                @for (kind, label, formats) in [("form", l.t("申报表", "Declaration form"), &["docx", "xlsx", "pdf"][..]), ("review", l.t("审核意见", "Review opinion"), &["docx", "pdf"][..]), ("assessment", l.t("事前绩效评估报告", "Ex-ante assessment report"), &["docx", "pdf"][..])] {
                    span { (label) "：" @for f in formats { a class="button" href={ "/declarations/" (d.id) "/documents/" (kind) "." (f) } { (f.to_uppercase()) } " " } }
                }
            }
            @if let Some((zh, en)) = &refused { p class="error" role="alert" id="refused" { (l.t(zh, en)) } }
            @if d.stage == Stage::Returned { @if let Some(e) = last_return { p class="error" id="return-comment" { (l.t("退回意见：", "Returned: ")) (e.comment) " — " (e.actor) } } }
            (review_block(l, &review))
            (assessment_block(&ctx, d, &assessment, &candidates, expert))
            @if user.role == Some(Role::BureauAdmin) {
                @let declared = declarations::parse(&record.latest().body).ok();
                @if let Some(declared) = declared {
                    form method="post" action="/library" class="inline-form" id="library" {
                        (csrf_field(&ctx))
                        input type="hidden" name="declaration" value=(d.id);
                        select name="indicator" aria-label=(l.t("指标", "Indicator")) { @for i in &declared.indicators { option value=(i.name) { (i.name) } } }
                        input name="sector" placeholder=(l.t("行业/领域", "Sector")) aria-label=(l.t("行业/领域", "Sector"));
                        input name="function_subject" placeholder=(l.t("功能分类科目", "Function")) aria-label=(l.t("功能分类科目", "Function"));
                        input name="purpose" placeholder=(l.t("资金用途", "Use of funds")) aria-label=(l.t("资金用途", "Use of funds"));
                        button { (l.t("择优入库", "Promote to the library")) }
                    }
                }
            }
            @if desk {
                div class="actions" {
                    @for step in steps_from(d.stage) {
                        form method="post" action={ "/declarations/" (d.id) "/steps" } class="inline-form" {
                            (csrf_field(&ctx))
                            input type="hidden" name="step" value=(step.id());
                            input type="hidden" name="version" value=(d.version);
                            @if step == FlowStep::Return { textarea name="comment" rows="3" aria-label=(l.t("退回意见", "Comments")) placeholder=(l.t("退回意见", "Comments")) { (findings_text(&review)) } }
                            button class={ "step " (step.id()) } { (l.t(step.label().0, step.label().1)) }
                        }
                    }
                }
            }
            @if editable {
                h2 { (l.t("修改申报", "Change the declaration")) }
                (editor_form(&ctx, &[], &d.department, d.id, d.version, &record.latest().body, d.stage == Stage::Approved, &library))
            } @else {
                details { summary { (l.t("申报表（第", "The declaration (text ")) (d.text_number) (l.t("版）", ")")) } pre class="code" { (record.latest().body) } }
            }
            @if let Some((a, b)) = compared {
                h2 { (l.t("两版对照", "Two texts side by side")) " · " (l.t("第", "text ")) (a.number) (l.t("版", "")) " → " (l.t("第", "text ")) (b.number) (l.t("版", "")) }
                @if !b.reason.is_empty() { p { (l.t("调整原因：", "Reason: ")) (b.reason) } }
                div class="scroll" { table class="diff" id="diff" {
                    thead { tr { th { (l.t("第", "text ")) (a.number) (l.t("版", "")) " · " (a.saved_by) } th { (l.t("第", "text ")) (b.number) (l.t("版", "")) " · " (b.saved_by) } } }
                    tbody { @for row in declarations::side_by_side(&a.body, &b.body).iter().filter(|r| r.changed()) {
                        tr class="changed" { td { @if let Some(t) = &row.left { del { (t) } } } td { @if let Some(t) = &row.right { ins { (t) } } } }
                    } }
                } }
            }
            @if !record.events.is_empty() {
                h2 { (l.t("审核记录", "Review history")) }
                ol class="history" { @for e in &record.events {
                    li { (when(&e.at)) " · " (e.actor) " · " (l.t(e.from.label().0, e.from.label().1)) " → " (l.t(e.to.label().0, e.to.label().1)) " · " (l.t("第", "text ")) (e.text_number) (l.t("版", "")) @if !e.comment.is_empty() { "：" (e.comment) } }
                } }
            }
            h2 { (l.t("各版申报", "Texts")) }
            ul { @for t in record.texts.iter().rev() {
                li { (l.t("第", "Text ")) (t.number) (l.t("版", "")) " · " (t.saved_by) " · " (when(&t.saved_at)) @if !t.reason.is_empty() { " · " (l.t("调整：", "adjusted: ")) (t.reason) } }
            } }
        },
    ))
}

/// The ex-ante assessment: whether it is needed, each expert's scores, the panel's score and
/// spread, the conclusion; the bureau's forms (assign, conclude) and an assigned expert's.
fn assessment_block(
    ctx: &Ctx,
    d: &Summary,
    v: &View,
    candidates: &[(String, String)],
    expert: bool,
) -> Markup {
    let l = ctx.lang;
    let open = d.stage != Stage::Approved;
    let base = format!("/declarations/{}/assessment", d.id);
    let bureau = ctx.user.as_ref().and_then(|u| u.role) == Some(Role::BureauAdmin);
    html! {
        section class="card" id="assessment" {
            h2 { (l.t("事前绩效评估", "Ex-ante assessment")) }
            @if v.needed { p class="note" { (l.t("该项目须经事前绩效评估并获支持后方可批复。", "This project needs an ex-ante assessment that supports it before it can be approved.")) } }
            @else { p class="muted" { (l.t("该项目不要求事前绩效评估（延续项目，资金未达到评估起点）。", "No assessment is required (a continuing project below the amount).")) } }
            @if !v.experts.is_empty() {
                div class="scroll" { table id="assessment-scores" {
                    thead { tr { th { (l.t("专家", "Expert")) } @for (name, w, _) in &v.dimensions { th { (name) " (" (w.normalize()) ")" } } th { (l.t("合计", "Total")) } th { (l.t("意见", "Remarks")) } } }
                    tbody { @for e in &v.experts {
                        tr data-expert=(e.username) {
                            td { (e.username) }
                            @for (_, s) in &e.scores { td class="num" { (s.map(|x| x.normalize().to_string()).unwrap_or_else(|| "—".into())) } }
                            td class="num" { (e.total.map(format_score).unwrap_or_else(|| "—".into())) }
                            td { (e.comment) }
                        }
                    } }
                } }
            }
            @if let Some(score) = v.panel_score {
                p { (l.t("专家组得分（去掉最高、最低后的平均）：", "Panel score (trimmed mean): ")) strong id="panel-score" { (format_score(score)) }
                    @if v.dropped > 0 { " " span class="muted" { (l.t("去掉 ", "dropped ")) (v.dropped) (l.t(" 个", "")) } }
                    @if let Some(i) = &v.indicated { " · " (l.t("按分数线：", "by the bands: ")) (i) } }
                @if v.flagged { p class="error" id="spread-flag" { (l.t("专家评分分歧较大：最高与最低合计相差 ", "The experts disagree widely: totals spread by ")) (v.spread.map(|x| x.normalize().to_string()).unwrap_or_default()) (l.t(" 分，请复核。", " points; review them.")) } }
            }
            @if let Some(c) = &v.concluded {
                p id="conclusion" { (l.t("评估结论：", "Conclusion: ")) strong { (c.conclusion_label) } " · " (l.t("建议预算控制数 ", "suggested budget ")) (c.budget_wan) (l.t(" 万元", " 万元")) " · " (c.by) " " (when(&c.at)) }
                @if !c.suggestions.is_empty() { p { (l.t("建议：", "Suggestions: ")) (c.suggestions) } }
            }
            @if open && bureau {
                form method="post" action={ (base) "/experts" } class="inline-form" {
                    (csrf_field(ctx))
                    select name="username" aria-label=(l.t("专家", "Expert")) { @for (u, name) in candidates { option value=(u) { (name) "（" (u) "）" } } }
                    button { (l.t("指派专家", "Assign expert")) }
                }
                @if v.panel_score.is_some() {
                    form method="post" action={ (base) "/conclusion" } class="inline-form" {
                        (csrf_field(ctx))
                        input name="budget" inputmode="decimal" required aria-label=(l.t("建议预算控制数（万元）", "Suggested budget (万元)")) placeholder=(l.t("建议预算控制数（万元）", "Suggested budget (万元)"));
                        input name="suggestions" aria-label=(l.t("建议", "Suggestions")) placeholder=(l.t("建议", "Suggestions"));
                        button { (l.t("作出评估结论", "Conclude")) }
                    }
                }
            }
            @if open && expert && v.concluded.is_none() {
                form method="post" action={ (base) "/scores" } class="stack" id="score-form" {
                    (csrf_field(ctx))
                    @for (name, w, guide) in &v.dimensions {
                        label { (name) "（0–" (w.normalize()) (l.t("分）", ")")) input name=(name) inputmode="decimal" required; span class="muted" { (guide) } }
                    }
                    label { (l.t("评审意见", "Remarks")) input name="comment"; }
                    button { (l.t("提交评分", "Submit scores")) }
                }
            }
        }
    }
}

/// `POST /declarations/{id}/assessment/{experts|scores|conclusion}`: the form's fields, as sent.
pub async fn assessment_action(
    State(s): State<AppState>,
    ctx: Ctx,
    Path((id, action)): Path<(i64, String)>,
    Signed { user, form }: Signed<std::collections::BTreeMap<String, String>>,
) -> Page {
    let fields = serde_json::Value::Object(
        form.into_iter()
            .filter(|(k, _)| k != "_csrf")
            .map(|(k, v)| (k, serde_json::Value::String(v)))
            .collect(),
    );
    let done = s
        .pool
        .run(move |store| assessments::act(store.sql(), &user, id, &action, fields).map(|_| ()))
        .await;
    after(&s, &ctx, id, done).await
}

/// `GET /declarations/{id}/documents/{kind}.{format}`: the 申报表 (form: docx, pdf, xlsx), the
/// 审核意见 (review: docx, pdf), the 事前绩效评估报告 (assessment: docx, pdf).
pub async fn declaration_document(
    State(s): State<AppState>,
    ctx: Ctx,
    Path((id, file)): Path<(i64, String)>,
) -> Page {
    let user = business(&ctx)?.clone();
    let Some((kind, format)) = file
        .split_once('.')
        .map(|(k, f)| (k.to_string(), f.to_string()))
    else {
        return Err(WebError::NotFound.into());
    };
    let (name, bytes) = s
        .pool
        .run(move |store| declarations::document(store, &user, id, &kind, &format))
        .await?;
    Ok(download(&name, bytes))
}

pub async fn declaration_step(
    State(s): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Signed { user, form }: Signed<workflow::StepCommand>,
) -> Page {
    let done = s
        .pool
        .run(move |store| declarations::step(store, &user, id, &form).map(|_| ()))
        .await;
    after(&s, &ctx, id, done).await
}
