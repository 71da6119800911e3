//! Chat UI: the sidebar list and the dialog that starts a chat.
mod chat_list;
mod group_panel;
mod new_chat;

pub use chat_list::ChatList;
pub use group_panel::GroupPanel;
pub use new_chat::NewChatDialog;

use chrono::{DateTime, Local, Utc};

/// "14:05" today, "Mon" this week, "2026-11-02" before.
pub fn short_time(at: DateTime<Utc>) -> String {
    let local = at.with_timezone(&Local);
    let now = Local::now();
    if local.date_naive() == now.date_naive() {
        local.format("%H:%M").to_string()
    } else if (now - local).num_days() < 7 {
        local.format("%a").to_string()
    } else {
        local.format("%Y-%m-%d").to_string()
    }
}
