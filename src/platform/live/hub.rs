//! The in-process hub: every live connection of this instance, by user. A frame is
//! serialised once and queued on each recipient connection; a connection whose queue is
//! full is closed (the client reconnects and catches up from the database), so one slow
//! client never stalls the others. Each user keeps a short replay buffer so a reconnecting
//! SSE client can resume from Last-Event-ID.
//!
//! With Redis, every frame is also handed to the bus (one publish per event, whatever the
//! number of recipients), and frames from other instances come back in through `deliver`.

use super::wire::{Delivers, Outbound};
use crate::realtime::model::ServerFrame;
use axum::extract::ws::Utf8Bytes;
use std::collections::{HashMap, VecDeque};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use tokio::sync::{Notify, mpsc};
use uuid::Uuid;

/// Frames waiting for one connection; past this the connection is too slow and is dropped.
pub const QUEUE_LEN: usize = 256;
/// Frames kept per user for resuming.
const REPLAY_LEN: usize = 128;
/// How long a disconnected user's replay buffer is kept for them to resume.
const RESUME_WINDOW: std::time::Duration = std::time::Duration::from_secs(120);

/// A frame with its id (the SSE event id).
#[derive(Debug, Clone)]
pub struct Event {
    pub id: u64,
    /// Serialised once and shared: every connection sends these same bytes, none copies them.
    pub json: Utf8Bytes,
    /// For `message.new`: the message whose arrival counts as delivered.
    pub delivers: Option<Delivers>,
}

struct Conn {
    id: u64,
    session_id: Uuid,
    tx: mpsc::Sender<Event>,
    close: Arc<Notify>,
    /// The client's tab is in view: true from the start until it reports `away`.
    visible: bool,
}

struct UserState {
    conns: Vec<Conn>,
    replay: VecDeque<Event>,
    /// Newest event id this buffer does not hold (dropped, or from before it existed).
    forgotten_up_to: u64,
    idle_since: Option<std::time::Instant>,
}

#[derive(Default)]
pub struct Hub {
    users: Mutex<HashMap<Uuid, UserState>>,
    next_event: AtomicU64,
    next_conn: AtomicU64,
    /// Set when Redis connects the instances; a full queue drops (the database stays the truth).
    outbound: std::sync::OnceLock<mpsc::Sender<Outbound>>,
}

/// What a new connection gets: its queue, a signal to close, and a guard that unregisters it.
pub struct Registration {
    pub events: mpsc::Receiver<Event>,
    pub close: Arc<Notify>,
    pub guard: ConnGuard,
    /// This user had no other connection: they just came online.
    pub first: bool,
}

pub struct ConnGuard {
    hub: Arc<Hub>,
    user_id: Uuid,
    conn_id: u64,
}

impl Drop for ConnGuard {
    fn drop(&mut self) {
        self.hub.unregister(self.user_id, self.conn_id);
    }
}

impl ConnGuard {
    /// This connection's id within the hub.
    pub fn conn_id(&self) -> u64 {
        self.conn_id
    }

    /// True when this is the user's last connection on this instance.
    pub fn is_last(&self) -> bool {
        self.hub.connection_count(self.user_id) <= 1
    }
}

impl Hub {
    pub fn new() -> Arc<Self> {
        Arc::new(Self::default())
    }

    fn users(&self) -> std::sync::MutexGuard<'_, HashMap<Uuid, UserState>> {
        self.users.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub fn register(self: &Arc<Self>, user_id: Uuid, session_id: Uuid) -> Registration {
        let (tx, events) = mpsc::channel(QUEUE_LEN);
        let close = Arc::new(Notify::new());
        let conn_id = self.next_conn.fetch_add(1, Ordering::Relaxed);
        let now_id = self.next_event.load(Ordering::Relaxed);
        let mut users = self.users();
        if conn_id.is_multiple_of(256) {
            users.retain(|_, s| s.idle_since.is_none_or(|t| t.elapsed() <= RESUME_WINDOW));
        }
        let state = users.entry(user_id).or_insert_with(|| UserState {
            conns: Vec::new(),
            replay: VecDeque::new(),
            forgotten_up_to: now_id,
            idle_since: None,
        });
        let first = state.conns.is_empty();
        state.idle_since = None;
        state.conns.push(Conn { id: conn_id, session_id, tx, close: close.clone(), visible: true });
        drop(users);
        Registration { events, close, guard: ConnGuard { hub: self.clone(), user_id, conn_id }, first }
    }

    fn unregister(&self, user_id: Uuid, conn_id: u64) {
        let mut users = self.users();
        if let Some(state) = users.get_mut(&user_id) {
            state.conns.retain(|c| c.id != conn_id);
            if state.conns.is_empty() {
                // Keep the buffer a while so a reconnect can resume without a gap.
                state.idle_since = Some(std::time::Instant::now());
            }
        }
    }

