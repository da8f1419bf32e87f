//! The role matrix, walked whole over HTTP on both stores: every route that
//! writes, as every kind of caller, answers the status the matrix says, and
//! a refused write changes nothing.

use crate::common;

use assetmap::auth::{Action, Role, MATRIX};
use common::accounts::{self, send, Who, EAST, IN_WEST, WEST};
use common::{point, Backend, TestApp, TOKEN};
use reqwest::Method;
use serde_json::{json, Value};

on_both_stores!(every_write_route_as_every_role);

#[derive(Clone, Copy, Debug, PartialEq)]
enum Caller {
    Public,
    Contributor,
    ModeratorIn,
    ModeratorOut,
    Admin,
    AdminToken,
    WrongToken,
}

const CALLERS: [Caller; 7] = [
    Caller::Public,
    Caller::Contributor,
    Caller::ModeratorIn,
    Caller::ModeratorOut,
    Caller::Admin,
    Caller::AdminToken,
    Caller::WrongToken,
];

#[derive(Clone, Copy, Debug)]
enum Route {
    CreateAsset,
    EditAsset,
    ArchiveAsset,
    VerifyAsset,
    RevertAsset,
    Import,
    Suggest,
    Report,
    AskIntroduction,
    Approve,
    Reject,
    WithdrawPerson,
    AddUser,
}

/// Expected status per caller, in the order of `CALLERS`.
#[rustfmt::skip]
const TABLE: &[(Route, [u16; 7])] = &[
    //                              public contrib mod-in mod-out admin token wrong
    (Route::CreateAsset,           [401, 202, 201, 403, 201, 201, 403]),
    (Route::EditAsset,             [401, 202, 200, 403, 200, 200, 403]),
    (Route::ArchiveAsset,          [401, 403, 204, 403, 204, 204, 403]),
    (Route::VerifyAsset,           [401, 403, 200, 403, 200, 200, 403]),
    (Route::RevertAsset,           [401, 403, 200, 403, 200, 200, 403]),
    (Route::Import,                [401, 403, 403, 403, 200, 200, 403]),
    (Route::Suggest,               [201, 201, 201, 201, 201, 201, 403]),
    (Route::Report,                [201, 201, 201, 201, 201, 201, 403]),
    (Route::AskIntroduction,       [201, 201, 201, 201, 201, 201, 403]),
    (Route::Approve,               [401, 403, 200, 403, 200, 200, 403]),
    (Route::Reject,                [401, 403, 200, 403, 200, 200, 403]),
    (Route::WithdrawPerson,        [401, 403, 200, 403, 200, 200, 403]),
    (Route::AddUser,               [401, 403, 403, 403, 201, 201, 403]),
];

/// The matrix's action each route is checked against.
fn action(route: Route) -> Action {
    match route {
        Route::CreateAsset => Action::CreateAsset,
        Route::EditAsset => Action::EditAsset,
        Route::ArchiveAsset => Action::ArchiveAsset,
        Route::VerifyAsset => Action::VerifyAsset,
        Route::RevertAsset => Action::RevertAsset,
        Route::Import => Action::Import,
        Route::Suggest => Action::Suggest,
        Route::Report => Action::Report,
        Route::AskIntroduction => Action::AskIntroduction,
        Route::Approve | Route::Reject => Action::Review,
        Route::WithdrawPerson => Action::WithdrawPerson,
        Route::AddUser => Action::ManageUsers,
    }
}

#[test]
fn the_table_covers_every_action_of_the_matrix() {
    for row in MATRIX {
        assert!(
            TABLE.iter().any(|(route, _)| action(*route) == row.action),
            "{:?} has no route in this test",
            row.action
        );
    }
}

struct Fixture {
    app: TestApp,
    who: Vec<(Caller, Who)>,
    admin: Who,
}

