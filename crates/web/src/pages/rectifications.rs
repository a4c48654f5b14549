//! Rectifications (整改): opened, updated, verified, their evidence, and who is responsible.

use super::*;

pub(crate) fn status_badge(l: Lang, r: &Rectification) -> Markup {
    let class = match r.status.as_str() {
        "overdue" => "warn red",
        "done" => "state approved",
        _ => "state submitted",
    };
    html! { span class=(class) { (r.status_label) } @if !r.verified_by.is_empty() { " " span class="muted" { (l.t("已核验", "verified")) } } }
}

pub async fn rectifications(State(s): State<AppState>, ctx: Ctx) -> Page {
    let user = business(&ctx)?.clone();
    let l = ctx.lang;
    let u2 = user.clone();
    let (items, problems, names) = s
        .pool
        .run(move |store| {
            let items = results::rectifications(store.sql(), &u2, results::today())?;
            let mut problems = Vec::new();
            let departments = service::departments(store, &u2)?;
            let names: std::collections::HashMap<String, String> = departments
                .iter()
                .map(|d| (d.code.clone(), d.name.clone()))
                .collect();
            for d in departments {
                for y in d.datasets {
                    let data = jixiao_app::load_dataset(store, &d.code, y)?;
                    for p in data.problems {
                        let text = format!("{}：{}", p.title, p.detail);
                        if !items.iter().any(|i: &Rectification| {
                            i.department == d.code && i.year == y && i.problem == text
                        }) {
                            problems.push((d.code.clone(), d.name.clone(), y, text));
                        }
                    }
                }
            }
            Ok::<_, WebError>((items, problems, names))
        })
        .await?;
    let overdue = items.iter().filter(|i| i.status == "overdue").count();
    let today = results::today().to_string();
    ok(layout(
        &ctx,
        l.t("问题整改", "Rectifications"),
        html! {
            p class="muted" { (l.t("评价发现的问题逐项跟踪：整改措施、责任人、期限（默认结果送达后 30 天）、状态、佐证材料，由财政局核验。", "Each problem found is tracked: measures, the person responsible, a due date (30 days after the result is sent by default), status, evidence, and verification by the finance bureau.")) }
            @if overdue > 0 { p class="error" role="alert" { (l.t("逾期未完成整改：", "Overdue: ")) (overdue) (l.t(" 项", "")) } }
            @for r in &items {
                section class="card rect" id={ "r" (r.id) } {
                    h3 { (names.get(&r.department).filter(|n| !n.is_empty()).unwrap_or(&r.department)) " · " (r.year) @if !r.project.is_empty() { " · " (r.project) } " " (status_badge(l, r)) }
                    p { (r.problem) }
                    p class="muted" { (l.t("送达", "Sent")) " " (r.sent_on) " · " (l.t("期限", "Due")) " " strong { (r.due_on) } @if !r.responsible.is_empty() { " · " (l.t("责任人", "Responsible")) " " (r.responsible) } @if !r.verified_by.is_empty() { " · " (l.t("核验", "Verified by")) " " (r.verified_by) " " (crate::pages::when(&r.verified_at)) } }
                    @if !r.files.is_empty() { p { (l.t("佐证：", "Evidence: ")) @for (id, name) in &r.files { a href={ "/rectifications/files/" (id) } { (name) } " " } } }
                    @if user.edits(&r.department) && r.stored_status != "done" {
                        form method="post" action={ "/rectifications/" (r.id) } class="stack" {
                            (csrf_field(&ctx))
                            input type="hidden" name="version" value=(r.version);
                            label { (l.t("整改措施", "Measures")) input name="measures" value=(r.measures); }
                            label { (l.t("责任人", "Responsible")) input name="responsible" value=(r.responsible); }
                            label { (l.t("状态", "Status")) select name="status" {
                                @for st in RectificationStatus::ALL.iter().filter(|s| !matches!(s, RectificationStatus::Overdue | RectificationStatus::Done)) {
                                    option value=(st.id()) selected[r.stored_status == st.id()] { (st.label()) }
                                }
                            } }
                            button { (l.t("保存", "Save")) }
                        }
                        form method="post" action={ "/rectifications/" (r.id) "/files" } enctype="multipart/form-data" class="inline-form" {
                            (csrf_field(&ctx))
                            input type="file" name="file" aria-label=(l.t("佐证文件", "Evidence file")) required;
                            button { (l.t("上传佐证", "Upload evidence")) }
                        }
                    }
                    @if user.role == Some(Role::BureauAdmin) && r.status != "done" {
                        form method="post" action={ "/rectifications/" (r.id) "/verify" } class="inline-form" {
                            (csrf_field(&ctx)) input type="hidden" name="version" value=(r.version);
                            button class="step approve" { (l.t("核验为已完成", "Verify as done")) }
                        }
                    }
                }
            }
            @if !problems.is_empty() {
                h2 { (l.t("尚未转为整改事项的问题", "Problems not yet tracked")) }
                @for (code, name, year, text) in &problems {
                    div class="card" {
                        p { strong { (name) " · " (year) } } p { (text) }
                        @if user.edits(code) {
                            form method="post" action="/rectifications" class="inline-form" {
                                (csrf_field(&ctx))
                                input type="hidden" name="department" value=(code);
                                input type="hidden" name="year" value=(year);
                                input type="hidden" name="problem" value=(text);
                                label { (l.t("结果送达日", "Sent on")) input type="date" name="sent_on" value=(today); }
                                button class="primary" { (l.t("转为整改事项", "Track it")) }
                            }
                        }
                    }
                }
            }
        },
    ))
}

