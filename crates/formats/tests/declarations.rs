//! The automatic review of target declarations (issue 18, item 3) on a planted-defect corpus:
//! a clean declaration (`data/declarations/clean.toml`) and copies of it with one defect each,
//! planted here by a named edit; and a real published declaration, reviewed with what a reader
//! finds in it. Prints the figures (`cargo test -p jixiao-formats --test declarations -- --nocapture`).

use jixiao_domain::targets::{review, Review};
use jixiao_formats::declaration::{default_rules, parse};
use std::path::Path;

fn data(name: &str) -> (std::path::PathBuf, String) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/declarations")
        .join(name);
    let text = std::fs::read_to_string(&path).unwrap();
    (path, text)
}

fn reviewed(path: &Path, text: &str) -> Review {
    let d = parse(path, text).unwrap_or_else(|p| panic!("{}: {p}", path.display()));
    review(&d, &default_rules())
}

fn rules_of(r: &Review) -> Vec<&'static str> {
    r.findings.iter().map(|f| f.rule).collect()
}

/// (the rule that must fire, the edit that plants its defect: from → to).
const PLANTED: [(&str, &str, &str); 12] = [
    (
        "goal-present",
        "annual_goal = \"区域内",
        "annual_goal = \"\"\n# \"",
    ),
    (
        "level1-present",
        "level1 = \"满意度指标\"",
        "level1 = \"效益指标\"",
    ),
    (
        "output-categories",
        "level2 = \"成本指标\"",
        "level2 = \"数量指标\"",
    ),
    (
        "value-present",
        "value = \"100%\"\nweight = \"10\"",
        "value = \"\"\nweight = \"10\"",
    ),
    ("quantified-share", "value = \"100%\"", "value = \"较好\""),
    ("operator-present", "value = \"≥63人\"", "value = \"63人\""),
    (
        "duplicate",
        "name = \"对象资格复审率\"",
        "name = \"特扶家庭生活保障率\"",
    ),
    (
        "contradictory",
        "name = \"对象资格复审率\"",
        "name = \"受益群众满意度\"",
    ),
    ("weights", "weight = \"30\"", "weight = \"40\""),
    (
        "below-last-year",
        "last_actual = \"60\"",
        "last_actual = \"70\"",
    ),
    ("unit-cost", "funds = \"6.30\"", "funds = \"9.00\""),
    ("annual-within-period", "\"≥189人\"", "\"≥50人\""),
];

#[test]
fn every_planted_defect_is_found_and_the_clean_declaration_passes() {
    let (path, clean) = data("clean.toml");
    let r = reviewed(&path, &clean);
    assert!(
        r.findings.is_empty(),
        "the clean declaration: {:?}",
        r.findings
    );
    assert_eq!((r.grade.as_str(), r.outcome), ("优", "进入预算编审"));
    let mut found = 0;
    let mut extra = 0;
    for (rule, from, to) in PLANTED {
        assert!(
            clean.contains(from),
            "{rule}: the edit's text is in clean.toml"
        );
        // `quantified-share` words every number: the counts, rates and satisfaction.
        let text = if rule == "quantified-share" {
            clean
                .replace(from, to)
                .replace("\"≥63人\"", "\"应扶尽扶\"")
                .replace("\"≥90%\"", "\"满意\"")
        } else {
            clean.replacen(from, to, 1)
        };
        let r = reviewed(&path, &text);
        let got = rules_of(&r);
        println!("{rule:<22} → {got:?} ({})", r.grade);
        if got.contains(&rule) {
            found += 1;
        }
        extra += got.iter().filter(|g| **g != rule).count();
        assert!(got.contains(&rule), "{rule} not found: {got:?}");
        assert!(r.grade != "优", "{rule}: a defect lowers the grade");
    }
    println!(
        "planted corpus: {} declarations with one defect each, {found} found, {extra} other findings; 1 clean, 0 findings",
        PLANTED.len()
    );
    assert_eq!(extra, 0, "each copy has one defect");
}

#[test]
fn a_published_declaration_is_reviewed_as_a_reader_finds_it() {
    // 昭化区 2021: its count `63人` has no operator; everything else holds, including its cost
    // standard (1000元/人 × 63人 = 63,000元 = its 6.30万元).
    let (path, text) = data("sichuan-zhaohua-teifu-2021.toml");
    let r = reviewed(&path, &text);
    for f in &r.findings {
        println!(
            "  [{}] {}：{}",
            f.criterion.label().0,
            f.location,
            f.message
        );
    }
    assert_eq!(rules_of(&r), ["operator-present"]);
    assert_eq!((r.grade.as_str(), r.outcome), ("良", "修改完善"));
}
