//! Who may fetch an image: its uploader; the members of the chat its message is in; anyone,
//! for a profile picture; the members of a group whose picture it is.

use crate::chats::server::service as chats;
use crate::error::AppError;
use crate::media::model::Variant;
use crate::media::server::service as media;
use crate::messages::server::service as messages;
use crate::platform::state::AppState;
use crate::platform::storage::Object;
use uuid::Uuid;

pub async fn may_view_media(state: &AppState, me: Uuid, id: Uuid) -> Result<bool, AppError> {
    // Cheapest first: most fetches are of one's own uploads or of a chat's images.
    let Some(origin) = media::origin(state, id).await? else { return Ok(false) };
    if origin.uploader_id == me {
        return Ok(true);
    }
    if let Some(message_id) = origin.message_id
        && let Some(chat_id) = messages::chat_of(state, message_id).await?
        && chats::is_member(state, chat_id, me).await?
    {
        return Ok(true);
    }
    if media::is_user_avatar(state, id).await? {
        return Ok(true);
    }
    for chat_id in media::avatar_of_chats(state, id).await? {
        if chats::is_member(state, chat_id, me).await? {
            return Ok(true);
        }
    }
    Ok(false)
}

/// One variant of an image the caller may see, with its content type; any other is not found.
pub async fn open_media(
    state: &AppState,
    me: Uuid,
    id: Uuid,
    variant: Variant,
) -> Result<(Object, &'static str), AppError> {
    if !may_view_media(state, me, id).await? {
        return Err(AppError::not_found());
    }
    media::open(state, id, variant).await
}
