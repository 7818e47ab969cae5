//! Parses the database URL and picks the backend by its scheme. A SQLite connection would
//! accept any string as a file name, so the choice is made here, explicitly.

use std::fmt;
use std::path::PathBuf;

/// Where the data lives.
#[derive(Clone, PartialEq, Eq)]
pub enum DatabaseUrl {
    /// An embedded SQLite file, created on first start.
    Sqlite(PathBuf),
    /// A PostgreSQL server (`postgres://` or `postgresql://`).
    Postgres(String),
}

impl DatabaseUrl {
    /// Accepts `postgres://…`, `postgresql://…`, `sqlite://PATH` or a bare file path.
    pub fn parse(text: &str) -> Result<Self, String> {
        let text = text.trim();
        if text.is_empty() {
            return Err("is empty: give a file path, sqlite://PATH or postgres://…".into());
        }
        if text.starts_with("postgres://") || text.starts_with("postgresql://") {
            return Ok(DatabaseUrl::Postgres(text.to_owned()));
        }
        let path = text.strip_prefix("sqlite://").or_else(|| text.strip_prefix("sqlite:")).unwrap_or(text);
        if let Some((scheme, _)) = path.split_once("://") {
            return Err(format!("scheme `{scheme}` is not supported: use sqlite:// or postgres://"));
        }
        if path.is_empty() || path == ":memory:" || path.starts_with("file:") {
            return Err("needs a SQLite file path (an in-memory database would lose every tip)".into());
        }
        Ok(DatabaseUrl::Sqlite(PathBuf::from(path)))
    }

    /// The backend's name, for messages.
    pub fn backend(&self) -> &'static str {
        match self {
            DatabaseUrl::Sqlite(_) => "SQLite",
            DatabaseUrl::Postgres(_) => "PostgreSQL",
        }
    }
}

/// Shows the URL without its password, so that it can be printed and logged.
impl fmt::Display for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DatabaseUrl::Sqlite(path) => write!(f, "SQLite {}", path.display()),
            DatabaseUrl::Postgres(url) => write!(f, "PostgreSQL {}", redact_password(url)),
        }
    }
}

impl fmt::Debug for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

fn redact_password(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    let (authority, tail) = rest.split_once('/').map_or((rest, None), |(a, t)| (a, Some(t)));
    let authority = match authority.rsplit_once('@') {
        Some((user_info, host)) => match user_info.split_once(':') {
            Some((user, _password)) => format!("{user}:***@{host}"),
            None => format!("{user_info}@{host}"),
        },
        None => authority.to_owned(),
    };
    match tail {
        Some(tail) => format!("{scheme}://{authority}/{tail}"),
        None => format!("{scheme}://{authority}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_scheme_picks_the_backend() {
        assert_eq!(DatabaseUrl::parse("sqlite://./data/tinbao.db"), Ok(DatabaseUrl::Sqlite("./data/tinbao.db".into())));
        assert_eq!(DatabaseUrl::parse("sqlite:///data/tinbao.db"), Ok(DatabaseUrl::Sqlite("/data/tinbao.db".into())));
        assert_eq!(DatabaseUrl::parse("tips.db"), Ok(DatabaseUrl::Sqlite("tips.db".into())));
        assert!(matches!(DatabaseUrl::parse("postgres://u@h/db"), Ok(DatabaseUrl::Postgres(_))));
        assert!(matches!(DatabaseUrl::parse("postgresql://u@h/db"), Ok(DatabaseUrl::Postgres(_))));
        assert!(DatabaseUrl::parse("mysql://u@h/db").unwrap_err().contains("mysql"));
        assert!(DatabaseUrl::parse("").is_err());
        assert!(DatabaseUrl::parse(":memory:").is_err());
    }

    #[test]
    fn printing_hides_the_password() {
        let url = DatabaseUrl::parse("postgres://tinbao:s3cret@db:5432/tinbao").expect("valid");
        assert_eq!(url.to_string(), "PostgreSQL postgres://tinbao:***@db:5432/tinbao");
        assert!(!format!("{url:?}").contains("s3cret"));
    }
}
