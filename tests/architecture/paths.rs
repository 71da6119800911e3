//! Which modules a file names: every path of `use crate::…`, `use super::…` and `use self::…`
//! (groups expanded), and every `crate::…` or `super::…` path written inline, resolved to an
//! absolute `crate::…` path. Comments, strings and the file's `#[cfg(test)]` tail are left out:
//! tests may reach across the layers.

use std::collections::BTreeSet;

pub fn used_modules(path: &str, text: &str) -> Vec<String> {
    let code = without_tests(&strip_comments_and_strings(text));
    let here = module_of(path);
    let mut found = BTreeSet::new();
    let mut rest = code.as_str();
    let mut inline = String::new();
    while let Some(at) = find_word(rest, "use") {
        inline.push_str(&rest[..at]);
        let after = &rest[at + 3..];
        let end = after.find(';').unwrap_or(after.len());
        let tree = after[..end].trim();
        if ["crate", "super", "self"].iter().any(|root| tree.starts_with(root)) {
            for used in expand(tree) {
                found.extend(resolve(&here, &used));
            }
        }
        rest = after.get(end + 1..).unwrap_or("");
    }
    inline.push_str(rest);
    for root in ["crate", "super"] {
        let mut scan = inline.as_str();
        while let Some(at) = find_word(scan, root) {
            let tail = &scan[at..];
            let len = tail.find(|c: char| !(c.is_alphanumeric() || c == '_' || c == ':')).unwrap_or(tail.len());
            let written = tail[..len].trim_end_matches(':');
            if written.contains("::") {
                found.extend(resolve(&here, written));
            }
            scan = &tail[len.max(1)..];
        }
    }
    found.into_iter().collect()
}

/// The absolute module path of a file: `chats/server/service.rs` is `chats::server::service`.
fn module_of(path: &str) -> Vec<String> {
    let mut parts: Vec<String> = path.trim_end_matches(".rs").split('/').map(str::to_owned).collect();
    if matches!(parts.last().map(String::as_str), Some("mod" | "lib" | "main")) {
        parts.pop();
    }
    parts
}

fn resolve(here: &[String], used: &str) -> Option<String> {
    let mut segments = used.split("::").map(str::trim).filter(|s| !s.is_empty()).peekable();
    let mut absolute: Vec<String> = match segments.next()? {
        "crate" => Vec::new(),
        "self" => here.to_vec(),
        "super" => {
            let mut base = here.to_vec();
            base.pop();
            while segments.peek() == Some(&"super") {
                segments.next();
                base.pop();
            }
            base
        }
        _ => return None,
    };
    absolute.extend(segments.filter(|s| *s != "self" && *s != "*").map(str::to_owned));
    (!absolute.is_empty()).then(|| format!("crate::{}", absolute.join("::")))
}

