use geo::{Distance, Haversine, Point};
use serde::Serialize;
use std::str::FromStr;

/// Longitude in degrees, WGS84, within [-180, 180].
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd, Serialize)]
pub struct Lon(f64);

/// Latitude in degrees, WGS84, within [-90, 90].
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd, Serialize)]
pub struct Lat(f64);

impl Lon {
    pub fn new(v: f64) -> Result<Self, String> {
        if v.is_finite() && (-180.0..=180.0).contains(&v) {
            Ok(Lon(v))
        } else {
            Err(format!("longitude {v} is outside -180..180"))
        }
    }
    pub fn get(self) -> f64 {
        self.0
    }
}

impl Lat {
    pub fn new(v: f64) -> Result<Self, String> {
        if v.is_finite() && (-90.0..=90.0).contains(&v) {
            Ok(Lat(v))
        } else {
            Err(format!("latitude {v} is outside -90..90"))
        }
    }
    pub fn get(self) -> f64 {
        self.0
    }
}

fn parse_number(s: &str) -> Result<f64, String> {
    s.trim()
        .parse::<f64>()
        .ok()
        .filter(|v| v.is_finite())
        .ok_or_else(|| format!("'{s}' is not a number"))
}

impl FromStr for Lon {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        Lon::new(parse_number(s)?)
    }
}

impl FromStr for Lat {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        Lat::new(parse_number(s)?)
    }
}

/// A valid position on the globe.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LonLat {
    pub lon: Lon,
    pub lat: Lat,
}

impl LonLat {
    pub fn new(lon: f64, lat: f64) -> Result<Self, String> {
        Ok(LonLat {
            lon: Lon::new(lon)?,
            lat: Lat::new(lat)?,
        })
    }
    pub fn xy(self) -> [f64; 2] {
        [self.lon.0, self.lat.0]
    }
}

/// Great-circle distance in metres between two lon/lat positions.
pub fn haversine_m(a: [f64; 2], b: [f64; 2]) -> f64 {
    Haversine.distance(Point::new(a[0], a[1]), Point::new(b[0], b[1]))
}

/// A bounding box `west,south,east,north` as in RFC 7946 §5: when west is
/// greater than east the box crosses the antimeridian.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BBox {
    west: f64,
    south: f64,
    east: f64,
    north: f64,
}

impl BBox {
    pub fn new(west: f64, south: f64, east: f64, north: f64) -> Result<Self, String> {
        Lon::new(west).map_err(|e| format!("west {e}"))?;
        Lon::new(east).map_err(|e| format!("east {e}"))?;
        Lat::new(south).map_err(|e| format!("south {e}"))?;
        Lat::new(north).map_err(|e| format!("north {e}"))?;
        if south > north {
            return Err(format!("south ({south}) is greater than north ({north})"));
        }
        Ok(BBox {
            west,
            south,
            east,
            north,
        })
    }

    pub fn south(&self) -> f64 {
        self.south
    }
    pub fn north(&self) -> f64 {
        self.north
    }

    /// The box as one or two plain `[min, max]` rectangles, split at the
    /// antimeridian, so that callers never reason about wrapping.
    pub fn rects(&self) -> Vec<([f64; 2], [f64; 2])> {
        if self.west <= self.east {
            vec![([self.west, self.south], [self.east, self.north])]
        } else {
            vec![
                ([self.west, self.south], [180.0, self.north]),
                ([-180.0, self.south], [self.east, self.north]),
            ]
        }
    }

    pub fn center(&self) -> [f64; 2] {
        let width = if self.west <= self.east {
            self.east - self.west
        } else {
            360.0 - (self.west - self.east)
        };
        let mut lon = self.west + width / 2.0;
        if lon > 180.0 {
            lon -= 360.0;
        }
        [lon, (self.south + self.north) / 2.0]
    }

    /// Whether a rectangle `[min, max]` intersects this box.
    pub fn intersects(&self, min: [f64; 2], max: [f64; 2]) -> bool {
        self.rects().iter().any(|(lo, hi)| {
            min[0] <= hi[0] && max[0] >= lo[0] && min[1] <= hi[1] && max[1] >= lo[1]
        })
    }

