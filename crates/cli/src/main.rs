//! `jixiao` — budget performance management (预算绩效管理) from the command line.

mod check_cmd;
mod monitor_cmd;
mod store_cmd;
mod table;

use clap::{Parser, Subcommand};
use jixiao_domain::dataset::DepartmentYear;
use jixiao_domain::evaluate::{evaluate_department, inferred_inputs, EvalError, Evaluation};
use jixiao_domain::framework::Framework;
use jixiao_domain::number::format_score;
use jixiao_formats::Problems;
use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

const AFTER_HELP: &str = "\
示例 Examples:
  jixiao demo                                   用内置示例（白云区政府办2021）跑一遍：打印得分、写出报告
  jixiao evaluate examples/baiyun-2021          打印部门整体支出绩效自评得分表
  jixiao evaluate examples/baiyun-2021 --json   同上，JSON 输出
  jixiao evaluate examples/baiyun-2021 --projects   逐个项目按 cn-project-2020 评分
  jixiao report examples/baiyun-2021 --out 自评报告.docx   写出自评报告（.docx/.pdf/.html/.md）
  jixiao framework check my-framework.toml      检查自定义指标体系文件
  jixiao import examples/baiyun-2021            把数据集存入库（默认 ./jixiao.db，SQLite）
  jixiao evaluate --department baiyun-zfb --year 2021   从库中读取数据集并评分
  jixiao template --out 模板.xlsx                写出 Excel 导入模板
  jixiao demo --serve                           演示后启动网页服务（各角色演示账号）
  jixiao serve --database-url postgres://…      网页服务；多台可共用一个 PostgreSQL 库
  jixiao user add admin --name 管理员 --role system_admin   创建首个账号
  jixiao audit verify                           校验审计日志哈希链
  jixiao import 模板.xlsx --year 2021            导入按模板填写的工作簿
  jixiao import 支付明细/ --mapping 映射.toml     按映射文件导入列名不同的导出文件
  jixiao export --out 导出/                      导出为交换 CSV（.xlsx 结尾则导出为工作簿）

数据库：默认是当前文件夹的 jixiao.db（SQLite，首次使用时创建）；
服务器用 --database-url postgres://用户@主机/库 或环境变量 JIXIAO_DATABASE_URL。

数据集与指标体系的格式见 docs/dataset-format.md 与 docs/framework-format.md。

退出码 Exit codes:
  0  成功
  1  输入有误（数据集或指标体系文件的问题已逐条列出，未做任何改动）
  2  命令用法有误
  3  无法写出结果文件
  4  数据库出错（连接、迁移或写入失败）
  5  jixiao check 发现错误";

