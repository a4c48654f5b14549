//! The pages: server-rendered HTML (maud escapes every value), forms that work without
//! script, a layout that reflows on a phone.

use crate::auth::{self, Role, User};
use crate::error::WebError;
use crate::extract::{Form, Multipart, Path, Query};
use crate::service::{self, Monitoring};
use crate::uploads;
use crate::workflow::{self, Step};
use crate::{AppState, Ctx, Lang};
use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use jixiao_app::accounts;
use jixiao_domain::date::Date;
use jixiao_domain::money::Fen;
use jixiao_domain::number::{format_count, format_percent, format_score};
use maud::{html, Markup, DOCTYPE};
use rust_decimal::Decimal;
use serde::Deserialize;
use std::sync::Arc;

/// A page's failure, rendered as a page (both languages) with its status; "sign in" becomes
/// a redirect to the sign-in page.
pub struct PageError(pub(crate) WebError);

impl From<jixiao_app::Error> for PageError {
    fn from(e: jixiao_app::Error) -> PageError {
        PageError(e.into())
    }
}

impl From<WebError> for PageError {
    fn from(e: WebError) -> PageError {
        PageError(e)
    }
}

impl From<jixiao_store::StoreError> for PageError {
    fn from(e: jixiao_store::StoreError) -> PageError {
        PageError(e.into())
    }
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        if let WebError::SignIn = self.0 {
            return Redirect::to("/login").into_response();
        }
        if let WebError::MustChangePassword = self.0 {
            return Redirect::to("/account/password").into_response();
        }
        let status = self.0.status();
        let (zh, en) = self.0.message();
        let body = html! {
            (DOCTYPE)
            html lang="zh-CN" {
                head { meta charset="utf-8"; meta name="viewport" content="width=device-width, initial-scale=1";
                       title { "jixiao · " (status.as_u16()) } link rel="stylesheet" href="/assets/app.css"; }
                body { main class="narrow" {
                    h1 { (status.as_u16()) }
                    p class="error" role="alert" { (zh) }
                    @if en != zh { p class="muted" { (en) } }
                    p { a href="/" { "返回首页 / Home" } }
                } }
            }
        };
        (status, Html(body.into_string())).into_response()
    }
}

pub(crate) type Page = Result<Response, PageError>;

pub(crate) fn page(m: Markup) -> Response {
    Html(m.into_string()).into_response()
}

pub(crate) fn ok(m: Markup) -> Page {
    Ok(page(m))
}

/// 万元 with two decimals and thousands separators.
pub(crate) fn wan(fen: i128) -> String {
    Fen(fen as i64).format_wan()
}

/// A stored UTC timestamp (`2021-12-20T02:30:00Z`) as people here read it: Beijing time,
/// `2021-12-20 10:30`. Anything else is shown as it is.
pub(crate) fn when(stamp: &str) -> String {
    let parse = || -> Option<String> {
        let (date, time) = stamp.strip_suffix('Z')?.split_once('T')?;
        let date = Date::parse(date)?;
        let mut parts = time.split(':').map(|p| p.parse::<i64>().ok());
        let (h, m) = (parts.next()??, parts.next()??);
        let minutes = date.days_since_epoch() * 1440 + h * 60 + m + 8 * 60;
        let day = Date::from_days_since_epoch(minutes.div_euclid(1440));
        let rest = minutes.rem_euclid(1440);
        Some(format!("{day} {:02}:{:02}", rest / 60, rest % 60))
    };
    parse().unwrap_or_else(|| stamp.to_string())
}

pub(crate) fn pct(d: Option<Decimal>) -> String {
    d.map(format_percent).unwrap_or_else(|| "—".into())
}

/// The page frame: navigation for the user's role, the language switch, sign-out.
pub(crate) fn layout(ctx: &Ctx, title: &str, body: Markup) -> Markup {
    let l = ctx.lang;
    let links: Vec<(&str, &str)> = match ctx.user.as_ref().and_then(|u| u.role) {
        Some(Role::SysAdmin) => vec![("/admin/users", l.t("用户管理", "Users"))],
        Some(Role::SecAdmin) => vec![("/admin/roles", l.t("角色权限", "Roles"))],
        Some(Role::AuditAdmin) => vec![("/audit", l.t("审计日志", "Audit log"))],
        Some(role) => {
            let mut v = vec![
                ("/", l.t("首页", "Dashboard")),
                ("/departments", l.t("部门与项目", "Departments")),
                ("/monitoring", l.t("执行监控", "Monitoring")),
                ("/rectifications", l.t("问题整改", "Rectifications")),
            ];
            if role == Role::BureauAdmin {
                v.push(("/linkage", l.t("结果应用", "Budget linkage")));
                v.push(("/disclosure", l.t("公开日历", "Disclosure")));
                v.push(("/imports", l.t("数据导入", "Imports")));
            }
            v
        }
        None => vec![("/public", l.t("信息公开", "Public portal"))],
    };
    html! {
        (DOCTYPE)
        html lang=(l.t("zh-CN", "en")) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " · jixiao" }
                link rel="stylesheet" href="/assets/app.css";
            }
            body {
                header class="top" {
                    a class="brand" href="/" { "jixiao " span { (l.t("预算绩效管理", "Budget performance")) } }
                    nav { @for (href, label) in &links { a href=(href) { (label) } } }
                    div class="who" {
                        @if let Some(u) = &ctx.user {
                            span { (u.display_name) " · " (u.role.map_or(l.t("未分配角色", "no role"), |r| l.t(r.label().0, r.label().1))) }
                            form method="post" action="/logout" class="inline" {
                                input type="hidden" name="_csrf" value=(ctx.csrf);
                                button class="link" { (l.t("退出", "Sign out")) }
                            }
                        } @else {
                            a href="/login" { (l.t("登录", "Sign in")) }
                        }
                        a href=(l.t("/lang/en", "/lang/zh")) { (l.t("English", "中文")) }
                    }
                }
                main { h1 { (title) } (body) }
            }
        }
    }
}

pub(crate) fn csrf_field(ctx: &Ctx) -> Markup {
    html! { input type="hidden" name="_csrf" value=(ctx.csrf); }
}

// ---------------------------------------------------------------- open pages

pub async fn css() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        include_str!("../assets/app.css"),
    )
        .into_response()
}

pub async fn set_lang(Path(lang): Path<String>, headers: HeaderMap) -> Response {
    let lang = if lang == "en" { "en" } else { "zh" };
    let back = headers
        .get(header::REFERER)
        .and_then(|v| v.to_str().ok())
        .and_then(|r| r.split_once("://").map(|(_, rest)| rest))
        .and_then(|rest| rest.find('/').map(|i| rest[i..].to_string()))
        .filter(|p| p.starts_with('/') && !p.starts_with("//"))
        .unwrap_or_else(|| "/".into());
    let mut res = Redirect::to(&back).into_response();
    if let Ok(v) = HeaderValue::from_str(&format!(
        "jixiao_lang={lang}; Path=/; Max-Age=31536000; SameSite=Lax"
    )) {
        res.headers_mut().insert(header::SET_COOKIE, v);
    }
    res
}

