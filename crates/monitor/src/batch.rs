//! The batch monitoring refresh over the interchange files, with no store and no set-up:
//! `units.csv`, `projects.csv` and `payments.csv` in, `projects_out.csv` and
//! `departments_out.csv` out, exactly as `../shared/bench/MONITOR.md` defines them.
//!
//! Payments are read in parallel slices of the file, each by its own thread, with plain reads
//! into a small buffer (no memory map, so memory stays small whatever the file's size). The
//! separators of 64 bytes at a time are found as a bit mask; a project code of digits becomes
//! a 64-bit key whose slot, in each thread's own open-addressing table, holds the running sum,
//! so a payment costs one memory access, prefetched sixteen lines ahead.

use crate::rules::{by_rate, push_rate6, push_uint, push_yuan, Thresholds, TimeProgress, Warning};
use jixiao_domain::date::Date;
use std::collections::HashMap;
use std::fs::File;
use std::io::{Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};

/// A problem with the input, worded for a person.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BatchError(pub String);

impl std::fmt::Display for BatchError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

fn err(path: &Path, line: u64, message: impl std::fmt::Display) -> BatchError {
    if line == 0 {
        BatchError(format!("{}：{message}", path.display()))
    } else {
        BatchError(format!("{}：第 {line} 行：{message}", path.display()))
    }
}

/// One project's figures as of the date.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProjectResult {
    /// The project's code.
    pub code: String,
    /// Its department's code.
    pub department: String,
    /// Executed to date, fen.
    pub executed: i64,
    /// Adjusted budget, fen.
    pub budget: i64,
    /// Its warning.
    pub warning: Warning,
}

/// One department's figures, ranked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DepartmentResult {
    /// The department's code.
    pub code: String,
    /// Budget, fen.
    pub budget: i128,
    /// Executed, fen.
    pub executed: i128,
    /// Red projects.
    pub red: u64,
    /// Yellow projects.
    pub yellow: u64,
    /// 1 for the highest rate.
    pub rank: usize,
}

/// The refresh's result.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refresh {
    /// Time progress at the as-of date.
    pub time: TimeProgress,
    /// Projects by code.
    pub projects: Vec<ProjectResult>,
    /// Departments by rank.
    pub departments: Vec<DepartmentResult>,
    /// Payment lines read.
    pub payments_read: u64,
}

/// Reads a small CSV (the interchange files need no quoting), calling `row` with each
/// line's number and the fields of the columns `names`, in that order.
fn small_csv(
    path: &Path,
    names: &[&str],
    mut row: impl FnMut(u64, &[&str]) -> Result<(), BatchError>,
) -> Result<(), BatchError> {
    let text = std::fs::read_to_string(path).map_err(|e| err(path, 0, format!("无法读取：{e}")))?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    let mut lines = text.lines();
    let header: Vec<String> = lines
        .next()
        .ok_or_else(|| err(path, 0, "文件是空的"))?
        .split(',')
        .map(|s| s.trim().to_string())
        .collect();
    let index = names
        .iter()
        .map(|n| column(path, &header, n))
        .collect::<Result<Vec<usize>, _>>()?;
    let mut fields: Vec<&str> = Vec::with_capacity(header.len());
    let mut picked: Vec<&str> = Vec::with_capacity(names.len());
    for (i, line) in lines.enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        fields.clear();
        fields.extend(line.split(','));
        picked.clear();
        for &c in &index {
            match fields.get(c) {
                Some(f) => picked.push(f),
                None => return Err(err(path, i as u64 + 2, "这一行的列数不够")),
            }
        }
        row(i as u64 + 2, &picked)?;
    }
    Ok(())
}

fn column(path: &Path, header: &[String], name: &str) -> Result<usize, BatchError> {
    header.iter().position(|h| h == name).ok_or_else(|| {
        err(
            path,
            1,
            format!("表头缺少“{name}”列；实际表头为：{}", header.join(",")),
        )
    })
}

