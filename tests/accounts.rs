//! Accounts over HTTP on both stores: invites, session cookies, CSRF, rate
//! limits, and proposals approved and rejected end to end.

mod common;

use assetmap::auth::Role;
use common::accounts::{self, send, Who, IN_WEST, WEST, EAST};
use common::{field, point, status_json, Backend, TestApp, TOKEN};
use reqwest::Method;
use serde_json::json;

on_both_stores!(
    invite_sign_in_and_out,
    changes_with_a_cookie_need_the_csrf_token,
    sign_in_and_anonymous_writes_are_rate_limited,
    proposals_are_approved_and_rejected,
);

const PASSWORD: &str = "a long enough password";

async fn invite_sign_in_and_out(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let invite = accounts::invite_for(&app, "Sam@Example.org", Role::Contributor).await;
    let path = format!("/api/invites/{invite}");
    let (status, body) = send(&app, &Who::Public, Method::POST, &path, Some(&json!({"password": "short"}))).await;
    assert_eq!((status, field(&body)), (422, "password"));

    let r = app.client.post(app.url(&path)).json(&json!({"password": PASSWORD})).send().await.unwrap();
    let cookie = r.headers()["set-cookie"].to_str().unwrap().to_string();
    assert!(cookie.starts_with("assetmap_session="), "{cookie}");
    for attribute in ["HttpOnly", "SameSite=Lax", "Path=/", "Max-Age="] {
        assert!(cookie.contains(attribute), "{cookie} lacks {attribute}");
    }
    assert!(!cookie.contains("Secure"), "plain HTTP: {cookie}");
    let session = accounts::session_of(r).await;

    // The invite works once.
    let (status, _) = send(&app, &Who::Public, Method::POST, &path, Some(&json!({"password": PASSWORD}))).await;
    assert_eq!(status, 404);

    let (_, me) = send(&app, &session, Method::GET, "/api/session", None).await;
    assert_eq!(me["signed_in"], true);
    assert_eq!(me["email"], "sam@example.org");
    assert_eq!(me["role"], "contributor");
    assert_eq!(me["can"]["create_asset"], "queue");
    let Who::Session { csrf, .. } = &session else { unreachable!() };
    assert_eq!(me["csrf_token"], csrf.as_str());

    let (status, _) = send(&app, &session, Method::DELETE, "/api/session", None).await;
    assert_eq!(status, 204);
    let (_, me) = send(&app, &session, Method::GET, "/api/session", None).await;
    assert_eq!((me["signed_in"].as_bool(), me["role"].as_str()), (Some(false), Some("public")));

    // Signing in again, over HTTPS behind a proxy: the cookie is Secure.
    let wrong = json!({"email": "sam@example.org", "password": "not the password"});
    let (status, body) = send(&app, &Who::Public, Method::POST, "/api/session", Some(&wrong)).await;
    assert_eq!((status, body["error"]["code"].as_str()), (401, Some("bad_credentials")));
    let right = json!({"email": "SAM@example.org ", "password": PASSWORD});
    let r = app.client.post(app.url("/api/session")).header("x-forwarded-proto", "https")
        .json(&right).send().await.unwrap();
    assert!(r.headers()["set-cookie"].to_str().unwrap().contains("; Secure"));
    assert_eq!(r.status(), 200);
    app.stop().await;
}

async fn changes_with_a_cookie_need_the_csrf_token(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let invite = accounts::invite_for(&app, "c@example.org", Role::Contributor).await;
    let session = accounts::accept_invite(&app, &invite, PASSWORD).await;
    let Who::Session { cookie, csrf } = session.clone() else { unreachable!() };
    let body = json!({"kind": "create", "feature": point("Hall", "physical", "village_hall", -2.3, 53.4)});
    for header in [None, Some("wrong")] {
        let mut r = app.client.post(app.url("/api/proposals")).header("cookie", &cookie).json(&body);
        if let Some(h) = header {
            r = r.header("x-csrf-token", h);
        }
        let (status, resp) = status_json(r.send().await.unwrap()).await;
        assert_eq!((status, field(&resp)), (403, "X-CSRF-Token"), "{header:?}");
    }
    let r = app.client.delete(app.url("/api/session")).header("cookie", &cookie).send().await.unwrap();
    assert_eq!(r.status(), 403, "signing out is a change too");
    let (status, resp) = send(&app, &session, Method::POST, "/api/proposals", Some(&body)).await;
    assert_eq!(status, 201, "{resp}");
    assert_eq!(resp["proposal"]["status"], "pending");
    // Reads need no token.
    let r = app.client.get(app.url("/api/proposals")).header("cookie", &cookie).send().await.unwrap();
    assert_eq!(r.status(), 200);
    assert!(!csrf.is_empty());
    app.stop().await;
}

