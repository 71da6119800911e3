//! Light, dark, or whatever the system says; remembered on this device. public/pwa.js applies
//! the choice before the first paint, so a forced theme never flashes the other one.

use dioxus::prelude::*;

const CHOICES: [(&str, &str); 3] = [("system", "Match the system"), ("light", "Light"), ("dark", "Dark")];

fn stored() -> String {
    crate::browser::theme::get().unwrap_or_else(|| "system".to_owned())
}

fn store(theme: &str) {
    crate::browser::theme::set(theme);
}

#[component]
pub fn ThemePicker() -> Element {
    let mut theme = use_signal(|| "system".to_owned());
    // The choice lives in the browser: read it once the page runs there.
    use_effect(move || theme.set(stored()));
    rsx! {
        fieldset { class: "choices",
            legend { class: "field-label", "Theme" }
            for (value, label) in CHOICES {
                label { class: "choice",
                    input {
                        r#type: "radio",
                        name: "theme",
                        value,
                        checked: theme() == value,
                        onchange: move |_| {
                            store(value);
                            theme.set(value.to_owned());
                        },
                    }
                    span { "{label}" }
                }
            }
        }
    }
}
