//! Signing in and out, and changing one's own password (the only page open after signing in with a one-time credential).

use super::*;

pub(crate) fn login_page(ctx: &Ctx, token: &str, error: Option<String>) -> Markup {
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

pub(crate) fn with_login_cookie(mut res: Response, token: &str) -> Response {
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
    #[serde(default)]
    _csrf: String,
    username: String,
    password: String,
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

pub async fn logout(
    State(s): State<AppState>,
    ctx: Ctx,
    Signed { user, .. }: Signed<CsrfForm>,
) -> Page {
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
    current: String,
    new: String,
}

pub async fn change_password(
    State(s): State<AppState>,
    ctx: Ctx,
    Signed { user, form: f }: Signed<PasswordForm>,
) -> Page {
    let token = ctx.token.clone().unwrap_or_default();
    s.pool
        .run(move |store| auth::change_password(store.sql(), &user, &f.current, &f.new, &token))
        .await?;
    Ok(Redirect::to("/").into_response())
}
