//! The commands that use the store: import, export, template, and reading a dataset back.

use crate::Failure;
use jixiao_domain::dataset::DepartmentYear;
use jixiao_domain::evaluate::Evaluation;
use jixiao_domain::number::format_count;
use jixiao_exchange::export::{self, ExportError, Exported};
use jixiao_exchange::import::{self, ImportError, Options, Progress};
use jixiao_exchange::source::Encoding;
use jixiao_store::{Location, Store, StoreError};
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// The application layer's refusals are the user's to fix (exit code 1); a store or other
/// internal failure is 4, as the `--help` text lists.
impl From<jixiao_app::Error> for Failure {
    fn from(e: jixiao_app::Error) -> Failure {
        use jixiao_app::Error as E;
        match e {
            E::Input(p) => p.into(),
            E::Store(e) => e.into(),
            E::Internal(message) => Failure { code: 4, message },
            other => Failure {
                code: 1,
                message: other.to_string(),
            },
        }
    }
}

impl From<StoreError> for Failure {
    fn from(e: StoreError) -> Failure {
        Failure {
            code: 4,
            message: e.0,
        }
    }
}

/// Opens the store named by `--database-url` / `JIXIAO_DATABASE_URL`, or the default file.
pub fn open(url: Option<&str>) -> Result<Box<dyn Store>, Failure> {
    let location = Location::parse(url.unwrap_or(jixiao_store::DEFAULT_SQLITE_FILE));
    Ok(jixiao_store::open(&location)?)
}

fn count(n: u64) -> String {
    format_count(n as i64)
}

/// Shows how far a long import has got, on a terminal only, at most a few times a second.
struct Meter {
    tty: bool,
    last: Instant,
    started: Instant,
    shown: bool,
}

impl Meter {
    fn new() -> Meter {
        Meter {
            tty: std::io::stderr().is_terminal(),
            last: Instant::now(),
            started: Instant::now(),
            shown: false,
        }
    }

    fn show(&mut self, p: Progress<'_>) {
        if !self.tty || self.last.elapsed() < Duration::from_millis(250) {
            return;
        }
        self.last = Instant::now();
        let (done, total) = p.bytes;
        let secs = self.started.elapsed().as_secs_f64().max(0.001);
        let pct = (done * 100).checked_div(total).unwrap_or(0);
        let width = 30usize;
        let filled = (pct as usize * width / 100).min(width);
        let rate = (p.rows as f64 / secs) as u64;
        let eta = if done > 0 && total > done {
            format!(
                "，约还需 {} 秒",
                ((total - done) as f64 * secs / done as f64).ceil()
            )
        } else {
            String::new()
        };
        eprint!(
            "\r{}  [{}{}] {pct:>3}%  {} 行，每秒 {} 行{eta}    ",
            p.table,
            "█".repeat(filled),
            "░".repeat(width - filled),
            count(p.rows),
            count(rate)
        );
        let _ = std::io::stderr().flush();
        self.shown = true;
    }

    fn done(&self) {
        if self.shown {
            eprintln!();
        }
    }
}

/// The arguments of `jixiao import`.
#[derive(clap::Args)]
pub struct ImportArgs {
    /// 要导入的文件或文件夹 / the file or folder.
    pub path: PathBuf,
    /// 预算年度（默认取第一笔支付的年度）/ the fiscal year of the tables.
    #[arg(long)]
    pub year: Option<i32>,
    /// 列名映射文件（默认取文件夹中的 jixiao-mapping.toml）/ a column-mapping file.
    #[arg(long)]
    pub mapping: Option<PathBuf>,
    /// CSV 的编码：utf-8（默认，可带 BOM）或 gbk / the CSV encoding.
    #[arg(long, default_value = "utf-8", value_parser = ["utf-8", "gbk"])]
    pub encoding: String,
    /// 按哪种导出格式识别未按 jixiao 表名命名的文件和工作表：auto（默认，任一内置格式）、
    /// yitihua（预算管理一体化系统；不能识别的文件列出最接近的表及所缺的列）或 none
    /// / which built-in profile recognises unnamed files: auto, yitihua or none.
    #[arg(long, default_value = "auto")]
    pub profile: String,
    /// 识别出的一体化导出表的金额单位：元（默认，或按表头“（万元）”）或 万元
    /// / the unit of a recognised export's amounts (元 or 万元), over its header's.
    #[arg(long, value_parser = ["元", "万元"])]
    pub unit: Option<String>,
}

impl ImportArgs {
    /// An import of `path` with the defaults.
    pub fn of(path: PathBuf) -> ImportArgs {
        ImportArgs {
            path,
            year: None,
            mapping: None,
            encoding: "utf-8".into(),
            profile: "auto".into(),
            unit: None,
        }
    }
}

