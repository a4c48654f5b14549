//! Issue 18: a declaration's review on both backends — saved texts kept, stale saves and steps
//! refused, each desk's steps only by who sits there, nobody passing or approving their own
//! submission, the approved text frozen and an adjustment reviewed again, every step audited.

use jixiao_app::auth::{Role, User};
use jixiao_app::declarations::{self, SaveCommand};
use jixiao_app::workflow::StepCommand;
use jixiao_app::Error;
use jixiao_domain::target_flow::Stage;
use jixiao_store::testing::each_backend;

const DEPT: &str = "D01";

/// A store at `location` holding the seed's dataset (baiyun-zfb 2021).
fn seeded(location: &jixiao_store::Location) -> Box<dyn jixiao_store::Store> {
    let mut store = jixiao_store::open(location).unwrap();
    let seed = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/baiyun-2021");
    jixiao_exchange::import::import(store.as_mut(), &seed, &Default::default(), &mut |_| {})
        .unwrap();
    store
}

fn user(id: i64, name: &str, role: Role, department: Option<&str>) -> User {
    User {
        id,
        username: name.into(),
        display_name: name.into(),
        role: Some(role),
        department: department.map(str::to_string),
        assigned: Vec::new(),
        must_change: false,
    }
}

fn clean() -> String {
    std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../formats/tests/data/declarations/clean.toml"),
    )
    .unwrap()
}

/// The clean declaration with its points fitted to cn-project-2020 (满意度 10, execution 10 not
/// among the indicators), as a year scored under it needs.
fn fitted() -> String {
    let c = clean();
    let at = c.rfind("weight = \"20\"").unwrap();
    format!(
        "{}weight = \"10\"{}",
        &c[..at],
        &c[at + "weight = \"20\"".len()..]
    )
}

fn step(name: &str, version: i64, comment: &str) -> StepCommand {
    StepCommand {
        step: name.into(),
        version,
        comment: comment.into(),
    }
}

