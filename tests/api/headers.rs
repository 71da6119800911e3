//! Security headers on every response; the page CSP allows exactly the scripts SSR writes;
//! CORS only for configured origins.
use crate::helpers::{assert_error, spawn_app, spawn_with};
use base64::Engine;
use sha2::{Digest, Sha256};

fn csp(res: &reqwest::Response) -> String {
    res.headers().get("content-security-policy").expect("a CSP").to_str().unwrap().to_owned()
}

fn script_src(policy: &str) -> String {
    policy.split(';').map(str::trim).find(|d| d.starts_with("script-src")).expect("script-src").to_owned()
}

/// The text of every inline script, as the browser hashes it.
fn inline_scripts(html: &str) -> Vec<String> {
    html.split("<script")
        .skip(1)
        .filter_map(|part| {
            let (tag, rest) = part.split_once('>')?;
            (!tag.contains(" src=")).then(|| rest.split_once("</script>").map(|(body, _)| body.to_owned())).flatten()
        })
        .collect()
}

fn sha256(text: &str) -> String {
    format!("'sha256-{}'", base64::engine::general_purpose::STANDARD.encode(Sha256::digest(text.as_bytes())))
}

#[tokio::test]
async fn every_response_carries_the_security_headers() {
    let app = spawn_app().await;
    for path in ["/health", "/api/me", "/api/nope", "/login", "/api/openapi.json"] {
        let res = app.program().get(app.url(path)).send().await.unwrap();
        let h = res.headers();
        assert_eq!(h["x-content-type-options"], "nosniff", "{path}");
        assert_eq!(h["x-frame-options"], "DENY", "{path}");
        assert_eq!(h["referrer-policy"], "strict-origin-when-cross-origin", "{path}");
        assert!(h["permissions-policy"].to_str().unwrap().contains("camera=()"), "{path}");
        assert!(csp(&res).contains("frame-ancestors 'none'"), "{path}");
        assert!(h.get("strict-transport-security").is_none(), "no HSTS over plain http: {path}");
        assert!(h.get("access-control-allow-origin").is_none(), "no CORS by default: {path}");
    }
    let api = app.program().get(app.url("/api/me")).send().await.unwrap();
    assert!(csp(&api).starts_with("default-src 'none'"), "JSON may load nothing: {}", csp(&api));
}

#[tokio::test]
async fn pages_allow_exactly_their_own_inline_scripts_and_never_unsafe_inline() {
    let app = spawn_app().await;
    let token = app.user("hashes").await.token;
    let browser = app.browser();
    app.login_with(&browser, "hashes", "password123").await;
    let chat = app.group(&token, "</script><script>window.__xss=1</script>", &[]).await;
    app.say(&token, &chat, "<script>window.__xss=2</script><img src=x onerror=alert(1)>").await;
    for path in ["/login".to_owned(), "/".to_owned(), format!("/chats/{chat}")] {
        let client = if path == "/login" { app.program() } else { browser.clone() };
        let res = client.get(app.url(&path)).send().await.unwrap();
        assert_eq!(res.status(), 200, "{path}");
        let policy = csp(&res);
        let scripts = script_src(&policy);
        assert!(!scripts.contains("'unsafe-inline'") && !scripts.contains("'unsafe-eval'"), "{policy}");
        assert!(scripts.contains("'wasm-unsafe-eval'"), "the WASM client compiles: {policy}");
        assert!(policy.contains("connect-src 'self'") && policy.contains("object-src 'none'"), "{policy}");
        let html = res.text().await.unwrap();
        let inline = inline_scripts(&html);
        assert!(!inline.is_empty(), "SSR writes its hydration data inline: {path}");
        for script in &inline {
            assert!(!script.contains("__xss"), "user text never becomes a script: {script}");
            assert!(scripts.contains(&sha256(script)), "{path}: the policy allows the page's script {script:.80}");
        }
        assert!(!html.contains("<script>window.__xss"), "user text is escaped in {path}");
    }
}

#[tokio::test]
async fn https_deployments_send_hsts() {
    let app = spawn_with(&[("public-url", "https://chat.example.com")]).await;
    let res = app.program().get(app.url("/health")).send().await.unwrap();
    assert!(res.headers()["strict-transport-security"].to_str().unwrap().starts_with("max-age=31536000"));
}

#[tokio::test]
async fn cors_answers_only_the_configured_origins_and_never_with_credentials() {
    let app = spawn_with(&[("cors-origins", "https://app.example.com")]).await;
    let preflight = |origin: &'static str| {
        app.program()
            .request(reqwest::Method::OPTIONS, app.url("/api/chats"))
            .header("origin", origin)
            .header("access-control-request-method", "POST")
            .header("access-control-request-headers", "authorization,content-type")
            .send()
    };
    let allowed = preflight("https://app.example.com").await.unwrap();
    assert_eq!(allowed.headers()["access-control-allow-origin"], "https://app.example.com");
    assert!(allowed.headers().get("access-control-allow-credentials").is_none());
    let refused = preflight("https://evil.example").await.unwrap();
    assert!(refused.headers().get("access-control-allow-origin").is_none());
    let plain =
        app.program().get(app.url("/api/openapi.json")).header("origin", "https://evil.example").send().await.unwrap();
    assert!(plain.headers().get("access-control-allow-origin").is_none());
}

/// A proxy in front may hand the server its own Host (nginx does unless told to pass it on):
/// then the browser's Origin, PUBLIC_URL's origin, is still this site, and no other site is.
#[tokio::test]
async fn behind_a_proxy_that_changes_host_pages_of_the_public_url_still_work() {
    let public = "https://chat.example.com";
    let app = spawn_with(&[("public-url", public)]).await;
    app.register("proxied", "password123").await;
    let login = app.login_with(&app.program(), "proxied", "password123").await;
    let cookie = login.headers().get("set-cookie").unwrap().to_str().unwrap().split(';').next().unwrap().to_owned();
    let rename = |origin: &'static str| {
        app.program()
            .patch(app.url("/api/users/me"))
            .header("cookie", &cookie)
            .header("origin", origin)
            .json(&serde_json::json!({"displayName": origin}))
            .send()
    };
    assert_eq!(rename(public).await.unwrap().status(), 200, "a write from our own page");
    assert_eq!(assert_error(rename("https://evil.example").await.unwrap(), 403).await, "csrf_rejected");
    let me: serde_json::Value = app
        .program()
        .get(app.url("/api/users/me"))
        .header("cookie", &cookie)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(me["user"]["displayName"], public, "the write from another site changed nothing");

    let live = |origin: &'static str| {
        app.program().get(app.url("/api/events")).header("cookie", &cookie).header("origin", origin).send()
    };
    let ours = live(public).await.unwrap();
    assert_eq!(ours.status(), 200);
    assert!(ours.headers()["content-type"].to_str().unwrap().starts_with("text/event-stream"));
    drop(ours);
    assert_eq!(assert_error(live("https://evil.example").await.unwrap(), 403).await, "origin_rejected");
}
