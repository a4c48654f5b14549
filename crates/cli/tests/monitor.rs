//! `jixiao monitor`: byte for byte what ../shared/bench/anchors.py writes (DuckDB), and
//! thresholds that change the warnings as documented.

use crate::{jixiao, root};
use jixiao_store::testing::Scratch;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

fn generate(scratch: &Scratch, scale: &str) -> PathBuf {
    let out = scratch.path(scale);
    let ok = Command::new("python3")
        .arg(root().join("../shared/bench/gen.py"))
        .args(["--scale", scale, "--out", s(&out)])
        .stderr(Stdio::null())
        .status()
        .expect("python3 runs gen.py")
        .success();
    assert!(ok);
    out
}

/// Runs anchors.py with DuckDB; CI installs it (`pip install duckdb`).
fn anchor(data: &Path, out: &Path, as_of: &str) {
    let o = Command::new("python3")
        .arg(root().join("../shared/bench/anchors.py"))
        .args(["duckdb", s(data), s(out), "--as-of", as_of])
        .output()
        .expect("python3 runs anchors.py");
    assert!(
        o.status.success(),
        "anchors.py duckdb failed (pip install duckdb): {}",
        String::from_utf8_lossy(&o.stderr)
    );
}

fn same_files(a: &Path, b: &Path) {
    for f in ["projects_out.csv", "departments_out.csv"] {
        let x = std::fs::read(a.join(f)).unwrap();
        let y = std::fs::read(b.join(f)).unwrap();
        assert!(
            x == y,
            "{f} differs between {} and {}",
            a.display(),
            b.display()
        );
    }
}

#[test]
fn batch_monitor_is_byte_identical_to_the_duckdb_anchor() {
    let scratch = Scratch::new("monitor");
    for (scale, dates) in [
        (
            "tiny",
            &["2021-01-31", "2021-06-30", "2021-09-30", "2021-12-31"][..],
        ),
        ("district", &["2021-09-30"][..]),
    ] {
        let data = generate(&scratch, scale);
        for as_of in dates {
            let ours = scratch.path(&format!("{scale}-{as_of}-jixiao"));
            let theirs = scratch.path(&format!("{scale}-{as_of}-duckdb"));
            let (code, out, err) =
                jixiao(&["monitor", s(&data), "--as-of", as_of, "--out", s(&ours)]);
            assert_eq!(code, 0, "{err}");
            assert!(out.contains("序时进度"), "{out}");
            anchor(&data, &theirs, as_of);
            same_files(&ours, &theirs);
        }
    }
}

#[test]
fn batch_monitor_agrees_with_the_anchor_on_awkward_codes_and_line_ends() {
    // Codes that differ only by leading zeros, codes with letters, codes longer than the
    // 18 digits kept inline, a payment of an unknown project, CRLF line ends and a last line without one: still byte for byte what DuckDB writes.
    let scratch = Scratch::new("monitor-awkward");
    let long = "1234567890123456789012";
    let projects = format!(
        "project_code,unit_code,project_name,kind,fund_source,initial_budget,adjusted_budget\n\
         007,440001000000,甲,project,general,100.00,100.00\n\
         7,440001000000,乙,project,general,200.00,200.00\n\
         P-7,440001000001,丙,project,general,300.00,300.00\n\
         {long},440001000001,丁,project,general,400.00,400.00\n"
    );
    let payments = format!(
        "payment_id,project_code,pay_date,amount\r\n\
         P1,007,2021-01-05,10.00\r\n\
         P2,7,2021-02-05,20.50\r\n\
         P3,P-7,2021-03-05,-3.00\r\n\
         P4,{long},2021-04-05,40.01\r\n\
         P5,0007,2021-04-06,99.99\r\n\
         P6,7,2021-10-05,50.00\r\n\
         P7,{long},2021-06-30,60.00"
    );
    let data = small_data(
        &scratch,
        &[("projects.csv", &projects), ("payments.csv", &payments)],
    );
    for as_of in ["2021-03-31", "2021-06-30", "2021-12-31"] {
        let ours = scratch.path(&format!("{as_of}-jixiao"));
        let theirs = scratch.path(&format!("{as_of}-duckdb"));
        let (code, _, err) = jixiao(&["monitor", s(&data), "--as-of", as_of, "--out", s(&ours)]);
        assert_eq!(code, 0, "{err}");
        anchor(&data, &theirs, as_of);
        same_files(&ours, &theirs);
    }
    let text = std::fs::read_to_string(scratch.path("2021-06-30-jixiao/projects_out.csv")).unwrap();
    assert!(text.contains("\n007,10.00,"), "{text}");
    assert!(text.contains("\n7,20.50,"), "{text}");
    assert!(text.contains(&format!("\n{long},100.01,")), "{text}");
}

