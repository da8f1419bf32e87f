//! OGC API - Features under `/ogc`: the documents and their links, paging
//! by `next` links, filters that answer as `/api/assets` does, errors in
//! the API's shape, and the HTML view's escaping. `ogc_gdal.rs` runs GDAL.

use crate::common;

use common::{field, point, status_json, Backend, TestApp};
use serde_json::Value;
use std::collections::BTreeSet;

on_both_stores!(
    documents_link_to_each_other_absolutely,
    items_page_by_next_links_to_every_asset,
    filters_answer_as_the_assets_api_does,
    bad_parameters_and_unknown_things_are_named,
    a_browser_gets_escaped_html,
);

/// Items come from the read model: with the database refusing every
/// connection, the items (filtered by time too) and an item by id still
/// answer, while a write cannot.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn items_answer_from_memory_while_postgis_is_down() {
    use sqlx::Connection;
    let app = app(Backend::Postgis).await;
    let (_, before) = get(&app, "/ogc/collections/assets/items?datetime=2000-01-01/..").await;
    assert_eq!(before["numberMatched"], 5);
    let (server, name) = app.db_url.rsplit_once('/').unwrap();
    let mut admin = sqlx::PgConnection::connect(&format!("{server}/postgres"))
        .await
        .unwrap();
    let refuse = |allow: bool| format!("alter database {name} allow_connections {allow}");
    sqlx::query(&refuse(false))
        .execute(&mut admin)
        .await
        .unwrap();
    sqlx::query("select pg_terminate_backend(pid) from pg_stat_activity where datname = $1")
        .bind(name)
        .execute(&mut admin)
        .await
        .unwrap();
    let r = app
        .request(reqwest::Method::POST, "/api/assets")
        .json(&point("Hut", "physical", "village_hall", -2.3, 53.4))
        .send()
        .await
        .unwrap();
    assert!(
        r.status().is_server_error(),
        "the store is down: {}",
        r.status()
    );
    let (status, after) = get(&app, "/ogc/collections/assets/items?datetime=2000-01-01/..").await;
    assert_eq!(status, 200, "{after}");
    assert_eq!(ids(&after), ids(&before));
    let (_, none) = get(&app, "/ogc/collections/assets/items?datetime=../2000-01-01").await;
    assert_eq!(none["numberMatched"], 0);
    let id = ids(&after).into_iter().next().unwrap();
    let (status, one) = get(&app, &format!("/ogc/collections/assets/items/{id}")).await;
    assert_eq!((status, one["id"].as_str()), (200, Some(id.as_str())));
    sqlx::query(&refuse(true))
        .execute(&mut admin)
        .await
        .unwrap();
    app.stop().await;
}

const HOSTILE: &str = "<script>alert('x')</script> & \"Friends\"";

/// Five assets: three social (one with a hostile name), two human.
async fn app(backend: Backend) -> TestApp {
    let app = TestApp::spawn(backend).await;
    for (name, capital, category, lon, lat) in [
        ("Hall", "social", "group", -2.30, 53.40),
        ("Club", "social", "club", -2.31, 53.41),
        (HOSTILE, "social", "club", -2.50, 53.60),
        ("Jo", "human", "skill", -2.30, 53.40),
        ("Sam", "human", "skill", -2.70, 53.70),
    ] {
        let mut f = point(name, capital, category, lon, lat);
        f["properties"]["consent"] = Value::Bool(capital == "human");
        app.create(&f).await;
    }
    app
}

async fn get(app: &TestApp, path_or_url: &str) -> (u16, Value) {
    let url = if path_or_url.starts_with("http") {
        path_or_url.to_string()
    } else {
        app.url(path_or_url)
    };
    status_json(app.client.get(url).send().await.unwrap()).await
}

fn link<'a>(doc: &'a Value, rel: &str) -> Option<&'a str> {
    doc["links"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["rel"] == rel && l["type"] != "text/html")
        .map(|l| l["href"].as_str().unwrap())
}

fn ids(doc: &Value) -> BTreeSet<String> {
    doc["features"]
        .as_array()
        .unwrap_or_else(|| panic!("no features: {doc}"))
        .iter()
        .map(|f| f["id"].as_str().unwrap().to_string())
        .collect()
}

