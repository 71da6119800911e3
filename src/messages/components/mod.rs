//! Message UI: formatted text, the timeline of a chat, and the composer.
mod bubble;
mod composer;
mod formatted;
mod message_row;
mod ticks;
mod timeline;

pub use composer::Composer;
pub use formatted::Formatted;
pub use timeline::Timeline;
