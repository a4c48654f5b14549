//! Problems found in input files, reported all at once and in Chinese.

use std::fmt;
use std::path::{Path, PathBuf};

/// One problem in one file: where, and what was expected.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The file.
    pub file: PathBuf,
    /// Where in the file: a key path such as `projects[2].budget`, or a line and column.
    pub location: String,
    /// What is wrong and what was expected.
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.location.is_empty() {
            write!(f, "{}：{}", self.file.display(), self.message)
        } else {
            write!(
                f,
                "{}：{}：{}",
                self.file.display(),
                self.location,
                self.message
            )
        }
    }
}

/// Every problem found while reading some files. Nothing is used when there is any.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Problems(pub Vec<Problem>);

impl fmt::Display for Problems {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, p) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{p}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Problems {}

/// Collects problems while one file is read.
#[derive(Debug)]
pub struct Collector {
    file: PathBuf,
    problems: Vec<Problem>,
}

impl Collector {
    /// A collector for `file`.
    pub fn new(file: &Path) -> Collector {
        Collector {
            file: file.to_path_buf(),
            problems: Vec::new(),
        }
    }

    /// Records a problem at `location`.
    pub fn push(&mut self, location: impl Into<String>, message: impl Into<String>) {
        self.problems.push(Problem {
            file: self.file.clone(),
            location: location.into(),
            message: message.into(),
        });
    }

    /// The value, or `None` after recording its problem.
    pub fn take<T>(&mut self, location: &str, result: Result<T, String>) -> Option<T> {
        match result {
            Ok(v) => Some(v),
            Err(message) => {
                self.push(location, message);
                None
            }
        }
    }

    /// Records a problem unless the file's `format` key is the one its reader reads.
    pub fn expect_format(&mut self, found: &str, expected: &str) {
        if found != expected {
            self.push("format", format!("应为“{expected}”，实际为“{found}”"));
        }
    }

    /// What was read, when nothing was wrong: `build` makes it from the values taken (it gives
    /// `None` when one is missing, whose problem is recorded); otherwise every problem.
    pub fn finish<T>(self, build: impl FnOnce() -> Option<T>) -> Result<T, Problems> {
        match (self.problems.is_empty(), build()) {
            (true, Some(v)) => Ok(v),
            _ => Err(Problems(self.problems)),
        }
    }

    /// Whether anything was recorded.
    pub fn is_clean(&self) -> bool {
        self.problems.is_empty()
    }

    /// The problems recorded.
    pub fn into_problems(self) -> Vec<Problem> {
        self.problems
    }
}

/// A file's text, without a byte-order mark; a file that cannot be read is its one problem.
pub fn read_text(file: &Path) -> Result<String, Problems> {
    std::fs::read_to_string(file)
        .map(|t| t.trim_start_matches('\u{feff}').to_string())
        .map_err(|e| {
            Problems(vec![Problem {
                file: file.to_path_buf(),
                location: String::new(),
                message: format!("无法读取该文件：{e}"),
            }])
        })
}

/// A TOML file's text read into its raw shape; a syntax or shape error is its one problem,
/// located by line and column.
pub fn read_toml<T: serde::de::DeserializeOwned>(file: &Path, text: &str) -> Result<T, Problems> {
    toml::from_str(text).map_err(|e| Problems(vec![toml_problem(file, text, &e)]))
}

/// A TOML syntax or shape error, located by line and column.
pub fn toml_problem(file: &Path, source: &str, err: &toml::de::Error) -> Problem {
    let location = err
        .span()
        .map(|span| {
            let before = &source[..span.start.min(source.len())];
            let line = before.matches('\n').count() + 1;
            let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
            format!("第 {line} 行第 {col} 列")
        })
        .unwrap_or_default();
    Problem {
        file: file.to_path_buf(),
        location,
        message: format!("文件格式不正确：{}", translate(err.message())),
    }
}

/// Puts the commonest TOML/serde messages into Chinese; others are kept as they are.
fn translate(message: &str) -> String {
    if let Some(rest) = message.strip_prefix("missing field `") {
        let field = rest.trim_end_matches('`');
        return format!("缺少必填项 `{field}`");
    }
    if let Some(rest) = message.strip_prefix("unknown field `") {
        let field = rest.split('`').next().unwrap_or(rest);
        return format!("不认识的字段 `{field}`（是否拼写有误？）");
    }
    if message.starts_with("invalid type") {
        return format!("类型不对（{message}）");
    }
    message.trim().to_string()
}
