//! The 指标库 in the store (issue 18): the shipped 共性 indicators and the 个性 ones the finance
//! bureau promoted from declarations, each with its history read from the stored datasets (every
//! department and year the user may read: the targets and actuals it had, min / median / max);
//! promotion by the bureau; an indicator added to a declaration's text; the library as a workbook.

use crate::auth::{Role, User};
use crate::Error;
use jixiao_domain::library::{Classification, History, LibraryIndicator, Use};
use jixiao_store::sql::Sql;
use jixiao_store::Store;

/// An indicator with its history.
#[derive(Debug, Clone)]
pub struct Entry {
    /// The indicator.
    pub indicator: LibraryIndicator,
    /// Its past uses in the store.
    pub history: History,
}

/// A classification as a form or JSON gives it (each part may be empty).
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct ClassificationFields {
    /// 功能分类科目.
    #[serde(default)]
    pub function_subject: String,
    /// 行业/领域.
    #[serde(default)]
    pub sector: String,
    /// 资金用途.
    #[serde(default)]
    pub purpose: String,
}

impl ClassificationFields {
    /// The classification, each part trimmed.
    pub fn classification(&self) -> Classification {
        Classification {
            function_subject: self.function_subject.trim().into(),
            sector: self.sector.trim().into(),
            purpose: self.purpose.trim().into(),
        }
    }
}

/// Which indicators a list shows: those whose name or second level contains `q`, and which
/// apply to a project of the classification given (the 共性 ones always), those of the
/// classification first.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct LibraryQuery {
    /// Words in the name or second level.
    #[serde(default)]
    pub q: String,
    /// The project's classification.
    #[serde(flatten)]
    pub class: ClassificationFields,
}

/// The bureau's promotion of a declaration's indicator into the library, with its classification.
#[derive(Debug, Clone, serde::Deserialize)]
pub struct PromoteCommand {
    /// The declaration.
    pub declaration: i64,
    /// The indicator's name in its latest text.
    pub indicator: String,
    /// The classification it is filed under.
    #[serde(flatten)]
    pub class: ClassificationFields,
}

fn stored(sql: &mut dyn Sql) -> Result<Vec<LibraryIndicator>, Error> {
    sql.query(
        "SELECT id, level1, level2, name, value_hint, standard, function_subject, sector, purpose, promoted_from \
         FROM library_indicators ORDER BY level1, level2, name",
        &[],
    )?
    .iter()
    .map(|r| {
        Ok(LibraryIndicator {
            id: Some(r[0].int()),
            level1: jixiao_domain::project::Level1::parse(r[1].text())
                .ok_or_else(|| Error::Internal(format!("指标库中一级指标“{}”无法识别", r[1].text())))?,
            level2: r[2].text().into(),
            name: r[3].text().into(),
            value_hint: r[4].text().into(),
            standard: r[5].text().into(),
            classification: Classification {
                function_subject: r[6].text().into(),
                sector: r[7].text().into(),
                purpose: r[8].text().into(),
            },
            source: r[9].text().into(),
        })
    })
    .collect()
}

/// The library's indicators without their history (for the declaration form's picker): the
/// promoted ones, then the shipped 共性 ones.
pub fn indicators(sql: &mut dyn Sql) -> Result<Vec<LibraryIndicator>, Error> {
    Ok(stored(sql)?
        .into_iter()
        .chain(jixiao_formats::library::shipped())
        .collect())
}

/// Every use of every indicator name in the stored datasets the user may read.
fn uses(store: &mut dyn Store, user: &User) -> Result<Vec<(String, Use)>, Error> {
    let mut out = Vec::new();
    for (department, year) in store.datasets()? {
        if !user.reads(&department) {
            continue;
        }
        let data = crate::load_dataset(store, &department, year)?;
        for p in &data.projects {
            for i in &p.indicators {
                out.push((
                    i.name.clone(),
                    Use {
                        year,
                        department: department.clone(),
                        project: p.name.clone(),
                        target: i.target.as_ref().map(|t| t.value),
                        actual: i.actual.as_ref().map(|a| a.value),
                    },
                ));
            }
        }
    }
    out.sort_by_key(|u| u.1.year);
    Ok(out)
}

/// The library as `user` sees it, filtered by `q`: the classification's own indicators first,
/// then the 共性 ones; each with its history.
pub fn list(store: &mut dyn Store, user: &User, q: &LibraryQuery) -> Result<Vec<Entry>, Error> {
    let wanted = q.class.classification();
    let words = q.q.trim();
    let mut indicators: Vec<LibraryIndicator> = stored(store.sql())?
        .into_iter()
        .chain(jixiao_formats::library::shipped())
        .filter(|i| words.is_empty() || i.name.contains(words) || i.level2.contains(words))
        .filter(|i| i.classification.answers(&wanted))
        .collect();
    indicators.sort_by_key(|i| i.classification.is_general());
    let all = uses(store, user)?;
    Ok(indicators
        .into_iter()
        .map(|indicator| {
            let history = History {
                uses: all
                    .iter()
                    .filter(|(n, _)| *n == indicator.name)
                    .map(|(_, u)| u.clone())
                    .collect(),
            };
            Entry { indicator, history }
        })
        .collect())
}

