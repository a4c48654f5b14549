//! Rows from a CSV file or an Excel sheet, as text records with their row numbers, and the
//! file-level problems a clerk meets: an empty file, a GBK-encoded CSV, a broken workbook.

use crate::mapping::TableMapping;
use crate::tables::{column_letter, Table};
use calamine::{Data, Reader};
use csv::StringRecord;
use jixiao_formats::Problem;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

/// How a CSV file's bytes are to be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Encoding {
    /// UTF-8, with or without a byte-order mark (the default).
    #[default]
    Utf8,
    /// GBK (GB18030), as Excel's plain “CSV（逗号分隔）” saves on Chinese Windows.
    Gbk,
}

/// Where a table's rows come from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    /// A CSV file.
    Csv(PathBuf),
    /// A sheet of a workbook.
    Sheet(PathBuf, String),
}

impl Origin {
    /// The file.
    pub fn file(&self) -> &Path {
        match self {
            Origin::Csv(p) | Origin::Sheet(p, _) => p,
        }
    }

    /// A problem at a row and column of this origin.
    pub fn problem(&self, row: u64, column: Option<(usize, &str)>, message: String) -> Problem {
        let sheet = match self {
            Origin::Sheet(_, s) => format!("工作表“{s}”"),
            Origin::Csv(_) => String::new(),
        };
        let place = match column {
            Some((i, header)) => format!("{sheet}第 {row} 行 {} 列“{header}”", column_letter(i)),
            None => format!("{sheet}第 {row} 行"),
        };
        Problem {
            file: self.file().to_path_buf(),
            location: place,
            message,
        }
    }

    /// A problem with the whole file or sheet.
    pub fn whole(&self, message: String) -> Problem {
        Problem {
            file: self.file().to_path_buf(),
            location: match self {
                Origin::Sheet(_, s) => format!("工作表“{s}”"),
                Origin::Csv(_) => String::new(),
            },
            message,
        }
    }
}

enum Body {
    Csv(csv::Reader<Box<dyn Read + Send>>),
    Sheet(std::vec::IntoIter<(u64, StringRecord)>),
}

/// An open table: its header, the position of each known column, and its rows.
pub struct Rows {
    /// The table read.
    pub table: Table,
    /// Where the rows come from.
    pub origin: Origin,
    /// The header as written.
    pub header: Vec<String>,
    /// For each column of the table, the index of its column in the file.
    pub index: Vec<Option<usize>>,
    /// For each column of the table the file does not carry, the value every row takes.
    fixed: Vec<Option<String>>,
    /// For each column holding another system's codes, how a code reads as jixiao's word.
    translate: Vec<Option<crate::profile::Translate>>,
    /// The file column marking deleted rows, when the mapping names one.
    deleted: Option<usize>,
    /// Rows skipped as marked deleted.
    pub skipped: u64,
    /// Those rows, with their row numbers, to check against what is already stored.
    pub deleted_rows: Vec<(u64, StringRecord)>,
    /// Fen per unit of the table's amounts (元 or 万元).
    fen_per_unit: i64,
    body: Body,
    /// The file's size in bytes (for progress).
    pub size: u64,
}

impl Rows {
    /// Reads the next row into `rec`; its row number in the file, or `None` at the end. Rows
    /// marked deleted are skipped and counted.
    pub fn next(&mut self, rec: &mut StringRecord) -> Result<Option<u64>, Problem> {
        loop {
            let Some(n) = self.next_any(rec)? else {
                return Ok(None);
            };
            let Some(i) = self.deleted else {
                return Ok(Some(n));
            };
            let mark = rec.get(i).unwrap_or("");
            match deleted_mark(mark) {
                Some(false) => return Ok(Some(n)),
                Some(true) => {
                    self.skipped += 1;
                    self.deleted_rows.push((n, rec.clone()));
                }
                None => {
                    return Err(self.origin.problem(
                        n,
                        Some((i, self.header[i].as_str())),
                        format!("“{mark}”不是删除标记：应为 1（是，已删除）或 2（否）"),
                    ))
                }
            }
        }
    }

