//! Rows a browser or a token thief would send: stale and forged session cookies, cookie writes
//! from another site, live connections opened by another site, and refresh tokens that are not
//! (or no longer) the current one. Rows that spend a credential run in table order.

use super::fixture::Fixture;
use super::forge::{self, COOKIE, signed_cookie};
use super::{Case, Category, Expect, Probe, UNAUTHENTICATED, cookie, refresh, single};
use reqwest::Method;
use serde_json::json;

pub fn cases(fx: &Fixture) -> Vec<Case> {
    let mut cases = cookies(fx);
    cases.extend(cross_user(fx));
    cases.extend(csrf(fx));
    cases.extend(cross_site_live(fx));
    cases.extend(refresh_tokens(fx));
    cases
}

fn cookies(fx: &Fixture) -> Vec<Case> {
    let c = Category::Cookie;
    let alice_id = forge::cookie_session_id(&fx.alice.cookie);
    let mut edited = fx.alice.cookie.clone().into_bytes();
    edited[10] = if edited[10] == b'A' { b'B' } else { b'A' };
    let edited = String::from_utf8(edited).unwrap_or_default();
    let mut other_key = [0u8; 64];
    rand_core::RngCore::fill_bytes(&mut rand_core::OsRng, &mut other_key);
    let row = |name: &str, value: Option<&str>| cookie(c, name, fx, value, &[]);
    vec![
        row("no cookie at all", None),
        row("cookie signature edited", Some(&edited)),
        row("Alice's session id without a signature", Some(alice_id)),
        row("Alice's session id signed by another deployment", Some(&signed_cookie(&other_key, alice_id))),
        row("Alice's session id signed with the JWT key", Some(&signed_cookie(&fx.jwt_key, alice_id))),
        row("real cookie key, made-up session id", Some(&signed_cookie(&fx.cookie_key, "AAAAAAAAAAAAAAAAAAAAAA"))),
        row("cookie replayed after logging out", Some(&fx.logged_out.cookie)),
        row("cookie of a device signed out from another", Some(&fx.revoked.cookie)),
        row("cookie of a session ended by refresh-token reuse", Some(&fx.reuse_revoked.cookie)),
        row("cookie after logging out everywhere", Some(&fx.everywhere.cookie)),
        row("cookie of a deleted user", Some(&fx.deleted.cookie)),
        row("cookie whose browser session expired", Some(&fx.stale_cookie.cookie)),
        row("cookie of a session that expired", Some(&fx.expired.cookie)),
        // A bearer header wins over the cookie: a bad one must not fall back to the good cookie.
        cookie(
            c,
            "live cookie with a forged bearer token",
            fx,
            Some(&fx.alice.cookie),
            &[("authorization", "Bearer forged")],
        ),
    ]
}

/// Alice's own, valid credentials pointed at Bob's session: not found, and Bob stays signed in.
fn cross_user(fx: &Fixture) -> Vec<Case> {
    let o = Category::OtherUser;
    let bobs = format!("/api/sessions/{}", fx.bob.session_id);
    let cookie = format!("{COOKIE}={}", fx.alice.cookie);
    let not_found = Expect::Error(404, "not_found");
    vec![
        single(
            o,
            "Alice's cookie revoking Bob's session",
            vec![
                Probe::http("REST write", Method::DELETE, &bobs, not_found)
                    .header("cookie", &cookie)
                    .header("origin", &fx.base),
            ],
        ),
        single(
            o,
            "Alice's token revoking Bob's session",
            vec![
                Probe::http("REST write", Method::DELETE, &bobs, not_found)
                    .header("authorization", format!("Bearer {}", fx.alice.access)),
            ],
        ),
    ]
}

