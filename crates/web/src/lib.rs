//! jixiao's web application (`jixiao serve`): server-rendered pages in Chinese with English
//! switchable, a JSON API described at `/api/openapi.json`, roles with 三员分立, sessions and
//! all other state in the store so several servers can share one PostgreSQL database, a
//! review workflow and a hash-chained audit trail.
//!
//! Handlers are thin: they take the [`Ctx`] (who is asking, in which language), call one
//! function of [`service`], [`workflow`] or [`auth`] that checks the user against the
//! record's owner, and render. Routes are grouped by the permission they need in [`router`].

pub mod api;
// The application layer's modules, under the names the views have always used.
pub use jixiao_app::{assessments, audit, auth, declarations, results, service, uploads, workflow};
pub mod error;
pub mod extract;
mod pages;
pub mod pool;

#[doc(hidden)]
pub mod testing;

use auth::User;
use axum::extract::{FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{header, HeaderValue};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use error::WebError;
use pool::Pool;
use std::sync::Arc;

/// How a server is set up.
#[derive(Debug, Clone)]
pub struct Config {
    /// The store.
    pub location: jixiao_store::Location,
    /// Where to listen, e.g. `127.0.0.1:8080`.
    pub bind: String,
    /// Store connections kept at most.
    pub connections: usize,
    /// The budget-linkage rules (default: the provisional `frameworks/linkage-default.toml`).
    pub linkage: jixiao_domain::results::Linkage,
    /// How disclosure deadlines are counted (default: 20 calendar days after approval).
    pub disclosure: jixiao_domain::results::DisclosureRule,
    /// Behind a reverse proxy: take the client's address for sign-in throttling from the
    /// last `X-Forwarded-For` entry (which the proxy appends) instead of the connection.
    pub behind_proxy: bool,
}

impl Config {
    /// A server on `location` at `bind` with the defaults.
    pub fn new(location: jixiao_store::Location, bind: &str) -> Config {
        Config {
            location,
            bind: bind.to_string(),
            connections: 8,
            linkage: jixiao_formats::linkage::default_rules(),
            disclosure: Default::default(),
            behind_proxy: false,
        }
    }
}

/// What every request can reach.
#[derive(Clone)]
pub struct AppState {
    /// The store's connections.
    pub pool: Arc<Pool>,
    /// Monitoring views, rebuilt when the data changes.
    pub monitoring: Arc<service::MonitoringCache>,
    /// Departments, self-evaluations and rectifications, rebuilt when the data changes.
    pub overviews: Arc<service::Overviews>,
    /// The budget-linkage rules.
    pub linkage: Arc<jixiao_domain::results::Linkage>,
    /// How disclosure deadlines are counted.
    pub disclosure: jixiao_domain::results::DisclosureRule,
    /// Whether the client's address comes from `X-Forwarded-For`.
    pub behind_proxy: bool,
    /// Turns to parse an uploaded workbook ([`PARSERS`] at once).
    pub parsing: Arc<tokio::sync::Semaphore>,
}

impl AppState {
    /// Waits for a turn to parse an uploaded workbook: parsing takes memory in proportion to
    /// what it inflates to (bounded by jixiao_archive::LIMITS), so at most [`PARSERS`] at once.
    pub async fn parsing_turn(&self) -> Result<tokio::sync::SemaphorePermit<'_>, WebError> {
        self.parsing
            .acquire()
            .await
            .map_err(|e| WebError::Internal(e.to_string()))
    }
}

/// Uploaded workbooks parsed at once; further uploads wait.
pub const PARSERS: usize = 2;

/// The interface language.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    /// 中文, the default.
    Zh,
    /// English.
    En,
}

impl Lang {
    /// The Chinese or the English text.
    pub fn t<'a>(self, zh: &'a str, en: &'a str) -> &'a str {
        match self {
            Lang::Zh => zh,
            Lang::En => en,
        }
    }
}

/// Who is asking, and how to answer them.
#[derive(Clone)]
pub struct Ctx {
    /// The signed-in user, if any.
    pub user: Option<User>,
    /// The session's CSRF token (empty without a session).
    pub csrf: String,
    /// The interface language.
    pub lang: Lang,
    /// The session cookie's token.
    pub token: Option<String>,
    /// The double-submit token of the sign-in form.
    pub login_csrf: Option<String>,
    /// The client's address, for sign-in throttling.
    pub source: String,
}

