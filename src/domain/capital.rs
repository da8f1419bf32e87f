use super::words::word_enum;
use serde::{Deserialize, Serialize};
use std::fmt;

/// The five kinds of community strength an asset can represent.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    utoipa::ToSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Capital {
    Social,
    Human,
    Public,
    Physical,
    Financial,
}

impl Capital {
    pub const ALL: [Capital; 5] = [
        Capital::Social,
        Capital::Human,
        Capital::Public,
        Capital::Physical,
        Capital::Financial,
    ];

    /// A bit per capital, so that the index can filter with one AND.
    pub fn bit(self) -> u8 {
        1 << (self as u8)
    }
}

impl fmt::Display for Capital {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

word_enum!(Capital, "capital" {
    Social = "social",
    Human = "human",
    Public = "public",
    Physical = "physical",
    Financial = "financial",
});

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_case_insensitively_and_rejects_unknown() {
        assert_eq!("Social".parse::<Capital>(), Ok(Capital::Social));
        assert_eq!(" financial ".parse::<Capital>(), Ok(Capital::Financial));
        assert!("cultural"
            .parse::<Capital>()
            .unwrap_err()
            .contains("cultural"));
    }

    #[test]
    fn bits_are_distinct() {
        let all = Capital::ALL.iter().fold(0u8, |acc, c| {
            assert_eq!(acc & c.bit(), 0);
            acc | c.bit()
        });
        assert_eq!(all.count_ones(), 5);
    }
}