    pub fn connection_count(&self, user_id: Uuid) -> usize {
        self.users().get(&user_id).map_or(0, |s| s.conns.len())
    }

    /// Everyone with a connection on this instance.
    pub fn online_users(&self) -> Vec<Uuid> {
        self.users().iter().filter(|(_, s)| !s.conns.is_empty()).map(|(id, _)| *id).collect()
    }

    pub fn is_online(&self, user_id: Uuid) -> bool {
        self.connection_count(user_id) > 0
    }

    /// Records whether the client of one connection shows its tab (`online`) or hid it (`away`).
    pub fn set_visible(&self, user_id: Uuid, conn_id: u64, visible: bool) {
        if let Some(conn) = self.users().get_mut(&user_id).and_then(|s| s.conns.iter_mut().find(|c| c.id == conn_id)) {
            conn.visible = visible;
        }
    }

    /// Whether the user has a connection here whose tab is in view.
    pub fn is_visible(&self, user_id: Uuid) -> bool {
        self.users().get(&user_id).is_some_and(|s| s.conns.iter().any(|c| c.visible))
    }

    /// Every (user, connection) of this instance whose tab is in view.
    pub fn visible_connections(&self) -> Vec<(Uuid, u64)> {
        self.users().iter().flat_map(|(user, s)| s.conns.iter().filter(|c| c.visible).map(|c| (*user, c.id))).collect()
    }

    /// Sends this instance's frames to the bus from now on.
    pub fn attach_bus(&self, outbound: mpsc::Sender<Outbound>) {
        let _ = self.outbound.set(outbound);
    }

    fn publish(&self, message: Outbound) {
        if let Some(tx) = self.outbound.get()
            && tx.try_send(message).is_err()
        {
            metrics::counter!("live_bus_dropped_total").increment(1);
        }
    }

    /// Queues a frame for every connection of the given users (each user once), here and,
    /// through the bus, on every other instance.
    pub fn send(&self, recipients: &[Uuid], frame: &ServerFrame) {
        let Ok(json) = serde_json::to_string(frame) else { return };
        let delivers = match frame {
            ServerFrame::MessageNew(m) => Some(Delivers { chat_id: m.chat_id, seq: m.seq, sender_id: m.sender.id }),
            _ => None,
        };
        if self.outbound.get().is_some() {
            self.publish(Outbound::Frame { recipients: recipients.to_vec(), json: json.clone(), delivers });
        }
        self.deliver(recipients, json, delivers);
    }

    /// Queues an already serialised frame on this instance's connections only.
    pub fn deliver(&self, recipients: &[Uuid], json: String, delivers: Option<Delivers>) {
        let event = Event { id: self.next_event.fetch_add(1, Ordering::Relaxed) + 1, json: json.into(), delivers };
        let mut users = self.users();
        let mut seen = std::collections::HashSet::new();
        for user in recipients.iter().filter(|u| seen.insert(**u)) {
            let Some(state) = users.get_mut(user) else { continue };
            state.replay.push_back(event.clone());
            if state.replay.len() > REPLAY_LEN
                && let Some(dropped) = state.replay.pop_front()
            {
                state.forgotten_up_to = dropped.id;
            }
            state.conns.retain(|conn| match conn.tx.try_send(event.clone()) {
                Ok(()) => true,
                Err(_) => {
                    // Too slow or gone: close it; the client will reconnect and catch up.
                    conn.close.notify_one();
                    false
                }
            });
        }
        metrics::counter!("live_frames_total").increment(1);
    }

    /// Frames for this user after `last_id`, or None when some of them are no longer held
    /// (the client then catches up from the database by seq).
    pub fn replay_since(&self, user_id: Uuid, last_id: u64) -> Option<Vec<Event>> {
        let users = self.users();
        let state = users.get(&user_id)?;
        if last_id < state.forgotten_up_to {
            return None;
        }
        Some(state.replay.iter().filter(|e| e.id > last_id).cloned().collect())
    }

    /// The newest event id handed out: where a fresh SSE stream starts counting.
    pub fn last_event_id(&self) -> u64 {
        self.next_event.load(Ordering::Relaxed)
    }

    /// Tells a revoked session's connections why, then closes them, on every instance.
    pub fn close_session(&self, user_id: Uuid, session_id: Uuid) {
        self.publish(Outbound::CloseSession { user_id, session_id });
        self.close_session_here(user_id, session_id);
    }

    /// The same, for this instance's connections only.
    pub fn close_session_here(&self, user_id: Uuid, session_id: Uuid) {
        let frame = ServerFrame::SessionRevoked { session_id };
        let Ok(json) = serde_json::to_string(&frame) else { return };
        let event =
            Event { id: self.next_event.fetch_add(1, Ordering::Relaxed) + 1, json: json.into(), delivers: None };
        let mut users = self.users();
        if let Some(state) = users.get_mut(&user_id) {
            state.conns.retain(|conn| {
                if conn.session_id != session_id {
                    return true;
                }
                let _ = conn.tx.try_send(event.clone());
                conn.close.notify_one();
                false
            });
        }
    }

