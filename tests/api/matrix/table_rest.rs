//! Accounts, sessions, contacts, blocks, push, the live transports and the API document.
//! Most of these are about the caller themselves, so any signed-in user gets the same answer;
//! the rows with a target say whose it is.

use super::Expect::{Allow, Deny};
use super::{ACTORS, Actor, Expect, NOT_FOUND, Prep, Req, Row, anyone_signed_in, row, signed_in};
use crate::tokens::forge;
use serde_json::json;
use web_push_native::p256::SecretKey;
use web_push_native::p256::elliptic_curve::sec1::ToEncodedPoint;

/// The same answer whoever asks, signed in or not, with whatever credential.
fn public(expect: Expect) -> [Expect; 9] {
    [expect; ACTORS.len()]
}

/// Only the member's own target: everyone else is told it does not exist.
fn members_own(allow: Expect, other: Expect) -> [Expect; 9] {
    signed_in(other, other, allow, other, other)
}

/// A browser's `PushSubscription.toJSON()`, at an endpoint that resolves nowhere.
fn subscription(browser: &str) -> serde_json::Value {
    let key = SecretKey::random(&mut rand_core::OsRng);
    let p256dh = forge::b64(key.public_key().to_encoded_point(false).as_bytes());
    json!({"endpoint": format!("https://push.invalid/{browser}"), "keys": {"p256dh": p256dh, "auth": forge::b64([7u8; 16])}})
}

