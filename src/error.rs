//! One error type for the whole API: a status, a stable snake_case code and a human message.
//! On the wire it is `{"error": {"code", "message"}}`; internals are logged, never returned.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct AppError {
    pub status: u16,
    pub code: String,
    pub message: String,
    /// Seconds until a rate-limited caller may try again (`Retry-After`).
    pub retry_after: Option<u64>,
}

/// The JSON body of every error response.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[cfg_attr(feature = "server", derive(utoipa::ToSchema))]
pub struct ErrorDetail {
    pub code: String,
    pub message: String,
}

impl AppError {
    pub fn new(status: u16, code: &str, message: impl Into<String>) -> Self {
        Self { status, code: code.to_owned(), message: message.into(), retry_after: None }
    }

    pub fn bad_request(code: &str, message: impl Into<String>) -> Self {
        Self::new(400, code, message)
    }

    pub fn unauthenticated() -> Self {
        Self::new(401, "unauthenticated", "Please sign in.")
    }

    pub fn forbidden(code: &str, message: impl Into<String>) -> Self {
        Self::new(403, code, message)
    }

    pub fn not_found() -> Self {
        Self::new(404, "not_found", "Not found.")
    }

    pub fn conflict(code: &str, message: impl Into<String>) -> Self {
        Self::new(409, code, message)
    }

    pub fn rate_limited(retry_after_secs: u64) -> Self {
        let secs = retry_after_secs.max(1);
        Self {
            retry_after: Some(secs),
            ..Self::new(429, "rate_limited", format!("Too many attempts. Try again in {secs} s."))
        }
    }

    pub fn internal() -> Self {
        Self::new(500, "internal", "Something went wrong on our side. Please try again.")
    }

    /// A dependency (database, storage) did not answer in time; trying again later may work.
    pub fn unavailable() -> Self {
        Self::new(503, "unavailable", "The service is briefly unavailable. Please try again shortly.")
    }

    /// What a client sees when the server could not be reached at all.
    pub fn network(detail: impl std::fmt::Display) -> Self {
        Self::new(0, "network", format!("Cannot reach the server ({detail})."))
    }

    pub fn body(&self) -> ErrorBody {
        ErrorBody { error: ErrorDetail { code: self.code.clone(), message: self.message.clone() } }
    }

    /// Rebuilds the error a server sent, from its status and body.
    pub fn from_body(status: u16, body: ErrorBody) -> Self {
        Self { status, code: body.error.code, message: body.error.message, retry_after: None }
    }
}

/// A refused input is a 400 with the parser's code and message.
impl From<crate::validation::Invalid> for AppError {
    fn from(invalid: crate::validation::Invalid) -> Self {
        AppError::bad_request(invalid.code, invalid.message)
    }
}

/// For results whose "not found" is an answer rather than a failure (a page that shows "not
/// found"): `Ok(None)` for it, every other error as it was.
pub trait OrNotFound<T> {
    fn found(self) -> Result<Option<T>, AppError>;
}

impl<T> OrNotFound<T> for Result<T, AppError> {
    fn found(self) -> Result<Option<T>, AppError> {
        match self {
            Ok(value) => Ok(Some(value)),
            Err(e) if e.code == "not_found" => Ok(None),
            Err(e) => Err(e),
        }
    }
}

/// Server functions answer with Dioxus' error type; the status and message carry over.
impl From<AppError> for dioxus::prelude::ServerFnError {
    fn from(err: AppError) -> Self {
        dioxus::prelude::ServerFnError::ServerError { message: err.message, code: err.status, details: None }
    }
}

#[cfg(feature = "server")]
mod server_impls {
    use super::AppError;
    use axum::http::{HeaderValue, StatusCode, header};
    use axum::response::{IntoResponse, Response};

    impl IntoResponse for AppError {
        fn into_response(self) -> Response {
            let status = StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            let mut response = (status, axum::Json(self.body())).into_response();
            if let Some(secs) = self.retry_after {
                response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(secs));
            }
            response
        }
    }

    impl From<sea_orm::DbErr> for AppError {
        fn from(err: sea_orm::DbErr) -> Self {
            if not_answering(&err) {
                tracing::warn!(error = %err, "database unavailable");
                return AppError::unavailable();
            }
            tracing::error!(error = %err, "database error");
            AppError::internal()
        }
    }

    impl From<anyhow::Error> for AppError {
        fn from(err: anyhow::Error) -> Self {
            if err.chain().filter_map(|e| e.downcast_ref::<sea_orm::DbErr>()).any(not_answering) {
                tracing::warn!(error = format!("{err:#}"), "database unavailable");
                return AppError::unavailable();
            }
            tracing::error!(error = format!("{err:#}"), "internal error");
            AppError::internal()
        }
    }

    /// The database did not answer (no connection in time, connection lost, statement timed
    /// out), as opposed to refusing a statement: the first is worth a retry, the second a bug.
    fn not_answering(err: &sea_orm::DbErr) -> bool {
        use sea_orm::{DbErr, RuntimeErr, sqlx};
        match err {
            DbErr::ConnectionAcquire(_) | DbErr::Conn(_) => true,
            DbErr::Exec(RuntimeErr::SqlxError(e)) | DbErr::Query(RuntimeErr::SqlxError(e)) => match e.as_ref() {
                sqlx::Error::Io(_)
                | sqlx::Error::PoolTimedOut
                | sqlx::Error::PoolClosed
                | sqlx::Error::WorkerCrashed => true,
                // PostgreSQL's query_canceled: what the statement timeout raises.
                sqlx::Error::Database(db) => db.code().as_deref() == Some("57014"),
                _ => false,
            },
            _ => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rate_limited_errors_never_ask_to_wait_zero_seconds() {
        let err = AppError::rate_limited(0);
        assert_eq!(err.status, 429);
        assert_eq!(err.retry_after, Some(1));
    }

    #[cfg(feature = "server")]
    #[test]
    fn a_database_that_does_not_answer_is_unavailable_not_broken() {
        use sea_orm::{ConnAcquireErr, DbErr, RuntimeErr, sqlx};
        let timed_out = DbErr::ConnectionAcquire(ConnAcquireErr::Timeout);
        assert_eq!(AppError::from(timed_out).status, 503);
        let reset = std::io::Error::from(std::io::ErrorKind::ConnectionReset);
        let lost = DbErr::Query(RuntimeErr::SqlxError(std::sync::Arc::new(sqlx::Error::Io(reset))));
        assert_eq!(AppError::from(anyhow::Error::new(lost).context("loading chats")).status, 503);
        let refused = DbErr::Query(RuntimeErr::SqlxError(std::sync::Arc::new(sqlx::Error::RowNotFound)));
        assert_eq!(AppError::from(refused).status, 500);
        assert_eq!(AppError::from(DbErr::RecordNotInserted).status, 500);
    }

    #[test]
    fn the_body_carries_code_and_message_only() {
        let json = serde_json::to_value(AppError::not_found().body()).unwrap_or_default();
        assert_eq!(json, serde_json::json!({"error": {"code": "not_found", "message": "Not found."}}));
    }
}
