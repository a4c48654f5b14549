//! `jixiao monitor`: over the interchange files (the batch refresh of MONITOR.md), or over
//! the store at any level, with the notice as a workbook.

use crate::table::{pad, pad_left};
use crate::{store_cmd, Failure};
use jixiao_domain::date::Date;
use jixiao_domain::money::Fen;
use jixiao_domain::number::{format_count, format_decimal, format_percent};
use jixiao_monitor::config::Config;
use jixiao_monitor::levels::{is_month_end, monitor, Level, Project, Table};
use jixiao_monitor::rules::Fraction;
use rust_decimal::Decimal;
use std::path::{Path, PathBuf};

/// The command's arguments.
pub struct Args<'a> {
    pub database_url: Option<&'a str>,
    pub folder: Option<PathBuf>,
    pub as_of: String,
    pub out: Option<PathBuf>,
    pub level: String,
    pub year: Option<i32>,
    pub config: Option<PathBuf>,
    pub red_gap: Option<Decimal>,
    pub yellow_gap: Option<Decimal>,
    pub threads: Option<usize>,
}

fn usage(message: String) -> Failure {
    Failure { code: 2, message }
}

/// The configuration: the file's, then the command line's gaps over it.
fn config(a: &Args<'_>) -> Result<Config, Failure> {
    let mut c = match &a.config {
        Some(path) => {
            let text = std::fs::read_to_string(path).map_err(|e| Failure {
                code: 1,
                message: format!("无法读取监控口径文件 {}：{e}", path.display()),
            })?;
            Config::parse(&text).map_err(|problems| Failure {
                code: 1,
                message: format!(
                    "{} 有 {} 个问题：\n{}",
                    path.display(),
                    problems.len(),
                    problems.join("\n")
                ),
            })?
        }
        None => Config::default(),
    };
    if let Some(r) = a.red_gap {
        c.thresholds.red_gap = Fraction::from_decimal(r);
    }
    if let Some(y) = a.yellow_gap {
        c.thresholds.yellow_gap = Fraction::from_decimal(y);
    }
    let (r, y) = (c.thresholds.red_gap, c.thresholds.yellow_gap);
    if r.p * y.q <= y.p * r.q || y.p < 0 {
        return Err(usage(format!(
            "红色预警的差距（{}）应大于黄色预警的差距（{}），且都不小于 0",
            Decimal::from_i128_with_scale(r.p, 0) / Decimal::from_i128_with_scale(r.q, 0),
            Decimal::from_i128_with_scale(y.p, 0) / Decimal::from_i128_with_scale(y.q, 0)
        )));
    }
    Ok(c)
}

/// Runs the command.
pub fn run(a: Args<'_>) -> Result<(), Failure> {
    let as_of = Date::parse(&a.as_of).ok_or_else(|| {
        usage(format!(
            "截止日期“{}”不是有效日期：应为 年-月-日，如 2021-09-30",
            a.as_of
        ))
    })?;
    let c = config(&a)?;
    match &a.folder {
        Some(folder) => batch(folder, as_of, &c, a.out.as_deref(), a.threads),
        None => over_store(&a, as_of, &c),
    }
}

fn batch(
    folder: &Path,
    as_of: Date,
    c: &Config,
    out: Option<&Path>,
    threads: Option<usize>,
) -> Result<(), Failure> {
    let out = out.ok_or_else(|| usage("请用 --out 指明输出文件夹".into()))?;
    let threads = threads.unwrap_or_else(|| {
        std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get)
    });
    let refresh =
        jixiao_monitor::batch::refresh(folder, as_of, &c.thresholds, threads).map_err(|e| {
            Failure {
                code: 1,
                message: e.0,
            }
        })?;
    let files = jixiao_monitor::batch::write(&refresh, out).map_err(|e| Failure {
        code: 3,
        message: format!("无法写出 {}：{e}", out.display()),
    })?;
    let t = refresh.time;
    println!(
        "截至 {as_of}：序时进度 {}/{}（{}），支付 {} 笔，项目 {} 个，部门 {} 个",
        t.n,
        t.total,
        format_percent(t.fraction()),
        format_count(refresh.payments_read as i64),
        format_count(refresh.projects.len() as i64),
        format_count(refresh.departments.len() as i64),
    );
    for f in files {
        println!("已写出 {}", f.display());
    }
    Ok(())
}

/// Reads the store's execution rows for the year and monitors them.
pub fn table_from_store(
    database_url: Option<&str>,
    year: i32,
    as_of: Date,
    level: Level,
    c: &Config,
) -> Result<Table, Failure> {
    let mut store = store_cmd::open(database_url)?;
    let rows = store.execution(year)?;
    if rows.is_empty() {
        return Err(Failure {
            code: 1,
            message: format!(
                "库 {} 中没有 {year} 年度的项目：请先导入（jixiao import）",
                store.location()
            ),
        });
    }
    // Within a month, the monthly sums give the months before it; the rest is read from
    // the payments of that month up to the date.
    let partial = if is_month_end(as_of) {
        Default::default()
    } else {
        let first = Date::new(as_of.year(), as_of.month(), 1).expect("the first exists");
        store.payment_sums(year, first, as_of)?
    };
    let projects: Vec<Project> = rows
        .into_iter()
        .map(|r| Project {
            code: r.project_code,
            unit: r.unit_code,
            department: r.department_code,
            region: r.region_code,
            fund: r.fund_source.label().into(),
            budget: r.budget.0,
            months: r.months,
        })
        .collect();
    let part = |i: usize| partial.get(&projects[i].code).copied().unwrap_or(0);
    Ok(monitor(&projects, &part, as_of, level, c))
}

