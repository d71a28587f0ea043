//! Places: a point as Telegram sends it (WGS-84), a unit's boundary, and where a resident's
//! report belongs — by a location inside a boundary (the deepest unit wins), by an address
//! keyword in the text (the longest match wins), and which chat gets it.
//!
//! Coordinates are degrees, WGS-84, as Telegram's `Location` and GeoJSON give them. GeoJSON
//! and the organisation file write a position `[longitude, latitude]`; [`Point`] names its
//! fields, so the order cannot be mixed up in code.

use geo::{Coord, Distance, Haversine, Intersects, LineString, MultiPolygon, Polygon};
use serde::{Deserialize, Serialize};

use super::ids::UnitId;
use super::org::Organisation;
use super::parse::fold_str;

/// A point on the earth, WGS-84 degrees, as Telegram's `Location` gives it.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Point {
    pub lat: f64,
    pub lon: f64,
}

impl Point {
    fn geo(self) -> geo::Point<f64> {
        geo::Point::new(self.lon, self.lat)
    }
}

/// Why a boundary cannot be used. The organisation file check turns each into a problem on
/// the line of the unit's `boundary` or `boundary_file`.
#[derive(Debug, Clone, PartialEq)]
pub enum BoundaryError {
    /// A ring with fewer than three distinct corners: `points` positions once closed.
    Ring { points: usize },
    /// A position outside −180…180 longitude or −90…90 latitude (or not a number).
    Coordinate { lon: f64, lat: f64 },
    /// A geometry that is not an area (a Point, a LineString, …), by its GeoJSON type.
    Kind { kind: String },
    /// Not GeoJSON, or GeoJSON without any polygon.
    Json { detail: String },
}

impl std::fmt::Display for BoundaryError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            BoundaryError::Ring { points } => write!(f, "a ring of {points} points"),
            BoundaryError::Coordinate { lon, lat } => write!(f, "position [{lon}, {lat}]"),
            BoundaryError::Kind { kind } => write!(f, "a {kind} is not an area"),
            BoundaryError::Json { detail } => f.write_str(detail),
        }
    }
}

/// The area of a unit: one or more polygons, each with an outer ring and any holes.
///
/// Rings are closed by the constructors: a ring whose last position is not its first gets the
/// first one appended (people copy corners from a map and forget the repeat; RFC 7946 wants it
/// repeated, and nothing is lost by adding it). A ring must then have at least 4 positions,
/// i.e. three corners. Serialized as a GeoJSON geometry (a Polygon when there is one polygon,
/// else a MultiPolygon), which is also how storage keeps it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(into = "geojson::Geometry", try_from = "geojson::Geometry")]
pub struct Boundary(MultiPolygon<f64>);

// Every coordinate is checked to be a finite number in range when a boundary is made, so
// equality of coordinates is an equivalence (no NaN).
impl Eq for Boundary {}

fn position(p: &[f64]) -> Result<Coord<f64>, BoundaryError> {
    let (lon, lat) = match p {
        [lon, lat, ..] => (*lon, *lat),
        _ => {
            return Err(BoundaryError::Json {
                detail: "a position needs a longitude and a latitude".into(),
            })
        }
    };
    if !(-180.0..=180.0).contains(&lon) || !(-90.0..=90.0).contains(&lat) {
        return Err(BoundaryError::Coordinate { lon, lat });
    }
    Ok(Coord { x: lon, y: lat })
}

/// A ring of positions, checked and closed (see [`Boundary`]).
fn ring<'a>(
    positions: impl IntoIterator<Item = &'a [f64]>,
) -> Result<LineString<f64>, BoundaryError> {
    let mut coords = positions
        .into_iter()
        .map(position)
        .collect::<Result<Vec<_>, _>>()?;
    if let (Some(first), Some(last)) = (coords.first().copied(), coords.last().copied()) {
        if first != last {
            coords.push(first);
        }
    }
    if coords.len() < 4 {
        return Err(BoundaryError::Ring {
            points: coords.len(),
        });
    }
    Ok(LineString::new(coords))
}

fn polygon(rings: &[Vec<geojson::Position>]) -> Result<Polygon<f64>, BoundaryError> {
    let mut rings = rings.iter().map(|r| ring(r.iter().map(|p| p.as_slice())));
    let Some(outer) = rings.next() else {
        return Err(BoundaryError::Json {
            detail: "a polygon without rings".into(),
        });
    };
    Ok(Polygon::new(outer?, rings.collect::<Result<_, _>>()?))
}

