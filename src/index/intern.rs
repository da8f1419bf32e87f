//! Category names, each stored once for the life of the process.

use std::collections::HashSet;
use std::sync::Mutex;

/// Categories come from a small vocabulary: each is stored once for the
/// life of the process and every view points at it.
pub(super) fn intern(category: &str) -> &'static str {
    // Each thread asks its own copy first: a start-up reads the store on
    // two threads, and one shared lock taken per row would be contended.
    thread_local! {
        static LOCAL: std::cell::RefCell<HashSet<&'static str>> = Default::default();
    }
    if let Some(s) = LOCAL.with_borrow(|local| local.get(category).copied()) {
        return s;
    }
    let s = intern_shared(category);
    LOCAL.with_borrow_mut(|local| local.insert(s));
    s
}

fn intern_shared(category: &str) -> &'static str {
    static SEEN: Mutex<Option<HashSet<&'static str>>> = Mutex::new(None);
    let mut seen = SEEN.lock().unwrap_or_else(|e| e.into_inner());
    let set = seen.get_or_insert_with(HashSet::new);
    if let Some(s) = set.get(category) {
        return s;
    }
    let s: &'static str = Box::leak(category.to_string().into_boxed_str());
    set.insert(s);
    s
}
