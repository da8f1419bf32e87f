//! The moderators' queue end to end on both stores: a contributor's new
//! asset and edit, an anonymous suggestion, a skill offer and a report;
//! approved (one write through the change log) or rejected with a reason.

use crate::common;

use assetmap::auth::Role;
use common::accounts::{self, send, Who, EAST, IN_WEST, WEST};
use common::{field, point, Backend, TestApp};
use reqwest::Method;
use serde_json::json;

on_both_stores!(proposals_are_approved_and_rejected);

const PASSWORD: &str = "a long enough password";

async fn proposals_are_approved_and_rejected(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    accounts::add_wards(&app).await;
    let invite = accounts::invite_for(&app, "c@example.org", Role::Contributor).await;
    let contributor = accounts::accept_invite(&app, &invite, PASSWORD).await;
    let west =
        Who::Bearer(accounts::token_for(&app, "w@example.org", Role::Moderator, &[WEST]).await);
    let east =
        Who::Bearer(accounts::token_for(&app, "e@example.org", Role::Moderator, &[EAST]).await);

    // A contributor's new asset becomes a proposal, not an asset.
    let feature = point("Sale Libary", "public", "library", IN_WEST[0], IN_WEST[1]);
    let (status, body) = send(
        &app,
        &contributor,
        Method::POST,
        "/api/assets",
        Some(&feature),
    )
    .await;
    assert_eq!(status, 202, "{body}");
    let id = body["proposal"]["id"].as_str().unwrap().to_string();
    let (_, all) = app.get_json("/api/assets").await;
    assert_eq!(all["numberMatched"], 0);

    // Its moderator sees it with a diff and who proposed; others do not.
    let (_, queue) = send(&app, &west, Method::GET, "/api/proposals", None).await;
    assert_eq!(queue["count"], 1, "{queue}");
    let p = &queue["proposals"][0];
    assert_eq!(
        p["diff"]["name"],
        json!({"from": null, "to": "Sale Libary"})
    );
    assert_eq!(p["proposer"], "c@example.org");
    let (_, queue) = send(&app, &east, Method::GET, "/api/proposals", None).await;
    assert_eq!(queue["count"], 0);
    let (_, mine) = send(&app, &contributor, Method::GET, "/api/proposals", None).await;
    assert_eq!(mine["proposals"][0]["status"], "pending");
    assert!(
        mine["proposals"][0].get("proposer").is_none(),
        "names are for moderators"
    );

    // Approved with the moderator's correction: one write, one log entry.
    let mut fixed = feature.clone();
    fixed["properties"]["name"] = json!("Sale Library");
    let path = format!("/api/proposals/{id}/approve");
    let (status, body) = send(
        &app,
        &west,
        Method::POST,
        &path,
        Some(&json!({"feature": fixed})),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["proposal"]["status"], "approved");
    assert_eq!(body["asset"]["properties"]["name"], "Sale Library");
    let asset_id = body["asset"]["id"].as_str().unwrap().to_string();
    let (_, all) = app.get_json("/api/assets").await;
    assert_eq!(common::names(&all), ["Sale Library"]);
    let store = accounts::store(&app).await;
    let log = store.changes_since(0, 100).await.unwrap();
    assert_eq!(log.len(), 1);
    let (status, body) = send(&app, &west, Method::POST, &path, None).await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (409, Some("already_decided"))
    );

    // A contributor's edit, rejected with a reason the proposer sees.
    let patch = json!({"properties": {"opening_hours": "Mo-Fr 09:00-17:00"}});
    let (status, body) = send(
        &app,
        &contributor,
        Method::PATCH,
        &format!("/api/assets/{asset_id}"),
        Some(&patch),
    )
    .await;
    assert_eq!(status, 202, "{body}");
    assert_eq!(
        body["proposal"]["diff"]["opening_hours"]["to"],
        "Mo-Fr 09:00-17:00"
    );
    let edit_id = body["proposal"]["id"].as_str().unwrap().to_string();
    let reject = format!("/api/proposals/{edit_id}/reject");
    let (status, body) = send(&app, &west, Method::POST, &reject, Some(&json!({}))).await;
    assert_eq!((status, field(&body)), (422, "reason"));
    let (status, _) = send(
        &app,
        &east,
        Method::POST,
        &reject,
        Some(&json!({"reason": "x"})),
    )
    .await;
    assert_eq!(status, 403, "outside their area");
    let reason = json!({"reason": "It closes at 16:00 on Fridays"});
    let (status, _) = send(&app, &west, Method::POST, &reject, Some(&reason)).await;
    assert_eq!(status, 200);
    let (_, mine) = send(
        &app,
        &contributor,
        Method::GET,
        &format!("/api/proposals/{edit_id}"),
        None,
    )
    .await;
    assert_eq!(mine["proposal"]["status"], "rejected");
    assert_eq!(mine["proposal"]["reason"], "It closes at 16:00 on Fridays");
    let (_, asset) = app.get_json(&format!("/api/assets/{asset_id}")).await;
    assert_eq!(
        (
            asset["properties"]["version"].as_i64(),
            &asset["properties"]["opening_hours"]
        ),
        (Some(1), &json!(null))
    );

    // An anonymous suggested edit, approved: version 2 through the log.
    let body = json!({"kind": "edit", "asset_id": asset_id, "patch": {"properties": {"phone": "0161 912 3000"}}});
    let (status, body) = send(
        &app,
        &Who::Public,
        Method::POST,
        "/api/proposals",
        Some(&body),
    )
    .await;
    assert_eq!(status, 201, "{body}");
    let anon_id = body["proposal"]["id"].as_str().unwrap().to_string();
    let (_, seen) = app.get_json(&format!("/api/proposals/{anon_id}")).await;
    assert_eq!(seen["proposal"]["status"], "pending");
    assert!(
        seen["proposal"].get("payload").is_none(),
        "the public sees only the status"
    );
    let (status, body) = send(
        &app,
        &west,
        Method::POST,
        &format!("/api/proposals/{anon_id}/approve"),
        None,
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["asset"]["properties"]["version"], 2);
    assert_eq!(body["asset"]["properties"]["phone"], "0161 912 3000");
    assert_eq!(store.changes_since(0, 100).await.unwrap().len(), 2);

    // A skill offer without consent is refused, naming the field.
    let mut offer = point("Bike repair", "human", "skill", IN_WEST[0], IN_WEST[1]);
    let body = json!({"kind": "create", "feature": offer.clone()});
    let (status, resp) = send(
        &app,
        &Who::Public,
        Method::POST,
        "/api/proposals",
        Some(&body),
    )
    .await;
    assert_eq!((status, field(&resp)), (422, "consent"));
    offer["properties"]["consent"] = json!(true);
    let (status, _) = send(
        &app,
        &Who::Public,
        Method::POST,
        "/api/proposals",
        Some(&json!({"kind": "create", "feature": offer})),
    )
    .await;
    assert_eq!(status, 201);

    // A report joins the queue; resolving it writes nothing.
    let (status, body) = send(
        &app,
        &Who::Public,
        Method::POST,
        &format!("/api/assets/{asset_id}/reports"),
        Some(&json!({"reason": "gone", "details": "?"})),
    )
    .await;
    assert_eq!((status, field(&body)), (422, "reason"));
    let (status, _) = send(
        &app,
        &Who::Public,
        Method::POST,
        &format!("/api/assets/{asset_id}/reports"),
        Some(&json!({"reason": "wrong_details", "details": "Phone number is old"})),
    )
    .await;
    assert_eq!(status, 201);
    let (_, queue) = send(&app, &west, Method::GET, "/api/proposals?kind=report", None).await;
    assert_eq!(
        queue["proposals"][0]["payload"]["details"],
        "Phone number is old"
    );
    let report_id = queue["proposals"][0]["id"].as_str().unwrap().to_string();
    let (status, body) = send(
        &app,
        &west,
        Method::POST,
        &format!("/api/proposals/{report_id}/approve"),
        None,
    )
    .await;
    assert_eq!((status, &body["asset"]), (200, &json!(null)));
    assert_eq!(store.changes_since(0, 100).await.unwrap().len(), 2);
    app.stop().await;
}
