//! A person withdraws their offer of a skill: everything personal is erased
//! from the asset, the queue and the exports, leaving an anonymous,
//! archived tombstone. On both stores.

use crate::common;

use assetmap::auth::Role;
use common::accounts::{self, send, Who, IN_WEST, WEST};
use common::{field, point, Backend, TestApp, TOKEN};
use reqwest::Method;
use serde_json::{json, Value};

on_both_stores!(
    withdrawing_an_offer_erases_the_person,
    moderators_withdraw_on_request
);

const PERSONAL: [&str; 4] = [
    "Sam Jones",
    "1 Home Street",
    "sam@home.example",
    "07700 900456",
];

fn offer() -> Value {
    let mut f = point(
        "Bike repair with Sam Jones",
        "human",
        "skill",
        IN_WEST[0],
        IN_WEST[1],
    );
    let props = f["properties"].as_object_mut().unwrap();
    props.insert("consent".into(), json!(true));
    props.insert("description".into(), json!("Ask for Sam Jones"));
    props.insert("address".into(), json!("1 Home Street"));
    props.insert("email".into(), json!("sam@home.example"));
    props.insert("phone".into(), json!("07700 900456"));
    f
}

fn assert_no_trace(what: &str, text: &str) {
    for p in PERSONAL {
        assert!(!text.contains(p), "{what} still holds '{p}': {text}");
    }
}

async fn withdrawing_an_offer_erases_the_person(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    accounts::add_wards(&app).await;
    let moderator =
        Who::Bearer(accounts::token_for(&app, "m@example.org", Role::Moderator, &[WEST]).await);
    let (_, consent) = app.get_json("/api/consent").await;
    assert!(consent["withdraw"]
        .as_str()
        .unwrap()
        .contains("withdrawal code"));

    let body = json!({"kind": "create", "feature": offer()});
    let (status, resp) = send(
        &app,
        &Who::Public,
        Method::POST,
        "/api/proposals",
        Some(&body),
    )
    .await;
    assert_eq!(status, 201, "{resp}");
    let code = resp["withdrawal_code"].as_str().unwrap().to_string();
    let id = resp["proposal"]["id"].as_str().unwrap();
    let (status, resp) = send(
        &app,
        &moderator,
        Method::POST,
        &format!("/api/proposals/{id}/approve"),
        None,
    )
    .await;
    assert_eq!(status, 200, "{resp}");
    let asset_id = resp["asset"]["id"].as_str().unwrap().to_string();
    let ask = json!({"message": "Can you fix a trike?", "contact": "via the youth club"});
    let (status, _) = send(
        &app,
        &Who::Public,
        Method::POST,
        &format!("/api/assets/{asset_id}/introductions"),
        Some(&ask),
    )
    .await;
    assert_eq!(status, 201);

    let (status, resp) = send(
        &app,
        &Who::Public,
        Method::POST,
        "/api/withdrawals",
        Some(&json!({"code": "guess"})),
    )
    .await;
    assert_eq!((status, field(&resp)), (422, "code"));
    let (status, resp) = send(
        &app,
        &Who::Public,
        Method::POST,
        "/api/withdrawals",
        Some(&json!({"code": code})),
    )
    .await;
    assert_eq!((status, &resp), (200, &json!({"withdrawn": true})));

    let (status, _) = app.get_json(&format!("/api/assets/{asset_id}")).await;
    assert_eq!(status, 410);
    let store = accounts::store(&app).await;
    let tomb = store.get(asset_id.parse().unwrap()).await.unwrap().unwrap();
    assert_eq!(tomb.draft.name, "Withdrawn offer");
    assert_eq!(tomb.draft.category, "skill");
    assert_no_trace(
        "the store",
        &format!("{:?}", store.all_assets().await.unwrap()),
    );
    for export in ["/api/export.geojson", "/api/export.csv"] {
        let text = app
            .client
            .get(app.url(export))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert_no_trace(export, &text);
    }
    let (_, queue) = send(
        &app,
        &Who::Bearer(TOKEN.into()),
        Method::GET,
        "/api/proposals?status=all",
        None,
    )
    .await;
    assert_eq!(queue["count"], 2);
    assert_no_trace("the queue", &queue.to_string());
    // The request to be introduced was still open: it is closed with why.
    let intro = queue["proposals"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["kind"] == "introduction")
        .unwrap();
    assert_eq!(intro["status"], "rejected");
    assert_eq!(intro["reason"], "withdrawn by the person who offered it");
    // The code works once.
    let (status, _) = send(
        &app,
        &Who::Public,
        Method::POST,
        "/api/withdrawals",
        Some(&json!({"code": code})),
    )
    .await;
    assert_eq!(status, 422);

    // An offer still waiting in the queue can be withdrawn too.
    let body = json!({"kind": "create", "feature": offer()});
    let (_, resp) = send(
        &app,
        &Who::Public,
        Method::POST,
        "/api/proposals",
        Some(&body),
    )
    .await;
    let code = resp["withdrawal_code"].as_str().unwrap();
    let pending = resp["proposal"]["id"].as_str().unwrap();
    let (status, _) = send(
        &app,
        &Who::Public,
        Method::POST,
        "/api/withdrawals",
        Some(&json!({"code": code})),
    )
    .await;
    assert_eq!(status, 200);
    let (_, p) = send(
        &app,
        &moderator,
        Method::GET,
        &format!("/api/proposals/{pending}"),
        None,
    )
    .await;
    assert_eq!(p["proposal"]["status"], "rejected");
    assert_no_trace("the withdrawn proposal", &p.to_string());
    app.stop().await;
}

async fn moderators_withdraw_on_request(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    accounts::add_wards(&app).await;
    let moderator =
        Who::Bearer(accounts::token_for(&app, "m@example.org", Role::Moderator, &[WEST]).await);
    let contributor =
        Who::Bearer(accounts::token_for(&app, "c@example.org", Role::Contributor, &[]).await);
    let person = app.create(&offer()).await;
    let path = format!("/api/assets/{}/withdraw", person["id"].as_str().unwrap());
    let (status, _) = send(&app, &Who::Public, Method::POST, &path, None).await;
    assert_eq!(status, 401);
    let (status, _) = send(&app, &contributor, Method::POST, &path, None).await;
    assert_eq!(status, 403);
    let (status, _) = send(&app, &moderator, Method::POST, &path, None).await;
    assert_eq!(status, 200);
    let store = accounts::store(&app).await;
    assert_no_trace(
        "the store",
        &format!("{:?}", store.all_assets().await.unwrap()),
    );

    let hall = app
        .create(&point(
            "Hall",
            "physical",
            "village_hall",
            IN_WEST[0],
            IN_WEST[1],
        ))
        .await;
    let path = format!("/api/assets/{}/withdraw", hall["id"].as_str().unwrap());
    let (status, body) = send(&app, &moderator, Method::POST, &path, None).await;
    assert_eq!((status, field(&body)), (422, "id"));
    app.stop().await;
}
