//! The live-event table: every frame type the server pushes, the action that makes one, and
//! which watchers' connections must carry it. Columns: member, stranger, removed, blocked (see
//! `Watcher`). A watcher marked `Nothing` must get no frame telling of that event (see
//! `Target::leaks_on`) before a control frame of their own, which proves the connection was
//! alive throughout. Frames of other, unrelated activity (receipts of deliveries that are
//! written each second) may come and go; they are not this row's event.

use super::events_run::{EventWorld, Target, ok};
use crate::helpers::TestApp;
use crate::live_client::Ws;
use futures::future::LocalBoxFuture;
use serde_json::json;
use std::collections::BTreeSet;

/// Who holds a live connection while the events happen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Watcher {
    /// A plain member of the group, not blocked by anyone.
    Member,
    /// In none of the owner's chats, nobody's contact.
    Stranger,
    /// Was a member of the group until the owner removed them.
    Removed,
    /// A member of the group whom the owner blocked; the other side of the owner's direct chat.
    Blocked,
}

pub const WATCHERS: [Watcher; 4] = [Watcher::Member, Watcher::Stranger, Watcher::Removed, Watcher::Blocked];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sees {
    Frame,
    Nothing,
}
use Sees::{Frame, Nothing};

/// Does the thing (mostly as the owner, whose connection is passed in) and says which frame it made.
pub type Trigger = for<'a> fn(&'a TestApp, &'a EventWorld, &'a mut Ws) -> LocalBoxFuture<'a, Target>;

pub struct EventRow {
    /// The frame's `type`.
    pub kind: &'static str,
    pub case: &'static str,
    pub trigger: Trigger,
    /// In `WATCHERS` order.
    pub sees: [Sees; 4],
}

fn event(kind: &'static str, case: &'static str, trigger: Trigger, sees: [Sees; 4]) -> EventRow {
    EventRow { kind, case, trigger, sees }
}

/// What the group's current members see: the member and the blocked person (blocks do not touch
/// groups), never the stranger or the person removed from it.
const GROUP: [Sees; 4] = [Frame, Nothing, Nothing, Frame];
/// Only the member.
const MEMBER_ONLY: [Sees; 4] = [Frame, Nothing, Nothing, Nothing];
const NOBODY: [Sees; 4] = [Nothing; 4];

/// Frames that answer the connection itself rather than tell of something that happened:
/// they go only to the connection that asked, so no other watcher could receive them.
pub const REPLIES: [(&str, &str); 4] = [
    ("ready", "the first frame of every connection, about itself"),
    ("ack", "the answer to this connection's own message.send"),
    ("error", "the answer to this connection's own bad frame"),
    ("pong", "the answer to this connection's own ping"),
];

