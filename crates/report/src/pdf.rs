//! The document as a PDF with its CJK fonts embedded (subsets), laid out to GB/T 9704's page:
//! A4, margins 37/35/28/26 mm, 22 lines of 三号 (16 pt) in the 156 × 225 mm text block,
//! headings numbered, tables ruled, page numbers “— 1 —” below the block, odd pages right
//! and even pages left.
//!
//! The official fonts (仿宋_GB2312, 黑体, 楷体_GB2312, 方正小标宋简体) are not free; the PDF uses
//! the freely licensed Noto CJK SC fonts (SIL Open Font License) instead — Noto Serif CJK SC
//! for body text, its bold for the title and level-3 headings, Noto Sans CJK SC for level-1
//! headings and table headers. They are found on the machine (Debian/Ubuntu: `apt-get install
//! fonts-noto-cjk`; elsewhere: `JIXIAO_FONT_DIR`); without them jixiao says so and writes no
//! PDF, rather than one with missing glyphs. Coordinates are points, as `f32`: layout, not money.

use crate::document::{Block, Chart, ChartKind, Document, Table};
use pdf_writer::types::{CidFontType, FontFlags, SystemInfo, UnicodeCmap};
use pdf_writer::{Content, Filter, Finish, Name, Pdf, Rect, Ref, Str};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

const PT_PER_MM: f32 = 72.0 / 25.4;
const PAGE_W: f32 = 210.0 * PT_PER_MM;
const PAGE_H: f32 = 297.0 * PT_PER_MM;
const LEFT: f32 = 28.0 * PT_PER_MM;
const TOP: f32 = 37.0 * PT_PER_MM;
const BLOCK_W: f32 = 156.0 * PT_PER_MM;
const BLOCK_H: f32 = 225.0 * PT_PER_MM;
/// 三号.
const BODY: f32 = 16.0;
/// 22 lines fill the block.
const LINE: f32 = BLOCK_H / 22.0;
/// Table text: 小四.
const TABLE: f32 = 12.0;
const TABLE_LINE: f32 = 18.0;
const CELL_PAD: f32 = 3.0;

/// The faces the PDF uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Face {
    Serif,
    SerifBold,
    Sans,
}

const FACES: [(Face, &str, &str); 3] = [
    (Face::Serif, "NotoSerifCJK-Regular", "F1"),
    (Face::SerifBold, "NotoSerifCJK-Bold", "F2"),
    (Face::Sans, "NotoSansCJK-Regular", "F3"),
];

/// A font file, the face within it, and its data.
pub struct FontFile {
    data: Vec<u8>,
    index: u32,
    /// Where it was found.
    pub path: PathBuf,
}

/// The fonts found on this machine.
pub struct Fonts {
    files: BTreeMap<u8, FontFile>,
}

fn face_slot(f: Face) -> u8 {
    f as u8
}

/// Looks for the Noto CJK fonts in `JIXIAO_FONT_DIR` when it is set (and only there), or
/// else in the usual font folders.
pub fn find_fonts() -> Result<Fonts, String> {
    let mut dirs: Vec<PathBuf> = Vec::new();
    if let Some(d) = std::env::var_os("JIXIAO_FONT_DIR") {
        dirs.push(d.into());
    } else {
        system_dirs(&mut dirs);
    }
    find_in(&dirs)
}

fn system_dirs(dirs: &mut Vec<PathBuf>) {
    dirs.extend(
        [
            "/usr/share/fonts/opentype/noto",
            "/usr/share/fonts/noto-cjk",
            "/usr/share/fonts/google-noto-cjk",
            "/usr/share/fonts/opentype",
            "/usr/share/fonts",
            "/Library/Fonts",
            "/System/Library/Fonts",
        ]
        .map(PathBuf::from),
    );
    if let Some(home) = std::env::var_os("HOME") {
        dirs.push(Path::new(&home).join(".local/share/fonts"));
    }
}

