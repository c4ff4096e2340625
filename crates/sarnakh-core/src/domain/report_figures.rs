//! The figures reports are made of: the aggregate rows the store returns (counts and sums
//! per group, stage and currency) and the small maths over them (rates, medians and
//! quartiles of durations). Pure: no IO, no clock.

/// Funnel counts of one group: how many leads entered each stage.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FunnelCounts {
    /// The group's value (none: the ungrouped total, or records without a value).
    pub group: Option<String>,
    /// Leads created.
    pub leads: u64,
    /// Leads qualified (became prospects).
    pub prospects: u64,
    /// Leads converted into opportunities.
    pub opportunities: u64,
    /// Leads with a won deal.
    pub won: u64,
}

impl FunnelCounts {
    /// Adds another group's counts into this one.
    pub fn add(&mut self, other: &Self) {
        self.leads += other.leads;
        self.prospects += other.prospects;
        self.opportunities += other.opportunities;
        self.won += other.won;
    }

    /// Conversion rates lead -> prospect, prospect -> opportunity, opportunity -> won
    /// (none where the earlier stage is empty).
    pub fn rates(&self) -> [Option<f64>; 3] {
        [
            rate(self.prospects, self.leads),
            rate(self.opportunities, self.prospects),
            rate(self.won, self.opportunities),
        ]
    }
}

/// How many records gave one reason.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReasonCount {
    /// The reason code.
    pub reason: String,
    /// How many.
    pub count: u64,
}

/// Seconds spent in each funnel stage by the records that left it (each time taken to the
/// whole second, then subtracted).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StageDurations {
    /// Created -> qualified.
    pub lead: Vec<i64>,
    /// Qualified -> converted.
    pub prospect: Vec<i64>,
    /// Deal created -> closed (won or lost).
    pub opportunity: Vec<i64>,
}

/// The optional parts of a funnel's figures a report reads; each is one more list per group
/// in the store's pass over the records, so a report asks only for what it shows.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct FunnelWants {
    /// Time in each stage ([`FunnelFigures::durations`]).
    pub durations: bool,
    /// Disqualification and loss reasons.
    pub reasons: bool,
    /// Waits for a first contact per group (cohort only).
    pub contact_waits: bool,
}

/// A funnel's figures, read by the store in one pass over the leads and one over the deals
/// (cohort), or one pass per stage's index (activity).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FunnelFigures {
    /// Counts per group (won: leads with a won deal), in no particular order.
    pub rows: Vec<FunnelCounts>,
    /// The won deals per group and currency.
    pub revenue: Vec<RevenueCell>,
    /// Disqualification reasons (when asked), most frequent first.
    pub disqualify_reasons: Vec<ReasonCount>,
    /// Loss reasons (when asked), most frequent first.
    pub loss_reasons: Vec<ReasonCount>,
    /// Time in each stage (when asked).
    pub durations: StageDurations,
    /// Per group, seconds from creation to first contact of the contacted leads (when
    /// asked, cohort only).
    pub contact_waits: Vec<GroupSeconds>,
}

/// Counts each code of a list of reason codes, most frequent first (then by code).
pub fn count_reasons<'a>(codes: impl IntoIterator<Item = &'a str>) -> Vec<ReasonCount> {
    let mut counts: std::collections::HashMap<&str, u64> = std::collections::HashMap::new();
    for code in codes {
        *counts.entry(code).or_default() += 1;
    }
    let mut out: Vec<ReasonCount> = counts
        .into_iter()
        .map(|(reason, count)| ReasonCount {
            reason: reason.to_owned(),
            count,
        })
        .collect();
    sort_reasons(&mut out);
    out
}

/// Orders reasons most frequent first, then by code.
pub fn sort_reasons(reasons: &mut [ReasonCount]) {
    reasons.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.reason.cmp(&b.reason)));
}

/// Open deals of one stage: how many, and how many are stuck (the pipeline's counts
/// without its sums).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StageCount {
    /// Stage key.
    pub stage: String,
    /// Open deals.
    pub count: u64,
    /// Deals with no activity and no change in the stuck window.
    pub stuck: u64,
}

/// Open deals of one stage and currency: how many and their sums (the pipeline's totals
/// without its ages, stuck deals and predictions), as the board's columns show them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StageTotal {
    /// Stage key.
    pub stage: String,
    /// ISO currency code of the amounts.
    pub currency: String,
    /// Open deals.
    pub count: u64,
    /// Sum of their amounts, minor units.
    pub amount_minor: i64,
    /// Sum of amount x stage probability (percent), i.e. 100 x the weighted amount.
    pub weighted_centi_minor: i64,
}

