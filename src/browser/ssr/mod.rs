//! The server's stand-in for `browser/web/`: the same names, and no browser. Server rendering
//! and unit tests call these; each does nothing, or answers "nothing there", which is what a
//! page without a window would see. Effects and event handlers never run on the server, so
//! most of these are never called at all: they exist so callers need no `cfg`.

pub use document::use_csp_safe_document;
pub use shortcut::use_shortcut;

/// False in this build: loops that need a browser (the outbox, the live link) return at once.
pub const IN_BROWSER: bool = false;

/// Ids made on the server carry no noise; none are sent from there.
pub fn random() -> f64 {
    0.0
}

/// Returns at once: nothing on the server waits on a browser timer.
pub async fn sleep_ms(_ms: u32) {}

pub mod device {
    pub async fn load(_key: &str) -> Option<String> {
        None
    }
    pub async fn save(_key: &str, _text: &str) {}
    pub async fn remove(_key: &str) {}
    pub async fn wipe() {}
    /// Nothing tells the server otherwise.
    pub fn online() -> bool {
        true
    }
}

pub mod document {
    /// The server's document needs no wrapping: it evaluates nothing.
    pub fn use_csp_safe_document() {}
}

pub mod fetch {
    use crate::error::AppError;

    /// Server rendering has no HTTP client: it reads through server functions instead.
    pub async fn request(_method: &str, _path: &str, _body: Option<String>) -> Result<(u16, String), AppError> {
        Err(AppError::network("no browser"))
    }
    pub async fn answers(_path: &str) -> bool {
        false
    }
}

pub mod files {
    use dioxus::prelude::{ClipboardEvent, DragEvent, FormEvent};

    /// No file ever reaches the server's render: a type with no values.
    pub enum File {}

    impl File {
        pub fn name(&self) -> String {
            match *self {}
        }
        pub fn size(&self) -> f64 {
            match *self {}
        }
    }

    pub fn of_input(_e: &FormEvent) -> Vec<File> {
        Vec::new()
    }
    pub fn of_paste(_e: &ClipboardEvent) -> Vec<File> {
        Vec::new()
    }
    pub fn of_drop(_e: &DragEvent) -> Vec<File> {
        Vec::new()
    }
    pub fn preview_url(file: &File) -> String {
        match *file {}
    }
    pub fn release_preview(_url: &str) {}
}

pub mod live {
    /// What happened on a link (see the browser's version).
    pub enum Link {
        Open,
        Frame(String),
        Closed,
    }

    /// No link is ever opened from the server: a type with no values.
    pub enum Connection {}

    impl Connection {
        pub async fn next(&mut self) -> Option<Link> {
            match *self {}
        }
        pub fn make_current(&self) {
            match *self {}
        }
    }

    pub fn send_text(_text: &str) -> bool {
        false
    }
    pub fn websocket(_url: &str) -> Option<Connection> {
        None
    }
    pub fn event_source(_path: &str) -> Option<Connection> {
        None
    }
}

pub mod location {
    pub fn assign(_path: &str) {}
    pub fn search() -> Option<String> {
        None
    }
    pub fn pathname() -> Option<String> {
        None
    }
    pub fn websocket_url(_path: &str) -> Option<String> {
        None
    }
}

pub mod page {
    #[derive(Debug, Clone, Copy)]
    pub enum Block {
        Center,
        Nearest,
    }

    pub fn scroll_into_view(_id: &str, _block: Block) {}
    pub fn hidden() -> Option<bool> {
        None
    }
    pub fn watch_visibility(_on_change: fn()) {}
}

pub mod push {
    use crate::error::AppError;

    pub async fn state() -> Option<String> {
        None
    }
    pub async fn subscribe(_public_key: &str) -> Result<String, AppError> {
        Err(AppError::network("no browser"))
    }
    pub async fn unsubscribe() -> Option<String> {
        None
    }
}

pub mod shortcut {
    use dioxus::prelude::Callback;

    /// Pages rendered on the server have no keyboard.
    pub fn use_shortcut(_key: char, _handler: Callback<()>) {}
}

pub mod storage {
    pub fn set(_key: &str, _text: &str) {}
    pub fn get(_key: &str) -> Option<String> {
        None
    }
    pub fn remove_prefixed(_prefix: &str) {}
}

pub mod theme {
    pub fn get() -> Option<String> {
        None
    }
    pub fn set(_theme: &str) {}
}

pub mod upload {
    use super::files::File;
    use crate::error::AppError;

    pub async fn post_file(
        _path: &str,
        file: File,
        _on_progress: impl FnMut(f64) + 'static,
    ) -> Result<(u16, String), AppError> {
        match file {}
    }
}
