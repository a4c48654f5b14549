//! `jixiao check` on real published tables and reports (`tests/data/real/`), transcribed with
//! their source address and their values as published, each beside an expected-findings file
//! written by reading the table with a calculator. Prints, per file, the errors and warnings
//! expected and found, and the precision and recall over all of them
//! (`cargo test -p jixiao-check --test real -- --nocapture`).

use jixiao_check::{check_file, Finding, Rules, Severity};
use std::path::{Path, PathBuf};

fn real() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/real")
}

#[derive(serde::Deserialize)]
struct Expected {
    source: String,
    #[serde(default)]
    finding: Vec<ExpectedFinding>,
    /// The printed scores a transcription of the table as a project file reproduces.
    reproduce: Option<Reproduce>,
}

#[derive(serde::Deserialize)]
struct Reproduce {
    framework: String,
    /// Indicator name (预算执行率 for the execution row) to its score as printed.
    scores: std::collections::BTreeMap<String, String>,
    /// The total as printed, when the table is whole.
    total: Option<String>,
    /// How the table prints its scores, when not 四舍五入: `truncate` (截尾, 8.63 printed 8) or
    /// `half_even` — read from the table's own figures and said in its expected findings.
    printed: Option<String>,
}

#[derive(serde::Deserialize)]
struct ExpectedFinding {
    check: String,
    severity: String,
    #[serde(default)]
    row: String,
    /// `txt` for the report beside the table; the table otherwise.
    #[serde(default)]
    file: String,
}

/// Errors and warnings: what a reviewer must read.
fn serious(f: &Finding) -> bool {
    matches!(f.severity, Severity::Error | Severity::Warning)
}

struct Score {
    expected: usize,
    found: usize,
    reported: usize,
    true_reported: usize,
    lines: Vec<String>,
}

/// Whether a reported check answers an expected one: the same check, or `met-but-deducted`
/// (the checker's name for the score-rule case of a target met yet scored below its weight)
/// for `score-rule`, and `sum` and `subtotal` for each other (a total against its parts, which
/// a reader may call either: the checker says `subtotal` in a table's blocks, `sum` in prose).
fn answers(reported: &str, expected: &str) -> bool {
    let total_against_parts = |c: &str| c == "sum" || c == "subtotal";
    reported == expected
        || (reported == "met-but-deducted" && expected == "score-rule")
        || (total_against_parts(reported) && total_against_parts(expected))
}

/// Matches expected findings to reported ones by their check, one to one.
fn score(file: &str, expected: &[&ExpectedFinding], reported: &[Finding]) -> Score {
    let mut used = vec![false; reported.len()];
    let mut lines = Vec::new();
    let mut found = 0;
    // The finding about the same row first, then any of the same check.
    let about = |f: &Finding, e: &ExpectedFinding| {
        let key: String = e
            .row
            .chars()
            .filter(|c| !c.is_whitespace())
            .take(6)
            .collect();
        let text: String = f.excerpt.chars().filter(|c| !c.is_whitespace()).collect();
        !key.is_empty() && text.contains(&key)
    };
    for e in expected {
        let free = |i: &usize| !used[*i] && answers(reported[*i].check, &e.check);
        let pick = (0..reported.len())
            .filter(free)
            .find(|&i| about(&reported[i], e))
            .or_else(|| (0..reported.len()).find(free));
        match pick {
            Some(i) => {
                used[i] = true;
                found += 1;
            }
            None => lines.push(format!(
                "  {file}: missed {} ({}) {}",
                e.check, e.severity, e.row
            )),
        }
    }
    for (i, f) in reported.iter().enumerate() {
        if !used[i] {
            lines.push(format!(
                "  {file}: false alarm [{}] {}",
                f.check,
                f.sentence()
            ));
        }
    }
    Score {
        expected: expected.len(),
        found,
        reported: reported.len(),
        true_reported: used.iter().filter(|u| **u).count(),
        lines,
    }
}

