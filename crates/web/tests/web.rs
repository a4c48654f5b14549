//! The web application over HTTP, against real servers on free ports.
//!
//! Index: `matrix` (every route × every role), `workflow` (review steps, the public portal,
//! sign-in), `security` (issue 15: resets, throttling, origins, account rules, messages, one score), `two_servers` (two servers on one PostgreSQL database, concurrent and
//! stale saves), `audit` (tampering found on PostgreSQL). The browser test is
//! `tests/browser/flow.mjs`, run by `browser` here.

use jixiao_store::testing::{PgSchema, Scratch};
use jixiao_store::Location;
use jixiao_web::testing::{spawn_server, Client};
use std::path::{Path, PathBuf};

mod browser;

const DEPT: &str = "baiyun-zfb";
const OTHER: &str = "other-dept";

fn example() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/baiyun-2021")
}

/// A store holding the seed's dataset and a second department's copy of it, with the demo
/// accounts (and an editor of the second department).
fn seeded(location: &Location, scratch: &Scratch) {
    let mut store = jixiao_store::open(location).expect("open store");
    let opts = jixiao_exchange::import::Options::default();
    jixiao_exchange::import::import(store.as_mut(), &example(), &opts, &mut |_| {})
        .expect("import the seed");
    let other = scratch.path("other");
    std::fs::create_dir_all(&other).unwrap();
    for f in std::fs::read_dir(example()).unwrap() {
        let f = f.unwrap().path();
        let text = std::fs::read_to_string(&f).unwrap();
        let text = text
            .replace("code = \"baiyun-zfb\"", &format!("code = \"{OTHER}\""))
            .replace("广州市白云区人民政府办公室", "广州市白云区另一部门");
        std::fs::write(other.join(f.file_name().unwrap()), text).unwrap();
    }
    jixiao_exchange::import::import(store.as_mut(), &other, &opts, &mut |_| {})
        .expect("import the second department");
    jixiao_app::auth::create_demo_accounts(store.as_mut(), DEPT).expect("demo accounts");
    let sql = store.sql();
    sql.write(|sql| {
        let id =
            jixiao_web::auth::create_user(sql, "editor2", "另一部门 填报人", "Jx-editor2-2021")?;
        jixiao_web::auth::set_role(
            sql,
            id,
            Some(jixiao_web::auth::Role::DeptEditor),
            Some(DEPT),
            &[],
        )?;
        let id = jixiao_web::auth::create_user(sql, "other", "另一部门 填报人", "Jx-other-2021")?;
        jixiao_web::auth::set_role(
            sql,
            id,
            Some(jixiao_web::auth::Role::DeptEditor),
            Some(OTHER),
            &[],
        )?;
        Ok::<_, jixiao_web::error::WebError>(())
    })
    .expect("more accounts");
    // A target declaration in each department (ids 1 and 2), drafted by the finance bureau.
    let bureau = jixiao_web::auth::User {
        id: 0,
        username: "seed".into(),
        display_name: "seed".into(),
        role: Some(jixiao_web::auth::Role::BureauAdmin),
        department: None,
        assigned: Vec::new(),
        must_change: false,
    };
    let body = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../formats/tests/data/declarations/clean.toml"),
    )
    .unwrap();
    for department in [DEPT, OTHER] {
        let cmd = jixiao_web::declarations::SaveCommand {
            department: department.into(),
            id: 0,
            body: body.clone(),
            version: 0,
            reason: String::new(),
        };
        jixiao_web::declarations::save(store.as_mut(), &bureau, &cmd).expect("a declaration");
    }
}

/// A scratch SQLite store, `seeded`.
fn seeded_store(name: &str) -> (Scratch, Location) {
    let scratch = Scratch::new(name);
    let location = Location::Sqlite(scratch.path("s.db"));
    seeded(&location, &scratch);
    (scratch, location)
}

/// A seeded store (`seeded`) that also holds the browser test's budget workbook: store
/// projects (X01 …) with budgets and payments.
fn seeded_with_budgets(name: &str) -> (Scratch, Location) {
    let (scratch, location) = seeded_store(name);
    let book = scratch.path("预算执行.xlsx");
    browser::workbook(&book, false);
    let mut store = jixiao_store::open(&location).unwrap();
    jixiao_exchange::import::import(store.as_mut(), &book, &Default::default(), &mut |_| {})
        .expect("import the budget workbook");
    (scratch, location)
}

fn password(user: &str) -> String {
    format!("Jx-{user}-2021")
}

fn signed_in(addr: std::net::SocketAddr, user: &str) -> Client {
    let mut c = Client::new(addr);
    c.sign_in(user, &password(user));
    c
}

mod matrix {
    use super::*;

    const ROLES: [&str; 8] = [
        "anonymous",
        "bureau",
        "editor",
        "approver",
        "evaluator",
        "sysadmin",
        "secadmin",
        "auditor",
    ];

    /// (method, path, roles allowed). Allowed means neither refused (401/403) nor sent to
    /// sign in; what an allowed request then does (a page, a redirect, a validation error
    /// for the deliberately incomplete form) is the route's own business. Every routed method
    /// and path is here except signing in and out (`/login`, `/logout`, `/api/login`,
    /// `/api/logout`), which the throttling, workflow and browser tests exercise.
    fn routes() -> Vec<(&'static str, String, Vec<&'static str>)> {
        let biz = vec!["bureau", "editor", "approver", "evaluator"];
        let all = ROLES.to_vec();
        let own = format!("/evaluations/{DEPT}/2021");
        let other = format!("/evaluations/{OTHER}/2021");
        vec![
            ("GET", "/login".into(), all.clone()),
            ("GET", "/public".into(), all.clone()),
            ("GET", "/api/public".into(), all.clone()),
            ("GET", "/api/openapi.json".into(), all.clone()),
            // The three administrators are sent on to their own page.
            ("GET", "/".into(), ROLES[1..].to_vec()),
            ("GET", "/departments".into(), biz.clone()),
            ("GET", format!("/departments/{DEPT}"), biz.clone()),
            ("GET", format!("/departments/{OTHER}"), vec!["bureau"]),
            ("GET", "/monitoring".into(), biz.clone()),
            ("GET", "/rectifications".into(), biz.clone()),
            ("GET", own.clone(), biz.clone()),
            ("GET", other.clone(), vec!["bureau"]),
            ("GET", format!("{own}/report/docx"), biz.clone()),
            ("GET", format!("{other}/report/docx"), vec!["bureau"]),
            ("POST", format!("{own}/actuals"), vec!["bureau", "editor"]),
            ("POST", format!("{other}/actuals"), vec!["bureau"]),
            (
                "POST",
                format!("{own}/workflow?submit"),
                vec!["bureau", "editor"],
            ),
            (
                "POST",
                format!("{own}/workflow?approve"),
                vec!["bureau", "approver"],
            ),
            (
                "POST",
                format!("{own}/workflow?publish"),
                vec!["bureau", "approver"],
            ),
            ("POST", format!("{other}/workflow?approve"), vec!["bureau"]),
            ("POST", format!("{own}/recompute"), vec!["bureau", "editor"]),
            ("POST", format!("{other}/recompute"), vec!["bureau"]),
            ("GET", "/imports".into(), vec!["bureau"]),
            ("POST", "/imports".into(), vec!["bureau"]),
            ("POST", "/imports/999999/confirm".into(), vec!["bureau"]),
            ("GET", "/admin/users".into(), vec!["sysadmin"]),
            ("POST", "/admin/users".into(), vec!["sysadmin"]),
            ("POST", "/admin/users/999999/reset".into(), vec!["sysadmin"]),
            ("GET", "/admin/roles".into(), vec!["secadmin"]),
            ("POST", "/admin/roles/999999".into(), vec!["secadmin"]),
            (
                "POST",
                "/admin/roles/999999/credential".into(),
                vec!["secadmin"],
            ),
            ("GET", "/account/password".into(), ROLES[1..].to_vec()),
            ("POST", "/account/password".into(), ROLES[1..].to_vec()),
            ("GET", "/audit".into(), vec!["auditor"]),
            ("GET", "/api/audit".into(), vec!["auditor"]),
            ("GET", "/api/me".into(), ROLES[1..].to_vec()),
            ("GET", "/api/departments".into(), biz.clone()),
            (
                "GET",
                "/api/monitoring?as_of=2021-12-31".into(),
                biz.clone(),
            ),
            ("GET", format!("/api{own}"), biz.clone()),
            ("GET", format!("/api{other}"), vec!["bureau"]),
            (
                "POST",
                format!("/api{own}/actuals"),
                vec!["bureau", "editor"],
            ),
            ("POST", format!("/api{other}/actuals"), vec!["bureau"]),
            (
                "POST",
                format!("/api{own}/workflow?approve"),
                vec!["bureau", "approver"],
            ),
            ("GET", "/api/rectifications".into(), biz.clone()),
            ("GET", "/api/linkage".into(), vec!["bureau"]),
            ("GET", "/linkage".into(), vec!["bureau"]),
            (
                "GET",
                "/monitoring/notice/docx?as_of=2021-12-31".into(),
                vec!["bureau"],
            ),
            ("GET", "/linkage/xlsx".into(), vec!["bureau"]),
            ("GET", "/disclosure".into(), vec!["bureau"]),
            // Target declarations (issue 18): 1 is the department's, 2 the other's.
            ("GET", "/declarations".into(), biz.clone()),
            ("GET", "/declarations/new".into(), vec!["bureau", "editor"]),
            (
                "POST",
                format!("/declarations?{DEPT}"),
                vec!["bureau", "editor"],
            ),
            ("POST", format!("/declarations?{OTHER}"), vec!["bureau"]),
            ("GET", "/declarations/1".into(), biz.clone()),
            ("GET", "/declarations/2".into(), vec!["bureau"]),
            ("GET", "/declarations/999999".into(), biz.clone()),
            // A draft is at the unit's desk: its editors (and the bureau) may act, on a stale version.
            (
                "POST",
                "/declarations/1/steps".into(),
                vec!["bureau", "editor"],
            ),
            ("POST", "/declarations/2/steps".into(), vec!["bureau"]),
            ("GET", "/api/declarations".into(), biz.clone()),
            ("GET", "/api/declarations/1".into(), biz.clone()),
            ("GET", "/api/declarations/2".into(), vec!["bureau"]),
            (
                "POST",
                format!("/api/declarations?{DEPT}"),
                vec!["bureau", "editor"],
            ),
            (
                "POST",
                "/api/declarations/1/steps".into(),
                vec!["bureau", "editor"],
            ),
            ("GET", "/library".into(), biz.clone()),
            ("GET", "/library/xlsx".into(), biz.clone()),
            // Promotion is the bureau's; composing a text, who may declare for the department.
            ("POST", "/library".into(), vec!["bureau"]),
            (
                "POST",
                "/declarations/compose".into(),
                vec!["bureau", "editor"],
            ),
            (
                "GET",
                "/declarations/1/documents/form.docx".into(),
                biz.clone(),
            ),
            (
                "GET",
                "/declarations/2/documents/review.docx".into(),
                vec!["bureau"],
            ),
            // The ex-ante assessment: the bureau assigns and concludes; only an assigned
            // expert scores (none of these roles is one).
            (
                "POST",
                "/declarations/1/assessment/experts".into(),
                vec!["bureau"],
            ),
            ("POST", "/declarations/1/assessment/scores".into(), vec![]),
            (
                "POST",
                "/declarations/1/assessment/conclusion".into(),
                vec!["bureau"],
            ),
            ("GET", "/api/declarations/1/assessment".into(), biz.clone()),
            (
                "GET",
                "/api/declarations/2/assessment".into(),
                vec!["bureau"],
            ),
            (
                "POST",
                "/api/declarations/1/assessment/conclusion".into(),
                vec!["bureau"],
            ),
            ("POST", "/disclosure".into(), vec!["bureau"]),
            (
                "POST",
                format!("/rectifications?{DEPT}"),
                vec!["bureau", "editor"],
            ),
            ("POST", format!("/rectifications?{OTHER}"), vec!["bureau"]),
            ("POST", "/rectifications/999999".into(), biz.clone()),
            (
                "POST",
                "/rectifications/999999/verify".into(),
                vec!["bureau"],
            ),
            ("GET", "/rectifications/files/999999".into(), biz.clone()),
            ("GET", format!("/departments/{DEPT}/years"), biz.clone()),
            ("GET", format!("/departments/{OTHER}/years"), vec!["bureau"]),
            (
                "POST",
                format!("{own}/responsibility"),
                vec!["bureau", "editor"],
            ),
            ("POST", format!("{other}/responsibility"), vec!["bureau"]),
            (
                "GET",
                format!("/departments/{DEPT}/projects/X01"),
                biz.clone(),
            ),
            (
                "GET",
                format!("/departments/{OTHER}/projects/X01"),
                vec!["bureau"],
            ),
            // Budgets are the finance bureau's (issue 15, item 11).
            (
                "POST",
                format!("/departments/{DEPT}/projects/X01/budget"),
                vec!["bureau"],
            ),
            (
                "POST",
                format!("/departments/{OTHER}/projects/X01/budget"),
                vec!["bureau"],
            ),
            ("GET", "/lang/en".into(), all.clone()),
            ("GET", "/assets/app.css".into(), all.clone()),
            ("GET", format!("/public/{DEPT}/2021"), all.clone()),
            (
                "GET",
                format!("/public/{DEPT}/2021/report/pdf"),
                all.clone(),
            ),
            ("POST", "/rectifications/999999/files".into(), biz.clone()),
            (
                "POST",
                format!("/api{own}/recompute"),
                vec!["bureau", "editor"],
            ),
            ("POST", format!("/api{other}/recompute"), vec!["bureau"]),
            (
                "POST",
                "/api/rectifications".into(),
                vec!["bureau", "editor"],
            ),
            ("POST", "/api/rectifications/999999".into(), biz.clone()),
            ("GET", "/public/data/evaluations.csv".into(), all.clone()),
            ("GET", "/public/data.json".into(), all.clone()),
            ("GET", "/public/datapackage.json".into(), all.clone()),
        ]
    }

