//! The self-evaluation's review workflow: draft → submitted → returned (with comments) or
//! approved → published. Who may take each step, and the record of who took it and when.

use crate::auth::User;
use crate::Error;
use jixiao_store::sql::Sql;

/// Where a self-evaluation stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum State {
    /// Being filled in.
    Draft,
    /// Sent for review.
    Submitted,
    /// Sent back with comments; editable again.
    Returned,
    /// Approved by the reviewer.
    Approved,
    /// Published on the public portal.
    Published,
}

impl State {
    /// The stored id.
    pub fn id(self) -> &'static str {
        match self {
            State::Draft => "draft",
            State::Submitted => "submitted",
            State::Returned => "returned",
            State::Approved => "approved",
            State::Published => "published",
        }
    }

    fn parse(s: &str) -> State {
        match s {
            "submitted" => State::Submitted,
            "returned" => State::Returned,
            "approved" => State::Approved,
            "published" => State::Published,
            _ => State::Draft,
        }
    }

    /// Its name, in Chinese and English.
    pub fn label(self) -> (&'static str, &'static str) {
        match self {
            State::Draft => ("草稿", "Draft"),
            State::Submitted => ("已提交待审核", "Submitted"),
            State::Returned => ("已退回修改", "Returned"),
            State::Approved => ("已审核通过", "Approved"),
            State::Published => ("已公开", "Published"),
        }
    }

    /// Whether entries may still change.
    pub fn editable(self) -> bool {
        matches!(self, State::Draft | State::Returned)
    }
}

/// A step asked for, as the evaluation page's form and `POST /api/evaluations/{department}/{year}/workflow`
/// both send it: the step by its name (`submit`, `return`, `approve`, `publish`), the version of
/// the workflow the user saw (a stale one is refused), and the comment a return carries.
#[derive(Debug, Clone, serde::Deserialize)]
pub struct StepCommand {
    /// The step's name.
    pub step: String,
    /// The workflow's version as drawn.
    #[serde(default)]
    pub version: i64,
    /// Why (required when returning).
    #[serde(default)]
    pub comment: String,
}

/// A step of the workflow.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// Editor → reviewer.
    Submit,
    /// Reviewer → editor, with comments.
    Return,
    /// Reviewer accepts.
    Approve,
    /// Approved → public.
    Publish,
}

impl Step {
    /// The step from its form value.
    pub fn parse(s: &str) -> Option<Step> {
        Some(match s {
            "submit" => Step::Submit,
            "return" => Step::Return,
            "approve" => Step::Approve,
            "publish" => Step::Publish,
            _ => return None,
        })
    }

    /// The form value.
    pub fn id(self) -> &'static str {
        match self {
            Step::Submit => "submit",
            Step::Return => "return",
            Step::Approve => "approve",
            Step::Publish => "publish",
        }
    }

    /// Its name, in Chinese and English.
    pub fn label(self) -> (&'static str, &'static str) {
        match self {
            Step::Submit => ("提交审核", "Submit for review"),
            Step::Return => ("退回修改", "Return with comments"),
            Step::Approve => ("审核通过", "Approve"),
            Step::Publish => ("公开", "Publish"),
        }
    }

    /// Whether the step can be taken from `state` (pages offer only these).
    pub fn leaves(self, state: State) -> bool {
        self.edge().0.contains(&state)
    }

    /// The states it leaves from, and the state it leads to.
    fn edge(self) -> (&'static [State], State) {
        match self {
            Step::Submit => (&[State::Draft, State::Returned], State::Submitted),
            Step::Return => (&[State::Submitted, State::Approved], State::Returned),
            Step::Approve => (&[State::Submitted], State::Approved),
            Step::Publish => (&[State::Approved], State::Published),
        }
    }

    /// Whether `user` may take this step for `department`.
    pub fn allowed(self, user: &User, department: &str) -> bool {
        match self {
            Step::Submit => user.edits(department),
            Step::Return | Step::Approve | Step::Publish => user.reviews(department),
        }
    }
}

/// The workflow record of a department's year.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Status {
    /// The state.
    pub state: State,
    /// Bumped by every step: a form carries it, and a step taken on an old one is refused.
    pub version: i64,
    /// The last comment (a return's reasons).
    pub comment: String,
    /// Who took the last step, and when.
    pub updated_by: String,
    /// When (UTC).
    pub updated_at: String,
    /// Every step so far: (from, to, who, when, comment).
    pub history: Vec<(State, State, String, String, String)>,
}

