//! Message search: forgiving matching, ranking, snippets, limits, who sees what, and input
//! that must never break it.
use crate::helpers::{TestApp, TestUser, assert_error, spawn_app, spawn_with};
use reqwest::Response;
use serde_json::{Value, json};

async fn search_raw(app: &TestApp, token: &str, params: &[(&str, &str)]) -> Response {
    app.program().get(app.url("/api/search/messages")).query(params).bearer_auth(token).send().await.unwrap()
}

/// The contents of the results for `q`, best first.
async fn found(app: &TestApp, token: &str, q: &str) -> Vec<String> {
    results(app, token, &[("q", q)])
        .await
        .iter()
        .map(|r| r["message"]["content"].as_str().unwrap().to_owned())
        .collect()
}

async fn results(app: &TestApp, token: &str, params: &[(&str, &str)]) -> Vec<Value> {
    let res = search_raw(app, token, params).await;
    assert_eq!(res.status(), 200, "searching {params:?}");
    let body: Value = res.json().await.unwrap();
    body["results"].as_array().unwrap().clone()
}

#[tokio::test]
async fn prefixes_substrings_case_and_accents_all_match() {
    let app = spawn_app().await;
    let alice = app.user("alice").await.token;
    let chat = app.group(&alice, "Ops", &[]).await;
    app.say(&alice, &chat, "The Deployment finished").await;
    app.say(&alice, &chat, "Café au lait").await;
    app.say(&alice, &chat, "日本語のテキスト").await;
    app.say(&alice, &chat, "nothing to see").await;

    for q in ["deploy", "ploy", "DEPLOYMENT", "deployment finished", "fi", "deploy fin"] {
        assert_eq!(found(&app, &alice, q).await, ["The Deployment finished"], "{q}");
    }
    for q in ["cafe", "CAFÉ", "caf", "ca", "café lait", "au"] {
        assert_eq!(found(&app, &alice, q).await, ["Café au lait"], "{q}");
    }
    assert_eq!(found(&app, &alice, "日本語").await, ["日本語のテキスト"]);
    assert!(found(&app, &alice, "deploy lait").await.is_empty(), "every word must match");
    assert!(found(&app, &alice, "zebra").await.is_empty());
}

#[tokio::test]
async fn the_snippet_marks_where_the_query_matched() {
    let app = spawn_app().await;
    let alice = app.user("alice").await.token;
    let chat = app.group(&alice, "Ops", &[]).await;
    let sent = app.say(&alice, &chat, "We shipped the new **Deployment** today").await;
    let hits = results(&app, &alice, &[("q", "deploy")]).await;
    assert_eq!(hits.len(), 1);
    assert_eq!(hits[0]["message"]["id"], sent["id"]);
    assert_eq!(hits[0]["chat"]["id"], chat.as_str());
    assert_eq!(hits[0]["chat"]["name"], "Ops");
    let snippet = hits[0]["snippet"].as_str().unwrap();
    assert_eq!(snippet, "We shipped the new Deployment today", "formatting markers are left out");
    let chars: Vec<char> = snippet.chars().collect();
    let marks = hits[0]["highlights"].as_array().unwrap();
    assert_eq!(marks.len(), 1);
    let (start, end) = (marks[0]["start"].as_u64().unwrap() as usize, marks[0]["end"].as_u64().unwrap() as usize);
    assert_eq!(chars[start..end].iter().collect::<String>(), "Deploy");

    // A long message is cut down to the part around its match.
    let long = format!("{}the needle is here{}", "hay ".repeat(100), " straw".repeat(100));
    app.say(&alice, &chat, &long).await;
    let hit = &results(&app, &alice, &[("q", "needle")]).await[0];
    let snippet: Vec<char> = hit["snippet"].as_str().unwrap().chars().collect();
    assert!(snippet.len() < 200, "{} characters", snippet.len());
    let mark = &hit["highlights"][0];
    let marked: String =
        snippet[mark["start"].as_u64().unwrap() as usize..mark["end"].as_u64().unwrap() as usize].iter().collect();
    assert_eq!(marked, "needle");
}

