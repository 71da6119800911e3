//! One file per route, composing domain components.
mod auth_pages;
mod home;
mod layout;
mod not_found;
mod settings;

pub use auth_pages::{LoginPage, RegisterPage};
pub use home::HomePage;
pub use not_found::NotFoundPage;
pub use settings::SettingsPage;
