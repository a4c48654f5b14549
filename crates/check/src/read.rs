//! The file formats a finance bureau receives, each read to paragraphs and tables with the
//! locations a reviewer would cite: .txt, .docx, .xlsx/.xls/.ods, and .pdf with a text layer
//! (through poppler's `pdftotext`).

use std::io::Read;
use std::path::Path;

/// A paragraph of text and where it is (第12段, 第3页).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Paragraph {
    /// Where it is.
    pub location: String,
    /// Its text.
    pub text: String,
}

/// A table as a grid of cell texts, with the way its cells are named.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Grid {
    /// 工作表“Sheet1” or 第2个表格.
    pub name: String,
    /// Whether cells are named A1-style (a workbook) or by row and column (a Word table).
    pub a1: bool,
    /// Rows of cell texts; a merged cell's text is in its first cell, the rest empty.
    pub rows: Vec<Vec<String>>,
}

impl Grid {
    /// The name of the cell at row `r`, column `c` (from 0).
    pub fn cell(&self, r: usize, c: usize) -> String {
        if self.a1 {
            let mut col = String::new();
            let mut n = c + 1;
            while n > 0 {
                let k = (n - 1) % 26;
                col.insert(0, (b'A' + k as u8) as char);
                n = (n - 1) / 26;
            }
            format!("{}，单元格 {col}{}", self.name, r + 1)
        } else {
            format!("{}，第{}行第{}列", self.name, r + 1, c + 1)
        }
    }

    /// The name of row `r`.
    pub fn row(&self, r: usize) -> String {
        format!("{}，第{}行", self.name, r + 1)
    }
}

/// A document's paragraphs and tables.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Document {
    /// Paragraphs outside tables, in order.
    pub paragraphs: Vec<Paragraph>,
    /// Tables, in order.
    pub tables: Vec<Grid>,
    /// What the file says of itself in `# key: value` lines at its head (a transcribed
    /// excerpt's `source`, and `excerpt: cut` when it ends before the document does).
    pub meta: Vec<(String, String)>,
}

impl Document {
    /// Whether the file is an excerpt that ends before the document does: findings that only
    /// its missing end could settle are notes, never errors.
    pub fn is_cut(&self) -> bool {
        self.meta.iter().any(|(k, v)| k == "excerpt" && v == "cut")
    }

    /// Whether the file is a transcription from a published source (it names its `source`)
    /// that does not say it is complete: chosen paragraphs, not necessarily contiguous.
    pub fn is_excerpt(&self) -> bool {
        self.meta.iter().any(|(k, _)| k == "source")
            && !self
                .meta
                .iter()
                .any(|(k, v)| k == "excerpt" && v == "complete")
    }
}

/// The cells of a table that are prose (a sentence with figures, such as 预期目标 and 实际完成
/// 情况), as paragraphs named by their cell.
pub fn prose_cells(grid: &Grid) -> Vec<Paragraph> {
    let mut out = Vec::new();
    for (r, row) in grid.rows.iter().enumerate() {
        for (c, text) in row.iter().enumerate() {
            let sentence = text.chars().count() >= 16
                && text.chars().any(|ch| ch.is_ascii_digit())
                && text.contains(['，', ',', '。', '；', ':', '：']);
            if sentence {
                out.push(Paragraph {
                    location: grid.cell(r, c),
                    text: text.clone(),
                });
            }
        }
    }
    out
}

/// A file's `# key: value` description.
type Meta = Vec<(String, String)>;

/// The `# key: value` lines at the head of a transcription, and the rest with their indexes.
fn split_meta(text: &str) -> (Meta, Vec<(usize, &str)>) {
    let mut meta = Vec::new();
    let mut lines = text.lines().enumerate().peekable();
    while let Some((_, l)) = lines.peek() {
        let Some(rest) = l.strip_prefix("# ") else {
            break;
        };
        let Some((k, v)) = rest.split_once(':') else {
            break;
        };
        if k.is_empty()
            || !k
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        {
            break;
        }
        meta.push((k.to_string(), v.trim().to_string()));
        lines.next();
    }
    (meta, lines.collect())
}

/// Reads `path` by its extension; the message says why a file cannot be read.
pub fn read(path: &Path) -> Result<Document, String> {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .unwrap_or_default();
    let bytes = std::fs::read(path).map_err(|e| format!("无法读取：{e}"))?;
    if bytes.is_empty() {
        return Err("文件是空的".into());
    }
    // What an Office file may inflate to is bounded before any parser reads it.
    jixiao_archive::guard(path, &jixiao_archive::LIMITS)?;
    match ext.as_str() {
        "txt" | "md" => {
            let text = String::from_utf8(bytes).map_err(|_| {
                "不是 UTF-8 编码的文本：请另存为 UTF-8（记事本“另存为”时选择 UTF-8）".to_string()
            })?;
            Ok(text_document(&text, |i| format!("第{}段", i + 1)))
        }
        "tsv" => {
            let text = String::from_utf8(bytes).map_err(|_| {
                "不是 UTF-8 编码的文本：请另存为 UTF-8（Excel“另存为 Unicode 文本”或 WPS 选择 UTF-8）"
                    .to_string()
            })?;
            Ok(tsv_document(&text))
        }
        "docx" => docx(&bytes),
        "xlsx" | "xlsm" | "xls" | "ods" => workbook(path),
        "pdf" => pdf(path),
        "doc" => {
            Err("旧版 Word（.doc）不能直接读取：请在 Word 或 WPS 中另存为 .docx 后再核查".into())
        }
        "" => Err("没有扩展名，无法判断格式：支持 .xlsx、.docx、.pdf、.txt".into()),
        other => Err(format!(
            "不支持 .{other} 文件：支持 .xlsx、.docx、.pdf（含文字层）、.txt"
        )),
    }
}

