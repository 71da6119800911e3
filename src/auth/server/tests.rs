//! Service-level tests on a real (temporary) SQLite database.

use super::service;
use crate::auth::model::{LoginRequest, RefreshRequest, RegisterRequest};
use crate::platform::state::AppState;
use crate::platform::tokens;

async fn state() -> AppState {
    let dir = std::env::temp_dir().join(format!("parlor-unit-{}", uuid::Uuid::now_v7().simple()));
    AppState::for_tests(&dir).await.unwrap()
}

async fn signed_in(state: &AppState) -> String {
    let register = RegisterRequest {
        username: "carol".into(),
        password: "password123".into(),
        password_confirm: None,
        display_name: None,
    };
    service::register(state, register).await.unwrap();
    let client = service::ClientInfo { ip: "10.0.0.1".into(), user_agent: None };
    let login = LoginRequest { username: "carol".into(), password: "password123".into(), device_name: None };
    service::login(state, login, &client).await.unwrap().0.refresh_token
}

fn req(token: &str) -> RefreshRequest {
    RefreshRequest { refresh_token: token.to_owned() }
}

#[tokio::test]
async fn rotation_issues_a_new_pair_and_retires_the_old_token() {
    let state = state().await;
    let first = signed_in(&state).await;
    let rotated = service::refresh(&state, req(&first)).await.unwrap();
    assert_ne!(rotated.refresh_token, first);
    assert!(state.tokens.verify_access(&rotated.access_token).is_ok());
    let again = service::refresh(&state, req(&rotated.refresh_token)).await.unwrap();
    assert_ne!(again.refresh_token, rotated.refresh_token);
}

#[tokio::test]
async fn a_retired_token_presented_again_revokes_the_session() {
    let state = state().await;
    let first = signed_in(&state).await;
    let rotated = service::refresh(&state, req(&first)).await.unwrap();
    let err = service::refresh(&state, req(&first)).await.unwrap_err();
    assert_eq!(err.code, "refresh_token_reused");
    let err = service::refresh(&state, req(&rotated.refresh_token)).await.unwrap_err();
    assert_eq!(err.code, "invalid_refresh_token");
    let claims = state.tokens.verify_access(&rotated.access_token).unwrap();
    assert!(service::active_session(&state, claims.sid, "10.0.0.1").await.unwrap().is_none());
}

#[tokio::test]
async fn one_token_refreshed_twice_at_once_succeeds_at_most_once_and_never_errors_500() {
    let state = state().await;
    let token = signed_in(&state).await;
    let (a, b) = tokio::join!(service::refresh(&state, req(&token)), service::refresh(&state, req(&token)));
    let outcomes = [a, b];
    assert!(outcomes.iter().filter(|r| r.is_ok()).count() <= 1);
    for err in outcomes.iter().filter_map(|r| r.as_ref().err()) {
        assert_eq!(err.status, 401, "{err:?}");
    }
}

#[tokio::test]
async fn the_stored_hash_is_not_the_token() {
    let state = state().await;
    let token = signed_in(&state).await;
    let hash = tokens::hash_token(&token);
    assert_ne!(hash, token);
    assert!(super::repo::find_session_by_refresh(&state.db, &hash).await.unwrap().is_some());
    assert!(super::repo::find_session_by_refresh(&state.db, &token).await.unwrap().is_none());
}
