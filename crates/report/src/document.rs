//! A document as a tree of blocks whose heading numbers are generated, never typed.
//!
//! GB/T 9704-2012 orders heading levels 一、 → （一） → 1. → （1）. Numbering here is a pure
//! function of the block sequence, so each level is sequential and contiguous by
//! construction; the seed's duplicated “（2）” and missing “二、/三、” cannot happen.

/// One block of a document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Block {
    /// The document title.
    Title(String),
    /// A numbered heading at level 1 to 4.
    Heading {
        /// 1 = 一、, 2 = （一）, 3 = 1., 4 = （1）.
        level: usize,
        /// The heading text without its number.
        text: String,
    },
    /// An unnumbered heading, e.g. for appendices.
    PlainHeading(String),
    /// A body paragraph.
    Paragraph(String),
    /// A paragraph that starts with a number of the given level, e.g. the items of a list of
    /// measures: （一）要及时……
    NumberedParagraph {
        /// The numbering level, as for headings.
        level: usize,
        /// The text without its number.
        text: String,
    },
    /// A table.
    Table(Table),
    /// A chart, with its data (a reader who cannot see it gets the figures as a table).
    Chart(Chart),
}

/// The kind of a chart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChartKind {
    /// Lines over the categories, e.g. months.
    Line,
    /// Bars side by side for each category.
    Bar,
}

/// One series of a chart.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Series {
    /// Its name, for the legend.
    pub name: String,
    /// One value per category, exact.
    pub values: Vec<rust_decimal::Decimal>,
}

/// A chart: categories along the horizontal axis, series of values up the vertical one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Chart {
    /// The caption, e.g. 图1 ….
    pub caption: String,
    /// Lines or bars.
    pub kind: ChartKind,
    /// The categories, e.g. 1月 … 12月.
    pub categories: Vec<String>,
    /// The series.
    pub series: Vec<Series>,
    /// The values' unit, e.g. % or 分.
    pub unit: String,
    /// The top of the vertical axis.
    pub max: rust_decimal::Decimal,
    /// A note printed below, e.g. that values are inferred.
    pub note: Option<String>,
}

/// A table with an optional unit note above it (单位：万元) and notes below.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Table {
    /// The caption.
    pub caption: String,
    /// The unit note printed above the table, e.g. 单位：万元.
    pub unit_note: Option<String>,
    /// Column headers.
    pub header: Vec<String>,
    /// Rows of cells.
    pub rows: Vec<Vec<String>>,
    /// For each row, how many grid columns each cell covers (empty: one each). The grid has
    /// as many columns as the header, or as the widest row when there is no header.
    pub spans: Vec<Vec<usize>>,
    /// Notes printed below.
    pub notes: Vec<String>,
}

impl Table {
    /// How many grid columns the table has.
    pub fn columns(&self) -> usize {
        self.header.len().max(
            (0..self.rows.len())
                .map(|r| self.spans_of(r).iter().sum())
                .max()
                .unwrap_or(0),
        )
    }

    /// The spans of row `r`: one per cell.
    pub fn spans_of(&self, r: usize) -> Vec<usize> {
        match self.spans.get(r) {
            Some(s) if s.len() == self.rows[r].len() => s.clone(),
            _ => vec![1; self.rows[r].len()],
        }
    }
}

/// A document: a sequence of blocks.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Document {
    /// The blocks in order.
    pub blocks: Vec<Block>,
}

/// The label of the `n`th item (from 1) at `level`: 一、 （一） 1. （1）.
pub fn label(level: usize, n: usize) -> String {
    match level {
        1 => format!("{}、", chinese_numeral(n)),
        2 => format!("（{}）", chinese_numeral(n)),
        3 => format!("{n}."),
        _ => format!("（{n}）"),
    }
}

/// Chinese numerals as headings use them: 一 … 十, 十一 … 九十九.
pub fn chinese_numeral(n: usize) -> String {
    const DIGITS: [&str; 10] = ["零", "一", "二", "三", "四", "五", "六", "七", "八", "九"];
    match n {
        0..=9 => DIGITS[n].to_string(),
        10 => "十".to_string(),
        11..=19 => format!("十{}", DIGITS[n % 10]),
        20..=99 => {
            let tens = format!("{}十", DIGITS[n / 10]);
            if n.is_multiple_of(10) {
                tens
            } else {
                format!("{tens}{}", DIGITS[n % 10])
            }
        }
        _ => n.to_string(),
    }
}

impl Document {
    /// The title, or '' when there is none.
    pub fn title(&self) -> &str {
        self.blocks
            .iter()
            .find_map(|b| match b {
                Block::Title(t) => Some(t.as_str()),
                _ => None,
            })
            .unwrap_or("")
    }

    /// Appends a block.
    pub fn push(&mut self, block: Block) {
        self.blocks.push(block);
    }

