//! The browser itself: every call into web-sys, js-sys, gloo and public/pwa.js lives under
//! here, so the rest of the client reads the same in both builds. `src/lib.rs` picks this
//! module for the `web` build and `browser/ssr/` (same names, no browser) for the server.

pub mod device;
pub mod document;
pub mod fetch;
pub mod files;
pub mod live;
pub mod location;
pub mod page;
pub mod push;
pub mod shortcut;
pub mod storage;
pub mod theme;
pub mod upload;

pub use document::use_csp_safe_document;
pub use shortcut::use_shortcut;

/// True in this build: loops that only make sense with a browser (the outbox, the live link)
/// may run.
pub const IN_BROWSER: bool = true;

/// A number in [0, 1), for ids and jitter (not for secrets).
pub fn random() -> f64 {
    js_sys::Math::random()
}

/// Waits `ms` milliseconds without blocking the page.
pub async fn sleep_ms(ms: u32) {
    gloo_timers::future::TimeoutFuture::new(ms).await;
}
