//! The browser test: `flow.mjs` drives Debian's headless Chromium through Playwright against a
//! server started here. Screenshots land in `target/browser-screenshots/`.

use super::*;
use rust_xlsxwriter::Workbook;

/// A workbook in the import template's layout: one unit, three projects, their payments.
/// `broken` plants three errors a clerk makes: a third decimal, a month 13, an unknown project.
pub(crate) fn workbook(path: &Path, broken: bool) {
    let mut wb = Workbook::new();
    let units = wb.add_worksheet().set_name("单位").unwrap();
    for (c, h) in [
        "单位编码",
        "单位名称",
        "部门编码",
        "上级单位编码",
        "行政区划编码",
    ]
    .iter()
    .enumerate()
    {
        units.write(0, c as u16, *h).unwrap();
    }
    for (c, v) in [
        "440111001",
        "广州市白云区人民政府办公室（本级）",
        DEPT,
        "",
        "440111",
    ]
    .iter()
    .enumerate()
    {
        units.write(1, c as u16, *v).unwrap();
    }
    let projects = wb.add_worksheet().set_name("项目").unwrap();
    for (c, h) in [
        "项目编码",
        "单位编码",
        "项目名称",
        "支出类型",
        "资金来源",
        "年初预算（元）",
        "调整后预算（元）",
    ]
    .iter()
    .enumerate()
    {
        projects.write(0, c as u16, *h).unwrap();
    }
    let rows = [
        [
            "X01",
            "440111001",
            "对外联络、会议及调研",
            "项目支出",
            "一般公共预算",
            "850000",
            "850000",
        ],
        [
            "X02",
            "440111001",
            "文书档案规范化处理入馆",
            "项目支出",
            "一般公共预算",
            "698800",
            "698800",
        ],
        [
            "X03",
            "440111001",
            "机关运行经费",
            "基本支出",
            "一般公共预算",
            "2000000",
            "2100000",
        ],
    ];
    for (r, row) in rows.iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            projects.write(r as u32 + 1, c as u16, *v).unwrap();
        }
    }
    let pay = wb.add_worksheet().set_name("支付").unwrap();
    for (c, h) in ["支付流水号", "项目编码", "支付日期", "支付金额（元）"]
        .iter()
        .enumerate()
    {
        pay.write(0, c as u16, *h).unwrap();
    }
    let mut payments = [
        ("Z0001", "X01", "2021-02-10", "120000.00"),
        ("Z0002", "X01", "2021-06-15", "300000.00"),
        ("Z0003", "X02", "2021-03-04", "100000.00"),
        ("Z0004", "X02", "2021-08-20", "150000.00"),
        ("Z0005", "X03", "2021-01-31", "175000.00"),
        ("Z0006", "X03", "2021-05-31", "700000.00"),
        ("Z0007", "X03", "2021-09-30", "500000.00"),
    ];
    if broken {
        payments[1].3 = "300000.005";
        payments[3].2 = "2021-13-20";
        payments[5].1 = "X99";
    }
    for (r, p) in payments.iter().enumerate() {
        for (c, v) in [p.0, p.1, p.2, p.3].iter().enumerate() {
            pay.write(r as u32 + 1, c as u16, *v).unwrap();
        }
    }
    wb.save(path).unwrap();
}

/// Runs the Playwright script `script` (in this folder) against the server at `addr`, with
/// `env` besides BASE_URL, SHOTS and CHROMIUM; fails with its log unless every step passed.
fn run_flow(script: &str, addr: std::net::SocketAddr, env: &[(&str, &Path)]) -> PathBuf {
    let here = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/browser");
    assert!(
        here.join("node_modules/playwright-core").is_dir(),
        "run `npm ci` in {} first (.ci/run does)",
        here.display()
    );
    let chromium = std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
    assert!(
        Path::new(&chromium).exists(),
        "headless Chromium is needed: apt-get install chromium (.ci/run does)"
    );
    let shots = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/browser-screenshots");
    std::fs::create_dir_all(&shots).unwrap();
    let mut node = std::process::Command::new("node");
    node.arg(here.join(script))
        .env("BASE_URL", format!("http://localhost:{}", addr.port()))
        .env("SHOTS", &shots)
        .env("CHROMIUM", &chromium);
    for (k, v) in env {
        node.env(k, v);
    }
    let out = node.output().expect("node runs");
    let log = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success(), "browser flow {script} failed:\n{log}");
    assert!(log.contains("passed, 0 failed"), "{log}");
    shots
}

/// Issue 18 in the browser: `targets.mjs`, from a unit's draft (its 满意度 row picked from the
/// 指标库) to the year-end score.
#[test]
fn where_targets_are_born_in_headless_chromium() {
    let (scratch, location) = seeded_store("web-browser-targets");
    let fixed = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../examples/declarations/demo-new-project-2021.toml"),
    )
    .unwrap();
    let cut = fixed.find("level1 = \"满意度指标\"").unwrap();
    let flawed = &fixed[..fixed[..cut].rfind("[[indicators]]").unwrap()];
    let flawed_path = scratch.path("flawed.toml");
    std::fs::write(&flawed_path, flawed).unwrap();
    let addr = spawn_server(location.clone());
    let shots = run_flow("targets.mjs", addr, &[("DECL_FLAWED", &flawed_path)]);
    assert!(shots.join("t09-self-evaluation-scored.png").is_file());
    // Every save and step is in the audit chain.
    let mut store = jixiao_store::open(&location).unwrap();
    let sql = store.sql();
    jixiao_web::audit::verify(sql)
        .unwrap()
        .expect("an intact chain");
    for (action, n) in [
        ("保存绩效目标申报", 2),
        ("绩效目标申报：报送审核", 2),
        ("绩效目标申报：退回修改", 1),
        ("绩效目标申报：审核通过", 2),
        ("事前评估专家评分", 3),
        ("事前绩效评估结论", 1),
        ("绩效目标申报：批复", 1),
    ] {
        let count = sql
            .query(
                "SELECT COUNT(*) FROM audit_log WHERE action = $1 AND entity = 'declaration:3'",
                &[action.into()],
            )
            .unwrap()[0][0]
            .int();
        assert_eq!(count, n, "{action}");
    }
}

#[test]
fn the_whole_loop_in_headless_chromium() {
    let scratch = Scratch::new("web-browser");
    let location = Location::Sqlite(scratch.path("b.db"));
    seeded(&location, &scratch);
    let addr = spawn_server(location.clone());
    let (bad, good) = (
        scratch.path("预算执行-有误.xlsx"),
        scratch.path("预算执行.xlsx"),
    );
    workbook(&bad, true);
    workbook(&good, false);
    let shots = run_flow(
        "flow.mjs",
        addr,
        &[("XLSX_BAD", &bad), ("XLSX_GOOD", &good)],
    );
    assert!(shots.join("17-phone-english.png").is_file());
    // Everything the flow changed is in the audit trail, chained; the import and the saved
    // evaluation recorded themselves inside their own transactions.
    let mut store = jixiao_store::open(&location).unwrap();
    let sql = store.sql();
    jixiao_web::audit::verify(sql)
        .unwrap()
        .expect("an intact chain");
    for action in [
        "导入数据",
        "录入实际完成值",
        "重新评分并保存",
        "提交审核",
        "审核通过",
        "公开",
        "新建整改事项",
    ] {
        let n = sql
            .query(
                "SELECT COUNT(*) FROM audit_log WHERE action = $1",
                &[action.into()],
            )
            .unwrap()[0][0]
            .int();
        assert_eq!(n, 1, "{action}");
    }
}