    /// Each block with its generated number label (empty for unnumbered blocks).
    ///
    /// A heading or numbered paragraph at level L takes the next number at L and restarts
    /// every deeper level.
    pub fn numbered(&self) -> Vec<(String, &Block)> {
        let mut counters = [0usize; 5];
        self.blocks
            .iter()
            .map(|b| match b {
                Block::Heading { level, .. } | Block::NumberedParagraph { level, .. } => {
                    let l = (*level).clamp(1, 4);
                    counters[l] += 1;
                    for deeper in counters.iter_mut().skip(l + 1) {
                        *deeper = 0;
                    }
                    (label(l, counters[l]), b)
                }
                Block::PlainHeading(_) => {
                    counters = [0; 5];
                    (String::new(), b)
                }
                _ => (String::new(), b),
            })
            .collect()
    }

    /// The heading tree as indented lines, for snapshot tests and tables of contents.
    pub fn heading_tree(&self) -> String {
        self.numbered()
            .into_iter()
            .filter_map(|(label, block)| match block {
                Block::Title(t) => Some(format!("{t}\n")),
                Block::Heading { level, text } => {
                    Some(format!("{}{label}{text}\n", "  ".repeat(*level)))
                }
                Block::PlainHeading(t) => Some(format!("  {t}\n")),
                _ => None,
            })
            .collect()
    }

    /// Renders as Markdown.
    pub fn to_markdown(&self) -> String {
        let mut out = String::new();
        for (label, block) in self.numbered() {
            match block {
                Block::Title(t) => out.push_str(&format!("# {t}\n\n")),
                Block::Heading { level, text } => {
                    out.push_str(&format!("{} {label}{text}\n\n", "#".repeat(level + 1)));
                }
                Block::PlainHeading(t) => out.push_str(&format!("## {t}\n\n")),
                Block::Paragraph(p) => out.push_str(&format!("{p}\n\n")),
                Block::NumberedParagraph { text, .. } => {
                    out.push_str(&format!("{label}{text}\n\n"))
                }
                Block::Chart(c) => {
                    out.push_str(&format!("**{}**\n\n", c.caption));
                    let mut header = vec![String::new()];
                    header.extend(c.series.iter().map(|s| format!("{}（{}）", s.name, c.unit)));
                    out.push_str(&format!("| {} |\n", header.join(" | ")));
                    out.push_str(&format!("|{}\n", " --- |".repeat(header.len())));
                    for (i, cat) in c.categories.iter().enumerate() {
                        let mut row = vec![cat.clone()];
                        row.extend(c.series.iter().map(|s| {
                            s.values.get(i).map_or(String::new(), |v| {
                                jixiao_domain::number::format_decimal(*v, 2, true)
                            })
                        }));
                        out.push_str(&format!("| {} |\n", row.join(" | ")));
                    }
                    out.push('\n');
                    if let Some(n) = &c.note {
                        out.push_str(&format!("{n}\n\n"));
                    }
                }
                Block::Table(t) => {
                    if !t.caption.is_empty() {
                        out.push_str(&format!("**{}**\n\n", t.caption));
                    }
                    if let Some(unit) = &t.unit_note {
                        out.push_str(&format!("{unit}\n\n"));
                    }
                    let cell = |c: &str| c.replace('|', "\\|").replace('\n', " ");
                    let columns = t.columns();
                    let header: Vec<String> = if t.header.is_empty() {
                        vec![String::new(); columns]
                    } else {
                        t.header.iter().map(|h| cell(h)).collect()
                    };
                    out.push_str(&format!("| {} |\n", header.join(" | ")));
                    out.push_str(&format!("|{}\n", " --- |".repeat(columns)));
                    for (r, row) in t.rows.iter().enumerate() {
                        // Markdown has no merged cells: a wide cell is followed by empty ones.
                        let mut cells = Vec::new();
                        for (c, span) in row.iter().zip(t.spans_of(r)) {
                            cells.push(cell(c));
                            cells
                                .extend(std::iter::repeat_n(String::new(), span.saturating_sub(1)));
                        }
                        out.push_str(&format!("| {} |\n", cells.join(" | ")));
                    }
                    out.push('\n');
                    for n in &t.notes {
                        out.push_str(&format!("- {n}\n"));
                    }
                    if !t.notes.is_empty() {
                        out.push('\n');
                    }
                }
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numerals() {
        assert_eq!(chinese_numeral(1), "一");
        assert_eq!(chinese_numeral(10), "十");
        assert_eq!(chinese_numeral(14), "十四");
        assert_eq!(chinese_numeral(20), "二十");
        assert_eq!(chinese_numeral(35), "三十五");
    }

    #[test]
    fn numbering_is_sequential_and_restarts_below() {
        let h = |level: usize, text: &str| Block::Heading {
            level,
            text: text.into(),
        };
        let doc = Document {
            blocks: vec![
                h(1, "甲"),
                h(2, "甲一"),
                h(3, "甲一1"),
                h(2, "甲二"),
                h(3, "甲二1"),
                h(1, "乙"),
                Block::NumberedParagraph {
                    level: 2,
                    text: "措施".into(),
                },
                h(1, "丙"),
            ],
        };
        assert_eq!(
            doc.heading_tree(),
            "  一、甲\n    （一）甲一\n      1.甲一1\n    （二）甲二\n      1.甲二1\n  二、乙\n  三、丙\n"
        );
        assert!(doc.to_markdown().contains("（一）措施"));
    }
}
