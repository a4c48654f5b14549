//! Who is asking: accounts, roles, passwords (Argon2id), sessions kept in the database,
//! per-name-and-source sign-in throttling, one-time credentials for resets, and CSRF tokens.

use crate::Error;
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
    /// Signed in with a one-time credential: nothing but changing the password is allowed.
    pub must_change: bool,
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

    /// Whether this user may adjust project budgets (年中调整): the finance bureau only, who
    /// approve budgets; departments apply to the bureau for an adjustment.
    pub fn adjusts_budgets(&self) -> bool {
        self.role == Some(Role::BureauAdmin)
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
/// Failed sign-ins from one source on one name that cost no delay.
pub const FREE_FAILURES: i64 = 3;
/// The longest delay between tries from one source on one name, in seconds.
pub const MAX_DELAY_SECONDS: i64 = 900;
/// Failures from one source on an existing account after which the audit trail records it.
pub const AUDITED_FAILURES: i64 = 5;
/// How long a one-time credential stays valid, in hours.
pub const CREDENTIAL_HOURS: i64 = 24;
/// The longest sign-in name.
pub const MAX_USERNAME: usize = 32;
/// The longest name shown.
pub const MAX_DISPLAY_NAME: usize = 40;
/// The longest password (Argon2 hashes anything, but nobody types more).
pub const MAX_PASSWORD: usize = 128;

/// The wait before the next try after `failures` failures in a row from one source on one
/// name: none for the first [`FREE_FAILURES`], then 1, 2, 4 … seconds, at most
/// [`MAX_DELAY_SECONDS`]. Nothing ever locks the account itself: its holder signs in from
/// another source at once.
pub fn delay_after(failures: i64) -> i64 {
    if failures < FREE_FAILURES {
        0
    } else {
        let n = (failures - FREE_FAILURES).min(20) as u32;
        (1i64 << n).min(MAX_DELAY_SECONDS)
    }
}

/// A sign-in name as stored and compared: trimmed, ASCII lower case (`BUREAU` is `bureau`).
pub fn normalize_username(name: &str) -> String {
    name.trim().to_ascii_lowercase()
}

/// Milliseconds since 1970 (sign-in throttling counts in them).
pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

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
pub fn hash_password(password: &str) -> Result<String, Error> {
    let mut salt = [0u8; 16];
    getrandom::fill(&mut salt).map_err(|e| Error::Internal(e.to_string()))?;
    let salt = SaltString::encode_b64(&salt).map_err(|e| Error::Internal(e.to_string()))?;
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| Error::Internal(e.to_string()))
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

/// What a password must be: the rule is shown on the forms. Spaces do not count towards
/// its length or its kinds, and it may not begin or end with one.
pub fn check_password_rule(password: &str) -> Result<(), Error> {
    let visible: Vec<char> = password.chars().filter(|c| !c.is_whitespace()).collect();
    let kinds = [
        visible.iter().any(|c| c.is_ascii_lowercase()),
        visible.iter().any(|c| c.is_ascii_uppercase()),
        visible.iter().any(|c| c.is_ascii_digit()),
        visible.iter().any(|c| !c.is_ascii_alphanumeric()),
    ];
    if password.chars().count() > MAX_PASSWORD {
        return Err(Error::invalid(
            format!("密码不能超过 {MAX_PASSWORD} 个字符。"),
            format!("A password may have at most {MAX_PASSWORD} characters."),
        ));
    }
    if password.trim() != password || visible.len() < 10 || kinds.iter().filter(|k| **k).count() < 3
    {
        return Err(Error::invalid(
            "密码至少 10 位（空格不计），且包含大写字母、小写字母、数字、符号中的至少三类，首尾不能是空格。",
            "A password needs at least 10 characters besides spaces, of at least three kinds (upper case, lower case, digits, symbols), and may not begin or end with a space.",
        ));
    }
    Ok(())
}

const USER_COLUMNS: &str = "id, username, display_name, role, department_code, must_change";

fn user_from(sql: &mut dyn Sql, row: &[Value]) -> Result<User, Error> {
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
        must_change: row[5].int() != 0,
    })
}