fn login_page(ctx: &Ctx, token: &str, error: Option<String>) -> Markup {
    let l = ctx.lang;
    layout(
        ctx,
        l.t("登录", "Sign in"),
        html! {
            div class="narrow" {
                @if let Some(e) = error { p class="error" role="alert" { (e) } }
                form method="post" action="/login" class="stack" {
                    input type="hidden" name="_csrf" value=(token);
                    label { (l.t("用户名", "User name")) input name="username" autocomplete="username" required autofocus; }
                    label { (l.t("密码", "Password")) input name="password" type="password" autocomplete="current-password" required; }
                    button class="primary" { (l.t("登录", "Sign in")) }
                }
                p class="muted" { (l.t("同一来源连续输错 3 次后，每次重试须等待，等待时间逐次加倍（最长 15 分钟）。", "After three wrong tries from one place, each further try waits, twice as long each time (at most 15 minutes).")) }
                p { a href="/public" { (l.t("不登录，查看已公开的绩效信息", "See published results without signing in")) } }
            }
        },
    )
}

fn with_login_cookie(mut res: Response, token: &str) -> Response {
    if let Ok(v) = HeaderValue::from_str(&format!(
        "{}={token}; Path=/login; HttpOnly; Secure; SameSite=Strict",
        crate::LOGIN_CSRF_COOKIE
    )) {
        res.headers_mut().append(header::SET_COOKIE, v);
    }
    res
}

pub async fn login_form(ctx: Ctx) -> Response {
    if ctx.user.is_some() {
        return Redirect::to("/").into_response();
    }
    let token = auth::random_hex(16);
    with_login_cookie(page(login_page(&ctx, &token, None)), &token)
}

#[derive(Deserialize)]
pub struct LoginForm {
    username: String,
    password: String,
    #[serde(default)]
    _csrf: String,
}

pub async fn login(State(s): State<AppState>, ctx: Ctx, Form(f): Form<LoginForm>) -> Page {
    // Double submit: the form's token must match the cookie set with the form.
    let fresh = auth::random_hex(16);
    let matches = ctx
        .login_csrf
        .as_deref()
        .is_some_and(|c| crate::constant_eq(c.as_bytes(), f._csrf.as_bytes()));
    if !matches {
        let (zh, en) = WebError::Csrf.message();
        let page = login_page(&ctx, &fresh, Some(ctx.lang.t(&zh, &en).to_string()));
        return Ok(with_login_cookie(
            (StatusCode::FORBIDDEN, Html(page.into_string())).into_response(),
            &fresh,
        ));
    }
    let (username, password) = (f.username.clone(), f.password.clone());
    let source = ctx.source.clone();
    let result = s
        .pool
        .run(move |store| auth::sign_in_recorded(store.sql(), &username, &password, &source))
        .await?;
    match result {
        Ok((session, must_change)) => {
            let mut res = Redirect::to(if must_change {
                "/account/password"
            } else {
                "/"
            })
            .into_response();
            if let Ok(v) = HeaderValue::from_str(&crate::session_cookie(&session.token)) {
                res.headers_mut().insert(header::SET_COOKIE, v);
            }
            Ok(res)
        }
        Err(e) => {
            let e = WebError::from(e);
            let status = e.status();
            let (zh, en) = e.message();
            let page = login_page(&ctx, &fresh, Some(ctx.lang.t(&zh, &en).to_string()));
            Ok(with_login_cookie(
                (status, Html(page.into_string())).into_response(),
                &fresh,
            ))
        }
    }
}

#[derive(Deserialize)]
pub struct CsrfForm {
    #[serde(default)]
    _csrf: String,
}

pub async fn logout(State(s): State<AppState>, ctx: Ctx, Form(f): Form<CsrfForm>) -> Page {
    let user = ctx.user_checked(&f._csrf)?.clone();
    if let Some(token) = ctx.token.clone() {
        s.pool
            .run(move |store| auth::sign_out_recorded(store.sql(), &user, &token))
            .await?;
    }
    let mut res = Redirect::to("/login").into_response();
    if let Ok(v) = HeaderValue::from_str(&crate::clear_session_cookie()) {
        res.headers_mut().insert(header::SET_COOKIE, v);
    }
    Ok(res)
}

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
            (crate::results_pages::finance_summary(l, &data))
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

/// Percent-encodes text for a header's `filename*` or a form value: letters, digits and
/// `-._~` stay as they are.
pub fn percent_encode(s: &str) -> String {
    const KEPT: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
        .remove(b'-')
        .remove(b'.')
        .remove(b'_')
        .remove(b'~');
    percent_encoding::utf8_percent_encode(s, KEPT).to_string()
}

pub(crate) fn download(name: &str, bytes: Vec<u8>) -> Response {
    let kind = if name.ends_with(".pdf") {
        "application/pdf"
    } else if name.ends_with(".xlsx") {
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    } else {
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    };
    let encoded = percent_encode(name);
    (
        [
            (header::CONTENT_TYPE, kind.to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!(
                    "attachment; filename=\"report.{}\"; filename*=UTF-8''{encoded}",
                    name.rsplit('.').next().unwrap_or("bin")
                ),
            ),
        ],
        bytes,
    )
        .into_response()
}

// ---------------------------------------------------------------- business pages

pub(crate) fn business(ctx: &Ctx) -> Result<&User, WebError> {
    let u = ctx.user()?;
    if u.is_business() {
        Ok(u)
    } else {
        Err(WebError::Forbidden)
    }
}

/// The year monitoring looks at (the latest with projects) and the default as-of date: today
/// within that year, its last day once it is over.
fn default_as_of(year: i32) -> Date {
    let today = today();
    if today.year() > year {
        Date::new(year, 12, 31).expect("a year has its last day")
    } else {
        today
    }
}

fn today() -> Date {
    crate::results::today()
}

async fn monitoring_view(
    s: &AppState,
    as_of: Option<Date>,
) -> Result<Option<Arc<Monitoring>>, WebError> {
    Ok(views(s, as_of).await?.0)
}

/// The monitoring view and the overview at the data version read once: one trip to the store
/// when nothing changed. A year without projects has no monitoring view.
async fn views(
    s: &AppState,
    as_of: Option<Date>,
) -> Result<(Option<Arc<Monitoring>>, Arc<service::Overview>), WebError> {
    let (cache, overviews) = (s.monitoring.clone(), s.overviews.clone());
    s.pool
        .run(move |store| {
            let version = service::data_version(store.sql())?;
            let overview = overviews.at(store, version, today())?;
            let Some(latest) = cache.latest_year(store, version)? else {
                return Ok::<_, WebError>((None, overview));
            };
            let as_of = as_of.unwrap_or_else(|| default_as_of(latest));
            let m = cache.get_at(store, as_of.year(), as_of, version)?;
            Ok(((!m.projects.lines.is_empty()).then_some(m), overview))
        })
        .await
}

