//! A round avatar: the picture when there is one, initials on a colour derived from the name.

use dioxus::prelude::*;

#[component]
pub fn Avatar(name: String, url: Option<String>, #[props(default = 40)] size: u32) -> Element {
    let style = format!("width:{size}px;height:{size}px;font-size:{}px", size * 2 / 5);
    match url {
        Some(src) => rsx! { img { class: "avatar", style, src, alt: "" } },
        None => rsx! {
            span { class: "avatar avatar-{hue(&name)}", style, "aria-hidden": "true", {initials(&name)} }
        },
    }
}

/// Up to two initials: "Ada Lovelace" → "AL", "bob" → "B".
pub fn initials(name: &str) -> String {
    name.split_whitespace().filter_map(|word| word.chars().next()).take(2).flat_map(char::to_uppercase).collect()
}

/// One of eight palette colours, stable for a name.
fn hue(name: &str) -> u32 {
    name.bytes().fold(0u32, |acc, b| acc.wrapping_mul(31).wrapping_add(u32::from(b))) % 8
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn initials_take_the_first_letters_of_two_words() {
        assert_eq!(initials("Ada Lovelace"), "AL");
        assert_eq!(initials("bob"), "B");
        assert_eq!(initials("  grace   brewster murray "), "GB");
        assert_eq!(initials(""), "");
    }
}
