use super::*;
use rand::{rngs::SmallRng, Rng, SeedableRng};

fn record(rng: &mut SmallRng, lon: f64, lat: f64) -> IndexRecord {
    let capital = Capital::ALL[rng.gen_range(0..5)];
    IndexRecord {
        id: Uuid::from_u128(rng.gen()),
        version: 1,
        capital,
        category: format!("cat{}", rng.gen_range(0..3)),
        status: Status::Published,
        visibility: Visibility::Exact,
        placement: Placement {
            point: [lon, lat],
            min: [lon, lat],
            max: [lon, lat],
        },
        view: None,
    }
}

fn scattered(n: usize, seed: u64) -> Vec<IndexRecord> {
    let mut rng = SmallRng::seed_from_u64(seed);
    (0..n)
        .map(|_| {
            let lon = rng.gen_range(-180.0..=180.0);
            let lat = rng.gen_range(-89.0..=89.0);
            record(&mut rng, lon, lat)
        })
        .collect()
}

fn brute_nearest(records: &[IndexRecord], c: [f64; 2], k: usize) -> Vec<Uuid> {
    let mut all: Vec<Hit> = records
        .iter()
        .map(|r| Hit {
            id: r.id,
            distance_m: haversine_m(c, r.placement.point),
        })
        .collect();
    sort_by_distance(&mut all);
    all.into_iter().take(k).map(|h| h.id).collect()
}

#[test]
fn nearest_is_exact_in_metres_everywhere_on_the_globe() {
    let records = scattered(5_000, 7);
    let index = AssetIndex::bulk_load(records.clone(), 0);
    let mut rng = SmallRng::seed_from_u64(8);
    // High latitudes and the antimeridian are where degree-space
    // neighbours differ most from true ones.
    let mut centres = vec![[179.9, 0.0], [-179.9, 10.0], [10.0, 80.0], [-120.0, -85.0]];
    centres.extend((0..50).map(|_| [rng.gen_range(-180.0..180.0), rng.gen_range(-90.0..90.0)]));
    for c in centres {
        let center = LonLat::new(c[0], c[1]).unwrap();
        let got: Vec<Uuid> = index
            .nearest(center, 10, None, &Filter::default())
            .iter()
            .map(|h| h.id)
            .collect();
        assert_eq!(got, brute_nearest(&records, c, 10), "centre {c:?}");
    }
}

#[test]
fn radius_matches_brute_force_across_the_antimeridian() {
    let mut rng = SmallRng::seed_from_u64(3);
    let records: Vec<IndexRecord> = (0..2_000)
        .map(|_| {
            let lon = if rng.gen_bool(0.5) {
                rng.gen_range(179.0..=180.0)
            } else {
                rng.gen_range(-180.0..=-179.0)
            };
            let lat = rng.gen_range(-1.0..1.0);
            record(&mut rng, lon, lat)
        })
        .collect();
    let index = AssetIndex::bulk_load(records.clone(), 0);
    let center = LonLat::new(179.95, 0.0).unwrap();
    let got = index.within_radius(center, 50_000.0, &Filter::default());
    let mut want: Vec<Uuid> = records
        .iter()
        .filter(|r| haversine_m([179.95, 0.0], r.placement.point) <= 50_000.0)
        .map(|r| r.id)
        .collect();
    let mut got_ids: Vec<Uuid> = got.iter().map(|h| h.id).collect();
    assert!(got_ids.iter().any(|id| records
        .iter()
        .any(|r| r.id == *id && r.placement.point[0] < 0.0)));
    want.sort();
    got_ids.sort();
    assert_eq!(got_ids, want);
    assert!(got.windows(2).all(|w| w[0].distance_m <= w[1].distance_m));
}

#[test]
fn bbox_finds_polygons_by_their_bounds_and_filters() {
    let mut rng = SmallRng::seed_from_u64(1);
    let mut park = record(&mut rng, 0.5, 0.5);
    park.capital = Capital::Physical;
    park.placement = Placement {
        point: [0.5, 0.5],
        min: [0.0, 0.0],
        max: [1.0, 1.0],
    };
    let index = AssetIndex::bulk_load(vec![park.clone()], 0);
    let touching: BBox = "0.9,0.9,2,2".parse().unwrap();
    assert_eq!(index.in_bbox(&touching, &Filter::default()).len(), 1);
    let social_only = Filter::default().capitals(&[Capital::Social]);
    assert!(index.in_bbox(&touching, &social_only).is_empty());
    let cat = index.category_id(&park.category).unwrap();
    let by_cat = Filter::default().categories([cat].into());
    assert_eq!(index.in_bbox(&touching, &by_cat).len(), 1);
}