impl Ctx {
    /// The user, or a refusal that sends them to sign in.
    pub fn user(&self) -> Result<&User, WebError> {
        self.user.as_ref().ok_or(WebError::SignIn)
    }

    /// The user, when the CSRF token sent with a state-changing request is the session's.
    pub fn user_checked(&self, sent: &str) -> Result<&User, WebError> {
        let user = self.user()?;
        if self.csrf.is_empty() || !constant_eq(sent.as_bytes(), self.csrf.as_bytes()) {
            return Err(WebError::Csrf);
        }
        Ok(user)
    }
}

/// Compares without stopping at the first difference (`subtle`).
pub fn constant_eq(a: &[u8], b: &[u8]) -> bool {
    use subtle::ConstantTimeEq;
    a.ct_eq(b).into()
}

/// The largest upload (evidence files, import workbooks), in MB.
pub const UPLOAD_LIMIT_MB: usize = 20;

/// The session cookie's name.
pub const SESSION_COOKIE: &str = "jixiao_session";
const LANG_COOKIE: &str = "jixiao_lang";
pub(crate) const LOGIN_CSRF_COOKIE: &str = "jixiao_login_csrf";

/// A cookie's value from the request's headers.
pub fn cookie(parts: &Parts, name: &str) -> Option<String> {
    parts
        .headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|c| c.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_string())
}

/// `Set-Cookie` for a session: Secure, HttpOnly, SameSite=Strict, ending with the session.
pub fn session_cookie(token: &str) -> String {
    format!(
        "{SESSION_COOKIE}={token}; Path=/; Max-Age={}; HttpOnly; Secure; SameSite=Strict",
        auth::SESSION_HOURS * 3600
    )
}

/// `Set-Cookie` that removes the session cookie.
pub fn clear_session_cookie() -> String {
    format!("{SESSION_COOKIE}=; Path=/; Max-Age=0; HttpOnly; Secure; SameSite=Strict")
}

/// Where a user who signed in with a one-time credential may go: changing the password,
/// signing out, the language switch and the stylesheet.
fn open_while_changing(path: &str) -> bool {
    // The API's sign-out and `me` are the pages' with the prefix.
    let page = path.strip_prefix("/api").unwrap_or(path);
    matches!(
        page,
        "/account/password" | "/logout" | "/me" | "/assets/app.css"
    ) || page.starts_with("/lang/")
}

/// The client's address: the connection's, or behind a proxy the last `X-Forwarded-For`
/// entry.
fn source(parts: &Parts, behind_proxy: bool) -> String {
    if behind_proxy {
        if let Some(last) = parts
            .headers
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .map(str::trim)
            .rfind(|v| !v.is_empty())
        {
            return last.to_string();
        }
    }
    parts
        .extensions
        .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
        .map(|c| c.0.ip().to_string())
        .unwrap_or_default()
}

impl FromRequestParts<AppState> for Ctx {
    type Rejection = extract::Refused;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Ctx, extract::Refused> {
        // Read once per request: a route group's guard has read it already.
        if let Some(ctx) = parts.extensions.get::<Ctx>() {
            return Ok(ctx.clone());
        }
        let path = parts.uri.path().to_string();
        let lang = match cookie(parts, LANG_COOKIE).as_deref() {
            Some("en") => Lang::En,
            _ => Lang::Zh,
        };
        let token = cookie(parts, SESSION_COOKIE)
            .filter(|t| t.len() == 64 && t.bytes().all(|b| b.is_ascii_hexdigit()));
        let login_csrf = cookie(parts, LOGIN_CSRF_COOKIE);
        let (user, csrf) = match &token {
            Some(t) => {
                let t = t.clone();
                match state
                    .pool
                    .run(move |store| auth::session(store.sql(), &t))
                    .await
                    .map_err(|e| extract::refused(&path, e))?
                {
                    Some((u, c)) => (Some(u), c),
                    None => (None, String::new()),
                }
            }
            None => (None, String::new()),
        };
        if user.as_ref().is_some_and(|u| u.must_change) && !open_while_changing(&path) {
            return Err(extract::refused(&path, WebError::MustChangePassword));
        }
        Ok(Ctx {
            user,
            csrf,
            lang,
            token,
            login_csrf,
            source: source(parts, state.behind_proxy),
        })
    }
}

