//! The JSON API: the same operations as the pages, under `/api`, described by the OpenAPI
//! document at `/api/openapi.json`. Sign in with `POST /api/login`; send the session cookie
//! and, on every state-changing call, the `X-CSRF-Token` header from the sign-in answer.

use crate::error::WebError;
use crate::extract::{JsonBody, Path, Query};
use crate::service;
use crate::{AppState, Ctx};
use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue};
use axum::response::{IntoResponse, Response};
use axum::Json;
use jixiao_domain::number::format_score;
use serde::Deserialize;
use serde_json::{json, Value};

type Api = Result<Response, WebError>;

fn csrf(headers: &HeaderMap) -> String {
    headers
        .get("x-csrf-token")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string()
}

fn user_json(u: &crate::auth::User) -> Value {
    json!({
        "id": u.id,
        "username": u.username,
        "display_name": u.display_name,
        "role": u.role.map(|r| r.id()),
        "department": u.department,
        "assigned": u.assigned,
    })
}

#[derive(Deserialize)]
pub struct Login {
    username: String,
    password: String,
}

/// `POST /api/login`: the session cookie, and the CSRF token to send back.
pub async fn login(State(s): State<AppState>, ctx: Ctx, JsonBody(b): JsonBody<Login>) -> Api {
    let source = ctx.source.clone();
    let (session, must_change) = s
        .pool
        .run(move |store| {
            crate::auth::sign_in_recorded(store.sql(), &b.username, &b.password, &source)
        })
        .await??;
    let mut res = Json(json!({ "csrf_token": session.csrf, "must_change_password": must_change }))
        .into_response();
    if let Ok(v) = HeaderValue::from_str(&crate::session_cookie(&session.token)) {
        res.headers_mut().insert(header::SET_COOKIE, v);
    }
    Ok(res)
}

pub async fn logout(State(s): State<AppState>, ctx: Ctx, headers: HeaderMap) -> Api {
    let user = ctx.user_checked(&csrf(&headers))?.clone();
    if let Some(token) = ctx.token.clone() {
        s.pool
            .run(move |store| crate::auth::sign_out_recorded(store.sql(), &user, &token))
            .await?;
    }
    Ok(Json(json!({ "signed_out": true })).into_response())
}

pub async fn me(ctx: Ctx) -> Api {
    let u = ctx.user()?;
    Ok(Json(user_json(u)).into_response())
}

fn business(ctx: &Ctx) -> Result<crate::auth::User, WebError> {
    let u = ctx.user()?;
    if u.is_business() {
        Ok(u.clone())
    } else {
        Err(WebError::Forbidden)
    }
}

pub async fn departments(State(s): State<AppState>, ctx: Ctx) -> Api {
    let user = business(&ctx)?;
    let list = s
        .pool
        .run(move |store| service::departments(store, &user))
        .await?;
    Ok(Json(json!({ "departments": list })).into_response())
}

#[derive(Deserialize)]
pub struct AsOf {
    as_of: String,
}

pub async fn monitoring(State(s): State<AppState>, ctx: Ctx, Query(q): Query<AsOf>) -> Api {
    let user = business(&ctx)?;
    let as_of = jixiao_domain::date::Date::parse(&q.as_of).ok_or_else(|| {
        WebError::invalid(
            format!("as_of “{}” 应为 2021-09-30 这样的日期。", q.as_of),
            format!("as_of “{}” must be a date such as 2021-09-30.", q.as_of),
        )
    })?;
    let cache = s.monitoring.clone();
    let m = s
        .pool
        .run(move |store| cache.get(store, as_of.year(), as_of))
        .await?;
    let lines: Vec<Value> = m
        .departments
        .lines
        .iter()
        .enumerate()
        .filter(|(_, d)| user.reads(&d.key))
        .map(|(i, d)| {
            json!({
                "rank": i + 1,
                "department": d.key,
                "name": m.names.get(&d.key),
                "budget_fen": d.budget.0.to_string(),
                "executed_fen": d.executed.0.to_string(),
                "rate": d.rate().map(|r| r.round_dp(6).to_string()),
                "warning": d.warning.id(),
                "red_projects": d.red,
                "yellow_projects": d.yellow,
            })
        })
        .collect();
    Ok(Json(json!({
        "as_of": m.as_of.to_string(),
        "time_progress": m.departments.time.fraction().round_dp(6).to_string(),
        "departments": lines,
    }))
    .into_response())
}