pub async fn create_rectification(
    State(s): State<AppState>,
    Signed { user, form: f }: Signed<results::NewRectification>,
) -> Page {
    let id = s
        .pool
        .run(move |store| results::open_rectification(store.sql(), &user, &f))
        .await?;
    Ok(Redirect::to(&format!("/rectifications#r{id}")).into_response())
}

pub async fn update_rectification(
    State(s): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Signed { user, form: f }: Signed<results::RectificationReport>,
) -> Page {
    business(&ctx)?;
    s.pool
        .run(move |store| results::update_rectification(store.sql(), &user, id, f.progress()?))
        .await?;
    Ok(Redirect::to(&format!("/rectifications#r{id}")).into_response())
}

pub async fn verify_rectification(
    State(s): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Signed { user, form: f }: Signed<results::RectificationReport>,
) -> Page {
    bureau(&ctx)?;
    s.pool
        .run(move |store| results::verify_rectification(store.sql(), &user, id, f.version))
        .await?;
    Ok(Redirect::to(&format!("/rectifications#r{id}")).into_response())
}

pub async fn upload_evidence(
    State(s): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Multipart(mut form): Multipart,
) -> Page {
    business(&ctx)?;
    let (csrf, name, bytes) = crate::pages::read_upload(&mut form).await?;
    let user = ctx.user_checked(&csrf)?.clone();
    s.pool
        .run(move |store| results::attach_file(store.sql(), &user, id, &name, bytes))
        .await?;
    Ok(Redirect::to(&format!("/rectifications#r{id}")).into_response())
}

pub async fn evidence_file(State(s): State<AppState>, ctx: Ctx, Path(id): Path<i64>) -> Page {
    let user = business(&ctx)?.clone();
    let (name, bytes) = s
        .pool
        .run(move |store| results::file(store.sql(), &user, id))
        .await?;
    let encoded = crate::pages::percent_encode(&name);
    Ok((
        [
            (header::CONTENT_TYPE, "application/octet-stream".to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"evidence\"; filename*=UTF-8''{encoded}"),
            ),
        ],
        bytes,
    )
        .into_response())
}

#[derive(Deserialize)]
pub struct AssignForm {
    project: String,
    person: String,
    since: String,
}

pub async fn assign(
    State(s): State<AppState>,
    Path((dept, year)): Path<(String, i32)>,
    Signed { user, form: f }: Signed<AssignForm>,
) -> Page {
    service::must_edit(&user, &dept)?;
    let since = results::optional_date(&f.since, "起始日")?
        .ok_or_else(|| WebError::invalid("请填写起始日。", "Enter the start date."))?;
    let d2 = dept.clone();
    s.pool
        .run(move |store| results::assign(store.sql(), &user, &d2, &f.project, &f.person, since))
        .await?;
    Ok(Redirect::to(&format!("/evaluations/{dept}/{year}")).into_response())
}

/// The responsibility block of a project on the self-evaluation page.
pub(crate) fn responsibility_block(
    ctx: &Ctx,
    dept: &str,
    year: i32,
    project: &str,
    spells: &[results::Spell],
    editable: bool,
) -> Markup {
    let l = ctx.lang;
    let current = spells.iter().find(|s| s.until.is_none());
    let year_end = Date::new(year, 12, 31).expect("a year ends");
    let at_year_end = results::responsible_on(spells, year_end);
    html! {
        div class="responsibility" {
            span class="muted" { (l.t("项目责任人：", "Responsible: ")) }
            @if let Some(c) = current { strong { (c.person) } " " span class="muted" { (l.t("自 ", "since ")) (c.since) } } @else { span class="muted" { (l.t("未登记", "not recorded")) } }
            @if let Some(a) = at_year_end { " · " span class="muted" { (year) (l.t(" 年末责任人：", " year-end: ")) (a.person) } }
            @if spells.len() > 1 { details { summary { (l.t("责任人变更记录", "History")) } ol { @for sp in spells { li { (sp.person) "：" (sp.since) " — " (sp.until.clone().unwrap_or_else(|| l.t("至今", "now").into())) " · " span class="muted" { (sp.recorded_by) " " (crate::pages::when(&sp.recorded_at)) } } } } } }
            @if editable {
                form method="post" action={ "/evaluations/" (dept) "/" (year) "/responsibility" } class="inline-form" {
                    (csrf_field(ctx))
                    input type="hidden" name="project" value=(project);
                    input name="person" placeholder=(l.t("新责任人", "New person")) aria-label=(l.t("新责任人", "New person")) required;
                    input type="date" name="since" aria-label=(l.t("起始日", "Since")) required;
                    button { (l.t("变更责任人", "Change")) }
                }
            }
        }
    }
}
