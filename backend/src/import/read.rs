//! Reading an uploaded file into rows of cells: XLSX (calamine) or CSV in UTF-8 or Windows-1251
//! with `;`, `,` or tab separators, detected. Bounded: size, unpacked size (zip bombs) and rows.

use domain::import::{Cell, FileProblem, MAX_FILE_BYTES, MAX_ROWS};
use std::io::{Cursor, Read};

/// What an XLSX may unpack to: a 20 MB upload of text compresses about tenfold; more is a bomb.
const MAX_UNPACKED_BYTES: u64 = 400 * 1024 * 1024;

pub fn read_table(bytes: &[u8]) -> Result<Vec<Vec<Cell>>, FileProblem> {
    if bytes.len() > MAX_FILE_BYTES {
        return Err(FileProblem::TooLarge { max_bytes: MAX_FILE_BYTES as u64 });
    }
    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(FileProblem::Empty);
    }
    let rows = if bytes.starts_with(b"PK\x03\x04") { read_xlsx(bytes)? } else { read_csv(bytes)? };
    // Trailing blank rows are common in spreadsheets; they are not data.
    let mut rows = rows;
    while rows.last().is_some_and(|r| r.iter().all(|c| *c == Cell::Empty)) {
        rows.pop();
    }
    if rows.is_empty() {
        return Err(FileProblem::Empty);
    }
    if rows.len() > MAX_ROWS + 1 {
        return Err(FileProblem::TooManyRows { max_rows: MAX_ROWS as u64 });
    }
    Ok(rows)
}

fn read_xlsx(bytes: &[u8]) -> Result<Vec<Vec<Cell>>, FileProblem> {
    if unpacked_size(bytes)? > MAX_UNPACKED_BYTES {
        return Err(FileProblem::TooLarge { max_bytes: MAX_FILE_BYTES as u64 });
    }
    use calamine::Reader;
    let mut book = calamine::open_workbook_auto_from_rs(Cursor::new(bytes.to_vec())).map_err(|_| FileProblem::NotSpreadsheet)?;
    let range = book.worksheet_range_at(0).ok_or(FileProblem::Empty)?.map_err(|_| FileProblem::NotSpreadsheet)?;
    if range.height() > MAX_ROWS + 1 {
        return Err(FileProblem::TooManyRows { max_rows: MAX_ROWS as u64 });
    }
    Ok(range.rows().map(|row| row.iter().map(cell_of).collect()).collect())
}

/// What a zip says it unpacks to, from its directory, before anything is unpacked (zip bombs).
pub fn unpacked_size(bytes: &[u8]) -> Result<u64, FileProblem> {
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|_| FileProblem::NotSpreadsheet)?;
    let mut unpacked = 0_u64;
    for i in 0..archive.len() {
        let entry = archive.by_index_raw(i).map_err(|_| FileProblem::NotSpreadsheet)?;
        unpacked = unpacked.saturating_add(entry.size());
    }
    Ok(unpacked)
}

fn cell_of(data: &calamine::Data) -> Cell {
    use calamine::Data;
    match data {
        Data::Empty | Data::Error(_) => Cell::Empty,
        Data::String(s) if s.trim().is_empty() => Cell::Empty,
        Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => Cell::Text(s.clone()),
        Data::Int(i) => Cell::Number(*i as f64),
        Data::Float(f) => Cell::Number(*f),
        Data::Bool(b) => Cell::Text(if *b { "1" } else { "0" }.into()),
        Data::DateTime(d) => d.as_datetime().map_or(Cell::Number(d.as_f64()), Cell::DateTime),
    }
}

fn read_csv(bytes: &[u8]) -> Result<Vec<Vec<Cell>>, FileProblem> {
    // Binary files (a zip that is not ours, an image, a PDF) hold NUL bytes early on.
    if bytes.iter().take(8192).any(|b| *b == 0) {
        return Err(FileProblem::NotSpreadsheet);
    }
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let text = match std::str::from_utf8(bytes) {
        Ok(t) => t.to_string(),
        // Not UTF-8: Excel's "CSV" in Russian Windows is Windows-1251.
        Err(_) => encoding_rs::WINDOWS_1251.decode_without_bom_handling(bytes).0.into_owned(),
    };
    let first_line = text.lines().next().unwrap_or_default();
    let delimiter = [b';', b',', b'\t'].into_iter().max_by_key(|d| first_line.bytes().filter(|b| b == d).count()).unwrap_or(b';');
    let mut reader = csv::ReaderBuilder::new().has_headers(false).flexible(true).delimiter(delimiter).from_reader(text.as_bytes());
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|_| FileProblem::NotSpreadsheet)?;
        rows.push(record.iter().map(|v| if v.trim().is_empty() { Cell::Empty } else { Cell::Text(v.to_string()) }).collect());
        if rows.len() > MAX_ROWS + 1 {
            return Err(FileProblem::TooManyRows { max_rows: MAX_ROWS as u64 });
        }
    }
    Ok(rows)
}

/// Reads at most `limit` bytes (an upload stream), refusing more.
pub fn read_limited(mut reader: impl Read, limit: usize) -> Result<Vec<u8>, FileProblem> {
    let mut out = Vec::new();
    reader.by_ref().take(limit as u64 + 1).read_to_end(&mut out).map_err(|_| FileProblem::NotSpreadsheet)?;
    if out.len() > limit {
        return Err(FileProblem::TooLarge { max_bytes: limit as u64 });
    }
    Ok(out)
}