pub async fn evaluation(
    State(s): State<AppState>,
    ctx: Ctx,
    Path((dept, year)): Path<(String, i32)>,
) -> Api {
    let user = business(&ctx)?;
    let se = s
        .pool
        .run(move |store| service::self_evaluation(store, &user, &dept, year))
        .await?;
    let items: Vec<Value> = se
        .department
        .items
        .iter()
        .map(|i| {
            json!({
                "id": i.id, "name": i.name, "weight": format_score(i.weight),
                "value": i.value_text(), "score": format_score(i.score), "lost": format_score(i.lost()),
                "rule": i.rule, "working": i.working, "loss_reason": i.loss_reason,
                "inputs": i.inputs.iter().map(|x| json!({"label": x.label, "value": x.value, "inferred": x.origin.is_inferred()})).collect::<Vec<_>>(),
                "inferred": i.uses_inferred(),
            })
        })
        .collect();
    let indicators: Vec<Value> = se
        .data
        .projects
        .iter()
        .flat_map(|p| p.indicators.iter().map(move |i| (p, i)))
        .map(|(p, i)| {
            let e = se
                .entries
                .get(&(p.code.clone(), i.name.clone()))
                .cloned()
                .unwrap_or_default();
            json!({
                "project": p.code, "indicator": i.name,
                "target": i.target.as_ref().map(|t| t.value.to_string()),
                "actual": i.actual.as_ref().map(|a| a.value.to_string()),
                "unit": i.unit, "evidence": e.evidence, "version": e.version,
            })
        })
        .collect();
    Ok(Json(json!({
        "department": se.data.department.code,
        "year": se.data.year,
        "total": format_score(se.department.total),
        "max_total": format_score(se.department.max_total),
        "grade": se.department.grade_label,
        "items": items,
        "projects": se.projects.iter().map(|p| json!({"name": p.subject, "total": format_score(p.total)})).collect::<Vec<_>>(),
        "indicators": indicators,
        "workflow": se.status,
    }))
    .into_response())
}

pub async fn save_actual(
    State(s): State<AppState>,
    ctx: Ctx,
    headers: HeaderMap,
    Path((dept, year)): Path<(String, i32)>,
    JsonBody(b): JsonBody<service::ActualEntry>,
) -> Api {
    let user = ctx.user_checked(&csrf(&headers))?.clone();
    let version = s
        .pool
        .run(move |store| service::set_actual(store, &user, &dept, year, &b))
        .await?;
    Ok(Json(json!({ "version": version })).into_response())
}

pub async fn recompute(
    State(s): State<AppState>,
    ctx: Ctx,
    headers: HeaderMap,
    Path((dept, year)): Path<(String, i32)>,
) -> Api {
    let user = ctx.user_checked(&csrf(&headers))?.clone();
    let total = s
        .pool
        .run(move |store| service::recompute(store, &user, &dept, year))
        .await?;
    Ok(Json(json!({ "total": total })).into_response())
}

pub async fn transition(
    State(s): State<AppState>,
    ctx: Ctx,
    headers: HeaderMap,
    Path((dept, year)): Path<(String, i32)>,
    JsonBody(b): JsonBody<crate::workflow::StepCommand>,
) -> Api {
    let user = ctx.user_checked(&csrf(&headers))?.clone();
    let status = s
        .pool
        .run(move |store| service::transition(store, &user, &dept, year, &b))
        .await?;
    Ok(Json(json!(status)).into_response())
}

pub async fn audit(State(s): State<AppState>, ctx: Ctx) -> Api {
    let u = ctx.user()?;
    if u.role != Some(crate::auth::Role::AuditAdmin) {
        return Err(WebError::Forbidden);
    }
    let (entries, verdict) = s
        .pool
        .run(|store| {
            let sql = store.sql();
            Ok::<_, WebError>((
                crate::audit::recent(sql, 100, 0)?,
                crate::audit::verify(sql)?,
            ))
        })
        .await?;
    Ok(Json(json!({
        "intact": verdict.is_ok(),
        "breaks": verdict.err().unwrap_or_default().iter().map(|b| json!({"seq": b.seq, "reason": b.reason})).collect::<Vec<_>>(),
        "entries": entries,
    }))
    .into_response())
}

pub async fn public(State(s): State<AppState>) -> Api {
    let list = s.pool.run(|store| service::published(store)).await?;
    Ok(Json(json!({
        "published": list.iter().map(|(code, name, year, at)| json!({
            "department": code, "name": name, "year": year, "published_at": at,
            "report_pdf": format!("/public/{code}/{year}/report/pdf"),
            "report_docx": format!("/public/{code}/{year}/report/docx"),
        })).collect::<Vec<_>>()
    }))
    .into_response())
}

/// `GET /api/openapi.json`: the API described (OpenAPI 3.1).
pub async fn openapi() -> Response {
    (
        [(header::CONTENT_TYPE, "application/json")],
        include_str!("../openapi.json"),
    )
        .into_response()
}

/// `GET /api/rectifications`: the rectifications of the departments the user may read.
pub async fn rectifications(State(s): State<AppState>, ctx: Ctx) -> Api {
    let user = business(&ctx)?;
    let list = s
        .pool
        .run(move |store| {
            crate::results::rectifications(store.sql(), &user, crate::results::today())
        })
        .await?;
    Ok(Json(json!({ "rectifications": list })).into_response())
}

/// `POST /api/rectifications`: opens one; due 30 days after `sent_on` unless `due_on`.
pub async fn create_rectification(
    State(s): State<AppState>,
    ctx: Ctx,
    headers: HeaderMap,
    JsonBody(b): JsonBody<crate::results::NewRectification>,
) -> Api {
    let user = ctx.user_checked(&csrf(&headers))?.clone();
    let id = s
        .pool
        .run(move |store| crate::results::open_rectification(store.sql(), &user, &b))
        .await?;
    Ok(Json(json!({ "id": id })).into_response())
}

