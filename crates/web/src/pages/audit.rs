//! The audit administrator's page: the audit trail and its verification.

use super::*;

#[derive(Deserialize)]
pub struct PageQuery {
    #[serde(default)]
    page: i64,
}

pub async fn audit_log(State(s): State<AppState>, ctx: Ctx, Query(q): Query<PageQuery>) -> Page {
    only(&ctx, Role::AuditAdmin)?;
    let l = ctx.lang;
    let page = q.page.clamp(0, 1_000_000);
    let (entries, verdict) = s
        .pool
        .run(move |store| {
            let sql = store.sql();
            Ok::<_, WebError>((
                crate::audit::recent(sql, 100, page * 100)?,
                crate::audit::verify(sql)?,
            ))
        })
        .await?;
    ok(layout(
        &ctx,
        l.t("审计日志", "Audit log"),
        html! {
            @match &verdict {
                Ok(n) => p class="ok" { (l.t("哈希链完整：共 ", "Hash chain intact: ")) (n) (l.t(" 条，未发现改动或删除。", " entries, none altered or removed.")) },
                Err(breaks) => div class="error" role="alert" { p { (l.t("哈希链断裂：审计日志被改动或删除！", "The hash chain is broken: entries were altered or removed!")) } ul { @for b in breaks { li { "#" (b.seq) " " (b.reason) } } } },
            }
            div class="scroll" { table {
                thead { tr { th class="num" { "#" } th { (l.t("时间（北京时间）", "When (Beijing time)")) } th { (l.t("操作人", "Who")) } th { (l.t("操作", "Action")) } th { (l.t("对象", "Record")) } th { (l.t("修改前", "Before")) } th { (l.t("修改后", "After")) } } }
                tbody { @for e in &entries { tr { td class="num" { (e.seq) } td { (when(&e.at)) } td { (e.actor) } td { (e.action) } td { (e.entity) } td { (e.before) } td { (e.after) } } } }
            } }
            p { @if page > 0 { a href={ "/audit?page=" (page - 1) } { (l.t("较新", "Newer")) } " " } @if entries.len() == 100 { a href={ "/audit?page=" (page + 1) } { (l.t("较早", "Older")) } } }
        },
    ))
}
