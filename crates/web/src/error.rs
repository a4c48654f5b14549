//! The web layer's one error type: each kind maps to a status; an unexpected failure is
//! logged (`tracing`, in its request's span) and shown only as a generic message carrying the
//! request's id.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use std::sync::atomic::{AtomicU64, Ordering};

/// Why a request failed.
#[derive(Debug)]
pub enum WebError {
    /// Not signed in (pages redirect to the sign-in page; the API answers 401).
    SignIn,
    /// Signed in, but this role or department may not do this.
    Forbidden,
    /// Nothing there.
    NotFound,
    /// The form is wrong: what to fix, in the user's words.
    Invalid(Msg),
    /// Someone else saved this record first; nothing was changed.
    Stale(Msg),
    /// A missing or wrong CSRF token.
    Csrf,
    /// A state-changing request sent from another site (its `Origin` or `Sec-Fetch-Site`).
    CrossSite,
    /// Too many failed sign-ins from this source: wait and try again.
    Throttled(Msg),
    /// The account must change its one-time credential before doing anything else.
    MustChangePassword,
    /// Anything else: a bug or a store failure, logged, never shown.
    Internal(String),
}

pub use jixiao_app::Msg;

impl WebError {
    /// An invalid form or request, in both languages.
    pub fn invalid(zh: impl Into<String>, en: impl Into<String>) -> WebError {
        WebError::Invalid(Msg {
            zh: zh.into(),
            en: en.into(),
        })
    }

    /// A stale save, in both languages.
    pub fn stale(zh: impl Into<String>, en: impl Into<String>) -> WebError {
        WebError::Stale(Msg {
            zh: zh.into(),
            en: en.into(),
        })
    }

    /// Problems found by the domain or the file readers, whose texts are Chinese only: the
    /// English twin says what kind of problem it is and that the details are in Chinese.
    pub fn invalid_data(zh: impl Into<String>) -> WebError {
        let zh = zh.into();
        let en = "The data has problems; the details are given in Chinese.".to_string();
        WebError::Invalid(Msg { zh, en })
    }
}

static NEXT_ID: AtomicU64 = AtomicU64::new(1);

tokio::task_local! {
    /// The id of the request being answered, set by [`crate::traced`].
    static REQUEST_ID: String;
}

/// A new request id: the process and a counter, short enough to read out on the telephone.
pub(crate) fn new_request_id() -> String {
    format!(
        "{:x}-{}",
        std::process::id(),
        NEXT_ID.fetch_add(1, Ordering::Relaxed)
    )
}

/// Runs `f` as the request `id`: its errors carry that id.
pub(crate) async fn with_request_id<F: std::future::Future>(id: String, f: F) -> F::Output {
    REQUEST_ID.scope(id, f).await
}

/// The id of the request being answered (a fresh one outside a request).
fn request_id() -> String {
    REQUEST_ID
        .try_with(String::clone)
        .unwrap_or_else(|_| new_request_id())
}

impl WebError {
    /// The HTTP status.
    pub fn status(&self) -> StatusCode {
        match self {
            WebError::SignIn => StatusCode::UNAUTHORIZED,
            WebError::Forbidden
            | WebError::Csrf
            | WebError::CrossSite
            | WebError::MustChangePassword => StatusCode::FORBIDDEN,
            WebError::NotFound => StatusCode::NOT_FOUND,
            WebError::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
            WebError::Stale(_) => StatusCode::CONFLICT,
            WebError::Throttled(_) => StatusCode::TOO_MANY_REQUESTS,
            WebError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// What the user is told (Chinese and English), and for internal errors the id logged.
    pub fn message(&self) -> (String, String) {
        match self {
            WebError::SignIn => ("请先登录。".into(), "Please sign in.".into()),
            WebError::Forbidden => (
                "您无权访问此页面或执行此操作。".into(),
                "You are not allowed to see this page or do this.".into(),
            ),
            WebError::NotFound => ("找不到该页面或记录。".into(), "Not found.".into()),
            WebError::Invalid(m) | WebError::Stale(m) | WebError::Throttled(m) => {
                (m.zh.clone(), m.en.clone())
            }
            WebError::CrossSite => (
                "该请求来自其他网站，已拒绝（来源校验失败）。请在本系统的页面上操作。".into(),
                "This request came from another site and was refused (origin check). Use this system's own pages.".into(),
            ),
            WebError::MustChangePassword => (
                "您使用的是一次性凭证，请先修改密码（/account/password）后再继续。".into(),
                "You signed in with a one-time credential: change your password first (/account/password).".into(),
            ),
            WebError::Csrf => (
                "表单已过期或来源不明（CSRF 校验失败），请刷新页面后重试。".into(),
                "The form expired or did not come from this site (CSRF check failed); reload and try again.".into(),
            ),
            WebError::Internal(detail) => {
                let id = request_id();
                tracing::error!(request = %id, "请求出错：{detail}");
                (
                    format!("服务器出错，请联系管理员并告知编号 {id}。"),
                    format!("Server error; tell your administrator the id {id}."),
                )
            }
        }
    }
}

impl From<jixiao_store::StoreError> for WebError {
    fn from(e: jixiao_store::StoreError) -> WebError {
        WebError::Internal(e.0)
    }
}

impl From<jixiao_app::Error> for WebError {
    fn from(e: jixiao_app::Error) -> WebError {
        use jixiao_app::Error as E;
        match e {
            E::SignIn => WebError::SignIn,
            E::Forbidden => WebError::Forbidden,
            E::NotFound(_) => WebError::NotFound,
            E::Invalid(m) => WebError::Invalid(m),
            E::Stale(m) => WebError::Stale(m),
            E::Locked(m) => WebError::Throttled(m),
            // Problems with what the user sent (a declaration's text): each named, the user's to fix.
            E::Input(p) => WebError::Invalid(jixiao_app::Msg {
                zh: format!("发现 {} 个问题：\n{p}", p.0.len()),
                en: format!("{} problems found (listed in Chinese above).", p.0.len()),
            }),
            other @ (E::Store(_) | E::Internal(_)) => WebError::Internal(other.to_string()),
        }
    }
}

/// The API's rendering of an error: JSON with the status and message.
impl IntoResponse for WebError {
    fn into_response(self) -> Response {
        let status = self.status();
        let (zh, en) = self.message();
        (
            status,
            axum::Json(
                serde_json::json!({ "error": zh, "error_en": en, "status": status.as_u16() }),
            ),
        )
            .into_response()
    }
}
