//! Light formatting: `**bold**`, `*italic*`, `` `code` `` and http(s) links, parsed into a
//! small tree that components render as elements. Nothing is ever treated as HTML: markup
//! like `<script>` or `javascript:` stays plain text.

/// One piece of formatted text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Span {
    Text(String),
    Bold(Vec<Span>),
    Italic(Vec<Span>),
    Code(String),
    Link(String),
}

pub fn parse(input: &str) -> Vec<Span> {
    let chars: Vec<char> = input.chars().collect();
    parse_range(&chars, 0)
}

/// Nesting deeper than this is kept as text, so hostile input cannot recurse without bound.
const MAX_DEPTH: usize = 8;

fn parse_range(chars: &[char], depth: usize) -> Vec<Span> {
    let mut out = Vec::new();
    let mut text = String::new();
    let mut scanned = Scanned::new(if depth >= MAX_DEPTH { 0 } else { chars.len() });
    let mut i = 0;
    while i < chars.len() {
        let rest = &chars[i..];
        let parsed = if depth >= MAX_DEPTH {
            None
        } else if rest.starts_with(&['`']) {
            closing(chars, i, Marker::Code, &mut scanned)
                .map(|end| (Span::Code(rest[1..end].iter().collect()), end + 1))
        } else if rest.starts_with(&['*', '*']) {
            closing(chars, i, Marker::Bold, &mut scanned)
                .map(|end| (Span::Bold(parse_range(&rest[2..end], depth + 1)), end + 2))
        } else if rest.starts_with(&['*']) && !rest.starts_with(&['*', '*']) {
            closing(chars, i, Marker::Italic, &mut scanned)
                .map(|end| (Span::Italic(parse_range(&rest[1..end], depth + 1)), end + 1))
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

#[derive(Clone, Copy)]
enum Marker {
    Code,
    Bold,
    Italic,
}

impl Marker {
    fn chars(self) -> &'static [char] {
        match self {
            Marker::Code => &['`'],
            Marker::Bold => &['*', '*'],
            Marker::Italic => &['*'],
        }
    }
}

/// Positions of one range that a search for a closing marker has already passed, per marker.
/// A search depends only on where it stands, and the parser moves on past any closer it
/// finds, so a later search reaching a passed position can only fail the same way: it stops
/// there. Each position is passed at most once per marker, which keeps hostile input (thousands
/// of `*a ` that never close) linear; searching afresh from every opener was quadratic.
struct Scanned(Vec<u8>);

impl Scanned {
    fn new(len: usize) -> Self {
        Self(vec![0; len])
    }

    /// Marks `at` for `marker`; false when it was already marked.
    fn first_visit(&mut self, at: usize, marker: Marker) -> bool {
        let bit = 1 << marker as u8;
        let fresh = self.0[at] & bit == 0;
        self.0[at] |= bit;
        fresh
    }
}

/// For the opener at `chars[at]`: the index, counted from `at`, of the closing marker after a
/// non-empty, non-space-padded body.
fn closing(chars: &[char], at: usize, marker: Marker, scanned: &mut Scanned) -> Option<usize> {
    let rest = &chars[at..];
    let marker_chars = marker.chars();
    let body_start = marker_chars.len();
    if rest.get(body_start).is_none_or(|c| c.is_whitespace()) {
        return None;
    }
    let mut j = body_start + 1;
    while j + marker_chars.len() <= rest.len() {
        if !scanned.first_visit(at + j, marker) {
            return None;
        }
        if rest[j..j + marker_chars.len()] == *marker_chars && !rest[j - 1].is_whitespace() {
            // `**` must not be read as the end of an italic span.
            let doubled = matches!(marker, Marker::Italic) && rest.get(j + 1) == Some(&'*');
            if !doubled {
                return Some(j);
            }
            j += 1;
        }
        j += 1;
    }
    None
}

fn at_word_start(chars: &[char], i: usize) -> bool {
    i == 0 || chars[i - 1].is_whitespace() || matches!(chars[i - 1], '(' | '[' | '"' | '\'')
}

/// Length of an http(s) URL at the start of `rest`, without trailing punctuation.
fn link(rest: &[char]) -> Option<usize> {
    let prefix: String = rest.iter().take(8).collect::<String>().to_ascii_lowercase();
    let scheme = if prefix.starts_with("https://") {
        8
    } else if prefix.starts_with("http://") {
        7
    } else {
        return None;
    };
    // Control characters are never part of a URL; left in, a NUL would turn into U+FFFD in
    // the href while vanishing from the text, so the link would not go where it reads.
    let mut len =
        rest.iter().take_while(|c| !c.is_whitespace() && !c.is_control() && !matches!(c, '<' | '>' | '"')).count();
    while len > scheme && matches!(rest[len - 1], '.' | ',' | ')' | '!' | '?' | ';' | ':' | '\'' | ']') {
        len -= 1;
    }
    (len > scheme).then_some(len)
}

/// Plain text of a message for previews and notifications: markers removed.
/// One line for previews: the start of the text, or "Photo" for an image without a caption.
pub fn snippet_or_photo(content: &str, deleted: bool) -> String {
    let text: String = plain_text(content).chars().take(120).collect();
    if text.trim().is_empty() && !deleted { "📷 Photo".to_owned() } else { text }
}

pub fn plain_text(input: &str) -> String {
    fn walk(spans: &[Span], out: &mut String) {
        for span in spans {
            match span {
                Span::Text(t) | Span::Code(t) | Span::Link(t) => out.push_str(t),
                Span::Bold(inner) | Span::Italic(inner) => walk(inner, out),
            }
        }
    }
    let mut out = String::new();
    walk(&parse(input), &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::Span::*;
    use super::*;

    fn t(s: &str) -> Span {
        Text(s.into())
    }

    #[test]
    fn bold_italic_and_code_are_recognised() {
        assert_eq!(
            parse("a **b** *c* `d`"),
            vec![t("a "), Bold(vec![t("b")]), t(" "), Italic(vec![t("c")]), t(" "), Code("d".into())]
        );
    }

    #[test]
    fn formatting_nests_inside_bold() {
        assert_eq!(
            parse("**bold *and italic* too**"),
            vec![Bold(vec![t("bold "), Italic(vec![t("and italic")]), t(" too")])]
        );
    }

    #[test]
    fn code_keeps_its_content_literally() {
        assert_eq!(parse("`**not bold**`"), vec![Code("**not bold**".into())]);
    }

    #[test]
    fn unclosed_or_spaced_markers_stay_text() {
        assert_eq!(parse("2 * 3 * 4"), vec![t("2 * 3 * 4")]);
        assert_eq!(parse("**open"), vec![t("**open")]);
        assert_eq!(parse("`"), vec![t("`")]);
    }

    #[test]
    fn http_links_are_found_without_trailing_punctuation() {
        assert_eq!(
            parse("see https://example.com/a?b=1."),
            vec![t("see "), Link("https://example.com/a?b=1".into()), t(".")]
        );
        assert_eq!(parse("(http://x.org)"), vec![t("("), Link("http://x.org".into()), t(")")]);
    }

    #[test]
    fn links_end_at_control_characters() {
        assert_eq!(parse("http://\0"), vec![t("http://\0")]);
        assert_eq!(parse("https://a.b/c\u{7}d"), vec![Link("https://a.b/c".into()), t("\u{7}d")]);
        assert_eq!(parse("https://a.b/\u{85}x"), vec![Link("https://a.b/".into()), t("\u{85}x")]);
    }

    #[test]
    fn markup_and_script_links_are_only_text() {
        assert_eq!(parse("<script>alert(1)</script>"), vec![t("<script>alert(1)</script>")]);
        assert_eq!(parse("<img src=x onerror=alert(1)>"), vec![t("<img src=x onerror=alert(1)>")]);
        assert_eq!(parse("javascript:alert(1)"), vec![t("javascript:alert(1)")]);
        assert_eq!(parse("xhttps://evil"), vec![t("xhttps://evil")]);
    }

    #[test]
    fn deep_nesting_is_bounded() {
        let hostile = "**".repeat(5000) + "x" + &"**".repeat(5000);
        let spans = parse(&hostile);
        assert!(!spans.is_empty());
    }

    #[test]
    fn plain_text_drops_the_markers() {
        assert_eq!(plain_text("**Hi** *there* `x` https://a.b"), "Hi there x https://a.b");
    }
}

#[cfg(test)]
mod linear;
