use crate::auth::{api, model::User};
use dioxus::prelude::*;

/// Finds people by what is typed so far. Answers can arrive out of order; only the one for
/// the text still in the box is shown.
pub fn search_as_typed(
    mut query: Signal<String>,
    mut results: Signal<Vec<User>>,
    mut error: Signal<Option<String>>,
    value: String,
) {
    query.set(value.clone());
    spawn(async move {
        if value.trim().is_empty() {
            results.set(Vec::new());
            return;
        }
        match api::search_users(&value).await {
            Ok(found) if query() == value => results.set(found.users),
            Ok(_) => {}
            Err(e) => error.set(Some(e.message)),
        }
    });
}
