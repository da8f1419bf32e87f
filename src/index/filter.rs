use super::{AssetIndex, CategoryId, Entry};
use crate::domain::{Capital, Status};
use std::collections::HashSet;
use uuid::Uuid;

/// The non-spatial part of a query, applied to entries as the tree yields
/// them. `None` means "no restriction".
#[derive(Debug, Clone)]
pub struct Filter {
    capitals: u8,
    categories: Option<HashSet<CategoryId>>,
    ids: Option<HashSet<Uuid>>,
    statuses: Vec<Status>,
}

impl Default for Filter {
    fn default() -> Self {
        Filter {
            capitals: u8::MAX,
            categories: None,
            ids: None,
            statuses: vec![Status::Published],
        }
    }
}

impl Filter {
    /// The filter of a query or gap question: these capitals (all when
    /// none), and these categories (all when none) as the index knows them.
    pub fn for_query(index: &AssetIndex, capitals: &[Capital], categories: &[String]) -> Self {
        let filter = Filter::default().capitals(capitals);
        if categories.is_empty() {
            return filter;
        }
        filter.categories(
            categories
                .iter()
                .filter_map(|c| index.category_id(c))
                .collect(),
        )
    }

    pub fn capitals(mut self, capitals: &[Capital]) -> Self {
        if !capitals.is_empty() {
            self.capitals = capitals.iter().fold(0, |acc, c| acc | c.bit());
        }
        self
    }

    /// Categories unknown to the index match nothing, hence the ids.
    pub fn categories(mut self, categories: HashSet<CategoryId>) -> Self {
        self.categories = Some(categories);
        self
    }

    pub fn ids(mut self, ids: HashSet<Uuid>) -> Self {
        self.ids = Some(ids);
        self
    }

    pub fn statuses(mut self, statuses: Vec<Status>) -> Self {
        self.statuses = statuses;
        self
    }

    pub fn accepts(&self, e: &Entry) -> bool {
        self.capitals & e.capital().bit() != 0
            && self.statuses.contains(&e.status())
            && self
                .categories
                .as_ref()
                .is_none_or(|c| c.contains(&e.category))
            && self.ids.as_ref().is_none_or(|ids| ids.contains(&e.id))
    }
}
