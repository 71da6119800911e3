//! Account enumeration: sign-in, sign-up and contact requests say no more about whether an
//! account exists than the product shows anyway, and a sign-in for an unknown user takes as
//! long as a wrong password for a known one.
//!
//! What the product shows anyway: a taken username at sign-up (the form has to say "taken"),
//! and, to any signed-in user, who exists through user search, so a contact request by name
//! may say "no such user". Everything else must look the same either way.
use crate::helpers::{TestApp, spawn_app, spawn_with};
use serde_json::{Value, json};
use std::time::Instant;

/// Status, the whole body, and whether a cookie was set: everything a caller can compare.
async fn answer(res: reqwest::Response) -> (u16, bool, Value) {
    let status = res.status().as_u16();
    let cookie = res.headers().contains_key("set-cookie");
    (status, cookie, res.json().await.unwrap())
}

/// A sign-in, from the given address when there is one (the tests that set it trust 127.0.0.1).
async fn login(app: &TestApp, username: &str, password: &str, from: Option<&str>) -> reqwest::Response {
    let mut request =
        app.program().post(app.url("/api/auth/login")).json(&json!({"username": username, "password": password}));
    if let Some(address) = from {
        request = request.header("x-forwarded-for", address);
    }
    request.send().await.unwrap()
}

#[tokio::test]
async fn sign_in_answers_alike_for_an_unknown_user_and_a_wrong_password() {
    let app = spawn_app().await;
    app.register("alice", "password123").await;
    let unknown = answer(login(&app, "nobody", "password123", None).await).await;
    let wrong = answer(login(&app, "alice", "wrong-password", None).await).await;
    let wrong_case = answer(login(&app, "ALICE", "wrong-password", None).await).await;
    assert_eq!(unknown, wrong);
    assert_eq!(wrong, wrong_case);
    assert_eq!((unknown.0, unknown.2["error"]["code"].as_str()), (401, Some("invalid_credentials")));
    assert!(!unknown.1, "no cookie for a failed sign-in");
}

/// Locking an account after five failures happens for made-up names too, or the lock itself
/// would tell which names are real. Each attempt comes from its own address (through a trusted
/// proxy) so only the account's count is at work.
#[tokio::test]
async fn the_lockout_after_failed_sign_ins_looks_the_same_for_unknown_and_known_accounts() {
    let app = spawn_with(&[("trusted-proxies", "127.0.0.1")]).await;
    app.register("alice", "password123").await;
    let mut last = Vec::new();
    for (name, net) in [("alice", 1), ("nobody", 2)] {
        for i in 0..5 {
            assert_eq!(login(&app, name, "guess-guess", Some(&format!("198.51.{net}.{i}"))).await.status(), 401);
        }
        let res = login(&app, name, "guess-guess", Some(&format!("198.51.{net}.99"))).await;
        let retry: i64 = res.headers()["retry-after"].to_str().unwrap().parse().unwrap();
        let (status, cookie, body) = answer(res).await;
        last.push(((status, cookie, body["error"]["code"].clone()), retry));
    }
    assert_eq!(last[0].0, last[1].0);
    assert_eq!(last[0].0.0, 429);
    assert!((last[0].1 - last[1].1).abs() <= 5, "Retry-After {} vs {}", last[0].1, last[1].1);
}

#[tokio::test]
async fn sign_up_reveals_a_taken_name_only_where_the_form_must_say_so() {
    let app = spawn_app().await;
    app.register("alice", "password123").await;
    let register = |body: Value| {
        let app = &app;
        async move { answer(app.program().post(app.url("/api/auth/register")).json(&body).send().await.unwrap()).await }
    };
    // Bad input is judged before the name is looked up: the same answer for a taken and a free name.
    for bad in [
        json!({"password": "short"}),
        json!({"password": "password123", "passwordConfirm": "password124"}),
        json!({"password": "password123", "displayName": "x".repeat(500)}),
    ] {
        let mut taken = bad.clone();
        taken["username"] = json!("alice");
        let mut free = bad;
        free["username"] = json!("zelda");
        let (taken, free) = (register(taken).await, register(free).await);
        assert_eq!(taken, free);
        assert_eq!(taken.0, 400, "{taken:?}");
    }
    // The product shows a taken name (in any case) at sign-up: that is the form's job.
    for name in ["alice", "ALICE"] {
        let (status, _, body) = register(json!({"username": name, "password": "password123"})).await;
        assert_eq!((status, body["error"]["code"].as_str()), (409, Some("username_taken")));
    }
}

