//! What an Office file from outside may inflate to, checked before a parser reads it.
//!
//! An .xlsx, .docx or .ods is a zip archive, and its parsers read whole parts into memory: a
//! 1 MB workbook whose shared strings inflate to 1 GB takes a server to gigabytes. [`guard`]
//! inflates every part once through a counting sink — never trusting the sizes the archive
//! declares, and never holding more than a small buffer — and refuses the file as soon as a
//! part, the total or a part's compression ratio passes its [`Limits`]; then, for workbooks,
//! it counts each sheet's cells with calamine's streaming reader (no dense range is built)
//! and refuses sheets with too many cells or coordinates out of Excel's grid. Every refusal
//! is a sentence in Chinese a clerk can act on.

use std::io::{Read, Seek};
use std::path::Path;

/// The bounds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Parts (files inside the archive), at most.
    pub entries: usize,
    /// Bytes one part may inflate to.
    pub part: u64,
    /// Bytes all parts together may inflate to.
    pub total: u64,
    /// Inflated ÷ compressed size a part larger than 1 MB may reach.
    pub ratio: u64,
    /// Cells one sheet may hold.
    pub cells: u64,
    /// Cells of the rectangle from A1 to a sheet's last used cell: what a parser allocates.
    pub area: u64,
    /// Bytes of text a sheet's cells hold once each cell has its own copy of its shared
    /// string, as a parser makes them.
    pub text: u64,
    /// Rows a sheet may reach (Excel's grid).
    pub rows: u32,
    /// Columns a sheet may reach (Excel's grid).
    pub columns: u32,
}

/// What jixiao accepts: well above any real self-evaluation table, budget workbook or report
/// (a 500,000-row payment sheet inflates to about 60 MB and holds 3 million cells), far below
/// what hurts a server: a parsed sheet at the limits takes about 200 MB (6 million cells of 32
/// bytes, and 128 MB of text).
pub const LIMITS: Limits = Limits {
    entries: 5_000,
    part: 100 << 20,
    total: 200 << 20,
    ratio: 400,
    cells: 4_000_000,
    area: 6_000_000,
    text: 128 << 20,
    rows: 1_048_576,
    columns: 16_384,
};

const MB: u64 = 1 << 20;

fn mb(n: u64) -> String {
    format!("{} MB", n / MB)
}

/// Why a file is refused, as a clerk reads it.
fn refusal(what: &str) -> String {
    format!(
        "{what}。这不像正常的报表或报告，可能已损坏或是被恶意构造的文件，未做任何处理；请在 Excel、Word 或 WPS 中打开后另存为新文件，或拆分后再提交"
    )
}

/// A writer that counts and forgets.
struct Count(u64);

