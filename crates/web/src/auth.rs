//! Who is asking: accounts, roles, passwords (Argon2id), sessions kept in the database, sign-in
//! throttling and lockout, and CSRF tokens.

use crate::error::WebError;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use jixiao_store::sql::{Sql, Value};
use sha2::{Digest, Sha256};

/// The roles. The last three are 三员分立: none can do another's work, and none sees the
/// departments' data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Role {
    /// 财政局管理员: every department.
    BureauAdmin,
    /// 部门填报人: edits and submits their own department's data.
    DeptEditor,
    /// 部门审核人: returns or approves, and publishes, their own department's results.
    DeptApprover,
    /// 评价人员: reads the departments assigned to them.
    Evaluator,
    /// 系统管理员: accounts and configuration.
    SysAdmin,
    /// 安全管理员: roles and permissions.
    SecAdmin,
    /// 审计管理员: reads the audit trail.
    AuditAdmin,
}

impl Role {
    /// Every role, in the order pages list them.
    pub const ALL: [Role; 7] = [
        Role::BureauAdmin,
        Role::DeptEditor,
        Role::DeptApprover,
        Role::Evaluator,
        Role::SysAdmin,
        Role::SecAdmin,
        Role::AuditAdmin,
    ];

    /// The stable id stored in the database.
    pub fn id(self) -> &'static str {
        match self {
            Role::BureauAdmin => "bureau_admin",
            Role::DeptEditor => "dept_editor",
            Role::DeptApprover => "dept_approver",
            Role::Evaluator => "evaluator",
            Role::SysAdmin => "system_admin",
            Role::SecAdmin => "security_admin",
            Role::AuditAdmin => "audit_admin",
        }
    }

    /// The role from its id.
    pub fn parse(id: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.id() == id)
    }

    /// Its name, in Chinese and English.
    pub fn label(self) -> (&'static str, &'static str) {
        match self {
            Role::BureauAdmin => ("财政局管理员", "Finance bureau administrator"),
            Role::DeptEditor => ("部门填报人", "Department editor"),
            Role::DeptApprover => ("部门审核人", "Department approver"),
            Role::Evaluator => ("评价人员", "Evaluator"),
            Role::SysAdmin => ("系统管理员", "System administrator"),
            Role::SecAdmin => ("安全管理员", "Security administrator"),
            Role::AuditAdmin => ("审计管理员", "Audit administrator"),
        }
    }

    /// Whether the role belongs to one department.
    pub fn needs_department(self) -> bool {
        matches!(self, Role::DeptEditor | Role::DeptApprover)
    }
}

/// A signed-in user.
#[derive(Debug, Clone)]
pub struct User {
    /// The account's id.
    pub id: i64,
    /// The sign-in name.
    pub username: String,
    /// The name shown.
    pub display_name: String,
    /// The role; `None` until the security administrator assigns one.
    pub role: Option<Role>,
    /// The department of an editor or approver.
    pub department: Option<String>,
    /// The departments an evaluator may read.
    pub assigned: Vec<String>,
}

impl User {
    /// Whether this user may read a department's data.
    pub fn reads(&self, department: &str) -> bool {
        match self.role {
            Some(Role::BureauAdmin) => true,
            Some(Role::DeptEditor | Role::DeptApprover) => {
                self.department.as_deref() == Some(department)
            }
            Some(Role::Evaluator) => self.assigned.iter().any(|d| d == department),
            _ => false,
        }
    }

    /// Whether this user may change a department's data (entries, recomputation, submission).
    pub fn edits(&self, department: &str) -> bool {
        match self.role {
            Some(Role::BureauAdmin) => true,
            Some(Role::DeptEditor) => self.department.as_deref() == Some(department),
            _ => false,
        }
    }

    /// Whether this user may return, approve or publish a department's self-evaluation.
    pub fn reviews(&self, department: &str) -> bool {
        match self.role {
            Some(Role::BureauAdmin) => true,
            Some(Role::DeptApprover) => self.department.as_deref() == Some(department),
            _ => false,
        }
    }