/// Per file, the table of expected and found (with `detail`, what was missed and raised);
/// over all, (files, tables, expected, found, reported, truly reported).
fn score_dir(dir: &Path, detail_wanted: bool) -> (usize, usize, usize, usize, usize, usize) {
    let mut ids: Vec<String> = std::fs::read_dir(dir)
        .expect("a corpus folder")
        .filter_map(|e| {
            let name = e.ok()?.file_name().into_string().ok()?;
            name.strip_suffix(".expected.toml").map(str::to_string)
        })
        .collect();
    ids.sort();
    let tables = ids
        .iter()
        .filter(|id| dir.join(format!("{id}.tsv")).exists())
        .count();
    let (mut e, mut f, mut r, mut t) = (0, 0, 0, 0);
    let mut detail = Vec::new();
    println!(
        "{:<44} {:>8} {:>6} {:>8} {:>6}",
        "file", "expected", "found", "reported", "false"
    );
    for id in &ids {
        let expected: Expected = toml::from_str(
            &std::fs::read_to_string(dir.join(format!("{id}.expected.toml"))).unwrap(),
        )
        .unwrap_or_else(|err| panic!("{id}.expected.toml: {err}"));
        assert!(
            expected.source.starts_with("http"),
            "{id}: a source address"
        );
        let has_table = dir.join(format!("{id}.tsv")).exists();
        for ext in ["tsv", "txt"] {
            let path = dir.join(format!("{id}.{ext}"));
            if !path.exists() {
                continue;
            }
            let wanted: Vec<&ExpectedFinding> = expected
                .finding
                .iter()
                // A finding is the report's when it says so, or when there is no table.
                .filter(|x| (x.file == "txt" || !has_table) == (ext == "txt"))
                .filter(|x| x.severity == "error" || x.severity == "warning")
                .collect();
            let reported: Vec<Finding> = check_file(&path, &Rules::default())
                .unwrap_or_else(|err| panic!("{id}.{ext}: {err}"))
                .into_iter()
                .filter(serious)
                .collect();
            let s = score(&format!("{id}.{ext}"), &wanted, &reported);
            println!(
                "{:<44} {:>8} {:>6} {:>8} {:>6}",
                format!("{id}.{ext}"),
                s.expected,
                s.found,
                s.reported,
                s.reported - s.true_reported
            );
            e += s.expected;
            f += s.found;
            r += s.reported;
            t += s.true_reported;
            detail.extend(s.lines);
        }
    }
    if detail_wanted {
        println!("{}", detail.join("\n"));
    }
    (ids.len(), tables, e, f, r, t)
}

fn ratio(a: usize, b: usize) -> rust_decimal::Decimal {
    (rust_decimal::Decimal::from(a) / rust_decimal::Decimal::from(b.max(1))).round_dp(3)
}

#[test]
fn the_real_corpus_is_checked_with_its_precision_and_recall_printed() {
    let (files, tables, e, f, r, t) = score_dir(&real(), true);
    assert!(tables >= 30, "{tables} tables");
    let (precision, recall) = (ratio(t, r), ratio(f, e));
    println!(
        "real corpus: {files} files ({tables} tables); {e} errors and warnings expected, {f} found; \
         {r} reported, {} false; precision {precision}, recall {recall}",
        r - t
    );
    // Issue 16's goal is 0.95 for both, held since 2026-12-07 (1.00 and 0.957 on 145 files, on 158 with the seventh hold-out folded in, 0.958 on 172 with the eighth).
    let goal = rust_decimal::Decimal::new(95, 2);
    assert!(
        precision >= goal && recall >= goal,
        "precision {precision} and recall {recall} must both be at least {goal}"
    );
    // Hold-out sets (`data/holdout*`), gathered apart and not yet used to fit the checks:
    // printed, not held. Once measured and reported, a set joins `real/` and a new one is made.
    let mut holdouts: Vec<PathBuf> = std::fs::read_dir(real().join(".."))
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.is_dir()
                && p.file_name()
                    .and_then(|n| n.to_str())
                    .is_some_and(|n| n.starts_with("holdout"))
        })
        .collect();
    holdouts.sort();
    for dir in holdouts {
        // Only the figures: a hold-out set's misses are not shown, so that fitting to it is a
        // choice made by moving it into `real/`, not an accident of reading the output.
        let (files, tables, e, f, r, t) = score_dir(&dir, false);
        println!(
            "hold-out corpus {}: {files} files ({tables} tables); {e} expected, {f} found; {r} reported, \
             {} false; precision {}, recall {}",
            dir.file_name().unwrap().to_string_lossy(),
            r - t,
            ratio(t, r),
            ratio(f, e)
        );
    }
}

