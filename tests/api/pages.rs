//! Server-rendered pages: private pages need a session, sign-in pages do not.
use crate::helpers::spawn_app;

#[tokio::test]
async fn signed_out_visits_to_private_pages_go_to_sign_in_and_back() {
    let app = spawn_app().await;
    let res = app.program().get(app.url("/")).send().await.unwrap();
    assert_eq!(res.status(), 303);
    assert_eq!(res.headers()["location"], "/login");
    let res = app.program().get(app.url("/settings")).send().await.unwrap();
    assert_eq!(res.headers()["location"], "/login?next=%2Fsettings");
}

#[tokio::test]
async fn the_sign_in_page_renders_on_the_server() {
    let app = spawn_app().await;
    let res = app.program().get(app.url("/login")).send().await.unwrap();
    assert_eq!(res.status(), 200);
    let html = res.text().await.unwrap();
    assert!(html.contains("Sign in"), "{html}");
    assert!(html.contains("name=\"password\""), "{html}");
}

#[tokio::test]
async fn signed_in_pages_render_the_user_on_the_server() {
    let app = spawn_app().await;
    app.register("renderer", "password123").await;
    let browser = app.browser();
    app.login_with(&browser, "renderer", "password123").await;
    let html = browser.get(app.url("/")).send().await.unwrap().text().await.unwrap();
    assert!(html.contains("renderer"), "home shows the user: {html}");
    let html = browser.get(app.url("/settings")).send().await.unwrap().text().await.unwrap();
    assert!(html.contains("Devices"), "{html}");
    assert!(html.contains("This device"), "{html}");
    let res = browser.get(app.url("/login")).send().await.unwrap();
    assert_eq!(res.status(), 303);
    assert_eq!(res.headers()["location"], "/");
}

#[tokio::test]
async fn a_chat_the_visitor_is_not_in_is_a_404_page_without_its_content() {
    let app = spawn_app().await;
    let alice = app.user("alice").await.token;
    let chat = app.group(&alice, "Secret plans", &[]).await;
    app.say(&alice, &chat, "the cake is a lie").await;
    app.register("mallory", "password123").await;
    let browser = app.browser();
    app.login_with(&browser, "mallory", "password123").await;
    let res = browser.get(app.url(&format!("/chats/{chat}"))).send().await.unwrap();
    assert_eq!(res.status(), 404);
    let html = res.text().await.unwrap();
    assert!(html.contains("Chat not found"), "{html}");
    assert!(!html.contains("the cake is a lie") && !html.contains("Secret plans"));
    // A member gets the page with the message rendered on the server.
    let owner = app.browser();
    app.login_with(&owner, "alice", "password123").await;
    let html = owner.get(app.url(&format!("/chats/{chat}"))).send().await.unwrap().text().await.unwrap();
    assert!(html.contains("the cake is a lie"));
}

/// A signed-in visit to the sign-in page goes to `next` only when it is a local path that a
/// browser reads the same way; anything else goes home, and nothing answers 500.
#[tokio::test]
async fn signed_in_visits_to_sign_in_go_to_local_paths_only() {
    let app = spawn_app().await;
    app.register("nexter", "password123").await;
    let browser = app.browser();
    assert_eq!(app.login_with(&browser, "nexter", "password123").await.status(), 200);
    for (next, expected) in [
        ("%2Fsettings", "/settings"),
        ("/%09/evil.example", "/"),
        ("/%0A", "/"),
        ("/%0D%0ASet-Cookie:%20x=1", "/"),
        ("//evil.example", "/"),
        ("/g/%C3%A9t%C3%A9", "/g/%C3%A9t%C3%A9"),
    ] {
        let res = browser.get(app.url(&format!("/login?next={next}"))).send().await.unwrap();
        assert_eq!(res.status(), 303, "next={next}");
        assert_eq!(res.headers()["location"], expected, "next={next}");
    }
}
