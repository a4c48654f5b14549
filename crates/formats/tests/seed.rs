use jixiao_domain::evaluate::{evaluate_department, evaluate_project};
use std::path::Path;

#[test]
fn seed_scores() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/baiyun-2021");
    let data = jixiao_formats::dataset::load(&dir).unwrap_or_else(|e| panic!("{e}"));
    let fw = jixiao_formats::framework::load("gz-dept-2021").unwrap();
    let ev = evaluate_department(&fw, &data).unwrap_or_else(|e| panic!("{e:?}"));
    println!("{ev}");
    for i in &ev.items {
        println!(
            "{} | {} | {} | {:?}",
            i.name, i.derivation, i.working, i.loss_reason
        );
    }
    let pf = jixiao_formats::framework::load("cn-project-2020").unwrap();
    for p in &data.projects {
        match evaluate_project(&pf, p) {
            Ok(e) => println!("{} {} {}", p.name, e.total, e.grade_label),
            Err(e) => println!("{} ERR {:?}", p.name, e),
        }
    }
}
