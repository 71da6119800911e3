//! Server side of live updates: the hub, presence, visibility (who has the app in view) and
//! typing, and the two transports.
pub mod bus;
pub mod connection;
pub mod deliveries;
pub mod hub;
pub mod leases;
pub mod presence;
pub mod routes;
pub mod service;
pub mod visibility;
