//! The store suite: every test runs on SQLite and on the PostgreSQL server at
//! 127.0.0.1:5432 (or `JIXIAO_TEST_POSTGRES`), each in its own file or schema.

use jixiao_domain::budget::FundingSource;
use jixiao_domain::date::Date;
use jixiao_domain::money::Fen;
use jixiao_store::testing::{each_backend, Scratch};
use jixiao_store::*;

fn dept() -> DepartmentRecord {
    DepartmentRecord {
        code: "440001000".into(),
        name: "".into(),
        region_code: "440001".into(),
    }
}

fn unit(code: &str, parent: Option<&str>) -> UnitRecord {
    UnitRecord {
        code: code.into(),
        name: format!("单位{code}"),
        department_code: "440001000".into(),
        parent_code: parent.map(str::to_string),
        region_code: "440001".into(),
    }
}

fn project(code: &str, budget_yuan: i64) -> ProjectRecord {
    ProjectRecord {
        year: 2021,
        code: code.into(),
        unit_code: "440001000000".into(),
        name: "信息化建设".into(),
        kind: ProjectKind::Project,
        fund_source: FundingSource::GeneralPublic,
        initial_budget: Fen(budget_yuan * 100),
        adjusted_budget: Fen(budget_yuan * 100 + 50),
    }
}

fn target(project: &str, code: &str, target: &str, actual: Option<&str>) -> TargetRecord {
    TargetRecord {
        project_code: project.into(),
        code: code.into(),
        level1: "产出指标".into(),
        level2: "数量指标".into(),
        name: "完成事项数量".into(),
        direction: Direction::AtLeast,
        target: target.parse().unwrap(),
        actual: actual.map(|a| a.parse().unwrap()),
        weight: "30".parse().unwrap(),
    }
}

/// Writes the organisation and two projects at migration level 1's tables.
fn write_core(store: &mut dyn Store) {
    let mut tx = store.begin("test core").unwrap();
    tx.put_departments(&[dept()]).unwrap();
    // A child before its parent in one call: the store orders them.
    tx.put_units(&[
        unit("440001000001", Some("440001000000")),
        unit("440001000000", None),
    ])
    .unwrap();
    tx.put_projects(&[project("A1", 500_000), project("A2", 80_000)])
        .unwrap();
    let ids = tx.project_ids(2021).unwrap();
    for (row, (id, p, day, fen)) in [
        ("P1", "A1", 3, 12_000_000),
        ("P2", "A2", 4, 999_999),
        ("P3", "A1", 5, -100_000),
    ]
    .into_iter()
    .enumerate()
    {
        tx.add_payment(
            row as u64 + 2,
            &NewPayment {
                payment_id: id,
                project_id: ids[p],
                pay_date: Date::new(2021, 3, day).unwrap(),
                amount: Fen(fen),
            },
        )
        .unwrap();
    }
    let s = tx.finish_payments().unwrap();
    assert_eq!((s.inserted, s.already_stored), (3, 0));
    tx.commit().unwrap();
}

fn payments(store: &mut dyn Store) -> Vec<PaymentRecord> {
    let mut out = Vec::new();
    store
        .for_each_payment(Some(2021), &mut |p| out.push(p))
        .unwrap();
    out
}

#[test]
fn a_new_store_is_migrated_to_the_latest_level() {
    each_backend(|loc, _| {
        let mut store = open(loc).unwrap();
        assert_eq!(store.migration_level().unwrap(), MIGRATION_COUNT);
        drop(store);
        // Opening again applies nothing and keeps the level.
        let mut store = open(loc).unwrap();
        assert_eq!(store.migration_level().unwrap(), MIGRATION_COUNT);
    });
}

#[test]
fn writes_read_back_exactly() {
    each_backend(|loc, _| {
        let mut store = open(loc).unwrap();
        write_core(store.as_mut());
        let mut tx = store.begin("targets").unwrap();
        let ids = tx.project_ids(2021).unwrap();
        tx.put_targets(&[
            (ids["A1"], target("A1", "I1", "97.50", Some("100.00"))),
            (ids["A1"], target("A1", "I2", "356", None)),
        ])
        .unwrap();
        tx.commit().unwrap();

        assert_eq!(store.departments().unwrap(), vec![dept()]);
        assert_eq!(store.units().unwrap().len(), 2);
        assert_eq!(
            store.projects(Some(2021)).unwrap(),
            vec![project("A1", 500_000), project("A2", 80_000)]
        );
        let t = store.targets(Some(2021)).unwrap();
        assert_eq!(
            t,
            vec![
                target("A1", "I1", "97.50", Some("100.00")),
                target("A1", "I2", "356", None)
            ]
        );
        // Exact decimals keep the scale they were written with.
        assert_eq!(t[0].target.to_string(), "97.50");
        let p = payments(store.as_mut());
        assert_eq!(p.len(), 3);
        assert_eq!(p[2].amount, Fen(-100_000));
        assert_eq!(p[1].pay_date.to_string(), "2021-03-04");
        assert_eq!(store.years().unwrap(), vec![2021]);
    });
}

