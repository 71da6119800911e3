//! The parser stays linear on hostile input and reads everything as the first, simpler
//! version did (kept here as the oracle: it searched afresh from every opener, which was
//! quadratic, so a 10,000-character message of `*a *a *a …` took seconds to show).

use super::{MAX_DEPTH, Span, at_word_start, link, parse};
use proptest::prelude::*;
use std::time::{Duration, Instant};

fn oracle(input: &str) -> Vec<Span> {
    let chars: Vec<char> = input.chars().collect();
    oracle_range(&chars, 0)
}

fn oracle_range(chars: &[char], depth: usize) -> Vec<Span> {
    let mut out = Vec::new();
    let mut text = String::new();
    let mut i = 0;
    while i < chars.len() {
        let rest = &chars[i..];
        let parsed = if depth >= MAX_DEPTH {
            None
        } else if rest.starts_with(&['`']) {
            oracle_closing(rest, "`", 1).map(|end| (Span::Code(rest[1..end].iter().collect()), end + 1))
        } else if rest.starts_with(&['*', '*']) {
            oracle_closing(rest, "**", 2).map(|end| (Span::Bold(oracle_range(&rest[2..end], depth + 1)), end + 2))
        } else if rest.starts_with(&['*']) {
            oracle_closing(rest, "*", 1).map(|end| (Span::Italic(oracle_range(&rest[1..end], depth + 1)), end + 1))
        } else if at_word_start(chars, i) {
            link(rest).map(|len| (Span::Link(rest[..len].iter().collect()), len))
        } else {
            None
        };
        match parsed {
            Some((span, used)) => {
                if !text.is_empty() {
                    out.push(Span::Text(std::mem::take(&mut text)));
                }
                out.push(span);
                i += used;
            }
            None => {
                text.push(chars[i]);
                i += 1;
            }
        }
    }
    if !text.is_empty() {
        out.push(Span::Text(text));
    }
    out
}

fn oracle_closing(rest: &[char], marker: &str, open: usize) -> Option<usize> {
    let marker: Vec<char> = marker.chars().collect();
    if rest.get(open).is_none_or(|c| c.is_whitespace()) {
        return None;
    }
    let mut j = open + 1;
    while j + marker.len() <= rest.len() {
        if rest[j..j + marker.len()] == marker[..] && !rest[j - 1].is_whitespace() {
            let doubled = marker.len() == 1 && marker[0] == '*' && rest.get(j + 1) == Some(&'*');
            if !doubled {
                return Some(j);
            }
            j += 1;
        }
        j += 1;
    }
    None
}

/// Mostly markers, spaces and short words: the inputs where search paths cross.
fn markup() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        prop::sample::select(vec!["*", "**", "***", "`", " ", "\n", "a", "b c", "https://x.y/", "("])
            .prop_map(str::to_owned),
        any::<char>().prop_map(String::from),
    ];
    prop::collection::vec(piece, 0..60).prop_map(|pieces| pieces.concat())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2048, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn the_linear_parser_reads_text_as_the_oracle_does(text in markup()) {
        prop_assert_eq!(parse(&text), oracle(&text));
    }
}

#[test]
fn runs_of_stars_are_read_as_before() {
    for text in [
        "***x***",
        "*a **b** c*",
        "**a *b** c*",
        "*x****",
        "****x*",
        "*a* *b **c* d**",
        "`a ``b` c`",
        "**`*`**",
        "* *a* *",
    ] {
        assert_eq!(parse(text), oracle(text), "{text:?}");
    }
}

/// 100,000 characters, ten times the longest message: the quadratic search spent minutes here.
#[test]
fn markers_that_never_close_take_linear_time() {
    for unit in ["*a ", "**a ", "`a ", "**x*", "*x**"] {
        let hostile = unit.repeat(100_000 / unit.len());
        let started = Instant::now();
        let spans = parse(&hostile);
        assert!(!spans.is_empty());
        assert!(started.elapsed() < Duration::from_secs(5), "{unit:?} × many took {:?}", started.elapsed());
    }
    let nested = "**".repeat(MAX_DEPTH) + &"*a ".repeat(30_000);
    let started = Instant::now();
    parse(&nested);
    assert!(started.elapsed() < Duration::from_secs(5), "nested openers took {:?}", started.elapsed());
}
