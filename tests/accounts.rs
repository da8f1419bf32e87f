//! Accounts over HTTP on both stores: invites, session cookies, CSRF, rate
//! limits (the queue is in tests/proposals.rs).

use crate::common;

use assetmap::auth::{invites, Role};
use common::accounts::{self, send, Who};
use common::{field, point, status_json, Backend, TestApp, TOKEN};
use reqwest::Method;
use serde_json::json;

on_both_stores!(
    invite_sign_in_and_out,
    a_new_link_or_password_ends_the_old_ones,
    changes_with_a_cookie_need_the_csrf_token,
    sign_in_and_anonymous_writes_are_rate_limited,
);

const PASSWORD: &str = "a long enough password";

async fn a_new_link_or_password_ends_the_old_ones(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let store = accounts::store(&app).await;
    let (user, first) =
        invites::add_user(store.as_ref(), "jo@example.org", Role::Contributor, vec![])
            .await
            .unwrap();
    let second = invites::invite(store.as_ref(), &user).await.unwrap();
    let accept = |token: String| {
        let app = &app;
        async move {
            let body = json!({"password": PASSWORD});
            let path = format!("/api/invites/{token}");
            send(app, &Who::Public, Method::POST, &path, Some(&body))
                .await
                .0
        }
    };
    // The link sent first no longer works once a second one was sent.
    assert_eq!(accept(first.token.clone()).await, 404);
    let laptop = accounts::accept_invite(&app, &second.token, PASSWORD).await;
    let third = invites::invite(store.as_ref(), &user).await.unwrap();
    let phone = accounts::accept_invite(&app, &third.token, "another long password").await;
    // Setting a password again signs out the session the old one started.
    let (_, me) = send(&app, &laptop, Method::GET, "/api/session", None).await;
    assert_eq!(me["signed_in"], false);
    let (_, me) = send(&app, &phone, Method::GET, "/api/session", None).await;
    assert_eq!(me["signed_in"], true);
    for spent in [first.token, second.token] {
        assert_eq!(accept(spent).await, 404);
    }
}

async fn invite_sign_in_and_out(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let invite = accounts::invite_for(&app, "Sam@Example.org", Role::Contributor).await;
    let path = format!("/api/invites/{invite}");
    let (status, body) = send(
        &app,
        &Who::Public,
        Method::POST,
        &path,
        Some(&json!({"password": "short"})),
    )
    .await;
    assert_eq!((status, field(&body)), (422, "password"));

    let r = app
        .client
        .post(app.url(&path))
        .json(&json!({"password": PASSWORD}))
        .send()
        .await
        .unwrap();
    let cookie = r.headers()["set-cookie"].to_str().unwrap().to_string();
    assert!(cookie.starts_with("assetmap_session="), "{cookie}");
    for attribute in ["HttpOnly", "SameSite=Lax", "Path=/", "Max-Age="] {
        assert!(cookie.contains(attribute), "{cookie} lacks {attribute}");
    }
    assert!(!cookie.contains("Secure"), "plain HTTP: {cookie}");
    let session = accounts::session_of(r).await;

    // The invite works once.
    let (status, _) = send(
        &app,
        &Who::Public,
        Method::POST,
        &path,
        Some(&json!({"password": PASSWORD})),
    )
    .await;
    assert_eq!(status, 404);

    let (_, me) = send(&app, &session, Method::GET, "/api/session", None).await;
    assert_eq!(me["signed_in"], true);
    assert_eq!(me["email"], "sam@example.org");
    assert_eq!(me["role"], "contributor");
    assert_eq!(me["can"]["create_asset"], "queue");
    let Who::Session { csrf, .. } = &session else {
        unreachable!()
    };
    assert_eq!(me["csrf_token"], csrf.as_str());

    let (status, _) = send(&app, &session, Method::DELETE, "/api/session", None).await;
    assert_eq!(status, 204);
    let (_, me) = send(&app, &session, Method::GET, "/api/session", None).await;
    assert_eq!(
        (me["signed_in"].as_bool(), me["role"].as_str()),
        (Some(false), Some("public"))
    );

    // Signing in again, over HTTPS behind a proxy: the cookie is Secure.
    let wrong = json!({"email": "sam@example.org", "password": "not the password"});
    let (status, body) = send(
        &app,
        &Who::Public,
        Method::POST,
        "/api/session",
        Some(&wrong),
    )
    .await;
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (401, Some("bad_credentials"))
    );
    let right = json!({"email": "SAM@example.org ", "password": PASSWORD});
    let r = app
        .client
        .post(app.url("/api/session"))
        .header("x-forwarded-proto", "https")
        .json(&right)
        .send()
        .await
        .unwrap();
    assert!(r.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .contains("; Secure"));
    assert_eq!(r.status(), 200);
    app.stop().await;
}