    /// Whether the user works with departments' data at all (not one of the three admins).
    pub fn is_business(&self) -> bool {
        matches!(
            self.role,
            Some(Role::BureauAdmin | Role::DeptEditor | Role::DeptApprover | Role::Evaluator)
        )
    }

    /// The name recorded in the audit trail and the workflow.
    pub fn actor(&self) -> String {
        format!("{}（{}）", self.display_name, self.username)
    }
}

/// How long a session lasts at most, and without a request.
pub const SESSION_HOURS: i64 = 12;
/// Idle time after which a session ends.
pub const IDLE_MINUTES: i64 = 30;
/// Failed sign-ins in a row that lock an account.
pub const MAX_FAILURES: i64 = 5;
/// How long a locked account stays locked.
pub const LOCK_MINUTES: i64 = 15;

/// Seconds since 1970.
pub fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

/// `n` random bytes as hex, from the operating system.
pub fn random_hex(n: usize) -> String {
    let mut buf = vec![0u8; n];
    getrandom::fill(&mut buf).expect("the operating system's random source");
    hex(&buf)
}

/// Lower-case hex.
pub fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(DIGITS[(b >> 4) as usize] as char);
        s.push(DIGITS[(b & 15) as usize] as char);
    }
    s
}

/// SHA-256 of text, as hex.
pub fn sha256(text: &str) -> String {
    hex(&Sha256::digest(text.as_bytes()))
}

/// An Argon2id hash (PHC string) of a password, with a fresh salt.
pub fn hash_password(password: &str) -> Result<String, WebError> {
    let mut salt = [0u8; 16];
    getrandom::fill(&mut salt).map_err(|e| WebError::Internal(e.to_string()))?;
    let salt = SaltString::encode_b64(&salt).map_err(|e| WebError::Internal(e.to_string()))?;
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| WebError::Internal(e.to_string()))
}

fn verify_password(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash)
        .map(|h| {
            Argon2::default()
                .verify_password(password.as_bytes(), &h)
                .is_ok()
        })
        .unwrap_or(false)
}

/// What a password must be: the rule is shown on the forms.
pub fn check_password_rule(password: &str) -> Result<(), WebError> {
    let kinds = [
        password.chars().any(|c| c.is_ascii_lowercase()),
        password.chars().any(|c| c.is_ascii_uppercase()),
        password.chars().any(|c| c.is_ascii_digit()),
        password.chars().any(|c| !c.is_ascii_alphanumeric()),
    ];
    if password.chars().count() < 10 || kinds.iter().filter(|k| **k).count() < 3 {
        return Err(WebError::Invalid(
            "密码至少 10 位，且包含大写字母、小写字母、数字、符号中的至少三类。".into(),
        ));
    }
    Ok(())
}

const USER_COLUMNS: &str = "id, username, display_name, role, department_code";

fn user_from(sql: &mut dyn Sql, row: &[Value]) -> Result<User, WebError> {
    let id = row[0].int();
    let role = Role::parse(row[3].text());
    // Only evaluators have assignments: the others are spared the query.
    let assigned = if role == Some(Role::Evaluator) {
        sql.query(
            "SELECT department_code FROM web_assignments WHERE user_id = $1 ORDER BY department_code",
            &[id.into()],
        )?
        .into_iter()
        .map(|r| r[0].text().to_string())
        .collect()
    } else {
        Vec::new()
    };
    Ok(User {
        id,
        username: row[1].text().into(),
        display_name: row[2].text().into(),
        role,
        department: row[4].opt_text().map(str::to_string),
        assigned,
    })
}

/// A new session: the token for the cookie (kept only as a hash) and the CSRF token.
pub struct NewSession {
    /// The cookie's value.
    pub token: String,
    /// The token forms and API calls must send back.
    pub csrf: String,
}

