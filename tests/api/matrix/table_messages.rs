//! Message, search and image routes. Columns: stranger, blocked, member, admin, owner (after
//! the three signed-out callers). The target message and images are the member's, so the
//! member is the author and everyone else in the group "another member".

use super::Expect::{Allow, Blind, Deny};
use super::{Actor, Body, FORBIDDEN, NOT_FOUND, Prep, Req, Row, group_members, row, signed_in};
use serde_json::json;

fn send_body() -> serde_json::Value {
    json!({"content": "hello there", "clientId": uuid::Uuid::now_v7().to_string()})
}

pub fn rows() -> Vec<Row> {
    vec![
        row(
            "GET",
            "/api/chats/{id}/messages",
            Prep::Shared(|w, _| Req::to(format!("/api/chats/{}/messages", w.group))),
            group_members(Allow(200)),
        ),
        row(
            "GET",
            "/api/chats/{id}/messages",
            Prep::Shared(|w, _| Req::to(format!("/api/chats/{}/messages", w.direct))),
            signed_in(NOT_FOUND, Allow(200), NOT_FOUND, NOT_FOUND, Allow(200)),
        )
        .case("direct chat"),
        row(
            "POST",
            "/api/chats/{id}/messages",
            Prep::Shared(|w, _| Req::json(format!("/api/chats/{}/messages", w.group), send_body())),
            group_members(Allow(201)),
        ),
        // The block stops messages both ways in the direct chat, each side told why.
        row(
            "POST",
            "/api/chats/{id}/messages",
            Prep::Shared(|w, _| Req::json(format!("/api/chats/{}/messages", w.direct), send_body())),
            signed_in(NOT_FOUND, Deny(403, "blocked"), NOT_FOUND, NOT_FOUND, Deny(403, "you_blocked")),
        )
        .case("direct chat"),
        row(
            "GET",
            "/api/messages/{id}",
            Prep::Shared(|w, _| Req::to(format!("/api/messages/{}", w.message))),
            group_members(Allow(200)),
        ),
        row(
            "GET",
            "/api/messages/{id}",
            Prep::Shared(|w, _| Req::to(format!("/api/messages/{}", w.direct_message))),
            signed_in(NOT_FOUND, Allow(200), NOT_FOUND, NOT_FOUND, Allow(200)),
        )
        .case("direct chat"),
        // Only the author edits (to the same text here, so the shared message stays as it is).
        row(
            "PATCH",
            "/api/messages/{id}",
            Prep::Shared(|w, _| Req::json(format!("/api/messages/{}", w.message), json!({"content": w.message_text}))),
            signed_in(NOT_FOUND, FORBIDDEN, Allow(200), FORBIDDEN, FORBIDDEN),
        ),
        // An edit reaches the other person as new text: the block stops it like a send.
        row(
            "PATCH",
            "/api/messages/{id}",
            Prep::Shared(|w, _| {
                Req::json(format!("/api/messages/{}", w.blocked_message), json!({"content": w.reply_text}))
            }),
            signed_in(NOT_FOUND, Deny(403, "blocked"), NOT_FOUND, NOT_FOUND, FORBIDDEN),
        )
        .case("direct chat closed by a block"),
        // The author, and the group's owner and admins as moderators; not another member.
        row(
            "DELETE",
            "/api/messages/{id}",
            Prep::Fresh(|app, w, _| {
                Box::pin(async move {
                    let (id, text) = w.fresh_message(app).await;
                    Req::to(format!("/api/messages/{id}")).survives(Actor::Member, format!("/api/messages/{id}"), text)
                })
            }),
            signed_in(NOT_FOUND, FORBIDDEN, Allow(204), Allow(204), Allow(204)),
        ),
        row(
            "GET",
            "/api/messages/{id}/history",
            Prep::Shared(|w, _| Req::to(format!("/api/messages/{}/history", w.message))),
            group_members(Allow(200)),
        ),
        row(
            "GET",
            "/api/messages/{id}/receipts",
            Prep::Shared(|w, _| Req::to(format!("/api/messages/{}/receipts", w.message))),
            group_members(Allow(200)),
        ),
        row(
            "POST",
            "/api/messages/{id}/reactions",
            Prep::Shared(|w, _| Req::json(format!("/api/messages/{}/reactions", w.message), json!({"emoji": "👍"}))),
            group_members(Allow(201)),
        ),
        // A reaction is a message of its own: neither side of a block can send one.
        row(
            "POST",
            "/api/messages/{id}/reactions",
            Prep::Shared(|w, _| {
                Req::json(format!("/api/messages/{}/reactions", w.direct_message), json!({"emoji": "👍"}))
            }),
            signed_in(NOT_FOUND, Deny(403, "blocked"), NOT_FOUND, NOT_FOUND, Deny(403, "you_blocked")),
        )
        .case("direct chat closed by a block"),
        // Taking a reaction back stays possible (it tells the other side nothing new).
        row(
            "DELETE",
            "/api/messages/{id}/reactions/{emoji}",
            Prep::Shared(|w, _| Req::to(format!("/api/messages/{}/reactions/%F0%9F%8E%89", w.direct_message))),
            signed_in(NOT_FOUND, Allow(204), NOT_FOUND, NOT_FOUND, Allow(204)),
        )
        .case("direct chat closed by a block"),
        row(
            "DELETE",
            "/api/messages/{id}/reactions/{emoji}",
            Prep::Shared(|w, _| Req::to(format!("/api/messages/{}/reactions/%F0%9F%8E%89", w.message))),
            group_members(Allow(204)),
        ),
        row(
            "GET",
            "/api/search/messages",
            Prep::Shared(|w, _| Req::to(format!("/api/search/messages?q=launch&chatId={}", w.group))),
            group_members(Allow(200)),
        ),
        // Searching everything is everyone's right; the stranger finds none of the group's words.
        row(
            "GET",
            "/api/search/messages",
            Prep::Shared(|_, _| Req::to("/api/search/messages?q=launch")),
            signed_in(Blind(200), Allow(200), Allow(200), Allow(200), Allow(200)),
        )
        .case("all chats"),
        row(
            "POST",
            "/api/media",
            Prep::Shared(|_, _| Req { body: Body::Image(crate::images::png(4, 4)), ..Req::to("/api/media") }),
            signed_in(Allow(201), Allow(201), Allow(201), Allow(201), Allow(201)),
        ),
        // Images are for the uploader and the members of the chats they were sent in.
        row(
            "GET",
            "/api/media/{id}",
            Prep::Shared(|w, _| Req::to(format!("/api/media/{}", w.media_sent))),
            group_members(Allow(200)),
        ),
        row(
            "GET",
            "/api/media/{id}",
            Prep::Shared(|w, _| Req::to(format!("/api/media/{}", w.media_unsent))),
            signed_in(NOT_FOUND, NOT_FOUND, Allow(200), NOT_FOUND, NOT_FOUND),
        )
        .case("never sent"),
        row(
            "GET",
            "/api/media/{id}/medium",
            Prep::Shared(|w, _| Req::to(format!("/api/media/{}/medium", w.media_sent))),
            group_members(Allow(200)),
        ),
        row(
            "GET",
            "/api/media/{id}/thumbnail",
            Prep::Shared(|w, _| Req::to(format!("/api/media/{}/thumbnail", w.media_sent))),
            group_members(Allow(200)),
        ),
        row(
            "GET",
            "/api/media/{id}/thumbnail",
            Prep::Shared(|w, _| Req::to(format!("/api/media/{}/thumbnail", w.media_unsent))),
            signed_in(NOT_FOUND, NOT_FOUND, Allow(200), NOT_FOUND, NOT_FOUND),
        )
        .case("never sent"),
    ]
}
