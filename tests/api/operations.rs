//! Health, readiness, metrics and the OpenAPI document.
use crate::helpers::spawn_app;
use serde_json::Value;
use std::collections::BTreeSet;

#[tokio::test]
async fn health_and_readiness_report_the_database() {
    let app = spawn_app().await;
    let live: Value = app.program().get(app.url("/health")).send().await.unwrap().json().await.unwrap();
    assert_eq!(live["status"], "ok");
    let res = app.program().get(app.url("/health/ready")).send().await.unwrap();
    assert_eq!(res.status(), 200);
    let ready: Value = res.json().await.unwrap();
    assert_eq!(ready["checks"]["database"], "ok");
    assert!(ready["checks"].get("redis").is_none(), "redis is not configured");
}

#[tokio::test]
async fn readiness_checks_redis_when_configured() {
    let app = crate::helpers::spawn_with(&[("redis-url", "redis://127.0.0.1:6379")]).await;
    let ready: Value = app.program().get(app.url("/health/ready")).send().await.unwrap().json().await.unwrap();
    assert_eq!(ready["checks"]["redis"], "ok");
}

#[tokio::test]
async fn metrics_count_requests_by_route_and_status() {
    let app = spawn_app().await;
    app.program().get(app.url("/api/users/me")).send().await.unwrap();
    let text = app.program().get(app.url("/metrics")).send().await.unwrap().text().await.unwrap();
    assert!(text.contains("http_requests_total"), "{text}");
    assert!(text.contains("route=\"/api/users/me\""), "{text}");
    assert!(text.contains("status=\"401\""), "{text}");
    assert!(text.contains("http_request_duration_seconds"), "{text}");
}

/// The OpenAPI document lists exactly the routes that exist, with their methods.
#[tokio::test]
async fn the_openapi_document_describes_every_route_and_nothing_else() {
    let app = spawn_app().await;
    let doc: Value = app.program().get(app.url("/api/openapi.json")).send().await.unwrap().json().await.unwrap();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    let mut documented = BTreeSet::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for method in item.as_object().unwrap().keys() {
            documented.insert((method.to_uppercase(), path.clone()));
        }
    }
    let mut routed: BTreeSet<(String, String)> =
        parlor::server::router::api_routes().iter().map(|r| (r.method.to_owned(), r.path.to_owned())).collect();
    for f in dioxus::server::ServerFunction::collect() {
        routed.insert((f.method().to_string(), f.path().to_owned()));
    }
    for probe in ["/health", "/health/ready", "/metrics"] {
        routed.insert(("GET".to_owned(), probe.to_owned()));
    }
    assert_eq!(documented, routed);
}
