//! Command-line flags and environment variables, from one place.

mod accounts;

pub use accounts::{AccountArgs, UsersCommand, SIGN_IN_LIMIT};

use crate::analysis::{Measure, DEFAULT_DISTANCE_M, DEFAULT_MIN_COVERAGE, DEFAULT_RANK_BY};
use crate::domain::Words;
use crate::export::Format;
use clap::builder::PossibleValue;
use clap::{Args, Parser, Subcommand, ValueEnum};
use std::net::SocketAddr;
use std::path::PathBuf;

/// Flags take an enum by the same words as the API (`domain::Words`).
macro_rules! value_enum {
    ($($ty:ty),+) => {$(
        impl ValueEnum for $ty {
            fn value_variants<'a>() -> &'a [Self] {
                <$ty as Words>::VALUES
            }
            fn to_possible_value(&self) -> Option<PossibleValue> {
                Some(PossibleValue::new(self.word()))
            }
        }
    )+};
}
value_enum!(Measure, Format, ExportFormat, crate::domain::account::Role);

/// What `assetmap export` writes: one of the formats the API streams too, or
/// an HSDS data package, which is a folder of files rather than one stream.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExportFormat {
    GeoJson,
    Csv,
    Hsds,
}

crate::domain::word_enum!(ExportFormat, "format" { GeoJson = "geojson", Csv = "csv", Hsds = "hsds" });

#[derive(Parser)]
#[command(
    name = "assetmap",
    version,
    about = "Map what a community has, and where the gaps are"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand)]
pub enum Command {
    /// Run the map and its API.
    Serve(ServeArgs),
    /// Import assets from GeoJSON, CSV or OpenStreetMap (.osm.pbf), or a
    /// whole place from a manifest.
    Import(ImportArgs),
    /// Export assets as GeoJSON or CSV.
    Export(ExportArgs),
    /// The postcode lookup used to place CSV rows and people's searches.
    Postcodes {
        #[command(subcommand)]
        command: PostcodesCommand,
    },
    /// Areas (wards, LSOAs, forum patches) and their population.
    Areas {
        #[command(subcommand)]
        command: AreasCommand,
    },
    /// Where the gaps are: per area, count, per 1,000 residents, share of
    /// residents within walking distance, rank and gap flag.
    Gaps(GapsArgs),
    /// Copy a SQLite store to FILE while servers keep running (for
    /// PostgreSQL, prints the pg_dump command to use instead).
    Backup(BackupArgs),
    /// Accounts: add (with an invite link), list, disable, API tokens.
    Users {
        #[command(subcommand)]
        command: UsersCommand,
    },
    /// Print the OpenAPI document of the HTTP API as JSON, or with
    /// --markdown the page docs/api.md is made of.
    Openapi {
        #[arg(long)]
        markdown: bool,
    },
    /// A basemap file of our own (PMTiles or MBTiles vector tiles).
    Basemap {
        #[command(subcommand)]
        command: BasemapCommand,
    },
}

#[derive(Subcommand)]
pub enum BasemapCommand {
    /// Report a file's format, bounds, zoom range and layers, and refuse
    /// one that is not OpenMapTiles-schema vector tiles or is damaged.
    Check { file: PathBuf },
}

#[derive(Args)]
pub struct GapsArgs {
    /// The level of areas to compare: ward, lsoa, msoa, ...
    #[arg(long)]
    pub level: String,
    /// Only these capitals (comma-separated).
    #[arg(long)]
    pub capital: Option<String>,
    /// Only these categories (comma-separated).
    #[arg(long)]
    pub category: Option<String>,
    /// Walking distance for coverage, in metres (800 m is about ten minutes).
    #[arg(long, default_value_t = DEFAULT_DISTANCE_M)]
    pub distance_m: f64,
    /// What areas are ranked by.
    #[arg(long, value_enum, ignore_case = true, default_value_t = DEFAULT_RANK_BY)]
    pub rank_by: Measure,
    /// Below this share of residents within the distance, an area with
    /// nothing inside is a gap.
    #[arg(long, default_value_t = DEFAULT_MIN_COVERAGE)]
    pub min_coverage: f64,
    #[arg(long, value_parser = ["csv", "json"], default_value = "csv")]
    pub format: String,
    /// Write here instead of standard output.
    #[arg(long, short)]
    pub out: Option<PathBuf>,
    #[command(flatten)]
    pub store: StoreArgs,
}