/// Refuses a state-changing request that a browser says came from another site: its
/// `Sec-Fetch-Site` is neither `same-origin` nor `none` (typed or bookmarked), or its `Origin`
/// is not this server's. Defence in depth beside the CSRF token; clients that send neither
/// header (scripts, the command line) are left to the token.
async fn same_origin(
    axum::extract::State(state): axum::extract::State<AppState>,
    req: Request,
    next: Next,
) -> Response {
    let safe = matches!(
        *req.method(),
        axum::http::Method::GET | axum::http::Method::HEAD | axum::http::Method::OPTIONS
    );
    if !safe && crosses_site(req.headers(), state.behind_proxy) {
        return extract::refused(req.uri().path(), WebError::CrossSite).into_response();
    }
    next.run(req).await
}

/// Whether the request's headers say it came from another site. Behind a proxy, this server's
/// name is the one the browser used: `X-Forwarded-Host` when the proxy sets it.
pub fn crosses_site(headers: &axum::http::HeaderMap, behind_proxy: bool) -> bool {
    let text = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    if let Some(site) = text("sec-fetch-site") {
        if site != "same-origin" && site != "none" {
            return true;
        }
    }
    if let Some(origin) = text("origin") {
        let forwarded = text("x-forwarded-host")
            .filter(|_| behind_proxy)
            .and_then(|h| h.split(',').next())
            .map(str::trim);
        let host = forwarded.or(text("host")).unwrap_or("");
        let origin_host = origin
            .split_once("://")
            .map(|(_, rest)| rest.trim_end_matches('/'))
            .unwrap_or("");
        return origin == "null"
            || origin_host.is_empty()
            || !origin_host.eq_ignore_ascii_case(host);
    }
    false
}