fn polygons_of(g: &geojson::Geometry, out: &mut Vec<Polygon<f64>>) -> Result<(), BoundaryError> {
    use geojson::GeometryValue as G;
    match &g.value {
        G::Polygon { coordinates } => out.push(polygon(coordinates)?),
        G::MultiPolygon { coordinates } => {
            for p in coordinates {
                out.push(polygon(p)?);
            }
        }
        other => {
            return Err(BoundaryError::Kind {
                kind: other.type_name().to_string(),
            })
        }
    }
    Ok(())
}

impl Boundary {
    /// One outer ring, `[longitude, latitude]` pairs, as the organisation file's inline
    /// `boundary` gives it.
    pub fn from_ring(points: &[[f64; 2]]) -> Result<Boundary, BoundaryError> {
        let outer = ring(points.iter().map(|p| p.as_slice()))?;
        Ok(Boundary(MultiPolygon::new(vec![Polygon::new(
            outer,
            vec![],
        )])))
    }

    /// Whether `[longitude, latitude]` is a position in range, for the file check to report a
    /// bad corner on its own line.
    pub fn check_position(p: [f64; 2]) -> Result<(), BoundaryError> {
        position(&p).map(|_| ())
    }

    /// A GeoJSON text: a Polygon (holes allowed) or MultiPolygon geometry, a Feature with one,
    /// or a FeatureCollection whose features' areas are taken together.
    pub fn from_geojson(text: &str) -> Result<Boundary, BoundaryError> {
        let gj: geojson::GeoJson =
            text.parse()
                .map_err(|e: geojson::Error| BoundaryError::Json {
                    detail: e.to_string(),
                })?;
        let mut polygons = Vec::new();
        match &gj {
            geojson::GeoJson::Geometry(g) => polygons_of(g, &mut polygons)?,
            geojson::GeoJson::Feature(f) => {
                if let Some(g) = &f.geometry {
                    polygons_of(g, &mut polygons)?;
                }
            }
            geojson::GeoJson::FeatureCollection(fc) => {
                for g in fc.features.iter().filter_map(|f| f.geometry.as_ref()) {
                    polygons_of(g, &mut polygons)?;
                }
            }
        }
        if polygons.is_empty() {
            return Err(BoundaryError::Json {
                detail: "no Polygon or MultiPolygon in it".into(),
            });
        }
        Ok(Boundary(MultiPolygon::new(polygons)))
    }

    /// The GeoJSON geometry text, as storage keeps it; [`Boundary::from_geojson`] reads it back
    /// equal.
    pub fn to_geojson(&self) -> String {
        geojson::Geometry::from(self.clone()).to_string()
    }

    /// Whether the point is inside the area or on its edge (not in a hole).
    pub fn contains(&self, p: Point) -> bool {
        self.0.intersects(&p.geo())
    }

    /// The polygons, for checks over areas (a community containing its grids).
    pub fn polygons(&self) -> &MultiPolygon<f64> {
        &self.0
    }
}

impl From<Boundary> for geojson::Geometry {
    fn from(b: Boundary) -> geojson::Geometry {
        match b.0 .0.as_slice() {
            [one] => geojson::Geometry::from(one),
            _ => geojson::Geometry::from(&b.0),
        }
    }
}

impl TryFrom<geojson::Geometry> for Boundary {
    type Error = BoundaryError;
    fn try_from(g: geojson::Geometry) -> Result<Boundary, BoundaryError> {
        let mut polygons = Vec::new();
        polygons_of(&g, &mut polygons)?;
        Ok(Boundary(MultiPolygon::new(polygons)))
    }
}

/// The great-circle distance in metres (haversine, mean earth radius): within a few metres of
/// the true distance at the scale of a neighbourhood.
pub fn distance_m(a: Point, b: Point) -> f64 {
    Haversine.distance(a.geo(), b.geo())
}

/// How many units are above this one: the deeper, the more precise.
fn depth(org: &Organisation, id: &UnitId) -> usize {
    org.lineage(id).len()
}

/// The deepest unit whose boundary contains the point (a grid before its community before the
/// sub-district); a point on an edge counts as inside, and of two units of the same depth that
/// both contain it the first in the file wins. None when no boundary contains it.
pub fn unit_at(org: &Organisation, p: Point) -> Option<UnitId> {
    let mut best: Option<(usize, &UnitId)> = None;
    for u in &org.units {
        if u.boundary.as_ref().is_some_and(|b| b.contains(p)) {
            let d = depth(org, &u.id);
            if best.is_none_or(|(bd, _)| d > bd) {
                best = Some((d, &u.id));
            }
        }
    }
    best.map(|(_, id)| id.clone())
}