pub async fn home(State(s): State<AppState>, ctx: Ctx) -> Page {
    let user = match ctx.user.as_ref() {
        None => return Ok(Redirect::to("/login").into_response()),
        Some(u) => u.clone(),
    };
    match user.role {
        Some(Role::SysAdmin) => return Ok(Redirect::to("/admin/users").into_response()),
        Some(Role::SecAdmin) => return Ok(Redirect::to("/admin/roles").into_response()),
        Some(Role::AuditAdmin) => return Ok(Redirect::to("/audit").into_response()),
        None => return Err(WebError::Forbidden.into()),
        _ => {}
    }
    let l = ctx.lang;
    let (m, o) = views(&s, None).await?;
    let overdue: Vec<_> = o
        .rectifications
        .iter()
        .filter(|r| r.status == "overdue" && user.reads(&r.department))
        .collect();
    let evaluations: Vec<_> = o
        .summaries
        .iter()
        .filter(|x| user.reads(&x.code))
        .map(|x| {
            (
                x.code.clone(),
                x.name.clone(),
                x.year,
                x.state,
                x.saved.clone(),
            )
        })
        .collect();
    ok(layout(
        &ctx,
        l.t("首页", "Dashboard"),
        html! {
            @if let Some(m) = &m {
                (execution_cards(l, m, &user))
            } @else {
                p class="muted" { (l.t("库中还没有项目执行数据。", "No execution data in the store yet.")) }
            }
            @if !overdue.is_empty() {
                h2 { (l.t("逾期未完成的整改", "Overdue rectifications")) }
                ul class="overdue" { @for r in &overdue { li { span class="warn red" { (l.t("逾期", "overdue")) } " " (r.department) " · " (r.year) "：" (r.problem.chars().take(40).collect::<String>()) "…（" (l.t("期限", "due")) " " (r.due_on) "） " a href={ "/rectifications#r" (r.id) } { (l.t("查看", "open")) } } } }
            }
            h2 { (l.t("部门整体支出绩效自评", "Self-evaluations")) }
            @if evaluations.is_empty() { p class="muted" { (l.t("暂无自评数据集。", "No self-evaluation datasets.")) } }
            @else { div class="scroll" { table {
                thead { tr { th { (l.t("部门", "Department")) } th { (l.t("年度", "Year")) } th { (l.t("状态", "Status")) } th { (l.t("已保存得分", "Saved score")) } } }
                tbody { @for (code, name, year, state, saved) in &evaluations { tr {
                    td { a href={ "/evaluations/" (code) "/" (year) } { (name) } }
                    td { (year) }
                    td { span class={ "state " (state.id()) } { (l.t(state.label().0, state.label().1)) } }
                    td { @if let Some((t, g)) = saved { (t) " · " (g) } @else { "—" } }
                } } }
            } } }
        },
    ))
}

/// Execution against time progress for the user's departments, as cards and a warning list.
fn execution_cards(l: Lang, m: &Monitoring, user: &User) -> Markup {
    let time = m.departments.time.fraction();
    let mine: Vec<&jixiao_monitor::levels::Line> = m
        .departments
        .lines
        .iter()
        .filter(|line| user.reads(&line.key))
        .collect();
    let (budget, executed, red, yellow) = mine.iter().fold((0i128, 0i128, 0u64, 0u64), |a, x| {
        (
            a.0 + x.budget,
            a.1 + x.executed,
            a.2 + x.red,
            a.3 + x.yellow,
        )
    });
    let rate = (budget != 0).then(|| {
        Decimal::from_i128_with_scale(executed, 0) / Decimal::from_i128_with_scale(budget, 0)
    });
    let warnings: Vec<&jixiao_monitor::levels::Line> = m
        .projects
        .lines
        .iter()
        .filter(|p| {
            matches!(
                p.warning,
                jixiao_monitor::rules::Warning::Red | jixiao_monitor::rules::Warning::Yellow
            )
        })
        .filter(|p| {
            m.project_info
                .get(&p.key)
                .is_some_and(|(d, _)| user.reads(d))
        })
        .collect();
    html! {
        p class="muted" { (l.t("截至", "As of")) " " (m.as_of) }
        div class="cards" {
            div class="card" { div class="label" { (l.t("序时进度", "Time progress")) } div class="figure" { (format_percent(time)) } }
            div class="card" { div class="label" { (l.t("预算执行率", "Execution rate")) } div class="figure" { (pct(rate)) } }
            div class="card" { div class="label" { (l.t("预算（万元）", "Budget (10k yuan)")) } div class="figure" { (wan(budget)) } }
            div class="card" { div class="label" { (l.t("已支出（万元）", "Spent (10k yuan)")) } div class="figure" { (wan(executed)) } }
            div class="card warn-red" { div class="label" { (l.t("红色预警项目", "Red warnings")) } div class="figure" { (format_count(red as i64)) } }
            div class="card warn-yellow" { div class="label" { (l.t("黄色预警项目", "Yellow warnings")) } div class="figure" { (format_count(yellow as i64)) } }
        }
        @if !warnings.is_empty() {
            h2 { (l.t("预警项目（执行最慢的 10 个）", "Warnings (the 10 slowest)")) }
            div class="scroll" { table {
                thead { tr { th { (l.t("项目", "Project")) } th class="num" { (l.t("预算（万元）", "Budget")) } th class="num" { (l.t("执行率", "Rate")) } th { (l.t("预警", "Warning")) } } }
                tbody { @for p in warnings.iter().rev().take(10) { tr {
                    td { (p.key) " " (m.project_info.get(&p.key).map_or("", |(_, n)| n.as_str())) }
                    td class="num" { (wan(p.budget)) }
                    td class="num" { (pct(p.rate())) }
                    td { span class={ "warn " (p.warning.id()) } { (p.warning.label()) } }
                } } }
            } }
        }
    }
}

pub async fn departments(State(s): State<AppState>, ctx: Ctx) -> Page {
    let user = business(&ctx)?.clone();
    let l = ctx.lang;
    let list = s
        .pool
        .run(move |store| service::departments(store, &user))
        .await?;
    ok(layout(
        &ctx,
        l.t("部门与项目", "Departments"),
        html! {
            div class="scroll" { table {
                thead { tr { th { (l.t("编码", "Code")) } th { (l.t("名称", "Name")) } th { (l.t("自评", "Self-evaluations")) } } }
                tbody { @for d in &list { tr {
                    td { a href={ "/departments/" (d.code) } { (d.code) } }
                    td { (d.name) }
                    td { @for y in &d.datasets { a href={ "/evaluations/" (d.code) "/" (y) } { (y) } " " } }
                } } }
            } }
        },
    ))
}