    fn send(c: &mut Client, method: &str, path: &str) -> jixiao_web::testing::Answer {
        let (path, step) = match path.split_once('?') {
            Some((p, s))
                if p.ends_with("/workflow")
                    || p == "/rectifications"
                    || p.ends_with("/declarations") =>
            {
                (p.to_string(), s)
            }
            _ => (path.to_string(), ""),
        };
        if method == "POST" && path == "/rectifications" {
            // An empty problem: allowed editors get 422 after the owner check, others 403.
            return c.post_form(
                &path,
                &[("department", step), ("year", "2021"), ("problem", "")],
            );
        }
        if method == "POST" && (path == "/declarations" || path == "/api/declarations") {
            // A text that does not read: 422 after the owner check for those who may declare.
            let department = step;
            return if path.starts_with("/api/") {
                c.post_json(
                    &path,
                    &serde_json::json!({"department": department, "body": "format = 1"}),
                )
            } else {
                c.post_form(&path, &[("department", department), ("body", "format = 1")])
            };
        }
        if method == "POST" && path == "/library" {
            // An indicator the declaration does not have: 404 for the bureau, 403 for the others.
            return c.post_form(&path, &[("declaration", "1"), ("indicator", "无此指标")]);
        }
        if method == "POST" && path == "/declarations/compose" {
            // A library indicator that does not exist: 404 for those who may declare here.
            return c.post_form(
                &path,
                &[
                    ("department", DEPT),
                    ("body", "x"),
                    ("library", "无|此指标"),
                ],
            );
        }
        if method == "POST" && path.contains("/assessment/") {
            // Assigning expert1 succeeds for the bureau; scores and a conclusion with nothing
            // scored are refused after the role check (422), 403 for the others.
            let fields: &[(&str, &str)] = match path.rsplit('/').next() {
                Some("experts") => &[("username", "expert1")],
                Some("scores") => &[("立项必要性", "1")],
                _ => &[("budget", "1")],
            };
            return if path.starts_with("/api/") {
                let json: serde_json::Map<String, serde_json::Value> = fields
                    .iter()
                    .map(|(k, v)| (k.to_string(), serde_json::Value::from(*v)))
                    .collect();
                c.post_json(&path, &serde_json::Value::Object(json))
            } else {
                c.post_form(&path, fields)
            };
        }
        if method == "POST" && path.ends_with("/steps") {
            // A stale version: 409 for who sits at the desk, 403 for the others.
            return if path.starts_with("/api/") {
                c.post_json(
                    &path,
                    &serde_json::json!({"step": "submit", "version": 999}),
                )
            } else {
                c.post_form(&path, &[("step", "submit"), ("version", "999")])
            };
        }
        if method == "POST" && path == "/disclosure" {
            return c.post_form(
                &path,
                &[("department", DEPT), ("year", "2021"), ("item", "nothing")],
            );
        }
        if method == "POST" && path.starts_with("/rectifications/") && !path.ends_with("/files") {
            // No such item: 404 for those who may use the route, 403 for the others.
            return c.post_form(&path, &[("status", "open"), ("version", "1")]);
        }
        if method == "POST" && path.ends_with("/budget") {
            // No amount: the bureau gets 422 after the role check, everyone else 403.
            return c.post_form(&path, &[("year", "2021"), ("version", "0"), ("budget", "")]);
        }
        if method == "POST" && path == "/account/password" {
            // A wrong current password: 422 for anyone signed in, sign-in for the others.
            return c.post_form(&path, &[("current", "not-it"), ("new", "Another-pass-1")]);
        }
        if method == "POST" && path.ends_with("/responsibility") {
            return c.post_form(
                &path,
                &[("project", "P02"), ("person", "张三"), ("since", "")],
            );
        }
        if method == "GET" {
            return c.get(&path);
        }
        if method == "POST" && path == "/api/rectifications" {
            return c.post_json(
                &path,
                &serde_json::json!({"department": DEPT, "year": 2021, "problem": ""}),
            );
        }
        if method == "POST" && path.starts_with("/api/rectifications/") {
            return c.post_json(&path, &serde_json::json!({"status": "open", "version": 1}));
        }
        if method == "POST" && path.ends_with("/files") {
            let b = "jixiaoMatrix";
            let body = format!(
                "--{b}\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\n{}\r\n--{b}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"x.pdf\"\r\n\r\nx\r\n--{b}--\r\n",
                c.csrf
            );
            return c
                .request(
                    "POST",
                    &path,
                    Some(&format!("multipart/form-data; boundary={b}")),
                    body.as_bytes(),
                    &[],
                )
                .unwrap();
        }
        if path.starts_with("/api/") {
            // A stale version: allowed roles get 409, refused ones 403, before anything changes.
            let body = if step.is_empty() {
                serde_json::json!({"project": "P02", "indicator": "移交进馆文书档案", "actual": "不是数字", "version": 0})
            } else {
                serde_json::json!({"step": step, "version": 999})
            };
            return c.post_json(&path, &body);
        }
        if path == "/imports" {
            let boundary = "jixiaoBoundary";
            let body = format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\n{}\r\n--{boundary}--\r\n",
                c.csrf
            );
            return c
                .request(
                    "POST",
                    &path,
                    Some(&format!("multipart/form-data; boundary={boundary}")),
                    body.as_bytes(),
                    &[],
                )
                .unwrap();
        }
        let fields: Vec<(&str, &str)> = if !step.is_empty() {
            vec![("step", step), ("version", "999")]
        } else if path.ends_with("/actuals") {
            vec![
                ("project", "P02"),
                ("indicator", "移交进馆文书档案"),
                ("actual", "不是数字"),
                ("version", "0"),
            ]
        } else if path == "/admin/users" {
            vec![("username", "-x"), ("display_name", "x")]
        } else {
            vec![]
        };
        c.post_form(&path, &fields)
    }

    #[test]
    fn every_route_with_every_role() {
        let scratch = Scratch::new("web-matrix");
        let location = Location::Sqlite(scratch.path("m.db"));
        seeded(&location, &scratch);
        let addr = spawn_server(location);
        let mut wrong = Vec::new();
        let mut cells = 0;
        for role in ROLES {
            let mut c = Client::new(addr);
            if role != "anonymous" {
                c.sign_in(role, &password(role));
            }
            for (method, path, allowed) in routes() {
                // Refresh the CSRF token from a page this role may see.
                if method == "POST" && role != "anonymous" {
                    c.get("/login");
                    let home = match role {
                        "sysadmin" => "/admin/users",
                        "secadmin" => "/admin/roles",
                        "auditor" => "/audit",
                        _ => "/departments",
                    };
                    c.get(home);
                }
                let a = send(&mut c, method, &path);
                let refused = a.status == 401
                    || a.status == 403
                    || (a.status == 303 && a.header("location") == Some("/login"));
                let should = allowed.contains(&role);
                cells += 1;
                if refused == should || (should && a.status >= 500) {
                    wrong.push(format!(
                        "{role:<10} {method} {path}: {} (expected {})",
                        a.status,
                        if should { "allowed" } else { "refused" }
                    ));
                }
            }
        }
        assert!(
            wrong.is_empty(),
            "{} of {cells} cells wrong:\n{}",
            wrong.len(),
            wrong.join("\n")
        );
        assert_eq!(cells, ROLES.len() * routes().len());
    }

    #[test]
    fn the_openapi_document_describes_every_api_route() {
        let routes = include_str!("../src/lib.rs");
        let doc: serde_json::Value = serde_json::from_str(include_str!("../openapi.json")).unwrap();
        let described: Vec<&String> = doc["paths"].as_object().unwrap().keys().collect();
        let mut found = 0;
        for piece in routes.split('"').filter(|p| p.starts_with("/api/")) {
            found += 1;
            assert!(
                described.iter().any(|d| *d == piece),
                "{piece} is routed but not in openapi.json"
            );
        }
        assert!(found >= 15, "{found}");
        assert_eq!(
            described.len(),
            found,
            "openapi.json describes routes that do not exist"
        );
    }

    #[test]
    fn a_state_change_without_the_csrf_token_is_refused() {
        let scratch = Scratch::new("web-csrf");
        let location = Location::Sqlite(scratch.path("c.db"));
        seeded(&location, &scratch);
        let addr = spawn_server(location);
        let mut c = signed_in(addr, "editor");
        c.get(&format!("/evaluations/{DEPT}/2021"));
        c.csrf = "0".repeat(64);
        let a = c.post_form(
            &format!("/evaluations/{DEPT}/2021/actuals"),
            &[
                ("project", "P02"),
                ("indicator", "移交进馆文书档案"),
                ("actual", "1"),
                ("version", "0"),
            ],
        );
        assert_eq!(a.status, 403);
        assert!(a.text().contains("CSRF"), "{}", a.text());
        // And the session cookie carries the attributes a browser needs to protect it.
        let mut d = Client::new(addr);
        d.get("/login");
        let login = d.post_form(
            "/login",
            &[("username", "editor"), ("password", "Jx-editor-2021")],
        );
        let cookie = login.header("set-cookie").unwrap_or_default().to_string();
        for attr in ["HttpOnly", "Secure", "SameSite=Strict", "Max-Age="] {
            assert!(cookie.contains(attr), "{cookie}");
        }
    }
}