fn find_in(dirs: &[PathBuf]) -> Result<Fonts, String> {
    let mut files = BTreeMap::new();
    let mut missing = Vec::new();
    for (face, stem, _) in FACES {
        let found = dirs.iter().find_map(|d| {
            ["ttc", "otf"]
                .iter()
                .map(|ext| d.join(format!("{stem}.{ext}")))
                .find(|p| p.is_file())
        });
        match found {
            Some(path) => {
                let data = std::fs::read(&path)
                    .map_err(|e| format!("无法读取字体 {}：{e}", path.display()))?;
                let index = simplified_face(&data)
                    .ok_or_else(|| format!("字体 {} 中没有简体中文（SC）字形", path.display()))?;
                files.insert(face_slot(face), FontFile { data, index, path });
            }
            None => missing.push(format!("{stem}.ttc")),
        }
    }
    if missing.is_empty() {
        Ok(Fonts { files })
    } else {
        Err(format!(
            "找不到写 PDF 所需的中文字体 {}：请安装 Noto CJK 字体（Debian/Ubuntu：apt-get install fonts-noto-cjk），或用环境变量 JIXIAO_FONT_DIR 指明字体所在文件夹。没有字体就不写 PDF，以免出现缺字方框",
            missing.join("、")
        ))
    }
}

/// The index of the Simplified Chinese face in a collection (or 0 for a single font).
fn simplified_face(data: &[u8]) -> Option<u32> {
    let n = ttf_parser::fonts_in_collection(data).unwrap_or(1);
    (0..n).find(|&i| {
        ttf_parser::Face::parse(data, i).is_ok_and(|f| {
            f.names().into_iter().any(|name| {
                name.name_id == ttf_parser::name_id::FAMILY
                    && name.to_string().is_some_and(|s| s.ends_with(" SC"))
            })
        })
    })
}

/// A run of glyphs placed on a page.
struct Run {
    face: Face,
    size: f32,
    x: f32,
    y: f32,
    glyphs: Vec<u16>,
}

/// A chart line: points, width, grey level (0 black), dashed.
type Stroke = (Vec<(f32, f32)>, f32, f32, bool);

struct Page {
    runs: Vec<Run>,
    lines: Vec<(f32, f32, f32, f32)>,
    /// Chart lines.
    paths: Vec<Stroke>,
    /// Filled boxes: x, y, width, height, grey level.
    boxes: Vec<(f32, f32, f32, f32, f32)>,
}

impl Page {
    fn new() -> Page {
        Page {
            runs: Vec::new(),
            lines: Vec::new(),
            paths: Vec::new(),
            boxes: Vec::new(),
        }
    }
}

/// Lays text out with one font's metrics, remembering every glyph used.
struct Typesetter<'a> {
    faces: BTreeMap<u8, ttf_parser::Face<'a>>,
    used: BTreeMap<u8, BTreeMap<u16, char>>,
    missing: std::collections::BTreeSet<char>,
    pages: Vec<Page>,
    y: f32,
}

/// Characters that may not begin a line (避头): they stay at the end of the previous one.
fn no_break_before(c: char) -> bool {
    "，。、；：？！）》」』”’%．,.;:?!)]".contains(c)
}

/// Characters that may not end a line (避尾).
fn no_break_after(c: char) -> bool {
    "（《「『“‘([".contains(c)
}

fn is_word(c: char) -> bool {
    c.is_ascii_alphanumeric() || ".,%-/:+".contains(c)
}

