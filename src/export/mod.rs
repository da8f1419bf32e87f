//! Giving the register back in open formats: GeoJSON and CSV, written a
//! chunk of assets at a time so that a large export never sits in memory.

pub mod cells;

use crate::service::{AssetQuery, Registry, ServiceError};
use futures_util::Stream;
use std::sync::Arc;
use uuid::Uuid;

const CHUNK: usize = 500;

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Format {
    GeoJson,
    Csv,
}

crate::domain::word_enum!(Format, "format" { GeoJson = "geojson", Csv = "csv" });

impl Format {
    pub fn content_type(self) -> &'static str {
        match self {
            Format::GeoJson => "application/geo+json",
            Format::Csv => "text/csv; charset=utf-8",
        }
    }

    fn header(self) -> String {
        match self {
            Format::GeoJson => "{\"type\":\"FeatureCollection\",\"features\":[\n".into(),
            Format::Csv => csv_line(columns().map(str::to_string)),
        }
    }

    fn footer(self) -> &'static str {
        match self {
            Format::GeoJson => "\n]}\n",
            Format::Csv => "",
        }
    }
}

/// The CSV columns: the asset's exported fields, then where it is.
pub(crate) fn columns() -> impl Iterator<Item = &'static str> {
    crate::domain::fields::exported().chain(["lon", "lat", "wkt"])
}

pub(crate) fn csv_line(fields: impl Iterator<Item = String>) -> String {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(fields.collect::<Vec<_>>())
        .expect("writing to memory");
    String::from_utf8(w.into_inner().expect("writing to memory")).expect("UTF-8 in, UTF-8 out")
}

async fn ids(registry: &Registry, query: &AssetQuery) -> Result<Vec<Uuid>, ServiceError> {
    Ok(registry
        .matching(query)
        .await?
        .into_iter()
        .map(|h| h.id)
        .collect())
}

/// Writes every matching asset to `out`: for the command line.
pub async fn write_all(
    registry: &Registry,
    query: &AssetQuery,
    format: Format,
    out: &mut dyn std::io::Write,
) -> anyhow::Result<()> {
    let ids = ids(registry, query).await?;
    out.write_all(format.header().as_bytes())?;
    for (n, chunk) in ids.chunks(CHUNK).enumerate() {
        out.write_all(registry.export_chunk(chunk, format, n == 0).as_bytes())?;
    }
    out.write_all(format.footer().as_bytes())?;
    out.flush()?;
    Ok(())
}

/// The same, as a stream of chunks for an HTTP body. The ids are fixed when
/// the export starts; each chunk is read from the store as it is sent.
pub async fn stream(
    registry: Arc<Registry>,
    query: AssetQuery,
    format: Format,
) -> Result<impl Stream<Item = Result<String, std::io::Error>>, ServiceError> {
    let ids = ids(&registry, &query).await?;
    let chunks: Arc<Vec<Vec<Uuid>>> = Arc::new(ids.chunks(CHUNK).map(<[Uuid]>::to_vec).collect());
    enum Step {
        Header,
        Chunk(usize),
        Footer,
    }
    Ok(futures_util::stream::unfold(Step::Header, move |step| {
        let registry = registry.clone();
        let chunks = chunks.clone();
        async move {
            match step {
                Step::Header => Some((Ok(format.header()), Step::Chunk(0))),
                Step::Chunk(i) if i < chunks.len() => {
                    let item = registry.export_chunk(&chunks[i], format, i == 0);
                    Some((Ok(item), Step::Chunk(i + 1)))
                }
                Step::Chunk(_) => Some((Ok(format.footer().to_string()), Step::Footer)),
                Step::Footer => None,
            }
        }
    }))
}

/// The gap report as CSV: one row per area, with the method and
/// parameters repeated on each row so that a row quoted alone still says
/// how it was computed.
pub fn gaps_csv(report: &crate::analysis::GapReport) -> String {
    let opt = |v: Option<f64>| v.map(|v| v.to_string()).unwrap_or_default();
    let mut out = csv_line(
        [
            "code",
            "name",
            "level",
            "population",
            "count",
            "per_1000",
            "coverage",
            "nearest_m",
            "rank",
            "quintile",
            "gap",
            "method",
            "capitals",
            "categories",
            "distance_m",
            "rank_by",
        ]
        .iter()
        .map(|s| s.to_string()),
    );
    let p = &report.params;
    let capitals: Vec<&str> = p.capitals.iter().map(|c| c.as_str()).collect();
    for r in &report.rows {
        out.push_str(&csv_line(
            [
                cells::neutralise(r.code.clone()),
                cells::neutralise(r.name.clone()),
                cells::neutralise(r.level.clone()),
                opt(r.population),
                r.count.to_string(),
                opt(r.per_1000),
                opt(r.coverage),
                opt(r.nearest_m),
                r.rank.map(|v| v.to_string()).unwrap_or_default(),
                r.quintile.map(|v| v.to_string()).unwrap_or_default(),
                r.gap.to_string(),
                serde_json::to_value(r.method)
                    .expect("methods serialise")
                    .as_str()
                    .unwrap_or_default()
                    .to_string(),
                capitals.join(","),
                p.categories.join(","),
                p.distance_m.to_string(),
                serde_json::to_value(p.rank_by)
                    .expect("measures serialise")
                    .as_str()
                    .unwrap_or_default()
                    .to_string(),
            ]
            .into_iter(),
        ));
    }
    out
}
