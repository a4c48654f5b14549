//! `jixiao monitor`: over the interchange files (the batch refresh of MONITOR.md), or over
//! the store at any level, with the notice as a workbook.

use crate::table::{pad, pad_left};
use crate::{store_cmd, Failure};
use jixiao_domain::date::Date;
use jixiao_domain::money::{Fen, FenSum};
use jixiao_domain::number::{format_count, format_decimal, format_percent};
use jixiao_monitor::config::Config;
use jixiao_monitor::levels::{monitor, Level, Project, Table};
use jixiao_monitor::rules::Fraction;
use rust_decimal::Decimal;
use std::path::{Path, PathBuf};

/// The command's arguments.
/// Which level, year and conventions a monitoring command reads (`monitor` and `forecast`).
#[derive(clap::Args, Debug)]
pub struct Scope {
    /// 层级：project、unit、department、fund、region、all（从库中读取时）/ the level (store only).
    #[arg(long, default_value = "department")]
    pub level: String,
    /// 预算年度（默认取截止日期的年度；从库中读取时）/ the fiscal year (store only).
    #[arg(long)]
    pub year: Option<i32>,
    /// 监控口径文件（jixiao-monitoring/1：序时进度口径、预警线、forecast_floor 等）/ a monitoring conventions file.
    #[arg(long)]
    pub config: Option<PathBuf>,
}

/// The arguments of `jixiao monitor`.
#[derive(clap::Args)]
pub struct Args {
    /// 交换 CSV 所在文件夹；省略时从库中读取 / the interchange folder, or the store.
    pub folder: Option<PathBuf>,
    /// 截止日期，如 2021-09-30 / the as-of date.
    #[arg(long)]
    pub as_of: String,
    /// 输出：文件夹（交换 CSV）、.csv 或 .xlsx（通报）/ where to write.
    #[arg(long, short)]
    pub out: Option<PathBuf>,
    #[command(flatten)]
    pub scope: Scope,
    /// 红色预警：序时进度减执行率超过此值（默认 0.20）/ the red gap.
    #[arg(long)]
    pub red_gap: Option<rust_decimal::Decimal>,
    /// 黄色预警：超过此值（默认 0.10）/ the yellow gap.
    #[arg(long)]
    pub yellow_gap: Option<rust_decimal::Decimal>,
    /// 读取支付明细的线程数（默认为 CPU 核数）/ reader threads (folder only).
    #[arg(long)]
    pub threads: Option<usize>,
    /// 双监控：同时看支出进度与绩效指标进度 / watch spending and target progress together.
    #[arg(long)]
    pub indicators: bool,
}

fn usage(message: String) -> Failure {
    Failure { code: 2, message }
}

/// The configuration: the file's, then the command line's gaps over it.
fn config(a: &Args) -> Result<Config, Failure> {
    let mut c = load_config(a.scope.config.as_deref())?;
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

/// Reads a monitoring conventions file, or the defaults.
fn load_config(path: Option<&Path>) -> Result<Config, Failure> {
    let Some(path) = path else {
        return Ok(Config::default());
    };
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
    })
}