impl<'a> Typesetter<'a> {
    fn new(fonts: &'a Fonts) -> Result<Typesetter<'a>, String> {
        let mut faces = BTreeMap::new();
        for (slot, f) in &fonts.files {
            let face = ttf_parser::Face::parse(&f.data, f.index)
                .map_err(|e| format!("字体 {} 无法读取：{e}", f.path.display()))?;
            faces.insert(*slot, face);
        }
        Ok(Typesetter {
            faces,
            used: BTreeMap::new(),
            missing: Default::default(),
            pages: vec![Page::new()],
            y: 0.0,
        })
    }

    fn glyph(&mut self, face: Face, c: char) -> (u16, f32) {
        let f = &self.faces[&face_slot(face)];
        let Some(g) = f.glyph_index(c) else {
            if !c.is_whitespace() {
                self.missing.insert(c);
            }
            return (0, 0.5);
        };
        let advance = f32::from(f.glyph_hor_advance(g).unwrap_or(0)) / f32::from(f.units_per_em());
        self.used.entry(face_slot(face)).or_default().insert(g.0, c);
        (g.0, advance)
    }

    fn width(&mut self, face: Face, size: f32, text: &str) -> f32 {
        text.chars().map(|c| self.glyph(face, c).1 * size).sum()
    }

    /// Breaks `text` into lines no wider than `width` (the first `first_indent` narrower).
    fn break_lines(
        &mut self,
        face: Face,
        size: f32,
        text: &str,
        width: f32,
        first_indent: f32,
    ) -> Vec<String> {
        // Tokens: a run of word characters, or one other character.
        let mut tokens: Vec<String> = Vec::new();
        for c in text.chars() {
            match tokens.last_mut() {
                Some(t) if is_word(c) && t.chars().all(is_word) => t.push(c),
                _ => tokens.push(c.to_string()),
            }
        }
        let mut lines = Vec::new();
        let mut line = String::new();
        let mut used = first_indent;
        for t in tokens {
            let w = self.width(face, size, &t);
            let first = t.chars().next().unwrap_or(' ');
            let fits = used + w <= width + 0.01;
            let hang = no_break_before(first) && !line.is_empty();
            let last_holds = line.chars().last().is_some_and(no_break_after);
            if fits || hang || line.is_empty() || last_holds {
                line.push_str(&t);
                used += w;
            } else {
                lines.push(std::mem::take(&mut line));
                line = t;
                used = w;
            }
        }
        if !line.is_empty() || lines.is_empty() {
            lines.push(line);
        }
        lines
    }

    fn page(&mut self) -> &mut Page {
        self.pages.last_mut().expect("there is always a page")
    }

    fn new_page(&mut self) {
        self.pages.push(Page::new());
        self.y = 0.0;
    }

    /// Makes room for `height` below the current position, starting a page if need be.
    fn room(&mut self, height: f32) {
        if self.y + height > BLOCK_H + 0.5 && self.y > 0.0 {
            self.new_page();
        }
    }

    fn place(&mut self, face: Face, size: f32, x: f32, baseline_from_top: f32, text: &str) {
        let glyphs: Vec<u16> = text.chars().map(|c| self.glyph(face, c).0).collect();
        let y = PAGE_H - TOP - baseline_from_top;
        self.page().runs.push(Run {
            face,
            size,
            x: LEFT + x,
            y,
            glyphs,
        });
    }

    /// A paragraph: lines of `pitch`, the first indented by `indent`, aligned as asked.
    fn paragraph(
        &mut self,
        face: Face,
        size: f32,
        pitch: f32,
        text: &str,
        indent: f32,
        align: Align,
    ) {
        let lines = self.break_lines(face, size, text, BLOCK_W, indent);
        for (i, l) in lines.iter().enumerate() {
            self.room(pitch);
            let w = self.width(face, size, l);
            let x = match align {
                Align::Left => {
                    if i == 0 {
                        indent
                    } else {
                        0.0
                    }
                }
                Align::Center => (BLOCK_W - w) / 2.0,
                Align::Right => BLOCK_W - w,
            };
            // The baseline sits a little below the middle of the line's pitch.
            let base = self.y + pitch / 2.0 + size * 0.35;
            self.place(face, size, x, base, l);
            self.y += pitch;
        }
    }

    fn table(&mut self, t: &Table) {
        if !t.caption.is_empty() {
            self.room(LINE * 3.0);
            self.paragraph(Face::Sans, BODY, LINE, &t.caption, 0.0, Align::Center);
        }
        if let Some(unit) = &t.unit_note {
            self.paragraph(Face::Serif, 14.0, LINE * 0.8, unit, 0.0, Align::Right);
        }
        let n = t.columns().max(1);
        // Column widths: never narrower than a column's longest unbreakable word (a figure
        // such as 10.00 must not be split), otherwise as wide as its widest cell allows,
        // shared out so that the table fills the text block.
        let mut least = vec![TABLE * 2.0; n];
        let mut natural = vec![TABLE * 2.0; n];
        let spanned: Vec<(Vec<String>, Vec<usize>)> =
            std::iter::once((t.header.clone(), vec![1; t.header.len()]))
                .chain(
                    t.rows
                        .iter()
                        .enumerate()
                        .map(|(r, row)| (row.clone(), t.spans_of(r))),
                )
                .collect();
        for (row, spans) in &spanned {
            // Only cells of one column say how wide that column must be.
            let mut col = 0;
            for (cell, span) in row.iter().zip(spans) {
                let i = col;
                col += span;
                if *span != 1 || i >= n {
                    continue;
                }
                let words: Vec<String> = cell
                    .split(|c: char| !is_word(c))
                    .filter(|w| !w.is_empty())
                    .map(str::to_string)
                    .collect();
                for w in words {
                    let ww = self.width(Face::Serif, TABLE, &w) + 2.0 * CELL_PAD;
                    least[i] = least[i].max(ww);
                }
                let w = self.width(Face::Serif, TABLE, cell) + 2.0 * CELL_PAD;
                natural[i] = natural[i].max(w.min(BLOCK_W / 2.0));
            }
        }
        for (l, nat) in least.iter().zip(natural.iter_mut()) {
            *nat = nat.max(*l);
        }
        let (sum_least, sum_nat): (f32, f32) = (least.iter().sum(), natural.iter().sum());
        let widths: Vec<f32> = if sum_nat <= BLOCK_W {
            natural.iter().map(|w| w * BLOCK_W / sum_nat).collect()
        } else if sum_least < BLOCK_W {
            let share = (BLOCK_W - sum_least) / (sum_nat - sum_least);
            least
                .iter()
                .zip(&natural)
                .map(|(l, nat)| l + (nat - l) * share)
                .collect()
        } else {
            least.iter().map(|w| w * BLOCK_W / sum_least).collect()
        };
        // Each row is broken into lines once; the header, laid out once, repeats on every page.
        let header = (!t.header.is_empty())
            .then(|| self.lay_row(&t.header, &vec![1; t.header.len()], &widths, Face::Sans));
        if let Some(h) = &header {
            self.draw_row(h);
        }
        for (i, r) in t.rows.iter().enumerate() {
            let row = self.lay_row(r, &t.spans_of(i), &widths, Face::Serif);
            if row.height + self.y > BLOCK_H {
                self.new_page();
                if let Some(h) = &header {
                    self.draw_row(h);
                }
            }
            self.draw_row(&row);
        }
        for note in &t.notes {
            self.paragraph(Face::Serif, TABLE, TABLE_LINE, note, 0.0, Align::Left);
        }
        self.y += LINE * 0.5;
    }

    /// A chart drawn in the text block: a caption, the plot, a legend, and its note.
    fn chart(&mut self, c: &Chart) {
        let to_f = |d: &rust_decimal::Decimal| d.to_string().parse::<f32>().unwrap_or(0.0);
        let max = to_f(&c.max).max(f32::EPSILON);
        let label_size = 10.0;
        let height = match c.kind {
            ChartKind::Line => 220.0,
            ChartKind::Bar => c.categories.len() as f32 * 16.0 + 40.0,
        };
        self.room(LINE * 2.0 + height);
        self.paragraph(Face::Sans, BODY, LINE, &c.caption, 0.0, Align::Center);
        let top = self.y;
        // The legend, above the plot.
        let mut lx = BLOCK_W / 2.0 - 90.0;
        for (k, s) in c.series.iter().enumerate() {
            let y = PAGE_H - TOP - top - 8.0;
            let grey = if k == 0 { 0.0 } else { 0.55 };
            match c.kind {
                ChartKind::Line => self.page().paths.push((
                    vec![(LEFT + lx, y + 3.0), (LEFT + lx + 20.0, y + 3.0)],
                    1.5,
                    grey,
                    k == 1,
                )),
                ChartKind::Bar => self.page().boxes.push((
                    LEFT + lx,
                    y,
                    14.0,
                    7.0,
                    if k == 0 { 0.8 } else { 0.3 },
                )),
            }
            self.place(Face::Serif, label_size, lx + 24.0, top + 9.0, &s.name);
            lx += 24.0 + self.width(Face::Serif, label_size, &s.name) + 20.0;
        }
        let plot_top = top + 20.0;
        match c.kind {
            ChartKind::Line => {
                let (x0, x1) = (36.0, BLOCK_W - 8.0);
                let (y_top, y_bottom) = (plot_top, top + height - 20.0);
                let at_y = |v: f32| PAGE_H - TOP - (y_bottom - (y_bottom - y_top) * v / max);
                // Grid and vertical labels: five steps.
                for k in 0..=5 {
                    let v = max * k as f32 / 5.0;
                    let y = at_y(v);
                    self.page()
                        .paths
                        .push((vec![(LEFT + x0, y), (LEFT + x1, y)], 0.3, 0.8, false));
                    let label = format!("{}{}", v.round(), c.unit);
                    let w = self.width(Face::Serif, label_size, &label);
                    self.place(
                        Face::Serif,
                        label_size,
                        x0 - 4.0 - w,
                        PAGE_H - TOP - y + 3.5,
                        &label,
                    );
                }
                let n = c.categories.len().max(1);
                let step = (x1 - x0) / n as f32;
                for (i, cat) in c.categories.iter().enumerate() {
                    let w = self.width(Face::Serif, label_size, cat);
                    let x = x0 + step * (i as f32 + 0.5);
                    self.place(Face::Serif, label_size, x - w / 2.0, y_bottom + 14.0, cat);
                }
                for (k, s) in c.series.iter().enumerate() {
                    let points: Vec<(f32, f32)> = s
                        .values
                        .iter()
                        .enumerate()
                        .map(|(i, v)| (LEFT + x0 + step * (i as f32 + 0.5), at_y(to_f(v))))
                        .collect();
                    self.page()
                        .paths
                        .push((points, 1.5, if k == 0 { 0.0 } else { 0.55 }, k == 1));
                }
            }
            ChartKind::Bar => {
                // Horizontal bars: names on the left, so that long names stay whole.
                let names_w = c
                    .categories
                    .iter()
                    .map(|n| self.width(Face::Serif, label_size, n))
                    .fold(0.0, f32::max)
                    .min(BLOCK_W * 0.45);
                let (x0, x1) = (names_w + 8.0, BLOCK_W - 30.0);
                let row = 16.0;
                for (i, cat) in c.categories.iter().enumerate() {
                    let y_row = plot_top + row * i as f32;
                    let shown: String = {
                        let mut t = String::new();
                        for ch in cat.chars() {
                            if self.width(Face::Serif, label_size, &format!("{t}{ch}…")) > names_w
                            {
                                t.push('…');
                                break;
                            }
                            t.push(ch);
                        }
                        t
                    };
                    let w = self.width(Face::Serif, label_size, &shown);
                    self.place(Face::Serif, label_size, names_w - w, y_row + 11.0, &shown);
                    for (k, s) in c.series.iter().enumerate() {
                        let v = s.values.get(i).map_or(0.0, to_f);
                        let len = (x1 - x0) * v / max;
                        let y = PAGE_H - TOP - y_row - 4.0 - 6.0 * k as f32 - 5.0;
                        self.page().boxes.push((
                            LEFT + x0,
                            y,
                            len,
                            5.0,
                            if k == 0 { 0.8 } else { 0.3 },
                        ));
                        if k + 1 == c.series.len() {
                            let t = jixiao_domain::number::format_decimal(
                                s.values.get(i).copied().unwrap_or_default(),
                                2,
                                true,
                            );
                            self.place(Face::Serif, 8.0, x0 + len + 3.0, y_row + 15.0, &t);
                        }
                    }
                }
                let y0 = PAGE_H - TOP - plot_top;
                let y1 = PAGE_H - TOP - (plot_top + row * c.categories.len() as f32);
                self.page()
                    .paths
                    .push((vec![(LEFT + x0, y0), (LEFT + x0, y1)], 0.5, 0.0, false));
            }
        }
        self.y = top + height;
        if let Some(note) = &c.note {
            self.paragraph(Face::Serif, TABLE, TABLE_LINE, note, 0.0, Align::Left);
        }
        self.y += LINE * 0.5;
    }

    fn cell_lines(&mut self, face: Face, cell: &str, width: f32) -> Vec<String> {
        self.break_lines(face, TABLE, cell, width - 2.0 * CELL_PAD, 0.0)
    }

    /// The width of each cell of a row: the columns it spans, added.
    fn cell_widths(spans: &[usize], widths: &[f32]) -> Vec<f32> {
        let mut col = 0;
        spans
            .iter()
            .map(|s| {
                let w = widths[col.min(widths.len())..(col + s).min(widths.len())]
                    .iter()
                    .sum();
                col += s;
                w
            })
            .collect()
    }

    /// Breaks each cell of a row into lines in its width.
    fn lay_row(
        &mut self,
        cells: &[String],
        spans: &[usize],
        widths: &[f32],
        face: Face,
    ) -> LaidRow {
        let widths = Self::cell_widths(spans, widths);
        let lines: Vec<Vec<String>> = cells
            .iter()
            .zip(&widths)
            .map(|(c, w)| self.cell_lines(face, c, *w))
            .collect();
        let most = lines.iter().map(Vec::len).max().unwrap_or(1);
        LaidRow {
            face,
            widths,
            lines,
            height: most as f32 * TABLE_LINE + 2.0 * CELL_PAD,
        }
    }

    fn draw_row(&mut self, row: &LaidRow) {
        let h = row.height;
        self.room(h);
        let top = self.y;
        let mut x = 0.0;
        for (lines, w) in row.lines.iter().zip(&row.widths) {
            let block = lines.len() as f32 * TABLE_LINE;
            let mut y = top + (h - block) / 2.0;
            for l in lines {
                let lw = self.width(row.face, TABLE, l);
                let base = y + TABLE_LINE / 2.0 + TABLE * 0.35;
                self.place(row.face, TABLE, x + (w - lw) / 2.0, base, l);
                y += TABLE_LINE;
            }
            x += w;
        }
        // Borders: the row's box and its column lines.
        let (y0, y1) = (PAGE_H - TOP - top, PAGE_H - TOP - top - h);
        let page = self.page();
        page.lines.push((LEFT, y0, LEFT + BLOCK_W, y0));
        page.lines.push((LEFT, y1, LEFT + BLOCK_W, y1));
        let mut x = LEFT;
        page.lines.push((x, y0, x, y1));
        for w in &row.widths {
            x += w;
            page.lines.push((x, y0, x, y1));
        }
        self.y += h;
    }
}

/// A table row broken into lines: each cell's width and lines, and the row's height.
struct LaidRow {
    face: Face,
    widths: Vec<f32>,
    lines: Vec<Vec<String>>,
    height: f32,
}

#[derive(Clone, Copy)]
enum Align {
    Left,
    Center,
    Right,
}

/// Lays `doc` out and writes it as PDF bytes.
pub fn write(doc: &Document, fonts: &Fonts) -> Result<Vec<u8>, String> {
    let mut ts = Typesetter::new(fonts)?;
    let indent = 2.0 * BODY;
    for (label, block) in doc.numbered() {
        match block {
            Block::Title(t) => {
                ts.paragraph(Face::SerifBold, 22.0, 35.0, t, 0.0, Align::Center);
                ts.y += LINE;
            }
            Block::Heading { level, text } => {
                let face = match level {
                    1 => Face::Sans,
                    3 => Face::SerifBold,
                    _ => Face::Serif,
                };
                // Keep a heading with at least the line that follows it.
                ts.room(LINE * 2.0);
                ts.paragraph(
                    face,
                    BODY,
                    LINE,
                    &format!("{label}{text}"),
                    indent,
                    Align::Left,
                );
            }
            Block::PlainHeading(t) => {
                if ts.y > 0.0 {
                    ts.new_page();
                }
                ts.paragraph(Face::Sans, BODY, LINE, t, 0.0, Align::Left);
            }
            Block::Paragraph(t) => ts.paragraph(Face::Serif, BODY, LINE, t, indent, Align::Left),
            Block::NumberedParagraph { text, .. } => ts.paragraph(
                Face::Serif,
                BODY,
                LINE,
                &format!("{label}{text}"),
                indent,
                Align::Left,
            ),
            Block::Table(t) => ts.table(t),
            Block::Chart(c) => ts.chart(c),
        }
    }
    // Page numbers: 四号, 7 mm below the block, odd pages right and even pages left, one
    // character in.
    let count = ts.pages.len();
    for i in 0..count {
        let text = format!("— {} —", i + 1);
        let w = ts.width(Face::Serif, 14.0, &text);
        let x = if i % 2 == 0 { BLOCK_W - 14.0 - w } else { 14.0 };
        let glyphs: Vec<u16> = text.chars().map(|c| ts.glyph(Face::Serif, c).0).collect();
        ts.pages[i].runs.push(Run {
            face: Face::Serif,
            size: 14.0,
            x: LEFT + x,
            y: PAGE_H - TOP - BLOCK_H - 7.0 * PT_PER_MM - 14.0,
            glyphs,
        });
    }
    if !ts.missing.is_empty() {
        return Err(format!(
            "字体中缺少这些字，PDF 会出现缺字方框，因此未写出：{}",
            ts.missing.iter().collect::<String>()
        ));
    }
    Ok(emit(&ts, fonts, doc))
}

fn deflate(data: &[u8]) -> Vec<u8> {
    use std::io::Write;
    let mut e = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::new(6));
    let _ = e.write_all(data);
    e.finish().unwrap_or_default()
}