/// An independent reading of MONITOR.md for one project: (executed fen, budget fen).
fn figures(data: &Path, as_of: &str) -> std::collections::BTreeMap<String, (i128, i128)> {
    let fen = |t: &str| -> i128 { t.replace('.', "").parse().unwrap() };
    let mut m = std::collections::BTreeMap::new();
    let projects = std::fs::read_to_string(data.join("projects.csv")).unwrap();
    for line in projects.lines().skip(1) {
        let f: Vec<&str> = line.split(',').collect();
        m.insert(f[0].to_string(), (0, fen(f[6])));
    }
    let payments = std::fs::read_to_string(data.join("payments.csv")).unwrap();
    for line in payments.lines().skip(1) {
        let f: Vec<&str> = line.split(',').collect();
        if f[2] <= as_of {
            m.get_mut(f[1]).unwrap().0 += fen(f[3]);
        }
    }
    m
}

#[test]
fn configured_gaps_change_the_warnings_as_documented() {
    let scratch = Scratch::new("gaps");
    let data = generate(&scratch, "tiny");
    let as_of = "2021-06-30"; // day 181 of 365
    let (n, total) = (181i128, 365i128);
    let figures = figures(&data, as_of);
    for (red, yellow, (rp, rq), (yp, yq)) in [
        ("0.20", "0.10", (1, 5), (1, 10)),
        ("0.05", "0.02", (1, 20), (1, 50)),
        ("0.5", "0.3", (1, 2), (3, 10)),
    ] {
        let out = scratch.path(&format!("gaps-{red}-{yellow}"));
        let (code, _, err) = jixiao(&[
            "monitor",
            s(&data),
            "--as-of",
            as_of,
            "--out",
            s(&out),
            "--red-gap",
            red,
            "--yellow-gap",
            yellow,
        ]);
        assert_eq!(code, 0, "{err}");
        let written = std::fs::read_to_string(out.join("projects_out.csv")).unwrap();
        for line in written.lines().skip(1) {
            let f: Vec<&str> = line.split(',').collect();
            let (e, b) = figures[f[0]];
            // behind by more than p/q: n/N − e/b > p/q
            let behind = |p: i128, q: i128| (q * n - p * total) * b > q * total * e;
            let expected = if b == 0 {
                "no_budget"
            } else if e > b {
                "over"
            } else if behind(rp, rq) {
                "red"
            } else if behind(yp, yq) {
                "yellow"
            } else {
                ""
            };
            assert_eq!(f[3], expected, "{red}/{yellow}: {line}");
        }
    }
    // A red gap not above the yellow one is refused, with the reason.
    let (code, _, err) = jixiao(&[
        "monitor",
        s(&data),
        "--as-of",
        as_of,
        "--out",
        s(&scratch.path("x")),
        "--red-gap",
        "0.1",
        "--yellow-gap",
        "0.2",
    ]);
    assert_eq!(code, 2);
    assert!(err.contains("应大于黄色预警"), "{err}");
}

/// Rows of a CSV as maps from header to value.
fn csv_rows(path: &Path) -> Vec<std::collections::BTreeMap<String, String>> {
    let text = std::fs::read_to_string(path).unwrap();
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    lines
        .map(|l| {
            header
                .iter()
                .zip(l.split(','))
                .map(|(h, v)| (h.to_string(), v.to_string()))
                .collect()
        })
        .collect()
}

