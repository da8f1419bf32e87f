//! assetmap: map what a community has, find it, and see where the gaps are.

pub mod domain;
pub mod index;