async fn sign_in_and_anonymous_writes_are_rate_limited(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let wrong = json!({"email": "nobody@example.org", "password": "guess guess guess"});
    for _ in 0..10 {
        let (status, _) = send(&app, &Who::Public, Method::POST, "/api/session", Some(&wrong)).await;
        assert_eq!(status, 401);
    }
    let r = app.client.post(app.url("/api/session")).json(&wrong).send().await.unwrap();
    assert_eq!(r.status(), 429);
    let wait: u64 = r.headers()["retry-after"].to_str().unwrap().parse().unwrap();
    assert!(wait >= 1, "{wait}");

    let hall = app.create(&point("Hall", "physical", "village_hall", -2.3, 53.4)).await;
    let path = format!("/api/assets/{}/reports", hall["id"].as_str().unwrap());
    let report = json!({"reason": "moved"});
    for _ in 0..30 {
        let (status, body) = send(&app, &Who::Public, Method::POST, &path, Some(&report)).await;
        assert_eq!(status, 201, "{body}");
    }
    let r = app.client.post(app.url(&path)).json(&report).send().await.unwrap();
    assert_eq!(r.status(), 429);
    assert!(r.headers().contains_key("retry-after"));
    let (_, body) = status_json(r).await;
    assert_eq!(body["error"]["code"], "rate_limited");
    // People with accounts are not held back by the public's limit.
    let (status, _) = send(&app, &Who::Bearer(TOKEN.into()), Method::POST, &path, Some(&report)).await;
    assert_eq!(status, 201);
    app.stop().await;
}