/// `a::{b, c::{d, e as f}}` as `a::b`, `a::c::d`, `a::c::e`.
fn expand(tree: &str) -> Vec<String> {
    let tree = tree.trim();
    let Some(open) = tree.find('{') else {
        let path = tree.split(" as ").next().unwrap_or(tree).trim();
        return vec![path.to_owned()];
    };
    let prefix = tree[..open].trim().trim_end_matches("::");
    let inner = &tree[open + 1..tree.rfind('}').unwrap_or(tree.len())];
    let mut parts = Vec::new();
    let (mut depth, mut start) = (0usize, 0usize);
    for (i, c) in inner.char_indices() {
        match c {
            '{' => depth += 1,
            '}' => depth = depth.saturating_sub(1),
            ',' if depth == 0 => {
                parts.push(&inner[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push(&inner[start..]);
    parts
        .into_iter()
        .filter(|p| !p.trim().is_empty())
        .flat_map(expand)
        .map(|p| if prefix.is_empty() { p } else { format!("{prefix}::{p}") })
        .collect()
}

/// The file under `src/` that holds the module a path names (the longest match), if any.
pub fn file_of(used: &str, files: &BTreeSet<&str>) -> Option<String> {
    let segments: Vec<&str> = used.split("::").skip(1).collect();
    (1..=segments.len()).rev().find_map(|n| {
        let base = segments[..n].join("/");
        [format!("{base}.rs"), format!("{base}/mod.rs")].into_iter().find(|f| files.contains(f.as_str()))
    })
}

/// Where `word` starts as a whole word.
fn find_word(text: &str, word: &str) -> Option<usize> {
    let is_ident = |c: char| c.is_alphanumeric() || c == '_';
    let mut from = 0;
    while let Some(found) = text[from..].find(word) {
        let at = from + found;
        let before = text[..at].chars().next_back().is_none_or(|c| !is_ident(c));
        let after = text[at + word.len()..].chars().next().is_none_or(|c| !is_ident(c));
        if before && after {
            return Some(at);
        }
        from = at + word.len();
    }
    None
}

fn without_tests(code: &str) -> String {
    code.find("#[cfg(test)]").map_or_else(|| code.to_owned(), |at| code[..at].to_owned())
}

/// The code with comments removed and string and char literals emptied.
fn strip_comments_and_strings(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let next = chars.get(i + 1).copied();
        if c == '/' && next == Some('/') {
            while i < chars.len() && chars[i] != '\n' {
                i += 1;
            }
        } else if c == '/' && next == Some('*') {
            i += 2;
            while i + 1 < chars.len() && !(chars[i] == '*' && chars[i + 1] == '/') {
                i += 1;
            }
            i += 2;
        } else if c == 'r' && (next == Some('"') || next == Some('#')) && !ident_before(&chars, i) {
            let hashes = chars[i + 1..].iter().take_while(|c| **c == '#').count();
            if chars.get(i + 1 + hashes) != Some(&'"') {
                out.push(c);
                i += 1;
                continue;
            }
            i += hashes + 2;
            let closing: Vec<char> = std::iter::once('"').chain(std::iter::repeat_n('#', hashes)).collect();
            while i < chars.len() && !chars[i..].starts_with(&closing) {
                i += 1;
            }
            i += closing.len();
            out.push_str("\"\"");
        } else if c == '"' {
            i += 1;
            while i < chars.len() && chars[i] != '"' {
                i += if chars[i] == '\\' { 2 } else { 1 };
            }
            i += 1;
            out.push_str("\"\"");
        } else if c == '\'' && chars.get(i + 2) == Some(&'\'') {
            i += 3;
        } else if c == '\'' && next == Some('\\') {
            i += 2;
            while i < chars.len() && chars[i] != '\'' {
                i += 1;
            }
            i += 1;
        } else {
            out.push(c);
            i += 1;
        }
    }
    out
}

fn ident_before(chars: &[char], i: usize) -> bool {
    i > 0 && (chars[i - 1].is_alphanumeric() || chars[i - 1] == '_')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_aliases_and_relative_paths_resolve_to_absolute_modules() {
        let text = r#"
            use super::repo::{self, ACCEPTED};
            use crate::{error::AppError, platform::{db, state::AppState as S}};
            // use crate::server::router;
            fn f() { let s = "crate::server::x"; crate::push::server::notify::announce(); }
        "#;
        let used = used_modules("contacts/server/requests.rs", text);
        assert_eq!(
            used,
            [
                "crate::contacts::server::repo",
                "crate::contacts::server::repo::ACCEPTED",
                "crate::error::AppError",
                "crate::platform::db",
                "crate::platform::state::AppState",
                "crate::push::server::notify::announce",
            ]
        );
    }

    #[test]
    fn a_path_names_the_longest_file_that_holds_it() {
        let files: BTreeSet<&str> = ["platform/mod.rs", "platform/live/hub.rs", "error.rs"].into_iter().collect();
        assert_eq!(file_of("crate::platform::live::hub::Hub", &files).as_deref(), Some("platform/live/hub.rs"));
        assert_eq!(file_of("crate::platform::live", &files).as_deref(), Some("platform/mod.rs"));
        assert_eq!(file_of("crate::error::AppError", &files).as_deref(), Some("error.rs"));
        assert_eq!(file_of("crate::nowhere::x", &files), None);
    }
}