    fn next_any(&mut self, rec: &mut StringRecord) -> Result<Option<u64>, Problem> {
        match &mut self.body {
            Body::Csv(r) => match r.read_record(rec) {
                Ok(true) => Ok(Some(rec.position().map_or(0, |p| p.line()))),
                Ok(false) => Ok(None),
                Err(e) => Err(csv_problem(&self.origin, &e)),
            },
            Body::Sheet(rows) => Ok(rows.next().map(|(n, r)| {
                *rec = r;
                n
            })),
        }
    }

    /// How many bytes of the file have been read (CSV only; 0 for a sheet).
    pub fn position(&self) -> u64 {
        match &self.body {
            Body::Csv(r) => r.position().byte(),
            Body::Sheet(_) => 0,
        }
    }

    /// The cell of table column `col` in `rec`, trimmed: the mapping's fixed value when the
    /// file does not carry the column, '' when it is absent.
    pub fn cell<'r>(&'r self, rec: &'r StringRecord, col: usize) -> &'r str {
        let raw = match self.index[col] {
            Some(i) => rec.get(i).map_or("", str::trim),
            None => return self.fixed[col].as_deref().unwrap_or(""),
        };
        match self.translate[col].and_then(|f| f(raw)) {
            Some(word) => word,
            None => raw,
        }
    }

    /// The amount in table column `col`, in the table's unit (元 or 万元), exact to the fen.
    pub fn money(
        &self,
        rec: &StringRecord,
        col: usize,
    ) -> Result<jixiao_domain::money::Fen, String> {
        let text = self.cell(rec, col);
        if self.fen_per_unit == jixiao_domain::money::FEN_PER_YUAN {
            return crate::cell::money(text);
        }
        crate::cell::money_in(text, self.fen_per_unit)
    }

    /// The file column index and header of table column `col`, for a problem's location.
    pub fn at(&self, col: usize) -> Option<(usize, &str)> {
        self.index[col].map(|i| (i, self.header[i].as_str()))
    }
}

fn csv_problem(origin: &Origin, e: &csv::Error) -> Problem {
    let row = e.position().map_or(0, |p| p.line());
    match e.kind() {
        csv::ErrorKind::Utf8 { .. } => origin.problem(
            row,
            None,
            "这一行不是 UTF-8 编码的文字：文件可能是 GBK 编码（Excel 的“CSV（逗号分隔）”），请另存为“CSV UTF-8（逗号分隔）”，或导入时加 --encoding gbk".into(),
        ),
        csv::ErrorKind::UnequalLengths { expected_len, len, .. } => origin.problem(
            row,
            None,
            format!("这一行有 {len} 列，表头有 {expected_len} 列：可能有多余或缺少的逗号"),
        ),
        _ => origin.problem(row, None, format!("无法读取：{e}")),
    }
}

/// Opens a CSV file as `table`: checks its encoding and header.
pub fn open_csv(
    path: &Path,
    table: Table,
    mapping: Option<&TableMapping>,
    encoding: Encoding,
) -> Result<Rows, Problem> {
    let (origin, csv, header, size) = csv_reader(path, Some(table), encoding)?;
    let layout = match_header(&origin, table, &header, mapping)?;
    Ok(layout.rows(table, origin, header, Body::Csv(csv), size))
}

/// The header row of a CSV file, to recognise the table it holds.
pub fn csv_header(path: &Path, encoding: Encoding) -> Result<Vec<String>, Problem> {
    csv_reader(path, None, encoding).map(|(_, _, header, _)| header)
}

type CsvReader = csv::Reader<Box<dyn Read + Send>>;