pub fn rows() -> Vec<EventRow> {
    vec![
        event(
            "message.new",
            "",
            |app, w, _| {
                Box::pin(async move {
                    let m = app.say(&w.owner.token, &w.group, &w.secret("new")).await;
                    Target::of(&[("id", m["id"].clone())])
                })
            },
            GROUP,
        ),
        event(
            "message.edited",
            "",
            |app, w, _| {
                Box::pin(async move {
                    let id = w.owner_message(app).await;
                    let res = app
                        .patch_bearer(
                            &format!("/api/messages/{id}"),
                            &w.owner.token,
                            json!({"content": w.secret("edited")}),
                        )
                        .await;
                    ok(res, 200).await;
                    Target::of(&[("id", json!(id))])
                })
            },
            GROUP,
        ),
        event(
            "message.deleted",
            "",
            |app, w, _| {
                Box::pin(async move {
                    let id = w.owner_message(app).await;
                    ok(app.delete_bearer(&format!("/api/messages/{id}"), &w.owner.token).await, 204).await;
                    Target::of(&[("messageId", json!(id))])
                })
            },
            GROUP,
        ),
        event(
            "reaction.added",
            "",
            |app, w, _| {
                Box::pin(async move {
                    let id = w.owner_message(app).await;
                    ok(
                        app.post_bearer(
                            &format!("/api/messages/{id}/reactions"),
                            &w.owner.token,
                            json!({"emoji": "👍"}),
                        )
                        .await,
                        201,
                    )
                    .await;
                    Target::of(&[("messageId", json!(id))])
                })
            },
            GROUP,
        ),
        event(
            "reaction.removed",
            "",
            |app, w, _| {
                Box::pin(async move {
                    let id = w.owner_message(app).await;
                    ok(
                        app.post_bearer(
                            &format!("/api/messages/{id}/reactions"),
                            &w.owner.token,
                            json!({"emoji": "👍"}),
                        )
                        .await,
                        201,
                    )
                    .await;
                    ok(
                        app.delete_bearer(&format!("/api/messages/{id}/reactions/%F0%9F%91%8D"), &w.owner.token).await,
                        204,
                    )
                    .await;
                    Target::of(&[("messageId", json!(id))])
                })
            },
            GROUP,
        ),
        event(
            "receipt",
            "",
            |app, w, _| {
                Box::pin(async move {
                    let seq = app.say(&w.member.token, &w.group, &w.secret("read me")).await["seq"].clone();
                    ok(
                        app.post_bearer(&format!("/api/chats/{}/read", w.group), &w.owner.token, json!({"seq": seq}))
                            .await,
                        204,
                    )
                    .await;
                    Target::of(&[("chatId", json!(w.group)), ("userId", json!(w.owner.id)), ("readSeq", seq)])
                })
            },
            GROUP,
        ),
        // Nor does loading it: the delivery mark a history load makes (written within a second)
        // tells the blocked person nothing.
        event(
            "receipt",
            "the blocker loading the direct chat",
            |app, w, _| {
                Box::pin(async move {
                    app.json_bearer(&format!("/api/chats/{}/messages", w.direct), &w.owner.token).await;
                    tokio::time::sleep(std::time::Duration::from_millis(1500)).await;
                    Target::of(&[("chatId", json!(w.direct)), ("userId", json!(w.owner.id))])
                })
            },
            NOBODY,
        ),
        // The block hides the owner's activity from the blocked person: reading their message too.
        event(
            "receipt",
            "the blocker reading the direct chat",
            |app, w, _| {
                Box::pin(async move {
                    ok(
                        app.post_bearer(&format!("/api/chats/{}/read", w.direct), &w.owner.token, json!({"seq": 1}))
                            .await,
                        204,
                    )
                    .await;
                    Target::of(&[("chatId", json!(w.direct)), ("userId", json!(w.owner.id))])
                })
            },
            NOBODY,
        ),
        event(
            "typing",
            "",
            |_, w, owner| {
                Box::pin(async move {
                    owner.send(json!({"type": "typing", "data": {"chatId": w.group, "typing": true}})).await;
                    Target::of(&[("chatId", json!(w.group)), ("userId", json!(w.owner.id))])
                })
            },
            GROUP,
        ),
        // Typing into the direct chat with the person you blocked reaches no one.
        event(
            "typing",
            "direct chat closed by a block",
            |_, w, owner| {
                Box::pin(async move {
                    owner.send(json!({"type": "typing", "data": {"chatId": w.direct, "typing": true}})).await;
                    Target::of(&[("chatId", json!(w.direct)), ("userId", json!(w.owner.id))])
                })
            },
            NOBODY,
        ),
        // Presence goes to contacts and chat partners, never to someone the owner blocked, even in a shared group.
        event(
            "presence",
            "",
            |_, w, owner| {
                Box::pin(async move {
                    owner.send(json!({"type": "presence", "data": {"status": "away"}})).await;
                    // Nothing about the owner's presence at all may reach those who must not see it.
                    Target::of(&[("userId", json!(w.owner.id)), ("status", json!("away"))]).leaks_on(&["userId"])
                })
            },
            MEMBER_ONLY,
        ),
        event(
            "chat.created",
            "",
            |app, w, _| {
                Box::pin(async move {
                    let id = app.group(&w.owner.token, "Another table", &[&w.member.id, &w.blocked.id]).await;
                    Target::of(&[("chatId", json!(id))])
                })
            },
            GROUP,
        ),
        event(
            "chat.updated",
            "",
            |app, w, _| {
                Box::pin(async move {
                    let res = app
                        .patch_bearer(
                            &format!("/api/chats/{}", w.group),
                            &w.owner.token,
                            json!({"name": w.secret("renamed")}),
                        )
                        .await;
                    ok(res, 200).await;
                    Target::of(&[("chatId", json!(w.group))])
                })
            },
            GROUP,
        ),
        // A group the removed person was in and left before it went.
        event(
            "chat.deleted",
            "",
            |app, w, _| {
                Box::pin(async move {
                    let id =
                        app.group(&w.owner.token, "Short-lived", &[&w.member.id, &w.blocked.id, &w.removed.id]).await;
                    ok(
                        app.delete_bearer(&format!("/api/chats/{id}/members/{}", w.removed.id), &w.owner.token).await,
                        204,
                    )
                    .await;
                    ok(app.delete_bearer(&format!("/api/chats/{id}"), &w.owner.token).await, 204).await;
                    Target::of(&[("chatId", json!(id))])
                })
            },
            GROUP,
        ),
        event(
            "member.added",
            "",
            |app, w, _| {
                Box::pin(async move {
                    let user = w.fresh_user();
                    ok(
                        app.post_bearer(
                            &format!("/api/chats/{}/members", w.group),
                            &w.owner.token,
                            json!({"userIds": [user]}),
                        )
                        .await,
                        200,
                    )
                    .await;
                    Target::of(&[("chatId", json!(w.group)), ("userId", json!(user))])
                })
            },
            GROUP,
        ),
        event(
            "member.removed",
            "",
            |app, w, _| {
                Box::pin(async move {
                    let user = w.fresh_user();
                    ok(
                        app.post_bearer(
                            &format!("/api/chats/{}/members", w.group),
                            &w.owner.token,
                            json!({"userIds": [user]}),
                        )
                        .await,
                        200,
                    )
                    .await;
                    ok(app.delete_bearer(&format!("/api/chats/{}/members/{user}", w.group), &w.owner.token).await, 204)
                        .await;
                    Target::of(&[("chatId", json!(w.group)), ("userId", json!(user))])
                })
            },
            GROUP,
        ),
        // Brought back and removed again: the person removed is told, once, and then hears nothing more.
        event(
            "member.removed",
            "the removed person themselves",
            |app, w, _| {
                Box::pin(async move {
                    let body = json!({"userIds": [w.removed.id]});
                    ok(app.post_bearer(&format!("/api/chats/{}/members", w.group), &w.owner.token, body).await, 200)
                        .await;
                    ok(
                        app.delete_bearer(&format!("/api/chats/{}/members/{}", w.group, w.removed.id), &w.owner.token)
                            .await,
                        204,
                    )
                    .await;
                    Target::of(&[("chatId", json!(w.group)), ("userId", json!(w.removed.id))])
                })
            },
            [Frame, Nothing, Frame, Frame],
        ),
        event(
            "contact.request",
            "",
            |app, w, _| {
                Box::pin(async move {
                    let id = w.owner_asks_member(app).await;
                    Target::of(&[("id", json!(id))]).leaks_on(&[])
                })
            },
            MEMBER_ONLY,
        ),
        event(
            "contact.updated",
            "",
            |app, w, _| {
                Box::pin(async move {
                    let id = w.owner_asks_member(app).await;
                    ok(
                        app.post_bearer(&format!("/api/contacts/requests/{id}/accept"), &w.member.token, json!({}))
                            .await,
                        200,
                    )
                    .await;
                    Target::of(&[("userId", json!(w.owner.id)), ("status", json!("accepted"))]).leaks_on(&[])
                })
            },
            MEMBER_ONLY,
        ),
        // Only the blocker hears of a block: to the blocked person nothing happened.
        event(
            "contact.updated",
            "a block",
            |app, w, _| {
                Box::pin(async move {
                    ok(
                        app.post_bearer(&format!("/api/blocks/{}", w.stranger.id), &w.owner.token, json!({})).await,
                        204,
                    )
                    .await;
                    Target::of(&[("userId", json!(w.stranger.id))]).leaks_on(&[])
                })
            },
            NOBODY,
        ),
        // What people outside the group send over their own connections is refused and reaches no one.
        event(
            "message.new",
            "a stranger's message.send",
            |app, w, _| {
                Box::pin(async move {
                    let frame = json!({"type": "message.send", "data": {"chatId": w.group, "content": w.secret("intrusion"), "clientId": "x1"}});
                    w.refused(app, &w.stranger, frame, "not_found").await;
                    Target::of(&[("chatId", json!(w.group))])
                })
            },
            NOBODY,
        ),
        event(
            "typing",
            "a removed member typing",
            |app, w, _| {
                Box::pin(async move {
                    w.refused(
                        app,
                        &w.removed,
                        json!({"type": "typing", "data": {"chatId": w.group, "typing": true}}),
                        "not_found",
                    )
                    .await;
                    Target::of(&[("chatId", json!(w.group)), ("userId", json!(w.removed.id))])
                })
            },
            NOBODY,
        ),
        event(
            "receipt",
            "a removed member's read",
            |app, w, _| {
                Box::pin(async move {
                    w.refused(
                        app,
                        &w.removed,
                        json!({"type": "read", "data": {"chatId": w.group, "seq": 1}}),
                        "not_found",
                    )
                    .await;
                    Target::of(&[("chatId", json!(w.group)), ("userId", json!(w.removed.id))])
                })
            },
            NOBODY,
        ),
        // Only the signed-out device hears of it (checked in `revoke_a_device`), then nothing more.
        event("session.revoked", "", |app, w, _| Box::pin(w.revoke_a_device(app)), NOBODY),
    ]
}

