//! Runs the live-event table: one server, a live connection per watcher, each event triggered
//! in turn; then every watcher gets a control frame of their own (a message in a chat only they
//! are in), and what arrived before it is judged: the frame where the table says so, no frame of
//! that type where it says nothing.

use super::events::{EventRow, Sees, WATCHERS, Watcher, rows};
use super::world::{PASSWORD, Person};
use crate::helpers::{TestApp, TestUser, spawn_with};
use crate::live_client::Ws;
use serde_json::{Value, json};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

/// How long a watcher's control frame may take; nothing it proves depends on waiting longer.
const CONTROL_WAIT: Duration = Duration::from_secs(5);

pub async fn ok(res: reqwest::Response, status: u16) -> Value {
    let got = res.status().as_u16();
    let body: Value = res.json().await.unwrap_or(Value::Null);
    assert_eq!(got, status, "{body}");
    body
}

/// The frame an event made: its `data` has these fields with these values.
pub struct Target {
    fields: Vec<(&'static str, Value)>,
    /// The fields a frame must share with the target to count as leaked to a watcher who must
    /// see nothing (all of them unless narrowed; none: any frame of the type is a leak).
    leak_keys: Option<Vec<&'static str>>,
}

impl Target {
    pub fn of(fields: &[(&'static str, Value)]) -> Target {
        Target { fields: fields.to_vec(), leak_keys: None }
    }

    pub fn leaks_on(mut self, keys: &[&'static str]) -> Target {
        self.leak_keys = Some(keys.to_vec());
        self
    }

    fn matches(&self, frame: &Value) -> bool {
        self.fields.iter().all(|(k, v)| frame["data"][*k] == *v)
    }

    /// Whether a frame tells of this event (or, narrowed, of anything the watcher must not hear).
    fn leaked_by(&self, frame: &Value) -> bool {
        match &self.leak_keys {
            None => self.matches(frame),
            Some(keys) => self.fields.iter().filter(|(k, _)| keys.contains(k)).all(|(k, v)| frame["data"][*k] == *v),
        }
    }
}

pub struct EventWorld {
    pub owner: Person,
    pub member: Person,
    pub stranger: Person,
    pub removed: Person,
    pub blocked: Person,
    pub group: String,
    pub direct: String,
    /// A chat each watcher has to themselves, for their control frames.
    controls: Vec<String>,
    pool: Mutex<Vec<String>>,
    counter: AtomicUsize,
}

async fn person(app: &TestApp, name: &'static str) -> Person {
    let TestUser { id, token, .. } = app.user(name).await;
    Person { id, name, token }
}

impl EventWorld {
    async fn build(app: &TestApp) -> EventWorld {
        let (owner, member, stranger, removed, blocked) = tokio::join!(
            person(app, "owner"),
            person(app, "member"),
            person(app, "stranger"),
            person(app, "removed"),
            person(app, "blocked")
        );
        let group = app.group(&owner.token, "Inner circle", &[&member.id, &blocked.id, &removed.id]).await;
        app.say(&owner.token, &group, "welcome").await;
        ok(app.delete_bearer(&format!("/api/chats/{group}/members/{}", removed.id), &owner.token).await, 204).await;
        let res = app.post_bearer("/api/chats/direct", &owner.token, json!({"userId": blocked.id})).await;
        let direct = ok(res, 201).await["chat"]["id"].as_str().expect("direct").to_owned();
        app.say(&blocked.token, &direct, "are you there?").await;
        ok(app.post_bearer(&format!("/api/blocks/{}", blocked.id), &owner.token, json!({})).await, 204).await;
        let mut controls = Vec::new();
        for p in [&member, &stranger, &removed, &blocked] {
            controls.push(app.group(&p.token, "Just me", &[]).await);
        }
        let pool = Mutex::new(app.seed_users(10).await);
        EventWorld {
            owner,
            member,
            stranger,
            removed,
            blocked,
            group,
            direct,
            controls,
            pool,
            counter: AtomicUsize::new(0),
        }
    }

    fn watcher(&self, watcher: Watcher) -> (&Person, &str) {
        let i = WATCHERS.iter().position(|w| *w == watcher).expect("a watcher");
        let person = [&self.member, &self.stranger, &self.removed, &self.blocked][i];
        (person, &self.controls[i])
    }

    /// A text seen nowhere before.
    pub fn secret(&self, label: &str) -> String {
        format!("{label} #{}", self.counter.fetch_add(1, Ordering::Relaxed))
    }

    pub fn fresh_user(&self) -> String {
        self.pool.lock().unwrap_or_else(|p| p.into_inner()).pop().expect("the seeded pool is big enough")
    }

    /// A new message of the owner's in the group.
    pub async fn owner_message(&self, app: &TestApp) -> String {
        app.say(&self.owner.token, &self.group, &self.secret("note")).await["id"].as_str().expect("id").to_owned()
    }

    /// The owner's contact request to the member (the same one when asked again).
    pub async fn owner_asks_member(&self, app: &TestApp) -> String {
        let res = app.post_bearer("/api/contacts/requests", &self.owner.token, json!({"userId": self.member.id})).await;
        assert!(res.status().is_success(), "asking: {}", res.status());
        res.json::<Value>().await.expect("request")["request"]["id"].as_str().expect("id").to_owned()
    }

    /// Sends a client frame from a new connection of `who`'s and checks that it is refused with `code`.
    pub async fn refused(&self, app: &TestApp, who: &Person, frame: Value, code: &str) {
        let mut ws = Ws::connect(&app.base, &who.token).await;
        ws.send(frame).await;
        let error = ws.next_of("error").await.expect("the sender is told");
        assert_eq!(error["data"]["code"], code, "{error}");
    }

    /// Signs a second device of the member's out while it is connected: that connection alone
    /// is told, then closed, and its token opens no new one.
    pub async fn revoke_a_device(&self, app: &TestApp) -> Target {
        let body = app.login(self.member.name, PASSWORD).await;
        let token = body["accessToken"].as_str().expect("access").to_owned();
        let mut device = Ws::connect(&app.base, &token).await;
        let sessions = app.json_bearer("/api/sessions", &token).await;
        let current =
            sessions["sessions"].as_array().expect("sessions").iter().find(|s| s["current"] == true).expect("current");
        let sid = current["id"].as_str().expect("sid").to_owned();
        ok(app.delete_bearer(&format!("/api/sessions/{sid}"), &self.member.token).await, 204).await;
        let told = device.next_of("session.revoked").await.expect("the signed-out device is told");
        assert_eq!(told["data"]["sessionId"], sid.as_str());
        assert!(device.closed().await, "and its connection closed");
        app.say(&self.owner.token, &self.group, &self.secret("after the sign-out")).await;
        assert!(device.next_within(Duration::from_millis(300)).await.is_none(), "a closed connection carries nothing");
        let url = format!("{}/api/ws?token={token}", app.base.replacen("http", "ws", 1));
        assert!(tokio_tungstenite::connect_async(url).await.is_err(), "the signed-out token opens no new connection");
        Target::of(&[("sessionId", json!(sid))])
    }
}

/// Sends a watcher's control message and returns every frame that arrived before it.
async fn until_control(
    app: &TestApp,
    w: &EventWorld,
    watcher: Watcher,
    ws: &mut Ws,
    text: String,
) -> Result<Vec<Value>, String> {
    let (person, chat) = w.watcher(watcher);
    app.say(&person.token, chat, &text).await;
    let mut before = Vec::new();
    let deadline = tokio::time::Instant::now() + CONTROL_WAIT;
    loop {
        let left = deadline.checked_duration_since(tokio::time::Instant::now()).unwrap_or_default();
        let Some(frame) = ws.next_within(left).await else {
            return Err(format!("{watcher:?}'s control frame never came"));
        };
        if frame["type"] == "message.new" && frame["data"]["content"] == text.as_str() {
            return Ok(before);
        }
        before.push(frame);
    }
}

/// Waits until the owner's connection has handled everything it sent (frames are handled in order).
async fn settle(owner: &mut Ws) {
    owner.send(json!({"type": "ping", "data": {}})).await;
    assert!(owner.next_of("pong").await.is_some(), "the owner's connection answers");
}

fn judge(
    row: &EventRow,
    watcher: Watcher,
    sees: Sees,
    target: &Target,
    control_chat: &str,
    frames: &[Value],
) -> Result<(), String> {
    let of_kind: Vec<&Value> =
        frames.iter().filter(|f| f["type"] == row.kind && f["data"]["chatId"] != control_chat).collect();
    let ok = match sees {
        Sees::Frame => of_kind.iter().any(|f| target.matches(f)),
        Sees::Nothing => !of_kind.iter().any(|f| target.leaked_by(f)),
    };
    if ok {
        Ok(())
    } else {
        Err(format!("{} [{}] to {watcher:?}: wanted {sees:?}, got {of_kind:?}", row.kind, row.case))
    }
}

/// Every watcher's control frame, concurrently, once the owner's own frames were handled.
async fn control_round(
    app: &TestApp,
    w: &EventWorld,
    owner: &mut Ws,
    sockets: &mut [Ws],
    round: usize,
) -> Vec<Result<Vec<Value>, String>> {
    settle(owner).await;
    let waits = sockets
        .iter_mut()
        .zip(WATCHERS)
        .map(|(ws, watcher)| until_control(app, w, watcher, ws, format!("control {round} for {watcher:?}")));
    futures::future::join_all(waits).await
}

#[tokio::test]
async fn authorization_matrix_for_every_live_event() {
    let app = spawn_with(&[("limit-messages-per-second", "0")]).await;
    let w = EventWorld::build(&app).await;
    let mut owner = Ws::connect(&app.base, &w.owner.token).await;
    let mut sockets = Vec::new();
    for watcher in WATCHERS {
        sockets.push(Ws::connect(&app.base, &w.watcher(watcher).0.token).await);
    }
    // A first round lets the frames of connecting (presence and the like) go by.
    control_round(&app, &w, &mut owner, &mut sockets, 0).await;
    let started = std::time::Instant::now();
    let mut failures = Vec::new();
    let mut cells = 0;
    let rows = rows();
    for (i, row) in rows.iter().enumerate() {
        let target = (row.trigger)(&app, &w, &mut owner).await;
        let outcomes = control_round(&app, &w, &mut owner, &mut sockets, i + 1).await;
        for ((frames, watcher), sees) in outcomes.into_iter().zip(WATCHERS).zip(row.sees) {
            cells += 1;
            let verdict = frames.and_then(|frames| judge(row, watcher, sees, &target, w.watcher(watcher).1, &frames));
            failures.extend(verdict.err());
        }
    }
    println!("authorization matrix: {cells} live event cells checked ({} rows) in {:?}", rows.len(), started.elapsed());
    assert!(failures.is_empty(), "{} cells disagree with the table:\n{}", failures.len(), failures.join("\n"));
    assert_eq!(cells, rows.len() * WATCHERS.len());
}