    /// The smallest box holding every point within `radius_m` of `center`.
    pub fn around(center: LonLat, radius_m: f64) -> BBox {
        const EARTH_RADIUS_M: f64 = 6_371_008.8;
        let [lon, lat] = center.xy();
        // A hair of slack so that points exactly on the circle stay inside
        // after floating-point round trips through degrees.
        let angular = radius_m / EARTH_RADIUS_M * (1.0 + 1e-9) + 1e-12;
        let dlat = angular.to_degrees();
        let south = (lat - dlat).max(-90.0);
        let north = (lat + dlat).min(90.0);
        let whole_world_lon =
            lat - dlat <= -90.0 || lat + dlat >= 90.0 || angular >= std::f64::consts::FRAC_PI_2;
        let ratio = angular.sin() / lat.to_radians().cos();
        if whole_world_lon || ratio >= 1.0 {
            return BBox::new(-180.0, south, 180.0, north).expect("clamped box is valid");
        }
        let dlon = ratio.asin().to_degrees();
        let wrap = |v: f64| {
            if v < -180.0 {
                v + 360.0
            } else if v > 180.0 {
                v - 360.0
            } else {
                v
            }
        };
        BBox {
            west: wrap(lon - dlon),
            south,
            east: wrap(lon + dlon),
            north,
        }
    }
}

impl FromStr for BBox {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        let parts: Vec<&str> = s.split(',').collect();
        if parts.len() != 4 {
            return Err("expected four numbers west,south,east,north".into());
        }
        let n: Vec<f64> = parts
            .iter()
            .map(|p| parse_number(p))
            .collect::<Result<_, _>>()?;
        BBox::new(n[0], n[1], n[2], n[3])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rejects_out_of_range_and_non_numbers() {
        assert!("95".parse::<Lat>().is_err());
        assert!("-180.5".parse::<Lon>().is_err());
        assert!("NaN".parse::<Lat>().is_err());
        assert!("abc".parse::<Lon>().is_err());
        assert_eq!("53.4".parse::<Lat>().unwrap().get(), 53.4);
    }

    #[test]
    fn bbox_parses_and_checks_order() {
        let b: BBox = "-2.4,53.3,-2.2,53.5".parse().unwrap();
        assert_eq!(b.rects().len(), 1);
        assert!("-2.4,53.5,-2.2,53.3"
            .parse::<BBox>()
            .unwrap_err()
            .contains("south"));
        assert!("1,2,3".parse::<BBox>().is_err());
    }

    #[test]
    fn bbox_across_antimeridian_splits_in_two() {
        let b: BBox = "170,-10,-170,10".parse().unwrap();
        assert_eq!(b.rects().len(), 2);
        assert!(b.intersects([179.0, 0.0], [179.5, 1.0]));
        assert!(b.intersects([-175.0, 0.0], [-175.0, 0.0]));
        assert!(!b.intersects([0.0, 0.0], [1.0, 1.0]));
        assert_eq!(b.center(), [180.0, 0.0]);
    }

    #[test]
    fn box_around_a_point_holds_the_whole_circle() {
        let c = LonLat::new(-2.35, 53.42).unwrap();
        let b = BBox::around(c, 1000.0);
        for bearing in 0..360 {
            let p = geo::Destination::destination(
                &Haversine,
                Point::new(-2.35, 53.42),
                bearing as f64,
                999.999,
            );
            assert!(
                b.intersects([p.x(), p.y()], [p.x(), p.y()]),
                "bearing {bearing}"
            );
        }
        // Near a pole the box spans every longitude.
        let polar = BBox::around(LonLat::new(0.0, 89.99).unwrap(), 5000.0);
        assert_eq!(polar.rects()[0].0[0], -180.0);
    }

    #[test]
    fn haversine_is_in_metres() {
        // Altrincham to Stretford, about 7 km.
        let d = haversine_m([-2.3526, 53.3871], [-2.3167, 53.4457]);
        assert!((6_500.0..7_500.0).contains(&d), "{d}");
    }
}
