//! The document as a Word file (.docx, Office Open XML) in the official format of
//! GB/T 9704-2012 (RULES.md §7): A4; margins 37/35/28/26 mm (top/bottom/left/right); title
//! 二号 方正小标宋简体 centred; body 三号 仿宋_GB2312 with a two-character first-line indent on
//! a grid of 22 lines of 28 characters; level-1 headings 黑体, level-2 楷体_GB2312, levels 3
//! and 4 仿宋_GB2312; page numbers “— 1 —” in 四号 宋体 below the text block, odd pages on
//! the right and even pages on the left, one character in. The file names the official fonts;
//! Word and LibreOffice substitute where a machine lacks them.
//!
//! The parts are written by hand: the format is plain XML in a zip, and what jixiao needs of
//! it is small.

use crate::document::{Block, Chart, ChartKind, Document, Table};
use std::io::{Seek, Write};
use zip::write::SimpleFileOptions;

/// The fonts GB/T 9704 names.
pub mod fonts {
    /// The title's font.
    pub const TITLE: &str = "方正小标宋简体";
    /// The body's font.
    pub const BODY: &str = "仿宋_GB2312";
    /// Level-1 headings.
    pub const HEADING1: &str = "黑体";
    /// Level-2 headings.
    pub const HEADING2: &str = "楷体_GB2312";
    /// Page numbers.
    pub const PAGE_NUMBER: &str = "宋体";
}

/// Millimetres in twentieths of a point (twips), as Word measures pages.
pub fn mm(v: u32) -> u32 {
    // 1 mm = 1440 / 25.4 twips; rounded half away from zero.
    (v * 14_400 + 127) / 254
}

/// The page geometry written into every section.
pub struct Page {
    /// Width and height, twips.
    pub size: (u32, u32),
    /// Top, bottom, left, right margins, twips.
    pub margins: (u32, u32, u32, u32),
}

/// A4 with GB/T 9704's margins.
pub fn page() -> Page {
    Page {
        size: (11_906, 16_838),
        margins: (mm(37), mm(35), mm(28), mm(26)),
    }
}

fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            c => out.push(c),
        }
    }
    out
}

fn run(text: &str) -> String {
    format!(
        r#"<w:r><w:t xml:space="preserve">{}</w:t></w:r>"#,
        esc(text)
    )
}

fn paragraph(style: &str, text: &str) -> String {
    format!(
        r#"<w:p><w:pPr><w:pStyle w:val="{style}"/></w:pPr>{}</w:p>"#,
        run(text)
    )
}

