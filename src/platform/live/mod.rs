//! The live transport: this instance's connections (hub), frames between instances (bus),
//! and the Redis leases that say who is connected (online) and who has the app in view
//! (visibility) on any instance. What a frame means and who may hear it is decided above.
pub mod bus;
pub mod deliveries;
pub mod hub;
pub mod leases;
pub mod online;
pub mod visibility;
pub mod wire;

use std::sync::Arc;

/// This instance's part of the live transport, one field of the state.
#[derive(Clone)]
pub struct Live {
    /// Live connections of this instance.
    pub hub: Arc<hub::Hub>,
    /// Who is connected on any instance.
    pub online: Arc<online::Online>,
    /// Who has the app in view on any instance (they get no push).
    pub visibility: Arc<visibility::Visibility>,
    /// Delivery marks of this instance's connections, written once a second.
    pub deliveries: Arc<deliveries::Deliveries>,
}
