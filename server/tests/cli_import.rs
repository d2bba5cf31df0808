//! `voronka import` as a user runs it: a dry run prints the report and writes nothing; a file
//! with errors exits non-zero naming line and column; a clean file imports once. The messages
//! are the app's own, in Russian unless the environment asks for English.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn voronka(db: &Path, args: &[&str]) -> Output {
    voronka_in("en", db, args)
}

fn voronka_in(lang: &str, db: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_voronka"))
        .args(args)
        .env("VORONKA_LANG", lang)
        .env("DATABASE_URL", format!("sqlite://{}", db.display()))
        .env("VORONKA_DEMO_PASSWORD", "demo-password-1")
        .env("RUST_LOG", "error")
        .output()
        .expect("run voronka")
}

fn text(out: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr))
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("voronka-cli-{}-{}", name, std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn csv(rows: &[&str]) -> String {
    let header = domain::import::COLUMNS.iter().map(|(ru, _)| *ru).collect::<Vec<_>>().join(";");
    let blank = ";".repeat(domain::import::COLUMNS.len() - 4);
    let mut text = header;
    for r in rows {
        text.push('\n');
        text.push_str(r);
        text.push_str(&blank);
    }
    text
}

#[test]
fn import_from_the_command_line() {
    let dir = scratch("import");
    let db = dir.join("school.db");
    let demo = voronka(&db, &["demo", "--leads", "0"]);
    assert!(demo.status.success(), "{}", text(&demo));

    let bad = dir.join("bad.csv");
    std::fs::write(&bad, csv(&["Иванов;Иван;;12345"])).unwrap();
    let out = voronka(&db, &["import", bad.to_str().unwrap(), "--dry-run"]);
    assert!(!out.status.success());
    let said = text(&out);
    assert!(said.contains("line 2: error: Телефон: not a Russian phone number"), "{said}");
    assert!(said.contains("Rows: 1; ready: 0 (with warnings: 0); with errors: 1; already imported: 0"), "{said}");
    assert!(said.contains("rows with errors: 1 — nothing imported"), "{said}");
    // The same in Russian, the default.
    let ru = text(&voronka_in("ru", &db, &["import", bad.to_str().unwrap(), "--dry-run"]));
    assert!(ru.contains("строка 2: ошибка: Телефон: "), "{ru}");
    assert!(ru.contains("Строк: 1; готовы: 0 (с предупреждениями: 0); с ошибками: 1; уже загружены: 0"), "{ru}");
    assert!(ru.contains("строк с ошибками: 1 — ничего не загружено"), "{ru}");

    let good = dir.join("good.csv");
    std::fs::write(&good, csv(&["Петров;Пётр;;89171234578", "Сидорова;Анна;;+7 (999) 125-99-99"])).unwrap();
    let dry = voronka(&db, &["import", good.to_str().unwrap(), "--dry-run"]);
    assert!(dry.status.success(), "{}", text(&dry));
    assert!(text(&dry).contains("dry run: nothing imported"), "{}", text(&dry));
    let done = voronka(&db, &["import", good.to_str().unwrap(), "--as", "deputy"]);
    assert!(done.status.success(), "{}", text(&done));
    assert!(text(&done).contains("imported leads: 2 (already imported: 0), import no."), "{}", text(&done));
    let again = voronka(&db, &["import", good.to_str().unwrap()]);
    assert!(text(&again).contains("imported leads: 0 (already imported: 2)"), "{}", text(&again));
    // Sales staff may not import.
    let refused = voronka(&db, &["import", good.to_str().unwrap(), "--as", "sales"]);
    assert!(!refused.status.success());
    assert!(text(&refused).contains("You are not allowed to do this."), "{}", text(&refused));
    let missing = voronka(&db, &["import", dir.join("nope.csv").to_str().unwrap()]);
    assert!(!missing.status.success() && text(&missing).contains("cannot read"), "{}", text(&missing));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn create_token_prints_a_token_once_and_refuses_bad_scopes() {
    let dir = scratch("token");
    let db = dir.join("school.db");
    assert!(voronka(&db, &["demo", "--leads", "5"]).status.success());
    let bad = voronka(&db, &["create-token", "--name", "Сайт", "--scopes", "leads:delete"]);
    assert!(!bad.status.success());
    assert!(text(&bad).contains("--scopes"), "{}", text(&bad));
    let made = voronka(&db, &["create-token", "--name", "Сайт", "--scopes", "leads:write,calls:write"]);
    assert!(made.status.success(), "{}", text(&made));
    let token = String::from_utf8_lossy(&made.stdout).trim().to_string();
    assert!(token.starts_with("vrk_") && token.len() == 68, "{token}");
    let sales = voronka(&db, &["create-token", "--name", "Бот", "--scopes", "leads:read", "--as", "sales"]);
    assert!(!sales.status.success(), "sales staff cannot own tokens");
    let _ = std::fs::remove_dir_all(&dir);
}
