use super::Capital;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The categories a capital may hold. Built in here, and extended at run
/// time from a JSON file (`--categories`), so that a forum can add its own
/// without a migration: the store keeps categories as plain text.
#[derive(Debug, Clone, Serialize)]
pub struct Vocabulary {
    by_capital: BTreeMap<Capital, Vec<Category>>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Category {
    pub code: String,
    pub label: String,
}

const BUILT_IN: &[(Capital, &[(&str, &str)])] = &[
    (
        Capital::Social,
        &[
            ("group", "Community group"),
            ("club", "Club"),
            ("sports_club", "Sports club"),
            ("faith_group", "Faith group"),
            ("charity", "Charity"),
            ("food_bank", "Food bank"),
            ("timebank", "Timebank"),
            ("forum", "Forum or network"),
            ("youth_group", "Youth group"),
            ("mutual_aid", "Mutual aid"),
        ],
    ),
    (
        Capital::Human,
        &[
            ("skill", "Skill"),
            ("knowledge", "Knowledge"),
            ("time_offer", "Offer of time"),
            ("passion", "Passion or interest"),
        ],
    ),
    (
        Capital::Public,
        &[
            ("library", "Library"),
            ("gp", "GP practice"),
            ("pharmacy", "Pharmacy"),
            ("dentist", "Dentist"),
            ("school", "School or college"),
            ("childrens_centre", "Children's centre"),
            ("care_home", "Care home"),
            ("post_office", "Post office"),
            ("council_service", "Council service"),
            ("police", "Police"),
            ("clinic", "Clinic or health centre"),
            ("social_facility", "Social care facility"),
        ],
    ),
    (
        Capital::Physical,
        &[
            ("community_centre", "Community centre"),
            ("village_hall", "Village hall"),
            ("library_building", "Library building"),
            ("green_space", "Green space"),
            ("green_space_access", "Green space entrance"),
            ("allotment", "Allotment"),
            ("sports_facility", "Sports facility"),
            ("place_of_worship", "Place of worship"),
            ("defibrillator", "Defibrillator"),
            ("transport", "Transport"),
            ("arts_centre", "Arts centre"),
            ("playground", "Playground"),
            ("equipment", "Equipment"),
            ("technology", "Technology"),
        ],
    ),
    (
        Capital::Financial,
        &[
            ("grant", "Grant"),
            ("fund", "Fund"),
            ("grant_maker", "Grant maker"),
            ("credit_union", "Credit union"),
            ("sponsorship", "Sponsorship"),
        ],
    ),
];

impl Default for Vocabulary {
    fn default() -> Self {
        let by_capital = BUILT_IN
            .iter()
            .map(|(capital, cats)| {
                let cats = cats
                    .iter()
                    .map(|(code, label)| Category {
                        code: code.to_string(),
                        label: label.to_string(),
                    })
                    .collect();
                (*capital, cats)
            })
            .collect();
        Vocabulary { by_capital }
    }
}

impl Vocabulary {
    /// The built-in vocabulary plus a JSON object `{"social": [{"code": ..,
    /// "label": ..}], ...}`; codes already present keep their built-in label.
    pub fn with_extension(json: &str) -> Result<Self, String> {
        let extra: BTreeMap<String, Vec<Category>> =
            serde_json::from_str(json).map_err(|e| format!("categories file: {e}"))?;
        let mut vocab = Vocabulary::default();
        for (capital, cats) in extra {
            let capital: Capital = capital.parse()?;
            for cat in cats {
                if !is_code(&cat.code) {
                    return Err(format!(
                        "category code '{}' must be lowercase letters, digits and _",
                        cat.code
                    ));
                }
                if !vocab.contains(capital, &cat.code) {
                    vocab.by_capital.entry(capital).or_default().push(cat);
                }
            }
        }
        Ok(vocab)
    }

    pub fn contains(&self, capital: Capital, code: &str) -> bool {
        self.by_capital
            .get(&capital)
            .is_some_and(|cats| cats.iter().any(|c| c.code == code))
    }

    pub fn categories(&self, capital: Capital) -> &[Category] {
        self.by_capital.get(&capital).map_or(&[], Vec::as_slice)
    }

    /// Checks a category for a capital, with a message that lists the choices.
    pub fn check(&self, capital: Capital, code: &str) -> Result<(), String> {
        if self.contains(capital, code) {
            return Ok(());
        }
        let choices: Vec<&str> = self
            .categories(capital)
            .iter()
            .map(|c| c.code.as_str())
            .collect();
        Err(format!(
            "'{code}' is not a category of {capital} capital; expected one of {}",
            choices.join(", ")
        ))
    }
}

fn is_code(s: &str) -> bool {
    !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn built_in_categories_belong_to_their_capital() {
        let v = Vocabulary::default();
        assert!(v.contains(Capital::Public, "library"));
        assert!(!v.contains(Capital::Social, "library"));
        assert!(v
            .check(Capital::Social, "library")
            .unwrap_err()
            .contains("food_bank"));
    }

    #[test]
    fn extension_adds_categories_without_touching_built_ins() {
        let v = Vocabulary::with_extension(
            r#"{"social": [{"code": "men_in_sheds", "label": "Men in sheds"}]}"#,
        )
        .unwrap();
        assert!(v.contains(Capital::Social, "men_in_sheds"));
        assert!(v.contains(Capital::Social, "food_bank"));
        assert!(
            Vocabulary::with_extension(r#"{"social": [{"code": "Bad Code", "label": "x"}]}"#)
                .is_err()
        );
        assert!(Vocabulary::with_extension(r#"{"cultural": []}"#).is_err());
    }
}