/// A CSV file opened for reading: its origin, reader, header and size.
fn csv_reader(
    path: &Path,
    table: Option<Table>,
    encoding: Encoding,
) -> Result<(Origin, CsvReader, Vec<String>, u64), Problem> {
    let origin = Origin::Csv(path.to_path_buf());
    let file = std::fs::File::open(path).map_err(|e| origin.whole(format!("无法打开：{e}")))?;
    let size = file.metadata().map(|m| m.len()).unwrap_or(0);
    let mut reader = BufReader::with_capacity(1 << 20, file);
    let head = reader
        .fill_buf()
        .map_err(|e| origin.whole(format!("无法读取：{e}")))?;
    let bom = head.starts_with(b"\xEF\xBB\xBF");
    if head.len() == usize::from(bom) * 3 {
        return Err(origin.whole(match table {
            Some(table) => format!(
                "文件是空的，连表头都没有：{}表的第一行应为表头，如 {}",
                table.label,
                table.ids(",")
            ),
            None => "文件是空的，连表头都没有".into(),
        }));
    }
    let input: Box<dyn Read + Send> = match encoding {
        Encoding::Utf8 => {
            if let Err(e) = std::str::from_utf8(head) {
                // An error only in a character cut at the buffer's end is not an error.
                if e.error_len().is_some() {
                    let (_, _, gbk_errors) = encoding_rs::GBK.decode(head);
                    return Err(origin.whole(if gbk_errors {
                        "文件不是 UTF-8 编码，也不像 GBK 编码：请用 Excel 或 WPS 打开后另存为“CSV UTF-8（逗号分隔）”".into()
                    } else {
                        "文件是 GBK 编码（Excel 的“CSV（逗号分隔）”格式），不是 UTF-8：请另存为“CSV UTF-8（逗号分隔）”，或导入时加 --encoding gbk".into()
                    }));
                }
            }
            if bom {
                reader.consume(3);
            }
            Box::new(reader)
        }
        Encoding::Gbk => {
            let mut bytes = Vec::new();
            reader
                .read_to_end(&mut bytes)
                .map_err(|e| origin.whole(format!("无法读取：{e}")))?;
            let (text, _, errors) = encoding_rs::GBK.decode(&bytes);
            if errors {
                return Err(origin.whole(
                    "按 GBK 编码读取时遇到无法识别的字节：文件可能是 UTF-8 编码，请去掉 --encoding gbk 再试".into(),
                ));
            }
            Box::new(std::io::Cursor::new(text.into_owned().into_bytes()))
        }
    };
    let mut csv = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(false)
        .from_reader(input);
    let header: Vec<String> = csv
        .headers()
        .map_err(|e| csv_problem(&origin, &e))?
        .iter()
        .map(|h| h.trim().to_string())
        .collect();
    Ok((origin, csv, header, size))
}

/// A workbook held in memory, named for its problems: read from a file by [`load_workbook`]
/// or taken as an upload's bytes by [`Workbook::from_bytes`], and held to
/// [`jixiao_archive::LIMITS`] (what it may inflate to, its cells) either way, so that opening
/// its sheets cannot exhaust memory. No temporary file is written for an upload.
#[derive(Debug, Clone)]
pub struct Workbook {
    /// The file's name or path, as problems name it.
    pub name: PathBuf,
    bytes: std::sync::Arc<[u8]>,
}

impl Workbook {
    /// An upload's bytes as a workbook, once they pass the limits.
    pub fn from_bytes(name: &Path, bytes: Vec<u8>) -> Result<Workbook, Problem> {
        jixiao_archive::guard_bytes(name, &bytes, &jixiao_archive::LIMITS).map_err(|message| {
            Problem {
                file: name.to_path_buf(),
                location: String::new(),
                message,
            }
        })?;
        Ok(Workbook {
            name: name.to_path_buf(),
            bytes: bytes.into(),
        })
    }

