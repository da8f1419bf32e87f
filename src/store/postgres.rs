use super::backend::SqlStore;
use super::sql::{Dialect, Statements};
use super::{Result, StoreError};
use sqlx::postgres::{PgConnectOptions, PgPoolOptions, PgSslMode, Postgres};
use std::str::FromStr;
use std::time::Duration;

/// PostgreSQL with PostGIS: the store for production and for several
/// servers sharing one register.
pub type PgStore = SqlStore<Postgres>;

impl SqlStore<Postgres> {
    pub async fn connect(url: &str) -> Result<PgStore> {
        let pool = PgPoolOptions::new()
            .max_connections(16)
            // Reads come from memory; a write waits this long for the
            // database before it answers 503, rather than hanging.
            .acquire_timeout(Duration::from_millis(1_500))
            .connect_with(options(url)?)
            .await
            .map_err(|source| StoreError::Unavailable {
                context: "connecting to PostgreSQL",
                source,
            })?;
        sqlx::migrate!("./migrations/postgres").run(&pool).await?;
        Ok(SqlStore {
            pool,
            sql: Statements::new(Dialect::Postgres),
        })
    }
}

/// The URL's options; over loopback, without TLS unless the URL or
/// `PGSSLMODE` asks for it. libpq's default (`prefer`) encrypts traffic
/// that never leaves the machine: a start-up over a million assets spent
/// 0.2-0.4 s of its 2.1-2.5 s on it, and every COPY pays it too.
fn options(url: &str) -> Result<PgConnectOptions> {
    let options = PgConnectOptions::from_str(url).map_err(|source| StoreError::Unavailable {
        context: "reading the PostgreSQL URL",
        source,
    })?;
    let asked = url.contains("sslmode=") || std::env::var_os("PGSSLMODE").is_some();
    Ok(if !asked && is_loopback(options.get_host()) {
        options.ssl_mode(PgSslMode::Disable)
    } else {
        options
    })
}

/// A host on this machine: a loopback name or address, or a socket path.
fn is_loopback(host: &str) -> bool {
    host.starts_with('/')
        || host.eq_ignore_ascii_case("localhost")
        || host
            .trim_matches(|c| c == '[' || c == ']')
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mode(url: &str) -> String {
        format!("{:?}", options(url).unwrap().get_ssl_mode())
    }

    #[test]
    fn loopback_goes_without_tls_unless_asked() {
        assert_eq!(mode("postgres://u@127.0.0.1:5432/db"), "Disable");
        assert_eq!(mode("postgres://u@localhost/db"), "Disable");
        assert_eq!(mode("postgres://u@[::1]:5432/db"), "Disable");
        assert_eq!(mode("postgres://u@127.0.0.1/db?sslmode=require"), "Require");
        assert_eq!(mode("postgres://u@db.example.org/db"), "Prefer");
        assert_eq!(mode("postgres://u@10.0.0.5/db"), "Prefer");
    }
}
