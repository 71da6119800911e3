//! Notification controls: the device switch and preview choice (settings) and per-chat mute.

mod mute;
mod settings;

pub use mute::{BELL_OFF, MuteToggle};
pub use settings::NotificationSettings;
