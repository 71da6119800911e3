//! Wire types of message search and the validated query they carry.

use crate::chats::model::Chat;
use crate::messages::model::Message;
use crate::validation::Invalid;
use serde::{Deserialize, Serialize};

#[cfg(feature = "server")]
use utoipa::ToSchema;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(ToSchema))]
pub struct SearchResponse {
    /// Best match first; ties go to the newer message.
    pub results: Vec<SearchResult>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct SearchResult {
    pub message: Message,
    pub chat: Chat,
    /// Plain text around the first match (formatting removed, line breaks as spaces), at most
    /// about 160 characters; "…" marks text cut off at either end. Never HTML.
    pub snippet: String,
    /// Where the query matched in `snippet`, in order and not overlapping.
    pub highlights: Vec<Highlight>,
}

/// A highlighted part of a snippet: characters `start` (inclusive) to `end` (exclusive),
/// counted in Unicode code points (not bytes, not UTF-16 units).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "server", derive(ToSchema))]
pub struct Highlight {
    pub start: usize,
    pub end: usize,
}

/// Longest query, in characters.
pub const MAX_QUERY_CHARS: usize = 200;
/// Most words in one query.
pub const MAX_QUERY_TERMS: usize = 10;
/// Results when the caller does not say.
pub const DEFAULT_LIMIT: u64 = 50;
/// Most results one search returns.
pub const MAX_LIMIT: u64 = 100;

/// What to look for: up to 10 distinct words, each matched anywhere in a message
/// (prefixes and substrings too), ignoring case and accents. Every word must match.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchQuery {
    text: String,
    terms: Vec<String>,
}

impl SearchQuery {
    pub fn parse(raw: &str) -> Result<Self, Invalid> {
        let text = raw.trim();
        if text.is_empty() {
            return Err(Invalid::new("empty_query", "Type something to search for."));
        }
        if text.chars().count() > MAX_QUERY_CHARS {
            return Err(Invalid::new("query_too_long", "Search for at most 200 characters."));
        }
        if text.chars().any(char::is_control) {
            return Err(Invalid::new("invalid_query", "The search cannot contain control characters."));
        }
        let mut terms: Vec<String> = Vec::new();
        for word in text.split_whitespace() {
            if !terms.iter().any(|t| t.to_lowercase() == word.to_lowercase()) {
                terms.push(word.to_owned());
            }
        }
        if terms.len() > MAX_QUERY_TERMS {
            return Err(Invalid::new("too_many_words", "Search for at most 10 words."));
        }
        Ok(Self { text: text.to_owned(), terms })
    }

    /// The query as typed, trimmed.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// Its distinct words, in the order typed.
    pub fn terms(&self) -> &[String] {
        &self.terms
    }
}

/// The snippet cut into pieces, each marked as a match or not: what the client renders as
/// text and `<mark>` elements. Ranges out of order or out of bounds are ignored, never trusted.
pub fn pieces(snippet: &str, highlights: &[Highlight]) -> Vec<(String, bool)> {
    let chars: Vec<char> = snippet.chars().collect();
    let mut out = Vec::new();
    let mut at = 0;
    for h in highlights {
        let end = h.end.min(chars.len());
        if h.start < at || h.start >= end {
            continue;
        }
        if h.start > at {
            out.push((chars[at..h.start].iter().collect(), false));
        }
        out.push((chars[h.start..end].iter().collect(), true));
        at = end;
    }
    if at < chars.len() {
        out.push((chars[at..].iter().collect(), false));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snippets_split_into_plain_and_marked_pieces() {
        let h = |start, end| Highlight { start, end };
        let text = "un café <b>";
        assert_eq!(
            pieces(text, &[h(3, 7)]),
            [("un ".to_owned(), false), ("café".to_owned(), true), (" <b>".to_owned(), false)]
        );
        assert_eq!(pieces(text, &[]), [(text.to_owned(), false)]);
        // Overlapping, empty and out-of-range ranges are skipped or clipped.
        assert_eq!(
            pieces("abc", &[h(0, 2), h(1, 3), h(2, 2), h(2, 99)]),
            [("ab".to_owned(), true), ("c".to_owned(), true)]
        );
    }

    #[test]
    fn blank_queries_are_refused() {
        assert_eq!(SearchQuery::parse("").unwrap_err().code, "empty_query");
        assert_eq!(SearchQuery::parse(" \t ").unwrap_err().code, "empty_query");
    }

    #[test]
    fn queries_split_into_distinct_words() {
        let q = SearchQuery::parse("  Deploy  prod deploy ").unwrap();
        assert_eq!(q.text(), "Deploy  prod deploy");
        assert_eq!(q.terms(), ["Deploy", "prod"]);
    }

    #[test]
    fn queries_are_bounded() {
        assert!(SearchQuery::parse(&"a".repeat(200)).is_ok());
        assert_eq!(SearchQuery::parse(&"a".repeat(201)).unwrap_err().code, "query_too_long");
        assert_eq!(SearchQuery::parse("a b c d e f g h i j k").unwrap_err().code, "too_many_words");
        assert_eq!(SearchQuery::parse("a\u{0}b").unwrap_err().code, "invalid_query");
    }

    #[test]
    fn syntax_of_search_engines_is_just_text() {
        let q = SearchQuery::parse("\"NEAR(a* OR b)\" -- ;").unwrap();
        assert_eq!(q.terms(), ["\"NEAR(a*", "OR", "b)\"", "--", ";"]);
    }
}
