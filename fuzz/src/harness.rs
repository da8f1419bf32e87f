//! What each fuzz target does with its input, in one place: the targets in
//! fuzz_targets/ call these, and so does tests/fuzz_regressions.rs (which
//! includes this file by path), so a kept crash input is replayed through
//! exactly the code that crashed. Each returns Ok or a clean error; a bug
//! shows as a panic (or, for the API, as a 500 answer, which panics here).

use assetmap::api::{router, AppState, PageConfig};
use assetmap::domain::{check_geometry, Vocabulary};
use assetmap::import::{self, csv::CsvOptions, Mapping, MappingSpec, Record};
use axum::body::Body;
use axum::http::{Request, StatusCode};
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Once, OnceLock};
use tower::ServiceExt;

/// A mapping with every kind of source (property, join, first-of,
/// literal, tags), an id field, a rule and a null marker, so that mapping
/// code runs on whatever the readers make of the input.
const MAPPING: &str = r#"{
    "map": {"name": "name|Name|ward_name", "address": "street+town",
            "postcode": "postcode", "phone": "telephone", "website": "website",
            "email": "email", "tags.kind": "type", "tags.ages": "low+high"},
    "capital": "public", "category": "library", "id_field": "ID",
    "rules": [{"field": "what", "contains": "grant", "capital": "financial",
               "category": "grant_maker"}],
    "null_values": ["NA", "-"]
}"#;

fn mapping() -> &'static Mapping {
    static MAPPING_: OnceLock<Mapping> = OnceLock::new();
    MAPPING_.get_or_init(|| {
        let spec: MappingSpec = serde_json::from_str(MAPPING).expect("the mapping parses");
        Mapping::new(spec).expect("the mapping is valid")
    })
}

/// What `import::plan` does to each record before it asks the store:
/// checks the geometry, finds the row's id and maps it to a draft.
fn map_records(records: Vec<Record>) -> usize {
    let vocabulary = Vocabulary::default();
    let mapping = mapping();
    let mut drafted = 0;
    for r in records {
        let Ok(geometry) = r.geometry else { continue };
        if check_geometry(&geometry).is_err() {
            continue;
        }
        let id = mapping.row_id(&r.props).unwrap_or_default();
        let source = format!("{}{id}", import::dataset_prefix("fuzz"));
        if mapping
            .apply(&r.props, geometry, &source, &vocabulary)
            .is_ok()
        {
            drafted += 1;
        }
    }
    drafted
}

/// A GeoJSON import body, as `POST /api/import` reads it.
pub fn geojson(data: &[u8]) -> Result<usize, String> {
    let records = import::geojson::from_slice(data).map_err(|e| e.to_string())?;
    Ok(map_records(records))
}

/// A CSV file; the first byte chooses how rows are placed (columns
/// guessed, or named as `--wkt-field`, `--postcode-field` or
/// `--lat-field/--lon-field` name them).
pub fn csv(data: &[u8]) -> Result<usize, String> {
    let Some((choice, body)) = data.split_first() else {
        return Ok(0);
    };
    let named = |s: &str| Some(s.to_string());
    let options = match choice % 4 {
        0 => CsvOptions::default(),
        1 => CsvOptions {
            wkt_field: named("geom"),
            ..CsvOptions::default()
        },
        2 => CsvOptions {
            postcode_field: named("postcode"),
            ..CsvOptions::default()
        },
        _ => CsvOptions {
            lat_field: named("y"),
            lon_field: named("x"),
            ..CsvOptions::default()
        },
    };
    let postcodes = HashMap::from([
        ("M33 7XX".to_string(), (-2.3, 53.4)),
        ("WA15 8AA".to_string(), (-2.35, 53.39)),
    ]);
    let records =
        import::csv::read(body, "fuzz.csv", &options, &postcodes).map_err(|e| e.to_string())?;
    Ok(map_records(records))
}

/// An `.osm.pbf` extract, with the default tag table.
pub fn osm(data: &[u8]) -> Result<usize, String> {
    let_osmpbf_panics_unwind();
    let table = import::osm::default_tag_table();
    let mut records = Vec::new();
    let each = &mut |r| {
        records.push(r);
        true
    };
    import::osm::read_from(std::io::Cursor::new(data), "fuzz.osm.pbf", &table, each)
        .map_err(|e| e.to_string())?;
    Ok(map_records(records))
}

