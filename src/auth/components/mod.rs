//! Account UI: sign-in and registration forms, profile, devices, sign-out, finding people.
mod devices;
mod login_form;
mod profile_form;
mod register_form;
mod sign_out;
mod user_search;

pub use devices::DeviceList;
pub use login_form::LoginForm;
pub use profile_form::ProfileForm;
pub use register_form::RegisterForm;
pub use sign_out::SignOutButton;
pub use user_search::search_as_typed;
