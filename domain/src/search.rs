//! Search text: what is indexed for a lead, how a typed query becomes index terms, and which parts
//! of a shown name or phone to highlight. One normalisation for all three, so they agree.

use serde::{Deserialize, Serialize};

/// The fewest letters a word must have to be searched (a trigram index needs three).
pub const MIN_WORD: usize = 3;
/// The fewest digits a phone query must have.
pub const MIN_DIGITS: usize = 4;

/// Lower case with ё read as е, as people type it.
pub fn fold(text: &str) -> String {
    text.chars().flat_map(char::to_lowercase).map(|c| if c == 'ё' { 'е' } else { c }).collect()
}

/// A phone's digits as people dial them: `79876512233` and `89876512233`.
fn phone_forms(phone: &str) -> Vec<String> {
    let digits: String = phone.chars().filter(char::is_ascii_digit).collect();
    match digits.strip_prefix('7') {
        Some(rest) if digits.len() == 11 => vec![digits.clone(), format!("8{rest}")],
        _ if digits.is_empty() => vec![],
        _ => vec![digits],
    }
}

/// The indexed text of a lead: folded names and e-mail, then every phone in both dialled forms.
pub fn search_text(names: &[Option<&str>], email: Option<&str>, phones: &[Option<&str>]) -> String {
    let mut parts: Vec<String> = names.iter().flatten().chain(email.iter()).map(|t| fold(t.trim())).filter(|t| !t.is_empty()).collect();
    parts.extend(phones.iter().flatten().flat_map(|p| phone_forms(p)));
    parts.join(" ")
}

/// The list's name order: surname, first name, patronymic, folded.
pub fn sort_name(first_name: &str, patronymic: Option<&str>, surname: Option<&str>) -> String {
    let parts = [surname, Some(first_name), patronymic];
    fold(&parts.into_iter().flatten().map(str::trim).filter(|p| !p.is_empty()).collect::<Vec<_>>().join(" "))
}

/// What a typed query asks for: every term must occur somewhere in the lead's search text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SearchQuery {
    pub terms: Vec<String>,
}

/// Why a query cannot be searched yet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TooShort {
    Empty,
    Short,
}

impl SearchQuery {
    /// Reads what was typed. A query of only digits and phone punctuation (`+7 (987) 651`) is one
    /// run of digits; otherwise each word is a term, and words too short for the index are left out.
    pub fn parse(typed: &str) -> Result<SearchQuery, TooShort> {
        let typed = typed.trim();
        if typed.is_empty() {
            return Err(TooShort::Empty);
        }
        let phone_like = typed.chars().all(|c| c.is_ascii_digit() || " +()-.".contains(c));
        if phone_like {
            let digits: String = typed.chars().filter(char::is_ascii_digit).collect();
            return if digits.len() >= MIN_DIGITS { Ok(SearchQuery { terms: vec![digits] }) } else { Err(TooShort::Short) };
        }
        let mut terms: Vec<String> = Vec::new();
        for word in fold(typed).split(|c: char| c.is_whitespace() || c == ',') {
            let word = word.trim_matches(|c: char| "()\"'".contains(c));
            let long_enough = if all_digits(word) { word.len() >= MIN_DIGITS } else { word.chars().count() >= MIN_WORD };
            if long_enough && !terms.iter().any(|t| t == word) {
                terms.push(word.to_string());
            }
        }
        if terms.is_empty() {
            Err(TooShort::Short)
        } else {
            Ok(SearchQuery { terms })
        }
    }

