//! Verification on both stores: a moderator marks an asset verified, assets
//! unchecked for over a year say they may be out of date, and moderators
//! list what most needs checking in their area, oldest first.

use crate::common;

use assetmap::auth::Role;
use common::accounts::{self, send, Who, EAST, IN_WEST, WEST};
use common::{point, Backend, TestApp};
use reqwest::Method;
use serde_json::json;

on_both_stores!(verifying_and_what_needs_checking);

async fn verifying_and_what_needs_checking(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    accounts::add_wards(&app).await;
    let west =
        Who::Bearer(accounts::token_for(&app, "w@example.org", Role::Moderator, &[WEST]).await);
    let [lon, lat] = IN_WEST;
    let fresh = app
        .create(&point("Fresh", "public", "library", lon, lat))
        .await;
    let mut old = point("Old", "social", "group", lon + 0.01, lat);
    old["properties"]["verified_at"] = json!("2023-01-10T09:00:00Z");
    let old = app.create(&old).await;
    app.create(&point("East", "public", "library", -2.25, 53.40))
        .await;
    assert_eq!(fresh["properties"]["may_be_out_of_date"], false);
    assert_eq!(old["properties"]["may_be_out_of_date"], true);

    let id = fresh["id"].as_str().unwrap();
    let (status, verified) = send(
        &app,
        &west,
        Method::POST,
        &format!("/api/assets/{id}/verify"),
        None,
    )
    .await;
    assert_eq!(status, 200, "{verified}");
    assert_eq!(verified["properties"]["verified_by"], "moderator");
    assert_eq!(verified["properties"]["version"], 2);
    assert!(verified["properties"]["verified_at"].is_string());

    let (status, list) = send(
        &app,
        &west,
        Method::GET,
        &format!("/api/verification?area={WEST}"),
        None,
    )
    .await;
    assert_eq!(status, 200, "{list}");
    let names: Vec<&str> = list["assets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["Old", "Fresh"]);
    assert_eq!(list["assets"][0]["may_be_out_of_date"], true);
    // Without an area, a moderator's own areas.
    let (_, list) = send(&app, &west, Method::GET, "/api/verification", None).await;
    assert_eq!(list["count"], 2);
    let (status, _) = send(
        &app,
        &west,
        Method::GET,
        &format!("/api/verification?area={EAST}"),
        None,
    )
    .await;
    assert_eq!(status, 403);
    let (status, _) = send(&app, &Who::Public, Method::GET, "/api/verification", None).await;
    assert_eq!(status, 401);
    let (_, all) = app.get_json("/api/assets?limit=10").await;
    assert!(all["features"]
        .as_array()
        .unwrap()
        .iter()
        .all(|f| f["properties"]["may_be_out_of_date"].is_boolean()));
    app.stop().await;
}
