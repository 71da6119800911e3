//! Who is typing where. Indicators lapse on their own ~5 s after the last refresh.

use dioxus::prelude::*;
use std::collections::HashMap;
use uuid::Uuid;

/// How long an indicator stands without a refresh.
const LASTS_MS: f64 = 5_000.0;

#[derive(Clone, Copy, PartialEq)]
pub struct Typing {
    /// chat → (user → when the indicator expires, in ms since the epoch).
    pub users: Signal<HashMap<Uuid, HashMap<Uuid, f64>>>,
}

impl Typing {
    pub(super) fn new() -> Self {
        Self { users: Signal::new(HashMap::new()) }
    }

    /// Starts (or refreshes) or ends `user`'s indicator in `chat_id`.
    pub fn set(&mut self, chat_id: Uuid, user_id: Uuid, typing: bool) {
        let mut all = self.users.write();
        let users = all.entry(chat_id).or_default();
        if typing {
            users.insert(user_id, super::now_ms() + LASTS_MS);
        } else {
            users.remove(&user_id);
        }
    }
}