    /// The terms with LIKE's wildcards escaped (with `\`), wrapped in `%…%`.
    pub fn like_patterns(&self) -> Vec<String> {
        self.terms.iter().map(|t| format!("%{}%", t.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_"))).collect()
    }

    /// An FTS5 query: each term a quoted phrase, all required.
    pub fn fts5(&self) -> String {
        self.terms.iter().map(|t| format!("\"{}\"", t.replace('"', "\"\""))).collect::<Vec<_>>().join(" ")
    }

    /// The query for SQLite's index of word suffixes ([`word_suffixes`]): each term's first
    /// [`LONGEST_INDEXED_PREFIX`] characters as a prefix, all required; a longer term is then tested on
    /// the row ([`SearchQuery::long_terms`]). Only when every term is one word — a term with a
    /// dot, `@` or hyphen in it spans words, which that index cannot join; the trigram index
    /// answers those.
    pub fn suffix_fts5(&self) -> Option<String> {
        let one_word = |t: &String| t.chars().all(is_word_char);
        let prefix = |t: &String| t.chars().take(LONGEST_INDEXED_PREFIX).collect::<String>();
        self.terms.iter().all(one_word).then(|| self.terms.iter().map(|t| format!("\"{}\"*", prefix(t))).collect::<Vec<_>>().join(" "))
    }

    /// Terms longer than SQLite's word index keeps ([`LONGEST_INDEXED_PREFIX`]), which the row
    /// must be tested for.
    pub fn long_terms(&self) -> impl Iterator<Item = &str> {
        self.terms.iter().filter(|t| t.chars().count() > LONGEST_INDEXED_PREFIX).map(String::as_str)
    }

    /// The keys to look up in the index of word grams ([`word_grams`]), as PostgreSQL's array
    /// literal: a term of up to [`LONGEST_GRAM`] characters is a gram itself; a longer one
    /// holds its first and last grams of that length. Only when every term is one word with a
    /// letter in it (digits are left to the trigram index, where phone numbers are selective).
    /// Hashes can collide, so each term is then tested on the row as well.
    pub fn gram_keys(&self) -> Option<String> {
        self.gram_key_list().map(|keys| array_literal(&keys))
    }

    /// [`SearchQuery::gram_keys`] as numbers, sorted, each once.
    pub fn gram_key_list(&self) -> Option<Vec<i32>> {
        let gram_word = |t: &String| t.chars().all(is_word_char) && !all_digits(t);
        if !self.terms.iter().all(gram_word) {
            return None;
        }
        let mut keys: Vec<i32> = Vec::new();
        for term in &self.terms {
            let chars: Vec<char> = term.chars().collect();
            let last = chars.len().saturating_sub(LONGEST_GRAM);
            keys.push(gram_hash(&chars[..chars.len().min(LONGEST_GRAM)]));
            keys.push(gram_hash(&chars[last..]));
        }
        keys.sort_unstable();
        keys.dedup();
        Some(keys)
    }
}

/// The longest gram of PostgreSQL's gram index ([`word_grams`]).
pub const LONGEST_GRAM: usize = 8;

/// The longest prefix SQLite's word-suffix index keeps (migration 0016; eight before it): a
/// term up to this long is one prefix query answered from the index alone. A longer one is
/// looked up by its first twelve characters and tested on each hit's row; by eight, a surname
/// such as «Александрова» was looked up as every «Александр», and a thousand of those rows read
/// took 5-29 ms where the index alone takes under one.
pub const LONGEST_INDEXED_PREFIX: usize = 12;

/// Every distinct piece of [`MIN_WORD`] to [`LONGEST_GRAM`] characters of every word of a
/// search text that has a letter in it, hashed to 32 bits: PostgreSQL's GIN index of these
/// finds a typed word as one key's list, where trigrams intersect several long ones.
pub fn word_grams(search_text: &str) -> Vec<i32> {
    let mut grams: Vec<i32> = Vec::new();
    for word in words(search_text).filter(|w| !all_digits(w)) {
        let chars: Vec<char> = word.chars().collect();
        for start in 0..chars.len() {
            for len in MIN_WORD..=LONGEST_GRAM.min(chars.len() - start) {
                grams.push(gram_hash(&chars[start..start + len]));
            }
        }
    }
    grams.sort_unstable();
    grams.dedup();
    grams
}

/// Numbers as PostgreSQL's array literal, `{1,-2,3}`: how grams travel as one text parameter
/// (cast with `::integer[]`), which either database's driver can bind.
pub fn array_literal(numbers: &[i32]) -> String {
    format!("{{{}}}", numbers.iter().map(i32::to_string).collect::<Vec<_>>().join(","))
}

/// FNV-1a over a gram's UTF-8 bytes: fixed, so the index and the queries agree across releases.
fn gram_hash(gram: &[char]) -> i32 {
    let mut hash: u32 = 0x811c_9dc5;
    let mut utf8 = [0u8; 4];
    for c in gram {
        for byte in c.encode_utf8(&mut utf8).bytes() {
            hash = (hash ^ u32::from(byte)).wrapping_mul(0x0100_0193);
        }
    }
    i32::from_ne_bytes(hash.to_ne_bytes())
}

/// What a word is made of, as SQLite's `ascii` tokenizer splits text: ASCII letters and digits,
/// and every character outside ASCII.
pub fn is_word_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || !c.is_ascii()
}

/// The words of a search text, as the word indexes split it (see [`is_word_char`]).
fn words(search_text: &str) -> impl Iterator<Item = &str> {
    search_text.split(|c: char| !is_word_char(c))
}

fn all_digits(word: &str) -> bool {
    word.chars().all(|c| c.is_ascii_digit())
}

/// Every suffix of at least [`MIN_WORD`] characters of every word of a search text, space
/// separated. A term inside a word is the start of one of that word's suffixes, so a prefix
/// query on these finds it: one index range per term, where trigrams intersect several.
pub fn word_suffixes(search_text: &str) -> String {
    let mut suffixes = String::new();
    for word in words(search_text) {
        let starts: Vec<usize> = word.char_indices().map(|(at, _)| at).collect();
        for &at in starts.iter().take((starts.len() + 1).saturating_sub(MIN_WORD)) {
            if !suffixes.is_empty() {
                suffixes.push(' ');
            }
            suffixes.push_str(&word[at..]);
        }
    }
    suffixes
}

/// A piece of shown text, marked when it matched.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Piece {
    pub text: String,
    pub hit: bool,
}