/// The unit whose address keyword is the longest match in the text, compared folded
/// (Traditional → Simplified, full-width → half-width, case). Of equally long matches the
/// deeper unit wins, then the first in the file. None when no keyword occurs.
pub fn unit_by_address(org: &Organisation, text: &str) -> Option<UnitId> {
    let folded = fold_str(text);
    let mut best: Option<(usize, usize, &UnitId)> = None;
    for u in &org.units {
        for a in &u.addresses {
            let key = fold_str(a.trim());
            if key.is_empty() || !folded.contains(&key) {
                continue;
            }
            let len = key.chars().count();
            let d = depth(org, &u.id);
            if best.is_none_or(|(bl, bd, _)| (len, d) > (bl, bd)) {
                best = Some((len, d, &u.id));
            }
        }
    }
    best.map(|(_, _, id)| id.clone())
}

/// The unit that gets an order placed in `unit`: the unit itself if it has a chat, else its
/// nearest ancestor with one. None when neither it nor any unit above has a chat (or the unit
/// is unknown).
pub fn unit_with_chat(org: &Organisation, unit: &UnitId) -> Option<UnitId> {
    org.lineage(unit)
        .into_iter()
        .find(|u| u.chat_id.is_some())
        .map(|u| u.id.clone())
}

/// Points come from Telegram's JSON or a checked organisation file: never NaN, so equality is
/// an equivalence (orders, which carry one, compare with `Eq`).
impl Eq for Point {}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::org::{parse_org, parse_org_with};

    fn pt(lon: f64, lat: f64) -> Point {
        Point { lat, lon }
    }

    /// A 10 × 10 square at the origin with a 2 × 2 hole in its middle, and a second square
    /// further east.
    const WITH_HOLE: &str = r#"{"type": "MultiPolygon", "coordinates": [
        [[[0, 0], [10, 0], [10, 10], [0, 10], [0, 0]], [[4, 4], [6, 4], [6, 6], [4, 6], [4, 4]]],
        [[[20, 0], [30, 0], [30, 10], [20, 10], [20, 0]]]
    ]}"#;

    #[test]
    fn point_in_polygon_inside_outside_on_the_edge_and_in_a_hole() {
        let b = Boundary::from_geojson(WITH_HOLE).unwrap();
        assert!(b.contains(pt(1.0, 1.0)), "inside the first polygon");
        assert!(b.contains(pt(25.0, 5.0)), "inside the second polygon");
        assert!(b.contains(pt(10.0, 5.0)), "on an edge counts as inside");
        assert!(!b.contains(pt(5.0, 5.0)), "in the hole");
        assert!(!b.contains(pt(15.0, 5.0)), "between the polygons");
        assert!(!b.contains(pt(5.0, -0.1)), "just outside");
        // The same area as a Feature and as a FeatureCollection of two Polygons.
        let feature =
            format!(r#"{{"type": "Feature", "properties": null, "geometry": {WITH_HOLE}}}"#);
        assert_eq!(Boundary::from_geojson(&feature).unwrap(), b);
        let collection = r#"{"type": "FeatureCollection", "features": [
            {"type": "Feature", "properties": {}, "geometry": {"type": "Polygon", "coordinates":
                [[[0, 0], [10, 0], [10, 10], [0, 10], [0, 0]], [[4, 4], [6, 4], [6, 6], [4, 6], [4, 4]]]}},
            {"type": "Feature", "properties": {}, "geometry": {"type": "Polygon", "coordinates":
                [[[20, 0], [30, 0], [30, 10], [20, 10], [20, 0]]]}}
        ]}"#;
        assert_eq!(Boundary::from_geojson(collection).unwrap(), b);
    }

    #[test]
    fn a_boundary_round_trips_through_its_geojson_text_and_serde() {
        let b = Boundary::from_geojson(WITH_HOLE).unwrap();
        assert_eq!(Boundary::from_geojson(&b.to_geojson()).unwrap(), b);
        let json = serde_json::to_string(&b).unwrap();
        assert!(json.contains("\"MultiPolygon\""), "{json}");
        assert_eq!(serde_json::from_str::<Boundary>(&json).unwrap(), b);
        let one = Boundary::from_ring(&[[1.5, 2.25], [3.0, 2.25], [3.0, 4.0]]).unwrap();
        assert!(
            one.to_geojson().contains("\"Polygon\""),
            "{}",
            one.to_geojson()
        );
        assert_eq!(Boundary::from_geojson(&one.to_geojson()).unwrap(), one);
    }

    #[test]
    fn distance_is_the_great_circle_in_metres() {
        // One degree of latitude on the mean-radius sphere: π/180 × 6 371 008.8 m.
        let d = distance_m(pt(102.7, 25.0), pt(102.7, 26.0));
        assert!((d - 111_195.08).abs() < 1.0, "{d}");
        // 0.001° of longitude at 25° N is cos(25°) × 111.195 m ≈ 100.8 m.
        let d = distance_m(pt(102.700, 25.0), pt(102.701, 25.0));
        assert!((d - 100.78).abs() < 0.5, "{d}");
        assert_eq!(distance_m(pt(102.7, 25.0), pt(102.7, 25.0)), 0.0);
    }

    /// A sub-district with a boundary, a community with one, two grids inside it (one without a
    /// chat), and a unit without a chat at any level below the district.
    const ORG: &str = r#"
