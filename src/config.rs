//! Command-line flags and environment variables, from one place.

use clap::{Args, Parser, Subcommand};
use std::net::SocketAddr;
use std::path::PathBuf;

#[derive(Parser)]
#[command(name = "assetmap", version, about = "Map what a community has, and where the gaps are")]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand)]
pub enum Command {
    /// Run the map and its API.
    Serve(ServeArgs),
}

#[derive(Args, Clone)]
pub struct StoreArgs {
    /// Store of record: postgres://user@host/db for PostGIS, or sqlite://FILE
    /// for an embedded file, created on first run.
    #[arg(long, env = "DATABASE_URL", default_value = "sqlite://assetmap.db", hide_env_values = true)]
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
}

// The token and URL may hold secrets: no Debug that could print them.
impl std::fmt::Debug for ServeArgs {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ServeArgs")
            .field("listen", &self.listen)
            .field("database_url", &crate::store::redact(&self.store.database_url))
            .field("admin_token", &self.admin_token.as_ref().map(|_| "****"))
            .finish()
    }
}