/// Splits `shown` into pieces, marking every place a term occurs. Letters compare folded; for a
/// digit term, the digits of `shown` are matched ignoring punctuation between them (so "987651"
/// marks "987) 651" in "+7 (987) 651-22-33"), and a leading 8 also matches the shown 7.
pub fn highlight(shown: &str, query: &SearchQuery) -> Vec<Piece> {
    let chars: Vec<char> = shown.chars().collect();
    let mut hit = vec![false; chars.len()];
    let folded: Vec<char> = chars.iter().map(|c| fold(&c.to_string()).chars().next().unwrap_or(*c)).collect();
    for term in &query.terms {
        let term: Vec<char> = term.chars().collect();
        if term.iter().all(char::is_ascii_digit) {
            mark_digits(&chars, &term, &mut hit);
        } else {
            for start in 0..chars.len() {
                if folded[start..].starts_with(&term) {
                    hit[start..start + term.len()].iter_mut().for_each(|h| *h = true);
                }
            }
        }
    }
    let mut pieces: Vec<Piece> = Vec::new();
    for (c, h) in chars.into_iter().zip(hit) {
        match pieces.last_mut() {
            Some(p) if p.hit == h => p.text.push(c),
            _ => pieces.push(Piece { text: c.to_string(), hit: h }),
        }
    }
    pieces
}

