//! Live frames: parsing arbitrary bytes never panics, and every frame that parses writes back
//! to JSON that parses to the same frame. Client frames are what the server reads from each
//! WebSocket; server frames are what the browser client reads.
#![no_main]

use libfuzzer_sys::fuzz_target;
use parlor_fuzz::realtime::model::{ClientFrame, ServerFrame};
use serde::Serialize;
use serde::de::DeserializeOwned;
use std::fmt::Debug;

fn round_trips<T: Serialize + DeserializeOwned + PartialEq + Debug>(data: &[u8]) {
    let from_bytes = serde_json::from_slice::<T>(data);
    if let Ok(text) = std::str::from_utf8(data) {
        // The server parses text frames with from_str; both must agree.
        let from_text = serde_json::from_str::<T>(text);
        assert_eq!(from_bytes.as_ref().ok(), from_text.as_ref().ok());
    }
    let Ok(frame) = from_bytes else { return };
    let json = serde_json::to_string(&frame).expect("a parsed frame serialises");
    let again = serde_json::from_str::<T>(&json).unwrap_or_else(|e| panic!("{json} does not parse back: {e}"));
    assert_eq!(frame, again, "{json} parses to a different frame");
}

fuzz_target!(|data: &[u8]| {
    round_trips::<ClientFrame>(data);
    round_trips::<ServerFrame>(data);
});