/// libFuzzer's panic hook aborts on every panic, even one the code under
/// test catches. assetmap's OSM reader catches osmpbf's (it panics on some
/// malformed blocks), so those alone unwind to it; a panic anywhere else
/// aborts at once, and an osmpbf one the reader failed to catch aborts as
/// it leaves the target (in the regression test: fails it).
fn let_osmpbf_panics_unwind() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            let file = info.location().map_or("", |l| l.file());
            if !(file.contains("/osmpbf-") || file.contains("/protobuf-")) {
                previous(info);
            }
        }));
    });
}

/// The GET routes that parse a query string (or path parameters); the
/// first input byte chooses one, the rest follows it in the URL.
const ROUTES: &[&str] = &[
    "/api/assets?",
    "/api/assets/nearest?",
    "/api/assets/counts?",
    "/api/gaps?",
    "/api/gaps.geojson?",
    "/api/areas/",
    "/tiles/assets/",
    "/tiles/assets.json?",
    "/ogc/collections/",
    "/ogc/collections/assets/items?",
    "/ogc/collections/areas-ward/items?",
    "/ogc/collections/gaps-ward-public/items?",
    "/hsds/services?",
    "/api/areas?",
];

/// A request to the API as the server routes it, answered in memory. The
/// answer's status, or an error if the text is no URL (hyper refuses
/// those before they reach the router).
pub fn query(data: &[u8]) -> Result<u16, String> {
    let Some((choice, rest)) = data.split_first() else {
        return Ok(0);
    };
    let route = ROUTES[usize::from(*choice) % ROUTES.len()];
    let uri = format!("{route}{}", String::from_utf8_lossy(rest));
    let request = Request::get(uri)
        .body(Body::empty())
        .map_err(|e| e.to_string())?;
    let (runtime, app) = server();
    let status = runtime.block_on(async {
        let response = app.clone().oneshot(request).await.expect("infallible");
        let status = response.status();
        // Reading the body runs what streams it (exports, pages).
        axum::body::to_bytes(response.into_body(), usize::MAX)
            .await
            .expect("the body is readable");
        status
    });
    // Bad input is the caller's mistake (4xx); a 500 is ours.
    assert_ne!(status, StatusCode::INTERNAL_SERVER_ERROR, "{route}");
    Ok(status.as_u16())
}

/// The repository: the manifest directory of assetmap's tests, or the
/// parent of fuzz/'s.
fn repo() -> PathBuf {
    let here = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    match here.file_name() {
        Some(name) if name == "fuzz" => here.parent().expect("fuzz/ has a parent").into(),
        _ => here,
    }
}

/// One server per process, with part of the Trafford sample (fuzz/
/// sample.json: two levels of areas, three layers, no postcodes) loaded
/// into a SQLite file, so that areas, levels and categories exist to be
/// named. With the whole sample each gap analysis took 0.2 s (residents
/// placed at every postcode), a few execs a second.
fn server() -> &'static (tokio::runtime::Runtime, axum::Router) {
    static SERVER: OnceLock<(tokio::runtime::Runtime, axum::Router)> = OnceLock::new();
    SERVER.get_or_init(|| {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("a runtime");
        let app = runtime.block_on(open_app());
        (runtime, app)
    })
}

async fn open_app() -> axum::Router {
    let file = std::env::temp_dir().join(format!("assetmap-fuzz-{}.db", std::process::id()));
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", file.display()));
    }
    let store = assetmap::store::open(&format!("sqlite://{}", file.display()))
        .await
        .expect("a SQLite store");
    let vocabulary = Vocabulary::default();
    let manifest = repo().join("fuzz/sample.json");
    import::sample::load(store.as_ref(), &vocabulary, &manifest, "fuzz")
        .await
        .expect("the sample loads");
    let registry = assetmap::service::Registry::open(store, vocabulary)
        .await
        .expect("a registry");
    let state = AppState {
        registry: Arc::new(registry),
        admin_token: None,
        page: Arc::new(PageConfig::default()),
        accounts: Arc::new(assetmap::auth::Accounts::new(account_args())),
    };
    router(state, None)
}

fn account_args() -> assetmap::config::AccountArgs {
    assetmap::config::AccountArgs {
        secure_cookies: false,
        trust_proxy: false,
        sign_in_limit: 10,
        anonymous_write_limit: 30,
        session_hours: 168,
    }
}