/// Valid cookie, writes that a page on another site could make the browser send.
fn csrf(fx: &Fixture) -> Vec<Case> {
    let host = fx.base.trim_start_matches("http://");
    let rejected = Expect::Error(403, "csrf_rejected");
    let row = |name: &str, headers: Vec<(&'static str, String)>| {
        let with = |mut probe: Probe| {
            probe = probe.header("cookie", format!("{COOKIE}={}", fx.alice.cookie));
            for (k, v) in &headers {
                probe = probe.header(k, v.clone());
            }
            probe
        };
        single(
            Category::Csrf,
            name,
            vec![
                with(
                    Probe::http("profile", Method::PATCH, "/api/users/me", rejected)
                        .json(json!({"displayName": "pwned"})),
                ),
                with(
                    Probe::http("new group", Method::POST, "/api/chats/group", rejected)
                        .json(json!({"name": "pwned", "participantIds": []})),
                ),
                with(Probe::http(
                    "revoke device",
                    Method::DELETE,
                    &format!("/api/sessions/{}", fx.alice.session_id),
                    rejected,
                )),
                with(Probe::http("logout", Method::POST, "/api/auth/logout", rejected).json(json!({"all": true}))),
            ],
        )
    };
    let origin = |o: String| vec![("origin", o)];
    vec![
        row("cookie write without Origin or Sec-Fetch-Site", vec![]),
        row("cookie write with only a same-site Referer", vec![("referer", format!("{}/settings", fx.base))]),
        row("Origin of another site", origin("https://evil.example".to_owned())),
        row("Origin null from a sandboxed frame", origin("null".to_owned())),
        row("Origin on another port of this host", origin("http://127.0.0.1:1".to_owned())),
        row("Origin with this host as a prefix", origin(format!("http://{host}.evil.example"))),
        row("Origin with this host as userinfo", origin(format!("http://{host}@evil.example"))),
        row("Origin with this host in the path", origin(format!("https://evil.example/{host}"))),
        row(
            "Sec-Fetch-Site cross-site despite a matching Origin",
            vec![("origin", fx.base.clone()), ("sec-fetch-site", "cross-site".to_owned())],
        ),
        row("Sec-Fetch-Site same-site from a sibling subdomain", vec![("sec-fetch-site", "same-site".to_owned())]),
        // Naming a bearer token skips the CSRF check, so it must not then fall back to the cookie.
        single(
            Category::Csrf,
            "a forged bearer header to skip the CSRF check",
            vec![
                Probe::http("profile", Method::PATCH, "/api/users/me", UNAUTHENTICATED)
                    .header("cookie", format!("{COOKIE}={}", fx.alice.cookie))
                    .header("authorization", "Bearer x")
                    .header("origin", "https://evil.example")
                    .json(json!({"displayName": "pwned"})),
            ],
        ),
    ]
}

/// A page on another site opening a live connection with the victim's credentials.
fn cross_site_live(fx: &Fixture) -> Vec<Case> {
    let refused = Expect::Error(403, "origin_rejected");
    let cookie = format!("{COOKIE}={}", fx.alice.cookie);
    let token = &fx.alice.access;
    let with_cookie = |probe: Probe| probe.header("cookie", &cookie);
    let row = |name: &str, probes: Vec<Probe>| single(Category::CrossSiteLive, name, probes);
    let both = |origin: &str| {
        vec![
            with_cookie(Probe::ws("WebSocket", "/api/ws", refused)).header("origin", origin),
            with_cookie(Probe::http("SSE", Method::GET, "/api/events", refused)).header("origin", origin),
        ]
    };
    vec![
        row("cookie, Origin of another site", both("https://evil.example")),
        row("cookie, Origin null", both("null")),
        row("cookie, Origin on another port", both("http://127.0.0.1:1")),
        row("cookie, Origin with this host as a prefix", both(&format!("{}.evil.example", fx.base))),
        row(
            "cookie, Sec-Fetch-Site cross-site",
            vec![
                with_cookie(Probe::ws("WebSocket", "/api/ws", refused))
                    .header("origin", &fx.base)
                    .header("sec-fetch-site", "cross-site"),
                with_cookie(Probe::http("SSE", Method::GET, "/api/events", refused))
                    .header("sec-fetch-site", "cross-site"),
            ],
        ),
        // Browsers always send Origin on a WebSocket handshake; a cookie without one is not a browser's.
        row("cookie WebSocket without Origin", vec![with_cookie(Probe::ws("WebSocket", "/api/ws", refused))]),
        row(
            "token in the URL, Origin of another site",
            vec![
                Probe::ws("WebSocket ?token=", &format!("/api/ws?token={token}"), refused)
                    .header("origin", "https://evil.example"),
                Probe::http("SSE ?token=", Method::GET, &format!("/api/events?token={token}"), refused)
                    .header("origin", "https://evil.example"),
            ],
        ),
    ]
}

fn refresh_tokens(fx: &Fixture) -> Vec<Case> {
    let invalid = "invalid_refresh_token";
    let mut edited = fx.bob.refresh.clone().into_bytes();
    edited[0] = if edited[0] == b'A' { b'B' } else { b'A' };
    vec![
        refresh("a made-up refresh token", &forge::b64([9u8; 32]), invalid),
        refresh("an empty refresh token", "", invalid),
        refresh(
            "one character of a live refresh token changed",
            &String::from_utf8(edited).unwrap_or_default(),
            invalid,
        ),
        refresh("an access token as the refresh token", &fx.alice.access, invalid),
        refresh(
            "the stored hash of a live refresh token",
            &parlor::platform::tokens::hash_token(&fx.bob.refresh),
            invalid,
        ),
        refresh("refresh token of a device signed out from another", &fx.revoked.refresh, invalid),
        refresh("refresh token of a device that logged out", &fx.logged_out.refresh, invalid),
        refresh("refresh token after logging out everywhere", &fx.everywhere.refresh, invalid),
        refresh("refresh token of a session that expired", &fx.expired.refresh, invalid),
        refresh("refresh token of a deleted user", &fx.deleted.refresh, invalid),
        refresh("a rotated refresh token reused a second time", &fx.reuse_revoked.refresh, "refresh_token_reused"),
        // These two run in this order: the reuse ends the session, then its current token is dead too.
        refresh("a rotated refresh token reused", &fx.rotated.refresh, "refresh_token_reused"),
        refresh("the current refresh token after its reuse was detected", &fx.rotated_current, invalid),
    ]
}
