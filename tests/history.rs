//! An asset's history from the change log, and going back to an earlier
//! version, on both stores: who changed what is shown field by field, names
//! to moderators only; a revert is a new version made like any write;
//! people's history is for moderators and is erased when they withdraw.
//! Also: ended sessions are cleared out when someone signs in.

use crate::common;

use assetmap::auth::{invites, now_secs, secrets, Role};
use common::accounts::{self, send, Who, EAST, IN_WEST, WEST};
use common::{field, point, Backend, TestApp, TOKEN};
use reqwest::Method;
use serde_json::{json, Value};

on_both_stores!(
    history_lists_versions_and_a_moderator_reverts,
    peoples_history_is_for_moderators_and_erased_on_withdrawal,
    signing_in_clears_out_ended_sessions
);

/// The `changes` of one version as (field, before, after).
fn changes(version: &Value) -> Vec<(String, Value, Value)> {
    version["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["field"].as_str().unwrap().to_string(),
                c["before"].clone(),
                c["after"].clone(),
            )
        })
        .collect()
}

async fn revert(
    app: &TestApp,
    who: &Who,
    id: &str,
    if_match: Option<i64>,
    to: Value,
) -> (u16, Value) {
    let mut r = accounts::request(app, who, Method::POST, &format!("/api/assets/{id}/revert"));
    if let Some(v) = if_match {
        r = r.header("if-match", format!("\"{v}\""));
    }
    common::status_json(r.json(&json!({ "version": to })).send().await.unwrap()).await
}

