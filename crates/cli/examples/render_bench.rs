//! Renders 1,000 department self-evaluation reports as .docx and as .pdf and prints the
//! time of each (issue 5's goal on a 2-core machine: under 10 s for docx, under 60 s for pdf).
//!
//!     cargo run --release --example render_bench [-- N]
//!
//! The reports are generated from the seed dataset: each department gets its own name and
//! code (its figures are the seed's), and each is parsed, scored, built and laid out from
//! scratch, as `jixiao report` does. Fonts are loaded once, as a server rendering many
//! reports would.

use jixiao_domain::evaluate::{evaluate_department, evaluate_project};
use std::io::Cursor;
use std::path::Path;
use std::time::Instant;

fn main() {
    let n: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(1000);
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let seed = jixiao_formats::dataset::read_files(&root.join("examples/baiyun-2021"))
        .expect("the seed dataset");
    let fw = jixiao_formats::framework::load("gz-dept-2021").expect("framework");
    let pfw = jixiao_formats::framework::load("cn-project-2020").expect("project framework");
    let fonts = jixiao_report::pdf::find_fonts().unwrap_or_else(|e| panic!("{e}"));

    // Generated departments: the seed's files under another name and code.
    let mut datasets = Vec::with_capacity(n);
    for i in 0..n {
        let mut files = seed.clone();
        for text in files.files.values_mut() {
            *text = text
                .replace(
                    "广州市白云区人民政府办公室",
                    &format!("测试区第{}部门", i + 1),
                )
                .replace("code = \"baiyun-zfb\"", &format!("code = \"dept-{i:04}\""));
        }
        datasets.push(files);
    }

    let mut docs = Vec::with_capacity(n);
    let started = Instant::now();
    for files in &datasets {
        let data = jixiao_formats::dataset::parse(files).expect("generated dataset parses");
        let eval = evaluate_department(&fw, &data).expect("scores");
        let projects: Vec<_> = data
            .projects
            .iter()
            .filter(|p| !p.indicators.is_empty())
            .map(|p| evaluate_project(&pfw, p).expect("project scores"))
            .collect();
        docs.push(jixiao_report::build(&data, &eval, &projects).expect("report"));
    }
    let scoring = started.elapsed();

    let started = Instant::now();
    let mut docx_bytes = 0;
    for doc in &docs {
        let out = jixiao_report::docx::write(doc, Cursor::new(Vec::new())).expect("docx");
        docx_bytes += out.into_inner().len();
    }
    let docx = started.elapsed() + scoring;

    let started = Instant::now();
    let mut pdf_bytes = 0;
    for doc in &docs {
        pdf_bytes += jixiao_report::pdf::write(doc, &fonts).expect("pdf").len();
    }
    let pdf = started.elapsed() + scoring;

    println!("{n} 份报告（每份先评分、排版）：");
    println!(
        "  docx  {:.2} 秒（平均每份 {:.1} KB）",
        docx.as_secs_f64(),
        docx_bytes as f64 / n as f64 / 1024.0
    );
    println!(
        "  pdf   {:.2} 秒（平均每份 {:.1} KB）",
        pdf.as_secs_f64(),
        pdf_bytes as f64 / n as f64 / 1024.0
    );
    println!(
        "  其中评分与生成文档结构 {:.2} 秒，两种格式各计一次",
        scoring.as_secs_f64()
    );
}
