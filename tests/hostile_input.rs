//! Input that PostgreSQL would refuse with a 500 (a NUL in text, a date it
//! cannot keep) and the smaller holes of issue 9, answered with a 4xx
//! naming the field, the same on both stores, and nothing written.

use crate::common;

use common::{field, point, status_json, Backend, TestApp, TOKEN};
use reqwest::Method;
use serde_json::{json, Value};

on_both_stores!(
    control_characters_in_queries_are_refused,
    control_characters_and_impossible_dates_in_writes_are_refused,
    imports_refuse_control_characters,
    odd_requests_answer_in_json,
    bearer_is_matched_in_any_case,
    csv_cells_cannot_be_formulas,
);

async fn control_characters_in_queries_are_refused(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.create(&point("Library", "public", "library", -2.35, 53.39))
        .await;
    for route in [
        "/api/assets?q=%00",
        "/api/assets?q=a%00b",
        "/api/assets?q=%1b%5b31m",
        "/api/assets?q=a%0db",
        "/api/export.csv?q=%00",
        "/api/export.geojson?q=a%00",
        "/api/assets/nearest?lon=-2.3&lat=53.4&q=%00",
        "/api/assets?bbox=-3,53,-2,54&q=%00",
    ] {
        let (status, body) = app.get_json(route).await;
        assert_eq!((status, field(&body)), (400, "q"), "{route}: {body}");
    }
    let (status, body) = app.get_json("/api/assets?q=library").await;
    assert_eq!((status, body["numberMatched"].as_u64()), (200, Some(1)));
    app.stop().await;
}

async fn post(app: &TestApp, path: &str, body: &Value) -> (u16, Value) {
    status_json(
        app.request(Method::POST, path)
            .json(body)
            .send()
            .await
            .unwrap(),
    )
    .await
}

async fn control_characters_and_impossible_dates_in_writes_are_refused(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let with = |key: &str, value: Value| {
        let mut f = point("Library", "public", "library", -2.35, 53.39);
        f["properties"][key] = value;
        f
    };
    let cases = [
        (with("tags", json!({"a\u{0}b": "x"})), "tags.a\\u{0}b"),
        (with("tags", json!({"k": "v\u{0}"})), "tags.k"),
        (with("tags", json!({"k": "\u{1b}[2J"})), "tags.k"),
        (with("tags", json!({"": "x"})), "tags"),
        (with("name", json!("a\u{0}b")), "name"),
        (
            with("verified_at", json!("0000-01-01T00:00:00Z")),
            "verified_at",
        ),
        (
            with("verified_at", json!("9999-12-31T23:00:00-05:00")),
            "verified_at",
        ),
    ];
    for (feature, expected) in &cases {
        let (status, body) = post(&app, "/api/assets", feature).await;
        assert_eq!(
            (status, field(&body)),
            (422, *expected),
            "{feature}: {body}"
        );
    }
    let ok = app
        .create(&with("verified_at", json!("2024-05-06T07:08:09Z")))
        .await;
    let id = ok["id"].as_str().unwrap();
    let (status, body) = app
        .patch(id, 1, &json!({"properties": {"tags": {"k": "v\u{0}"}}}))
        .await;
    assert_eq!((status, field(&body)), (422, "tags.k"), "{body}");
    let (_, all) = app.get_json("/api/assets").await;
    assert_eq!(all["numberMatched"], 1, "only the valid asset was written");
    assert_eq!(all["features"][0]["properties"]["version"], 1);
    app.stop().await;
}