pub async fn department(State(s): State<AppState>, ctx: Ctx, Path(dept): Path<String>) -> Page {
    let user = business(&ctx)?.clone();
    service::must_read(&user, &dept)?;
    let l = ctx.lang;
    let m = monitoring_view(&s, None).await?;
    let d2 = dept.clone();
    let (units, datasets) = s
        .pool
        .run(move |store| {
            let units: Vec<_> = store
                .units()?
                .into_iter()
                .filter(|u| u.department_code == d2)
                .collect();
            let datasets: Vec<i32> = store
                .datasets()?
                .into_iter()
                .filter(|(c, _)| *c == d2)
                .map(|(_, y)| y)
                .collect();
            Ok::<_, WebError>((units, datasets))
        })
        .await?;
    let name = m
        .as_ref()
        .and_then(|m| m.names.get(&dept).cloned())
        .unwrap_or_else(|| dept.clone());
    ok(layout(
        &ctx,
        &name,
        html! {
            p { a href={ "/departments/" (dept) "/years" } { (l.t("历年对比", "Years side by side")) } }
            @if !datasets.is_empty() {
                p { (l.t("自评：", "Self-evaluations: ")) @for y in &datasets { a href={ "/evaluations/" (dept) "/" (y) } { (y) (l.t("年度", "")) } " " } }
            }
            h2 { (l.t("单位", "Units")) " (" (units.len()) ")" }
            @if !units.is_empty() { div class="scroll" { table {
                thead { tr { th { (l.t("编码", "Code")) } th { (l.t("名称", "Name")) } } }
                tbody { @for u in &units { tr { td { (u.code) } td { (u.name) } } } }
            } } }
            @if let Some(m) = &m {
                h2 { (l.t("项目预算与执行", "Projects: budget and execution")) " · " (l.t("截至", "as of")) " " (m.as_of) }
                div class="scroll" { table {
                    thead { tr { th { (l.t("项目", "Project")) } th class="num" { (l.t("预算（万元）", "Budget")) } th class="num" { (l.t("已支出（万元）", "Spent")) } th class="num" { (l.t("执行率", "Rate")) } th { (l.t("预警", "Warning")) } } }
                    tbody { @for p in m.projects.lines.iter().filter(|p| m.project_info.get(&p.key).is_some_and(|(d, _)| *d == dept)) { tr {
                        td { a href={ "/departments/" (dept) "/projects/" (p.key) "?year=" (m.as_of.year()) } { (p.key) } " " (m.project_info.get(&p.key).map_or("", |(_, n)| n.as_str())) }
                        td class="num" { (wan(p.budget)) } td class="num" { (wan(p.executed)) }
                        td class="num" { (pct(p.rate())) }
                        td { span class={ "warn " (p.warning.id()) } { (p.warning.label()) } }
                    } } }
                } }
            }
        },
    ))
}

#[derive(Deserialize)]
pub struct AsOf {
    as_of: Option<String>,
}

pub async fn monitoring(State(s): State<AppState>, ctx: Ctx, Query(q): Query<AsOf>) -> Page {
    let user = business(&ctx)?.clone();
    let l = ctx.lang;
    let as_of = match q.as_of.as_deref().filter(|t| !t.is_empty()) {
        Some(t) => Some(Date::parse(t).ok_or_else(|| {
            WebError::invalid(
                format!("日期“{t}”无法识别：应为 2021-09-30 这样的日期。"),
                format!("Date “{t}” not understood: write it as 2021-09-30."),
            )
        })?),
        None => None,
    };
    let (m, o) = views(&s, as_of).await?;
    let Some(m) = m else {
        return ok(layout(
            &ctx,
            l.t("执行监控", "Monitoring"),
            html! { p { (l.t("该年度没有项目数据。", "No projects for that year.")) } },
        ));
    };
    let whole = user.role == Some(Role::BureauAdmin);
    let overdue = crate::results::count_overdue(&o.rectifications);
    let overdue_of = |dept: &str| -> u32 {
        overdue
            .iter()
            .filter(|((d, _), _)| d == dept)
            .map(|(_, n)| *n)
            .sum()
    };
    let total = m.departments.lines.len();
    ok(layout(
        &ctx,
        l.t("预算执行监控", "Budget execution monitoring"),
        html! {
            form method="get" action="/monitoring" class="inline-form" {
                label { (l.t("截至日期", "As of")) input type="date" name="as_of" value=(m.as_of.to_string()); }
                button { (l.t("查看", "Show")) }
            }
            (execution_cards(l, &m, &user))
            @if user.role == Some(Role::BureauAdmin) {
                p { a class="button" href={ "/monitoring/notice/docx?as_of=" (m.as_of) } { (l.t("下载通报（Word）", "Notice (Word)")) } " " a class="button" href={ "/monitoring/notice/xlsx?as_of=" (m.as_of) } { (l.t("下载通报（Excel）", "Notice (Excel)")) } }
            }
            h2 { (l.t("部门执行排名", "Departments ranked by execution")) }
            p class="muted" { (l.t("序时进度", "Time progress")) " " (format_percent(m.departments.time.fraction())) "；" (l.t("按执行率从高到低排列，共", "highest rate first, of")) " " (total) (l.t(" 个部门。", " departments.")) }
            (rate_chart(l, &m, &user, whole))
            div class="scroll" { table {
                thead { tr { th class="num" { (l.t("名次", "Rank")) } th { (l.t("部门", "Department")) } th class="num" { (l.t("预算（万元）", "Budget")) } th class="num" { (l.t("已支出（万元）", "Spent")) } th class="num" { (l.t("执行率", "Rate")) } th class="num" { (l.t("与序时进度差", "Gap to time")) } th { (l.t("预警", "Warning")) } th class="num" { (l.t("逾期整改", "Overdue rectifications")) } } }
                tbody { @for (i, d) in m.departments.lines.iter().enumerate().filter(|(_, d)| user.reads(&d.key)) { tr {
                    td class="num" { (i + 1) }
                    td { (m.names.get(&d.key).map_or(d.key.as_str(), |n| n.as_str())) }
                    td class="num" { (wan(d.budget)) } td class="num" { (wan(d.executed)) }
                    td class="num" { (pct(d.rate())) }
                    td class="num" { (d.rate().map(|r| format!("{:+.2}", ((r - m.departments.time.fraction()) * Decimal::ONE_HUNDRED).round_dp_with_strategy(2, rust_decimal::RoundingStrategy::MidpointAwayFromZero))).unwrap_or_default()) }
                    td { span class={ "warn " (d.warning.id()) } { (d.warning.label()) } }
                    td class="num" { @if overdue_of(&d.key) > 0 { span class="warn red" { (overdue_of(&d.key)) } } @else { "0" } }
                } } }
            } }
            @let others: Vec<_> = overdue.iter().filter(|((d, _), _)| user.reads(d) && !m.departments.lines.iter().any(|x| &x.key == d)).collect();
            @if !others.is_empty() {
                p class="error" { (l.t("另有逾期整改（无执行数据的部门）：", "Overdue rectifications of departments without execution data: ")) @for ((d, _), n) in &others { (d) " " (n) (l.t(" 项；", "; ")) } }
            }
        },
    ))
}

