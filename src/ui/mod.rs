//! UI primitives with no domain knowledge.
pub mod avatar;
pub mod dialog;
pub mod form;
pub mod hydrated;
pub mod navigation;
pub mod theme;