async fn history_lists_versions_and_a_moderator_reverts(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    accounts::add_wards(&app).await;
    let west =
        Who::Bearer(accounts::token_for(&app, "west@example.org", Role::Moderator, &[WEST]).await);
    let east =
        Who::Bearer(accounts::token_for(&app, "east@example.org", Role::Moderator, &[EAST]).await);
    let contributor =
        Who::Bearer(accounts::token_for(&app, "c@example.org", Role::Contributor, &[]).await);
    let mut hall = point("Hall", "physical", "village_hall", IN_WEST[0], IN_WEST[1]);
    hall["properties"]["phone"] = json!("0161 000 0001");
    hall["properties"]["tags"] = json!({"wheelchair": "yes"});
    let hall = app.create(&hall).await;
    let id = hall["id"].as_str().unwrap().to_string();

    let edit = json!({"properties": {"name": "Village hall", "phone": "0161 000 0002",
                                     "tags": {"wheelchair": null, "fee": "no"}}});
    let r = accounts::request(&app, &west, Method::PATCH, &format!("/api/assets/{id}"))
        .header("if-match", "1")
        .json(&edit);
    assert_eq!(r.send().await.unwrap().status(), 200);

    // The public: every version, newest first, what changed, and a role.
    let path = format!("/api/assets/{id}/history");
    let (status, public) = app.get_json(&path).await;
    assert_eq!(status, 200, "{public}");
    assert_eq!(public["names_shown"], false);
    let versions = public["versions"].as_array().unwrap();
    let numbers: Vec<i64> = versions
        .iter()
        .map(|v| v["version"].as_i64().unwrap())
        .collect();
    assert_eq!(numbers, [2, 1]);
    assert_eq!(
        changes(&versions[0]),
        vec![
            ("name".into(), json!("Hall"), json!("Village hall")),
            (
                "phone".into(),
                json!("0161 000 0001"),
                json!("0161 000 0002")
            ),
            ("tags.fee".into(), Value::Null, json!("no")),
            ("tags.wheelchair".into(), json!("yes"), Value::Null),
        ]
    );
    assert_eq!(versions[0]["by"], "a moderator");
    assert_eq!(versions[1]["by"], "an administrator");
    assert_eq!(versions[1]["op"], "create");
    assert_eq!(versions[1]["revertible"], true);
    assert_eq!(versions[0]["revertible"], false);
    assert!(versions[0]["changed_at"].is_string());
    assert!(!public.to_string().contains("west@example.org"), "{public}");
    assert!(versions.iter().all(|v| v.get("changed_by").is_none()));

    // A moderator sees who.
    let (status, full) = send(&app, &west, Method::GET, &path, None).await;
    assert_eq!(status, 200, "{full}");
    assert_eq!(full["names_shown"], true);
    assert_eq!(full["versions"][0]["changed_by"], "west@example.org");
    assert_eq!(full["versions"][1]["changed_by"], "admin");

    // Going back to version 1: only a moderator of the area, with If-Match.
    let (status, _) = revert(&app, &Who::Public, &id, Some(2), json!(1)).await;
    assert_eq!(status, 401);
    let (status, _) = revert(&app, &contributor, &id, Some(2), json!(1)).await;
    assert_eq!(status, 403);
    let (status, _) = revert(&app, &east, &id, Some(2), json!(1)).await;
    assert_eq!(status, 403);
    let (status, _) = revert(&app, &west, &id, None, json!(1)).await;
    assert_eq!(status, 428);
    let (status, body) = revert(&app, &west, &id, Some(1), json!(1)).await;
    assert_eq!(status, 409, "{body}");
    for bad in [json!(7), json!(2), json!("one"), json!(0)] {
        let (status, body) = revert(&app, &west, &id, Some(2), bad.clone()).await;
        assert_eq!((status, field(&body)), (422, "version"), "{bad}: {body}");
    }
    let (_, unchanged) = app.get_json(&format!("/api/assets/{id}")).await;
    assert_eq!(unchanged["properties"]["version"], 2);

    let (status, back) = revert(&app, &west, &id, Some(2), json!(1)).await;
    assert_eq!(status, 200, "{back}");
    assert_eq!(back["properties"]["version"], 3);
    let (_, now) = app.get_json(&format!("/api/assets/{id}")).await;
    assert_eq!(now["properties"]["name"], "Hall");
    assert_eq!(now["properties"]["phone"], "0161 000 0001");
    assert_eq!(now["properties"]["tags"], json!({"wheelchair": "yes"}));
    // Nothing is rewritten: the revert is version 3, after 1 and 2.
    let (_, after) = app.get_json(&path).await;
    let versions = after["versions"].as_array().unwrap();
    assert_eq!(versions.len(), 3);
    assert_eq!(versions[0]["version"], 3);
    assert_eq!(versions[0]["op"], "update");
    assert_eq!(
        changes(&versions[0])[0],
        ("name".into(), json!("Village hall"), json!("Hall"))
    );
    assert_eq!(versions[1]["version"], 2);
    // The change log took the revert like any write: the index has it.
    let (_, found) = app.get_json("/api/assets?q=village").await;
    assert_eq!(found["numberMatched"], 0, "{found}");

    // Unknown assets, and an archived one for the public.
    let (status, _) = app
        .get_json("/api/assets/00000000-0000-0000-0000-000000000000/history")
        .await;
    assert_eq!(status, 404);
    assert_eq!(app.archive(&id).await, 204);
    let (status, _) = app.get_json(&path).await;
    assert_eq!(status, 410);
    let (status, archived) = send(&app, &west, Method::GET, &path, None).await;
    assert_eq!(status, 200);
    assert_eq!(archived["versions"][0]["op"], "archive");
    app.stop().await;
}

const PERSONAL: [&str; 3] = ["1 Home Street", "sam@home.example", "07700 900456"];

