//! Built-in profiles (issue 19): the column names another system's exports use, recognised
//! from a header row without a mapping file. One so far, `yitihua`: the data elements of the
//! 预算管理一体化系统 (MOF_DIV_CODE, PRO_CODE, PAY_CERT_NO …) as public code of those systems
//! names them, their Chinese headers as its screens export them, and the older names of the
//! systems before it. docs/import-export.md lists every element with its meaning, where jixiao
//! keeps it and the source that shows it.
//!
//! A recognised table becomes a [`TableMapping`]: each jixiao column named by the header that
//! holds it, the columns the export does not carry fixed, `IS_DELETED` rows skipped, and the
//! amounts' unit read from the header (`支付金额（万元）`).

use crate::mapping::TableMapping;
use crate::tables::{Table, GOALS, LIBRARY, PAYMENTS, PROJECTS, TARGETS, UNITS};

/// A data element and the jixiao column it fills: its names, the standard's first.
#[derive(Debug, Clone, Copy)]
pub struct Element {
    /// The jixiao column.
    pub column: &'static str,
    /// Its names in exports: the element's, then the Chinese header, then older names.
    pub names: &'static [&'static str],
}

/// How a profile's export of one jixiao table is laid out.
#[derive(Debug, Clone, Copy)]
pub struct ProfileTable {
    /// The jixiao table it fills.
    pub table: Table,
    /// Its elements, each filling a column; for a column with several, the first present wins.
    pub elements: &'static [&'static [Element]],
    /// Columns the export may not carry, and the value each then takes.
    pub fixed: &'static [(&'static str, &'static str)],
    /// Elements whose values are the system's codes or texts, and how each reads as what jixiao's
    /// column holds: (column, the element's first name, how). A column filled by another element
    /// (jixiao's own 指标方向) is read as it is.
    pub translate: &'static [(&'static str, &'static str, Translate)],
    /// How `jixiao export --profile` writes the table back.
    pub export: Export,
    /// Elements of other tables' keys: a header holding one is not this table (a 项目库 list
    /// with AGENCY_CODE and AGENCY_NAME is not a units export).
    pub not_with: &'static [&'static str],
}

/// A table written in a profile's names: its file, and a header for each of the jixiao table's
/// columns in order. A column that is no element of the system keeps jixiao's Chinese name (支出
/// 类型: jixiao knows 基本支出 and 项目支出, not the system's 项目类别), and choices are written by
/// name (资金性质 as 一般公共预算, not a code jixiao cannot know), so that what is written reads
/// back as itself.
#[derive(Debug, Clone, Copy)]
pub struct Export {
    /// The file name.
    pub file: &'static str,
    /// The header of each column.
    pub headers: &'static [&'static str],
}

/// A value of the other system read as jixiao's: a word for its code, or the part of the cell
/// a column takes (the number of `≥95%`); `None` leaves the value as written, for the table's
/// own check to name.
pub type Translate = fn(&str) -> Option<&str>;

/// A system's exports.
#[derive(Debug, Clone, Copy)]
pub struct Profile {
    /// Its id, for `--profile`.
    pub id: &'static str,
    /// Its name.
    pub label: &'static str,
    /// Its tables, in the order they are tried (the most particular first).
    pub tables: &'static [ProfileTable],
    /// The names of the column marking deleted rows (1 = deleted, 2 = not).
    pub deleted: &'static [&'static str],
}

