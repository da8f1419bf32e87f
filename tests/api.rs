//! The asset API's writes, end to end over HTTP, on both stores: create,
//! edit by version, archive, who may write, and people shown by area only.

use crate::common;

use common::{field, names, point, status_json, Backend, TestApp, TOKEN};
use reqwest::Method;
use serde_json::{json, Value};

on_both_stores!(
    create_read_and_locate,
    patch_needs_the_current_version,
    concurrent_edits_never_lose_an_update,
    archive_keeps_the_record_but_leaves_queries,
    writes_need_the_token,
    people_are_shown_only_by_area,
);

async fn create_read_and_locate(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let r = app
        .request(Method::POST, "/api/assets")
        .json(&point(
            "Altrincham Library",
            "public",
            "library",
            -2.3497,
            53.3874,
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);
    let location = r.headers()["location"].to_str().unwrap().to_string();
    let (_, created) = status_json(r).await;
    let id = created["id"].as_str().unwrap();
    assert_eq!(location, format!("/api/assets/{id}"));
    assert_eq!(created["properties"]["version"], 1);
    assert_eq!(created["properties"]["status"], "published");

    let r = app.client.get(app.url(&location)).send().await.unwrap();
    assert_eq!(r.headers()["etag"], "\"1\"");
    let (status, read) = status_json(r).await;
    assert_eq!(status, 200);
    assert_eq!(read, created);
    assert_eq!(
        read["geometry"],
        json!({"type": "Point", "coordinates": [-2.3497, 53.3874]})
    );

    let (status, body) = app
        .get_json(&format!("/api/assets/{}", uuid::Uuid::new_v4()))
        .await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (404, Some("not_found"))
    );
    let (status, body) = app.get_json("/api/no-such-thing").await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (404, Some("not_found"))
    );
    let put = app
        .request(Method::PUT, "/api/assets")
        .send()
        .await
        .unwrap();
    let (status, body) = status_json(put).await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (405, Some("method_not_allowed"))
    );
    let (status, body) = app.get_json("/api/assets/not-a-uuid").await;
    assert_eq!((status, field(&body)), (400, "id"));

    // A park keeps its polygon.
    let park = json!({"type": "Feature",
        "geometry": {"type": "Polygon", "coordinates": [[[-2.36, 53.38], [-2.35, 53.38], [-2.35, 53.39], [-2.36, 53.39], [-2.36, 53.38]]]},
        "properties": {"name": "Stamford Park", "capital": "physical", "category": "green_space"}});
    let created = app.create(&park).await;
    assert_eq!(created["geometry"], park["geometry"]);
    app.stop().await;
}

async fn patch_needs_the_current_version(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let mut f = point("Sale Library", "public", "library", -2.32, 53.42);
    f["properties"]["description"] = json!("Books and computers");
    let created = app.create(&f).await;
    let id = created["id"].as_str().unwrap();

    let (status, body) = app
        .patch(
            id,
            1,
            &json!({"properties": {"name": "Sale Waterside Library", "description": null}}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["properties"]["version"], 2);
    assert_eq!(body["properties"]["name"], "Sale Waterside Library");
    assert_eq!(body["properties"]["description"], Value::Null);
    assert_eq!(
        body["properties"]["category"], "library",
        "unpatched fields stay"
    );
    assert_eq!(
        body["properties"]["created_at"],
        created["properties"]["created_at"]
    );

    let (status, body) = app
        .patch(id, 1, &json!({"properties": {"name": "Lost edit"}}))
        .await;
    assert_eq!((status, field(&body)), (409, "If-Match"));
    assert_eq!(body["error"]["current_version"], 2);

    let r = app
        .request(Method::PATCH, &format!("/api/assets/{id}"))
        .json(&json!({"properties": {"name": "x"}}))
        .send()
        .await
        .unwrap();
    let (status, body) = status_json(r).await;
    assert_eq!((status, field(&body)), (428, "If-Match"));

    let (status, body) = app
        .patch(id, 2, &json!({"properties": {"category": "food_bank"}}))
        .await;
    assert_eq!((status, field(&body)), (422, "category"));
    let (status, body) = app
        .patch(
            id,
            2,
            &json!({"geometry": {"type": "Point", "coordinates": [-2.3, 91.0]}}),
        )
        .await;
    assert_eq!((status, field(&body)), (422, "geometry"));

    // Moving it moves it in the index.
    let (status, _) = app
        .patch(
            id,
            2,
            &json!({"geometry": {"type": "Point", "coordinates": [-2.25, 53.45]}}),
        )
        .await;
    assert_eq!(status, 200);
    let (_, near_old) = app
        .get_json("/api/assets?lon=-2.32&lat=53.42&radius_m=100")
        .await;
    assert_eq!(near_old["numberMatched"], 0);
    let (_, near_new) = app
        .get_json("/api/assets?lon=-2.25&lat=53.45&radius_m=100")
        .await;
    assert_eq!(names(&near_new), ["Sale Waterside Library"]);

    // Tags merge key by key (RFC 7396); null removes one.
    let tags = json!({"properties": {"tags": {"wifi": "yes", "floor": "1"}}});
    let (status, body) = app.patch(id, 3, &tags).await;
    assert_eq!(status, 200, "{body}");
    let tags = json!({"properties": {"tags": {"floor": null, "lift": "yes"}}});
    let (status, body) = app.patch(id, 4, &tags).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        body["properties"]["tags"],
        json!({"wifi": "yes", "lift": "yes"})
    );
    assert_eq!(body["properties"]["version"], 5);

    let (status, body) = app
        .patch(
            &uuid::Uuid::new_v4().to_string(),
            1,
            &json!({"properties": {}}),
        )
        .await;
    assert_eq!(status, 404, "{body}");
    app.stop().await;
}

