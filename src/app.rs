//! Starting a server: open the store, load the index, tail the change log,
//! and answer HTTP until told to stop.

use crate::api::{self, AppState, PageConfig};
use crate::basemap::{Served, Setting};
use crate::config::{ServeArgs, StoreArgs};
use crate::domain::Vocabulary;
use crate::service::Registry;
use anyhow::Context;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpListener;

pub fn vocabulary(args: &StoreArgs) -> anyhow::Result<Vocabulary> {
    match &args.categories {
        None => Ok(Vocabulary::default()),
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("reading categories from {}", path.display()))?;
            Vocabulary::with_extension(&text).map_err(anyhow::Error::msg)
        }
    }
}

/// Fills an empty store with the sample map, so that the first run shows a
/// real place rather than an empty map.
async fn load_sample(args: &ServeArgs, registry: &Registry) -> anyhow::Result<()> {
    if args.no_sample {
        tracing::info!("the store is empty; not loading the sample map (--no-sample)");
        return Ok(());
    }
    if !args.sample.is_file() {
        tracing::warn!(sample = %args.sample.display(), "the store is empty and there is no sample map to load");
        return Ok(());
    }
    tracing::info!(sample = %args.sample.display(), "the store is empty: loading the sample map");
    let loaded = crate::import::sample::load(
        registry.store().as_ref(),
        registry.vocabulary(),
        &args.sample,
        "sample",
    )
    .await?;
    for (dataset, report) in &loaded.layers {
        tracing::info!(
            dataset,
            created = report.created,
            rejected = report.rejected.len(),
            "sample layer loaded"
        );
        for r in &report.rejected {
            tracing::debug!(dataset, place = %r.place, field = %r.field, reason = %r.reason, "sample row skipped");
        }
    }
    for a in &loaded.attached {
        tracing::info!(
            dataset = %a.dataset,
            into = %a.into,
            attached = a.attached,
            left_out = a.unplaced,
            "sample layer counted onto another"
        );
    }
    tracing::info!(
        postcodes = loaded.postcodes,
        areas = loaded.areas,
        assets = loaded.changes.len(),
        "sample map loaded"
    );
    registry.sync().await?;
    registry.reload_areas().await?;
    Ok(())
}

/// The place the page is of and the attribution it shows: the sample
/// manifest's name and lines when the store holds its data sets (`holds`
/// says which it does), and OpenStreetMap's for OSM imports. A store filled
/// some other way is not named after the sample it never loaded.
fn place_and_attribution(
    sample: &std::path::Path,
    holds: impl FnOnce(&crate::import::sample::Manifest) -> bool,
) -> (Option<String>, Vec<String>) {
    let loaded = crate::import::sample::Manifest::load(sample)
        .ok()
        .filter(|m| holds(m));
    let (place, mut lines) = match loaded {
        Some(m) => (Some(m.name), m.attribution),
        None => (None, Vec::new()),
    };
    let osm = "© OpenStreetMap contributors (ODbL)";
    if !lines.iter().any(|l| l.contains("OpenStreetMap")) {
        lines.push(osm.to_string());
    }
    (place, lines)
}

/// The page's style URL and what we serve ourselves, from `--basemap`. A
/// file is opened and checked here, so a server with a broken basemap does
/// not start.
async fn basemap(args: &ServeArgs) -> anyhow::Result<(Option<String>, Served)> {
    // The flag's old name and variable keep working.
    let value = args
        .basemap_style
        .clone()
        .or_else(|| std::env::var("ASSETMAP_BASEMAP_STYLE").ok());
    Ok(match Setting::parse(value.as_deref()) {
        Setting::Plain => (None, Served::default()),
        Setting::Style(url) => (Some(url), Served::default()),
        Setting::File(path) => {
            let tiles = crate::basemap::open(&path).await?;
            let info = tiles.info();
            tracing::info!(
                file = %path.display(),
                format = %info.format,
                zoom = %format!("{}-{}", info.minzoom, info.maxzoom),
                "serving the basemap"
            );
            let served = Served {
                tiles: Some(tiles),
                ..Served::default()
            };
            // Find the fonts now rather than on the first label, and say
            // so if there are none to draw labels with.
            let glyphs = served.glyphs.clone();
            tokio::spawn(async move {
                if glyphs.font_names().await.is_empty() {
                    tracing::warn!("no fonts under /usr/share/fonts: the basemap will have no labels (apt-get install fonts-noto-core)");
                }
            });
            (Some("/basemap/style.json".to_string()), served)
        }
    })
}

pub async fn open_registry(args: &StoreArgs) -> anyhow::Result<Arc<Registry>> {
    let store = crate::store::open(&args.database_url).await?;
    let registry = Registry::open(store, vocabulary(args)?).await?;
    Ok(Arc::new(registry))
}

/// Serves on `listener` until `shutdown` completes. Tests bind port 0 and
/// pass their own signal.
pub async fn serve(
    args: ServeArgs,
    listener: TcpListener,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> anyhow::Result<()> {
    let registry = open_registry(&args.store).await?;
    // A store that has never been written to (its change log is empty) is
    // a first run; one whose assets were all archived is not.
    if registry.index().is_empty() && registry.store().changes_since(0, 1).await?.is_empty() {
        load_sample(&args, &registry).await?;
    }
    tracing::info!(
        store = registry.store().kind(),
        assets = registry.index().len(),
        "index loaded"
    );
    let (basemap_style, basemap) = basemap(&args).await?;
    let (place, mut attribution) = place_and_attribution(&args.sample, |m| {
        registry.holds_any_dataset(m.layers.iter().map(|l| l.dataset.as_str()))
    });
    if basemap.tiles.is_some() {
        attribution.push(crate::basemap::ATTRIBUTION.to_string());
    }
    let sync = registry.spawn_sync(Duration::from_millis(args.sync_interval_ms.max(10)));
    let state = AppState {
        registry,
        admin_token: args.admin_token.as_deref().map(Arc::from),
        page: Arc::new(PageConfig {
            basemap_style,
            attribution,
            basemap,
            place,
        }),
        accounts: Arc::new(crate::auth::Accounts::new(args.accounts.clone())),
    };
    let web_dir = args.web_dir.is_dir().then(|| args.web_dir.clone());
    let app = api::limits::apply(api::router(state, web_dir), &args.limits);
    tracing::info!(addr = %listener.local_addr()?, "listening");
    let result = crate::server::serve(listener, app, &args.limits, shutdown).await;
    sync.abort();
    result.context("serving HTTP")
}

#[cfg(test)]
mod place_tests {
    use super::place_and_attribution;
    use std::path::Path;

    #[test]
    fn the_place_is_the_manifests_name_when_its_data_is_loaded() {
        let trafford = Path::new("data/trafford/manifest.json");
        let (place, lines) = place_and_attribution(trafford, |_| true);
        assert_eq!(place.as_deref(), Some("Trafford"));
        assert!(lines.iter().any(|l| l.contains("Trafford Data Lab")));
        let (place, lines) = place_and_attribution(trafford, |_| false);
        assert_eq!(place, None);
        assert!(!lines.iter().any(|l| l.contains("Trafford")), "{lines:?}");
        assert!(lines.iter().any(|l| l.contains("OpenStreetMap")));
        let (place, _) = place_and_attribution(Path::new("does-not-exist.json"), |_| true);
        assert_eq!(place, None);
    }
}
