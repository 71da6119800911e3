//! Sends a case's requests to the real server and checks each answer: the exact status and
//! error code, an error body and nothing else, and no upgraded or streaming connection.

use super::{Case, Expect, Probe, Transport};
use crate::helpers::TestApp;
use serde_json::Value;
use tokio_tungstenite::tungstenite;

/// Runs every case and fails once, listing every request that was not refused as expected.
pub async fn run_all(app: &TestApp, cases: &[Case]) {
    let mut failures = Vec::new();
    let mut requests = 0;
    for case in cases {
        for probe in &case.probes {
            requests += 1;
            if let Err(why) = check(app, probe).await {
                failures.push(format!(
                    "[{:?}] {} — {} {} {}: {why}",
                    case.category, case.name, probe.route, probe.method, probe.path
                ));
            }
        }
    }
    println!("{} cases, {requests} requests, {} not refused as expected", cases.len(), failures.len());
    assert!(
        failures.is_empty(),
        "{} of {requests} requests were not refused as expected:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// Ok when the probe was refused as expected; otherwise what happened instead.
pub async fn check(app: &TestApp, probe: &Probe) -> Result<(), String> {
    let (status, headers, body) = match probe.transport {
        Transport::Http => http(app, probe).await?,
        Transport::WebSocket => websocket(app, probe).await?,
    };
    match probe.expect {
        Expect::Error(want, code) => {
            if status != want {
                return Err(format!("status {status}, expected {want}: {}", String::from_utf8_lossy(&body)));
            }
            error_body(&body, code)
        }
        Expect::SignIn => {
            let location = headers.get("location").and_then(|v| v.to_str().ok()).unwrap_or_default();
            if status != 303 || !location.starts_with("/login") {
                return Err(format!("status {status} to {location:?}, expected 303 to /login"));
            }
            if body.is_empty() {
                Ok(())
            } else {
                Err(format!("a redirect with a body: {}", String::from_utf8_lossy(&body)))
            }
        }
    }
}

/// `{"error": {"code", "message"}}` with the expected code, and no other key anywhere at the top.
fn error_body(body: &[u8], code: &str) -> Result<(), String> {
    let text = String::from_utf8_lossy(body);
    let json: Value = serde_json::from_slice(body).map_err(|_| format!("not a JSON error body: {text}"))?;
    let only_error =
        json.as_object().is_some_and(|o| o.len() == 1) && json["error"].as_object().is_some_and(|e| e.len() == 2);
    let message = json["error"]["message"].as_str().is_some_and(|m| !m.is_empty());
    if !only_error || !message {
        return Err(format!("not exactly an error body: {text}"));
    }
    if json["error"]["code"] != code {
        return Err(format!("code {}, expected {code}", json["error"]["code"]));
    }
    Ok(())
}

type Answer = (u16, reqwest::header::HeaderMap, Vec<u8>);

async fn http(app: &TestApp, probe: &Probe) -> Result<Answer, String> {
    let mut request = app.program().request(probe.method.clone(), app.url(&probe.path));
    for (name, value) in &probe.headers {
        request = request.header(*name, value);
    }
    if let Some(body) = &probe.body {
        request = request.json(body);
    }
    let response = request.send().await.map_err(|e| format!("request failed: {e}"))?;
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    // An event stream that was accepted never ends: read what is there and stop.
    if headers.get("content-type").is_some_and(|v| v.as_bytes().starts_with(b"text/event-stream")) {
        return Err(format!("status {status}: an event stream was opened"));
    }
    let body = tokio::time::timeout(std::time::Duration::from_secs(5), response.bytes())
        .await
        .map_err(|_| "the body did not end".to_owned())?
        .map_err(|e| format!("reading the body: {e}"))?;
    Ok((status, headers, body.to_vec()))
}

async fn websocket(app: &TestApp, probe: &Probe) -> Result<Answer, String> {
    use tungstenite::client::IntoClientRequest;
    let url = format!("{}{}", app.base.replacen("http", "ws", 1), probe.path);
    let mut request = url.into_client_request().map_err(|e| format!("bad request: {e}"))?;
    for (name, value) in &probe.headers {
        let value = value.parse().map_err(|_| format!("bad header value {value:?}"))?;
        request.headers_mut().insert(*name, value);
    }
    match tokio_tungstenite::connect_async(request).await {
        Ok(_) => Err("the WebSocket was upgraded".to_owned()),
        Err(tungstenite::Error::Http(response)) => {
            let status = response.status().as_u16();
            let headers = response.headers().clone();
            Ok((status, headers, response.into_body().unwrap_or_default()))
        }
        Err(e) => Err(format!("handshake failed without an HTTP answer: {e}")),
    }
}
