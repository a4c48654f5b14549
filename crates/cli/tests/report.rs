//! The narrative report: its structure, and the seed's slips (RULES.md §6 rows 13, 14, 18)
//! not repeated.

use jixiao_domain::evaluate::evaluate_department;

fn build() -> (jixiao_report::document::Document, String) {
    let data = jixiao_formats::dataset::load(&crate::example()).unwrap();
    let fw = jixiao_formats::framework::load("gz-dept-2021").unwrap();
    let eval = evaluate_department(&fw, &data).unwrap();
    let doc = jixiao_report::build(&data, &eval, &[]).unwrap();
    let md = doc.to_markdown();
    (doc, md)
}

/// The seed's outline (RULES.md §2.1) with its numbering repaired: 二、 and 三、 present,
/// （二） not printed as （2）.
const HEADING_TREE: &str = "\
广州市白云区人民政府办公室2021年部门整体支出绩效自评报告
  一、基本情况
    （一）部门概况
      1.部门机构设置
      2.职能配置
    （二）年度总体工作和重点工作任务
    （三）部门整体收支情况
    （四）部门整体绩效管理情况
  二、部门整体支出绩效自评情况
    （一）自评得分情况
    （二）各项工作任务绩效目标完成情况分析
    （三）各重点任务项目支出完成情况分析
      1.文书档案规范化处理入馆项目
      2.机关大院基础设施维修维护支出项目
    （四）主要工作成效
  三、存在的问题
    （一）预算执行进度不均衡需继续改善
    （二）内部管理还需进一步完善
    （三）干部队伍的预算绩效管理素质有待优化提升
  四、下一步改进措施
  附表 部门整体支出绩效自评得分表
";

#[test]
fn heading_tree() {
    assert_eq!(build().0.heading_tree(), HEADING_TREE);
}

#[test]
fn grade_is_computed_from_the_score() {
    // Row 13: the seed calls 99.45 良好; the bands say 优.
    let (_, md) = build();
    assert!(md.contains("自评结果为“优”，绩效自评得分为99.45分"));
    assert!(!md.contains("自评结果良好"));
}

#[test]
fn totals_are_summed_from_their_parts() {
    // Row 14: 46 + 7 account sets, stated as 52 in the seed.
    let seed = crate::seed_text();
    assert!(seed.contains("46套财政经费账务，以及7套专用资金账务，共52套账务处理"));
    let (_, md) = build();
    assert!(
        md.contains("46套财政经费账务，以及7套专用资金账务，共53套账务处理"),
        "{md}"
    );
}

#[test]
fn provisional_and_inferred_are_labelled_in_the_report() {
    let (_, md) = build();
    assert!(md.contains("该体系为暂定"));
    assert!(md.contains("财政拨款收入预决算差异率（暂定）"));
    assert!(md.contains("推定数"));
    assert!(md.contains("8,086.19万元"));
}

/// The paragraphs of a .docx's main part: (style, text).
fn docx_paragraphs(xml: &str) -> Vec<(String, String)> {
    let unescape = |t: &str| {
        t.replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&quot;", "\"")
            .replace("&amp;", "&")
    };
    xml.split("<w:p>")
        .skip(1)
        .map(|p| {
            let p = p.split("</w:p>").next().unwrap_or("");
            let style = p
                .split("<w:pStyle w:val=\"")
                .nth(1)
                .and_then(|r| r.split('"').next())
                .unwrap_or("")
                .to_string();
            let text: String = p
                .split("<w:t")
                .skip(1)
                .filter_map(|r| r.split_once('>').map(|(_, rest)| rest))
                .map(|r| unescape(r.split("</w:t>").next().unwrap_or("")))
                .collect();
            (style, text)
        })
        .collect()
}

fn seed_docx(dir: &std::path::Path) -> std::path::PathBuf {
    seed_report(dir, "自评报告.docx")
}

