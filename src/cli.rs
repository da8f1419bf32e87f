//! The command-line tools beside the server: import, export, postcodes and
//! areas. They write to the store directly; a running server picks their
//! changes up from the change log.

use crate::config::{
    AreasCommand, BasemapCommand, ExportArgs, ExportFormat, GapsArgs, ImportArgs, PostcodesCommand,
    StoreArgs,
};
use crate::domain::Vocabulary;
use crate::export::Format;
use crate::import::areas::{self, AreaOptions, PopulationOptions};
use crate::import::csv::CsvOptions;
use crate::import::osm::{self, TagRule};
use crate::import::{self, Mapping, MappingSpec, Options, Record};
use crate::store::Store;
use anyhow::{bail, Context};
use indicatif::{ProgressBar, ProgressStyle};
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

async fn open(args: &StoreArgs) -> anyhow::Result<(Arc<dyn Store>, Vocabulary)> {
    let store = crate::store::open(&args.database_url).await?;
    Ok((store, crate::app::vocabulary(args)?))
}

/// A spinner on a terminal that says what is going on; silent elsewhere.
fn spinner(message: String) -> ProgressBar {
    let bar = ProgressBar::new_spinner();
    bar.set_style(
        ProgressStyle::with_template("{spinner} {msg} [{elapsed}]").expect("valid template"),
    );
    bar.set_message(message);
    bar.enable_steady_tick(Duration::from_millis(120));
    bar
}

fn read_file(path: &Path) -> anyhow::Result<Vec<u8>> {
    std::fs::read(path).with_context(|| format!("reading {}", path.display()))
}

pub async fn import(args: ImportArgs) -> anyhow::Result<()> {
    let store = crate::store::open_for_import(&args.store.database_url).await?;
    let vocabulary = crate::app::vocabulary(&args.store)?;
    if let Some(manifest) = &args.manifest {
        let bar = spinner(format!("loading {}", manifest.display()));
        let loaded = import::sample::load(store.as_ref(), &vocabulary, manifest, "cli").await?;
        bar.finish_and_clear();
        print_loaded(&loaded);
        return Ok(());
    }
    let file = args
        .file
        .as_ref()
        .expect("clap requires a file or a manifest");
    if args.format.as_deref() == Some("hsds") {
        return crate::hsds::import::run(store.as_ref(), &vocabulary, &args, file).await;
    }
    let name = file.display().to_string();
    let bar = spinner(format!("reading and checking {name}"));
    let mapping = Mapping::new(mapping_spec(&args)?).map_err(anyhow::Error::msg)?;
    let options = Options {
        dataset: args.dataset.clone().unwrap_or_else(|| dataset_name(file)),
        dry_run: args.dry_run,
        skip_invalid: args.skip_invalid,
        actor: "cli".into(),
    };
    let path = file.clone();
    let (records, reader) = if name.ends_with(".pbf") {
        let table = osm_tags(&args)?;
        stream_records(move |each| import::osm::stream_file(&path, &table, each))
    } else if name.ends_with(".csv") {
        let options = csv_options(&args);
        let lookup = areas::lookup(&store.postcodes().await?);
        stream_records(move |each| import::csv::stream_file(&path, &options, &lookup, each))
    } else {
        stream_records(move |each| import::geojson::stream_file(&path, each))
    };
    let report = import::run_stream(store.clone(), &vocabulary, &mapping, records, &options).await;
    reader.join().expect("the reader does not panic");
    let report = report?;
    bar.finish_and_clear();
    print!("{}", import::Report::table(&[(name, report.clone())]));
    if !report.rejected.is_empty() && !args.skip_invalid && !args.dry_run {
        bail!(
            "{} rows were rejected, so nothing was imported; fix them, or pass --skip-invalid to import the rest",
            report.rejected.len()
        );
    }
    Ok(())
}

fn print_loaded(loaded: &import::sample::Loaded) {
    println!("postcodes: {}; areas: {}", loaded.postcodes, loaded.areas);
    if !loaded.unmatched_population.is_empty() {
        println!(
            "population codes matching no area: {}",
            loaded.unmatched_population.join(", ")
        );
    }
    print!("{}", import::Report::table(&loaded.layers));
    for a in &loaded.attached {
        println!(
            "{}: {} of {} counted onto {} ({} near none of them, left out)",
            a.dataset, a.attached, a.read, a.into, a.unplaced
        );
    }
}

