//! The scan over PostgreSQL: `COPY (select ...) TO STDOUT (FORMAT binary)`
//! inside the caller's snapshot, parsed as it streams in. Binary COPY
//! sends each value at its size with no per-row protocol messages to
//! decode into row objects, so reading a million assets costs what the
//! database takes to send them.

use super::binary::Parser;
use super::columns;
use crate::domain::Status;
use crate::index::Loader;
use crate::store::kinds::Backend;
use crate::store::{failed, StoreError};
use sqlx::{Pool, Postgres, Transaction};
use uuid::Uuid;

/// The COPY of every asset's packed row (`packed`), or of those whose row
/// is in `rows` (a condition on `a.ctid`): one value a row, which is
/// PostgreSQL's cheapest to send.
pub fn packed_statement(rows: Option<&str>) -> String {
    let rows = rows
        .map(|r| format!(" where a.ctid {r}"))
        .unwrap_or_default();
    format!("copy (select a.scan_row from asset a{rows}) to stdout (format binary)")
}

/// The rows the packed scan could not read, found by the partial index on
/// a missing `scan_row`, or by reading the table after a format change.
fn unpacked_rows() -> String {
    format!(
        "a.scan_row is null or get_byte(a.scan_row, 0) <> {}",
        super::packed::VERSION
    )
}

/// The COPY of the assets meeting `filter` from their columns. Archived
/// ones are dropped as they are read: PostgreSQL would spend longer
/// comparing every status.
///
/// Each value sent costs PostgreSQL a call to its send function, and it
/// spends more time on those than on reading the table: a value that
/// usually repeats another goes as NULL when it does, which costs nothing
/// to send. A point's envelope is the point itself, and an asset never
/// changed was updated when it was created (`row` puts them back).
pub fn statement(filter: Option<&str>) -> String {
    let geom = "case when a.visibility = 'exact' and GeometryType(a.geom) <> 'POINT' \
                then ST_AsGeoJSON(a.geom, 20) end";
    let filter = filter.map(|f| format!(" where {f}")).unwrap_or_default();
    let written = [
        ("asset_id", "a.asset_id"),
        ("tags", "a.tags::text"),
        ("geom", geom),
        ("min_lon", "nullif(a.min_lon, a.point_lon)"),
        ("min_lat", "nullif(a.min_lat, a.point_lat)"),
        ("max_lon", "nullif(a.max_lon, a.point_lon)"),
        ("max_lat", "nullif(a.max_lat, a.point_lat)"),
        ("updated_at", "nullif(a.updated_at, a.created_at)"),
    ];
    format!(
        "copy (select {} from asset a{filter}) to stdout (format binary)",
        columns(&written)
    )
}

/// Packed rows to write back: those read from their columns.
pub type Backfill = Vec<(Uuid, i64, Vec<u8>)>;

/// Streams one COPY of the scan into the loader, parsing as it arrives,
/// and says how many rows came without a packed row to read. With
/// `backfill`, each row read is packed into it as well.
pub async fn copy_into(
    tx: &mut Transaction<'static, Postgres>,
    statement: &str,
    loader: &mut Loader,
    mut backfill: Option<&mut Backfill>,
) -> Result<usize, StoreError> {
    let mut copy = tx
        .copy_out_raw(statement)
        .await
        .map_err(failed("index scan"))?;
    let mut parser = Parser::default();
    while let Some(chunk) = futures_util::TryStreamExt::try_next(&mut copy)
        .await
        .map_err(failed("index scan"))?
    {
        parser.feed(&chunk, |row| {
            if let Some(b) = backfill.as_deref_mut() {
                b.push((row.id, row.version, super::packed::encode(&row)));
            }
            // Before the view is built: the loader would drop it anyway.
            if row.kinds[2] != Status::Archived.as_str() {
                loader.push(row.into_record()?);
            }
            Ok(())
        })?;
    }
    parser.finish()?;
    Ok(parser.unpacked)
}

/// Reads every live asset in one COPY, packed where it can.
pub async fn load_whole(
    tx: &mut Transaction<'static, Postgres>,
    loader: &mut Loader,
) -> Result<Backfill, StoreError> {
    let unpacked = copy_into(tx, &packed_statement(None), loader, None).await?;
    read_unpacked(tx, unpacked, loader).await
}

