//! One file per route, composing domain components.
mod auth_pages;
mod chat;
mod contacts;
mod home;
mod layout;
mod not_found;
mod settings;
mod shell;

pub use auth_pages::{LoginPage, RegisterPage};
pub use chat::{ChatPage, GroupPage, MessagePage};
pub use contacts::ContactsPage;
pub use home::HomePage;
pub use not_found::NotFoundPage;
pub use settings::SettingsPage;
pub use shell::AppShell;
