use super::{AssetIndex, CategoryId, Entry, PublicAsset};
use crate::domain::{Capital, Status};
use std::collections::HashSet;
use std::sync::Arc;

/// The non-spatial part of a query, applied to entries as the tree yields
/// them. `None` means "no restriction".
#[derive(Debug, Clone)]
pub struct Filter {
    capitals: u8,
    categories: Option<HashSet<CategoryId>>,
    /// A test of the public view (text, times): applied by the index's own
    /// searches (`AssetIndex::passes`), which reach the view by its slot.
    view: Option<ViewTest>,
    statuses: Vec<Status>,
}

/// A test of a public view, shareable with the filter's clones.
#[derive(Clone)]
pub struct ViewTest(Arc<dyn Fn(&PublicAsset) -> bool + Send + Sync>);

impl std::fmt::Debug for ViewTest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ViewTest")
    }
}

impl Default for Filter {
    fn default() -> Self {
        Filter {
            capitals: u8::MAX,
            categories: None,
            view: None,
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

    /// Keeps only assets whose public view passes `test`.
    pub fn view(mut self, test: impl Fn(&PublicAsset) -> bool + Send + Sync + 'static) -> Self {
        self.view = Some(ViewTest(Arc::new(test)));
        self
    }

    pub fn statuses(mut self, statuses: Vec<Status>) -> Self {
        self.statuses = statuses;
        self
    }

    /// Whether the entry itself passes: capital, status and category (the
    /// view test, if any, needs the view: see `AssetIndex::passes`).
    pub(super) fn accepts(&self, e: &Entry) -> bool {
        self.capitals & e.capital().bit() != 0
            && self.statuses.contains(&e.status())
            && self
                .categories
                .as_ref()
                .is_none_or(|c| c.contains(&e.category))
    }

    pub(super) fn keeps_view(&self, view: Option<&PublicAsset>) -> bool {
        self.view
            .as_ref()
            .is_none_or(|test| view.is_some_and(|v| (test.0)(v)))
    }
}
