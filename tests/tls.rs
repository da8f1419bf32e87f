//! TLS to a remote PostgreSQL: a throwaway cluster with `ssl = on` that
//! refuses every connection without TLS, a certificate authority and a
//! server certificate made here with the openssl program. The server
//! works through `sslmode=require` and `sslmode=verify-full`, and refuses
//! to start when the certificate is not the one it was told to trust.

use crate::common;

use common::cluster::PgCluster;
use common::{point, TestApp, TOKEN};
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::Command;

fn openssl(dir: &Path, args: &[&str]) {
    let out = Command::new("openssl")
        .current_dir(dir)
        .args(args)
        .output()
        .expect("the openssl program (package openssl)");
    assert!(
        out.status.success(),
        "openssl {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A certificate authority `{name}.crt`/`{name}.key` in `dir`.
fn authority(dir: &Path, name: &str) {
    let (key, crt) = (format!("{name}.key"), format!("{name}.crt"));
    openssl(
        dir,
        &[
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "2",
            "-subj",
            "/CN=assetmap test CA",
            "-keyout",
            &key,
            "-out",
            &crt,
        ],
    );
}

/// The server's certificate for 127.0.0.1 and localhost, signed by `ca`,
/// and PostgreSQL's settings to use it and refuse connections without TLS.
fn server_certificate(data: &Path) -> String {
    authority(data, "ca");
    openssl(
        data,
        &[
            "req",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-subj",
            "/CN=127.0.0.1",
            "-keyout",
            "server.key",
            "-out",
            "server.csr",
        ],
    );
    std::fs::write(
        data.join("san.ext"),
        "subjectAltName = IP:127.0.0.1, DNS:localhost\n",
    )
    .unwrap();
    openssl(
        data,
        &[
            "x509",
            "-req",
            "-in",
            "server.csr",
            "-CA",
            "ca.crt",
            "-CAkey",
            "ca.key",
            "-CAcreateserial",
            "-days",
            "2",
            "-extfile",
            "san.ext",
            "-out",
            "server.crt",
        ],
    );
    std::fs::set_permissions(
        data.join("server.key"),
        std::fs::Permissions::from_mode(0o600),
    )
    .unwrap();
    // TLS or nothing over TCP.
    std::fs::write(
        data.join("pg_hba.conf"),
        "local all all trust\n\
         hostnossl all all 0.0.0.0/0 reject\n\
         hostssl all all 127.0.0.1/32 trust\n",
    )
    .unwrap();
    "ssl = on\nssl_cert_file = 'server.crt'\nssl_key_file = 'server.key'\n".into()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_server_reaches_postgis_over_tls_only() {
    let pg = PgCluster::start(server_certificate).await;
    let ca = pg.data_dir().join("ca.crt");
    // The cluster really refuses a connection without TLS...
    let plain = assetmap::store::open(&format!("{}?sslmode=disable", pg.url())).await;
    assert!(plain.is_err(), "a connection without TLS was let in");

    // ...so this server can only work by encrypting.
    let required = format!("{}?sslmode=require", pg.url());
    let app = TestApp::on(&required, Some(TOKEN)).await;
    let created = app
        .create(&point("Sale Library", "public", "library", -2.319, 53.4246))
        .await;
    app.stop().await;

    // Checking the certificate and the host name against the CA given.
    let verified = format!(
        "{}?sslmode=verify-full&sslrootcert={}",
        pg.url(),
        ca.display()
    );
    let app = TestApp::on(&verified, Some(TOKEN)).await;
    let (status, one) = app
        .get_json(&format!("/api/assets/{}", created["id"].as_str().unwrap()))
        .await;
    assert_eq!(status, 200);
    assert_eq!(one["properties"]["name"], "Sale Library");
    app.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_certificate_from_another_authority_is_refused() {
    let pg = PgCluster::start(server_certificate).await;
    let other = tempfile::tempdir().unwrap();
    authority(other.path(), "other");
    let url = format!(
        "{}?sslmode=verify-full&sslrootcert={}",
        pg.url(),
        other.path().join("other.crt").display()
    );
    let refused = assetmap::store::open(&url).await;
    assert!(
        refused.is_err(),
        "a certificate nobody vouched for was trusted"
    );
    let error = format!("{:#}", refused.err().unwrap());
    assert!(
        error.to_lowercase().contains("certificate") || error.contains("UnknownIssuer"),
        "{error}"
    );
}