mod workflow {
    use super::*;

    /// The `name="version" value="…"` of the form that posts `step` on a declaration's page.
    fn version_on(page: &str, step: &str) -> String {
        let at = page
            .find(&format!("name=\"step\" value=\"{step}\""))
            .unwrap_or_else(|| panic!("no {step} form on the page"));
        let rest = &page[at..];
        let key = "name=\"version\" value=\"";
        let v = rest.find(key).unwrap() + key.len();
        rest[v..].split('"').next().unwrap().to_string()
    }

    /// Takes `step` on the declaration page `at` as the page offers it (its version).
    fn take(c: &mut Client, at: &str, step: &str, comment: &str) -> jixiao_web::testing::Answer {
        let v = version_on(&c.get(at).text(), step);
        c.post_form(
            &format!("{at}/steps"),
            &[("step", step), ("version", &v), ("comment", comment)],
        )
    }

    /// The gate through the pages: a new project's approval is refused until a panel of three
    /// experts has scored its ex-ante assessment and the bureau concluded it supports it.
    #[test]
    fn a_new_project_is_approved_after_its_panel_supports_it() {
        let (_scratch, location) = seeded_store("web-assess");
        let addr = spawn_server(location);
        let mut editor = signed_in(addr, "editor");
        let mut approver = signed_in(addr, "approver");
        let mut bureau = signed_in(addr, "bureau");
        let mut performance = signed_in(addr, "performance");
        let body = std::fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("../formats/tests/data/declarations/clean.toml"),
        )
        .unwrap()
        .replace("kind = \"延续\"", "kind = \"新增\"")
        .replace("特困家庭再扶助", "新增扶助")
        .replace(
            "value = \"≥90%\"\nweight = \"20\"",
            "value = \"≥90%\"\nweight = \"10\"",
        );
        editor.get("/declarations/new");
        let saved = editor.post_form("/declarations", &[("department", DEPT), ("body", &body)]);
        let at = saved.header("location").unwrap().to_string();
        assert_eq!(take(&mut editor, &at, "submit", "").status, 303);
        assert_eq!(take(&mut approver, &at, "pass", "").status, 303);
        assert_eq!(take(&mut bureau, &at, "pass", "").status, 303);
        let refused = take(&mut performance, &at, "approve", "");
        assert_eq!(refused.status, 422);
        assert!(
            refused.text().contains("须经事前绩效评估"),
            "{}",
            refused.text()
        );
        // An expert sees nothing of it until assigned.
        assert_eq!(signed_in(addr, "expert1").get(&at).status, 403);
        // The bureau names three experts; each scores on their own.
        for (name, scores) in [
            ("expert1", ["18", "16", "17", "18", "19"]),
            ("expert2", ["14", "14", "14", "14", "14"]),
            ("expert3", ["19", "19", "19", "19", "19"]),
        ] {
            bureau.get(&at);
            let a = bureau.post_form(&format!("{at}/assessment/experts"), &[("username", name)]);
            assert_eq!(a.status, 303, "{}", a.text());
            let mut expert = signed_in(addr, name);
            let page = expert.get(&at).text();
            assert!(page.contains("id=\"score-form\""), "{page}");
            let dims = [
                "立项必要性",
                "投入经济性",
                "绩效目标合理性",
                "实施方案可行性",
                "筹资合规性",
            ];
            let mut fields: Vec<(&str, &str)> = dims.iter().copied().zip(scores).collect();
            fields.push(("comment", "论证充分"));
            assert_eq!(
                expert
                    .post_form(&format!("{at}/assessment/scores"), &fields)
                    .status,
                303
            );
        }
        let page = bureau.get(&at).text();
        assert!(page.contains("id=\"panel-score\">88.00<"), "{page}");
        assert!(page.contains("id=\"spread-flag\""));
        let c = bureau.post_form(
            &format!("{at}/assessment/conclusion"),
            &[("budget", "6.30"), ("suggestions", "按申报数安排")],
        );
        assert_eq!(c.status, 303, "{}", c.text());
        assert!(bureau.get(&at).text().contains("予以支持"));
        assert_eq!(take(&mut performance, &at, "approve", "").status, 303);
        assert!(editor.get(&at).text().contains("data-stage=\"approved\""));
        // The documents: real .docx, .xlsx and .pdf files, the report stating the conclusion.
        for (file, magic) in [
            ("form.docx", &b"PK"[..]),
            ("form.xlsx", b"PK"),
            ("review.docx", b"PK"),
            ("assessment.docx", b"PK"),
            ("assessment.pdf", b"%PDF"),
        ] {
            let a = editor.get(&format!("{at}/documents/{file}"));
            assert_eq!(a.status, 200, "{file}: {}", a.text());
            assert!(a.body.starts_with(magic), "{file}");
        }
        let report = editor.get(&format!("{at}/documents/assessment.docx")).body;
        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(report)).unwrap();
        let mut xml = String::new();
        std::io::Read::read_to_string(&mut zip.by_name("word/document.xml").unwrap(), &mut xml)
            .unwrap();
        for said in [
            "评估对象基本情况",
            "综合评估情况与评估结论",
            "予以支持",
            "建议预算控制数 6.30 万元",
            "88.00",
        ] {
            assert!(xml.contains(said), "{said} missing from the report");
        }
    }

    /// Issue 18 through the pages: a unit drafts, sees the automatic review, fixes and submits;
    /// the department returns it with a comment; resubmitted, it is passed on by the
    /// department and the bureau's 业务科室 and approved by the 绩效管理科, whose one person
    /// cannot do both.
    #[test]
    fn a_declaration_drafted_reviewed_returned_and_approved_through_the_pages() {
        let (_scratch, location) = seeded_store("web-declare");
        let addr = spawn_server(location);
        let mut editor = signed_in(addr, "editor");
        let mut approver = signed_in(addr, "approver");
        let mut bureau = signed_in(addr, "bureau");
        let mut performance = signed_in(addr, "performance");
        let blank = editor.get("/declarations/new");
        assert_eq!(blank.status, 200);
        assert!(blank.text().contains("jixiao-declaration/1"));
        // A declaration with its 满意度 row left out: the review says so.
        let clean = std::fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("../formats/tests/data/declarations/clean.toml"),
        )
        .unwrap()
        .replace("特困家庭再扶助", "计划生育特别扶助")
        // 满意度 10: the points cn-project-2020, the year's project framework, gives it.
        .replace(
            "value = \"≥90%\"\nweight = \"20\"",
            "value = \"≥90%\"\nweight = \"10\"",
        );
        let cut = clean.find("level1 = \"满意度指标\"").unwrap();
        let cut = clean[..cut].rfind("[[indicators]]").unwrap();
        let flawed = clean[..cut].to_string();
        let saved = editor.post_form(
            "/declarations",
            &[("department", DEPT), ("body", &flawed), ("version", "0")],
        );
        assert_eq!(saved.status, 303, "{}", saved.text());
        let at = saved.header("location").unwrap().to_string();
        let page = editor.get(&at).text();
        assert!(page.contains("data-rule=\"level1-present\""), "{page}");
        // Fixed: the review finds nothing of that kind; submitted.
        let version = page
            .split("id=\"declaration-form\"")
            .nth(1)
            .and_then(|f| f.split("name=\"version\" value=\"").nth(1))
            .and_then(|v| v.split('"').next())
            .unwrap()
            .to_string();
        let id = at.trim_start_matches("/declarations/").to_string();
        let fixed = editor.post_form(
            "/declarations",
            &[
                ("department", DEPT),
                ("id", &id),
                ("body", &clean),
                ("version", &version),
            ],
        );
        assert_eq!(fixed.status, 303, "{}", fixed.text());
        let page = editor.get(&at).text();
        assert!(!page.contains("data-rule=\"level1-present\""));
        assert_eq!(take(&mut editor, &at, "submit", "").status, 303);
        // The editor has nothing more to do; the department returns it with a comment.
        assert!(approver
            .get(&at)
            .text()
            .contains("data-stage=\"at_department\""));
        let back = take(&mut approver, &at, "return", "请补充满意度的调查方式");
        assert_eq!(back.status, 303);
        let page = editor.get(&at).text();
        assert!(page.contains("请补充满意度的调查方式"));
        // Resubmitted on the same text; a step on the version seen before is refused.
        let v = version_on(&page, "submit");
        assert_eq!(take(&mut editor, &at, "submit", "").status, 303);
        let stale =
            approver.post_form(&format!("{at}/steps"), &[("step", "pass"), ("version", &v)]);
        assert_eq!(stale.status, 409, "{}", stale.text());
        assert_eq!(take(&mut approver, &at, "pass", "").status, 303);
        assert_eq!(take(&mut bureau, &at, "pass", "").status, 303);
        // Who passed it at the 业务科室 may not approve it; the 绩效管理科 does.
        let own = take(&mut bureau, &at, "approve", "");
        assert_eq!(own.status, 422, "{}", own.text());
        let approved = take(&mut performance, &at, "approve", "");
        assert_eq!(approved.status, 303, "{}", approved.text());
        let page = editor.get(&at).text();
        assert!(page.contains("data-stage=\"approved\""));
        assert!(page.contains("请补充满意度的调查方式") && page.contains("财政局绩效管理科 刘洋"));
        // The two texts side by side show the row that was added.
        assert!(
            page.contains("id=\"diff\"")
                && page.contains("<ins>level1 = &quot;满意度指标&quot;</ins>"),
            "{page}"
        );
        // The list shows it approved; the JSON API the same.
        assert!(editor
            .get("/declarations")
            .text()
            .contains("计划生育特别扶助"));
        let mut api = Client::new(addr);
        api.sign_in_api("approver", &password("approver"));
        let j: serde_json::Value =
            serde_json::from_str(&api.get(&format!("/api{at}")).text()).unwrap();
        assert_eq!(j["declaration"]["summary"]["stage"], "approved");
        assert_eq!(j["declaration"]["events"].as_array().unwrap().len(), 6);
    }

    #[test]
    fn draft_submit_return_approve_publish_and_the_portal() {
        let scratch = Scratch::new("web-flow");
        let location = Location::Sqlite(scratch.path("f.db"));
        seeded(&location, &scratch);
        let addr = spawn_server(location);
        let page = format!("/evaluations/{DEPT}/2021");
        let mut editor = signed_in(addr, "editor");
        let mut approver = signed_in(addr, "approver");
        let mut public = Client::new(addr);
        let state = |c: &mut Client| -> (String, String) {
            let v: serde_json::Value =
                serde_json::from_slice(&c.get(&format!("/api{page}")).body).unwrap();
            (
                v["workflow"]["state"].as_str().unwrap().to_string(),
                v["workflow"]["version"].to_string(),
            )
        };
        // Not published: the public sees nothing, and the report is "not found".
        assert_eq!(
            public
                .get(&format!("/public/{DEPT}/2021/report/pdf"))
                .status,
            404
        );
        // Publishing a draft is refused: only approved results can be published.
        editor.get(&page);
        let (_, v) = state(&mut approver);
        approver.get(&page);
        let a = approver.post_form(
            &format!("{page}/workflow"),
            &[("step", "publish"), ("version", &v)],
        );
        assert_eq!(a.status, 422, "{}", a.text());
        assert!(a.text().contains("只有审核通过的结果才能公开"));
        // Submit, return without comment (refused), return with comment, resubmit, approve, publish.
        let a = editor.post_form(
            &format!("{page}/workflow"),
            &[("step", "submit"), ("version", &v)],
        );
        assert_eq!(a.status, 303, "{}", a.text());
        let (s, v) = state(&mut approver);
        assert_eq!(s, "submitted");
        approver.get(&page);
        let a = approver.post_form(
            &format!("{page}/workflow"),
            &[("step", "return"), ("version", &v)],
        );
        assert_eq!(a.status, 422);
        let a = approver.post_form(
            &format!("{page}/workflow"),
            &[
                ("step", "return"),
                ("version", &v),
                ("comment", "请补充佐证材料"),
            ],
        );
        assert_eq!(a.status, 303);
        let (s, v) = state(&mut editor);
        assert_eq!(s, "returned");
        editor.get(&page);
        editor.post_form(
            &format!("{page}/workflow"),
            &[("step", "submit"), ("version", &v)],
        );
        let (_, v) = state(&mut approver);
        approver.get(&page);
        // While submitted, entries are closed.
        let mut e2 = signed_in(addr, "editor");
        e2.get(&page);
        let a = e2.post_form(
            &format!("{page}/actuals"),
            &[
                ("project", "P02"),
                ("indicator", "移交进馆文书档案"),
                ("actual", "1"),
                ("version", "0"),
            ],
        );
        assert_eq!(a.status, 422, "{}", a.text());
        approver.post_form(
            &format!("{page}/workflow"),
            &[("step", "approve"), ("version", &v)],
        );
        let (s, v) = state(&mut approver);
        assert_eq!(s, "approved");
        approver.get(&page);
        approver.post_form(
            &format!("{page}/workflow"),
            &[("step", "publish"), ("version", &v)],
        );
        let body = approver.get(&page).text();
        assert!(body.contains("已公开"));
        // Who and when at each step.
        for who in [
            "办公室 李娜（editor）",
            "办公室 陈刚（approver）",
            "请补充佐证材料",
        ] {
            assert!(body.contains(who), "{who}");
        }
        // The public portal now lists it, and the report downloads as a real PDF.
        let list = public.get("/public").text();
        assert!(list.contains("广州市白云区人民政府办公室"));
        assert!(
            !list.contains("另一部门"),
            "unpublished departments stay hidden"
        );
        let pdf = public.get(&format!("/public/{DEPT}/2021/report/pdf"));
        assert_eq!(pdf.status, 200);
        assert!(pdf.body.starts_with(b"%PDF"));
        // Internal pages and the other department's drafts stay closed without signing in.
        assert_eq!(public.get(&format!("/public/{OTHER}/2021")).status, 404);
        assert_eq!(
            public.get(&format!("/evaluations/{OTHER}/2021")).status,
            303
        );
        assert_eq!(
            public.get(&format!("/api/evaluations/{OTHER}/2021")).status,
            401
        );
    }

    #[test]
    fn the_three_administrators_cannot_take_each_others_place() {
        let scratch = Scratch::new("web-3admins");
        let location = Location::Sqlite(scratch.path("a.db"));
        seeded(&location, &scratch);
        let addr = spawn_server(location.clone());
        let id = |name: &str| -> String {
            let mut store = jixiao_store::open(&location).unwrap();
            let r = store
                .sql()
                .row(
                    "SELECT id FROM web_users WHERE username = $1",
                    &[name.into()],
                )
                .unwrap()
                .unwrap();
            r[0].int().to_string()
        };
        // The system administrator cannot reset the audit administrator's password on the web…
        let mut sys = signed_in(addr, "sysadmin");
        sys.get("/admin/users");
        let a = sys.post_form(
            &format!("/admin/users/{}/reset", id("auditor")),
            &[("action", "issue")],
        );
        assert_eq!(a.status, 422, "{}", a.text());
        signed_in(addr, "auditor");
        // …and a business account's reset gives it half a credential (the `security` tests
        // follow one through).
        sys.get("/admin/users");
        let a = sys.post_form(
            &format!("/admin/users/{}/reset", id("evaluator")),
            &[("action", "issue")],
        );
        assert_eq!(a.status, 200, "{}", a.text());
        assert!(a.text().contains("id=\"first-half\""), "{}", a.text());
        // The security administrator cannot make anyone (itself included) a system or audit
        // administrator, nor take the role away.
        let mut sec = signed_in(addr, "secadmin");
        for (who, role) in [
            ("editor", "audit_admin"),
            ("evaluator", "system_admin"),
            ("auditor", "evaluator"),
        ] {
            sec.get("/admin/roles");
            let a = sec.post_form(
                &format!("/admin/roles/{}", id(who)),
                &[("role", role), ("department", ""), ("assigned", "")],
            );
            assert_eq!(a.status, 422, "{who} → {role}: {}", a.text());
        }
        sec.get("/admin/roles");
        let a = sec.post_form(
            &format!("/admin/roles/{}", id("secadmin")),
            &[("role", "bureau_admin")],
        );
        assert_eq!(a.status, 422, "not its own role either");
        // A role change made on an old page is refused; on the current one it is saved.
        let current = {
            let mut store = jixiao_store::open(&location).unwrap();
            jixiao_web::auth::role_version(store.sql(), id("editor2").parse().unwrap()).unwrap()
        };
        sec.get("/admin/roles");
        let a = sec.post_form(
            &format!("/admin/roles/{}", id("editor2")),
            &[
                ("role", "evaluator"),
                ("assigned", DEPT),
                ("version", &(current - 1).to_string()),
            ],
        );
        assert_eq!(a.status, 409, "{}", a.text());
        sec.get("/admin/roles");
        let a = sec.post_form(
            &format!("/admin/roles/{}", id("editor2")),
            &[
                ("role", "evaluator"),
                ("assigned", DEPT),
                ("version", &current.to_string()),
            ],
        );
        assert_eq!(a.status, 303, "{}", a.text());
        // A first save from a version that never existed is refused, not a server error.
        let mut editor = Client::new(addr);
        editor.sign_in_api("approver", "Jx-approver-2021");
        let mut editor2 = Client::new(addr);
        editor2.sign_in_api("editor", "Jx-editor-2021");
        let a = editor2.post_json(
            &format!("/api/evaluations/{DEPT}/2021/actuals"),
            &serde_json::json!({"project": "P02", "indicator": "移交进馆文书档案", "actual": "1", "version": 5}),
        );
        assert_eq!(a.status, 409, "{}", a.text());
    }
}

