//! One CSV row of the export from a public view: the same cells the export
//! wrote from `Asset::to_public_feature`.

use crate::domain::Visibility;
use crate::export::{columns, csv_line};
use crate::index::{Field, PublicAsset};
use geo::{Geometry, Point};

pub fn csv_row(v: &PublicAsset) -> String {
    let t = v.texts();
    let text = |f: Field| t[f as usize].unwrap_or_default().to_string();
    let time = |t: Option<chrono::DateTime<chrono::Utc>>| t.map(|t| t.to_rfc3339());
    csv_line(columns().map(|c| {
        match c {
            "id" => v.id.to_string(),
            "capital" => v.capital.as_str().to_string(),
            "category" => v.category.to_string(),
            "status" => v.status.as_str().to_string(),
            "visibility" => v.visibility.as_str().to_string(),
            "verified_at" => time(v.verified_at).unwrap_or_default(),
            "created_at" => v.created_at.to_rfc3339(),
            "updated_at" => v.updated_at.to_rfc3339(),
            "version" => v.version.to_string(),
            "tags" => tags_json(v),
            "lon" => v.point[0].to_string(),
            "lat" => v.point[1].to_string(),
            "wkt" => wkt(v),
            other => crate::export::cells::neutralise(
                Field::ALL
                    .iter()
                    .find(|f| f.key() == other)
                    .map(|f| text(*f))
                    .unwrap_or_default(),
            ),
        }
    }))
}

fn tags_json(v: &PublicAsset) -> String {
    let tags: serde_json::Map<String, serde_json::Value> = v
        .tags()
        .map(|(k, val)| (k.to_string(), val.into()))
        .collect();
    serde_json::Value::Object(tags).to_string()
}

fn wkt(v: &PublicAsset) -> String {
    match (&v.shape, v.visibility) {
        (Some(g), Visibility::Exact) => wkt::ToWkt::wkt_string(g.as_ref()),
        (None, Visibility::Exact) => {
            wkt::ToWkt::wkt_string(&Geometry::Point(Point::new(v.point[0], v.point[1])))
        }
        (_, Visibility::AreaOnly) => format!("POINT({} {})", v.point[0], v.point[1]),
    }
}