/// Writes the seed's report into `dir` under `name`, in the format its extension names.
pub(crate) fn seed_report(dir: &std::path::Path, name: &str) -> std::path::PathBuf {
    let out = dir.join(name);
    let (code, _, err) = crate::jixiao(&[
        "report",
        "examples/baiyun-2021",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{err}");
    out
}

#[test]
fn the_word_document_is_in_the_official_format() {
    let scratch = jixiao_store::testing::Scratch::new("docx");
    let docx = seed_docx(scratch.dir());
    let doc = crate::zip_part(&docx, "word/document.xml");
    // A4 and GB/T 9704's margins: 37/35/28/26 mm (top/bottom/left/right), in twips.
    assert!(
        doc.contains(r#"<w:pgSz w:w="11906" w:h="16838"/>"#),
        "{doc}"
    );
    assert!(doc.contains(r#"w:top="2098" w:right="1474" w:bottom="1984" w:left="1587""#));
    // 22 lines to the 225 mm text block.
    assert!(doc.contains(r#"w:linePitch="579""#));
    let styles = crate::zip_part(&docx, "word/styles.xml");
    for (style, font, size) in [
        ("Title", "方正小标宋简体", 44),
        ("Normal", "仿宋_GB2312", 32),
        ("Heading1", "黑体", 32),
        ("Heading2", "楷体_GB2312", 32),
        ("Heading3", "仿宋_GB2312", 32),
    ] {
        let def = styles
            .split(&format!(r#"w:styleId="{style}""#))
            .nth(1)
            .and_then(|r| r.split("</w:style>").next())
            .unwrap_or_else(|| panic!("no style {style}"));
        assert!(
            def.contains(&format!(r#"w:eastAsia="{font}""#)),
            "{style}: {def}"
        );
        assert!(
            def.contains(&format!(r#"<w:sz w:val="{size}"/>"#)),
            "{style}: {def}"
        );
    }
    // Body paragraphs indent their first line by two characters.
    assert!(styles.contains(r#"w:firstLineChars="200""#));
    // Page numbers “— 1 —”: odd pages right, even pages left.
    let odd = crate::zip_part(&docx, "word/footer1.xml");
    let even = crate::zip_part(&docx, "word/footer2.xml");
    assert!(odd.contains(r#"<w:jc w:val="right"/>"#) && odd.contains("— </w:t>"));
    assert!(even.contains(r#"<w:jc w:val="left"/>"#) && even.contains(" PAGE "));
    assert!(crate::zip_part(&docx, "word/settings.xml").contains("<w:evenAndOddHeaders/>"));
}

#[test]
fn the_word_document_states_the_seed_figures_under_the_seed_outline() {
    let scratch = jixiao_store::testing::Scratch::new("docx-text");
    let docx = seed_docx(scratch.dir());
    let paragraphs = docx_paragraphs(&crate::zip_part(&docx, "word/document.xml"));
    let text: String = paragraphs.iter().map(|(_, t)| format!("{t}\n")).collect();
    for phrase in crate::golden::REPORT_PHRASES {
        assert!(text.contains(phrase), "not in the .docx: {phrase}");
    }
    // The heading tree, read back from the heading styles, is the snapshot's.
    let mut tree = String::new();
    for (style, t) in &paragraphs {
        match style.as_str() {
            "Title" => tree.push_str(&format!("{t}\n")),
            s if s.starts_with("Heading") => {
                let level: usize = s["Heading".len()..].parse().unwrap();
                let indent = if t.starts_with("附表") { 1 } else { level };
                tree.push_str(&format!("{}{t}\n", "  ".repeat(indent)));
            }
            _ => {}
        }
    }
    // The seed's outline, then one appended table per scored project.
    let rest = tree
        .strip_prefix(HEADING_TREE)
        .unwrap_or_else(|| panic!("{tree}"));
    assert!(rest.lines().count() >= 1);
    assert!(
        rest.lines()
            .all(|l| l.starts_with("  附表 项目支出绩效自评表（")),
        "{rest}"
    );
    // The score table is a real table; the charts are native Word charts with their data.
    assert!(crate::zip_part(&docx, "word/document.xml").contains("<w:tbl>"));
    let curve = crate::zip_part(&docx, "word/charts/chart1.xml");
    assert!(curve.contains("<c:lineChart>") && curve.contains("<c:v>累计执行率</c:v>"));
    assert_eq!(curve.matches("<c:pt idx=").count(), 2 * 12 + 2 * 12);
    let scores = crate::zip_part(&docx, "word/charts/chart2.xml");
    assert!(scores.contains(r#"<c:barDir val="bar"/>"#) && scores.contains("<c:v>1.98</c:v>"));
    assert!(text.contains("图1 一般公共预算支出月度累计执行率与序时进度"));
    assert!(text.contains("月度累计支出或全年预算含推定数"));
}

#[test]
fn the_word_document_converts_to_pdf_in_libreoffice() {
    let scratch = jixiao_store::testing::Scratch::new("docx-pdf");
    let docx = seed_docx(scratch.dir());
    let converted = std::process::Command::new("soffice")
        .args(["--headless", "--convert-to", "pdf", "--outdir"])
        .arg(scratch.dir())
        .arg(&docx)
        .env("HOME", scratch.dir())
        .output()
        .expect(
            "LibreOffice (soffice) must be installed: .ci/run installs libreoffice-writer-nogui",
        );
    assert!(
        converted.status.success(),
        "{}",
        String::from_utf8_lossy(&converted.stderr)
    );
    let pdf = docx.with_extension("pdf");
    let text = std::process::Command::new("pdftotext")
        .arg(&pdf)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils) must be installed");
    let squeeze = |s: &str| s.chars().filter(|c| !c.is_whitespace()).collect::<String>();
    let text = squeeze(&String::from_utf8_lossy(&text.stdout));
    for phrase in crate::golden::REPORT_PHRASES {
        assert!(text.contains(&squeeze(phrase)), "not in the PDF: {phrase}");
    }
}

#[test]
fn the_pdf_embeds_its_fonts_and_states_the_seed_figures() {
    let scratch = jixiao_store::testing::Scratch::new("pdf");
    let pdf = seed_report(scratch.dir(), "自评报告.pdf");
    let run = |tool: &str| {
        let o = std::process::Command::new(tool)
            .arg(&pdf)
            .args(if tool == "pdftotext" {
                &["-"][..]
            } else {
                &[][..]
            })
            .output()
            .unwrap_or_else(|e| panic!("{tool} (poppler-utils) must be installed: {e}"));
        assert!(
            o.status.success(),
            "{tool}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        String::from_utf8_lossy(&o.stdout).into_owned()
    };
    let info = run("pdfinfo");
    assert!(info.contains("595.276 x 841.89 pts (A4)"), "{info}");
    // Every font is embedded, as a subset, with a Unicode map (so text can be copied).
    let fonts = run("pdffonts");
    let rows: Vec<&str> = fonts.lines().skip(2).collect();
    assert!(!rows.is_empty());
    for r in &rows {
        assert!(r.contains("yes yes yes"), "not embedded: {r}");
    }
    let squeeze = |s: &str| s.chars().filter(|c| !c.is_whitespace()).collect::<String>();
    let text = squeeze(&run("pdftotext"));
    for phrase in crate::golden::REPORT_PHRASES {
        assert!(text.contains(&squeeze(phrase)), "not in the PDF: {phrase}");
    }
    // Page numbers as GB/T 9704 prints them; the charts with their captions and labels.
    assert!(text.contains("—1—") && text.contains("—2—"));
    assert!(text.contains("图1一般公共预算支出月度累计执行率与序时进度"));
    assert!(text.contains("图2各项指标得分与分值") && text.contains("12月"));
}

#[test]
fn without_cjk_fonts_no_pdf_is_written_and_the_reason_is_given() {
    let scratch = jixiao_store::testing::Scratch::new("nofont");
    let pdf = scratch.path("r.pdf");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_jixiao"))
        .args([
            "report",
            "examples/baiyun-2021",
            "--out",
            pdf.to_str().unwrap(),
        ])
        .current_dir(crate::root())
        .env("JIXIAO_FONT_DIR", scratch.dir())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("找不到写 PDF 所需的中文字体") && err.contains("fonts-noto-cjk"),
        "{err}"
    );
    assert!(!pdf.exists());
}

#[test]
fn the_html_page_and_the_store_give_the_same_report() {
    let scratch = jixiao_store::testing::Scratch::new("html");
    let html = seed_report(scratch.dir(), "r.html");
    let page = std::fs::read_to_string(&html).unwrap();
    assert!(page.starts_with("<!DOCTYPE html>"));
    for phrase in crate::golden::REPORT_PHRASES {
        assert!(page.contains(phrase), "not in the page: {phrase}");
    }
    assert_eq!(page.matches("<svg").count(), 2, "two charts");
    assert!(page.contains("<h2>一、基本情况</h2>") && page.contains("<h3>（一）部门概况</h3>"));
    // From the store, by department and year, with the format named: the same page.
    let db = scratch.path("s.db");
    let db = db.to_str().unwrap();
    assert_eq!(
        crate::jixiao(&["--database-url", db, "import", "examples/baiyun-2021"]).0,
        0
    );
    let again = scratch.path("again");
    let (code, _, err) = crate::jixiao(&[
        "--database-url",
        db,
        "report",
        "--department",
        "baiyun-zfb",
        "--year",
        "2021",
        "--format",
        "html",
        "--out",
        again.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        std::fs::read_to_string(again.with_extension("html")).unwrap(),
        page
    );
}

#[test]
fn a_template_folder_rewords_the_report_without_recompiling() {
    let scratch = jixiao_store::testing::Scratch::new("wording");
    std::fs::write(
        scratch.path("report.toml"),
        "format = \"jixiao-report-wording/1\"\n\
         result = \"经自评，本部门得分{score}分，评价等级为“{grade}”。\"\n",
    )
    .unwrap();
    let out = scratch.path("r.md");
    let (code, _, err) = crate::jixiao(&[
        "report",
        "examples/baiyun-2021",
        "--template-dir",
        scratch.dir().to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{err}");
    let md = std::fs::read_to_string(&out).unwrap();
    assert!(
        md.contains("经自评，本部门得分99.45分，评价等级为“优”。"),
        "{md}"
    );
    // Keys left out keep the default wording.
    assert!(md.contains("部门整体财政资金收入8,024.86万元"));
    // A placeholder the sentence cannot have, or a key jixiao does not know, is reported.
    std::fs::write(
        scratch.path("report.toml"),
        "format = \"jixiao-report-wording/1\"\nresult = \"得分{points}\"\nmotto = \"x\"\n",
    )
    .unwrap();
    let (code, _, err) = crate::jixiao(&[
        "report",
        "examples/baiyun-2021",
        "--template-dir",
        scratch.dir().to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(code, 1);
    assert!(
        err.contains("“result”中的 {points} 无法填写") && err.contains("不认识的句式“motto”"),
        "{err}"
    );
}

#[test]
fn project_tables_follow_the_ministry_template() {
    let scratch = jixiao_store::testing::Scratch::new("mof");
    let docx = seed_docx(scratch.dir());
    let doc = crate::zip_part(&docx, "word/document.xml");
    // RULES.md §1.8: merged label cells, the funds block, goal, indicators, total.
    assert!(
        doc.contains(r#"<w:gridSpan w:val="8"/>"#),
        "项目名称 spans the table"
    );
    let text: String = docx_paragraphs(&doc)
        .into_iter()
        .map(|(_, t)| format!("{t}\n"))
        .collect();
    for label in [
        "项目支出绩效自评表（2021年度）",
        "项目名称\n文书档案规范化处理入馆\n",
        "年度资金总额",
        "年度总体目标",
        "偏差原因分析及改进措施",
        "≥4529件（推定）",
        "总分",
    ] {
        assert!(text.contains(label), "missing {label}");
    }
}