/// Issue 15: the faults found when the application was tried as an attacker and as a clerk.
mod security {
    use super::*;
    use std::time::{Duration, Instant};

    fn user_id(location: &Location, name: &str) -> i64 {
        let mut store = jixiao_store::open(location).unwrap();
        let r = store
            .sql()
            .row(
                "SELECT id FROM web_users WHERE username = $1",
                &[name.into()],
            )
            .unwrap()
            .unwrap();
        r[0].int()
    }

    /// The text of the element with this id (`<p … id="first-half">ABCD-EF01</p>`).
    fn element(html: &str, id: &str) -> String {
        let at = html
            .find(&format!("id=\"{id}\">"))
            .unwrap_or_else(|| panic!("no #{id} in {html}"));
        let rest = &html[at + id.len() + 6..];
        rest[..rest.find('<').unwrap()].to_string()
    }

    fn try_sign_in(addr: std::net::SocketAddr, user: &str, password: &str) -> u16 {
        let mut c = Client::new(addr);
        c.get("/login");
        c.post_form("/login", &[("username", user), ("password", password)])
            .status
    }

    #[test]
    fn a_reset_never_gives_the_system_administrator_business_access() {
        let (_scratch, location) = seeded_store("web-reset");
        let addr = spawn_server(location.clone());
        let bureau = user_id(&location, "bureau");
        let mut sys = signed_in(addr, "sysadmin");
        assert_eq!(sys.get("/departments").status, 403);
        sys.get("/admin/users");
        let a = sys.post_form(
            &format!("/admin/users/{bureau}/reset"),
            &[("action", "issue")],
        );
        assert_eq!(a.status, 200, "{}", a.text());
        let first = element(&a.text(), "first-half");
        assert_eq!(first.len(), 19, "64 bits in four groups: {first}");
        // The old password is gone, and half the credential signs nobody in.
        assert_eq!(try_sign_in(addr, "bureau", &password("bureau")), 422);
        assert_eq!(try_sign_in(addr, "bureau", &first), 422);
        // The security administrator hands over the second half, once.
        let mut sec = signed_in(addr, "secadmin");
        assert!(sec
            .get("/admin/roles")
            .text()
            .contains("待交付的一次性凭证后半段"));
        let a = sec.post_form(&format!("/admin/roles/{bureau}/credential"), &[]);
        assert_eq!(a.status, 200, "{}", a.text());
        let second = element(&a.text(), "second-half");
        sec.get("/admin/roles");
        let a = sec.post_form(&format!("/admin/roles/{bureau}/credential"), &[]);
        assert_eq!(a.status, 422, "a second half is handed over once");
        // The holder signs in with both halves and can do nothing but change the password.
        let credential = format!("{first}-{second}");
        let mut holder = Client::new(addr);
        holder.get("/login");
        let a = holder.post_form(
            "/login",
            &[("username", "bureau"), ("password", &credential)],
        );
        assert_eq!(a.status, 303);
        assert_eq!(a.header("location"), Some("/account/password"));
        let a = holder.get("/departments");
        assert_eq!(a.header("location"), Some("/account/password"));
        let mut api = Client::new(addr);
        api.sign_in_api("bureau", &credential);
        let a = api.get("/api/departments");
        assert_eq!(a.status, 403, "{}", a.text());
        holder.get("/account/password");
        let a = holder.post_form(
            "/account/password",
            &[("current", &credential), ("new", &credential)],
        );
        assert_eq!(a.status, 422, "the credential is not a password to keep");
        holder.get("/account/password");
        let a = holder.post_form(
            "/account/password",
            &[("current", &credential), ("new", "Holder-chose-2021")],
        );
        assert_eq!(a.status, 303, "{}", a.text());
        assert_eq!(holder.get("/departments").status, 200);
        assert_eq!(try_sign_in(addr, "bureau", &credential), 422);
        assert_eq!(try_sign_in(addr, "bureau", "Holder-chose-2021"), 303);
        // The audit administrator sees who reset whom, who handed over, and the change.
        let mut auditor = signed_in(addr, "auditor");
        let log = auditor.get("/audit").text();
        for expected in [
            "重置密码（签发一次性凭证）",
            "为 财政局 王敏（bureau）签发一次性凭证",
            "交付一次性凭证后半段",
            "首次登录改密",
        ] {
            assert!(
                log.contains(expected),
                "{expected} missing from the audit log"
            );
        }
        // A new account is reached the same way: nobody knows its initial password.
        sys.get("/admin/users");
        let a = sys.post_form(
            "/admin/users",
            &[("username", "Newcomer"), ("display_name", "新同事")],
        );
        assert_eq!(a.status, 200, "{}", a.text());
        assert!(
            a.text().contains("newcomer"),
            "the name is stored in lower case"
        );
        assert!(a.text().contains("id=\"first-half\""));
    }