#[derive(Subcommand)]
pub enum PostcodesCommand {
    /// Load a CSV with postcode, lon and lat columns (and lsoa_code if present).
    Load {
        file: PathBuf,
        /// The column holding each postcode's LSOA code.
        #[arg(long)]
        lsoa_field: Option<String>,
        #[command(flatten)]
        store: StoreArgs,
    },
}

#[derive(Subcommand)]
pub enum AreasCommand {
    /// Store boundaries from GeoJSON; areas already stored are updated by code.
    Import {
        file: PathBuf,
        /// ward, lsoa, msoa, neighbourhood, ...
        #[arg(long)]
        level: String,
        #[arg(long, default_value = "area_code")]
        code_field: String,
        #[arg(long, default_value = "area_name")]
        name_field: String,
        #[command(flatten)]
        store: StoreArgs,
    },
    /// Attach population to areas by code from a CSV.
    Population {
        file: PathBuf,
        #[arg(long, default_value = "area_code")]
        code_field: String,
        #[arg(long, default_value = "all_ages")]
        value_field: String,
        /// Only rows where COLUMN=VALUE (repeatable), e.g. --where sex=Persons.
        #[arg(long = "where", value_name = "COLUMN=VALUE")]
        filters: Vec<String>,
        #[command(flatten)]
        store: StoreArgs,
    },
}

#[derive(Args)]
pub struct ImportArgs {
    /// The file to import (.geojson/.json, .csv, .osm.pbf), or with
    /// --format hsds the folder of an HSDS tabular data package.
    #[arg(required_unless_present = "manifest")]
    pub file: Option<PathBuf>,
    /// hsds: read an Open Referral HSDS 3.0 data package (datapackage.json
    /// and CSVs); otherwise the format follows the file's name.
    #[arg(long, value_parser = ["hsds"])]
    pub format: Option<String>,
    /// Load a whole place from a manifest instead (data/trafford/manifest.json).
    #[arg(long, conflicts_with = "file")]
    pub manifest: Option<PathBuf>,
    /// The data set's name in each asset's source (default: the file's name).
    #[arg(long)]
    pub dataset: Option<String>,
    /// Map an asset field onto the source: --map name=site_name --map address=street+town.
    #[arg(long = "map", value_name = "FIELD=SOURCE")]
    pub map: Vec<String>,
    /// A JSON mapping file: {"map": {...}, "capital": ..., "category": ..., "id_field": ...}.
    #[arg(long)]
    pub mapping: Option<PathBuf>,
    /// The capital for every row, or field:NAME to read it from a property.
    #[arg(long)]
    pub capital: Option<String>,
    /// The category for every row, or field:NAME to read it from a property.
    #[arg(long)]
    pub category: Option<String>,
    /// A property or column that identifies a row across imports.
    #[arg(long)]
    pub id_field: Option<String>,
    #[arg(long)]
    pub lat_field: Option<String>,
    #[arg(long)]
    pub lon_field: Option<String>,
    /// A CSV column of WKT geometries.
    #[arg(long)]
    pub wkt_field: Option<String>,
    /// A CSV column of postcodes to place rows by (load the lookup first).
    #[arg(long)]
    pub postcode_field: Option<String>,
    /// A JSON tag table replacing the default OpenStreetMap one.
    #[arg(long)]
    pub osm_tags: Option<PathBuf>,
    /// Report what would happen and write nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Import the valid rows even when some are rejected.
    #[arg(long)]
    pub skip_invalid: bool,
    #[command(flatten)]
    pub store: StoreArgs,
}

