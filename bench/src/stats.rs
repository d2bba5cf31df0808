//! Latency samples, their percentiles, and the line each measurement prints.

use std::future::Future;
use std::time::{Duration, Instant};

/// Percentiles of a run, in milliseconds.
#[derive(Clone, Copy, Debug)]
pub struct Stats {
    pub p50: f64,
    pub p95: f64,
    pub p99: f64,
}

impl Stats {
    pub fn of(mut samples: Vec<Duration>) -> Stats {
        samples.sort();
        let at = |q: f64| {
            let i = ((samples.len() as f64 * q).ceil() as usize).clamp(1, samples.len()) - 1;
            samples[i].as_secs_f64() * 1000.0
        };
        Stats { p50: at(0.50), p95: at(0.95), p99: at(0.99) }
    }

    pub fn show(&self) -> String {
        format!("p50 {:.2} / p95 {:.2} / p99 {:.2} ms", self.p50, self.p95, self.p99)
    }
}

/// Runs `step(i)` for i in 0..runs after `runs / 10` unmeasured warm-up steps; times each.
pub async fn time<F, Fut>(runs: usize, mut step: F) -> Stats
where
    F: FnMut(usize) -> Fut,
    Fut: Future<Output = ()>,
{
    for i in 0..(runs / 10).max(1) {
        step(i).await;
    }
    let mut samples = Vec::with_capacity(runs);
    for i in 0..runs {
        let started = Instant::now();
        step(i).await;
        samples.push(started.elapsed());
    }
    Stats::of(samples)
}

/// Times `app(i)` and `floor(i)` side by side for i in 0..runs, so that both meet the same caches
/// and the same moments of a noisy machine. First an unmeasured pass over the first `inputs`
/// steps (every distinct input, at least `runs / 10`), then each step's two runs, which one goes
/// first alternating. Timed one after the other, the first side met each input's pages cold and
/// the second read them warm: a name search measured 3× its floor for that alone (session 33).
pub async fn time_beside<A, AFut, F, FFut>(runs: usize, inputs: usize, mut app: A, mut floor: F) -> (Stats, Stats)
where
    A: FnMut(usize) -> AFut,
    AFut: Future<Output = ()>,
    F: FnMut(usize) -> FFut,
    FFut: Future<Output = ()>,
{
    for i in 0..inputs.max(runs / 10).max(1) {
        app(i).await;
        floor(i).await;
    }
    let (mut app_samples, mut floor_samples) = (Vec::with_capacity(runs), Vec::with_capacity(runs));
    for i in 0..runs {
        if i % 2 == 0 {
            app_samples.push(timed(app(i)).await);
            floor_samples.push(timed(floor(i)).await);
        } else {
            floor_samples.push(timed(floor(i)).await);
            app_samples.push(timed(app(i)).await);
        }
    }
    (Stats::of(app_samples), Stats::of(floor_samples))
}

async fn timed(step: impl Future<Output = ()>) -> Duration {
    let started = Instant::now();
    step.await;
    started.elapsed()
}

/// One measurement beside its floor: prints the line and answers whether its targets were met.
pub struct Report<'a> {
    pub db: &'a str,
    pub what: &'a str,
    pub app: Stats,
    pub floor: Stats,
    /// The p95 target in ms, if any.
    pub p95_target: Option<f64>,
    /// The largest allowed app/floor ratio at p95, if any.
    pub ratio_target: Option<f64>,
}

impl Report<'_> {
    pub fn print(&self) -> bool {
        let ratio = self.app.p95 / self.floor.p95.max(0.001);
        let mut misses = Vec::new();
        if let Some(t) = self.p95_target.filter(|t| self.app.p95 > *t) {
            misses.push(format!("p95 over {t} ms"));
        }
        if let Some(t) = self.ratio_target.filter(|t| ratio > *t) {
            misses.push(format!("over {t}× the floor"));
        }
        let targets = match (self.p95_target, self.ratio_target) {
            (Some(p), Some(r)) => format!("target p95 ≤ {p} ms and ≤ {r}× floor"),
            (Some(p), None) => format!("target p95 ≤ {p} ms"),
            (None, Some(r)) => format!("target ≤ {r}× floor"),
            (None, None) => "no target".into(),
        };
        let verdict = if misses.is_empty() { "OK".to_string() } else { format!("MISSED ({})", misses.join(", ")) };
        println!(
            "{} | {} | app {} | floor {} | ratio {ratio:.1}× | {targets}: {verdict}",
            self.db,
            self.what,
            self.app.show(),
            self.floor.show()
        );
        misses.is_empty()
    }
}
