//! The product code under fuzzing, compiled straight from `src/` and mounted at the same module
//! paths, so its `crate::…` imports resolve here as they do in `parlor`. Each file listed needs
//! only the light crates in Cargo.toml; a file that starts needing more breaks this build, which
//! is the signal to keep the pure parts pure.

pub mod alloc_limit;

#[path = "../../src/auth/model.rs"]
#[doc(hidden)]
pub mod auth_model;
#[path = "../../src/contacts/model.rs"]
#[doc(hidden)]
pub mod contacts_model;
#[path = "../../src/media/model.rs"]
#[doc(hidden)]
pub mod media_model;
#[path = "../../src/media/server/process.rs"]
#[doc(hidden)]
pub mod media_process;
#[path = "../../src/media/server/webp_check.rs"]
#[doc(hidden)]
pub mod media_webp_check;
#[path = "../../src/messages/format.rs"]
#[doc(hidden)]
pub mod messages_format;
#[path = "../../src/messages/model.rs"]
#[doc(hidden)]
pub mod messages_model;
#[path = "../../src/messages/components/formatted.rs"]
#[doc(hidden)]
pub mod messages_formatted;
#[path = "../../src/validation.rs"]
#[doc(hidden)]
pub mod validation;
#[path = "../../src/realtime/model.rs"]
#[doc(hidden)]
pub mod realtime_model;
/// The allow-list the property tests use, rendering through the same component.
#[path = "../../src/messages/components/formatted/allow_list.rs"]
pub mod allow_list;

pub mod auth {
    pub use crate::auth_model as model;
}
pub mod contacts {
    pub use crate::contacts_model as model;
}
pub mod media {
    pub use crate::media_model as model;
    pub mod server {
        pub use crate::media_process as process;
        pub use crate::media_webp_check as webp_check;
    }
}
pub mod messages {
    pub use crate::messages_format as format;
    pub use crate::messages_model as model;
    pub mod components {
        pub use crate::messages_formatted as formatted;
    }
}
pub mod realtime {
    pub use crate::realtime_model as model;
}