/// `POST /api/rectifications/{id}`: the unit's report; a stale version is refused (409).
pub async fn update_rectification(
    State(s): State<AppState>,
    ctx: Ctx,
    headers: HeaderMap,
    Path(id): Path<i64>,
    JsonBody(b): JsonBody<crate::results::RectificationReport>,
) -> Api {
    business(&ctx)?;
    let user = ctx.user_checked(&csrf(&headers))?.clone();
    s.pool
        .run(move |store| {
            crate::results::update_rectification(store.sql(), &user, id, b.progress()?)
        })
        .await?;
    Ok(Json(json!({ "saved": true })).into_response())
}

/// `GET /api/linkage`: the budget-linkage table (finance bureau).
pub async fn linkage(State(s): State<AppState>, ctx: Ctx) -> Api {
    let user = ctx.user()?.clone();
    if user.role != Some(crate::auth::Role::BureauAdmin) {
        return Err(WebError::Forbidden);
    }
    let rules = s.linkage.clone();
    let (provisional, note) = (rules.provisional, rules.note.clone());
    let rows = s
        .pool
        .run(move |store| crate::results::linkage_table(store, &user, &rules))
        .await?;
    Ok(Json(json!({ "provisional": provisional, "note": note, "rows": rows })).into_response())
}

/// `GET /api/declarations`: the target declarations the user may read (`?year=` to narrow).
pub async fn declarations(
    State(s): State<AppState>,
    ctx: Ctx,
    Query(q): Query<crate::declarations::ListQuery>,
) -> Api {
    let user = business(&ctx)?;
    let list = s
        .pool
        .run(move |store| crate::declarations::list(store.sql(), &user, q.year))
        .await?;
    Ok(Json(json!({ "declarations": list })).into_response())
}

/// `GET /api/declarations/{id}`: one declaration, its texts and steps, and the automatic review
/// of its latest text.
pub async fn declaration(State(s): State<AppState>, ctx: Ctx, Path(id): Path<i64>) -> Api {
    let user = business(&ctx)?;
    let (record, review) = s
        .pool
        .run(move |store| {
            let r = crate::declarations::get(store.sql(), &user, id)?;
            let review = crate::declarations::review(store, &user, id, None)?;
            Ok::<_, WebError>((r, review))
        })
        .await?;
    Ok(
        Json(json!({ "declaration": record, "review": jixiao_app::targets::review_json(&review) }))
            .into_response(),
    )
}

/// `POST /api/declarations`: saves a declaration's text (`id` 0 declares a new project).
pub async fn save_declaration(
    State(s): State<AppState>,
    ctx: Ctx,
    headers: HeaderMap,
    JsonBody(b): JsonBody<crate::declarations::SaveCommand>,
) -> Api {
    let user = ctx.user_checked(&csrf(&headers))?.clone();
    let saved = s
        .pool
        .run(move |store| crate::declarations::save(store, &user, &b))
        .await?;
    Ok(Json(json!(saved)).into_response())
}

/// `POST /api/declarations/{id}/steps`: a step of the review (`submit`, `pass`, `return`,
/// `approve`) from the version the user saw.
pub async fn declaration_step(
    State(s): State<AppState>,
    ctx: Ctx,
    headers: HeaderMap,
    Path(id): Path<i64>,
    JsonBody(b): JsonBody<crate::workflow::StepCommand>,
) -> Api {
    let user = ctx.user_checked(&csrf(&headers))?.clone();
    let saved = s
        .pool
        .run(move |store| crate::declarations::step(store, &user, id, &b))
        .await?;
    Ok(Json(json!(saved)).into_response())
}

/// `GET /api/declarations/{id}/assessment`: the ex-ante assessment — whether it is needed, each
/// expert's scores, the panel's score and spread, the conclusion.
pub async fn assessment(State(s): State<AppState>, ctx: Ctx, Path(id): Path<i64>) -> Api {
    let user = business(&ctx)?;
    let view = s
        .pool
        .run(move |store| crate::assessments::view(store.sql(), &user, id))
        .await?;
    Ok(Json(json!(view)).into_response())
}

/// `POST /api/declarations/{id}/assessment/{experts|scores|conclusion}`: the bureau assigns an
/// expert (`username`), an assigned expert scores every dimension (one field per dimension's
/// name, and `comment`), the bureau concludes (`budget` in 万元, `suggestions`).
pub async fn assessment_action(
    State(s): State<AppState>,
    ctx: Ctx,
    headers: HeaderMap,
    Path((id, action)): Path<(i64, String)>,
    JsonBody(b): JsonBody<Value>,
) -> Api {
    let user = ctx.user_checked(&csrf(&headers))?.clone();
    let view = s
        .pool
        .run(move |store| crate::assessments::act(store.sql(), &user, id, &action, b))
        .await?;
    Ok(Json(json!(view)).into_response())
}
