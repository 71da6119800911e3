//! Keeps ARCHITECTURE.md true: reads every `crate::…` and `super::…` path in the server side of
//! `src/` and fails on an import that points up a layer, or on a cycle between top-level modules.
//! Its own tests show that it does fail on both.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod layers;
mod paths;

use layers::{Layer, layer_of, server_side};
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// One file of `src/`, as a path relative to `src/` with `/` separators, and its text.
struct Source {
    path: String,
    text: String,
}

fn read_sources() -> Vec<Source> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut sources = Vec::new();
    let mut folders = vec![root.clone()];
    while let Some(folder) = folders.pop() {
        for entry in std::fs::read_dir(&folder).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                folders.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let relative = path.strip_prefix(&root).unwrap().to_string_lossy().replace('\\', "/");
                sources.push(Source { path: relative, text: std::fs::read_to_string(&path).unwrap() });
            }
        }
    }
    sources.sort_by(|a, b| a.path.cmp(&b.path));
    sources
}

/// A server-side file naming another module, and why that is wrong.
#[derive(Debug, PartialEq)]
struct Problem(String);

/// Every upward import and every cycle between top-level modules in `sources`.
fn problems(sources: &[Source]) -> Vec<Problem> {
    let files: BTreeSet<&str> = sources.iter().map(|s| s.path.as_str()).collect();
    let mut found = Vec::new();
    // Top-level modules of the server side ("chats", "platform"…); shared files are their own
    // node ("chats (shared)"), as nothing there can import the server side back.
    let mut edges: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for source in sources.iter().filter(|s| server_side(&s.path)) {
        let from = layer_of(&source.path);
        for used in paths::used_modules(&source.path, &source.text) {
            let Some(target) = paths::file_of(&used, &files) else { continue };
            let to = layer_of(&target);
            if to.rank > from.rank {
                found.push(Problem(format!(
                    "{} ({}) imports {} ({}): imports point down the layers",
                    source.path, from.name, used, to.name
                )));
            }
            let (a, b) = (node(&source.path), node(&target));
            if a != b {
                edges.entry(a).or_default().insert(b);
            }
        }
    }
    for cycle in cycles(&edges) {
        found.push(Problem(format!("these top-level modules import each other in a circle: {}", cycle.join(" -> "))));
    }
    found
}

/// The node of a file in the graph of top-level modules. A domain's adapters (its routes and
/// server functions) are a node of their own: they sit in the domain's folder to keep the
/// feature in one place, but belong to the adapters' layer.
fn node(path: &str) -> String {
    let top = path.split('/').next().unwrap_or(path).trim_end_matches(".rs");
    match layer_of(path) {
        _ if !server_side(path) => format!("{top} (shared)"),
        Layer { name: "adapters", .. } if top != "realtime" => format!("{top} (adapters)"),
        _ => top.to_owned(),
    }
}

/// The strongly connected groups of more than one module (Tarjan's algorithm, iterated small).
fn cycles(edges: &BTreeMap<String, BTreeSet<String>>) -> Vec<Vec<String>> {
    let nodes: BTreeSet<&String> = edges.keys().chain(edges.values().flatten()).collect();
    let reaches = |from: &String| {
        let mut seen = BTreeSet::new();
        let mut todo = vec![from.clone()];
        while let Some(n) = todo.pop() {
            for next in edges.get(&n).into_iter().flatten() {
                if seen.insert(next.clone()) {
                    todo.push(next.clone());
                }
            }
        }
        seen
    };
    let reach: BTreeMap<&String, BTreeSet<String>> = nodes.iter().map(|n| (*n, reaches(n))).collect();
    let mut groups: BTreeSet<Vec<String>> = BTreeSet::new();
    for n in &nodes {
        let mut group: Vec<String> =
            nodes.iter().filter(|m| reach[*n].contains(**m) && reach[**m].contains(*n)).map(|m| (*m).clone()).collect();
        if group.len() > 1 {
            group.sort();
            groups.insert(group);
        }
    }
    groups.into_iter().collect()
}

#[test]
fn server_imports_point_down_the_layers_and_never_in_a_circle() {
    let sources = read_sources();
    assert!(sources.len() > 100, "the sources were not found");
    let found = problems(&sources);
    let report: Vec<&str> = found.iter().map(|p| p.0.as_str()).collect();
    assert!(found.is_empty(), "see ARCHITECTURE.md:\n{}", report.join("\n"));
}

#[test]
fn every_server_file_has_a_layer() {
    for source in read_sources().iter().filter(|s| server_side(&s.path)) {
        assert_ne!(layer_of(&source.path), Layer::SHARED, "{} is server code without a layer", source.path);
    }
}

fn fake(files: &[(&str, &str)]) -> Vec<Source> {
    files.iter().map(|(path, text)| Source { path: (*path).to_owned(), text: (*text).to_owned() }).collect()
}

#[test]
fn an_import_up_a_layer_is_found() {
    let sources = fake(&[
        ("platform/state.rs", "use crate::chats::server::service::member_ids;\n"),
        ("chats/server/service.rs", "use crate::platform::state::AppState;\n"),
    ]);
    let found = problems(&sources);
    assert_eq!(found.len(), 2, "{found:?}");
    assert!(found[0].0.starts_with("platform/state.rs (platform) imports crate::chats::server::service"), "{found:?}");
    assert!(found[1].0.ends_with("in a circle: chats -> platform"), "{found:?}");
}

#[test]
fn a_grouped_or_inline_or_relative_import_up_a_layer_is_found() {
    let sources = fake(&[
        ("chats/server/service.rs", "use crate::{error::AppError, messages::server::service as messages};\n"),
        ("chats/server/members.rs", "fn f() { crate::server::tasks::spawn_all(); }\n"),
        ("chats/server/routes.rs", "// crate::server::router is only named in a comment\n"),
        ("messages/server/service.rs", "use super::routes::Thing;\n"),
        ("messages/server/routes.rs", "pub struct Thing;\n"),
        ("server/tasks.rs", "pub fn spawn_all() {}\n"),
        ("error.rs", ""),
    ]);
    let mut found: Vec<String> = problems(&sources).into_iter().map(|p| p.0).collect();
    found.sort();
    assert_eq!(found.len(), 3, "{found:#?}");
    assert!(found[0].starts_with("chats/server/members.rs (chats) imports crate::server::tasks"), "{found:#?}");
    assert!(found[1].starts_with("chats/server/service.rs (chats) imports crate::messages::server::service"));
    assert!(found[2].starts_with("messages/server/service.rs (messages) imports crate::messages::server::routes"));
}

#[test]
fn a_circle_between_modules_of_one_layer_is_found() {
    let sources = fake(&[
        ("auth/server/service.rs", "use crate::media::server::service::require_own;\n"),
        ("media/server/service.rs", "use crate::auth::server::service::get_me;\n"),
    ]);
    let found = problems(&sources);
    assert_eq!(found, vec![Problem("these top-level modules import each other in a circle: auth -> media".into())]);
}