async fn documents_link_to_each_other_absolutely(backend: Backend) {
    let app = app(backend).await;
    let (status, landing) = get(&app, "/ogc").await;
    assert_eq!(status, 200);
    for rel in ["self", "conformance", "data"] {
        let href = link(&landing, rel).unwrap_or_else(|| panic!("{rel}: {landing}"));
        assert!(href.starts_with(&app.base), "{rel}: {href}");
        assert_eq!(get(&app, href).await.0, 200, "{href}");
    }
    let (_, conformance) = get(&app, link(&landing, "conformance").unwrap()).await;
    let classes = conformance["conformsTo"].to_string();
    for class in ["conf/core", "conf/geojson", "conf/html"] {
        assert!(classes.contains(class), "{classes}");
    }
    let (_, collections) = get(&app, "/ogc/collections").await;
    let listed: Vec<&str> = collections["collections"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap())
        .collect();
    for id in [
        "assets",
        "assets-social",
        "assets-human",
        "assets-public",
        "assets-physical",
        "assets-financial",
    ] {
        assert!(listed.contains(&id), "{id}: {listed:?}");
    }
    let (status, one) = get(&app, "/ogc/collections/assets").await;
    assert_eq!(status, 200);
    assert_eq!(one["id"], "assets");
    // The extent holds people at their generalised places (cell centres),
    // never at the exact ones: Sam at -2.70,53.70 shows at -2.695,53.705.
    let extent = &one["extent"]["spatial"]["bbox"][0];
    assert_eq!(
        extent,
        &serde_json::json!([-2.695, 53.4, -2.295, 53.705]),
        "{one}"
    );
    let items = link(&one, "items").unwrap();
    let r = app.client.get(items).send().await.unwrap();
    assert_eq!(r.headers()["content-type"], "application/geo+json");
    let (_, page) = status_json(r).await;
    assert_eq!(page["numberMatched"], 5);
    assert_eq!(page["numberReturned"], 5);
    assert!(page["timeStamp"].as_str().unwrap().ends_with('Z'));
    assert!(link(&page, "self").unwrap().starts_with(&app.base));
    assert!(link(&page, "next").is_none(), "{page}");
    let id = page["features"][0]["id"].as_str().unwrap();
    let (status, feature) = get(&app, &format!("/ogc/collections/assets/items/{id}")).await;
    assert_eq!(status, 200);
    assert_eq!(feature["id"], id);
    assert!(link(&feature, "collection")
        .unwrap()
        .ends_with("/ogc/collections/assets?f=json"));
    app.stop().await;
}

async fn items_page_by_next_links_to_every_asset(backend: Backend) {
    let app = app(backend).await;
    let mut seen = BTreeSet::new();
    let mut next = Some(app.url("/ogc/collections/assets/items?limit=2"));
    let mut pages = 0;
    while let Some(url) = next {
        let (status, page) = get(&app, &url).await;
        assert_eq!(status, 200, "{url}: {page}");
        assert_eq!(page["numberMatched"], 5);
        if pages > 0 {
            let prev = link(&page, "prev").expect("a later page links back");
            assert!(prev.starts_with(&app.base), "{prev}");
        } else {
            assert!(link(&page, "prev").is_none());
        }
        seen.extend(ids(&page));
        next = link(&page, "next").map(str::to_string);
        assert!(next
            .as_ref()
            .is_none_or(|n| n.starts_with(&app.base) && n.contains("limit=2")));
        pages += 1;
    }
    assert_eq!(pages, 3);
    let (_, all) = get(&app, "/api/assets").await;
    assert_eq!(seen, ids(&all));
    // A filter stays in the paging links.
    let (_, page) = get(&app, "/ogc/collections/assets/items?capital=social&limit=1").await;
    assert!(link(&page, "next").unwrap().contains("capital=social"));
    app.stop().await;
}

