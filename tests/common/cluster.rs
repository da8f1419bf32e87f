//! A throwaway PostgreSQL cluster of the test's own, on a temporary folder
//! and a free port, for the tests that must stop the database. The
//! cluster is stopped and its folder removed when the guard drops, also
//! when the test fails half way.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::Command;

pub struct PgCluster {
    pub port: u16,
    bin: PathBuf,
    data: PathBuf,
    dir: tempfile::TempDir,
    as_postgres: bool,
}

/// PostgreSQL's own programs: `ASSETMAP_PG_BIN`, or the newest installed
/// under /usr/lib/postgresql.
fn bin_dir() -> PathBuf {
    if let Ok(dir) = std::env::var("ASSETMAP_PG_BIN") {
        return dir.into();
    }
    let mut found: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .expect("PostgreSQL's programs in /usr/lib/postgresql (or set ASSETMAP_PG_BIN)")
        .filter_map(|e| {
            let e = e.ok()?;
            let version = e.file_name().to_str()?.parse().ok()?;
            Some((version, e.path().join("bin")))
        })
        .filter(|(_, bin)| bin.join("initdb").exists())
        .collect();
    found.sort();
    found
        .pop()
        .expect("initdb under /usr/lib/postgresql/*/bin")
        .1
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
        .unwrap_or(false)
}

impl PgCluster {
    /// A new cluster, started, with a database `assetmap` holding PostGIS.
    /// `configure` may add files to the data folder (a certificate) and
    /// returns lines for postgresql.conf.
    pub async fn start(configure: impl FnOnce(&Path) -> String) -> PgCluster {
        let dir = tempfile::tempdir().expect("temp dir");
        // PostgreSQL refuses to run as root: the cluster belongs to postgres.
        let as_postgres = is_root();
        if as_postgres {
            run(Command::new("chown")
                .arg("postgres:postgres")
                .arg(dir.path()));
        }
        let cluster = PgCluster {
            port: free_port(),
            bin: bin_dir(),
            data: dir.path().join("data"),
            dir,
            as_postgres,
        };
        run(cluster
            .command("initdb")
            .args(["-A", "trust", "-U", "postgres", "--no-sync", "-D"])
            .arg(&cluster.data));
        let conf = configure(&cluster.data);
        if as_postgres {
            run(Command::new("chown")
                .arg("-R")
                .arg("postgres:postgres")
                .arg(&cluster.data));
        }
        let mut settings = std::fs::OpenOptions::new()
            .append(true)
            .open(cluster.data.join("postgresql.conf"))
            .unwrap();
        use std::io::Write;
        writeln!(
            settings,
            "port = {}\nlisten_addresses = '127.0.0.1'\nunix_socket_directories = '{}'\nfsync = off\n{conf}",
            cluster.port,
            cluster.dir.path().display()
        )
        .unwrap();
        cluster.start_again();
        cluster.create_database().await;
        cluster
    }

    fn command(&self, program: &str) -> Command {
        let path = self.bin.join(program);
        if self.as_postgres {
            let mut c = Command::new("runuser");
            c.args(["-u", "postgres", "--"]).arg(path);
            c
        } else {
            Command::new(path)
        }
    }

    async fn create_database(&self) {
        use sqlx::Connection;
        let mut conn = sqlx::PgConnection::connect(&format!("{}/postgres", self.server()))
            .await
            .expect("connect to the throwaway cluster");
        sqlx::query("create database assetmap")
            .execute(&mut conn)
            .await
            .unwrap();
        let mut conn = sqlx::PgConnection::connect(&self.url()).await.unwrap();
        sqlx::query("create extension postgis")
            .execute(&mut conn)
            .await
            .expect("PostGIS in the throwaway cluster");
    }

    /// The cluster's data folder (certificates live there).
    pub fn data_dir(&self) -> &Path {
        &self.data
    }

    /// The server, without a database.
    pub fn server(&self) -> String {
        format!("postgres://postgres@127.0.0.1:{}", self.port)
    }

    /// The `assetmap` database.
    pub fn url(&self) -> String {
        format!("{}/assetmap", self.server())
    }

    /// Stops the database at once, as a crash or an outage would.
    pub fn stop(&self) {
        run(&mut self.pg_ctl(&["stop", "-m", "immediate"]));
    }

    pub fn start_again(&self) {
        let log = self.dir.path().join("log");
        let mut c = self.pg_ctl(&["start", "-w", "-t", "60", "-l"]);
        run(c.arg(log));
    }

    fn pg_ctl(&self, args: &[&str]) -> Command {
        let mut c = self.command("pg_ctl");
        c.arg("-D").arg(&self.data).args(args);
        c
    }
}

impl Drop for PgCluster {
    fn drop(&mut self) {
        // Already stopped is fine; the folder goes with `dir`.
        let _ = self
            .pg_ctl(&["stop", "-m", "immediate"])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .status();
    }
}

fn run(c: &mut Command) {
    let out = c.output().unwrap_or_else(|e| panic!("{c:?}: {e}"));
    assert!(
        out.status.success(),
        "{c:?} failed: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}
