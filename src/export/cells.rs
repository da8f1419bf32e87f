//! CSV cells a spreadsheet would take for a formula. A cell starting with
//! `=`, `+`, `-` or `@` (or a tab or carriage return, which some programs
//! skip before looking) is run as a formula by Excel, LibreOffice and
//! Google Sheets: `=HYPERLINK(...)` in an asset's name would become a
//! link in an officer's spreadsheet. Such text cells get a leading `'`,
//! which spreadsheets show as text. Numeric columns (a negative longitude)
//! are written as they are, so they stay numbers.

const FORMULA_STARTS: &[char] = &['=', '+', '-', '@', '\t', '\r'];

/// The text as a CSV cell a spreadsheet shows as text.
pub fn neutralise(text: String) -> String {
    if text.starts_with(FORMULA_STARTS) {
        format!("'{text}")
    } else {
        text
    }
}

/// A cell as read back from one of our CSV exports: the `'` put before a
/// formula-like text is taken off again, so an export re-imports as it was.
pub fn restore(cell: &str) -> &str {
    match cell.strip_prefix('\'') {
        Some(rest) if rest.starts_with(FORMULA_STARTS) => rest,
        _ => cell,
    }
}

#[cfg(test)]
mod tests {
    use super::{neutralise, restore};

    #[test]
    fn an_export_reads_back_as_it_was() {
        for text in ["=1+1", "+44", "-x", "@a", "plain", "'quoted", ""] {
            assert_eq!(restore(&neutralise(text.to_string())), text);
        }
    }

    #[test]
    fn formulas_become_text() {
        for (cell, expected) in [
            ("=1+1", "'=1+1"),
            ("+44 161 000", "'+44 161 000"),
            ("-x", "'-x"),
            ("@SUM(A1)", "'@SUM(A1)"),
            ("\t=1", "'\t=1"),
            ("\r=1", "'\r=1"),
            ("Altrincham Library", "Altrincham Library"),
            ("", ""),
        ] {
            assert_eq!(neutralise(cell.to_string()), expected);
        }
    }
}
