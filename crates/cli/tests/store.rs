//! The store through the `jixiao` command, on SQLite and on PostgreSQL: import, evaluate
//! from the store, bad inputs, round trips, monthly payment files, and SIGKILL mid-import.

use crate::{example, jixiao, root};
use jixiao_store::testing::{each_backend, PgSchema, Scratch};
use jixiao_store::{Digest, Location};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

fn url(loc: &Location) -> String {
    match loc {
        Location::Sqlite(p) => p.display().to_string(),
        Location::Postgres(u) => u.clone(),
    }
}

fn digest(loc: &Location) -> Digest {
    jixiao_store::open(loc).unwrap().digest().unwrap()
}

/// Runs jixiao against the store at `loc`.
fn on(loc: &Location, args: &[&str]) -> (i32, String, String) {
    let u = url(loc);
    let mut all = vec!["--database-url", u.as_str()];
    all.extend_from_slice(args);
    jixiao(&all)
}

fn bad_inputs() -> PathBuf {
    root().join("crates/cli/tests/data/bad-inputs")
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// Writes the benchmark's interchange files with gen.py (../shared/bench), as CI has them.
fn generated(scratch: &Scratch, scale: &str) -> PathBuf {
    let out = scratch.path(scale);
    let status = Command::new("python3")
        .arg(root().join("../shared/bench/gen.py"))
        .args(["--scale", scale, "--out", s(&out)])
        .stderr(Stdio::null())
        .status()
        .expect("python3 runs gen.py");
    assert!(status.success());
    out
}

#[test]
fn evaluating_from_the_store_gives_the_same_99_45_as_the_files() {
    let (_, direct, _) = jixiao(&["evaluate", "examples/baiyun-2021", "--json"]);
    let direct: serde_json::Value = serde_json::from_str(&direct).unwrap();
    assert_eq!(direct["total"], "99.45");
    each_backend(|loc, backend| {
        let (code, out, err) = on(loc, &["import", s(&example())]);
        assert_eq!(code, 0, "{backend}: {err}");
        assert!(out.contains("数据集 baiyun-zfb（2021 年度）"), "{out}");
        let (code, out, err) = on(
            loc,
            &[
                "evaluate",
                "--department",
                "baiyun-zfb",
                "--year",
                "2021",
                "--json",
                "--save",
            ],
        );
        assert_eq!(code, 0, "{backend}: {err}");
        let stored: serde_json::Value = serde_json::from_str(&out).unwrap();
        assert_eq!(stored["total"], "99.45", "{backend}");
        assert_eq!(stored["items"], direct["items"], "{backend}");
        // The saved result keeps every item's figures and explanation.
        let mut store = jixiao_store::open(loc).unwrap();
        let saved = store.evaluations("baiyun-zfb", 2021).unwrap();
        assert_eq!(saved.len(), 1);
        assert_eq!(saved[0].total, "99.45");
        assert_eq!(saved[0].grade, "优");
        let item = saved[0]
            .items
            .iter()
            .find(|i| i.name == "预算完成率")
            .unwrap();
        assert_eq!(
            (item.value.as_str(), item.score.as_str()),
            ("99.21%", "1.98")
        );
        // A year that is not there is explained, with what is there.
        let (code, _, err) = on(
            loc,
            &["evaluate", "--department", "baiyun-zfb", "--year", "2020"],
        );
        assert_eq!(code, 1);
        assert!(
            err.contains("没有部门“baiyun-zfb”2020 年度的数据集"),
            "{err}"
        );
        assert!(err.contains("baiyun-zfb（2021）"), "{err}");
    });
}

/// Each bad input, and what its message must say.
const BAD: &[(&str, &[&str])] = &[
    (
        "wrong-headers",
        &[
            "表头缺少支付表必需的列",
            "“支付流水号”（payment_id）",
            "实际表头为：id,code,date,money",
        ],
    ),
    ("text-amount", &["第 3 行 D 列“amount”", "“abc”不是金额"]),
    (
        "three-decimals",
        &["第 2 行 D 列“amount”", "“12.345”有 3 位小数", "到分"],
    ),
    (
        "unknown-project",
        &["第 2 行 B 列“project_code”", "项目编码“XX99”既不在"],
    ),
    (
        "duplicate-ids",
        &[
            "第 4 行 A 列“payment_id”",
            "支付流水号“P20”重复：第 2 行已有",
        ],
    ),
    ("empty", &["文件是空的，连表头都没有"]),
    ("gbk", &["GBK 编码", "--encoding gbk"]),
    (
        "truncated-xlsx",
        &["payments.xlsx", "无法作为 Excel 工作簿打开"],
    ),
    (
        "many-problems",
        &[
            "发现 4 个问题",
            "第 2 行 C 列“pay_date”：“2021-13-01”不是有效日期",
            "第 3 行 B 列“project_code”：项目编码不能为空",
            "第 4 行 C 列“pay_date”：支付日期 2020-12-31 不在 2021 预算年度内",
            "第 4 行 D 列“amount”：金额“1.005”有 3 位小数",
        ],
    ),
];

#[test]
fn every_bad_input_gets_its_message_and_changes_nothing() {
    each_backend(|loc, backend| {
        let (code, _, err) = on(loc, &["import", s(&bad_inputs().join("base"))]);
        assert_eq!(code, 0, "{backend}: {err}");
        let before = digest(loc);
        assert_eq!(before.counts["payments"], 2);
        for (case, expected) in BAD {
            let dir = bad_inputs().join(case);
            let (code, out, err) = on(loc, &["import", s(&dir), "--year", "2021"]);
            assert_eq!(code, 1, "{backend} {case}: {out}{err}");
            assert!(err.contains("未写入任何数据"), "{backend} {case}: {err}");
            for e in *expected {
                assert!(
                    err.contains(e),
                    "{backend} {case}: expected “{e}” in\n{err}"
                );
            }
            assert_eq!(digest(loc), before, "{backend} {case} changed the store");
        }
        // A byte-order mark is what Excel's “CSV UTF-8” writes: it is read, not rejected.
        let (code, _, err) = on(loc, &["import", s(&bad_inputs().join("bom"))]);
        assert_eq!(code, 0, "{backend} bom: {err}");
        // A GBK file imports when the clerk says it is GBK; its Chinese headers are known.
        let (code, out, err) = on(
            loc,
            &["import", s(&bad_inputs().join("gbk")), "--encoding", "gbk"],
        );
        assert_eq!(code, 0, "{backend} gbk: {err}");
        assert!(out.contains("支付 1 行"), "{out}");
        assert_eq!(digest(loc).counts["payments"], 4);
    });
}

#[test]
fn a_decompression_bomb_is_refused_before_it_is_parsed_and_changes_nothing() {
    // Issue 15, item 2: a 1 MB workbook whose shared strings inflate to 1 GB, honest about it
    // or lying in its headers; `jixiao import` and `jixiao check` refuse both in Chinese.
    let scratch = Scratch::new("cli-bomb");
    let loc = Location::Sqlite(scratch.path("b.db"));
    let (code, _, err) = on(&loc, &["import", s(&bad_inputs().join("base"))]);
    assert_eq!(code, 0, "{err}");
    let before = digest(&loc);
    for lie in [false, true] {
        let book = scratch.path(&format!("支付流水-{lie}.xlsx"));
        std::fs::write(&book, jixiao_archive::testing::bomb_xlsx(1 << 30, lie)).unwrap();
        let t = Instant::now();
        let (code, out, err) = on(&loc, &["import", s(&book), "--year", "2021"]);
        assert_eq!(code, 1, "{out}{err}");
        assert!(err.contains("xl/sharedStrings.xml"), "{err}");
        assert!(err.contains("未做任何处理"), "{err}");
        assert!(err.contains("未写入任何数据"), "{err}");
        assert_eq!(digest(&loc), before);
        let (code, out, err) = jixiao(&["check", s(&book)]);
        assert_ne!(code, 0, "{out}{err}");
        assert!(format!("{out}{err}").contains("未做任何处理"), "{out}{err}");
        eprintln!("bomb (lie: {lie}) refused in {:?}", t.elapsed());
    }
}

#[test]
fn payments_are_counted_once_across_monthly_files() {
    let scratch = Scratch::new("monthly");
    let base = bad_inputs().join("base");
    let jan = scratch.path("jan");
    let jan_feb = scratch.path("jan-feb");
    for (dir, rows) in [
        (&jan, "M1,A1,2021-01-10,100.00\nM2,A2,2021-01-20,50.00\n"),
        (
            &jan_feb,
            "M1,A1,2021-01-10,100.00\nM2,A2,2021-01-20,50.00\nM3,A1,2021-02-03,-10.00\n",
        ),
    ] {
        std::fs::create_dir_all(dir).unwrap();
        std::fs::write(
            dir.join("payments.csv"),
            format!("payment_id,project_code,pay_date,amount\n{rows}"),
        )
        .unwrap();
    }
    each_backend(|loc, backend| {
        assert_eq!(on(loc, &["import", s(&base)]).0, 0);
        assert_eq!(on(loc, &["import", s(&jan)]).0, 0);
        let (code, out, err) = on(loc, &["import", s(&jan_feb)]);
        assert_eq!(code, 0, "{backend}: {err}");
        assert!(out.contains("支付 1 行"), "{backend}: {out}");
        assert!(out.contains("其中支付 2 笔此前已导入"), "{backend}: {out}");
        let once = digest(loc);
        assert_eq!(once.counts["payments"], 5);
        // The same file again changes nothing.
        assert_eq!(on(loc, &["import", s(&jan_feb)]).0, 0);
        assert_eq!(digest(loc), once);
        // The same id with another amount is a conflict, reported, and nothing is written.
        let changed = scratch.path(&format!("changed-{backend}"));
        std::fs::create_dir_all(&changed).unwrap();
        std::fs::write(
            changed.join("payments.csv"),
            "payment_id,project_code,pay_date,amount\nM9,A1,2021-03-01,1.00\nM3,A1,2021-02-03,-11.00\n",
        )
        .unwrap();
        let (code, _, err) = on(loc, &["import", s(&changed)]);
        assert_eq!(code, 1);
        assert!(
            err.contains("支付流水号“M3”已由此前的导入存入库中"),
            "{err}"
        );
        assert_eq!(digest(loc), once);
    });
}

#[test]
fn import_export_import_is_identity_on_the_seed_and_generated_data() {
    let scratch = Scratch::new("roundtrip");
    let data = generated(&scratch, "tiny");
    each_backend(|loc, backend| {
        assert_eq!(on(loc, &["import", s(&example())]).0, 0);
        let (code, _, err) = on(loc, &["import", s(&data)]);
        assert_eq!(code, 0, "{backend}: {err}");
        let first = digest(loc);

        // CSV: the interchange files come back byte for byte, the dataset file for file.
        let out = scratch.path(&format!("csv-{backend}"));
        let (code, _, err) = on(loc, &["export", "--out", s(&out)]);
        assert_eq!(code, 0, "{backend}: {err}");
        for f in ["units.csv", "projects.csv", "targets.csv", "payments.csv"] {
            assert_eq!(
                std::fs::read(data.join(f)).unwrap(),
                std::fs::read(out.join(f)).unwrap(),
                "{backend} {f}"
            );
        }
        for f in std::fs::read_dir(example()).unwrap() {
            let f = f.unwrap().path();
            let back = out
                .join("datasets/baiyun-zfb-2021")
                .join(f.file_name().unwrap());
            let original = std::fs::read_to_string(&f).unwrap();
            assert_eq!(
                original.trim_start_matches('\u{feff}'),
                std::fs::read_to_string(back).unwrap(),
                "{backend} {}",
                f.display()
            );
        }
        let scratch2 = Scratch::new("again");
        let again = Location::Sqlite(scratch2.path("again.db"));
        let (code, _, err) = on(&again, &["import", s(&out)]);
        assert_eq!(code, 0, "{err}");
        assert_eq!(digest(&again), first, "{backend}: csv round trip");

        // Excel: the workbook laid out as the template reads back to the same tables.
        let book = scratch.path(&format!("export-{backend}.xlsx"));
        let (code, _, err) = on(loc, &["export", "--out", s(&book)]);
        assert_eq!(code, 0, "{backend}: {err}");
        let from_book = Location::Sqlite(scratch2.path("book.db"));
        assert_eq!(on(&from_book, &["import", s(&example())]).0, 0);
        let (code, _, err) = on(&from_book, &["import", s(&book)]);
        assert_eq!(code, 0, "{backend}: {err}");
        assert_eq!(digest(&from_book), first, "{backend}: xlsx round trip");
        // The same workbook as an upload's bytes (no file): the same tables.
        let from_bytes = Location::Sqlite(scratch2.path("bytes.db"));
        assert_eq!(on(&from_bytes, &["import", s(&example())]).0, 0);
        let bytes = std::fs::read(&book).unwrap();
        let wb =
            jixiao_exchange::source::Workbook::from_bytes(Path::new("上传.xlsx"), bytes).unwrap();
        let mut store = jixiao_store::open(&from_bytes).unwrap();
        let report = jixiao_exchange::import::import_workbook_then(
            store.as_mut(),
            wb,
            &Default::default(),
            &mut |_| {},
            &mut |_, _| Ok(()),
        );
        assert!(report.is_ok(), "{backend}: bytes import");
        drop(store);
        assert_eq!(
            digest(&from_bytes),
            first,
            "{backend}: xlsx bytes round trip"
        );
        // A bomb's bytes are refused before any parser reads them, naming the upload.
        let bomb = {
            use std::io::Write;
            let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
            w.start_file(
                "xl/worksheets/sheet1.xml",
                zip::write::SimpleFileOptions::default(),
            )
            .unwrap();
            w.write_all(&vec![b' '; 16 << 20]).unwrap(); // inflates 1,000 to 1
            w.finish().unwrap().into_inner()
        };
        let refused = jixiao_exchange::source::Workbook::from_bytes(Path::new("炸弹.xlsx"), bomb)
            .unwrap_err();
        assert!(refused.file.ends_with("炸弹.xlsx"), "{refused:?}");
    });
}

#[test]
fn the_template_imports_once_filled_and_a_mapping_file_reads_other_headers() {
    let scratch = Scratch::new("template");
    let book = scratch.path("模板.xlsx");
    let (code, out, err) = jixiao(&["template", "--out", s(&book)]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("已写出导入模板"), "{out}");
    let sheets = jixiao_exchange::source::sheet_names(&book).unwrap();
    assert_eq!(
        sheets,
        [
            "说明",
            "单位",
            "项目",
            "绩效指标",
            "支付",
            "指标进度",
            "绩效目标",
            "指标库"
        ]
    );
    let db = Location::Sqlite(scratch.path("t.db"));
    // Blank, it imports nothing and says so by its counts.
    let (code, out, err) = on(&db, &["import", s(&book), "--year", "2021"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("支付 0 行"), "{out}");

    // A treasury export with its own headers, read through a mapping file.
    let dir = scratch.path("treasury");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::copy(bad_inputs().join("base/units.csv"), dir.join("units.csv")).unwrap();
    std::fs::copy(
        bad_inputs().join("base/projects.csv"),
        dir.join("projects.csv"),
    )
    .unwrap();
    std::fs::write(
        dir.join("国库支付明细.csv"),
        "序号,凭证编号,预算项目编码,支付日期,摘要,支付金额\n1,T-1,A1,2021/5/6,办公用品,\"1,234.50\"\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("jixiao-mapping.toml"),
        "format = \"jixiao-mapping/1\"\n[payments]\nfile = \"国库支付明细.csv\"\n\
         [payments.columns]\npayment_id = \"凭证编号\"\nproject_code = \"预算项目编码\"\n\
         pay_date = \"支付日期\"\namount = \"支付金额\"\n",
    )
    .unwrap();
    let (code, out, err) = on(&db, &["import", s(&dir)]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("支付 1 行"), "{out}");
    let mut store = jixiao_store::open(&db).unwrap();
    let mut amounts = Vec::new();
    store
        .for_each_payment(Some(2021), &mut |p| {
            amounts.push((p.payment_id, p.amount.0))
        })
        .unwrap();
    assert_eq!(amounts, [("T-1".to_string(), 123_450)]);
}

/// Writes interchange files with `n` payments, big enough that importing takes a while.
fn big(dir: &Path, n: u64) {
    use std::io::Write;
    std::fs::create_dir_all(dir).unwrap();
    std::fs::copy(bad_inputs().join("base/units.csv"), dir.join("units.csv")).unwrap();
    let mut p = String::from(
        "project_code,unit_code,project_name,kind,fund_source,initial_budget,adjusted_budget\n",
    );
    for i in 0..200 {
        p.push_str(&format!(
            "B{i:03},440001000000,项目{i},project,general,100000.00,100000.00\n"
        ));
    }
    std::fs::write(dir.join("projects.csv"), p).unwrap();
    let f = std::fs::File::create(dir.join("payments.csv")).unwrap();
    let mut w = std::io::BufWriter::new(f);
    writeln!(w, "payment_id,project_code,pay_date,amount").unwrap();
    for i in 0..n {
        let day = i * 365 / n;
        let (m, d) = month_day(day as u32);
        writeln!(
            w,
            "K{i:09},B{:03},2021-{m:02}-{d:02},{}.{:02}",
            i % 200,
            i % 997,
            i % 100
        )
        .unwrap();
    }
}

fn month_day(mut day: u32) -> (u32, u32) {
    for (m, len) in [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
        .into_iter()
        .enumerate()
    {
        if day < len {
            return (m as u32 + 1, day + 1);
        }
        day -= len;
    }
    (12, 31)
}

#[test]
fn sigkill_in_the_middle_of_an_import_leaves_the_store_as_it_was() {
    let scratch = Scratch::new("sigkill");
    let data = scratch.path("big");
    big(&data, 400_000);
    // Random moments, from a seed printed so that a failure can be replayed.
    let mut seed = std::env::var("JIXIAO_SIGKILL_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .subsec_nanos() as u64
        });
    eprintln!("sigkill seed {seed} (set JIXIAO_SIGKILL_SEED to replay)");
    let mut next = move || {
        seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
        (seed >> 33) % 1000
    };
    each_backend(|loc, backend| {
        assert_eq!(on(loc, &["import", s(&example())]).0, 0);
        assert_eq!(on(loc, &["import", s(&bad_inputs().join("base"))]).0, 0);
        let before = digest(loc);
        // How long a whole import takes here, to kill within it.
        let u = url(loc);
        let whole = {
            let scratch2 = Scratch::new("timing");
            let schema = PgSchema::new("timing");
            let probe = match loc {
                Location::Sqlite(_) => Location::Sqlite(scratch2.path("probe.db")),
                Location::Postgres(_) => Location::Postgres(schema.url()),
            };
            let t = Instant::now();
            assert_eq!(on(&probe, &["import", s(&data)]).0, 0);
            t.elapsed()
        };
        // The state each kill must leave: the store as it was before that import.
        let mut base = before.clone();
        let mut mid_way = 0;
        let mut committed = Vec::new();
        // Random moments within the import's first three quarters (other tests share the
        // machine, so an import may run faster or slower than measured); attempts go on
        // until three have been killed mid-way, or fifteen have been made.
        for attempt in 0..15 {
            if mid_way >= 3 {
                break;
            }
            let delay = whole.mul_f64(0.02 + 0.73 * next() as f64 / 1000.0);
            let mut child = Command::new(env!("CARGO_BIN_EXE_jixiao"))
                .args(["--database-url", &u, "import", s(&data)])
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .unwrap();
            std::thread::sleep(delay);
            if child.try_wait().unwrap().is_some() {
                continue; // finished before the moment came; the attempt proves nothing
            }
            child.kill().unwrap(); // SIGKILL
            child.wait().unwrap();
            let d = digest(loc);
            if d == base {
                mid_way += 1;
            } else {
                // Killed between its commit and its exit: the import is whole, or it would
                // not be here. Checked against the whole import below.
                committed.push((attempt, delay, d.clone()));
                base = d;
            }
        }
        // Left alone, the same import completes, and the store is usable after the kills.
        let (code, _, err) = on(loc, &["import", s(&data)]);
        assert_eq!(code, 0, "{backend}: {err}");
        let after = digest(loc);
        assert_ne!(after, before);
        // Every kill left the store as it was, or — killed after its commit — with the
        // whole import: never with a part of it.
        for (attempt, delay, d) in &committed {
            assert_eq!(
                *d, after,
                "{backend}: attempt {attempt}, killed after {delay:?}, left part of an import"
            );
        }
        eprintln!(
            "{backend}: {mid_way} imports killed mid-way, {} after their commit",
            committed.len()
        );
        assert!(
            mid_way >= 3,
            "{backend}: only {mid_way} imports were killed mid-way"
        );
        assert_eq!(digest(loc).counts["payments"], 2 + 400_000);
    });
}

#[test]
fn demo_runs_the_main_job_through_the_embedded_store() {
    let scratch = Scratch::new("demo");
    for run in 1..=2 {
        let (code, out, err) = jixiao(&["demo", "--out", s(scratch.dir())]);
        assert_eq!(code, 0, "{err}");
        assert!(out.contains("99.45"), "{out}");
        assert!(out.contains("数据集 baiyun-zfb（2021 年度）"), "{out}");
        assert!(out.contains("评分结果已存入"), "{out}");
        let db = Location::Sqlite(scratch.path("jixiao-demo.db"));
        let mut store = jixiao_store::open(&db).unwrap();
        // Each run keeps its evaluation; the dataset is replaced, not doubled.
        let saved = store.evaluations("baiyun-zfb", 2021).unwrap();
        assert_eq!(saved.len(), run);
        assert!(saved.iter().all(|e| e.total == "99.45"));
        // The seed and the demo department of the new project's year (issue 18), made once.
        assert_eq!(store.datasets().unwrap().len(), 2);
        if run == 1 {
            for said in [
                "须经事前绩效评估",
                "3 位专家，得分 88.00",
                "予以支持",
                "写入 2021 年度（项目 SB1）",
                "年终自评：机关档案数字化提升（演示） 得分 90.00",
            ] {
                assert!(out.contains(said), "{said}: {out}");
            }
        } else {
            assert!(out.contains("不再重复"), "{out}");
        }
    }
    assert!(scratch.path("baiyun-zfb-2021-自评报告.md").is_file());
}

#[test]
fn a_continuing_target_below_last_years_stored_actual_is_found() {
    // The seed's 2021 文书档案规范化处理入馆 moved 4529 件 into the archive; a 2022 declaration
    // of the same project that asks for ≥4000 件 sets its target below what was done.
    let scratch = Scratch::new("targets-history");
    let db = Location::Sqlite(scratch.path("t.db"));
    let (code, _, err) = on(&db, &["import", s(&example())]);
    assert_eq!(code, 0, "{err}");
    let decl = scratch.path("2022.toml");
    std::fs::write(
        &decl,
        "format = \"jixiao-declaration/1\"\nunit = \"万元\"\nyear = 2022\n\
         project = \"文书档案规范化处理入馆\"\nunit_name = \"广州市白云区人民政府办公室\"\n\
         kind = \"延续\"\nfunds = \"70\"\nannual_goal = \"完成年度档案移交进馆。\"\n\n\
         [[indicators]]\nlevel1 = \"产出指标\"\nlevel2 = \"数量指标\"\n\
         name = \"移交进馆文书档案\"\nvalue = \"≥4000件\"\n",
    )
    .unwrap();
    let (_, out, _) = jixiao(&["targets", "review", s(&decl), "--format", "json"]);
    let alone: serde_json::Value = serde_json::from_str(&out).unwrap();
    let rules = |v: &serde_json::Value| -> Vec<String> {
        v[0]["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["rule"].as_str().unwrap().to_string())
            .collect()
    };
    assert!(!rules(&alone).contains(&"below-last-year".to_string()));
    let (code, out, err) = on(
        &db,
        &["targets", "review", s(&decl), "--department", "baiyun-zfb"],
    );
    assert_eq!(code, 2, "{err}");
    assert!(
        out.contains("1 项指标的上年实际完成值取自库中 baiyun-zfb 2021 年度数据")
            && out.contains("不及上年实际完成 4529件"),
        "{out}"
    );
}
