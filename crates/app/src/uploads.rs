//! Uploaded files for import: kept in the store between the check and the confirmation, and
//! imported all-or-nothing, the audit entry and the data version committed with the rows.

use crate::auth::User;
use crate::Error;
use jixiao_domain::number::format_count;

/// Keeps an uploaded file for `user` until it is confirmed; returns its id.
pub fn keep(
    store: &mut dyn jixiao_store::Store,
    user: &User,
    file_name: &str,
    bytes: Vec<u8>,
) -> Result<i64, Error> {
    store.sql().write(|sql| {
        sql.execute(
            "INSERT INTO web_uploads (user_id, file_name, content, created_at) VALUES ($1, $2, $3, $4)",
            &[
                user.id.into(),
                file_name.into(),
                bytes.into(),
                jixiao_store::now_utc().into(),
            ],
        )?;
        let r = sql.row(
            "SELECT MAX(id) FROM web_uploads WHERE user_id = $1",
            &[user.id.into()],
        )?;
        Ok::<_, Error>(r.map_or(0, |r| r[0].int()))
    })
}

/// An import's report, line by line, as the page shows it.
fn summary(report: &jixiao_exchange::import::Report) -> Vec<String> {
    let mut lines = Vec::new();
    if let Some(y) = report.year {
        lines.push(format!(
            "预算年度 {y}{}",
            if report.year_inferred {
                "（按支付日期推定）"
            } else {
                ""
            }
        ));
    }
    for (table, n) in &report.rows {
        lines.push(format!("{table} {} 行", format_count(*n as i64)));
    }
    if report.payments.already_stored > 0 {
        lines.push(format!(
            "其中支付 {} 笔此前已导入，按流水号跳过",
            format_count(report.payments.already_stored as i64)
        ));
    }
    lines
}

/// What an import wrote (or would write), line by line; or every problem as (file, location,
/// message).
pub type Checked = Result<Vec<String>, Vec<(String, String, String)>>;

/// Runs an upload's import (checking only, or for real): the summary of what is (or would
/// be) written, or every problem as (file, location, message).
pub fn import(
    store: &mut dyn jixiao_store::Store,
    id: i64,
    user: &User,
    dry_run: bool,
) -> Result<Checked, Error> {
    // A confirmation claims the upload (reads and deletes it in one transaction), so the same
    // file confirmed twice at once is imported once.
    let mut row = store.sql().write(|sql| {
        let row = sql
            .row(
                "SELECT user_id, file_name, content FROM web_uploads WHERE id = $1",
                &[id.into()],
            )?
            .ok_or(Error::not_found())?;
        if row[0].int() != user.id {
            return Err(Error::Forbidden);
        }
        if !dry_run {
            let n = sql.execute(
                "DELETE FROM web_uploads WHERE id = $1 AND user_id = $2",
                &[id.into(), user.id.into()],
            )?;
            if n != 1 {
                return Err(Error::not_found());
            }
        }
        Ok(row)
    })?;
    let name = row[1].text().to_string();
    // Read from the bytes the store holds: no temporary file.
    let book = match jixiao_exchange::source::Workbook::from_bytes(
        std::path::Path::new(&name),
        std::mem::replace(&mut row[2], jixiao_store::sql::Value::Null).into_bytes(),
    ) {
        Ok(b) => b,
        Err(p) => return Ok(Err(vec![(name, p.location, p.message)])),
    };
    let opts = jixiao_exchange::import::Options {
        dry_run,
        ..Default::default()
    };
    // The import records itself in its own transaction: the audit entry commits with the rows.
    let actor = user.actor();
    let result = jixiao_exchange::import::import_workbook_then(
        store,
        book,
        &opts,
        &mut |_| {},
        &mut |tx, report| {
            let mut sql = jixiao_store::sql::InTransaction(tx);
            crate::record_change(
                &mut sql,
                &actor,
                "导入数据",
                &format!("upload:{id}"),
                &name,
                &summary(report).join("；"),
            )
            .map_err(|e| jixiao_store::StoreError::other(e.to_string()))
        },
    );
    match result {
        Ok(report) => Ok(Ok(summary(&report))),
        Err(jixiao_exchange::import::ImportError::Input(problems, _)) => Ok(Err(problems
            .0
            .into_iter()
            .map(|p| (name.clone(), p.location, p.message))
            .collect())),
        Err(jixiao_exchange::import::ImportError::Store(e)) => Err(e.into()),
    }
}