#[test]
fn a_declaration_is_submitted_returned_resubmitted_passed_and_approved() {
    each_backend(|location, backend| {
        let mut store = jixiao_store::open(location).unwrap();
        let store = store.as_mut();
        let editor = user(1, "editor", Role::DeptEditor, Some(DEPT));
        let approver = user(2, "approver", Role::DeptApprover, Some(DEPT));
        let other = user(3, "other", Role::DeptApprover, Some("D02"));
        let section = user(4, "section", Role::BureauAdmin, None);
        let performance = user(5, "performance", Role::BureauAdmin, None);

        let body = clean();
        let save = |version, id, body: &str, reason: &str| SaveCommand {
            department: DEPT.into(),
            id,
            body: body.into(),
            version,
            reason: reason.into(),
        };
        // A text that does not read is refused with the form's problem; nothing is stored.
        let bad = declarations::save(store, &editor, &save(0, 0, "format = 1", ""));
        assert!(matches!(bad, Err(Error::Input(_))), "{backend}: {bad:?}");
        assert!(declarations::list(store.sql(), &editor, None)
            .unwrap()
            .is_empty());
        // Another department's reviewer cannot declare here.
        assert!(matches!(
            declarations::save(store, &other, &save(0, 0, &body, "")),
            Err(Error::Forbidden)
        ));
        let d = declarations::save(store, &editor, &save(0, 0, &body, "")).unwrap();
        assert_eq!((d.stage, d.text_number, d.version), (Stage::Draft, 1, 1));
        // The same project twice is refused; a save on an old version too.
        assert!(matches!(
            declarations::save(store, &editor, &save(0, 0, &body, "")),
            Err(Error::Invalid(_))
        ));
        let edited = body.replace("≥63人", "≥64人");
        let d = declarations::save(store, &editor, &save(1, d.id, &edited, "")).unwrap();
        assert_eq!((d.text_number, d.version), (2, 2), "{backend}");
        let stale = declarations::save(store, &editor, &save(1, d.id, &body, ""));
        assert!(
            matches!(stale, Err(Error::Stale(_))),
            "{backend}: {stale:?}"
        );

        // Nobody but the unit may submit; the unit submits.
        assert!(matches!(
            declarations::step(store, &approver, d.id, &step("submit", 2, "")),
            Err(Error::Forbidden)
        ));
        let d = declarations::step(store, &editor, d.id, &step("submit", 2, "")).unwrap();
        assert_eq!(d.stage, Stage::AtDepartment);
        // Under review it cannot change.
        assert!(matches!(
            declarations::save(store, &editor, &save(d.version, d.id, &body, "")),
            Err(Error::Invalid(_))
        ));
        // Another department's reviewer and the bureau do not sit at the department's desk.
        for who in [&other, &section] {
            let r = declarations::step(store, who, d.id, &step("pass", d.version, ""));
            assert!(matches!(r, Err(Error::Forbidden)), "{backend}: {r:?}");
        }
        // A return needs its comment; with it, the unit may change the text again.
        assert!(matches!(
            declarations::step(store, &approver, d.id, &step("return", d.version, " ")),
            Err(Error::Invalid(_))
        ));
        let d = declarations::step(
            store,
            &approver,
            d.id,
            &step("return", d.version, "数量指标请与往年一致"),
        )
        .unwrap();
        assert_eq!(d.stage, Stage::Returned);
        let d = declarations::save(store, &editor, &save(d.version, d.id, &body, "")).unwrap();
        let d = declarations::step(store, &editor, d.id, &step("submit", d.version, "")).unwrap();
        let d = declarations::step(store, &approver, d.id, &step("pass", d.version, "")).unwrap();
        assert_eq!(d.stage, Stage::AtSection);
        let d = declarations::step(store, &section, d.id, &step("pass", d.version, "")).unwrap();
        assert_eq!(d.stage, Stage::AtPerformance);
        // Who passed it at the 业务科室 cannot also approve it.
        let own = declarations::step(store, &section, d.id, &step("approve", d.version, ""));
        assert!(matches!(own, Err(Error::Invalid(_))), "{backend}: {own:?}");
        let d =
            declarations::step(store, &performance, d.id, &step("approve", d.version, "")).unwrap();
        assert_eq!((d.stage, d.approved_number), (Stage::Approved, 3));

        // Frozen: a new text needs a reason; it goes back to draft, the approved text in force.
        assert!(matches!(
            declarations::save(store, &editor, &save(d.version, d.id, &edited, "")),
            Err(Error::Invalid(_))
        ));
        let d = declarations::save(
            store,
            &editor,
            &save(d.version, d.id, &edited, "年中新增扶助对象"),
        )
        .unwrap();
        assert_eq!(
            (d.stage, d.text_number, d.approved_number),
            (Stage::Draft, 4, 3)
        );

        // The record: four texts, the steps with who and the return's comment.
        let r = declarations::get(store.sql(), &approver, d.id).unwrap();
        assert_eq!(r.texts.len(), 4);
        assert_eq!(r.texts[3].reason, "年中新增扶助对象");
        let steps: Vec<(&str, &str)> = r
            .events
            .iter()
            .map(|e| (e.step.as_str(), e.actor.as_str()))
            .collect();
        assert_eq!(
            steps,
            [
                ("submit", "editor（editor）"),
                ("return", "approver（approver）"),
                ("submit", "editor（editor）"),
                ("pass", "approver（approver）"),
                ("pass", "section（section）"),
                ("approve", "performance（performance）"),
            ]
        );
        assert_eq!(r.events[1].comment, "数量指标请与往年一致");
        // What changed between the approved text and the adjustment, side by side.
        let rows = declarations::side_by_side(&r.texts[2].body, &r.texts[3].body);
        let changed: Vec<_> = rows.iter().filter(|x| x.changed()).collect();
        // (the file's head comment names the count too)
        assert_eq!(changed.len(), 2, "{backend}");
        for c in changed {
            assert!(c.left.as_deref().unwrap().contains("≥63人"));
            assert!(c.right.as_deref().unwrap().contains("≥64人"));
        }
        // Another department's reviewer reads nothing of it.
        assert!(matches!(
            declarations::get(store.sql(), &other, d.id),
            Err(Error::Forbidden)
        ));
        assert!(declarations::list(store.sql(), &other, None)
            .unwrap()
            .is_empty());
        // Every save and step is in the audit chain, and the chain holds.
        let entries = jixiao_app::audit::recent(store.sql(), 100, 0).unwrap();
        let ours = entries
            .iter()
            .filter(|e| e.entity.starts_with("declaration:"))
            .count();
        assert_eq!(ours, 4 + 6, "{backend}: four saves and six steps");
        assert!(jixiao_app::audit::verify(store.sql()).unwrap().is_ok());
        // The automatic review reads the latest text.
        let review = declarations::review(store, &editor, d.id, None).unwrap();
        assert!(!review.grade.is_empty());
    });
}

