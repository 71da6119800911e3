use crate::app::Route;
use crate::chats::api::{load_chat_around, load_chat_view, load_group_view, mark_read};
use crate::chats::components::GroupPanel;
use crate::chats::model::ChatView;
use crate::chats::store::ChatStore;
use crate::contacts::components::BlockToggle;
use crate::messages::components::{Composer, Timeline};
use crate::search::components::SearchButton;
use crate::ui::avatar::Avatar;
use dioxus::prelude::*;
use uuid::Uuid;

/// `/chats/{id}`: a conversation with its latest messages.
#[component]
pub fn ChatPage(id: Uuid) -> Element {
    let view = use_server_future(use_reactive!(|id| load_chat_view(id)))?;
    let store = use_context::<ChatStore>();
    let view = match view() {
        Some(Ok(view)) => view,
        // The server could not be asked (offline): what this device kept.
        Some(Err(_)) => crate::offline::saved_view(store, id),
        None => None,
    };
    rsx! { ChatScreen { view, highlight: None } }
}

/// `/chats/{id}/m/{message}`: the messages around one, which is highlighted and scrolled to.
#[component]
pub fn MessagePage(id: Uuid, message: Uuid) -> Element {
    let view = use_server_future(use_reactive!(|id, message| load_chat_around(id, message)))?;
    let store = use_context::<ChatStore>();
    let view = match view() {
        Some(Ok(view)) => view,
        Some(Err(_)) => crate::offline::saved_view(store, id),
        None => None,
    };
    rsx! { ChatScreen { view, highlight: Some(message) } }
}

/// `/g/{slug}`: a group by its readable address.
#[component]
pub fn GroupPage(slug: String) -> Element {
    let view = use_server_future(use_reactive!(|slug| load_group_view(slug)))?;
    let store = use_context::<ChatStore>();
    let view = match view() {
        Some(Ok(view)) => view,
        Some(Err(_)) => crate::offline::saved_group_view(store, &slug),
        None => None,
    };
    rsx! { ChatScreen { view, highlight: None } }
}

