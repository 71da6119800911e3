//! Negative token and session cases, table-driven: every row is a forged, stale or misused
//! credential sent to the real server on each route that accepts that kind of credential
//! (REST with a bearer token, server functions, pages, the refresh endpoint, the WebSocket
//! upgrade and SSE), and must be refused with the exact status and error code and no data.

mod fixture;
pub mod forge;
mod origin;
mod probe;
mod revocation;
mod run;
mod table_browser;
mod table_claims;
mod table_signing;

use fixture::Fixture;
use reqwest::Method;
use serde_json::{Value, json};
use std::collections::{BTreeMap, BTreeSet};

/// The kinds of attack the hardening issue lists; every one must have several rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Category {
    AlgNone,
    AlgorithmConfusion,
    WrongKey,
    Expired,
    NotYetValid,
    WrongType,
    TamperedClaims,
    RevokedSession,
    OtherUser,
    RefreshToken,
    Cookie,
    Csrf,
    CrossSiteLive,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expect {
    /// `{"error": {"code", "message"}}` with this status and code, and nothing else.
    Error(u16, &'static str),
    /// A page: 303 to the sign-in page, with nothing of the page.
    SignIn,
}

pub const UNAUTHENTICATED: Expect = Expect::Error(401, "unauthenticated");

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Transport {
    Http,
    WebSocket,
}

/// One request of a case, on one route.
#[derive(Debug, Clone)]
pub struct Probe {
    pub route: &'static str,
    pub transport: Transport,
    pub method: Method,
    pub path: String,
    pub headers: Vec<(&'static str, String)>,
    pub body: Option<Value>,
    pub expect: Expect,
}

impl Probe {
    fn http(route: &'static str, method: Method, path: &str, expect: Expect) -> Self {
        Probe {
            route,
            transport: Transport::Http,
            method,
            path: path.to_owned(),
            headers: Vec::new(),
            body: None,
            expect,
        }
    }

    fn ws(route: &'static str, path: &str, expect: Expect) -> Self {
        Probe { transport: Transport::WebSocket, ..Probe::http(route, Method::GET, path, expect) }
    }

    fn header(mut self, name: &'static str, value: impl Into<String>) -> Self {
        self.headers.push((name, value.into()));
        self
    }

    fn json(mut self, body: Value) -> Self {
        self.body = Some(body);
        self
    }
}

/// A named negative case: one credential or request, sent on every route listed.
#[derive(Debug, Clone)]
pub struct Case {
    pub name: String,
    pub category: Category,
    pub probes: Vec<Probe>,
}

fn query_token(token: &str) -> String {
    percent_encoding::utf8_percent_encode(token, percent_encoding::NON_ALPHANUMERIC).to_string()
}

/// An access token, on every route that takes one.
pub fn bearer(category: Category, name: &str, token: &str) -> Case {
    let auth = format!("Bearer {token}");
    let probes = vec![
        Probe::http("REST read", Method::GET, "/api/users/me", UNAUTHENTICATED).header("authorization", &auth),
        Probe::http("REST write", Method::POST, "/api/chats/group", UNAUTHENTICATED)
            .header("authorization", &auth)
            .json(json!({"name": "forged", "participantIds": []})),
        Probe::http("server function", Method::GET, "/api/ui/sessions", UNAUTHENTICATED).header("authorization", &auth),
        Probe::ws("WebSocket ?token=", &format!("/api/ws?token={}", query_token(token)), UNAUTHENTICATED),
        Probe::ws("WebSocket header", "/api/ws", UNAUTHENTICATED).header("authorization", &auth),
        Probe::http("SSE ?token=", Method::GET, &format!("/api/events?token={}", query_token(token)), UNAUTHENTICATED),
        Probe::http("SSE header", Method::GET, "/api/events", UNAUTHENTICATED).header("authorization", &auth),
    ];
    Case { name: name.to_owned(), category, probes }
}

/// A `parlor_session` cookie (none at all when `None`), sent as a same-site browser would
/// send it, on every cookie route; `extra` headers ride along on each request.
pub fn cookie(
    category: Category,
    name: &str,
    fx: &Fixture,
    value: Option<&str>,
    extra: &[(&'static str, &str)],
) -> Case {
    let with = |mut probe: Probe| {
        if let Some(value) = value {
            probe = probe.header("cookie", format!("{}={value}", forge::COOKIE));
        }
        for (k, v) in extra {
            probe = probe.header(k, *v);
        }
        probe
    };
    let probes = vec![
        with(Probe::http("REST read", Method::GET, "/api/users/me", UNAUTHENTICATED)),
        with(Probe::http("REST write", Method::PATCH, "/api/users/me", UNAUTHENTICATED).header("origin", &fx.base))
            .json(json!({"displayName": "forged"})),
        with(Probe::http("server function", Method::GET, "/api/ui/sessions", UNAUTHENTICATED)),
        with(Probe::http("page", Method::GET, "/settings", Expect::SignIn)),
        with(Probe::ws("WebSocket", "/api/ws", UNAUTHENTICATED).header("origin", &fx.base)),
        with(Probe::http("SSE", Method::GET, "/api/events", UNAUTHENTICATED).header("sec-fetch-site", "same-origin")),
    ];
    Case { name: name.to_owned(), category, probes }
}

/// A refresh token at the refresh endpoint.
pub fn refresh(name: &str, token: &str, code: &'static str) -> Case {
    let probe = Probe::http("refresh", Method::POST, "/api/auth/refresh", Expect::Error(401, code))
        .json(json!({"refreshToken": token}));
    Case { name: name.to_owned(), category: Category::RefreshToken, probes: vec![probe] }
}

pub fn single(category: Category, name: &str, probes: Vec<Probe>) -> Case {
    Case { name: name.to_owned(), category, probes }
}

/// Every table, in the order the rows must run (some rows spend a credential).
pub fn all_cases(fx: &Fixture) -> Vec<Case> {
    let mut cases = table_signing::cases(fx);
    cases.extend(table_claims::cases(fx));
    cases.extend(table_browser::cases(fx));
    cases
}

/// The issue asks for at least 60 distinct negative cases, each category on several rows.
const MIN_CASES: usize = 60;
const MIN_PER_CATEGORY: usize = 3;

#[test]
fn the_table_keeps_at_least_sixty_distinct_named_cases_in_every_category() {
    let cases = all_cases(&Fixture::placeholder());
    let names: BTreeSet<&str> = cases.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names.len(), cases.len(), "case names are unique");
    let mut per_category: BTreeMap<Category, usize> = BTreeMap::new();
    for case in &cases {
        assert!(!case.probes.is_empty(), "{} sends something", case.name);
        *per_category.entry(case.category).or_default() += 1;
    }
    let probes: usize = cases.iter().map(|c| c.probes.len()).sum();
    println!("{} negative token cases, {probes} requests: {per_category:?}", cases.len());
    assert!(cases.len() >= MIN_CASES, "only {} cases", cases.len());
    for category in [
        Category::AlgNone,
        Category::AlgorithmConfusion,
        Category::WrongKey,
        Category::Expired,
        Category::NotYetValid,
        Category::WrongType,
        Category::TamperedClaims,
        Category::RevokedSession,
        Category::OtherUser,
        Category::RefreshToken,
        Category::Cookie,
        Category::Csrf,
        Category::CrossSiteLive,
    ] {
        let n = per_category.get(&category).copied().unwrap_or(0);
        assert!(n >= MIN_PER_CATEGORY, "{category:?} has {n} cases");
    }
}