#[test]
fn monitoring_over_the_store_agrees_with_the_batch_at_every_date() {
    let scratch = Scratch::new("store-monitor");
    let data = generate(&scratch, "tiny");
    jixiao_store::testing::each_backend(|loc, backend| {
        let url = match loc {
            jixiao_store::Location::Sqlite(p) => p.display().to_string(),
            jixiao_store::Location::Postgres(u) => u.clone(),
        };
        let (code, _, err) = jixiao(&["--database-url", &url, "import", s(&data)]);
        assert_eq!(code, 0, "{backend}: {err}");
        // A month's end (monthly sums) and a date inside a month (plus that month's payments).
        for as_of in ["2021-09-30", "2021-09-17", "2021-01-01"] {
            let batch = scratch.path(&format!("batch-{as_of}"));
            let (code, _, err) =
                jixiao(&["monitor", s(&data), "--as-of", as_of, "--out", s(&batch)]);
            assert_eq!(code, 0, "{err}");
            let stored = scratch.path(&format!("store-{backend}-{as_of}.csv"));
            let (code, out, err) = jixiao(&[
                "--database-url",
                &url,
                "monitor",
                "--as-of",
                as_of,
                "--level",
                "project",
                "--out",
                s(&stored),
            ]);
            assert_eq!(code, 0, "{backend}: {err}");
            assert!(out.contains("序时进度"), "{out}");
            let expected: std::collections::BTreeMap<String, (String, String, String)> =
                csv_rows(&batch.join("projects_out.csv"))
                    .into_iter()
                    .map(|r| {
                        (
                            r["project_code"].clone(),
                            (
                                r["executed"].clone(),
                                r["rate"].clone(),
                                r["warning"].clone(),
                            ),
                        )
                    })
                    .collect();
            let got: std::collections::BTreeMap<String, (String, String, String)> =
                csv_rows(&stored)
                    .into_iter()
                    .map(|r| {
                        (
                            r["key"].clone(),
                            (
                                r["executed"].clone(),
                                r["rate"].clone(),
                                r["warning"].clone(),
                            ),
                        )
                    })
                    .collect();
            assert_eq!(got, expected, "{backend} {as_of}");
            // Departments: the same totals as the batch ranking, in the same order.
            let depts = scratch.path(&format!("dept-{backend}-{as_of}.csv"));
            let (code, _, err) = jixiao(&[
                "--database-url",
                &url,
                "monitor",
                "--as-of",
                as_of,
                "--out",
                s(&depts),
            ]);
            assert_eq!(code, 0, "{err}");
            let a: Vec<(String, String)> = csv_rows(&batch.join("departments_out.csv"))
                .into_iter()
                .map(|r| (r["department_code"].clone(), r["executed"].clone()))
                .collect();
            let b: Vec<(String, String)> = csv_rows(&depts)
                .into_iter()
                .map(|r| (r["key"].clone(), r["executed"].clone()))
                .collect();
            assert_eq!(a, b, "{backend} {as_of}");
        }
        // The notice is a workbook with the ranking, the lines below the floor and the curves.
        let book = scratch.path(&format!("通报-{backend}.xlsx"));
        let (code, _, err) = jixiao(&[
            "--database-url",
            &url,
            "monitor",
            "--as-of",
            "2021-09-30",
            "--out",
            s(&book),
        ]);
        assert_eq!(code, 0, "{err}");
        assert_eq!(
            jixiao_exchange::source::sheet_names(&book).unwrap(),
            ["通报", "低于下限", "月度曲线", "逾期整改"]
        );
        // And as a Word document, in the official format.
        let word = scratch.path(&format!("通报-{backend}.docx"));
        let (code, _, err) = jixiao(&[
            "--database-url",
            &url,
            "monitor",
            "--as-of",
            "2021-09-30",
            "--out",
            s(&word),
        ]);
        assert_eq!(code, 0, "{err}");
        let xml = crate::zip_part(&word, "word/document.xml");
        assert!(xml.contains("各部门执行进度排名") && xml.contains("单位：万元"));
    });
}