/// `jixiao import`.
pub fn import(url: Option<&str>, a: ImportArgs) -> Result<(), Failure> {
    use jixiao_exchange::profile::{self, Choice};
    let profile = match a.profile.as_str() {
        "auto" => Choice::Auto,
        "none" => Choice::Off,
        id => Choice::Only(profile::profile(id).ok_or_else(|| Failure {
            code: 2,
            message: format!(
                "没有叫“{id}”的导出格式：应为 auto、none 或 {}",
                profile::PROFILES.map(|p| p.id).join("、")
            ),
        })?),
    };
    let mut store = open(url)?;
    let path = a.path.as_path();
    let opts = Options {
        dry_run: false,
        year: a.year,
        mapping: a.mapping,
        encoding: if a.encoding == "gbk" {
            Encoding::Gbk
        } else {
            Encoding::Utf8
        },
        profile,
        unit: a.unit,
    };
    let mut meter = Meter::new();
    let started = Instant::now();
    let result = import::import(store.as_mut(), path, &opts, &mut |p| meter.show(p));
    meter.done();
    let report = match result {
        Ok(r) => r,
        Err(ImportError::Input(problems, total)) => {
            let shown = problems.0.len();
            let more = if total > shown {
                format!("\n……另有 {} 个问题未列出", total - shown)
            } else {
                String::new()
            };
            return Err(Failure {
                code: 1,
                message: format!(
                    "发现 {total} 个问题，未写入任何数据（库保持导入前的样子）：\n{problems}{more}"
                ),
            });
        }
        Err(ImportError::Store(e)) => return Err(e.into()),
    };
    println!("已导入到 {}：", store.location());
    if let Some(y) = report.year {
        if report.year_inferred {
            println!(
                "  预算年度 {y}（推定：取自第一个可读的支付日期或监控日期；可用 --year 指明）"
            );
        } else {
            println!("  预算年度 {y}");
        }
    }
    for why in &report.recognised {
        println!("  {why}");
    }
    for (table, n) in &report.rows {
        println!("  {table} {} 行", count(*n));
    }
    for (table, n) in &report.skipped {
        println!(
            "  {table}另有 {} 行标记为已删除（IS_DELETED = 1），已跳过",
            count(*n)
        );
    }
    let p = &report.payments;
    if p.already_stored > 0 {
        println!(
            "  其中支付 {} 笔此前已导入，按流水号跳过，未重复计数",
            count(p.already_stored)
        );
    }
    for (dept, y) in &report.datasets {
        println!("  数据集 {dept}（{y} 年度）");
    }
    println!("用时 {:.1} 秒", started.elapsed().as_secs_f64());
    Ok(())
}

/// `jixiao export`.
pub fn export(
    url: Option<&str>,
    out: &Path,
    year: Option<i32>,
    profile: Option<&str>,
) -> Result<(), Failure> {
    use jixiao_exchange::profile;
    let usage = |message: String| Failure { code: 2, message };
    let profile = profile
        .map(|id| {
            profile::profile(id).ok_or_else(|| {
                usage(format!(
                    "没有叫“{id}”的导出格式：应为 {}",
                    profile::PROFILES.map(|p| p.id).join("、")
                ))
            })
        })
        .transpose()?;
    let xlsx = out
        .extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("xlsx"));
    if xlsx && profile.is_some() {
        return Err(usage(
            "--profile 只用于导出到文件夹（CSV）：请把 --out 改为一个文件夹".into(),
        ));
    }
    let mut store = open(url)?;
    let result = if xlsx {
        export::export_xlsx(store.as_mut(), out, year)
    } else {
        export::export_csv_as(store.as_mut(), out, year, profile.as_ref())
    };
    let Exported { year, files, rows } = result.map_err(|e| match e {
        ExportError::Request(m) => Failure {
            code: 2,
            message: m,
        },
        ExportError::Write(m) => Failure {
            code: 3,
            message: m,
        },
        ExportError::Store(e) => e.into(),
    })?;
    println!("已从 {} 导出到 {}：", store.location(), out.display());
    if let Some(y) = year {
        println!("  预算年度 {y}");
    }
    for (table, n) in rows {
        println!("  {table} {} 行", count(n));
    }
    println!("  共 {} 个文件", files.len());
    Ok(())
}

/// `jixiao template`.
pub fn template(out: &Path) -> Result<(), Failure> {
    export::write_template(out).map_err(|m| Failure {
        code: 3,
        message: m,
    })?;
    println!(
        "已写出导入模板：{}（工作表：说明、单位、项目、绩效指标、支付、指标进度；表头批注说明每列应填什么）",
        out.display()
    );
    Ok(())
}

pub fn load_dataset(
    store: &mut dyn Store,
    department: &str,
    year: i32,
) -> Result<DepartmentYear, Failure> {
    Ok(jixiao_app::load_dataset(store, department, year)?)
}

/// Saves an evaluation with every item's figures.
pub fn save_evaluation(
    store: &mut dyn Store,
    data: &DepartmentYear,
    eval: &Evaluation,
) -> Result<(), Failure> {
    Ok(jixiao_app::save_evaluation(store, data, eval)?)
}