/// The gate: a new project is not approved without an ex-ante assessment that supports it; a
/// panel of three experts scores it separately, the panel's score is their trimmed mean.
#[test]
fn a_new_project_is_approved_only_once_its_assessment_supports_it() {
    use jixiao_app::assessments::{self, AssignCommand, ConcludeCommand, ScoreCommand};
    each_backend(|location, backend| {
        let mut store = jixiao_store::open(location).unwrap();
        let store = store.as_mut();
        let editor = user(1, "editor", Role::DeptEditor, Some(DEPT));
        let approver = user(2, "approver", Role::DeptApprover, Some(DEPT));
        let section = user(4, "section", Role::BureauAdmin, None);
        let performance = user(5, "performance", Role::BureauAdmin, None);
        // Experts are evaluator accounts, assigned to no department.
        let experts: Vec<User> = (1..=3)
            .map(|k| {
                let name = format!("expert{k}");
                let id = store
                    .sql()
                    .write(|sql| {
                        let id =
                            jixiao_app::auth::create_user(sql, &name, &name, "Jx-expert-2021")?;
                        jixiao_app::auth::set_role(sql, id, Some(Role::Evaluator), None, &[])?;
                        Ok::<_, Error>(id)
                    })
                    .unwrap();
                user(id, &name, Role::Evaluator, None)
            })
            .collect();
        let body = clean().replace("kind = \"延续\"", "kind = \"新增\"");
        let cmd = SaveCommand {
            department: DEPT.into(),
            id: 0,
            body,
            version: 0,
            reason: String::new(),
        };
        let mut d = declarations::save(store, &editor, &cmd).unwrap();
        for (who, name) in [(&editor, "submit"), (&approver, "pass"), (&section, "pass")] {
            d = declarations::step(store, who, d.id, &step(name, d.version, "")).unwrap();
        }
        // Refused without an assessment, with the reason.
        let refused =
            declarations::step(store, &performance, d.id, &step("approve", d.version, ""));
        match &refused {
            Err(Error::Invalid(m)) => assert!(
                m.zh.contains("新增项目") && m.zh.contains("事前绩效评估"),
                "{}",
                m.zh
            ),
            other => panic!("{backend}: {other:?}"),
        }
        // An expert not yet assigned reads and scores nothing.
        let scores = |values: [&str; 5]| ScoreCommand {
            comment: "意见".into(),
            scores: [
                "立项必要性",
                "投入经济性",
                "绩效目标合理性",
                "实施方案可行性",
                "筹资合规性",
            ]
            .iter()
            .zip(values)
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
        };
        assert!(matches!(
            declarations::get(store.sql(), &experts[0], d.id),
            Err(Error::Forbidden)
        ));
        assert!(matches!(
            assessments::score(
                store.sql(),
                &experts[0],
                d.id,
                &scores(["18", "16", "17", "18", "19"])
            ),
            Err(Error::Forbidden)
        ));
        // Only the bureau assigns; a business account that is not an evaluator cannot be one.
        let assign = |name: &str| AssignCommand {
            username: name.into(),
        };
        assert!(matches!(
            assessments::assign(store.sql(), &approver, d.id, &assign("expert1")),
            Err(Error::Forbidden)
        ));
        assert!(matches!(
            assessments::assign(store.sql(), &section, d.id, &assign("editor")),
            Err(Error::Invalid(_))
        ));
        for e in &experts {
            assessments::assign(store.sql(), &section, d.id, &assign(&e.username)).unwrap();
        }
        // Concluding before anyone scored is refused; a score above its points too.
        assert!(matches!(
            assessments::conclude(
                store.sql(),
                &section,
                d.id,
                &ConcludeCommand {
                    budget: "6.3".into(),
                    suggestions: String::new()
                }
            ),
            Err(Error::Invalid(_))
        ));
        assert!(matches!(
            assessments::score(
                store.sql(),
                &experts[0],
                d.id,
                &scores(["21", "16", "17", "18", "19"])
            ),
            Err(Error::Invalid(_))
        ));
        // 88, 70 and 95: the trimmed mean is 88, the spread 25 flagged.
        assessments::score(
            store.sql(),
            &experts[0],
            d.id,
            &scores(["18", "16", "17", "18", "19"]),
        )
        .unwrap();
        assessments::score(
            store.sql(),
            &experts[1],
            d.id,
            &scores(["14", "14", "14", "14", "14"]),
        )
        .unwrap();
        let v = assessments::score(
            store.sql(),
            &experts[2],
            d.id,
            &scores(["19", "19", "19", "19", "19"]),
        )
        .unwrap();
        assert_eq!(
            v.panel_score.map(|s| s.normalize().to_string()).as_deref(),
            Some("88"),
            "{backend}"
        );
        assert_eq!((v.dropped, v.flagged), (2, true));
        assert!(declarations::get(store.sql(), &experts[0], d.id).is_ok());
        assert_eq!(
            declarations::list(store.sql(), &experts[0], None)
                .unwrap()
                .len(),
            1
        );
        let v = assessments::conclude(
            store.sql(),
            &section,
            d.id,
            &ConcludeCommand {
                budget: "6.30".into(),
                suggestions: "按批复数执行".into(),
            },
        )
        .unwrap();
        let c = v.concluded.unwrap();
        assert_eq!(
            (c.conclusion_label.as_str(), c.budget_wan.as_str()),
            ("予以支持", "6.30")
        );
        let d =
            declarations::step(store, &performance, d.id, &step("approve", d.version, "")).unwrap();
        assert_eq!(d.stage, Stage::Approved, "{backend}");
        // Approved: the assessment is frozen.
        assert!(matches!(
            assessments::assign(store.sql(), &section, d.id, &assign("expert1")),
            Err(Error::Invalid(_))
        ));
        assert!(jixiao_app::audit::verify(store.sql()).unwrap().is_ok());
    });
}