type RecordStream =
    std::pin::Pin<Box<dyn futures_util::Stream<Item = Result<Record, import::ImportError>> + Send>>;

/// Reads a file on its own thread, a record at a time (`read` hands each
/// to its callback), while the import checks the records already read:
/// neither the file nor all its records are ever in memory at once. A read
/// error is the last item.
fn stream_records(
    read: impl FnOnce(&mut dyn FnMut(Record) -> bool) -> Result<(), import::ImportError>
        + Send
        + 'static,
) -> (RecordStream, std::thread::JoinHandle<()>) {
    let (tx, rx) = tokio::sync::mpsc::channel(4_096);
    let reader = std::thread::spawn(move || {
        if let Err(e) = read(&mut |r| tx.blocking_send(Ok(r)).is_ok()) {
            let _ = tx.blocking_send(Err(e));
        }
    });
    let records =
        futures_util::stream::unfold(rx, |mut rx| async move { rx.recv().await.map(|r| (r, rx)) });
    (Box::pin(records), reader)
}

/// `data/trafford_libraries.geojson` -> `trafford_libraries`.
fn dataset_name(file: &Path) -> String {
    let name = file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    name.split('.').next().unwrap_or("import").to_string()
}

/// The tag table an OpenStreetMap import maps by.
fn osm_tags(args: &ImportArgs) -> anyhow::Result<Vec<TagRule>> {
    Ok(match &args.osm_tags {
        Some(path) => serde_json::from_slice(&read_file(path)?)
            .with_context(|| format!("reading the tag table {}", path.display()))?,
        None => osm::default_tag_table(),
    })
}

fn csv_options(args: &ImportArgs) -> CsvOptions {
    CsvOptions {
        lat_field: args.lat_field.clone(),
        lon_field: args.lon_field.clone(),
        wkt_field: args.wkt_field.clone(),
        postcode_field: args.postcode_field.clone(),
    }
}

fn mapping_spec(args: &ImportArgs) -> anyhow::Result<MappingSpec> {
    let mut spec: MappingSpec = match &args.mapping {
        Some(path) => serde_json::from_slice(&read_file(path)?)
            .with_context(|| format!("reading the mapping {}", path.display()))?,
        None => MappingSpec::default(),
    };
    for m in &args.map {
        let (field, source) = m
            .split_once('=')
            .with_context(|| format!("--map {m}: expected FIELD=SOURCE"))?;
        spec.map
            .insert(field.trim().to_string(), source.trim().to_string());
    }
    spec.capital = args.capital.clone().or(spec.capital);
    spec.category = args.category.clone().or(spec.category);
    spec.id_field = args.id_field.clone().or(spec.id_field);
    Ok(spec)
}

pub async fn postcodes(command: PostcodesCommand) -> anyhow::Result<()> {
    let PostcodesCommand::Load {
        file,
        lsoa_field,
        store,
    } = command;
    let (store, _) = open(&store).await?;
    let rows = areas::read_postcodes(
        &read_file(&file)?,
        &file.display().to_string(),
        lsoa_field.as_deref(),
    )?;
    store.load_postcodes(&rows).await?;
    println!("{}: loaded {} postcodes", file.display(), rows.len());
    Ok(())
}

pub async fn areas(command: AreasCommand) -> anyhow::Result<()> {
    match command {
        AreasCommand::Import {
            file,
            level,
            code_field,
            name_field,
            store,
        } => {
            let (store, _) = open(&store).await?;
            let text = String::from_utf8(read_file(&file)?).context("the file is not UTF-8")?;
            let options = AreaOptions {
                level,
                code_field,
                name_field,
            };
            let (found, rejects) = areas::read_areas(&text, &file.display().to_string(), &options)?;
            if !rejects.is_empty() {
                for r in &rejects {
                    eprintln!("{}: {}: {}: {}", file.display(), r.place, r.field, r.reason);
                }
                bail!(
                    "{} features were rejected, so no areas were stored",
                    rejects.len()
                );
            }
            store.upsert_areas(&found).await?;
            println!("{}: stored {} areas", file.display(), found.len());
        }
        AreasCommand::Population {
            file,
            code_field,
            value_field,
            filters,
            store,
        } => {
            let (store, _) = open(&store).await?;
            let filters = filters
                .iter()
                .map(|f| {
                    f.split_once('=')
                        .map(|(k, v)| (k.to_string(), v.to_string()))
                        .with_context(|| format!("--where {f}: expected COLUMN=VALUE"))
                })
                .collect::<anyhow::Result<_>>()?;
            let options = PopulationOptions {
                code_field,
                value_field,
                filters,
            };
            let values =
                areas::read_population(&read_file(&file)?, &file.display().to_string(), &options)?;
            let unmatched = store.set_population(&values).await?;
            println!(
                "{}: {} values, {} matched an area",
                file.display(),
                values.len(),
                values.len() - unmatched.len()
            );
            if !unmatched.is_empty() {
                println!("codes matching no area: {}", unmatched.join(", "));
            }
        }
    }
    Ok(())
}