async fn imports_refuse_control_characters(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let collection = |name: &str| {
        json!({"type": "FeatureCollection", "features": [{
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [-2.35, 53.39]},
            "properties": {"Name": name},
        }]})
    };
    // `map` is one parameter: field:source pairs, comma-separated.
    let base = "/api/import?capital=public&category=library";
    let (status, body) = post(
        &app,
        &format!("{base}&map=name:Name&dataset=a%00b"),
        &collection("Library"),
    )
    .await;
    assert_eq!((status, field(&body)), (400, "dataset"), "{body}");
    // A mapping that puts a NUL into a tag, or a NUL in the data itself.
    for (query, name, rejected_field) in [
        ("&map=name:Name,tags.note:%3Da%00b", "Library", "tags.note"),
        ("&map=name:Name", "Lib\u{0}rary", "name"),
    ] {
        let (status, body) = post(
            &app,
            &format!("{base}&dataset=libraries{query}"),
            &collection(name),
        )
        .await;
        assert_eq!(status, 422, "{body}");
        assert_eq!(
            body["report"]["rejected"][0]["field"], rejected_field,
            "{body}"
        );
    }
    let (_, all) = app.get_json("/api/assets").await;
    assert_eq!(all["numberMatched"], 0, "nothing was imported");
    app.stop().await;
}

async fn odd_requests_answer_in_json(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    for route in [
        "/api/assets/%FF",
        "/api/areas/%FF/profile",
        "/api/postcodes/%FF",
    ] {
        let r = app.client.get(app.url(route)).send().await.unwrap();
        assert_eq!(r.headers()["content-type"], "application/json", "{route}");
        let (status, body) = status_json(r).await;
        assert_eq!(status, 400, "{route}: {body}");
        assert_eq!(field(&body), "path", "{route}");
    }
    for (route, name) in [
        ("/api/assets?bbox=", "bbox"),
        ("/api/assets?bbox=%20", "bbox"),
        ("/api/assets?within=", "within"),
        ("/api/export.csv?bbox=", "bbox"),
    ] {
        let (status, body) = app.get_json(route).await;
        assert_eq!((status, field(&body)), (400, name), "{route}: {body}");
    }
    // An import over the import limit is told the import limit.
    let limit = 64 * 1024 * 1024;
    let big = vec![b' '; limit + 1];
    let r = app
        .request(Method::POST, "/api/import?dataset=big")
        .header("content-type", "application/json")
        .body(big)
        .send()
        .await
        .unwrap();
    let (status, body) = status_json(r).await;
    assert_eq!(status, 413, "{body}");
    let message = body["error"]["message"].as_str().unwrap();
    assert!(message.contains(&limit.to_string()), "{message}");
    app.stop().await;
}

async fn bearer_is_matched_in_any_case(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    for scheme in ["bearer", "BEARER", "Bearer"] {
        let r = app
            .client
            .post(app.url("/api/assets"))
            .header("authorization", format!("{scheme} {TOKEN}"))
            .json(&point(scheme, "public", "library", -2.35, 53.39))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 201, "{scheme}");
    }
    app.stop().await;
}

async fn csv_cells_cannot_be_formulas(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let mut f = point(
        "=HYPERLINK(\"http://evil.example\",\"Click\")",
        "public",
        "library",
        -2.35,
        -53.39,
    );
    f["properties"]["description"] = json!("+1+1");
    f["properties"]["phone"] = json!("-1");
    f["properties"]["opening_hours"] = json!("@SUM(A1)");
    app.create(&f).await;
    let text = app
        .client
        .get(app.url("/api/export.csv"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let headers = reader.headers().unwrap().clone();
    let row = reader.records().next().unwrap().unwrap();
    let cell = |name: &str| {
        row.get(headers.iter().position(|h| h == name).unwrap())
            .unwrap()
    };
    assert_eq!(
        cell("name"),
        "'=HYPERLINK(\"http://evil.example\",\"Click\")"
    );
    assert_eq!(cell("description"), "'+1+1");
    assert_eq!(cell("phone"), "'-1");
    assert_eq!(cell("opening_hours"), "'@SUM(A1)");
    // Numbers stay numbers.
    assert_eq!(cell("lon"), "-2.35");
    assert_eq!(cell("lat"), "-53.39");
    app.stop().await;
}
