//! The server functions the pages load their data with (`/api/ui/...`): not part of the public
//! API table, but reachable by anyone with a token or cookie, so they are held to the same
//! rules. A page for a chat the caller is not in gets `null` (the page says "not found"), and
//! pages that work signed out get an empty answer: 200 either way, with none of the data.

use super::Expect::{Allow, Blind};
use super::{Expect, Prep, Req, Row, row, signed_in};
use std::collections::BTreeSet;

/// Signed out (or with a dead credential) the page renders empty; a stranger's is empty too.
fn signed_out_empty(stranger: Expect) -> [Expect; 9] {
    let mut expect = signed_in(stranger, Allow(200), Allow(200), Allow(200), Allow(200));
    expect[..3].fill(Blind(200));
    expect
}

fn chat_page() -> [Expect; 9] {
    signed_in(Blind(200), Allow(200), Allow(200), Allow(200), Allow(200))
}

pub fn rows() -> Vec<Row> {
    vec![
        row("GET", "/api/ui/viewer", Prep::Shared(|_, _| Req::to("/api/ui/viewer")), signed_out_empty(Allow(200))),
        row(
            "GET",
            "/api/ui/sessions",
            Prep::Shared(|_, _| Req::to("/api/ui/sessions")),
            signed_in(Allow(200), Allow(200), Allow(200), Allow(200), Allow(200)),
        ),
        row("GET", "/api/ui/chats", Prep::Shared(|_, _| Req::to("/api/ui/chats")), signed_out_empty(Blind(200))),
        row("GET", "/api/ui/contacts", Prep::Shared(|_, _| Req::to("/api/ui/contacts")), signed_out_empty(Allow(200))),
        row(
            "GET",
            "/api/ui/chats/{id}",
            Prep::Shared(|w, _| Req::to(format!("/api/ui/chats/{}", w.group))),
            chat_page(),
        ),
        row(
            "GET",
            "/api/ui/chats/{id}/around/{message}",
            Prep::Shared(|w, _| Req::to(format!("/api/ui/chats/{}/around/{}", w.group, w.message))),
            chat_page(),
        ),
        row(
            "GET",
            "/api/ui/groups/{slug}",
            Prep::Shared(|w, _| Req::to(format!("/api/ui/groups/{}", w.slug))),
            chat_page(),
        ),
    ]
}

/// `(method, path)` of every server function declared in `src/` (`#[get("/api/ui/...", ...)]`
/// and its siblings), read from the source since they are registered out of sight of the router.
fn declared() -> BTreeSet<(String, String)> {
    fn walk(dir: &std::path::Path, out: &mut BTreeSet<(String, String)>) {
        for entry in std::fs::read_dir(dir).expect("src is readable").flatten() {
            let path = entry.path();
            if path.is_dir() {
                walk(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let text = std::fs::read_to_string(&path).expect("a source file");
                for method in ["get", "post", "put", "patch", "delete"] {
                    for rest in text.split(&format!("#[{method}(\"")).skip(1) {
                        let route = rest.split('"').next().unwrap_or_default();
                        out.insert((method.to_uppercase(), route.to_owned()));
                    }
                }
            }
        }
    }
    let mut out = BTreeSet::new();
    walk(&std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src"), &mut out);
    out
}

#[test]
fn every_server_function_is_in_the_matrix() {
    let declared = declared();
    assert!(declared.len() >= 5, "found the server functions: {declared:?}");
    let listed: BTreeSet<(String, String)> = rows().iter().map(|r| (r.method.to_owned(), r.path.to_owned())).collect();
    let missing: Vec<_> = declared.difference(&listed).collect();
    let stale: Vec<_> = listed.difference(&declared).collect();
    assert!(missing.is_empty(), "server functions the authorization matrix does not list: {missing:?}");
    assert!(stale.is_empty(), "matrix rows for server functions that no longer exist: {stale:?}");
}