async fn proposals_are_approved_and_rejected(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    accounts::add_wards(&app).await;
    let invite = accounts::invite_for(&app, "c@example.org", Role::Contributor).await;
    let contributor = accounts::accept_invite(&app, &invite, PASSWORD).await;
    let west = Who::Bearer(accounts::token_for(&app, "w@example.org", Role::Moderator, &[WEST]).await);
    let east = Who::Bearer(accounts::token_for(&app, "e@example.org", Role::Moderator, &[EAST]).await);

    // A contributor's new asset becomes a proposal, not an asset.
    let feature = point("Sale Libary", "public", "library", IN_WEST[0], IN_WEST[1]);
    let (status, body) = send(&app, &contributor, Method::POST, "/api/assets", Some(&feature)).await;
    assert_eq!(status, 202, "{body}");
    let id = body["proposal"]["id"].as_str().unwrap().to_string();
    let (_, all) = app.get_json("/api/assets").await;
    assert_eq!(all["numberMatched"], 0);

    // Its moderator sees it with a diff and who proposed; others do not.
    let (_, queue) = send(&app, &west, Method::GET, "/api/proposals", None).await;
    assert_eq!(queue["count"], 1, "{queue}");
    let p = &queue["proposals"][0];
    assert_eq!(p["diff"]["name"], json!({"from": null, "to": "Sale Libary"}));
    assert_eq!(p["proposer"], "c@example.org");
    let (_, queue) = send(&app, &east, Method::GET, "/api/proposals", None).await;
    assert_eq!(queue["count"], 0);
    let (_, mine) = send(&app, &contributor, Method::GET, "/api/proposals", None).await;
    assert_eq!(mine["proposals"][0]["status"], "pending");
    assert!(mine["proposals"][0].get("proposer").is_none(), "names are for moderators");

    // Approved with the moderator's correction: one write, one log entry.
    let mut fixed = feature.clone();
    fixed["properties"]["name"] = json!("Sale Library");
    let path = format!("/api/proposals/{id}/approve");
    let (status, body) = send(&app, &west, Method::POST, &path, Some(&json!({"feature": fixed}))).await;
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
    assert_eq!((status, body["error"]["code"].as_str()), (409, Some("already_decided")));

    // A contributor's edit, rejected with a reason the proposer sees.
    let patch = json!({"properties": {"opening_hours": "Mo-Fr 09:00-17:00"}});
    let (status, body) = send(&app, &contributor, Method::PATCH, &format!("/api/assets/{asset_id}"), Some(&patch)).await;
    assert_eq!(status, 202, "{body}");
    assert_eq!(body["proposal"]["diff"]["opening_hours"]["to"], "Mo-Fr 09:00-17:00");
    let edit_id = body["proposal"]["id"].as_str().unwrap().to_string();
    let reject = format!("/api/proposals/{edit_id}/reject");
    let (status, body) = send(&app, &west, Method::POST, &reject, Some(&json!({}))).await;
    assert_eq!((status, field(&body)), (422, "reason"));
    let (status, _) = send(&app, &east, Method::POST, &reject, Some(&json!({"reason": "x"}))).await;
    assert_eq!(status, 403, "outside their area");
    let reason = json!({"reason": "It closes at 16:00 on Fridays"});
    let (status, _) = send(&app, &west, Method::POST, &reject, Some(&reason)).await;
    assert_eq!(status, 200);
    let (_, mine) = send(&app, &contributor, Method::GET, &format!("/api/proposals/{edit_id}"), None).await;
    assert_eq!(mine["proposal"]["status"], "rejected");
    assert_eq!(mine["proposal"]["reason"], "It closes at 16:00 on Fridays");
    let (_, asset) = app.get_json(&format!("/api/assets/{asset_id}")).await;
    assert_eq!((asset["properties"]["version"].as_i64(), &asset["properties"]["opening_hours"]), (Some(1), &json!(null)));

    // An anonymous suggested edit, approved: version 2 through the log.
    let body = json!({"kind": "edit", "asset_id": asset_id, "patch": {"properties": {"phone": "0161 912 3000"}}});
    let (status, body) = send(&app, &Who::Public, Method::POST, "/api/proposals", Some(&body)).await;
    assert_eq!(status, 201, "{body}");
    let anon_id = body["proposal"]["id"].as_str().unwrap().to_string();
    let (_, seen) = app.get_json(&format!("/api/proposals/{anon_id}")).await;
    assert_eq!(seen["proposal"]["status"], "pending");
    assert!(seen["proposal"].get("payload").is_none(), "the public sees only the status");
    let (status, body) = send(&app, &west, Method::POST, &format!("/api/proposals/{anon_id}/approve"), None).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["asset"]["properties"]["version"], 2);
    assert_eq!(body["asset"]["properties"]["phone"], "0161 912 3000");
    assert_eq!(store.changes_since(0, 100).await.unwrap().len(), 2);

    // A skill offer without consent is refused, naming the field.
    let mut offer = point("Bike repair", "human", "skill", IN_WEST[0], IN_WEST[1]);
    let body = json!({"kind": "create", "feature": offer.clone()});
    let (status, resp) = send(&app, &Who::Public, Method::POST, "/api/proposals", Some(&body)).await;
    assert_eq!((status, field(&resp)), (422, "consent"));
    offer["properties"]["consent"] = json!(true);
    let (status, _) = send(&app, &Who::Public, Method::POST, "/api/proposals", Some(&json!({"kind": "create", "feature": offer}))).await;
    assert_eq!(status, 201);

    // A report joins the queue; resolving it writes nothing.
    let (status, body) = send(&app, &Who::Public, Method::POST, &format!("/api/assets/{asset_id}/reports"),
        Some(&json!({"reason": "gone", "details": "?"}))).await;
    assert_eq!((status, field(&body)), (422, "reason"));
    let (status, _) = send(&app, &Who::Public, Method::POST, &format!("/api/assets/{asset_id}/reports"),
        Some(&json!({"reason": "wrong_details", "details": "Phone number is old"}))).await;
    assert_eq!(status, 201);
    let (_, queue) = send(&app, &west, Method::GET, "/api/proposals?kind=report", None).await;
    assert_eq!(queue["proposals"][0]["payload"]["details"], "Phone number is old");
    let report_id = queue["proposals"][0]["id"].as_str().unwrap().to_string();
    let (status, body) = send(&app, &west, Method::POST, &format!("/api/proposals/{report_id}/approve"), None).await;
    assert_eq!((status, &body["asset"]), (200, &json!(null)));
    assert_eq!(store.changes_since(0, 100).await.unwrap().len(), 2);
    app.stop().await;
}