/// The `type`s of `ServerFrame`, read from its definition, so a new variant shows up here.
pub fn server_frame_types() -> BTreeSet<String> {
    let source = include_str!("../../../src/realtime/model.rs");
    let start = source.find("pub enum ServerFrame {").expect("ServerFrame in realtime/model.rs");
    let body = &source[start..];
    let body = &body[..body.find("\n}").expect("the end of ServerFrame")];
    body.split("rename = \"").skip(1).filter_map(|rest| rest.split('"').next()).map(str::to_owned).collect()
}

#[test]
fn every_live_event_type_is_in_the_matrix() {
    let types = server_frame_types();
    assert!(types.len() >= 20, "read the frame types: {types:?}");
    let rows = rows();
    let listed: BTreeSet<String> =
        rows.iter().map(|r| r.kind.to_owned()).chain(REPLIES.iter().map(|(k, _)| (*k).to_owned())).collect();
    let missing: Vec<_> = types.difference(&listed).collect();
    let stale: Vec<_> = listed.difference(&types).collect();
    assert!(missing.is_empty(), "live event types the matrix does not list: {missing:?}");
    assert!(stale.is_empty(), "matrix rows for frame types that no longer exist: {stale:?}");
    let mut keys = BTreeSet::new();
    for row in &rows {
        assert!(keys.insert((row.kind, row.case)), "{} [{}] is listed twice", row.kind, row.case);
        assert!(!REPLIES.iter().any(|(k, _)| *k == row.kind), "{} is a reply, not an event", row.kind);
    }
}