/// Reads the rows the packed scan could not, from their columns, in the
/// same snapshot, and packs them to be written back.
async fn read_unpacked(
    tx: &mut Transaction<'static, Postgres>,
    unpacked: usize,
    loader: &mut Loader,
) -> Result<Backfill, StoreError> {
    let mut backfill = Vec::new();
    if unpacked > 0 {
        tracing::info!(
            rows = unpacked,
            "reading rows without a packed copy from their columns"
        );
        copy_into(
            tx,
            &statement(Some(&unpacked_rows())),
            loader,
            Some(&mut backfill),
        )
        .await?;
    }
    Ok(backfill)
}

/// Writes packed rows back, where the row is still the version packed and
/// still has none (or one of another format), so that the next start-up reads them packed. A batch at
/// a time, each its own transaction: it only adds a copy.
pub async fn write_back(pool: &Pool<Postgres>, rows: Backfill) -> Result<(), StoreError> {
    let mut rows = rows.into_iter().peekable();
    while rows.peek().is_some() {
        let (mut ids, mut versions, mut packed) = (Vec::new(), Vec::new(), Vec::new());
        for (id, version, row) in rows.by_ref().take(1_000) {
            ids.push(id);
            versions.push(version);
            packed.push(row);
        }
        sqlx::query(
            "update asset set scan_row = x.r \
             from unnest($1::uuid[], $2::int8[], $3::bytea[]) as x(id, v, r) \
             where asset.asset_id = x.id and asset.version = x.v \
             and (asset.scan_row is null or get_byte(asset.scan_row, 0) <> $4)",
        )
        .bind(ids)
        .bind(versions)
        .bind(packed)
        .bind(i32::from(super::packed::VERSION))
        .execute(pool)
        .await
        .map_err(failed("write back packed rows"))?;
    }
    Ok(())
}

/// How each half is planned. A half is a TID range scan of its own pages,
/// but the planner prefers a parallel scan of the whole table that filters
/// out the other half (three processes a half, on two cores, each reading
/// every page), and compiles it with JIT first.
const PLAN: [&str; 2] = [
    "set local max_parallel_workers_per_gather = 0",
    "set local jit = off",
];

/// Reads every live asset into the loader in two halves of the table's
/// pages at once: `a` (already in its snapshot) exports that snapshot, a
/// second transaction from the pool takes it, and each copies its half
/// (a TID range scan) while the other half is parsed on another task,
/// so both cores convert rows while PostgreSQL produces them.
pub async fn load_halves(
    pool: &Pool<Postgres>,
    a: &mut Transaction<'static, Postgres>,
    pages: i64,
    loader: &mut Loader,
    estimate: usize,
) -> Result<Backfill, StoreError> {
    for s in PLAN {
        sqlx::query(s)
            .execute(&mut **a)
            .await
            .map_err(failed("scan settings"))?;
    }
    let (snapshot,): (String,) = sqlx::query_as("select pg_export_snapshot()")
        .fetch_one(&mut **a)
        .await
        .map_err(failed("export snapshot"))?;
    let mut b = pool.begin().await.map_err(failed("begin"))?;
    let isolation = <Postgres as Backend>::SNAPSHOT.expect("PostgreSQL sets its snapshot");
    let settings = [
        isolation.to_string(),
        format!("set transaction snapshot '{snapshot}'"),
    ];
    for s in settings.iter().map(String::as_str).chain(PLAN) {
        sqlx::query(s)
            .execute(&mut *b)
            .await
            .map_err(failed("snapshot"))?;
    }
    let mid = pages / 2;
    let other = tokio::spawn(async move {
        let mut part = Loader::with_capacity(estimate / 2);
        let rows = format!(">= '({mid},0)'");
        let unpacked = copy_into(&mut b, &packed_statement(Some(&rows)), &mut part, None).await?;
        b.commit().await.map_err(failed("commit"))?;
        Ok::<_, StoreError>((part, unpacked))
    });
    let rows = format!("< '({mid},0)'");
    let mine = copy_into(a, &packed_statement(Some(&rows)), loader, None).await;
    let theirs = other
        .await
        .map_err(|_| StoreError::Corrupt("the second half of the index scan panicked".into()))?;
    let (part, unpacked) = theirs?;
    let unpacked = mine? + unpacked;
    loader.absorb(part);
    read_unpacked(a, unpacked, loader).await
}
