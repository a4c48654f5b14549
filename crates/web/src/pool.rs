//! A pool of store connections. The store is synchronous; each request borrows one
//! connection on a blocking thread and gives it back.

use crate::error::WebError;
use jixiao_store::{Location, Store};
use std::sync::{Arc, Mutex};
use tokio::sync::Semaphore;

/// Connections to one store, opened on demand up to a limit.
pub struct Pool {
    location: Location,
    idle: Mutex<Vec<Box<dyn Store>>>,
    permits: Semaphore,
}

impl Pool {
    /// Opens one connection now (applying migrations, so a bad URL fails at start).
    pub fn open(location: Location, size: usize) -> Result<Arc<Pool>, jixiao_store::StoreError> {
        let mut first = jixiao_store::open(&location)?;
        if let Location::Sqlite(_) = location {
            // Readers and one writer at once: what a server needs. Set once in the file.
            first
                .sql()
                .query("PRAGMA journal_mode = WAL", &[])
                .map(|_| ())?;
        }
        Ok(Arc::new(Pool {
            location,
            idle: Mutex::new(vec![first]),
            permits: Semaphore::new(size.max(1)),
        }))
    }

    /// Where the store lives.
    pub fn location(&self) -> &Location {
        &self.location
    }

    /// Runs `f` with a connection on a blocking thread. `f` fails with the web's error or the
    /// application layer's, which becomes the web's.
    pub async fn run<T: Send + 'static, E: Into<WebError> + Send + 'static>(
        self: &Arc<Self>,
        f: impl FnOnce(&mut dyn Store) -> Result<T, E> + Send + 'static,
    ) -> Result<T, WebError> {
        let _permit = self
            .permits
            .acquire()
            .await
            .map_err(|e| WebError::Internal(e.to_string()))?;
        let pool = self.clone();
        tokio::task::spawn_blocking(move || {
            let taken = pool.idle.lock().map(|mut v| v.pop()).unwrap_or(None);
            let mut store = match taken {
                Some(s) => s,
                None => jixiao_store::open(&pool.location)?,
            };
            let out = f(store.as_mut()).map_err(Into::into);
            // After an unexpected error the connection may be mid-transaction: it is dropped.
            // Refusals (forbidden, stale, invalid) roll back before they return.
            if !matches!(out, Err(WebError::Internal(_))) {
                if let Ok(mut idle) = pool.idle.lock() {
                    idle.push(store);
                }
            }
            out
        })
        .await
        .map_err(|e| WebError::Internal(format!("工作线程异常结束：{e}")))?
    }
}
