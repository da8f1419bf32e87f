//! `assetmap export --format hsds DIR`: the directory of the services and
//! places among the assets as an HSDS tabular data package.

use crate::hsds;
use crate::service::Registry;
use std::path::Path;

/// Writes the package into `dir` from the read model (public views only)
/// and says what it holds.
pub fn write(registry: &Registry, dir: &Path) -> anyhow::Result<String> {
    let directory = {
        let index = registry.index();
        let views = index.views();
        hsds::directory_of(views, registry.vocabulary())
    };
    hsds::tabular::write(&directory, dir)?;
    Ok(format!(
        "{} services from {} organizations at {} locations",
        directory.rows("service").len(),
        directory.rows("organization").len(),
        directory.rows("location").len()
    ))
}