    fn open(&self) -> Result<calamine::Sheets<std::io::Cursor<std::sync::Arc<[u8]>>>, Problem> {
        calamine::open_workbook_auto_from_rs(std::io::Cursor::new(self.bytes.clone()))
            .map_err(|e| workbook_problem(&self.name, &e))
    }

    /// The workbook's sheet names.
    pub fn sheet_names(&self) -> Result<Vec<String>, Problem> {
        Ok(self.open()?.sheet_names().to_vec())
    }
}

/// Reads a workbook file into memory, held to [`jixiao_archive::LIMITS`] first.
pub fn load_workbook(path: &Path) -> Result<Workbook, Problem> {
    jixiao_archive::guard(path, &jixiao_archive::LIMITS).map_err(|message| Problem {
        file: path.to_path_buf(),
        location: String::new(),
        message,
    })?;
    let bytes = std::fs::read(path).map_err(|e| Problem {
        file: path.to_path_buf(),
        location: String::new(),
        message: format!("无法读取该文件：{e}"),
    })?;
    Ok(Workbook {
        name: path.to_path_buf(),
        bytes: bytes.into(),
    })
}

/// The sheet names of a workbook file, or the problem of a file that is not one.
pub fn sheet_names(path: &Path) -> Result<Vec<String>, Problem> {
    load_workbook(path)?.sheet_names()
}

fn workbook_problem(path: &Path, e: &calamine::Error) -> Problem {
    Problem {
        file: path.to_path_buf(),
        location: String::new(),
        message: format!(
            "无法作为 Excel 工作簿打开：文件可能不完整、已损坏或不是 Excel 文件（{e}）。请用 Excel 或 WPS 打开确认后重新保存"
        ),
    }
}

/// The header row of a sheet (its first used row), to recognise the table it holds.
pub fn sheet_header(book: &Workbook, sheet: &str) -> Result<Vec<String>, Problem> {
    let mut wb = book.open()?;
    let range = wb
        .worksheet_range(sheet)
        .map_err(|e| workbook_problem(&book.name, &e))?;
    let pad = range.start().map_or(0, |(_, c)| c as usize);
    Ok(range.rows().next().map_or_else(Vec::new, |head| {
        std::iter::repeat_n(String::new(), pad)
            .chain(head.iter().map(|c| cell_text(c).trim().to_string()))
            .collect()
    }))
}

/// Opens a sheet of a workbook as `table`.
pub fn open_sheet(
    book: &Workbook,
    sheet: &str,
    table: Table,
    mapping: Option<&TableMapping>,
) -> Result<Rows, Problem> {
    let origin = Origin::Sheet(book.name.clone(), sheet.to_string());
    let mut wb = book.open()?;
    let range = wb
        .worksheet_range(sheet)
        .map_err(|e| workbook_problem(&book.name, &e))?;
    let (first_row, first_col) = range.start().unwrap_or((0, 0));
    let mut rows = range.rows();
    let Some(head) = rows.next() else {
        return Err(origin.whole(format!(
            "工作表是空的，连表头都没有：第一行应为表头，如 {}",
            table.labels("、")
        )));
    };
    // Columns before the used range's first are empty; keep indexes as the sheet's letters.
    let pad = first_col as usize;
    let text_row = |cells: &[Data]| -> Vec<String> {
        std::iter::repeat_n(String::new(), pad)
            .chain(cells.iter().map(cell_text))
            .collect()
    };
    let header: Vec<String> = text_row(head)
        .into_iter()
        .map(|h| h.trim().to_string())
        .collect();
    let layout = match_header(&origin, table, &header, mapping)?;
    let body: Vec<(u64, StringRecord)> = rows
        .enumerate()
        .filter(|(_, cells)| cells.iter().any(|c| !matches!(c, Data::Empty)))
        .map(|(i, cells)| {
            (
                u64::from(first_row) + i as u64 + 2,
                StringRecord::from(text_row(cells)),
            )
        })
        .collect();
    Ok(layout.rows(table, origin, header, Body::Sheet(body.into_iter()), 0))
}

