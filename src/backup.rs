//! `assetmap backup FILE`: a consistent copy of a SQLite store, taken while
//! servers keep running. SQLite's `VACUUM INTO` reads one snapshot (the
//! write-ahead log included) and writes a compact, standalone database; to
//! restore, stop the servers and put the copy where `--database-url`
//! points (or point it at the copy). PostgreSQL has its own tool for this,
//! `pg_dump`, which this command names rather than imitates.

use crate::config::BackupArgs;
use anyhow::{bail, Context};
use sqlx::sqlite::SqliteConnectOptions;
use sqlx::{ConnectOptions, Connection};
use std::str::FromStr;

pub async fn run(args: &BackupArgs) -> anyhow::Result<()> {
    let url = &args.store.database_url;
    if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        bail!("{}", postgres_instructions(url, &args.file));
    }
    if !url.starts_with("sqlite:") {
        bail!(
            "unsupported database URL '{}': use sqlite://FILE",
            crate::store::redact(url)
        );
    }
    if args.file.exists() {
        bail!(
            "{} already exists: back up to a new file, so no earlier backup is overwritten",
            args.file.display()
        );
    }
    let options = SqliteConnectOptions::from_str(url)?
        .read_only(true)
        .create_if_missing(false);
    let mut conn = options
        .connect()
        .await
        .with_context(|| format!("opening {}", crate::store::redact(url)))?;
    let target = args.file.to_string_lossy().into_owned();
    sqlx::query("VACUUM INTO ?")
        .bind(&target)
        .execute(&mut conn)
        .await
        .with_context(|| format!("writing the backup to {target}"))?;
    conn.close().await?;
    Ok(())
}

/// What to run instead for PostGIS: a custom-format dump, and its restore.
fn postgres_instructions(url: &str, file: &std::path::Path) -> String {
    let url = crate::store::redact(url);
    format!(
        "assetmap backup copies SQLite stores; for PostgreSQL use its own tool, which \
         takes a consistent snapshot while servers keep running:\n  \
         pg_dump --format=custom --file={file} '{url}'\n\
         and to restore into a new, empty database:\n  \
         createdb NEWDB && pg_restore --no-owner --dbname=NEWDB {file}\n\
         (see README, Operations: Backups and restore)",
        file = file.display()
    )
}