    #[test]
    fn sign_in_is_throttled_per_name_and_source_and_never_locks_the_holder_out() {
        let (_scratch, location) = seeded_store("web-throttle");
        let addr =
            jixiao_web::testing::spawn_server_with(location.clone(), |c| c.behind_proxy = true);
        let from = |ip: &str| {
            let mut c = Client::new(addr);
            c.always = vec![("X-Forwarded-For".into(), ip.into())];
            c
        };
        let attempt = |c: &mut Client, user: &str, password: &str| {
            c.get("/login");
            let t = Instant::now();
            let a = c.post_form("/login", &[("username", user), ("password", password)]);
            (a.status, a.text(), t.elapsed())
        };
        // Someone tries passwords for the system administrator, and for a name nobody has.
        let mut attacker = from("203.0.113.9");
        let mut answers = Vec::new();
        for user in ["sysadmin", "nobody"] {
            let statuses: Vec<u16> = (0..5)
                .map(|_| attempt(&mut attacker, user, "Wrong-guess-1").0)
                .collect();
            answers.push(statuses);
        }
        assert_eq!(answers[0], vec![422, 422, 422, 429, 429], "real name");
        assert_eq!(answers[1], answers[0], "an unknown name answers the same");
        // An inactive account answers the same, with the same words, even to its password.
        {
            let mut store = jixiao_store::open(&location).unwrap();
            store
                .sql()
                .execute(
                    "UPDATE web_users SET active = 0 WHERE username = 'evaluator'",
                    &[],
                )
                .unwrap();
        }
        let mut other = from("203.0.113.10");
        let texts: Vec<(u16, String)> = [
            ("evaluator", password("evaluator")),
            ("nobody", password("evaluator")),
            ("editor", "Wrong-guess-1".to_string()),
        ]
        .iter()
        .map(|(u, p)| {
            let (status, text, _) = attempt(&mut other, u, p);
            let msg = text
                .split("role=\"alert\">")
                .nth(1)
                .and_then(|t| t.split('<').next())
                .unwrap_or_default()
                .to_string();
            (status, msg)
        })
        .collect();
        assert!(texts.iter().all(|t| *t == texts[0]), "{texts:?}");
        assert_eq!(texts[0], (422, "用户名或密码不正确。".to_string()));
        let (_, text, _) = attempt(&mut attacker, "sysadmin", "Wrong-guess-1");
        assert!(text.contains("秒后再试"), "{text}");
        // The administrator, from elsewhere, signs in at once.
        let mut admin = from("198.51.100.7");
        admin.sign_in("sysadmin", &password("sysadmin"));
        // After the wait the attacker may try again, and the wait doubles.
        std::thread::sleep(Duration::from_millis(1100));
        assert_eq!(attempt(&mut attacker, "sysadmin", "Wrong-guess-1").0, 422);
        assert_eq!(attempt(&mut attacker, "sysadmin", "Wrong-guess-1").0, 429);
        // The API answers alike, in both languages.
        let mut api = from("203.0.113.9");
        let a = api
            .request(
                "POST",
                "/api/login",
                Some("application/json"),
                br#"{"username":"sysadmin","password":"Wrong-guess-1"}"#,
                &[],
            )
            .unwrap();
        assert_eq!(a.status, 429);
        let v: serde_json::Value = serde_json::from_slice(&a.body).unwrap();
        assert!(v["error_en"]
            .as_str()
            .unwrap()
            .contains("Too many sign-in attempts"));
        // Every refusal costs the same: an unknown name, a wrong password and a throttled try
        // take one password verification each (the bug was 1–2 ms against 16–40 ms).
        // The three kinds are timed in turns, round after round, so that whatever else the
        // machine is doing (the other tests run beside this one) weighs on each alike.
        let (mut w, mut u, mut t) = (from("192.0.2.1"), from("192.0.2.3"), from("192.0.2.4"));
        for _ in 0..3 {
            attempt(&mut t, "approver", "Wrong-guess-1");
        }
        let mut times = [Vec::new(), Vec::new(), Vec::new()];
        for _ in 0..9 {
            times[0].push(attempt(&mut w, "editor", "Wrong-guess-1").2);
            times[1].push(attempt(&mut u, "nobody2", "Wrong-guess-1").2);
            times[2].push(attempt(&mut t, "approver", "Wrong-guess-1").2);
        }
        let [wrong, unknown, throttled] = times.map(|mut v| {
            v.sort();
            v[v.len() / 2]
        });
        let (lo, hi) = [wrong, unknown, throttled]
            .iter()
            .fold((Duration::MAX, Duration::ZERO), |(lo, hi), t| {
                (lo.min(*t), hi.max(*t))
            });
        // Within a factor of 3 of each other: the fault this guards against was 10 to 20.
        assert!(
            hi <= lo * 3,
            "wrong {wrong:?}, unknown {unknown:?}, throttled {throttled:?}"
        );
    }

    #[test]
    fn a_request_from_another_site_is_refused() {
        let (_scratch, location) = seeded_store("web-origin");
        let addr = spawn_server(location.clone());
        let actual = [
            ("project", "P02"),
            ("indicator", "移交进馆文书档案"),
            ("actual", "4529"),
            ("version", "0"),
        ];
        let path = format!("/evaluations/{DEPT}/2021/actuals");
        for header in [
            ("Origin", "https://evil.example"),
            ("Origin", "null"),
            ("Sec-Fetch-Site", "cross-site"),
            ("Sec-Fetch-Site", "same-site"),
        ] {
            let mut c = signed_in(addr, "editor");
            c.get(&format!("/evaluations/{DEPT}/2021"));
            c.always = vec![(header.0.into(), header.1.into())];
            let a = c.post_form(&path, &actual);
            assert_eq!(a.status, 403, "{header:?}");
            assert!(
                a.text().contains("来自其他网站"),
                "{header:?}: {}",
                a.text()
            );
            let a = c.post_json(
                &format!("/api{path}"),
                &serde_json::json!({"project": "P02", "indicator": "移交进馆文书档案", "actual": "4529", "version": 0}),
            );
            assert_eq!(a.status, 403, "{header:?}");
            let v: serde_json::Value = serde_json::from_slice(&a.body).unwrap();
            assert!(v["error_en"].as_str().unwrap().contains("another site"));
        }
        // Behind a proxy, the name the browser used is the proxy's.
        let proxied =
            jixiao_web::testing::spawn_server_with(location.clone(), |c| c.behind_proxy = true);
        let mut c = signed_in(proxied, "editor");
        c.get(&format!("/evaluations/{DEPT}/2021"));
        c.always = vec![
            ("X-Forwarded-Host".into(), "jixiao.example.gov.cn".into()),
            ("Origin".into(), "https://jixiao.example.gov.cn".into()),
        ];
        assert_eq!(c.post_form(&path, &actual).status, 303);
        c.always[1].1 = "https://evil.example".into();
        assert_eq!(c.post_form(&path, &actual).status, 403);
        // The same site's own pages are served as before.
        let mut c = signed_in(addr, "editor");
        c.get(&format!("/evaluations/{DEPT}/2021"));
        c.always = vec![
            ("Origin".into(), "http://localhost".into()),
            ("Sec-Fetch-Site".into(), "same-origin".into()),
        ];
        // (The proxied save above was the indicator's first: this one is from version 1.)
        let mut second = actual;
        second[3] = ("version", "1");
        assert_eq!(c.post_form(&path, &second).status, 303);
    }

    #[test]
    fn account_names_passwords_and_departments_are_normalised_and_checked() {
        let (_scratch, location) = seeded_store("web-accounts");
        let addr = spawn_server(location.clone());
        let mut sys = signed_in(addr, "sysadmin");
        let long = "a".repeat(300);
        for (name, display, why) in [
            ("BUREAU", "财政局 另一人", "已存在"),
            (long.as_str(), "某人", "1 至 32 位"),
            ("-dash", "某人", "1 至 32 位"),
            ("fine", "名字\u{7}响铃", "控制字符"),
            ("fine2", "", "1 至 40 个字"),
        ] {
            sys.get("/admin/users");
            let a = sys.post_form(
                "/admin/users",
                &[("username", name), ("display_name", display)],
            );
            assert_eq!(a.status, 422, "{why}: {}", a.text());
            assert!(a.text().contains(why), "{why}: {}", a.text());
        }
        // A name signs in whatever its case.
        assert_eq!(try_sign_in(addr, "EDITOR", &password("editor")), 303);
        // The password rule does not count spaces.
        for weak in ["       Ab1", "Ab1       ", " Abcdefgh1! "] {
            assert!(
                jixiao_web::auth::check_password_rule(weak).is_err(),
                "{weak:?}"
            );
        }
        assert!(jixiao_web::auth::check_password_rule("Abcd efgh 12").is_ok());
        // Departments must exist: no invented codes, no markup.
        let evaluator = user_id(&location, "evaluator");
        let mut sec = signed_in(addr, "secadmin");
        for bad in ["no-such-dept", "<script>alert(1)</script>"] {
            sec.get("/admin/roles");
            let a = sec.post_form(
                &format!("/admin/roles/{evaluator}"),
                &[("role", "evaluator"), ("assigned", bad)],
            );
            assert_eq!(a.status, 422, "{bad}: {}", a.text());
            assert!(a.text().contains("不存在"), "{}", a.text());
            assert!(!a.text().contains("<script>"), "escaped and cut");
            sec.get("/admin/roles");
            let a = sec.post_form(
                &format!("/admin/roles/{evaluator}"),
                &[("role", "dept_editor"), ("department", bad)],
            );
            assert_eq!(a.status, 422, "{bad}");
        }
        sec.get("/admin/roles");
        let a = sec.post_form(
            &format!("/admin/roles/{evaluator}"),
            &[
                ("role", "evaluator"),
                ("assigned", &format!("{DEPT},{OTHER}")),
            ],
        );
        assert_eq!(a.status, 303, "{}", a.text());
    }

    /// A workflow step taken from the self-evaluation's page as drawn now.
    fn step(c: &mut Client, page: &str, step: &str, version: &str) -> jixiao_web::testing::Answer {
        c.get(page);
        c.post_form(
            &format!("{page}/workflow"),
            &[("step", step), ("version", version)],
        )
    }

    /// A text without the spans it quotes (“…”).
    fn unquoted(s: &str) -> String {
        let mut out = String::new();
        let mut depth = 0;
        for c in s.chars() {
            match c {
                '“' => depth += 1,
                '”' => depth -= 1,
                _ if depth == 0 => out.push(c),
                _ => {}
            }
        }
        out
    }

    /// Whether a text has Chinese characters (an English twin must not).
    fn has_cjk(s: &str) -> bool {
        s.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
    }

