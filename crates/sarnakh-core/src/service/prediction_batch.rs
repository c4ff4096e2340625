//! Every open deal's win probability at once: after each training and on the rescoring
//! schedule, the model in force predicts each open deal from the same facts as a single
//! prediction (its lead's fields, engagement, product and stage) and the store keeps it on
//! the deal, so the pipeline report can weight by it in one aggregate query.

use super::{Actor, Services};
use crate::domain::win::RecordFacts;
use crate::domain::{LeadId, OpportunityStatus, PageRequest};
use crate::error::{Error, Result};
use crate::store::OpportunityFilter;
use std::collections::HashMap;

/// Open deals predicted per store round trip.
const BATCH: u32 = crate::domain::page::MAX_LIMIT;

/// A probability 0..1 in basis points.
pub fn basis_points(p: f64) -> u16 {
    (p.clamp(0.0, 1.0) * 10_000.0).round() as u16
}

impl Services {
    /// Predicts and stores every open deal's win probability with the model in force.
    /// Returns how many deals were predicted (0 when there is no model yet). Sales managers
    /// and admins (and the schedule).
    pub async fn predict_open_deals(&self, actor: &Actor) -> Result<usize> {
        actor.require_write()?;
        actor.require_override().map_err(|_| {
            Error::Forbidden("only a sales manager or an admin may predict every deal".into())
        })?;
        let Some(model) = self.store.current_win_model().await? else {
            return Ok(0);
        };
        let filter = OpportunityFilter {
            status: Some(OpportunityStatus::Open),
            ..OpportunityFilter::default()
        };
        let mut after = None;
        let mut done = 0;
        loop {
            let page = self
                .store
                .list_opportunities(&filter, &PageRequest::new(Some(BATCH), after))
                .await?;
            let lead_ids: Vec<LeadId> = page.items.iter().filter_map(|o| o.lead_id).collect();
            let leads: HashMap<LeadId, _> = self
                .store
                .get_leads(&lead_ids)
                .await?
                .into_iter()
                .map(|l| (l.id, l))
                .collect();
            let mut engagement = self.store.engagement(&lead_ids).await?;
            let rows: Vec<_> = page
                .items
                .iter()
                .map(|o| {
                    let lead = o.lead_id.and_then(|id| leads.get(&id));
                    let mut facts = RecordFacts::of_opportunity(o, lead);
                    if let Some(e) = o.lead_id.and_then(|id| engagement.remove(&id)) {
                        facts.engagement = e;
                    }
                    let p = model.model.predict(&facts.features()).probability;
                    (o.id, basis_points(p))
                })
                .collect();
            self.store.set_win_predictions(&rows, model.version).await?;
            done += rows.len();
            match page.next {
                Some(next) => after = Some(next),
                None => return Ok(done),
            }
        }
    }
}