/// Open deals of one stage, group and currency.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PipelineCell {
    /// Stage key.
    pub stage: String,
    /// The group's value.
    pub group: Option<String>,
    /// ISO currency code of the amounts.
    pub currency: String,
    /// Open deals.
    pub count: u64,
    /// Sum of their amounts, minor units.
    pub amount_minor: i64,
    /// Sum of amount x stage probability (percent), i.e. 100 x the weighted amount.
    pub weighted_centi_minor: i64,
    /// Deals by age since creation: 0-30, 31-60, 61-90, over 90 days.
    pub ages: [u64; 4],
    /// Deals with no activity and no change in the stuck window.
    pub stuck: u64,
    /// Deals with a stored predicted win probability.
    pub predicted: u64,
    /// Sum of amount x predicted probability in basis points / 100 (truncated per deal),
    /// the stage probability standing in where no prediction is stored: 100 x the
    /// predictively weighted amount, like `weighted_centi_minor`.
    pub predicted_centi_minor: i64,
}

/// Closed deals of one group and currency.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WinLossCell {
    /// The group's value.
    pub group: Option<String>,
    /// ISO currency code.
    pub currency: String,
    /// Deals won.
    pub won: u64,
    /// Deals lost.
    pub lost: u64,
    /// Sum of the won amounts, minor units.
    pub won_amount_minor: i64,
}

/// Won deals of one group's cohort in one currency (sources report).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RevenueCell {
    /// The group's value.
    pub group: Option<String>,
    /// ISO currency code.
    pub currency: String,
    /// Deals won.
    pub won: u64,
    /// Sum of their amounts, minor units.
    pub amount_minor: i64,
}

/// A lead created in the period and its first call, email, meeting or demo.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FirstContact {
    /// The group's value.
    pub group: Option<String>,
    /// When the lead was created.
    pub created_at: chrono::DateTime<chrono::Utc>,
    /// Its first contact, if any.
    pub first_at: Option<chrono::DateTime<chrono::Utc>>,
}

/// Durations in whole seconds of one group's records.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GroupSeconds {
    /// The group's value.
    pub group: Option<String>,
    /// The durations, in no particular order.
    pub seconds: Vec<i64>,
}

/// Activities of one owner and kind in the period.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActivityCell {
    /// The owner (user id), none for unowned activities.
    pub owner: Option<String>,
    /// `call`, `email`, `meeting`, `demo` or `note`.
    pub kind: String,
    /// How many.
    pub count: u64,
}

/// `part / whole`, none when `whole` is zero.
pub fn rate(part: u64, whole: u64) -> Option<f64> {
    (whole > 0).then(|| part as f64 / whole as f64)
}

/// Median, 25th and 75th percentile of a distribution.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Quartiles {
    /// 25th percentile (nearest rank).
    pub p25: i64,
    /// Median (mean of the two middle values when the count is even, rounded down).
    pub median: i64,
    /// 75th percentile (nearest rank).
    pub p75: i64,
    /// How many values.
    pub count: usize,
}

/// The median of `values` (mean of the two middle ones, rounded down), none when empty.
pub fn median(values: &mut [i64]) -> Option<i64> {
    if values.is_empty() {
        return None;
    }
    values.sort_unstable();
    let n = values.len();
    Some(if n % 2 == 1 {
        values[n / 2]
    } else {
        (values[n / 2 - 1] + values[n / 2]).div_euclid(2)
    })
}

/// Quartiles of `values`, none when empty. Percentiles use the nearest rank: the value at
/// position ceil(p x n) in sorted order.
pub fn quartiles(values: &mut [i64]) -> Option<Quartiles> {
    let median = median(values)?;
    let n = values.len();
    let rank = |p: usize| values[(p * n).div_ceil(100).max(1) - 1];
    Some(Quartiles {
        p25: rank(25),
        median,
        p75: rank(75),
        count: n,
    })
}

/// `numerator / denominator` rounded half away from zero (amount averages, weighting).
pub fn div_round(numerator: i64, denominator: i64) -> i64 {
    if denominator == 0 {
        return 0;
    }
    let (q, r) = (numerator / denominator, numerator % denominator);
    if 2 * r.abs() >= denominator.abs() {
        q + numerator.signum() * denominator.signum()
    } else {
        q
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn medians_and_quartiles_follow_their_definitions() {
        assert_eq!(median(&mut []), None);
        assert_eq!(median(&mut [5, 1, 3]), Some(3));
        assert_eq!(median(&mut [4, 1, 3, 2]), Some(2));
        let q = quartiles(&mut [10, 20, 30, 40, 50, 60, 70, 80]).expect("values");
        assert_eq!((q.p25, q.median, q.p75, q.count), (20, 45, 60, 8));
        let one = quartiles(&mut [7]).expect("one");
        assert_eq!((one.p25, one.median, one.p75), (7, 7, 7));
    }

    #[test]
    fn rates_and_rounding() {
        let c = FunnelCounts {
            leads: 4,
            prospects: 2,
            opportunities: 0,
            ..FunnelCounts::default()
        };
        assert_eq!(c.rates(), [Some(0.5), Some(0.0), None]);
        assert_eq!(div_round(250, 100), 3);
        assert_eq!(div_round(249, 100), 2);
        assert_eq!(div_round(7, 0), 0);
    }
}
