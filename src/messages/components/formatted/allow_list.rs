//! What rendered message formatting may contain, checked on the HTML a browser would parse.
//! Shared by the property tests and the `formatting` fuzz target (fuzz/ includes this file),
//! so both hold the renderer to one list. The list is written out here rather than read from
//! the renderer, so a renderer that starts emitting something new fails instead of agreeing
//! with itself.

use crate::messages::components::formatted::{Formatted, FormattedProps};
use dioxus::core::VirtualDom;
use scraper::{Html, Node};

/// Elements formatting may produce, with the attributes each may carry.
const ALLOWED: &[(&str, &[&str])] = &[("strong", &[]), ("em", &[]), ("code", &[]), ("a", &["href", "target", "rel"])];
/// What an `href` may start with (compared lowercased, with nothing in front).
const LINK_SCHEMES: &[&str] = &["http://", "https://"];
/// Set by the SSR renderer in hydration mode (the server's page render); carries no content.
const FRAMEWORK_ATTRIBUTES: &[&str] = &["data-node-hydration"];

/// `text` as the server's page render writes it: plain, or with hydration markers (`hydrate`).
pub fn render_html(text: &str, hydrate: bool) -> String {
    let mut dom = VirtualDom::new_with_props(Formatted, FormattedProps { text: text.to_owned() });
    dom.rebuild_in_place();
    let mut renderer = dioxus_ssr::Renderer::new();
    renderer.pre_render = hydrate;
    renderer.render(&dom)
}

/// Parses `html` as a fragment of a page body and returns the first thing outside the list.
pub fn check(html: &str) -> Result<(), String> {
    let fragment = Html::parse_fragment(html);
    // parse_fragment wraps the content in an `html` element of its own.
    for node in fragment.root_element().descendants().skip(1) {
        match node.value() {
            Node::Text(_) => {}
            // SSR marks text boundaries for hydration with comments like `<!--#-->`.
            Node::Comment(c) if is_hydration_marker(c) => {}
            Node::Element(element) => {
                let name = element.name();
                let Some((_, attributes)) = ALLOWED.iter().find(|(allowed, _)| *allowed == name) else {
                    return Err(format!("element <{name}> is not allowed in {html:?}"));
                };
                for (attribute, value) in element.attrs() {
                    if !attributes.contains(&attribute) && !FRAMEWORK_ATTRIBUTES.contains(&attribute) {
                        return Err(format!("attribute {attribute} on <{name}> is not allowed in {html:?}"));
                    }
                    if attribute == "href" && !has_allowed_scheme(value) {
                        return Err(format!("href {value:?} has a scheme that is not allowed in {html:?}"));
                    }
                }
                // A link opening a new tab must not hand that tab a handle on this one.
                if element.attr("target").is_some()
                    && !element.attr("rel").is_some_and(|rel| rel.split_whitespace().any(|r| r == "noopener"))
                {
                    return Err(format!("a link opens a tab without rel=noopener in {html:?}"));
                }
            }
            other => return Err(format!("unexpected node {other:?} in {html:?}")),
        }
    }
    Ok(())
}

/// The text a reader sees: every text node in order, hydration comments left out.
pub fn visible_text(html: &str) -> String {
    let fragment = Html::parse_fragment(html);
    fragment.root_element().text().collect()
}

/// What the HTML parser makes of `text` once rendered into `html`: a byte order mark is skipped
/// only at the very start of the parser's input (so not after a NUL or an opening tag), CR and
/// CR LF become LF, and NUL is dropped in a body.
pub fn as_parsed(text: &str, html: &str) -> String {
    let text = if html.starts_with('\u{feff}') { text.strip_prefix('\u{feff}').unwrap_or(text) } else { text };
    text.replace("\r\n", "\n").replace('\r', "\n").replace('\0', "")
}

fn has_allowed_scheme(href: &str) -> bool {
    let lower = href.to_ascii_lowercase();
    LINK_SCHEMES.iter().any(|scheme| lower.starts_with(scheme) && lower.len() > scheme.len())
}

/// `#`, `node-id<n>` or `placeholder<n>`: nothing a message's text can produce, as `<` is escaped.
fn is_hydration_marker(comment: &str) -> bool {
    let numbered = |prefix| {
        comment.strip_prefix(prefix).is_some_and(|n: &str| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
    };
    comment == "#" || numbered("node-id") || numbered("placeholder")
}