    #[test]
    fn every_refusal_has_its_chinese_message_and_its_english_twin() {
        let (_scratch, location) = seeded_store("web-texts");
        let addr = spawn_server(location);
        let mut editor = signed_in(addr, "editor");
        editor.get(&format!("/evaluations/{DEPT}/2021"));
        // A form without its fields, and a number that is not one.
        let a = editor.post_form(&format!("/evaluations/{DEPT}/2021/actuals"), &[]);
        assert_eq!(a.status, 422);
        assert!(a.text().contains("提交的表单有误"), "{}", a.text());
        let number = editor.post_form(
            &format!("/evaluations/{DEPT}/2021/workflow"),
            &[("step", "submit"), ("version", "abc")],
        );
        assert_eq!(number.status, 422);
        assert!(number.text().contains("应填数字"), "{}", number.text());
        // An address whose year is not a number is not found.
        let path = editor.get(&format!("/evaluations/{DEPT}/abc"));
        assert_eq!(path.status, 404);
        for a in [&a, &number, &path] {
            let t = a.text();
            for english in [
                "Failed to deserialize",
                "Cannot parse",
                "Invalid URL",
                "missing field",
            ] {
                assert!(!t.contains(english), "{t}");
            }
        }
        // The API: error in Chinese, error_en in English, for the extractor's refusals and
        // the services' alike.
        let mut api = Client::new(addr);
        api.sign_in_api("editor", &password("editor"));
        for (path, body) in [
            (
                format!("/api/evaluations/{DEPT}/2021/actuals"),
                serde_json::json!({"project": "P02"}),
            ),
            (
                format!("/api/evaluations/{DEPT}/2021/actuals"),
                serde_json::json!({"project": "P02", "indicator": "移交进馆文书档案", "actual": "不是数字", "version": 0}),
            ),
            (
                format!("/api/evaluations/{DEPT}/2021/workflow"),
                serde_json::json!({"step": "fly", "version": 0}),
            ),
        ] {
            let a = api.post_json(&path, &body);
            assert_eq!(a.status, 422, "{path}: {}", a.text());
            let v: serde_json::Value = serde_json::from_slice(&a.body).unwrap();
            let (zh, en) = (
                v["error"].as_str().unwrap(),
                v["error_en"].as_str().unwrap(),
            );
            assert!(has_cjk(zh), "{zh}");
            // English but for the data it quotes (an indicator's name, what was typed).
            assert!(!en.is_empty() && !has_cjk(&unquoted(en)), "{en}");
            assert!(!zh.contains("Failed to deserialize"), "{zh}");
        }
        // An upload over the limit.
        let mut bureau = signed_in(addr, "bureau");
        bureau.get("/imports");
        let b = "jixiaoBig";
        let mut body = format!(
            "--{b}\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\n{}\r\n--{b}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"big.xlsx\"\r\n\r\n",
            bureau.csrf
        )
        .into_bytes();
        body.extend(std::iter::repeat_n(b'x', 22 << 20));
        body.extend(format!("\r\n--{b}--\r\n").into_bytes());
        let a = bureau
            .request(
                "POST",
                "/imports",
                Some(&format!("multipart/form-data; boundary={b}")),
                &body,
                &[],
            )
            .unwrap();
        assert!(a.status == 413 || a.status == 422, "{}", a.status);
        assert!(a.text().contains("上传的文件太大"), "{}", a.text());
    }

    #[test]
    fn one_evaluation_has_one_score_and_the_pages_offer_only_the_steps_its_state_allows() {
        let (_scratch, location) = seeded_with_budgets("web-onescore");
        let addr = spawn_server(location.clone());
        let page = format!("/evaluations/{DEPT}/2021");
        let total = |html: &str| element(html, "total");
        let version = |c: &mut Client| -> String {
            let v: serde_json::Value =
                serde_json::from_slice(&c.get(&format!("/api{page}")).body).unwrap();
            v["workflow"]["version"].to_string()
        };
        let mut editor = signed_in(addr, "editor");
        editor.get(&page);
        editor.post_form(&format!("{page}/recompute"), &[]);
        let saved = total(&editor.get(&page).text());
        assert_eq!(saved, "99.45");
        // An actual changes and is submitted without recomputing: submitting scores it.
        editor.get(&page);
        let a = editor.post_form(
            &format!("{page}/actuals"),
            &[
                ("project", "P02"),
                ("indicator", "移交进馆文书档案"),
                ("actual", "4000"),
                ("version", "0"),
            ],
        );
        assert_eq!(a.status, 303, "{}", a.text());
        let live = total(&editor.get(&page).text());
        assert_ne!(live, saved);
        let mut api = Client::new(addr);
        api.sign_in_api("editor", &password("editor"));
        let v = version(&mut api);
        let a = step(&mut editor, &page, "submit", &v);
        assert_eq!(a.status, 303, "{}", a.text());
        // Submitted: the editor is offered neither submitting nor recomputing; the approver
        // returns or approves, but cannot publish yet.
        let html = editor.get(&page).text();
        assert!(!html.contains("提交审核</button>") && !html.contains("重新评分并保存"));
        let mut approver = signed_in(addr, "approver");
        let html = approver.get(&page).text();
        assert!(html.contains("审核通过</button>") && html.contains("退回修改</button>"));
        assert!(!html.contains("公开</button>"), "{html}");
        // Under review, the budgets stay as reviewed: no form, and a post is refused; the
        // dataset cannot be imported again either.
        let mut bureau = signed_in(addr, "bureau");
        let project = format!("/departments/{DEPT}/projects/X01?year=2021");
        let html = bureau.get(&project).text();
        assert!(html.contains("预算保持审核时的数额"), "{html}");
        assert!(!html.contains("name=\"budget\""), "{html}");
        let a = bureau.post_form(
            &format!("/departments/{DEPT}/projects/X01/budget"),
            &[
                ("year", "2021"),
                ("version", "0"),
                ("budget", "1"),
                ("reason", "调减"),
            ],
        );
        assert_eq!(a.status, 422, "{}", a.text());
        {
            let mut store = jixiao_store::open(&location).unwrap();
            let e = jixiao_exchange::import::import(
                store.as_mut(),
                &example(),
                &Default::default(),
                &mut |_| {},
            )
            .expect_err("a dataset under review is not imported again");
            let e = format!("{e:?}");
            assert!(e.contains("已锁定"), "{e}");
        }
        let v_approve = version(&mut api);
        let a = step(&mut approver, &page, "approve", &v_approve);
        assert_eq!(a.status, 303, "{}", a.text());
        let html = approver.get(&page).text();
        assert!(html.contains("公开</button>") && !html.contains("审核通过</button>"));
        let v_publish = version(&mut api);
        let a = step(&mut approver, &page, "publish", &v_publish);
        assert_eq!(a.status, 303, "{}", a.text());
        let html = editor.get(&page).text();
        assert!(!html.contains("提交审核</button>") && !html.contains("重新评分并保存"));
        // Every view reads the same score.
        assert_eq!(total(&editor.get(&page).text()), live);
        let dashboard = bureau.get("/").text();
        assert!(dashboard.contains(&live), "dashboard: {dashboard}");
        assert!(
            !dashboard.contains(&saved),
            "the old score is gone from the dashboard"
        );
        let public = Client::new(addr)
            .get(&format!("/public/{DEPT}/2021"))
            .text();
        assert!(public.contains(&live), "portal");
        let csv = Client::new(addr).get("/public/data/evaluations.csv").text();
        assert!(
            csv.contains(&format!("{DEPT},")) && csv.contains(&live),
            "{csv}"
        );
        // A saved score that the data no longer gives cannot be approved: it goes back.
        {
            let mut store = jixiao_store::open(&location).unwrap();
            let sql = store.sql();
            sql.execute(
                "UPDATE workflow SET state = 'submitted' WHERE department_code = $1",
                &[DEPT.into()],
            )
            .unwrap();
            let f = sql
                .row(
                    "SELECT content FROM dataset_files WHERE department_code = $1 AND file_name = 'projects.toml'",
                    &[DEPT.into()],
                )
                .unwrap()
                .unwrap();
            let changed = f[0]
                .text()
                .replacen("actual = \"4000\"", "actual = \"3000\"", 1);
            assert_ne!(changed, f[0].text());
            sql.execute(
                "UPDATE dataset_files SET content = $1 WHERE department_code = $2 AND file_name = 'projects.toml'",
                &[changed.into(), DEPT.into()],
            )
            .unwrap();
            sql.execute(
                "UPDATE web_state SET value = value + 1 WHERE key = 'data_version'",
                &[],
            )
            .unwrap();
        }
        let v = version(&mut api);
        let html = approver.get(&page).text();
        assert!(html.contains("须退回"), "the page says why");
        assert!(
            !html.contains("审核通过</button>"),
            "and offers no approval"
        );
        assert!(html.contains("退回修改</button>"));
        let a = step(&mut approver, &page, "approve", &v);
        assert_eq!(a.status, 422, "{}", a.text());
        assert!(a.text().contains("不一致"), "{}", a.text());
    }
}

mod two_servers {
    use super::*;
    use std::sync::{Arc, Barrier};

    #[test]
    fn edits_through_both_are_stored_and_stale_ones_refused() {
        let scratch = Scratch::new("web-two");
        let schema = PgSchema::new("web_two");
        let location = Location::Postgres(schema.url());
        seeded(&location, &scratch);
        let first = spawn_server(location.clone());
        let second = spawn_server(location.clone());
        assert_ne!(first, second);
        // A session made on one server works on the other: sessions live in the database.
        let mut a = signed_in(first, "editor");
        let mut b = Client::new(second);
        b.cookies = a.cookies.clone();
        assert_eq!(b.get("/api/me").status, 200);
        let mut b = signed_in(second, "editor2");
        let page = format!("/api/evaluations/{DEPT}/2021");
        let v: serde_json::Value = serde_json::from_slice(&a.get(&page).body).unwrap();
        let indicators: Vec<(String, String)> = v["indicators"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|i| i["target"].is_string())
            .map(|i| {
                (
                    i["project"].as_str().unwrap().to_string(),
                    i["indicator"].as_str().unwrap().to_string(),
                )
            })
            .collect();
        assert!(indicators.len() >= 8, "{indicators:?}");
        a.get(&format!("/evaluations/{DEPT}/2021"));
        b.get(&format!("/evaluations/{DEPT}/2021"));
        a.sign_in_api("editor", "Jx-editor-2021");
        b.sign_in_api("editor2", "Jx-editor2-2021");
        // Each client edits its own half in turn, at once with the other; then both save the
        // same indicator from the same version.
        let (half_a, half_b) = indicators.split_at(indicators.len() / 2);
        let barrier = Arc::new(Barrier::new(2));
        let run = |mut c: Client, mine: Vec<(String, String)>, tag: u32, barrier: Arc<Barrier>| {
            let page = page.clone();
            std::thread::spawn(move || {
                let mut accepted = Vec::new();
                for round in 1..=3u32 {
                    for (p, i) in &mine {
                        let value = format!("{}{round}", tag);
                        let version = round as i64 - 1;
                        let r = c.post_json(&format!("{page}/actuals"), &serde_json::json!({"project": p, "indicator": i, "actual": value, "version": version}));
                        assert_eq!(r.status, 200, "{p}/{i} round {round}: {}", r.text());
                        accepted.push((p.clone(), i.clone(), value));
                    }
                }
                barrier.wait();
                let r = c.post_json(&format!("{page}/actuals"), &serde_json::json!({"project": "P02", "indicator": "移交进馆文书档案", "actual": format!("{tag}000"), "version": 3}));
                (accepted, r.status, r.text(), tag)
            })
        };
        let mut same = half_a.to_vec();
        same.retain(|(p, i)| !(p == "P02" && i == "移交进馆文书档案"));
        let mut other = half_b.to_vec();
        other.retain(|(p, i)| !(p == "P02" && i == "移交进馆文书档案"));
        // Both halves exclude the contested indicator; one of them takes it to version 3 first.
        let contested = ("P02".to_string(), "移交进馆文书档案".to_string());
        same.push(contested.clone());
        let ta = run(a, same, 7, barrier.clone());
        let tb = run(b, other, 8, barrier.clone());
        let (acc_a, st_a, text_a, _) = ta.join().unwrap();
        let (acc_b, st_b, text_b, _) = tb.join().unwrap();
        // The contested save: editor A holds version 3 of it; B's save from version 3 is
        // also valid only if A's landed first. Exactly one of the two final saves is accepted.
        let statuses = [st_a, st_b];
        assert_eq!(
            statuses.iter().filter(|s| **s == 200).count(),
            1,
            "{text_a} | {text_b}"
        );
        assert_eq!(
            statuses.iter().filter(|s| **s == 409).count(),
            1,
            "{text_a} | {text_b}"
        );
        let refusal = if st_a == 409 { &text_a } else { &text_b };
        assert!(refusal.contains("您的修改未保存"), "{refusal}");
        // Every accepted value is what the store holds.
        let mut store = jixiao_store::open(&location).unwrap();
        let data = jixiao_app::load_dataset(store.as_mut(), DEPT, 2021).unwrap();
        let winner = if st_a == 200 { "7000" } else { "8000" };
        let mut expected: std::collections::HashMap<(String, String), String> =
            std::collections::HashMap::new();
        for (p, i, v) in acc_a.iter().chain(&acc_b) {
            expected.insert((p.clone(), i.clone()), v.clone());
        }
        expected.insert(contested, winner.to_string());
        for ((p, i), v) in &expected {
            let stored = data
                .projects
                .iter()
                .find(|x| &x.code == p)
                .and_then(|x| x.indicator(i))
                .and_then(|x| x.actual.as_ref())
                .map(|a| a.value.to_string());
            assert_eq!(stored.as_deref(), Some(v.as_str()), "{p}/{i}");
        }
        // And the audit trail has one entry per accepted save, chained.
        let n = jixiao_web::audit::verify(store.sql())
            .unwrap()
            .expect("intact chain");
        let saves = store
            .sql()
            .query(
                "SELECT COUNT(*) FROM audit_log WHERE action = '录入实际完成值'",
                &[],
            )
            .unwrap()[0][0]
            .int();
        assert_eq!(saves as usize, acc_a.len() + acc_b.len() + 1);
        assert!(n as i64 > saves);
    }
}

