//! The public open data: CSV, JSON and a Fiscal Data Package.

use super::*;

/// The open data of everything published: rows of three tables.
pub(crate) struct OpenData {
    pub evaluations: Vec<[String; 6]>,
    pub items: Vec<[String; 7]>,
    pub finances: Vec<[String; 6]>,
}

pub(crate) fn open_data(store: &mut dyn jixiao_store::Store) -> Result<OpenData, WebError> {
    let mut d = OpenData {
        evaluations: Vec::new(),
        items: Vec::new(),
        finances: Vec::new(),
    };
    for (code, name, year, at) in service::published(store)? {
        let data = service::published_dataset(store, &code, year)?;
        let (e, _) = service::score(&data)?;
        d.evaluations.push([
            code.clone(),
            name.clone(),
            year.to_string(),
            format_score(e.total),
            e.grade_label.clone(),
            at.get(..10).unwrap_or(&at).to_string(),
        ]);
        for i in &e.items {
            d.items.push([
                code.clone(),
                year.to_string(),
                i.id.clone(),
                i.name.clone(),
                format_score(i.weight),
                format_score(i.score),
                format_score(i.lost()),
            ]);
        }
        for x in &data.finances.expenditure {
            let yuan = |f: Fen| Decimal::new(f.0, 2).to_string();
            let income = data
                .finances
                .income
                .iter()
                .find(|i| i.source == x.source)
                .map(|i| i.actual.value);
            if let Some(b) = &x.budget {
                d.finances.push([
                    code.clone(),
                    year.to_string(),
                    x.source.label().into(),
                    "budget".into(),
                    yuan(b.full_year().value),
                    if b.full_year().origin.is_inferred() {
                        "inferred".into()
                    } else {
                        "stated".into()
                    },
                ]);
            }
            if let Some(i) = income {
                d.finances.push([
                    code.clone(),
                    year.to_string(),
                    x.source.label().into(),
                    "income".into(),
                    yuan(i),
                    "stated".into(),
                ]);
            }
            d.finances.push([
                code.clone(),
                year.to_string(),
                x.source.label().into(),
                "expenditure".into(),
                yuan(x.total.value),
                if x.total.origin.is_inferred() {
                    "inferred".into()
                } else {
                    "stated".into()
                },
            ]);
        }
    }
    Ok(d)
}

pub(crate) fn csv<const N: usize>(header: [&str; N], rows: &[[String; N]]) -> String {
    let field = |f: &str| -> String {
        if f.contains([',', '"', '\n', '\r']) {
            format!("\"{}\"", f.replace('"', "\"\""))
        } else {
            f.to_string()
        }
    };
    let mut out = header.join(",");
    out.push_str("\r\n");
    for r in rows {
        out.push_str(&r.iter().map(|f| field(f)).collect::<Vec<_>>().join(","));
        out.push_str("\r\n");
    }
    out
}

pub(crate) const EVALUATIONS: [&str; 6] = [
    "department",
    "department_name",
    "year",
    "total_score",
    "grade",
    "published_on",
];

pub(crate) const ITEMS: [&str; 7] = [
    "department",
    "year",
    "indicator_id",
    "indicator",
    "weight",
    "score",
    "points_lost",
];

pub(crate) const FINANCES: [&str; 6] = [
    "department",
    "year",
    "fund_source",
    "kind",
    "amount",
    "provenance",
];

/// The CSV of one open-data table.
pub(crate) fn open_csv(d: &OpenData, name: &str) -> Option<String> {
    Some(match name {
        "evaluations" => csv(EVALUATIONS, &d.evaluations),
        "evaluation_items" => csv(ITEMS, &d.items),
        "finances" => csv(FINANCES, &d.finances),
        _ => return None,
    })
}

pub async fn open_csv_file(State(s): State<AppState>, Path(file): Path<String>) -> Page {
    let name = file
        .strip_suffix(".csv")
        .ok_or(WebError::NotFound)?
        .to_string();
    let d = s.pool.run(open_data).await?;
    let text = open_csv(&d, &name).ok_or(WebError::NotFound)?;
    Ok(([(header::CONTENT_TYPE, "text/csv; charset=utf-8")], text).into_response())
}