#[tokio::test]
async fn more_matches_rank_first_and_ties_go_to_the_newer_message() {
    let app = spawn_app().await;
    let alice = app.user("alice").await.token;
    let chat = app.group(&alice, "Ops", &[]).await;
    app.say(&alice, &chat, "deploy deploy deploy").await;
    app.say(&alice, &chat, "we talked about a deployment for a while today").await;
    assert_eq!(
        found(&app, &alice, "deploy").await,
        ["deploy deploy deploy", "we talked about a deployment for a while today"]
    );

    let older = app.say(&alice, &chat, "release notes").await;
    let newer = app.say(&alice, &chat, "release notes").await;
    let hits = results(&app, &alice, &[("q", "release")]).await;
    let ids: Vec<&Value> = hits.iter().map(|h| &h["message"]["id"]).collect();
    assert_eq!(ids, [&newer["id"], &older["id"]]);
}

#[tokio::test]
async fn results_are_capped_at_100_and_the_limit_is_checked() {
    let app = spawn_with(&[("limit-messages-per-second", "0")]).await;
    let alice = app.user("alice").await.token;
    let chat = app.group(&alice, "Busy", &[]).await;
    for i in 0..110 {
        app.say(&alice, &chat, &format!("bulk message {i}")).await;
    }
    assert_eq!(results(&app, &alice, &[("q", "bulk")]).await.len(), 50, "the default is 50");
    assert_eq!(results(&app, &alice, &[("q", "bulk"), ("limit", "100")]).await.len(), 100);
    assert_eq!(results(&app, &alice, &[("q", "bulk"), ("limit", "7")]).await.len(), 7);
    for limit in ["101", "0", "-1", "ten", ""] {
        assert_error(search_raw(&app, &alice, &[("q", "bulk"), ("limit", limit)]).await, 400).await;
    }
}

#[tokio::test]
async fn bad_queries_are_refused_with_the_error_body() {
    let app = spawn_app().await;
    let alice = app.user("alice").await.token;
    assert_eq!(assert_error(search_raw(&app, &alice, &[("q", "")]).await, 400).await, "empty_query");
    assert_eq!(assert_error(search_raw(&app, &alice, &[("q", "  \t ")]).await, 400).await, "empty_query");
    assert_eq!(assert_error(search_raw(&app, &alice, &[("q", &"x".repeat(201))]).await, 400).await, "query_too_long");
    assert_eq!(
        assert_error(search_raw(&app, &alice, &[("q", "a b c d e f g h i j k")]).await, 400).await,
        "too_many_words"
    );
    assert_error(search_raw(&app, &alice, &[]).await, 400).await;
    assert_error(search_raw(&app, &alice, &[("q", "x"), ("chatId", "not-a-uuid")]).await, 400).await;
    assert_error(search_raw(&app, &alice, &[("q", "x"), ("sort", "new")]).await, 400).await;
    let anonymous = app.program().get(app.url("/api/search/messages?q=x")).send().await.unwrap();
    assert_error(anonymous, 401).await;
}

#[tokio::test]
async fn people_find_only_messages_of_chats_they_are_in() {
    let app = spawn_app().await;
    let TestUser { id: alice_id, token: alice, .. } = app.user("alice").await;
    let bob = app.user("bob").await.token;
    let carol = app.user("carol").await.token;
    let shared = app.group(&bob, "Shared", &[&alice_id]).await;
    let private = app.group(&carol, "Carol only", &[]).await;
    let other = app.group(&alice, "Alice and nobody", &[]).await;
    app.say(&bob, &shared, "the plan for monday").await;
    app.say(&carol, &private, "the secret plan").await;
    app.say(&alice, &other, "another plan").await;

    assert_eq!(found(&app, &bob, "plan").await, ["the plan for monday"]);
    let mut alices = found(&app, &alice, "plan").await;
    alices.sort();
    assert_eq!(alices, ["another plan", "the plan for monday"]);
    let in_one = results(&app, &alice, &[("q", "plan"), ("chatId", &shared)]).await;
    assert_eq!(in_one.len(), 1);
    assert_eq!(in_one[0]["chat"]["id"], shared.as_str());

    // A chat you are not in does not exist for you, whether it exists or not.
    assert_error(search_raw(&app, &bob, &[("q", "plan"), ("chatId", &private)]).await, 404).await;
    let unknown = uuid::Uuid::now_v7().to_string();
    assert_error(search_raw(&app, &bob, &[("q", "plan"), ("chatId", &unknown)]).await, 404).await;
}