mod audit {
    use super::*;

    #[test]
    fn verify_finds_an_altered_and_a_removed_entry_on_postgres() {
        let scratch = Scratch::new("web-audit");
        let schema = PgSchema::new("web_audit");
        let location = Location::Postgres(schema.url());
        seeded(&location, &scratch);
        let mut store = jixiao_store::open(&location).unwrap();
        let sql = store.sql();
        let n = jixiao_web::audit::verify(sql).unwrap().expect("intact");
        assert_eq!(
            n, 13,
            "one entry per demo account (11) and per declaration seeded (2)"
        );
        // The database refuses changes through ordinary statements.
        let e = sql.execute("UPDATE audit_log SET actor = 'x' WHERE seq = 2", &[]);
        assert!(e.unwrap_err().0.contains("只可追加"));
        // Someone with the owner's rights turns the trigger off and edits a row.
        sql.execute(
            "ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only",
            &[],
        )
        .unwrap();
        sql.execute(
            "UPDATE audit_log SET after_json = 'bureau system_admin' WHERE seq = 2",
            &[],
        )
        .unwrap();
        let breaks = jixiao_web::audit::verify(sql).unwrap().unwrap_err();
        // The row no longer matches its hash (the next row still links to the stored hash).
        assert_eq!(breaks.len(), 1, "{breaks:?}");
        assert_eq!(breaks[0].seq, 2);
        assert!(breaks[0].reason.contains("被改动"));
        // Rewriting its hash to match moves the break to the next row's link.
        let e = jixiao_web::audit::recent(sql, 100, 0)
            .unwrap()
            .into_iter()
            .find(|e| e.seq == 2)
            .unwrap();
        let forged = jixiao_web::audit::entry_hash(&e);
        sql.execute(
            "UPDATE audit_log SET hash = $1 WHERE seq = 2",
            &[forged.into()],
        )
        .unwrap();
        let breaks = jixiao_web::audit::verify(sql).unwrap().unwrap_err();
        assert_eq!(breaks.len(), 1, "{breaks:?}");
        assert_eq!(breaks[0].seq, 3);
        // A removed row is found too.
        sql.execute("DELETE FROM audit_log WHERE seq = 5", &[])
            .unwrap();
        let breaks = jixiao_web::audit::verify(sql).unwrap().unwrap_err();
        assert!(
            breaks
                .iter()
                .any(|b| b.seq == 6 && b.reason.contains("缺失")),
            "{breaks:?}"
        );
    }
}

mod results {
    use super::*;
    use jixiao_domain::date::Date;

    fn today() -> Date {
        jixiao_web::results::today()
    }

    fn multipart_file(
        c: &mut Client,
        path: &str,
        name: &str,
        bytes: &[u8],
    ) -> jixiao_web::testing::Answer {
        let b = "jixiaoEvidence";
        let mut body = format!(
            "--{b}\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\n{}\r\n--{b}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\nContent-Type: application/pdf\r\n\r\n",
            c.csrf
        )
        .into_bytes();
        body.extend_from_slice(bytes);
        body.extend_from_slice(format!("\r\n--{b}--\r\n").as_bytes());
        c.request(
            "POST",
            path,
            Some(&format!("multipart/form-data; boundary={b}")),
            &body,
            &[],
        )
        .unwrap()
    }

    #[test]
    fn a_rectification_falls_overdue_shows_on_dashboards_and_the_linkage_and_is_verified() {
        let scratch = Scratch::new("web-rect");
        let location = Location::Sqlite(scratch.path("r.db"));
        seeded(&location, &scratch);
        let problem = {
            let mut store = jixiao_store::open(&location).unwrap();
            let data = jixiao_app::load_dataset(store.as_mut(), DEPT, 2021).unwrap();
            format!("{}：{}", data.problems[0].title, data.problems[0].detail)
        };
        let addr = spawn_server(location);
        let mut editor = signed_in(addr, "editor");
        let page = editor.get("/rectifications").text();
        assert!(page.contains("尚未转为整改事项的问题") && page.contains("预算执行进度不均衡"));
        // Sent 40 days ago: due 30 days after, so 10 days overdue.
        let sent = today().add_days(-40);
        let a = editor.post_form(
            "/rectifications",
            &[
                ("department", DEPT),
                ("year", "2021"),
                ("problem", &problem),
                ("sent_on", &sent.to_string()),
            ],
        );
        assert_eq!(a.status, 303, "{}", a.text());
        let page = editor.get("/rectifications").text();
        assert!(
            page.contains(&sent.add_days(30).to_string()),
            "due date shown"
        );
        assert!(page.contains("逾期未完成整改：1"), "{page}");
        assert!(editor.get("/").text().contains("逾期未完成的整改"));
        // The finance bureau's linkage table counts it: 优 stays priority but loses 5%.
        let mut bureau = signed_in(addr, "bureau");
        let linkage = bureau.get("/linkage").text();
        assert!(linkage.contains("优先保障 -5%"), "{linkage}");
        // 8,086.19 万元 (inferred) × −5% = −404.3095 万元 → −404.31.
        assert!(linkage.contains("-404.31"), "{linkage}");
        let xlsx = bureau.get("/linkage/xlsx");
        assert_eq!(xlsx.status, 200);
        assert!(xlsx.body.starts_with(b"PK"));
        // A stale save is refused; a current one lands; it stays overdue until done.
        editor.get("/rectifications");
        let a = editor.post_form(
            "/rectifications/1",
            &[
                ("measures", "按月通报"),
                ("responsible", "李娜"),
                ("status", "in_progress"),
                ("version", "0"),
            ],
        );
        assert_eq!(a.status, 409);
        let a = editor.post_form(
            "/rectifications/1",
            &[
                ("measures", "按月通报执行进度"),
                ("responsible", "李娜"),
                ("status", "in_progress"),
                ("version", "1"),
            ],
        );
        assert_eq!(a.status, 303, "{}", a.text());
        let page = editor.get("/rectifications").text();
        assert!(page.contains("按月通报执行进度") && page.contains("逾期"));
        // "Done" is the finance bureau's to confirm, not the unit's to claim.
        let a = editor.post_form("/rectifications/1", &[("status", "done"), ("version", "2")]);
        assert_eq!(a.status, 422, "{}", a.text());
        assert!(a.text().contains("财政局核验"));
        // "Overdue" cannot be chosen by hand, and an evaluator cannot change anything.
        let a = editor.post_form(
            "/rectifications/1",
            &[("status", "overdue"), ("version", "2")],
        );
        assert_eq!(a.status, 422);
        let mut evaluator = signed_in(addr, "evaluator");
        evaluator.get("/rectifications");
        assert_eq!(
            evaluator
                .post_form("/rectifications/1", &[("status", "done"), ("version", "2")])
                .status,
            403
        );
        // Verification needs evidence; with it, the item is done and no longer overdue.
        bureau.get("/rectifications");
        let a = bureau.post_form("/rectifications/1/verify", &[("version", "2")]);
        assert_eq!(a.status, 422, "{}", a.text());
        editor.get("/rectifications");
        let a = multipart_file(
            &mut editor,
            "/rectifications/1/files",
            "执行进度通报.pdf",
            b"%PDF-1.4 evidence",
        );
        assert_eq!(a.status, 303, "{}", a.text());
        let file = editor.get("/rectifications/files/1");
        assert_eq!(file.body, b"%PDF-1.4 evidence");
        bureau.get("/rectifications");
        // Evidence is added beside the record: its version stays 2.
        let a = bureau.post_form("/rectifications/1/verify", &[("version", "2")]);
        assert_eq!(a.status, 303, "{}", a.text());
        let page = editor.get("/rectifications").text();
        assert!(
            page.contains("已完成") && page.contains("已核验") && !page.contains("逾期未完成整改")
        );
        assert!(!editor.get("/").text().contains("逾期未完成的整改"));
        assert!(bureau.get("/linkage").text().contains("优先保障"));
    }

    #[test]
    fn responsibility_keeps_its_history_and_answers_who_on_any_day() {
        let scratch = Scratch::new("web-resp");
        let location = Location::Sqlite(scratch.path("p.db"));
        seeded(&location, &scratch);
        let addr = spawn_server(location.clone());
        let mut editor = signed_in(addr, "editor");
        let page = format!("/evaluations/{DEPT}/2021");
        for (person, since, status) in [
            ("张三", "2021-01-01", 303),
            ("李四", "2021-07-01", 303),
            ("王五", "2021-05-01", 422),
            ("李四", "2021-07-01", 422),
        ] {
            editor.get(&page);
            let a = editor.post_form(
                &format!("{page}/responsibility"),
                &[("project", "P02"), ("person", person), ("since", since)],
            );
            assert_eq!(a.status, status, "{person} {since}: {}", a.text());
        }
        // A project that is not the department's is refused, whatever the form says.
        editor.get(&page);
        let a = editor.post_form(
            &format!("{page}/responsibility"),
            &[
                ("project", "X99"),
                ("person", "赵六"),
                ("since", "2021-01-01"),
            ],
        );
        assert_eq!(a.status, 422);
        assert!(a.text().contains("不是部门"), "{}", a.text());
        let mut store = jixiao_store::open(&location).unwrap();
        let spells = jixiao_web::results::responsibility(store.sql(), DEPT, "P02").unwrap();
        let got: Vec<(&str, &str, Option<&str>)> = spells
            .iter()
            .map(|s| (s.person.as_str(), s.since.as_str(), s.until.as_deref()))
            .collect();
        assert_eq!(
            got,
            vec![
                ("张三", "2021-01-01", Some("2021-06-30")),
                ("李四", "2021-07-01", None)
            ]
        );
        let on = |d: &str| {
            jixiao_web::results::responsible_on(&spells, Date::parse(d).unwrap())
                .map(|s| s.person.clone())
        };
        assert_eq!(on("2020-12-31"), None);
        assert_eq!(on("2021-03-01").as_deref(), Some("张三"));
        assert_eq!(on("2021-06-30").as_deref(), Some("张三"));
        assert_eq!(on("2021-07-01").as_deref(), Some("李四"));
        assert_eq!(on("2030-01-01").as_deref(), Some("李四"));
        // The page names the year-end owner, and the audit trail has both changes.
        let html = editor.get(&page).text();
        assert!(
            html.contains("2021 年末责任人：李四"),
            "year-end owner shown"
        );
        let changes = store.sql().query("SELECT before_json, after_json FROM audit_log WHERE action = '变更项目责任人' ORDER BY seq", &[]).unwrap();
        assert_eq!(changes.len(), 2);
        assert_eq!(changes[1][0].text(), "张三（自 2021-01-01）");
    }

