//! The document as one self-contained HTML page (for the disclosure portal and e-mail):
//! headings numbered, tables as tables, charts as inline SVG, the official fonts named first
//! in the style sheet with free ones after them.

use crate::document::{Block, Chart, ChartKind, Document, Table};
use jixiao_domain::number::format_decimal;
use rust_decimal::Decimal;

fn esc(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

const STYLE: &str = r#"
body { max-width: 156mm; margin: 2em auto; padding: 0 1em; color: #000;
  font: 16pt/1.8 "仿宋_GB2312", "FangSong", "Noto Serif CJK SC", "Source Han Serif SC", serif; }
h1 { font: 22pt/1.6 "方正小标宋简体", "Noto Serif CJK SC", serif; font-weight: bold; text-align: center; }
h2 { font: 16pt/1.8 "黑体", "SimHei", "Noto Sans CJK SC", sans-serif; margin: .6em 0 0; text-indent: 2em; }
h3 { font: 16pt/1.8 "楷体_GB2312", "KaiTi", "Noto Serif CJK SC", serif; font-weight: normal; margin: 0; text-indent: 2em; }
h4 { font-size: 16pt; margin: 0; text-indent: 2em; }
h5 { font-size: 16pt; font-weight: normal; margin: 0; text-indent: 2em; }
h2.plain { text-indent: 0; margin-top: 1.5em; }
p { margin: 0; text-indent: 2em; text-align: justify; }
figure { margin: 1em 0; text-align: center; }
figcaption, caption { font-family: "黑体", "SimHei", "Noto Sans CJK SC", sans-serif; }
table { border-collapse: collapse; margin: .5em auto; font-size: 12pt; line-height: 1.5; }
th, td { border: 1px solid #000; padding: 2px 4px; text-align: center; }
th { font-family: "黑体", "SimHei", "Noto Sans CJK SC", sans-serif; font-weight: normal; }
.unit { text-align: right; font-size: 14pt; text-indent: 0; }
.note { font-size: 12pt; text-indent: 0; }
"#;

fn table(t: &Table) -> String {
    let mut x = String::new();
    if let Some(unit) = &t.unit_note {
        x.push_str(&format!(r#"<p class="unit">{}</p>"#, esc(unit)));
    }
    x.push_str("<table>");
    if !t.caption.is_empty() {
        x.push_str(&format!("<caption>{}</caption>", esc(&t.caption)));
    }
    if !t.header.is_empty() {
        x.push_str("<thead><tr>");
        for h in &t.header {
            x.push_str(&format!("<th>{}</th>", esc(h)));
        }
        x.push_str("</tr></thead>");
    }
    x.push_str("<tbody>");
    for (i, r) in t.rows.iter().enumerate() {
        x.push_str("<tr>");
        for (c, span) in r.iter().zip(t.spans_of(i)) {
            if span > 1 {
                x.push_str(&format!(r#"<td colspan="{span}">{}</td>"#, esc(c)));
            } else {
                x.push_str(&format!("<td>{}</td>", esc(c)));
            }
        }
        x.push_str("</tr>");
    }
    x.push_str("</tbody></table>");
    for n in &t.notes {
        x.push_str(&format!(r#"<p class="note">{}</p>"#, esc(n)));
    }
    x
}

/// A chart as SVG: a line chart over the categories, or horizontal bars (long names whole).
pub fn svg(c: &Chart) -> String {
    let f = |d: &Decimal| d.to_string().parse::<f64>().unwrap_or(0.0);
    let max = f(&c.max).max(f64::EPSILON);
    let colours = ["#1f4e79", "#a6a6a6"];
    let mut x = String::new();
    match c.kind {
        ChartKind::Line => {
            let (w, h, left, top, bottom) = (600.0, 300.0, 50.0, 30.0, 30.0);
            let plot_h = h - top - bottom;
            let step = (w - left - 10.0) / c.categories.len().max(1) as f64;
            x.push_str(&format!(r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {h}" width="100%" role="img" aria-label="{}" font-size="12">"#, esc(&c.caption)));
            for k in 0..=5 {
                let v = max * f64::from(k) / 5.0;
                let y = top + plot_h - plot_h * v / max;
                x.push_str(&format!(r##"<line x1="{left}" x2="{}" y1="{y:.1}" y2="{y:.1}" stroke="#ddd"/><text x="{}" y="{:.1}" text-anchor="end">{}{}</text>"##, w - 10.0, left - 4.0, y + 4.0, v.round(), esc(&c.unit)));
            }
            for (i, cat) in c.categories.iter().enumerate() {
                x.push_str(&format!(
                    r#"<text x="{:.1}" y="{}" text-anchor="middle">{}</text>"#,
                    left + step * (i as f64 + 0.5),
                    h - 10.0,
                    esc(cat)
                ));
            }
            for (k, s) in c.series.iter().enumerate() {
                let points: Vec<String> = s
                    .values
                    .iter()
                    .enumerate()
                    .map(|(i, v)| {
                        format!(
                            "{:.1},{:.1}",
                            left + step * (i as f64 + 0.5),
                            top + plot_h - plot_h * f(v) / max
                        )
                    })
                    .collect();
                x.push_str(&format!(
                    r#"<polyline fill="none" stroke="{}" stroke-width="2"{} points="{}"/>"#,
                    colours[k % 2],
                    if k == 1 {
                        r#" stroke-dasharray="6 4""#
                    } else {
                        ""
                    },
                    points.join(" ")
                ));
                x.push_str(&format!(
                    r#"<text x="{}" y="16" fill="{}">— {}</text>"#,
                    180.0 + 140.0 * k as f64,
                    colours[k % 2],
                    esc(&s.name)
                ));
            }
        }
        ChartKind::Bar => {
            let row = 22.0;
            let names = 240.0;
            let w = 600.0;
            let h = 30.0 + row * c.categories.len() as f64;
            x.push_str(&format!(r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {h}" width="100%" role="img" aria-label="{}" font-size="12">"#, esc(&c.caption)));
            for (k, s) in c.series.iter().enumerate() {
                x.push_str(&format!(r#"<rect x="{}" y="6" width="12" height="10" fill="{}"/><text x="{}" y="16">{}</text>"#, 250.0 + 100.0 * k as f64, colours[(k + 1) % 2], 266.0 + 100.0 * k as f64, esc(&s.name)));
            }
            for (i, cat) in c.categories.iter().enumerate() {
                let y = 26.0 + row * i as f64;
                x.push_str(&format!(
                    r#"<text x="{}" y="{:.1}" text-anchor="end">{}</text>"#,
                    names - 6.0,
                    y + 12.0,
                    esc(cat)
                ));
                for (k, s) in c.series.iter().enumerate() {
                    let v = s.values.get(i).map_or(0.0, f);
                    let len = (w - names - 50.0) * v / max;
                    x.push_str(&format!(
                        r#"<rect x="{names}" y="{:.1}" width="{len:.1}" height="8" fill="{}"/>"#,
                        y + 2.0 + 9.0 * k as f64,
                        colours[(k + 1) % 2]
                    ));
                    if k + 1 == c.series.len() {
                        let t =
                            format_decimal(s.values.get(i).copied().unwrap_or_default(), 2, true);
                        x.push_str(&format!(
                            r#"<text x="{:.1}" y="{:.1}">{t}</text>"#,
                            names + len + 4.0,
                            y + 18.0
                        ));
                    }
                }
            }
        }
    }
    x.push_str("</svg>");
    x
}

/// Renders `doc` as a complete HTML page.
pub fn to_html(doc: &Document) -> String {
    let title = doc.title();
    let mut x = format!(
        "<!DOCTYPE html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>{}</title><style>{STYLE}</style></head><body>\n",
        esc(title)
    );
    for (label, block) in doc.numbered() {
        match block {
            Block::Title(t) => x.push_str(&format!("<h1>{}</h1>\n", esc(t))),
            Block::Heading { level, text } => {
                let l = (*level).clamp(1, 4) + 1;
                x.push_str(&format!("<h{l}>{}{}</h{l}>\n", esc(&label), esc(text)));
            }
            Block::PlainHeading(t) => x.push_str(&format!("<h2 class=\"plain\">{}</h2>\n", esc(t))),
            Block::Paragraph(t) => x.push_str(&format!("<p>{}</p>\n", esc(t))),
            Block::NumberedParagraph { text, .. } => {
                x.push_str(&format!("<p>{}{}</p>\n", esc(&label), esc(text)))
            }
            Block::Table(t) => {
                x.push_str(&table(t));
                x.push('\n');
            }
            Block::Chart(c) => {
                x.push_str(&format!(
                    "<figure><figcaption>{}</figcaption>{}",
                    esc(&c.caption),
                    svg(c)
                ));
                if let Some(n) = &c.note {
                    x.push_str(&format!(r#"<p class="note">{}</p>"#, esc(n)));
                }
                x.push_str("</figure>\n");
            }
        }
    }
    x.push_str("</body></html>\n");
    x
}
