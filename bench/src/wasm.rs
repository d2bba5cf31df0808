//! The size of what a browser downloads before the app answers: the release WASM, raw and as the
//! server sends it (gzip and brotli, at the compression levels a static build would use), beside
//! its floor — the smallest app on the same stack (`bench/wasm-floor`), built the same way in the
//! same run.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;

const TARGET_BROTLI_KB: f64 = 250.0;

fn gzip(bytes: &[u8]) -> usize {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    encoder.write_all(bytes).expect("gzip");
    encoder.finish().expect("gzip").len()
}

fn brotli(bytes: &[u8]) -> usize {
    let mut out = Vec::new();
    let params = brotli::enc::BrotliEncoderParams { quality: 11, lgwin: 22, ..Default::default() };
    brotli::BrotliCompress(&mut &bytes[..], &mut out, &params).expect("brotli");
    out.len()
}

/// The file every page loads (cargo-leptos's `output-name`); with `--split` the other `.wasm`
/// files are pages and code they share, fetched when a page that needs them is first opened.
const MAIN_WASM: &str = "voronka.wasm";

/// Measures every `.wasm`, `.js` and `.css` under `site/pkg`, then the floor (unless `floor` is
/// false); answers whether the WASM the first page needs meets its target. Split-off files are
/// listed and summed, but a sales manager who opens the board never downloads them.
pub fn run(site: &Path, floor: bool) -> bool {
    let pkg = site.join("pkg");
    let Ok(entries) = std::fs::read_dir(&pkg) else {
        println!("wasm: {} not found — build the release site first (cargo leptos build --release --split)", pkg.display());
        return false;
    };
    let mut met_target = None;
    let mut main_brotli = None;
    let mut split_off = (0, 0, 0, 0);
    let mut files: Vec<_> = entries.filter_map(|e| e.ok()).map(|e| e.path()).collect();
    files.sort();
    let kb = |n: usize| n as f64 / 1024.0;
    for path in files {
        let Some(ext) = path.extension().and_then(|e| e.to_str()) else { continue };
        if ext != "wasm" && ext != "js" && ext != "css" {
            continue;
        }
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or_default().to_owned();
        let bytes = std::fs::read(&path).expect("read");
        let (raw, gz, br) = (bytes.len(), gzip(&bytes), brotli(&bytes));
        let verdict = if name == MAIN_WASM {
            let met = kb(br) <= TARGET_BROTLI_KB;
            main_brotli = Some(br);
            met_target = Some(met);
            format!(" | loaded on every page; target ≤ {TARGET_BROTLI_KB} KB brotli: {}", if met { "OK" } else { "MISSED" })
        } else if ext == "wasm" {
            split_off = (split_off.0 + 1, split_off.1 + raw, split_off.2 + gz, split_off.3 + br);
            " | split off: loaded with the first page that needs it".to_owned()
        } else {
            String::new()
        };
        println!("{name} | raw {:.0} KB | gzip {:.0} KB | brotli {:.0} KB{verdict}", kb(raw), kb(gz), kb(br));
    }
    if split_off.0 > 0 {
        println!(
            "{} split-off files together | raw {:.0} KB | gzip {:.0} KB | brotli {:.0} KB",
            split_off.0,
            kb(split_off.1),
            kb(split_off.2),
            kb(split_off.3)
        );
    }
    if met_target.is_none() {
        println!("wasm: {MAIN_WASM} not found in {}", pkg.display());
    }
    if let (true, Some(main)) = (floor, main_brotli) {
        match build_floor() {
            Ok(bytes) => {
                let (raw, gz, br) = (bytes.len(), gzip(&bytes), brotli(&bytes));
                println!("floor (bench/wasm-floor) | raw {:.0} KB | gzip {:.0} KB | brotli {:.0} KB", kb(raw), kb(gz), kb(br));
                println!(
                    "{MAIN_WASM} is {:.1}× its floor (brotli); Voronka's own part {:.0} KB, the floor alone {:.0}% of the target",
                    main as f64 / br as f64,
                    kb(main.saturating_sub(br)),
                    100.0 * kb(br) / TARGET_BROTLI_KB
                );
            }
            Err(why) => println!("floor: not built — {why}"),
        }
    }
    met_target.unwrap_or(false)
}

/// Builds `bench/wasm-floor` as cargo-leptos builds the site's WASM (`lib-profile-release`, the
/// flags of `.cargo/config.toml`, wasm-bindgen for the web, then wasm-opt with cargo-leptos's
/// arguments) and returns the optimised file.
fn build_floor() -> Result<Vec<u8>, String> {
    let run = |command: &mut Command| -> Result<(), String> {
        let shown = format!("{command:?}");
        match command.status() {
            Ok(status) if status.success() => Ok(()),
            Ok(status) => Err(format!("{shown} exited with {status}")),
            Err(e) => Err(format!("{shown} did not start: {e}")),
        }
    };
    let workspace = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
    let target_dir = std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| workspace.join("target"), PathBuf::from);
    run(Command::new("cargo").current_dir(&workspace).args([
        "build",
        "-p",
        "wasm-floor",
        "--lib",
        "--target",
        "wasm32-unknown-unknown",
        "--profile",
        "wasm-release",
    ]))?;
    let built = target_dir.join("wasm32-unknown-unknown/wasm-release/wasm_floor.wasm");
    let out = target_dir.join("wasm-floor");
    run(Command::new("wasm-bindgen").arg("--target").arg("web").arg("--no-typescript").arg("--out-dir").arg(&out).arg(&built))?;
    let bound = out.join("wasm_floor_bg.wasm");
    run(Command::new("wasm-opt")
        .args(["-Oz", "--enable-bulk-memory", "--enable-nontrapping-float-to-int"])
        .arg(&bound)
        .arg("-o")
        .arg(&bound))?;
    std::fs::read(&bound).map_err(|e| format!("{}: {e}", bound.display()))
}
