//! `assetmap backup`: a copy taken while the server runs, restored into a
//! fresh path and served, holds what was written before the backup and
//! nothing after. On PostGIS the command refuses and names `pg_dump`.

use crate::common;

use assetmap::backup;
use assetmap::config::BackupArgs;
use assetmap::config::StoreArgs;
use common::{names, point, Backend, TestApp, TOKEN};

on_both_stores!(backup_and_restore);

fn args(db_url: &str, file: &std::path::Path) -> BackupArgs {
    BackupArgs {
        file: file.to_path_buf(),
        store: StoreArgs {
            database_url: db_url.to_string(),
            categories: None,
        },
    }
}

async fn backup_and_restore(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let dir = tempfile::tempdir().unwrap();
    let copy = dir.path().join("backup.db");
    let library = app
        .create(&point("Library", "public", "library", -2.35, 53.39))
        .await;
    let mut person = point("Jo: bike repair", "human", "skill", -2.34, 53.41);
    person["properties"]["consent"] = serde_json::json!(true);
    app.create(&person).await;

    if let Backend::Postgis = backend {
        let err = backup::run(&args(&app.db_url, &copy)).await.unwrap_err();
        let message = format!("{err:#}");
        assert!(message.contains("pg_dump --format=custom"), "{message}");
        assert!(message.contains("pg_restore"), "{message}");
        assert!(!copy.exists());
        app.stop().await;
        return;
    }

    backup::run(&args(&app.db_url, &copy)).await.unwrap();
    // A second backup never overwrites the first.
    let err = backup::run(&args(&app.db_url, &copy)).await.unwrap_err();
    assert!(format!("{err:#}").contains("already exists"), "{err:#}");
    // Written after the backup: not in it.
    app.create(&point("Food bank", "social", "food_bank", -2.36, 53.40))
        .await;
    let id = library["id"].as_str().unwrap();
    let (status, _) = app
        .patch(
            id,
            1,
            &serde_json::json!({"properties": {"name": "Library (renamed)"}}),
        )
        .await;
    assert_eq!(status, 200);
    app.stop().await;

    // Restore: the copy, in a fresh place, served.
    let restored_dir = tempfile::tempdir().unwrap();
    let restored = restored_dir.path().join("restored.db");
    std::fs::copy(&copy, &restored).unwrap();
    let url = format!("sqlite://{}", restored.display());
    let app = TestApp::on(&url, Some(TOKEN)).await;
    let (_, all) = app.get_json("/api/assets?limit=100").await;
    let mut found = names(&all);
    found.sort();
    assert_eq!(found, ["Jo: bike repair", "Library"]);
    let (_, read) = app.get_json(&format!("/api/assets/{id}")).await;
    assert_eq!(read["properties"]["version"], 1);
    // The restored store takes writes, and its change log goes on.
    let (status, body) = app
        .patch(
            id,
            1,
            &serde_json::json!({"properties": {"name": "Library again"}}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let (_, read) = app.get_json(&format!("/api/assets/{id}")).await;
    assert_eq!(read["properties"]["name"], "Library again");
    assert_eq!(read["properties"]["version"], 2);
    app.stop().await;
}
