//! `leptos_i18n::load_locales!` reads `locales/*.json` while compiling but does not tell cargo,
//! so a changed translation left the crate built with the old text (and a new key "not found"
//! until something else changed). Naming the folder makes any change there rebuild the crate.
fn main() {
    println!("cargo:rerun-if-changed=locales");
}
