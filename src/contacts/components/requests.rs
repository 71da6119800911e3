use crate::chats::store::ChatStore;
use crate::contacts::api;
use crate::contacts::model::ContactRequest;
use crate::ui::avatar::Avatar;
use crate::ui::form::ErrorBanner;
use dioxus::prelude::*;

/// Requests waiting for the user (Accept, Decline) and the ones they sent (Cancel).
#[component]
pub fn RequestLists() -> Element {
    let store = use_context::<ChatStore>();
    let error = use_signal(|| None::<String>);
    let book = store.contacts.book.read().clone();
    if book.incoming.is_empty() && book.outgoing.is_empty() {
        return rsx! {};
    }
    rsx! {
        section { class: "card", "aria-labelledby": "requests-title",
            h2 { id: "requests-title", "Requests" }
            ErrorBanner { message: error() }
            if !book.incoming.is_empty() {
                ul { class: "people", "aria-label": "Incoming requests",
                    for request in book.incoming {
                        RequestRow { key: "{request.id}", request, incoming: true, error }
                    }
                }
            }
            if !book.outgoing.is_empty() {
                ul { class: "people", "aria-label": "Sent requests",
                    for request in book.outgoing {
                        RequestRow { key: "{request.id}", request, incoming: false, error }
                    }
                }
            }
        }
    }
}

#[derive(Clone, Copy, PartialEq)]
enum Answer {
    Accept,
    Decline,
    Cancel,
}

#[component]
fn RequestRow(request: ContactRequest, incoming: bool, error: Signal<Option<String>>) -> Element {
    let mut store = use_context::<ChatStore>();
    let person = if incoming { request.from.clone() } else { request.to.clone() };
    let (id, who) = (request.id, person.id);
    let answer = move |answer: Answer| {
        spawn(async move {
            error.set(None);
            let done = match answer {
                Answer::Accept => api::accept(id).await.map(|_| ()),
                Answer::Decline => api::decline(id).await.map(|_| ()),
                Answer::Cancel => api::remove(who).await,
            };
            match done {
                Ok(()) => {
                    store.contacts.forget(who);
                    *store.contacts.stale.write() += 1;
                }
                Err(e) => error.set(Some(e.message)),
            }
        });
    };
    rsx! {
        li { class: "person",
            Avatar { name: person.display_name.clone(), url: person.avatar_url.clone(), size: 40 }
            span { class: "user-names grow",
                span { class: "me-name", "{person.display_name}" }
                span { class: "muted me-username",
                    if incoming { "@{person.username} wants to be your contact" } else { "@{person.username} · waiting for an answer" }
                }
            }
            if incoming {
                button { class: "btn btn-primary small", r#type: "button", "aria-label": "Accept {person.display_name}", onclick: move |_| answer(Answer::Accept), "Accept" }
                button { class: "btn btn-ghost small", r#type: "button", "aria-label": "Decline {person.display_name}", onclick: move |_| answer(Answer::Decline), "Decline" }
            } else {
                button { class: "btn btn-ghost small", r#type: "button", "aria-label": "Cancel request to {person.display_name}", onclick: move |_| answer(Answer::Cancel), "Cancel" }
            }
        }
    }
}
