//! Pages of results application and disclosure: the linkage table, rectifications, years
//! side by side, the disclosure calendar, and the public open data.

use crate::auth::Role;
use crate::error::WebError;
use crate::extract::{Form, Multipart, Path};
use crate::pages::{bureau, business, csrf_field, download, layout, ok, wan, Page};
use crate::results::{self, Rectification};
use crate::{service, AppState, Ctx, Lang};
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Redirect, Response};
use jixiao_domain::date::Date;
use jixiao_domain::money::Fen;
use jixiao_domain::number::{format_percent, format_score};
use jixiao_domain::results::RectificationStatus;
use maud::{html, Markup};
use rust_decimal::Decimal;
use serde::Deserialize;

fn fen(f: i64) -> String {
    wan(f.into())
}

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

fn grade_name(code: &str) -> String {
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

fn status_badge(l: Lang, r: &Rectification) -> Markup {
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

#[derive(Deserialize)]
pub struct NewRect {
    #[serde(default)]
    _csrf: String,
    department: String,
    year: i32,
    #[serde(default)]
    project: String,
    problem: String,
    #[serde(default)]
    sent_on: String,
    #[serde(default)]
    due_on: String,
}

pub async fn create_rectification(
    State(s): State<AppState>,
    ctx: Ctx,
    Form(f): Form<NewRect>,
) -> Page {
    let user = ctx.user_checked(&f._csrf)?.clone();
    service::must_edit(&user, &f.department)?;
    let sent = results::optional_date(&f.sent_on, "结果送达日")?.unwrap_or_else(results::today);
    let due = results::optional_date(&f.due_on, "整改期限")?;
    let id = s
        .pool
        .run(move |store| {
            results::open_rectification(
                store.sql(),
                &user,
                &f.department,
                f.year,
                &f.project,
                &f.problem,
                sent,
                due,
            )
        })
        .await?;
    Ok(Redirect::to(&format!("/rectifications#r{id}")).into_response())
}

#[derive(Deserialize)]
pub struct RectForm {
    #[serde(default)]
    _csrf: String,
    #[serde(default)]
    measures: String,
    #[serde(default)]
    responsible: String,
    #[serde(default)]
    status: String,
    #[serde(default)]
    version: i64,
}

pub async fn update_rectification(
    State(s): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Form(f): Form<RectForm>,
) -> Page {
    business(&ctx)?;
    let user = ctx.user_checked(&f._csrf)?.clone();
    let status = RectificationStatus::from_id(&f.status).ok_or_else(|| {
        WebError::invalid(
            format!("未知的状态“{}”。", f.status),
            format!("Unknown status “{}”.", f.status),
        )
    })?;
    s.pool
        .run(move |store| {
            results::update_rectification(
                store.sql(),
                &user,
                id,
                results::Progress {
                    measures: &f.measures,
                    responsible: &f.responsible,
                    status,
                    version: f.version,
                },
            )
        })
        .await?;
    Ok(Redirect::to(&format!("/rectifications#r{id}")).into_response())
}

pub async fn verify_rectification(
    State(s): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Form(f): Form<RectForm>,
) -> Page {
    bureau(&ctx)?;
    let user = ctx.user_checked(&f._csrf)?.clone();
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
    #[serde(default)]
    _csrf: String,
    project: String,
    person: String,
    since: String,
}

pub async fn assign(
    State(s): State<AppState>,
    ctx: Ctx,
    Path((dept, year)): Path<(String, i32)>,
    Form(f): Form<AssignForm>,
) -> Page {
    let user = ctx.user_checked(&f._csrf)?.clone();
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

pub async fn years(State(s): State<AppState>, ctx: Ctx, Path(dept): Path<String>) -> Page {
    let user = business(&ctx)?.clone();
    service::must_read(&user, &dept)?;
    let l = ctx.lang;
    let d2 = dept.clone();
    let (name, rows) = s
        .pool
        .run(move |store| {
            let name = service::all_departments(store)?
                .into_iter()
                .find(|d| d.code == d2)
                .map(|d| d.name)
                .filter(|n| !n.is_empty())
                .unwrap_or_else(|| d2.clone());
            let mut years: Vec<i32> = store.years()?;
            years.sort();
            let mut rows = Vec::new();
            for y in years {
                let projects: Vec<_> = jixiao_app::monitored_projects(store, y)?
                    .into_iter()
                    .filter(|p| *p.department == *d2)
                    .collect();
                let budget: i64 = projects.iter().map(|p| p.budget).sum();
                let executed: i64 = projects.iter().map(|p| p.months.iter().sum::<i64>()).sum();
                let scored = jixiao_app::load_dataset(store, &d2, y)
                    .ok()
                    .and_then(|data| {
                        let (e, _) = service::score(&data).ok()?;
                        let quantitative: Vec<_> = data
                            .projects
                            .iter()
                            .flat_map(|p| &p.indicators)
                            .filter(|i| i.target.is_some())
                            .collect();
                        let met = quantitative
                            .iter()
                            .filter(|i| match (&i.target, &i.actual) {
                                (Some(t), Some(a)) => match i.operator {
                                    jixiao_domain::project::Operator::AtMost
                                    | jixiao_domain::project::Operator::Below => a.value <= t.value,
                                    _ => a.value >= t.value,
                                },
                                _ => false,
                            })
                            .count();
                        Some((e.total, e.grade_label, quantitative.len(), met))
                    });
                if projects.is_empty() && scored.is_none() {
                    continue;
                }
                rows.push((y, projects.len(), budget, executed, scored));
            }
            Ok::<_, WebError>((name, rows))
        })
        .await?;
    let rate = |b: i64, e: i64| (b != 0).then(|| Decimal::from(e) / Decimal::from(b));
    ok(layout(
        &ctx,
        &format!("{name} · {}", l.t("历年对比", "years side by side")),
        html! {
            div class="scroll" { table {
                thead { tr { th { (l.t("年度", "Year")) } th class="num" { (l.t("项目数", "Projects")) } th class="num" { (l.t("预算（万元）", "Budget")) } th class="num" { (l.t("全年支出（万元）", "Spent")) } th class="num" { (l.t("执行率", "Rate")) } th class="num" { (l.t("定量指标达成", "Indicators met")) } th class="num" { (l.t("自评得分", "Score")) } th { (l.t("等级", "Grade")) } } }
                tbody { @for (y, n, b, e, sc) in &rows { tr {
                    td { (y) } td class="num" { (n) } td class="num" { (fen(*b)) } td class="num" { (fen(*e)) }
                    td class="num" { (rate(*b, *e).map(format_percent).unwrap_or_else(|| "—".into())) }
                    td class="num" { @if let Some((_, _, q, m)) = sc { (m) " / " (q) } @else { "—" } }
                    td class="num" { @if let Some((t, _, _, _)) = sc { (format_score(*t)) } @else { "—" } }
                    td { @if let Some((_, g, _, _)) = sc { (g) } }
                } } }
            } }
            (years_chart(l, &rows.iter().map(|(y, _, b, e, sc)| (*y, rate(*b, *e), sc.as_ref().map(|s| s.0 / Decimal::ONE_HUNDRED))).collect::<Vec<_>>()))
        },
    ))
}

type YearRow = (i32, Option<Decimal>, Option<Decimal>);

/// Per year, execution rate and score (as a share of 100) as paired bars.
fn years_chart(l: Lang, rows: &[YearRow]) -> Markup {
    if rows.is_empty() {
        return html! {};
    }
    let (h, group) = (180i64, 70i64);
    // At least a legend's width, so one year does not fill the screen.
    let w = (40 + group * rows.len() as i64).max(360);
    let bar = |v: Option<Decimal>| -> i64 {
        let v = v
            .unwrap_or_default()
            .clamp(Decimal::ZERO, Decimal::new(12, 1));
        (v * Decimal::from(h - 40)).round().try_into().unwrap_or(0)
    };
    html! {
        svg class="chart years" viewBox={ "0 0 " (w) " " (h) } role="img" aria-label=(l.t("历年执行率与得分", "Execution rate and score by year")) {
            @for (i, (y, r, s)) in rows.iter().enumerate() {
                @let x = 30 + i as i64 * group;
                rect class="bar" x=(x) y=(h - 20 - bar(*r)) width="24" height=(bar(*r)) {}
                rect class="bar score" x=(x + 26) y=(h - 20 - bar(*s)) width="24" height=(bar(*s)) {}
                text x=(x + 25) y=(h - 5) text-anchor="middle" font-size="11" { (y) }
            }
            rect class="bar" x="6" y="4" width="10" height="10" {}
            text x="20" y="13" font-size="10" { (l.t("执行率", "execution rate")) }
            rect class="bar score" x="90" y="4" width="10" height="10" {}
            text x="104" y="13" font-size="10" { (l.t("自评得分（满分100）", "score (of 100)")) }
        }
    }
}

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
    #[serde(default)]
    _csrf: String,
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
    Form(f): Form<DisclosureForm>,
) -> Page {
    let user = bureau(&ctx)?.clone();
    ctx.user_checked(&f._csrf)?;
    let a = results::optional_date(&f.approved_on, "批复日")?;
    let p = results::optional_date(&f.published_on, "公开日")?;
    s.pool
        .run(move |store| {
            results::record_disclosure(store.sql(), &user, &f.department, f.year, &f.item, a, p)
        })
        .await?;
    Ok(Redirect::to("/disclosure").into_response())
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

/// The open data of everything published: rows of three tables.
pub(crate) struct OpenData {
    pub evaluations: Vec<[String; 6]>,
    pub items: Vec<[String; 7]>,
    pub finances: Vec<[String; 6]>,
}

pub(crate) fn open_data(store: &mut dyn jixiao_store::Store) -> Result<OpenData, WebError> {
    let mut d = OpenData {
        evaluations: Vec::new(),
        items: Vec::new(),
        finances: Vec::new(),
    };
    for (code, name, year, at) in service::published(store)? {
        let data = service::published_dataset(store, &code, year)?;
        let (e, _) = service::score(&data)?;
        d.evaluations.push([
            code.clone(),
            name.clone(),
            year.to_string(),
            format_score(e.total),
            e.grade_label.clone(),
            at.get(..10).unwrap_or(&at).to_string(),
        ]);
        for i in &e.items {
            d.items.push([
                code.clone(),
                year.to_string(),
                i.id.clone(),
                i.name.clone(),
                format_score(i.weight),
                format_score(i.score),
                format_score(i.lost()),
            ]);
        }
        for x in &data.finances.expenditure {
            let yuan = |f: Fen| Decimal::new(f.0, 2).to_string();
            let income = data
                .finances
                .income
                .iter()
                .find(|i| i.source == x.source)
                .map(|i| i.actual.value);
            if let Some(b) = &x.budget {
                d.finances.push([
                    code.clone(),
                    year.to_string(),
                    x.source.label().into(),
                    "budget".into(),
                    yuan(b.full_year().value),
                    if b.full_year().origin.is_inferred() {
                        "inferred".into()
                    } else {
                        "stated".into()
                    },
                ]);
            }
            if let Some(i) = income {
                d.finances.push([
                    code.clone(),
                    year.to_string(),
                    x.source.label().into(),
                    "income".into(),
                    yuan(i),
                    "stated".into(),
                ]);
            }
            d.finances.push([
                code.clone(),
                year.to_string(),
                x.source.label().into(),
                "expenditure".into(),
                yuan(x.total.value),
                if x.total.origin.is_inferred() {
                    "inferred".into()
                } else {
                    "stated".into()
                },
            ]);
        }
    }
    Ok(d)
}

fn csv<const N: usize>(header: [&str; N], rows: &[[String; N]]) -> String {
    let field = |f: &str| -> String {
        if f.contains([',', '"', '\n', '\r']) {
            format!("\"{}\"", f.replace('"', "\"\""))
        } else {
            f.to_string()
        }
    };
    let mut out = header.join(",");
    out.push_str("\r\n");
    for r in rows {
        out.push_str(&r.iter().map(|f| field(f)).collect::<Vec<_>>().join(","));
        out.push_str("\r\n");
    }
    out
}

const EVALUATIONS: [&str; 6] = [
    "department",
    "department_name",
    "year",
    "total_score",
    "grade",
    "published_on",
];
const ITEMS: [&str; 7] = [
    "department",
    "year",
    "indicator_id",
    "indicator",
    "weight",
    "score",
    "points_lost",
];
const FINANCES: [&str; 6] = [
    "department",
    "year",
    "fund_source",
    "kind",
    "amount",
    "provenance",
];

/// The CSV of one open-data table.
pub(crate) fn open_csv(d: &OpenData, name: &str) -> Option<String> {
    Some(match name {
        "evaluations" => csv(EVALUATIONS, &d.evaluations),
        "evaluation_items" => csv(ITEMS, &d.items),
        "finances" => csv(FINANCES, &d.finances),
        _ => return None,
    })
}

pub async fn open_csv_file(State(s): State<AppState>, Path(file): Path<String>) -> Page {
    let name = file
        .strip_suffix(".csv")
        .ok_or(WebError::NotFound)?
        .to_string();
    let d = s.pool.run(open_data).await?;
    let text = open_csv(&d, &name).ok_or(WebError::NotFound)?;
    Ok(([(header::CONTENT_TYPE, "text/csv; charset=utf-8")], text).into_response())
}

pub async fn open_json(State(s): State<AppState>) -> Page {
    let d = s.pool.run(open_data).await?;
    let rows = |h: &[&str], rows: Vec<Vec<String>>| -> Vec<serde_json::Value> {
        rows.into_iter()
            .map(|r| {
                serde_json::Value::Object(
                    h.iter()
                        .zip(r)
                        .map(|(k, v)| (k.to_string(), serde_json::Value::String(v)))
                        .collect(),
                )
            })
            .collect()
    };
    let body = serde_json::json!({
        "evaluations": rows(&EVALUATIONS, d.evaluations.into_iter().map(|r| r.to_vec()).collect()),
        "evaluation_items": rows(&ITEMS, d.items.into_iter().map(|r| r.to_vec()).collect()),
        "finances": rows(&FINANCES, d.finances.into_iter().map(|r| r.to_vec()).collect()),
    });
    Ok(axum::Json(body).into_response())
}

/// The Fiscal Data Package descriptor of the open data (Frictionless, `fiscal-data-package`).
pub fn datapackage() -> serde_json::Value {
    let string = |name: &str, title: &str| serde_json::json!({"name": name, "title": title, "type": "string"});
    serde_json::json!({
        "name": "jixiao-published-performance",
        "title": "已公开的部门整体支出绩效自评结果与收支预决算",
        "profile": "tabular-data-package",
        "countryCode": "CN",
        "fiscalPeriod": {"start": "2021-01-01"},
        "licenses": [{"name": "CC-BY-4.0", "path": "https://creativecommons.org/licenses/by/4.0/", "title": "Creative Commons Attribution 4.0"}],
        "resources": [
            {
                "name": "finances", "path": "data/finances.csv", "profile": "tabular-data-resource", "format": "csv", "mediatype": "text/csv", "encoding": "utf-8",
                "title": "收支预决算（元）",
                "schema": {
                    "fields": [
                        string("department", "部门编码"),
                        {"name": "year", "title": "年度", "type": "integer"},
                        string("fund_source", "资金来源"),
                        {"name": "kind", "title": "budget 全年预算 / income 决算收入 / expenditure 决算支出", "type": "string", "constraints": {"enum": ["budget", "income", "expenditure"]}},
                        {"name": "amount", "title": "金额（元）", "type": "number", "decimalChar": "."},
                        {"name": "provenance", "title": "stated 列明 / inferred 推定", "type": "string", "constraints": {"enum": ["stated", "inferred"]}}
                    ],
                    "primaryKey": ["department", "year", "fund_source", "kind"]
                }
            },
            {
                "name": "evaluations", "path": "data/evaluations.csv", "profile": "tabular-data-resource", "format": "csv", "mediatype": "text/csv", "encoding": "utf-8",
                "title": "部门整体支出绩效自评得分",
                "schema": {"fields": [
                    string("department", "部门编码"), string("department_name", "部门名称"),
                    {"name": "year", "title": "年度", "type": "integer"},
                    {"name": "total_score", "title": "总分", "type": "number"},
                    string("grade", "等级"),
                    {"name": "published_on", "title": "公开日期", "type": "date"}
                ], "primaryKey": ["department", "year"]}
            },
            {
                "name": "evaluation_items", "path": "data/evaluation_items.csv", "profile": "tabular-data-resource", "format": "csv", "mediatype": "text/csv", "encoding": "utf-8",
                "title": "各指标得分",
                "schema": {"fields": [
                    string("department", "部门编码"),
                    {"name": "year", "title": "年度", "type": "integer"},
                    string("indicator_id", "指标编号"), string("indicator", "指标"),
                    {"name": "weight", "title": "分值", "type": "number"},
                    {"name": "score", "title": "得分", "type": "number"},
                    {"name": "points_lost", "title": "扣分", "type": "number"}
                ], "primaryKey": ["department", "year", "indicator_id"]}
            }
        ],
        "model": {
            "measures": {
                "amount": {"source": "amount", "currency": "CNY", "factor": 1, "title": "金额（元）"}
            },
            "dimensions": {
                "administrative-classification": {
                    "dimensionType": "classification",
                    "classificationType": "administrative",
                    "attributes": {"department": {"source": "department", "title": "部门"}},
                    "primaryKey": ["department"]
                },
                "date": {
                    "dimensionType": "datetime",
                    "attributes": {"year": {"source": "year", "title": "年度"}},
                    "primaryKey": ["year"]
                },
                "fund-source": {
                    "dimensionType": "classification",
                    "classificationType": "economic",
                    "attributes": {"fund_source": {"source": "fund_source", "title": "资金来源"}},
                    "primaryKey": ["fund_source"]
                },
                "phase": {
                    "dimensionType": "other",
                    "attributes": {"kind": {"source": "kind", "title": "预算 / 收入 / 支出"}},
                    "primaryKey": ["kind"]
                }
            }
        }
    })
}

pub async fn datapackage_json() -> Response {
    axum::Json(datapackage()).into_response()
}

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
    #[serde(default)]
    _csrf: String,
    year: i32,
    /// The budget's version when the form was drawn.
    version: i64,
    budget: String,
    #[serde(default)]
    reason: String,
}

pub async fn adjust_budget(
    State(s): State<AppState>,
    ctx: Ctx,
    Path((dept, code)): Path<(String, String)>,
    Form(f): Form<BudgetForm>,
) -> Page {
    let user = ctx.user_checked(&f._csrf)?.clone();
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

#[derive(Deserialize)]
pub struct NoticeQuery {
    as_of: String,
}

/// The ranking notice (通报) as of a date, as Word or Excel, with the overdue rectifications.
pub async fn notice(
    State(s): State<AppState>,
    ctx: Ctx,
    Path(format): Path<String>,
    crate::extract::Query(q): crate::extract::Query<NoticeQuery>,
) -> Page {
    bureau(&ctx)?;
    let as_of = Date::parse(&q.as_of).ok_or_else(|| {
        WebError::invalid(
            format!("日期“{}”无法识别：应为 2021-09-30 这样的日期。", q.as_of),
            format!("Date “{}” not understood: write it as 2021-09-30.", q.as_of),
        )
    })?;
    if format != "docx" && format != "xlsx" {
        return Err(WebError::NotFound.into());
    }
    let f2 = format.clone();
    let bytes = s
        .pool
        .run(move |store| {
            let notice = jixiao_app::notice::build(
                store,
                as_of.year(),
                as_of,
                jixiao_monitor::levels::Level::Department,
                &jixiao_monitor::config::Config::default(),
            )?;
            if f2 == "xlsx" {
                notice.workbook()
            } else {
                jixiao_report::docx::write(&notice.document(), std::io::Cursor::new(Vec::new()))
                    .map(|c| c.into_inner())
                    .map_err(|e| jixiao_app::Error::Internal(e.to_string()))
            }
        })
        .await?;
    Ok(download(
        &format!("预算执行情况通报-{as_of}.{format}"),
        bytes,
    ))
}