#[tokio::test]
async fn deleted_messages_are_never_found() {
    let app = spawn_app().await;
    let alice = app.user("alice").await.token;
    let chat = app.group(&alice, "Ops", &[]).await;
    let gone = app.say(&alice, &chat, "ephemeral note").await;
    app.say(&alice, &chat, "a lasting note").await;
    assert_eq!(found(&app, &alice, "ephemeral").await.len(), 1);
    let res = app.delete_bearer(&format!("/api/messages/{}", gone["id"].as_str().unwrap()), &alice).await;
    assert_eq!(res.status(), 204);
    assert!(found(&app, &alice, "ephemeral").await.is_empty());
    assert_eq!(found(&app, &alice, "note").await, ["a lasting note"]);
}

#[tokio::test]
async fn edited_messages_are_found_by_their_new_text_only() {
    let app = spawn_app().await;
    let alice = app.user("alice").await.token;
    let chat = app.group(&alice, "Ops", &[]).await;
    let sent = app.say(&alice, &chat, "original wording").await;
    let res = app
        .patch_bearer(
            &format!("/api/messages/{}", sent["id"].as_str().unwrap()),
            &alice,
            json!({"content": "revised phrasing"}),
        )
        .await;
    assert_eq!(res.status(), 200);
    for old in ["original", "wording", "orig", "or"] {
        assert!(found(&app, &alice, old).await.is_empty(), "{old}");
    }
    for new in ["revised", "phras", "REVISED PHRASING", "re"] {
        assert_eq!(found(&app, &alice, new).await, ["revised phrasing"], "{new}");
    }
}

#[tokio::test]
async fn after_leaving_a_group_its_messages_are_no_longer_found() {
    let app = spawn_app().await;
    let alice = app.user("alice").await.token;
    let TestUser { id: bob_id, token: bob, .. } = app.user("bob").await;
    let chat = app.group(&alice, "Finance", &[&bob_id]).await;
    app.say(&alice, &chat, "quarterly report").await;
    assert_eq!(found(&app, &bob, "quarterly").await.len(), 1);
    let res = app.post_bearer(&format!("/api/chats/{chat}/leave"), &bob, json!({})).await;
    assert_eq!(res.status(), 204);
    assert!(found(&app, &bob, "quarterly").await.is_empty());
    assert_error(search_raw(&app, &bob, &[("q", "quarterly"), ("chatId", &chat)]).await, 404).await;
    // Like the history, which a former member cannot read either.
    assert_error(app.get_bearer(&format!("/api/chats/{chat}/messages"), &bob).await, 404).await;
    assert_eq!(found(&app, &alice, "quarterly").await.len(), 1);
}

#[tokio::test]
async fn hostile_queries_are_plain_text_and_never_an_error_of_ours() {
    let app = spawn_app().await;
    let alice = app.user("alice").await.token;
    let chat = app.group(&alice, "Ops", &[]).await;
    app.say(&alice, &chat, r#"100% "quoted" (parens) *stars* a\b abc"#).await;
    let long = "x".repeat(5000);
    let hostile = [
        "\"",
        "\"\"",
        "\"unterminated",
        "*",
        "deploy*",
        "NEAR(a b)",
        "a OR b",
        "a AND NOT b",
        "-b",
        "^x",
        "col:val",
        "'; DROP TABLE messages; --",
        "%",
        "_",
        "\\",
        "%_%",
        "(((",
        ")",
        "{}",
        "[x]",
        "a\"b",
        "NULL",
        "👍🏽",
        "e\u{301}",
        "שלום",
        "\u{200b}",
        "\u{0}",
        "a\u{7}b",
        "%00",
        "x\u{feff}y",
        &long,
    ];
    for q in hostile {
        let res = search_raw(&app, &alice, &[("q", q)]).await;
        let status = res.status().as_u16();
        assert!(status == 200 || status == 400, "{q:?} gave {status}");
        if status == 400 {
            assert_error(res, 400).await;
        }
    }
    // Operators and wildcards are searched for as the characters they are.
    let content = r#"100% "quoted" (parens) *stars* a\b abc"#;
    for q in ["100%", "\"quoted\"", "(parens)", "*stars*", "a\\b", "\"quoted\" (parens)"] {
        assert_eq!(found(&app, &alice, q).await, [content], "{q}");
    }
    for q in ["a_c", "10%%", "q*d"] {
        assert!(found(&app, &alice, q).await.is_empty(), "{q} is not a pattern");
    }
    assert_eq!(found(&app, &alice, "abc").await.len(), 1, "the index still works");
}
