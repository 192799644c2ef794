//! Dutch PC4 postcode centroids (shipped in `geo/`, CC BY 4.0 GeoNames) and distances.

use std::collections::HashMap;
use std::sync::LazyLock;

const PC4_FILE: &str = include_str!("../geo/nl-pc4-centroids.csv");

/// PC4 → (latitude, longitude); postcodes spanning two places get the mean.
static PC4: LazyLock<HashMap<u16, (f64, f64)>> = LazyLock::new(|| {
    let mut sums: HashMap<u16, (f64, f64, u32)> = HashMap::new();
    for line in PC4_FILE.lines().skip(1) {
        let mut cols = line.split(',');
        let (Some(pc), Some(_place), Some(lat), Some(lon)) =
            (cols.next(), cols.next(), cols.next(), cols.next())
        else {
            continue;
        };
        if let (Ok(pc), Ok(lat), Ok(lon)) =
            (pc.parse::<u16>(), lat.parse::<f64>(), lon.parse::<f64>())
        {
            let e = sums.entry(pc).or_default();
            e.0 += lat;
            e.1 += lon;
            e.2 += 1;
        }
    }
    sums.into_iter()
        .map(|(pc, (lat, lon, n))| (pc, (lat / f64::from(n), lon / f64::from(n))))
        .collect()
});

/// The centroid of a Dutch postcode ("3831", "3831 AB", "3831ab"); `None` when unknown.
pub fn postcode_centroid(postcode: &str) -> Option<(f64, f64)> {
    let digits: String = postcode.trim().chars().take(4).collect();
    if digits.len() != 4 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let rest: String = postcode
        .trim()
        .chars()
        .skip(4)
        .filter(|c| !c.is_whitespace())
        .collect();
    if !(rest.is_empty() || (rest.len() == 2 && rest.chars().all(|c| c.is_ascii_alphabetic()))) {
        return None;
    }
    PC4.get(&digits.parse::<u16>().ok()?).copied()
}

/// Distance in kilometres between two points. An equirectangular approximation: within 0.5 %
/// of the great-circle distance at municipal scale, and a few times cheaper to compute.
#[inline]
pub fn distance_km(lat1: f32, lon1: f32, lat2: f32, lon2: f32) -> f32 {
    const EARTH_RADIUS_KM: f32 = 6371.0;
    let mean_lat = ((lat1 + lat2) * 0.5).to_radians();
    let dx = (lon2 - lon1).to_radians() * mean_lat.cos();
    let dy = (lat2 - lat1).to_radians();
    EARTH_RADIUS_KM * (dx * dx + dy * dy).sqrt()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn leusden_postcodes_are_known_and_others_are_refused() {
        let (lat, lon) = postcode_centroid("3831").unwrap();
        assert!((52.1..52.2).contains(&lat) && (5.4..5.6).contains(&lon));
        assert!(postcode_centroid("3791 AB").is_some());
        assert!(postcode_centroid("3833ab").is_some());
        assert!(postcode_centroid("0000").is_none());
        assert!(postcode_centroid("38").is_none());
        assert!(postcode_centroid("3831 ABC").is_none());
    }

    #[test]
    fn distances_match_the_great_circle_at_municipal_scale() {
        // Leusden centre to Achterveld: about 4.4 km.
        let d = distance_km(52.133, 5.430, 52.137, 5.494);
        assert!((4.2..4.6).contains(&d), "{d}");
        assert_eq!(distance_km(52.1, 5.4, 52.1, 5.4), 0.0);
    }
}