/// One conversation: rendered on the server, then kept live by the store.
#[component]
fn ChatScreen(view: Option<ChatView>, highlight: Option<Uuid>) -> Element {
    let mut store = use_context::<ChatStore>();
    let mut marked = use_signal(|| (Uuid::nil(), 0i64));
    let mut settings_open = use_signal(|| false);
    // Whether the newest message is in view, and the newest seq seen while it was.
    let mut at_bottom = use_signal(|| true);
    let mut seen_seq = use_signal(|| 0i64);
    use_effect(move || {
        if at_bottom()
            && let Some(chat) = *store.list.open_chat.read()
        {
            let newest = store.timelines.messages.read().get(&chat).and_then(|l| l.last().map(|m| m.seq)).unwrap_or(0);
            seen_seq.set(newest);
        }
    });
    let mut page = use_reactive!(|view| view);

    // Hand the server's messages to the live store, and say which chat is on screen.
    use_effect(move || {
        if let Some(page) = page() {
            let chat_id = page.chat.id;
            store.merge(chat_id, page.messages.clone());
            store.seed_members(chat_id, page.chat.members.clone());
            store.timelines.has_older.write().insert(chat_id, page.has_more);
            store.list.open_chat.set(Some(chat_id));
            // Frames that arrived between loading the page and having a timeline were not kept:
            // fetch whatever came after the page's newest message.
            let after = page.messages.last().map_or(0, |m| m.seq);
            spawn(async move {
                if let Ok(newer) = crate::messages::api::after(chat_id, after).await {
                    store.merge(chat_id, newer.messages);
                }
            });
        }
    });
    use_drop(move || store.list.open_chat.set(None));
    // Everything on screen is read: tell the server whenever newer messages arrive.
    use_effect(move || {
        let Some(chat) = *store.list.open_chat.read() else { return };
        let Some(latest) = store.timelines.messages.read().get(&chat).and_then(|l| l.last().map(|m| m.seq)) else {
            return;
        };
        let (done_chat, done_seq) = *marked.peek();
        if done_chat == chat && done_seq >= latest {
            return;
        }
        marked.set((chat, latest));
        store.mark_read_locally(chat);
        spawn(async move {
            let _ = mark_read(chat, latest).await;
        });
    });
    // A permalink scrolls its message into view once the page runs, and again when another
    // permalink of the same chat replaces it (a search result, say).
    use_effect(use_reactive!(|highlight| {
        if let Some(target) = highlight {
            crate::ui::navigation::scroll_to(&format!("m-{target}"));
        }
    }));

    let Some(page) = view else {
        crate::ui::navigation::not_found_status();
        if *store.link.offline.read() {
            return rsx! {
                div { class: "empty-pane",
                    h1 { "Not saved on this device" }
                    p { class: "muted", "This chat opens once you are back online." }
                    Link { to: Route::HomePage {}, class: "btn btn-primary", "Back to your chats" }
                }
            };
        }
        return rsx! {
            div { class: "empty-pane",
                h1 { "Chat not found" }
                p { class: "muted", "It does not exist, or you are not in it." }
                Link { to: Route::HomePage {}, class: "btn btn-primary", "Back to your chats" }
            }
        };
    };
    let me = store.me.read().id;
    let unseen = if at_bottom() {
        0
    } else {
        store
            .timelines
            .messages
            .read()
            .get(&page.chat.id)
            .map_or(0, |l| l.iter().filter(|m| m.seq > seen_seq()).count())
    };
    let newest = store.timelines.messages.read().get(&page.chat.id).and_then(|l| l.last().map(|m| m.id));
    let title = page.chat.title(me);
    let peer = (page.chat.kind == "direct")
        .then(|| page.chat.members.iter().find(|m| m.user.id != me).map(|m| m.user.clone()))
        .flatten();
    let blocked = peer.as_ref().is_some_and(|p| store.contacts.book.read().has_blocked(p.id));
    // The chat list's copy of the other person follows presence frames; the page's is a snapshot.
    let live_peer = peer.as_ref().map(|p| {
        let chats = store.list.chats.read();
        let listed =
            chats.iter().find(|c| c.id == page.chat.id).and_then(|c| c.members.iter().find(|m| m.user.id == p.id));
        listed.map_or_else(|| p.clone(), |m| m.user.clone())
    });
    let subtitle = match (&live_peer, page.chat.kind.as_str()) {
        (Some(user), _) => crate::contacts::components::presence_text(user),
        (None, _) => format!("{} members", page.chat.members.len()),
    };
    rsx! {
        document::Title { "{title} · Parlor" }
        div { class: "chat-view",
            header { class: "chat-header",
                Link { to: Route::HomePage {}, class: "icon-btn back", "aria-label": "Back to chats", "←" }
                Avatar { name: title.clone(), url: page.chat.avatar_url.clone(), size: 40 }
                div { class: "chat-heading grow",
                    h1 { "{title}" }
                    p { class: "muted", "{subtitle}" }
                }
                SearchButton { chat_id: page.chat.id }
                crate::push::components::MuteToggle { chat_id: page.chat.id }
                if page.chat.kind == "group" {
                    button { class: "btn btn-ghost", r#type: "button", onclick: move |_| settings_open.set(true), "Group settings" }
                }
                if let Some(user) = peer.clone() {
                    BlockToggle { user }
                }
            }
            if settings_open() {
                GroupPanel { chat_id: page.chat.id, on_close: move |_| settings_open.set(false) }
            }
            div {
                class: "scroller",
                // The list grows upwards (column-reverse): 0 is the bottom, negative is scrolled up.
                onscroll: move |e: ScrollEvent| {
                    let data = e.data();
                    // Near the top (the far end of a reversed list): fetch earlier messages.
                    if data.scroll_top() + f64::from(data.scroll_height() - data.client_height()) < 150.0 {
                        *store.timelines.want_older.write() += 1;
                    }
                    let bottom = data.scroll_top() > -80.0;
                    if bottom != *at_bottom.peek() {
                        at_bottom.set(bottom);
                    }
                },
                if unseen > 0 {
                    button {
                        class: "btn btn-primary jump",
                        r#type: "button",
                        onclick: move |_| {
                            if let Some(id) = newest {
                                crate::ui::navigation::scroll_to(&format!("m-{id}"));
                            }
                        },
                        "↓ {unseen} new"
                    }
                }
                Timeline { chat: page.chat.clone(), initial: page.messages.clone(), initial_has_older: page.has_more, highlight }
            }
            if blocked {
                p { class: "banner banner-error blocked-note", role: "status", "You blocked this person. Unblock them to send messages." }
            }
            Composer { chat_id: page.chat.id }
        }
    }
}
