use crate::messages::format::{Span, parse};
use dioxus::prelude::*;

/// Message text with its light formatting, built as elements (never as HTML).
#[component]
pub fn Formatted(text: String) -> Element {
    let spans = parse(&text);
    rsx! { {render(&spans)} }
}

fn render(spans: &[Span]) -> Element {
    rsx! {
        for span in spans.iter() {
            match span {
                Span::Text(t) => rsx! { "{t}" },
                Span::Bold(inner) => rsx! { strong { {render(inner)} } },
                Span::Italic(inner) => rsx! { em { {render(inner)} } },
                Span::Code(code) => rsx! { code { "{code}" } },
                Span::Link(href) => rsx! { a { href: "{href}", target: "_blank", rel: "noopener noreferrer nofollow", "{href}" } },
            }
        }
    }
}

#[cfg(test)]
pub(crate) mod allow_list;
#[cfg(test)]
mod tests;