/// Runs the command.
pub fn run(database_url: Option<&str>, a: Args) -> Result<(), Failure> {
    let as_of = Date::parse(&a.as_of).ok_or_else(|| {
        usage(format!(
            "截止日期“{}”不是有效日期：应为 年-月-日，如 2021-09-30",
            a.as_of
        ))
    })?;
    let c = config(&a)?;
    match &a.folder {
        Some(folder) => batch(folder, as_of, &c, a.out.as_deref(), a.threads),
        None if a.indicators => dual(database_url, &a, as_of, &c),
        None => over_store(database_url, &a, as_of, &c),
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

fn projects_of(store: &mut dyn jixiao_store::Store, year: i32) -> Result<Vec<Project>, Failure> {
    Ok(jixiao_app::monitored_projects(store, year)?)
}

/// The seasonal pattern of the years before `year` that the store holds, or the even one.
fn pattern_before(
    store: &mut dyn jixiao_store::Store,
    year: i32,
) -> Result<jixiao_monitor::forecast::Pattern, Failure> {
    let prior: Vec<i32> = store.years()?.into_iter().filter(|y| *y < year).collect();
    let mut projects = Vec::new();
    for y in &prior {
        projects.extend(projects_of(store, *y)?);
    }
    Ok(
        jixiao_monitor::forecast::Pattern::from_years(&projects, prior)
            .unwrap_or_else(jixiao_monitor::forecast::Pattern::even),
    )
}

/// The arguments of `jixiao forecast`.
#[derive(clap::Args)]
pub struct ForecastArgs {
    /// 截止日期（用其前最后一个完整月末）/ the as-of date.
    #[arg(long, required_unless_present = "backtest")]
    pub as_of: Option<String>,
    #[command(flatten)]
    pub scope: Scope,
    /// 回测该年度：每个月末的预测与全年实际相比 / back-test the year.
    #[arg(long)]
    pub backtest: bool,
    /// 明细输出（.csv）/ write every line as CSV.
    #[arg(long, short)]
    pub out: Option<PathBuf>,
}

/// `jixiao forecast`.
pub fn forecast(database_url: Option<&str>, a: ForecastArgs) -> Result<(), Failure> {
    use jixiao_monitor::forecast::{backtest, rate, year_end};
    let c = load_config(a.scope.config.as_deref())?;
    let as_of = match &a.as_of {
        Some(t) => Some(Date::parse(t).ok_or_else(|| {
            usage(format!(
                "截止日期“{t}”不是有效日期：应为 年-月-日，如 2021-09-30"
            ))
        })?),
        None => None,
    };
    let year = a
        .scope
        .year
        .or(as_of.map(|d| d.year()))
        .ok_or_else(|| usage("请用 --year 指明回测的年度".into()))?;
    let mut store = store_cmd::open(database_url)?;
    let projects = projects_of(store.as_mut(), year)?;
    if projects.is_empty() {
        return Err(Failure {
            code: 1,
            message: format!("库 {} 中没有 {year} 年度的项目", store.location()),
        });
    }
    let pattern = pattern_before(store.as_mut(), year)?;
    println!("{}", pattern.source.describe());
    if a.backtest {
        println!("{year} 年回测：各月末预测年底执行率的平均绝对误差（百分点）");
        println!(
            "{}",
            ["月末", "项目", "部门", "全部"]
                .map(|h| pad(h, 10))
                .join(" ")
        );
        for e in backtest(&projects, &pattern) {
            println!(
                "{} {} {} {}",
                pad(&format!("{}月", e.month), 10),
                pad_left(&format_decimal(e.projects, 2, true), 10),
                pad_left(&format_decimal(e.departments, 2, true), 10),
                pad_left(&format_decimal(e.overall, 2, true), 10)
            );
        }
        return Ok(());
    }
    let as_of = as_of.ok_or_else(|| usage("请用 --as-of 指明截止日期".into()))?;
    let m = jixiao_monitor::config::months_elapsed(as_of) as usize;
    if m == 0 {
        return Err(usage(format!(
            "截至 {as_of} 还没有完整的月份：预测从一月末起才有依据"
        )));
    }
    let level = Level::parse(&a.scope.level)
        .ok_or_else(|| usage(format!("层级“{}”不认识", a.scope.level)))?;
    // Group with the monitoring table's grouping, then forecast each line from its curve.
    let month_end = Date::new(
        year,
        m as u32,
        jixiao_domain::date::days_in_month(year, m as u32),
    )
    .expect("a month's last day exists");
    let t = monitor(&projects, &|_| Fen::ZERO, month_end, level, &c);
    let mut below = 0;
    let mut lines = Vec::new();
    for l in &t.lines {
        let f = year_end(l.executed, l.budget, m, &pattern).unwrap_or(l.executed);
        let r = rate(f, l.budget);
        let warn = r.is_some_and(|r| r < c.forecast_floor);
        below += usize::from(warn);
        lines.push((l, f, r, warn));
    }
    println!(
        "截至 {month_end}（最后一个完整月末）预测年底执行率；低于 {} 的{}：{} 个",
        format_percent(c.forecast_floor),
        level.label(),
        below
    );
    let head = [
        level.label(),
        "预算（万元）",
        "已支出",
        "预测年底支出",
        "预测执行率",
        "预警",
    ];
    let widths = [20, 16, 16, 16, 10, 12];
    println!(
        "{}",
        head.iter()
            .zip(widths)
            .map(|(h, w)| pad(h, w))
            .collect::<Vec<_>>()
            .join(" ")
    );
    let mut sorted = lines.clone();
    sorted.sort_by_key(|l| l.2);
    for (l, f, r, warn) in sorted.iter().take(30) {
        println!(
            "{} {} {} {} {} {}",
            pad(&l.key, widths[0]),
            pad_left(&wan(l.budget), widths[1]),
            pad_left(&wan(l.executed), widths[2]),
            pad_left(&wan(*f), widths[3]),
            pad_left(&r.map_or_else(|| "—".into(), format_percent), widths[4]),
            if *warn { "预计低于下限" } else { "" }
        );
    }
    if let Some(out) = &a.out {
        use std::io::Write;
        let io = |e: std::io::Error| Failure {
            code: 3,
            message: format!("无法写出 {}：{e}", out.display()),
        };
        let mut w = std::io::BufWriter::new(std::fs::File::create(out).map_err(io)?);
        writeln!(
            w,
            "key,budget,executed,forecast,forecast_rate,below_floor,pattern"
        )
        .map_err(io)?;
        let src = match &pattern.source {
            jixiao_monitor::forecast::Source::PriorYears(_) => "prior_years",
            jixiao_monitor::forecast::Source::Even => "even_inferred",
        };
        for (l, f, r, warn) in &lines {
            writeln!(
                w,
                "{},{},{},{},{},{},{src}",
                l.key,
                jixiao_monitor::rules::yuan(l.budget.0),
                jixiao_monitor::rules::yuan(l.executed.0),
                jixiao_monitor::rules::yuan(f.0),
                r.map_or_else(String::new, |r| format_decimal(r, 6, false)),
                warn
            )
            .map_err(io)?;
        }
        w.flush().map_err(io)?;
        println!("已写出 {}", out.display());
    }
    Ok(())
}

/// Reads the store's execution rows for the year and monitors them.
pub fn table_from_store(
    store: &mut dyn jixiao_store::Store,
    year: i32,
    as_of: Date,
    level: Level,
    c: &Config,
) -> Result<Table, Failure> {
    Ok(jixiao_app::monitor_store(store, year, as_of, level, c)?)
}

fn over_store(
    database_url: Option<&str>,
    a: &Args,
    as_of: Date,
    c: &Config,
) -> Result<(), Failure> {
    let level = Level::parse(&a.scope.level).ok_or_else(|| {
        usage(format!(
            "层级“{}”不认识：应为 {}",
            a.scope.level,
            Level::ALL
                .map(|(_, id, label)| format!("{id}（{label}）"))
                .join("、")
        ))
    })?;
    let year = a.scope.year.unwrap_or(as_of.year());
    let started = std::time::Instant::now();
    let mut store = store_cmd::open(database_url)?;
    let notice = jixiao_app::notice::build(store.as_mut(), year, as_of, level, c)?;
    let t = &notice.table;
    print_table(t);
    eprintln!("用时 {:.2} 秒", started.elapsed().as_secs_f64());
    if let Some(out) = &a.out {
        let ext = out
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase);
        let cannot_write = |e: String| Failure {
            code: 3,
            message: format!("无法写出 {}：{e}", out.display()),
        };
        match ext.as_deref() {
            Some("xlsx") => {
                let bytes = notice.workbook().map_err(|e| cannot_write(e.to_string()))?;
                std::fs::write(out, bytes).map_err(|e| cannot_write(e.to_string()))?;
            }
            Some("docx" | "pdf") => crate::write_document(&notice.document(), out)?,
            Some("csv") => write_csv(out, t).map_err(|e| cannot_write(e.to_string()))?,
            _ => {
                return Err(usage(
                    "--out 应以 .xlsx、.docx 或 .pdf（通报）或 .csv（明细）结尾".into(),
                ))
            }
        }
        println!("已写出 {}", out.display());
    }
    Ok(())
}

/// 双监控 over the store.
fn dual(database_url: Option<&str>, a: &Args, as_of: Date, c: &Config) -> Result<(), Failure> {
    use jixiao_monitor::dual::{watch, Report, Target};
    let year = a.scope.year.unwrap_or(as_of.year());
    let mut store = store_cmd::open(database_url)?;
    let t = table_from_store(store.as_mut(), year, as_of, Level::Project, c)?;
    let spending = t
        .lines
        .iter()
        .map(|l| (l.key.clone(), (l.executed.0, l.budget.0)))
        .collect();
    let targets: Vec<Target> = store
        .targets(Some(year))?
        .into_iter()
        .map(|t| Target {
            project: t.project_code,
            code: t.code,
            level1: t.level1,
            name: t.name,
            direction: t.direction.id().to_string(),
            target: t.target,
        })
        .collect();
    let reports: Vec<Report> = store
        .progress(year, Some(as_of))?
        .into_iter()
        .map(|r| Report {
            explained: !r.reason_category.is_empty() && !r.measures.is_empty(),
            project: r.project_code,
            code: r.indicator_code,
            actual: r.actual,
            likelihood: r.likelihood.label().to_string(),
        })
        .collect();
    let lines = watch(&spending, &targets, &reports, c.divergence_gap);
    let with_reports: Vec<_> = lines.iter().filter(|l| l.reported.0 > 0).collect();
    let divergent = lines.iter().filter(|l| l.divergent).count();
    let red = lines.iter().filter(|l| l.red).count();
    let unexplained: usize = lines.iter().map(|l| l.unexplained).sum();
    println!(
        "截至 {as_of} 的双监控：设有绩效指标的项目 {} 个，报送了指标进度的 {} 个；支出进度超前产出 {} 个百分点以上的 {divergent} 个；有指标“不可能”完成的 {red} 个；未说明偏差原因或纠偏措施的报告 {unexplained} 份",
        lines.len(),
        with_reports.len(),
        format_decimal(c.divergence_gap * Decimal::ONE_HUNDRED, 0, false),
    );
    let pct = |d: Option<Decimal>| d.map_or_else(|| "—".into(), format_percent);
    let widths = [20, 10, 10, 12, 22];
    println!(
        "{}",
        ["项目", "支出进度", "产出完成", "确定/可能/不能", "提示"]
            .iter()
            .zip(widths)
            .map(|(h, w)| pad(h, w))
            .collect::<Vec<_>>()
            .join(" ")
    );
    for l in lines
        .iter()
        .filter(|l| l.divergent || l.red || l.unexplained > 0)
        .take(30)
    {
        let mut notes = Vec::new();
        if l.red {
            notes.push("有指标不可能完成");
        }
        if l.divergent {
            notes.push("支出与产出背离");
        }
        if l.unexplained > 0 {
            notes.push("缺偏差原因或措施");
        }
        println!(
            "{} {} {} {} {}",
            pad(&l.project, widths[0]),
            pad_left(&pct(l.spending), widths[1]),
            pad_left(&pct(l.outputs), widths[2]),
            pad(
                &format!("{}/{}/{}", l.likelihood.0, l.likelihood.1, l.likelihood.2),
                widths[3]
            ),
            notes.join("；")
        );
    }
    if let Some(out) = &a.out {
        use std::io::Write;
        let io = |e: std::io::Error| Failure {
            code: 3,
            message: format!("无法写出 {}：{e}", out.display()),
        };
        let mut w = std::io::BufWriter::new(std::fs::File::create(out).map_err(io)?);
        writeln!(w, "project_code,spending_rate,output_completion,indicators,reported,certain,possible,impossible,unexplained,divergent,red").map_err(io)?;
        let dec = |d: Option<Decimal>| d.map_or_else(String::new, |d| format_decimal(d, 6, false));
        for l in &lines {
            writeln!(
                w,
                "{},{},{},{},{},{},{},{},{},{},{}",
                l.project,
                dec(l.spending),
                dec(l.outputs),
                l.reported.1,
                l.reported.0,
                l.likelihood.0,
                l.likelihood.1,
                l.likelihood.2,
                l.unexplained,
                l.divergent,
                l.red
            )
            .map_err(io)?;
        }
        w.flush().map_err(io)?;
        println!("已写出 {}", out.display());
    }
    Ok(())
}

fn wan(sum: FenSum) -> String {
    sum.format_wan()
}

fn gap_points(rate: Option<Decimal>, time: Decimal) -> String {
    rate.map_or_else(
        || "—".into(),
        |r| format_decimal((r - time) * Decimal::ONE_HUNDRED, 2, true),
    )
}

fn print_table(t: &Table) {
    let time = t.time.fraction();
    let budget: FenSum = t.lines.iter().map(|l| l.budget).sum();
    let executed: FenSum = t.lines.iter().map(|l| l.executed).sum();
    let rate = executed.ratio_to(budget);
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
            jixiao_monitor::rules::yuan(l.budget.0),
            jixiao_monitor::rules::yuan(l.executed.0),
            jixiao_monitor::rules::rate6(l.executed.0, l.budget.0),
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
