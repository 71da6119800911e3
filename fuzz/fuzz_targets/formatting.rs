//! Message formatting: parsing and rendering never panic, the page render holds only the
//! allow-listed elements and attributes, and it shows exactly the text without the markers.
#![no_main]

use libfuzzer_sys::fuzz_target;
use parlor_fuzz::allow_list::{as_parsed, check, render_html, visible_text};
use parlor_fuzz::messages::format::{plain_text, snippet_or_photo};
use parlor_fuzz::messages::model::MAX_MESSAGE_CHARS;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    // Longer messages are refused before anything formats them.
    if text.chars().count() > MAX_MESSAGE_CHARS {
        return;
    }
    for hydrate in [false, true] {
        let html = render_html(&text, hydrate);
        if let Err(why) = check(&html) {
            panic!("{why}");
        }
    }
    let plain = plain_text(&text);
    let html = render_html(&text, false);
    assert_eq!(visible_text(&html), as_parsed(&plain, &html), "rendered text differs for {text:?}");
    assert!(snippet_or_photo(&text, false).chars().count() <= 120);
});
