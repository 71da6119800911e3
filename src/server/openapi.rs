//! The OpenAPI 3 document of every route, served at /api/openapi.json.

use crate::auth::server::routes as auth;
use crate::chats::server::routes as chats;
use crate::contacts::server::routes as contacts;
use crate::messages::server::routes as messages;
use crate::media::server::routes as media;
use crate::realtime::server::routes as live;
use crate::push::server::routes as push;
use crate::search::server::routes as search;
use crate::error::ErrorBody;
use axum::Json;
use utoipa::OpenApi;
use utoipa::openapi::path::{HttpMethod, OperationBuilder};
use utoipa::openapi::{ResponseBuilder, OpenApi as Document};

#[derive(OpenApi)]
#[openapi(
    info(title = "Parlor API", description = "Self-hosted real-time chat. Errors are {\"error\": {\"code\", \"message\"}}."),
    paths(
        auth::register, auth::login, auth::refresh, auth::logout,
        auth::list_sessions, auth::revoke_session, auth::get_me, auth::update_me, auth::search_users, auth::get_user,
        chats::list_chats, chats::open_direct, chats::create_group, chats::get_chat, chats::get_chat_by_slug,
        chats::update_chat, chats::delete_chat, chats::add_members, chats::remove_member, chats::change_role,
        chats::leave, chats::mark_read, chats::mute_chat,
        messages::history, messages::send, messages::get_message, messages::edit, messages::delete_message,
        messages::edits, messages::receipts, messages::react, messages::unreact,
        media::upload, media::original, media::medium, media::thumbnail,
        contacts::list_contacts, contacts::send_request, contacts::accept_request, contacts::decline_request,
        contacts::remove_contact, contacts::block_user, contacts::unblock_user,
        live::websocket, live::events,
        search::search_messages,
        push::push_key, push::subscribe, push::unsubscribe, push::get_settings, push::put_settings,
        super::health::live, super::health::ready, super::health::metrics, serve,
    ),
    components(schemas(ErrorBody)),
)]
struct ApiDoc;

/// The document, including the server functions the web client's pages load data with.
pub fn document() -> Document {
    let mut doc = ApiDoc::openapi();
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

/// This document.
#[utoipa::path(get, path = "/api/openapi.json", tag = "operations", responses((status = 200, description = "OpenAPI 3 document")))]
pub async fn serve() -> Json<Document> {
    Json(document())
}
