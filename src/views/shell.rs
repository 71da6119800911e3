use super::layout::{Focus, Shell};
use crate::app::Route;
use crate::auth::api::load_viewer;
use crate::chats::api::{list_chats, load_chats};
use crate::chats::components::ChatList;
use crate::chats::store::ChatStore;
use crate::search::components::{SearchHost, SearchLauncher};
use dioxus::prelude::*;

/// The signed-in layout: loads the user and their chats once, keeps them live, and shows
/// the sidebar next to the page (on a phone, one or the other).
#[component]
pub fn AppShell() -> Element {
    let viewer = use_server_future(load_viewer)?;
    let chats = use_server_future(load_chats)?;
    let contacts = use_server_future(crate::contacts::api::load_contacts)?;
    let user = viewer().and_then(Result::ok).flatten();
    let initial = chats().and_then(Result::ok).unwrap_or_default();
    let signed_in = user.is_some();
    let book = contacts().and_then(Result::ok).unwrap_or_default();
    let mut store = use_context_provider(|| {
        let mut store = ChatStore::new(user.unwrap_or_default(), initial);
        store.contacts = crate::contacts::store::ContactStore::new(book);
        store
    });
    use_context_provider(SearchLauncher::new);
    // One live connection for the tab (effects run in the browser only).
    use_effect(move || {
        spawn(crate::realtime::client::run(store));
        spawn(crate::messages::outbox::run(store));
        spawn(crate::offline::run(store));
    });
    // Membership changed somewhere: fetch the list again.
    use_effect(move || {
        if *store.list.stale.read() > 0 {
            spawn(async move {
                if let Ok(list) = list_chats().await {
                    store.list.chats.set(list.chats);
                }
            });
        }
    });
    // A contact or block changed: fetch the address book again.
    use_effect(move || {
        if *store.contacts.stale.read() > 0 {
            spawn(async move {
                if let Ok(book) = crate::contacts::api::list().await {
                    store.contacts.book.set(book);
                }
            });
        }
    });
    if !signed_in {
        return rsx! { super::not_found::SignedOut {} };
    }
    let focus = match use_route::<Route>() {
        Route::HomePage {} => Focus::Sidebar,
        _ => Focus::Main,
    };
    let me = store.me.read().clone();
    rsx! {
        Shell { user: me, focus, sidebar: rsx! { ChatList {} },
            Outlet::<Route> {}
        }
        SearchHost {}
    }
}