/// Paragraphs of plain text: each non-empty line, named by `name` from its index; `# key:
/// value` lines at the head are the file's own description, not its text.
fn text_document(text: &str, name: impl Fn(usize) -> String) -> Document {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let (meta, lines) = split_meta(text);
    Document {
        paragraphs: lines
            .into_iter()
            .filter(|(_, l)| !l.trim().is_empty())
            .map(|(i, l)| Paragraph {
                location: name(i),
                text: strip_markup(l),
            })
            .collect(),
        tables: Vec::new(),
        meta,
    }
}

/// A table as tab-separated text (what Excel's “Unicode text” and a copied table give): one
/// row a line, cells split at tabs, `# key: value` lines at the head as the file's description.
fn tsv_document(text: &str) -> Document {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let (meta, lines) = split_meta(text);
    let rows = lines
        .into_iter()
        .map(|(_, l)| {
            l.trim_end_matches('\r')
                .split('\t')
                .map(|c| c.trim().to_string())
                .collect()
        })
        .collect();
    Document {
        paragraphs: Vec::new(),
        tables: vec![Grid {
            name: "表格".into(),
            a1: false,
            rows,
        }],
        meta,
    }
}

/// Drops `[bookmark: …]` markers that converters leave in text.
fn strip_markup(line: &str) -> String {
    let mut out = String::new();
    let mut rest = line;
    while let Some(at) = rest.find("[bookmark:") {
        out.push_str(&rest[..at]);
        match rest[at..].find(']') {
            Some(end) => rest = &rest[at + end + 1..],
            None => {
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

fn docx(bytes: &[u8]) -> Result<Document, String> {
    let bad = |e: &dyn std::fmt::Display| {
        format!("不是有效的 .docx 文件（{e}）：请用 Word 或 WPS 重新保存")
    };
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).map_err(|e| bad(&e))?;
    let mut xml = String::new();
    zip.by_name("word/document.xml")
        .map_err(|e| bad(&e))?
        .read_to_string(&mut xml)
        .map_err(|e| bad(&e))?;
    parse_document_xml(&xml).map_err(|e| bad(&e))
}

/// Walks `word/document.xml`: body paragraphs, and tables as grids (a cell spanning columns
/// leaves the columns after it empty; a vertically merged cell continues empty).
fn parse_document_xml(xml: &str) -> Result<Document, quick_xml::Error> {
    use quick_xml::events::Event;
    let mut reader = quick_xml::Reader::from_str(xml);
    let mut doc = Document::default();
    let mut depth_tbl = 0usize;
    let mut para = String::new();
    let mut in_text = false;
    let mut cell = String::new();
    let mut span = 1usize;
    let mut row: Vec<String> = Vec::new();
    let mut rows: Vec<Vec<String>> = Vec::new();
    let mut n_para = 0usize;
    loop {
        let ev = reader.read_event()?;
        match ev {
            Event::Start(e) | Event::Empty(e) => match e.local_name().into_inner() {
                "tbl" => {
                    depth_tbl += 1;
                    if depth_tbl == 1 {
                        rows.clear();
                    }
                }
                "tr" if depth_tbl == 1 => row.clear(),
                "tc" if depth_tbl == 1 => {
                    cell.clear();
                    span = 1;
                }
                "gridSpan" if depth_tbl == 1 => {
                    if let Some(v) = e
                        .attributes()
                        .flatten()
                        .find(|a| a.key.local_name().into_inner() == "val")
                    {
                        span = v.value.parse().unwrap_or(1);
                    }
                }
                "t" => in_text = true,
                "tab" => para.push(' '),
                _ => {}
            },
            Event::Text(t) if in_text => {
                para.push_str(&t.xml10_content());
            }
            Event::GeneralRef(r) if in_text => {
                if let Ok(Some(c)) = r.resolve_char_ref() {
                    para.push(c);
                    continue;
                }
                para.push_str(match r.as_ref() {
                    "amp" => "&",
                    "lt" => "<",
                    "gt" => ">",
                    "quot" => "\"",
                    "apos" => "'",
                    _ => "",
                });
            }
            Event::End(e) => match e.local_name().into_inner() {
                "t" => in_text = false,
                "p" => {
                    if depth_tbl == 0 {
                        if !para.trim().is_empty() {
                            n_para += 1;
                            doc.paragraphs.push(Paragraph {
                                location: format!("第{n_para}段"),
                                text: std::mem::take(&mut para),
                            });
                        }
                    } else {
                        if !cell.is_empty() && !para.is_empty() {
                            cell.push('\n');
                        }
                        cell.push_str(&para);
                    }
                    para.clear();
                }
                "tc" if depth_tbl == 1 => {
                    row.push(std::mem::take(&mut cell).trim().to_string());
                    for _ in 1..span {
                        row.push(String::new());
                    }
                }
                "tr" if depth_tbl == 1 => rows.push(std::mem::take(&mut row)),
                "tbl" => {
                    depth_tbl -= 1;
                    if depth_tbl == 0 {
                        let n = doc.tables.len() + 1;
                        doc.tables.push(Grid {
                            name: format!("第{n}个表格"),
                            a1: false,
                            rows: std::mem::take(&mut rows),
                        });
                    }
                }
                _ => {}
            },
            Event::Eof => break,
            _ => {}
        }
    }
    Ok(doc)
}

fn workbook(path: &Path) -> Result<Document, String> {
    use calamine::{open_workbook_auto, Data, Reader};
    let mut wb = open_workbook_auto(path)
        .map_err(|e| format!("不是可读取的工作簿（{e}）：请用 Excel 或 WPS 重新保存"))?;
    let mut doc = Document::default();
    for name in wb.sheet_names() {
        let range = wb
            .worksheet_range(&name)
            .map_err(|e| format!("工作表“{name}”无法读取：{e}"))?;
        let (r0, c0) = range.start().unwrap_or((0, 0));
        let mut rows: Vec<Vec<String>> = vec![Vec::new(); r0 as usize];
        for r in range.rows() {
            let mut row: Vec<String> = vec![String::new(); c0 as usize];
            row.extend(r.iter().map(|v| match v {
                Data::Empty => String::new(),
                Data::String(s) => s.trim().to_string(),
                // The shortest text that reads back as the same number: what was typed.
                Data::Float(f) => format!("{f}"),
                Data::Int(i) => i.to_string(),
                Data::Bool(b) => b.to_string(),
                Data::DateTime(d) => d.to_string(),
                Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
                Data::Error(e) => format!("#{e:?}"),
            }));
            rows.push(row);
        }
        doc.tables.push(Grid {
            name: format!("工作表“{name}”"),
            a1: true,
            rows,
        });
    }
    Ok(doc)
}

fn pdf(path: &Path) -> Result<Document, String> {
    let out = std::process::Command::new("pdftotext")
        .args(["-layout", "-enc", "UTF-8"])
        .arg(path)
        .arg("-")
        .output()
        .map_err(|e| {
            format!("读取 PDF 需要 pdftotext（Debian/Ubuntu：apt-get install poppler-utils）：{e}")
        })?;
    if !out.status.success() {
        return Err(format!(
            "不是可读取的 PDF：{}",
            String::from_utf8_lossy(&out.stderr).trim()
        ));
    }
    let text = String::from_utf8_lossy(&out.stdout);
    let mut doc = Document::default();
    // pdftotext (keeping the layout) breaks lines where the page did; a paragraph starts at
    // an indented line or a numbered heading and runs on across a page break. It is named by
    // the page it starts on.
    let mut para = String::new();
    let mut start = 1usize;
    let flush = |para: &mut String, start: usize, doc: &mut Document| {
        if !para.trim().is_empty() {
            doc.paragraphs.push(Paragraph {
                location: format!("第{start}页"),
                text: para.trim().to_string(),
            });
        }
        para.clear();
    };
    for (page, body) in text.split('\u{c}').enumerate() {
        for raw in body.lines() {
            let line = raw.trim();
            // Page numbers (— 6 —) sit between the lines of a paragraph that runs across a
            // page break; a blank line ends a paragraph only after a sentence's end.
            let digits = line.trim_matches(['—', '-', '–', ' ']);
            if !digits.is_empty()
                && digits.len() < line.len()
                && digits.chars().all(|c| c.is_ascii_digit())
            {
                continue;
            }
            if line.is_empty() {
                if para.ends_with(['。', '！', '？', '；', '：']) {
                    flush(&mut para, start, &mut doc);
                }
                continue;
            }
            // A paragraph starts indented (GB/T 9704: two characters) or with a heading.
            let heading = crate::narrative::starts_heading(line);
            if heading || raw.starts_with("  ") || raw.starts_with('\u{3000}') {
                flush(&mut para, start, &mut doc);
            }
            if para.is_empty() {
                start = page + 1;
            }
            para.push_str(line);
            // A short numbered line is a heading on a line of its own.
            if heading && line.chars().count() <= 30 {
                flush(&mut para, start, &mut doc);
            }
        }
    }
    flush(&mut para, start, &mut doc);
    if doc.paragraphs.is_empty() {
        return Err("PDF 中没有文字层（可能是扫描件）：请提供可复制文字的 PDF 或 Word 文件".into());
    }
    Ok(doc)
}
