//! The live transport: this instance's connections (hub), frames between instances (bus),
//! and the Redis leases that say who is connected (online) and who has the app in view
//! (visibility) on any instance. What a frame means and who may hear it is decided above.
pub mod bus;
pub mod deliveries;
pub mod hub;
pub mod leases;
pub mod online;
pub mod visibility;
