use super::SearchIn;
use crate::app::Route;
use crate::browser::sleep_ms;
use crate::chats::components::short_time;
use crate::chats::model::Chat;
use crate::chats::store::ChatStore;
use crate::search::api;
use crate::search::model::{DEFAULT_LIMIT, SearchResult, pieces};
use crate::ui::avatar::Avatar;
use crate::ui::dialog::Dialog;
use crate::ui::form::ErrorBanner;
use crate::ui::navigation::reveal;
use dioxus::prelude::*;
use uuid::Uuid;

/// How long typing must pause before the search is sent.
const DEBOUNCE_MS: u32 = 200;

/// Search as you type; arrows move through the results, Enter (or a click) opens the message.
#[component]
pub fn SearchDialog(place: SearchIn, on_close: EventHandler<()>) -> Element {
    let store = use_context::<ChatStore>();
    let navigator = use_navigator();
    let mut query = use_signal(String::new);
    // The results for `answered`, the last query the server answered.
    let mut results = use_signal(Vec::<SearchResult>::new);
    let mut answered = use_signal(String::new);
    let mut error = use_signal(|| None::<String>);
    let mut selected = use_signal(|| 0usize);
    let chat_id = match place {
        SearchIn::Chat(id) => Some(id),
        SearchIn::AllChats => None,
    };

    let mut on_input = move |value: String| {
        query.set(value.clone());
        spawn(async move {
            sleep_ms(DEBOUNCE_MS).await;
            // Typing went on: a later keystroke searches instead.
            if *query.peek() != value || value.trim().is_empty() {
                return;
            }
            let answer = api::search_messages(value.trim(), chat_id, DEFAULT_LIMIT).await;
            if *query.peek() != value {
                return;
            }
            match answer {
                Ok(found) => {
                    results.set(found.results);
                    error.set(None);
                }
                Err(e) => {
                    results.set(Vec::new());
                    error.set(Some(e.message));
                }
            }
            answered.set(value);
            selected.set(0);
        });
    };

    let me = store.me.read().id;
    let typed = query();
    let groups = if typed.trim().is_empty() { Vec::new() } else { by_chat(results()) };
    // Targets in display order: what the arrow keys walk through.
    let targets: Vec<(Uuid, Uuid)> =
        groups.iter().flat_map(|(_, hits)| hits.iter().map(|(_, h)| (h.message.chat_id, h.message.id))).collect();
    let count = targets.len();
    let current = selected().min(count.saturating_sub(1));
    let open = move |(id, message): (Uuid, Uuid)| {
        on_close.call(());
        navigator.push(Route::MessagePage { id, message });
    };
    let on_key = {
        let targets = targets.clone();
        move |e: KeyboardEvent| match e.key() {
            Key::ArrowDown | Key::ArrowUp if count > 0 => {
                e.prevent_default();
                let next =
                    if e.key() == Key::ArrowDown { (current + 1).min(count - 1) } else { current.saturating_sub(1) };
                selected.set(next);
                reveal(&format!("search-hit-{next}"));
            }
            Key::Enter => {
                e.prevent_default();
                if let Some(target) = targets.get(current) {
                    open(*target);
                }
            }
            _ => {}
        }
    };

    let title = match place {
        SearchIn::AllChats => "Search messages",
        SearchIn::Chat(_) => "Search in this chat",
    };
    let pending = !typed.trim().is_empty() && typed != answered();
    rsx! {
        Dialog { id: "search", title: title.to_owned(), on_close,
            div { class: "search-box",
                input {
                    id: "search-input",
                    class: "search",
                    r#type: "search",
                    role: "combobox",
                    autocomplete: "off",
                    spellcheck: "false",
                    placeholder: "Words or parts of words",
                    "aria-label": "{title}",
                    "aria-expanded": count > 0,
                    "aria-controls": "search-results",
                    "aria-activedescendant": if count > 0 { format!("search-hit-{current}") } else { String::new() },
                    value: "{typed}",
                    onmounted: move |e| async move {
                        let _ = e.set_focus(true).await;
                    },
                    oninput: move |e| on_input(e.value()),
                    onkeydown: on_key,
                }
                if pending {
                    span { class: "spinner search-spinner", "aria-hidden": "true" }
                }
            }
            ErrorBanner { message: error() }
            if typed.trim().is_empty() {
                div { class: "search-state muted",
                    p { if chat_id.is_some() { "Find a message in this chat." } else { "Find a message in any of your chats." } }
                    p { class: "search-tip", "Parts of words work too. Open search anywhere with " kbd { "Ctrl" } "+" kbd { "K" } " (" kbd { "⌘" } kbd { "K" } " on a Mac)." }
                }
            } else if count == 0 && !pending && error().is_none() {
                div { class: "search-state", role: "status",
                    p { "No messages match “{answered}”." }
                    p { class: "muted", "Try fewer or shorter words." }
                }
            }
            ul { id: "search-results", class: "search-results", role: "listbox", "aria-label": "Results",
                for (chat, hits) in groups {
                    li { key: "{chat.id}", class: "search-group", role: "presentation",
                        div { class: "search-group-head",
                            Avatar { name: chat.title(me), url: chat.avatar_url.clone(), size: 24 }
                            span { class: "search-group-name", "{chat.title(me)}" }
                        }
                        ul { class: "search-hits", role: "presentation",
                            for (i, hit) in hits {
                                {
                                    let target = (hit.message.chat_id, hit.message.id);
                                    rsx! {
                                        li {
                                            key: "{hit.message.id}",
                                            id: "search-hit-{i}",
                                            class: if i == current { "search-hit selected" } else { "search-hit" },
                                            role: "option",
                                            "aria-selected": i == current,
                                            onmouseenter: move |_| selected.set(i),
                                            onclick: move |_| open(target),
                                            div { class: "search-hit-head",
                                                span { class: "search-hit-sender", "{hit.message.sender.display_name}" }
                                                span { class: "muted search-hit-time", {short_time(hit.message.created_at)} }
                                            }
                                            p { class: "search-snippet",
                                                for (n, (text, marked)) in pieces(&hit.snippet, &hit.highlights).into_iter().enumerate() {
                                                    if marked {
                                                        mark { key: "{n}", "{text}" }
                                                    } else {
                                                        span { key: "{n}", "{text}" }
                                                    }
                                                }
                                            }
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// Results grouped by chat, chats in the order of their best result; each result with its
/// position in the grouped list (what the selection counts in).
fn by_chat(results: Vec<SearchResult>) -> Vec<(Chat, Vec<(usize, SearchResult)>)> {
    let mut groups: Vec<(Chat, Vec<SearchResult>)> = Vec::new();
    for hit in results {
        match groups.iter_mut().find(|(chat, _)| chat.id == hit.chat.id) {
            Some((_, hits)) => hits.push(hit),
            None => groups.push((hit.chat.clone(), vec![hit])),
        }
    }
    let mut position = 0;
    groups
        .into_iter()
        .map(|(chat, hits)| {
            let numbered = hits
                .into_iter()
                .map(|hit| {
                    position += 1;
                    (position - 1, hit)
                })
                .collect();
            (chat, numbered)
        })
        .collect()
}
