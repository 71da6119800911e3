//! Sends into one chat go one at a time on this instance, from taking a seq to announcing the
//! message. Otherwise two sends could commit seqs 5 and 6 and announce them 6 then 5, and a
//! client would see a gap that is not there. (They already queue on the chat's row for the
//! seq, so little is lost; across instances the bus gives no such order and clients sort by seq.)

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use tokio::sync::{Mutex as AsyncMutex, OwnedMutexGuard};
use uuid::Uuid;

type Gates = HashMap<Uuid, Arc<AsyncMutex<()>>>;

#[derive(Default)]
pub struct ChatGates {
    gates: Mutex<Gates>,
}

/// Held while one send into the chat takes its seq and announces it.
pub struct Gate<'a> {
    gates: &'a ChatGates,
    chat: Uuid,
    _held: OwnedMutexGuard<()>,
}

impl ChatGates {
    pub async fn enter(&self, chat: Uuid) -> Gate<'_> {
        let gate = self.lock().entry(chat).or_default().clone();
        Gate { gates: self, chat, _held: gate.lock_owned().await }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Gates> {
        self.gates.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    #[cfg(test)]
    fn len(&self) -> usize {
        self.lock().len()
    }
}

impl Drop for Gate<'_> {
    fn drop(&mut self) {
        // Nobody else holds or awaits this chat's gate (the map and this guard are its only
        // owners): forget it, so the map holds only chats being sent into.
        let mut gates = self.gates.lock();
        if gates.get(&self.chat).is_some_and(|gate| Arc::strong_count(gate) == 2) {
            gates.remove(&self.chat);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[tokio::test]
    async fn one_send_per_chat_at_a_time_and_idle_chats_are_forgotten() {
        let gates = Arc::new(ChatGates::default());
        let (chat, other) = (Uuid::now_v7(), Uuid::now_v7());
        let first = gates.enter(chat).await;
        // Another chat is not held up.
        drop(gates.enter(other).await);
        let waiting = {
            let gates = gates.clone();
            tokio::spawn(async move {
                let _second = gates.enter(chat).await;
            })
        };
        tokio::time::sleep(Duration::from_millis(50)).await;
        assert!(!waiting.is_finished(), "the second send into the chat waits for the first");
        drop(first);
        tokio::time::timeout(Duration::from_secs(2), waiting)
            .await
            .expect("it goes once the first is done")
            .expect("task");
        assert_eq!(gates.len(), 0, "no gate is kept for chats nobody is sending into");
    }
}