#[test]
fn newer_versions_replace_older_and_archives_stay_archived() {
    let mut rng = SmallRng::seed_from_u64(2);
    let r1 = record(&mut rng, 1.0, 1.0);
    let mut index = AssetIndex::bulk_load(vec![r1.clone()], 5);
    let mut moved = r1.clone();
    moved.version = 2;
    moved.placement = Placement {
        point: [50.0, 50.0],
        min: [50.0, 50.0],
        max: [50.0, 50.0],
    };
    assert!(index.apply(&moved));
    assert!(!index.apply(&r1), "an older version is ignored");
    let everywhere: BBox = "-180,-90,180,90".parse().unwrap();
    let hits = index.in_bbox(&everywhere, &Filter::default());
    assert_eq!(hits.len(), 1);
    assert_eq!(index.view(r1.id).unwrap().point, [50.0, 50.0]);
    let mut archived = moved.clone();
    archived.version = 3;
    archived.status = Status::Archived;
    assert!(index.apply(&archived));
    assert!(
        !index.apply(&moved),
        "a stale read must not bring an archived asset back"
    );
    assert!(index.in_bbox(&everywhere, &Filter::default()).is_empty());
    assert_eq!(index.len(), 0);
}

#[test]
fn area_only_assets_are_indexed_at_their_cell() {
    let mut rng = SmallRng::seed_from_u64(4);
    let mut person = record(&mut rng, -2.34567, 53.41234);
    person.visibility = Visibility::AreaOnly;
    let index = AssetIndex::bulk_load(vec![person.clone()], 0);
    let p = index.view(person.id).unwrap().point;
    assert!((p[0] - -2.345).abs() < 1e-9 && (p[1] - 53.415).abs() < 1e-9);
}

#[test]
fn proposed_assets_are_hidden_unless_asked_for() {
    let mut rng = SmallRng::seed_from_u64(5);
    let mut r = record(&mut rng, 0.0, 0.0);
    r.status = Status::Proposed;
    let index = AssetIndex::bulk_load(vec![r], 0);
    let c = LonLat::new(0.0, 0.0).unwrap();
    assert!(index.nearest(c, 5, None, &Filter::default()).is_empty());
    let moderation = Filter::default().statuses(vec![Status::Proposed]);
    assert_eq!(index.nearest(c, 5, None, &moderation).len(), 1);
}

/// A load read in two parts (as start-up reads the store on two threads)
/// answers as one load of the same records: same assets, the newer of an
/// asset listed in both, each category filter finding the same assets
/// though each part numbered its categories in its own order.
#[test]
fn a_load_in_two_parts_equals_one_load() {
    let mut records = scattered(3_000, 21);
    // An asset in both parts, the newer version in the first.
    let mut newer = records[2_500].clone();
    newer.version = 2;
    newer.category = "cat9".into();
    records[10] = newer.clone();
    let whole = AssetIndex::bulk_load(records.clone(), 5);

    let (first, second) = records.split_at(1_500);
    let mut loader = Loader::with_capacity(0);
    // The second part sees its categories in the reverse order.
    let mut part = Loader::with_capacity(0);
    first.iter().cloned().for_each(|r| loader.push(r));
    second.iter().rev().cloned().for_each(|r| part.push(r));
    loader.absorb(part);
    let parted = loader.finish(5);

    assert_eq!(parted.len(), whole.len());
    assert_eq!(parted.len(), 2_999, "the repeated asset is there once");
    assert_eq!(parted.view(newer.id).map(|v| v.version), Some(2));
    let world = BBox::new(-180.0, -90.0, 180.0, 90.0).unwrap();
    for category in ["cat0", "cat1", "cat2", "cat9"] {
        let ids = |index: &AssetIndex| {
            let filter = Filter::for_query(index, &[], &[category.to_string()]);
            let mut ids: Vec<Uuid> = index
                .in_bbox(&world, &filter)
                .iter()
                .map(|h| h.id)
                .collect();
            ids.sort();
            ids
        };
        assert_eq!(ids(&parted), ids(&whole), "{category}");
    }
}

/// A load large enough to map ids on a second thread keeps one entry per
/// asset when the store lists one twice: the newer version, whichever
/// came first, and no stale entry left in the tree for a query to meet.
#[test]
fn a_large_load_keeps_the_newer_of_a_repeated_asset() {
    let mut records = scattered(12_000, 22);
    let (a, b) = (records[100].clone(), records[11_000].clone());
    let mut newer_a = a.clone();
    newer_a.version = 3;
    records.push(newer_a);
    let mut older_b = b.clone();
    older_b.version = 0;
    older_b.category = "stale".into();
    records.push(older_b);
    let index = AssetIndex::bulk_load(records, 1);

    assert_eq!(index.len(), 12_000);
    assert_eq!(index.view(a.id).map(|v| v.version), Some(3));
    assert_eq!(index.view(b.id).map(|v| v.version), Some(b.version));
    let world = BBox::new(-180.0, -90.0, 180.0, 90.0).unwrap();
    let hits = index.in_bbox(&world, &Filter::default());
    assert_eq!(hits.len(), 12_000, "one entry an asset");
    let stale = Filter::for_query(&index, &[], &["stale".to_string()]);
    assert!(index.in_bbox(&world, &stale).is_empty());
}