    #[test]
    fn the_portal_shows_only_published_material_and_its_open_data_is_a_valid_fiscal_data_package() {
        let scratch = Scratch::new("web-public");
        let location = Location::Sqlite(scratch.path("o.db"));
        seeded(&location, &scratch);
        let addr = spawn_server(location);
        let mut public = Client::new(addr);
        // Before anything is published: empty open data, drafts and internal pages refused.
        let csv = public.get("/public/data/evaluations.csv").text();
        assert_eq!(csv.lines().count(), 1, "header only: {csv}");
        assert!(!public.get("/public/data.json").text().contains(DEPT));
        for path in [
            format!("/public/{DEPT}/2021"),
            format!("/public/{DEPT}/2021/report/pdf"),
            format!("/public/{OTHER}/2021/report/docx"),
        ] {
            assert_eq!(public.get(&path).status, 404, "{path}");
        }
        for path in [
            "/linkage",
            "/disclosure",
            "/rectifications",
            "/rectifications/files/1",
            "/imports",
            "/audit",
            "/admin/users",
        ] {
            let a = public.get(path);
            assert_eq!(
                (a.status, a.header("location")),
                (303, Some("/login")),
                "{path}"
            );
        }
        for path in [
            format!("/departments/{DEPT}/years"),
            format!("/evaluations/{DEPT}/2021/report/pdf"),
        ] {
            assert_eq!(public.get(&path).status, 303, "{path}");
        }
        // The finance bureau takes it through the workflow and records the budget dates.
        let mut bureau = signed_in(addr, "bureau");
        let page = format!("/evaluations/{DEPT}/2021");
        for (step, version) in [("submit", "0"), ("approve", "1"), ("publish", "2")] {
            bureau.get(&page);
            let a = bureau.post_form(
                &format!("{page}/workflow"),
                &[("step", step), ("version", version)],
            );
            assert_eq!(a.status, 303, "{step}: {}", a.text());
        }
        let disclosure = bureau.get("/disclosure").text();
        assert!(
            disclosure.contains("缺少“部门预算”") && disclosure.contains("缺少“部门决算”"),
            "{disclosure}"
        );
        let t = today();
        assert!(
            disclosure.contains(&t.add_days(20).to_string()),
            "deadline 20 days after approval"
        );
        assert!(disclosure.contains("按时公开"));
        for item in ["budget", "final_accounts"] {
            bureau.get("/disclosure");
            let a = bureau.post_form(
                "/disclosure",
                &[
                    ("department", DEPT),
                    ("year", "2021"),
                    ("item", item),
                    ("approved_on", "2021-01-20"),
                    ("published_on", "2021-02-20"),
                ],
            );
            assert_eq!(a.status, 303, "{}", a.text());
        }
        let disclosure = bureau.get("/disclosure").text();
        assert!(
            disclosure.contains("逾期后公开"),
            "published 31 days after approval is late"
        );
        assert!(disclosure.contains("齐全"), "{disclosure}");
        // Published: the portal, the report and the open data.
        assert!(public
            .get(&format!("/public/{DEPT}/2021"))
            .text()
            .contains("收支预决算概况"));
        let csv = public.get("/public/data/evaluations.csv").text();
        assert!(
            csv.contains(&format!("{DEPT},广州市白云区人民政府办公室,2021,99.45,优")),
            "{csv}"
        );
        assert!(!csv.contains(OTHER));
        let out = scratch.path("fdp");
        std::fs::create_dir_all(out.join("data")).unwrap();
        std::fs::write(
            out.join("datapackage.json"),
            public.get("/public/datapackage.json").body,
        )
        .unwrap();
        for name in ["finances", "evaluations", "evaluation_items"] {
            let a = public.get(&format!("/public/data/{name}.csv"));
            assert_eq!(a.status, 200);
            std::fs::write(out.join(format!("data/{name}.csv")), a.body).unwrap();
        }
        let schema = std::env::var("JIXIAO_FDP_SCHEMA")
            .map(PathBuf::from)
            .unwrap_or_else(|_| {
                Path::new(env!("CARGO_MANIFEST_DIR"))
                    .join("../../target/fdp/fiscal-data-package.json")
            });
        assert!(schema.is_file(), "the Fiscal Data Package schema is needed at {} (.ci/run fetches it from the `datapackage` wheel)", schema.display());
        let o = std::process::Command::new("python3")
            .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/validate_fdp.py"))
            .arg(out.join("datapackage.json"))
            .arg(&schema)
            .output()
            .expect("python3 runs");
        let log = format!(
            "{}{}",
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        );
        assert!(
            o.status.success(),
            "frictionless (pip install frictionless):\n{log}"
        );
        assert!(log.contains("2 passed, 0 failed"), "{log}");
    }
}

mod budgets {
    use super::*;

    #[test]
    fn a_mid_year_adjustment_is_saved_once_and_a_stale_one_refused() {
        let (_scratch, location) = seeded_with_budgets("web-budget");
        let addr = spawn_server(location);
        let page = format!("/departments/{DEPT}/projects/X01?year=2021");
        let post = format!("/departments/{DEPT}/projects/X01/budget");
        // Budgets are the finance bureau's: the department's editor sees no form and is refused.
        let mut editor = signed_in(addr, "editor");
        let html = editor.get(&page).text();
        assert!(html.contains("id=\"adjusted\">85.00<"), "{html}");
        assert!(
            !html.contains("name=\"budget\""),
            "no adjustment form for editors"
        );
        let a = editor.post_form(
            &post,
            &[
                ("year", "2021"),
                ("version", "0"),
                ("budget", "90"),
                ("reason", "年中追加"),
            ],
        );
        assert_eq!(a.status, 403, "{}", a.text());
        let mut bureau = signed_in(addr, "bureau");
        let version = |html: &str| -> String {
            let at = html
                .find("name=\"version\" value=\"")
                .expect("the form's version")
                + 22;
            html[at..].split('"').next().unwrap().to_string()
        };
        let html = bureau.get(&page).text();
        let v0 = version(&html);
        let a = bureau.post_form(
            &post,
            &[
                ("year", "2021"),
                ("version", &v0),
                ("budget", "90"),
                ("reason", ""),
            ],
        );
        assert_eq!(a.status, 422, "a reason is required");
        bureau.get(&page);
        let a = bureau.post_form(
            &post,
            &[
                ("year", "2021"),
                ("version", &v0),
                ("budget", "9O"),
                ("reason", "年中追加"),
            ],
        );
        assert_eq!(a.status, 422);
        assert!(a.text().contains("无法识别"), "{}", a.text());
        // An amount that is not a multiple of 100 元 (what the page rounds to 0.01 万元), then a
        // second adjustment from the page drawn after it: both saved (issue 15, item 8).
        bureau.get(&page);
        let a = bureau.post_form(
            &post,
            &[
                ("year", "2021"),
                ("version", &v0),
                ("budget", "89.123456"),
                ("reason", "年中追加"),
            ],
        );
        assert_eq!(a.status, 303, "{}", a.text());
        let html = bureau.get(&page).text();
        assert!(html.contains("id=\"adjusted\">89.12<"), "{html}");
        let v1 = version(&html);
        assert_ne!(v0, v1);
        let a = bureau.post_form(
            &post,
            &[
                ("year", "2021"),
                ("version", &v1),
                ("budget", "90.00"),
                ("reason", "年中追加"),
            ],
        );
        assert_eq!(
            a.status,
            303,
            "a second adjustment of an odd amount: {}",
            a.text()
        );
        // A form drawn before the last change is refused, and told what the budget is now.
        let mut other_bureau = signed_in(addr, "bureau");
        other_bureau.get(&page);
        let a = other_bureau.post_form(
            &post,
            &[
                ("year", "2021"),
                ("version", &v1),
                ("budget", "95.00"),
                ("reason", "调增"),
            ],
        );
        assert_eq!(a.status, 409);
        assert!(a.text().contains("90.00万元"), "{}", a.text());
        assert!(bureau.get(&page).text().contains("id=\"adjusted\">90.00<"));
        // Monitoring follows: 85 + 69.88 + 210 = 364.88 万元 became 369.88 万元.
        let v: serde_json::Value =
            serde_json::from_slice(&editor.get("/api/monitoring?as_of=2021-12-31").body).unwrap();
        assert_eq!(v["departments"][0]["budget_fen"], "369880000");
        // An overdue rectification is listed in the ranking notice, Word and Excel alike.
        editor.get("/rectifications");
        // Sent on 1 October 2021, due 31 October: overdue on the notice's date, 31 December.
        let sent = "2021-10-01".to_string();
        let a = editor.post_form(
            "/rectifications",
            &[
                ("department", DEPT),
                ("year", "2021"),
                ("problem", "内部管理还需进一步完善"),
                ("sent_on", &sent),
            ],
        );
        assert_eq!(a.status, 303);
        let today = "2021-12-31";
        let mut bureau = signed_in(addr, "bureau");
        assert!(bureau
            .get(&format!("/monitoring?as_of={}", "2021-12-31"))
            .text()
            .contains("下载通报"));
        for (format, part) in [
            ("docx", "word/document.xml"),
            ("xlsx", "xl/sharedStrings.xml"),
        ] {
            let a = bureau.get(&format!("/monitoring/notice/{format}?as_of={today}"));
            assert_eq!(a.status, 200, "{format}");
            let mut z = zip::ZipArchive::new(std::io::Cursor::new(a.body)).unwrap();
            let mut xml = String::new();
            std::io::Read::read_to_string(&mut z.by_name(part).unwrap(), &mut xml).unwrap();
            assert!(
                xml.contains("逾期未完成的整改事项") || format == "xlsx",
                "{format}"
            );
            assert!(
                xml.contains("内部管理还需进一步完善"),
                "{format}: the overdue item is listed"
            );
        }
        // Another department's editor cannot see it; under another department it does not exist.
        let mut outsider = signed_in(addr, "other");
        assert_eq!(outsider.get(&page).status, 403);
        let mut bureau = signed_in(addr, "bureau");
        assert_eq!(
            bureau
                .get(&format!("/departments/{OTHER}/projects/X01?year=2021"))
                .status,
            404
        );
    }
}
