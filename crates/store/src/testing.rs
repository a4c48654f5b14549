//! Scratch stores for tests: a SQLite file in a fresh folder, and a fresh schema on the
//! PostgreSQL server (127.0.0.1:5432, database `test`, or `JIXIAO_TEST_POSTGRES`), so that
//! tests running at once never see each other. Not part of the product.

use crate::Location;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU32, Ordering};

/// The server tests use unless `JIXIAO_TEST_POSTGRES` names another.
pub const DEFAULT_TEST_POSTGRES: &str = "postgres://postgres@127.0.0.1:5432/test";

static COUNTER: AtomicU32 = AtomicU32::new(0);

fn unique(label: &str) -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    format!(
        "{label}_{}_{}_{nanos}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    )
    .replace('-', "_")
}

/// A folder removed when dropped.
pub struct Scratch(PathBuf);

impl Scratch {
    /// A new empty folder under the system's temporary folder.
    pub fn new(label: &str) -> Scratch {
        let dir = std::env::temp_dir().join(format!("jixiao-{}", unique(label)));
        std::fs::create_dir_all(&dir).expect("create scratch folder");
        Scratch(dir)
    }

    /// A path inside the folder.
    pub fn path(&self, name: &str) -> PathBuf {
        self.0.join(name)
    }

    /// The folder.
    pub fn dir(&self) -> &Path {
        &self.0
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A schema of its own on the test server, dropped when this is dropped.
pub struct PgSchema {
    server: String,
    name: String,
}

impl PgSchema {
    /// Creates a fresh schema. Panics, saying how to fix it, when the server is unreachable:
    /// a store test that cannot reach PostgreSQL fails rather than passing untested.
    pub fn new(label: &str) -> PgSchema {
        let server =
            std::env::var("JIXIAO_TEST_POSTGRES").unwrap_or_else(|_| DEFAULT_TEST_POSTGRES.into());
        let name = format!("t_{}", unique(label)).to_lowercase();
        let mut client = postgres::Client::connect(&server, postgres::NoTls).unwrap_or_else(|e| {
            panic!("cannot reach the test PostgreSQL at {server} ({e}); start it or set JIXIAO_TEST_POSTGRES")
        });
        client
            .batch_execute(&format!("CREATE SCHEMA {name}"))
            .expect("create test schema");
        PgSchema { server, name }
    }

    /// The URL of a store living in this schema.
    pub fn url(&self) -> String {
        let sep = if self.server.contains('?') { '&' } else { '?' };
        format!("{}{sep}options=-csearch_path%3D{}", self.server, self.name)
    }
}

impl Drop for PgSchema {
    fn drop(&mut self) {
        if let Ok(mut c) = postgres::Client::connect(&self.server, postgres::NoTls) {
            let _ = c.batch_execute(&format!("DROP SCHEMA {} CASCADE", self.name));
        }
    }
}

/// Runs `test` on a fresh SQLite store and then on a fresh PostgreSQL store; the second
/// argument names the backend in assertion messages.
pub fn each_backend(mut test: impl FnMut(&Location, &str)) {
    let scratch = Scratch::new("sqlite");
    test(&Location::Sqlite(scratch.path("store.db")), "SQLite");
    let schema = PgSchema::new("pg");
    test(&Location::Postgres(schema.url()), "PostgreSQL");
}