/// jixiao（绩效）：预算绩效管理。读取部门一年的数据，按指标体系评分，写出自评报告。
///
/// jixiao (绩效): budget performance management. Reads a department's year of data, scores it
/// under an indicator framework, and writes the self-evaluation report. Every score shows its
/// inputs, its rule and the points lost; values that had to be inferred are marked 推定, and
/// rules not yet confirmed are marked 暂定.
#[derive(Parser)]
#[command(name = "jixiao", version, after_help = AFTER_HELP)]
struct Cli {
    /// 数据库：SQLite 文件路径（默认 jixiao.db）或 postgres://… / the store.
    #[arg(long, global = true, env = "JIXIAO_DATABASE_URL")]
    database_url: Option<String>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum AuditAction {
    /// 校验哈希链：任何一条被改动或删除都会被发现（退出码 5）— verify the hash chain.
    Verify,
}

#[derive(Subcommand)]
enum UserAction {
    /// 创建账号并分配角色。三员账号的密码取自环境变量 JIXIAO_PASSWORD，否则从标准输入读一行；
    /// 业务账号（财政局、部门、评价人员）不设密码，而是签发一次性凭证：前半段在此显示，后半段由
    /// 安全管理员在网页“角色权限”页交付，首次登录须改密码 —
    /// create an account with a role: the three administrators' password from JIXIAO_PASSWORD
    /// or stdin; a business account gets a one-time credential instead (first half here, second
    /// handed over by the security administrator), changed at its first sign-in.
    Add {
        /// 用户名 / the sign-in name.
        username: String,
        /// 姓名 / the name shown.
        #[arg(long)]
        name: String,
        /// 角色：bureau_admin、dept_editor、dept_approver、evaluator、system_admin、
        /// security_admin、audit_admin / the role.
        #[arg(long)]
        role: String,
        /// 所属部门编码（部门填报人、审核人）/ the department (editors and approvers).
        #[arg(long)]
        department: Option<String>,
    },
    /// 重置密码并解除登录限制。三员账号（网页上不能重置）的新密码取自 JIXIAO_PASSWORD 或标准输入；
    /// 业务账号签发一次性凭证，与网页相同 —
    /// reset a password and lift sign-in delays: the three administrators' from JIXIAO_PASSWORD
    /// or stdin; a business account gets a one-time credential, as on the web.
    Reset {
        /// 用户名 / the sign-in name.
        username: String,
    },
}

#[derive(Subcommand)]
enum Command {
    /// 演示：把内置示例存入库、从库中评分、写出报告 — run the main job on the bundled example.
    ///
    /// 库默认是 <out>/jixiao-demo.db（SQLite）；给出 --database-url 时用那个库。
    /// The store is <out>/jixiao-demo.db (SQLite) unless --database-url names another.
    Demo {
        /// 报告和演示库写到哪个文件夹 / where to write the report and the demo store.
        #[arg(long, default_value = "out")]
        out: PathBuf,
        /// 演示完成后启动网页服务，并建好各角色的演示账号 / then serve the web application
        /// with a demo account for each role.
        #[arg(long)]
        serve: bool,
        /// 网页服务监听的地址 / where the web application listens (with --serve).
        #[arg(long, default_value = "127.0.0.1:8080")]
        bind: String,
    },
    /// 网页服务：多用户、角色、审核流程、审计日志 — serve the web application.
    ///
    /// 所有状态（会话、流程、审计）都在库中，多台服务器可共用一个 PostgreSQL 库。
    /// 首个账号用 `jixiao user add` 创建。
    /// All state lives in the store, so several servers can share one PostgreSQL database.
    /// Create the first account with `jixiao user add`.
    Serve {
        /// 监听地址 / where to listen.
        #[arg(long, default_value = "127.0.0.1:8080")]
        bind: String,
        /// 最多同时使用的数据库连接数 / store connections kept at most.
        #[arg(long, default_value_t = 8)]
        connections: usize,
        /// 评价结果与预算挂钩规则文件（jixiao-linkage/1），默认为暂定规则 /
        /// a budget-linkage rule file; default: the provisional frameworks/linkage-default.toml.
        #[arg(long, default_value = "default")]
        linkage: String,
        /// 批复后几日内须公开 / days after approval within which to publish.
        #[arg(long, default_value_t = 20)]
        disclosure_days: u32,
        /// 公开期限按工作日计 / count those days as working days.
        #[arg(long)]
        disclosure_working_days: bool,
        /// 部署在反向代理之后：登录限流按 X-Forwarded-For 最后一项识别来源 /
        /// behind a reverse proxy: throttle sign-ins by the last X-Forwarded-For entry.
        #[arg(long)]
        behind_proxy: bool,
    },
    /// 审计日志 — the audit trail.
    Audit {
        #[command(subcommand)]
        action: AuditAction,
    },
    /// 账号（命令行）：创建首个管理员 — accounts from the command line.
    User {
        #[command(subcommand)]
        action: UserAction,
    },
    /// 评分：打印得分表 — score a dataset and print the score table.
    Evaluate {
        #[command(flatten)]
        source: DatasetSource,
        /// 把评分结果（每项的值、得分、扣分原因）存入库 / save the result in the store.
        #[arg(long)]
        save: bool,
        #[command(flatten)]
        frameworks: FrameworkChoice,
        /// 以 JSON 输出 / print JSON instead of a table.
        #[arg(long)]
        json: bool,
        /// 改为逐个项目评分（项目支出绩效自评）/ score each project instead.
        #[arg(long)]
        projects: bool,
    },
    /// 报告：写出部门整体支出绩效自评报告 — write the narrative self-evaluation report.
    Report {
        #[command(flatten)]
        source: DatasetSource,
        /// 格式：docx、pdf、html、md（默认按 --out 的扩展名）/ the format (default: from --out).
        #[arg(long, value_parser = ["docx", "pdf", "html", "md"])]
        format: Option<String>,
        /// 措辞模板文件夹：其中 report.toml 的句式替换默认措辞（见 templates/report.toml）
        /// / a folder whose report.toml rewords the report.
        #[arg(long)]
        template_dir: Option<PathBuf>,
        #[command(flatten)]
        frameworks: FrameworkChoice,
        /// 输出文件：.docx（Word，GB/T 9704 公文格式）、.pdf（内嵌中文字体）、.html 或 .md
        /// / the output file: .docx, .pdf, .html or .md.
        #[arg(long, short)]
        out: PathBuf,
    },
    /// 导入：数据集文件夹、交换 CSV 或按模板填写的 Excel — import into the store, all or nothing.
    ///
    /// 可导入：数据集文件夹（含 department.toml）；含 units.csv、projects.csv、targets.csv、
    /// payments.csv 的文件夹（或其中任一文件）；按 `jixiao template` 填写的 .xlsx 工作簿。
    /// 预算管理一体化系统的导出表（表头为 PAY_CERT_NO、PRO_CODE 等数据元素，或其中文表头）
    /// 按表头自动识别，无需映射文件；标记删除（IS_DELETED = 1）的行跳过并计数。
    /// 有任何问题都逐条列出（文件、工作表、行、列、实际内容、应填什么），且不写入任何数据。
    /// 同一支付流水号不会重复计数，可按月反复导入。
    Import(store_cmd::ImportArgs),
    /// 导出：库中数据写回交换 CSV（文件夹）或 Excel 工作簿（.xlsx）— export the store.
    Export {
        /// 输出文件夹，或以 .xlsx 结尾的工作簿 / a folder, or a .xlsx file.
        #[arg(long, short)]
        out: PathBuf,
        /// 预算年度（库中只有一个年度时可省略）/ the fiscal year.
        #[arg(long)]
        year: Option<i32>,
        /// 按其他系统的字段名写出：yitihua（预算管理一体化系统的数据元素：单位、项目、支付；
        /// 其余各表仍按 jixiao 的列名；只用于文件夹）/ write in another system's names.
        #[arg(long)]
        profile: Option<String>,
    },
    /// 监控：按截止日期计算执行进度、预警和排名 — budget-execution monitoring, as of a date.
    ///
    /// 给出文件夹时：读取交换 CSV（units.csv、projects.csv、payments.csv），写出每个项目的
    /// projects_out.csv 与各部门排名的 departments_out.csv（--out 文件夹；列见 docs/monitoring.md）。
    /// 不给文件夹时：从库中按任意层级（项目、单位、部门、资金来源、区域、全部）计算截至该日的
    /// 预算、支出、执行率、序时进度、差距、预警和月度曲线；--out 以 .xlsx 结尾时写出通报，
    /// 以 .csv 结尾时写出明细。序时进度口径、预警线、重点项目金额和下限见 --config
    /// （docs/monitoring.md）。金额与比率精确计算，不用浮点数。
    Monitor(monitor_cmd::Args),
    /// 预测：按往年季节模式预测年底执行率，并预警 — forecast year-end execution rates.
    ///
    /// 以截止日期前最后一个完整月末的累计支出，除以往年同期累计支出占全年的比例，预测每个
    /// 项目及各层级的年底执行率（不超过预算）；低于 forecast_floor（默认 90%）的预警。库中
    /// 没有往年数据时按均匀进度推定，并标明（推定）。--backtest 在已有全年数据的年度上回测：
    /// 打印每个月末预测的平均绝对误差。
    Forecast(monitor_cmd::ForecastArgs),
    /// 模板：写出 Excel 导入模板（表头批注、下拉列表、格式校验）— write the blank template.
    Template {
        /// 输出文件（.xlsx）/ the output file.
        #[arg(long, short)]
        out: PathBuf,
    },
    /// 核查：重算自评表与自评报告中的每个数 — review submitted tables and reports.
    ///
    /// 读取 .xlsx、.docx、.pdf（含文字层）与 .txt：找出文中的金额、比率、得分和数量，
    /// 重算执行率（执行数 ÷ 预算数）、分项与合计、同一数额前后是否一致、得分与等级是否相符、
    /// 标题编号是否连续；自评表还重算执行得分、各指标得分（正向、反向两种公式）、得分封顶、
    /// 分值合计、小计与总分。每条结果写明位置、原文、文中数值、重算数值和所用规则，
    /// 可直接贴进退回修改意见。四舍五入以外的舍入方式（四舍六入五成双、截尾）能解释的差异只作提示。
    /// 读不了的文件给出原因，其余照常核查。退出码：0 未发现错误；5 发现错误；1 有文件无法读取。
    #[command(after_help = "示例 Examples:
  jixiao check 自评报告.docx
  jixiao check 报送/*.xlsx --format xlsx --out 核查结果.xlsx
  jixiao check 自评表.xlsx --framework cn-project-2020 --format json")]
    Check {
        /// 要核查的文件（可多个）/ the files.
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// 指标体系（内置 id 或文件）：决定等级标准、总分与预算执行分值；
        /// 省略时按全国通行等级标准与总分 100 核查 / the framework to check under.
        #[arg(long)]
        framework: Option<String>,
        /// 输出格式：text（默认）、json、xlsx / the output format.
        #[arg(long, default_value = "text", value_parser = ["text", "json", "xlsx"])]
        format: String,
        /// 输出文件（xlsx 必填；其余省略时写到屏幕）/ where to write.
        #[arg(long, short)]
        out: Option<PathBuf>,
    },
    /// 指标体系：列出或检查 — list shipped frameworks or check a framework file.
    Framework {
        #[command(subcommand)]
        action: FrameworkAction,
    },
    /// 绩效目标：智能审核申报表 — review target declarations.
    #[command(after_help = "示例 / examples:
  jixiao targets review 申报表.toml                      按完整性、相关性、适当性、可行性逐条列出问题与等级
  jixiao targets review a.toml b.toml --format json      多份申报表，JSON 输出
  jixiao targets review 申报表.toml --rules 本局审核规则.toml
  jixiao targets review 申报表.toml --department baiyun-zfb   上年实际完成值取自库中该部门上一年度数据
  jixiao targets workbook a.toml b.toml -o 申报表.xlsx    写成申报表工作簿（工作表“申报项目”“申报指标”）
  jixiao targets import 申报表.xlsx --department baiyun-zfb   导入为该部门的申报草稿（全部或全部不导入）

申报表格式（jixiao-declaration/1）与审核规则见 docs/targets.md。
退出码：0 全部为“优”；2 有需修改或退回的申报表；1 文件有误。")]
    Targets {
        #[command(subcommand)]
        action: TargetsAction,
    },
}

#[derive(clap::Subcommand)]
enum TargetsAction {
    /// 智能审核：逐条列出问题（可直接粘贴为退回意见）、四项审核结论与等级 / review declarations.
    Review {
        /// 申报表文件（.toml，jixiao-declaration/1）/ declaration files.
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// 审核规则文件；省略时用内置的 frameworks/target-review-default.toml（暂定）
        /// / a review-rules file; default: the shipped, provisional one.
        #[arg(long)]
        rules: Option<PathBuf>,
        /// 输出格式：text（默认）或 json / the output format.
        #[arg(long, default_value = "text", value_parser = ["text", "json"])]
        format: String,
        /// 部门编码：从库中该部门上一年度的数据取各指标的上年实际完成值（延续项目的目标不应低于它）
        /// / a department code: last year's actuals from its stored dataset of the year before.
        #[arg(long)]
        department: Option<String>,
    },
    /// 导入申报表工作簿（工作表“申报项目”“申报指标”）为该部门的申报草稿：全部导入或全部不导入，
    /// 每个问题写明工作表、行、列 / import a 申报表 workbook as the department's drafts, all or nothing.
    Import {
        /// 申报表工作簿（.xlsx）/ the workbook.
        workbook: PathBuf,
        /// 部门编码 / the department the projects are declared under.
        #[arg(long)]
        department: String,
    },
    /// 把申报表文件（.toml）写成一个申报表工作簿，供单位填写或报送 / write declarations as a workbook.
    Workbook {
        /// 申报表文件（.toml，jixiao-declaration/1）/ declaration files.
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// 输出文件（.xlsx）/ the workbook to write.
        #[arg(long, short)]
        out: PathBuf,
    },
}

/// The frameworks to score under, each defaulting to the dataset's framework of record.
#[derive(clap::Args)]
struct FrameworkChoice {
    /// 部门整体指标体系：内置编号或 .toml 文件；省略时用数据集 department.toml 的 [frameworks]
    /// （未写则 gz-dept-2021）/ the department framework, a shipped id or a file; default: the
    /// dataset's framework of record.
    #[arg(long)]
    framework: Option<String>,
    /// 项目指标体系（逐项评分与报告附表用）；省略时用数据集所记（未写则 cn-project-2020）
    /// / the project framework; default: the dataset's.
    #[arg(long)]
    project_framework: Option<String>,
}

impl FrameworkChoice {
    /// (department, project) framework ids or paths for `data`.
    fn resolve(self, data: &jixiao_domain::dataset::DepartmentYear) -> (String, String) {
        (
            self.framework
                .unwrap_or_else(|| data.frameworks.department.clone()),
            self.project_framework
                .unwrap_or_else(|| data.frameworks.project.clone()),
        )
    }
}

/// Where a department's year comes from: a dataset folder, or the store.
#[derive(clap::Args)]
struct DatasetSource {
    /// 数据集文件夹（含 department.toml 等）；省略时用 --department 与 --year 从库中读取。
    /// The dataset folder; omit it to read the dataset from the store.
    #[arg(required_unless_present = "department")]
    dataset: Option<PathBuf>,
    /// 从库中读取该部门的数据集 / read this department's dataset from the store.
    #[arg(long, requires = "year", conflicts_with = "dataset")]
    department: Option<String>,
    /// 预算年度 / the fiscal year (with --department).
    #[arg(long)]
    year: Option<i32>,
}

impl DatasetSource {
    /// Reads the department's year from the folder, or from the store at `database_url`.
    fn load(&self, database_url: Option<&str>) -> Result<DepartmentYear, Failure> {
        match (&self.dataset, &self.department, self.year) {
            (Some(dir), ..) => Ok(jixiao_formats::dataset::load(dir)?),
            (None, Some(d), Some(y)) => {
                let mut store = store_cmd::open(database_url)?;
                store_cmd::load_dataset(store.as_mut(), d, y)
            }
            _ => unreachable!("clap requires a dataset or --department with --year"),
        }
    }
}

#[derive(Subcommand)]
enum FrameworkAction {
    /// 列出内置指标体系 / list the shipped frameworks.
    List,
    /// 检查指标体系文件：分值合计、规则参数、数据绑定 / validate a framework file.
    Check {
        /// 内置编号或文件路径 / a shipped id or a file.
        framework: String,
    },
}

/// `jixiao targets review`: every declaration read first (all or nothing), then each reviewed.
fn review_targets(
    files: &[PathBuf],
    rules: Option<&Path>,
    format: &str,
    mut history: Option<(&str, &mut Box<dyn jixiao_store::Store>)>,
) -> Result<(), Failure> {
    use jixiao_formats::declaration;
    let rules = match rules {
        Some(p) => {
            let text = std::fs::read_to_string(p).map_err(|e| Failure {
                code: 1,
                message: format!("无法读取审核规则 {}：{e}", p.display()),
            })?;
            declaration::parse_rules(p, &text)?
        }
        None => declaration::default_rules(),
    };
    let mut declarations = Vec::new();
    let mut problems = Vec::new();
    for f in files {
        match declaration::load(f) {
            Ok(d) => declarations.push((f, d)),
            Err(p) => problems.extend(p.0),
        }
    }
    if !problems.is_empty() {
        return Err(jixiao_formats::problem::Problems(problems).into());
    }
    // With a department, each declaration is reviewed against the points its year's project
    // framework of record gives the indicators, when that year is stored.
    let mut per_rules = Vec::new();
    if let Some((department, store)) = &mut history {
        for (file, d) in &declarations {
            let r =
                jixiao_app::targets::rules_for(store.as_mut(), department, d.year, rules.clone())
                    .map_err(|e| Failure {
                    code: 4,
                    message: format!("{}：{e}", file.display()),
                })?;
            per_rules.push(r);
        }
    }
    if let Some((department, store)) = history {
        for (file, d) in declarations.iter_mut() {
            let n =
                jixiao_app::targets::fill_history(store.as_mut(), department, d).map_err(|e| {
                    Failure {
                        code: 4,
                        message: format!("{}：{e}", file.display()),
                    }
                })?;
            if n > 0 && format != "json" {
                println!(
                    "（{}：{n} 项指标的上年实际完成值取自库中 {department} {} 年度数据）",
                    d.project,
                    d.year - 1
                );
            }
        }
    }
    let mut all_good = true;
    let mut out = Vec::new();
    for (k, (file, d)) in declarations.iter().enumerate() {
        let r = jixiao_domain::targets::review(d, per_rules.get(k).unwrap_or(&rules));
        let gate = jixiao_app::targets::assessment_needed(d);
        all_good &= r.findings.is_empty();
        if format == "json" {
            let mut v = jixiao_app::targets::review_json(&r);
            v["file"] = json!(file.display().to_string());
            v["project"] = json!(d.project);
            v["rules"] = json!(rules.id);
            v["provisional"] = json!(rules.provisional);
            v["assessment_needed"] = json!(gate);
            out.push(v);
            continue;
        }
        println!(
            "{}（{}，{} 年）：{}，{}",
            d.project,
            file.display(),
            d.year,
            r.grade,
            r.outcome
        );
        let verdicts: Vec<String> = r
            .verdicts
            .iter()
            .map(|(c, ok)| format!("{}{}", c.label().0, if *ok { "✓" } else { "✗" }))
            .collect();
        println!("  {}", verdicts.join("  "));
        for (n, f) in r.findings.iter().enumerate() {
            println!("  {}. [{}] {}", n + 1, f.criterion.label().0, f.message);
        }
        if let Some(why) = gate {
            println!(
                "  批复前须经事前绩效评估并获支持（{why}）：未经评估或评估不予支持的，不能批复。"
            );
        }
    }
    if format == "json" {
        println!("{}", pretty(&Value::Array(out)));
    } else if rules.provisional {
        println!(
            "（审核规则 {} 为暂定版本：阈值见 docs/targets.md，可用 --rules 换用本局的规则）",
            rules.id
        );
    }
    if all_good {
        Ok(())
    } else {
        Err(Failure {
            code: 2,
            message: String::new(),
        })
    }
}

/// A failure with its exit code; the message is already written for a person.
pub(crate) struct Failure {
    code: u8,
    message: String,
}

impl From<Problems> for Failure {
    fn from(p: Problems) -> Failure {
        Failure {
            code: 1,
            message: format!("发现 {} 个问题，未做任何处理：\n{p}", p.0.len()),
        }
    }
}

fn eval_failure(errors: Vec<EvalError>) -> Failure {
    Failure {
        code: 1,
        message: format!(
            "无法评分，发现 {} 个问题：\n{}",
            errors.len(),
            errors
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("\n")
        ),
    }
}

fn main() -> ExitCode {
    // Piped into `head` or `less` and closed early, a command line program stops quietly
    // rather than panicking on a write to the closed pipe.
    #[cfg(unix)]
    // SAFETY: restores the default action for one signal before any thread starts.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
    let cli = Cli::parse();
    match run(cli.command, cli.database_url.as_deref()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(f) => {
            // An empty message: the command has said everything (a review that found problems).
            if !f.message.is_empty() {
                eprintln!("jixiao: {}", f.message);
            }
            ExitCode::from(f.code)
        }
    }
}

fn project_evaluations(data: &DepartmentYear, fw: &Framework) -> Result<Vec<Evaluation>, Failure> {
    jixiao_app::project_evaluations(data, fw).map_err(eval_failure)
}

fn run(command: Command, database_url: Option<&str>) -> Result<(), Failure> {
    match command {
        Command::Demo { out, serve, bind } => {
            // The main job, end to end on the embedded store: import, evaluate, save, report.
            std::fs::create_dir_all(&out).map_err(|e| Failure {
                code: 3,
                message: format!("无法创建 {}：{e}", out.display()),
            })?;
            let demo_db = out.join("jixiao-demo.db");
            let url = database_url
                .map(str::to_string)
                .unwrap_or_else(|| demo_db.display().to_string());
            let example = jixiao_formats::dataset::load(&example_dir())?;
            store_cmd::import(Some(&url), store_cmd::ImportArgs::of(example_dir()))?;
            let mut store = store_cmd::open(Some(&url))?;
            let data =
                store_cmd::load_dataset(store.as_mut(), &example.department.code, example.year)?;
            let fw = jixiao_formats::framework::load(&data.frameworks.department)?;
            let eval = evaluate_department(&fw, &data).map_err(eval_failure)?;
            store_cmd::save_evaluation(store.as_mut(), &data, &eval)?;
            println!();
            print!("{}", table::render(&eval, &data));
            println!(
                "
评分结果已存入 {}",
                store.location()
            );
            for ext in ["md", "docx", "pdf", "html"] {
                let file = out.join(format!(
                    "{}-{}-自评报告.{ext}",
                    data.department.code, data.year
                ));
                let wording = jixiao_report::wording::Wording::default();
                match write_report(&data, &eval, &data.frameworks.project, &file, &wording) {
                    Ok(()) => println!("\n报告已写出：{}", file.display()),
                    // Without CJK fonts the PDF alone is skipped, and the reason given.
                    Err(f) if ext == "pdf" && f.code == 1 => {
                        println!("\n未写出 PDF：{}", f.message)
                    }
                    Err(f) => return Err(f),
                }
            }
            let accounts =
                jixiao_app::auth::create_demo_accounts(store.as_mut(), &data.department.code)
                    .map_err(Failure::from)?;
            demo_year(store.as_mut(), &out)?;
            if !serve {
                println!("\n在浏览器中使用（各角色演示账号）：jixiao demo --serve");
            }
            if serve {
                drop(store);
                let demo = DemoAccounts {
                    accounts: &accounts,
                    department: &data.department.code,
                    year: data.year,
                };
                return serve_configured(
                    jixiao_store::Location::parse(&url),
                    &bind,
                    None,
                    Some(demo),
                );
            }
            Ok(())
        }
        Command::Evaluate {
            source,
            save,
            frameworks,
            json,
            projects,
        } => {
            let data = source.load(database_url)?;
            let (framework, project_framework) = frameworks.resolve(&data);
            let mut store = if save {
                Some(store_cmd::open(database_url)?)
            } else {
                None
            };
            if projects {
                let fw = jixiao_formats::framework::load(&project_framework)?;
                let evals = project_evaluations(&data, &fw)?;
                if json {
                    println!(
                        "{}",
                        pretty(&Value::Array(evals.iter().map(to_json).collect()))
                    );
                } else {
                    for e in &evals {
                        print!("{}\n\n", table::render(e, &data));
                    }
                    let skipped: Vec<&str> = data
                        .projects
                        .iter()
                        .filter(|p| p.indicators.is_empty())
                        .map(|p| p.name.as_str())
                        .collect();
                    if !skipped.is_empty() {
                        println!("未设绩效指标、未评分的项目：{}", skipped.join("、"));
                    }
                }
                return Ok(());
            }
            let fw = jixiao_formats::framework::load(&framework)?;
            let eval = evaluate_department(&fw, &data).map_err(eval_failure)?;
            if json {
                println!("{}", pretty(&to_json(&eval)));
            } else {
                print!("{}", table::render(&eval, &data));
            }
            if let (true, Some(s)) = (save, store.as_mut()) {
                store_cmd::save_evaluation(s.as_mut(), &data, &eval)?;
                eprintln!("评分结果已存入 {}", s.location());
            }
            Ok(())
        }
        Command::Report {
            source,
            format,
            template_dir,
            frameworks,
            out,
        } => {
            let wording = match &template_dir {
                Some(dir) => jixiao_report::wording::Wording::load(dir).map_err(|p| Failure {
                    code: 1,
                    message: format!("措辞模板有 {} 个问题：\n{}", p.len(), p.join("\n")),
                })?,
                None => jixiao_report::wording::Wording::default(),
            };
            let data = source.load(database_url)?;
            let (framework, project_framework) = frameworks.resolve(&data);
            let fw = jixiao_formats::framework::load(&framework)?;
            let eval = evaluate_department(&fw, &data).map_err(eval_failure)?;
            let out = match format {
                Some(f) if !out.extension().is_some_and(|e| e.eq_ignore_ascii_case(&f)) => {
                    out.with_extension(&f)
                }
                _ => out,
            };
            write_report(&data, &eval, &project_framework, &out, &wording)?;
            println!(
                "报告已写出：{}（得分 {}，{}）",
                out.display(),
                format_score(eval.total),
                eval.grade_label
            );
            Ok(())
        }
        Command::Import(args) => store_cmd::import(database_url, args),
        Command::Export { out, year, profile } => {
            store_cmd::export(database_url, &out, year, profile.as_deref())
        }
        Command::Template { out } => store_cmd::template(&out),
        Command::Check {
            files,
            framework,
            format,
            out,
        } => check_cmd::run(&files, framework.as_deref(), &format, out.as_deref()),
        Command::Monitor(args) => monitor_cmd::run(database_url, args),
        Command::Forecast(args) => monitor_cmd::forecast(database_url, args),
        Command::Serve {
            bind,
            connections,
            linkage,
            disclosure_days,
            disclosure_working_days,
            behind_proxy,
        } => {
            let url = database_url.unwrap_or(jixiao_store::DEFAULT_SQLITE_FILE);
            let options = ServeOptions {
                connections,
                behind_proxy,
                linkage: jixiao_formats::linkage::load(&linkage)?,
                disclosure: jixiao_domain::results::DisclosureRule {
                    days: disclosure_days,
                    working_days: disclosure_working_days,
                },
            };
            serve_configured(
                jixiao_store::Location::parse(url),
                &bind,
                Some(options),
                None,
            )
        }
        Command::Audit {
            action: AuditAction::Verify,
        } => {
            let mut store = store_cmd::open(database_url)?;
            match jixiao_app::audit::verify(store.sql())? {
                Ok(n) => {
                    println!("审计日志完整：共 {n} 条，哈希链无断裂。");
                    Ok(())
                }
                Err(breaks) => {
                    for b in &breaks {
                        eprintln!("第 {} 条：{}", b.seq, b.reason);
                    }
                    Err(Failure {
                        code: 5,
                        message: format!("审计日志被改动：发现 {} 处断裂（见上）。", breaks.len()),
                    })
                }
            }
        }
        Command::User {
            action:
                UserAction::Add {
                    username,
                    name,
                    role,
                    department,
                },
        } => {
            let role = jixiao_app::auth::Role::parse(&role).ok_or_else(|| Failure {
                code: 2,
                message: format!(
                    "角色“{role}”不认识：应为 {}",
                    jixiao_app::auth::Role::ALL.map(|r| r.id()).join("、")
                ),
            })?;
            let password = if jixiao_app::auth::is_admin_role(Some(role)) {
                Some(read_password()?)
            } else {
                None
            };
            let mut store = store_cmd::open(database_url)?;
            let (_, first) = jixiao_app::accounts::create(
                store.sql(),
                "jixiao user add（命令行）",
                &username,
                &name,
                Some(role),
                department.as_deref(),
                password.as_deref(),
            )?;
            println!("已创建账号 {username}（{}）", role.label().0);
            if let Some(first) = first {
                print_first_half(&first);
            }
            Ok(())
        }
        Command::User {
            action: UserAction::Reset { username },
        } => {
            let mut store = store_cmd::open(database_url)?;
            let sql = store.sql();
            let id = jixiao_app::accounts::find(sql, &username)?.ok_or_else(|| Failure {
                code: 2,
                message: format!("没有用户名为“{username}”的账号。"),
            })?;
            let admin = jixiao_app::auth::is_admin_role(jixiao_app::auth::role_of(sql, id)?);
            let password = if admin { Some(read_password()?) } else { None };
            let first = jixiao_app::accounts::reset_on_server(
                sql,
                "jixiao user reset（命令行）",
                id,
                &username,
                password.as_deref(),
            )?;
            match first {
                None => {
                    println!("已重置 {username} 的密码并解除登录限制，其已登录的会话均已退出。")
                }
                Some(first) => {
                    println!(
                        "已为 {username} 签发一次性凭证，原密码作废，其已登录的会话均已退出。"
                    );
                    print_first_half(&first);
                }
            }
            Ok(())
        }
        Command::Targets {
            action:
                TargetsAction::Review {
                    files,
                    rules,
                    format,
                    department,
                },
        } => {
            let mut store = match &department {
                Some(_) => Some(store_cmd::open(database_url)?),
                None => None,
            };
            let history = department.as_deref().zip(store.as_mut());
            review_targets(&files, rules.as_deref(), &format, history)
        }
        Command::Targets {
            action:
                TargetsAction::Import {
                    workbook,
                    department,
                },
        } => {
            let started = std::time::Instant::now();
            let book = jixiao_exchange::source::load_workbook(&workbook)
                .map_err(|p| jixiao_formats::Problems(vec![p]))?;
            let declared = jixiao_exchange::declarations::read(&book)?;
            let mut store = store_cmd::open(database_url)?;
            // The command line imports for the department, as the finance bureau would.
            let user = jixiao_app::auth::User {
                id: 0,
                username: "jixiao".into(),
                display_name: "命令行导入".into(),
                role: Some(jixiao_app::auth::Role::BureauAdmin),
                department: None,
                assigned: Vec::new(),
                must_change: false,
            };
            let saved =
                jixiao_app::declarations::import(store.as_mut(), &user, &department, &declared)
                    .map_err(Failure::from)?;
            println!(
                "已导入 {} 个项目的申报（{} 项指标）为部门 {department} 的草稿，用时 {:.2} 秒；在“目标申报”页面审核、报送。",
                saved.len(),
                declared.iter().map(|d| d.indicators.len()).sum::<usize>(),
                started.elapsed().as_secs_f64()
            );
            Ok(())
        }
        Command::Targets {
            action: TargetsAction::Workbook { files, out },
        } => {
            let mut declared = Vec::new();
            let mut problems = Vec::new();
            for f in &files {
                match jixiao_formats::declaration::load(f) {
                    Ok(d) => declared.push(d),
                    Err(p) => problems.extend(p.0),
                }
            }
            if !problems.is_empty() {
                return Err(jixiao_formats::Problems(problems).into());
            }
            let bytes = jixiao_exchange::declarations::write(&declared).map_err(|m| Failure {
                code: 1,
                message: m,
            })?;
            std::fs::write(&out, bytes).map_err(|e| Failure {
                code: 3,
                message: format!("无法写出 {}：{e}", out.display()),
            })?;
            println!(
                "已写出 {} 个项目的申报表工作簿：{}",
                declared.len(),
                out.display()
            );
            Ok(())
        }
        Command::Framework { action } => match action {
            FrameworkAction::List => {
                for (id, file, _) in jixiao_formats::framework::SHIPPED {
                    let fw = jixiao_formats::framework::load(id)?;
                    println!(
                        "{id}\t{}{}\t{file}",
                        fw.title,
                        if fw.provisional { "（暂定）" } else { "" }
                    );
                }
                Ok(())
            }
            FrameworkAction::Check { framework } => {
                let fw = jixiao_formats::framework::load(&framework)?;
                let n = fw.indicators().len();
                println!(
                    "{}：检查通过（{}，总分 {}{}）",
                    framework,
                    fw.title,
                    format_score(fw.total),
                    if n > 0 {
                        format!("，{n} 个指标")
                    } else {
                        String::new()
                    }
                );
                Ok(())
            }
        },
    }
}

fn write_report(
    data: &DepartmentYear,
    eval: &Evaluation,
    project_framework: &str,
    file: &Path,
    wording: &jixiao_report::wording::Wording,
) -> Result<(), Failure> {
    let pfw = jixiao_formats::framework::load(project_framework)?;
    let projects = project_evaluations(data, &pfw)?;
    let doc = jixiao_report::build_with(data, eval, &projects, wording).map_err(|e| Failure {
        code: 1,
        message: format!("无法生成报告：{e}"),
    })?;
    write_document(&doc, file)
}

/// Writes a document in the format its file name says: .docx, .pdf, .html or .md; any other
/// ending is refused before anything is written.
pub(crate) fn write_document(
    doc: &jixiao_report::document::Document,
    file: &Path,
) -> Result<(), Failure> {
    let io = |e: &dyn std::fmt::Display| Failure {
        code: 3,
        message: format!("无法写出 {}：{e}", file.display()),
    };
    let ext = file
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .unwrap_or_default();
    if !matches!(ext.as_str(), "html" | "pdf" | "docx" | "md" | "markdown") {
        return Err(Failure {
            code: 2,
            message: format!(
                "不能写出“{}”：输出文件应以 .docx（Word）、.pdf、.html 或 .md 结尾（或用 --format 指明格式）；旧版 Word 的 .doc 请写 .docx（Word、WPS 均可打开）\nCannot write “{}”: the output must end in .docx, .pdf, .html or .md (or give --format).",
                file.display(),
                file.display()
            ),
        });
    }
    if let Some(dir) = file.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|e| io(&e))?;
    }
    match ext.as_str() {
        "html" => std::fs::write(file, jixiao_report::html::to_html(doc)).map_err(|e| io(&e)),
        "pdf" => {
            let fail = |m: String| Failure {
                code: 1,
                message: m,
            };
            let fonts = jixiao_report::pdf::find_fonts().map_err(fail)?;
            let bytes = jixiao_report::pdf::write(doc, &fonts).map_err(fail)?;
            std::fs::write(file, bytes).map_err(|e| io(&e))
        }
        "docx" => {
            let f = std::fs::File::create(file).map_err(|e| io(&e))?;
            jixiao_report::docx::write(doc, std::io::BufWriter::new(f))
                .map(|_| ())
                .map_err(|e| io(&e))
        }
        _ => std::fs::write(file, doc.to_markdown()).map_err(|e| io(&e)),
    }
}

/// A password from `JIXIAO_PASSWORD`, or one line of standard input.
fn read_password() -> Result<String, Failure> {
    if let Ok(p) = std::env::var("JIXIAO_PASSWORD") {
        return Ok(p);
    }
    eprintln!("请输入密码（至少 10 位，含三类字符）：");
    let mut line = String::new();
    std::io::stdin().read_line(&mut line).map_err(|e| Failure {
        code: 2,
        message: format!("无法读取密码：{e}"),
    })?;
    Ok(line.trim_end_matches(['\r', '\n']).to_string())
}

/// What the command line says of a credential's first half.
fn print_first_half(first: &str) {
    println!("一次性凭证前半段：{first}");
    println!(
        "后半段由安全管理员在网页“角色权限”页交付；账号本人以“前半段-后半段”登录后须立即修改密码，凭证 24 小时内有效。"
    );
}

/// What `jixiao serve` sets beyond the store and the address.
#[cfg_attr(not(feature = "web"), allow(dead_code))]
struct ServeOptions {
    connections: usize,
    behind_proxy: bool,
    linkage: jixiao_domain::results::Linkage,
    disclosure: jixiao_domain::results::DisclosureRule,
}

/// The web service's log on standard error: one line per request (its id, method, path,
/// status and time) and each internal error in its request's span. `JIXIAO_LOG` sets the level
/// (error, warn, info — the default — debug or trace).
#[cfg(feature = "web")]
fn log_requests() {
    let level = std::env::var("JIXIAO_LOG")
        .ok()
        .and_then(|l| l.parse::<tracing_subscriber::filter::LevelFilter>().ok())
        .unwrap_or(tracing_subscriber::filter::LevelFilter::INFO);
    // A second call (a test serving twice) keeps the first subscriber.
    let _ = tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_max_level(level)
        .try_init();
}

/// The demo's accounts, printed when its server starts, and the self-evaluation page to open.
#[cfg_attr(not(feature = "web"), allow(dead_code))]
struct DemoAccounts<'a> {
    accounts: &'a [(String, String, jixiao_app::auth::Role)],
    department: &'a str,
    year: i32,
}

/// Serves the web application until interrupted; without the `web` feature there is no server
/// to start, and it says how to get one.
fn serve_configured(
    location: jixiao_store::Location,
    bind: &str,
    options: Option<ServeOptions>,
    demo: Option<DemoAccounts<'_>>,
) -> Result<(), Failure> {
    #[cfg(not(feature = "web"))]
    {
        let _ = (location, bind, options, demo);
        Err(Failure {
            code: 2,
            message: "此版本编译时未包含网页服务（cargo 特性 web）。请用 cargo build --release（默认包含）重新编译。\nThis build has no web server (cargo feature `web`); rebuild with the default features.".into(),
        })
    }
    #[cfg(feature = "web")]
    {
        let mut config = jixiao_web::Config::new(location, bind);
        if let Some(o) = options {
            config.connections = o.connections;
            config.behind_proxy = o.behind_proxy;
            config.linkage = o.linkage;
            config.disclosure = o.disclosure;
        }
        let location = config.location.to_string();
        log_requests();
        jixiao_web::serve(config, |addr| {
            println!("\n网页服务已启动：http://{addr}/ （库：{location}；Ctrl-C 停止）");
            if let Some(d) = &demo {
                println!("演示账号（用户名 / 密码 / 角色）：");
                for (name, password, role) in d.accounts {
                    println!("  {name:<10} {password:<22} {}", role.label().0);
                }
                let page = format!("/evaluations/{}/{}", d.department, d.year);
                println!("自评页面：http://{addr}{page}");
            }
        })
        .map_err(|message| Failure { code: 4, message })
    }
}

/// The bundled example: next to the binary's source tree when run from a checkout.
/// The demo's year of a new project (issue 18) in a second department: a copy of the seed under
/// the code `baiyun-demo` (its figures the seed's, its name saying so), into which one new project
/// is declared, reviewed, assessed, approved, written and scored (`jixiao_app::demo`). Skipped,
/// with a line, when the store already holds it (a second run on the same store).
fn demo_year(store: &mut dyn jixiao_store::Store, out: &Path) -> Result<(), Failure> {
    const CODE: &str = "baiyun-demo";
    if store.datasets()?.iter().any(|(d, _)| d == CODE) {
        println!("\n演示部门 {CODE} 已在库中：项目申报至年终自评的演示不再重复。");
        return Ok(());
    }
    let dir = out.join("demo-department");
    std::fs::create_dir_all(&dir).map_err(|e| Failure {
        code: 3,
        message: format!("无法创建 {}：{e}", dir.display()),
    })?;
    for f in std::fs::read_dir(example_dir()).map_err(|e| Failure {
        code: 3,
        message: e.to_string(),
    })? {
        let f = f
            .map_err(|e| Failure {
                code: 3,
                message: e.to_string(),
            })?
            .path();
        let text = std::fs::read_to_string(&f)
            .map_err(|e| Failure {
                code: 3,
                message: e.to_string(),
            })?
            .replace("code = \"baiyun-zfb\"", &format!("code = \"{CODE}\""))
            .replace(
                "广州市白云区人民政府办公室",
                "演示部门（白云区政府办数据副本）",
            );
        std::fs::write(dir.join(f.file_name().unwrap_or_default()), text).map_err(|e| Failure {
            code: 3,
            message: e.to_string(),
        })?;
    }
    let opts = jixiao_exchange::import::Options::default();
    match jixiao_exchange::import::import(store, &dir, &opts, &mut |_| {}) {
        Ok(_) => {}
        Err(jixiao_exchange::import::ImportError::Input(problems, _)) => {
            return Err(problems.into())
        }
        Err(jixiao_exchange::import::ImportError::Store(e)) => return Err(e.into()),
    }
    let text =
        std::fs::read_to_string(example_dir().join("../declarations/demo-new-project-2021.toml"))
            .map_err(|e| Failure {
            code: 3,
            message: e.to_string(),
        })?;
    println!("\n一个新项目的一年（演示部门 {CODE}，2021 年度）：");
    for line in jixiao_app::demo::the_year(store, CODE, &text).map_err(Failure::from)? {
        println!("  {line}");
    }
    Ok(())
}

fn example_dir() -> PathBuf {
    let here = PathBuf::from("examples/baiyun-2021");
    if here.is_dir() {
        return here;
    }
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/baiyun-2021")
}

fn pretty(v: &Value) -> String {
    serde_json::to_string_pretty(v).expect("JSON values always serialise")
}

/// The JSON form of an evaluation: figures as the strings the table prints.
fn to_json(e: &Evaluation) -> Value {
    json!({
        "subject": e.subject,
        "framework": {
            "id": e.framework_id,
            "version": e.framework_version,
            "title": e.framework_title,
            "provisional": e.provisional,
        },
        "total": format_score(e.total),
        "max_total": format_score(e.max_total),
        "lost": format_score(e.lost()),
        "grade": e.grade_label,
        "grade_code": e.grade_code,
        "items": e.items.iter().map(|i| json!({
            "id": i.id,
            "name": i.name,
            "groups": i.groups,
            "value": i.value_text(),
            "weight": format_score(i.weight),
            "score": format_score(i.score),
            "lost": format_score(i.lost()),
            "raw": i.raw.normalize().to_string(),
            "status": i.status.id(),
            "rule": i.rule,
            "derivation": i.derivation,
            "working": i.working,
            "loss_reason": i.loss_reason,
            "inputs": i.inputs.iter().map(|input| json!({
                "label": input.label,
                "value": input.value,
                "inferred": input.origin.is_inferred(),
                "reason": match &input.origin {
                    jixiao_domain::provenance::Origin::Inferred { reason } => Some(reason.as_str()),
                    jixiao_domain::provenance::Origin::Stated => None,
                },
            })).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
        "inferred": inferred_inputs(e).iter().map(|(v, r)| json!({"values": v, "reason": r})).collect::<Vec<_>>(),
        "warnings": e.warnings,
    })
}