pub fn rows() -> Vec<Row> {
    vec![
        // The credential sent with these is ignored: the body says who registers or signs in.
        row(
            "POST",
            "/api/auth/register",
            Prep::Shared(|_, _| {
                let name = format!("new{}", &uuid::Uuid::now_v7().simple().to_string()[16..]);
                Req::json("/api/auth/register", json!({"username": name, "password": "password123"}))
            }),
            public(Allow(201)),
        ),
        row(
            "POST",
            "/api/auth/login",
            Prep::Shared(|w, _| {
                Req::json("/api/auth/login", json!({"username": w.member.name, "password": "password123"}))
            }),
            public(Allow(200)),
        ),
        row(
            "POST",
            "/api/auth/refresh",
            Prep::Fresh(|app, w, _| {
                Box::pin(async move {
                    let (_, refresh) = w.fresh_login(app, Actor::Member).await.expect("a device");
                    Req::json("/api/auth/refresh", json!({"refreshToken": refresh}))
                })
            }),
            public(Allow(200)),
        ),
        // Signs out a fresh device of the actor's, so the world's tokens stay valid.
        row(
            "POST",
            "/api/auth/logout",
            Prep::Fresh(|app, w, actor| {
                Box::pin(async move {
                    let fresh = match actor {
                        Actor::Anonymous | Actor::Revoked | Actor::Expired => None,
                        _ => w.fresh_login(app, actor).await.map(|(access, _)| access),
                    };
                    Req { token: fresh, ..Req::json("/api/auth/logout", json!({})) }
                })
            }),
            anyone_signed_in(Allow(204)),
        ),
        row("GET", "/api/sessions", Prep::Shared(|_, _| Req::to("/api/sessions")), anyone_signed_in(Allow(200))),
        // A device of the member's: only the member may sign it out.
        row(
            "DELETE",
            "/api/sessions/{id}",
            Prep::Fresh(|app, w, _| {
                Box::pin(async move {
                    let sid = w.fresh_member_session(app).await;
                    Req::to(format!("/api/sessions/{sid}")).survives(Actor::Member, "/api/sessions", sid)
                })
            }),
            members_own(Allow(204), NOT_FOUND),
        ),
        row("GET", "/api/users/me", Prep::Shared(|_, _| Req::to("/api/users/me")), anyone_signed_in(Allow(200))),
        row(
            "PATCH",
            "/api/users/me",
            Prep::Shared(|w, actor| {
                let name = w.person(actor).map_or("nobody", |p| p.name);
                Req::json("/api/users/me", json!({"displayName": name}))
            }),
            anyone_signed_in(Allow(200)),
        ),
        row(
            "GET",
            "/api/users/search",
            Prep::Shared(|_, _| Req::to("/api/users/search?q=own")),
            anyone_signed_in(Allow(200)),
        ),
        // Profiles are public to the signed-in; presence in them follows the contacts rule.
        row(
            "GET",
            "/api/users/{id}",
            Prep::Shared(|w, _| Req::to(format!("/api/users/{}", w.owner.id))),
            anyone_signed_in(Allow(200)),
        ),
        row("GET", "/api/contacts", Prep::Shared(|_, _| Req::to("/api/contacts")), anyone_signed_in(Allow(200))),
        // Anyone may ask the owner, except the person the owner blocked.
        row(
            "POST",
            "/api/contacts/requests",
            Prep::Shared(|w, _| Req::json("/api/contacts/requests", json!({"userId": w.owner.id}))),
            signed_in(Allow(201), Deny(403, "blocked"), Allow(201), Allow(201), Deny(400, "invalid_contact")),
        ),
        // A request sent to the member: only the member answers it.
        row(
            "POST",
            "/api/contacts/requests/{id}/accept",
            Prep::Fresh(|_, w, _| {
                Box::pin(async move {
                    let (id, _) = w.fresh_request_to_member().await;
                    Req::json(format!("/api/contacts/requests/{id}/accept"), json!({})).survives(
                        Actor::Member,
                        "/api/contacts",
                        id,
                    )
                })
            }),
            members_own(Allow(200), NOT_FOUND),
        ),
        row(
            "POST",
            "/api/contacts/requests/{id}/decline",
            Prep::Fresh(|_, w, _| {
                Box::pin(async move {
                    let (id, _) = w.fresh_request_to_member().await;
                    Req::json(format!("/api/contacts/requests/{id}/decline"), json!({})).survives(
                        Actor::Member,
                        "/api/contacts",
                        id,
                    )
                })
            }),
            members_own(Allow(200), NOT_FOUND),
        ),
        // Cancelling someone else's pending pair: only one of its two people may.
        row(
            "DELETE",
            "/api/contacts/{user_id}",
            Prep::Fresh(|_, w, _| {
                Box::pin(async move {
                    let (_, from) = w.fresh_request_to_member().await;
                    Req::to(format!("/api/contacts/{from}")).survives(Actor::Member, "/api/contacts", from)
                })
            }),
            members_own(Allow(204), NOT_FOUND),
        ),
        row(
            "POST",
            "/api/blocks/{user_id}",
            Prep::Shared(|w, _| Req::json(format!("/api/blocks/{}", w.fresh_user()), json!({}))),
            anyone_signed_in(Allow(204)),
        ),
        // A block is only ever the caller's own: unblocking someone the owner blocked is a no-op for others.
        row(
            "DELETE",
            "/api/blocks/{user_id}",
            Prep::Fresh(|app, w, actor| {
                Box::pin(async move {
                    let user = w.fresh_blocked_by_owner(app).await;
                    let req = Req::to(format!("/api/blocks/{user}"));
                    if actor == Actor::Owner { req } else { req.survives(Actor::Owner, "/api/contacts", user).always() }
                })
            }),
            anyone_signed_in(Allow(204)),
        ),
        row("GET", "/api/push/key", Prep::Shared(|_, _| Req::to("/api/push/key")), anyone_signed_in(Allow(200))),
        row(
            "POST",
            "/api/push/subscriptions",
            Prep::Shared(|_, actor| Req::json("/api/push/subscriptions", subscription(&format!("{actor:?}")))),
            anyone_signed_in(Allow(201)),
        ),
        // A fresh subscription of the member's: the member removes it; anyone else's attempt
        // leaves it alone and is answered the same 204, which tells them nothing.
        row(
            "DELETE",
            "/api/push/subscriptions",
            Prep::Fresh(|app, w, _| {
                Box::pin(async move {
                    let body = subscription(&format!("member-{}", uuid::Uuid::now_v7()));
                    assert_eq!(
                        app.post_bearer("/api/push/subscriptions", &w.member.token, body.clone()).await.status(),
                        201
                    );
                    Req::json("/api/push/subscriptions", json!({"endpoint": body["endpoint"]}))
                })
            }),
            anyone_signed_in(Allow(204)),
        ),
        row(
            "GET",
            "/api/push/settings",
            Prep::Shared(|_, _| Req::to("/api/push/settings")),
            anyone_signed_in(Allow(200)),
        ),
        row(
            "PUT",
            "/api/push/settings",
            Prep::Shared(|_, _| Req::json("/api/push/settings", json!({"previews": true}))),
            anyone_signed_in(Allow(200)),
        ),
        // 101: the WebSocket handshake succeeded (the runner opens a real one for this route).
        row("GET", "/api/ws", Prep::Shared(|_, _| Req::to("/api/ws")), anyone_signed_in(Allow(101))),
        row("GET", "/api/events", Prep::Shared(|_, _| Req::to("/api/events")), anyone_signed_in(Allow(200))),
        row("GET", "/api/openapi.json", Prep::Shared(|_, _| Req::to("/api/openapi.json")), public(Allow(200))),
    ]
}