/// The workflow record (a draft at version 0 when no step has been taken).
pub fn status(sql: &mut dyn Sql, department: &str, year: i32) -> Result<Status, Error> {
    let row = sql.row(
        "SELECT state, version, comment, updated_by, updated_at FROM workflow WHERE department_code = $1 AND year = $2",
        &[department.into(), year.into()],
    )?;
    let history = sql
        .query(
            "SELECT from_state, to_state, actor, at, comment FROM workflow_events \
             WHERE department_code = $1 AND year = $2 ORDER BY seq",
            &[department.into(), year.into()],
        )?
        .into_iter()
        .map(|r| {
            (
                State::parse(r[0].text()),
                State::parse(r[1].text()),
                r[2].text().to_string(),
                r[3].text().to_string(),
                r[4].text().to_string(),
            )
        })
        .collect();
    Ok(match row {
        Some(r) => Status {
            state: State::parse(r[0].text()),
            version: r[1].int(),
            comment: r[2].text().into(),
            updated_by: r[3].text().into(),
            updated_at: r[4].text().into(),
            history,
        },
        None => Status {
            state: State::Draft,
            version: 0,
            comment: String::new(),
            updated_by: String::new(),
            updated_at: String::new(),
            history,
        },
    })
}

/// Serialises, to the end of the caller's transaction, everything that reads a department's
/// year's workflow state and then writes by it (steps, entries). SQLite's write transactions
/// are serial already; PostgreSQL takes an advisory lock on the department and year.
pub fn lock(sql: &mut dyn Sql, department: &str, year: i32) -> Result<(), Error> {
    crate::lock(sql, &format!("workflow/{department}/{year}"))
}

/// Takes a step, inside the caller's write transaction: checks the role, the state and the
/// version the user saw, records who and when, and appends to the audit trail.
pub fn take(
    sql: &mut dyn Sql,
    user: &User,
    department: &str,
    year: i32,
    step: Step,
    seen_version: i64,
    comment: &str,
) -> Result<Status, Error> {
    if !step.allowed(user, department) {
        return Err(Error::Forbidden);
    }
    lock(sql, department, year)?;
    let now = status(sql, department, year)?;
    if now.version != seen_version {
        return Err(Error::stale(
            format!(
                "该自评已被 {} 于 {} 改为“{}”，您看到的是旧状态，操作未执行。请刷新后再试。",
                now.updated_by,
                now.updated_at,
                now.state.label().0
            ),
            format!(
                "{} changed this self-evaluation to “{}” at {}; you saw an older state and nothing was done. Reload and try again.",
                now.updated_by,
                now.state.label().1,
                now.updated_at
            ),
        ));
    }
    let (from, to) = step.edge();
    if !from.contains(&now.state) {
        return Err(Error::invalid(
            format!(
                "当前状态为“{}”，不能“{}”。{}",
                now.state.label().0,
                step.label().0,
                if step == Step::Publish {
                    "只有审核通过的结果才能公开。"
                } else {
                    ""
                }
            ),
            format!(
                "The self-evaluation is “{}”: “{}” is not possible now.{}",
                now.state.label().1,
                step.label().1,
                if step == Step::Publish {
                    " Only approved results can be published."
                } else {
                    ""
                }
            ),
        ));
    }
    if step == Step::Return && comment.trim().is_empty() {
        return Err(Error::invalid(
            "退回时请写明修改意见。",
            "Write your comments when returning it.",
        ));
    }
    let at = jixiao_store::now_utc();
    let actor = user.actor();
    let changed = if now.version == 0 {
        sql.execute(
            "INSERT INTO workflow (department_code, year, state, version, comment, updated_by, updated_at) \
             VALUES ($1, $2, $3, 1, $4, $5, $6) ON CONFLICT DO NOTHING",
            &[department.into(), year.into(), to.id().into(), comment.into(), actor.clone().into(), at.clone().into()],
        )?
    } else {
        sql.execute(
            "UPDATE workflow SET state = $1, version = version + 1, comment = $2, updated_by = $3, updated_at = $4 \
             WHERE department_code = $5 AND year = $6 AND version = $7",
            &[to.id().into(), comment.into(), actor.clone().into(), at.clone().into(), department.into(), year.into(), seen_version.into()],
        )?
    };
    if changed != 1 {
        return Err(Error::stale(
            "该自评刚被他人改动，您的操作未执行。请刷新后再试。",
            "Someone else just changed this self-evaluation; nothing was done. Reload and try again.",
        ));
    }
    sql.execute(
        "INSERT INTO workflow_events (department_code, year, seq, from_state, to_state, actor, at, comment) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        &[department.into(), year.into(), (now.history.len() as i64 + 1).into(), now.state.id().into(), to.id().into(), actor.clone().into(), at.into(), comment.into()],
    )?;
    crate::record_change(
        sql,
        &actor,
        step.label().0,
        &format!("workflow:{department}/{year}"),
        now.state.id(),
        &if comment.is_empty() {
            to.id().to_string()
        } else {
            format!("{}：{comment}", to.id())
        },
    )?;
    status(sql, department, year)
}
