//! Gap analysis and area profiles over the index, areas and postcodes as
//! they are now. What the analysis needs of the index is copied out under
//! its read lock (tens of milliseconds at national scale) and the work is
//! done without it, so that writes go on meanwhile.

use super::Registry;
use crate::analysis::{self, GapParams, GapReport, Profile, Residents};
use crate::domain::Postcode;
use crate::index::AreaSet;
use std::collections::HashMap;
use std::sync::Arc;

type Postcodes = Arc<HashMap<String, Postcode>>;

/// Residents placed per level, for one loading of areas and postcodes:
/// placing them (every postcode into its area, an interior point for each
/// area without one) costs as much as the rest of a national question, and
/// changes only when the reference data is reloaded.
#[derive(Default)]
pub(super) struct ResidentsCache {
    of: Option<(Arc<AreaSet>, Postcodes)>,
    by_level: HashMap<String, Arc<Residents>>,
}

/// A gap question with everything it needs taken from the registry: its
/// answer is worked out from these alone, holding no lock of the registry.
pub struct GapQuestion {
    targets: Vec<[f64; 2]>,
    areas: Arc<AreaSet>,
    residents: Arc<Residents>,
    params: GapParams,
}

impl GapQuestion {
    pub fn answer(self) -> GapReport {
        analysis::gaps_for_targets(&self.targets, &self.areas, &self.residents, &self.params)
    }
}

impl Registry {
    /// Gap analysis over the index and areas as they are now.
    pub fn gaps(&self, params: &GapParams) -> GapReport {
        self.gap_question(params).answer()
    }

    /// The first half of `gaps`: the points of the assets in question,
    /// copied under the index's lock, which is released on return.
    pub fn gap_question(&self, params: &GapParams) -> GapQuestion {
        let (areas, residents) = self.reference_for(&params.level);
        let targets = analysis::target_points(&self.index(), params);
        GapQuestion {
            targets,
            areas,
            residents,
            params: params.clone(),
        }
    }

    pub fn profile(&self, code: &str, distance_m: f64) -> Option<Profile> {
        let level = self.areas().get(code)?.level.clone();
        let (areas, residents) = self.reference_for(&level);
        let targets = analysis::profile_targets(&self.index());
        analysis::profile_with(&targets, &areas, &residents, code, distance_m)
    }

    /// The areas as loaded and their residents placed for `level`.
    fn reference_for(&self, level: &str) -> (Arc<AreaSet>, Arc<Residents>) {
        let (areas, postcodes) = (self.areas(), self.postcodes());
        let same = |c: &ResidentsCache| {
            c.of.as_ref()
                .is_some_and(|(a, p)| Arc::ptr_eq(a, &areas) && Arc::ptr_eq(p, &postcodes))
        };
        {
            let cache = self.residents_cache();
            if let Some(r) = cache.by_level.get(level).filter(|_| same(&cache)) {
                return (areas, r.clone());
            }
        }
        // Placed without the cache's lock: a question at another level
        // need not wait for this one.
        let points: Vec<&Postcode> = postcodes.values().collect();
        let residents = Arc::new(Residents::new(&areas, &points, level));
        let mut cache = self.residents_cache();
        if !same(&cache) {
            *cache = ResidentsCache {
                of: Some((areas.clone(), postcodes.clone())),
                by_level: HashMap::new(),
            };
        }
        cache.by_level.insert(level.to_string(), residents.clone());
        (areas, residents)
    }

    fn residents_cache(&self) -> std::sync::MutexGuard<'_, ResidentsCache> {
        self.residents.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// What makes the answer independent of the registry: a question owns
/// what it uses (no guard of the index can be in it, since a guard borrows
/// the registry), so it can be answered on any thread while writes go on.
const _: fn() = || {
    fn owned<T: Send + 'static>() {}
    owned::<GapQuestion>();
};
