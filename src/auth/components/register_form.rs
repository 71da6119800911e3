use crate::auth::api;
use crate::auth::model::{DisplayName, LoginRequest, Password, RegisterRequest, Username};
use crate::ui::form::{ErrorBanner, Field, SubmitButton};
use crate::ui::navigation::go_to;
use dioxus::prelude::*;

/// Registration form: checks fields as the server will, creates the account, signs in.
#[component]
pub fn RegisterForm() -> Element {
    let username = use_signal(String::new);
    let display_name = use_signal(String::new);
    let password = use_signal(String::new);
    let confirm = use_signal(String::new);
    let mut field_errors = use_signal(FieldErrors::default);
    let mut error = use_signal(|| None::<String>);
    let mut busy = use_signal(|| false);

    let submit = move |evt: FormEvent| {
        evt.prevent_default();
        if busy() {
            return;
        }
        let errors = FieldErrors::check(&username(), &display_name(), &password(), &confirm());
        let ok = errors.is_empty();
        field_errors.set(errors);
        if !ok {
            return;
        }
        spawn(async move {
            busy.set(true);
            error.set(None);
            let req = RegisterRequest {
                username: username(),
                password: password(),
                password_confirm: Some(confirm()),
                display_name: Some(display_name()).filter(|s| !s.trim().is_empty()),
            };
            let result = match api::register(&req).await {
                Ok(_) => api::login(&LoginRequest { username: username(), password: password(), device_name: None })
                    .await
                    .map(|_| ()),
                Err(e) => Err(e),
            };
            match result {
                Ok(()) => go_to("/"),
                Err(e) => {
                    error.set(Some(e.message));
                    busy.set(false);
                }
            }
        });
    };

    let errs = field_errors();
    rsx! {
        form { class: "stack", method: "post", onsubmit: submit, "aria-label": "Create account",
            ErrorBanner { message: error() }
            Field { label: "Username", name: "username", value: username, autocomplete: "username",
                hint: "3–50 letters, digits, _ . or -", error: errs.username }
            Field { label: "Display name", name: "display_name", value: display_name, autocomplete: "name",
                hint: "Optional: how others see you", error: errs.display_name }
            Field { label: "Password", name: "password", value: password, kind: "password",
                autocomplete: "new-password", hint: "At least 8 characters", error: errs.password }
            Field { label: "Confirm password", name: "password_confirm", value: confirm, kind: "password",
                autocomplete: "new-password", error: errs.confirm }
            SubmitButton { label: "Create account", busy: busy() }
        }
    }
}

#[derive(Clone, Default, PartialEq)]
struct FieldErrors {
    username: Option<String>,
    display_name: Option<String>,
    password: Option<String>,
    confirm: Option<String>,
}

impl FieldErrors {
    fn check(username: &str, display_name: &str, password: &str, confirm: &str) -> Self {
        Self {
            username: Username::parse(username).err().map(|e| e.message.to_owned()),
            display_name: (!display_name.trim().is_empty())
                .then(|| DisplayName::parse(display_name).err().map(|e| e.message.to_owned()))
                .flatten(),
            password: Password::parse(password).err().map(|e| e.message.to_owned()),
            confirm: (password != confirm).then(|| "The two passwords do not match.".to_owned()),
        }
    }

    fn is_empty(&self) -> bool {
        self == &Self::default()
    }
}