/// A folder with the two units and two projects of the bad-input fixtures, and these files.
fn small_data(scratch: &Scratch, files: &[(&str, &str)]) -> PathBuf {
    let dir = scratch.path("data");
    std::fs::create_dir_all(&dir).unwrap();
    let base = root().join("crates/cli/tests/data/bad-inputs/base");
    for f in ["units.csv", "projects.csv"] {
        std::fs::copy(base.join(f), dir.join(f)).unwrap();
    }
    for (name, text) in files {
        std::fs::write(dir.join(name), text).unwrap();
    }
    dir
}

#[test]
fn conventions_and_key_projects_change_the_warnings_as_documented() {
    let scratch = Scratch::new("conventions");
    let db = scratch.path("c.db");
    // A1: budget 520,000.00; by the end of June 156,000.00 spent: exactly 30%.
    let dir = small_data(
        &scratch,
        &[(
            "payments.csv",
            "payment_id,project_code,pay_date,amount\nC1,A1,2021-02-10,100000.00\nC2,A1,2021-06-30,56000.00\nC3,A2,2021-03-01,40000.00\n",
        )],
    );
    assert_eq!(jixiao(&["--database-url", s(&db), "import", s(&dir)]).0, 0);
    let warning_of_a1 = |config: &str| -> String {
        let cfg = scratch.path("m.toml");
        std::fs::write(&cfg, format!("format = \"jixiao-monitoring/1\"\n{config}")).unwrap();
        let out = scratch.path("p.csv");
        let (code, _, err) = jixiao(&[
            "--database-url",
            s(&db),
            "monitor",
            "--as-of",
            "2021-06-30",
            "--level",
            "project",
            "--config",
            s(&cfg),
            "--out",
            s(&out),
        ]);
        assert_eq!(code, 0, "{err}");
        let rows = csv_rows(&out);
        rows.iter().find(|r| r["key"] == "A1").unwrap()["warning"].clone()
    };
    // By day, time progress is 181/365 = 49.59%: 19.59 points behind — yellow.
    assert_eq!(warning_of_a1(""), "yellow");
    // By month, end-June is 50%: exactly 20 points behind is not beyond 0.20 — yellow still.
    assert_eq!(
        warning_of_a1("[time_progress]\nconvention = \"month\"\n"),
        "yellow"
    );
    // A region requiring 58% by end-June: 28 points behind — red.
    assert_eq!(
        warning_of_a1(
            "[time_progress]\nconvention = \"table\"\ntable = [8, 16, 25, 33, 42, 58, 66, 75, 83, 91, 95, 100]\n"
        ),
        "red"
    );
    // Wider gaps: not warned at all.
    assert_eq!(
        warning_of_a1("[warnings]\nred_gap = 0.5\nyellow_gap = 0.25\n"),
        ""
    );
    // A1 is a key project from 500,000 yuan; its own red line at 0.15 makes it red.
    assert_eq!(
        warning_of_a1("[warnings]\nbig_project = 500000\nbig_red_gap = 0.15\n"),
        "red"
    );
    // A bad file is explained.
    let cfg = scratch.path("bad.toml");
    std::fs::write(
        &cfg,
        "format = \"jixiao-monitoring/1\"\n[time_progress]\nconvention = \"table\"\ntable = [1, 2]\n",
    )
    .unwrap();
    let (code, _, err) = jixiao(&[
        "--database-url",
        s(&db),
        "monitor",
        "--as-of",
        "2021-06-30",
        "--config",
        s(&cfg),
    ]);
    assert_eq!(code, 1);
    assert!(err.contains("应有 12 个数"), "{err}");
}