/// `1234.56` / `-0.07` / `12` as fen.
fn fen(text: &[u8]) -> Option<i64> {
    let (neg, digits) = match text.split_first() {
        Some((b'-', rest)) => (true, rest),
        _ => (false, text),
    };
    let mut v: i64 = 0;
    let mut decimals: Option<u32> = None;
    for &c in digits {
        match c {
            b'0'..=b'9' => {
                v = v.checked_mul(10)?.checked_add(i64::from(c - b'0'))?;
                if let Some(d) = decimals.as_mut() {
                    *d += 1;
                }
            }
            b'.' if decimals.is_none() => decimals = Some(0),
            _ => return None,
        }
    }
    let v = match decimals.unwrap_or(0) {
        0 => v.checked_mul(100)?,
        1 => v.checked_mul(10)?,
        2 => v,
        _ => return None,
    };
    if digits.is_empty() {
        return None;
    }
    Some(if neg { -v } else { v })
}

/// The key of a code of 1 to 18 ASCII digits, as project codes usually are: the codes of
/// each length are numbered after all shorter ones (so `007` and `7` differ), which keeps the
/// key unique and never 0.
#[inline(always)]
fn digit_key(code: &[u8]) -> Option<u64> {
    if code.is_empty() || code.len() > 18 {
        return None;
    }
    // (10^len − 1) / 9: how many digit strings are shorter than `len`, plus one.
    let mut value: u64 = 0;
    let mut offset: u64 = 0;
    for &c in code {
        let d = c.wrapping_sub(b'0');
        if d > 9 {
            return None;
        }
        value = value * 10 + u64::from(d);
        offset = offset * 10 + 1;
    }
    Some(value + offset)
}

/// One slot of the table of digit codes: the key, and the running sum of the payments the
/// reading thread has seen for it. 16 bytes, so a line's lookup and its addition touch one
/// cache line and the whole table of a province stays in the processor's cache.
#[derive(Clone, Copy)]
#[repr(C, align(16))]
struct Slot {
    key: u64,
    sum: i64,
}

/// Project codes → index, in an open-addressing table two-thirds full for codes of digits
/// (each reader thread sums into its own copy of the slots), and a general map for any other.
#[derive(Clone)]
struct CodeTable {
    slots: Vec<Slot>,
    /// The project index of each slot.
    index: Vec<u32>,
    /// Codes that are not 1 to 18 digits.
    other: HashMap<Vec<u8>, u32>,
}

impl CodeTable {
    fn new(codes: &[String]) -> CodeTable {
        let size = (codes.len() + codes.len() / 2).max(16);
        let mut t = CodeTable {
            slots: vec![Slot { key: 0, sum: 0 }; size],
            index: vec![u32::MAX; size],
            other: HashMap::new(),
        };
        for (i, c) in codes.iter().enumerate() {
            match digit_key(c.as_bytes()) {
                Some(k) => {
                    let mut s = t.home(k);
                    while t.slots[s].key != 0 && t.slots[s].key != k {
                        s = t.next(s);
                    }
                    if t.slots[s].key == 0 {
                        t.slots[s].key = k;
                        t.index[s] = i as u32;
                    }
                }
                None => {
                    t.other.entry(c.as_bytes().to_vec()).or_insert(i as u32);
                }
            }
        }
        t
    }

    /// The home slot of a key: mixed by multiplication, then mapped onto the table by the
    /// high half of a 128-bit product (no power-of-two size needed).
    #[inline(always)]
    fn home(&self, key: u64) -> usize {
        let h = (key ^ (key >> 29)).wrapping_mul(0x9e37_79b9_7f4a_7c15);
        let h = h ^ (h >> 32);
        ((u128::from(h) * self.slots.len() as u128) >> 64) as usize
    }

    #[inline(always)]
    fn next(&self, s: usize) -> usize {
        if s + 1 == self.slots.len() {
            0
        } else {
            s + 1
        }
    }

    /// Adds `amount` to the project of `key` (probing from `home`), if it is known.
    #[inline(always)]
    fn add(&mut self, key: u64, home: usize, amount: i64) {
        let mut s = home;
        loop {
            let slot = &mut self.slots[s];
            if slot.key == key {
                slot.sum += amount;
                return;
            }
            if slot.key == 0 {
                return;
            }
            s = self.next(s);
        }
    }

