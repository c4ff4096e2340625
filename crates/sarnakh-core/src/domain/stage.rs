//! Pipeline stages are data: a key, a display name (with per-language labels), a win
//! probability, a kind and, once retired, when. The default set follows the source articles
//! (early stages win 10-20 %, late ones 80 %). Editing the set: `stage_settings.rs`.

use super::forecast::ForecastCategory;
use super::lifecycle::str_enum;
use chrono::{DateTime, Utc};
use std::collections::BTreeMap;

str_enum!(
    /// Whether a stage is a working stage or a closing one.
    StageKind {
        /// The deal is still being worked.
        Open = "open",
        /// Closed won.
        Won = "won",
        /// Closed lost.
        Lost = "lost",
    }
);

/// One column of the pipeline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PipelineStage {
    /// Stable key, e.g. `proposal`.
    pub key: String,
    /// Display name.
    pub name: String,
    /// Win probability in percent, 0-100.
    pub probability: u8,
    /// Order on the board.
    pub position: i32,
    /// Open, won or lost.
    pub kind: StageKind,
    /// The forecast category of its deals unless their owner says otherwise.
    pub forecast_category: ForecastCategory,
    /// Display names by language (`fa`, `ro` ...); `name` is the fallback.
    pub labels: BTreeMap<String, String>,
    /// When it was retired: no deal enters it any more, those in it stay until moved.
    pub retired_at: Option<DateTime<Utc>>,
}

impl PipelineStage {
    /// The name to show in `locale`, falling back to `name`.
    pub fn label(&self, locale: &str) -> &str {
        self.labels.get(locale).map_or(&self.name, String::as_str)
    }

    /// Whether a deal may start in or move into this stage (open and not retired).
    pub fn accepts_deals(&self) -> bool {
        self.kind == StageKind::Open && self.retired_at.is_none()
    }
}

/// The stages a new installation starts with.
pub fn default_stages() -> Vec<PipelineStage> {
    [
        ("qualify", "Qualify", 10, StageKind::Open),
        ("discovery", "Discovery", 20, StageKind::Open),
        ("demo", "Demo", 40, StageKind::Open),
        ("proposal", "Proposal", 60, StageKind::Open),
        ("negotiation", "Negotiation", 80, StageKind::Open),
        ("won", "Won", 100, StageKind::Won),
        ("lost", "Lost", 0, StageKind::Lost),
    ]
    .into_iter()
    .zip(1..)
    .map(|((key, name, probability, kind), position)| PipelineStage {
        key: key.into(),
        name: name.into(),
        probability,
        position,
        kind,
        forecast_category: match kind {
            StageKind::Won => ForecastCategory::Closed,
            StageKind::Lost => ForecastCategory::Omitted,
            StageKind::Open => ForecastCategory::default_for_probability(probability),
        },
        labels: BTreeMap::new(),
        retired_at: None,
    })
    .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_stages_have_one_won_one_lost_and_rising_probabilities() {
        let stages = default_stages();
        let open: Vec<u8> = stages
            .iter()
            .filter(|s| s.kind == StageKind::Open)
            .map(|s| s.probability)
            .collect();
        assert!(open.windows(2).all(|w| w[0] < w[1]), "{open:?}");
        assert_eq!(
            stages.iter().filter(|s| s.kind == StageKind::Won).count(),
            1
        );
        assert_eq!(
            stages.iter().filter(|s| s.kind == StageKind::Lost).count(),
            1
        );
    }
}
