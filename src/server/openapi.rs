//! The OpenAPI 3 document of every route, served at /api/openapi.json.

use crate::auth::server::routes as auth;
use crate::chats::server::routes as chats;
use crate::contacts::server::routes as contacts;
use crate::error::ErrorBody;
use crate::media::server::routes as media;
use crate::messages::server::routes as messages;
use crate::push::server::routes as push;
use crate::realtime::server::routes as live;
use crate::search::server::routes as search;
use axum::Json;
use utoipa::OpenApi;
use utoipa::openapi::content::ContentBuilder;
use utoipa::openapi::path::{HttpMethod, Operation, OperationBuilder};
use utoipa::openapi::security::{
    ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityRequirement, SecurityScheme,
};
use utoipa::openapi::{OpenApi as Document, Ref, ResponseBuilder};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Parlor API",
        description = "Self-hosted real-time chat. Errors are {\"error\": {\"code\", \"message\"}}."
    ),
    paths(
        auth::register,
        auth::login,
        auth::refresh,
        auth::logout,
        auth::list_sessions,
        auth::revoke_session,
        auth::get_me,
        auth::update_me,
        auth::search_users,
        auth::get_user,
        chats::list_chats,
        chats::open_direct,
        chats::create_group,
        chats::get_chat,
        chats::get_chat_by_slug,
        chats::update_chat,
        chats::delete_chat,
        chats::add_members,
        chats::remove_member,
        chats::change_role,
        chats::leave,
        chats::mark_read,
        chats::mute_chat,
        messages::history,
        messages::send,
        messages::get_message,
        messages::edit,
        messages::delete_message,
        messages::edits,
        messages::receipts,
        messages::react,
        messages::unreact,
        media::upload,
        media::original,
        media::medium,
        media::thumbnail,
        contacts::list_contacts,
        contacts::send_request,
        contacts::accept_request,
        contacts::decline_request,
        contacts::remove_contact,
        contacts::block_user,
        contacts::unblock_user,
        live::websocket,
        live::events,
        search::search_messages,
        push::push_key,
        push::subscribe,
        push::unsubscribe,
        push::get_settings,
        push::put_settings,
        super::health::live,
        super::health::ready,
        super::health::metrics,
        serve,
    ),
    components(schemas(ErrorBody))
)]
struct ApiDoc;

/// API routes anyone may call; every other one answers 401 without a signed-in caller.
const PUBLIC: [&str; 4] = ["/api/auth/register", "/api/auth/login", "/api/auth/refresh", "/api/openapi.json"];

/// The document, including the server functions the web client's pages load data with.
pub fn document() -> Document {
    let mut doc = ApiDoc::openapi();
    add_common_answers(&mut doc);
    for function in dioxus::server::ServerFunction::collect() {
        let method = match function.method().as_str() {
            "POST" => HttpMethod::Post,
            "PUT" => HttpMethod::Put,
            "PATCH" => HttpMethod::Patch,
            "DELETE" => HttpMethod::Delete,
            _ => HttpMethod::Get,
        };
        let operation = OperationBuilder::new()
            .summary(Some("Page data for the web client (internal; may change between versions)"))
            .tag("internal")
            .response("200", ResponseBuilder::new().description("JSON").build())
            .build();
        doc.paths.add_path_operation(function.path(), vec![method], operation);
    }
    doc
}

/// The ways to sign in, and the answers every API route can give besides its own: they come
/// from the layers in front of the handlers, so each route's annotation need not repeat them.
/// - 401: the route needs a signed-in caller (`Viewer`) and there is none.
/// - 403: a write with the session cookie but no sign it came from this site (CSRF check).
/// - 400, 413, 415: a JSON body that does not parse, is too large or is not declared JSON.
/// - 404: a path id that does not parse names nothing.
/// - 429: the per-user or per-address request limit.
/// - 503: the database did not answer, or the request took longer than REQUEST_TIMEOUT.
fn add_common_answers(doc: &mut Document) {
    let components = doc.components.get_or_insert_with(Default::default);
    components.add_security_scheme(
        "bearer",
        SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).bearer_format("JWT").build()),
    );
    components
        .add_security_scheme("cookie", SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::new("parlor_session"))));
    for (path, item) in doc.paths.paths.iter_mut() {
        if !path.starts_with("/api/") {
            continue;
        }
        let operations = [
            (false, &mut item.get),
            (true, &mut item.post),
            (true, &mut item.put),
            (true, &mut item.patch),
            (true, &mut item.delete),
        ];
        for (writes, operation) in operations {
            let Some(operation) = operation.as_mut() else { continue };
            if !PUBLIC.contains(&path.as_str()) {
                operation.security = Some(vec![
                    SecurityRequirement::new("bearer", Vec::<String>::new()),
                    SecurityRequirement::new("cookie", Vec::<String>::new()),
                ]);
                add_error(operation, "401", "Not signed in");
                if writes {
                    add_error(operation, "403", "Refused: signed in by cookie from another site, or not allowed");
                }
            }
            if operation.request_body.as_ref().is_some_and(|body| body.content.contains_key("application/json")) {
                add_error(operation, "400", "The body is not valid JSON or misses a field");
                add_error(operation, "413", "The body is too large");
                add_error(operation, "415", "The body is not declared as application/json");
            }
            if path.contains('{') {
                add_error(operation, "404", "Not found");
            }
            add_error(operation, "429", "Too many requests; see Retry-After");
            add_error(operation, "503", "Briefly unavailable; try again");
        }
    }
}

/// Lists an error answer with the error body, unless the route's annotation already does.
fn add_error(operation: &mut Operation, status: &str, description: &str) {
    if operation.responses.responses.contains_key(status) {
        return;
    }
    let body = ContentBuilder::new().schema(Some(Ref::from_schema_name("ErrorBody"))).build();
    let response = ResponseBuilder::new().description(description).content("application/json", body).build();
    operation.responses.responses.insert(status.to_owned(), response.into());
}

/// This document.
#[utoipa::path(get, path = "/api/openapi.json", tag = "operations",
    responses((status = 200, description = "OpenAPI 3 document", content_type = "application/json")))]
pub async fn serve() -> Json<Document> {
    Json(document())
}