/// Each visible department's rate as a bar, with the time progress as a line: inline SVG.
fn rate_chart(l: Lang, m: &Monitoring, user: &User, whole: bool) -> Markup {
    let lines: Vec<_> = m
        .departments
        .lines
        .iter()
        .filter(|d| whole || user.reads(&d.key))
        .take(40)
        .collect();
    if lines.is_empty() {
        return html! {};
    }
    let (w, bar) = (640i64, 14i64);
    let h = bar * lines.len() as i64 + 20;
    let x = |r: Decimal| -> i64 {
        let r = r.clamp(Decimal::ZERO, Decimal::new(12, 1));
        (r * Decimal::from(w - 200) / Decimal::new(12, 1))
            .round()
            .try_into()
            .unwrap_or(0)
    };
    let time_x = 180 + x(m.departments.time.fraction());
    html! {
        svg class="chart" viewBox={ "0 0 " (w) " " (h) } role="img" aria-label=(l.t("各部门执行率与序时进度", "Execution rate by department against time progress")) {
            @for (i, d) in lines.iter().enumerate() {
                @let y = 10 + i as i64 * bar;
                text x="175" y=(y + 10) text-anchor="end" font-size="10" { (m.names.get(&d.key).map_or(d.key.as_str(), |n| n.as_str()).chars().take(14).collect::<String>()) }
                rect x="180" y=(y + 2) width=(x(d.rate().unwrap_or_default())) height=(bar - 4) class={ "bar " (d.warning.id()) } {}
            }
            line x1=(time_x) x2=(time_x) y1="4" y2=(h - 4) class="time" {}
            text x=(time_x + 3) y="10" font-size="10" { (l.t("序时进度", "time")) }
        }
    }
}

pub(crate) fn score_table(
    l: Lang,
    e: &jixiao_domain::evaluate::Evaluation,
    details: bool,
) -> Markup {
    html! {
        div class="scroll" { table class="scores" {
            thead { tr { th { (l.t("指标", "Indicator")) } th class="num" { (l.t("分值", "Weight")) } th { (l.t("实际值", "Value")) } th class="num" { (l.t("得分", "Score")) } th class="num" { (l.t("扣分", "Lost")) } } }
            tbody {
                @for i in &e.items { tr class=[(i.lost() > Decimal::ZERO).then_some("lost")] {
                    td {
                        (i.name)
                        @if i.uses_inferred() { " " span class="inferred" title=(l.t("含推定的输入", "uses inferred inputs")) { (l.t("推定", "inferred")) } }
                        @if details { details {
                            summary { (l.t("得分依据", "How scored")) }
                            p { strong { (l.t("规则：", "Rule: ")) } (i.rule) }
                            @if !i.inputs.is_empty() { ul { @for inp in &i.inputs { li { (inp.label) "：" (inp.value)
                                @if let jixiao_domain::provenance::Origin::Inferred { reason } = &inp.origin { " " span class="inferred" title=(reason) { (l.t("推定", "inferred")) } } } } } }
                            @if !i.derivation.is_empty() { p { strong { (l.t("取数：", "Derivation: ")) } (i.derivation) } }
                            p { strong { (l.t("计算：", "Working: ")) } (i.working) }
                            @if let Some(r) = &i.loss_reason { p { strong { (l.t("扣分原因：", "Points lost because: ")) } (r) } }
                        } }
                    }
                    td class="num" { (format_score(i.weight)) }
                    td { (i.value_text()) }
                    td class="num" { (format_score(i.score)) }
                    td class="num" { @if i.lost() > Decimal::ZERO { (format_score(i.lost())) } }
                } }
                tr class="total" { td { (l.t("合计", "Total")) } td class="num" { (format_score(e.max_total)) } td { (e.grade_label) } td class="num" { (format_score(e.total)) } td class="num" { (format_score(e.lost())) } }
            }
        } }
    }
}

