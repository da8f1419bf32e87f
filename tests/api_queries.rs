//! The asset API's queries over HTTP, on both stores: by box, text, paging,
//! radius and nearest.

use crate::common;

use common::{names, point, Backend, TestApp};
use serde_json::json;

on_both_stores!(
    bbox_filters_text_and_paging,
    radius_and_nearest_answer_in_metres,
);

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
