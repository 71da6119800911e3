//! Runs every route row for every actor against one server, many cells at a time, and checks
//! each answer against the table; and checks that the table covers exactly the server's routes.

use super::world::World;
use super::{ACTORS, Actor, Body, Expect, Prep, Req, Row, Survives, all_rows, api_rows};
use crate::helpers::{TestApp, spawn_with};
use serde_json::Value;
use std::collections::BTreeSet;

/// Cells in flight at once: enough to keep both cores busy, few enough for SQLite's one writer.
const CONCURRENCY: usize = 12;

/// The status and body a cell got.
struct Answer {
    status: u16,
    body: Option<Vec<u8>>,
}

async fn http(app: &TestApp, method: &str, req: Req, token: Option<&str>) -> Answer {
    let method = reqwest::Method::from_bytes(method.as_bytes()).expect("method");
    let mut request = app.program().request(method, app.url(&req.path));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    request = match req.body {
        Body::None => request,
        Body::Json(body) => request.json(&body),
        Body::Image(bytes) => {
            let part =
                reqwest::multipart::Part::bytes(bytes).file_name("tiny.png").mime_str("image/png").expect("mime");
            request.multipart(reqwest::multipart::Form::new().part("file", part))
        }
    };
    let res = request.send().await.expect("request");
    let status = res.status().as_u16();
    // An event stream never ends: its status is the answer.
    if req.path.starts_with("/api/events") && status == 200 {
        return Answer { status, body: None };
    }
    Answer { status, body: Some(res.bytes().await.expect("body").to_vec()) }
}

/// A real WebSocket handshake, the token in the query as browsers without the cookie send it.
async fn websocket(app: &TestApp, req: Req, token: Option<&str>) -> Answer {
    let query = token.map(|t| format!("?token={t}")).unwrap_or_default();
    let url = format!("{}{}{query}", app.base.replacen("http", "ws", 1), req.path);
    match tokio_tungstenite::connect_async(url).await {
        Ok(_) => Answer { status: 101, body: None },
        Err(tokio_tungstenite::tungstenite::Error::Http(res)) => {
            Answer { status: res.status().as_u16(), body: res.body().clone() }
        }
        Err(e) => panic!("WebSocket handshake failed without an answer: {e}"),
    }
}

fn leaked<'a>(world: &'a World, body: &[u8]) -> Option<&'a String> {
    let text = String::from_utf8_lossy(body);
    world.secrets.iter().find(|secret| text.contains(secret.as_str()))
}

/// Checks one answer against its expectation; Err says what was wrong.
fn judge(world: &World, expect: Expect, answer: &Answer) -> Result<(), String> {
    let body = answer.body.as_deref().unwrap_or_default();
    let (status, code) = match expect {
        Expect::Allow(status) | Expect::Blind(status) => (status, None),
        Expect::Deny(status, code) => (status, Some(code)),
    };
    if answer.status != status {
        return Err(format!("status {} (wanted {status}): {}", answer.status, String::from_utf8_lossy(body)));
    }
    if matches!(expect, Expect::Blind(_) | Expect::Deny(..))
        && let Some(secret) = leaked(world, body)
    {
        return Err(format!("the answer holds {secret:?}"));
    }
    let Some(code) = code else { return Ok(()) };
    let error: Value =
        serde_json::from_slice(body).map_err(|_| format!("not a JSON error: {}", String::from_utf8_lossy(body)))?;
    let only_error = error.as_object().is_some_and(|o| o.len() == 1);
    let has_message = error["error"]["message"].as_str().is_some_and(|m| !m.is_empty());
    if error["error"]["code"] != code || !only_error || !has_message {
        return Err(format!("error body {error} (wanted code {code:?}, a message and nothing else)"));
    }
    Ok(())
}

async fn attempt(app: &TestApp, world: &World, row: &Row, actor: Actor) -> (Answer, Option<Survives>) {
    let mut req = match &row.prep {
        Prep::Shared(make) => make(world, actor),
        Prep::Fresh(make) => make(app, world, actor).await,
    };
    let survives = req.survives.take();
    let token = req.token.clone().or_else(|| world.token(actor).map(str::to_owned));
    let answer = if row.path == "/api/ws" {
        websocket(app, req, token.as_deref()).await
    } else {
        http(app, row.method, req, token.as_deref()).await
    };
    (answer, survives)
}

/// The target a refusal (or a no-op) must have left in place is still there.
async fn still_there(app: &TestApp, world: &World, survives: &Survives) -> Result<(), String> {
    let token = world.token(survives.who).expect("a signed-in reader");
    let res = app.get_bearer(&survives.path, token).await;
    let status = res.status().as_u16();
    let body = res.text().await.unwrap_or_default();
    if status == 200 && body.contains(&survives.holds) {
        Ok(())
    } else {
        Err(format!(
            "the target is gone: {:?} reading {} got {status} without {}",
            survives.who, survives.path, survives.holds
        ))
    }
}

async fn cell(app: &TestApp, world: &World, row: &Row, index: usize) -> Result<(), String> {
    let (actor, expect) = (ACTORS[index], row.expect[index]);
    let name = |why: String| format!("{} {} [{}] as {actor:?}: {why}", row.method, row.path, row.case);
    let (answer, survives) = attempt(app, world, row, actor).await;
    judge(world, expect, &answer).map_err(name)?;
    if let Some(survives) = survives.filter(|s| s.always || matches!(expect, Expect::Deny(..))) {
        still_there(app, world, &survives).await.map_err(name)?;
    }
    Ok(())
}

#[tokio::test]
async fn authorization_matrix_for_every_api_route() {
    // Many sends in a moment from one person: the per-second message limit is not under test here.
    let app = spawn_with(&[("limit-messages-per-second", "0")]).await;
    let world = World::build(&app).await;
    let rows = all_rows();
    let cells: Vec<(&Row, usize)> = rows.iter().flat_map(|row| (0..ACTORS.len()).map(move |i| (row, i))).collect();
    let started = std::time::Instant::now();
    let mut failures = Vec::new();
    for chunk in cells.chunks(CONCURRENCY) {
        for outcome in futures::future::join_all(chunk.iter().map(|(row, i)| cell(&app, &world, row, *i))).await {
            if let Err(why) = outcome {
                failures.push(why);
            }
        }
    }
    let checked = cells.len();
    println!("authorization matrix: {checked} route cells checked ({} rows) in {:?}", rows.len(), started.elapsed());
    assert!(failures.is_empty(), "{} cells disagree with the table:\n{}", failures.len(), failures.join("\n"));
    assert!(checked >= 50 * 5, "only {checked} cells");
}

#[test]
fn every_api_route_is_in_the_matrix() {
    let served: BTreeSet<(String, String)> =
        parlor::server::router::api_routes().iter().map(|r| (r.method.to_owned(), r.path.to_owned())).collect();
    let rows = api_rows();
    let listed: BTreeSet<(String, String)> = rows.iter().map(|r| (r.method.to_owned(), r.path.to_owned())).collect();
    let missing: Vec<_> = served.difference(&listed).collect();
    let stale: Vec<_> = listed.difference(&served).collect();
    assert!(missing.is_empty(), "routes the authorization matrix does not list: {missing:?}");
    assert!(stale.is_empty(), "matrix rows for routes that no longer exist: {stale:?}");
    let mut keys = BTreeSet::new();
    for row in &rows {
        assert!(
            keys.insert((row.method, row.path, row.case)),
            "{} {} [{}] is listed twice",
            row.method,
            row.path,
            row.case
        );
    }
}
