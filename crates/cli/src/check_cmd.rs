//! `jixiao check`: review submitted self-evaluation tables and reports, files on every core,
//! results in the order given; one unreadable file does not stop the others.

use crate::Failure;
use jixiao_check::{check_file, Finding, Rules, Severity};
use std::path::{Path, PathBuf};

/// What became of one file.
struct Checked {
    file: PathBuf,
    result: Result<Vec<Finding>, String>,
}

/// `jixiao check`.
pub fn run(
    files: &[PathBuf],
    framework: Option<&str>,
    format: &str,
    out: Option<&Path>,
) -> Result<(), Failure> {
    let rules = match framework {
        Some(f) => Rules::of(&jixiao_formats::framework::load(f)?),
        None => Rules::default(),
    };
    if format == "xlsx" && out.is_none() {
        return Err(Failure {
            code: 2,
            message: "--format xlsx 需要用 --out 指定输出文件，如 --out 核查结果.xlsx".into(),
        });
    }
    let checked = check_all(files, &rules);
    let text = match format {
        "json" => Some(json(&checked)),
        "xlsx" => None,
        _ => Some(text(&checked)),
    };
    match (text, out) {
        (Some(t), None) => print!("{t}"),
        (Some(t), Some(path)) => write(path, t.as_bytes())?,
        (None, Some(path)) => write(path, &workbook(&checked)?)?,
        (None, None) => unreachable!("xlsx needs --out, checked above"),
    }
    if let Some(path) = out {
        println!("已写出 {}", path.display());
    }
    let unreadable = checked.iter().filter(|c| c.result.is_err()).count();
    let errors = checked
        .iter()
        .filter_map(|c| c.result.as_ref().ok())
        .flatten()
        .filter(|f| f.severity == Severity::Error)
        .count();
    if unreadable > 0 {
        return Err(Failure {
            code: 1,
            message: format!("{unreadable} 个文件无法读取（原因见上），其余已核查"),
        });
    }
    if errors > 0 {
        return Err(Failure {
            code: 5,
            message: format!("发现 {errors} 处错误"),
        });
    }
    Ok(())
}

/// Checks every file, on every core, in the order given; a batch of more than 50 files
/// shows its progress on a terminal.
fn check_all(files: &[PathBuf], rules: &Rules) -> Vec<Checked> {
    use std::io::IsTerminal;
    use std::sync::atomic::{AtomicUsize, Ordering};
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(files.len().max(1));
    let next = AtomicUsize::new(0);
    let done = AtomicUsize::new(0);
    let progress = files.len() > 50 && std::io::stderr().is_terminal();
    let mut slots: Vec<Option<Checked>> = (0..files.len()).map(|_| None).collect();
    let results: Vec<Vec<(usize, Checked)>> = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads)
            .map(|_| {
                scope.spawn(|| {
                    let mut mine = Vec::new();
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        let Some(f) = files.get(i) else { break };
                        mine.push((
                            i,
                            Checked {
                                file: f.clone(),
                                result: check_file(f, rules),
                            },
                        ));
                        let d = done.fetch_add(1, Ordering::Relaxed) + 1;
                        if progress && (d.is_multiple_of(25) || d == files.len()) {
                            eprint!("\r核查 {d}/{} 个文件", files.len());
                        }
                    }
                    mine
                })
            })
            .collect();
        workers
            .into_iter()
            .map(|w| w.join().expect("a checking thread"))
            .collect()
    });
    if progress {
        eprintln!();
    }
    for (i, c) in results.into_iter().flatten() {
        slots[i] = Some(c);
    }
    slots.into_iter().flatten().collect()
}

fn write(path: &Path, bytes: &[u8]) -> Result<(), Failure> {
    std::fs::write(path, bytes).map_err(|e| Failure {
        code: 3,
        message: format!("无法写出 {}：{e}", path.display()),
    })
}

fn text(checked: &[Checked]) -> String {
    let mut s = String::new();
    for c in checked {
        s.push_str(&format!("{}\n", c.file.display()));
        match &c.result {
            Err(why) => s.push_str(&format!("  无法读取：{why}\n")),
            Ok(findings) if findings.is_empty() => s.push_str("  未发现问题\n"),
            Ok(findings) => {
                let mut sorted: Vec<&Finding> = findings.iter().collect();
                sorted.sort_by_key(|f| f.severity);
                for f in sorted {
                    s.push_str(&format!("  {}  {}\n", f.severity.label(), f.sentence()));
                }
                let count = |sev| findings.iter().filter(|f| f.severity == sev).count();
                s.push_str(&format!(
                    "  共 {} 条：错误 {}，警告 {}，提示 {}\n",
                    findings.len(),
                    count(Severity::Error),
                    count(Severity::Warning),
                    count(Severity::Note)
                ));
            }
        }
    }
    s
}

fn json(checked: &[Checked]) -> String {
    let files: Vec<serde_json::Value> = checked
        .iter()
        .map(|c| match &c.result {
            Ok(findings) => serde_json::json!({
                "file": c.file.display().to_string(),
                "readable": true,
                "findings": findings,
            }),
            Err(why) => serde_json::json!({
                "file": c.file.display().to_string(),
                "readable": false,
                "error": why,
            }),
        })
        .collect();
    let mut s = serde_json::to_string_pretty(&serde_json::json!({ "files": files }))
        .expect("findings serialise");
    s.push('\n');
    s
}

fn workbook(checked: &[Checked]) -> Result<Vec<u8>, Failure> {
    use jixiao_exchange::workbook::text_row;
    use rust_xlsxwriter::{Format, Workbook};
    let fail = |e: rust_xlsxwriter::XlsxError| Failure {
        code: 3,
        message: format!("无法生成工作簿：{e}"),
    };
    let mut wb = Workbook::new();
    let sheet = wb.add_worksheet();
    sheet.set_name("核查结果").map_err(fail)?;
    let heads = [
        "文件",
        "严重程度",
        "核查项",
        "位置",
        "原文",
        "文中数值",
        "重算数值",
        "规则",
        "修改意见",
    ];
    text_row(sheet, 0, &heads, Some(&Format::new().set_bold())).map_err(fail)?;
    let mut r = 1u32;
    for c in checked {
        let file = c.file.display().to_string();
        match &c.result {
            Err(why) => {
                sheet.write_string(r, 0, &file).map_err(fail)?;
                sheet.write_string(r, 1, "无法读取").map_err(fail)?;
                sheet.write_string(r, 7, why).map_err(fail)?;
                r += 1;
            }
            Ok(findings) => {
                for f in findings {
                    let cells = [
                        file.as_str(),
                        f.severity.label(),
                        f.check,
                        &f.location,
                        &f.excerpt,
                        &f.stated,
                        &f.recomputed,
                        &f.rule,
                        &f.sentence(),
                    ];
                    text_row(sheet, r, &cells, None).map_err(fail)?;
                    r += 1;
                }
            }
        }
    }
    for (c, w) in [24, 8, 14, 26, 40, 14, 14, 60, 80].iter().enumerate() {
        sheet.set_column_width(c as u16, *w).map_err(fail)?;
    }
    sheet.set_freeze_panes(1, 0).map_err(fail)?;
    wb.save_to_buffer().map_err(fail)
}