#[test]
fn payments_are_idempotent_by_id_and_repeats_are_reported() {
    each_backend(|loc, _| {
        let mut store = open(loc).unwrap();
        write_core(store.as_mut());
        let before = store.digest().unwrap();

        let mut tx = store.begin("again").unwrap();
        let ids = tx.project_ids(2021).unwrap();
        let same = NewPayment {
            payment_id: "P1",
            project_id: ids["A1"],
            pay_date: Date::new(2021, 3, 3).unwrap(),
            amount: Fen(12_000_000),
        };
        tx.add_payment(2, &same).unwrap();
        let fresh = NewPayment {
            payment_id: "P4",
            amount: Fen(1),
            ..same
        };
        tx.add_payment(3, &fresh).unwrap();
        let s = tx.finish_payments().unwrap();
        assert_eq!((s.inserted, s.already_stored), (1, 1));
        assert!(s.duplicates.is_empty() && s.conflicts.is_empty());
        drop(tx); // not committed: nothing changes
        assert_eq!(store.digest().unwrap(), before);

        let mut tx = store.begin("conflicting").unwrap();
        tx.add_payment(
            7,
            &NewPayment {
                amount: Fen(5),
                ..same
            },
        )
        .unwrap();
        tx.add_payment(8, &fresh).unwrap();
        tx.add_payment(9, &fresh).unwrap();
        let s = tx.finish_payments().unwrap();
        assert_eq!(
            s.conflicts,
            vec![ConflictingPayment {
                row: 7,
                payment_id: "P1".into()
            }]
        );
        assert_eq!(
            s.duplicates,
            vec![DuplicatePayment {
                row: 9,
                first_row: 8,
                payment_id: "P4".into()
            }]
        );
    });
}

#[test]
fn an_older_store_is_upgraded_in_place_without_loss() {
    each_backend(|loc, _| {
        let mut old = open_at_level(loc, 1).unwrap();
        assert_eq!(old.migration_level().unwrap(), 1);
        write_core(old.as_mut());
        drop(old);

        let mut store = open(loc).unwrap();
        assert_eq!(store.migration_level().unwrap(), MIGRATION_COUNT);
        assert_eq!(store.projects(None).unwrap().len(), 2);
        assert_eq!(payments(store.as_mut()).len(), 3);
        // The tables of later migrations work on the upgraded store.
        let mut tx = store.begin("targets").unwrap();
        let ids = tx.project_ids(2021).unwrap();
        tx.put_targets(&[(ids["A2"], target("A2", "I1", "95", Some("96.5")))])
            .unwrap();
        tx.commit().unwrap();
        assert_eq!(store.targets(None).unwrap().len(), 1);
        let d = store.digest().unwrap();
        assert_eq!(d.counts["payments"], 3);
        assert_eq!(d.counts["indicators"], 1);
        // The monthly sums a later migration added were filled from the stored payments.
        assert_monthly_sums(store.as_mut());
    });
}

/// write_core's payments, summed by month: A1 12,000,000 − 100,000 fen in March, A2 999,999.
fn assert_monthly_sums(store: &mut dyn Store) {
    let rows = store.execution(2021).unwrap();
    assert_eq!(rows.len(), 2);
    let mut march = [0i64; 12];
    march[2] = 11_900_000;
    assert_eq!(
        (rows[0].project_code.as_str(), rows[0].months),
        ("A1", march)
    );
    march[2] = 999_999;
    assert_eq!(
        (rows[1].project_code.as_str(), rows[1].months),
        ("A2", march)
    );
    assert_eq!(&*rows[0].department_code, "440001000");
    assert_eq!(rows[0].budget, Fen(50_000_050));
    let from = Date::new(2021, 3, 4).unwrap();
    let to = Date::new(2021, 3, 31).unwrap();
    let part = store.payment_sums(2021, from, to).unwrap();
    assert_eq!(part.get("A1"), Some(&-100_000));
    assert_eq!(part.get("A2"), Some(&999_999));
}

