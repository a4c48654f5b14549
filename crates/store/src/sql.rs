//! Plain SQL over either backend, for the tables that are written one row at a time: the
//! web application's accounts, sessions, workflow and audit trail (migration 6).
//!
//! Statements are written once, in PostgreSQL's dialect with `$1, $2, …` parameters, and
//! SQLite runs them with the placeholders renamed `?1, ?2, …`. Values are integers, text or
//! bytes; booleans are integers and times are text (`now_utc`), on both backends. The few
//! statements that differ (locking) ask [`Sql::backend`].

use crate::Result;

/// A parameter or a column value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value {
    /// SQL NULL.
    Null,
    /// An integer (BIGINT on PostgreSQL).
    Int(i64),
    /// Text.
    Text(String),
    /// Bytes (BLOB / BYTEA).
    Bytes(Vec<u8>),
}

impl Value {
    /// The integer, or 0 for anything else.
    pub fn int(&self) -> i64 {
        match self {
            Value::Int(i) => *i,
            _ => 0,
        }
    }

    /// The text, or "" for anything else.
    pub fn text(&self) -> &str {
        match self {
            Value::Text(s) => s,
            _ => "",
        }
    }

    /// The text, or `None` for NULL or anything else.
    pub fn opt_text(&self) -> Option<&str> {
        match self {
            Value::Text(s) => Some(s),
            _ => None,
        }
    }

    /// The bytes, or empty for anything else.
    pub fn bytes(&self) -> &[u8] {
        match self {
            Value::Bytes(b) => b,
            _ => &[],
        }
    }

    /// The bytes, taken (empty for anything else).
    pub fn into_bytes(self) -> Vec<u8> {
        match self {
            Value::Bytes(b) => b,
            _ => Vec::new(),
        }
    }
}

impl From<i64> for Value {
    fn from(v: i64) -> Value {
        Value::Int(v)
    }
}

impl From<i32> for Value {
    fn from(v: i32) -> Value {
        Value::Int(v.into())
    }
}

impl From<bool> for Value {
    fn from(v: bool) -> Value {
        Value::Int(v.into())
    }
}

impl From<&str> for Value {
    fn from(v: &str) -> Value {
        Value::Text(v.to_string())
    }
}

impl From<String> for Value {
    fn from(v: String) -> Value {
        Value::Text(v)
    }
}

impl From<&String> for Value {
    fn from(v: &String) -> Value {
        Value::Text(v.clone())
    }
}

impl From<Option<&str>> for Value {
    fn from(v: Option<&str>) -> Value {
        v.map_or(Value::Null, Value::from)
    }
}

impl From<Vec<u8>> for Value {
    fn from(v: Vec<u8>) -> Value {
        Value::Bytes(v)
    }
}

/// Which engine runs the statements.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// SQLite.
    Sqlite,
    /// PostgreSQL.
    Postgres,
}

/// Statements one at a time, and transactions around them.
pub trait Sql {
    /// Which engine this is.
    fn backend(&self) -> Backend;
    /// Runs a query and returns every row.
    fn query(&mut self, sql: &str, params: &[Value]) -> Result<Vec<Vec<Value>>>;
    /// Runs a statement and returns the number of rows it changed.
    fn execute(&mut self, sql: &str, params: &[Value]) -> Result<u64>;
    /// Starts a transaction that will write (SQLite takes the write lock at once, so two
    /// writers never deadlock upgrading their locks).
    fn begin_write(&mut self) -> Result<()>;
    /// Commits the open transaction.
    fn commit(&mut self) -> Result<()>;
    /// Rolls the open transaction back.
    fn rollback(&mut self) -> Result<()>;
}

impl dyn Sql + '_ {
    /// The first row, if any.
    pub fn row(&mut self, sql: &str, params: &[Value]) -> Result<Option<Vec<Value>>> {
        Ok(self.query(sql, params)?.into_iter().next())
    }

    /// Runs `f` in a write transaction: committed when it returns `Ok`, rolled back otherwise.
    pub fn write<T, E: From<crate::StoreError>>(
        &mut self,
        f: impl FnOnce(&mut dyn Sql) -> std::result::Result<T, E>,
    ) -> std::result::Result<T, E> {
        self.begin_write()?;
        match f(self) {
            Ok(v) => {
                self.commit()?;
                Ok(v)
            }
            Err(e) => {
                let _ = self.rollback();
                Err(e)
            }
        }
    }
}

/// Plain statements inside an import's [`crate::Transaction`]: what a change written through
/// the store's own transaction (an import, a saved evaluation) uses to record itself in the
/// same transaction. Beginning and committing are the transaction's own: here they do
/// nothing, so code written for [`Sql::write`] runs inside it unchanged.
pub struct InTransaction<'t, 'a>(pub &'t mut (dyn crate::Transaction + 'a));

impl Sql for InTransaction<'_, '_> {
    fn backend(&self) -> Backend {
        self.0.backend()
    }

    fn query(&mut self, sql: &str, params: &[Value]) -> Result<Vec<Vec<Value>>> {
        self.0.query_sql(sql, params)
    }

    fn execute(&mut self, sql: &str, params: &[Value]) -> Result<u64> {
        self.0.execute_sql(sql, params)
    }

    fn begin_write(&mut self) -> Result<()> {
        Ok(())
    }

    fn commit(&mut self) -> Result<()> {
        Ok(())
    }

    fn rollback(&mut self) -> Result<()> {
        Ok(())
    }
}

/// `$1` → `?1`, outside quoted text: how SQLite names numbered parameters.
pub(crate) fn sqlite_placeholders(sql: &str) -> std::borrow::Cow<'_, str> {
    if !sql.contains('$') {
        return sql.into();
    }
    let mut out = String::with_capacity(sql.len());
    let mut quoted = false;
    let mut chars = sql.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\'' {
            quoted = !quoted;
        }
        if c == '$' && !quoted && chars.peek().is_some_and(|d| d.is_ascii_digit()) {
            out.push('?');
        } else {
            out.push(c);
        }
    }
    out.into()
}

#[cfg(test)]
mod tests {
    #[test]
    fn placeholders_renamed_outside_quotes() {
        assert_eq!(
            super::sqlite_placeholders("SELECT '$1', a FROM t WHERE b = $1 AND c = $12"),
            "SELECT '$1', a FROM t WHERE b = ?1 AND c = ?12"
        );
    }
}
