//! Bad query parameters and bodies are answered 4xx with the field named,
//! and write nothing, on both stores.

use crate::common;

use common::{field, point, status_json, Backend, TestApp};
use reqwest::Method;
use serde_json::{json, Value};

on_both_stores!(
    bad_query_parameters_name_their_field,
    bad_bodies_name_their_field,
);

async fn bad_query_parameters_name_their_field(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let cases = [
        ("/api/assets?bbox=-2.4,53.5,-2.2,53.3", "bbox"),
        ("/api/assets?bbox=-2.4,53.3,-2.2", "bbox"),
        ("/api/assets?bbox=a,b,c,d", "bbox"),
        ("/api/assets?bbox=-200,53,-2,54", "bbox"),
        ("/api/assets?capital=cultural", "capital"),
        ("/api/assets?category=unicorns", "category"),
        ("/api/assets?limit=0", "limit"),
        ("/api/assets?limit=1000000", "limit"),
        ("/api/assets?limit=ten", "limit"),
        ("/api/assets?offset=-1", "offset"),
        ("/api/assets?lon=0&lat=95&radius_m=10", "lat"),
        ("/api/assets?lon=181&lat=0&radius_m=10", "lon"),
        ("/api/assets?lon=0&lat=0", "radius_m"),
        ("/api/assets?lon=0&lat=0&radius_m=-5", "radius_m"),
        ("/api/assets?lon=0&lat=0&radius_m=1e9", "radius_m"),
        ("/api/assets?lon=0&radius_m=10", "lat"),
        ("/api/assets?radius_m=10", "lon"),
        ("/api/assets?bbox=-3,53,-2,54&lon=-2&lat=53", "bbox"),
        ("/api/assets/nearest?lat=53", "lon"),
        ("/api/assets/nearest?lon=-2&lat=53&k=0", "k"),
        ("/api/assets/nearest?lon=-2&lat=53&k=100000", "k"),
        (
            "/api/assets/nearest?lon=-2&lat=53&max_distance_m=0",
            "max_distance_m",
        ),
        ("/api/assets/nearest?lon=-2&lat=NaN", "lat"),
    ];
    for (path, want) in cases {
        let (status, body) = app.get_json(path).await;
        assert_eq!((status, field(&body)), (400, want), "{path}: {body}");
        assert!(body["error"]["message"]
            .as_str()
            .is_some_and(|m| !m.is_empty()));
    }
    app.stop().await;
}

async fn bad_bodies_name_their_field(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let post = |body: String| {
        app.request(Method::POST, "/api/assets")
            .header("content-type", "application/json")
            .body(body)
            .send()
    };
    let good = point("Hall", "physical", "village_hall", -2.3, 53.4);
    let mut cases: Vec<(Value, &str)> = Vec::new();
    let mut no_name = good.clone();
    no_name["properties"]
        .as_object_mut()
        .unwrap()
        .remove("name");
    cases.push((no_name, "name"));
    let mut bad_category = good.clone();
    bad_category["properties"]["category"] = json!("library");
    cases.push((bad_category, "category"));
    let mut bad_capital = good.clone();
    bad_capital["properties"]["capital"] = json!("cultural");
    cases.push((bad_capital, "capital"));
    let mut no_geometry = good.clone();
    no_geometry["geometry"] = Value::Null;
    cases.push((no_geometry, "geometry"));
    let mut lat95 = good.clone();
    lat95["geometry"]["coordinates"] = json!([-2.3, 95.0]);
    cases.push((lat95, "geometry"));
    let mut open_ring = good.clone();
    open_ring["geometry"] =
        json!({"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 1]]]});
    cases.push((open_ring, "geometry"));
    cases.push((json!({"type": "FeatureCollection", "features": []}), "type"));
    cases.push((json!([1, 2]), "body"));
    for (body, want) in cases {
        let (status, resp) = status_json(post(body.to_string()).await.unwrap()).await;
        assert_eq!((status, field(&resp)), (422, want), "{body}: {resp}");
    }
    let (status, resp) = status_json(post("{\"type\": \"Feature\",".into()).await.unwrap()).await;
    assert_eq!((status, field(&resp)), (400, "body"), "{resp}");

    // The server answers before reading a body that is too large and then
    // closes the connection, so the client may lose the answer's body to
    // the reset; the status always arrives.
    let huge = format!(
        "{{\"type\": \"Feature\", \"pad\": \"{}\"}}",
        "x".repeat(3 * 1024 * 1024)
    );
    let r = post(huge).await.unwrap();
    assert_eq!(r.status(), 413);
    // The server closes this connection, and says so: a client that pooled
    // it would send the next request into a closed socket.
    assert_eq!(r.headers()["connection"], "close");
    if let Ok(text) = r.text().await {
        let resp: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(field(&resp), "body", "{resp}");
    }

    // Nothing was written.
    let (_, all) = app.get_json("/api/assets").await;
    assert_eq!(all["numberMatched"], 0);
    app.stop().await;
}
