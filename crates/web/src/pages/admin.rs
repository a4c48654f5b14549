//! The system and security administrators' pages: accounts, resets, credentials, roles.

use super::*;

pub(crate) fn user_rows(
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
    username: String,
    display_name: String,
}

/// The page that shows the first half of a credential, once.
pub(crate) fn credential_page(ctx: &Ctx, username: &str, first: &str) -> Page {
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

pub async fn create_user(
    State(s): State<AppState>,
    ctx: Ctx,
    Signed { user, form: f }: Signed<NewUserForm>,
) -> Page {
    only(&ctx, Role::SysAdmin)?;
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
    /// `unlock` (lift sign-in delays) or `issue` (a one-time credential).
    #[serde(default)]
    action: String,
}

pub async fn reset_user(
    State(s): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Signed { user, form: f }: Signed<ResetForm>,
) -> Page {
    only(&ctx, Role::SysAdmin)?;
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

/// The security administrator hands over a credential's second half: shown once, then gone.
pub async fn hand_over_credential(
    State(s): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Signed { user, .. }: Signed<CsrfForm>,
) -> Page {
    only(&ctx, Role::SecAdmin)?;
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
    Signed { user, form: f }: Signed<RoleForm>,
) -> Page {
    only(&ctx, Role::SecAdmin)?;
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