/// Promotes an indicator of a declaration the bureau may read into the library: the bureau only.
pub fn promote(sql: &mut dyn Sql, user: &User, cmd: &PromoteCommand) -> Result<i64, Error> {
    if user.role != Some(Role::BureauAdmin) {
        return Err(Error::Forbidden);
    }
    let r = crate::declarations::get(sql, user, cmd.declaration)?;
    let d = crate::declarations::parse(&r.latest().body)?;
    let Some(i) = d.indicators.iter().find(|i| i.name == cmd.indicator) else {
        return Err(Error::NotFound(format!(
            "该申报没有指标“{}”",
            cmd.indicator
        )));
    };
    let from = format!("declaration:{}", cmd.declaration);
    let class = cmd.class.classification();
    sql.write(|sql| {
        let known = sql.row(
            "SELECT id FROM library_indicators WHERE level1 = $1 AND level2 = $2 AND name = $3 \
             AND function_subject = $4 AND sector = $5 AND purpose = $6",
            &[i.level1.label().into(), i.level2.clone().into(), i.name.clone().into(), class.function_subject.clone().into(), class.sector.clone().into(), class.purpose.clone().into()],
        )?;
        if let Some(r) = known {
            return Ok(r[0].int());
        }
        sql.execute(
            "INSERT INTO library_indicators (level1, level2, name, value_hint, standard, function_subject, sector, purpose, promoted_from, promoted_by, promoted_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
            &[i.level1.label().into(), i.level2.clone().into(), i.name.clone().into(), i.value_text.clone().into(), i.standard.clone().into(), class.function_subject.clone().into(), class.sector.clone().into(), class.purpose.clone().into(), from.clone().into(), user.actor().into(), jixiao_store::now_utc().into()],
        )?;
        let id = sql
            .row("SELECT MAX(id) FROM library_indicators", &[])?
            .map_or(0, |r| r[0].int());
        crate::record_change(sql, &user.actor(), "指标入库", &format!("library:{id}"), &from, &i.name)?;
        Ok(id)
    })
}

/// A declaration's text with the library's indicator `i` added as a new row (its 指标值 left for
/// the clerk, the hint beside it), so drafting starts from the library.
pub fn add_to_text(text: &str, i: &LibraryIndicator) -> String {
    let q = jixiao_formats::declaration::quote;
    let mut t = text.trim_end().to_string();
    t.push_str(&format!(
        "\n\n[[indicators]]\nlevel1 = {}\nlevel2 = {}\nname = {}\nvalue = \"\"   # 指标库：{}\nstandard = {}\n",
        q(i.level1.label()),
        q(&i.level2),
        q(&i.name),
        i.value_hint.replace('\n', " "),
        q(&i.standard)
    ));
    t
}

/// The library as a workbook: one row an indicator, with its classification and history.
pub fn xlsx(entries: &[Entry]) -> Result<Vec<u8>, Error> {
    use jixiao_exchange::workbook::text_row;
    use rust_xlsxwriter::{Format, Workbook};
    let fail = |e: rust_xlsxwriter::XlsxError| Error::Internal(e.to_string());
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet().set_name("指标库").map_err(fail)?;
    let header = [
        "一级指标",
        "二级指标",
        "三级指标",
        "指标值",
        "评(扣)分标准",
        "功能分类科目",
        "行业/领域",
        "资金用途",
        "来源",
        "使用次数",
        "目标值（最小/中位/最大）",
        "实际值（最小/中位/最大）",
    ];
    text_row(ws, 0, &header, Some(&Format::new().set_bold())).map_err(fail)?;
    let spread = |s: Option<jixiao_domain::library::Spread>| {
        s.map(|s| {
            format!(
                "{} / {} / {}",
                s.min.normalize(),
                s.median.normalize(),
                s.max.normalize()
            )
        })
        .unwrap_or_default()
    };
    for (r, e) in entries.iter().enumerate() {
        let i = &e.indicator;
        let row = [
            i.level1.label().to_string(),
            i.level2.clone(),
            i.name.clone(),
            i.value_hint.clone(),
            i.standard.clone(),
            i.classification.function_subject.clone(),
            i.classification.sector.clone(),
            i.classification.purpose.clone(),
            if i.id.is_some() {
                format!("入库（{}）", i.source)
            } else {
                "共性（随 jixiao 提供，暂定）".into()
            },
            e.history.uses.len().to_string(),
            spread(e.history.targets()),
            spread(e.history.actuals()),
        ];
        text_row(ws, r as u32 + 1, &row, None).map_err(fail)?;
    }
    for (c, w) in [(2u16, 28.0), (3, 20.0), (4, 40.0), (10, 24.0), (11, 24.0)] {
        ws.set_column_width(c, w).map_err(fail)?;
    }
    wb.save_to_buffer().map_err(fail)
}