fn table(t: &Table) -> String {
    let mut x = String::new();
    if !t.caption.is_empty() {
        x.push_str(&paragraph("TableCaption", &t.caption));
    }
    if let Some(unit) = &t.unit_note {
        x.push_str(&paragraph("UnitNote", unit));
    }
    let columns = t.columns().max(1);
    // The text block is 156 mm wide; columns share it evenly.
    let width = mm(156) / columns as u32;
    x.push_str(
        r#"<w:tbl><w:tblPr><w:tblStyle w:val="Grid"/><w:tblW w:w="0" w:type="auto"/><w:jc w:val="center"/></w:tblPr><w:tblGrid>"#,
    );
    for _ in 0..columns {
        x.push_str(&format!(r#"<w:gridCol w:w="{width}"/>"#));
    }
    x.push_str("</w:tblGrid>");
    let row = |cells: &[String], spans: &[usize], header: bool| {
        let mut r = String::from("<w:tr>");
        if header {
            r = String::from(r#"<w:tr><w:trPr><w:tblHeader/></w:trPr>"#);
        }
        for (c, span) in cells.iter().zip(spans) {
            let merge = if *span > 1 {
                format!(r#"<w:gridSpan w:val="{span}"/>"#)
            } else {
                String::new()
            };
            r.push_str(&format!(
                r#"<w:tc><w:tcPr><w:tcW w:w="{}" w:type="dxa"/>{merge}<w:vAlign w:val="center"/></w:tcPr>{}</w:tc>"#,
                width * *span as u32,
                paragraph(if header { "TableHeader" } else { "TableText" }, c)
            ));
        }
        r.push_str("</w:tr>");
        r
    };
    if !t.header.is_empty() {
        x.push_str(&row(&t.header, &vec![1; t.header.len()], true));
    }
    for (i, r) in t.rows.iter().enumerate() {
        x.push_str(&row(r, &t.spans_of(i), false));
    }
    x.push_str("</w:tbl>");
    for n in &t.notes {
        x.push_str(&paragraph("TableNote", n));
    }
    x
}

/// The body XML of `doc`: one paragraph, table or chart per block, numbers generated; and
/// the charts, which live in parts of their own.
fn body(doc: &Document) -> (String, Vec<&Chart>) {
    let mut x = String::new();
    let mut charts = Vec::new();
    for (label, block) in doc.numbered() {
        match block {
            Block::Title(t) => x.push_str(&paragraph("Title", t)),
            Block::Heading { level, text } => x.push_str(&paragraph(
                &format!("Heading{}", (*level).clamp(1, 4)),
                &format!("{label}{text}"),
            )),
            // An appended table starts on a page of its own.
            Block::PlainHeading(t) => x.push_str(&format!(
                r#"<w:p><w:pPr><w:pStyle w:val="Heading1"/><w:pageBreakBefore/><w:ind w:firstLineChars="0" w:firstLine="0"/></w:pPr>{}</w:p>"#,
                run(t)
            )),
            Block::Paragraph(t) => x.push_str(&paragraph("Normal", t)),
            Block::NumberedParagraph { text, .. } => {
                x.push_str(&paragraph("Normal", &format!("{label}{text}")))
            }
            Block::Table(t) => x.push_str(&table(t)),
            Block::Chart(c) => {
                charts.push(c);
                x.push_str(&chart_paragraphs(c, charts.len()));
            }
        }
    }
    (x, charts)
}

/// The caption, the chart drawn inline (a native Word chart, part `charts/chartN.xml`), and
/// its note.
fn chart_paragraphs(c: &Chart, n: usize) -> String {
    let (cx, cy) = (
        156 * 36_000,
        if c.kind == ChartKind::Line { 80 } else { 100 } * 36_000,
    );
    let mut x = paragraph("TableCaption", &c.caption);
    x.push_str(&format!(
        r#"<w:p><w:pPr><w:pStyle w:val="Chart"/></w:pPr><w:r><w:drawing><wp:inline distT="0" distB="0" distL="0" distR="0"><wp:extent cx="{cx}" cy="{cy}"/><wp:docPr id="{n}" name="{}"/><a:graphic xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main"><a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/chart"><c:chart xmlns:c="http://schemas.openxmlformats.org/drawingml/2006/chart" r:id="rIdChart{n}"/></a:graphicData></a:graphic></wp:inline></w:drawing></w:r></w:p>"#,
        esc(&c.caption)
    ));
    if let Some(note) = &c.note {
        x.push_str(&paragraph("TableNote", note));
    }
    x
}

/// A chart part: the data as literals (no embedded workbook), lines or horizontal bars.
fn chart_xml(c: &Chart) -> String {
    let cats: String = c
        .categories
        .iter()
        .enumerate()
        .map(|(i, v)| format!(r#"<c:pt idx="{i}"><c:v>{}</c:v></c:pt>"#, esc(v)))
        .collect();
    let series: String = c
        .series
        .iter()
        .enumerate()
        .map(|(k, s)| {
            let vals: String = s
                .values
                .iter()
                .enumerate()
                .map(|(i, v)| format!(r#"<c:pt idx="{i}"><c:v>{}</c:v></c:pt>"#, v.round_dp(4).normalize()))
                .collect();
            let colour = if k == 0 { "1F4E79" } else { "A6A6A6" };
            let look = match c.kind {
                ChartKind::Line => format!(
                    r#"<c:spPr><a:ln w="22225"><a:solidFill><a:srgbClr val="{colour}"/></a:solidFill>{}</a:ln></c:spPr><c:marker><c:symbol val="none"/></c:marker>"#,
                    if k == 1 { r#"<a:prstDash val="dash"/>"# } else { "" }
                ),
                ChartKind::Bar => format!(
                    r#"<c:spPr><a:solidFill><a:srgbClr val="{colour}"/></a:solidFill></c:spPr><c:invertIfNegative val="0"/>"#
                ),
            };
            format!(
                r#"<c:ser><c:idx val="{k}"/><c:order val="{k}"/><c:tx><c:v>{}</c:v></c:tx>{look}<c:cat><c:strLit><c:ptCount val="{n}"/>{cats}</c:strLit></c:cat><c:val><c:numLit><c:formatCode>General</c:formatCode><c:ptCount val="{n}"/>{vals}</c:numLit></c:val>{smooth}</c:ser>"#,
                esc(&s.name),
                n = c.categories.len(),
                smooth = if c.kind == ChartKind::Line { r#"<c:smooth val="0"/>"# } else { "" }
            )
        })
        .collect();
    let (plot, cat_pos, val_pos) = match c.kind {
        ChartKind::Line => (
            format!(
                r#"<c:lineChart><c:grouping val="standard"/><c:varyColors val="0"/>{series}<c:marker val="1"/><c:axId val="1"/><c:axId val="2"/></c:lineChart>"#
            ),
            "b",
            "l",
        ),
        ChartKind::Bar => (
            format!(
                r#"<c:barChart><c:barDir val="bar"/><c:grouping val="clustered"/><c:varyColors val="0"/>{series}<c:gapWidth val="60"/><c:axId val="1"/><c:axId val="2"/></c:barChart>"#
            ),
            "l",
            "b",
        ),
    };
    let unit = esc(&c.unit).replace('"', "");
    format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<c:chartSpace xmlns:c="http://schemas.openxmlformats.org/drawingml/2006/chart" xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><c:roundedCorners val="0"/><c:chart><c:autoTitleDeleted val="1"/><c:plotArea><c:layout/>{plot}<c:catAx><c:axId val="1"/><c:scaling><c:orientation val="{orient}"/></c:scaling><c:delete val="0"/><c:axPos val="{cat_pos}"/><c:numFmt formatCode="General" sourceLinked="0"/><c:tickLblPos val="nextTo"/><c:crossAx val="2"/><c:crosses val="autoZero"/><c:auto val="1"/><c:lblAlgn val="ctr"/><c:lblOffset val="100"/></c:catAx><c:valAx><c:axId val="2"/><c:scaling><c:orientation val="minMax"/><c:max val="{max}"/><c:min val="0"/></c:scaling><c:delete val="0"/><c:axPos val="{val_pos}"/><c:majorGridlines/><c:numFmt formatCode="0&quot;{unit}&quot;" sourceLinked="0"/><c:tickLblPos val="nextTo"/><c:crossAx val="1"/><c:crosses val="autoZero"/><c:crossBetween val="between"/></c:valAx></c:plotArea><c:legend><c:legendPos val="t"/><c:overlay val="0"/></c:legend><c:plotVisOnly val="1"/></c:chart><c:txPr><a:bodyPr/><a:lstStyle/><a:p><a:pPr><a:defRPr sz="1050"><a:latin typeface="{font}"/><a:ea typeface="{font}"/></a:defRPr></a:pPr><a:endParaRPr lang="zh-CN"/></a:p></c:txPr></c:chartSpace>"#,
        max = c.max.normalize(),
        // Bars read top to bottom in the categories' order.
        orient = if c.kind == ChartKind::Bar {
            "maxMin"
        } else {
            "minMax"
        },
        font = fonts::BODY,
    )
}

fn document_xml(body_xml: &str) -> String {
    let p = page();
    let (w, h) = p.size;
    let (top, bottom, left, right) = p.margins;
    format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"><w:body>{}<w:sectPr><w:footerReference w:type="default" r:id="rIdFooterOdd"/><w:footerReference w:type="even" r:id="rIdFooterEven"/><w:pgSz w:w="{w}" w:h="{h}"/><w:pgMar w:top="{top}" w:right="{right}" w:bottom="{bottom}" w:left="{left}" w:header="851" w:footer="{footer}" w:gutter="0"/><w:docGrid w:type="lines" w:linePitch="{pitch}"/></w:sectPr></w:body></w:document>"#,
        body_xml,
        // The page number sits 7 mm below the text block.
        footer = bottom - mm(7) - 280,
        // 22 lines fill the 225 mm block: 225 mm / 22 in twips.
        pitch = mm(225) / 22,
    )
}

/// Character spacing (twips) that makes 28 characters of 三号 fill the 156 mm text block:
/// 28 × 16 pt is 448 pt, the block 442 pt, so each character gives up about 0.2 pt.
const BODY_SPACING: i64 = -((28 * 320 - 8844) / 28);

fn rpr(font: &str, half_points: u32, bold: bool) -> String {
    let spacing = if half_points == 32 {
        format!(r#"<w:spacing w:val="{BODY_SPACING}"/>"#)
    } else {
        String::new()
    };
    format!(
        r#"<w:rPr><w:rFonts w:ascii="{font}" w:eastAsia="{font}" w:hAnsi="{font}" w:cs="{font}"/>{}{spacing}<w:sz w:val="{half_points}"/><w:szCs w:val="{half_points}"/></w:rPr>"#,
        if bold { "<w:b/>" } else { "" }
    )
}

fn styles_xml() -> String {
    use fonts::*;
    // 三号 = 16 pt, 二号 = 22 pt, 四号 = 14 pt, 小四 = 12 pt (RULES.md §7.1), in half points.
    let line = format!(
        r#"<w:spacing w:line="{}" w:lineRule="exact" w:before="0" w:after="0"/>"#,
        mm(225) / 22
    );
    let style = |id: &str, name: &str, ppr: &str, rpr_: String| {
        format!(
            r#"<w:style w:type="paragraph" w:styleId="{id}"><w:name w:val="{name}"/><w:basedOn w:val="Normal"/><w:qFormat/><w:pPr>{ppr}</w:pPr>{rpr_}</w:style>"#
        )
    };
    let heading = |level: u32, font: &str, bold: bool| {
        style(
            &format!("Heading{level}"),
            &format!("heading {level}"),
            &format!(
                r#"<w:keepNext/><w:ind w:firstLineChars="200" w:firstLine="640"/><w:outlineLvl w:val="{}"/>"#,
                level - 1
            ),
            rpr(font, 32, bold),
        )
    };
    format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:styles xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:docDefaults><w:rPrDefault>{default_rpr}</w:rPrDefault><w:pPrDefault><w:pPr>{line}<w:jc w:val="both"/></w:pPr></w:pPrDefault></w:docDefaults><w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/><w:qFormat/><w:pPr><w:ind w:firstLineChars="200" w:firstLine="640"/></w:pPr>{body}</w:style>{title}{h1}{h2}{h3}{h4}{caption}{unit}{theader}{ttext}{tnote}{chart}{footer}<w:style w:type="table" w:styleId="Grid"><w:name w:val="Table Grid"/><w:tblPr><w:tblBorders><w:top w:val="single" w:sz="4" w:space="0" w:color="000000"/><w:left w:val="single" w:sz="4" w:space="0" w:color="000000"/><w:bottom w:val="single" w:sz="4" w:space="0" w:color="000000"/><w:right w:val="single" w:sz="4" w:space="0" w:color="000000"/><w:insideH w:val="single" w:sz="4" w:space="0" w:color="000000"/><w:insideV w:val="single" w:sz="4" w:space="0" w:color="000000"/></w:tblBorders><w:tblCellMar><w:left w:w="57" w:type="dxa"/><w:right w:w="57" w:type="dxa"/></w:tblCellMar></w:tblPr></w:style></w:styles>"#,
        default_rpr = rpr(BODY, 32, false),
        body = rpr(BODY, 32, false),
        title = style(
            "Title",
            "Title",
            r#"<w:jc w:val="center"/><w:ind w:firstLineChars="0" w:firstLine="0"/><w:spacing w:line="700" w:lineRule="exact" w:after="580"/>"#,
            rpr(TITLE, 44, false)
        ),
        h1 = heading(1, HEADING1, false),
        h2 = heading(2, HEADING2, false),
        h3 = heading(3, BODY, true),
        h4 = heading(4, BODY, false),
        caption = style(
            "TableCaption",
            "Table Caption",
            r#"<w:keepNext/><w:jc w:val="center"/><w:ind w:firstLineChars="0" w:firstLine="0"/>"#,
            rpr(HEADING1, 32, false)
        ),
        unit = style(
            "UnitNote",
            "Unit Note",
            r#"<w:keepNext/><w:jc w:val="right"/><w:ind w:firstLineChars="0" w:firstLine="0"/>"#,
            rpr(BODY, 28, false)
        ),
        theader = style(
            "TableHeader",
            "Table Header",
            r#"<w:jc w:val="center"/><w:ind w:firstLineChars="0" w:firstLine="0"/><w:spacing w:line="360" w:lineRule="atLeast"/>"#,
            rpr(HEADING1, 24, false)
        ),
        ttext = style(
            "TableText",
            "Table Text",
            r#"<w:jc w:val="center"/><w:ind w:firstLineChars="0" w:firstLine="0"/><w:spacing w:line="360" w:lineRule="atLeast"/>"#,
            rpr(BODY, 24, false)
        ),
        tnote = style(
            "TableNote",
            "Table Note",
            r#"<w:ind w:firstLineChars="0" w:firstLine="0"/>"#,
            rpr(BODY, 24, false)
        ),
        chart = style(
            "Chart",
            "Chart",
            r#"<w:jc w:val="center"/><w:ind w:firstLineChars="0" w:firstLine="0"/><w:spacing w:line="240" w:lineRule="auto"/>"#,
            rpr(BODY, 24, false)
        ),
        footer = style(
            "PageNumber",
            "Page Number",
            r#"<w:ind w:firstLineChars="0" w:firstLine="0"/><w:spacing w:line="240" w:lineRule="auto"/>"#,
            rpr(PAGE_NUMBER, 28, false)
        ),
    )
}

/// A footer with the page number as “— 1 —”, on the right (odd pages) or left (even pages),
/// one character in.
fn footer_xml(right: bool) -> String {
    let (jc, ind) = if right {
        ("right", r#"<w:ind w:right="280" w:firstLine="0"/>"#)
    } else {
        ("left", r#"<w:ind w:left="280" w:firstLine="0"/>"#)
    };
    format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:ftr xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:p><w:pPr><w:pStyle w:val="PageNumber"/><w:jc w:val="{jc}"/>{ind}</w:pPr><w:r><w:t xml:space="preserve">— </w:t></w:r><w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText xml:space="preserve"> PAGE </w:instrText></w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>1</w:t></w:r><w:r><w:fldChar w:fldCharType="end"/></w:r><w:r><w:t xml:space="preserve"> —</w:t></w:r></w:p></w:ftr>"#
    )
}

const CONTENT_TYPES_HEAD: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/><Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/><Override PartName="/word/settings.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.settings+xml"/><Override PartName="/word/footer1.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml"/><Override PartName="/word/footer2.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml"/><Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>"#;

const ROOT_RELS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/></Relationships>"#;

const DOCUMENT_RELS_HEAD: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rIdStyles" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/><Relationship Id="rIdSettings" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/settings" Target="settings.xml"/><Relationship Id="rIdFooterOdd" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/footer" Target="footer1.xml"/><Relationship Id="rIdFooterEven" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/footer" Target="footer2.xml"/>"#;

const SETTINGS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:settings xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:evenAndOddHeaders/><w:defaultTabStop w:val="640"/><w:characterSpacingControl w:val="compressPunctuation"/></w:settings>"#;

fn core_xml(title: &str) -> String {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>{}</dc:title><dc:creator>jixiao</dc:creator></cp:coreProperties>"#,
        esc(title)
    )
}

/// Writes `doc` as a .docx into `out`.
pub fn write<W: Write + Seek>(doc: &Document, out: W) -> zip::result::ZipResult<W> {
    let title = doc.title();
    let (body_xml, charts) = body(doc);
    let mut types = CONTENT_TYPES_HEAD.to_string();
    let mut rels = DOCUMENT_RELS_HEAD.to_string();
    let mut parts = Vec::new();
    for (i, c) in charts.iter().enumerate() {
        let n = i + 1;
        types.push_str(&format!(r#"<Override PartName="/word/charts/chart{n}.xml" ContentType="application/vnd.openxmlformats-officedocument.drawingml.chart+xml"/>"#));
        rels.push_str(&format!(r#"<Relationship Id="rIdChart{n}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/chart" Target="charts/chart{n}.xml"/>"#));
        parts.push((format!("word/charts/chart{n}.xml"), chart_xml(c)));
    }
    types.push_str("</Types>");
    rels.push_str("</Relationships>");
    let mut z = zip::ZipWriter::new(out);
    let o = SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    for (name, content) in [
        ("[Content_Types].xml".to_string(), types),
        ("_rels/.rels".to_string(), ROOT_RELS.to_string()),
        ("docProps/core.xml".to_string(), core_xml(title)),
        ("word/_rels/document.xml.rels".to_string(), rels),
        ("word/document.xml".to_string(), document_xml(&body_xml)),
        ("word/styles.xml".to_string(), styles_xml()),
        ("word/settings.xml".to_string(), SETTINGS.to_string()),
        ("word/footer1.xml".to_string(), footer_xml(true)),
        ("word/footer2.xml".to_string(), footer_xml(false)),
    ]
    .into_iter()
    .chain(parts)
    {
        z.start_file(name, o)?;
        z.write_all(content.as_bytes())?;
    }
    z.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn millimetres_in_twips() {
        assert_eq!(mm(37), 2098);
        assert_eq!(mm(28), 1587);
    }

    #[test]
    fn text_is_escaped() {
        assert_eq!(esc("a<b & \"c\">"), "a&lt;b &amp; &quot;c&quot;&gt;");
    }
}
