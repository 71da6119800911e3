//! The platform: what every domain stands on and that knows none of them. Settings, the
//! database and its entities, Redis, storage, telemetry, the caller's identity and address,
//! request extractors and limits, the events port, and the live transport (hub, bus, leases).
//! It imports only the shared, wasm-safe layer (`error`, the `model.rs` files, the live protocol).
pub mod config;
pub mod cors;
pub mod counters;
pub mod db;
pub mod entity;
pub mod events;
pub mod extract;
pub mod gates;
pub mod headers;
pub mod live;
pub mod proxy;
pub mod rate_limit;
pub mod redis;
pub mod route;
pub mod state;
pub mod storage;
pub mod telemetry;
pub mod throttle;
pub mod tokens;
pub mod viewer;
pub mod webpush;
