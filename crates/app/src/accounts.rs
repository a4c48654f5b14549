//! The administrators' operations on accounts, each one transaction with its audit entry. The
//! system administrator creates accounts and resets them; the security administrator assigns
//! business roles and hands over the second halves of one-time credentials; everyone changes
//! their own password. The 三员 themselves are made and reset on the server's command line only.

use crate::auth::{self, Role, User};
use crate::Error;
use jixiao_store::sql::Sql;

/// The audit trail's name for an account.
fn entity(id: i64) -> String {
    format!("user:{id}")
}

/// A password nobody knows: a business account is reached only through the two halves of its
/// one-time credential.
fn unknown_password() -> String {
    format!("Aa1-{}", auth::random_hex(16))
}

/// Creates an account and returns its normalised name and the first half of its one-time
/// credential. `role` and `department` are set at once when given (the command line sets them;
/// the web leaves roles to the security administrator). A 三员 account gets `password` and no
/// credential — only the command line makes those.
pub fn create(
    sql: &mut dyn Sql,
    actor: &str,
    username: &str,
    display_name: &str,
    role: Option<Role>,
    department: Option<&str>,
    password: Option<&str>,
) -> Result<(String, Option<String>), Error> {
    let admin = auth::is_admin_role(role);
    if admin && password.is_none() {
        return Err(Error::invalid(
            "三员账号须在服务器命令行上设定密码（jixiao user add）。",
            "The three administrators' accounts get their password on the server's command line (jixiao user add).",
        ));
    }
    sql.write(|sql| {
        let initial = password.map_or_else(unknown_password, str::to_string);
        let id = auth::create_user(sql, username, display_name, &initial)?;
        let (name, _) = auth::account_names(sql, id)?;
        if role.is_some() {
            auth::set_role(sql, id, role, department, &[])?;
        }
        let first = if admin {
            None
        } else {
            Some(auth::issue_credential(sql, id, actor)?.first)
        };
        let role_text = role.map_or(String::new(), |r| format!(" {}", r.id()));
        let credential_text = if admin {
            ""
        } else {
            "；签发一次性凭证，后半段待安全管理员交付"
        };
        let shown = if role.is_some() { username } else { &name };
        crate::audit::append(
            sql,
            actor,
            "创建账号",
            &entity(id),
            "",
            &format!("{shown}{role_text}{credential_text}"),
        )?;
        Ok::<_, Error>((name, first))
    })
}

/// The system administrator's reset through the web: a new one-time credential (returns the
/// account's name and its first half), or only the sign-in delays lifted (returns `None`).
pub fn reset(
    sql: &mut dyn Sql,
    actor: &str,
    id: i64,
    issue: bool,
) -> Result<Option<(String, String)>, Error> {
    sql.write(|sql| {
        let (username, display) = auth::account_names(sql, id)?;
        if issue {
            let credential = auth::issue_credential(sql, id, actor)?;
            crate::audit::append(
                sql,
                actor,
                "重置密码（签发一次性凭证）",
                &entity(id),
                "",
                &format!("为 {display}（{username}）签发一次性凭证：前半段交系统管理员，后半段待安全管理员交付；首次登录须改密码，24 小时内有效"),
            )?;
            Ok::<_, Error>(Some((username, credential.first)))
        } else {
            auth::unlock(sql, id)?;
            crate::audit::append(
                sql,
                actor,
                "解除登录限制",
                &entity(id),
                "",
                &format!("{display}（{username}）"),
            )?;
            Ok(None)
        }
    })
}

/// The account named `username` (as typed: compared normalised).
pub fn find(sql: &mut dyn Sql, username: &str) -> Result<Option<i64>, Error> {
    let account = auth::normalize_username(username);
    Ok(sql
        .row(
            "SELECT id FROM web_users WHERE lower(username) = $1",
            &[account.into()],
        )?
        .map(|r| r[0].int()))
}

/// The reset made on the server's command line: a 三员 account gets `password` (required for
/// one), any other a one-time credential, whose first half is returned.
pub fn reset_on_server(
    sql: &mut dyn Sql,
    actor: &str,
    id: i64,
    username: &str,
    password: Option<&str>,
) -> Result<Option<String>, Error> {
    let admin = auth::is_admin_role(auth::role_of(sql, id)?);
    if admin && password.is_none() {
        return Err(Error::invalid(
            "三员账号的密码须在命令行上输入。",
            "A three-administrator account's password is typed on the command line.",
        ));
    }
    sql.write(|sql| {
        let first = match password.filter(|_| admin) {
            Some(p) => {
                auth::set_password(sql, id, p)?;
                None
            }
            None => Some(auth::issue_credential(sql, id, actor)?.first),
        };
        crate::audit::append(
            sql,
            actor,
            if admin {
                "重置三员密码"
            } else {
                "重置密码（签发一次性凭证）"
            },
            &entity(id),
            "",
            username,
        )?;
        Ok::<_, Error>(first)
    })
}

/// The security administrator hands over a credential's second half: returned once, then gone.
pub fn hand_over(sql: &mut dyn Sql, actor: &str, id: i64) -> Result<(String, String), Error> {
    sql.write(|sql| {
        let (username, display) = auth::account_names(sql, id)?;
        let second = auth::take_second_half(sql, id)?;
        crate::audit::append(
            sql,
            actor,
            "交付一次性凭证后半段",
            &entity(id),
            "",
            &format!("{display}（{username}）"),
        )?;
        Ok::<_, Error>((username, second))
    })
}

/// What the security administrator sets on an account: a business role (or none), its
/// department and the departments a third-party evaluator is assigned, as the form wrote them.
pub struct RoleChange<'a> {
    /// The role, `None` to take it away.
    pub role: Option<Role>,
    /// The role as written (for the audit entry).
    pub role_text: &'a str,
    /// The department of a department role.
    pub department: &'a str,
    /// An evaluator's departments, separated by commas or spaces.
    pub assigned: &'a str,
    /// The account's role version the form was read at; a newer one makes the change stale.
    pub version: Option<i64>,
}

/// Assigns a business role. The 三员 roles are given and taken on the server's command line
/// only: through the web the security administrator could otherwise make itself the others.
pub fn assign_role(
    sql: &mut dyn Sql,
    actor: &User,
    id: i64,
    change: &RoleChange<'_>,
) -> Result<(), Error> {
    if id == actor.id {
        return Err(Error::invalid(
            "不能修改自己的角色。",
            "You cannot change your own role.",
        ));
    }
    sql.write(|sql| {
        let assigned: Vec<String> = change
            .assigned
            .split([',', '，', ' '])
            .map(str::to_string)
            .collect();
        let before = auth::role_of(sql, id)?;
        if let Some(seen) = change.version {
            if auth::role_version(sql, id)? != seen {
                return Err(Error::stale(
                    "该账号的角色刚被他人修改，您的修改未保存。请刷新后再改。",
                    "Someone else just changed this account's role; your change was not saved. Reload and try again.",
                ));
            }
        }
        if auth::is_admin_role(change.role) || auth::is_admin_role(before) {
            return Err(Error::invalid(
                "三员角色只能在服务器上用命令行分配（jixiao user add），网页上不能授予或撤销。",
                "The three administrators' roles are given on the server's command line only (jixiao user add), never on the web.",
            ));
        }
        auth::set_role(sql, id, change.role, Some(change.department), &assigned)?;
        crate::audit::append(
            sql,
            &actor.actor(),
            "分配角色",
            &entity(id),
            before.map_or("", Role::id),
            &format!("{} {} {}", change.role_text, change.department, change.assigned),
        )?;
        Ok(())
    })
}
