//! Chat routes. Columns: stranger, blocked, member, admin, owner (`signed_in` puts 401 for the
//! anonymous caller, the signed-out device and the expired token first). A chat someone is not
//! in does not exist for them: 404, never 403, so its id reveals nothing.

use super::Expect::{Allow, Blind, Deny};
use super::{Actor, FORBIDDEN, NOT_FOUND, Prep, Req, Row, group_members, row, signed_in};
use serde_json::json;

pub fn rows() -> Vec<Row> {
    vec![
        // Everyone has a chat list; the stranger's holds none of the world's chats.
        row(
            "GET",
            "/api/chats",
            Prep::Shared(|_, _| Req::to("/api/chats")),
            signed_in(Blind(200), Allow(200), Allow(200), Allow(200), Allow(200)),
        ),
        // Anyone may start a direct chat with the owner, except the person the owner blocked.
        row(
            "POST",
            "/api/chats/direct",
            Prep::Shared(|w, _| Req::json("/api/chats/direct", json!({"userId": w.owner.id}))),
            signed_in(Allow(201), Deny(403, "blocked"), Allow(201), Allow(201), Deny(400, "invalid_participant")),
        ),
        row(
            "POST",
            "/api/chats/group",
            Prep::Shared(|_, _| Req::json("/api/chats/group", json!({"name": "My own corner", "participantIds": []}))),
            signed_in(Allow(201), Allow(201), Allow(201), Allow(201), Allow(201)),
        ),
        row(
            "GET",
            "/api/chats/{id}",
            Prep::Shared(|w, _| Req::to(format!("/api/chats/{}", w.group))),
            group_members(Allow(200)),
        ),
        // The block closes the direct chat to messages, not to reading it.
        row(
            "GET",
            "/api/chats/{id}",
            Prep::Shared(|w, _| Req::to(format!("/api/chats/{}", w.direct))),
            signed_in(NOT_FOUND, Allow(200), NOT_FOUND, NOT_FOUND, Allow(200)),
        )
        .case("direct chat"),
        // Renaming (to the same name, so the shared world stays as it is) is for owner and admins.
        row(
            "PATCH",
            "/api/chats/{id}",
            Prep::Shared(|w, _| Req::json(format!("/api/chats/{}", w.group), json!({"name": w.group_name}))),
            signed_in(NOT_FOUND, FORBIDDEN, FORBIDDEN, Allow(200), Allow(200)),
        ),
        row(
            "DELETE",
            "/api/chats/{id}",
            Prep::Fresh(|app, w, _| {
                Box::pin(async move {
                    let id = w.fresh_group(app).await;
                    Req::to(format!("/api/chats/{id}")).survives(Actor::Member, format!("/api/chats/{id}"), id)
                })
            }),
            signed_in(NOT_FOUND, FORBIDDEN, FORBIDDEN, FORBIDDEN, Allow(204)),
        ),
        row(
            "GET",
            "/api/chats/by-slug/{slug}",
            Prep::Shared(|w, _| Req::to(format!("/api/chats/by-slug/{}", w.slug))),
            group_members(Allow(200)),
        ),
        row(
            "POST",
            "/api/chats/{id}/members",
            Prep::Shared(|w, _| {
                Req::json(format!("/api/chats/{}/members", w.group), json!({"userIds": [w.fresh_user()]}))
            }),
            signed_in(NOT_FOUND, FORBIDDEN, FORBIDDEN, Allow(200), Allow(200)),
        ),
        row(
            "DELETE",
            "/api/chats/{id}/members/{user_id}",
            Prep::Fresh(|app, w, _| {
                Box::pin(async move {
                    let user = w.fresh_group_member(app).await;
                    Req::to(format!("/api/chats/{}/members/{user}", w.group)).survives(
                        Actor::Owner,
                        format!("/api/chats/{}", w.group),
                        user,
                    )
                })
            }),
            signed_in(NOT_FOUND, FORBIDDEN, FORBIDDEN, Allow(204), Allow(204)),
        ),
        // No one removes the owner; the owner "removing" themselves is leaving, which needs a hand-over first.
        row(
            "DELETE",
            "/api/chats/{id}/members/{user_id}",
            Prep::Shared(|w, _| Req::to(format!("/api/chats/{}/members/{}", w.group, w.owner.id))),
            signed_in(NOT_FOUND, FORBIDDEN, FORBIDDEN, FORBIDDEN, Deny(409, "owner_must_transfer")),
        )
        .case("the owner as target"),
        row(
            "PATCH",
            "/api/chats/{id}/members/{user_id}",
            Prep::Fresh(|app, w, _| {
                Box::pin(async move {
                    Req::json(
                        format!("/api/chats/{}/members/{}", w.group, w.fresh_group_member(app).await),
                        json!({"role": "admin"}),
                    )
                })
            }),
            signed_in(NOT_FOUND, FORBIDDEN, FORBIDDEN, FORBIDDEN, Allow(200)),
        ),
        row(
            "POST",
            "/api/chats/{id}/leave",
            Prep::Fresh(|app, w, _| {
                Box::pin(async move {
                    let id = w.fresh_group(app).await;
                    Req::json(format!("/api/chats/{id}/leave"), json!({})).survives(
                        Actor::Owner,
                        format!("/api/chats/{id}"),
                        id,
                    )
                })
            }),
            signed_in(NOT_FOUND, Allow(204), Allow(204), Allow(204), Deny(409, "owner_must_transfer")),
        ),
        row(
            "POST",
            "/api/chats/{id}/read",
            Prep::Shared(|w, _| Req::json(format!("/api/chats/{}/read", w.group), json!({"seq": 1}))),
            group_members(Allow(204)),
        ),
        row(
            "PUT",
            "/api/chats/{id}/mute",
            Prep::Shared(|w, _| Req::json(format!("/api/chats/{}/mute", w.group), json!({"muted": false}))),
            group_members(Allow(200)),
        ),
    ]
}