pub async fn evaluation(
    State(s): State<AppState>,
    ctx: Ctx,
    Path((dept, year)): Path<(String, i32)>,
) -> Page {
    let user = business(&ctx)?.clone();
    let l = ctx.lang;
    let u2 = user.clone();
    let d2 = dept.clone();
    let (se, spells) = s
        .pool
        .run(move |store| {
            let se = service::self_evaluation(store, &u2, &d2, year)?;
            let mut spells = std::collections::HashMap::new();
            for p in &se.data.projects {
                spells.insert(
                    p.code.clone(),
                    crate::results::responsibility(store.sql(), &d2, &p.code)?,
                );
            }
            Ok::<_, WebError>((se, spells))
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
                (crate::results_pages::responsibility_block(&ctx, &dept, year, &p.code, spells.get(&p.code).map_or(&[][..], |v| v.as_slice()), user.edits(&dept)))
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

#[derive(Deserialize)]
pub struct ActualForm {
    #[serde(default)]
    _csrf: String,
    project: String,
    indicator: String,
    actual: String,
    #[serde(default)]
    evidence: String,
    #[serde(default)]
    version: i64,
}

pub async fn save_actual(
    State(s): State<AppState>,
    ctx: Ctx,
    Path((dept, year)): Path<(String, i32)>,
    Form(f): Form<ActualForm>,
) -> Page {
    let user = ctx.user_checked(&f._csrf)?.clone();
    let d2 = dept.clone();
    s.pool
        .run(move |store| {
            service::set_actual(
                store,
                &user,
                &d2,
                year,
                &f.project,
                &f.indicator,
                &f.actual,
                &f.evidence,
                f.version,
            )
        })
        .await?;
    Ok(Redirect::to(&format!("/evaluations/{dept}/{year}")).into_response())
}

pub async fn recompute(
    State(s): State<AppState>,
    ctx: Ctx,
    Path((dept, year)): Path<(String, i32)>,
    Form(f): Form<CsrfForm>,
) -> Page {
    let user = ctx.user_checked(&f._csrf)?.clone();
    let d2 = dept.clone();
    s.pool
        .run(move |store| service::recompute(store, &user, &d2, year))
        .await?;
    Ok(Redirect::to(&format!("/evaluations/{dept}/{year}")).into_response())
}

#[derive(Deserialize)]
pub struct StepForm {
    #[serde(default)]
    _csrf: String,
    step: String,
    #[serde(default)]
    version: i64,
    #[serde(default)]
    comment: String,
}

pub async fn transition(
    State(s): State<AppState>,
    ctx: Ctx,
    Path((dept, year)): Path<(String, i32)>,
    Form(f): Form<StepForm>,
) -> Page {
    let user = ctx.user_checked(&f._csrf)?.clone();
    let d2 = dept.clone();
    s.pool
        .run(move |store| {
            service::transition(store, &user, &d2, year, &f.step, f.version, &f.comment)
        })
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

// ---------------------------------------------------------------- imports (财政局)

pub(crate) fn bureau(ctx: &Ctx) -> Result<&User, WebError> {
    let u = ctx.user()?;
    if u.role == Some(Role::BureauAdmin) {
        Ok(u)
    } else {
        Err(WebError::Forbidden)
    }
}

fn upload_form(ctx: &Ctx) -> Markup {
    let l = ctx.lang;
    html! {
        form method="post" action="/imports" enctype="multipart/form-data" class="stack" {
            (csrf_field(ctx))
            label { (l.t("选择 .xlsx 工作簿（单位、项目、绩效目标、支付流水各一个工作表，表头同导入模板）", "An .xlsx workbook (one sheet per table, headers as in the template)"))
                input type="file" name="file" accept=".xlsx,.csv" required; }
            button class="primary" { (l.t("上传并检查", "Upload and check")) }
        }
        p class="muted" { (l.t("上传后先逐行检查，全部无误才可确认导入；有任何问题都不写入。", "Every row is checked first; nothing is written unless all rows are correct.")) }
    }
}

pub async fn imports(ctx: Ctx) -> Page {
    bureau(&ctx)?;
    let l = ctx.lang;
    ok(layout(&ctx, l.t("数据导入", "Imports"), upload_form(&ctx)))
}

pub async fn upload(State(s): State<AppState>, ctx: Ctx, Multipart(mut form): Multipart) -> Page {
    bureau(&ctx)?;
    let l = ctx.lang;
    let (csrf, name, bytes) = read_upload(&mut form).await?;
    let user = ctx.user_checked(&csrf)?.clone();
    let file_name = safe_name(&name)?;
    // Parsing a workbook takes memory in proportion to what it inflates to (bounded by
    // jixiao_archive::LIMITS): at most PARSERS at once, the others wait their turn.
    let _turn = s
        .parsing
        .acquire()
        .await
        .map_err(|e| WebError::Internal(e.to_string()))?;
    let outcome = s
        .pool
        .run(move |store| {
            let id = uploads::keep(store, &user, &file_name, bytes)?;
            let checked = uploads::import(store, id, &user, true)?;
            Ok::<_, jixiao_app::Error>((id, checked))
        })
        .await?;
    let (id, checked) = outcome;
    let body = match checked {
        Err(problems) => html! {
            p class="error" role="alert" { (l.t("发现 ", "Found ")) (problems.len()) (l.t(" 个问题，未写入任何数据。请改正后重新上传。", " problems; nothing was written. Fix them and upload again.")) }
            div class="scroll" { table class="problems" {
                thead { tr { th { (l.t("文件", "File")) } th { (l.t("位置（工作表、行、列）", "Where (sheet, row, column)")) } th { (l.t("问题", "Problem")) } } }
                tbody { @for (file, location, message) in &problems { tr { td { (file) } td { (location) } td { (message) } } } }
            } }
            h2 { (l.t("重新上传", "Upload again")) }
            (upload_form(&ctx))
        },
        Ok(summary) => html! {
            p class="ok" role="status" { (l.t("检查通过：以下数据将被导入。", "All rows are correct; this will be imported:")) }
            ul class="summary" { @for line in &summary { li { (line) } } }
            form method="post" action={ "/imports/" (id) "/confirm" } {
                (csrf_field(&ctx))
                button class="primary" { (l.t("确认导入", "Confirm the import")) }
            }
        },
    };
    ok(layout(&ctx, l.t("导入检查结果", "Import check"), body))
}

/// A form with a CSRF token and one file: (token, the file's name, its bytes).
pub(crate) async fn read_upload(
    form: &mut axum::extract::Multipart,
) -> Result<(String, String, Vec<u8>), WebError> {
    let broken = |e: axum::extract::multipart::MultipartError| crate::extract::multipart_error(&e);
    let (mut csrf, mut name, mut bytes) = (String::new(), String::new(), Vec::new());
    while let Some(field) = form.next_field().await.map_err(broken)? {
        match field.name() {
            Some("_csrf") => csrf = field.text().await.unwrap_or_default(),
            Some("file") => {
                name = field.file_name().unwrap_or("").to_string();
                bytes = field.bytes().await.map_err(broken)?.to_vec();
            }
            _ => {}
        }
    }
    Ok((csrf, name, bytes))
}

/// The uploaded file's name, if it is one jixiao can import.
fn safe_name(name: &str) -> Result<String, WebError> {
    let base = name.rsplit(['/', '\\']).next().unwrap_or("").trim();
    let lower = base.to_lowercase();
    if base.is_empty()
        || base.starts_with('.')
        || !(lower.ends_with(".xlsx") || lower.ends_with(".csv"))
    {
        return Err(WebError::invalid(
            format!("文件“{name}”不能导入：请上传 .xlsx 工作簿或 .csv 文件。"),
            format!("“{name}” cannot be imported: upload an .xlsx workbook or a .csv file."),
        ));
    }
    Ok(base.to_string())
}

pub async fn confirm_import(
    State(s): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Form(f): Form<CsrfForm>,
) -> Page {
    bureau(&ctx)?;
    let user = ctx.user_checked(&f._csrf)?.clone();
    let l = ctx.lang;
    let _turn = s
        .parsing
        .acquire()
        .await
        .map_err(|e| WebError::Internal(e.to_string()))?;
    let done = s
        .pool
        .run(move |store| uploads::import(store, id, &user, false))
        .await?;
    let body = match done {
        Ok(lines) => html! {
            p class="ok" role="status" { (l.t("已导入：", "Imported:")) }
            ul class="summary" { @for line in &lines { li { (line) } } }
            p { a href="/monitoring" { (l.t("查看执行监控", "See monitoring")) } }
        },
        Err(problems) => html! {
            p class="error" { (l.t("数据在检查后发生变化，导入未执行：", "The data changed after the check; nothing was imported:")) }
            ul { @for (_, loc, msg) in &problems { li { (loc) " " (msg) } } }
        },
    };
    ok(layout(&ctx, l.t("导入结果", "Import result"), body))
}

// ---------------------------------------------------------------- 三员

fn only(ctx: &Ctx, role: Role) -> Result<&User, WebError> {
    let u = ctx.user()?;
    if u.role == Some(role) {
        Ok(u)
    } else {
        Err(WebError::Forbidden)
    }
}

fn user_rows(
    l: Lang,
    users: &[auth::Account],
    controls: impl Fn(&auth::Account) -> Markup,
) -> Markup {
    let now = auth::now();
    html! { div class="scroll" { table {
        thead { tr { th { (l.t("用户名", "User")) } th { (l.t("姓名", "Name")) } th { (l.t("角色", "Role")) } th { (l.t("部门", "Department")) } th { (l.t("状态", "State")) } th {} } }
        tbody { @for a in users { @let (u, active, locked) = (&a.user, &a.active, &a.locked_until); tr {
            td { (u.username) } td { (u.display_name) }
            td { (u.role.map_or(l.t("未分配", "none"), |r| l.t(r.label().0, r.label().1))) }
            td { (u.department.clone().unwrap_or_default()) @if !u.assigned.is_empty() { (u.assigned.join("、")) } }
            td { @if !active { (l.t("停用", "disabled")) } @else if *locked > now { span class="warn red" { (l.t("已锁定", "locked")) } } @else if a.credential_expires > 0 { (l.t("待首次改密", "credential not yet changed")) } @else { (l.t("正常", "active")) } }
            td { (controls(a)) }
        } } }
    } } }
}

pub async fn users(State(s): State<AppState>, ctx: Ctx) -> Page {
    only(&ctx, Role::SysAdmin)?;
    let l = ctx.lang;
    let list = s.pool.run(|store| auth::users(store.sql())).await?;
    ok(layout(
        &ctx,
        l.t("用户管理", "Users"),
        html! {
            p class="muted" { (l.t(
                "系统管理员创建账号、签发一次性凭证（重置密码）、解除登录限制；角色由安全管理员分配。凭证分两段：前半段给您，后半段由安全管理员交付，两段合起来才能登录，首次登录须改密码——任何一位管理员都不能单独以该账号登录。",
                "The system administrator creates accounts, issues one-time credentials (password resets) and lifts sign-in delays; the security administrator assigns roles. A credential has two halves: you get the first, the security administrator hands over the second; only both together sign in, and the password must be changed at once, so no administrator alone can sign in as the account.")) }
            (user_rows(l, &list, |a| html! {
                form method="post" action={ "/admin/users/" (a.user.id) "/reset" } class="inline-form" {
                    (csrf_field(&ctx))
                    @if auth::is_admin_role(a.user.role) {
                        input type="hidden" name="action" value="unlock";
                        button { (l.t("解除登录限制", "Lift sign-in delays")) }
                    } @else {
                        select name="action" aria-label=(l.t("操作", "Action")) {
                            option value="unlock" { (l.t("解除登录限制", "Lift sign-in delays")) }
                            option value="issue" { (l.t("重置密码（签发一次性凭证）", "Reset password (one-time credential)")) }
                        }
                        button { (l.t("执行", "Do it")) }
                    }
                }
                @if a.credential_expires > 0 { span class="muted" { (l.t("一次性凭证待使用", "one-time credential outstanding")) } }
            }))
            h2 { (l.t("新建账号", "New account")) }
            form method="post" action="/admin/users" class="stack" {
                (csrf_field(&ctx))
                label { (l.t("用户名（字母、数字、. _ -，不区分大小写）", "User name (letters, digits, . _ -; case does not matter)")) input name="username" required maxlength=(auth::MAX_USERNAME); }
                label { (l.t("姓名", "Name")) input name="display_name" required maxlength=(auth::MAX_DISPLAY_NAME); }
                button class="primary" { (l.t("创建并签发一次性凭证", "Create with a one-time credential")) }
            }
        },
    ))
}

#[derive(Deserialize)]
pub struct NewUserForm {
    #[serde(default)]
    _csrf: String,
    username: String,
    display_name: String,
}

/// The page that shows the first half of a credential, once.
fn credential_page(ctx: &Ctx, username: &str, first: &str) -> Page {
    let l = ctx.lang;
    ok(layout(
        ctx,
        l.t("一次性凭证", "One-time credential"),
        html! {
            p { (l.t("账号 ", "Account ")) strong { (username) } (l.t(" 的一次性凭证前半段（只显示这一次）：", ": the first half of its one-time credential (shown only now):")) }
            p class="figure" id="first-half" { (first) }
            p class="muted" { (l.t(
                "请把前半段交给账号本人；后半段由安全管理员在“角色权限”页交付。本人以“前半段-后半段”登录，须立即修改密码；凭证 24 小时内有效。",
                "Give the first half to the account's holder; the security administrator hands over the second on the Roles page. The holder signs in with “first-second” and must change the password at once; the credential is valid for 24 hours.")) }
            p { a href="/admin/users" { (l.t("返回用户管理", "Back to users")) } }
        },
    ))
}

pub async fn create_user(State(s): State<AppState>, ctx: Ctx, Form(f): Form<NewUserForm>) -> Page {
    only(&ctx, Role::SysAdmin)?;
    let user = ctx.user_checked(&f._csrf)?.clone();
    let (username, first) = s
        .pool
        .run(move |store| {
            accounts::create(
                store.sql(),
                &user.actor(),
                &f.username,
                &f.display_name,
                None,
                None,
                None,
            )
        })
        .await?;
    credential_page(&ctx, &username, &first.unwrap_or_default())
}

#[derive(Deserialize)]
pub struct ResetForm {
    #[serde(default)]
    _csrf: String,
    /// `unlock` (lift sign-in delays) or `issue` (a one-time credential).
    #[serde(default)]
    action: String,
}

pub async fn reset_user(
    State(s): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Form(f): Form<ResetForm>,
) -> Page {
    only(&ctx, Role::SysAdmin)?;
    let user = ctx.user_checked(&f._csrf)?.clone();
    let issue = match f.action.as_str() {
        "issue" => true,
        "unlock" | "" => false,
        other => {
            return Err(WebError::invalid(
                format!("未知的操作“{other}”。"),
                format!("Unknown action “{other}”."),
            )
            .into())
        }
    };
    let done = s
        .pool
        .run(move |store| accounts::reset(store.sql(), &user.actor(), id, issue))
        .await?;
    match done {
        Some((username, first)) => credential_page(&ctx, &username, &first),
        None => Ok(Redirect::to("/admin/users").into_response()),
    }
}

#[derive(Deserialize)]
pub struct HandOverForm {
    #[serde(default)]
    _csrf: String,
}

/// The security administrator hands over a credential's second half: shown once, then gone.
pub async fn hand_over_credential(
    State(s): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Form(f): Form<HandOverForm>,
) -> Page {
    only(&ctx, Role::SecAdmin)?;
    let user = ctx.user_checked(&f._csrf)?.clone();
    let (username, second) = s
        .pool
        .run(move |store| accounts::hand_over(store.sql(), &user.actor(), id))
        .await?;
    let l = ctx.lang;
    ok(layout(
        &ctx,
        l.t("一次性凭证后半段", "Second half of the credential"),
        html! {
            p { (l.t("账号 ", "Account ")) strong { (username) } (l.t(" 的一次性凭证后半段（只显示这一次）：", ": the second half of its one-time credential (shown only now):")) }
            p class="figure" id="second-half" { (second) }
            p class="muted" { (l.t("请当面或经本人核实的渠道交给账号本人，不要交给系统管理员。", "Give it to the holder in person or through a channel they confirmed — never to the system administrator.")) }
            p { a href="/admin/roles" { (l.t("返回角色权限", "Back to roles")) } }
        },
    ))
}

/// The form to change one's own password (and the only page open after signing in with a
/// one-time credential).
pub async fn password_form(ctx: Ctx) -> Page {
    let u = ctx.user()?;
    let l = ctx.lang;
    ok(layout(
        &ctx,
        l.t("修改密码", "Change password"),
        html! {
            @if u.must_change { p class="note" role="status" { (l.t("您使用的是一次性凭证：请先设置自己的密码。", "You signed in with a one-time credential: set your own password first.")) } }
            form method="post" action="/account/password" class="stack narrow" {
                (csrf_field(&ctx))
                label { (l.t("当前密码或一次性凭证", "Current password or one-time credential")) input name="current" type="password" autocomplete="current-password" required; }
                label { (l.t("新密码（至少 10 位，空格不计，含三类字符）", "New password (10+ characters besides spaces, three kinds)")) input name="new" type="password" autocomplete="new-password" required maxlength=(auth::MAX_PASSWORD); }
                button class="primary" { (l.t("修改密码", "Change password")) }
            }
        },
    ))
}

#[derive(Deserialize)]
pub struct PasswordForm {
    #[serde(default)]
    _csrf: String,
    current: String,
    new: String,
}

pub async fn change_password(
    State(s): State<AppState>,
    ctx: Ctx,
    Form(f): Form<PasswordForm>,
) -> Page {
    let user = ctx.user_checked(&f._csrf)?.clone();
    let token = ctx.token.clone().unwrap_or_default();
    s.pool
        .run(move |store| {
            accounts::change_own_password(store.sql(), &user, &f.current, &f.new, &token)
        })
        .await?;
    Ok(Redirect::to("/").into_response())
}

pub async fn roles(State(s): State<AppState>, ctx: Ctx) -> Page {
    only(&ctx, Role::SecAdmin)?;
    let l = ctx.lang;
    let (list, pending) = s
        .pool
        .run(|store| {
            let sql = store.sql();
            Ok::<_, WebError>((auth::users(sql)?, auth::pending_halves(sql)?))
        })
        .await?;
    ok(layout(
        &ctx,
        l.t("角色与权限", "Roles and permissions"),
        html! {
            @if !pending.is_empty() {
                h2 { (l.t("待交付的一次性凭证后半段", "Credential halves to hand over")) }
                table { tbody { @for (id, by, at) in &pending {
                    @let name = list.iter().find(|a| a.user.id == *id).map(|a| a.user.username.clone()).unwrap_or_default();
                    tr { td { (name) } td class="muted" { (by) " · " (when(at)) } td {
                        form method="post" action={ "/admin/roles/" (id) "/credential" } class="inline-form" {
                            (csrf_field(&ctx))
                            button { (l.t("显示并交付后半段", "Show and hand over")) }
                        }
                    } }
                } } }
            }
            p class="muted" { (l.t("安全管理员分配角色与所属部门；不能创建账号，也不能查看审计日志。三员角色互斥。", "The security administrator assigns roles and departments; it cannot create accounts or read the audit log.")) }
            (user_rows(l, &list, |a| html! {
                @if auth::is_admin_role(a.user.role) {
                    span class="muted" { (l.t("三员角色在服务器命令行管理", "managed on the server's command line")) }
                } @else {
                    form method="post" action={ "/admin/roles/" (a.user.id) } class="inline-form" {
                        (csrf_field(&ctx))
                        input type="hidden" name="version" value=(a.version);
                        select name="role" aria-label=(l.t("角色", "Role")) {
                            option value="" { (l.t("无", "none")) }
                            @for r in Role::ALL.into_iter().filter(|r| !auth::is_admin_role(Some(*r))) { option value=(r.id()) selected[a.user.role == Some(r)] { (l.t(r.label().0, r.label().1)) } }
                        }
                        input name="department" value=(a.user.department.clone().unwrap_or_default()) placeholder=(l.t("所属部门编码", "Department code"));
                        input name="assigned" value=(a.user.assigned.join(",")) placeholder=(l.t("评价部门（逗号分隔）", "Assigned departments"));
                        button { (l.t("保存", "Save")) }
                    }
                }
            }))
        },
    ))
}

#[derive(Deserialize)]
pub struct RoleForm {
    #[serde(default)]
    _csrf: String,
    /// The account's version when the page was drawn (absent: not checked).
    version: Option<i64>,
    #[serde(default)]
    role: String,
    #[serde(default)]
    department: String,
    #[serde(default)]
    assigned: String,
}

pub async fn set_role(
    State(s): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Form(f): Form<RoleForm>,
) -> Page {
    only(&ctx, Role::SecAdmin)?;
    let user = ctx.user_checked(&f._csrf)?.clone();
    let role = if f.role.is_empty() {
        None
    } else {
        Some(Role::parse(&f.role).ok_or_else(|| {
            WebError::invalid(
                format!("未知角色“{}”。", f.role),
                format!("Unknown role “{}”.", f.role),
            )
        })?)
    };
    s.pool
        .run(move |store| {
            let change = accounts::RoleChange {
                role,
                role_text: &f.role,
                department: &f.department,
                assigned: &f.assigned,
                version: f.version,
            };
            accounts::assign_role(store.sql(), &user, id, &change)
        })
        .await?;
    Ok(Redirect::to("/admin/roles").into_response())
}

#[derive(Deserialize)]
pub struct PageQuery {
    #[serde(default)]
    page: i64,
}

pub async fn audit_log(State(s): State<AppState>, ctx: Ctx, Query(q): Query<PageQuery>) -> Page {
    only(&ctx, Role::AuditAdmin)?;
    let l = ctx.lang;
    let page = q.page.clamp(0, 1_000_000);
    let (entries, verdict) = s
        .pool
        .run(move |store| {
            let sql = store.sql();
            Ok::<_, WebError>((
                crate::audit::recent(sql, 100, page * 100)?,
                crate::audit::verify(sql)?,
            ))
        })
        .await?;
    ok(layout(
        &ctx,
        l.t("审计日志", "Audit log"),
        html! {
            @match &verdict {
                Ok(n) => p class="ok" { (l.t("哈希链完整：共 ", "Hash chain intact: ")) (n) (l.t(" 条，未发现改动或删除。", " entries, none altered or removed.")) },
                Err(breaks) => div class="error" role="alert" { p { (l.t("哈希链断裂：审计日志被改动或删除！", "The hash chain is broken: entries were altered or removed!")) } ul { @for b in breaks { li { "#" (b.seq) " " (b.reason) } } } },
            }
            div class="scroll" { table {
                thead { tr { th class="num" { "#" } th { (l.t("时间（北京时间）", "When (Beijing time)")) } th { (l.t("操作人", "Who")) } th { (l.t("操作", "Action")) } th { (l.t("对象", "Record")) } th { (l.t("修改前", "Before")) } th { (l.t("修改后", "After")) } } }
                tbody { @for e in &entries { tr { td class="num" { (e.seq) } td { (when(&e.at)) } td { (e.actor) } td { (e.action) } td { (e.entity) } td { (e.before) } td { (e.after) } } } }
            } }
            p { @if page > 0 { a href={ "/audit?page=" (page - 1) } { (l.t("较新", "Newer")) } " " } @if entries.len() == 100 { a href={ "/audit?page=" (page + 1) } { (l.t("较早", "Older")) } } }
        },
    ))
}

#[cfg(test)]
mod tests {
    #[test]
    fn timestamps_show_in_beijing_time() {
        assert_eq!(super::when("2021-12-20T02:30:00Z"), "2021-12-20 10:30");
        // Past midnight in Beijing is the next day, across a year's end too.
        assert_eq!(super::when("2021-12-31T16:05:59Z"), "2022-01-01 00:05");
        assert_eq!(super::when("不是时间"), "不是时间");
    }
}