/// Into the loop: an approved declaration of a year whose dataset is stored becomes a project of
/// that year's self-evaluation, scored from its approved targets, and of its monitoring; an
/// adjustment, once approved, replaces it.
#[test]
fn approved_targets_become_the_years_project_indicators() {
    each_backend(|location, backend| {
        let mut store = seeded(location);
        let store = store.as_mut();
        let dept = "baiyun-zfb";
        let editor = user(1, "editor", Role::DeptEditor, Some(dept));
        let approver = user(2, "approver", Role::DeptApprover, Some(dept));
        let section = user(4, "section", Role::BureauAdmin, None);
        let performance = user(5, "performance", Role::BureauAdmin, None);
        let approve = |store: &mut dyn jixiao_store::Store, id: i64, version: i64| {
            let mut v = version;
            for (who, name) in [
                (&editor, "submit"),
                (&approver, "pass"),
                (&section, "pass"),
                (&performance, "approve"),
            ] {
                v = declarations::step(store, who, id, &step(name, v, ""))
                    .unwrap()
                    .version;
            }
            v
        };
        let cmd = |id, version, body: &str, reason: &str| SaveCommand {
            department: dept.into(),
            id,
            body: body.into(),
            version,
            reason: reason.into(),
        };
        let d = declarations::save(store, &editor, &cmd(0, 0, &fitted(), "")).unwrap();
        let v = approve(store, d.id, d.version);
        let code = jixiao_app::approved::project_code(d.id);
        let data = jixiao_app::load_dataset(store, dept, 2021).unwrap();
        let p = data
            .projects
            .iter()
            .find(|p| p.code == code)
            .unwrap_or_else(|| panic!("{backend}: {code} not in the dataset"));
        assert_eq!(p.indicators.len(), 6, "{backend}");
        let count = p
            .indicator("对符合政策法规的独生子伤残、死亡家庭进行扶助")
            .unwrap();
        assert_eq!(
            count.target.as_ref().unwrap().value.normalize().to_string(),
            "63"
        );
        // Monitoring reads the same targets from the store.
        let targets: Vec<_> = store
            .targets(Some(2021))
            .unwrap()
            .into_iter()
            .filter(|t| t.project_code == code)
            .collect();
        assert_eq!(targets.len(), 6, "{backend}");
        // An adjustment (≥64人) approved again replaces the project's targets, not adds to them.
        let adjusted = fitted().replace("≥63人", "≥64人");
        let d = declarations::save(store, &editor, &cmd(d.id, v, &adjusted, "年中新增扶助对象"))
            .unwrap();
        approve(store, d.id, d.version);
        let data = jixiao_app::load_dataset(store, dept, 2021).unwrap();
        let same: Vec<_> = data.projects.iter().filter(|p| p.code == code).collect();
        assert_eq!(same.len(), 1, "{backend}");
        let count = same[0]
            .indicator("对符合政策法规的独生子伤残、死亡家庭进行扶助")
            .unwrap();
        assert_eq!(
            count.target.as_ref().unwrap().value.normalize().to_string(),
            "64"
        );
        assert_eq!(
            store
                .targets(Some(2021))
                .unwrap()
                .into_iter()
                .filter(|t| t.project_code == code)
                .count(),
            6
        );
        // The seed's own projects are untouched and the department still scores.
        assert!(data.projects.iter().any(|p| p.code == "P02"));
        let (_, projects) = jixiao_app::service::score(&data).unwrap();
        // Before its actuals are entered the new project is not scored; the rest are.
        assert!(
            !projects.iter().any(|e| e.subject == same[0].name),
            "{backend}"
        );
        assert!(projects
            .iter()
            .any(|e| e.subject == "文书档案规范化处理入馆"));
    });
}