/// A new session: the token for the cookie (kept only as a hash) and the CSRF token.
pub struct NewSession {
    /// The cookie's value.
    pub token: String,
    /// The token forms and API calls must send back.
    pub csrf: String,
}

/// Signs a user in from `source` (the client's address): checks the password and throttles
/// failures per name and source ([`delay_after`]). Every refusal — unknown name, wrong
/// password, inactive account, a try too soon — costs one Argon2 verification, so its time
/// does not tell them apart, and unknown names are throttled exactly like real ones, so the
/// answers do not either.
pub fn sign_in(
    sql: &mut dyn Sql,
    username: &str,
    password: &str,
    source: &str,
) -> Result<(User, NewSession), Error> {
    let wrong = || {
        Error::invalid(
            "用户名或密码不正确。",
            "The user name or the password is wrong.",
        )
    };
    let account: String = normalize_username(username)
        .chars()
        .take(MAX_USERNAME + 1)
        .collect();
    let source: String = source.chars().take(64).collect();
    let t = now();
    let t_ms = now_ms();
    // Old entries go (a day without a try); then this name and source's row is made if need be
    // and locked for the rest of the transaction, so that tries at once from one source are
    // counted one after another (SQLite's write transactions are serial already).
    sql.execute(
        "DELETE FROM web_throttle WHERE last_at < $1",
        &[(t_ms - 86_400_000).into()],
    )?;
    sql.execute(
        "INSERT INTO web_throttle (account, source, failures, next_at, last_at) VALUES ($1, $2, 0, 0, $3) \
         ON CONFLICT (account, source) DO NOTHING",
        &[account.clone().into(), source.clone().into(), t_ms.into()],
    )?;
    let lock = if sql.backend() == jixiao_store::sql::Backend::Postgres {
        " FOR UPDATE"
    } else {
        ""
    };
    let throttle = sql.row(
        &format!(
            "SELECT failures, next_at FROM web_throttle WHERE account = $1 AND source = $2{lock}"
        ),
        &[account.clone().into(), source.clone().into()],
    )?;
    let failures = throttle.as_ref().map_or(0, |r| r[0].int());
    if let Some(next_at) = throttle.as_ref().map(|r| r[1].int()).filter(|n| *n > t_ms) {
        let _ = verify_password(password, dummy_hash());
        let wait = (next_at - t_ms + 999) / 1000;
        return Err(Error::Locked(crate::error::Msg {
            zh: format!("登录尝试过于频繁，请 {wait} 秒后再试。"),
            en: format!("Too many sign-in attempts: try again in {wait} seconds."),
        }));
    }
    let row = sql.row(
        "SELECT id, password_hash, active, must_change, credential_expires FROM web_users WHERE lower(username) = $1",
        &[account.clone().into()],
    )?;
    let ok = match &row {
        Some(r) => verify_password(password, r[1].text()) && r[2].int() != 0,
        None => {
            // The same work as a real check, so timing does not tell which names exist.
            let _ = verify_password(password, dummy_hash());
            false
        }
    };
    let expired = row
        .as_ref()
        .is_some_and(|r| r[3].int() != 0 && r[4].int() != 0 && r[4].int() <= t);
    if !ok || expired {
        let failures = failures + 1;
        sql.execute(
            "INSERT INTO web_throttle (account, source, failures, next_at, last_at) VALUES ($1, $2, $3, $4, $5) \
             ON CONFLICT (account, source) DO UPDATE SET failures = excluded.failures, next_at = excluded.next_at, last_at = excluded.last_at",
            &[
                account.clone().into(),
                source.clone().into(),
                failures.into(),
                (t_ms + delay_after(failures) * 1000).into(),
                t_ms.into(),
            ],
        )?;
        if let Some(r) = &row {
            if failures == AUDITED_FAILURES {
                crate::audit::append(
                    sql,
                    &account,
                    "登录受限",
                    &format!("user:{}", r[0].int()),
                    "",
                    &format!("来自 {source} 连续 {failures} 次登录失败，此后每次重试须等待"),
                )?;
            }
        }
        return Err(if expired && ok {
            Error::invalid(
                "一次性凭证已过期，请联系系统管理员重新签发。",
                "The one-time credential has expired: ask the system administrator for a new one.",
            )
        } else {
            wrong()
        });
    }
    let id = row.as_ref().map_or(0, |r| r[0].int());
    sql.execute(
        "DELETE FROM web_throttle WHERE account = $1 AND source = $2",
        &[account.into(), source.into()],
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
        .ok_or(Error::SignIn)?;
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
pub fn session(sql: &mut dyn Sql, token: &str) -> Result<Option<(User, String)>, Error> {
    let t = now();
    let hash = sha256(token);
    let row = sql.row(
        "SELECT u.id, u.username, u.display_name, u.role, u.department_code, u.must_change, s.csrf, s.idle_until \
         FROM web_sessions s JOIN web_users u ON u.id = s.user_id \
         WHERE s.token_hash = $1 AND s.expires_at > $2 AND s.idle_until > $2 AND u.active = 1",
        &[hash.clone().into(), t.into()],
    )?;
    let Some(row) = row else { return Ok(None) };
    if row[7].int() - t < IDLE_MINUTES * 60 - 60 {
        sql.execute(
            "UPDATE web_sessions SET idle_until = $1 WHERE token_hash = $2",
            &[(t + IDLE_MINUTES * 60).into(), hash.into()],
        )?;
    }
    let csrf = row[6].text().to_string();
    Ok(Some((user_from(sql, &row)?, csrf)))
}

/// Ends a session.
pub fn sign_out(sql: &mut dyn Sql, token: &str) -> Result<(), Error> {
    sql.execute(
        "DELETE FROM web_sessions WHERE token_hash = $1",
        &[sha256(token).into()],
    )?;
    Ok(())
}

/// Records in the audit chain what a user did to their own account.
fn own_event(sql: &mut dyn Sql, user: &User, action: &str, note: &str) -> Result<(), Error> {
    let target = format!("user:{}", user.id);
    crate::audit::append(sql, &user.actor(), action, &target, "", note)?;
    Ok(())
}

/// Signs in inside a write transaction that commits either way, so failures are counted;
/// the outer error is the store's, the inner one the user's.
pub fn sign_in_recorded(
    sql: &mut dyn Sql,
    username: &str,
    password: &str,
    source: &str,
) -> Result<Result<(NewSession, bool), Error>, Error> {
    sql.begin_write()?;
    match sign_in(sql, username, password, source) {
        Ok((user, session)) => {
            own_event(sql, &user, "登录", "")?;
            sql.commit()?;
            Ok(Ok((session, user.must_change)))
        }
        Err(Error::Internal(m)) => {
            let _ = sql.rollback();
            Err(Error::Internal(m))
        }
        Err(refusal) => {
            sql.commit()?;
            Ok(Err(refusal))
        }
    }
}

/// Ends a session and records it, in one transaction.
pub fn sign_out_recorded(sql: &mut dyn Sql, user: &User, token: &str) -> Result<(), Error> {
    sql.write(|sql| {
        sign_out(sql, token)?;
        own_event(sql, user, "退出", "")?;
        Ok(())
    })
}

/// Every account, for the administrators' pages.
pub fn users(sql: &mut dyn Sql) -> Result<Vec<Account>, Error> {
    let rows = sql.query(
        &format!("SELECT {USER_COLUMNS}, active, locked_until, version, credential_expires FROM web_users ORDER BY id"),
        &[],
    )?;
    rows.iter()
        .map(|r| {
            Ok(Account {
                user: user_from(sql, r)?,
                active: r[6].int() != 0,
                locked_until: r[7].int(),
                version: r[8].int(),
                credential_expires: r[9].int(),
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
    /// When its one-time credential expires (unix seconds; 0: none outstanding).
    pub credential_expires: i64,
}

/// The version of an account's role, for refusing a role change made on an old page.
pub fn role_version(sql: &mut dyn Sql, user_id: i64) -> Result<i64, Error> {
    Ok(sql
        .row(
            "SELECT version FROM web_users WHERE id = $1",
            &[user_id.into()],
        )?
        .ok_or(Error::not_found())?[0]
        .int())
}

/// A sign-in name, normalised ([`normalize_username`]) and checked: 1 to [`MAX_USERNAME`]
/// letters, digits and `. _ -`, beginning with a letter or digit.
pub fn valid_username(name: &str) -> Result<String, Error> {
    let name = normalize_username(name);
    let ok = !name.is_empty()
        && name.len() <= MAX_USERNAME
        && name.starts_with(|c: char| c.is_ascii_alphanumeric())
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "._-".contains(c));
    if !ok {
        return Err(Error::invalid(
            format!("用户名须为 1 至 {MAX_USERNAME} 位字母、数字或 . _ -，以字母或数字开头（不区分大小写）。"),
            format!("A user name has 1 to {MAX_USERNAME} letters, digits or . _ -, beginning with a letter or digit (case does not matter)."),
        ));
    }
    Ok(name)
}

/// A name shown, trimmed and checked: 1 to [`MAX_DISPLAY_NAME`] characters, no control
/// characters and no markup brackets.
pub fn valid_display_name(name: &str) -> Result<String, Error> {
    let name = name.trim().to_string();
    let n = name.chars().count();
    if n == 0 || n > MAX_DISPLAY_NAME || name.chars().any(|c| c.is_control() || "<>".contains(c)) {
        return Err(Error::invalid(
            format!("姓名须为 1 至 {MAX_DISPLAY_NAME} 个字，不能含控制字符或尖括号。"),
            format!("A display name has 1 to {MAX_DISPLAY_NAME} characters, without control characters or angle brackets."),
        ));
    }
    Ok(name)
}

/// Creates an account (the system administrator's work); its role is set separately. The
/// name is normalised, so `BUREAU` cannot stand beside `bureau`.
pub fn create_user(
    sql: &mut dyn Sql,
    username: &str,
    display_name: &str,
    password: &str,
) -> Result<i64, Error> {
    let username = valid_username(username)?;
    let display_name = valid_display_name(display_name)?;
    check_password_rule(password)?;
    if sql
        .row(
            "SELECT 1 FROM web_users WHERE lower(username) = $1",
            &[username.clone().into()],
        )?
        .is_some()
    {
        return Err(Error::invalid(
            format!("用户名“{username}”已存在（用户名不区分大小写）。"),
            format!("The user name “{username}” is taken (case does not matter)."),
        ));
    }
    let hash = hash_password(password)?;
    sql.execute(
        "INSERT INTO web_users (username, display_name, password_hash, created_at) VALUES ($1, $2, $3, $4)",
        &[
            username.clone().into(),
            display_name.into(),
            hash.into(),
            jixiao_store::now_utc().into(),
        ],
    )?;
    let row = sql
        .row(
            "SELECT id FROM web_users WHERE username = $1",
            &[username.into()],
        )?
        .ok_or_else(|| Error::Internal("新建的用户找不到".into()))?;
    Ok(row[0].int())
}

/// A department code that the store holds, or a refusal naming it.
fn existing_department(sql: &mut dyn Sql, code: &str) -> Result<String, Error> {
    let code = code.trim();
    let found = code.len() <= 64
        && sql
            .row("SELECT 1 FROM departments WHERE code = $1", &[code.into()])?
            .is_some();
    if !found {
        let shown: String = code.chars().take(40).collect();
        return Err(Error::invalid(
            format!("部门编码“{shown}”不存在：请填写已导入的部门编码（见“部门与项目”）。"),
            format!("There is no department “{shown}”: give the code of an imported department (see Departments)."),
        ));
    }
    Ok(code.to_string())
}

/// Sets a role, department and evaluator assignments (the security administrator's work).
/// Departments must exist in the store.
pub fn set_role(
    sql: &mut dyn Sql,
    user_id: i64,
    role: Option<Role>,
    department: Option<&str>,
    assigned: &[String],
) -> Result<(), Error> {
    let department = department.map(str::trim).filter(|d| !d.is_empty());
    let needs = role.is_some_and(Role::needs_department);
    if needs && department.is_none() {
        return Err(Error::invalid(
            "部门填报人和部门审核人须指定所属部门。",
            "Department editors and approvers need their department.",
        ));
    }
    let department = match department.filter(|_| needs) {
        Some(d) => Some(existing_department(sql, d)?),
        None => None,
    };
    let mut assigned_codes = Vec::new();
    if role == Some(Role::Evaluator) {
        for d in assigned.iter().map(|d| d.trim()).filter(|d| !d.is_empty()) {
            let d = existing_department(sql, d)?;
            if !assigned_codes.contains(&d) {
                assigned_codes.push(d);
            }
        }
    }
    let n = sql.execute(
        "UPDATE web_users SET role = $1, department_code = $2, version = version + 1 WHERE id = $3",
        &[
            role.map_or("", Role::id).into(),
            department.as_deref().into(),
            user_id.into(),
        ],
    )?;
    if n == 0 {
        return Err(Error::not_found());
    }
    sql.execute(
        "DELETE FROM web_assignments WHERE user_id = $1",
        &[user_id.into()],
    )?;
    for d in assigned_codes {
        sql.execute(
            "INSERT INTO web_assignments (user_id, department_code) VALUES ($1, $2)",
            &[user_id.into(), d.into()],
        )?;
    }
    // A changed role takes effect at once: the user's sessions end.
    sql.execute(
        "DELETE FROM web_sessions WHERE user_id = $1",
        &[user_id.into()],
    )?;
    Ok(())
}

/// The role stored for an account (`None` for no role), or `NotFound`.
pub fn role_of(sql: &mut dyn Sql, user_id: i64) -> Result<Option<Role>, Error> {
    let r = sql
        .row(
            "SELECT role FROM web_users WHERE id = $1",
            &[user_id.into()],
        )?
        .ok_or(Error::not_found())?;
    Ok(Role::parse(r[0].text()))
}

/// Whether a role is one of the three administrators (三员).
pub fn is_admin_role(role: Option<Role>) -> bool {
    matches!(
        role,
        Some(Role::SysAdmin | Role::SecAdmin | Role::AuditAdmin)
    )
}

/// An account's sign-in name and name shown, or `NotFound`.
pub fn account_names(sql: &mut dyn Sql, user_id: i64) -> Result<(String, String), Error> {
    let r = sql
        .row(
            "SELECT username, display_name FROM web_users WHERE id = $1",
            &[user_id.into()],
        )?
        .ok_or(Error::not_found())?;
    Ok((r[0].text().to_string(), r[1].text().to_string()))
}

/// Lifts every sign-in delay on an account (the system administrator's work; also the
/// command line's `jixiao user reset`).
pub fn unlock(sql: &mut dyn Sql, user_id: i64) -> Result<(), Error> {
    let (username, _) = account_names(sql, user_id)?;
    sql.execute(
        "DELETE FROM web_throttle WHERE account = $1",
        &[normalize_username(&username).into()],
    )?;
    sql.execute(
        "UPDATE web_users SET failed_logins = 0, locked_until = 0 WHERE id = $1",
        &[user_id.into()],
    )?;
    Ok(())
}

/// Sets a password chosen on the server's command line (`jixiao user reset`), unlocks the
/// account and ends its sessions. The web never calls this.
pub fn set_password(sql: &mut dyn Sql, user_id: i64, password: &str) -> Result<(), Error> {
    check_password_rule(password)?;
    let hash = hash_password(password)?;
    let n = sql.execute(
        "UPDATE web_users SET password_hash = $1, must_change = 0, credential_expires = 0 WHERE id = $2",
        &[hash.into(), user_id.into()],
    )?;
    if n == 0 {
        return Err(Error::not_found());
    }
    end_sessions_and_halves(sql, user_id)?;
    unlock(sql, user_id)
}

/// Ends an account's sessions and forgets any credential half waiting for it: what a new
/// password or a new credential makes void.
fn end_sessions_and_halves(sql: &mut dyn Sql, user_id: i64) -> Result<(), Error> {
    sql.execute(
        "DELETE FROM web_sessions WHERE user_id = $1",
        &[user_id.into()],
    )?;
    sql.execute(
        "DELETE FROM web_credential_halves WHERE user_id = $1",
        &[user_id.into()],
    )?;
    Ok(())
}

/// The two halves of a one-time credential.
pub struct Credential {
    /// Shown to the system administrator who issued it.
    pub first: String,
    /// Kept for the security administrator to hand over.
    pub second: String,
}

/// Resets a business account's password through the web (三员 rules, docs/web.md): the
/// account gets a one-time credential in two halves — the first shown to the system
/// administrator who issues it, the second kept for the security administrator to hand to
/// the holder — so that neither administrator alone can sign in as the account. The
/// credential expires after [`CREDENTIAL_HOURS`] and must be changed at the first sign-in;
/// the account's sessions end. The three administrators' own accounts are reset on the
/// command line only.
pub fn issue_credential(
    sql: &mut dyn Sql,
    user_id: i64,
    issued_by: &str,
) -> Result<Credential, Error> {
    if is_admin_role(role_of(sql, user_id)?) {
        return Err(Error::invalid(
            "三员（系统、安全、审计管理员）的密码只能在服务器上用命令行重置（jixiao user reset 用户名），不能在网页上重置。",
            "The three administrators' passwords are reset on the server's command line only (jixiao user reset NAME), never on the web.",
        ));
    }
    // 64 random bits a half, in groups of four: guessing the other half is out of reach
    // whatever the sign-in delays.
    let half = || {
        let h = random_hex(8).to_ascii_uppercase();
        format!("{}-{}-{}-{}", &h[..4], &h[4..8], &h[8..12], &h[12..])
    };
    let credential = Credential {
        first: half(),
        second: half(),
    };
    let hash = hash_password(&format!("{}-{}", credential.first, credential.second))?;
    sql.execute(
        "UPDATE web_users SET password_hash = $1, must_change = 1, credential_expires = $2 WHERE id = $3",
        &[
            hash.into(),
            (now() + CREDENTIAL_HOURS * 3600).into(),
            user_id.into(),
        ],
    )?;
    end_sessions_and_halves(sql, user_id)?;
    sql.execute(
        "INSERT INTO web_credential_halves (user_id, second_half, issued_by, issued_at) VALUES ($1, $2, $3, $4)",
        &[
            user_id.into(),
            credential.second.clone().into(),
            issued_by.into(),
            jixiao_store::now_utc().into(),
        ],
    )?;
    unlock(sql, user_id)?;
    Ok(credential)
}

/// The accounts whose credential's second half waits for the security administrator:
/// (account id, issued by, issued at).
pub fn pending_halves(sql: &mut dyn Sql) -> Result<Vec<(i64, String, String)>, Error> {
    Ok(sql
        .query(
            "SELECT user_id, issued_by, issued_at FROM web_credential_halves ORDER BY user_id",
            &[],
        )?
        .iter()
        .map(|r| (r[0].int(), r[1].text().to_string(), r[2].text().to_string()))
        .collect())
}

/// Hands over a credential's second half: returns it once and forgets it.
pub fn take_second_half(sql: &mut dyn Sql, user_id: i64) -> Result<String, Error> {
    let r = sql
        .row(
            "SELECT second_half FROM web_credential_halves WHERE user_id = $1",
            &[user_id.into()],
        )?
        .ok_or_else(|| {
            Error::invalid(
                "该账号没有待交付的一次性凭证（可能已交付）。",
                "This account has no one-time credential waiting to be handed over (it may have been handed over already).",
            )
        })?;
    sql.execute(
        "DELETE FROM web_credential_halves WHERE user_id = $1",
        &[user_id.into()],
    )?;
    Ok(r[0].text().to_string())
}

/// Changes the signed-in user's own password: the current one (or the one-time credential)
/// must be given; the new one follows the rule and differs from it. Ends the user's other
/// sessions (`keep_session` stays signed in) and clears the one-time state; one transaction
/// with its audit entry.
pub fn change_password(
    sql: &mut dyn Sql,
    user: &User,
    current: &str,
    new: &str,
    keep_session: &str,
) -> Result<(), Error> {
    sql.write(|sql| {
        let r = sql
            .row(
                "SELECT password_hash FROM web_users WHERE id = $1",
                &[user.id.into()],
            )?
            .ok_or(Error::not_found())?;
        if !verify_password(current, r[0].text()) {
            return Err(Error::invalid(
                "当前密码（或一次性凭证）不正确。",
                "The current password (or one-time credential) is wrong.",
            ));
        }
        if current == new {
            return Err(Error::invalid(
                "新密码不能与当前密码（或一次性凭证）相同。",
                "The new password must differ from the current one (or the one-time credential).",
            ));
        }
        check_password_rule(new)?;
        let hash = hash_password(new)?;
        sql.execute(
            "UPDATE web_users SET password_hash = $1, must_change = 0, credential_expires = 0 WHERE id = $2",
            &[hash.into(), user.id.into()],
        )?;
        sql.execute(
            "DELETE FROM web_sessions WHERE user_id = $1 AND token_hash <> $2",
            &[user.id.into(), sha256(keep_session).into()],
        )?;
        let note = if user.must_change {
            "首次登录改密（一次性凭证已失效）"
        } else {
            ""
        };
        own_event(sql, user, "修改密码", note)?;
        Ok(())
    })
}

/// Accounts for trying jixiao: one per role, with the seed's department. Those missing are
/// created; returns (username, password, role) of each.
pub fn create_demo_accounts(
    store: &mut dyn jixiao_store::Store,
    department: &str,
) -> Result<Vec<(String, String, Role)>, Error> {
    let sql = store.sql();
    let accounts = [
        ("bureau", "财政局 王敏", Role::BureauAdmin),
        // A second at the bureau: the 绩效管理科 approves what 王敏's 业务科室 passed on.
        ("performance", "财政局绩效管理科 刘洋", Role::BureauAdmin),
        ("editor", "办公室 李娜", Role::DeptEditor),
        ("approver", "办公室 陈刚", Role::DeptApprover),
        ("evaluator", "第三方 赵磊", Role::Evaluator),
        // A panel of three for the ex-ante assessments, assigned to no department.
        ("expert1", "评审专家 孙伟", Role::Evaluator),
        ("expert2", "评审专家 周婷", Role::Evaluator),
        ("expert3", "评审专家 吴强", Role::Evaluator),
        ("sysadmin", "系统管理员", Role::SysAdmin),
        ("secadmin", "安全管理员", Role::SecAdmin),
        ("auditor", "审计管理员", Role::AuditAdmin),
    ];
    let mut out = Vec::new();
    for (name, display, role) in accounts {
        let password = format!("Jx-{}-2021", name);
        out.push((name.to_string(), password.clone(), role));
        if sql
            .row(
                "SELECT 1 FROM web_users WHERE username = $1",
                &[name.into()],
            )?
            .is_some()
        {
            continue;
        }
        sql.write(|sql| {
            let id = create_user(sql, name, display, &password)?;
            let dept = role.needs_department().then_some(department);
            let assigned = if role == Role::Evaluator && name == "evaluator" {
                vec![department.to_string()]
            } else {
                Vec::new()
            };
            set_role(sql, id, Some(role), dept, &assigned)?;
            crate::audit::append(
                sql,
                "jixiao demo",
                "创建演示账号",
                &format!("user:{id}"),
                "",
                &format!("{name} {}", role.id()),
            )?;
            Ok::<_, Error>(())
        })?;
    }
    Ok(out)
}