/// Signs a user in: checks the password, counts failures and locks the account after
/// [`MAX_FAILURES`] in a row for [`LOCK_MINUTES`]. Unknown names cost the same time as known
/// ones and get the same answer.
pub fn sign_in(
    sql: &mut dyn Sql,
    username: &str,
    password: &str,
) -> Result<(User, NewSession), WebError> {
    let wrong = || WebError::Invalid("用户名或密码不正确。".into());
    let row = sql.row(
        "SELECT id, password_hash, failed_logins, locked_until, active FROM web_users WHERE username = $1",
        &[username.into()],
    )?;
    let Some(row) = row else {
        // The same work as a real check, so timing does not tell which names exist.
        let _ = verify_password(password, dummy_hash());
        return Err(wrong());
    };
    let (id, hash, failures, locked_until, active) = (
        row[0].int(),
        row[1].text().to_string(),
        row[2].int(),
        row[3].int(),
        row[4].int() != 0,
    );
    let t = now();
    if locked_until > t {
        return Err(WebError::Locked(format!(
            "连续 {MAX_FAILURES} 次密码错误，账号已锁定，请 {} 分钟后再试或联系系统管理员解锁。",
            (locked_until - t + 59) / 60
        )));
    }
    if !verify_password(password, &hash) || !active {
        let failures = failures + 1;
        let lock = if failures >= MAX_FAILURES {
            t + LOCK_MINUTES * 60
        } else {
            0
        };
        sql.execute(
            "UPDATE web_users SET failed_logins = $1, locked_until = $2 WHERE id = $3",
            &[
                (if lock > 0 { 0 } else { failures }).into(),
                lock.into(),
                id.into(),
            ],
        )?;
        if lock > 0 {
            crate::audit::append(
                sql,
                username,
                "账号锁定",
                &format!("user:{id}"),
                "",
                &format!("连续 {MAX_FAILURES} 次密码错误"),
            )?;
            return Err(WebError::Locked(format!(
                "连续 {MAX_FAILURES} 次密码错误，账号已锁定 {LOCK_MINUTES} 分钟。"
            )));
        }
        return Err(wrong());
    }
    sql.execute(
        "UPDATE web_users SET failed_logins = 0, locked_until = 0 WHERE id = $1",
        &[id.into()],
    )?;
    let session = NewSession {
        token: random_hex(32),
        csrf: random_hex(32),
    };
    sql.execute(
        "INSERT INTO web_sessions (token_hash, user_id, csrf, created_at, expires_at, idle_until) VALUES ($1, $2, $3, $4, $5, $6)",
        &[
            sha256(&session.token).into(),
            id.into(),
            session.csrf.clone().into(),
            t.into(),
            (t + SESSION_HOURS * 3600).into(),
            (t + IDLE_MINUTES * 60).into(),
        ],
    )?;
    let row = sql
        .row(
            &format!("SELECT {USER_COLUMNS} FROM web_users WHERE id = $1"),
            &[id.into()],
        )?
        .ok_or(WebError::SignIn)?;
    let user = user_from(sql, &row)?;
    Ok((user, session))
}

/// An Argon2id hash of a random password nobody knows, made once per process.
fn dummy_hash() -> &'static str {
    static HASH: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    HASH.get_or_init(|| hash_password(&random_hex(16)).unwrap_or_default())
}

/// The user and CSRF token of a session cookie, when it is live; moves the idle limit on
/// (at most once a minute, so reads do not write on every request).
pub fn session(sql: &mut dyn Sql, token: &str) -> Result<Option<(User, String)>, WebError> {
    let t = now();
    let hash = sha256(token);
    let row = sql.row(
        "SELECT u.id, u.username, u.display_name, u.role, u.department_code, s.csrf, s.idle_until \
         FROM web_sessions s JOIN web_users u ON u.id = s.user_id \
         WHERE s.token_hash = $1 AND s.expires_at > $2 AND s.idle_until > $2 AND u.active = 1",
        &[hash.clone().into(), t.into()],
    )?;
    let Some(row) = row else { return Ok(None) };
    if row[6].int() - t < IDLE_MINUTES * 60 - 60 {
        sql.execute(
            "UPDATE web_sessions SET idle_until = $1 WHERE token_hash = $2",
            &[(t + IDLE_MINUTES * 60).into(), hash.into()],
        )?;
    }
    let csrf = row[5].text().to_string();
    Ok(Some((user_from(sql, &row)?, csrf)))
}

