//! Placeholders in narrative text: every figure in the prose comes from data.
//!
//! - `{output:KEY}` — a work-output count as prose writes it (`35,745多份`);
//! - `{sum:KEY+KEY…}` — the sum of exact work-output counts, in the first one's unit, so a
//!   stated total is always the sum of its parts;
//! - `{actual:指标名称}` — an indicator's actual value, inside a project's text.

use jixiao_domain::dataset::DepartmentYear;
use jixiao_domain::number::format_decimal;
use jixiao_domain::org::Approximation;
use jixiao_domain::project::Project;
use jixiao_domain::Decimal;

/// Fills the placeholders of `text`; `project` scopes `{actual:…}`.
pub fn fill(
    text: &str,
    data: &DepartmentYear,
    project: Option<&Project>,
) -> Result<String, String> {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find('{') {
        out.push_str(&rest[..start]);
        let after = &rest[start + 1..];
        let end = after
            .find('}')
            .ok_or_else(|| format!("占位符缺少右花括号：“{}”", &rest[start..]))?;
        out.push_str(&expand(&after[..end], data, project)?);
        rest = &after[end + 1..];
    }
    out.push_str(rest);
    Ok(out)
}

fn expand(
    placeholder: &str,
    data: &DepartmentYear,
    project: Option<&Project>,
) -> Result<String, String> {
    let (kind, arg) = placeholder
        .split_once(':')
        .ok_or_else(|| format!("占位符“{{{placeholder}}}”应写成 {{种类:名称}}"))?;
    match kind {
        "output" => data
            .output(arg)
            .map(|o| o.display())
            .ok_or_else(|| format!("outputs.toml 中没有键为“{arg}”的工作量")),
        "sum" => {
            let mut total = Decimal::ZERO;
            let mut unit = None;
            for key in arg.split('+') {
                let o = data
                    .output(key.trim())
                    .ok_or_else(|| format!("outputs.toml 中没有键为“{}”的工作量", key.trim()))?;
                if o.approximation != Approximation::Exact {
                    return Err(format!("“{}”是约数，不能求和", o.name));
                }
                if unit.get_or_insert(o.unit.clone()) != &o.unit {
                    return Err(format!("“{}”的单位与其他各项不同，不能求和", o.name));
                }
                total += o.count;
            }
            Ok(format!(
                "{}{}",
                format_decimal(total, 0, true),
                unit.unwrap_or_default()
            ))
        }
        "actual" => {
            let p = project.ok_or_else(|| "{actual:…} 只能用于项目的文字中".to_string())?;
            let ind = p
                .indicator(arg)
                .ok_or_else(|| format!("项目“{}”没有名为“{arg}”的指标", p.name))?;
            let actual = ind
                .actual
                .as_ref()
                .ok_or_else(|| format!("指标“{arg}”未填写实际完成值"))?;
            let number = if actual.value.fract().is_zero() {
                format_decimal(actual.value, 0, true)
            } else {
                actual.value.normalize().to_string()
            };
            Ok(format!("{number}{}{}", ind.unit, actual.origin.mark()))
        }
        other => Err(format!(
            "不认识的占位符种类“{other}”（可用 output、sum、actual）"
        )),
    }
}