/// A load in two parts keeps each part's views in a run of its own; writes
/// afterwards (updates in either run, an archive, new assets in the freed
/// slot and past the end) leave every view reachable by id, by its tree
/// entry and by the walk over all views.
#[test]
fn writes_after_a_load_in_two_parts_reach_every_view() {
    let records = scattered(2_000, 23);
    let (first, second) = records.split_at(1_200);
    let mut loader = Loader::with_capacity(0);
    let mut part = Loader::with_capacity(0);
    first.iter().cloned().for_each(|r| loader.push(r));
    second.iter().cloned().for_each(|r| part.push(r));
    loader.absorb(part);
    let mut index = loader.finish(1);

    let mut live: HashMap<Uuid, IndexRecord> = records.iter().map(|r| (r.id, r.clone())).collect();
    let moved = |r: &IndexRecord, lon: f64| {
        let mut r = r.clone();
        r.version += 1;
        r.placement.point = [lon, 10.0];
        r.placement.min = [lon, 10.0];
        r.placement.max = [lon, 10.0];
        r
    };
    let updates = [moved(&records[5], 1.0), moved(&records[1_900], 2.0)];
    let mut archived = records[1_500].clone();
    archived.version += 1;
    archived.status = Status::Archived;
    let mut rng = SmallRng::seed_from_u64(24);
    let new: Vec<IndexRecord> = (0..3)
        .map(|i| record(&mut rng, 3.0 + f64::from(i), 10.0))
        .collect();
    for r in updates.iter().chain([&archived]).chain(&new) {
        assert!(index.apply(r));
        live.insert(r.id, r.clone());
    }
    live.remove(&archived.id);

    assert_eq!(index.len(), live.len());
    assert_eq!(index.views().count(), live.len());
    for r in live.values() {
        let view = index.view(r.id).expect("every live asset by id");
        assert_eq!((view.version, view.point), (r.version, r.placement.point));
    }
    let world = BBox::new(-180.0, -90.0, 180.0, 90.0).unwrap();
    let mut seen = 0;
    for e in index.entries() {
        let view = index.view_of(e).expect("every entry has its view");
        assert_eq!((view.id, view.point), (e.id, e.point));
        seen += 1;
    }
    assert_eq!(seen, live.len(), "one entry an asset");
    assert_eq!(index.in_bbox(&world, &Filter::default()).len(), live.len());
    assert!(index.view(archived.id).is_none());
}

/// The legend's counts, taken straight from the tree, are what counting
/// `in_bbox`'s hits by capital gives: for any box, one split at the
/// antimeridian and met twice by a wide area among them, and any filter.
#[test]
fn counts_in_a_box_are_the_hits_counted() {
    let mut records = scattered(3_000, 21);
    let mut rng = SmallRng::seed_from_u64(22);
    for i in 0..20 {
        let mut wide = record(&mut rng, 0.0, i as f64);
        wide.placement.min = [-179.99, i as f64 - 0.5];
        wide.placement.max = [179.99, i as f64 + 0.5];
        records.push(wide);
    }
    let capital_of: HashMap<Uuid, Capital> = records.iter().map(|r| (r.id, r.capital)).collect();
    let index = AssetIndex::bulk_load(records, 0);
    let mut boxes = vec![
        BBox::new(170.0, -30.0, -170.0, 30.0).unwrap(),
        BBox::new(-180.0, -90.0, 180.0, 90.0).unwrap(),
    ];
    for _ in 0..40 {
        let (w, s) = (rng.gen_range(-180.0..170.0), rng.gen_range(-90.0..80.0));
        let (e, n) = (rng.gen_range(w..=180.0), rng.gen_range(s..=90.0));
        boxes.push(BBox::new(w, s, e, n).unwrap());
    }
    let filters = [
        Filter::default(),
        Filter::for_query(&index, &[Capital::Social, Capital::Public], &[]),
        Filter::for_query(&index, &[], &["cat1".to_string()]),
    ];
    for bbox in &boxes {
        for filter in &filters {
            let mut want = [0; 5];
            for h in index.in_bbox(bbox, filter) {
                want[capital_of[&h.id] as usize] += 1;
            }
            assert_eq!(index.count_in_bbox(bbox, filter), want, "{bbox:?}");
        }
    }
}