async fn filters_answer_as_the_assets_api_does(backend: Backend) {
    let app = app(backend).await;
    for filter in [
        "bbox=-2.35,53.35,-2.25,53.45",
        "capital=social",
        "capital=human&bbox=-2.35,53.35,-2.25,53.45",
        "category=club",
        "q=hall",
        "offset=1&limit=2",
    ] {
        let (_, ogc) = get(&app, &format!("/ogc/collections/assets/items?{filter}")).await;
        let (_, api) = get(&app, &format!("/api/assets?{filter}")).await;
        assert_eq!(ids(&ogc), ids(&api), "{filter}");
        assert_eq!(ogc["numberMatched"], api["numberMatched"], "{filter}");
    }
    let (_, social) = get(&app, "/ogc/collections/assets-social/items").await;
    let (_, api) = get(&app, "/api/assets?capital=social").await;
    assert_eq!(ids(&social), ids(&api));
    assert_eq!(social["numberMatched"], 3);
    let (_, none) = get(&app, "/ogc/collections/assets-human/items?capital=social").await;
    assert_eq!(none["numberMatched"], 0);
    let social_id = social["features"][0]["id"].as_str().unwrap().to_string();
    let (status, _) = get(
        &app,
        &format!("/ogc/collections/assets-human/items/{social_id}"),
    )
    .await;
    assert_eq!(status, 404, "a social asset is not in the human collection");
    // Every asset was updated just now: none before 2000, all since.
    let (_, old) = get(&app, "/ogc/collections/assets/items?datetime=../2000-01-01").await;
    assert_eq!(old["numberMatched"], 0);
    let (_, recent) = get(
        &app,
        "/ogc/collections/assets/items?datetime=2000-01-01T00:00:00Z/..&limit=2",
    )
    .await;
    assert_eq!(recent["numberMatched"], 5);
    assert_eq!(recent["numberReturned"], 2);
    assert!(link(&recent, "next").unwrap().contains("datetime="));
    app.stop().await;
}

async fn bad_parameters_and_unknown_things_are_named(backend: Backend) {
    let app = app(backend).await;
    for (query, name) in [
        ("bbox=1,2,3", "bbox"),
        ("bbox=10,50,5,40", "bbox"),
        ("limit=0", "limit"),
        ("limit=10001", "limit"),
        ("limit=many", "limit"),
        ("offset=-1", "offset"),
        ("datetime=yesterday", "datetime"),
        ("datetime=2025-02-01/2025-01-01", "datetime"),
        ("f=xml", "f"),
    ] {
        let (status, body) = get(&app, &format!("/ogc/collections/assets/items?{query}")).await;
        assert_eq!(status, 400, "{query}: {body}");
        assert_eq!(field(&body), name, "{query}: {body}");
        assert_eq!(body["error"]["code"], "invalid_parameter");
    }
    for path in [
        "/ogc/collections/nope",
        "/ogc/collections/nope/items",
        "/ogc/collections/assets/items/not-a-uuid",
        "/ogc/collections/assets/items/00000000-0000-0000-0000-000000000000",
    ] {
        let (status, body) = get(&app, path).await;
        assert_eq!(status, 404, "{path}: {body}");
        assert_eq!(body["error"]["code"], "not_found", "{path}");
    }
    app.stop().await;
}

async fn a_browser_gets_escaped_html(backend: Backend) {
    let app = app(backend).await;
    let (_, api) = get(&app, "/api/assets?q=friends").await;
    let hostile_id = api["features"][0]["id"].as_str().unwrap().to_string();
    let pages = [
        "/ogc".to_string(),
        "/ogc/conformance".into(),
        "/ogc/collections".into(),
        "/ogc/collections/assets".into(),
        "/ogc/collections/assets/items".into(),
        format!("/ogc/collections/assets/items/{hostile_id}"),
    ];
    for path in &pages {
        let r = app
            .client
            .get(app.url(path))
            .header("accept", "text/html,application/xhtml+xml,*/*;q=0.8")
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200, "{path}");
        assert!(r.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html"));
        let html = r.text().await.unwrap();
        assert!(html.starts_with("<!doctype html>"), "{path}");
        assert!(!html.contains("<script"), "{path}: {html}");
    }
    let html = app
        .client
        .get(app.url("/ogc/collections/assets/items?f=html&limit=10"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        html.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;Friends&quot;"),
        "{html}"
    );
    // Each row links to its feature's page.
    assert!(
        html.contains(&format!(
            "/ogc/collections/assets/items/{hostile_id}?f=html\""
        )),
        "{html}"
    );
    // The pages' stylesheet comes from this server, as the policy wants.
    assert!(html.contains("href=\"/ogc/style.css\""));
    let css = app
        .client
        .get(app.url("/ogc/style.css"))
        .send()
        .await
        .unwrap();
    assert_eq!(css.headers()["content-type"], "text/css; charset=utf-8");
    // ?f=json wins over a browser's Accept.
    let r = app
        .client
        .get(app.url("/ogc/collections/assets/items?f=json"))
        .header("accept", "text/html")
        .send()
        .await
        .unwrap();
    assert_eq!(r.headers()["content-type"], "application/geo+json");
    app.stop().await;
}