[[unit]]
id = "d"
kind = "district"
name = "区"
chat_id = -1
[[unit]]
id = "s"
kind = "subdistrict"
parent = "d"
name = "街道"
boundary = [[0, 0], [100, 0], [100, 50], [0, 50]]
[[unit]]
id = "c"
kind = "community"
parent = "s"
name = "社区"
chat_id = -3
boundary = [[0, 0], [20, 0], [20, 20], [0, 20]]
addresses = ["华山西路"]
[[unit]]
id = "g1"
kind = "grid"
parent = "c"
name = "一网格"
chat_id = -4
boundary_file = "g1.geojson"
addresses = ["华山西路12号", "翠湖北路", "ABC大厦"]
[[unit]]
id = "g2"
kind = "grid"
parent = "c"
name = "二网格"
boundary = [[10, 0], [20, 0], [20, 10], [10, 10]]
addresses = ["華山西路14号", "翠湖南路"]
[[unit]]
id = "c2"
kind = "community"
parent = "s"
name = "另一个社区"
addresses = ["翠湖"]
"#;

    fn org() -> Organisation {
        parse_org_with(ORG, &|name| match name {
            "g1.geojson" => Ok(r#"{"type": "Polygon", "coordinates":
                [[[0, 0], [10, 0], [10, 10], [0, 10], [0, 0]], [[4, 4], [6, 4], [6, 6], [4, 6], [4, 4]]]}"#
                .to_string()),
            _ => Err("no such file".into()),
        })
        .unwrap()
    }

    fn id(s: &str) -> Option<UnitId> {
        Some(UnitId::checked(s))
    }

    #[test]
    fn the_deepest_unit_containing_the_point_wins() {
        let org = org();
        assert_eq!(unit_at(&org, pt(2.0, 2.0)), id("g1"), "grid over community");
        assert_eq!(unit_at(&org, pt(15.0, 5.0)), id("g2"));
        assert_eq!(
            unit_at(&org, pt(5.0, 5.0)),
            id("c"),
            "the grid's hole is the community's"
        );
        assert_eq!(unit_at(&org, pt(5.0, 15.0)), id("c"), "in no grid");
        assert_eq!(unit_at(&org, pt(50.0, 30.0)), id("s"), "in no community");
        assert_eq!(
            unit_at(&org, pt(150.0, 30.0)),
            None,
            "outside every boundary"
        );
        // On the edge two grids share, the first in the file.
        assert_eq!(unit_at(&org, pt(10.0, 5.0)), id("g1"));
    }

    #[test]
    fn the_longest_address_keyword_wins_in_any_script() {
        let org = org();
        assert_eq!(unit_by_address(&org, "华山西路12号门口路灯坏了"), id("g1"));
        // "华山西路" alone is the community's.
        assert_eq!(unit_by_address(&org, "华山西路上有个坑"), id("c"));
        // Traditional and full-width digits typed, Traditional keyword in the file.
        assert_eq!(unit_by_address(&org, "華山西路１４號旁邊"), id("g2"));
        assert_eq!(unit_by_address(&org, "华山西路14号"), id("g2"));
        // Case and width fold too.
        assert_eq!(unit_by_address(&org, "ａｂｃ大厦三楼"), id("g1"));
        // "翠湖北路" (4) beats the other community's "翠湖" (2).
        assert_eq!(unit_by_address(&org, "翠湖北路"), id("g1"));
        assert_eq!(unit_by_address(&org, "翠湖边"), id("c2"));
        assert_eq!(unit_by_address(&org, "不知道在哪"), None);
        assert_eq!(unit_by_address(&org, ""), None);
    }

    #[test]
    fn of_equally_long_keywords_the_deeper_unit_wins() {
        let text = ORG
            .replace("addresses = [\"翠湖\"]", "addresses = [\"翠湖南路\"]")
            .replace("boundary_file = \"g1.geojson\"\n", "");
        let org = parse_org(&text).unwrap();
        // c2 (a community) comes after g2 (a grid) in the file and both have "翠湖南路".
        assert_eq!(unit_by_address(&org, "翠湖南路5号"), id("g2"));
        let swapped = text
            .replace(
                "addresses = [\"翠湖南路\"]",
                "addresses = [\"PLACEHOLDER\"]",
            )
            .replace("\"翠湖南路\"]", "\"翠湖南路x\"]")
            .replace("PLACEHOLDER", "翠湖南路");
        let org = parse_org(&swapped).unwrap();
        assert_eq!(
            unit_by_address(&org, "翠湖南路5号"),
            id("c2"),
            "no tie: g2 wants 翠湖南路x"
        );
    }

    #[test]
    fn an_order_goes_to_the_unit_or_its_nearest_ancestor_with_a_chat() {
        let org = org();
        assert_eq!(unit_with_chat(&org, &UnitId::checked("g1")), id("g1"));
        assert_eq!(unit_with_chat(&org, &UnitId::checked("g2")), id("c"));
        assert_eq!(
            unit_with_chat(&org, &UnitId::checked("c2")),
            id("d"),
            "over a chatless sub-district"
        );
        assert_eq!(unit_with_chat(&org, &UnitId::checked("nowhere")), None);
        let no_chats = parse_org(
            &ORG.replace("chat_id = -1\n", "")
                .replace("boundary_file = \"g1.geojson\"\n", ""),
        )
        .unwrap();
        assert_eq!(unit_with_chat(&no_chats, &UnitId::checked("c2")), None);
    }

    #[test]
    fn the_huashan_example_has_boundaries_that_route() {
        use crate::domain::policy::Level;
        use geo::{Contains, Relate};
        let org = parse_org(include_str!("../../examples/huashan.toml")).unwrap();
        let grids: Vec<_> = org.units.iter().filter(|u| u.kind == Level::Grid).collect();
        assert_eq!(grids.len(), 10);
        for g in &grids {
            let b = g
                .boundary
                .as_ref()
                .unwrap_or_else(|| panic!("{} has a boundary", g.id));
            assert!(!g.addresses.is_empty(), "{} has addresses", g.id);
            let parent = org.unit(g.parent.as_ref().unwrap()).unwrap();
            let pb = parent.boundary.as_ref().unwrap();
            assert!(
                pb.polygons().contains(b.polygons()),
                "{} contains {}",
                parent.id,
                g.id
            );
            for other in grids.iter().filter(|o| o.id != g.id) {
                let m = b
                    .polygons()
                    .relate(other.boundary.as_ref().unwrap().polygons());
                assert!(
                    !m.is_intersects() || m.is_touches(),
                    "{} overlaps {}",
                    g.id,
                    other.id
                );
            }
        }
        let huashan = org
            .unit(&UnitId::checked("huashan"))
            .unwrap()
            .boundary
            .clone()
            .unwrap();
        for c in org.children(&UnitId::checked("huashan")) {
            assert!(huashan
                .polygons()
                .contains(c.boundary.as_ref().unwrap().polygons()));
        }
        // The demo's street light (see the comment on [resident]).
        let light = pt(102.7035, 25.0520);
        assert_eq!(unit_at(&org, light), id("cuihu-1"));
        assert_eq!(
            unit_with_chat(&org, &UnitId::checked("cuihu-1")),
            id("cuihu-1")
        );
        // South of the lake, and in 圆西 where no grid covers the point.
        assert_eq!(unit_at(&org, pt(102.7035, 25.0480)), id("cuihu-2"));
        assert_eq!(unit_at(&org, pt(102.712, 25.055)), id("yuanxi"));
        assert_eq!(
            unit_at(&org, pt(102.680, 25.050)),
            None,
            "outside the sub-district"
        );
        assert_eq!(unit_by_address(&org, "翠湖北路的路灯不亮了"), id("cuihu-1"));
        assert_eq!(unit_by_address(&org, "翠湖南路翠湖賓館門口"), id("cuihu-2"));
        // wenlin-1 has no chat of its own: its community's.
        assert_eq!(
            unit_with_chat(&org, &UnitId::checked("wenlin-1")),
            id("wenlin")
        );
        assert_eq!(org.resident.max_photos, 5);
    }
}
