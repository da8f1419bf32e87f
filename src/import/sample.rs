//! A manifest that loads a whole place at once: postcodes, areas with their
//! population, and every asset layer with its mapping. The Trafford sample
//! map is one (data/trafford/manifest.json).

use super::areas::{self, AreaOptions, PopulationOptions};
use super::belongs::{attach, carrier, Attached, BelongsTo};
use super::csv::CsvOptions;
use super::distinguish::{self, distinguish};
use super::{ImportError, Mapping, MappingSpec, Options, Record, Report};
use crate::domain::Vocabulary;
use crate::store::{Change, Store};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    pub name: String,
    #[serde(default)]
    pub attribution: Vec<String>,
    pub postcodes: Option<PostcodeLayer>,
    #[serde(default)]
    pub areas: Vec<AreaLayer>,
    #[serde(default)]
    pub layers: Vec<AssetLayer>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PostcodeLayer {
    pub file: PathBuf,
    pub lsoa_field: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AreaLayer {
    pub file: PathBuf,
    pub level: String,
    pub code_field: String,
    pub name_field: String,
    pub population: Option<PopulationLayer>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PopulationLayer {
    pub file: PathBuf,
    pub code_field: String,
    pub value_field: String,
    #[serde(default, rename = "where")]
    pub filters: BTreeMap<String, String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AssetLayer {
    pub file: PathBuf,
    pub dataset: String,
    /// For CSV: the column holding a postcode to place rows by.
    pub postcode_field: Option<String>,
    /// Features that are part of another layer's assets (a park's
    /// entrances): counted onto them, not written as assets.
    pub belongs_to: Option<BelongsTo>,
    #[serde(flatten)]
    pub mapping: MappingSpec,
}

impl Manifest {
    pub fn load(path: &Path) -> Result<Manifest, ImportError> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| ImportError::Unreadable(format!("{}: {e}", path.display())))?;
        serde_json::from_str(&text).map_err(|e| {
            ImportError::Unreadable(format!("{}: line {}: {e}", path.display(), e.line()))
        })
    }
}

/// What loading a manifest did, layer by layer.
#[derive(Debug, Default)]
pub struct Loaded {
    pub postcodes: usize,
    pub areas: usize,
    pub unmatched_population: Vec<String>,
    pub layers: Vec<(String, Report)>,
    /// Assets whose shared name gained its place.
    pub renamed: usize,
    /// Layers counted onto another layer's assets instead of written.
    pub attached: Vec<Attached>,
    pub changes: Vec<Change>,
}

fn read(dir: &Path, file: &Path) -> Result<Vec<u8>, ImportError> {
    let path = dir.join(file);
    std::fs::read(&path).map_err(|e| ImportError::Unreadable(format!("{}: {e}", path.display())))
}

/// Loads everything a manifest names. Asset layers skip invalid rows (and
/// report them), because open data always has a few.
pub async fn load(
    store: &dyn Store,
    vocabulary: &Vocabulary,
    manifest_path: &Path,
    actor: &str,
) -> Result<Loaded, ImportError> {
    let manifest = Manifest::load(manifest_path)?;
    let dir = manifest_path.parent().unwrap_or(Path::new("."));
    let mut loaded = Loaded::default();

    let mut lookup = std::collections::HashMap::new();
    let mut places: Vec<crate::domain::Area> = Vec::new();
    if let Some(p) = &manifest.postcodes {
        let rows = areas::read_postcodes(
            &read(dir, &p.file)?,
            &p.file.display().to_string(),
            p.lsoa_field.as_deref(),
        )?;
        store.load_postcodes(&rows).await?;
        loaded.postcodes = rows.len();
        lookup = areas::lookup(&rows);
    }
    for layer in &manifest.areas {
        let file = layer.file.display().to_string();
        let text = String::from_utf8_lossy(&read(dir, &layer.file)?).into_owned();
        let options = AreaOptions {
            level: layer.level.clone(),
            code_field: layer.code_field.clone(),
            name_field: layer.name_field.clone(),
        };
        let (found, rejects) = areas::read_areas(&text, &file, &options)?;
        if let Some(r) = rejects.first() {
            return Err(ImportError::Unreadable(format!(
                "{file}: {}: {}: {}",
                r.place, r.field, r.reason
            )));
        }
        store.upsert_areas(&found).await?;
        loaded.areas += found.len();
        // The first level (wards) names places: "Post office, Sale Moor".
        if places.is_empty() {
            places = found.clone();
        }
        if let Some(pop) = &layer.population {
            let options = PopulationOptions {
                code_field: pop.code_field.clone(),
                value_field: pop.value_field.clone(),
                filters: pop.filters.clone().into_iter().collect(),
            };
            let values = areas::read_population(
                &read(dir, &pop.file)?,
                &pop.file.display().to_string(),
                &options,
            )?;
            // A population file covers every level; only this level's codes count.
            let codes: std::collections::HashSet<&str> =
                found.iter().map(|a| a.code.as_str()).collect();
            let values: Vec<(String, f64)> = values
                .into_iter()
                .filter(|(c, _)| codes.contains(c.as_str()))
                .collect();
            loaded
                .unmatched_population
                .extend(store.set_population(&values).await?);
        }
    }
    let mut records: Vec<Vec<Record>> = Vec::with_capacity(manifest.layers.len());
    for layer in &manifest.layers {
        records.push(read_layer(dir, layer, &lookup)?);
    }
    // Parts first onto their wholes, so that a whole's count is part of
    // what is planned (and a second load finds it unchanged).
    let mut specs: Vec<MappingSpec> = manifest.layers.iter().map(|l| l.mapping.clone()).collect();
    for (i, layer) in manifest.layers.iter().enumerate() {
        let Some(rule) = &layer.belongs_to else {
            continue;
        };
        let target = manifest
            .layers
            .iter()
            .position(|l| l.dataset == rule.dataset && l.belongs_to.is_none())
            .ok_or_else(|| {
                ImportError::Mapping(format!(
                    "{}: belongs_to names no layer '{}'",
                    layer.dataset, rule.dataset
                ))
            })?;
        let parts = std::mem::take(&mut records[i]);
        loaded
            .attached
            .push(attach(&parts, &mut records[target], rule, &layer.dataset));
        specs[target]
            .map
            .insert(format!("tags.{}", rule.tag), carrier(&rule.tag));
    }
    for ((layer, mut records), mut spec) in manifest.layers.iter().zip(records).zip(specs) {
        if layer.belongs_to.is_some() {
            continue;
        }
        let named = Mapping::new(spec.clone()).map_err(ImportError::Mapping)?;
        loaded.renamed += distinguish(&mut records, |r| named.name_of(&r.props), &places, &lookup);
        spec.map.insert("name".into(), distinguish::NAME.into());
        spec.map
            .insert("tags.generic_name".into(), distinguish::GENERIC.into());
        let mapping = Mapping::new(spec).map_err(ImportError::Mapping)?;
        let options = Options {
            dataset: layer.dataset.clone(),
            dry_run: false,
            skip_invalid: true,
            actor: actor.to_string(),
        };
        let (report, changes) = super::plan(store, vocabulary, &mapping, records, &options).await?;
        loaded.changes.extend(changes);
        loaded.layers.push((
            layer.dataset.clone(),
            Report {
                written: true,
                ..report
            },
        ));
    }
    // Every layer's assets in one transaction: a start-up that dies part
    // way leaves no half-loaded map, and the next start loads it again.
    if !loaded.changes.is_empty() {
        store.write(&loaded.changes).await?;
    }
    Ok(loaded)
}

fn read_layer(
    dir: &Path,
    layer: &AssetLayer,
    lookup: &std::collections::HashMap<String, (f64, f64)>,
) -> Result<Vec<Record>, ImportError> {
    let file = layer.file.display().to_string();
    let bytes = read(dir, &layer.file)?;
    if file.ends_with(".csv") {
        let options = CsvOptions {
            postcode_field: layer.postcode_field.clone(),
            ..CsvOptions::default()
        };
        super::csv::read(&bytes, &file, &options, lookup)
    } else {
        super::geojson::read(&String::from_utf8_lossy(&bytes), &file)
    }
}
