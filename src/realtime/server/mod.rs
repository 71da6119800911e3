//! Server side of live updates: the hub, presence and typing, and the two transports.
pub mod bus;
pub mod connection;
pub mod deliveries;
pub mod hub;
pub mod presence;
pub mod routes;
pub mod service;
