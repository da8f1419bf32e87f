//! An asset's one-line address and postcode as an HSDS address, and back.
//!
//! assetmap keeps the address as people write it ("12 High Street,
//! Altrincham"); HSDS wants lines, a city, a region and a country. The last
//! comma-separated part is taken as the city, the first as `address_1`, the
//! rest as `address_2`. Postcodes are UK postcodes, so the country is GB;
//! the UK has no state or province, so `state_province` is empty.

/// HSDS address lines for an address and postcode.
pub struct Lines {
    pub address_1: String,
    pub address_2: Option<String>,
    pub city: String,
}

pub fn split(address: Option<&str>, postcode: Option<&str>) -> Lines {
    let mut parts: Vec<&str> = address
        .unwrap_or("")
        .split(',')
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .collect();
    // An address that ends with its own postcode says it once, in postal_code.
    if let (Some(last), Some(pc)) = (parts.last(), postcode) {
        if last.eq_ignore_ascii_case(pc) {
            parts.pop();
        }
    }
    match parts.len() {
        0 => Lines {
            address_1: String::new(),
            address_2: None,
            city: String::new(),
        },
        1 => Lines {
            address_1: parts[0].to_string(),
            address_2: None,
            city: String::new(),
        },
        n => Lines {
            address_1: parts[0].to_string(),
            address_2: (n > 2).then(|| parts[1..n - 1].join(", ")),
            city: parts[n - 1].to_string(),
        },
    }
}

/// The one-line address for HSDS lines (attention, lines, city, region).
pub fn join(parts: &[Option<&str>]) -> Option<String> {
    let kept: Vec<&str> = parts
        .iter()
        .flatten()
        .map(|s| s.trim())
        .filter(|s| !s.is_empty())
        .collect();
    (!kept.is_empty()).then(|| kept.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_and_joins_back() {
        for a in [
            "12 High Street, Altrincham",
            "Unit 3, Trafford Park, Old Trafford, Manchester",
            "The Old School",
        ] {
            let l = split(Some(a), None);
            let city = (!l.city.is_empty()).then_some(l.city.as_str());
            assert_eq!(
                join(&[Some(&l.address_1), l.address_2.as_deref(), city]).as_deref(),
                Some(a)
            );
        }
        let l = split(Some("1 Moss Lane, Sale, M33 6AA"), Some("M33 6AA"));
        assert_eq!(
            (l.address_1.as_str(), l.city.as_str()),
            ("1 Moss Lane", "Sale")
        );
    }
}
