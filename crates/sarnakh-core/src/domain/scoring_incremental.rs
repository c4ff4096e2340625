//! Rescoring a lead after new engagement events without reading its whole history: the
//! points of a rule without decay follow from the lead's previous breakdown and the new
//! events alone; the points of a decaying rule depend on when each matching event happened,
//! so they are recomputed from the lead's events of the decaying kinds. The result is exactly
//! what [`ScoringRules::score_with`] gives over all the lead's events; this module must not
//! approximate (no stored partial sums, no float shortcuts).

use super::{BehaviourRule, LeadScore, ScoringRules};
use crate::domain::event::{EngagementEvent, EventKind};
use crate::domain::lead::Lead;
use chrono::{DateTime, Utc};

impl ScoringRules {
    /// The event kinds of the behaviour rules whose points decay (a rescore needs the lead's
    /// events of these kinds), without repeats.
    pub fn decaying_kinds(&self) -> Vec<EventKind> {
        let mut kinds: Vec<EventKind> = self
            .behaviour
            .iter()
            .filter(|r| r.half_life_days.is_some())
            .filter_map(|r| EventKind::parse(&r.event))
            .collect();
        kinds.sort_by_key(|k| k.as_str());
        kinds.dedup();
        kinds
    }

    /// Scores `lead` as of `now` after it got the `new` events, from its previous breakdown
    /// (`lead.score_lines`) and `decaying`: all its events (the new ones included) of the
    /// [`Self::decaying_kinds`], oldest first (by time, then id), as the store returns them.
    ///
    /// Equal to [`Self::score_with`] over all the lead's events as long as the previous
    /// breakdown was computed by these rules over its events before `new`. `None` when the
    /// breakdown cannot be one these rules gave (the rules changed, or it was never scored
    /// with its events): the caller then rescores from every event.
    pub fn score_after(
        &self,
        lead: &Lead,
        new: &[EngagementEvent],
        decaying: &[EngagementEvent],
        now: DateTime<Utc>,
    ) -> Option<LeadScore> {
        let points = self
            .behaviour
            .iter()
            .map(|rule| match rule.half_life_days {
                Some(_) => Some(rule.points_for(decaying, now)),
                None => {
                    let previous = lead
                        .score_lines
                        .iter()
                        .find(|l| l.code == rule.code)
                        .map_or(0, |l| l.points);
                    rule.points_after(previous, new)
                }
            })
            .collect::<Option<Vec<i32>>>()?;
        Some(self.assemble(lead, points.into_iter()))
    }
}

impl BehaviourRule {
    /// The points of a rule without decay after the `new` events, from the points it gave
    /// before; `None` when `previous` is not a multiple of the points (nor the cap).
    fn points_after(&self, previous: i32, new: &[EngagementEvent]) -> Option<i32> {
        debug_assert!(self.half_life_days.is_none(), "only rules without decay");
        let step = i64::from(self.points);
        let at_cap = self
            .cap
            .is_some_and(|cap| i64::from(previous) == step.signum() * i64::from(cap));
        if at_cap {
            // Every event adds points of the same sign: the sum only moves away from the cap.
            return Some(previous);
        }
        let before = i64::from(previous);
        let outside_cap = self.cap.is_some_and(|cap| before.abs() > i64::from(cap));
        if before % step != 0 || before / step < 0 || outside_cap {
            return None;
        }
        let matches = self.matcher();
        let added = new.iter().filter(|e| matches(e)).count();
        let count = before / step + i64::try_from(added).ok()?;
        // `points_for` sums whole points (exact in f64), rounds and converts saturating.
        let total = i32::try_from(step.saturating_mul(count)).unwrap_or(if step > 0 {
            i32::MAX
        } else {
            i32::MIN
        });
        Some(match self.cap {
            Some(cap) if total > cap => cap,
            Some(cap) if total < -cap => -cap,
            _ => total,
        })
    }
}