/// The 指标库: the shipped 共性 indicators and those the bureau promotes, each with its history
/// read from the stored datasets; a classification's own first; a row added to a text.
#[test]
fn the_library_keeps_promoted_indicators_with_their_history() {
    use jixiao_app::library::{self, ClassificationFields, LibraryQuery, PromoteCommand};
    each_backend(|location, backend| {
        let mut store = seeded(location);
        let store = store.as_mut();
        let dept = "baiyun-zfb";
        let editor = user(1, "editor", Role::DeptEditor, Some(dept));
        let bureau = user(4, "section", Role::BureauAdmin, None);
        let other = user(3, "other", Role::DeptApprover, Some("D02"));
        // The seed's indicator 移交进馆文书档案 has a 2021 target and actual of 4529.
        let body = fitted().replace(
            "对符合政策法规的独生子伤残、死亡家庭进行扶助",
            "移交进馆文书档案",
        );
        let d = declarations::save(
            store,
            &editor,
            &SaveCommand {
                department: dept.into(),
                id: 0,
                body,
                version: 0,
                reason: String::new(),
            },
        )
        .unwrap();
        let promote = PromoteCommand {
            declaration: d.id,
            indicator: "移交进馆文书档案".into(),
            class: ClassificationFields {
                function_subject: "2010350".into(),
                sector: "档案".into(),
                purpose: String::new(),
            },
        };
        assert!(matches!(
            library::promote(store.sql(), &editor, &promote),
            Err(Error::Forbidden)
        ));
        let id = library::promote(store.sql(), &bureau, &promote).unwrap();
        assert_eq!(
            library::promote(store.sql(), &bureau, &promote).unwrap(),
            id,
            "{backend}: promoted once"
        );
        let archives = LibraryQuery {
            class: ClassificationFields {
                sector: "档案".into(),
                ..Default::default()
            },
            ..Default::default()
        };
        let list = library::list(store, &bureau, &archives).unwrap();
        assert_eq!(
            list[0].indicator.name, "移交进馆文书档案",
            "{backend}: its classification's own first"
        );
        let t = list[0].history.targets().unwrap();
        assert_eq!(
            (t.count, t.median.normalize().to_string()),
            (1, "4529".to_string())
        );
        assert_eq!(
            list[0]
                .history
                .last_actual("文书档案规范化处理入馆", 2022)
                .map(|a| a.normalize().to_string())
                .as_deref(),
            Some("4529")
        );
        // Another classification is not offered it; the 共性 ones always are.
        let roads = LibraryQuery {
            class: ClassificationFields {
                sector: "交通".into(),
                ..Default::default()
            },
            ..Default::default()
        };
        let list = library::list(store, &bureau, &roads).unwrap();
        assert!(!list.iter().any(|e| e.indicator.name == "移交进馆文书档案"));
        assert!(list.iter().any(|e| e.indicator.name == "服务对象满意度"));
        // A department's history is only theirs and the bureau's to read.
        let list = library::list(store, &other, &archives).unwrap();
        assert!(list.iter().all(|e| e.history.uses.is_empty()), "{backend}");
        // Added to a declaration's text, it reads as a row whose value the clerk fills in.
        let shipped = jixiao_formats::library::shipped();
        let text = library::add_to_text(
            &fitted(),
            shipped.iter().find(|i| i.name == "验收合格率").unwrap(),
        );
        let declared = declarations::parse(&text).unwrap();
        assert!(declared
            .indicators
            .iter()
            .any(|i| i.name == "验收合格率" && i.value_text.is_empty()));
        assert!(
            !library::xlsx(&library::list(store, &bureau, &LibraryQuery::default()).unwrap())
                .unwrap()
                .is_empty()
        );
    });
}