/// Headers every answer carries: no framing, no sniffing, a strict content policy, and no
/// caching of anything that may be private.
async fn security_headers(req: Request, next: Next) -> Response {
    let public = req.uri().path().starts_with("/assets/");
    let mut res = next.run(req).await;
    let h = res.headers_mut();
    h.insert("x-frame-options", HeaderValue::from_static("DENY"));
    h.insert(
        "x-content-type-options",
        HeaderValue::from_static("nosniff"),
    );
    h.insert("referrer-policy", HeaderValue::from_static("same-origin"));
    h.insert(
        "content-security-policy",
        HeaderValue::from_static(
            "default-src 'self'; style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'",
        ),
    );
    if !public {
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    res
}

/// Every request in a span of its own, with its id, method and path; its answer logged with
/// its status and time taken (warnings for 5xx). An internal error's message carries the id.
async fn traced(req: Request, next: Next) -> Response {
    use tracing::Instrument;
    let id = error::new_request_id();
    let span = tracing::info_span!(
        "request",
        id = %id,
        method = %req.method(),
        path = %req.uri().path()
    );
    let started = std::time::Instant::now();
    let res = error::with_request_id(id, next.run(req).instrument(span.clone())).await;
    let ms = started.elapsed().as_millis();
    let status = res.status().as_u16();
    span.in_scope(|| {
        if res.status().is_server_error() {
            tracing::warn!(status, ms, "answered");
        } else {
            tracing::info!(status, ms, "answered");
        }
    });
    res
}

/// Who may use a group of routes.
#[derive(Clone, Copy)]
enum Need {
    /// Any signed-in user.
    SignedIn,
    /// A business role (财政局管理员, 部门填报人/审核人, 评价人员).
    Business,
    /// One of the 三员.
    Role(auth::Role),
}

/// A route group's guard: who is asking is read (once; the handlers' `Ctx` is this one) and
/// checked against the group's need before any handler runs, so a route added to a group
/// cannot miss its role check. The handlers still check the record's owner.
async fn guard(
    axum::extract::State((state, need)): axum::extract::State<(AppState, Need)>,
    req: Request,
    next: Next,
) -> Response {
    let (mut parts, body) = req.into_parts();
    let path = parts.uri.path().to_string();
    let ctx = match Ctx::from_request_parts(&mut parts, &state).await {
        Ok(ctx) => ctx,
        Err(refused) => return refused.into_response(),
    };
    let allowed = match (need, ctx.user.as_ref()) {
        (_, None) => Err(WebError::SignIn),
        (Need::SignedIn, Some(_)) => Ok(()),
        (Need::Business, Some(u)) if u.is_business() => Ok(()),
        (Need::Role(r), Some(u)) if u.role == Some(r) => Ok(()),
        _ => Err(WebError::Forbidden),
    };
    if let Err(e) = allowed {
        return extract::refused(&path, e).into_response();
    }
    parts.extensions.insert(ctx);
    next.run(Request::from_parts(parts, body)).await
}

/// Every route, grouped by who may use them, each group behind its guard; each handler still
/// checks the record's owner.
pub fn router(state: AppState) -> Router {
    // Anyone, signed in or not.
    let needs = |need: Need| axum::middleware::from_fn_with_state((state.clone(), need), guard);
    // Anyone, signed in or not (the home page sends each to their own).
    let open = Router::new()
        .route("/", get(pages::home))
        .route("/login", get(pages::login_form).post(pages::login))
        .route("/logout", post(pages::logout))
        .route("/lang/{lang}", get(pages::set_lang))
        .route(
            "/account/password",
            get(pages::password_form).post(pages::change_password),
        )
        .route("/assets/app.css", get(pages::css))
        .route("/public", get(pages::public_index))
        .route("/public/{dept}/{year}", get(pages::public_evaluation))
        .route(
            "/public/{dept}/{year}/report/{format}",
            get(pages::public_report),
        )
        .route("/public/datapackage.json", get(pages::datapackage_json))
        .route("/public/data.json", get(pages::open_json))
        .route("/public/data/{file}", get(pages::open_csv_file))
        .route("/api/openapi.json", get(api::openapi))
        .route("/api/login", post(api::login))
        .route("/api/public", get(api::public));
    // Business roles (财政局管理员, 部门填报人/审核人, 评价人员), each limited to their departments.
    let signed_in = Router::new()
        .route("/api/me", get(api::me))
        .route("/api/logout", post(api::logout))
        .route_layer(needs(Need::SignedIn));
    let business = Router::new()
        .route("/departments", get(pages::departments))
        .route("/departments/{dept}", get(pages::department))
        .route("/monitoring", get(pages::monitoring))
        .route(
            "/declarations",
            get(pages::declarations).post(pages::save_declaration),
        )
        .route("/declarations/new", get(pages::new_declaration))
        .route("/declarations/compose", post(pages::compose_declaration))
        .route(
            "/library",
            get(pages::library_page).post(pages::promote_indicator),
        )
        .route("/library/xlsx", get(pages::library_xlsx))
        .route("/declarations/{id}", get(pages::declaration))
        .route("/declarations/{id}/steps", post(pages::declaration_step))
        .route(
            "/declarations/{id}/documents/{file}",
            get(pages::declaration_document),
        )
        .route(
            "/declarations/{id}/assessment/{action}",
            post(pages::assessment_action),
        )
        .route("/api/declarations/{id}/assessment", get(api::assessment))
        .route(
            "/api/declarations/{id}/assessment/{action}",
            post(api::assessment_action),
        )
        .route(
            "/api/declarations",
            get(api::declarations).post(api::save_declaration),
        )
        .route("/api/declarations/{id}", get(api::declaration))
        .route("/api/declarations/{id}/steps", post(api::declaration_step))
        .route("/evaluations/{dept}/{year}", get(pages::evaluation))
        .route(
            "/evaluations/{dept}/{year}/actuals",
            post(pages::save_actual),
        )
        .route(
            "/evaluations/{dept}/{year}/recompute",
            post(pages::recompute),
        )
        .route(
            "/evaluations/{dept}/{year}/workflow",
            post(pages::transition),
        )
        .route(
            "/evaluations/{dept}/{year}/report/{format}",
            get(pages::report),
        )
        .route("/departments/{dept}/years", get(pages::years))
        .route("/departments/{dept}/projects/{code}", get(pages::project))
        .route(
            "/departments/{dept}/projects/{code}/budget",
            post(pages::adjust_budget),
        )
        .route(
            "/evaluations/{dept}/{year}/responsibility",
            post(pages::assign),
        )
        .route(
            "/rectifications",
            get(pages::rectifications).post(pages::create_rectification),
        )
        .route("/rectifications/{id}", post(pages::update_rectification))
        .route(
            "/rectifications/{id}/verify",
            post(pages::verify_rectification),
        )
        .route("/rectifications/{id}/files", post(pages::upload_evidence))
        .route("/rectifications/files/{id}", get(pages::evidence_file))
        .route("/monitoring/notice/{format}", get(pages::notice))
        .route("/linkage", get(pages::linkage))
        .route("/linkage/xlsx", get(pages::linkage_xlsx))
        .route(
            "/disclosure",
            get(pages::disclosure).post(pages::record_disclosure),
        )
        .route("/imports", get(pages::imports).post(pages::upload))
        .route("/imports/{id}/confirm", post(pages::confirm_import))
        .route("/api/departments", get(api::departments))
        .route("/api/monitoring", get(api::monitoring))
        .route("/api/evaluations/{dept}/{year}", get(api::evaluation))
        .route(
            "/api/evaluations/{dept}/{year}/actuals",
            post(api::save_actual),
        )
        .route(
            "/api/evaluations/{dept}/{year}/recompute",
            post(api::recompute),
        )
        .route(
            "/api/evaluations/{dept}/{year}/workflow",
            post(api::transition),
        )
        .route(
            "/api/rectifications",
            get(api::rectifications).post(api::create_rectification),
        )
        .route("/api/rectifications/{id}", post(api::update_rectification))
        .route("/api/linkage", get(api::linkage))
        .route_layer(needs(Need::Business));
    // 三员: each group its one role.
    let users = Router::new()
        .route("/admin/users", get(pages::users).post(pages::create_user))
        .route("/admin/users/{id}/reset", post(pages::reset_user))
        .route_layer(needs(Need::Role(auth::Role::SysAdmin)));
    let roles = Router::new()
        .route("/admin/roles", get(pages::roles))
        .route("/admin/roles/{id}", post(pages::set_role))
        .route(
            "/admin/roles/{id}/credential",
            post(pages::hand_over_credential),
        )
        .route_layer(needs(Need::Role(auth::Role::SecAdmin)));
    let audit = Router::new()
        .route("/audit", get(pages::audit_log))
        .route("/api/audit", get(api::audit))
        .route_layer(needs(Need::Role(auth::Role::AuditAdmin)));
    open.merge(signed_in)
        .merge(business)
        .merge(users)
        .merge(roles)
        .merge(audit)
        // Evidence files up to 20 MB and import workbooks, with room for the form around them.
        .layer(axum::extract::DefaultBodyLimit::max(
            (UPLOAD_LIMIT_MB + 1) << 20,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            same_origin,
        ))
        .layer(axum::middleware::from_fn(security_headers))
        .layer(axum::middleware::from_fn(traced))
        .with_state(state)
}

/// Opens the store and its pool.
pub fn state(config: &Config) -> Result<AppState, jixiao_store::StoreError> {
    Ok(AppState {
        pool: Pool::open(config.location.clone(), config.connections)?,
        monitoring: Arc::new(service::MonitoringCache::default()),
        overviews: Arc::new(service::Overviews::default()),
        linkage: Arc::new(config.linkage.clone()),
        disclosure: config.disclosure,
        behind_proxy: config.behind_proxy,
        parsing: Arc::new(tokio::sync::Semaphore::new(PARSERS)),
    })
}

/// Serves until interrupted (Ctrl-C or SIGTERM), finishing the requests under way.
pub fn serve(config: Config, on_ready: impl FnOnce(std::net::SocketAddr)) -> Result<(), String> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| e.to_string())?;
    // The store's first connection is opened outside the runtime: the synchronous PostgreSQL
    // client runs one of its own.
    let state = state(&config).map_err(|e| e.0)?;
    // The last reference to the pool is dropped here, after the runtime: the synchronous
    // PostgreSQL client must not be dropped inside an async context.
    let pool = state.pool.clone();
    let served = runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind(&config.bind)
            .await
            .map_err(|e| format!("无法监听 {}：{e}", config.bind))?;
        let addr = listener.local_addr().map_err(|e| e.to_string())?;
        on_ready(addr);
        axum::serve(
            listener,
            router(state).into_make_service_with_connect_info::<std::net::SocketAddr>(),
        )
        .with_graceful_shutdown(shutdown())
        .await
        .map_err(|e| e.to_string())
    });
    drop(runtime);
    drop(pool);
    served
}

async fn shutdown() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
}