#[test]
fn imports_keep_monthly_sums_on_both_backends() {
    each_backend(|loc, _| {
        let mut store = open(loc).unwrap();
        write_core(store.as_mut());
        assert_monthly_sums(store.as_mut());
        // Payments already stored add nothing; a new one adds to its month.
        let mut tx = store.begin("again").unwrap();
        let ids = tx.project_ids(2021).unwrap();
        for (row, id, month) in [(2, "P1", 3), (3, "P9", 7)] {
            tx.add_payment(
                row,
                &NewPayment {
                    payment_id: id,
                    project_id: ids["A1"],
                    pay_date: Date::new(2021, month, if id == "P1" { 3 } else { 9 }).unwrap(),
                    amount: Fen(if id == "P1" { 12_000_000 } else { 500 }),
                },
            )
            .unwrap();
        }
        assert_eq!(tx.finish_payments().unwrap().inserted, 1);
        tx.commit().unwrap();
        let rows = store.execution(2021).unwrap();
        assert_eq!(rows[0].months[2], 11_900_000);
        assert_eq!(rows[0].months[6], 500);
    });
}

#[test]
fn datasets_and_evaluations_are_kept() {
    each_backend(|loc, _| {
        let mut store = open(loc).unwrap();
        let files: std::collections::BTreeMap<String, String> = [
            ("department.toml".to_string(), "year = 2021\n".to_string()),
            ("finances.toml".to_string(), "# 财务\n".to_string()),
        ]
        .into();
        let e = EvaluationRecord {
            department_code: "baiyun-zfb".into(),
            year: 2021,
            framework: "gz-dept-2021".into(),
            total: "99.45".into(),
            max_total: "100.00".into(),
            grade: "优".into(),
            evaluated_at: now_utc(),
            items: vec![EvaluationItemRecord {
                item_id: "budget_completion_rate".into(),
                name: "预算完成率".into(),
                weight: "2.00".into(),
                value: "99.21%".into(),
                score: "1.98".into(),
                loss_reason: "按比例".into(),
                derivation: "8,022.31 ÷ 8,086.19".into(),
            }],
        };
        let mut tx = store.begin("dataset").unwrap();
        tx.put_dataset("baiyun-zfb", 2021, &files).unwrap();
        tx.save_evaluation(&e).unwrap();
        tx.commit().unwrap();
        assert_eq!(store.datasets().unwrap(), vec![("baiyun-zfb".into(), 2021)]);
        assert_eq!(
            store.dataset_files("baiyun-zfb", 2021).unwrap(),
            Some(files)
        );
        assert_eq!(store.dataset_files("baiyun-zfb", 2020).unwrap(), None);
        assert_eq!(store.evaluations("baiyun-zfb", 2021).unwrap(), vec![e]);
    });
}

#[test]
fn both_backends_hold_the_same_contents_alike() {
    let mut digests = Vec::new();
    each_backend(|loc, _| {
        let mut store = open(loc).unwrap();
        write_core(store.as_mut());
        digests.push(store.digest().unwrap());
    });
    assert_eq!(digests.len(), 2);
    assert_eq!(digests[0], digests[1]);
}

#[test]
fn sqlite_file_is_created_on_first_use_and_a_missing_folder_is_explained() {
    let scratch = Scratch::new("first-use");
    let path = scratch.path("new.db");
    assert!(!path.exists());
    open(&Location::Sqlite(path.clone())).unwrap();
    assert!(path.exists());
    let bad = scratch.path("no/such/folder/x.db");
    let err = open(&Location::Sqlite(bad)).err().unwrap();
    assert!(err.to_string().contains("不存在"), "{err}");
}

#[test]
fn locations_parse() {
    assert_eq!(
        Location::parse("postgres://u@h/db"),
        Location::Postgres("postgres://u@h/db".into())
    );
    assert_eq!(
        Location::parse("sqlite:a/b.db"),
        Location::Sqlite("a/b.db".into())
    );
    assert_eq!(Location::parse("x.db"), Location::Sqlite("x.db".into()));
    assert!(Location::parse("postgres://u:secret@h/db")
        .to_string()
        .contains("u:***@h"));
}