async fn changes_with_a_cookie_need_the_csrf_token(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let invite = accounts::invite_for(&app, "c@example.org", Role::Contributor).await;
    let session = accounts::accept_invite(&app, &invite, PASSWORD).await;
    let Who::Session { cookie, csrf } = session.clone() else {
        unreachable!()
    };
    let body =
        json!({"kind": "create", "feature": point("Hall", "physical", "village_hall", -2.3, 53.4)});
    for header in [None, Some("wrong")] {
        let mut r = app
            .client
            .post(app.url("/api/proposals"))
            .header("cookie", &cookie)
            .json(&body);
        if let Some(h) = header {
            r = r.header("x-csrf-token", h);
        }
        let (status, resp) = status_json(r.send().await.unwrap()).await;
        assert_eq!((status, field(&resp)), (403, "X-CSRF-Token"), "{header:?}");
    }
    let r = app
        .client
        .delete(app.url("/api/session"))
        .header("cookie", &cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403, "signing out is a change too");
    let (status, resp) = send(&app, &session, Method::POST, "/api/proposals", Some(&body)).await;
    assert_eq!(status, 201, "{resp}");
    assert_eq!(resp["proposal"]["status"], "pending");
    // Reads need no token.
    let r = app
        .client
        .get(app.url("/api/proposals"))
        .header("cookie", &cookie)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert!(!csrf.is_empty());
    app.stop().await;
}

async fn sign_in_and_anonymous_writes_are_rate_limited(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let wrong = json!({"email": "nobody@example.org", "password": "guess guess guess"});
    for _ in 0..assetmap::auth::SIGN_IN_LIMIT {
        let (status, _) = send(
            &app,
            &Who::Public,
            Method::POST,
            "/api/session",
            Some(&wrong),
        )
        .await;
        assert_eq!(status, 401);
    }
    let r = app
        .client
        .post(app.url("/api/session"))
        .json(&wrong)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 429);
    let wait: u64 = r.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(wait >= 1, "{wait}");

    let hall = app
        .create(&point("Hall", "physical", "village_hall", -2.3, 53.4))
        .await;
    let path = format!("/api/assets/{}/reports", hall["id"].as_str().unwrap());
    let report = json!({"reason": "moved"});
    for _ in 0..30 {
        let (status, body) = send(&app, &Who::Public, Method::POST, &path, Some(&report)).await;
        assert_eq!(status, 201, "{body}");
    }
    let r = app
        .client
        .post(app.url(&path))
        .json(&report)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 429);
    assert!(r.headers().contains_key("retry-after"));
    let (_, body) = status_json(r).await;
    assert_eq!(body["error"]["code"], "rate_limited");
    // People with accounts are not held back by the public's limit.
    let (status, _) = send(
        &app,
        &Who::Bearer(TOKEN.into()),
        Method::POST,
        &path,
        Some(&report),
    )
    .await;
    assert_eq!(status, 201);
    app.stop().await;
}
