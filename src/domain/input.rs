//! Checks every piece of text and every date from outside must pass before
//! it reaches a store. PostgreSQL refuses a NUL in text and dates outside
//! its range with an error that would otherwise become a 500; SQLite takes
//! them and hands them back to whoever reads them. Both answer the same
//! only if the same text is refused first, here, with the field named.

use super::FieldError;
use chrono::{DateTime, Datelike, Utc};

/// Refuses control characters (NUL, ESC, CR, ...). Multi-line text (a
/// description, a tag's value) may hold newlines and tabs.
pub fn check_text(field: &str, text: &str, multiline: bool) -> Result<(), FieldError> {
    let allowed = |c: char| multiline && (c == '\n' || c == '\t');
    if text.chars().any(|c| c.is_control() && !allowed(c)) {
        return Err(FieldError::new(
            field,
            "contains control characters (such as NUL, ESC or CR)",
        ));
    }
    Ok(())
}

/// A tag's key (one line, not empty) and value (may be several lines).
pub fn check_tag(key: &str, value: &str) -> Result<(), FieldError> {
    // The key names the field, so it must be printable itself.
    let field = format!("tags.{}", printable(key));
    if key.trim().is_empty() {
        return Err(FieldError::new("tags", "a tag needs a name"));
    }
    check_text(&field, key, false)?;
    check_text(&field, value, true)
}

/// Years PostgreSQL and SQLite both keep and give back as written: 0001 to
/// 9999. (RFC 3339 allows year 0000, which PostgreSQL refuses.)
pub fn check_timestamp(field: &str, at: &DateTime<Utc>) -> Result<(), FieldError> {
    if !(1..=9999).contains(&at.year()) {
        return Err(FieldError::new(
            field,
            "must be between the years 0001 and 9999",
        ));
    }
    Ok(())
}

/// A data set's name, as given to an import: it becomes part of each
/// asset's `source` and is looked up in the store.
pub fn check_dataset(name: &str) -> Result<(), FieldError> {
    if name.trim().is_empty() {
        return Err(FieldError::new("dataset", "name the data set"));
    }
    if name.chars().count() > 100 {
        return Err(FieldError::new("dataset", "longer than 100 characters"));
    }
    check_text("dataset", name, false)
}

/// At most `max` characters of `text`, saying how many were left out: an
/// error quoting a 50 MB line must not print it all.
pub fn clip(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        None => text.to_string(),
        Some((cut, _)) => format!(
            "{}… ({} more characters)",
            &text[..cut],
            text[cut..].chars().count()
        ),
    }
}

/// Text with its control characters shown as `\u{..}` escapes.
fn printable(s: &str) -> String {
    s.chars()
        .flat_map(|c| {
            if c.is_control() {
                c.escape_unicode().collect::<Vec<_>>()
            } else {
                vec![c]
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_are_refused_and_named() {
        assert!(check_text("q", "library", false).is_ok());
        for bad in ["a\0b", "\u{1b}[31m", "a\rb"] {
            assert_eq!(check_text("q", bad, false).unwrap_err().field, "q");
        }
        assert!(check_text("description", "two\nlines\tand a tab", true).is_ok());
        assert!(check_text("description", "nul\0", true).is_err());
        let err = check_tag("a\0b", "x").unwrap_err();
        assert_eq!(err.field, "tags.a\\u{0}b");
        assert_eq!(check_tag("k", "v\0").unwrap_err().field, "tags.k");
        assert!(check_tag("k", "multi\nline").is_ok());
    }

    #[test]
    fn dates_postgres_cannot_keep_are_refused() {
        let ok = DateTime::parse_from_rfc3339("2024-01-01T00:00:00Z").unwrap();
        assert!(check_timestamp("verified_at", &ok.to_utc()).is_ok());
        let zero = DateTime::parse_from_rfc3339("0000-01-01T00:00:00Z").unwrap();
        assert_eq!(
            check_timestamp("verified_at", &zero.to_utc())
                .unwrap_err()
                .field,
            "verified_at"
        );
    }

    #[test]
    fn long_text_is_clipped() {
        assert_eq!(clip("short", 10), "short");
        assert_eq!(clip("abcdef", 3), "abc… (3 more characters)");
        assert_eq!(clip("ééééé", 2), "éé… (3 more characters)");
    }

    #[test]
    fn dataset_names_are_one_printable_line() {
        assert!(check_dataset("libraries").is_ok());
        assert!(check_dataset("a\0b").is_err());
        assert!(check_dataset(" ").is_err());
    }
}
