//! Contacts UI: finding and adding people, requests, the contact and block lists, and the
//! block confirmation (also used from a direct chat's header).
mod add_contact;
mod block_dialog;
mod block_toggle;
mod lists;
mod requests;

pub use add_contact::AddContact;
pub use block_dialog::BlockDialog;
pub use block_toggle::BlockToggle;
pub use lists::{BlockList, ContactList};
pub use requests::RequestLists;

use crate::auth::model::User;
use chrono::Utc;

/// "online", "away", "last seen 5 min ago", or "offline" when last seen is unknown (or hidden).
pub fn presence_text(user: &User) -> String {
    match (user.status.as_str(), user.last_seen_at) {
        ("online", _) => "online".to_owned(),
        ("away", _) => "away".to_owned(),
        (_, Some(at)) => {
            let secs = (Utc::now() - at).num_seconds().max(0);
            match secs {
                0..60 => "last seen just now".to_owned(),
                60..3600 => format!("last seen {} min ago", secs / 60),
                3600..86400 => format!("last seen {} h ago", secs / 3600),
                _ => format!("last seen {}", at.format("%Y-%m-%d")),
            }
        }
        _ => "offline".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn presence_reads_as_words_and_hidden_presence_as_offline() {
        let mut user = User { status: "online".into(), ..User::default() };
        assert_eq!(presence_text(&user), "online");
        user.status = "offline".into();
        assert_eq!(presence_text(&user), "offline");
        user.last_seen_at = Some(Utc::now() - chrono::Duration::minutes(5));
        assert_eq!(presence_text(&user), "last seen 5 min ago");
    }
}
