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

    /// The name set for `locale`, unless it is missing, blank or only the default English
    /// name again; `None` tells the caller to name the stage itself.
    pub fn own_label(&self, locale: &str) -> Option<&str> {
        let default = default_name(&self.key);
        self.labels
            .get(locale)
            .map(String::as_str)
            .filter(|l| !l.trim().is_empty() && Some(*l) != default)
    }

    /// Whether the stage still has the English name it started with (a default stage never
    /// renamed), so that its name in another language may come from the interface's texts.
    pub fn has_default_name(&self) -> bool {
        default_name(&self.key) == Some(self.name.as_str())
    }

    /// Whether a deal may start in or move into this stage (open and not retired).
    pub fn accepts_deals(&self) -> bool {
        self.kind == StageKind::Open && self.retired_at.is_none()
    }
}

/// The stages a new installation starts with: key, English name, probability, kind.
const DEFAULTS: [(&str, &str, u8, StageKind); 7] = [
    ("qualify", "Qualify", 10, StageKind::Open),
    ("discovery", "Discovery", 20, StageKind::Open),
    ("demo", "Demo", 40, StageKind::Open),
    ("proposal", "Proposal", 60, StageKind::Open),
    ("negotiation", "Negotiation", 80, StageKind::Open),
    ("won", "Won", 100, StageKind::Won),
    ("lost", "Lost", 0, StageKind::Lost),
];

/// The English name the default stage `key` started with; `None` for a stage added later.
pub fn default_name(key: &str) -> Option<&'static str> {
    DEFAULTS.iter().find(|d| d.0 == key).map(|d| d.1)
}

/// The stages a new installation starts with.
pub fn default_stages() -> Vec<PipelineStage> {
    DEFAULTS
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
    fn a_default_stage_has_no_own_label_until_one_is_set() {
        let mut demo = default_stages().remove(2);
        assert!(demo.has_default_name());
        assert_eq!(demo.own_label("fa"), None);
        demo.labels.insert("fa".into(), "Demo".into());
        demo.labels.insert("ro".into(), "Demonstrație".into());
        assert_eq!(
            demo.own_label("fa"),
            None,
            "the English name again is no label"
        );
        assert_eq!(demo.own_label("ro"), Some("Demonstrație"));
        demo.name = "Product demo".into();
        assert!(!demo.has_default_name());
    }

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