pub async fn open_json(State(s): State<AppState>) -> Page {
    let d = s.pool.run(open_data).await?;
    let rows = |h: &[&str], rows: Vec<Vec<String>>| -> Vec<serde_json::Value> {
        rows.into_iter()
            .map(|r| {
                serde_json::Value::Object(
                    h.iter()
                        .zip(r)
                        .map(|(k, v)| (k.to_string(), serde_json::Value::String(v)))
                        .collect(),
                )
            })
            .collect()
    };
    let body = serde_json::json!({
        "evaluations": rows(&EVALUATIONS, d.evaluations.into_iter().map(|r| r.to_vec()).collect()),
        "evaluation_items": rows(&ITEMS, d.items.into_iter().map(|r| r.to_vec()).collect()),
        "finances": rows(&FINANCES, d.finances.into_iter().map(|r| r.to_vec()).collect()),
    });
    Ok(axum::Json(body).into_response())
}

/// The Fiscal Data Package descriptor of the open data (Frictionless, `fiscal-data-package`).
pub fn datapackage() -> serde_json::Value {
    let string = |name: &str, title: &str| serde_json::json!({"name": name, "title": title, "type": "string"});
    serde_json::json!({
        "name": "jixiao-published-performance",
        "title": "已公开的部门整体支出绩效自评结果与收支预决算",
        "profile": "tabular-data-package",
        "countryCode": "CN",
        "fiscalPeriod": {"start": "2021-01-01"},
        "licenses": [{"name": "CC-BY-4.0", "path": "https://creativecommons.org/licenses/by/4.0/", "title": "Creative Commons Attribution 4.0"}],
        "resources": [
            {
                "name": "finances", "path": "data/finances.csv", "profile": "tabular-data-resource", "format": "csv", "mediatype": "text/csv", "encoding": "utf-8",
                "title": "收支预决算（元）",
                "schema": {
                    "fields": [
                        string("department", "部门编码"),
                        {"name": "year", "title": "年度", "type": "integer"},
                        string("fund_source", "资金来源"),
                        {"name": "kind", "title": "budget 全年预算 / income 决算收入 / expenditure 决算支出", "type": "string", "constraints": {"enum": ["budget", "income", "expenditure"]}},
                        {"name": "amount", "title": "金额（元）", "type": "number", "decimalChar": "."},
                        {"name": "provenance", "title": "stated 列明 / inferred 推定", "type": "string", "constraints": {"enum": ["stated", "inferred"]}}
                    ],
                    "primaryKey": ["department", "year", "fund_source", "kind"]
                }
            },
            {
                "name": "evaluations", "path": "data/evaluations.csv", "profile": "tabular-data-resource", "format": "csv", "mediatype": "text/csv", "encoding": "utf-8",
                "title": "部门整体支出绩效自评得分",
                "schema": {"fields": [
                    string("department", "部门编码"), string("department_name", "部门名称"),
                    {"name": "year", "title": "年度", "type": "integer"},
                    {"name": "total_score", "title": "总分", "type": "number"},
                    string("grade", "等级"),
                    {"name": "published_on", "title": "公开日期", "type": "date"}
                ], "primaryKey": ["department", "year"]}
            },
            {
                "name": "evaluation_items", "path": "data/evaluation_items.csv", "profile": "tabular-data-resource", "format": "csv", "mediatype": "text/csv", "encoding": "utf-8",
                "title": "各指标得分",
                "schema": {"fields": [
                    string("department", "部门编码"),
                    {"name": "year", "title": "年度", "type": "integer"},
                    string("indicator_id", "指标编号"), string("indicator", "指标"),
                    {"name": "weight", "title": "分值", "type": "number"},
                    {"name": "score", "title": "得分", "type": "number"},
                    {"name": "points_lost", "title": "扣分", "type": "number"}
                ], "primaryKey": ["department", "year", "indicator_id"]}
            }
        ],
        "model": {
            "measures": {
                "amount": {"source": "amount", "currency": "CNY", "factor": 1, "title": "金额（元）"}
            },
            "dimensions": {
                "administrative-classification": {
                    "dimensionType": "classification",
                    "classificationType": "administrative",
                    "attributes": {"department": {"source": "department", "title": "部门"}},
                    "primaryKey": ["department"]
                },
                "date": {
                    "dimensionType": "datetime",
                    "attributes": {"year": {"source": "year", "title": "年度"}},
                    "primaryKey": ["year"]
                },
                "fund-source": {
                    "dimensionType": "classification",
                    "classificationType": "economic",
                    "attributes": {"fund_source": {"source": "fund_source", "title": "资金来源"}},
                    "primaryKey": ["fund_source"]
                },
                "phase": {
                    "dimensionType": "other",
                    "attributes": {"kind": {"source": "kind", "title": "预算 / 收入 / 支出"}},
                    "primaryKey": ["kind"]
                }
            }
        }
    })
}

pub async fn datapackage_json() -> Response {
    axum::Json(datapackage()).into_response()
}
