//! The `jixiao` command.

use crate::jixiao;

#[test]
fn evaluate_json_has_the_seed_scores() {
    let (code, out, err) = jixiao(&["evaluate", "examples/baiyun-2021", "--json"]);
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["total"], "99.45");
    assert_eq!(v["grade"], "优");
    let item = |name: &str| {
        v["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|i| i["name"] == name)
            .unwrap_or_else(|| panic!("{name}"))
            .clone()
    };
    assert_eq!(item("预算完成率")["score"], "1.98");
    assert_eq!(item("预算完成率")["value"], "99.21%");
    assert_eq!(item("预算完成率")["weight"], "2.00");
    assert_eq!(item("财政拨款收入预决算差异率")["score"], "1.50");
    assert_eq!(item("一般公共预算支出年度平均执行率")["score"], "1.97");
    // Provisional rules and inferred inputs are visible in the output.
    assert_eq!(item("财政拨款收入预决算差异率")["status"], "provisional");
    assert_eq!(v["framework"]["provisional"], true);
    assert!(item("预算完成率")["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .any(|i| i["inferred"] == true));
    // Totals are summed from the items as printed.
    let sum: rust_decimal::Decimal = v["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            i["score"]
                .as_str()
                .unwrap()
                .parse::<rust_decimal::Decimal>()
                .unwrap()
        })
        .sum();
    assert_eq!(sum.to_string(), "99.45");
}

#[test]
fn evaluate_table_explains_each_score() {
    let (code, out, _) = jixiao(&["evaluate", "examples/baiyun-2021"]);
    assert_eq!(code, 0);
    assert!(
        out.contains("8,022.31万元 ÷ 8,086.19万元 = 99.21%"),
        "{out}"
    );
    assert!(out.contains("扣 0.02 分"), "{out}");
    assert!(out.contains("评价等级：优"));
    assert!(out.contains("（推定）"));
    assert!(out.contains("（暂定）"));
}

#[test]
fn projects_are_scored_under_the_project_framework() {
    let (code, out, err) = jixiao(&["evaluate", "examples/baiyun-2021", "--projects", "--json"]);
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let evals = v.as_array().unwrap();
    assert_eq!(evals.len(), 4, "four of the six projects have indicators");
    let yard = evals
        .iter()
        .find(|e| e["subject"] == "机关大院基础设施维修维护支出")
        .unwrap();
    // 179.99 / 180 × 10 = 9.99944 → 10.00 (RULES.md §6 row 4).
    assert_eq!(yard["items"][0]["name"], "预算执行率");
    assert_eq!(yard["items"][0]["score"], "10.00");
    assert_eq!(yard["items"][0]["value"], "99.99%");
}

#[test]
fn a_bad_framework_is_rejected_naming_file_indicator_and_problem() {
    let dir = std::env::temp_dir().join(format!("jixiao-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let text = std::fs::read_to_string(crate::root().join("frameworks/gz-dept-2021.toml")).unwrap();
    let bad = dir.join("bad.toml");
    std::fs::write(
        &bad,
        text.replacen(
            "weight = \"4\"\nrule = \"per_violation_deduction\"",
            "weight = \"5\"\nrule = \"per_violation_deduction\"",
            1,
        )
        .replacen(
            "binding = \"projects.execution_rate\"",
            "binding = \"projects.nothing\"",
            1,
        ),
    )
    .unwrap();
    let (code, _, err) = jixiao(&[
        "evaluate",
        "examples/baiyun-2021",
        "--framework",
        bad.to_str().unwrap(),
    ]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("bad.toml"), "{err}");
    assert!(
        err.contains("管理规范") && err.contains("下级指标分值合计 15 与本级分值 14 不相等"),
        "{err}"
    );
    assert!(
        err.contains("项目预算执行率") && err.contains("数据绑定“projects.nothing”不存在"),
        "{err}"
    );
    let (code, _, _) = jixiao(&["framework", "check", bad.to_str().unwrap()]);
    assert_eq!(code, 1);
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn bad_dataset_reports_every_problem() {
    let dir = std::env::temp_dir().join(format!("jixiao-bad-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    for f in ["department.toml", "finances.toml", "projects.toml"] {
        std::fs::copy(crate::example().join(f), dir.join(f)).unwrap();
    }
    let fin = std::fs::read_to_string(dir.join("finances.toml")).unwrap();
    std::fs::write(
        dir.join("finances.toml"),
        fin.replace("actual = \"8,024.86\"", "actual = \"8,024.8612345\"")
            .replace("total = \"8,022.31\"", "total = \"八千\""),
    )
    .unwrap();
    let (code, _, err) = jixiao(&["evaluate", dir.to_str().unwrap()]);
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains("finances.toml")
            && err.contains("income[1].actual")
            && err.contains("不足一分的尾数"),
        "{err}"
    );
    assert!(
        err.contains("expenditure[1].total") && err.contains("应为数字"),
        "{err}"
    );
    let (code, _, err) = jixiao(&["evaluate", "no-such-folder"]);
    assert_eq!(code, 1);
    assert!(err.contains("不是一个数据集文件夹"), "{err}");
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn help_teaches() {
    let (code, out, _) = jixiao(&["--help"]);
    assert_eq!(code, 0);
    assert!(
        out.contains("jixiao demo") && out.contains("退出码"),
        "{out}"
    );
    let (code, _, _) = jixiao(&["evaluate"]);
    assert_eq!(code, 2);
    // No pointer to a file a user does not have, in any command's help (issue 20).
    for command in [
        "import", "export", "monitor", "forecast", "report", "check", "evaluate",
    ] {
        let (_, out, _) = jixiao(&[command, "--help"]);
        assert!(
            !out.contains("../shared") && !out.contains("RULES.md"),
            "{command}: {out}"
        );
    }
}

#[test]
fn a_report_to_a_file_it_cannot_write_is_refused_before_anything_is_written() {
    // .doc would be Markdown under a Word name (issue 20): refused, saying what can be written.
    let dir = std::env::temp_dir().join(format!("jixiao-doc-{}", std::process::id()));
    let out = dir.join("报告.doc");
    let ex = crate::example();
    let (code, _, err) = jixiao(&[
        "report",
        ex.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains(".docx") && err.contains("Cannot write"),
        "{err}"
    );
    assert!(!dir.exists(), "nothing written, not even the folder");
}

#[test]
fn audit_verify_fails_after_a_row_is_altered_in_the_database() {
    let scratch = jixiao_store::testing::Scratch::new("cli-audit");
    let db = scratch.path("audit.db");
    let db = db.to_str().unwrap();
    // Three accounts made from the command line: three audit entries.
    for (name, role) in [
        ("admin", "system_admin"),
        ("sec", "security_admin"),
        ("aud", "audit_admin"),
    ] {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_jixiao"))
            .args([
                "--database-url",
                db,
                "user",
                "add",
                name,
                "--name",
                name,
                "--role",
                role,
            ])
            .env("JIXIAO_PASSWORD", "Long-enough-1")
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    // The audit administrator's password is reset on the command line (never on the web).
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_jixiao"))
        .args(["--database-url", db, "user", "reset", "aud"])
        .env("JIXIAO_PASSWORD", "Another-long-2")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let (code, out, _) = crate::jixiao(&["--database-url", db, "audit", "verify"]);
    assert_eq!(code, 0);
    assert!(out.contains("共 4 条"), "{out}");
    // A business account made or reset on the command line gets a one-time credential, not a
    // password the operator chose (issue 15: the system administrator never gains business
    // access); the password given is not used.
    for args in [
        &[
            "user",
            "add",
            "clerk",
            "--name",
            "办事员",
            "--role",
            "evaluator",
        ][..],
        &["user", "reset", "clerk"][..],
    ] {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_jixiao"))
            .args(["--database-url", db])
            .args(args)
            .env("JIXIAO_PASSWORD", "Operator-chose-1")
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(text.contains("一次性凭证前半段："), "{text}");
        assert!(text.contains("后半段由安全管理员"), "{text}");
    }
    let mut store = jixiao_store::open(&jixiao_store::Location::Sqlite(db.into())).unwrap();
    let sql = store.sql();
    let r = sql
        .row(
            "SELECT must_change, (SELECT COUNT(*) FROM web_credential_halves) FROM web_users WHERE username = 'clerk'",
            &[],
        )
        .unwrap()
        .unwrap();
    assert_eq!((r[0].int(), r[1].int()), (1, 1));
    drop(store);
    let (code, out, _) = crate::jixiao(&["--database-url", db, "audit", "verify"]);
    assert_eq!(code, 0);
    assert!(out.contains("共 6 条"), "{out}");
    // Altered directly in the database, past the append-only trigger.
    let mut store = jixiao_store::open(&jixiao_store::Location::Sqlite(db.into())).unwrap();
    let sql = store.sql();
    assert!(sql
        .execute("UPDATE audit_log SET actor = 'x' WHERE seq = 2", &[])
        .is_err());
    sql.execute("DROP TRIGGER audit_log_no_update", &[])
        .unwrap();
    sql.execute(
        "UPDATE audit_log SET after_json = 'sec bureau_admin' WHERE seq = 2",
        &[],
    )
    .unwrap();
    drop(store);
    let (code, _, err) = crate::jixiao(&["--database-url", db, "audit", "verify"]);
    assert_eq!(code, 5, "{err}");
    assert!(err.contains("第 2 条") && err.contains("被改动"), "{err}");
}

#[test]
fn serve_refuses_a_bad_linkage_file_before_listening() {
    let scratch = jixiao_store::testing::Scratch::new("cli-serve");
    let rules = scratch.path("挂钩.toml");
    std::fs::write(
        &rules,
        "format = \"jixiao-linkage/1\"\nid = \"x\"\ntitle = \"x\"\nprovisional = false\n[[rules]]\ngrade = \"poor\"\naction = \"cut\"\npercent = \"30\"\n",
    )
    .unwrap();
    let db = scratch.path("s.db");
    let (code, _, err) = crate::jixiao(&[
        "--database-url",
        db.to_str().unwrap(),
        "serve",
        "--bind",
        "127.0.0.1:0",
        "--linkage",
        rules.to_str().unwrap(),
    ]);
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains("rules[0]") || err.contains("核减的比例应为负数"),
        "{err}"
    );
}

#[test]
fn targets_review_lists_findings_grades_and_exits_by_outcome() {
    let dir = crate::root().join("crates/formats/tests/data/declarations");
    let clean = dir.join("clean.toml");
    let real = dir.join("sichuan-zhaohua-teifu-2021.toml");
    let (code, out, err) = jixiao(&["targets", "review", clean.to_str().unwrap()]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("优，进入预算编审"), "{out}");
    let (code, out, _) = jixiao(&[
        "targets",
        "review",
        clean.to_str().unwrap(),
        real.to_str().unwrap(),
        "--format",
        "json",
    ]);
    assert_eq!(code, 2, "a declaration to amend: exit 2");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v[1]["grade"], "良");
    assert_eq!(v[1]["findings"][0]["rule"], "operator-present");
    assert_eq!(v[1]["provisional"], true);
    // A bad file: nothing reviewed, the file and the field named.
    let bad = std::env::temp_dir().join(format!("jixiao-decl-{}.toml", std::process::id()));
    std::fs::write(
        &bad,
        std::fs::read_to_string(&clean)
            .unwrap()
            .replace("kind = \"延续\"", "kind = \"其他\""),
    )
    .unwrap();
    let (code, out, err) = jixiao(&[
        "targets",
        "review",
        clean.to_str().unwrap(),
        bad.to_str().unwrap(),
    ]);
    assert_eq!(code, 1);
    assert!(out.is_empty(), "all or nothing: {out}");
    assert!(err.contains("kind") && err.contains("新增"), "{err}");
    let _ = std::fs::remove_file(bad);
}
