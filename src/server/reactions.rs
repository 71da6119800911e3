//! Who hears about what happened: the reactions to domain events, in the order they run.
//! Live fan-out comes first, so a message's frame leaves before its push is queued (and a
//! revoked device's sockets close before its subscriptions are forgotten). A new reaction
//! (call records, mention notifications, webhooks) is one more line here.

use crate::platform::events::Reaction;
use std::sync::Arc;

pub fn all() -> Vec<Arc<dyn Reaction>> {
    vec![Arc::new(crate::realtime::server::fanout::Fanout), Arc::new(crate::push::server::notify::Notify)]
}