impl std::io::Write for Count {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0 += buf.len() as u64;
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Checks a zip-based Office file (read from `reader`) against `limits` by inflating every
/// part once. Files that are not zip archives pass: their own reader says what they are.
pub fn check_archive<R: Read + Seek>(reader: R, limits: &Limits) -> Result<(), String> {
    let mut zip = match zip::ZipArchive::new(reader) {
        Ok(z) => z,
        Err(_) => return Ok(()),
    };
    if zip.len() > limits.entries {
        return Err(refusal(&format!(
            "文件内含 {} 个部件，超过上限 {} 个",
            zip.len(),
            limits.entries
        )));
    }
    let mut total = 0u64;
    for i in 0..zip.len() {
        let mut part = zip
            .by_index(i)
            .map_err(|e| format!("文件已损坏，无法读取其中第 {} 个部件（{e}）", i + 1))?;
        let name = part
            .name()
            .map(|n| n.to_string())
            .unwrap_or_else(|_| format!("第 {} 个部件", i + 1));
        let compressed = part.compressed_size().max(1);
        // What it says first: an honest bomb is refused without inflating anything.
        if part.size() > limits.part {
            return Err(refusal(&format!(
                "其中“{name}”声明解压后为 {}，超过单个部件上限 {}",
                mb(part.size()),
                mb(limits.part)
            )));
        }
        // Then what it really inflates to, whatever it says.
        let mut count = Count(0);
        let copied = std::io::copy(&mut (&mut part).take(limits.part + 1), &mut count);
        if count.0 > limits.part {
            return Err(refusal(&format!(
                "其中“{name}”解压后超过单个部件上限 {}",
                mb(limits.part)
            )));
        }
        if copied.is_err() {
            return Err(refusal(&format!(
                "其中“{name}”无法完整解压，或解压后与它声明的大小（{} 字节）不符",
                part.size()
            )));
        }
        if count.0 > MB && count.0 / compressed > limits.ratio {
            return Err(refusal(&format!(
                "其中“{name}”压缩比为 {}:1，超过上限 {}:1",
                count.0 / compressed,
                limits.ratio
            )));
        }
        total += count.0;
        if total > limits.total {
            return Err(refusal(&format!(
                "文件解压后总大小超过上限 {}",
                mb(limits.total)
            )));
        }
    }
    Ok(())
}

/// Counts each sheet's cells of an .xlsx with calamine's streaming reader (it keeps only the
/// shared strings, which the archive check has bounded) and refuses a sheet that a parser
/// could not hold: more than `limits.cells` cells, cells outside Excel's grid, a rectangle
/// from A1 to its last cell of more than `limits.area` cells, or more than `limits.text` bytes
/// of text once every cell has its own copy of its shared string.
pub fn check_cells<R: Read + Seek>(reader: R, limits: &Limits) -> Result<(), String> {
    use calamine::Reader;
    let Ok(mut wb) = calamine::Xlsx::new(reader) else {
        return Ok(());
    };
    for name in wb.sheet_names() {
        let Ok(mut cells) = wb.worksheet_cells_reader(&name) else {
            continue;
        };
        let (mut n, mut max_row, mut max_col, mut text) = (0u64, 0u32, 0u32, 0u64);
        while let Ok(Some(cell)) = cells.next_cell() {
            n += 1;
            let (r, c) = cell.get_position();
            max_row = max_row.max(r);
            max_col = max_col.max(c);
            text += match cell.get_value() {
                calamine::DataRef::SharedString(s) => s.len() as u64,
                calamine::DataRef::String(s)
                | calamine::DataRef::DateTimeIso(s)
                | calamine::DataRef::DurationIso(s) => s.len() as u64,
                _ => 0,
            };
            if n > limits.cells {
                return Err(refusal(&format!(
                    "工作表“{name}”的单元格超过 {} 个",
                    limits.cells
                )));
            }
            if r >= limits.rows || c >= limits.columns {
                return Err(refusal(&format!(
                    "工作表“{name}”有单元格位于第 {} 行第 {} 列，超出 Excel 的表格范围",
                    r as u64 + 1,
                    c as u64 + 1
                )));
            }
            if text > limits.text {
                return Err(refusal(&format!(
                    "工作表“{name}”各单元格的文字合计超过 {}（同一段共享文字被大量单元格引用）",
                    mb(limits.text)
                )));
            }
        }
        // A few cells far apart make a parser allocate their whole bounding box.
        let area = (max_row as u64 + 1) * (max_col as u64 + 1);
        if n > 0 && area > limits.area {
            return Err(refusal(&format!(
                "工作表“{name}”的使用范围达 {} 行 × {} 列，超过 {} 个单元格的上限",
                max_row as u64 + 1,
                max_col as u64 + 1,
                limits.area
            )));
        }
    }
    Ok(())
}

/// Counts the cells an .ods sheet expands to: a `table:table-cell` with a value, repeated
/// `table:number-columns-repeated` times in a row repeated `table:number-rows-repeated` times,
/// read from `content.xml` while it inflates (empty repeated cells, which LibreOffice writes
/// to the end of the grid, hold nothing and are not counted).
fn check_ods_cells<R: Read>(content: R, limits: &Limits) -> Result<(), String> {
    fn attr(tag: &[u8], name: &[u8]) -> Option<u64> {
        let at = tag.windows(name.len()).position(|w| w == name)? + name.len();
        let rest = &tag[at..];
        let rest = rest
            .strip_prefix(b"=\"")
            .or_else(|| rest.strip_prefix(b"='"))?;
        let digits: Vec<u8> = rest
            .iter()
            .copied()
            .take_while(u8::is_ascii_digit)
            .collect();
        std::str::from_utf8(&digits).ok()?.parse().ok()
    }
    let mut reader = std::io::BufReader::new(content);
    let mut tag: Vec<u8> = Vec::new();
    let (mut in_tag, mut row_repeat, mut cells) = (false, 1u64, 0u64);
    let mut buf = [0u8; 64 << 10];
    loop {
        let n = reader
            .read(&mut buf)
            .map_err(|e| format!("文件已损坏：content.xml 无法解压（{e}）"))?;
        if n == 0 {
            break;
        }
        for &b in &buf[..n] {
            if b == b'<' {
                in_tag = true;
                tag.clear();
            } else if b == b'>' && in_tag {
                in_tag = false;
                if tag.starts_with(b"table:table-row") {
                    row_repeat = attr(&tag, b"table:number-rows-repeated").unwrap_or(1);
                } else if tag.starts_with(b"table:table-cell")
                    && tag.windows(17).any(|w| w == b"office:value-type")
                {
                    let repeat = attr(&tag, b"table:number-columns-repeated").unwrap_or(1);
                    cells = cells.saturating_add(repeat.saturating_mul(row_repeat));
                    if cells > limits.cells {
                        return Err(refusal(&format!(
                            "表格展开后的单元格超过 {} 个（重复的行或列）",
                            limits.cells
                        )));
                    }
                }
            } else if in_tag && tag.len() < 4096 {
                tag.push(b);
            }
        }
    }
    Ok(())
}

/// Checks an Office file on disk before any parser reads it: the archive for .xlsx, .xlsm,
/// .docx and .ods, then the sheets' cells for .xlsx, .xlsm and .ods. Other files pass; an
/// old binary .xls holds at most Excel 97's grid (65,536 × 256 cells) and is not compressed,
/// so what it can make a parser allocate is bounded by its size as uploaded.
pub fn guard(path: &Path, limits: &Limits) -> Result<(), String> {
    guard_with(path, limits, || {
        std::fs::File::open(path)
            .map(std::io::BufReader::new)
            .map_err(|e| format!("无法读取：{e}"))
    })
}

/// [`guard`] for a file's bytes in memory (an upload), `name` giving its kind: the same
/// checks, with no file written.
pub fn guard_bytes(name: &Path, bytes: &[u8], limits: &Limits) -> Result<(), String> {
    guard_with(name, limits, || Ok(std::io::Cursor::new(bytes)))
}

/// The checks of [`guard`], each reading afresh from `open`.
fn guard_with<R: Read + Seek>(
    name: &Path,
    limits: &Limits,
    open: impl Fn() -> Result<R, String>,
) -> Result<(), String> {
    let ext = name
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .unwrap_or_default();
    if !matches!(ext.as_str(), "xlsx" | "xlsm" | "docx" | "ods") {
        return Ok(());
    }
    check_archive(open()?, limits)?;
    if matches!(ext.as_str(), "xlsx" | "xlsm") {
        check_cells(open()?, limits)?;
    }
    if ext == "ods" {
        if let Ok(mut zip) = zip::ZipArchive::new(open()?) {
            if let Ok(content) = zip.by_name("content.xml") {
                // Bounded already: it inflates to at most `limits.part`.
                check_ods_cells(content, limits)?;
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn zip_with(name: &str, content: &[u8]) -> Vec<u8> {
        let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        w.start_file(name, zip::write::SimpleFileOptions::default())
            .unwrap();
        w.write_all(content).unwrap();
        w.finish().unwrap().into_inner()
    }

    const SMALL: Limits = Limits {
        entries: 10,
        part: 4 << 20,
        total: 6 << 20,
        ratio: 100,
        cells: 100,
        area: 400,
        text: 1 << 20,
        rows: 1_048_576,
        columns: 16_384,
    };

    #[test]
    fn a_part_over_its_limit_is_refused_and_a_small_one_passes() {
        let ok = zip_with("xl/sharedStrings.xml", &[b'a'; 1000]);
        assert_eq!(check_archive(std::io::Cursor::new(ok), &SMALL), Ok(()));
        let big = zip_with("xl/sharedStrings.xml", &vec![b'a'; 5 << 20]);
        let e = check_archive(std::io::Cursor::new(big), &SMALL).unwrap_err();
        assert!(
            e.contains("xl/sharedStrings.xml") && e.contains("上限"),
            "{e}"
        );
    }

    #[test]
    fn a_part_that_lies_about_its_size_is_refused_by_what_it_inflates_to() {
        let mut bytes = zip_with("xl/sharedStrings.xml", &vec![b'a'; 5 << 20]);
        // Make both headers claim 1,000 bytes.
        for sig in [&b"PK\x03\x04"[..], &b"PK\x01\x02"[..]] {
            let at = bytes.windows(4).position(|w| w == sig).unwrap();
            let off = if sig[2] == 3 { at + 22 } else { at + 24 };
            bytes[off..off + 4].copy_from_slice(&1000u32.to_le_bytes());
        }
        let e = check_archive(std::io::Cursor::new(bytes), &SMALL).unwrap_err();
        assert!(e.contains("sharedStrings") || e.contains("损坏"), "{e}");
    }

    #[test]
    fn a_ratio_beyond_the_limit_is_refused() {
        let limits = Limits {
            part: 64 << 20,
            total: 64 << 20,
            ..SMALL
        };
        let bytes = zip_with("word/document.xml", &vec![b' '; 3 << 20]);
        let e = check_archive(std::io::Cursor::new(bytes), &limits).unwrap_err();
        assert!(e.contains("压缩比"), "{e}");
    }

    #[test]
    fn what_is_not_a_zip_archive_passes_to_its_own_reader() {
        assert_eq!(
            check_archive(std::io::Cursor::new(b"a,b\n1,2\n".to_vec()), &SMALL),
            Ok(())
        );
    }
}

/// For tests: decompression bombs shaped as workbooks. Not part of the product.
#[doc(hidden)]
pub mod testing {
    /// One part of a zip archive being written by hand.
    struct Part {
        name: &'static str,
        method: u16,
        crc: u32,
        compressed: Vec<u8>,
        size: u32,
    }

    fn deflated(name: &'static str, bytes: &[u8]) -> Part {
        use std::io::Write;
        let mut crc = crc32fast::Hasher::new();
        crc.update(bytes);
        let mut e = flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::fast());
        e.write_all(bytes).expect("deflate");
        Part {
            name,
            method: 8,
            crc: crc.finalize(),
            compressed: e.finish().expect("deflate"),
            size: bytes.len() as u32,
        }
    }

    fn stored(name: &'static str, text: &str) -> Part {
        let mut h = crc32fast::Hasher::new();
        h.update(text.as_bytes());
        Part {
            name,
            method: 0,
            crc: h.finalize(),
            compressed: text.as_bytes().to_vec(),
            size: text.len() as u32,
        }
    }

    /// An .xlsx whose shared strings inflate to `inflated` bytes (at most 4 GB) of `A`, in about
    /// 1 MB per GB: one deflate block of 1 MB of `A` (a literal, then matches at distance 1)
    /// repeated, which is valid because every match reaches back only to `A`s. With `lie`, the
    /// headers claim the part is 4 KB, so only inflating it tells.
    pub fn bomb_xlsx(inflated: u64, lie: bool) -> Vec<u8> {
        const MB: usize = 1 << 20;
        let mut deflate = flate2::Compress::new(flate2::Compression::best(), false);
        let mut block = Vec::with_capacity(64 << 10);
        deflate
            .compress_vec(&vec![b'A'; MB], &mut block, flate2::FlushCompress::Sync)
            .expect("deflate");
        let n = inflated.div_ceil(MB as u64);
        let mut data = Vec::with_capacity(block.len() * n as usize + 2);
        let mut crc = crc32fast::Hasher::new();
        let chunk = vec![b'A'; MB];
        for _ in 0..n {
            data.extend_from_slice(&block);
            crc.update(&chunk);
        }
        // A last, empty block with fixed codes.
        data.extend_from_slice(&[0x03, 0x00]);
        let size = (n * MB as u64) as u32;
        let mut parts = skeleton(
            r#"<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="s"><v>0</v></c></row></sheetData></worksheet>"#,
        );
        parts.push(Part {
            name: "xl/sharedStrings.xml",
            method: 8,
            crc: crc.finalize(),
            compressed: data,
            size: if lie { 4096 } else { size },
        });
        write_zip(&parts)
    }

    /// An .xlsx with two cells, A1 and XFD1048576: a parser would allocate the 17 billion
    /// cells between them.
    pub fn area_bomb_xlsx() -> Vec<u8> {
        let mut parts = skeleton(
            r#"<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1"><v>1</v></c></row><row r="1048576"><c r="XFD1048576"><v>1</v></c></row></sheetData></worksheet>"#,
        );
        parts.push(stored("xl/sharedStrings.xml", r#"<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="0" uniqueCount="0"></sst>"#));
        write_zip(&parts)
    }

    /// An .xlsx whose one shared string, just under 1 MB (below the ratio rule's reach), is
    /// referenced by `cells` cells: a parser copies it into every one (200,000 cells: 200 GB).
    pub fn copy_bomb_xlsx(cells: u32) -> Vec<u8> {
        let mut sheet = String::from(
            r#"<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>"#,
        );
        let columns = 100u32;
        for r in 0..cells.div_ceil(columns) {
            sheet.push_str(&format!("<row r=\"{}\">", r + 1));
            for c in 0..columns.min(cells - r * columns) {
                let (a, b) = (c / 26, c % 26);
                let col = if a == 0 {
                    format!("{}", (b'A' + b as u8) as char)
                } else {
                    format!(
                        "{}{}",
                        (b'A' + a as u8 - 1) as char,
                        (b'A' + b as u8) as char
                    )
                };
                sheet.push_str(&format!("<c r=\"{col}{}\" t=\"s\"><v>0</v></c>", r + 1));
            }
            sheet.push_str("</row>");
        }
        sheet.push_str("</sheetData></worksheet>");
        let sst = format!(
            r#"<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" uniqueCount="1"><si><t>{}</t></si></sst>"#,
            "A".repeat(1_000_000)
        );
        let mut parts = skeleton("");
        parts.pop();
        parts.push(deflated("xl/worksheets/sheet1.xml", sheet.as_bytes()));
        parts.push(deflated("xl/sharedStrings.xml", sst.as_bytes()));
        write_zip(&parts)
    }

    /// The parts every workbook here has, with `sheet` as its one sheet.
    fn skeleton(sheet: &str) -> Vec<Part> {
        vec![
            stored(
                "[Content_Types].xml",
                r#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>"#,
            ),
            stored(
                "_rels/.rels",
                r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#,
            ),
            stored(
                "xl/workbook.xml",
                r#"<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="支付流水" sheetId="1" r:id="rId1"/></sheets></workbook>"#,
            ),
            stored(
                "xl/_rels/workbook.xml.rels",
                r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>"#,
            ),
            stored("xl/worksheets/sheet1.xml", sheet),
        ]
    }

    /// The zip archive of `parts`, written by hand.
    fn write_zip(parts: &[Part]) -> Vec<u8> {
        let mut out = Vec::new();
        let mut central = Vec::new();
        let u16le = |v: &mut Vec<u8>, x: u16| v.extend_from_slice(&x.to_le_bytes());
        let u32le = |v: &mut Vec<u8>, x: u32| v.extend_from_slice(&x.to_le_bytes());
        for p in parts {
            let offset = out.len() as u32;
            u32le(&mut out, 0x0403_4b50);
            for x in [20, 0x0800, p.method, 0, 0x21] {
                u16le(&mut out, x);
            }
            u32le(&mut out, p.crc);
            u32le(&mut out, p.compressed.len() as u32);
            u32le(&mut out, p.size);
            u16le(&mut out, p.name.len() as u16);
            u16le(&mut out, 0);
            out.extend_from_slice(p.name.as_bytes());
            out.extend_from_slice(&p.compressed);
            u32le(&mut central, 0x0201_4b50);
            for x in [20, 20, 0x0800, p.method, 0, 0x21] {
                u16le(&mut central, x);
            }
            u32le(&mut central, p.crc);
            u32le(&mut central, p.compressed.len() as u32);
            u32le(&mut central, p.size);
            for x in [p.name.len() as u16, 0, 0, 0, 0] {
                u16le(&mut central, x);
            }
            u32le(&mut central, 0);
            u32le(&mut central, offset);
            central.extend_from_slice(p.name.as_bytes());
        }
        let (at, len) = (out.len() as u32, central.len() as u32);
        out.extend_from_slice(&central);
        u32le(&mut out, 0x0605_4b50);
        for x in [0, 0, parts.len() as u16, parts.len() as u16] {
            u16le(&mut out, x);
        }
        u32le(&mut out, len);
        u32le(&mut out, at);
        u16le(&mut out, 0);
        out
    }
}

#[cfg(test)]
mod bomb_tests {
    #[test]
    fn the_test_bombs_are_refused_whether_honest_or_lying() {
        let t = std::time::Instant::now();
        let honest = super::testing::bomb_xlsx(1 << 30, false);
        eprintln!(
            "1 GB bomb built in {:?}: {} bytes",
            t.elapsed(),
            honest.len()
        );
        assert!(honest.len() < 2 << 20, "{}", honest.len());
        let e = super::check_archive(std::io::Cursor::new(honest), &super::LIMITS).unwrap_err();
        assert!(e.contains("声明解压后"), "{e}");
        let lying = super::testing::bomb_xlsx(1 << 30, true);
        let t = std::time::Instant::now();
        let e = super::check_archive(std::io::Cursor::new(lying), &super::LIMITS).unwrap_err();
        eprintln!("lying bomb refused in {:?}: {e}", t.elapsed());
        assert!(
            e.contains("xl/sharedStrings.xml") && e.contains("不符"),
            "{e}"
        );
    }

    fn guarded(bytes: Vec<u8>) -> Result<(), String> {
        let dir = std::env::temp_dir().join(format!("jixiao-archive-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join(format!("b{}.xlsx", bytes.len()));
        std::fs::write(&path, bytes).unwrap();
        let r = super::guard(&path, &super::LIMITS);
        let _ = std::fs::remove_file(&path);
        r
    }

    #[test]
    fn a_far_cell_and_a_string_copied_into_many_cells_are_refused_before_parsing() {
        let e = guarded(super::testing::area_bomb_xlsx()).unwrap_err();
        assert!(e.contains("使用范围"), "{e}");
        let bomb = super::testing::copy_bomb_xlsx(200_000);
        assert!(bomb.len() < 2 << 20, "{}", bomb.len());
        let e = guarded(bomb).unwrap_err();
        assert!(e.contains("文字合计"), "{e}");
        // The same shape within the limits passes: 100 cells hold 100 MB of copies.
        assert_eq!(guarded(super::testing::copy_bomb_xlsx(100)), Ok(()));
    }

    #[test]
    fn an_ods_that_repeats_a_cell_over_the_grid_is_refused() {
        let content = br#"<office:document-content><office:body><office:spreadsheet><table:table table:name="x"><table:table-row table:number-rows-repeated="1048576"><table:table-cell office:value-type="string" table:number-columns-repeated="16384"><text:p>x</text:p></table:table-cell></table:table-row></table:table></office:spreadsheet></office:body></office:document-content>"#;
        let e = super::check_ods_cells(&content[..], &super::LIMITS).unwrap_err();
        assert!(e.contains("展开后"), "{e}");
        // LibreOffice's own empty rows to the end of the grid hold nothing.
        let normal = br#"<table:table-row><table:table-cell office:value-type="float" office:value="1"><text:p>1</text:p></table:table-cell></table:table-row><table:table-row table:number-rows-repeated="1048575"><table:table-cell table:number-columns-repeated="1024"/></table:table-row>"#;
        assert_eq!(super::check_ods_cells(&normal[..], &super::LIMITS), Ok(()));
    }
}
