//! `assetmap import --format hsds DIR`: a directory's HSDS tabular data
//! package read into assets, one per active service, all or nothing, and
//! idempotent by HSDS id: a service imported before is updated, and a
//! service exported from this store updates the asset it came from.

use crate::config::ImportArgs;
use crate::domain::Vocabulary;
use crate::hsds::{self, Defaults};
use crate::import::{Mapping, MappingSpec, Options, Report};
use crate::store::Store;
use anyhow::bail;
use std::collections::HashMap;
use std::path::Path;

pub async fn run(
    store: &dyn Store,
    vocabulary: &Vocabulary,
    args: &ImportArgs,
    folder: &Path,
) -> anyhow::Result<()> {
    let directory = hsds::tabular::read(folder)?;
    let known = store
        .all_assets()
        .await?
        .into_iter()
        .map(|a| (hsds::service_id(a.id, a.draft.source.as_deref()), a))
        .collect::<HashMap<_, _>>();
    let defaults = Defaults {
        capital: args.capital.clone().unwrap_or_else(|| "social".into()),
        category: args.category.clone().unwrap_or_else(|| "group".into()),
    };
    let read = hsds::records(&directory, &defaults, &known);
    let mapping = Mapping::new(MappingSpec::default()).map_err(anyhow::Error::msg)?;
    let options = Options {
        dataset: args.dataset.clone().unwrap_or_else(|| "hsds".into()),
        dry_run: args.dry_run,
        skip_invalid: args.skip_invalid,
        actor: "cli".into(),
    };
    let (report, _) =
        crate::import::run(store, vocabulary, &mapping, read.records, &options).await?;
    let name = folder.display().to_string();
    for s in &read.skipped {
        println!("{name}: {s}: not imported");
    }
    for s in &read.first_location_only {
        println!("{name}: {s}: at several locations; placed at the first");
    }
    print!("{}", Report::table(&[(name, report.clone())]));
    if !report.rejected.is_empty() && !args.skip_invalid && !args.dry_run {
        bail!(
            "{} services were rejected, so nothing was imported; fix them, or pass --skip-invalid to import the rest",
            report.rejected.len()
        );
    }
    Ok(())
}
