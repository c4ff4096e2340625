//! Picks the storage adapter from the database URL. The only module that names a
//! concrete store: `sqlite:` URLs open the embedded SQLite adapter, `postgres:` (or
//! `postgresql:`) URLs the PostgreSQL one.

use sarnakh_core::store::{MaintenanceError, Store, StoreError};
use std::path::Path;
use std::sync::Arc;

/// The database used when none is configured: a `sarnakh.db` file in the working directory.
pub const DEFAULT_DATABASE_URL: &str = "sqlite://sarnakh.db";

/// Opens the store at `url`, creating and migrating it as needed.
pub async fn open_store(url: &str) -> Result<Arc<dyn Store>, StoreError> {
    if url.starts_with("sqlite:") {
        Ok(Arc::new(
            sarnakh_store_sqlite::SqliteStore::open(url).await?,
        ))
    } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
        Ok(Arc::new(
            sarnakh_store_postgres::PostgresStore::open(url).await?,
        ))
    } else {
        Err(StoreError::Backend(format!(
            "unsupported database URL {:?}: use sqlite://FILE or postgres://USER@HOST/DB",
            redact(url)
        )))
    }
}

/// Replaces the database at `url` with the backup file `backup` (SQLite; PostgreSQL says
/// to use `pg_restore`). Sarnakh must not be serving that database meanwhile.
pub async fn restore(url: &str, backup: &Path, force: bool) -> Result<(), MaintenanceError> {
    if url.starts_with("sqlite:") {
        sarnakh_store_sqlite::restore(backup, url, force).await
    } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
        Err(MaintenanceError::Unsupported(
            sarnakh_store_postgres::PG_DUMP_GUIDANCE.to_owned(),
        ))
    } else {
        Err(MaintenanceError::Refused(format!(
            "unsupported database URL {:?}",
            redact(url)
        )))
    }
}

/// The URL with any password replaced (in the user information or a `password=` query
/// parameter), for logs and messages.
pub fn redact(url: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((base, query)) => (base, Some(query)),
        None => (url, None),
    };
    let mut out = match (base.find("://"), base.rfind('@')) {
        (Some(scheme_end), Some(at)) if at > scheme_end => {
            let userinfo = &base[scheme_end + 3..at];
            match userinfo.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &base[..scheme_end + 3], &base[at..]),
                None => base.to_owned(),
            }
        }
        _ => base.to_owned(),
    };
    if let Some(query) = query {
        let pairs: Vec<String> = query
            .split('&')
            .map(|pair| match pair.split_once('=') {
                Some((key, _)) if key.eq_ignore_ascii_case("password") => format!("{key}=***"),
                _ => pair.to_owned(),
            })
            .collect();
        out.push('?');
        out.push_str(&pairs.join("&"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::redact;

    #[test]
    fn passwords_are_redacted() {
        assert_eq!(
            redact("postgres://sarnakh:s3cret@db/crm"),
            "postgres://sarnakh:***@db/crm"
        );
        assert_eq!(
            redact("postgres://postgres@127.0.0.1/test"),
            "postgres://postgres@127.0.0.1/test"
        );
        assert_eq!(redact("sqlite://sarnakh.db"), "sqlite://sarnakh.db");
        assert_eq!(
            redact("postgres://crm@db/crm?sslmode=require&password=s3cret"),
            "postgres://crm@db/crm?sslmode=require&password=***"
        );
    }
}
