//! One API route as a domain declares it: the table the router and the OpenAPI test are built from.

use super::state::AppState;
use axum::routing::MethodRouter;

pub struct ApiRoute {
    pub method: &'static str,
    pub path: &'static str,
    pub handler: MethodRouter<AppState>,
}

impl ApiRoute {
    pub fn new(method: &'static str, path: &'static str, handler: MethodRouter<AppState>) -> Self {
        Self { method, path, handler }
    }
}
