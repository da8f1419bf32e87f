//! Import and export over HTTP, with areas, on both stores.

use crate::common;

use assetmap::import;
use common::data::repo_data;
use common::{fresh_store, Backend, TestApp};

on_both_stores!(http_import_export_and_areas);

async fn http_import_export_and_areas(backend: Backend) {
    let (url, _dir) = fresh_store(backend).await;
    let store = assetmap::store::open(&url).await.unwrap();
    let wards = import::areas::read_areas(
        &std::fs::read_to_string(repo_data(
            "trafford/boundaries/trafford_ward_generalised.geojson",
        ))
        .unwrap(),
        "wards",
        &import::areas::AreaOptions {
            level: "ward".into(),
            code_field: "area_code".into(),
            name_field: "area_name".into(),
        },
    )
    .unwrap()
    .0;
    store.upsert_areas(&wards).await.unwrap();
    let app = TestApp::on(&url, Some(common::TOKEN)).await;

    let body =
        std::fs::read_to_string(repo_data("trafford/assets/trafford_libraries.geojson")).unwrap();
    let post = |q: &str| {
        app.request(reqwest::Method::POST, &format!("/api/import?{q}"))
            .header("content-type", "application/json")
            .body(body.clone())
            .send()
    };
    let (status, report) =
        common::status_json(post("dataset=libraries&category=library").await.unwrap()).await;
    assert_eq!(
        status, 422,
        "no capital: every feature is rejected: {report}"
    );
    assert_eq!(report["report"]["rejected"].as_array().unwrap().len(), 13);
    let (status, report) = common::status_json(
        post("dataset=libraries&capital=public&category=library&map=name:Name,address:Address&dry_run=true").await.unwrap(),
    )
    .await;
    assert_eq!(
        (
            status,
            report["created"].as_u64(),
            report["written"].as_bool()
        ),
        (200, Some(13), Some(false))
    );
    let (status, report) = common::status_json(
        post("dataset=libraries&capital=public&category=library&map=name:Name,address:Address")
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(
        (status, report["created"].as_u64()),
        (200, Some(13)),
        "{report}"
    );
    // The server's own import is in its index at once.
    let (_, all) = app.get_json("/api/assets?category=library").await;
    assert_eq!(all["numberMatched"], 13);

    // within=<ward>: by point in polygon over the wards.
    let (_, altrincham) = app.get_json("/api/assets?within=E05015239").await;
    assert!(common::names(&altrincham).contains(&"Altrincham Library".to_string()));
    let per_ward: u64 = sum_within(&app, &wards).await;
    assert_eq!(per_ward, 13, "every library is in exactly one ward");
    let (status, body) = app.get_json("/api/assets?within=E99999999").await;
    assert_eq!((status, common::field(&body)), (400, "within"));

    let (_, areas) = app.get_json("/api/areas?level=ward").await;
    assert_eq!(areas["features"].as_array().unwrap().len(), 21);
    let (status, body) = app.get_json("/api/areas?level=county").await;
    assert_eq!((status, common::field(&body)), (400, "level"));

    let r = app
        .client
        .get(app.url("/api/export.csv?capital=public"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.headers()["content-type"], "text/csv; charset=utf-8");
    let text = r.text().await.unwrap();
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    assert_eq!(reader.records().count(), 13);
    let (_, geojson) = app.get_json("/api/export.geojson?q=altrincham").await;
    assert_eq!(common::names(&geojson), ["Altrincham Library"]);
    app.stop().await;
}

async fn sum_within(app: &TestApp, wards: &[assetmap::domain::Area]) -> u64 {
    let mut total = 0;
    for w in wards {
        let (_, r) = app
            .get_json(&format!("/api/assets?within={}", w.code))
            .await;
        total += r["numberMatched"].as_u64().unwrap();
    }
    total
}
