//! Rows correctly signed with the deployment's own key (read from DATA_DIR) whose claims are
//! wrong: outside their time window, of another type or issuer, or naming a session that was
//! revoked, expired, deleted or belongs to someone else. Also real tokens of ended sessions.

use super::fixture::Fixture;
use super::forge::{now, with};
use super::{Case, Category, bearer};
use serde_json::{Value, json};

pub fn cases(fx: &Fixture) -> Vec<Case> {
    let mut cases = time_window(fx);
    cases.extend(wrong_type(fx));
    cases.extend(revoked(fx));
    cases.extend(other_user(fx));
    cases
}

fn signed(fx: &Fixture, category: Category, name: &str, changes: Value) -> Case {
    bearer(category, name, &fx.signed(&with(fx.claims_of(&fx.alice), changes)))
}

fn time_window(fx: &Fixture) -> Vec<Case> {
    let t = now();
    let (expired, early) = (Category::Expired, Category::NotYetValid);
    vec![
        signed(fx, expired, "expired an hour ago", json!({"iat": t - 4500, "nbf": t - 4500, "exp": t - 3600})),
        // The server allows 5 s of clock skew; 30 s is well past it.
        signed(fx, expired, "expired 30 seconds ago", json!({"iat": t - 930, "nbf": t - 930, "exp": t - 30})),
        signed(fx, expired, "expired at the epoch", json!({"exp": 0})),
        signed(fx, expired, "exp missing", json!({"exp": null})),
        signed(fx, expired, "exp as a string far in the future", json!({"exp": "99999999999"})),
        signed(fx, expired, "exp negative", json!({"exp": -1})),
        signed(fx, early, "nbf in ten minutes", json!({"nbf": t + 600, "exp": t + 1500})),
        signed(fx, early, "nbf 30 seconds ahead", json!({"nbf": t + 30})),
        signed(fx, early, "nbf missing", json!({"nbf": null})),
        signed(fx, early, "iat missing", json!({"iat": null})),
        signed(
            fx,
            early,
            "issued and valid only next year",
            json!({"iat": t + 31_536_000, "nbf": t + 31_536_000, "exp": t + 31_537_000}),
        ),
    ]
}

fn wrong_type(fx: &Fixture) -> Vec<Case> {
    let ty = Category::WrongType;
    vec![
        signed(fx, ty, "typ refresh", json!({"typ": "refresh"})),
        signed(fx, ty, "typ missing", json!({"typ": null})),
        signed(fx, ty, "typ ACCESS in capitals", json!({"typ": "ACCESS"})),
        signed(fx, ty, "typ empty", json!({"typ": ""})),
        signed(fx, ty, "iss of another service", json!({"iss": "someone-else"})),
        signed(fx, ty, "iss missing", json!({"iss": null})),
        bearer(ty, "the refresh token used as an access token", &fx.alice.refresh),
        bearer(ty, "the session cookie used as an access token", &fx.alice.cookie),
    ]
}

fn revoked(fx: &Fixture) -> Vec<Case> {
    let r = Category::RevokedSession;
    vec![
        bearer(r, "real token of a device signed out from another", &fx.revoked.access),
        bearer(r, "real token of a device that logged out", &fx.logged_out.access),
        bearer(r, "real token of a session ended by refresh-token reuse", &fx.reuse_revoked.access),
        bearer(r, "real token after logging out everywhere", &fx.everywhere.access),
        bearer(r, "real token of a session that expired", &fx.expired.access),
        bearer(r, "real token of a deleted user", &fx.deleted.access),
        bearer(r, "fresh token for a revoked session", &fx.signed(&fx.claims_of(&fx.revoked))),
        bearer(
            r,
            "fresh token for a session that never existed",
            &fx.signed(&with(fx.claims_of(&fx.alice), json!({"sid": uuid::Uuid::now_v7()}))),
        ),
        bearer(r, "fresh token for a deleted user's session", &fx.signed(&fx.claims_of(&fx.deleted))),
    ]
}

fn other_user(fx: &Fixture) -> Vec<Case> {
    let o = Category::OtherUser;
    vec![
        signed(fx, o, "Alice's name on Bob's session", json!({"sid": fx.bob.session_id})),
        signed(fx, o, "Bob's name on Alice's session", json!({"sub": fx.bob.user_id})),
        signed(fx, o, "a user id that does not exist", json!({"sub": uuid::Uuid::now_v7()})),
        signed(fx, o, "sub that is a username", json!({"sub": "alice"})),
    ]
}
