//! Uploads: sniffing and the whole decode-with-limits pipeline on arbitrary bytes never panic
//! and never allocate past the limits, and what is accepted comes out within bounds.
#![no_main]

use libfuzzer_sys::fuzz_target;
use parlor_fuzz::alloc_limit::Limited;
use parlor_fuzz::media::model::MAX_SIDE;
use parlor_fuzz::media::server::process::{process_reader, sniff};
use std::io::Cursor;

const MIB: usize = 1024 * 1024;

/// One allocation may be as large as the decoder's own `max_alloc` (MAX_DECODE_BYTES in
/// process.rs, 160 MiB); everything alive at once, decoded picture, resize buffers and
/// encoders together, stays under 512 MiB.
#[global_allocator]
static ALLOC: Limited = Limited::new(160 * MIB, 512 * MIB);

fuzz_target!(|data: &[u8]| {
    let sniffed = sniff(data);
    let Ok(processed) = process_reader(Cursor::new(data), data.len() as u64) else {
        return;
    };
    assert!(sniffed.is_ok(), "accepted bytes that sniffing refused");
    assert!(
        processed.width <= MAX_SIDE && processed.height <= MAX_SIDE,
        "accepted {}x{}",
        processed.width,
        processed.height
    );
    for encoded in [&processed.original, &processed.medium, &processed.thumbnail] {
        let format = sniff(&encoded.bytes).expect("an output the upload check would refuse");
        assert_eq!(format.to_mime_type(), encoded.mime, "output labelled as something else");
    }
});