/// Ends a session.
pub fn sign_out(sql: &mut dyn Sql, token: &str) -> Result<(), WebError> {
    sql.execute(
        "DELETE FROM web_sessions WHERE token_hash = $1",
        &[sha256(token).into()],
    )?;
    Ok(())
}

/// Signs in inside a write transaction that commits either way, so failures are counted;
/// the outer error is the store's, the inner one the user's.
pub fn sign_in_recorded(
    sql: &mut dyn Sql,
    username: &str,
    password: &str,
) -> Result<Result<NewSession, WebError>, WebError> {
    sql.begin_write()?;
    match sign_in(sql, username, password) {
        Ok((user, session)) => {
            crate::audit::append(
                sql,
                &user.actor(),
                "登录",
                &format!("user:{}", user.id),
                "",
                "",
            )?;
            sql.commit()?;
            Ok(Ok(session))
        }
        Err(WebError::Internal(m)) => {
            let _ = sql.rollback();
            Err(WebError::Internal(m))
        }
        Err(refusal) => {
            sql.commit()?;
            Ok(Err(refusal))
        }
    }
}

/// Ends a session and records it, in one transaction.
pub fn sign_out_recorded(sql: &mut dyn Sql, user: &User, token: &str) -> Result<(), WebError> {
    sql.write(|sql| {
        sign_out(sql, token)?;
        crate::audit::append(
            sql,
            &user.actor(),
            "退出",
            &format!("user:{}", user.id),
            "",
            "",
        )?;
        Ok(())
    })
}

/// Every account, for the administrators' pages.
pub fn users(sql: &mut dyn Sql) -> Result<Vec<Account>, WebError> {
    let rows = sql.query(
        &format!("SELECT {USER_COLUMNS}, active, locked_until, version FROM web_users ORDER BY id"),
        &[],
    )?;
    rows.iter()
        .map(|r| {
            Ok(Account {
                user: user_from(sql, r)?,
                active: r[5].int() != 0,
                locked_until: r[6].int(),
                version: r[7].int(),
            })
        })
        .collect()
}

/// An account as the administrators' pages list it.
#[derive(Debug, Clone)]
pub struct Account {
    /// The user.
    pub user: User,
    /// Whether it may sign in.
    pub active: bool,
    /// Locked until (unix seconds; 0 when not locked).
    pub locked_until: i64,
    /// Bumped by each role change: the roles form carries it.
    pub version: i64,
}

/// The version of an account's role, for refusing a role change made on an old page.
pub fn role_version(sql: &mut dyn Sql, user_id: i64) -> Result<i64, WebError> {
    Ok(sql
        .row(
            "SELECT version FROM web_users WHERE id = $1",
            &[user_id.into()],
        )?
        .ok_or(WebError::NotFound)?[0]
        .int())
}

/// Creates an account (the system administrator's work); its role is set separately.
pub fn create_user(
    sql: &mut dyn Sql,
    username: &str,
    display_name: &str,
    password: &str,
) -> Result<i64, WebError> {
    let username = username.trim();
    if username.is_empty()
        || !username
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "._-".contains(c))
    {
        return Err(WebError::Invalid(
            "用户名只能由字母、数字和 . _ - 组成，且不能为空。".into(),
        ));
    }
    check_password_rule(password)?;
    if sql
        .row(
            "SELECT 1 FROM web_users WHERE username = $1",
            &[username.into()],
        )?
        .is_some()
    {
        return Err(WebError::Invalid(format!("用户名“{username}”已存在。")));
    }
    let hash = hash_password(password)?;
    sql.execute(
        "INSERT INTO web_users (username, display_name, password_hash, created_at) VALUES ($1, $2, $3, $4)",
        &[
            username.into(),
            display_name.trim().into(),
            hash.into(),
            jixiao_store::now_utc().into(),
        ],
    )?;
    let row = sql
        .row(
            "SELECT id FROM web_users WHERE username = $1",
            &[username.into()],
        )?
        .ok_or_else(|| WebError::Internal("新建的用户找不到".into()))?;
    Ok(row[0].int())
}