fn over_store(a: &Args<'_>, as_of: Date, c: &Config) -> Result<(), Failure> {
    let level = Level::parse(&a.level).ok_or_else(|| {
        usage(format!(
            "层级“{}”不认识：应为 {}",
            a.level,
            Level::ALL
                .map(|(_, id, label)| format!("{id}（{label}）"))
                .join("、")
        ))
    })?;
    let year = a.year.unwrap_or(as_of.year());
    let started = std::time::Instant::now();
    let t = table_from_store(a.database_url, year, as_of, level, c)?;
    print_table(&t);
    eprintln!("用时 {:.2} 秒", started.elapsed().as_secs_f64());
    if let Some(out) = &a.out {
        let ext = out
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase);
        match ext.as_deref() {
            Some("xlsx") => {
                let title = format!(
                    "{year}年预算执行情况通报（截至 {as_of}，按{}）",
                    level.label()
                );
                jixiao_exchange::notice::write(out, &t, c, &title).map_err(|m| Failure {
                    code: 3,
                    message: m,
                })?;
            }
            Some("csv") => write_csv(out, &t).map_err(|e| Failure {
                code: 3,
                message: format!("无法写出 {}：{e}", out.display()),
            })?,
            _ => return Err(usage("--out 应以 .xlsx（通报）或 .csv（明细）结尾".into())),
        }
        println!("已写出 {}", out.display());
    }
    Ok(())
}

fn wan(fen: i128) -> String {
    i64::try_from(fen).map_or_else(|_| format!("{fen}分"), |f| Fen(f).format_wan())
}

fn gap_points(rate: Option<Decimal>, time: Decimal) -> String {
    rate.map_or_else(
        || "—".into(),
        |r| format_decimal((r - time) * Decimal::ONE_HUNDRED, 2, true),
    )
}

fn print_table(t: &Table) {
    let time = t.time.fraction();
    let budget: i128 = t.lines.iter().map(|l| l.budget).sum();
    let executed: i128 = t.lines.iter().map(|l| l.executed).sum();
    let rate = (budget != 0).then(|| {
        Decimal::from_i128_with_scale(executed, 0) / Decimal::from_i128_with_scale(budget, 0)
    });
    println!(
        "截至 {}：预算 {} 万元，已支出 {} 万元，执行率 {}，序时进度 {}，差距 {} 个百分点",
        t.as_of,
        wan(budget),
        wan(executed),
        rate.map_or_else(|| "—".into(), format_percent),
        format_percent(time),
        gap_points(rate, time)
    );
    let widths = [6, 20, 16, 16, 10, 10, 8, 6, 6];
    let head = [
        "排名",
        t.level.label(),
        "预算（万元）",
        "支出（万元）",
        "执行率",
        "差距",
        "预警",
        "红",
        "黄",
    ];
    let line: Vec<String> = head.iter().zip(widths).map(|(h, w)| pad(h, w)).collect();
    println!("{}", line.join(" "));
    let shown = 30.min(t.lines.len());
    for (i, l) in t.lines.iter().take(shown).enumerate() {
        let cells = [
            pad_left(&(i + 1).to_string(), widths[0]),
            pad(&l.key, widths[1]),
            pad_left(&wan(l.budget), widths[2]),
            pad_left(&wan(l.executed), widths[3]),
            pad_left(
                &l.rate().map_or_else(|| "—".into(), format_percent),
                widths[4],
            ),
            pad_left(&gap_points(l.rate(), time), widths[5]),
            pad(jixiao_exchange::notice::light(l.warning), widths[6]),
            pad_left(&l.red.to_string(), widths[7]),
            pad_left(&l.yellow.to_string(), widths[8]),
        ];
        println!("{}", cells.join(" "));
    }
    if t.lines.len() > shown {
        println!("……共 {} 行，其余见 --out 输出", t.lines.len());
    }
}

fn write_csv(out: &Path, t: &Table) -> std::io::Result<()> {
    use std::io::Write;
    let mut w = std::io::BufWriter::new(std::fs::File::create(out)?);
    let time = t.time.fraction();
    writeln!(
        w,
        "rank,key,budget,executed,rate,time_progress,gap,warning,projects,red,yellow,over,no_budget"
    )?;
    for (i, l) in t.lines.iter().enumerate() {
        let rate = l.rate();
        writeln!(
            w,
            "{},{},{},{},{},{},{},{},{},{},{},{},{}",
            i + 1,
            l.key,
            jixiao_monitor::rules::yuan(l.budget),
            jixiao_monitor::rules::yuan(l.executed),
            jixiao_monitor::rules::rate6(l.executed, l.budget),
            format_decimal(time, 6, false),
            rate.map_or_else(String::new, |r| format_decimal(r - time, 6, false)),
            l.warning.id(),
            l.projects,
            l.red,
            l.yellow,
            l.over,
            l.no_budget
        )?;
    }
    w.flush()
}
