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
    let mut i = 0;
    while i < chars.len() {
        let rest = &chars[i..];
        let parsed = if depth >= MAX_DEPTH {
            None
        } else if rest.starts_with(&['`']) {
            closing(rest, "`", 1).map(|end| (Span::Code(rest[1..end].iter().collect()), end + 1))
        } else if rest.starts_with(&['*', '*']) {
            closing(rest, "**", 2).map(|end| (Span::Bold(parse_range(&rest[2..end], depth + 1)), end + 2))
        } else if rest.starts_with(&['*']) && !rest.starts_with(&['*', '*']) {
            closing(rest, "*", 1).map(|end| (Span::Italic(parse_range(&rest[1..end], depth + 1)), end + 1))
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

/// Index of the closing marker after a non-empty, non-space-padded body.
fn closing(rest: &[char], marker: &str, open: usize) -> Option<usize> {
    let marker: Vec<char> = marker.chars().collect();
    let body_start = open;
    if rest.get(body_start).is_none_or(|c| c.is_whitespace()) {
        return None;
    }
    let mut j = body_start + 1;
    while j + marker.len() <= rest.len() {
        if rest[j..j + marker.len()] == marker[..] && !rest[j - 1].is_whitespace() {
            // `**` must not be read as the end of an italic span.
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
    let mut len = rest.iter().take_while(|c| !c.is_whitespace() && !matches!(c, '<' | '>' | '"')).count();
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
        assert_eq!(parse("a **b** *c* `d`"), vec![t("a "), Bold(vec![t("b")]), t(" "), Italic(vec![t("c")]), t(" "), Code("d".into())]);
    }

    #[test]
    fn formatting_nests_inside_bold() {
        assert_eq!(parse("**bold *and italic* too**"), vec![Bold(vec![t("bold "), Italic(vec![t("and italic")]), t(" too")])]);
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
        assert_eq!(parse("see https://example.com/a?b=1."), vec![t("see "), Link("https://example.com/a?b=1".into()), t(".")]);
        assert_eq!(parse("(http://x.org)"), vec![t("("), Link("http://x.org".into()), t(")")]);
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
