//! The asset API, end to end over HTTP, on both stores.

mod common;

use common::{field, names, point, status_json, Backend, TestApp, TOKEN};
use reqwest::Method;
use serde_json::{json, Value};

on_both_stores!(
    create_read_and_locate,
    patch_needs_the_current_version,
    concurrent_edits_never_lose_an_update,
    archive_keeps_the_record_but_leaves_queries,
    bbox_filters_text_and_paging,
    radius_and_nearest_answer_in_metres,
    bad_query_parameters_name_their_field,
    bad_bodies_name_their_field,
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

async fn seed(app: &TestApp) {
    for f in [
        point("Altrincham Library", "public", "library", -2.3497, 53.3874),
        point("Sale Library", "public", "library", -2.3190, 53.4246),
        point(
            "Stretford Food Bank",
            "social",
            "food_bank",
            -2.3140,
            53.4460,
        ),
        point(
            "Altrincham Foodbank",
            "social",
            "food_bank",
            -2.3520,
            53.3860,
        ),
        point(
            "Urmston Community Centre",
            "physical",
            "community_centre",
            -2.3540,
            53.4480,
        ),
        point(
            "Manchester Credit Union",
            "financial",
            "credit_union",
            -2.2400,
            53.4800,
        ),
    ] {
        app.create(&f).await;
    }
    let mut described = point("Timperley Hall", "physical", "village_hall", -2.33, 53.40);
    described["properties"]["description"] = json!("Home of the ALTRINCHAM chess club");
    app.create(&described).await;
}

async fn bbox_filters_text_and_paging(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    seed(&app).await;
    let trafford = "bbox=-2.48,53.35,-2.25,53.48";
    let (status, all) = app.get_json(&format!("/api/assets?{trafford}")).await;
    assert_eq!(status, 200);
    assert_eq!(all["type"], "FeatureCollection");
    assert_eq!(all["numberMatched"], 6, "the credit union is outside");

    let (_, social) = app
        .get_json(&format!("/api/assets?{trafford}&capital=social,public"))
        .await;
    assert_eq!(social["numberMatched"], 4);
    let (_, libraries) = app
        .get_json(&format!("/api/assets?{trafford}&category=library"))
        .await;
    let mut got = names(&libraries);
    got.sort();
    assert_eq!(got, ["Altrincham Library", "Sale Library"]);

    // q matches name, description and address, ignoring case.
    let (_, altrincham) = app
        .get_json(&format!("/api/assets?{trafford}&q=altrincham"))
        .await;
    let mut got = names(&altrincham);
    got.sort();
    assert_eq!(
        got,
        [
            "Altrincham Foodbank",
            "Altrincham Library",
            "Timperley Hall"
        ]
    );
    let (_, none) = app.get_json(&format!("/api/assets?{trafford}&q=zzz")).await;
    assert_eq!(none["numberMatched"], 0);

    let (_, page1) = app
        .get_json(&format!("/api/assets?{trafford}&limit=4"))
        .await;
    let (_, page2) = app
        .get_json(&format!("/api/assets?{trafford}&limit=4&offset=4"))
        .await;
    assert_eq!(
        (
            page1["numberReturned"].as_u64(),
            page2["numberReturned"].as_u64()
        ),
        (Some(4), Some(2))
    );
    assert_eq!(page2["numberMatched"], 6);
    let mut both = names(&page1);
    both.extend(names(&page2));
    both.sort();
    both.dedup();
    assert_eq!(both.len(), 6, "pages do not overlap");

    let (_, everywhere) = app.get_json("/api/assets").await;
    assert_eq!(everywhere["numberMatched"], 7);
    app.stop().await;
}

async fn radius_and_nearest_answer_in_metres(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    seed(&app).await;
    // From Altrincham Library: the food bank is ~220 m away, Timperley Hall ~2 km.
    let (_, near) = app
        .get_json("/api/assets?lon=-2.3497&lat=53.3874&radius_m=1000")
        .await;
    assert_eq!(names(&near), ["Altrincham Library", "Altrincham Foodbank"]);
    let d = near["features"][1]["properties"]["distance_m"]
        .as_f64()
        .unwrap();
    assert!((200.0..240.0).contains(&d), "{d}");

    let (_, nearest) = app
        .get_json("/api/assets/nearest?lon=-2.3497&lat=53.3874&k=3&capital=social,physical")
        .await;
    assert_eq!(
        names(&nearest),
        [
            "Altrincham Foodbank",
            "Timperley Hall",
            "Urmston Community Centre"
        ]
    );
    let distances: Vec<f64> = nearest["features"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["properties"]["distance_m"].as_f64().unwrap())
        .collect();
    assert!(distances.windows(2).all(|w| w[0] <= w[1]), "{distances:?}");

    let (_, capped) = app
        .get_json("/api/assets/nearest?lon=-2.3497&lat=53.3874&k=10&max_distance_m=500")
        .await;
    assert_eq!(capped["numberReturned"], 2);
    app.stop().await;
}

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