async fn peoples_history_is_for_moderators_and_erased_on_withdrawal(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    accounts::add_wards(&app).await;
    let west =
        Who::Bearer(accounts::token_for(&app, "west@example.org", Role::Moderator, &[WEST]).await);
    let contributor =
        Who::Bearer(accounts::token_for(&app, "c@example.org", Role::Contributor, &[]).await);
    let mut offer = point("Bike repair", "human", "skill", IN_WEST[0], IN_WEST[1]);
    let props = offer["properties"].as_object_mut().unwrap();
    props.insert("consent".into(), json!(true));
    props.insert("address".into(), json!("1 Home Street"));
    props.insert("email".into(), json!("sam@home.example"));
    props.insert("phone".into(), json!("07700 900456"));
    let person = app.create(&offer).await;
    let id = person["id"].as_str().unwrap().to_string();
    let (status, _) = app
        .patch(&id, 1, &json!({"properties": {"description": "Saturdays"}}))
        .await;
    assert_eq!(status, 200);

    let path = format!("/api/assets/{id}/history");
    for who in [&Who::Public, &contributor] {
        let (status, body) = send(&app, who, Method::GET, &path, None).await;
        assert_eq!(status, 403, "{body}");
        for p in PERSONAL {
            assert!(!body.to_string().contains(p), "{body}");
        }
    }
    let (status, body) = send(&app, &west, Method::GET, &path, None).await;
    assert_eq!(status, 200);
    assert!(body.to_string().contains("1 Home Street"), "{body}");

    let (status, _) = send(
        &app,
        &west,
        Method::POST,
        &format!("/api/assets/{id}/withdraw"),
        None,
    )
    .await;
    assert_eq!(status, 200);
    let (status, body) = send(&app, &west, Method::GET, &path, None).await;
    assert_eq!(status, 200, "{body}");
    for p in PERSONAL.iter().chain(&["Bike repair", "admin"]) {
        assert!(
            !body.to_string().contains(p),
            "history still holds '{p}': {body}"
        );
    }
    let versions = body["versions"].as_array().unwrap();
    assert_eq!(versions.len(), 3);
    assert!(versions
        .iter()
        .all(|v| v["recorded"] == false && v["by"] == "withdrawn"));
    // In the store itself: no payload left of any version.
    let store = accounts::store(&app).await;
    let logged = store.history(id.parse().unwrap()).await.unwrap();
    assert_eq!(logged.len(), 3);
    assert!(logged.iter().all(|v| v.payload.is_none()), "{logged:?}");
    // Nothing to go back to.
    let r = accounts::request(
        &app,
        &Who::Bearer(TOKEN.into()),
        Method::POST,
        &format!("/api/assets/{id}/revert"),
    )
    .header("if-match", "3")
    .json(&json!({"version": 1}));
    assert_eq!(r.send().await.unwrap().status(), 410);
    app.stop().await;
}

async fn signing_in_clears_out_ended_sessions(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let store = accounts::store(&app).await;
    let (user, invite) =
        invites::add_user(store.as_ref(), "s@example.org", Role::Contributor, vec![])
            .await
            .unwrap();
    let ended = secrets::token_hash("an old session");
    let accounts_store = store.accounts();
    accounts_store
        .add_session(&ended, user.id, "csrf", now_secs() - 60)
        .await
        .unwrap();
    // Signing in (here by accepting the invite) clears it out...
    let session = accounts::accept_invite(&app, &invite.token, "a long enough passphrase").await;
    assert_eq!(accounts_store.purge_sessions(now_secs()).await.unwrap(), 0);
    // ...and leaves the live one working.
    let (status, me) = send(&app, &session, Method::GET, "/api/session", None).await;
    assert_eq!(status, 200);
    assert_eq!(me["email"], "s@example.org", "{me}");
    // A session ending later is purged, one that has not ended is not.
    accounts_store
        .add_session(&ended, user.id, "csrf", now_secs() - 1)
        .await
        .unwrap();
    assert_eq!(accounts_store.purge_sessions(now_secs()).await.unwrap(), 1);
    let (_, me) = send(&app, &session, Method::GET, "/api/session", None).await;
    assert_eq!(me["email"], "s@example.org", "{me}");
    app.stop().await;
}
