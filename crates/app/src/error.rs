//! The application layer's one error type. Each kind says what went wrong in terms every front
//! end can act on: the web maps it to a status, the command line to an exit code.

use jixiao_formats::Problems;
use jixiao_store::StoreError;
use std::fmt;

/// Why an operation could not do what was asked.
#[derive(Debug)]
pub enum Error {
    /// The credentials or session do not sign anyone in.
    SignIn,
    /// Signed in, but this role or department may not do this.
    Forbidden,
    /// What was asked for is not there; the message (possibly empty) says what is.
    NotFound(String),
    /// The request is wrong: what to fix, in the user's words.
    Invalid(Msg),
    /// Someone else saved this record first; nothing was changed.
    Stale(Msg),
    /// Refused for a time (too many failed sign-ins): wait and try again.
    Locked(Msg),
    /// Stored data that does not read (a dataset with problems).
    Input(Problems),
    /// The store failed.
    Store(StoreError),
    /// Anything else that should not happen (a random source or a writer failing).
    Internal(String),
}

/// A message in both languages: every refusal has its Chinese text and its English twin.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Msg {
    /// 中文.
    pub zh: String,
    /// English.
    pub en: String,
}

impl Error {
    /// Nothing there, with no more to say.
    pub fn not_found() -> Error {
        Error::NotFound(String::new())
    }

    /// An invalid request, in both languages.
    pub fn invalid(zh: impl Into<String>, en: impl Into<String>) -> Error {
        Error::Invalid(Msg {
            zh: zh.into(),
            en: en.into(),
        })
    }

    /// A stale save, in both languages.
    pub fn stale(zh: impl Into<String>, en: impl Into<String>) -> Error {
        Error::Stale(Msg {
            zh: zh.into(),
            en: en.into(),
        })
    }

    /// Problems found by the domain or the file readers, whose texts are Chinese only: the
    /// English twin says what kind of problem it is and that the details are in Chinese.
    pub fn invalid_data(zh: impl Into<String>) -> Error {
        Error::Invalid(Msg {
            zh: zh.into(),
            en: "The data has problems; the details are given in Chinese.".to_string(),
        })
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::SignIn => f.write_str("用户名或密码不正确，或登录已失效"),
            Error::Forbidden => f.write_str("无权执行此操作"),
            Error::NotFound(m) if m.is_empty() => f.write_str("找不到该记录"),
            Error::NotFound(m) => f.write_str(m),
            Error::Invalid(m) | Error::Stale(m) | Error::Locked(m) => f.write_str(&m.zh),
            Error::Input(p) => write!(f, "发现 {} 个问题：\n{p}", p.0.len()),
            Error::Store(e) => write!(f, "{e}"),
            Error::Internal(m) => f.write_str(m),
        }
    }
}

impl std::error::Error for Error {}

impl From<StoreError> for Error {
    fn from(e: StoreError) -> Error {
        Error::Store(e)
    }
}