async fn fixture(backend: Backend) -> Fixture {
    let app = TestApp::spawn(backend).await;
    accounts::add_wards(&app).await;
    let bearer = |t: String| Who::Bearer(t);
    let contributor = accounts::token_for(&app, "c@example.org", Role::Contributor, &[]).await;
    let mod_in = accounts::token_for(&app, "west@example.org", Role::Moderator, &[WEST]).await;
    let mod_out = accounts::token_for(&app, "east@example.org", Role::Moderator, &[EAST]).await;
    let admin = accounts::token_for(&app, "a@example.org", Role::Admin, &[]).await;
    let who = vec![
        (Caller::Public, Who::Public),
        (Caller::Contributor, bearer(contributor.clone())),
        (Caller::ModeratorIn, bearer(mod_in)),
        (Caller::ModeratorOut, bearer(mod_out)),
        (Caller::Admin, bearer(admin)),
        (Caller::AdminToken, bearer(TOKEN.into())),
        (Caller::WrongToken, bearer("not-a-token".into())),
    ];
    Fixture {
        app,
        who,
        admin: Who::Bearer(TOKEN.into()),
    }
}

fn library(name: &str) -> Value {
    point(name, "public", "library", IN_WEST[0], IN_WEST[1])
}

fn skill(name: &str) -> Value {
    let mut f = point(name, "human", "skill", IN_WEST[0], IN_WEST[1]);
    f["properties"]["consent"] = json!(true);
    f
}

/// A fresh asset in the west ward, made by the admin token: its id.
async fn fresh_asset(f: &Fixture, feature: Value) -> String {
    let (status, body) = send(
        &f.app,
        &f.admin,
        Method::POST,
        "/api/assets",
        Some(&feature),
    )
    .await;
    assert_eq!(status, 201, "{body}");
    body["id"].as_str().unwrap().to_string()
}

/// A fresh pending proposal of a new library in the west ward: its id.
async fn fresh_proposal(f: &Fixture, name: &str) -> String {
    let body = json!({"kind": "create", "feature": library(name)});
    let (status, body) = send(
        &f.app,
        &f.admin,
        Method::POST,
        "/api/proposals",
        Some(&body),
    )
    .await;
    assert_eq!(status, 201, "{body}");
    body["proposal"]["id"].as_str().unwrap().to_string()
}

