//! No user-facing text is written into the code: every word a user reads comes from the locale
//! files, so it exists in Russian and in English. This scans the app's sources (test modules
//! excluded) and fails on
//! - any string literal with Cyrillic letters, and
//! - inside `view!`, a literal of two or more letters standing as text (right after a tag or right
//!   before one) or as a `placeholder`, `title`, `aria-label`, `alt` or `label` attribute.

use std::path::{Path, PathBuf};

const USER_FACING_ATTRIBUTES: [&str; 5] = ["placeholder", "title", "aria-label", "alt", "label"];

fn sources(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("read app/src") {
        let path = entry.expect("dir entry").path();
        if path.is_dir() {
            sources(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// A string literal found in code: its text, what stands before and after it (ignoring
/// whitespace), the word before a preceding `=`, and whether it sits inside `view!`.
struct Literal {
    text: String,
    line: usize,
    before: Option<char>,
    after: Option<char>,
    attribute: String,
    in_view: bool,
}

fn literals(code: &str) -> Vec<Literal> {
    let chars: Vec<char> = code.chars().collect();
    let mut out = Vec::new();
    let (mut i, mut line) = (0, 1);
    // Brace depth at which each open `view!` started.
    let mut views: Vec<usize> = Vec::new();
    let mut depth = 0_usize;
    // The character before, ignoring whitespace; the `>` of `=>` and `->` is not a tag's end.
    let prev_non_ws = |from: usize| {
        let at = chars[..from].iter().rposition(|c| !c.is_whitespace())?;
        match (chars[at], at.checked_sub(1).map(|p| chars[p])) {
            ('>', Some('=' | '-')) => Some('→'),
            (c, _) => Some(c),
        }
    };
    while i < chars.len() {
        let c = chars[i];
        match c {
            '\n' => line += 1,
            '/' if chars.get(i + 1) == Some(&'/') => {
                while i < chars.len() && chars[i] != '\n' {
                    i += 1;
                }
                continue;
            }
            '\'' if chars.get(i + 2) == Some(&'\'') => i += 2,
            '\'' if chars.get(i + 1) == Some(&'\\') && chars.get(i + 3) == Some(&'\'') => i += 3,
            '{' => {
                if code_before(&chars, i).ends_with("view!") {
                    views.push(depth);
                }
                depth += 1;
            }
            '}' => {
                depth = depth.saturating_sub(1);
                if views.last() == Some(&depth) {
                    views.pop();
                }
            }
            '"' => {
                let start = i;
                let start_line = line;
                let mut text = String::new();
                i += 1;
                while i < chars.len() && chars[i] != '"' {
                    if chars[i] == '\\' {
                        i += 1;
                    }
                    if chars[i] == '\n' {
                        line += 1;
                    }
                    text.push(chars[i]);
                    i += 1;
                }
                let before = prev_non_ws(start);
                let after = chars[i + 1..].iter().find(|c| !c.is_whitespace()).copied();
                let attribute = if before == Some('=') {
                    let head: String = chars[..start].iter().collect();
                    let head = head.trim_end().trim_end_matches('=');
                    head.rsplit(|c: char| !(c.is_alphanumeric() || c == '-' || c == '_' || c == ':')).next().unwrap_or("").to_string()
                } else {
                    String::new()
                };
                out.push(Literal { text, line: start_line, before, after, attribute, in_view: !views.is_empty() });
            }
            _ => {}
        }
        i += 1;
    }
    out
}

/// The code just before position `i`, without trailing whitespace.
fn code_before(chars: &[char], i: usize) -> String {
    let from = i.saturating_sub(12);
    chars[from..i].iter().collect::<String>().trim_end().to_string()
}

fn has_word(text: &str) -> bool {
    let mut run = 0;
    for c in text.chars() {
        if c.is_alphabetic() {
            run += 1;
            if run >= 2 {
                return true;
            }
        } else {
            run = 0;
        }
    }
    false
}

fn offences(code: &str) -> Vec<(usize, String)> {
    // Test modules may hold any text.
    let code = code.split("#[cfg(test)]").next().unwrap_or(code);
    literals(code)
        .into_iter()
        .filter(|l| {
            let cyrillic = l.text.chars().any(|c| matches!(c, 'а'..='я' | 'А'..='Я' | 'ё' | 'Ё'));
            let text_node = l.in_view && has_word(&l.text) && (l.before == Some('>') || l.after == Some('<'));
            let attribute = l.in_view && has_word(&l.text) && USER_FACING_ATTRIBUTES.contains(&l.attribute.as_str());
            cyrillic || text_node || attribute
        })
        .map(|l| (l.line, l.text))
        .collect()
}

#[test]
fn views_hold_no_hard_coded_text() {
    let mut files = Vec::new();
    sources(&Path::new(env!("CARGO_MANIFEST_DIR")).join("src"), &mut files);
    assert!(files.len() > 20, "the scan found the sources");
    let mut found = Vec::new();
    for file in files {
        let code = std::fs::read_to_string(&file).expect("read source");
        for (line, text) in offences(&code) {
            found.push(format!("{}:{line}: {text:?}", file.display()));
        }
    }
    assert!(found.is_empty(), "user-facing text belongs in locales/*.json:\n{}", found.join("\n"));
}

#[test]
fn the_scan_catches_what_it_should() {
    let code = r#"
        fn page() -> impl IntoView {
            let aria = "descending";
            view! {
                <p>"Hello there"</p>
                <span>{x} " · " {y}</span>
                <input placeholder="Search" name="q" />
                <b>{t!(i18n, a.b)}</b>
                <i>"▲"</i>
                <select on:change=move |ev| k.set(match v { "round_robin" => "round_robin", _ => "x" })></select>
            }
        }
        fn other() { let s = "Привет"; let c = '"'; }
    "#;
    let found: Vec<String> = offences(code).into_iter().map(|(_, t)| t).collect();
    assert_eq!(found, vec!["Hello there", "Search", "Привет"]);
}