async fn concurrent_edits_never_lose_an_update(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let created = app
        .create(&point("Hall", "physical", "village_hall", -2.3, 53.4))
        .await;
    let id = created["id"].as_str().unwrap().to_string();
    // Eight editors load version 1 and save at once.
    let edits: Vec<_> = (0..8)
        .map(|i| {
            let request = app
                .request(Method::PATCH, &format!("/api/assets/{id}"))
                .header("If-Match", "1")
                .json(&json!({"properties": {"description": format!("edit {i}")}}));
            tokio::spawn(async move { status_json(request.send().await.unwrap()).await })
        })
        .collect();
    let mut results = Vec::new();
    for e in edits {
        results.push(e.await.unwrap());
    }
    let ok: Vec<&Value> = results
        .iter()
        .filter(|(s, _)| *s == 200)
        .map(|(_, b)| b)
        .collect();
    let conflicts = results.iter().filter(|(s, _)| *s == 409).count();
    assert_eq!(ok.len(), 1, "{results:?}");
    assert_eq!(conflicts, 7);
    let (_, now) = app.get_json(&format!("/api/assets/{id}")).await;
    assert_eq!(
        now["properties"]["description"],
        ok[0]["properties"]["description"]
    );
    assert_eq!(now["properties"]["version"], 2);
    app.stop().await;
}

async fn archive_keeps_the_record_but_leaves_queries(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let created = app
        .create(&point("Old hall", "physical", "village_hall", -2.3, 53.4))
        .await;
    let id = created["id"].as_str().unwrap();
    assert_eq!(app.archive(id).await, 204);
    let (status, body) = app.get_json(&format!("/api/assets/{id}")).await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (410, Some("archived"))
    );
    let (_, all) = app.get_json("/api/assets?bbox=-3,53,-2,54").await;
    assert_eq!(all["numberMatched"], 0);
    let (_, nearest) = app.get_json("/api/assets/nearest?lon=-2.3&lat=53.4").await;
    assert_eq!(nearest["numberReturned"], 0);
    assert_eq!(app.archive(id).await, 410);

    // The store keeps the record and every change.
    let store = assetmap::store::open(&app.db_url).await.unwrap();
    let kept = store.get(id.parse().unwrap()).await.unwrap().unwrap();
    assert_eq!(kept.draft.status, assetmap::domain::Status::Archived);
    assert_eq!(kept.version, 2);
    let log = store.changes_since(0, 100).await.unwrap();
    assert_eq!(log.len(), 2);
    assert!(log[0].seq < log[1].seq);
    app.stop().await;
}

async fn writes_need_the_token(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let body = point("Hall", "physical", "village_hall", -2.3, 53.4);
    let anonymous = app
        .client
        .post(app.url("/api/assets"))
        .json(&body)
        .send()
        .await
        .unwrap();
    let (status, resp) = status_json(anonymous).await;
    assert_eq!((status, field(&resp)), (401, "Authorization"));
    let wrong = app
        .client
        .post(app.url("/api/assets"))
        .bearer_auth("guess")
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.status(), 403);

    // A server with no token configured is read-only.
    let read_only = TestApp::on(&app.db_url, None).await;
    let r = read_only
        .client
        .post(read_only.url("/api/assets"))
        .bearer_auth(TOKEN)
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
    let (_, all) = app.get_json("/api/assets").await;
    assert_eq!(all["numberMatched"], 0);
    read_only.stop().await;
    app.stop().await;
}

async fn people_are_shown_only_by_area(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let mut person = point("Jo: bike repair", "human", "skill", -2.34567, 53.41234);
    person["properties"]["address"] = json!("12 Example Road");
    person["properties"]["postcode"] = json!("m33 7xx");
    let (status, body) = status_json(
        app.request(Method::POST, "/api/assets")
            .json(&person)
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert_eq!((status, field(&body)), (422, "consent"));
    person["properties"]["consent"] = json!(true);
    let created = app.create(&person).await;
    assert_eq!(created["properties"]["visibility"], "area_only");
    let shown = created["geometry"]["coordinates"].as_array().unwrap();
    assert!((shown[0].as_f64().unwrap() - -2.345).abs() < 1e-9);
    assert!((shown[1].as_f64().unwrap() - 53.415).abs() < 1e-9);
    assert_eq!(created["properties"]["address"], Value::Null);
    assert_eq!(created["properties"]["postcode"], "M33");
    // A tight radius around the true spot cannot find them.
    let (_, near) = app
        .get_json("/api/assets?lon=-2.34567&lat=53.41234&radius_m=50")
        .await;
    assert_eq!(near["numberMatched"], 0);
    // Nor can a search for their street.
    let (_, by_street) = app.get_json("/api/assets?q=example%20road").await;
    assert_eq!(by_street["numberMatched"], 0);
    let (_, by_name) = app.get_json("/api/assets?q=bike%20repair").await;
    assert_eq!(by_name["numberMatched"], 1);
    app.stop().await;
}