/// Sets a role, department and evaluator assignments (the security administrator's work).
pub fn set_role(
    sql: &mut dyn Sql,
    user_id: i64,
    role: Option<Role>,
    department: Option<&str>,
    assigned: &[String],
) -> Result<(), WebError> {
    let department = department.map(str::trim).filter(|d| !d.is_empty());
    if role.is_some_and(Role::needs_department) && department.is_none() {
        return Err(WebError::Invalid(
            "部门填报人和部门审核人须指定所属部门。".into(),
        ));
    }
    let n = sql.execute(
        "UPDATE web_users SET role = $1, department_code = $2, version = version + 1 WHERE id = $3",
        &[
            role.map_or("", Role::id).into(),
            department
                .filter(|_| role.is_some_and(Role::needs_department))
                .into(),
            user_id.into(),
        ],
    )?;
    if n == 0 {
        return Err(WebError::NotFound);
    }
    sql.execute(
        "DELETE FROM web_assignments WHERE user_id = $1",
        &[user_id.into()],
    )?;
    if role == Some(Role::Evaluator) {
        for d in assigned.iter().map(|d| d.trim()).filter(|d| !d.is_empty()) {
            sql.execute(
                "INSERT INTO web_assignments (user_id, department_code) VALUES ($1, $2)",
                &[user_id.into(), d.into()],
            )?;
        }
    }
    // A changed role takes effect at once: the user's sessions end.
    sql.execute(
        "DELETE FROM web_sessions WHERE user_id = $1",
        &[user_id.into()],
    )?;
    Ok(())
}

/// The role stored for an account (`None` for no role), or `NotFound`.
pub fn role_of(sql: &mut dyn Sql, user_id: i64) -> Result<Option<Role>, WebError> {
    let r = sql
        .row(
            "SELECT role FROM web_users WHERE id = $1",
            &[user_id.into()],
        )?
        .ok_or(WebError::NotFound)?;
    Ok(Role::parse(r[0].text()))
}

/// Whether a role is one of the three administrators (三员).
pub fn is_admin_role(role: Option<Role>) -> bool {
    matches!(
        role,
        Some(Role::SysAdmin | Role::SecAdmin | Role::AuditAdmin)
    )
}

/// Unlocks an account and, when given, sets a new password (the system administrator's work).
/// The three administrators' own accounts are reset from the command line only: a password
/// set through the web by one of them would let that one act as another.
pub fn reset(sql: &mut dyn Sql, user_id: i64, password: Option<&str>) -> Result<(), WebError> {
    if password.is_some() && is_admin_role(role_of(sql, user_id)?) {
        return Err(WebError::Invalid(
            "三员（系统、安全、审计管理员）的密码只能在服务器上用命令行重置（jixiao user reset 用户名），不能在网页上重置。".into(),
        ));
    }
    if let Some(p) = password {
        check_password_rule(p)?;
        let hash = hash_password(p)?;
        sql.execute(
            "UPDATE web_users SET password_hash = $1 WHERE id = $2",
            &[hash.into(), user_id.into()],
        )?;
        sql.execute(
            "DELETE FROM web_sessions WHERE user_id = $1",
            &[user_id.into()],
        )?;
    }
    let n = sql.execute(
        "UPDATE web_users SET failed_logins = 0, locked_until = 0 WHERE id = $1",
        &[user_id.into()],
    )?;
    if n == 0 {
        return Err(WebError::NotFound);
    }
    Ok(())
}
