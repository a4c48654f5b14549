//! The audit trail: every change, who made it, when, and the record before and after.
//! Append-only (triggers refuse UPDATE and DELETE) and hash-chained: each entry's hash covers
//! its fields and the previous entry's hash, so an entry altered or removed behind the
//! application's back breaks the chain at that point, and `jixiao audit verify` says where.

use crate::auth::sha256;
use jixiao_store::sql::{Backend, Sql, Value};
use jixiao_store::StoreError;

/// The hash before the first entry.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// One entry.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Entry {
    /// Its place in the chain, from 1 with no gaps.
    pub seq: i64,
    /// When (UTC).
    pub at: String,
    /// Who.
    pub actor: String,
    /// What was done.
    pub action: String,
    /// To what (e.g. `indicator:baiyun-zfb/2021/P02/移交进馆文书档案`).
    pub entity: String,
    /// The record before.
    pub before: String,
    /// The record after.
    pub after: String,
    /// The previous entry's hash.
    pub prev_hash: String,
    /// This entry's hash.
    pub hash: String,
}

/// The hash of an entry: SHA-256 over its fields, each length-prefixed so no two different
/// entries can run together into the same text.
pub fn entry_hash(e: &Entry) -> String {
    let mut text = String::new();
    for field in [
        e.seq.to_string().as_str(),
        &e.at,
        &e.actor,
        &e.action,
        &e.entity,
        &e.before,
        &e.after,
        &e.prev_hash,
    ] {
        text.push_str(&field.len().to_string());
        text.push(':');
        text.push_str(field);
        text.push('\n');
    }
    sha256(&text)
}

/// Appends an entry; call inside the transaction that makes the change, so the two commit
/// together. Concurrent writers are serialised so the chain never forks.
pub fn append(
    sql: &mut dyn Sql,
    actor: &str,
    action: &str,
    entity: &str,
    before: &str,
    after: &str,
) -> Result<(), StoreError> {
    if sql.backend() == Backend::Postgres {
        // Held to the end of the transaction: one appender at a time, across servers.
        sql.query("SELECT pg_advisory_xact_lock(7291)", &[])?;
    }
    let last = sql.row(
        "SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1",
        &[],
    )?;
    let (seq, prev_hash) = match last {
        Some(r) => (r[0].int() + 1, r[1].text().to_string()),
        None => (1, GENESIS.to_string()),
    };
    let mut e = Entry {
        seq,
        at: jixiao_store::now_utc(),
        actor: actor.into(),
        action: action.into(),
        entity: entity.into(),
        before: before.into(),
        after: after.into(),
        prev_hash,
        hash: String::new(),
    };
    e.hash = entry_hash(&e);
    sql.execute(
        "INSERT INTO audit_log (seq, at, actor, action, entity, before_json, after_json, prev_hash, hash) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        &[
            e.seq.into(),
            e.at.into(),
            e.actor.into(),
            e.action.into(),
            e.entity.into(),
            e.before.into(),
            e.after.into(),
            e.prev_hash.into(),
            e.hash.into(),
        ],
    )?;
    Ok(())
}

fn entry(r: &[Value]) -> Entry {
    Entry {
        seq: r[0].int(),
        at: r[1].text().into(),
        actor: r[2].text().into(),
        action: r[3].text().into(),
        entity: r[4].text().into(),
        before: r[5].text().into(),
        after: r[6].text().into(),
        prev_hash: r[7].text().into(),
        hash: r[8].text().into(),
    }
}

const COLUMNS: &str = "seq, at, actor, action, entity, before_json, after_json, prev_hash, hash";

/// The newest entries first, `limit` of them from `offset`.
pub fn recent(sql: &mut dyn Sql, limit: i64, offset: i64) -> Result<Vec<Entry>, StoreError> {
    Ok(sql
        .query(
            &format!("SELECT {COLUMNS} FROM audit_log ORDER BY seq DESC LIMIT $1 OFFSET $2"),
            &[limit.into(), offset.into()],
        )?
        .iter()
        .map(|r| entry(r))
        .collect())
}

/// Where the chain breaks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Break {
    /// The entry (or the gap before it).
    pub seq: i64,
    /// What is wrong, in Chinese.
    pub reason: String,
}

/// Walks the whole chain: the number of entries when it holds, or every break found.
pub fn verify(sql: &mut dyn Sql) -> Result<Result<u64, Vec<Break>>, StoreError> {
    let rows = sql.query(
        &format!("SELECT {COLUMNS} FROM audit_log ORDER BY seq"),
        &[],
    )?;
    let mut breaks = Vec::new();
    let mut prev = GENESIS.to_string();
    let mut expected_seq = 1;
    for r in &rows {
        let e = entry(r);
        if e.seq != expected_seq {
            breaks.push(Break {
                seq: e.seq,
                reason: format!("第 {expected_seq} 至 {} 条缺失（已被删除）", e.seq - 1),
            });
        }
        if e.prev_hash != prev {
            breaks.push(Break {
                seq: e.seq,
                reason: "所记前一条的哈希与前一条不符（前一条被改动、删除或插入）".into(),
            });
        }
        if entry_hash(&e) != e.hash {
            breaks.push(Break {
                seq: e.seq,
                reason: format!(
                    "内容与哈希不符（本条被改动）：{} {} {}",
                    e.at, e.actor, e.action
                ),
            });
        }
        prev = e.hash.clone();
        expected_seq = e.seq + 1;
    }
    Ok(if breaks.is_empty() {
        Ok(rows.len() as u64)
    } else {
        Err(breaks)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Entry {
        let mut e = Entry {
            seq: 1,
            at: "2026-11-29T00:00:00Z".into(),
            actor: "张三（zhang）".into(),
            action: "录入实际值".into(),
            entity: "indicator:a/2021/P01/x".into(),
            before: "1".into(),
            after: "2".into(),
            prev_hash: GENESIS.into(),
            hash: String::new(),
        };
        e.hash = entry_hash(&e);
        e
    }

    #[test]
    fn every_field_is_covered_by_the_hash() {
        let e = sample();
        let mut changed = e.clone();
        changed.after = "3".into();
        assert_ne!(entry_hash(&changed), e.hash);
        let mut moved = e.clone();
        // Moving text from one field to the next must change the hash too.
        moved.before = "12".into();
        moved.after = "".into();
        let mut other = e.clone();
        other.before = "1".into();
        other.after = "2".into();
        assert_ne!(entry_hash(&moved), entry_hash(&other));
    }
}
