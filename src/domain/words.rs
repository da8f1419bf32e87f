//! Enums written as words (a capital, a status, an export format, a gap
//! measure): one way to read each from text, with one error, whether the
//! text comes from a query, a body, a store row or a command-line flag
//! (config.rs offers the same words to clap).

/// An enum whose every value is written as one word.
pub trait Words: Copy + Sized + 'static {
    /// What a value is called in an error: "capital", "format".
    const WHAT: &'static str;
    const VALUES: &'static [Self];
    fn word(self) -> &'static str;
}

/// The value written as `text`, ignoring ASCII case and surrounding blanks.
pub fn from_word<T: Words>(text: &str) -> Result<T, String> {
    let text = text.trim();
    T::VALUES
        .iter()
        .copied()
        .find(|v| v.word().eq_ignore_ascii_case(text))
        .ok_or_else(|| {
            let words: Vec<&str> = T::VALUES.iter().map(|v| v.word()).collect();
            format!(
                "unknown {} '{text}'; expected one of {}",
                T::WHAT,
                words.join(", ")
            )
        })
}

/// `as_str`, `FromStr` and `Words` for an enum, from its words:
/// `word_enum!(Format, "format" { GeoJson = "geojson", Csv = "csv" });`
macro_rules! word_enum {
    ($ty:ty, $what:literal { $($variant:ident = $word:literal),+ $(,)? }) => {
        impl $ty {
            pub fn as_str(self) -> &'static str {
                match self { $(Self::$variant => $word),+ }
            }
        }
        impl $crate::domain::Words for $ty {
            const WHAT: &'static str = $what;
            const VALUES: &'static [Self] = &[$(Self::$variant),+];
            fn word(self) -> &'static str {
                self.as_str()
            }
        }
        impl std::str::FromStr for $ty {
            type Err = String;
            fn from_str(s: &str) -> Result<Self, String> {
                $crate::domain::from_word(s)
            }
        }
    };
}
pub(crate) use word_enum;

#[cfg(test)]
mod tests {
    #[derive(Debug, Clone, Copy, PartialEq)]
    enum Pace {
        Slow,
        BriskWalk,
    }
    word_enum!(Pace, "pace" { Slow = "slow", BriskWalk = "brisk_walk" });

    #[test]
    fn reads_any_case_and_names_every_word_when_it_cannot() {
        assert_eq!(" Brisk_Walk ".parse::<Pace>(), Ok(Pace::BriskWalk));
        assert_eq!(Pace::Slow.as_str(), "slow");
        assert_eq!(
            "run".parse::<Pace>(),
            Err("unknown pace 'run'; expected one of slow, brisk_walk".to_string())
        );
    }
}
