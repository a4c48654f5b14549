//! The pages: server-rendered HTML (maud escapes every value), forms that work without
//! script, a layout that reflows on a phone. A module per screen; this one holds what they
//! share (the layout, the page error, formatting, role gates, downloads), and the router in
//! `lib.rs` reaches every handler as `pages::name`.

mod admin;
mod audit;
mod dashboard;
mod declarations;
mod departments;
mod disclosure;
mod evaluation;
mod imports;
mod library;
mod linkage;
mod login;
mod monitoring;
mod open_data;
mod projects;
mod public;
mod rectifications;

pub use admin::*;
pub use audit::*;
pub use dashboard::*;
pub use declarations::*;
pub use departments::*;
pub use disclosure::*;
pub use evaluation::*;
pub use imports::*;
pub use library::*;
pub use linkage::*;
pub use login::*;
pub use monitoring::*;
pub use open_data::*;
pub use projects::*;
pub use public::*;
pub use rectifications::*;

use crate::auth::{self, Role, User};
use crate::error::WebError;
use crate::extract::{Form, Multipart, Path, Query, Signed};
use crate::results::{self, Rectification};
use crate::service::{self, Monitoring};
use crate::uploads;
use crate::workflow::{self, Step};
use crate::{AppState, Ctx, Lang};
use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use jixiao_app::accounts;
use jixiao_domain::date::Date;
use jixiao_domain::money::{Fen, FenSum};
use jixiao_domain::number::{format_count, format_percent, format_score};
use jixiao_domain::results::RectificationStatus;
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
pub(crate) fn wan(sum: FenSum) -> String {
    sum.format_wan()
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
                ("/declarations", l.t("目标申报", "Targets")),
                ("/library", l.t("指标库", "Library")),
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
        include_str!("../../assets/app.css"),
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

/// A form that sends nothing but its token (sign out, run again): read by `Signed`.
#[derive(Deserialize)]
pub struct CsrfForm {}

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
pub(crate) fn default_as_of(year: i32) -> Date {
    let today = today();
    if today.year() > year {
        Date::new(year, 12, 31).expect("a year has its last day")
    } else {
        today
    }
}

pub(crate) fn today() -> Date {
    crate::results::today()
}

pub(crate) async fn monitoring_view(
    s: &AppState,
    as_of: Option<Date>,
) -> Result<Option<Arc<Monitoring>>, WebError> {
    Ok(views(s, as_of).await?.0)
}

/// The monitoring view and the overview at the data version read once: one trip to the store
/// when nothing changed. A year without projects has no monitoring view.
pub(crate) async fn views(
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

// ---------------------------------------------------------------- imports (财政局)

pub(crate) fn bureau(ctx: &Ctx) -> Result<&User, WebError> {
    let u = ctx.user()?;
    if u.role == Some(Role::BureauAdmin) {
        Ok(u)
    } else {
        Err(WebError::Forbidden)
    }
}

// ---------------------------------------------------------------- 三员

pub(crate) fn only(ctx: &Ctx, role: Role) -> Result<&User, WebError> {
    let u = ctx.user()?;
    if u.role == Some(role) {
        Ok(u)
    } else {
        Err(WebError::Forbidden)
    }
}

pub(crate) fn fen(f: i64) -> String {
    Fen(f).format_wan()
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