/// Issue 16: a real table, written as a project file (`<id>.project.toml`, the dataset
/// format), scored under its shipped framework, gives every printed score that its own rule
/// explains — at the precision it is printed with. Tables cut short are scored row by row.
#[test]
fn every_consistent_real_table_reproduces_its_printed_scores() {
    let mut tables = 0;
    let mut files = 0;
    let mut scores = 0;
    // Scores that rest on an inferred input: a weight printed in percent, a rubric row's items
    // or a 定性 row's level read back from its printed score. They check that the score is one
    // the rule can give, not that the table's facts give it.
    let mut on_inferred = 0;
    let mut wrong = Vec::new();
    for entry in std::fs::read_dir(real()).unwrap() {
        let path = entry.unwrap().path();
        let Some(id) = path
            .file_name()
            .and_then(|n| n.to_str())
            .and_then(|n| n.strip_suffix(".project.toml"))
        else {
            continue;
        };
        let expected: Expected = toml::from_str(
            &std::fs::read_to_string(real().join(format!("{id}.expected.toml"))).unwrap(),
        )
        .unwrap();
        let r = expected
            .reproduce
            .unwrap_or_else(|| panic!("{id}: a [reproduce] section"));
        // Loading runs what `jixiao framework check` runs: it fails on any problem.
        let fw =
            jixiao_formats::framework::load(&r.framework).unwrap_or_else(|p| panic!("{id}: {}", p));
        let projects =
            jixiao_formats::dataset::load_projects(&path).unwrap_or_else(|p| panic!("{id}: {p}"));
        // A file holds a table as one project; a file whose excerpt holds two tables holds two
        // projects, the second's scores keyed `code/name`.
        let mut items = Vec::new();
        for p in &projects {
            let (scored, errors) = jixiao_domain::evaluate::score_project_items(&fw, p)
                .unwrap_or_else(|e| panic!("{id}: {e:?}"));
            assert!(errors.is_empty(), "{id}: {errors:?}");
            items.extend(scored.into_iter().map(|i| (p.code.clone(), i)));
        }
        files += 1;
        tables += projects.len();
        use jixiao_domain::number::Rounding;
        let printing = match r.printed.as_deref() {
            None => Rounding::HalfAwayFromZero,
            Some("truncate") => Rounding::Truncate,
            Some("half_even") => Rounding::HalfEven,
            Some(other) => panic!("{id}: printed = “{other}”: truncate or half_even"),
        };
        for (name, printed) in &r.scores {
            let dp = printed.split_once('.').map_or(0, |(_, d)| d.len() as u32);
            // `code/name` when the part before the slash is a project of the file (a name may
            // hold a slash itself: 元/人·月).
            let (project, indicator) = match name.split_once('/') {
                Some((p, n)) if projects.iter().any(|x| x.code == p) => (Some(p), n),
                _ => (None, name.as_str()),
            };
            let mut found = items
                .iter()
                .filter(|(code, i)| i.name == indicator && project.is_none_or(|p| p == code));
            let (_, item) = found
                .next()
                .unwrap_or_else(|| panic!("{id}: no item “{name}”"));
            // A name standing in two of the file's tables must say whose it is (the first's by
            // default).
            assert!(
                project.is_some() || found.all(|(code, _)| *code != projects[0].code),
                "{id}: “{name}” twice in the first table"
            );
            // The rule's exact score, rounded once, to the decimals the table prints, the way
            // it prints them.
            let got = printing.round(item.raw, dp);
            if item.inputs.iter().any(|i| i.origin.is_inferred()) {
                on_inferred += 1;
            }
            let printed_value: rust_decimal::Decimal = printed.parse().expect("a printed score");
            scores += 1;
            if got != printed_value {
                wrong.push(format!(
                    "{id}: {name} printed {printed}, scored {}",
                    item.raw
                ));
            }
        }
        if let Some(total) = &r.total {
            let evaluation = jixiao_domain::evaluate::evaluate_project(&fw, &projects[0])
                .unwrap_or_else(|e| panic!("{id}: {e:?}"));
            scores += 1;
            if jixiao_domain::number::format_score(evaluation.total) != format!("{total}.00")
                && evaluation.total.to_string() != *total
            {
                wrong.push(format!(
                    "{id}: total printed {total}, scored {}",
                    evaluation.total
                ));
            }
        }
    }
    println!(
        "reproduced: {tables} real tables in {files} files, {scores} printed scores ({on_inferred} \
         of them on an inferred input), {} differ",
        wrong.len()
    );
    assert!(files >= 94, "{files} files: a transcription went missing");
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}