/// Makes one request of a route as `who`; returns the status and the asset
/// (or proposal) it was aimed at, to check afterwards.
async fn call(f: &Fixture, route: Route, who: &Who, n: usize) -> (u16, Option<String>) {
    let app = &f.app;
    let name = format!("Case {n}");
    match route {
        Route::CreateAsset => {
            let (s, _) = send(app, who, Method::POST, "/api/assets", Some(&library(&name))).await;
            (s, None)
        }
        Route::EditAsset => {
            let id = fresh_asset(f, library(&name)).await;
            let r = accounts::request(app, who, Method::PATCH, &format!("/api/assets/{id}"))
                .header("if-match", "1")
                .json(&json!({"properties": {"name": "Renamed"}}));
            (r.send().await.unwrap().status().as_u16(), Some(id))
        }
        Route::ArchiveAsset => {
            let id = fresh_asset(f, library(&name)).await;
            let (s, _) = send(app, who, Method::DELETE, &format!("/api/assets/{id}"), None).await;
            (s, Some(id))
        }
        Route::VerifyAsset => {
            let id = fresh_asset(f, library(&name)).await;
            let (s, _) = send(
                app,
                who,
                Method::POST,
                &format!("/api/assets/{id}/verify"),
                None,
            )
            .await;
            (s, Some(id))
        }
        Route::RevertAsset => {
            // Two versions, so that there is an earlier one to go back to.
            let id = fresh_asset(f, library(&name)).await;
            let (s, body) = f
                .app
                .patch(&id, 1, &json!({"properties": {"name": "Renamed"}}))
                .await;
            assert_eq!(s, 200, "{body}");
            let r = accounts::request(app, who, Method::POST, &format!("/api/assets/{id}/revert"))
                .header("if-match", "2")
                .json(&json!({"version": 1}));
            (r.send().await.unwrap().status().as_u16(), Some(id))
        }
        Route::Import => {
            let fc = json!({"type": "FeatureCollection", "features": [library(&name)]});
            let path = format!("/api/import?dataset=case{n}&capital=public&category=library");
            let (s, _) = send(app, who, Method::POST, &path, Some(&fc)).await;
            (s, None)
        }
        Route::Suggest => {
            let body = json!({"kind": "create", "feature": library(&name)});
            let (s, _) = send(app, who, Method::POST, "/api/proposals", Some(&body)).await;
            (s, None)
        }
        Route::Report => {
            let id = fresh_asset(f, library(&name)).await;
            let body = json!({"reason": "closed", "details": "shut since March"});
            let (s, _) = send(
                app,
                who,
                Method::POST,
                &format!("/api/assets/{id}/reports"),
                Some(&body),
            )
            .await;
            (s, Some(id))
        }
        Route::AskIntroduction => {
            let id = fresh_asset(f, skill(&name)).await;
            let body =
                json!({"message": "Could you help our youth club?", "contact": "07700 900123"});
            let path = format!("/api/assets/{id}/introductions");
            let (s, _) = send(app, who, Method::POST, &path, Some(&body)).await;
            (s, Some(id))
        }
        Route::Approve | Route::Reject => {
            let id = fresh_proposal(f, &name).await;
            let (verb, body) = match route {
                Route::Approve => ("approve", json!({})),
                _ => ("reject", json!({"reason": "already mapped"})),
            };
            let path = format!("/api/proposals/{id}/{verb}");
            let (s, _) = send(app, who, Method::POST, &path, Some(&body)).await;
            (s, Some(id))
        }
        Route::WithdrawPerson => {
            let id = fresh_asset(f, skill(&name)).await;
            let path = format!("/api/assets/{id}/withdraw");
            let (s, _) = send(app, who, Method::POST, &path, None).await;
            (s, Some(id))
        }
        Route::AddUser => {
            let body = json!({"email": format!("new{n}@example.org"), "role": "contributor"});
            let (s, _) = send(app, who, Method::POST, "/api/users", Some(&body)).await;
            (s, None)
        }
    }
}

/// A refused or queued write leaves assets and proposals as they were.
async fn assert_unchanged(f: &Fixture, route: Route, target: Option<&str>, published_before: u64) {
    let (_, all) = f.app.get_json("/api/assets?limit=10000").await;
    assert_eq!(
        all["numberMatched"].as_u64().unwrap(),
        published_before,
        "{route:?}"
    );
    let Some(id) = target else { return };
    match route {
        Route::Approve | Route::Reject => {
            let (_, p) = send(
                &f.app,
                &f.admin,
                Method::GET,
                &format!("/api/proposals/{id}"),
                None,
            )
            .await;
            assert_eq!(p["proposal"]["status"], "pending", "{route:?}");
        }
        Route::Report | Route::AskIntroduction => {}
        _ => {
            let (status, a) = f.app.get_json(&format!("/api/assets/{id}")).await;
            assert_eq!(status, 200, "{route:?}");
            let setup_versions = if matches!(route, Route::RevertAsset) {
                2
            } else {
                1
            };
            assert_eq!(a["properties"]["version"], setup_versions, "{route:?}");
        }
    }
}

async fn every_write_route_as_every_role(backend: Backend) {
    let f = fixture(backend).await;
    let mut n = 0;
    for (route, expected) in TABLE {
        for (i, caller) in CALLERS.iter().enumerate() {
            n += 1;
            let who = &f.who.iter().find(|(c, _)| c == caller).unwrap().1;
            let (_, before) = f.app.get_json("/api/assets?limit=10000").await;
            let (status, target) = call(&f, *route, who, n).await;
            assert_eq!(status, expected[i], "{route:?} as {caller:?}");
            let before = before["numberMatched"].as_u64().unwrap();
            // Setting up the case may itself add one published asset.
            let made =
                u64::from(target.is_some() && !matches!(route, Route::Approve | Route::Reject));
            if status >= 400 || status == 202 {
                assert_unchanged(&f, *route, target.as_deref(), before + made).await;
            }
        }
    }
    f.app.stop().await;
}