#[test]
fn writing_again_updates_projects_and_targets_in_place() {
    each_backend(|loc, backend| {
        let mut store = open(loc).unwrap();
        write_core(store.as_mut());
        let mut tx = store.begin("targets").unwrap();
        let ids = tx.project_ids(2021).unwrap();
        tx.put_targets(&[(ids["A1"], target("A1", "I1", "95", None))])
            .unwrap();
        tx.commit().unwrap();
        // Year end: the actual value arrives, and a budget is adjusted.
        let mut tx = store.begin("year end").unwrap();
        let mut adjusted = project("A2", 80_000);
        adjusted.adjusted_budget = Fen(9_000_000);
        tx.put_projects(&[project("A3", 1_000), adjusted.clone()])
            .unwrap();
        tx.put_targets(&[
            (ids["A1"], target("A1", "I1", "95", Some("97.2"))),
            (ids["A1"], target("A1", "I2", "1", Some("1"))),
        ])
        .unwrap();
        tx.commit().unwrap();
        let projects = store.projects(Some(2021)).unwrap();
        assert_eq!(projects.len(), 3, "{backend}");
        assert_eq!(projects[1], adjusted, "{backend}");
        let t = store.targets(Some(2021)).unwrap();
        assert_eq!(
            t,
            vec![
                target("A1", "I1", "95", Some("97.2")),
                target("A1", "I2", "1", Some("1"))
            ],
            "{backend}"
        );
    });
}

#[test]
fn indicator_progress_keeps_the_latest_report_up_to_a_date() {
    each_backend(|loc, backend| {
        let mut store = open(loc).unwrap();
        write_core(store.as_mut());
        let report = |day: u32, actual: &str, likelihood| ProgressRecord {
            project_code: "A1".into(),
            indicator_code: "I1".into(),
            as_of: Date::new(2021, 6, day).unwrap(),
            actual: actual.parse().unwrap(),
            likelihood,
            reason_category: if likelihood == Likelihood::Certain {
                String::new()
            } else {
                "经费保障".into()
            },
            reason: "资金未及时到位".into(),
            measures: "加快拨付".into(),
        };
        let mut tx = store.begin("progress").unwrap();
        let ids = tx.project_ids(2021).unwrap();
        tx.put_progress(&[
            (ids["A1"], report(15, "30", Likelihood::Possible)),
            (ids["A1"], report(30, "45.50", Likelihood::Certain)),
        ])
        .unwrap();
        tx.commit().unwrap();
        let at = |day| store_progress(loc, Date::new(2021, 6, day).unwrap());
        assert_eq!(
            at(20),
            vec![report(15, "30", Likelihood::Possible)],
            "{backend}"
        );
        assert_eq!(
            at(30),
            vec![report(30, "45.50", Likelihood::Certain)],
            "{backend}"
        );
        assert!(at(1).is_empty(), "{backend}");
        let all = open(loc).unwrap().progress(2021, None).unwrap();
        assert_eq!(all.len(), 2, "{backend}");
    });
}

fn store_progress(loc: &Location, d: Date) -> Vec<ProgressRecord> {
    open(loc).unwrap().progress(2021, Some(d)).unwrap()
}

#[test]
fn a_budget_adjustment_is_compared_by_version_and_an_import_moves_the_version_on() {
    use jixiao_store::edits::{adjust_budget, budget, Edit};
    each_backend(|loc, backend| {
        let mut store = open(loc).unwrap();
        write_core(store.as_mut());
        let sql = store.sql();
        // 500,000.50 元: not a multiple of 100 元, which a page would round.
        let (amount, v0) = budget(sql, 2021, "A1").unwrap().unwrap();
        assert_eq!(amount, Fen(50_000_050), "{backend}");
        assert_eq!(
            adjust_budget(sql, 2021, "A1", v0, Fen(60_000_001)).unwrap(),
            Edit::Saved,
            "{backend}"
        );
        let (_, v1) = budget(sql, 2021, "A1").unwrap().unwrap();
        assert_eq!(v1, v0 + 1, "{backend}");
        assert_eq!(
            adjust_budget(sql, 2021, "A1", v0, Fen(1)).unwrap(),
            Edit::Stale(Fen(60_000_001), v1),
            "{backend}: a form drawn before the change"
        );
        assert_eq!(
            adjust_budget(sql, 2021, "NONE", 0, Fen(1)).unwrap(),
            Edit::Missing
        );
        // An import that changes the amount moves the version on; one that keeps it does not.
        let mut tx = store.begin("re-import").unwrap();
        tx.put_projects(&[project("A1", 700_000), project("A2", 80_000)])
            .unwrap();
        tx.commit().unwrap();
        let sql = store.sql();
        let (amount, v2) = budget(sql, 2021, "A1").unwrap().unwrap();
        assert_eq!((amount, v2), (Fen(70_000_050), v1 + 1), "{backend}");
        let (_, a2) = budget(sql, 2021, "A2").unwrap().unwrap();
        assert_eq!(a2, 0, "{backend}: A2's amount did not change");
        assert_eq!(
            adjust_budget(sql, 2021, "A1", v1, Fen(1)).unwrap(),
            Edit::Stale(Fen(70_000_050), v2)
        );
    });
}