/// A number as Excel shows it: at most 15 significant digits. A computed cell holds binary noise
/// past them (`863700.7199999999` for 863,700.72, `0.30000000000000004` for 0.3); what a clerk
/// sees, and means, is the 15-digit form. No arithmetic is done on the number.
fn excel_number(f: f64) -> String {
    let shortest = f.to_string();
    let significant = shortest
        .trim_start_matches('-')
        .trim_start_matches(['0', '.'])
        .chars()
        .filter(char::is_ascii_digit)
        .count();
    let text = if significant > 15 && f.is_finite() && f != 0.0 {
        let magnitude = f.abs().log10().floor() as i32;
        if magnitude >= 15 {
            // A whole number of 16 digits or more: its first 15, then zeros, as Excel keeps it
            // (a code typed as a number has lost its last digits there already).
            let sci = format!("{f:.14e}");
            let (mantissa, exponent) = sci.split_once('e').expect("scientific form");
            let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
            let zeros = (exponent.parse::<usize>().unwrap_or(0) + 1).saturating_sub(digits.len());
            let sign = if f < 0.0 { "-" } else { "" };
            format!("{sign}{digits}{}", "0".repeat(zeros))
        } else {
            let decimals = (14 - magnitude).max(0) as usize;
            let fixed = format!("{f:.decimals$}");
            if fixed.contains('.') {
                fixed
                    .trim_end_matches('0')
                    .trim_end_matches('.')
                    .to_string()
            } else {
                fixed
            }
        }
    } else {
        shortest
    };
    text.strip_suffix(".0").map(str::to_string).unwrap_or(text)
}

/// A header as compared: full-width letters, digits and brackets as their half-width forms,
/// spaces dropped — `支付金额(元)` is `支付金额（元）`, `ＰＡＹ＿ＡＭＴ` is `PAY_AMT`.
pub(crate) fn folded(header: &str) -> String {
    header
        .chars()
        .filter_map(|c| match c {
            '\u{3000}' => None,
            c if c.is_whitespace() => None,
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0),
            c => Some(c),
        })
        .collect()
}

/// What a deleted mark says: 1 (是) deleted, 2 (否) or 0 or empty not; `None` for anything
/// else. Full-width digits and 是/否, Y/N, true/false are read too.
fn deleted_mark(mark: &str) -> Option<bool> {
    match folded(mark).to_ascii_lowercase().as_str() {
        "1" | "1.0" | "是" | "y" | "yes" | "true" => Some(true),
        "2" | "2.0" | "0" | "0.0" | "否" | "n" | "no" | "false" | "" => Some(false),
        _ => None,
    }
}

/// Whether a header names column `c`: its id, its Chinese name or an alias, in any width.
pub(crate) fn names(c: &crate::tables::Column, header: &str) -> bool {
    let h = folded(header);
    h == c.id || h == folded(c.label) || c.aliases.iter().any(|a| h == folded(a))
}

/// A cell as text: numbers in their shortest exact decimal form, dates as `YYYY-MM-DD`.
///
/// Excel keeps numbers as binary floating point; the shortest decimal that reads back as the
/// same number is what Excel shows, and is what jixiao reads. No arithmetic is done on it.
fn cell_text(c: &Data) -> String {
    match c {
        Data::Empty => String::new(),
        Data::String(s) => s.clone(),
        Data::Int(i) => i.to_string(),
        Data::Float(f) => excel_number(*f),
        Data::Bool(b) => if *b { "TRUE" } else { "FALSE" }.into(),
        Data::DateTime(d) => {
            let (y, m, day, ..) = d.to_ymd_hms_milli();
            format!("{y:04}-{m:02}-{day:02}")
        }
        Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::Error(e) => format!("#错误{e:?}"),
    }
}