#[derive(Args)]
pub struct ExportArgs {
    /// geojson or csv to a file (or standard output); hsds writes an Open
    /// Referral HSDS 3.0 tabular data package into the folder DIR.
    #[arg(long, value_enum, ignore_case = true, default_value_t = ExportFormat::GeoJson)]
    pub format: ExportFormat,
    /// The folder for --format hsds (created if need be).
    #[arg(value_name = "DIR")]
    pub dir: Option<PathBuf>,
    /// Only these capitals (comma-separated).
    #[arg(long)]
    pub capital: Option<String>,
    /// Only these categories (comma-separated).
    #[arg(long)]
    pub category: Option<String>,
    /// Write here instead of standard output.
    #[arg(long, short)]
    pub out: Option<PathBuf>,
    #[command(flatten)]
    pub store: StoreArgs,
}

#[derive(Args, Clone)]
pub struct StoreArgs {
    /// Store of record: postgres://user@host/db for PostGIS, or sqlite://FILE
    /// for an embedded file, created on first run.
    #[arg(
        long,
        env = "DATABASE_URL",
        default_value = "sqlite://assetmap.db",
        hide_env_values = true
    )]
    pub database_url: String,

    /// A JSON file of extra categories per capital: {"social": [{"code": "men_in_sheds", "label": "Men in sheds"}]}
    #[arg(long, env = "ASSETMAP_CATEGORIES")]
    pub categories: Option<PathBuf>,
}

#[derive(Args, Clone)]
pub struct ServeArgs {
    /// Address to listen on.
    #[arg(long, env = "ASSETMAP_LISTEN", default_value = "127.0.0.1:8080")]
    pub listen: SocketAddr,

    #[command(flatten)]
    pub store: StoreArgs,

    /// Bearer token that may write. With none, the API is read-only.
    #[arg(long, env = "ASSETMAP_ADMIN_TOKEN", hide_env_values = true)]
    pub admin_token: Option<String>,

    /// How often to read the change log for other servers' writes, in ms.
    #[arg(long, env = "ASSETMAP_SYNC_INTERVAL_MS", default_value_t = 250)]
    pub sync_interval_ms: u64,

    /// The map page's folder (index.html, app.js and npm's node_modules).
    #[arg(long, env = "ASSETMAP_WEB_DIR", default_value = "web")]
    pub web_dir: PathBuf,

    /// The sample map loaded into an empty store on first run.
    #[arg(
        long,
        env = "ASSETMAP_SAMPLE",
        default_value = "data/trafford/manifest.json"
    )]
    pub sample: PathBuf,

    /// Start with an empty store instead of loading the sample map.
    #[arg(long, env = "ASSETMAP_NO_SAMPLE")]
    pub no_sample: bool,

    /// The basemap: a MapLibre style URL; or a local PMTiles or MBTiles file
    /// of OpenMapTiles-schema vector tiles, served with our own light style
    /// and glyphs; or `none` for a plain background. Unset: OpenFreeMap's
    /// public Positron style, or a plain background where it does not answer.
    /// (ASSETMAP_BASEMAP_STYLE and --basemap-style still work.)
    #[arg(
        long = "basemap",
        value_name = "URL|FILE|none",
        visible_alias = "basemap-style",
        env = "ASSETMAP_BASEMAP"
    )]
    pub basemap_style: Option<String>,

    #[command(flatten)]
    pub limits: crate::server::Limits,

    #[command(flatten)]
    pub accounts: AccountArgs,
}

// The token and URL may hold secrets: no Debug that could print them.
impl std::fmt::Debug for ServeArgs {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ServeArgs")
            .field("listen", &self.listen)
            .field(
                "database_url",
                &crate::store::redact(&self.store.database_url),
            )
            .field("admin_token", &self.admin_token.as_ref().map(|_| "****"))
            .finish()
    }
}

/// `assetmap backup FILE`.
#[derive(Args)]
pub struct BackupArgs {
    /// Where to write the copy; it must not exist yet.
    pub file: PathBuf,
    #[command(flatten)]
    pub store: StoreArgs,
}