#[test]
fn forecasts_use_prior_years_and_say_when_they_cannot() {
    let scratch = Scratch::new("forecast");
    let db = scratch.path("f.db");
    let data = generate(&scratch, "tiny");
    assert_eq!(jixiao(&["--database-url", s(&db), "import", s(&data)]).0, 0);
    // No prior year: the even pattern, labelled inferred.
    let out = scratch.path("f.csv");
    let (code, text, err) = jixiao(&[
        "--database-url",
        s(&db),
        "forecast",
        "--as-of",
        "2021-09-30",
        "--out",
        s(&out),
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(text.contains("（推定）"), "{text}");
    assert!(std::fs::read_to_string(&out)
        .unwrap()
        .contains("even_inferred"));
    // A prior year (ids of its own, as a real treasury's are) supplies the pattern.
    let prior = scratch.path("2020");
    let ok = Command::new("python3")
        .arg(root().join("../shared/bench/gen.py"))
        .args([
            "--scale",
            "tiny",
            "--year",
            "2020",
            "--seed",
            "3",
            "--out",
            s(&prior),
        ])
        .stderr(Stdio::null())
        .status()
        .unwrap()
        .success();
    assert!(ok);
    let pay = prior.join("payments.csv");
    let text = std::fs::read_to_string(&pay).unwrap();
    let renamed: String = text
        .lines()
        .enumerate()
        .map(|(i, l)| {
            if i == 0 {
                format!("{l}\n")
            } else {
                format!("Q{}\n", &l[1..])
            }
        })
        .collect();
    std::fs::write(&pay, renamed).unwrap();
    assert_eq!(
        jixiao(&["--database-url", s(&db), "import", s(&prior)]).0,
        0
    );
    let (code, text, err) = jixiao(&[
        "--database-url",
        s(&db),
        "forecast",
        "--backtest",
        "--year",
        "2021",
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(text.contains("取自往年（2020）"), "{text}");
    // One line of errors for each month's end from January to November.
    assert!(
        text.contains("1月") && text.contains("11月") && !text.contains("12月"),
        "{text}"
    );
}

#[test]
fn dual_monitoring_checks_reports_and_flags_divergence() {
    let scratch = Scratch::new("dual");
    let db = scratch.path("d.db");
    // A1 (budget 520,000.00) has spent 80% by the end of June.
    let dir = small_data(
        &scratch,
        &[
            (
                "payments.csv",
                "payment_id,project_code,pay_date,amount\nD1,A1,2021-03-10,416000.00\n",
            ),
            (
                "targets.csv",
                "project_code,indicator_code,level1,level2,name,direction,target,actual,weight\n\
                 A1,I1,产出指标,数量指标,完成事项数量,ge,100,,45\n\
                 A1,I2,产出指标,质量指标,验收合格率,ge,10,,45\n",
            ),
        ],
    );
    assert_eq!(jixiao(&["--database-url", s(&db), "import", s(&dir)]).0, 0);
    let before = jixiao_store::open(&jixiao_store::Location::Sqlite(db.clone()))
        .unwrap()
        .digest()
        .unwrap();

    // Reports that are not certain must say why and what will be done; indicators must exist.
    let bad = scratch.path("bad");
    std::fs::create_dir_all(&bad).unwrap();
    std::fs::write(
        bad.join("indicator_progress.csv"),
        "project_code,indicator_code,as_of,actual,likelihood,reason_category,reason,measures\n\
         A1,I1,2021-06-30,30,有可能,,,\n\
         A1,I9,2021-06-30,3,确定能,,,\n\
         A1,I2,2021-06-30,3,大概能,天气,,\n",
    )
    .unwrap();
    let (code, _, err) = jixiao(&[
        "--database-url",
        s(&db),
        "import",
        s(&bad),
        "--year",
        "2021",
    ]);
    assert_eq!(code, 1);
    for expected in [
        "第 2 行 F 列“reason_category”：完成目标可能性为“有可能”时，偏差原因类别必填",
        "第 2 行 H 列“measures”：完成目标可能性为“有可能”时，纠偏措施必填",
        "第 3 行 B 列“indicator_code”：项目“A1”没有编码为“I9”的绩效指标",
        "第 4 行 E 列“likelihood”：“大概能”不是完成目标可能性",
        "第 4 行 F 列“reason_category”：“天气”不是偏差原因类别",
    ] {
        assert!(err.contains(expected), "expected “{expected}” in\n{err}");
    }
    assert_eq!(
        jixiao_store::open(&jixiao_store::Location::Sqlite(db.clone()))
            .unwrap()
            .digest()
            .unwrap(),
        before
    );

    let good = scratch.path("good");
    std::fs::create_dir_all(&good).unwrap();
    std::fs::write(
        good.join("indicator_progress.csv"),
        "project_code,indicator_code,as_of,actual,likelihood,reason_category,reason,measures\n\
         A1,I1,2021-06-30,30,有可能,经费保障,资金未到位,加快拨付\n\
         A1,I2,2021-06-30,3,不可能,人员保障,人手不足,调配人员\n",
    )
    .unwrap();
    let (code, out, err) = jixiao(&["--database-url", s(&db), "import", s(&good)]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("指标进度 2 行"), "{out}");
    let csv = scratch.path("dual.csv");
    let (code, out, err) = jixiao(&[
        "--database-url",
        s(&db),
        "monitor",
        "--as-of",
        "2021-06-30",
        "--indicators",
        "--out",
        s(&csv),
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("支出与产出背离") && out.contains("有指标不可能完成"),
        "{out}"
    );
    let rows = csv_rows(&csv);
    let a1 = rows.iter().find(|r| r["project_code"] == "A1").unwrap();
    assert_eq!(a1["spending_rate"], "0.800000");
    assert_eq!(a1["output_completion"], "0.300000");
    assert_eq!(
        (a1["divergent"].as_str(), a1["red"].as_str()),
        ("true", "true")
    );
    // A wider configured gap tolerates 50 points.
    let cfg = scratch.path("m.toml");
    std::fs::write(
        &cfg,
        "format = \"jixiao-monitoring/1\"\n[warnings]\ndivergence_gap = 0.6\n",
    )
    .unwrap();
    let (code, _, err) = jixiao(&[
        "--database-url",
        s(&db),
        "monitor",
        "--as-of",
        "2021-06-30",
        "--indicators",
        "--config",
        s(&cfg),
        "--out",
        s(&csv),
    ]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(csv_rows(&csv)[0]["divergent"], "false");
}

#[test]
fn floors_change_what_the_notice_lists_and_what_the_forecast_warns() {
    let scratch = Scratch::new("floors");
    let db = scratch.path("f.db");
    // A1 (520,000.00) has spent 30% by the end of June; A2 (80,000.00) 50%.
    let dir = small_data(
        &scratch,
        &[(
            "payments.csv",
            "payment_id,project_code,pay_date,amount\nF1,A1,2021-03-10,156000.00\nF2,A2,2021-04-01,40000.00\n",
        )],
    );
    assert_eq!(jixiao(&["--database-url", s(&db), "import", s(&dir)]).0, 0);
    let run = |config: &str, args: &[&str]| -> String {
        let cfg = scratch.path("m.toml");
        std::fs::write(
            &cfg,
            format!("format = \"jixiao-monitoring/1\"\n[warnings]\n{config}"),
        )
        .unwrap();
        let mut all = vec!["--database-url", s(&db)];
        all.extend_from_slice(args);
        all.extend_from_slice(&["--config", s(&cfg)]);
        let (code, out, err) = jixiao(&all);
        assert_eq!(code, 0, "{err}");
        out
    };
    // The notice's sentence counts the lines below the floor: none at 25%, one at 40%, both at 60%.
    for (floor, below) in [("0.25", 0), ("0.40", 1), ("0.60", 2)] {
        let book = scratch.path("n.docx");
        run(
            &format!("floor = {floor}"),
            &[
                "monitor",
                "--as-of",
                "2021-06-30",
                "--level",
                "project",
                "--out",
                s(&book),
            ],
        );
        let xml = crate::zip_part(&book, "word/document.xml");
        assert!(
            xml.contains(&format!("{below} 个执行率低于")),
            "floor {floor}: {xml}"
        );
    }
    // The forecast (even pattern, six months: spent × 2) warns below its floor: A1's 60% is
    // below 90% but not below 50%.
    let out = run(
        "forecast_floor = 0.90",
        &["forecast", "--as-of", "2021-06-30", "--level", "project"],
    );
    assert!(out.contains("低于 90.00% 的项目：1 个"), "{out}");
    let out = run(
        "forecast_floor = 0.50",
        &["forecast", "--as-of", "2021-06-30", "--level", "project"],
    );
    assert!(out.contains("低于 50.00% 的项目：0 个"), "{out}");
}
