//! Server side of live updates: the fan-out (a reaction turning events into frames for the
//! users who may hear them) and the gateway (the WebSocket and SSE routes, and the frames a
//! client sends). The transport itself (hub, bus, leases) is `platform::live`.
pub mod connection;
pub mod fanout;
pub mod routes;
