//! Postcodes as text: the canonical form and the public district.

/// UK postcodes in their canonical form: upper case, one space before the
/// last three characters. Other text is only trimmed and upper-cased.
pub fn normalise_postcode(s: &str) -> String {
    let compact: String = s
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .to_uppercase();
    if (5..=7).contains(&compact.len()) && compact.is_ascii() {
        let (outward, inward) = compact.split_at(compact.len() - 3);
        format!("{outward} {inward}")
    } else {
        compact
    }
}

/// The outward half of a postcode ("M33 7XX" -> "M33").
pub(super) fn postcode_district(p: &str) -> String {
    p.split_whitespace().next().unwrap_or_default().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn postcodes_are_normalised() {
        assert_eq!(normalise_postcode("m33 7xx"), "M33 7XX");
        assert_eq!(normalise_postcode("WA145AB"), "WA14 5AB");
        assert_eq!(normalise_postcode(" M1  1AA "), "M1 1AA");
    }
}
