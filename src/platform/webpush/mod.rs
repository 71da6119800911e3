//! Web Push as a transport: the VAPID key, endpoint checks, and sending encrypted requests.
//! Who is notified of what is the push domain's business.
pub mod sender;
pub mod subscription;
pub mod vapid;
