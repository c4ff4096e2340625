//! Helpers of the experiment conformance behaviours: the plain recount of the report.

use crate::Fixture;
use sarnakh_core::domain::FormId;
use sarnakh_core::domain::Lead;
use sarnakh_core::domain::experiment::{Experiment, LeadOrigin};
use sarnakh_core::service::Actor;
use std::collections::HashMap;

/// A lead as last returned, and when its deal was won (if it was).
pub(crate) struct Tracked {
    pub lead: Lead,
    pub won_at: Option<chrono::DateTime<chrono::Utc>>,
}

/// Per variant key: exposed leads and their prospects, opportunities and won, counted with
/// plain loops (the variant from the domain rule; steps at or after the assignment).
pub(crate) fn recount(
    x: &Experiment,
    all: &[Tracked],
    actor: &Actor,
    form: FormId,
    explicit_at: Option<chrono::DateTime<chrono::Utc>>,
) -> HashMap<String, (u64, [u64; 3])> {
    let mut out: HashMap<String, (u64, [u64; 3])> = HashMap::new();
    for t in all.iter().filter(|t| actor.sees_lead(&t.lead)) {
        let l = &t.lead;
        let started = x.started_at.expect("started");
        let at = if l.created_at >= started {
            l.created_at
        } else {
            match explicit_at {
                Some(at) => at,
                None => continue,
            }
        };
        let from_form = l.fields.source.as_str() == "web_form";
        let origin = LeadOrigin::of(l, from_form.then_some(form));
        let Some(v) = x.variant_for(&origin) else {
            continue;
        };
        let after =
            |t: Option<chrono::DateTime<chrono::Utc>>| u64::from(t.is_some_and(|t| t >= at));
        let e = out.entry(v.key.clone()).or_default();
        e.0 += 1;
        e.1[0] += after(l.qualified_at);
        e.1[1] += after(l.converted_at);
        e.1[2] += after(t.won_at);
    }
    out
}

pub(crate) trait Now {
    fn clock_now(&self) -> chrono::DateTime<chrono::Utc>;
}

impl Now for Fixture {
    fn clock_now(&self) -> chrono::DateTime<chrono::Utc> {
        use sarnakh_core::clock::Clock;
        self.clock.now()
    }
}
