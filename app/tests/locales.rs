//! Both locale files hold exactly the same keys with non-empty texts and the same placeholders.

use serde_json::Value;
use std::collections::BTreeMap;

fn flatten(prefix: &str, value: &Value, out: &mut BTreeMap<String, String>) {
    match value {
        Value::Object(map) => {
            for (k, v) in map {
                let key = if prefix.is_empty() { k.clone() } else { format!("{prefix}.{k}") };
                flatten(&key, v, out);
            }
        }
        Value::String(s) => {
            out.insert(prefix.to_string(), s.clone());
        }
        other => panic!("{prefix}: expected text, found {other}"),
    }
}

fn load(lang: &str) -> BTreeMap<String, String> {
    let path = format!("{}/locales/{lang}.json", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let mut out = BTreeMap::new();
    flatten("", &serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}")), &mut out);
    out
}

fn placeholders(text: &str) -> Vec<String> {
    let mut found: Vec<String> =
        text.split("{{").skip(1).filter_map(|rest| rest.split("}}").next()).map(|p| p.trim().to_string()).collect();
    found.sort();
    found
}

#[test]
fn russian_and_english_have_the_same_keys_and_placeholders() {
    let (ru, en) = (load("ru"), load("en"));
    let only_ru: Vec<_> = ru.keys().filter(|k| !en.contains_key(*k)).collect();
    let only_en: Vec<_> = en.keys().filter(|k| !ru.contains_key(*k)).collect();
    assert!(only_ru.is_empty() && only_en.is_empty(), "missing in en: {only_ru:?}; missing in ru: {only_en:?}");
    for (key, ru_text) in &ru {
        let en_text = &en[key];
        assert!(!ru_text.trim().is_empty() && !en_text.trim().is_empty(), "{key} is empty");
        assert_eq!(placeholders(ru_text), placeholders(en_text), "{key}: placeholders differ");
    }
}

#[test]
fn every_validation_reason_has_a_text() {
    let ru = load("ru");
    for reason in domain::error::Invalid::ALL {
        assert!(ru.contains_key(&format!("validation.{}", reason.key())), "{reason:?}");
    }
}