pub async fn export(args: ExportArgs) -> anyhow::Result<()> {
    let (store, vocabulary) = open(&args.store).await?;
    let registry = crate::service::Registry::open(store, vocabulary).await?;
    let format = match args.format {
        ExportFormat::GeoJson => Format::GeoJson,
        ExportFormat::Csv => Format::Csv,
        ExportFormat::Hsds => return export_hsds(&registry, &args),
    };
    let mut query = crate::service::AssetQuery::everywhere();
    query.capitals = capitals(&args.capital)?;
    query.categories = split(&args.category);
    let mut out: Box<dyn std::io::Write> = match &args.out {
        Some(path) => Box::new(
            std::fs::File::create(path).with_context(|| format!("creating {}", path.display()))?,
        ),
        None => Box::new(std::io::stdout().lock()),
    };
    crate::export::write_all(&registry, &query, format, &mut out).await?;
    Ok(())
}

fn export_hsds(registry: &crate::service::Registry, args: &ExportArgs) -> anyhow::Result<()> {
    let dir = args
        .dir
        .as_ref()
        .or(args.out.as_ref())
        .context("--format hsds writes a folder: give it, as in export --format hsds DIR")?;
    let written = crate::hsds::export::write(registry, dir)?;
    println!("{}: {written}", dir.display());
    Ok(())
}

pub async fn gaps(args: GapsArgs) -> anyhow::Result<()> {
    let (store, vocabulary) = open(&args.store).await?;
    let registry = crate::service::Registry::open(store, vocabulary).await?;
    let params = crate::analysis::GapParams {
        level: args.level.clone(),
        capitals: capitals(&args.capital)?,
        categories: split(&args.category),
        distance_m: args.distance_m,
        rank_by: args.rank_by,
        min_coverage: args.min_coverage,
    };
    params
        .check(&registry.areas().levels(), registry.vocabulary())
        .map_err(|e| anyhow::anyhow!("--{}: {}", e.field.replace('_', "-"), e.message))?;
    let report = registry.gaps(&params);
    let text = match args.format.as_str() {
        "json" => serde_json::to_string_pretty(&report)?,
        _ => crate::export::gaps_csv(&report),
    };
    match &args.out {
        Some(path) => {
            std::fs::write(path, text).with_context(|| format!("writing {}", path.display()))?
        }
        None => print!("{text}"),
    }
    Ok(())
}

/// A comma-separated flag as trimmed, non-empty items.
fn split(v: &Option<String>) -> Vec<String> {
    v.as_deref()
        .map(|s| {
            s.split(',')
                .map(|p| p.trim().to_string())
                .filter(|p| !p.is_empty())
                .collect()
        })
        .unwrap_or_default()
}

fn capitals(v: &Option<String>) -> anyhow::Result<Vec<crate::domain::Capital>> {
    split(v)
        .iter()
        .map(|c| c.parse().map_err(anyhow::Error::msg))
        .collect()
}

/// `assetmap basemap check FILE`: what the file is, or why it cannot be a
/// basemap (the same check `serve --basemap FILE` makes at start-up).
pub async fn basemap(command: BasemapCommand) -> anyhow::Result<()> {
    let BasemapCommand::Check { file } = command;
    let source = crate::basemap::open(&file).await?;
    println!("{}: usable as a basemap", file.display());
    print!("{}", source.info());
    Ok(())
}
