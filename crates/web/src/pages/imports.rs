//! Uploading a workbook or CSV: checked first, imported all-or-nothing on confirmation.

use super::*;

pub(crate) fn upload_form(ctx: &Ctx) -> Markup {
    let l = ctx.lang;
    html! {
        form method="post" action="/imports" enctype="multipart/form-data" class="stack" {
            (csrf_field(ctx))
            label { (l.t("选择 .xlsx 工作簿（单位、项目、绩效目标、支付流水各一个工作表，表头同导入模板）", "An .xlsx workbook (one sheet per table, headers as in the template)"))
                input type="file" name="file" accept=".xlsx,.csv" required; }
            button class="primary" { (l.t("上传并检查", "Upload and check")) }
        }
        p class="muted" { (l.t("上传后先逐行检查，全部无误才可确认导入；有任何问题都不写入。", "Every row is checked first; nothing is written unless all rows are correct.")) }
    }
}

pub async fn imports(ctx: Ctx) -> Page {
    bureau(&ctx)?;
    let l = ctx.lang;
    ok(layout(&ctx, l.t("数据导入", "Imports"), upload_form(&ctx)))
}

pub async fn upload(State(s): State<AppState>, ctx: Ctx, Multipart(mut form): Multipart) -> Page {
    bureau(&ctx)?;
    let l = ctx.lang;
    let (csrf, name, bytes) = read_upload(&mut form).await?;
    let user = ctx.user_checked(&csrf)?.clone();
    let file_name = safe_name(&name)?;
    let _turn = s.parsing_turn().await?;
    let outcome = s
        .pool
        .run(move |store| {
            let id = uploads::keep(store, &user, &file_name, bytes)?;
            let checked = uploads::import(store, id, &user, true)?;
            Ok::<_, jixiao_app::Error>((id, checked))
        })
        .await?;
    let (id, checked) = outcome;
    let body = match checked {
        Err(problems) => html! {
            p class="error" role="alert" { (l.t("发现 ", "Found ")) (problems.len()) (l.t(" 个问题，未写入任何数据。请改正后重新上传。", " problems; nothing was written. Fix them and upload again.")) }
            div class="scroll" { table class="problems" {
                thead { tr { th { (l.t("文件", "File")) } th { (l.t("位置（工作表、行、列）", "Where (sheet, row, column)")) } th { (l.t("问题", "Problem")) } } }
                tbody { @for (file, location, message) in &problems { tr { td { (file) } td { (location) } td { (message) } } } }
            } }
            h2 { (l.t("重新上传", "Upload again")) }
            (upload_form(&ctx))
        },
        Ok(summary) => html! {
            p class="ok" role="status" { (l.t("检查通过：以下数据将被导入。", "All rows are correct; this will be imported:")) }
            ul class="summary" { @for line in &summary { li { (line) } } }
            form method="post" action={ "/imports/" (id) "/confirm" } {
                (csrf_field(&ctx))
                button class="primary" { (l.t("确认导入", "Confirm the import")) }
            }
        },
    };
    ok(layout(&ctx, l.t("导入检查结果", "Import check"), body))
}

/// A form with a CSRF token and one file: (token, the file's name, its bytes).
pub(crate) async fn read_upload(
    form: &mut axum::extract::Multipart,
) -> Result<(String, String, Vec<u8>), WebError> {
    let broken = |e: axum::extract::multipart::MultipartError| crate::extract::multipart_error(&e);
    let (mut csrf, mut name, mut bytes) = (String::new(), String::new(), Vec::new());
    while let Some(field) = form.next_field().await.map_err(broken)? {
        match field.name() {
            Some("_csrf") => csrf = field.text().await.unwrap_or_default(),
            Some("file") => {
                name = field.file_name().unwrap_or("").to_string();
                bytes = field.bytes().await.map_err(broken)?.to_vec();
            }
            _ => {}
        }
    }
    Ok((csrf, name, bytes))
}

/// The uploaded file's name, if it is one jixiao can import.
pub(crate) fn safe_name(name: &str) -> Result<String, WebError> {
    let base = name.rsplit(['/', '\\']).next().unwrap_or("").trim();
    let lower = base.to_lowercase();
    if base.is_empty()
        || base.starts_with('.')
        || !(lower.ends_with(".xlsx") || lower.ends_with(".csv"))
    {
        return Err(WebError::invalid(
            format!("文件“{name}”不能导入：请上传 .xlsx 工作簿或 .csv 文件。"),
            format!("“{name}” cannot be imported: upload an .xlsx workbook or a .csv file."),
        ));
    }
    Ok(base.to_string())
}

pub async fn confirm_import(
    State(s): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Signed { user, .. }: Signed<CsrfForm>,
) -> Page {
    bureau(&ctx)?;
    let l = ctx.lang;
    let _turn = s.parsing_turn().await?;
    let done = s
        .pool
        .run(move |store| uploads::import(store, id, &user, false))
        .await?;
    let body = match done {
        Ok(lines) => html! {
            p class="ok" role="status" { (l.t("已导入：", "Imported:")) }
            ul class="summary" { @for line in &lines { li { (line) } } }
            p { a href="/monitoring" { (l.t("查看执行监控", "See monitoring")) } }
        },
        Err(problems) => html! {
            p class="error" { (l.t("数据在检查后发生变化，导入未执行：", "The data changed after the check; nothing was imported:")) }
            ul { @for (_, loc, msg) in &problems { li { (loc) " " (msg) } } }
        },
    };
    ok(layout(&ctx, l.t("导入结果", "Import result"), body))
}
