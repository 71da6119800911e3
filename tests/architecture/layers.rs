//! The layers of ARCHITECTURE.md, bottom first, as paths under `src/`. A file's layer is that
//! of the longest prefix listed; what is not server side (models, components, the browser
//! client) is the shared layer, which any server file may use.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Layer {
    pub rank: u8,
    pub name: &'static str,
}

impl Layer {
    pub const SHARED: Layer = Layer { rank: 0, name: "shared" };
}

const fn layer(rank: u8, name: &'static str) -> Layer {
    Layer { rank, name }
}

/// (path prefix under src/, layer), in layer order. Adapters (HTTP routes, server functions,
/// the live gateway) live in their domain's folder and are named file by file.
const LAYERS: &[(&str, Layer)] = &[
    ("platform/", layer(1, "platform")),
    ("presence/server/", layer(2, "presence")),
    ("auth/server/", layer(3, "accounts")),
    ("media/server/", layer(3, "media")),
    ("contacts/server/", layer(4, "contacts")),
    ("chats/server/", layer(5, "chats")),
    ("messages/server/", layer(6, "messages")),
    ("search/server/", layer(6, "search")),
    ("access/", layer(7, "access")),
    ("push/server/", layer(8, "reactions")),
    ("realtime/server/fanout.rs", layer(8, "reactions")),
    ("realtime/server/", layer(9, "adapters")),
    ("server/", layer(10, "composition")),
];

/// File names that are adapters wherever they sit: they translate HTTP into service calls.
const ADAPTERS: &[&str] = &["routes.rs", "pages.rs", "api.rs"];

pub fn layer_of(path: &str) -> Layer {
    let file = path.rsplit('/').next().unwrap_or(path);
    if ADAPTERS.contains(&file) && path.contains('/') {
        return layer(9, "adapters");
    }
    LAYERS
        .iter()
        .filter(|(prefix, _)| path.starts_with(prefix))
        .max_by_key(|(prefix, _)| prefix.len())
        .map_or(Layer::SHARED, |(_, l)| *l)
}

/// Whether the file is compiled for the server only (and so checked).
pub fn server_side(path: &str) -> bool {
    path.starts_with("platform/")
        || path.starts_with("server/")
        || path.starts_with("access/")
        || path.contains("/server/")
        || path.ends_with("/api.rs")
}