/// Where a table's columns stand in a file, and what the mapping adds.
struct Layout {
    index: Vec<Option<usize>>,
    fixed: Vec<Option<String>>,
    translate: Vec<Option<crate::profile::Translate>>,
    deleted: Option<usize>,
    fen_per_unit: i64,
}

impl Layout {
    fn rows(
        self,
        table: Table,
        origin: Origin,
        header: Vec<String>,
        body: Body,
        size: u64,
    ) -> Rows {
        Rows {
            table,
            origin,
            header,
            index: self.index,
            fixed: self.fixed,
            translate: self.translate,
            deleted: self.deleted,
            skipped: 0,
            deleted_rows: Vec::new(),
            fen_per_unit: self.fen_per_unit,
            body,
            size,
        }
    }
}

/// Finds each of the table's columns in the header: by the mapping file's name, the English
/// name, the Chinese name or a known alias. A missing required column (that the mapping does
/// not fix) is a problem that lists the header as found.
fn match_header(
    origin: &Origin,
    table: Table,
    header: &[String],
    mapping: Option<&TableMapping>,
) -> Result<Layout, Problem> {
    let mut index = Vec::new();
    let mut fixed = Vec::new();
    let mut translate = Vec::new();
    let mut missing = Vec::new();
    for c in table.columns {
        let mapped = mapping.and_then(|m| m.columns.get(c.id));
        let value = mapping.and_then(|m| m.fixed.get(c.id)).cloned();
        let found = header.iter().position(|h| match mapped {
            Some(name) => folded(h) == folded(name),
            None => names(c, h),
        });
        if found.is_none() && value.is_none() && c.required {
            missing.push(match mapped {
                Some(name) => format!("“{name}”（映射文件为 {} 指定的列）", c.id),
                None => format!("“{}”（{}）", c.label, c.id),
            });
        }
        index.push(found);
        fixed.push(value);
        translate.push(mapping.and_then(|m| m.translate.get(c.id)).copied());
    }
    let deleted = mapping.and_then(|m| m.deleted.as_deref()).and_then(|name| {
        let at = header.iter().position(|h| folded(h) == folded(name));
        if at.is_none() {
            missing.push(format!("“{name}”（标记删除的列）"));
        }
        at
    });
    let fen_per_unit = mapping
        .and_then(|m| m.unit.as_deref())
        .map_or(
            Ok(jixiao_domain::money::FEN_PER_YUAN),
            jixiao_formats::value::money_unit,
        )
        .map_err(|e| origin.whole(e))?;
    if missing.is_empty() {
        Ok(Layout {
            index,
            fixed,
            translate,
            deleted,
            fen_per_unit,
        })
    } else {
        Err(origin.problem(
            1,
            None,
            format!(
                "表头缺少{}表必需的列 {}；实际表头为：{}。列名不同时，可用映射文件（--mapping）指明对应关系",
                table.label,
                missing.join("、"),
                header.join(",")
            ),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_read_as_excel_shows_them() {
        for (f, shown) in [
            (863_700.719_999_999_9, "863700.72"),
            (0.1 + 0.2, "0.3"),
            (97.5, "97.5"),
            (12.3456, "12.3456"),
            (1_200_000.0, "1200000"),
            (-0.05, "-0.05"),
            (0.123_456_789_012_345, "0.123456789012345"),
            (4_409_992_210_100_000_123.0, "4409992210100000000"),
            (1_234_567_890_123_456.0, "1234567890123460"),
            (-1_234_567_890_123_456.0, "-1234567890123460"),
        ] {
            assert_eq!(excel_number(f), shown, "{f:?}");
        }
    }

    #[test]
    fn headers_compare_without_width_or_spaces() {
        assert_eq!(folded("支付金额(元)"), folded("支付金额（元）"));
        assert_eq!(folded("ＰＡＹ＿ＡＭＴ"), "PAY_AMT");
        assert_eq!(folded(" 项目 编码 "), "项目编码");
    }
}
