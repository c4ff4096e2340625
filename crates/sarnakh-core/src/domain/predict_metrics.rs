//! Quality of a win model on held-out records: AUC, log loss and calibration.

use super::CalibrationBin;

/// Area under the ROC curve (ties between scores count half; Mann-Whitney form). 0.5 if
/// either class is absent.
pub fn auc(scored: &[(f64, bool)]) -> f64 {
    let won = scored.iter().filter(|s| s.1).count();
    let lost = scored.len() - won;
    if won == 0 || lost == 0 {
        return 0.5;
    }
    let mut sorted = scored.to_vec();
    sorted.sort_by(|a, b| a.0.total_cmp(&b.0));
    // Sum of the won records' ranks (1-based), a tied group sharing its mean rank.
    let mut rank_sum = 0.0;
    let mut start = 0;
    while start < sorted.len() {
        // Counted from start + 1, so that even a NaN score (equal to nothing) moves on.
        let first = sorted[start].0;
        let end = start + 1 + sorted[start + 1..].partition_point(|s| s.0 == first);
        let mean_rank = (start + 1 + end) as f64 / 2.0;
        rank_sum += mean_rank * sorted[start..end].iter().filter(|s| s.1).count() as f64;
        start = end;
    }
    let (won, lost) = (won as f64, lost as f64);
    (rank_sum - won * (won + 1.0) / 2.0) / (won * lost)
}

/// Mean binary cross-entropy with probabilities clamped to [1e-12, 1-1e-12]; 0.0 for no records.
pub fn log_loss(scored: &[(f64, bool)]) -> f64 {
    if scored.is_empty() {
        return 0.0;
    }
    let total: f64 = scored
        .iter()
        .map(|&(p, won)| {
            let p = p.clamp(1e-12, 1.0 - 1e-12);
            -(if won { p } else { 1.0 - p }).ln()
        })
        .sum();
    total / scored.len() as f64
}

/// Ten equal-width bins over [0, 1] (p = 1.0 falls in the last), each with its count, mean
/// predicted probability and observed win rate; empty bins are kept with count 0 and 0.0 rates.
pub fn calibration(scored: &[(f64, bool)]) -> Vec<CalibrationBin> {
    let mut sums = [(0_usize, 0.0, 0_usize); 10];
    for &(p, won) in scored {
        let p = p.clamp(0.0, 1.0);
        let bin = ((p * 10.0) as usize).min(9);
        sums[bin].0 += 1;
        sums[bin].1 += p;
        sums[bin].2 += usize::from(won);
    }
    let per = |sum: f64, count: usize| if count == 0 { 0.0 } else { sum / count as f64 };
    (0..10)
        .map(|i| {
            let (count, predicted, won) = sums[i];
            CalibrationBin {
                lower: i as f64 / 10.0,
                upper: (i + 1) as f64 / 10.0,
                count,
                mean_predicted: per(predicted, count),
                observed_rate: per(won as f64, count),
            }
        })
        .collect()
}