/// A 申报表 workbook imported as drafts, all or nothing: a second import of the same projects
/// is refused whole, naming them.
#[test]
fn a_workbook_of_declarations_is_imported_all_or_nothing() {
    each_backend(|location, backend| {
        let mut store = jixiao_store::open(location).unwrap();
        let store = store.as_mut();
        let editor = user(1, "editor", Role::DeptEditor, Some(DEPT));
        let other = user(3, "other", Role::DeptEditor, Some("D02"));
        let first = declarations::parse(&fitted()).unwrap();
        let mut second = first.clone();
        second.project = "第二个项目".into();
        let bytes = jixiao_exchange::declarations::write(&[first, second]).unwrap();
        let book = jixiao_exchange::source::Workbook::from_bytes(
            std::path::Path::new("申报表.xlsx"),
            bytes,
        )
        .unwrap();
        let read = jixiao_exchange::declarations::read(&book).unwrap();
        assert!(matches!(
            declarations::import(store, &other, DEPT, &read),
            Err(Error::Forbidden)
        ));
        let saved = declarations::import(store, &editor, DEPT, &read).unwrap();
        assert_eq!(saved.len(), 2, "{backend}");
        assert!(saved
            .iter()
            .all(|s| s.stage == Stage::Draft && s.text_number == 1));
        // Each stored text reads back as the declaration imported.
        let r = declarations::get(store.sql(), &editor, saved[1].id).unwrap();
        assert_eq!(
            declarations::parse(&r.latest().body).unwrap().project,
            "第二个项目"
        );
        let again = declarations::import(store, &editor, DEPT, &read);
        match again {
            Err(Error::Invalid(m)) => assert!(
                m.zh.contains("第二个项目") && m.zh.contains("未导入任何申报"),
                "{}",
                m.zh
            ),
            other => panic!("{backend}: {other:?}"),
        }
        assert_eq!(
            declarations::list(store.sql(), &editor, None)
                .unwrap()
                .len(),
            2
        );
    });
}
