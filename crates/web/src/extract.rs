//! The request extractors the handlers use, in place of axum's own: the same shapes, but a
//! request they cannot read is refused with a message in Chinese and its English twin (a page
//! for the pages, JSON for `/api/`), never with the framework's English text.

use crate::error::WebError;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use serde::de::DeserializeOwned;

/// A refusal from an extractor, rendered as the route would render its own errors.
pub struct Refused {
    error: WebError,
    api: bool,
}

impl IntoResponse for Refused {
    fn into_response(self) -> Response {
        if self.api {
            self.error.into_response()
        } else {
            crate::pages::PageError::from(self.error).into_response()
        }
    }
}

/// A refusal of a request to `path`.
pub fn refused(path: &str, error: WebError) -> Refused {
    Refused {
        error,
        api: path.starts_with("/api/"),
    }
}

/// What serde said, as a clerk can read it: the field it names, and what was wrong with it.
fn reason(detail: &str) -> (String, String) {
    let quoted = |s: &str| s.split('`').nth(1).map(str::to_string).unwrap_or_default();
    if detail.contains("missing field") {
        let f = quoted(detail);
        (
            format!("缺少“{f}”一项"),
            format!("the field “{f}” is missing"),
        )
    } else if detail.contains("invalid digit")
        || detail.contains("invalid type")
        || detail.contains("invalid value")
        || detail.contains("number too large")
        || detail.contains("cannot parse")
    {
        (
            "其中有一项应填数字，填的却不是数字".into(),
            "a field that must be a number is not one".into(),
        )
    } else if detail.contains("unknown variant") {
        (
            "其中有一项取值不在允许范围内".into(),
            "a field has a value that is not allowed".into(),
        )
    } else {
        (
            "内容无法识别".into(),
            "its content could not be read".into(),
        )
    }
}

/// A request whose body or query serde could not read: what it said, put in the words of
/// the part that was sent (`zh`, `en` wrap the reason).
fn unreadable(
    path: &str,
    detail: &str,
    zh: impl FnOnce(&str) -> String,
    en: impl FnOnce(&str) -> String,
) -> Refused {
    let (why_zh, why_en) = reason(detail);
    refused(path, WebError::invalid(zh(&why_zh), en(&why_en)))
}

/// A form body (`application/x-www-form-urlencoded`).
pub struct Form<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for Form<T> {
    type Rejection = Refused;

    async fn from_request(req: Request, state: &S) -> Result<Self, Refused> {
        let path = req.uri().path().to_string();
        match axum::Form::<T>::from_request(req, state).await {
            Ok(axum::Form(v)) => Ok(Form(v)),
            Err(e) => Err(unreadable(
                &path,
                &e.body_text(),
                |zh| format!("提交的表单有误：{zh}。请刷新页面后重新填写。"),
                |en| format!("The form sent is wrong: {en}. Reload the page and fill it in again."),
            )),
        }
    }
}

/// A form posted by a signed-in user: the user, once the form's `_csrf` field is found to be
/// their session's token (compared in constant time), and the form itself. A page handler that
/// changes anything takes this, so the check cannot be forgotten; the form's own struct (often
/// the command the JSON API reads too) has no `_csrf` field.
pub struct Signed<T> {
    /// Who sent it.
    pub user: jixiao_app::auth::User,
    /// What was sent.
    pub form: T,
}

impl<T: DeserializeOwned> FromRequest<crate::AppState> for Signed<T> {
    type Rejection = Refused;

    async fn from_request(req: Request, state: &crate::AppState) -> Result<Self, Refused> {
        #[derive(serde::Deserialize)]
        struct Token {
            #[serde(default)]
            _csrf: String,
        }
        let path = req.uri().path().to_string();
        let (mut parts, body) = req.into_parts();
        let ctx = crate::Ctx::from_request_parts(&mut parts, state).await?;
        let bad = |detail: &str| {
            unreadable(
                &path,
                detail,
                |zh| format!("提交的表单有误：{zh}。请刷新页面后重新填写。"),
                |en| format!("The form sent is wrong: {en}. Reload the page and fill it in again."),
            )
        };
        let bytes = axum::body::Bytes::from_request(Request::from_parts(parts, body), state)
            .await
            .map_err(|e| bad(&e.body_text()))?;
        let token: Token = serde_urlencoded::from_bytes(&bytes).map_err(|e| bad(&e.to_string()))?;
        let user = ctx
            .user_checked(&token._csrf)
            .map_err(|e| refused(&path, e))?
            .clone();
        let form = serde_urlencoded::from_bytes(&bytes).map_err(|e| bad(&e.to_string()))?;
        Ok(Signed { user, form })
    }
}

/// A JSON body.
pub struct JsonBody<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for JsonBody<T> {
    type Rejection = Refused;

    async fn from_request(req: Request, state: &S) -> Result<Self, Refused> {
        let path = req.uri().path().to_string();
        match axum::Json::<T>::from_request(req, state).await {
            Ok(axum::Json(v)) => Ok(JsonBody(v)),
            Err(e) => Err(unreadable(
                &path,
                &e.body_text(),
                |zh| {
                    format!("请求的 JSON 有误：{zh}（须为 Content-Type: application/json，字段见 /api/openapi.json）。")
                },
                |en| {
                    format!("The JSON sent is wrong: {en} (send Content-Type: application/json; fields as in /api/openapi.json).")
                },
            )),
        }
    }
}

/// The query string.
pub struct Query<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for Query<T> {
    type Rejection = Refused;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Refused> {
        match axum::extract::Query::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Query(v)) => Ok(Query(v)),
            Err(e) => Err(unreadable(
                parts.uri.path(),
                &e.body_text(),
                |zh| format!("地址中的查询参数有误：{zh}。"),
                |en| format!("The address's query is wrong: {en}."),
            )),
        }
    }
}

/// The path's parameters. An address whose parameters do not parse (a year that is not a
/// number) names nothing: it is "not found".
pub struct Path<T>(pub T);

impl<T: DeserializeOwned + Send, S: Send + Sync> FromRequestParts<S> for Path<T> {
    type Rejection = Refused;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Refused> {
        match axum::extract::Path::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Path(v)) => Ok(Path(v)),
            Err(_) => Err(refused(parts.uri.path(), WebError::NotFound)),
        }
    }
}

/// A `multipart/form-data` body (uploads).
pub struct Multipart(pub axum::extract::Multipart);

impl<S: Send + Sync> FromRequest<S> for Multipart {
    type Rejection = Refused;

    async fn from_request(req: Request, state: &S) -> Result<Self, Refused> {
        let path = req.uri().path().to_string();
        match axum::extract::Multipart::from_request(req, state).await {
            Ok(m) => Ok(Multipart(m)),
            Err(_) => Err(refused(
                &path,
                WebError::invalid(
                    "上传的表单格式不对：请在页面上选择文件后提交。",
                    "The upload is not a file form: choose the file on the page and send it.",
                ),
            )),
        }
    }
}

/// What a broken upload is told: too large (over the limit) or cut off.
pub fn multipart_error(e: &axum::extract::multipart::MultipartError) -> WebError {
    if e.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
        WebError::invalid(
            format!(
                "上传的文件太大：每次上传不能超过 {} MB。",
                crate::UPLOAD_LIMIT_MB
            ),
            format!(
                "The file is too large: an upload may be at most {} MB.",
                crate::UPLOAD_LIMIT_MB
            ),
        )
    } else {
        WebError::invalid(
            "上传不完整（连接中断或文件损坏），请重新上传。",
            "The upload is incomplete (the connection broke or the file is damaged); upload it again.",
        )
    }
}
