//! The size of what a browser downloads before the app answers: the release WASM, raw and as the
//! server sends it (gzip and brotli, at the compression levels a static build would use).

use std::io::Write;
use std::path::Path;

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

/// Measures every `.wasm` and `.js` under `site/pkg`; answers whether the WASM meets its target.
pub fn run(site: &Path) -> bool {
    let pkg = site.join("pkg");
    let Ok(entries) = std::fs::read_dir(&pkg) else {
        println!("wasm: {} not found — build the release site first (cargo leptos build --release)", pkg.display());
        return false;
    };
    let mut ok = true;
    let mut files: Vec<_> = entries.filter_map(|e| e.ok()).map(|e| e.path()).collect();
    files.sort();
    for path in files {
        let Some(ext) = path.extension().and_then(|e| e.to_str()) else { continue };
        if ext != "wasm" && ext != "js" && ext != "css" {
            continue;
        }
        let bytes = std::fs::read(&path).expect("read");
        let kb = |n: usize| n as f64 / 1024.0;
        let (raw, gz, br) = (bytes.len(), gzip(&bytes), brotli(&bytes));
        let verdict = if ext == "wasm" {
            let met = kb(br) <= TARGET_BROTLI_KB;
            ok &= met;
            format!(" | target ≤ {TARGET_BROTLI_KB} KB brotli: {}", if met { "OK" } else { "MISSED" })
        } else {
            String::new()
        };
        println!(
            "{} | raw {:.0} KB | gzip {:.0} KB | brotli {:.0} KB{verdict}",
            path.file_name().and_then(|n| n.to_str()).unwrap_or_default(),
            kb(raw),
            kb(gz),
            kb(br)
        );
    }
    ok
}
