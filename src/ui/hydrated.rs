//! Whether the page has come alive in the browser.

use dioxus::prelude::*;

/// False for the server's render and for the browser's first pass, which must match it
/// exactly; true from the first effect on (effects run only in the browser, after hydration).
/// What depends on the browser (the viewer's clock and zone, a textarea) waits for it.
pub fn use_hydrated() -> ReadSignal<bool> {
    let mut hydrated = use_signal(|| false);
    use_effect(move || hydrated.set(true));
    hydrated.into()
}