const fn el(column: &'static str, names: &'static [&'static str]) -> Element {
    Element { column, names }
}

/// 资金性质 (FUND_TYPE_CODE / _NAME): the codes seen in exports (`111-一般公共预算资金`, `111`,
/// or the name alone) as jixiao's funding sources. 111 一般公共预算资金 and 112 一般债券 are the
/// general budget's, 121 政府性基金预算资金 and 122 专项债券 the fund budget's; any other code is
/// left for the check to refuse (no official list was found: docs/import-export.md).
fn fund_type(text: &str) -> Option<&str> {
    let (code, name) = match text.split_once('-') {
        Some((c, n)) => (c.trim(), n.trim()),
        None => (text.trim(), text.trim()),
    };
    Some(match code {
        "111" | "112" => "一般公共预算",
        "121" | "122" => "政府性基金预算",
        _ => match name {
            "一般公共预算资金" | "一般公共预算" | "一般债券" => "一般公共预算",
            "政府性基金预算资金" | "政府性基金预算" | "专项债券" => {
                "政府性基金预算"
            }
            "国有资本经营预算资金" | "国有资本经营预算" => "国有资本经营预算",
            "财政专户管理资金" => "财政专户管理资金",
            "单位资金" => "单位资金/其他",
            _ => return None,
        },
    })
}

/// 项目类别 (PRO_KIND_CODE): 1 人员类 and 21 公用经费 are basic expenditure (基本支出), 22 其他运转类
/// and 3 特定目标类 (31, 32, 33) project expenditure (项目支出). The code tree is one source's
/// (docs/import-export.md); reading it as 基本/项目 is ours, and said there.
fn pro_kind(text: &str) -> Option<&str> {
    let code = text.split_once('-').map_or(text, |(c, _)| c).trim();
    Some(match code {
        "1" | "21" => "基本支出",
        "22" | "3" | "31" | "32" | "33" => "项目支出",
        _ => return None,
    })
}

/// 单位代码, in every table that names a unit.
const AGENCY: Element = el(
    "unit_code",
    &["AGENCY_CODE", "单位代码", "AgencyCode", "EN_CODE"],
);
/// 项目代码, in the payments and the project budgets (the bank interface's DepProCode, the older
/// BIS_CODE and PROCODE).
const PROJECT: Element = el(
    "project_code",
    &[
        "PRO_CODE",
        "项目代码",
        "项目编码",
        "DepProCode",
        "BIS_CODE",
        "PROCODE",
    ],
);

/// An indicator value (KPI_VAL 指标值) read: its direction (≥, ≤ or 定性) and its number, the
/// number a part of the text. `None` when it cannot be read without guessing: empty, or digits
/// that are no plain number after an operator (`约100`, full-width `９５`) — left for the table's
/// check to name.
fn kpi_reading(text: &str) -> Option<(&'static str, &str)> {
    let t = text.trim();
    if t.is_empty() {
        return None;
    }
    const BEFORE: [(&str, &str); 16] = [
        ("≥", "≥"),
        (">=", "≥"),
        ("＞＝", "≥"),
        ("大于等于", "≥"),
        ("不低于", "≥"),
        ("不少于", "≥"),
        ("≤", "≤"),
        ("<=", "≤"),
        ("＜＝", "≤"),
        ("小于等于", "≤"),
        ("不高于", "≤"),
        ("不超过", "≤"),
        ("不大于", "≤"),
        (">", "≥"),
        ("<", "≤"),
        ("=", "≥"),
    ];
    let (op, rest) = BEFORE
        .iter()
        .find_map(|(p, w)| t.strip_prefix(p).map(|r| (Some(*w), r.trim_start())))
        .unwrap_or((None, t));
    // The number, commas allowed between its digits (1,000人次).
    let end = rest
        .char_indices()
        .find(|(i, c)| {
            !(c.is_ascii_digit()
                || (*c == '.' && *i > 0)
                || (*c == ',' && *i > 0)
                || (*c == '-' && *i == 0))
        })
        .map_or(rest.len(), |(i, _)| i);
    let number = rest[..end].trim_end_matches([',', '.']);
    let tail = &rest[end..];
    if !number.bytes().any(|b| b.is_ascii_digit()) {
        // No number: a description (合格, 优良中低差, 有效提升) is 定性; stray digits are not read.
        return match rest.chars().any(|c| c.is_numeric()) {
            true => None,
            false => Some(("定性", "1")),
        };
    }
    // A date (2022年12月底前, 6月30日前) is a time limit, 定性; after an operator `≤30日` is days.
    if tail.starts_with(['年', '月']) || (op.is_none() && tail.starts_with('日')) {
        return Some(("定性", "1"));
    }
    // A direction after the number: 95%以上 and 及以上 正向, 5%以下, 以内 and 30天内 反向.
    let after = if tail.ends_with("以上") {
        Some("≥")
    } else if tail.ends_with("以下") || tail.ends_with("以内") || tail.ends_with('内') {
        Some("≤")
    } else {
        None
    };
    Some((op.or(after).unwrap_or("≥"), number))
}

/// KPI_VAL's direction: ≥ (and =, >, 不低于, 以上) 正向, ≤ (and <, 不超过, 以下, 以内) 反向; a value
/// with no number (合格, 优良中低差) or a date (2022年12月底前) 定性; a bare number (100%) 正向. Our
/// reading, said in docs/import-export.md.
fn kpi_direction(text: &str) -> Option<&str> {
    kpi_reading(text).map(|(d, _)| d)
}

/// KPI_VAL's number (`≥95%` → 95); a 定性 value's target is 1 (达成), as jixiao's targets table has it.
fn kpi_target(text: &str) -> Option<&str> {
    kpi_reading(text).map(|(_, n)| n)
}

/// IS_COMMON_IND (是否共性指标, 1 是 2 否) as the library table's 是 / 否.
fn common_ind(text: &str) -> Option<&str> {
    Some(match text.trim() {
        "1" | "是" => "是",
        "2" | "否" => "否",
        "" => "",
        _ => return None,
    })
}

/// The 预算管理一体化系统's exports.
pub const YITIHUA: Profile = Profile {
    id: "yitihua",
    label: "预算管理一体化系统",
    tables: &[
        ProfileTable {
            table: LIBRARY,
            elements: &[
                &[el("indicator_code", &["PERF_IND_CODE", "绩效指标代码"])],
                &[
                    el("level1", &["LV1_PERF_IND_NAME", "一级绩效指标名称"]),
                    el("level1", &["KPI_LV1", "一级指标"]),
                ],
                &[
                    el("level2", &["LV2_PERF_IND_NAME", "二级绩效指标名称"]),
                    el("level2", &["KPI_LV2", "二级指标"]),
                ],
                &[
                    el("name", &["PERF_IND_NAME", "绩效指标名称"]),
                    el("name", &["LV3_PERF_IND_NAME", "三级绩效指标名称"]),
                ],
                &[el("value_hint", &["VALUE_DESC", "指标值说明"])],
                &[el(
                    "standard",
                    &["KPI_EVALSTD", "评（扣）分标准", "评(扣)分标准"],
                )],
                &[el("common", &["IS_COMMON_IND", "是否共性指标"])],
                &[el(
                    "function_subject",
                    &["EXP_FUNC_CODE", "支出功能分类科目代码", "EXPFUNC"],
                )],
                // No element with a comment was found for these: S2's uncommented OCCUPATION
                // (行业), FILED (领域) and FUNDUSE (资金用途), read by their names.
                &[
                    el("sector", &["OCCUPATION", "行业领域"]),
                    el("sector", &["FILED", "领域"]),
                ],
                &[el("purpose", &["FUNDUSE", "资金用途"])],
            ],
            fixed: &[],
            translate: &[("common", "IS_COMMON_IND", common_ind)],
            export: Export {
                file: "bas_perf_indicator.csv",
                headers: &[
                    "PERF_IND_CODE",
                    "LV1_PERF_IND_NAME",
                    "LV2_PERF_IND_NAME",
                    "PERF_IND_NAME",
                    "VALUE_DESC",
                    "KPI_EVALSTD",
                    "IS_COMMON_IND",
                    "EXP_FUNC_CODE",
                    "行业领域",
                    "资金用途",
                ],
            },
            not_with: &["PRO_CODE", "PAY_CERT_NO", "KPI_ID"],
        },
        ProfileTable {
            table: GOALS,
            elements: &[
                &[PROJECT],
                // NDGOAL (年度目标) is the column the same table had before KPI_TARGET (S2).
                &[el(
                    "goal",
                    &["KPI_TARGET", "绩效目标", "年度绩效目标", "NDGOAL"],
                )],
            ],
            fixed: &[],
            translate: &[],
            export: Export {
                file: "pm_perf_goal_info.csv",
                headers: &["PRO_CODE", "KPI_TARGET"],
            },
            // A monitoring or indicator export repeats the goal on every indicator's row.
            not_with: &[
                "PAY_CERT_NO",
                "KPI_ID",
                "KPI_VAL",
                "KPI_LV1",
                "LV1_PERF_IND_NAME",
            ],
        },
        ProfileTable {
            table: PAYMENTS,
            elements: &[
                &[el(
                    "payment_id",
                    &["PAY_CERT_NO", "支付凭证号", "VoucherNo"],
                )],
                &[PROJECT],
                // The date paid, else the voucher's date.
                &[
                    el("pay_date", &["XPAY_DATE", "实际支付日期", "XPayDate"]),
                    el(
                        "pay_date",
                        &["VOU_DATE", "凭证日期", "VouDate", "PAYDATE", "支付日期"],
                    ),
                ],
                // The amount actually paid, else the amount of the voucher.
                &[
                    el("amount", &["XPAY_AMT", "实际支付金额", "XPayAmt"]),
                    el("amount", &["PAY_AMT", "支付金额", "PayAmt"]),
                ],
            ],
            fixed: &[],
            translate: &[],
            export: Export {
                file: "pay_voucher_bill.csv",
                headers: &["PAY_CERT_NO", "PRO_CODE", "XPAY_DATE", "XPAY_AMT"],
            },
            not_with: &[],
        },
        ProfileTable {
            table: TARGETS,
            elements: &[
                &[PROJECT],
                &[el(
                    "indicator_code",
                    &["KPI_ID", "绩效指标主键", "指标编码"],
                )],
                &[el("level1", &["KPI_LV1", "一级指标"])],
                &[el("level2", &["KPI_LV2", "二级指标"])],
                &[el("name", &["KPI_LV3", "三级指标"])],
                // 指标值 holds the operator and the number: each column takes its part — the
                // direction from jixiao's own 指标方向 column when there is one.
                &[
                    el("direction", &["指标方向"]),
                    el("direction", &["KPI_VAL", "指标值"]),
                ],
                &[el("target", &["KPI_VAL", "指标值"])],
                // The goals carry no actual; jixiao's own column, when it writes one back.
                &[el("actual", &["实际完成值"])],
                &[el("weight", &["WEIGHT", "权重", "分值"])],
            ],
            fixed: &[],
            translate: &[
                ("direction", "KPI_VAL", kpi_direction),
                ("target", "KPI_VAL", kpi_target),
            ],
            export: Export {
                file: "pm_perf_indicator.csv",
                headers: &[
                    "PRO_CODE",
                    "KPI_ID",
                    "KPI_LV1",
                    "KPI_LV2",
                    "KPI_LV3",
                    "指标方向",
                    "KPI_VAL",
                    "实际完成值",
                    "WEIGHT",
                ],
            },
            not_with: &["PAY_CERT_NO", "PERF_IND_CODE", "KPI_TARGET"],
        },
        ProfileTable {
            table: PROJECTS,
            elements: &[
                &[PROJECT],
                &[AGENCY],
                &[el(
                    "project_name",
                    &["PRO_NAME", "项目名称", "BIS_NAME", "PRONAME"],
                )],
                // The system's 项目类别, or jixiao's own 支出类型 (what `export --profile` writes).
                &[
                    el("kind", &["PRO_KIND_CODE", "项目类别代码", "BI_CODE"]),
                    el("kind", &["支出类型"]),
                ],
                &[
                    el(
                        "fund_source",
                        &["FUND_TYPE_CODE", "资金性质代码", "FundTypeCode", "MK_CODE"],
                    ),
                    el(
                        "fund_source",
                        &[
                            "FUND_TYPE_NAME",
                            "资金性质名称",
                            "资金性质",
                            "FundTypeName",
                            "MK_NAME",
                        ],
                    ),
                ],
                &[el("initial_budget", &["REPLY_AMT", "年初批复数"])],
                &[el("adjusted_budget", &["CUR_AMT", "变动后预算数"])],
            ],
            // A 项目库 export without its class: its projects are 项目支出.
            fixed: &[("kind", "项目支出")],
            translate: &[
                ("kind", "PRO_KIND_CODE", pro_kind),
                ("fund_source", "FUND_TYPE_CODE", fund_type),
                ("fund_source", "FUND_TYPE_NAME", fund_type),
            ],
            export: Export {
                file: "bgt_pm_annual.csv",
                headers: &[
                    "PRO_CODE",
                    "AGENCY_CODE",
                    "PRO_NAME",
                    "支出类型",
                    "FUND_TYPE_NAME",
                    "REPLY_AMT",
                    "CUR_AMT",
                ],
            },
            not_with: &["PAY_CERT_NO", "KPI_ID", "KPI_TARGET"],
        },
        ProfileTable {
            table: UNITS,
            elements: &[
                &[AGENCY],
                &[el(
                    "unit_name",
                    &["AGENCY_NAME", "单位名称", "AgencyName", "EN_NAME"],
                )],
                &[el("department_code", &["DEPT_CODE", "部门代码"])],
                // No element of the system names a unit's parent: jixiao's own header.
                &[el("parent_code", &["上级单位编码", "上级单位代码"])],
                &[el(
                    "region_code",
                    &["MOF_DIV_CODE", "财政区划代码", "AdmDivCode", "RG_CODE"],
                )],
            ],
            fixed: &[],
            translate: &[],
            export: Export {
                file: "agency_info.csv",
                headers: &[
                    "AGENCY_CODE",
                    "AGENCY_NAME",
                    "DEPT_CODE",
                    "上级单位编码",
                    "MOF_DIV_CODE",
                ],
            },
            not_with: &[
                "PRO_CODE",
                "PAY_CERT_NO",
                "KPI_ID",
                "PERF_IND_CODE",
                "PERF_IND_NAME",
            ],
        },
    ],
    deleted: &["IS_DELETED", "是否删除"],
};

/// Which profile an import recognises unnamed files and sheets by.
#[derive(Debug, Clone, Copy, Default)]
pub enum Choice {
    /// Any built-in profile: a file or sheet it does not recognise is passed over.
    #[default]
    Auto,
    /// This one: a file or sheet it does not recognise is a problem naming the closest table
    /// and the columns that table lacks (`--profile yitihua`).
    Only(Profile),
    /// None: only files and sheets named as jixiao's tables, or placed by a mapping file.
    Off,
}

/// Every built-in profile.
pub const PROFILES: [Profile; 1] = [YITIHUA];

/// The profile with `id`.
pub fn profile(id: &str) -> Option<Profile> {
    PROFILES.into_iter().find(|p| p.id == id)
}

/// A header cell without its unit: `支付金额（万元）` is `支付金额` in 万元.
fn bare(header: &str) -> (&str, Option<&'static str>) {
    let h = header.trim();
    for (suffix, unit) in [
        ("（万元）", "万元"),
        ("(万元)", "万元"),
        ("（元）", "元"),
        ("(元)", "元"),
    ] {
        if let Some(b) = h.strip_suffix(suffix) {
            return (b.trim_end(), Some(unit));
        }
    }
    (h, None)
}

fn same(header: &str, name: &str) -> bool {
    let header = crate::source::folded(header);
    header == name || (name.is_ascii() && header.eq_ignore_ascii_case(name))
}

/// A table recognised from its header.
#[derive(Debug, Clone)]
pub struct Recognised {
    /// The jixiao table.
    pub table: Table,
    /// How its columns are read.
    pub mapping: TableMapping,
    /// Why: the headers that named each column, for the clerk.
    pub why: String,
}

/// What a header row is, under a profile.
#[derive(Debug, Clone)]
pub enum Detection {
    /// One of its tables.
    Recognised(Recognised),
    /// None of them: the closest, and the columns it lacks.
    Closest {
        /// The table.
        table: Table,
        /// The elements missing, each as its names.
        missing: Vec<String>,
    },
}

/// Recognises `header` as one of the profile's tables: the first whose required columns are
/// all named (or fixed); otherwise the one that lacks the fewest.
pub fn detect(profile: &Profile, header: &[String]) -> Detection {
    let mut closest: Option<(Table, Vec<String>, usize)> = None;
    for t in profile.tables {
        if t.not_with
            .iter()
            .any(|n| header.iter().any(|h| same(bare(h).0, n)))
        {
            continue;
        }
        let mut mapping = TableMapping::default();
        let mut why = Vec::new();
        let mut missing = Vec::new();
        for choices in t.elements {
            let column = choices[0].column;
            let found = choices.iter().find_map(|e| {
                header.iter().find_map(|h| {
                    let (b, unit) = bare(h);
                    e.names
                        .iter()
                        .any(|n| same(b, n))
                        .then(|| (h.clone(), unit, e))
                })
            });
            match found {
                Some((h, unit, e)) => {
                    if let Some(u) = unit {
                        // One unit a table: 年初批复数（元） beside 变动后预算数（万元） would read one
                        // of them 10,000 times off.
                        if mapping.unit.as_deref().is_some_and(|was| was != u) {
                            missing.push(format!(
                                "同一单位的金额列（表头中既有“（元）”又有“（万元）”：{h}）"
                            ));
                        }
                        mapping.unit = Some(u.to_string());
                    }
                    let label = t
                        .table
                        .columns
                        .iter()
                        .find(|c| c.id == column)
                        .map_or(column, |c| c.label);
                    why.push(format!("{h}→{label}"));
                    let how = t
                        .translate
                        .iter()
                        .find(|(c, name, _)| *c == column && *name == e.names[0]);
                    if let Some((_, _, f)) = how {
                        mapping.translate.insert(column.to_string(), *f);
                    }
                    mapping.columns.insert(column.to_string(), h);
                }
                None => {
                    let fixed = t.fixed.iter().find(|(c, _)| *c == column);
                    let required = t.table.columns.iter().any(|c| c.id == column && c.required);
                    match fixed {
                        Some((c, v)) => {
                            why.push(format!("无{}列，均按“{v}”", choices[0].names[0]));
                            mapping.fixed.insert(c.to_string(), v.to_string());
                        }
                        None if required => missing.push(
                            choices
                                .iter()
                                .map(|e| e.names[..2.min(e.names.len())].join(" / "))
                                .collect::<Vec<_>>()
                                .join(" 或 "),
                        ),
                        None => {}
                    }
                }
            }
        }
        if missing.is_empty() {
            mapping.deleted = header
                .iter()
                .find(|h| profile.deleted.iter().any(|n| same(bare(h).0, n)))
                .cloned();
            return Detection::Recognised(Recognised {
                table: t.table,
                mapping,
                why: why.join("，"),
            });
        }
        // The most named; of those, the fewest missing (a 项目库 list naming a project's code,
        // unit and name is closer to the budgets than to the goals it shares one column with).
        let named = mapping.columns.len();
        let better = closest.as_ref().is_none_or(|(_, m, n)| {
            (std::cmp::Reverse(named), missing.len()) < (std::cmp::Reverse(*n), m.len())
        });
        if better {
            closest = Some((t.table, missing, named));
        }
    }
    let (table, missing, _) = closest.expect("a profile has tables");
    Detection::Closest { table, missing }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header(cells: &[&str]) -> Vec<String> {
        cells.iter().map(|c| c.to_string()).collect()
    }

    #[test]
    fn a_payment_export_is_recognised_by_its_elements_or_its_chinese_headers() {
        for h in [
            header(&[
                "MOF_DIV_CODE",
                "PAY_CERT_NO",
                "AGENCY_CODE",
                "PRO_CODE",
                "VOU_DATE",
                "PAY_AMT",
                "XPAY_AMT",
                "IS_DELETED",
            ]),
            header(&["支付凭证号", "项目代码", "凭证日期", "支付金额（万元）"]),
            header(&["pay_cert_no", "pro_code", "xpay_date", "xpay_amt"]),
        ] {
            let Detection::Recognised(r) = detect(&YITIHUA, &h) else {
                panic!("{h:?}");
            };
            assert_eq!(r.table.id, "payments", "{h:?}");
            assert!(r.mapping.columns.contains_key("amount"));
        }
        // XPAY_AMT (actually paid) over PAY_AMT; the deleted mark found.
        let Detection::Recognised(r) = detect(
            &YITIHUA,
            &header(&[
                "PAY_CERT_NO",
                "PRO_CODE",
                "VOU_DATE",
                "PAY_AMT",
                "XPAY_AMT",
                "IS_DELETED",
            ]),
        ) else {
            panic!()
        };
        assert_eq!(r.mapping.columns["amount"], "XPAY_AMT");
        assert_eq!(r.mapping.deleted.as_deref(), Some("IS_DELETED"));
        let Detection::Recognised(r) = detect(
            &YITIHUA,
            &header(&["支付凭证号", "项目代码", "凭证日期", "支付金额（万元）"]),
        ) else {
            panic!()
        };
        assert_eq!(r.mapping.unit.as_deref(), Some("万元"));
    }

    #[test]
    fn an_indicator_value_gives_its_direction_and_its_number() {
        for (value, direction, target) in [
            ("≥95%", "≥", "95"),
            (">=90%", "≥", "90"),
            ("≤2万元", "≤", "2"),
            ("<5天", "≤", "5"),
            ("=100%", "≥", "100"),
            ("100000", "≥", "100000"),
            ("97.50%", "≥", "97.50"),
            ("合格", "定性", "1"),
            ("优良中低差", "定性", "1"),
            ("2022年12月底前", "定性", "1"),
            ("≤30日", "≤", "30"),
            ("6月30日前", "定性", "1"),
            ("≥1,000人次", "≥", "1,000"),
            ("不低于95%", "≥", "95"),
            ("不超过5天", "≤", "5"),
            ("95%以上", "≥", "95"),
            ("5%以下", "≤", "5"),
            ("30天内", "≤", "30"),
        ] {
            assert_eq!(
                (kpi_direction(value), kpi_target(value)),
                (Some(direction), Some(target)),
                "{value}"
            );
        }
        // What cannot be read without guessing is left for the check to name.
        for value in ["", "  ", "约100", "≥９５％"] {
            assert_eq!(kpi_reading(value), None, "{value}");
        }
    }

    #[test]
    fn a_project_budget_export_reads_its_codes_and_a_units_export_is_not_taken_for_one() {
        let Detection::Recognised(r) = detect(
            &YITIHUA,
            &header(&[
                "MOF_DIV_CODE",
                "FISCAL_YEAR",
                "AGENCY_CODE",
                "PRO_CODE",
                "PRO_NAME",
                "FUND_TYPE_CODE",
                "REPLY_AMT",
                "ADJ_AMT",
                "CUR_AMT",
            ]),
        ) else {
            panic!()
        };
        assert_eq!(r.table.id, "projects");
        assert_eq!(r.mapping.fixed["kind"], "项目支出");
        assert_eq!(
            (r.mapping.translate["fund_source"])("111-一般公共预算资金"),
            Some("一般公共预算")
        );
        // Without PRO_KIND_CODE no code to read: the fixed 项目支出; with it, its codes.
        assert!(!r.mapping.translate.contains_key("kind"));
        assert_eq!(pro_kind("21"), Some("基本支出"));
        assert_eq!(pro_kind("9"), None);
        let Detection::Recognised(r) = detect(
            &YITIHUA,
            &header(&["AGENCY_CODE", "AGENCY_NAME", "DEPT_CODE", "MOF_DIV_CODE"]),
        ) else {
            panic!()
        };
        assert_eq!(r.table.id, "units");
        // A 项目库 list without its budget columns is not taken for the units it names.
        let Detection::Closest { table, .. } = detect(
            &YITIHUA,
            &header(&[
                "AGENCY_CODE",
                "AGENCY_NAME",
                "DEPT_CODE",
                "PRO_CODE",
                "PRO_NAME",
            ]),
        ) else {
            panic!()
        };
        assert_eq!(table.id, "projects");
        // Amounts in two units are not guessed at.
        let Detection::Closest { missing, .. } = detect(
            &YITIHUA,
            &header(&[
                "PRO_CODE",
                "AGENCY_CODE",
                "PRO_NAME",
                "FUND_TYPE_CODE",
                "REPLY_AMT（元）",
                "CUR_AMT（万元）",
            ]),
        ) else {
            panic!()
        };
        assert!(
            missing.iter().any(|m| m.contains("同一单位")),
            "{missing:?}"
        );
        // Neither: the closest named, with what it lacks.
        let Detection::Closest { table, missing } =
            detect(&YITIHUA, &header(&["PAY_CERT_NO", "PAY_AMT"]))
        else {
            panic!()
        };
        assert_eq!(table.id, "payments");
        assert_eq!(missing.len(), 2, "{missing:?}");
    }
}
