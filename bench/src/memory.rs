//! Peak resident memory from Linux's /proc: `VmHWM`, reset before each measured step by writing
//! 5 to /proc/self/clear_refs.

/// Resets the peak so the next [`peak_mb`] covers only what follows.
pub fn reset_peak() {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

fn status_kb(field: &str) -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with(field))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// The peak resident memory since the last reset, in MB.
pub fn peak_mb() -> f64 {
    status_kb("VmHWM:").unwrap_or(0) as f64 / 1024.0
}

/// Resident memory now, in MB.
pub fn resident_mb() -> f64 {
    status_kb("VmRSS:").unwrap_or(0) as f64 / 1024.0
}
