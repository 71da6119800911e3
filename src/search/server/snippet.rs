//! Snippets: the part of a message around its first match, with every match marked as
//! character ranges. Matching folds case and accents like the database does.

use crate::search::model::Highlight;
use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// Longest snippet, in characters (without the "…" marks).
const WIDTH: usize = 160;
/// Characters of context kept before the first match.
const LEAD: usize = 40;

/// Lower case without accents, as the search indexes compare: "Café" → "cafe", "Straße" → "strasse".
pub fn fold(c: char) -> Vec<char> {
    if c.is_ascii() {
        return vec![c.to_ascii_lowercase()];
    }
    let mut out = Vec::new();
    for d in std::iter::once(c).nfd().filter(|d| !is_combining_mark(*d)).flat_map(char::to_lowercase) {
        match d {
            'ß' => out.extend(['s', 's']),
            'æ' => out.extend(['a', 'e']),
            'œ' => out.extend(['o', 'e']),
            'þ' => out.extend(['t', 'h']),
            'ø' => out.push('o'),
            'ł' => out.push('l'),
            'đ' | 'ð' => out.push('d'),
            'ı' => out.push('i'),
            other => out.push(other),
        }
    }
    out
}

/// The snippet of `text` for these query words.
pub fn snippet(text: &str, terms: &[String]) -> (String, Vec<Highlight>) {
    let chars: Vec<char> = text.chars().map(|c| if c.is_whitespace() || c.is_control() { ' ' } else { c }).collect();
    let matches = find(&chars, terms);
    let (start, end) = window(&chars, matches.first().map_or(0, |h| h.start));
    let mut out = String::new();
    let mut shift = 0;
    if start > 0 {
        out.push('…');
        shift = 1;
    }
    out.extend(&chars[start..end]);
    if end < chars.len() {
        out.push('…');
    }
    let highlights = matches
        .into_iter()
        .filter(|h| h.start < end && h.end > start)
        .map(|h| Highlight { start: h.start.max(start) - start + shift, end: h.end.min(end) - start + shift })
        .collect();
    (out, highlights)
}

/// Every place a term occurs, as merged character ranges of `chars`.
fn find(chars: &[char], terms: &[String]) -> Vec<Highlight> {
    // The folded text, and for each folded character the original one it came from.
    let mut folded = String::new();
    let mut origin = Vec::new();
    let mut byte_starts = Vec::new();
    for (i, c) in chars.iter().enumerate() {
        for f in fold(*c) {
            byte_starts.push(folded.len());
            origin.push(i);
            folded.push(f);
        }
    }
    // The end, so a match that runs to the last character maps back too.
    byte_starts.push(folded.len());
    origin.push(chars.len());
    let mut ranges: Vec<Highlight> = Vec::new();
    for term in terms {
        let needle: String = term.chars().flat_map(fold).collect();
        if needle.is_empty() {
            continue;
        }
        for (at, found) in folded.match_indices(needle.as_str()) {
            let (Ok(first), Ok(last)) =
                (byte_starts.binary_search(&at), byte_starts.binary_search(&(at + found.len())))
            else {
                continue;
            };
            let start = origin[first];
            let end = origin[last].max(start + 1);
            ranges.push(Highlight { start, end });
        }
    }
    ranges.sort_by_key(|h| (h.start, h.end));
    let mut merged: Vec<Highlight> = Vec::new();
    for r in ranges {
        match merged.last_mut() {
            Some(last) if r.start <= last.end => last.end = last.end.max(r.end),
            _ => merged.push(r),
        }
    }
    merged
}

/// The characters to show: from a little before `anchor` (at a word start when one is near) for `WIDTH`.
fn window(chars: &[char], anchor: usize) -> (usize, usize) {
    if chars.len() <= WIDTH {
        return (0, chars.len());
    }
    let mut start = anchor.saturating_sub(LEAD).min(chars.len() - WIDTH);
    if start > 0
        && let Some(space) = chars[start..anchor].iter().position(|c| *c == ' ')
    {
        start += space + 1;
    }
    (start, (start + WIDTH).min(chars.len()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn marked(text: &str, terms: &[&str]) -> String {
        let terms: Vec<String> = terms.iter().map(|t| (*t).to_owned()).collect();
        let (snippet, highlights) = snippet(text, &terms);
        let chars: Vec<char> = snippet.chars().collect();
        let mut out = String::new();
        let mut at = 0;
        for h in highlights {
            out.extend(&chars[at..h.start]);
            out.push('[');
            out.extend(&chars[h.start..h.end]);
            out.push(']');
            at = h.end;
        }
        out.extend(&chars[at..]);
        out
    }

    #[test]
    fn matches_are_found_inside_words_ignoring_case() {
        assert_eq!(marked("The Deployment went fine", &["ploy"]), "The De[ploy]ment went fine");
        assert_eq!(marked("deploy, DEPLOY", &["deploy"]), "[deploy], [DEPLOY]");
    }

    #[test]
    fn accents_are_ignored_both_ways() {
        assert_eq!(marked("Un café à Zoë", &["cafe", "zoe"]), "Un [café] à [Zoë]");
        assert_eq!(marked("cafe", &["CAFÉ"]), "[cafe]");
        assert_eq!(marked("Große Straße", &["strasse"]), "Große [Straße]");
    }

    #[test]
    fn overlapping_matches_merge() {
        assert_eq!(marked("deployment", &["deploy", "ploym"]), "[deploym]ent");
    }

    #[test]
    fn long_messages_show_the_part_around_the_first_match() {
        let text = format!("{} needle {}", "word ".repeat(60), "tail ".repeat(60));
        let shown = marked(&text, &["needle"]);
        assert!(shown.starts_with('…') && shown.ends_with('…'), "{shown}");
        assert!(shown.contains("[needle]"), "{shown}");
        assert!(shown.chars().count() <= WIDTH + 2 + 2);
        assert!(shown.starts_with("…word "), "starts at a word: {shown}");
    }

    #[test]
    fn line_breaks_become_spaces_and_nothing_is_markup() {
        assert_eq!(marked("<b>hi</b>\nthere", &["hi"]), "<b>[hi]</b> there");
    }

    #[test]
    fn without_a_match_the_start_is_shown() {
        assert_eq!(marked("nothing here", &["zzz"]), "nothing here");
    }
}