fn mark_digits(chars: &[char], term: &[char], hit: &mut [bool]) {
    let positions: Vec<usize> = (0..chars.len()).filter(|i| chars[*i].is_ascii_digit()).collect();
    let digits: Vec<char> = positions.iter().map(|i| chars[*i]).collect();
    let mut variants = vec![term.to_vec()];
    if term.first() == Some(&'8') && term.len() == 11 {
        variants.push(std::iter::once('7').chain(term[1..].iter().copied()).collect());
    }
    for variant in variants {
        for start in 0..digits.len() {
            if digits[start..].starts_with(&variant) {
                let (first, last) = (positions[start], positions[start + variant.len() - 1]);
                hit[first..=last].iter_mut().for_each(|h| *h = true);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(text: &str) -> SearchQuery {
        SearchQuery::parse(text).unwrap()
    }

    #[test]
    fn indexes_folded_names_and_both_dialled_forms() {
        let text = search_text(&[Some("Семён"), None, Some("ПЁТРОВ")], Some("Sem@Mail.ru"), &[Some("+79876512233"), None]);
        assert_eq!(text, "семен петров sem@mail.ru 79876512233 89876512233");
    }

    #[test]
    fn phone_queries_become_one_run_of_digits() {
        assert_eq!(q("+7 987 651").terms, vec!["7987651"]);
        assert_eq!(q("8 (987) 651-22-33").terms, vec!["89876512233"]);
        assert_eq!(q("987651").terms, vec!["987651"]);
        assert_eq!(SearchQuery::parse("98 7"), Err(TooShort::Short));
        assert_eq!(SearchQuery::parse("  "), Err(TooShort::Empty));
    }

    #[test]
    fn words_are_folded_and_short_ones_dropped() {
        assert_eq!(q("Пётр Ив Семёнов").terms, vec!["петр", "семенов"]);
        assert_eq!(q("ivan@mail 2233").terms, vec!["ivan@mail", "2233"]);
        assert_eq!(SearchQuery::parse("Ив"), Err(TooShort::Short));
    }

    #[test]
    fn every_query_form_is_a_substring_of_the_index() {
        let text = search_text(&[Some("Анна")], None, &[Some("+79876512233")]);
        for typed in ["987651", "89876512233", "+7 987 651", "9876512233", "2233", "анна", "АННА"] {
            let query = q(typed);
            assert!(query.terms.iter().all(|t| text.contains(t.as_str())), "{typed} should find {text}");
        }
    }

    #[test]
    fn suffixes_hold_every_term_inside_a_word_as_a_prefix() {
        assert_eq!(word_suffixes("ёлка ab петров-водкин"), "ёлка лка петров етров тров ров водкин одкин дкин кин");
        assert_eq!(
            word_suffixes("ivan.p@mail.ru 89876512233"),
            "ivan van mail ail 89876512233 9876512233 876512233 76512233 6512233 512233 12233 2233 233"
        );
        assert_eq!(word_suffixes(""), "");
        let text = search_text(&[Some("Пётр"), Some("Иванович"), Some("Сидоров")], Some("pit@ya.ru"), &[Some("+79876512233")]);
        let suffixes = word_suffixes(&text);
        let suffixes: Vec<&str> = suffixes.split(' ').collect();
        for typed in ["петр", "ванов", "сидор", "ров", "pit", "6512", "89876512233"] {
            let term = &q(typed).terms[0];
            assert!(suffixes.iter().any(|s| s.starts_with(term.as_str())), "{typed}");
        }
    }

    #[test]
    fn suffix_queries_are_prefixes_and_only_for_whole_words() {
        assert_eq!(q("Петр Иван").suffix_fts5().as_deref(), Some("\"петр\"* \"иван\"*"));
        assert_eq!(q("8 987 651").suffix_fts5().as_deref(), Some("\"8987651\"*"));
        assert_eq!(q("pit@ya петр").suffix_fts5(), None);
        assert_eq!(q("петров-водкин").suffix_fts5(), None);
    }

    #[test]
    fn grams_hold_every_short_term_and_both_ends_of_a_long_one() {
        let text = search_text(&[Some("Пётр"), Some("Александрович"), Some("Сидоров")], Some("pit@ya.ru"), &[Some("+79876512233")]);
        let grams = word_grams(&text);
        for typed in ["петр", "сидоров", "идор", "ров", "pit", "александрович", "Сандрович", "петр сидор"]
        {
            let keys = q(typed).gram_keys().unwrap();
            let keys: Vec<i32> = keys.trim_matches(['{', '}']).split(',').map(|k| k.parse().unwrap()).collect();
            assert!(keys.iter().all(|k| grams.binary_search(k).is_ok()), "{typed}");
        }
        assert!(q("ивано").gram_keys().unwrap() != q("петро").gram_keys().unwrap());
        // Digits go to the trigram index, and so do terms spanning words.
        assert!(!grams.contains(&gram_hash(&['9', '8', '7'])));
        assert_eq!(q("98765").gram_keys(), None);
        assert_eq!(q("петр 98765").gram_keys(), None);
        assert_eq!(q("pit@ya").gram_keys(), None);
    }

    #[test]
    fn terms_up_to_twelve_characters_are_the_word_index_alone() {
        // Twelve characters: one prefix query, nothing tested on the row.
        assert_eq!(q("Александрова").long_terms().count(), 0);
        assert_eq!(q("Александрова").suffix_fts5().as_deref(), Some("\"александрова\"*"));
        // Thirteen: its first twelve from the index, the whole term tested on each hit.
        assert_eq!(q("александрович").long_terms().collect::<Vec<_>>(), vec!["александрович"]);
        assert_eq!(q("александрович петр").suffix_fts5().as_deref(), Some("\"александрови\"* \"петр\"*"));
    }

    #[test]
    fn patterns_escape_wildcards() {
        let query = SearchQuery { terms: vec!["50%_a\\".into(), "x\"y".into()] };
        assert_eq!(query.like_patterns(), vec!["%50\\%\\_a\\\\%", "%x\"y%"]);
        assert_eq!(query.fts5(), "\"50%_a\\\" \"x\"\"y\"");
    }

    #[test]
    fn highlights_names_and_phone_digits_across_punctuation() {
        let marked = |pieces: Vec<Piece>| pieces.into_iter().filter(|p| p.hit).map(|p| p.text).collect::<Vec<_>>();
        assert_eq!(marked(highlight("Пётр Петров", &q("петр"))), vec!["Пётр", "Петр"]);
        assert_eq!(marked(highlight("+7 (987) 651-22-33", &q("987651"))), vec!["987) 651"]);
        assert_eq!(marked(highlight("+7 (987) 651-22-33", &q("89876512233"))), vec!["7 (987) 651-22-33"]);
        let all: String = highlight("Анна", &q("нна")).into_iter().map(|p| p.text).collect();
        assert_eq!(all, "Анна");
    }
}