    /// Adds `amount` to the project whose code is `code`, if it is known.
    fn add_code(&mut self, code: &[u8], amount: i64, other_sums: &mut [i64]) {
        match digit_key(code) {
            Some(key) => self.add(key, self.home(key), amount),
            None => {
                if let Some(&p) = self.other.get(code) {
                    other_sums[p as usize] += amount;
                }
            }
        }
    }

    /// The sums by project index, added into `executed`.
    fn add_sums_to(&self, executed: &mut [i64]) {
        for (slot, &p) in self.slots.iter().zip(&self.index) {
            if slot.key != 0 {
                executed[p as usize] += slot.sum;
            }
        }
    }

    #[cfg(test)]
    fn get(&self, code: &[u8]) -> Option<u32> {
        match digit_key(code) {
            Some(k) => {
                let mut s = self.home(k);
                loop {
                    match self.slots[s].key {
                        0 => return None,
                        x if x == k => return Some(self.index[s]),
                        _ => s = self.next(s),
                    }
                }
            }
            None => self.other.get(code).copied(),
        }
    }
}

/// Asks the processor to bring `value`'s cache line in, without waiting for it.
#[inline(always)]
fn prefetch<T>(value: &T) {
    #[cfg(target_arch = "x86_64")]
    // SAFETY: a prefetch is only a hint; it reads nothing the program sees and cannot fault,
    // and the pointer comes from a live reference. SSE is part of every x86-64 processor.
    unsafe {
        use std::arch::x86_64::{_mm_prefetch, _MM_HINT_T0};
        _mm_prefetch::<_MM_HINT_T0>(std::ptr::from_ref(value).cast());
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = value;
}

/// Lines whose project is looked up together: the slots are read first, all at once, so
/// that the processor waits for the memory of many lookups at the same time, not in turn.
const LOOKAHEAD: usize = 16;

/// Bytes past the filled part of the read buffer that may be read (never used): the
/// separators are found 64 bytes at a time.
const PAD: usize = 64;

/// A bit for each comma or line feed among the 64 bytes.
#[inline(always)]
fn separators(block: &[u8; 64]) -> u64 {
    #[cfg(target_arch = "x86_64")]
    {
        use std::arch::x86_64::{
            __m128i, _mm_cmpeq_epi8, _mm_loadu_si128, _mm_movemask_epi8, _mm_or_si128,
            _mm_set1_epi8,
        };
        let mut m = 0u64;
        for (k, part) in block.chunks_exact(16).enumerate() {
            // SAFETY: SSE2 is part of every x86-64 processor, and the load reads the 16
            // bytes of `part`, a live slice of exactly that length (unaligned loads allowed).
            let bits = unsafe {
                let v = _mm_loadu_si128(part.as_ptr().cast::<__m128i>());
                let hits = _mm_or_si128(
                    _mm_cmpeq_epi8(v, _mm_set1_epi8(b',' as i8)),
                    _mm_cmpeq_epi8(v, _mm_set1_epi8(b'\n' as i8)),
                );
                _mm_movemask_epi8(hits) as u16
            };
            m |= u64::from(bits) << (16 * k);
        }
        m
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        let mut m = 0u64;
        for (i, &b) in block.iter().enumerate() {
            m |= u64::from((b == b',') | (b == b'\n')) << i;
        }
        m
    }
}

/// The first eight bytes of a `YYYY-MM-DD` date, big-endian, and its last two: together
/// they order dates as the text does.
#[inline(always)]
fn date_key(date: &[u8]) -> (u64, u16) {
    let mut head = [0u8; 8];
    head.copy_from_slice(&date[..8]);
    (
        u64::from_be_bytes(head),
        u16::from_be_bytes([date[8], date[9]]),
    )
}

/// Sums each project's payments up to the as-of date over the byte range [start, end) of
/// the file, which begins at a line start, into `table`'s slots (codes other than digits into
/// `other_sums`).
#[allow(clippy::too_many_arguments)]
fn sum_slice(
    path: &Path,
    start: u64,
    end: u64,
    as_of: &[u8; 10],
    cols: (usize, usize, usize),
    table: &mut CodeTable,
    other_sums: &mut [i64],
    buf: &mut Vec<u8>,
) -> Result<u64, BatchError> {
    let mut file = File::open(path).map_err(|e| err(path, 0, format!("无法读取：{e}")))?;
    file.seek(SeekFrom::Start(start))
        .map_err(|e| err(path, 0, format!("无法读取：{e}")))?;
    let mut carry = 0usize; // bytes of an unfinished line kept at the buffer's start
    let mut left = end - start;
    let mut lines = 0u64;
    let (c_project, c_date, c_amount) = cols;
    let last = c_project.max(c_date).max(c_amount);
    let limit = date_key(as_of);
    let mut pending = [(0u64, 0usize, 0i64); LOOKAHEAD];
    let mut waiting = 0usize;
    loop {
        let cap = buf.len() - PAD;
        let want = (cap - carry).min(left as usize);
        let got = if want == 0 {
            0
        } else {
            file.read(&mut buf[carry..carry + want])
                .map_err(|e| err(path, 0, format!("无法读取：{e}")))?
        };
        left -= got as u64;
        let filled = carry + got;
        let at_end = got == 0 || left == 0;
        // The separators of each 64-byte block as a bit mask; each line's fields are the
        // spans between them.
        let mut pos = 0usize; // where the current line starts
        let mut fields = [(0usize, 0usize); 8];
        let mut count = 0usize;
        let mut field_start = 0usize;
        let mut base = 0usize;
        while base < filled {
            let block: &[u8; 64] = buf[base..base + 64]
                .try_into()
                .expect("the buffer has PAD bytes past its filled part");
            let mut mask = separators(block);
            if filled - base < 64 {
                mask &= (1u64 << (filled - base)) - 1;
            }
            while mask != 0 {
                let i = base + mask.trailing_zeros() as usize;
                mask &= mask - 1;
                if count < fields.len() {
                    fields[count] = (field_start, i);
                }
                count += 1;
                field_start = i + 1;
                if buf[i] != b'\n' {
                    continue;
                }
                let line_start = pos;
                pos = i + 1;
                let n = std::mem::take(&mut count);
                lines += 1;
                let chunk: &[u8] = buf;
                let field = |k: usize| {
                    let (a, mut b) = fields[k];
                    if k + 1 == n && b > a && chunk[b - 1] == b'\r' {
                        b -= 1;
                    }
                    (a, b)
                };
                if n <= last {
                    let line = &chunk[line_start..i];
                    if line.is_empty() || line == b"\r" {
                        continue;
                    }
                    return Err(BatchError(format!(
                        "{}：有一行的列数不够（“{}”）",
                        path.display(),
                        String::from_utf8_lossy(line)
                    )));
                }
                let (da, db) = field(c_date);
                if db - da != 10 {
                    return Err(BatchError(format!(
                        "{}：支付日期“{}”不是 年-月-日 格式",
                        path.display(),
                        String::from_utf8_lossy(&chunk[da..db])
                    )));
                }
                if date_key(&chunk[da..db]) > limit {
                    continue;
                }
                let (aa, ab) = field(c_amount);
                let amount = fen(&chunk[aa..ab]).ok_or_else(|| {
                    BatchError(format!(
                        "{}：金额“{}”不是以元为单位、最多两位小数的数",
                        path.display(),
                        String::from_utf8_lossy(&chunk[aa..ab])
                    ))
                })?;
                let (pa, pb) = field(c_project);
                let project = &chunk[pa..pb];
                match digit_key(project) {
                    Some(key) => {
                        let home = table.home(key);
                        // Ask for the slot now; it is read when the batch is full.
                        prefetch(&table.slots[home]);
                        pending[waiting] = (key, home, amount);
                        waiting += 1;
                        if waiting == LOOKAHEAD {
                            for &(key, home, amount) in &pending {
                                table.add(key, home, amount);
                            }
                            waiting = 0;
                        }
                    }
                    None => {
                        if let Some(&p) = table.other.get(project) {
                            other_sums[p as usize] += amount;
                        }
                    }
                }
            }
            base += 64;
        }
        for &(key, home, amount) in &pending[..waiting] {
            table.add(key, home, amount);
        }
        waiting = 0;
        if at_end {
            if pos < filled {
                // A last line without a line end.
                let (more, n) = finish_line(&buf[pos..filled], as_of, cols)?;
                if let Some((code, a)) = more {
                    table.add_code(code, a, other_sums);
                }
                lines += n;
            }
            break;
        }
        buf.copy_within(pos..filled, 0);
        carry = filled - pos;
        if carry == buf.len() - PAD {
            buf.resize(buf.len() * 2, 0);
        }
    }
    Ok(lines)
}

/// The one line left at a file's end without its line break: its code and amount when it
/// counts, and 1 if it is a line.
#[allow(clippy::type_complexity)]
fn finish_line<'a>(
    line: &'a [u8],
    as_of: &[u8; 10],
    cols: (usize, usize, usize),
) -> Result<(Option<(&'a [u8], i64)>, u64), BatchError> {
    let line = line.strip_suffix(b"\r").unwrap_or(line);
    let fields: Vec<&[u8]> = line.split(|&b| b == b',').collect();
    let (c_project, c_date, c_amount) = cols;
    if fields.len() <= c_project.max(c_date).max(c_amount) {
        return Ok((None, u64::from(!line.is_empty())));
    }
    if fields[c_date] > &as_of[..] {
        return Ok((None, 1));
    }
    Ok((fen(fields[c_amount]).map(|a| (fields[c_project], a)), 1))
}

/// Byte offsets that cut the file after its header into `parts` slices at line starts.
fn slices(path: &Path, header_end: u64, size: u64, parts: usize) -> Result<Vec<u64>, BatchError> {
    let mut cuts = vec![header_end];
    let mut file = File::open(path).map_err(|e| err(path, 0, format!("无法读取：{e}")))?;
    let mut probe = [0u8; 4096];
    for i in 1..parts {
        let guess = header_end + (size - header_end) * i as u64 / parts as u64;
        file.seek(SeekFrom::Start(guess))
            .map_err(|e| err(path, 0, format!("无法读取：{e}")))?;
        let mut at = guess;
        loop {
            let n = file
                .read(&mut probe)
                .map_err(|e| err(path, 0, format!("无法读取：{e}")))?;
            if n == 0 {
                at = size;
                break;
            }
            if let Some(nl) = memchr::memchr(b'\n', &probe[..n]) {
                at += nl as u64 + 1;
                break;
            }
            at += n as u64;
        }
        cuts.push(at.max(*cuts.last().unwrap_or(&0)));
    }
    cuts.push(size);
    Ok(cuts)
}

/// Runs the refresh over the files in `dir` as of `as_of`.
pub fn refresh(
    dir: &Path,
    as_of: Date,
    thresholds: &Thresholds,
    threads: usize,
) -> Result<Refresh, BatchError> {
    let units_path = dir.join("units.csv");
    let mut unit_dept: HashMap<String, u32> = HashMap::new();
    let mut dept_codes: Vec<String> = Vec::new();
    let mut dept_index: HashMap<String, u32> = HashMap::new();
    small_csv(&units_path, &["unit_code", "department_code"], |_, f| {
        let d = match dept_index.get(f[1]) {
            Some(&d) => d,
            None => {
                dept_codes.push(f[1].to_string());
                let d = dept_codes.len() as u32 - 1;
                dept_index.insert(f[1].to_string(), d);
                d
            }
        };
        unit_dept.insert(f[0].to_string(), d);
        Ok(())
    })?;

    let projects_path = dir.join("projects.csv");
    let mut codes: Vec<String> = Vec::new();
    let mut meta: Vec<(u32, i64)> = Vec::new();
    small_csv(
        &projects_path,
        &["project_code", "unit_code", "adjusted_budget"],
        |line, f| {
            // As the anchors join: a project whose unit is unknown is left out.
            let Some(&dept) = unit_dept.get(f[1]) else {
                return Ok(());
            };
            let b = fen(f[2].as_bytes()).ok_or_else(|| {
                err(
                    &projects_path,
                    line,
                    format!("调整后预算“{}”不是以元为单位、最多两位小数的数", f[2]),
                )
            })?;
            codes.push(f[0].to_string());
            meta.push((dept, b));
            Ok(())
        },
    )?;
    let table = CodeTable::new(&codes);

    let payments_path = dir.join("payments.csv");
    let mut file =
        File::open(&payments_path).map_err(|e| err(&payments_path, 0, format!("无法读取：{e}")))?;
    let size = file.metadata().map(|m| m.len()).unwrap_or(0);
    let mut head = vec![0u8; 4096.min(size as usize)];
    file.read_exact(&mut head)
        .map_err(|e| err(&payments_path, 0, format!("无法读取：{e}")))?;
    let header_len =
        memchr::memchr(b'\n', &head).ok_or_else(|| err(&payments_path, 1, "缺少表头行"))?;
    let header_text = String::from_utf8_lossy(&head[..header_len]);
    let header: Vec<String> = header_text
        .trim_start_matches('\u{feff}')
        .trim_end_matches('\r')
        .split(',')
        .map(str::to_string)
        .collect();
    let cols = (
        column(&payments_path, &header, "project_code")?,
        column(&payments_path, &header, "pay_date")?,
        column(&payments_path, &header, "amount")?,
    );
    let as_of_text: [u8; 10] = as_of
        .to_string()
        .into_bytes()
        .try_into()
        .map_err(|_| BatchError(format!("日期 {as_of} 无法比较")))?;
    let threads = threads.max(1);
    // Many more slices than threads, taken in turn: payments come in date order, so the
    // slices after the as-of date are quick and equal halves would not be equal work.
    let cuts = slices(&payments_path, header_len as u64 + 1, size, threads * 16)?;
    let next = std::sync::atomic::AtomicUsize::new(0);
    let parts: Vec<Result<(Vec<i64>, u64), BatchError>> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..threads)
            .map(|_| {
                let (path, table, as_of_text, cuts, next) =
                    (&payments_path, &table, &as_of_text, &cuts, &next);
                let n = codes.len();
                s.spawn(move || {
                    let mut table = table.clone();
                    let mut other_sums = vec![0i64; n];
                    let mut buf = vec![0u8; (1 << 20) + PAD];
                    let mut lines = 0;
                    loop {
                        let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                        if i + 1 >= cuts.len() {
                            table.add_sums_to(&mut other_sums);
                            return Ok((other_sums, lines));
                        }
                        lines += sum_slice(
                            path,
                            cuts[i],
                            cuts[i + 1],
                            as_of_text,
                            cols,
                            &mut table,
                            &mut other_sums,
                            &mut buf,
                        )?;
                    }
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("a reader thread does not panic"))
            .collect()
    });
    let mut executed = vec![0i64; codes.len()];
    let mut payments_read = 0;
    for part in parts {
        let (e, n) = part?;
        payments_read += n;
        for (total, x) in executed.iter_mut().zip(e) {
            *total += x;
        }
    }

    let time = TimeProgress::by_day(as_of);
    let mut order: Vec<usize> = (0..codes.len()).collect();
    // Exports usually list projects in code order already; sort only when they do not.
    if !codes.is_sorted() {
        order.sort_unstable_by(|&a, &b| codes[a].as_bytes().cmp(codes[b].as_bytes()));
    }
    let mut projects = Vec::with_capacity(codes.len());
    let mut depts: Vec<Option<(i128, i128, u64, u64)>> = vec![None; dept_codes.len()];
    for i in order {
        let (dept, budget) = &meta[i];
        let w = thresholds.warning(executed[i], *budget, time);
        let d = depts[*dept as usize].get_or_insert((0, 0, 0, 0));
        d.0 += i128::from(*budget);
        d.1 += i128::from(executed[i]);
        d.2 += u64::from(w == Warning::Red);
        d.3 += u64::from(w == Warning::Yellow);
        projects.push(ProjectResult {
            code: std::mem::take(&mut codes[i]),
            department: dept_codes[*dept as usize].clone(),
            executed: executed[i],
            budget: *budget,
            warning: w,
        });
    }
    let mut departments: Vec<DepartmentResult> = depts
        .into_iter()
        .zip(&dept_codes)
        .filter_map(|(d, code)| d.map(|d| (code, d)))
        .map(|(code, (budget, executed, red, yellow))| DepartmentResult {
            code: code.clone(),
            budget,
            executed,
            red,
            yellow,
            rank: 0,
        })
        .collect();
    departments.sort_by(|a, b| {
        by_rate(
            (&a.code, a.budget, a.executed),
            (&b.code, b.budget, b.executed),
        )
    });
    for (i, d) in departments.iter_mut().enumerate() {
        d.rank = i + 1;
    }
    Ok(Refresh {
        time,
        projects,
        departments,
        payments_read,
    })
}

/// Writes `projects_out.csv` and `departments_out.csv` into `out`; returns their paths.
pub fn write(refresh: &Refresh, out: &Path) -> std::io::Result<Vec<PathBuf>> {
    std::fs::create_dir_all(out)?;
    let p = out.join("projects_out.csv");
    let mut b: Vec<u8> = Vec::with_capacity(refresh.projects.len() * 48 + 64);
    b.extend_from_slice(b"project_code,executed,rate,warning\n");
    for r in &refresh.projects {
        b.extend_from_slice(r.code.as_bytes());
        b.push(b',');
        push_yuan(&mut b, i128::from(r.executed));
        b.push(b',');
        push_rate6(&mut b, i128::from(r.executed), i128::from(r.budget));
        b.push(b',');
        b.extend_from_slice(r.warning.id().as_bytes());
        b.push(b'\n');
    }
    std::fs::write(&p, &b)?;
    let d = out.join("departments_out.csv");
    b.clear();
    b.extend_from_slice(b"department_code,budget,executed,rate,red,yellow,rank\n");
    for r in &refresh.departments {
        b.extend_from_slice(r.code.as_bytes());
        b.push(b',');
        push_yuan(&mut b, r.budget);
        b.push(b',');
        push_yuan(&mut b, r.executed);
        b.push(b',');
        push_rate6(&mut b, r.executed, r.budget);
        for n in [r.red, r.yellow, r.rank as u64] {
            b.push(b',');
            push_uint(&mut b, u128::from(n));
        }
        b.push(b'\n');
    }
    std::fs::write(&d, &b)?;
    Ok(vec![p, d])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fen_reads_the_interchange_amounts() {
        assert_eq!(fen(b"1234.56"), Some(123_456));
        assert_eq!(fen(b"-0.07"), Some(-7));
        assert_eq!(fen(b"12"), Some(1200));
        assert_eq!(fen(b"12.5"), Some(1250));
        assert_eq!(fen(b"1.234"), None);
        assert_eq!(fen(b""), None);
        assert_eq!(fen(b"1,0"), None);
    }

    #[test]
    fn digit_keys_tell_leading_zeros_apart() {
        assert_eq!(digit_key(b"0"), Some(1));
        assert_eq!(digit_key(b"9"), Some(10));
        assert_eq!(digit_key(b"00"), Some(11));
        assert_ne!(digit_key(b"007"), digit_key(b"7"));
        assert_ne!(digit_key(b"07"), digit_key(b"007"));
        assert_eq!(
            digit_key(b"999999999999999999"),
            Some(1_111_111_111_111_111_110)
        );
        assert_eq!(digit_key(b"1234567890123456789"), None);
        assert_eq!(digit_key(b"12a"), None);
        assert_eq!(digit_key(b""), None);
    }

    #[test]
    fn separators_mark_commas_and_line_feeds() {
        let mut block = [b'x'; 64];
        for i in [0, 5, 17, 40, 63] {
            block[i] = b',';
        }
        block[33] = b'\n';
        let m = separators(&block);
        assert_eq!(
            m,
            (1 << 0) | (1 << 5) | (1 << 17) | (1 << 33) | (1 << 40) | (1 << 63)
        );
    }

    #[test]
    fn code_table_finds_short_and_long_codes() {
        let codes: Vec<String> = (0..1000)
            .map(|i| format!("44000{i:010}"))
            .chain(["a-very-long-project-code-of-more-than-16".to_string()])
            .chain(["P-7".to_string(), "007".to_string(), "7".to_string()])
            .collect();
        let t = CodeTable::new(&codes);
        for (i, c) in codes.iter().enumerate() {
            assert_eq!(t.get(c.as_bytes()), Some(i as u32));
        }
        assert_eq!(t.get(b"nope"), None);
        assert_eq!(t.get(b"a-very-long-project-code-of-more-than-17"), None);
    }
}