fn emit(ts: &Typesetter<'_>, fonts: &Fonts, doc: &Document) -> Vec<u8> {
    let mut pdf = Pdf::new();
    let mut next = 1;
    let mut alloc = || {
        let r = Ref::new(next);
        next += 1;
        r
    };
    let catalog = alloc();
    let tree = alloc();
    let info = alloc();
    // Fonts: one Type0 font per face, a subset with CIDs = the remapped glyph ids.
    let mut font_refs: BTreeMap<u8, Ref> = BTreeMap::new();
    let mut remappers: BTreeMap<u8, subsetter::GlyphRemapper> = BTreeMap::new();
    for (slot, glyphs) in &ts.used {
        let mut remapper = subsetter::GlyphRemapper::new();
        for g in glyphs.keys() {
            remapper.remap(*g);
        }
        let file = &fonts.files[slot];
        let face = &ts.faces[slot];
        let (type0, cid, descriptor, cmap, data) = (alloc(), alloc(), alloc(), alloc(), alloc());
        font_refs.insert(*slot, type0);
        let base = FACES
            .iter()
            .find(|(f, ..)| face_slot(*f) == *slot)
            .map_or("Font", |(_, n, _)| n);
        let base_name = format!("JXAAAA+{base}");
        let system = SystemInfo {
            registry: Str(b"Adobe"),
            ordering: Str(b"Identity"),
            supplement: 0,
        };
        pdf.type0_font(type0)
            .base_font(Name(format!("{base_name}-Identity-H").as_bytes()))
            .encoding_predefined(Name(b"Identity-H"))
            .descendant_font(cid)
            .to_unicode(cmap);
        let upem = f32::from(face.units_per_em());
        let mut c = pdf.cid_font(cid);
        c.subtype(CidFontType::Type0)
            .base_font(Name(base_name.as_bytes()))
            .system_info(system)
            .font_descriptor(descriptor)
            .default_width(1000.0);
        let mut widths = c.widths();
        for (new, old) in remapper.remapped_gids().enumerate() {
            let w = f32::from(
                face.glyph_hor_advance(ttf_parser::GlyphId(old))
                    .unwrap_or(0),
            ) * 1000.0
                / upem;
            widths.consecutive(new as u16, [w]);
        }
        widths.finish();
        c.finish();
        let mut unicode = UnicodeCmap::new(Name(b"Custom"), system);
        for (g, ch) in glyphs {
            if let Some(cid) = remapper.get(*g) {
                unicode.pair(cid, *ch);
            }
        }
        pdf.cmap(cmap, &deflate(&unicode.finish()))
            .filter(Filter::FlateDecode);
        let subset = subsetter::subset(&file.data, file.index, &remapper).unwrap_or_default();
        let cff = ttf_parser::RawFace::parse(&subset, 0)
            .ok()
            .and_then(|r| r.table(ttf_parser::Tag::from_bytes(b"CFF ")))
            .map(<[u8]>::to_vec)
            .unwrap_or(subset);
        let compressed = deflate(&cff);
        let mut stream = pdf.stream(data, &compressed);
        stream.filter(Filter::FlateDecode);
        stream.pair(Name(b"Subtype"), Name(b"CIDFontType0C"));
        stream.finish();
        let bbox = face.global_bounding_box();
        let scale = 1000.0 / upem;
        let mut flags = FontFlags::SYMBOLIC;
        if base.contains("Serif") {
            flags |= FontFlags::SERIF;
        }
        pdf.font_descriptor(descriptor)
            .name(Name(base_name.as_bytes()))
            .flags(flags)
            .bbox(Rect::new(
                f32::from(bbox.x_min) * scale,
                f32::from(bbox.y_min) * scale,
                f32::from(bbox.x_max) * scale,
                f32::from(bbox.y_max) * scale,
            ))
            .italic_angle(0.0)
            .ascent(f32::from(face.ascender()) * scale)
            .descent(f32::from(face.descender()) * scale)
            .cap_height(f32::from(face.capital_height().unwrap_or(face.ascender())) * scale)
            .stem_v(80.0)
            .font_file3(data);
        remappers.insert(*slot, remapper);
    }
    let mut page_refs = Vec::new();
    for page in &ts.pages {
        let (page_ref, content_ref) = (alloc(), alloc());
        page_refs.push(page_ref);
        let mut content = Content::new();
        content.set_line_width(0.5);
        for &(x0, y0, x1, y1) in &page.lines {
            content.move_to(x0, y0).line_to(x1, y1);
        }
        if !page.lines.is_empty() {
            content.stroke();
        }
        for (x, y, w, h, grey) in &page.boxes {
            content
                .set_fill_gray(*grey)
                .rect(*x, *y, *w, *h)
                .fill_nonzero();
        }
        content.set_fill_gray(0.0);
        for (points, width, grey, dashed) in &page.paths {
            content.set_line_width(*width).set_stroke_gray(*grey);
            if *dashed {
                content.set_dash_pattern([4.0, 3.0], 0.0);
            }
            for (i, (x, y)) in points.iter().enumerate() {
                if i == 0 {
                    content.move_to(*x, *y);
                } else {
                    content.line_to(*x, *y);
                }
            }
            content.stroke();
            if *dashed {
                content.set_dash_pattern([], 0.0);
            }
        }
        content.set_stroke_gray(0.0).set_line_width(0.5);
        for run in &page.runs {
            let slot = face_slot(run.face);
            let name = FACES[slot as usize].2;
            let remapper = &remappers[&slot];
            let bytes: Vec<u8> = run
                .glyphs
                .iter()
                .flat_map(|g| remapper.get(*g).unwrap_or(0).to_be_bytes())
                .collect();
            content
                .begin_text()
                .set_font(Name(name.as_bytes()), run.size)
                .next_line(run.x, run.y)
                .show(Str(&bytes))
                .end_text();
        }
        let data = deflate(&content.finish());
        pdf.stream(content_ref, &data).filter(Filter::FlateDecode);
        let mut p = pdf.page(page_ref);
        p.media_box(Rect::new(0.0, 0.0, PAGE_W, PAGE_H))
            .parent(tree)
            .contents(content_ref);
        let mut resources = p.resources();
        let mut fonts_dict = resources.fonts();
        for (slot, r) in &font_refs {
            fonts_dict.pair(Name(FACES[*slot as usize].2.as_bytes()), *r);
        }
    }
    pdf.pages(tree)
        .kids(page_refs.iter().copied())
        .count(page_refs.len() as i32);
    pdf.catalog(catalog).pages(tree);
    let title = doc.title().to_string();
    pdf.document_info(info)
        .title(pdf_writer::TextStr(&title))
        .creator(pdf_writer::TextStr("jixiao"));
    pdf.finish()
}