    /// Closes every connection, for shutdown: clients reconnect (to another instance).
    pub fn close_all(&self) {
        for state in self.users().values_mut() {
            for conn in state.conns.drain(..) {
                conn.close.notify_one();
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pong() -> ServerFrame {
        ServerFrame::Pong {}
    }

    #[tokio::test]
    async fn frames_reach_every_connection_of_each_recipient_once() {
        let hub = Hub::new();
        let (alice, bob, carol) = (Uuid::now_v7(), Uuid::now_v7(), Uuid::now_v7());
        let mut a1 = hub.register(alice, Uuid::now_v7());
        let mut a2 = hub.register(alice, Uuid::now_v7());
        let mut c = hub.register(carol, Uuid::now_v7());
        assert!(a1.first && !a2.first);
        hub.send(&[alice, alice, bob], &pong());
        assert!(a1.events.try_recv().is_ok());
        assert!(a2.events.try_recv().is_ok());
        assert!(a1.events.try_recv().is_err(), "sent once per connection");
        assert!(c.events.try_recv().is_err(), "not a recipient");
    }

    #[tokio::test]
    async fn a_connection_that_does_not_drain_is_closed_and_others_go_on() {
        let hub = Hub::new();
        let user = Uuid::now_v7();
        let slow = hub.register(user, Uuid::now_v7());
        for _ in 0..=QUEUE_LEN {
            hub.send(&[user], &pong());
        }
        let closed = tokio::time::timeout(std::time::Duration::from_millis(100), slow.close.notified()).await;
        assert!(closed.is_ok(), "the slow connection was told to close");
        assert_eq!(hub.connection_count(user), 0);
        let mut fresh = hub.register(user, Uuid::now_v7());
        hub.send(&[user], &pong());
        assert!(fresh.events.try_recv().is_ok());
    }

    #[tokio::test]
    async fn revoking_a_session_closes_only_its_connections() {
        let hub = Hub::new();
        let user = Uuid::now_v7();
        let (phone, laptop) = (Uuid::now_v7(), Uuid::now_v7());
        let mut p = hub.register(user, phone);
        let mut l = hub.register(user, laptop);
        hub.close_session(user, phone);
        assert!(p.events.try_recv().unwrap().json.contains("session.revoked"));
        assert!(l.events.try_recv().is_err());
        assert_eq!(hub.connection_count(user), 1);
    }

    #[tokio::test]
    async fn replay_returns_what_came_after_the_last_event_id() {
        let hub = Hub::new();
        let user = Uuid::now_v7();
        let reg = hub.register(user, Uuid::now_v7());
        hub.send(&[user], &pong());
        let first = hub.last_event_id();
        hub.send(&[user], &pong());
        drop(reg);
        // Sent while disconnected: still held for the reconnect.
        hub.send(&[user], &pong());
        let missed = hub.replay_since(user, first).unwrap();
        assert_eq!(missed.iter().map(|e| e.id).collect::<Vec<_>>(), vec![first + 1, first + 2]);
    }

    #[tokio::test]
    async fn replay_refuses_when_the_buffer_no_longer_reaches_back() {
        let hub = Hub::new();
        let user = Uuid::now_v7();
        let _reg = hub.register(user, Uuid::now_v7());
        for _ in 0..REPLAY_LEN + 5 {
            hub.send(&[user], &pong());
        }
        assert!(hub.replay_since(user, 1).is_none());
        assert!(hub.replay_since(Uuid::now_v7(), 0).is_none(), "unknown users resync");
    }

    #[tokio::test]
    async fn a_connection_is_visible_until_its_client_reports_away() {
        let hub = Hub::new();
        let user = Uuid::now_v7();
        let phone = hub.register(user, Uuid::now_v7());
        let laptop = hub.register(user, Uuid::now_v7());
        assert!(hub.is_visible(user), "connections start visible");
        hub.set_visible(user, phone.guard.conn_id(), false);
        assert!(hub.is_visible(user), "the laptop still shows the app");
        hub.set_visible(user, laptop.guard.conn_id(), false);
        assert!(!hub.is_visible(user));
        assert!(hub.visible_connections().is_empty());
        hub.set_visible(user, laptop.guard.conn_id(), true);
        assert_eq!(hub.visible_connections(), vec![(user, laptop.guard.conn_id())]);
        drop(laptop);
        assert!(!hub.is_visible(user), "a closed connection shows nothing");
    }

    #[tokio::test]
    async fn dropping_the_guard_unregisters() {
        let hub = Hub::new();
        let user = Uuid::now_v7();
        let reg = hub.register(user, Uuid::now_v7());
        assert!(hub.is_online(user));
        assert!(reg.guard.is_last());
        drop(reg);
        assert!(!hub.is_online(user));
        assert_eq!(hub.connection_count(user), 0);
    }
}
