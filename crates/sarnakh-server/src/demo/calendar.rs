//! The simulated calendar: how many leads arrive on each day of the year and when.

use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveTime, Utc, Weekday};
use fastrand::Rng;

/// Spreads `total` leads over `days`: fewer at weekends, uneven from day to day, with a
/// few campaign peaks; the first and last day count only their part inside the year.
pub(super) fn spread(
    rng: &mut Rng,
    total: usize,
    days: &[NaiveDate],
    start: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Vec<usize> {
    let weights: Vec<f64> = days
        .iter()
        .map(|day| {
            let weekday = match day.weekday() {
                Weekday::Sat => 0.45,
                Weekday::Sun => 0.35,
                Weekday::Fri => 0.7,
                _ => 1.0,
            };
            let peak = if rng.f64() < 0.04 { 2.5 } else { 1.0 };
            let (from, to) = (
                midnight(*day).max(start),
                midnight(*day + Duration::days(1)).min(now),
            );
            let part = (to - from).num_seconds().max(0) as f64 / 86_400.0;
            weekday * peak * (0.6 + 0.8 * rng.f64()) * part
        })
        .collect();
    let sum: f64 = weights.iter().sum::<f64>().max(f64::MIN_POSITIVE);
    let mut running = 0.0;
    let mut given = 0;
    weights
        .iter()
        .map(|w| {
            running += w / sum;
            let due = ((running * total as f64).round() as usize).min(total);
            let count = due - given;
            given = due;
            count
        })
        .collect()
}

/// When a lead arrives on `day`: mostly office hours, some evenings; within [lo, hi].
pub(super) fn capture_time(
    rng: &mut Rng,
    day: NaiveDate,
    lo: DateTime<Utc>,
    hi: DateTime<Utc>,
) -> DateTime<Utc> {
    let from = midnight(day).max(lo);
    let to = midnight(day + Duration::days(1)).min(hi);
    let minute = if rng.f64() < 0.85 {
        rng.i64(5 * 60..17 * 60)
    } else {
        rng.i64(0..24 * 60)
    };
    let at = midnight(day) + Duration::minutes(minute) + Duration::seconds(rng.i64(0..60));
    if at >= from && at < to {
        return at;
    }
    let span = (to - from).num_seconds().max(1);
    from + Duration::seconds(rng.i64(0..span))
}

/// 00:00 UTC of `day`.
pub(super) fn midnight(day: NaiveDate) -> DateTime<Utc> {
    day.and_time(NaiveTime::MIN).and_utc()
}
