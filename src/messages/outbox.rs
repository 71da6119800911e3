//! The outbox: messages leave in the order they were written, one at a time. A network
//! failure keeps the message queued and retries it with the same clientId, so the server
//! stores it exactly once however many attempts it takes; a refusal drops it and says why.

use crate::browser::{IN_BROWSER, sleep_ms};
use crate::chats::store::ChatStore;
use crate::messages::api;
use crate::realtime::model::ServerFrame;
use dioxus::prelude::{ReadableExt, WritableExt};

/// Runs for the life of the signed-in shell (browser only: on the server it returns at once).
pub async fn run(mut store: ChatStore) {
    if !IN_BROWSER {
        return;
    }
    let mut failures: u32 = 0;
    loop {
        let head = store.outbox.pending.read().first().cloned();
        let Some(next) = head else {
            sleep_ms(100).await;
            continue;
        };
        let media_ids = next.media.iter().map(|m| m.id).collect();
        match api::send(next.chat_id, next.content.clone(), next.client_id.clone(), next.reply_to, media_ids).await {
            Ok(res) => {
                failures = 0;
                store.outbox.send_error.set(None);
                store.outbox.pending.write().retain(|p| p.client_id != next.client_id);
                crate::offline::keep_outbox(store);
                store.apply(ServerFrame::Ack { client_id: next.client_id, message: res.message });
            }
            // No answer (offline, server restarting): keep it and try again a little later.
            Err(e) if e.status == 0 || e.status >= 500 || e.status == 429 => {
                failures = failures.saturating_add(1);
                sleep_ms((500 * 2u32.saturating_pow(failures.min(4))).min(8_000)).await;
            }
            Err(e) => {
                store.outbox.pending.write().retain(|p| p.client_id != next.client_id);
                crate::offline::keep_outbox(store);
                store.outbox.send_error.set(Some(e.message));
            }
        }
    }
}