#[tokio::test]
async fn contact_requests_say_no_more_about_existence_than_user_search_already_does() {
    let app = spawn_app().await;
    let me = app.user("asker").await.token;
    app.user("alice").await;
    let ask = |body: Value| app.post_bearer("/api/contacts/requests", &me, body);
    // Search is what a signed-in user sees anyway; a request by name agrees with it, no more.
    let found = app.json_bearer("/api/users/search?q=alice", &me).await;
    assert_eq!(found["users"].as_array().unwrap().len(), 1);
    assert_eq!(ask(json!({"username": "alice"})).await.status(), 201);
    let nobody = app.json_bearer("/api/users/search?q=nobody", &me).await;
    assert!(nobody["users"].as_array().unwrap().is_empty());
    let by_name = answer(ask(json!({"username": "nobody"})).await).await;
    let by_id = answer(ask(json!({"userId": uuid::Uuid::now_v7()})).await).await;
    assert_eq!(by_name, by_id);
    assert_eq!((by_name.0, by_name.2["error"]["code"].as_str()), (404, Some("user_not_found")));
    // Signed out, nobody learns anything: the same refusal for a real and a made-up name.
    let signed_out =
        |name: &str| app.program().post(app.url("/api/contacts/requests")).json(&json!({"username": name})).send();
    let (real, fake) =
        (answer(signed_out("alice").await.unwrap()).await, answer(signed_out("nobody").await.unwrap()).await);
    assert_eq!(real, fake);
    assert_eq!(real.0, 401);
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

/// A behaviour check, not a speed target: an unknown name must cost a password hash too (a
/// dummy one), or the response time alone would tell which names have accounts.
#[tokio::test]
async fn signing_in_as_an_unknown_user_takes_as_long_as_a_wrong_password() {
    const ROUNDS: usize = 20;
    let app = spawn_with(&[("limit-login-failures", "0")]).await;
    app.register("alice", "password123").await;
    let client = app.program();
    let timed = |username: &'static str| {
        let (client, url) = (client.clone(), app.url("/api/auth/login"));
        async move {
            let started = Instant::now();
            let res = client
                .post(url)
                .json(&json!({"username": username, "password": "wrong-password"}))
                .send()
                .await
                .unwrap();
            assert_eq!(res.status(), 401);
            started.elapsed().as_secs_f64()
        }
    };
    // Warm up both paths (the dummy hash is made on first use, connections open).
    timed("nobody").await;
    timed("alice").await;
    // Back-to-back pairs in alternating order: load from other tests or programs on the machine
    // hits both halves of a pair alike, so the ratio within each pair is what is compared.
    let (mut unknown, mut known, mut ratios) = (Vec::new(), Vec::new(), Vec::new());
    for round in 0..ROUNDS {
        let (u, k) = if round % 2 == 0 {
            let u = timed("nobody").await;
            (u, timed("alice").await)
        } else {
            let k = timed("alice").await;
            (timed("nobody").await, k)
        };
        unknown.push(u);
        known.push(k);
        ratios.push(u / k);
    }
    let (unknown, known, ratio) = (median(unknown), median(known), median(ratios));
    println!(
        "median sign-in: unknown user {:.1} ms, known user with a wrong password {:.1} ms, median ratio {ratio:.2}",
        unknown * 1e3,
        known * 1e3
    );
    assert!((0.5..=2.0).contains(&ratio), "unknown {unknown:.4} s vs known {known:.4} s: ratio {ratio:.2}");
}