/// A store error says its kind: a duplicate key is a conflict on both backends, and a store
/// that cannot be opened is unavailable (issue 17).
#[test]
fn store_errors_carry_their_kind() {
    each_backend(|loc, backend| {
        let mut store = open(loc).unwrap();
        let sql = store.sql();
        let insert = "INSERT INTO departments (code, name, region_code) VALUES ($1, $2, $3)";
        sql.execute(insert, &["D1".into(), "甲".into(), "".into()])
            .unwrap();
        let e = sql
            .execute(insert, &["D1".into(), "甲".into(), "".into()])
            .unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Conflict, "{backend}: {e}");
    });
    let missing = std::env::temp_dir()
        .join("jixiao-no-such-dir")
        .join("sub")
        .join("store.db");
    let e = open(&Location::Sqlite(missing)).err().expect("cannot open");
    assert_eq!(e.kind(), ErrorKind::Unavailable, "{e}");
}

/// Begins an import into a store with nothing in it yet: the department, a unit and project
/// A1, whose id is returned.
fn first_import<'s>(store: &'s mut dyn Store, source: &str) -> (Box<dyn Transaction + 's>, i64) {
    let mut tx = store.begin(source).unwrap();
    tx.put_departments(&[dept()]).unwrap();
    tx.put_units(&[unit("440001000000", None)]).unwrap();
    tx.put_projects(&[project("A1", 500_000)]).unwrap();
    let a1 = tx.project_ids(2021).unwrap()["A1"];
    (tx, a1)
}

/// Hands `rows` to the transaction as one stream, from row 2 of the file.
fn stream(tx: &mut dyn Transaction, rows: &[NewPayment<'_>]) {
    tx.add_payments(&mut |sink| {
        rows.iter()
            .enumerate()
            .try_for_each(|(i, p)| sink(i as u64 + 2, p))
    })
    .unwrap();
}

/// The first payments a store takes go in as one stream (PostgreSQL: without the key, built
/// at the end); repeats within them are still listed by row, and a sound stream leaves the
/// key in force and the monthly sums right.
#[test]
fn a_first_import_of_payments_streams_and_still_finds_repeats() {
    each_backend(|loc, _| {
        let mut store = open(loc).unwrap();
        let (mut tx, a1) = first_import(store.as_mut(), "first");
        let pay = |id: &'static str, day| NewPayment {
            payment_id: id,
            project_id: a1,
            pay_date: Date::new(2021, 4, day).unwrap(),
            amount: Fen(100),
        };
        stream(tx.as_mut(), &[pay("Q1", 1), pay("Q2", 2), pay("Q1", 3)]);
        let s = tx.finish_payments().unwrap();
        assert_eq!(
            s.duplicates,
            vec![DuplicatePayment {
                row: 4,
                first_row: 2,
                payment_id: "Q1".into()
            }]
        );
        drop(tx);

        let (mut tx, a1) = first_import(store.as_mut(), "first, sound");
        let rows = [pay("Q1", 1), pay("Q2", 2)].map(|p| NewPayment {
            project_id: a1,
            ..p
        });
        stream(tx.as_mut(), &rows);
        let s = tx.finish_payments().unwrap();
        assert_eq!((s.inserted, s.duplicates.len()), (2, 0));
        tx.commit().unwrap();
        let ex = store.execution(2021).unwrap();
        assert_eq!(ex.len(), 1);
        assert_eq!(ex[0].months[3], 200, "April holds both payments");

        // The key is in force again: the same id a second time is a repeat, not a new row.
        let mut tx = store.begin("again").unwrap();
        tx.add_payment(2, &rows[0]).unwrap();
        let s = tx.finish_payments().unwrap();
        assert_eq!((s.inserted, s.already_stored), (0, 1));
    });
}
